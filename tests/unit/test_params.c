/* Value parsers shared by player.ini, playlists and plugins. */
#include "base/params.h"
#include "kz_test.h"

static void test_colors(void **state)
{
    (void)state;
    unsigned char c[4];
    assert_int_equal(kz_parse_color("#ff8000", c), 0);
    assert_int_equal(c[0], 255);
    assert_int_equal(c[1], 128);
    assert_int_equal(c[2], 0);
    assert_int_equal(c[3], 255);
    assert_int_equal(kz_parse_color("#0f08", c), 0);
    assert_int_equal(c[1], 255);
    assert_int_equal(c[3], 0x88);
    assert_int_equal(kz_parse_color(" White ", c), 0);
    assert_int_equal(c[2], 255);
    assert_int_equal(kz_parse_color("#ff000BBBBBBBBBBBBBB0", c), -1); /* found by the fuzzer */
    assert_int_equal(kz_parse_color("#ggg", c), -1);
    assert_int_equal(kz_parse_color("#12345", c), -1);
    assert_int_equal(kz_parse_color("chartreuse-ish", c), -1);
}

static void test_scalars(void **state)
{
    (void)state;
    int b, w, h, e;
    long l;
    double d;
    assert_int_equal(kz_parse_bool("Yes", &b), 0);
    assert_int_equal(b, 1);
    assert_int_equal(kz_parse_bool("off", &b), 0);
    assert_int_equal(b, 0);
    assert_int_equal(kz_parse_bool("maybe", &b), -1);
    assert_int_equal(kz_parse_size("1920x1080", &w, &h), 0);
    assert_int_equal(w * h, 1920 * 1080);
    assert_int_equal(kz_parse_size("1920x", &w, &h), -1);
    assert_int_equal(kz_parse_size("99999x10", &w, &h), -1);
    assert_int_equal(kz_parse_long(" 42 ", &l), 0);
    assert_int_equal(l, 42);
    assert_int_equal(kz_parse_long("42abc", &l), -1);
    assert_int_equal(kz_parse_double("1e400", &d), -1);
    assert_int_equal(kz_parse_double("nan", &d), -1);
    assert_int_equal(kz_parse_enum("FILL", "fit|fill|stretch", &e), 0);
    assert_int_equal(e, 1);
    assert_int_equal(kz_parse_enum("fi", "fit|fill|stretch", &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_scalars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
