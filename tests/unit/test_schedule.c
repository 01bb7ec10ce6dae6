/* The timeline, rule by rule: rotation from midnight, weights, priorities, interrupts,
 * campaigns, windows (across midnight), dates (month ends, leap days, year ends), zones,
 * standby, determinism, and the DST policy in Europe/Berlin and America/New_York. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/log.h"
#include "sched_helpers.h"

static kz_model *model(const char *name, const char *text)
{
    kz_model *m = calloc(1, sizeof *m);
    sh_add(m, name, text);
    assert_int_equal(kz_schedule_compile(m), 0);
    return m;
}

static void drop(kz_model *m)
{
    kz_model_free(m);
    free(m);
}

/* A table row: at instant `at`, item `id` is on air in a slot [start, end). */
struct row {
    const char *at, *id, *start, *end;
};

static void check_rows(const kz_model *m, const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kz_slot s;
        kz_schedule_at(m, T(rows[i].at), &s);
        char a[64], b[64];
        kz_time_format(s.start, a, sizeof a);
        kz_time_format(s.end, b, sizeof b);
        if (strcmp(sh_id(&s), rows[i].id) || (rows[i].start && s.start != T(rows[i].start)) ||
            (rows[i].end && s.end != T(rows[i].end)))
            fail_msg("at %s: got %s [%s, %s), want %s [%s, %s)", rows[i].at, sh_id(&s), a, b,
                     rows[i].id, rows[i].start ? rows[i].start : "?",
                     rows[i].end ? rows[i].end : "?");
    }
}

static void test_rotation_from_midnight(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[a]\nduration = 10\n[b]\nduration = 20\n");
    static const struct row rows[] = {
        {"2025-02-01T00:00:00", "p/a", "2025-02-01T00:00:00", "2025-02-01T00:00:10"},
        {"2025-02-01T00:00:09", "p/a", "2025-02-01T00:00:00", "2025-02-01T00:00:10"},
        {"2025-02-01T00:00:10", "p/b", "2025-02-01T00:00:10", "2025-02-01T00:00:30"},
        {"2025-02-01T00:00:30", "p/a", "2025-02-01T00:00:30", "2025-02-01T00:00:40"},
        /* 12:00 is 43200 s = 1440 cycles of 30 s: a cycle starts there. */
        {"2025-02-01T12:00:05", "p/a", "2025-02-01T12:00:00", "2025-02-01T12:00:10"},
        {"2025-02-01T12:00:29", "p/b", "2025-02-01T12:00:10", "2025-02-01T12:00:30"},
        /* The last slot of the day is cut at midnight and the next day starts afresh. */
        {"2025-02-01T23:59:59", "p/b", "2025-02-01T23:59:40", "2025-02-02T00:00:00"},
        {"2025-02-02T00:00:00", "p/a", "2025-02-02T00:00:00", "2025-02-02T00:00:10"},
    };
    check_rows(m, rows, sizeof rows / sizeof rows[0]);
    drop(m);
}

/* Same files, another process (a fresh model): the same answer at any instant, whatever the
 * order of the queries; next() from midnight walks exactly the slots at() reports. */
static void test_deterministic_and_resumes(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    const char *ini = "[a]\nduration = 7\n[b]\nduration = 11\nweight = 2\n"
                      "[c]\nduration = 13\ntimes = 09:00-17:00\ncampaign = x\n"
                      "[d]\nduration = 5\ntimes = 12:00-12:01\ninterrupt = yes\n";
    kz_model *m1 = model("p", ini), *m2 = model("p", ini);
    kz_slot s, q;
    kz_us t0 = T("2025-02-03T00:00:00"), t1 = T("2025-02-04T00:00:00");
    kz_schedule_at(m1, t0, &s);
    assert_int_equal(s.start, t0);
    int n = 0;
    while (s.start < t1) {
        /* query m2 at a point inside the slot, out of order (a restart at that instant) */
        kz_us probe = s.start + (s.end - s.start) / 2;
        kz_schedule_at(m2, probe, &q);
        assert_ptr_equal(q.item ? q.item->index : -1, s.item ? s.item->index : -1);
        assert_int_equal(q.start, s.start);
        assert_int_equal(q.end, s.end);
        assert_true(s.end > s.start);
        kz_slot nx;
        kz_schedule_next(m1, &s, &nx);
        assert_int_equal(nx.start, s.end);
        s = nx;
        n++;
    }
    assert_true(n > 8000);
    drop(m1);
    drop(m2);
}

