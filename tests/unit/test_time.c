/* Time parsing and local-day arithmetic, including DST zones. */
#include "base/timeutil.h"
#include "kz_test.h"

static void test_iso8601(void **state)
{
    (void)state;
    kz_us t, u;
    kz_tz_set("Asia/Tokyo");
    assert_int_equal(kz_time_parse("2025-01-27T15:10:00+09:00", &t), 0);
    assert_int_equal(t, INT64_C(1737958200) * KZ_US_PER_S);
    assert_int_equal(kz_time_parse("2025-01-27T06:10Z", &u), 0);
    assert_int_equal(t, u);
    assert_int_equal(kz_time_parse("2025-01-27 15:10", &u), 0); /* local (Tokyo) */
    assert_int_equal(t, u);
    assert_int_equal(kz_time_parse("2025-01-27T15:10:00.250+0900", &u), 0);
    assert_int_equal(u - t, 250000);
    assert_int_equal(kz_time_parse("2024-02-29T00:00+09:00", &u), 0); /* leap day */
    /* impossible or malformed */
    assert_int_equal(kz_time_parse("2025-02-29T00:00+09:00", &u), -1);
    assert_int_equal(kz_time_parse("2025-02-30", &u), -1);
    assert_int_equal(kz_time_parse("2025-13-01", &u), -1);
    assert_int_equal(kz_time_parse("2025-01-27T24:00", &u), -1);
    assert_int_equal(kz_time_parse("2025-01-27T15:10+09:00 junk", &u), -1);
    assert_int_equal(kz_time_parse("yesterday", &u), -1);
    assert_int_equal(kz_time_parse("", &u), -1);
}

static void test_format_roundtrip(void **state)
{
    (void)state;
    char buf[64];
    kz_us t;
    kz_tz_set("Asia/Tokyo");
    assert_int_equal(kz_time_parse("2025-02-03T20:30:00+09:00", &t), 0);
    kz_time_format(t, buf, sizeof buf);
    assert_string_equal(buf, "2025-02-03T20:30:00+09:00");
}

static void test_durations(void **state)
{
    (void)state;
    kz_us d;
    assert_int_equal(kz_duration_parse("15", &d), 0);
    assert_int_equal(d, 15 * KZ_US_PER_S);
    assert_int_equal(kz_duration_parse("1m30s", &d), 0);
    assert_int_equal(d, 90 * KZ_US_PER_S);
    assert_int_equal(kz_duration_parse("00:01:30", &d), 0);
    assert_int_equal(d, 90 * KZ_US_PER_S);
    assert_int_equal(kz_duration_parse("1.5s", &d), 0);
    assert_int_equal(d, 1500000);
    assert_int_equal(kz_duration_parse("500ms", &d), 0);
    assert_int_equal(d, 500000);
    assert_int_equal(kz_duration_parse("1h", &d), 0);
    assert_int_equal(d, 3600 * KZ_US_PER_S);
    assert_int_equal(kz_duration_parse("ten", &d), -1);
    assert_int_equal(kz_duration_parse("-5", &d), -1);
    assert_int_equal(kz_duration_parse("5x", &d), -1);
    assert_int_equal(kz_duration_parse("", &d), -1);
}

static void test_local_days_with_dst(void **state)
{
    (void)state;
    kz_us t;
    /* Europe/Berlin springs forward on 2025-03-30: that local day has 23 hours */
    assert_int_equal(kz_tz_set("Europe/Berlin"), 0);
    assert_int_equal(kz_time_parse("2025-03-30T12:00:00+02:00", &t), 0);
    kz_us d0 = kz_local_day_start(t), d1 = kz_local_day_next(t);
    assert_int_equal(d1 - d0, 23 * 3600 * KZ_US_PER_S);
    /* and falls back on 2025-10-26: 25 hours */
    assert_int_equal(kz_time_parse("2025-10-26T12:00:00+01:00", &t), 0);
    assert_int_equal(kz_local_day_next(t) - kz_local_day_start(t), 25 * 3600 * KZ_US_PER_S);
    /* America/New_York, 2025-03-09 */
    assert_int_equal(kz_tz_set("America/New_York"), 0);
    assert_int_equal(kz_time_parse("2025-03-09T12:00:00-04:00", &t), 0);
    assert_int_equal(kz_local_day_next(t) - kz_local_day_start(t), 23 * 3600 * KZ_US_PER_S);
    /* year end */
    assert_int_equal(kz_tz_set("Asia/Tokyo"), 0);
    assert_int_equal(kz_time_parse("2025-12-31T23:59:59+09:00", &t), 0);
    kz_us nx = kz_local_day_next(t), want;
    assert_int_equal(kz_time_parse("2026-01-01T00:00:00+09:00", &want), 0);
    assert_int_equal(nx, want);
    assert_int_equal(kz_tz_set("Mars/Olympus_Mons"), -1);
    assert_int_equal(kz_tz_set("../../etc/passwd"), -1);
}

/* kz_time_format_memo writes kz_time_format's text for any instant, in zones with and
 * without DST (Lord Howe changes by 30 minutes), across their changes, for instants in any
 * order (the memo is reused and refreshed), with and without milliseconds, before 1970. */
static void test_format_memo(void **state)
{
    (void)state;
    static const char *zones[] = {"Asia/Tokyo", "Europe/Berlin", "America/New_York",
                                  "Australia/Lord_Howe", "UTC", "America/St_Johns"};
    static const char *starts[] = {"2025-03-27T12:00:00Z", "2025-10-23T12:00:00Z",
                                   "2025-04-02T00:00:00Z", "2025-03-06T00:00:00Z",
                                   "1969-12-30T20:00:00Z", "1948-04-29T00:00:00Z"};
    char want[64], got[64];
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        assert_int_equal(kz_tz_set(zones[z]), 0);
        for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
            kz_us t0;
            assert_int_equal(kz_time_parse(starts[k], &t0), 0);
            kz_time_memo c = {0};
            uint64_t x = 88172645463325252ull;
            /* 5 days in steps of up to 17 min, some steps back, odd microseconds */
            for (kz_us t = t0; t < t0 + 5 * 86400 * KZ_US_PER_S;) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                kz_us step = (kz_us)(x % (1020 * KZ_US_PER_S));
                kz_us q = x % 5 == 0 ? t - step / 3 : t;
                if (x % 3 == 0)
                    q -= q % KZ_US_PER_S; /* whole seconds: no milliseconds */
                kz_time_format(q, want, sizeof want);
                kz_time_format_memo(&c, q, got, sizeof got);
                if (strcmp(want, got))
                    fail_msg("%s: memo %s, want %s", zones[z], got, want);
                t += step;
            }
        }
    }
    /* a buffer too small for the text: kz_time_format's truncation */
    kz_time_memo c = {0};
    kz_time_format(INT64_C(1737958200) * KZ_US_PER_S, want, 12);
    kz_time_format_memo(&c, INT64_C(1737958200) * KZ_US_PER_S, got, 12);
    assert_string_equal(got, want);
    assert_int_equal(kz_tz_set("Asia/Tokyo"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso8601),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_local_days_with_dst),
        cmocka_unit_test(test_format_memo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
