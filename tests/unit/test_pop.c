/* Proof of play: the line format round-trips, malformed lines are refused, and a torn last
 * line (a crash while writing) is skipped by readers while the writer goes on cleanly. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "kz_test.h"
#include "ops/pop.h"
#include "screen/player.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    snprintf(dir, sizeof dir, "/tmp/kz-test-pop-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static kz_us at(const char *iso)
{
    kz_us t;
    assert_int_equal(kz_time_parse(iso, &t), 0);
    return t;
}

static kz_pop_rec make(const char *start, const char *end, const char *item, int outcome)
{
    kz_pop_rec r;
    memset(&r, 0, sizeof r);
    r.start = at(start);
    r.end = at(end);
    r.seconds = (double)(r.end - r.start) / KZ_US_PER_S;
    snprintf(r.zone, sizeof r.zone, "main");
    snprintf(r.playlist, sizeof r.playlist, "20-barrier-free");
    snprintf(r.item, sizeof r.item, "%s", item);
    snprintf(r.campaign, sizeof r.campaign, "barrier-free-month");
    r.outcome = outcome;
    return r;
}

static void test_round_trip(void **state)
{
    (void)state;
    kz_pop_rec r = make("2025-02-03T09:00:15.250+09:00", "2025-02-03T09:00:30+09:00",
                        "help\tmark\n", KZ_AIRED_INTERRUPTED);
    kz_pop_make_id(&r, "kenchou lobby");
    assert_string_equal(r.id, "kenchou_lobby@1738540815250000@main");
    char line[2048];
    int n = kz_pop_format(&r, line, sizeof line);
    assert_true(n > 0);
    assert_int_equal(line[n - 1], '\n');
    assert_null(strchr(line, '\r'));
    kz_pop_rec back;
    assert_int_equal(kz_pop_parse(line, &back), 0);
    assert_string_equal(back.id, r.id);
    assert_int_equal(back.start, r.start);
    assert_int_equal(back.end, r.end);
    assert_string_equal(back.item, "help mark "); /* tab and newline made spaces */
    assert_string_equal(back.campaign, "barrier-free-month");
    assert_int_equal(back.outcome, KZ_AIRED_INTERRUPTED);
    assert_true(back.seconds > 14.74 && back.seconds < 14.76);
    /* too small a buffer is refused, not truncated */
    assert_int_equal(kz_pop_format(&r, line, 40), -1);
}

static void test_malformed_refused(void **state)
{
    (void)state;
    kz_pop_rec r;
    const char *bad[] = {
        "",
        "# comment\n",
        "id\t2025-02-03T09:00:00+09:00\n",
        "id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\t15.000\tmain\tp\ti\tc\tdone\n",
        "id\t2025-02-03T09:00:00+09:00\t2025-02-03T08:00:15+09:00\t15.000\tmain\tp\ti\tc\tcompleted\n",
        "id\tyesterday\t2025-02-03T09:00:15+09:00\t15.000\tmain\tp\ti\tc\tcompleted\n",
        "id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\tx\tmain\tp\ti\tc\tcompleted\n",
        /* a tenth field (content) is allowed since fetched content; an eleventh is not, nor
         * an empty tenth (the writer leaves it out instead) */
        "id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\t15\tmain\tp\ti\tc\tcompleted\tx\ty\n",
        "id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\t15\tmain\tp\ti\tc\tcompleted\t\n",
        "id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\t15\tmain\tp\t\tc\tcompleted\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (kz_pop_parse(bad[i], &r) == 0)
            fprintf(stderr, "accepted: %s", bad[i]);
        assert_int_equal(kz_pop_parse(bad[i], &r), -1);
    }
    assert_int_equal(kz_pop_parse("id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\t15"
                                  "\tmain\tp\ti\t\tcompleted\n", &r), 0);
    assert_string_equal(r.content, "");
    assert_int_equal(kz_pop_parse("id\t2025-02-03T09:00:00+09:00\t2025-02-03T09:00:15+09:00\t15"
                                  "\tband\tp\ti\t\tcompleted\tab12>fallback\n", &r), 0);
    assert_string_equal(r.content, "ab12>fallback");
    /* and it is written back the same way; a record without content keeps nine fields */
    char line[512];
    assert_true(kz_pop_format(&r, line, sizeof line) > 0);
    assert_non_null(strstr(line, "\tcompleted\tab12>fallback\n"));
    r.content[0] = 0;
    assert_true(kz_pop_format(&r, line, sizeof line) > 0);
    assert_non_null(strstr(line, "\tcompleted\n"));
}

