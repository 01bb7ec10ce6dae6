/* Schedule keys: the parsers behind dates, days and times, the calendar arithmetic and the
 * per-day predicate. Table-driven: every row is one input and what it must give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/params.h"
#include "model/rules.h"

static int D(int y, int m, int d) { return kz_days_from_civil(y, m, d); }

static void test_civil_roundtrip(void **state)
{
    (void)state;
    static const struct { int y, m, d, days, wday; } rows[] = {
        {1970, 1, 1, 0, 3},        {1969, 12, 31, -1, 2},     {2000, 2, 29, 11016, 1},
        {2024, 2, 29, 19782, 3},   {2025, 1, 27, 20115, 0},   {2025, 2, 1, 20120, 5},
        {2025, 2, 28, 20147, 4},   {2025, 12, 31, 20453, 2},  {2026, 1, 1, 20454, 3},
        {2100, 3, 1, 47541, 0},    {1900, 3, 1, -25508, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int y, m, d;
        assert_int_equal(D(rows[i].y, rows[i].m, rows[i].d), rows[i].days);
        assert_int_equal(kz_weekday(rows[i].days), rows[i].wday);
        kz_civil_from_days(rows[i].days, &y, &m, &d);
        assert_int_equal(y, rows[i].y);
        assert_int_equal(m, rows[i].m);
        assert_int_equal(d, rows[i].d);
    }
    /* Every day of four centuries round-trips and weekdays advance by one. */
    for (int z = D(1900, 1, 1); z < D(2300, 1, 1); z++) {
        int y, m, d;
        kz_civil_from_days(z, &y, &m, &d);
        assert_true(d >= 1 && d <= kz_days_in_month(y, m));
        assert_int_equal(D(y, m, d), z);
        assert_int_equal(kz_weekday(z + 1), (kz_weekday(z) + 1) % 7);
    }
}

