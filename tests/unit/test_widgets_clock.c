/* Wall-time helpers of the clock and countdown plugins: Japanese eras, the format pattern,
 * ISO 8601 parsing, local calendar days. The plugin's source is compiled in directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wallclock.h"

static void use_zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static int setup_tokyo(void **state)
{
    (void)state;
    use_zone("Asia/Tokyo");
    return 0;
}

static kzw_us at(const char *iso)
{
    kzw_us t = 0;
    if (kzw_iso_parse(iso, &t) != 0)
        fail_msg("cannot parse %s", iso);
    return t;
}

/* Format the local time of an ISO instant. */
static const char *fmt_at(const char *pattern, const char *iso)
{
    static char out[256];
    struct tm tm;
    kzw_local_tm(at(iso), &tm);
    if (kzw_format(pattern, &tm, out, sizeof out) < 0)
        fail_msg("format %s failed", pattern);
    return out;
}

#define ERA_PATTERN "%EY%-m月%-d日(%Ja) %H:%M"

static void test_era_boundaries(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        const char *name;
        int year;
    } cases[] = {
        {2019, 4, 30, "平成", 31}, {2019, 5, 1, "令和", 1},   {2025, 2, 1, "令和", 7},
        {1989, 1, 7, "昭和", 64},  {1989, 1, 8, "平成", 1},   {1926, 12, 24, "大正", 15},
        {1926, 12, 25, "昭和", 1}, {1912, 7, 29, "明治", 45}, {1912, 7, 30, "大正", 1},
        {1868, 10, 23, "明治", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *name = NULL;
        int y = 0;
        assert_int_equal(kzw_era_of(cases[i].y, cases[i].m, cases[i].d, &name, &y), 0);
        assert_string_equal(name, cases[i].name);
        assert_int_equal(y, cases[i].year);
    }
    const char *name = "x";
    int y = 0;
    assert_int_equal(kzw_era_of(1868, 10, 22, &name, &y), -1);
    assert_null(name);
}

static void test_era_format(void **state)
{
    (void)state;
    assert_string_equal(fmt_at(ERA_PATTERN, "2025-02-01T10:30:00+09:00"),
                        "令和7年2月1日(土) 10:30");
    /* 元年: the first year of an era */
    assert_string_equal(fmt_at(ERA_PATTERN, "2019-05-01T00:00:00+09:00"),
                        "令和元年5月1日(水) 00:00");
    assert_string_equal(fmt_at(ERA_PATTERN, "2019-04-30T23:59:59+09:00"),
                        "平成31年4月30日(火) 23:59");
    assert_string_equal(fmt_at("%EC|%Ey|%EY", "2019-06-01T12:00+09:00"), "令和|元|令和元年");
    assert_string_equal(fmt_at("%EC|%Ey|%EY", "2020-06-01T12:00+09:00"), "令和|2|令和2年");
    /* year end: 元年 -> 2年 */
    assert_string_equal(fmt_at(ERA_PATTERN, "2019-12-31T23:59:00+09:00"),
                        "令和元年12月31日(火) 23:59");
    assert_string_equal(fmt_at(ERA_PATTERN, "2020-01-01T00:00:00+09:00"),
                        "令和2年1月1日(水) 00:00");
    /* month ends, leap day */
    assert_string_equal(fmt_at(ERA_PATTERN, "2025-01-31T23:59:59+09:00"),
                        "令和7年1月31日(金) 23:59");
    assert_string_equal(fmt_at(ERA_PATTERN, "2025-02-28T23:59:59+09:00"),
                        "令和7年2月28日(金) 23:59");
    assert_string_equal(fmt_at(ERA_PATTERN, "2025-03-01T00:00:00+09:00"),
                        "令和7年3月1日(土) 00:00");
    assert_string_equal(fmt_at(ERA_PATTERN, "2024-02-29T08:05:00+09:00"),
                        "令和6年2月29日(木) 08:05");
    /* the instant is shown in the player's zone, whatever offset it was written with */
    assert_string_equal(fmt_at(ERA_PATTERN, "2025-01-31T15:00:00Z"), "令和7年2月1日(土) 00:00");
    /* before Meiji: no era name, the Gregorian year */
    assert_string_equal(fmt_at("%EY", "1850-06-01T00:00+09:00"), "1850年");
}

