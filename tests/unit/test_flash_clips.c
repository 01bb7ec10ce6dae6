/* Flash analysis through the decode path: the known-answer clips of tests/media/gen-flash.sh
 * (generated here when missing), the kizuna flash command's exit codes, and the gate that
 * keeps a failing clip off the air unless its item gives flash_override = <reason>. */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks/flash.h"
#include "cmd/commands.h"
#include "screen/player.h"

#define MEDIA "build/test-media"

#include "checks/checks.h"

static char media[PATH_MAX];

static int setup(void **state)
{
    (void)state;
    /* The gen script skips clips that exist, so this is cheap after the first run. */
    if (system("sh tests/media/gen-flash.sh " MEDIA " >/dev/null") != 0) {
        fprintf(stderr, "test_flash_clips: tests/media/gen-flash.sh failed (ffmpeg?)\n");
        return -1;
    }
    if (!realpath(MEDIA, media))
        return -1;
    return 0;
}

static void analyse(const char *name, const kz_flash_profile *prof, kz_flash_report *r)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", media, name);
    assert_int_equal(kz_flash_analyse_file(path, prof, 1, r), 0);
    assert_int_equal(r->width, 160);
    assert_int_equal(r->height, 90);
    assert_int_equal(r->grid_w, 160);
    assert_int_equal(r->grid_h, 90);
    assert_non_null(r->frames);
    assert_true(r->n_frames >= 89);
}

static const kz_flash_profile *DEF = &kz_flash_profile_default;