static int count_cb(const kz_pop_rec *r, void *ud)
{
    (void)r;
    (*(int *)ud)++;
    return 0;
}

static void test_torn_line_recovery(void **state)
{
    (void)state;
    kz_pop_writer w;
    assert_int_equal(kz_pop_open(&w, dir, "s1"), 0);
    kz_pop_rec a = make("2025-02-03T09:00:00+09:00", "2025-02-03T09:00:15+09:00", "a", 0);
    kz_pop_rec b = make("2025-02-03T09:00:15+09:00", "2025-02-03T09:00:30+09:00", "b", 0);
    assert_int_equal(kz_pop_write(&w, &a), 0);
    assert_int_equal(kz_pop_write(&w, &b), 0);
    kz_pop_close(&w);
    char path[400];
    kz_pop_path(dir, a.start, path, sizeof path);
    assert_non_null(strstr(path, "/pop-2025-02-03.tsv"));
    /* a crash in the middle of a line: half of a third line, no line end */
    kz_pop_rec c = make("2025-02-03T09:00:30+09:00", "2025-02-03T09:00:45+09:00", "c", 0);
    kz_pop_make_id(&c, "s1");
    char line[2048];
    int n = kz_pop_format(&c, line, sizeof line);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, line, (size_t)n / 2), n / 2);
    close(fd);
    /* readers: two good lines, the torn one skipped */
    int count = 0, skipped = 0;
    kz_capture();
    assert_int_equal(kz_pop_read_file(path, count_cb, &count, &skipped), 2);
    assert_int_equal(count, 2);
    assert_int_equal(skipped, 1);
    assert_logged("torn last line");
    /* the writer after a restart: its next line starts on a line of its own */
    assert_int_equal(kz_pop_open(&w, dir, "s1"), 0);
    kz_pop_rec d = make("2025-02-03T09:01:00+09:00", "2025-02-03T09:01:15+09:00", "d", 0);
    assert_int_equal(kz_pop_write(&w, &d), 0);
    kz_pop_close(&w);
    count = skipped = 0;
    assert_int_equal(kz_pop_read_file(path, count_cb, &count, &skipped), 3);
    assert_int_equal(skipped, 1); /* the fragment, now a complete but invalid line */
    assert_logged("not a proof-of-play line");
    kz_log_set_sink(NULL, NULL);
}

static void test_daily_files(void **state)
{
    (void)state;
    kz_pop_writer w;
    assert_int_equal(kz_pop_open(&w, dir, "s2"), 0);
    /* 23:59:50 local on the 3rd and 00:00:05 on the 4th go to two files */
    kz_pop_rec a = make("2025-02-03T23:59:50+09:00", "2025-02-04T00:00:05+09:00", "a", 0);
    kz_pop_rec b = make("2025-02-04T00:00:05+09:00", "2025-02-04T00:00:20+09:00", "b", 0);
    assert_int_equal(kz_pop_write(&w, &a), 0);
    assert_int_equal(kz_pop_write(&w, &b), 0);
    kz_pop_sync(&w, kz_now_mono() + 10 * KZ_US_PER_S, 2 * KZ_US_PER_S);
    assert_int_equal(w.dirty, 0);
    kz_pop_close(&w);
    char p3[400], p4[400];
    snprintf(p3, sizeof p3, "%s/pop-2025-02-03.tsv", dir);
    snprintf(p4, sizeof p4, "%s/pop-2025-02-04.tsv", dir);
    int n3 = 0, n4 = 0;
    kz_capture();
    kz_pop_read_file(p3, count_cb, &n3, NULL);
    kz_pop_read_file(p4, count_cb, &n4, NULL);
    kz_log_set_sink(NULL, NULL);
    assert_true(n3 >= 1);
    assert_int_equal(n4, 1);
    struct stat st;
    assert_int_equal(stat(p4, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_malformed_refused),
        cmocka_unit_test(test_torn_line_recovery),
        cmocka_unit_test(test_daily_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
