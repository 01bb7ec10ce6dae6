/* An operator's interrupt pre-empts at the exact instant it is given: the frame drawn for that
 * instant is the red notice, the one a microsecond earlier is not; proof of play ends the
 * item's line and starts the interrupt's at that same microsecond, and the item comes back at
 * the interrupt's end. Also: a skip, the control socket's permissions. */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/png.h"
#include "base/timeutil.h"
#include "kz_test.h"
#include "ops/ops.h"
#include "ops/pop.h"
#include "screen/player.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kz-test-intr-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    const char *b = getenv("KZ_BUILD");
    char plugins[PATH_MAX], fonts[PATH_MAX], tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/plugins", b ? b : "build");
    if (!realpath(tmp, plugins) || !realpath("fonts/fonts.ini", fonts))
        return -1;
    char path[400];
    snprintf(path, sizeof path, "%s/player.ini", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[display]\nsize = 320x180\n[paths]\nplugins = %s\nplaylists = .\ncontent = .\n"
               "fonts = %s\nlogs = logs\n[player]\nname = unit\n", plugins, fonts);
    fclose(f);
    snprintf(path, sizeof path, "%s/loop.ini", dir);
    f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("[green]\nplugin = color\ncolor = #00ff00\nduration = 10s\n"
          "[blue]\nplugin = color\ncolor = #0000ff\nduration = 10s\n", f);
    fclose(f);
    return 0;
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

static uint32_t corner(kz_player *p)
{
    return ((const uint32_t *)p->surface->pixels)[0] & 0xffffff;
}

static void frame(kz_player *p, kz_us now)
{
    kz_ops_driver.frame(p, now);
    kz_player_draw(p, now);
}

typedef struct lines {
    kz_pop_rec r[64];
    int n;
} lines;

static int collect(const kz_pop_rec *r, void *ud)
{
    lines *l = ud;
    if (l->n < 64)
        l->r[l->n++] = *r;
    return 0;
}