static void test_strftime_like(void **state)
{
    (void)state;
    const char *iso = "2025-02-03T09:05:07+09:00";
    assert_string_equal(fmt_at("%Y-%m-%d %H:%M:%S", iso), "2025-02-03 09:05:07");
    assert_string_equal(fmt_at("%F %T", iso), "2025-02-03 09:05:07");
    assert_string_equal(fmt_at("%R", iso), "09:05");
    assert_string_equal(fmt_at("%-m/%-d %-H:%M %y", iso), "2/3 9:05 25");
    assert_string_equal(fmt_at("%a %A %b %B", iso), "Mon Monday Feb February");
    assert_string_equal(fmt_at("%Ja %JA", iso), "月 月曜日");
    assert_string_equal(fmt_at("100%% %n!", iso), "100% \n!");
    assert_string_equal(fmt_at("plain", iso), "plain");
    assert_string_equal(fmt_at("%Y年%-m月%-d日", "2025-12-31T23:00+09:00"), "2025年12月31日");
}

static void test_format_check(void **state)
{
    (void)state;
    const char *bad = NULL;
    int sec = -1;
    assert_int_equal(kzw_format_check(ERA_PATTERN, &bad, &sec), 0);
    assert_int_equal(sec, 0);
    assert_int_equal(kzw_format_check("%H:%M:%S", NULL, &sec), 0);
    assert_int_equal(sec, 1);
    assert_int_equal(kzw_format_check("%T", NULL, &sec), 0);
    assert_int_equal(sec, 1);
    static const char *const bads[] = {"%Q", "ab%", "%E", "%Ex", "%J", "%Jx", "%-a", "%-"};
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        bad = NULL;
        assert_int_equal(kzw_format_check(bads[i], &bad, NULL), -1);
        assert_non_null(bad);
        assert_int_equal(*bad, '%');
        struct tm tm;
        char out[32];
        kzw_local_tm(0, &tm);
        assert_int_equal(kzw_format(bads[i], &tm, out, sizeof out), -1);
    }
    const char *p = "ok %Y then %Z";
    assert_int_equal(kzw_format_check(p, &bad, NULL), -1);
    assert_ptr_equal(bad, p + 11);
}

static void test_format_truncates_on_utf8_boundary(void **state)
{
    (void)state;
    struct tm tm;
    char out[8]; /* "令和" is 6 bytes; the next "7" fits, "年" (3 bytes) does not */
    kzw_local_tm(at("2025-02-01T00:00+09:00"), &tm);
    int n = kzw_format("%EY", &tm, out, sizeof out);
    assert_int_equal(n, 7);
    assert_string_equal(out, "令和7");
    char tiny[3];
    n = kzw_format("令和", &tm, tiny, sizeof tiny);
    assert_int_equal(n, 0);
    assert_string_equal(tiny, "");
}

static void test_iso_parse(void **state)
{
    (void)state;
    kzw_us t = 0;
    assert_int_equal(kzw_iso_parse("1970-01-01T00:00:00Z", &t), 0);
    assert_true(t == 0);
    assert_int_equal(kzw_iso_parse("2025-01-27T15:10+09:00", &t), 0);
    assert_true(t == INT64_C(1737958200) * KZW_US_PER_S);
    /* the same instant written other ways */
    static const char *const same[] = {"2025-01-27T15:10:00+09:00", "2025-01-27T06:10:00Z",
                                       "2025-01-27 15:10:00+0900", "2025-01-27T15:10+09",
                                       "2025-01-27T15:10", /* local (Asia/Tokyo) */
                                       "  2025-01-27T15:10:00.000+09:00 "};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        kzw_us u = -1;
        assert_int_equal(kzw_iso_parse(same[i], &u), 0);
        assert_true(u == t);
    }
    assert_int_equal(kzw_iso_parse("2025-01-27T15:10:00.25+09:00", &t), 0);
    assert_true(t == INT64_C(1737958200) * KZW_US_PER_S + 250000);
    /* a bare date: local midnight */
    assert_int_equal(kzw_iso_parse("2025-02-01", &t), 0);
    assert_true(t == INT64_C(1738335600) * KZW_US_PER_S);
    static const char *const bad[] = {"", "2025", "2025-02-30", "2025-13-01", "2025-01-27T24:00",
                                      "2025-01-27T15:60", "2025-01-27T15:10+9",
                                      "2025-01-27T15:10+09:00 extra", "27/01/2025",
                                      "2025-01-27T15:10:00.", "2023-02-29"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kzw_us u = 42;
        if (kzw_iso_parse(bad[i], &u) != -1)
            fail_msg("\"%s\" should not parse", bad[i]);
        assert_true(u == 42);
    }
    assert_int_equal(kzw_iso_parse(NULL, &t), -1);
}

