/* Flash analysis through the decode path: the known-answer clips of tests/media/gen-flash.sh
 * (generated here when missing), the kizuna flash command's exit codes, and the gate that
 * keeps a failing clip off the air unless its item gives flash_override = <reason>. */
#include <limits.h>
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
        assert_true(!strncmp(line, "kzflash2\t", 9));
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
        cmocka_unit_test(test_gate),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