static void test_full_screen(void **state)
{
    (void)state;
    kz_flash_report r;
    analyse("flash-1hz.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.max_lum, 2);
    assert_float_equal(r.duration, 3.0, 0.05);
    kz_flash_report_free(&r);

    /* 2 flashes a second = 4 transitions: under the limit, at the warning level. */
    analyse("flash-2hz.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_int_equal(r.max_lum, 4);
    kz_flash_report_free(&r);

    analyse("flash-3_5hz.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 7);
    assert_int_equal(r.red_transitions, 0);
    /* Black and white frames decode to about 0 and 1. */
    float lo = 1, hi = 0;
    for (size_t i = 0; i < r.n_frames; i++) {
        lo = r.frames[i].lum < lo ? r.frames[i].lum : lo;
        hi = r.frames[i].lum > hi ? r.frames[i].lum : hi;
    }
    assert_true(lo < 0.01 && hi > 0.95);
    kz_flash_report_free(&r);
}

static void test_partial_area(void **state)
{
    (void)state;
    kz_flash_report r;
    analyse("flash-5hz-20pct.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 0);
    /* The box does flash: up to ~20 % of the cells change each time. */
    float most = 0;
    for (size_t i = 0; i < r.n_frames; i++)
        most = r.frames[i].lum_up > most ? r.frames[i].lum_up : most;
    assert_true(most > 0.18 && most < 0.25);
    kz_flash_report_free(&r);

    analyse("flash-5hz-30pct.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 10);
    kz_flash_report_free(&r);
}

static void test_red_fade_cuts(void **state)
{
    (void)state;
    kz_flash_report r;
    analyse("flash-red.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.lum_transitions, 0);
    assert_int_equal(r.max_red, 10);
    assert_true(strstr(r.reason, "red") != NULL);
    kz_flash_report_free(&r);

    analyse("flash-fade.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 2);
    kz_flash_report_free(&r);

    /* 8 cuts in one second between two busy scenes: every cut is a transition. */
    analyse("flash-cuts.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 8);
    assert_true(r.windows[0].start >= 1.0 && r.windows[0].start < 1.3);
    kz_flash_report_free(&r);

    analyse("flash-cuts-slow.mp4", DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 2);
    kz_flash_report_free(&r);
}

/* The transitions of one rule as frame indices (signed by direction) into idx; their count. */
static size_t transitions(const kz_flash_report *r, int red, long *idx, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_frames && n < cap; i++) {
        int tr = red ? r->frames[i].red_tr : r->frames[i].lum_tr;
        if (tr)
            idx[n++] = tr > 0 ? (long)i + 1 : -(long)i - 1;
    }
    return n;
}

/* The fast decode path (no loop filter, cell means read straight from the Y'CbCr planes) and
 * the exact one (full decode, libswscale SWS_AREA to RGB) must give the same verdicts, counts
 * and windows, and the same transitions on the same frames. slack: how many frames a
 * transition may move. 0 except on a slow fade, where the transition is the frame at which a
 * ramp crosses the 0.1 threshold and one code value of rounding moves it by a frame
 * (libswscale's limited-range conversion reads mid-greys about one code value darker than
 * the formula; the fast path is the closer of the two to the source's values). */
static void compare_paths(const char *name, int slack, int known_verdict, int known_lum,
                          int known_red)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", media, name);
    kz_flash_report a, b;
    kz_flash_opts fast = {.profile = DEF, .keep_frames = 1};
    kz_flash_opts exact = {.profile = DEF, .keep_frames = 1, .exact = 1};
    assert_int_equal(kz_flash_analyse(path, &fast, &a), 0);
    assert_int_equal(kz_flash_analyse(path, &exact, &b), 0);
    if (known_verdict >= 0) {
        assert_int_equal(a.verdict, known_verdict);
        assert_int_equal(a.max_lum, known_lum);
        assert_int_equal(a.max_red, known_red);
    }
    assert_int_equal(a.verdict, b.verdict);
    assert_int_equal(a.grid_w, b.grid_w);
    assert_int_equal(a.grid_h, b.grid_h);
    assert_int_equal(a.n_frames, b.n_frames);
    assert_int_equal(a.lum_transitions, b.lum_transitions);
    assert_int_equal(a.red_transitions, b.red_transitions);
    assert_int_equal(a.max_lum, b.max_lum);
    assert_int_equal(a.max_red, b.max_red);
    assert_int_equal(a.pattern_frames, b.pattern_frames);
    assert_int_equal(a.n_windows, b.n_windows);
    double frame = a.n_frames > 1 ? a.duration / (a.n_frames - 1) : 0;
    for (int i = 0; i < a.n_windows; i++) {
        assert_float_equal(a.windows[i].start, b.windows[i].start, slack * frame + 1e-9);
        assert_float_equal(a.windows[i].end, b.windows[i].end, slack * frame + 1e-9);
        assert_int_equal(a.windows[i].verdict, b.windows[i].verdict);
        assert_int_equal(a.windows[i].lum, b.windows[i].lum);
        assert_int_equal(a.windows[i].red, b.windows[i].red);
    }
    for (int red = 0; red < 2; red++) {
        long ta[64], tb[64];
        size_t na = transitions(&a, red, ta, 64), nb = transitions(&b, red, tb, 64);
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++) {
            assert_true((ta[i] > 0) == (tb[i] > 0));
            assert_true(labs(labs(ta[i]) - labs(tb[i])) <= slack);
        }
    }
    for (size_t i = 0; i < a.n_frames && !slack; i++) {
        const kz_flash_frame *x = &a.frames[i], *y = &b.frames[i];
        assert_int_equal(x->lum_tr, y->lum_tr);
        assert_int_equal(x->red_tr, y->red_tr);
        assert_int_equal(x->lum_count, y->lum_count);
        assert_int_equal(x->red_count, y->red_count);
        assert_int_equal(x->pattern, y->pattern);
        assert_int_equal(x->verdict, y->verdict);
    }
    for (size_t i = 0; i < a.n_frames; i++) {
        /* The cell means differ only by rounding: about one code value. */
        assert_float_equal(a.frames[i].lum, b.frames[i].lum, 0.01);
        assert_float_equal(a.frames[i].red, b.frames[i].red, 4.0);
    }
    kz_flash_report_free(&a);
    kz_flash_report_free(&b);
}

static void test_fast_matches_exact(void **state)
{
    (void)state;
    static const char *small[] = {"flash-1hz.mp4",       "flash-2hz.mp4",   "flash-3_5hz.mp4",
                                  "flash-5hz-20pct.mp4", "flash-5hz-30pct.mp4",
                                  "flash-red.mp4",       "flash-cuts.mp4",  "flash-cuts-slow.mp4"};
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        compare_paths(small[i], 0, -1, 0, 0);
    compare_paths("flash-fade.mp4", 1, KZ_FLASH_PASS, 1, 0);
    /* 8x8 pixels a cell; the same known answers as the 160x90 originals. */
    compare_paths("flash-cuts-720.mp4", 0, KZ_FLASH_FAIL, 8, 0);
    compare_paths("flash-5hz-30pct-720.mp4", 0, KZ_FLASH_FAIL, 10, 0);
    compare_paths("flash-red-720-full.mp4", 0, KZ_FLASH_FAIL, 0, 10);
}

/* Run the command with its report going to /dev/null. */
static int quiet(int argc, char **argv)
{
    fflush(stdout);
    int saved = dup(1);
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    dup2(fileno(null), 1);
    int rc = kz_cmd_flash(argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fclose(null);
    return rc;
}

static int cmd(const char *file, const char *format)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", media, file);
    char *argv[] = {"flash", path, "--format", (char *)format, NULL};
    return quiet(4, argv);
}

static void test_command(void **state)
{
    (void)state;
    assert_int_equal(cmd("flash-1hz.mp4", "text"), 0);
    assert_int_equal(cmd("flash-3_5hz.mp4", "csv"), 1);
    assert_int_equal(cmd("flash-2hz.mp4", "json"), 3);
    assert_int_equal(cmd("flash-2hz.mp4", "xml"), 2);
    assert_int_equal(cmd("no-such-clip.mp4", "text"), 4);
    char *bad_profile[] = {"flash", "x.mp4", "--profile", "uk", NULL};
    assert_int_equal(kz_cmd_flash(4, bad_profile), 2);
    char *none[] = {"flash", NULL};
    assert_int_equal(kz_cmd_flash(1, none), 2);
    char *jp[] = {"flash", "--profile=jp", "--format=csv", NULL, NULL};
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/flash-2hz.mp4", media);
    jp[3] = path;
    assert_int_equal(quiet(4, jp), 1); /* jp: near-limit for more than 2 s fails */
    /* Not a video: exit 4. */
    FILE *f = fopen("build/test-media/not-a-video.mp4", "w");
    assert_non_null(f);
    fputs("hello\n", f);
    fclose(f);
    assert_int_equal(cmd("not-a-video.mp4", "text"), 4);
}

static const char *PLAYLIST = "[bad]\n"
                              "plugin = video\n"
                              "file = flash-3_5hz.mp4\n"
                              "[bad_reviewed]\n"
                              "plugin = video\n"
                              "file = flash-3_5hz.mp4\n"
                              "flash_override = reviewed 2025-01-10, warning slate before it\n"
                              "[good]\n"
                              "plugin = video\n"
                              "file = flash-1hz.mp4\n"
                              "[strict]\n"
                              "plugin = video\n"
                              "file = flash-2hz.mp4\n"
                              "flash_profile = jp\n"
                              "[escape]\n"
                              "plugin = video\n"
                              "file = ../../etc/passwd\n";

static void test_gate(void **state)
{
    (void)state;
    static kz_player p; /* large: not on the stack */
    memset(&p, 0, sizeof p);
    snprintf(p.cfg.content, sizeof p.cfg.content, "%s", media);
    char logs[] = "/tmp/kz-flash-logs-XXXXXX";
    assert_non_null(mkdtemp(logs));
    snprintf(p.cfg.logs, sizeof p.cfg.logs, "%s/sub", logs);
    kz_model *m = &p.model;
    kz_model_add_string(m, PLAYLIST, "gate.ini");
    assert_int_equal((int)m->n_items, 5);
    for (size_t i = 0; i < m->n_items; i++)
        assert_int_equal(m->items[i].playable, 1);

    assert_int_equal(kz_flash_gate(&p, m), 2);
    assert_int_equal(m->items[0].playable, 0); /* fails, no override */
    assert_int_equal(m->items[1].playable, 1); /* fails, written override */
    assert_int_equal(m->items[2].playable, 1); /* passes */
    assert_int_equal(m->items[3].playable, 0); /* jp profile: the 2 Hz clip fails */
    assert_int_equal(m->items[4].playable, 1); /* not under the content root: left to the
                                                  video plugin, which refuses it */
    /* The override and profile keys are read: never "unknown key". */
    assert_int_equal(kz_params_find(&m->items[1].params, "flash_override")->used, 1);
    assert_int_equal(kz_params_find(&m->items[3].params, "flash_profile")->used, 1);

    /* The cache: one line per clip and profile. */
    char cpath[PATH_MAX + 64], line[PATH_MAX + 256];
    snprintf(cpath, sizeof cpath, "%s/sub/flash-cache.tsv", logs);
    FILE *f = fopen(cpath, "r");
    assert_non_null(f);
    int lines = 0, fail_lines = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        assert_true(!strncmp(line, "kzflash3\t", 9));
        fail_lines += strstr(line, "flash-3_5hz.mp4") != NULL;
    }
    fclose(f);
    assert_int_equal(lines, 3);
    assert_int_equal(fail_lines, 1);

    /* kizuna check's report, item by item: the unreviewed failing clip and the jp one are
     * problems; the reviewed one is not. */
    assert_int_equal(kz_check_media(&p), 2);

    /* A second load reads the cache: the same answers. */
    for (size_t i = 0; i < m->n_items; i++)
        m->items[i].playable = 1;
    assert_int_equal(kz_flash_gate(&p, m), 2);
    assert_int_equal(m->items[0].playable, 0);
    assert_int_equal(m->items[1].playable, 1);
    kz_model_free(m);
    remove(cpath);
    snprintf(cpath, sizeof cpath, "%s/sub", logs);
    rmdir(cpath);
    rmdir(logs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_screen),   cmocka_unit_test(test_partial_area),
        cmocka_unit_test(test_red_fade_cuts), cmocka_unit_test(test_command),
        cmocka_unit_test(test_gate),          cmocka_unit_test(test_fast_matches_exact),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