static void test_weights(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[a]\nweight = 2\n[b]\n[c]\nweight = 3\n");
    int plays[3] = {0};
    kz_slot s;
    kz_schedule_at(m, T("2025-02-01T00:00:00"), &s);
    for (int i = 0; i < 600; i++) { /* 100 cycles of 6 plays */
        plays[s.item->index]++;
        if (i % 6 == 5) /* within one play per cycle at every cycle end */
            for (int k = 0; k < 3; k++) {
                int want = (i + 1) / 6 * (k == 0 ? 2 : k == 1 ? 1 : 3);
                assert_true(abs(plays[k] - want) <= 1);
            }
        kz_schedule_next(m, &s, &s);
    }
    assert_int_equal(plays[0], 200);
    assert_int_equal(plays[1], 100);
    assert_int_equal(plays[2], 300);
    drop(m);
}

/* Priority: the higher set takes over at the first item boundary after it becomes eligible
 * and the lower one returns at the first boundary after it ends. */
static void test_priority_at_boundaries(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[low]\nduration = 7\n"
                             "[high]\nduration = 60\npriority = 5\ntimes = 09:00-10:00\n");
    static const struct row rows[] = {
        /* 09:00 = 32400 s; 32396 = 4628 * 7: low runs 08:59:56-09:00:03 */
        {"2025-02-01T08:59:59", "p/low", "2025-02-01T08:59:56", "2025-02-01T09:00:03"},
        {"2025-02-01T09:00:02", "p/low", "2025-02-01T08:59:56", "2025-02-01T09:00:03"},
        {"2025-02-01T09:00:03", "p/high", "2025-02-01T09:00:03", "2025-02-01T09:01:03"},
        /* high's window ends at 10:00: it is cut there (its eligibility ends) */
        {"2025-02-01T09:59:30", "p/high", "2025-02-01T09:59:03", "2025-02-01T10:00:00"},
        {"2025-02-01T10:00:00", "p/low", "2025-02-01T10:00:00", "2025-02-01T10:00:07"},
    };
    check_rows(m, rows, sizeof rows / sizeof rows[0]);
    drop(m);
}

/* Interrupts pre-empt at once, rotate among themselves, end with their window; overlapping
 * interrupts of different priority: the higher one wins at once. */
static void test_interrupts(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[filler]\nduration = 7\n"
                             "[alert]\nduration = 20\ninterrupt = yes\ntimes = 09:00-09:01\n"
                             "[quake]\nduration = 30\ninterrupt = yes\npriority = 9\n"
                             "times = 09:00:30-09:02\n");
    static const struct row rows[] = {
        {"2025-02-01T08:59:59", "p/filler", "2025-02-01T08:59:56", "2025-02-01T09:00:00"},
        {"2025-02-01T09:00:00", "p/alert", "2025-02-01T09:00:00", "2025-02-01T09:00:20"},
        {"2025-02-01T09:00:25", "p/alert", "2025-02-01T09:00:20", "2025-02-01T09:00:30"},
        {"2025-02-01T09:00:30", "p/quake", "2025-02-01T09:00:30", "2025-02-01T09:01:00"},
        {"2025-02-01T09:01:59", "p/quake", "2025-02-01T09:01:30", "2025-02-01T09:02:00"},
        {"2025-02-01T09:02:00", "p/filler", "2025-02-01T09:02:00", "2025-02-01T09:02:07"},
    };
    check_rows(m, rows, sizeof rows / sizeof rows[0]);
    drop(m);
}

/* A window's end is a hard end for its items: the handprint unveiling (15:10-15:30 on
 * 2025-01-27) never airs after 15:30, whatever its duration. */
