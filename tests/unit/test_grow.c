/* kz_grow: the capacity step of every growable array in the player. */
#include <stdint.h>
#include <stdlib.h>

#include "base/grow.h"
#include "kz_test.h"

static void test_grow_doubles_from_first(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(kz_grow(&v, &cap, 1, sizeof *v, 8), 0);
    assert_non_null(v);
    assert_int_equal(cap, 8);
    for (size_t n = 0; n < 1000; n++) {
        assert_int_equal(kz_grow(&v, &cap, n + 1, sizeof *v, 8), 0);
        v[n] = (int)n; /* ASan catches a capacity that is short */
    }
    assert_int_equal(cap, 1024);
    for (size_t n = 0; n < 1000; n++)
        assert_int_equal(v[n], (int)n);
    free(v);
}

static void test_grow_no_change_when_room(void **state)
{
    (void)state;
    char *v = NULL;
    size_t cap = 0;
    assert_int_equal(kz_grow(&v, &cap, 3, 1, 4), 0);
    char *before = v;
    assert_int_equal(kz_grow(&v, &cap, 4, 1, 4), 0);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 4);
    /* a jump past twice the capacity reaches need in one call */
    assert_int_equal(kz_grow(&v, &cap, 100, 1, 4), 0);
    assert_int_equal(cap, 128);
    free(v);
}

static void test_grow_overflow_leaves_array(void **state)
{
    (void)state;
    double *v = NULL;
    size_t cap = 0;
    assert_int_equal(kz_grow(&v, &cap, 2, sizeof *v, 2), 0);
    double *before = v;
    assert_int_equal(kz_grow(&v, &cap, SIZE_MAX / 4, sizeof *v, 2), -1);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 2);
    assert_int_equal(kz_grow(&v, &cap, SIZE_MAX, 1, 2), -1);
    assert_int_equal(cap, 2);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow_doubles_from_first),
        cmocka_unit_test(test_grow_no_change_when_room),
        cmocka_unit_test(test_grow_overflow_leaves_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
