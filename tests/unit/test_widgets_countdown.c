/* Countdown plugin logic: phase selection and template expansion, with the handprint
 * unveiling of 2025-01-27 15:10-15:30 (Asia/Tokyo) as the example. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/countdown/phase.h"
#include "wallclock.h"

static kzw_us at(const char *iso)
{
    kzw_us t = 0;
    if (kzw_iso_parse(iso, &t) != 0)
        fail_msg("cannot parse %s", iso);
    return t;
}

static int setup_tokyo(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    return 0;
}

/* The unveiling with every phase: after text until the next local midnight. */
static kzw_countdown unveiling(void)
{
    kzw_countdown cd;
    cd.target = at("2025-01-27T15:10:00+09:00");
    cd.end = at("2025-01-27T15:30:00+09:00");
    cd.after_until = kzw_local_next_midnight(cd.end);
    cd.has_today = 1;
    return cd;
}

static const char *expand(const char *tmpl, const kzw_countdown *cd, const char *iso)
{
    static char out[256];
    if (kzw_countdown_expand(tmpl, cd, at(iso), out, sizeof out) < 0)
        fail_msg("expand %s failed", tmpl);
    return out;
}

static void test_phases(void **state)
{
    (void)state;
    kzw_countdown cd = unveiling();
    static const struct {
        const char *iso;
        int phase;
    } cases[] = {
        {"2025-01-20T10:00:00+09:00", KZW_CD_BEFORE},
        {"2025-01-26T23:59:59+09:00", KZW_CD_BEFORE},
        {"2025-01-27T00:00:00+09:00", KZW_CD_TODAY},
        {"2025-01-27T15:09:59.999+09:00", KZW_CD_TODAY},
        {"2025-01-27T15:10:00+09:00", KZW_CD_DURING},
        {"2025-01-27T15:29:59.999+09:00", KZW_CD_DURING},
        {"2025-01-27T15:30:00+09:00", KZW_CD_AFTER},
        {"2025-01-27T23:59:59+09:00", KZW_CD_AFTER},
        {"2025-01-28T00:00:00+09:00", KZW_CD_FINISHED},
        {"2025-02-03T12:00:00+09:00", KZW_CD_FINISHED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int p = kzw_countdown_phase(&cd, at(cases[i].iso));
        if (p != cases[i].phase)
            fail_msg("%s: phase %d, expected %d", cases[i].iso, p, cases[i].phase);
    }
}

static void test_phases_without_optional_parts(void **state)
{
    (void)state;
    kzw_countdown cd = unveiling();
    /* no after text: finished as soon as the event ends */
    cd.after_until = KZW_CD_NONE;
    assert_int_equal(kzw_countdown_phase(&cd, at("2025-01-27T15:29:59+09:00")), KZW_CD_DURING);
    assert_int_equal(kzw_countdown_phase(&cd, at("2025-01-27T15:30:00+09:00")),
                     KZW_CD_FINISHED);
    /* no end: the event is an instant, there is no during phase */
    cd.end = KZW_CD_NONE;
    assert_int_equal(kzw_countdown_phase(&cd, at("2025-01-27T15:10:00+09:00")),
                     KZW_CD_FINISHED);
    cd.after_until = at("2025-01-27T18:00+09:00");
    assert_int_equal(kzw_countdown_phase(&cd, at("2025-01-27T15:10:00+09:00")), KZW_CD_AFTER);
    assert_int_equal(kzw_countdown_phase(&cd, at("2025-01-27T18:00:00+09:00")),
                     KZW_CD_FINISHED);
    /* no today text: the day itself stays in the before phase */
    cd = unveiling();
    cd.has_today = 0;
    assert_int_equal(kzw_countdown_phase(&cd, at("2025-01-27T09:00+09:00")), KZW_CD_BEFORE);
    assert_string_equal(expand("あと{days}日", &cd, "2025-01-27T09:00+09:00"), "あと0日");
}

static void test_days_are_calendar_days(void **state)
{
    (void)state;
    kzw_countdown cd = unveiling();
    const char *t = "除幕式まであと{days}日";
    assert_string_equal(expand(t, &cd, "2025-01-24T10:00+09:00"), "除幕式まであと3日");
    /* 16 hours before, but the event is tomorrow */
    assert_string_equal(expand(t, &cd, "2025-01-26T23:00+09:00"), "除幕式まであと1日");
    assert_string_equal(expand(t, &cd, "2025-01-26T00:00+09:00"), "除幕式まであと1日");
    assert_string_equal(expand(t, &cd, "2025-01-25T23:59:59+09:00"), "除幕式まであと2日");
    assert_string_equal(expand(t, &cd, "2024-12-27T15:10+09:00"), "除幕式まであと31日");
    /* never negative once it has started */
    assert_string_equal(expand(t, &cd, "2025-01-27T16:00+09:00"), "除幕式まであと0日");
    /* in a zone with DST, a 23-hour day still counts as one day */
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    kzw_countdown b;
    b.target = at("2025-03-31T10:00");
    b.end = KZW_CD_NONE;
    b.after_until = KZW_CD_NONE;
    b.has_today = 1;
    assert_string_equal(expand("{days}", &b, "2025-03-29T11:00"), "2");
    assert_string_equal(expand("{days}", &b, "2025-03-30T23:59"), "1");
    assert_int_equal(kzw_countdown_phase(&b, at("2025-03-31T00:00")), KZW_CD_TODAY);
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
}

static void test_time_placeholders(void **state)
{
    (void)state;
    kzw_countdown cd = unveiling();
    const char *now = "2025-01-27T09:00+09:00";
    assert_string_equal(expand("本日{hh}時{mm}分から", &cd, now), "本日15時10分から");
    assert_string_equal(expand("{month}月{day}日({wday}) {h}:{mm}-{end_h}:{end_mm}", &cd, now),
                        "1月27日(月) 15:10-15:30");
    assert_string_equal(expand("あと{left_h}時間{left_m}分", &cd, now), "あと6時間10分");
    /* rounded up to the second: 1.5 s left shows 2 s; zero-padded variants */
    assert_string_equal(expand("{left_h}:{left_mm}:{left_ss}", &cd, "2025-01-27T15:09:58.5+09:00"),
                        "0:00:02");
    assert_string_equal(expand("{left_m}分{left_s}秒", &cd, "2025-01-27T14:58:00+09:00"),
                        "12分0秒");
    /* during: the time left is counted to the end */
    assert_string_equal(expand("終了まで{left_m}分", &cd, "2025-01-27T15:15+09:00"),
                        "終了まで15分");
    /* after: nothing left */
    assert_string_equal(expand("{left_h}/{left_m}/{left_s}", &cd, "2025-01-27T16:00+09:00"),
                        "0/0/0");
    /* a single-digit hour */
    kzw_countdown early = cd;
    early.target = at("2025-01-27T09:05+09:00");
    assert_string_equal(expand("{h}時{m}分 {hh}:{mm}", &early, now), "9時5分 09:05");
}

static void test_literal_text_and_ruby(void **state)
{
    (void)state;
    kzw_countdown cd = unveiling();
    const char *now = "2025-01-24T10:00+09:00";
    assert_string_equal(expand("{{days}} = {days}", &cd, now), "{days} = 3");
    assert_string_equal(expand("a } b }} c", &cd, now), "a } b } c");
    assert_string_equal(expand("{県庁|けんちょう}まで{days}日", &cd, now),
                        "{県庁|けんちょう}まで3日");
    assert_string_equal(expand("", &cd, now), "");
    /* truncation keeps whole UTF-8 characters */
    char small[8];
    int n = kzw_countdown_expand("あと{days}日です", &cd, at(now), small, sizeof small);
    assert_int_equal(n, 7); /* "あと" (6 bytes) + "3" */
    assert_string_equal(small, "あと3");
    /* a bad placeholder past the truncation point is still an error */
    assert_int_equal(kzw_countdown_expand("あと{days}日{dayz}", &cd, at(now), small, sizeof small),
                     -1);
}

static void test_template_check(void **state)
{
    (void)state;
    const char *bad = NULL;
    size_t len = 0;
    int sec = -1;
    assert_int_equal(kzw_countdown_check("あと{days}日", 0, &bad, &len, &sec), 0);
    assert_int_equal(sec, 0);
    assert_int_equal(kzw_countdown_check("{left_m}:{left_ss}", 0, NULL, NULL, &sec), 0);
    assert_int_equal(sec, 1);
    assert_int_equal(kzw_countdown_check("{end_hh}時まで", 1, NULL, NULL, NULL), 0);
    const char *t = "あと{dayz}日";
    assert_int_equal(kzw_countdown_check(t, 1, &bad, &len, NULL), -1);
    assert_ptr_equal(bad, t + strlen("あと"));
    assert_int_equal(len, strlen("{dayz}"));
    /* end_* needs an end */
    assert_int_equal(kzw_countdown_check("{end_h}", 0, &bad, &len, NULL), -1);
    assert_int_equal(len, strlen("{end_h}"));
    /* unclosed, nested, empty */
    assert_int_equal(kzw_countdown_check("{days", 1, &bad, &len, NULL), -1);
    assert_int_equal(kzw_countdown_check("{da{days}", 1, &bad, &len, NULL), -1);
    assert_int_equal(kzw_countdown_check("{}", 1, &bad, &len, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_phases, setup_tokyo),
        cmocka_unit_test_setup(test_phases_without_optional_parts, setup_tokyo),
        cmocka_unit_test_setup(test_days_are_calendar_days, setup_tokyo),
        cmocka_unit_test_setup(test_time_placeholders, setup_tokyo),
        cmocka_unit_test_setup(test_literal_text_and_ruby, setup_tokyo),
        cmocka_unit_test_setup(test_template_check, setup_tokyo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