static void test_window_end_is_hard(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("handprint", "[playlist]\ncampaign = handprint\npriority = 10\n"
                                     "dates = 2025-01-27\ntimes = 15:10-15:30\n"
                                     "[unveil]\nduration = 45\n[filler2]\nduration = 45\n");
    sh_add(m, "filler", "[f]\nduration = 25\n");
    assert_int_equal(kz_schedule_compile(m), 0);
    kz_slot s;
    kz_schedule_at(m, T("2025-01-27T15:00:00"), &s);
    kz_us end = T("2025-01-27T15:30:00");
    int seen = 0;
    while (s.start < T("2025-01-28T00:00:00")) {
        if (s.item && s.item->playlist == 0) {
            seen++;
            assert_true(s.end <= end);
        }
        kz_schedule_next(m, &s, &s);
    }
    assert_true(seen >= 26);
    /* 1200 s of 45 s slots: the 27th (unveil again) is cut at 15:30:00 */
    assert_string_equal(sh_at(m, "2025-01-27T15:29:59"), "handprint/unveil");
    assert_string_equal(sh_at(m, "2025-01-27T15:30:00"), "filler/f");
    assert_string_equal(sh_at(m, "2025-01-28T15:20:00"), "filler/f");
    drop(m);
}

/* Two items of one campaign are not back to back where another campaign can go between. */
static void test_campaign_spacing(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[a1]\ncampaign = A\n[a2]\ncampaign = A\n[a3]\ncampaign = A\n"
                             "[b1]\ncampaign = B\n[b2]\ncampaign = B\n[n]\n");
    kz_slot s;
    kz_schedule_at(m, T("2025-02-01T00:00:00"), &s);
    int plays[6] = {0};
    kz_sched_info prev = {0}, cur;
    for (int i = 0; i < 6000; i++) {
        kz_schedule_info(m, s.item, &cur);
        if (i && cur.campaign && prev.campaign)
            if (!strcmp(cur.campaign, prev.campaign))
                fail_msg("slot %d: %s after another item of campaign %s", i, s.item->id,
                         cur.campaign);
        prev = cur;
        plays[s.item->index]++;
        kz_schedule_next(m, &s, &s);
    }
    for (int k = 0; k < 6; k++) /* equal weights: equal plays, to within one */
        assert_true(abs(plays[k] - 1000) <= 1);
    drop(m);

    /* Unavoidable: only one campaign eligible. */
    m = model("p", "[a1]\ncampaign = A\n[a2]\ncampaign = A\n");
    assert_string_equal(sh_at(m, "2025-02-01T00:00:00"), "p/a1");
    assert_string_equal(sh_at(m, "2025-02-01T00:00:10"), "p/a2");
    assert_string_equal(sh_at(m, "2025-02-01T00:00:20"), "p/a1");
    drop(m);
}

