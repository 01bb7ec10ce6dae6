/* kizuna report over a fixed proof-of-play log: plays, airtime, duplicates, gaps (standby,
 * interrupt, player off), planned airtime from the same schedule, and the chart. */
#include <stdlib.h>
#include <unistd.h>

#include "base/png.h"
#include "base/timeutil.h"
#include "cmd/report.h"
#include "kz_test.h"
#include "model/schedule.h"
#include "screen/player.h"

#define T(hms) "2025-02-03T09:" hms "+09:00"
#define L(id, s, e, secs, pl, item, camp, out)                                               \
    "s@" id "@main\t" s "\t" e "\t" secs "\tmain\t" pl "\t" item "\t" camp "\t" out "\n"

static const char *fixed_log =
    "# kizuna proof of play v1\n"
    L("1", T("00:00"), T("00:15"), "15.000", "p", "a", "X", "completed")
    L("2", T("00:15"), T("00:30"), "15.000", "p", "b", "Y", "completed")
    L("3", T("00:30"), T("00:40"), "10.000", "p", "a", "X", "interrupted")
    L("4", T("00:40"), T("01:00"), "20.000", "-", "(interrupt)", "", "completed")
    L("5", T("01:00"), T("01:15"), "15.000", "p", "b", "Y", "completed")
    L("2", T("00:15"), T("00:30"), "15.000", "p", "b", "Y", "completed") /* duplicate */
    "garbage line that does not parse\n"
    L("8", T("02:00"), T("02:15"), "15.000", "p", "a", "X", "completed")
    L("9", T("02:15"), T("02:45"), "30.000", "-", "(standby)", "", "completed")
    L("10", "2025-02-04T10:00:00+09:00", "2025-02-04T10:00:15+09:00", "15.000", "p", "a", "X",
      "completed")
    "s@11@main\t2025-02-04T10:00:15+09:00\t2025-02-04T10:00:30+09:00\t15"; /* torn */

static char path[256];
static kz_pop_rec *recs;
static size_t n_recs, cap_recs;

static int collect(const kz_pop_rec *r, void *ud)
{
    (void)ud;
    if (n_recs == cap_recs) {
        cap_recs = cap_recs ? cap_recs * 2 : 16;
        recs = realloc(recs, cap_recs * sizeof *recs);
    }
    recs[n_recs++] = *r;
    return 0;
}

static int skipped;

static int setup(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    snprintf(path, sizeof path, "/tmp/kz-test-report-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    ssize_t len = (ssize_t)strlen(fixed_log);
    if (write(fd, fixed_log, (size_t)len) != len)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    free(recs);
    return 0;
}

static void load(void)
{
    n_recs = 0;
    skipped = 0;
    kz_capture();
    assert_int_equal(kz_pop_read_file(path, collect, NULL, &skipped), 9);
    kz_log_set_sink(NULL, NULL);
    assert_int_equal(skipped, 2); /* the garbage line and the torn last line */
}

static kz_us at(const char *iso)
{
    kz_us t;
    assert_int_equal(kz_time_parse(iso, &t), 0);
    return t;
}

static const kz_report_row *row(const kz_report *r, const char *key)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (!strcmp(r->rows[i].key, key))
            return &r->rows[i];
    fail_msg("no row %s", key);
    return NULL;
}

static void test_by_campaign_with_gaps(void **state)
{
    (void)state;
    load();
    kz_report r;
    assert_int_equal(kz_report_build(&r, recs, n_recs, at(T("00:00")), at(T("03:00")),
                                     KZ_BY_CAMPAIGN, NULL, NULL), 0);
    assert_int_equal(r.duplicates, 1);
    assert_int_equal(r.records, 8);
    assert_int_equal(r.screens, 1);
    assert_int_equal(r.n_rows, 2);
    const kz_report_row *x = row(&r, "X"), *y = row(&r, "Y");
    assert_int_equal(x->plays, 3);
    assert_int_equal(x->completed, 2);
    assert_true(x->airtime > 39.99 && x->airtime < 40.01);
    assert_int_equal(y->plays, 2);
    assert_true(y->airtime > 29.99 && y->airtime < 30.01);
    assert_int_equal(r.total.plays, 5);
    /* gaps: 00:40-01:00 interrupt, 01:15-02:00 player off, 02:15-03:00 standby then off */
    assert_int_equal(r.n_gaps, 3);
    assert_int_equal(r.gaps[0].start, at(T("00:40")));
    assert_int_equal(r.gaps[0].end, at(T("01:00")));
    assert_int_equal(r.gaps[1].start, at(T("01:15")));
    assert_int_equal(r.gaps[2].end, at(T("03:00")));
    assert_true(r.gap_s > 109.99 && r.gap_s < 110.01);
    assert_true(r.interrupt_s > 19.99 && r.interrupt_s < 20.01);
    assert_true(r.standby_s > 29.99 && r.standby_s < 30.01);
    assert_true(r.off_air_s > 59.99 && r.off_air_s < 60.01);
    assert_int_equal(r.interrupts, 1);
    assert_int_equal(r.has_plan, 0);
    kz_report_free(&r);
}

