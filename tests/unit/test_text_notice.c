/* The notice plugin's value parsing: durations (for the language interval) and texts (trimmed,
 * "." lines as paragraph breaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/notice/text_value.h"

static void durations(void **state)
{
    (void)state;
    struct {
        const char *s;
        kz_us us; /* -1: refused */
    } c[] = {
        {"15s", 15 * KZ_US_PER_S}, {"1.5s", 1500000}, {"500ms", 500000},
        {"2m", 120 * KZ_US_PER_S}, {"1m30s", 90 * KZ_US_PER_S}, {"1h", 3600 * KZ_US_PER_S},
        {"90", 90 * KZ_US_PER_S}, {"00:01:30", 90 * KZ_US_PER_S}, {"01:30", 90 * KZ_US_PER_S},
        {"", -1}, {"0", -1}, {"-3s", -1}, {"ten seconds", -1}, {"5x", -1}, {"00:00", -1},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        kz_us got = 42;
        int rc = notice_parse_duration(c[i].s, &got);
        if (c[i].us < 0) {
            if (rc == 0)
                print_error("\"%s\" should be refused\n", c[i].s);
            assert_int_equal(rc, -1);
        } else {
            if (rc != 0 || got != c[i].us)
                print_error("\"%s\": rc %d, %lld us\n", c[i].s, rc, (long long)got);
            assert_int_equal(rc, 0);
            assert_true(got == c[i].us);
        }
    }
}

static void texts(void **state)
{
    (void)state;
    char *t = notice_text_dup("  本文\n.\n- 項目\n  .  \n終わり  \n\n");
    assert_non_null(t);
    assert_string_equal(t, "本文\n\n- 項目\n\n終わり");
    free(t);
    assert_null(notice_text_dup("   \n  "));
    assert_null(notice_text_dup(NULL));
    t = notice_text_dup("3.5 km. Done.");
    assert_string_equal(t, "3.5 km. Done."); /* only a line that is a lone "." */
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(durations),
        cmocka_unit_test(texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