/* times across midnight belong to the day they start on. */
static void test_window_across_midnight(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[night]\ntimes = 22:00-02:00\ndays = fri\n[day]\npriority = -1\n");
    static const struct { const char *at, *id; } rows[] = {
        {"2025-01-31T21:59:59", "p/day"},   {"2025-01-31T22:00:00", "p/night"},
        {"2025-01-31T23:59:59", "p/night"}, {"2025-02-01T00:00:00", "p/night"},
        {"2025-02-01T01:59:59", "p/night"}, {"2025-02-01T02:00:00", "p/day"},
        {"2025-02-01T23:00:00", "p/day"},   {"2025-02-02T01:00:00", "p/day"},
        {"2025-02-07T23:30:00", "p/night"}, {"2025-02-08T01:30:00", "p/night"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(sh_at(m, rows[i].at), rows[i].id))
            fail_msg("at %s: %s, want %s", rows[i].at, sh_at(m, rows[i].at), rows[i].id);
    drop(m);
}

/* Item keys narrow the playlist's: dates, days and times intersect. */
static void test_item_narrows_playlist(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[playlist]\ntimes = 09:00-17:00\ndates = 2025-02-01..2025-02-28\n"
                             "[x]\ntimes = 12:00-20:00\ndates = 2025-02-20..2025-03-10\n");
    static const struct { const char *at, *id; } rows[] = {
        {"2025-02-20T11:59:59", "-"}, {"2025-02-20T12:00:00", "p/x"},
        {"2025-02-28T16:59:59", "p/x"}, {"2025-02-28T17:00:00", "-"},
        {"2025-02-19T13:00:00", "-"}, {"2025-03-01T13:00:00", "-"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(sh_at(m, rows[i].at), rows[i].id))
            fail_msg("at %s: %s, want %s", rows[i].at, sh_at(m, rows[i].at), rows[i].id);
    drop(m);
}

/* Dates at month ends, leap days and year ends, absolute and yearly. */
static void test_calendar_edges(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[leap]\ndates = 02-29\npriority = 3\n"
                             "[newyear]\ndates = 12-31..01-01\npriority = 2\n"
                             "[feb]\ndates = 2025-02-01..2025-02-28\npriority = 1\n"
                             "[base]\n");
    static const struct { const char *at, *id; } rows[] = {
        {"2024-02-28T23:59:59", "p/base"},   {"2024-02-29T00:00:00", "p/leap"},
        {"2024-02-29T23:59:59", "p/leap"},   {"2024-03-01T00:00:00", "p/base"},
        {"2025-01-31T23:59:59", "p/base"},   {"2025-02-01T00:00:00", "p/feb"},
        {"2025-02-28T23:59:59", "p/feb"},    {"2025-03-01T00:00:00", "p/base"},
        {"2028-02-29T12:00:00", "p/leap"},   {"2100-02-28T12:00:00", "p/base"},
        {"2025-12-30T23:59:59", "p/base"},   {"2025-12-31T00:00:00", "p/newyear"},
        {"2026-01-01T23:59:59", "p/newyear"}, {"2026-01-02T00:00:00", "p/base"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(sh_at(m, rows[i].at), rows[i].id))
            fail_msg("at %s: %s, want %s", rows[i].at, sh_at(m, rows[i].at), rows[i].id);
    drop(m);
}

/* Standby runs from the end of eligibility to the next start, across midnights. */
static void test_standby(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[x]\ntimes = 09:00-17:00\ndays = mon..fri\nduration = 60\n");
    static const struct row rows[] = {
        {"2025-01-31T18:00:00", "-", "2025-01-31T17:00:00", "2025-02-03T09:00:00"},
        {"2025-02-02T12:00:00", "-", "2025-01-31T17:00:00", "2025-02-03T09:00:00"},
        {"2025-02-03T09:00:00", "p/x", "2025-02-03T09:00:00", "2025-02-03T09:01:00"},
    };
    check_rows(m, rows, sizeof rows / sizeof rows[0]);
    drop(m);

    /* Nothing at all for years: standby in slots that tile, whichever instant is asked. */
    m = model("p", "[x]\ndates = 2020-01-01\n");
    kz_slot s, q;
    kz_schedule_at(m, T("2025-02-01T12:00:00"), &s);
    assert_null(s.item);
    assert_true(s.start <= T("2025-02-01T12:00:00") && s.end > T("2025-02-01T12:00:00"));
    for (int i = 0; i < 40; i++) {
        kz_slot nx;
        kz_schedule_next(m, &s, &nx);
        assert_null(nx.item);
        assert_int_equal(nx.start, s.end);
        kz_schedule_at(m, nx.end - 1, &q); /* same slot from its last microsecond */
        assert_int_equal(q.start, nx.start);
        assert_int_equal(q.end, nx.end);
        s = nx;
    }
    drop(m);
}

/* Bad keys: logged with file:line (see the output), counted, the item left out. */
static void test_bad_keys(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = calloc(1, sizeof *m);
    sh_add(m, "p", "[bad]\ndates = 2025-02-30\n[good]\n[bad2]\ntimes = 25:00-26:00\n");
    assert_int_equal(kz_schedule_compile(m), 2);
    assert_int_equal(m->items[0].playable, 0);
    assert_int_equal(m->items[1].playable, 1);
    assert_int_equal(m->items[2].playable, 0);
    assert_string_equal(sh_at(m, "2025-02-01T10:00:00"), "p/good");
    assert_string_equal(sh_at(m, "2025-02-01T10:00:10"), "p/good");
    drop(m);

    /* A bad [playlist] key leaves the whole playlist out (it could air outside its dates). */
    m = calloc(1, sizeof *m);
    sh_add(m, "p", "[playlist]\ndates = 2025-02-01..2025-02-29\n[x]\n");
    sh_add(m, "q", "[y]\n");
    assert_int_equal(kz_schedule_compile(m), 1);
    assert_int_equal(m->items[0].playable, 0);
    assert_string_equal(sh_at(m, "2025-02-10T10:00:00"), "q/y");
    drop(m);
}

/* Each zone has its own timeline. */
static void test_zones(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = calloc(1, sizeof *m);
    sh_add(m, "side", "[playlist]\nzone = ticker\n[t]\nduration = 3\n");
    sh_add(m, "main", "[a]\nduration = 10\n");
    assert_int_equal(kz_schedule_compile(m), 0);
    assert_int_equal(kz_schedule_zone_count(m), 2);
    assert_string_equal(kz_schedule_zone_name(m, 0), "main");
    int z = kz_schedule_zone_find(m, "ticker");
    assert_int_equal(z, 1);
    kz_slot s;
    kz_schedule_zone_at(m, z, T("2025-02-01T00:00:04"), &s);
    assert_string_equal(sh_id(&s), "side/t");
    assert_int_equal(s.start, T("2025-02-01T00:00:03"));
    assert_string_equal(sh_at(m, "2025-02-01T00:00:04"), "main/a");
    kz_sched_info in;
    assert_int_equal(kz_schedule_info(m, &m->items[0], &in), 0);
    assert_int_equal(in.zone, 1);
    drop(m);
}

/* DST policy. Berlin: 2025-03-30 02:00 CET -> 03:00 CEST (01:00Z); 2025-10-26 03:00 CEST ->
 * 02:00 CET (01:00Z). New York: 2025-03-09 02:00 EST -> 03:00 EDT (07:00Z); 2025-11-02
 * 02:00 EDT -> 01:00 EST (06:00Z). */
static void test_dst_wall(void **state)
{
    (void)state;
    static const struct {
        const char *tz;
        int y, m, d, secs;
        const char *want; /* UTC */
    } rows[] = {
        {"Europe/Berlin", 2025, 3, 30, 0, "2025-03-29T23:00:00Z"},
        {"Europe/Berlin", 2025, 3, 30, 2 * 3600, "2025-03-30T01:00:00Z"},       /* gap */
        {"Europe/Berlin", 2025, 3, 30, 2 * 3600 + 1800, "2025-03-30T01:00:00Z"}, /* gap */
        {"Europe/Berlin", 2025, 3, 30, 3 * 3600, "2025-03-30T01:00:00Z"},
        {"Europe/Berlin", 2025, 3, 30, 3 * 3600 + 1800, "2025-03-30T01:30:00Z"},
        {"Europe/Berlin", 2025, 3, 31, 0, "2025-03-30T22:00:00Z"},
        {"Europe/Berlin", 2025, 10, 26, 2 * 3600, "2025-10-26T00:00:00Z"},       /* 1st */
        {"Europe/Berlin", 2025, 10, 26, 2 * 3600 + 1800, "2025-10-26T00:30:00Z"}, /* 1st */
        {"Europe/Berlin", 2025, 10, 26, 3 * 3600, "2025-10-26T02:00:00Z"},
        {"Europe/Berlin", 2025, 10, 27, 0, "2025-10-26T23:00:00Z"},
        {"America/New_York", 2025, 3, 9, 2 * 3600 + 1800, "2025-03-09T07:00:00Z"},
        {"America/New_York", 2025, 3, 9, 3 * 3600, "2025-03-09T07:00:00Z"},
        {"America/New_York", 2025, 3, 9, 1 * 3600 + 3599, "2025-03-09T06:59:59Z"},
        {"America/New_York", 2025, 11, 2, 1 * 3600, "2025-11-02T05:00:00Z"},
        {"America/New_York", 2025, 11, 2, 1 * 3600 + 2700, "2025-11-02T05:45:00Z"},
        {"America/New_York", 2025, 11, 2, 2 * 3600, "2025-11-02T07:00:00Z"},
        {"America/New_York", 2025, 11, 3, 0, "2025-11-03T05:00:00Z"},
        /* Santiago skips midnight: 2025-09-07 00:00 -04 -> 01:00 -03 (04:00Z) */
        {"America/Santiago", 2025, 9, 7, 0, "2025-09-07T04:00:00Z"},
        {"America/Santiago", 2025, 9, 7, 1800, "2025-09-07T04:00:00Z"},
        {"America/Santiago", 2025, 9, 7, 3600, "2025-09-07T04:00:00Z"},
        {"America/Santiago", 2025, 9, 6, 86399, "2025-09-07T03:59:59Z"},
        {"Asia/Tokyo", 2025, 1, 1, 0, "2024-12-31T15:00:00Z"},
        {"Asia/Tokyo", 2025, 1, 1, 86400, "2025-01-01T15:00:00Z"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kz_tz_set(rows[i].tz);
        kz_us got = kz_schedule_wall(kz_days_from_civil(rows[i].y, rows[i].m, rows[i].d),
                                     rows[i].secs);
        if (got != T(rows[i].want))
            fail_msg("%s %04d-%02d-%02d +%ds: got %lld, want %s", rows[i].tz, rows[i].y,
                     rows[i].m, rows[i].d, rows[i].secs, (long long)(got / KZ_US_PER_S),
                     rows[i].want);
    }
}

/* Windows on the transition days, as slots (instants in UTC). */
static void test_dst_windows(void **state)
{
    (void)state;
    static const struct {
        const char *tz, *times, *at, *id, *start, *end;
    } rows[] = {
        /* spring gap: a window starting in the gap starts at the jump */
        {"Europe/Berlin", "02:30-03:30", "2025-03-30T01:10:00Z", "p/w", "2025-03-30T01:00:00Z",
         "2025-03-30T01:30:00Z"},
        {"Europe/Berlin", "02:30-03:30", "2025-03-30T00:59:59Z", "p/f", NULL, NULL},
        /* a window entirely inside the gap does not air that day, and airs the next */
        {"Europe/Berlin", "02:00-02:59", "2025-03-30T01:00:00Z", "p/f", NULL, NULL},
        {"Europe/Berlin", "02:00-02:59", "2025-03-31T00:30:00Z", "p/w", "2025-03-31T00:00:00Z",
         "2025-03-31T00:59:00Z"},
        /* autumn: a window inside the repeated hour airs on the first pass only */
        {"Europe/Berlin", "02:15-02:45", "2025-10-26T00:20:00Z", "p/w", "2025-10-26T00:15:00Z",
         "2025-10-26T00:45:00Z"},
        {"Europe/Berlin", "02:15-02:45", "2025-10-26T01:20:00Z", "p/f", NULL, NULL},
        /* a window spanning the repeated hour holds both passes */
        {"Europe/Berlin", "01:30-03:00", "2025-10-26T01:40:00Z", "p/w", NULL,
         "2025-10-26T02:00:00Z"},
        {"America/New_York", "02:30-04:00", "2025-03-09T07:05:00Z", "p/w",
         "2025-03-09T07:00:00Z", NULL},
        {"America/New_York", "01:15-01:45", "2025-11-02T05:20:00Z", "p/w",
         "2025-11-02T05:15:00Z", "2025-11-02T05:45:00Z"},
        {"America/New_York", "01:15-01:45", "2025-11-02T06:20:00Z", "p/f", NULL, NULL},
        {"America/New_York", "00:00-01:30", "2025-11-02T05:29:59Z", "p/w", "2025-11-02T05:00:00Z",
         "2025-11-02T05:30:00Z"},
        {"America/New_York", "00:00-01:30", "2025-11-02T06:00:00Z", "p/f", NULL, NULL},
        /* across midnight on a transition night (local 22:00 to 02:00) */
        {"America/New_York", "22:00-02:00", "2025-11-02T06:30:00Z", "p/w", NULL,
         "2025-11-02T07:00:00Z"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kz_tz_set(rows[i].tz);
        char ini[256];
        snprintf(ini, sizeof ini, "[w]\ntimes = %s\nduration = 3600\n[f]\npriority = -1\n"
                 "duration = 60\n", rows[i].times);
        kz_model *m = model("p", ini);
        kz_slot s;
        kz_schedule_at(m, T(rows[i].at), &s);
        if (strcmp(sh_id(&s), rows[i].id) || (rows[i].start && s.start != T(rows[i].start)) ||
            (rows[i].end && s.end != T(rows[i].end)))
            fail_msg("%s %s at %s: got %s [%lld, %lld)", rows[i].tz, rows[i].times, rows[i].at,
                     sh_id(&s), (long long)(s.start / KZ_US_PER_S),
                     (long long)(s.end / KZ_US_PER_S));
        drop(m);
    }
}

/* The day is 23 or 25 hours on transition days and the timeline covers it without a gap;
 * the rotation restarts at the real midnights. */
static void test_dst_days_covered(void **state)
{
    (void)state;
    static const struct { const char *tz, *from, *to; long hours; } rows[] = {
        {"Europe/Berlin", "2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z", 23},
        {"Europe/Berlin", "2025-10-25T22:00:00Z", "2025-10-26T23:00:00Z", 25},
        {"America/New_York", "2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z", 23},
        {"America/New_York", "2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z", 25},
        {"America/Santiago", "2025-09-07T04:00:00Z", "2025-09-08T03:00:00Z", 23},
        {"America/Santiago", "2025-09-06T04:00:00Z", "2025-09-07T04:00:00Z", 24},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kz_tz_set(rows[i].tz);
        kz_model *m = model("p", "[a]\nduration = 600\n[b]\nduration = 600\n");
        kz_us from = T(rows[i].from), to = T(rows[i].to);
        assert_int_equal(to - from, rows[i].hours * 3600 * KZ_US_PER_S);
        assert_int_equal(kz_schedule_day_of(from), kz_schedule_day_of(to - 1));
        assert_int_equal(kz_schedule_day_of(from - 1) + 1, kz_schedule_day_of(from));
        kz_slot s;
        kz_schedule_at(m, from, &s);
        assert_int_equal(s.start, from);
        assert_string_equal(sh_id(&s), "p/a");
        kz_us t = from;
        int n = 0;
        while (s.start < to) {
            assert_int_equal(s.start, t);
            t = s.end;
            kz_schedule_next(m, &s, &s);
            n++;
        }
        assert_int_equal(t, to);
        assert_int_equal(n, (int)rows[i].hours * 6);
        drop(m);
    }
}


/* kizuna check's schedule part: errors counted (file:line in the log), warnings logged. */
static void test_check(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    static const struct {
        const char *ini;
        int errors, warnings;
    } rows[] = {
        {"[a]\n", 0, 0},
        /* never: Feb 30th does not exist, but a Monday 2025-02-01 does not either */
        {"[a]\n[b]\ndates = 2025-02-01\ndays = mon\n", 1, 0},
        /* never: the item's window lies outside the playlist's */
        {"[playlist]\ntimes = 09:00-12:00\n[a]\ntimes = 13:00-14:00\n", 1, 2},
        /* never: a yearly leap day on a weekday that never meets it in 28 years? 02-29 is a
         * Saturday in 2020 and 2048: it can air, so no error */
        {"[a]\n[b]\ndates = 02-29\ndays = sat\n", 0, 0},
        /* past dates: a warning, not an error */
        {"[a]\n[b]\ndates = 2024-01-01..2024-12-31\n", 0, 1},
        /* ... one per item without a campaign */
        {"[a]\n[b]\ndates = 2024-01-01\n[c]\ndates = 2024-02-01\n", 0, 2},
        /* ... one per campaign, whether all its items are over or some */
        {"[a]\n[b]\ncampaign = c\ndates = 2024-01-01\n[c]\ncampaign = c\ndates = 2024-02-01\n"
         "[d]\ncampaign = c\ndates = 2023-02-01..2023-02-28\n", 0, 1},
        {"[a]\ncampaign = c\n[b]\ncampaign = c\ndates = 2024-01-01\n[c]\ncampaign = c\n"
         "dates = 2024-02-01\n", 0, 1},
        {"[a]\n[b]\ncampaign = c\ndates = 2024-01-01\n[c]\ncampaign = d\ndates = 2024-02-01\n"
         "[d]\ncampaign = c\ndates = 2023-02-01..2023-02-28\n", 0, 2},
        /* not past as of the checked range's first day */
        {"[a]\n[b]\ncampaign = c\ndates = 2025-03-01\n", 0, 0},
        /* overlapping interrupts */
        {"[a]\n[x]\ninterrupt = yes\ntimes = 09:00-10:00\n"
         "[y]\ninterrupt = yes\ntimes = 09:30-11:00\n", 1, 0},
        /* interrupts that only touch do not overlap */
        {"[a]\n[x]\ninterrupt = yes\ntimes = 09:00-10:00\n"
         "[y]\ninterrupt = yes\ntimes = 10:00-11:00\n", 0, 0},
        /* standby every night: stretches listed (10) plus a summary */
        {"[a]\ntimes = 09:00-21:00\n", 0, 11},
        /* always outranked */
        {"[a]\npriority = 1\n[b]\n", 0, 1},
    };
    kz_us from = T("2025-03-01T00:00:00"), to = T("2025-03-31T00:00:00");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kz_model *m = model("p", rows[i].ini);
        int w0 = kz_log_count(KZ_LOG_WARN);
        int e = kz_schedule_check(m, from, to);
        int w = kz_log_count(KZ_LOG_WARN) - w0;
        if (e != rows[i].errors || w != rows[i].warnings)
            fail_msg("row %zu: %d errors, %d warnings; want %d, %d", i, e, w, rows[i].errors,
                     rows[i].warnings);
        drop(m);
    }
}

/* An item that fails at run time (the player sets playable = 0) drops out: the timeline is
 * then the one without it; and back when it is playable again. */
static void test_drop_out(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_model *m = model("p", "[a]\n[b]\n[c]\n");
    assert_string_equal(sh_at(m, "2025-02-01T00:00:15"), "p/b");
    m->items[1].playable = 0;
    assert_string_equal(sh_at(m, "2025-02-01T00:00:15"), "p/c");
    m->items[0].playable = m->items[2].playable = 0;
    assert_string_equal(sh_at(m, "2025-02-01T00:00:15"), "-");
    m->items[0].playable = m->items[1].playable = m->items[2].playable = 1;
    assert_string_equal(sh_at(m, "2025-02-01T00:00:15"), "p/b");
    drop(m);
}

/* kz_schedule_walk_next (kizuna plan's walk) answers what kz_schedule_zone_next answers,
 * slot for slot, in every zone: windows, a priority window, an interrupt, days, dates and
 * standby, over a DST change (Berlin) and in Tokyo. Two models of the same text, so that
 * neither walk sees the other's cached days. */
static void test_walk_matches_next(void **state)
{
    (void)state;
    static const char *side = "[playlist]\nzone = side\n[t]\nduration = 7\ntimes = 08:00-20:00\n"
                              "[u]\nduration = 13\ndays = sat,sun\n";
    static const char *main_pl =
        "[a]\nduration = 25\nweight = 3\n[b]\nduration = 40\ntimes = 22:00-02:30\n"
        "[c]\nduration = 17\ncampaign = k\ndates = 2025-03-29..2025-03-31\n"
        "[d]\nduration = 31\ncampaign = k\npriority = 1\ntimes = 01:30-03:30, 12:00-12:20\n"
        "[e]\nduration = 60\ninterrupt = yes\ntimes = 02:59-03:04\n"
        "[f]\nduration = 11\ndays = mon\ntimes = 05:00-06:00\n";
    static const char *zones[] = {"Europe/Berlin", "Asia/Tokyo"};
    for (int zi = 0; zi < 2; zi++) {
        assert_int_equal(kz_tz_set(zones[zi]), 0);
        kz_model *m[2];
        for (int k = 0; k < 2; k++) {
            m[k] = calloc(1, sizeof *m[k]);
            sh_add(m[k], "main", main_pl);
            sh_add(m[k], "side", side);
            assert_int_equal(kz_schedule_compile(m[k]), 0);
        }
        kz_us from = T("2025-03-28T23:00:00Z"), to = T("2025-04-01T01:00:00Z");
        for (int z = 0; z < kz_schedule_zone_count(m[0]); z++) {
            kz_slot a, b;
            long n = 0;
            kz_schedule_zone_at(m[0], z, from, &a);
            kz_schedule_zone_at(m[1], z, from, &b);
            while (a.start < to) {
                if (strcmp(sh_id(&a), sh_id(&b)) || a.start != b.start || a.end != b.end) {
                    char x[48], y[48];
                    kz_time_format(a.start, x, sizeof x);
                    kz_time_format(b.start, y, sizeof y);
                    fail_msg("%s zone %d slot %ld: next %s at %s, walk %s at %s", zones[zi], z, n,
                             sh_id(&a), x, sh_id(&b), y);
                }
                kz_schedule_zone_next(m[0], z, &a, &a);
                kz_schedule_walk_next(m[1], z, &b, &b);
                n++;
            }
            assert_true(n > 100); /* the walk did walk */
        }
        drop(m[0]);
        drop(m[1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_from_midnight),
        cmocka_unit_test(test_deterministic_and_resumes),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_priority_at_boundaries),
        cmocka_unit_test(test_interrupts),
        cmocka_unit_test(test_window_end_is_hard),
        cmocka_unit_test(test_campaign_spacing),
        cmocka_unit_test(test_window_across_midnight),
        cmocka_unit_test(test_item_narrows_playlist),
        cmocka_unit_test(test_calendar_edges),
        cmocka_unit_test(test_standby),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_dst_wall),
        cmocka_unit_test(test_dst_windows),
        cmocka_unit_test(test_dst_days_covered),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_drop_out),
        cmocka_unit_test(test_walk_matches_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