static void test_range_clips(void **state)
{
    (void)state;
    load();
    kz_report r;
    /* from 00:05: line 1 is cut to 10 s and still counts as a play (as planned slots do) */
    assert_int_equal(kz_report_build(&r, recs, n_recs, at(T("00:05")), at(T("00:35")),
                                     KZ_BY_ITEM, NULL, NULL), 0);
    const kz_report_row *a = row(&r, "p/a"), *b = row(&r, "p/b");
    assert_int_equal(a->plays, 2);
    assert_true(a->airtime > 14.99 && a->airtime < 15.01); /* 10 s of line 1 + 5 s of line 3 */
    assert_int_equal(b->plays, 1);
    kz_report_free(&r);
}

static void test_by_day_and_hour(void **state)
{
    (void)state;
    load();
    kz_report r;
    assert_int_equal(kz_report_build(&r, recs, n_recs, 0, 0, KZ_BY_DAY, NULL, NULL), 0);
    assert_int_equal(r.from, at(T("00:00")));
    assert_int_equal(r.to, at("2025-02-04T10:00:15+09:00"));
    assert_int_equal(r.n_rows, 2);
    assert_string_equal(r.rows[0].key, "2025-02-03");
    assert_int_equal(r.rows[0].plays, 5);
    assert_string_equal(r.rows[1].key, "2025-02-04");
    assert_int_equal(r.rows[1].plays, 1);
    kz_report_free(&r);
    load();
    assert_int_equal(kz_report_build(&r, recs, n_recs, 0, 0, KZ_BY_HOUR, NULL, NULL), 0);
    assert_string_equal(r.rows[0].key, "2025-02-03 09:00");
    assert_string_equal(r.rows[1].key, "2025-02-04 10:00");
    kz_report_free(&r);
}

static void test_planned_from_schedule(void **state)
{
    (void)state;
    kz_model m;
    memset(&m, 0, sizeof m);
    kz_model_add_string(&m,
                        "[a]\nplugin = color\nduration = 15\ncampaign = X\n"
                        "[b]\nplugin = color\nduration = 15\ncampaign = Y\n",
                        "p.ini");
    kz_schedule_compile(&m);
    load();
    kz_report r;
    assert_int_equal(kz_report_build(&r, recs, n_recs, at(T("00:00")), at(T("03:00")),
                                     KZ_BY_CAMPAIGN, &m, NULL), 0);
    assert_int_equal(r.has_plan, 1);
    /* 3 minutes of 15 s slots, two items sharing the screen */
    assert_int_equal(r.total.planned_plays, 12);
    assert_true(r.total.planned_airtime > 179.99 && r.total.planned_airtime < 180.01);
    const kz_report_row *x = row(&r, "X");
    assert_true(x->planned_airtime >= 75 && x->planned_airtime <= 105);
    assert_true(r.planned_standby_s < 0.01);
    /* the text report states aired against planned */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    kz_report_write_text(&r, f);
    fclose(f);
    assert_non_null(strstr(buf, "planned"));
    assert_non_null(strstr(buf, "gaps with nothing on air: 3"));
    free(buf);
    f = open_memstream(&buf, &len);
    kz_report_write_json(&r, f);
    fclose(f);
    assert_non_null(strstr(buf, "\"key\":\"X\",\"plays\":3,\"completed\":2,\"airtime_s\":40.000"));
    free(buf);
    /* the chart: bars in the first campaign's colour, planned outlines in ink */
    char png[300];
    snprintf(png, sizeof png, "%s.png", path);
    assert_int_equal(kz_report_write_png(&r, NULL, png, 640, 360), 0);
    uint8_t *px;
    int w, h;
    char err[128];
    assert_int_equal(kz_image_load(png, &px, &w, &h, err, sizeof err), 0);
    assert_int_equal(w, 640);
    assert_int_equal(h, 360);
    long blue = 0;
    for (int i = 0; i < w * h; i++) {
        const uint8_t *q = px + 4 * i; /* B G R A */
        blue += q[2] == 0x1f && q[1] == 0x77 && q[0] == 0xb4;
    }
    assert_true(blue > 500);
    free(px);
    unlink(png);
    kz_report_free(&r);
    kz_model_free(&m);
}

static void test_zone_filter(void **state)
{
    (void)state;
    load();
    /* a ticker zone beside main: 3 minutes of the same campaign X */
    kz_pop_rec t = recs[0];
    snprintf(t.id, sizeof t.id, "s@99@ticker");
    snprintf(t.zone, sizeof t.zone, "ticker");
    t.start = at(T("00:00"));
    t.end = at(T("03:00"));
    collect(&t, NULL);
    kz_report r;
    assert_int_equal(kz_report_build(&r, recs, n_recs, at(T("00:00")), at(T("03:00")),
                                     KZ_BY_CAMPAIGN, NULL, NULL), 0);
    assert_true(row(&r, "X")->airtime > 219.99); /* 40 s in main + 180 s in the ticker */
    assert_int_equal(r.n_gaps, 0); /* the ticker was on air all along */
    kz_report_free(&r);
    load();
    collect(&t, NULL);
    assert_int_equal(kz_report_build(&r, recs, n_recs, at(T("00:00")), at(T("03:00")),
                                     KZ_BY_CAMPAIGN, NULL, "main"), 0);
    assert_true(row(&r, "X")->airtime < 40.01);
    assert_int_equal(r.n_gaps, 3);
    kz_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_campaign_with_gaps),
        cmocka_unit_test(test_range_clips),
        cmocka_unit_test(test_by_day_and_hour),
        cmocka_unit_test(test_planned_from_schedule),
        cmocka_unit_test(test_zone_filter),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