static void test_civil_days(void **state)
{
    (void)state;
    assert_true(kzw_days_from_civil(1970, 1, 1) == 0);
    assert_true(kzw_days_from_civil(1969, 12, 31) == -1);
    assert_true(kzw_days_from_civil(2000, 3, 1) - kzw_days_from_civil(2000, 2, 28) == 2);
    assert_true(kzw_days_from_civil(2100, 3, 1) - kzw_days_from_civil(2100, 2, 28) == 1);
    assert_true(kzw_date_valid(2024, 2, 29));
    assert_false(kzw_date_valid(2025, 2, 29));
    assert_false(kzw_date_valid(2025, 4, 31));
    assert_false(kzw_date_valid(2025, 0, 1));
}

static void test_local_days_between(void **state)
{
    (void)state;
    /* calendar days, not 24-hour periods */
    assert_true(kzw_local_days_between(at("2025-01-26T23:59:59+09:00"),
                                       at("2025-01-27T00:00:00+09:00")) == 1);
    assert_true(kzw_local_days_between(at("2025-01-24T10:00+09:00"),
                                       at("2025-01-27T15:10+09:00")) == 3);
    assert_true(kzw_local_days_between(at("2025-01-27T00:00+09:00"),
                                       at("2025-01-27T23:59+09:00")) == 0);
    assert_true(kzw_local_days_between(at("2025-01-27T15:10+09:00"),
                                       at("2025-01-20T15:10+09:00")) == -7);
    /* UTC midnight is 09:00 in Tokyo: the local day decides */
    assert_true(kzw_local_days_between(at("2025-01-26T14:59:59Z"),
                                       at("2025-01-26T15:00:00Z")) == 1);
    /* across a DST change (Berlin, 2025-03-30 has 23 hours) */
    use_zone("Europe/Berlin");
    assert_true(kzw_local_days_between(at("2025-03-29T12:00"), at("2025-03-31T00:30")) == 2);
    assert_true(kzw_local_days_between(at("2025-03-30T00:30"), at("2025-03-30T23:30")) == 0);
    assert_true(kzw_local_next_midnight(at("2025-03-30T01:00")) == at("2025-03-31T00:00"));
    assert_true(at("2025-03-31T00:00") - at("2025-03-30T00:00") == INT64_C(23) * 3600 *
                                                                      KZW_US_PER_S);
    use_zone("Asia/Tokyo");
    assert_true(kzw_local_next_midnight(at("2025-01-27T15:30+09:00")) ==
                at("2025-01-28T00:00+09:00"));
    assert_true(kzw_local_next_midnight(at("2025-12-31T00:00+09:00")) ==
                at("2026-01-01T00:00+09:00"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_era_boundaries, setup_tokyo),
        cmocka_unit_test_setup(test_era_format, setup_tokyo),
        cmocka_unit_test_setup(test_strftime_like, setup_tokyo),
        cmocka_unit_test_setup(test_format_check, setup_tokyo),
        cmocka_unit_test_setup(test_format_truncates_on_utf8_boundary, setup_tokyo),
        cmocka_unit_test_setup(test_iso_parse, setup_tokyo),
        cmocka_unit_test_setup(test_civil_days, setup_tokyo),
        cmocka_unit_test_setup(test_local_days_between, setup_tokyo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