static void test_days_in_month(void **state)
{
    (void)state;
    static const int rows[][3] = {{2025, 2, 28}, {2024, 2, 29}, {2000, 2, 29}, {1900, 2, 28},
                                  {2100, 2, 28}, {2025, 4, 30}, {2025, 12, 31}, {2025, 13, 0},
                                  {2025, 0, 0}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(kz_days_in_month(rows[i][0], rows[i][1]), rows[i][2]);
}

/* dates: ok rows give (kind, from, to) of each range; bad rows must name the problem. */
static void test_parse_dates(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int n;
        int kind[3], from[3], to[3];
    } ok[] = {
        {"2025-02-01..2025-02-28", 1, {0}, {20120}, {20147}},
        {"02-01..02-28", 1, {1}, {201}, {228}},
        {"2025-01-27", 1, {0}, {20115}, {20115}},
        {"12-20..01-10", 1, {1}, {1220}, {110}},
        {"02-29", 1, {1}, {229}, {229}},
        {"2024-02-29", 1, {0}, {19782}, {19782}},
        {"2025-01-27..2025-02-10, 2025-02-14..2025-02-27", 2, {0, 0}, {20115, 20133},
         {20129, 20146}},
        {"2025-02-01..2025-02-28\n02-14 ;12-24..12-25", 3, {0, 1, 1}, {20120, 214, 1224},
         {20147, 214, 1225}},
        {"2025-12-31..2026-01-01", 1, {0}, {20453}, {20454}},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        kz_date_range *r = NULL;
        int n = 0;
        char err[200] = "";
        int rc = kz_parse_dates(ok[i].in, &r, &n, err, sizeof err);
        if (rc)
            fail_msg("'%s': %s", ok[i].in, err);
        assert_int_equal(n, ok[i].n);
        for (int k = 0; k < n; k++) {
            assert_int_equal(r[k].kind, ok[i].kind[k]);
            assert_int_equal(r[k].from, ok[i].from[k]);
            assert_int_equal(r[k].to, ok[i].to[k]);
        }
        free(r);
    }
    static const struct { const char *in, *why; } bad[] = {
        {"2025-02-30", "2025-02 has 28 days"},
        {"2025-02-29", "2025-02 has 28 days"},
        {"2025-04-31", "2025-04 has 30 days"},
        {"2025-13-01", "no month 13"},
        {"02-30", "month 2 has 29 days"},
        {"00-10", "no month 0"},
        {"2025-02-00", "has 28 days"},
        {"2025-03-01..2025-02-01", "ends before it starts"},
        {"2025-02-01..02-28", "both ends"},
        {"2025-02-01...2025-02-03", "not a date"},
        {"2025/02/01", "not a date"},
        {"tomorrow", "not a date"},
        {"", "empty"},
        {" , ", "empty"},
        {"2025-02-01..", "not a date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kz_date_range *r = NULL;
        int n = 0;
        char err[200] = "";
        assert_int_equal(kz_parse_dates(bad[i].in, &r, &n, err, sizeof err), -1);
        if (!strstr(err, bad[i].why))
            fail_msg("'%s': got '%s', want '%s'", bad[i].in, err, bad[i].why);
        assert_null(r);
    }
}

static void test_parse_days(void **state)
{
    (void)state;
    static const struct { const char *in; unsigned mask; } ok[] = {
        {"mon", 0x01},          {"sun", 0x40},           {"mon..fri", 0x1f},
        {"mon-fri", 0x1f},      {"sat,sun", 0x60},       {"fri..mon", 0x71},
        {"Mon, Wed, Fri", 0x15}, {"weekdays", 0x1f},     {"weekends", 0x60},
        {"daily", 0x7f},        {"monday..sunday", 0x7f}, {"tue\nthu", 0x0a},
        {"sun..sun", 0x40},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        unsigned m = 0;
        char err[200] = "";
        if (kz_parse_days(ok[i].in, &m, err, sizeof err))
            fail_msg("'%s': %s", ok[i].in, err);
        assert_int_equal(m, ok[i].mask);
    }
    static const char *bad[] = {"mo", "monday..funday", "1", "", "mon..", "mon-tue-wed"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned m = 0;
        char err[200] = "";
        assert_int_equal(kz_parse_days(bad[i], &m, err, sizeof err), -1);
        assert_true(err[0]);
    }
}

static void test_parse_times(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int n;
        int from[2], to[2];
    } ok[] = {
        {"09:00-21:00", 1, {32400}, {75600}},
        {"22:00-02:00", 1, {79200}, {7200}},
        {"00:00-24:00", 1, {0}, {86400}},
        {"22:00-00:00", 1, {79200}, {86400}},
        {"07:30-09:00, 17:00-19:30", 2, {27000, 61200}, {32400, 70200}},
        {"15:10:30-15:30", 1, {54630}, {55800}},
        {"23:59-00:01", 1, {86340}, {60}},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        kz_time_window *w = NULL;
        int n = 0;
        char err[200] = "";
        if (kz_parse_times(ok[i].in, &w, &n, err, sizeof err))
            fail_msg("'%s': %s", ok[i].in, err);
        assert_int_equal(n, ok[i].n);
        for (int k = 0; k < n; k++) {
            assert_int_equal(w[k].from, ok[i].from[k]);
            assert_int_equal(w[k].to, ok[i].to[k]);
        }
        free(w);
    }
    static const struct { const char *in, *why; } bad[] = {
        {"09:00-09:00", "empty window"}, {"00:00-00:00", "empty window"},
        {"24:00-02:00", "cannot start at 24:00"}, {"25:00-26:00", "not a window"},
        {"09:60-10:00", "not a window"}, {"9:00-10:00", "not a window"},
        {"09:00", "not a window"},       {"09:00-", "not a window"},
        {"09:00-10:00x", "not a window"}, {"24:01-02:00", "not a window"},
        {"", "empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kz_time_window *w = NULL;
        int n = 0;
        char err[200] = "";
        assert_int_equal(kz_parse_times(bad[i].in, &w, &n, err, sizeof err), -1);
        if (!strstr(err, bad[i].why))
            fail_msg("'%s': got '%s', want '%s'", bad[i].in, err, bad[i].why);
    }
}

/* kz_rules_parse: keys are read (marked used), bad ones counted, defaults kept. */
static void test_rules_parse(void **state)
{
    (void)state;
    static const struct {
        const char *keys[6][2];
        int playlist, problems;
        long priority, weight;
        int interrupt;
        const char *zone;
    } rows[] = {
        {{{"priority", "5"}, {"weight", "3"}, {"interrupt", "yes"}}, 0, 0, 5, 3, 1, NULL},
        {{{"priority", "-2"}, {"zone", "left"}}, 1, 0, -2, 0, 0, "left"},
        {{{"weight", "0"}}, 0, 1, 0, 0, 0, NULL},
        {{{"weight", "1001"}}, 0, 1, 0, 0, 0, NULL},
        {{{"weight", "2.5"}}, 0, 1, 0, 0, 0, NULL},
        {{{"priority", "high"}}, 0, 1, 0, 0, 0, NULL},
        {{{"interrupt", "maybe"}}, 0, 1, 0, 0, 0, NULL},
        {{{"zone", "a b"}}, 1, 1, 0, 0, 0, NULL},
        {{{"dates", "2025-02-30"}, {"days", "mon"}, {"times", "09:00-09:00"}}, 0, 2, 0, 0, 0,
         NULL},
        {{{"campaign", ""}}, 0, 1, 0, 0, 0, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kz_params p;
        kz_params_init(&p, "/pl/a.ini", "x", 10);
        int nk = 0;
        for (; nk < 6 && rows[i].keys[nk][0]; nk++)
            kz_params_add(&p, rows[i].keys[nk][0], rows[i].keys[nk][1], 11 + nk);
        kz_rules r;
        int probs = kz_rules_parse(&r, &p, rows[i].playlist);
        if (probs != rows[i].problems)
            fail_msg("row %zu: %d problems, want %d", i, probs, rows[i].problems);
        if (!rows[i].problems) {
            assert_int_equal(r.priority, rows[i].priority);
            if (rows[i].weight)
                assert_int_equal(r.weight, rows[i].weight);
            assert_int_equal(r.interrupt, rows[i].interrupt);
            if (rows[i].zone)
                assert_string_equal(r.zone, rows[i].zone);
        }
        for (int k = 0; k < nk; k++)
            assert_true(p.kv[k].used);
        kz_rules_free(&r);
        kz_params_free(&p);
    }
}

/* dates and days together decide a day; yearly ranges wrap over the year end. */
static void test_day_ok(void **state)
{
    (void)state;
    static const struct {
        const char *dates, *days;
        int y, m, d, want;
    } rows[] = {
        {"2025-02-01..2025-02-28", NULL, 2025, 2, 1, 1},
        {"2025-02-01..2025-02-28", NULL, 2025, 2, 28, 1},
        {"2025-02-01..2025-02-28", NULL, 2025, 3, 1, 0},
        {"2025-02-01..2025-02-28", NULL, 2025, 1, 31, 0},
        {"2025-02-01..2025-02-28", NULL, 2026, 2, 1, 0},
        {"02-01..02-28", NULL, 2026, 2, 1, 1},
        {"02-01..02-28", NULL, 2024, 2, 29, 0},
        {"02-01..02-29", NULL, 2024, 2, 29, 1},
        {"02-01..02-29", NULL, 2025, 3, 1, 0},
        {"02-29", NULL, 2024, 2, 29, 1},
        {"02-29", NULL, 2025, 2, 28, 0},
        {"12-20..01-10", NULL, 2025, 12, 31, 1},
        {"12-20..01-10", NULL, 2026, 1, 1, 1},
        {"12-20..01-10", NULL, 2026, 1, 10, 1},
        {"12-20..01-10", NULL, 2026, 1, 11, 0},
        {"12-20..01-10", NULL, 2025, 12, 19, 0},
        {NULL, "sat,sun", 2025, 2, 1, 1},  /* a Saturday */
        {NULL, "sat,sun", 2025, 2, 3, 0},  /* a Monday */
        {"2025-02-01..2025-02-28", "mon..fri", 2025, 2, 1, 0},
        {"2025-02-01..2025-02-28", "mon..fri", 2025, 2, 3, 1},
        {"2025-01-27, 02-14", "mon", 2025, 1, 27, 1},
        {"2025-01-27, 02-14", NULL, 2030, 2, 14, 1},
        {"2025-01-27, 02-14", NULL, 2025, 1, 28, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kz_params p;
        kz_params_init(&p, "/pl/a.ini", "x", 1);
        if (rows[i].dates)
            kz_params_add(&p, "dates", rows[i].dates, 2);
        if (rows[i].days)
            kz_params_add(&p, "days", rows[i].days, 3);
        kz_rules r;
        assert_int_equal(kz_rules_parse(&r, &p, 0), 0);
        if (kz_rules_day_ok(&r, D(rows[i].y, rows[i].m, rows[i].d)) != rows[i].want)
            fail_msg("row %zu: %s / %s on %04d-%02d-%02d: want %d", i, rows[i].dates,
                     rows[i].days, rows[i].y, rows[i].m, rows[i].d, rows[i].want);
        kz_rules_free(&r);
        kz_params_free(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_roundtrip), cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_parse_dates),     cmocka_unit_test(test_parse_days),
        cmocka_unit_test(test_parse_times),     cmocka_unit_test(test_rules_parse),
        cmocka_unit_test(test_day_ok),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