static void test_interrupt_at_exact_instant(void **state)
{
    (void)state;
    char cfg[400];
    snprintf(cfg, sizeof cfg, "%s/player.ini", dir);
    kz_player_opts o = {.config = cfg, .headless = 1, .has_clock = 1, .ops = &kz_ops_driver};
    kz_player p;
    assert_int_equal(kz_player_open(&p, &o), 0);
    assert_int_equal(kz_player_open_display(&p), 0);
    const kz_us t0 = at("2025-02-03T09:00:00+09:00");
    p.clock.start = t0 + 25 * KZ_US_PER_S; /* frozen: what hook_close reads as now */
    p.clock.speed = 0;
    kz_ops_driver.open(&p);
    assert_non_null(p.ops_state);
    /* the control socket: owner-only */
    char sock[400];
    snprintf(sock, sizeof sock, "%s/logs/control.sock", dir);
    struct stat st;
    assert_int_equal(stat(sock, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);

    for (kz_us t = t0; t < t0 + 3 * KZ_US_PER_S; t += KZ_US_PER_S / 4)
        frame(&p, t);
    const kz_us t1 = t0 + 3456789, until = t1 + 5 * KZ_US_PER_S;
    frame(&p, t1 - 1);
    assert_int_equal(corner(&p), 0x00ff00);
    /* the request as the control socket hands it over, in the frame for t1 */
    kz_ops_driver.frame(&p, t1);
    char req[] = "interrupt\nuntil=+5s\ntext=地震です。\n落ち着いて行動してください";
    kz_buf out = {0};
    kz_ops_command(&p, req, &out);
    assert_non_null(out.s);
    assert_string_equal(p.intr.text, "地震です。\n落ち着いて行動してください");
    assert_int_equal(p.intr.until, until);
    kz_buf_free(&out);
    kz_player_draw(&p, t1);
    assert_int_equal(corner(&p), 0x9a0000);
    frame(&p, until - 1);
    assert_int_equal(corner(&p), 0x9a0000);
    frame(&p, until);
    assert_int_equal(corner(&p), 0x00ff00); /* over at its time; the item is back */
    for (kz_us t = until + 16000; t < t0 + 14 * KZ_US_PER_S; t += KZ_US_PER_S / 4)
        frame(&p, t);
    assert_int_equal(corner(&p), 0x0000ff);
    /* skip at 14.5 s: blue leaves the air, the standby slide shows until 20 s */
    const kz_us ts = t0 + 14500000;
    kz_ops_driver.frame(&p, ts);
    char skip[] = "skip\n";
    kz_ops_command(&p, skip, &out);
    assert_true(out.s && !strncmp(out.s, "ok\n", 3));
    kz_buf_free(&out);
    for (kz_us t = ts; t < t0 + 22 * KZ_US_PER_S; t += KZ_US_PER_S / 4)
        frame(&p, t);
    assert_int_equal(corner(&p), 0x00ff00);
    kz_ops_driver.close(&p);
    kz_player_close(&p);
    assert_int_equal(stat(sock, &st), -1); /* removed on the way out */

    char path[400];
    snprintf(path, sizeof path, "%s/logs/pop-2025-02-03.tsv", dir);
    lines l = {0};
    int skipped = 0;
    assert_true(kz_pop_read_file(path, collect, &l, &skipped) >= 5);
    assert_int_equal(skipped, 0);
    for (int i = 0; i < l.n; i++)
        fprintf(stderr, "%s %s %.3f %s\n", l.r[i].item, kz_pop_outcome_name(l.r[i].outcome),
                l.r[i].seconds, l.r[i].id);
    assert_string_equal(l.r[0].item, "green");
    assert_int_equal(l.r[0].start, t0);
    assert_int_equal(l.r[0].end, t1);
    assert_int_equal(l.r[0].outcome, KZ_AIRED_INTERRUPTED);
    assert_string_equal(l.r[1].item, KZ_POP_INTERRUPT);
    assert_int_equal(l.r[1].start, t1);
    assert_int_equal(l.r[1].end, until);
    assert_int_equal(l.r[1].outcome, KZ_AIRED_COMPLETED);
    assert_string_equal(l.r[2].item, "green");
    assert_int_equal(l.r[2].start, until);
    assert_int_equal(l.r[2].end, t0 + 10 * KZ_US_PER_S);
    assert_int_equal(l.r[2].outcome, KZ_AIRED_COMPLETED);
    assert_string_equal(l.r[3].item, "blue");
    assert_int_equal(l.r[3].end, t0 + 14500000);
    assert_int_equal(l.r[3].outcome, KZ_AIRED_INTERRUPTED);
    /* the rest of the skipped slot is the standby slide, then the timeline goes on */
    assert_string_equal(l.r[4].item, KZ_POP_STANDBY);
    assert_int_equal(l.r[4].end, t0 + 20 * KZ_US_PER_S);
    assert_string_equal(l.r[5].item, "green");
    assert_int_equal(l.r[5].start, t0 + 20 * KZ_US_PER_S);
    /* the player stopped at 25 s (its frozen clock), while green was on air */
    assert_int_equal(l.r[5].end, t0 + 25 * KZ_US_PER_S);
    assert_int_equal(l.r[5].outcome, KZ_AIRED_INTERRUPTED);
    /* ids are unique */
    for (int i = 0; i < l.n; i++)
        for (int j = i + 1; j < l.n; j++)
            assert_string_not_equal(l.r[i].id, l.r[j].id);
}

/* An item that fails when it should go on air (its picture vanished after the playlists were
 * loaded): proof of play says failed, with no time shown, and the rotation goes on. */
static void test_failed_item(void **state)
{
    (void)state;
    char png[400], pl[400], cfg[400];
    snprintf(png, sizeof png, "%s/pic.png", dir);
    uint32_t px[16 * 9];
    for (int i = 0; i < 16 * 9; i++)
        px[i] = 0xffff00ff;
    assert_int_equal(kz_png_write(png, px, 16, 9, 16 * 4), 0);
    snprintf(pl, sizeof pl, "%s/loop.ini", dir);
    FILE *f = fopen(pl, "w");
    assert_non_null(f);
    fputs("[pic]\nplugin = image\nfile = pic.png\nduration = 10s\n"
          "[blue]\nplugin = color\ncolor = #0000ff\nduration = 10s\n", f);
    fclose(f);
    snprintf(cfg, sizeof cfg, "%s/player.ini", dir);
    kz_player_opts o = {.config = cfg, .headless = 1, .has_clock = 1, .ops = &kz_ops_driver};
    kz_player p;
    assert_int_equal(kz_player_open(&p, &o), 0);
    assert_int_equal(kz_player_open_display(&p), 0);
    const kz_us t0 = at("2025-02-04T09:00:00+09:00");
    p.clock.start = t0 + 15 * KZ_US_PER_S;
    p.clock.speed = 0;
    unlink(png); /* gone before it goes on air */
    kz_ops_driver.open(&p);
    kz_capture();
    for (kz_us t = t0; t < t0 + 15 * KZ_US_PER_S; t += KZ_US_PER_S / 2)
        frame(&p, t);
    kz_log_set_sink(NULL, NULL);
    assert_int_equal(corner(&p), 0x0000ff);
    kz_ops_driver.close(&p);
    kz_player_close(&p);
    char path[400];
    snprintf(path, sizeof path, "%s/logs/pop-2025-02-04.tsv", dir);
    lines l = {0};
    assert_int_equal(kz_pop_read_file(path, collect, &l, NULL), 3);
    for (int i = 0; i < l.n; i++)
        fprintf(stderr, "%s %s %.3f %s\n", l.r[i].item, kz_pop_outcome_name(l.r[i].outcome),
                l.r[i].seconds, l.r[i].id);
    assert_string_equal(l.r[0].item, "pic");
    assert_int_equal(l.r[0].outcome, KZ_AIRED_FAILED);
    assert_int_equal(l.r[0].start, t0);
    assert_int_equal(l.r[0].end, t0);
    assert_non_null(strstr(l.r[0].id, "@main@0"));
    /* without it the rotation is blue alone, from the same instant */
    assert_string_equal(l.r[1].item, "blue");
    assert_int_equal(l.r[1].start, t0);
    assert_int_equal(l.r[1].outcome, KZ_AIRED_COMPLETED);
    assert_string_equal(l.r[2].item, "blue");
    assert_int_equal(l.r[2].outcome, KZ_AIRED_INTERRUPTED); /* the player stopped at 15 s */
    assert_string_not_equal(l.r[0].id, l.r[1].id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupt_at_exact_instant),
        cmocka_unit_test(test_failed_item),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
