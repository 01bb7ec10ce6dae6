/* Flash analysis rules, driven with synthetic frames through the pure per-frame API. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/flash.h"

#define GW 32
#define GH 18
#define CELLS (GW * GH)
#define FPS 30.0

/* What one synthetic clip shows: cells [0, area_cells) take colour `on` during the "on" half
 * of each period and `off` otherwise; the other cells show `bg`. lag: a second group of
 * cells [area_cells, area_cells + lag_cells) follows the same wave lag_frames later.
 * start/stop: the wave only runs inside [start, stop) seconds (else `off`). */
typedef struct clip {
    double hz;
    int area_cells;
    uint8_t on[3], off[3], bg[3];
    int lag_cells, lag_frames;
    double start, stop;
    double seconds;
} clip;

static int wave_on(const clip *c, int frame)
{
    double t = frame / FPS;
    if (c->hz <= 0 || t < c->start || t >= c->stop)
        return 0;
    /* The frame-exact square wave: on for the first half of every period. */
    double phase = fmod(frame * c->hz / FPS, 1.0);
    return phase < 0.5 - 1e-9;
}

static void fill(const clip *c, int frame, uint8_t *rgb)
{
    for (int i = 0; i < CELLS; i++) {
        const uint8_t *col = c->bg;
        if (i < c->area_cells)
            col = wave_on(c, frame) ? c->on : c->off;
        else if (i < c->area_cells + c->lag_cells)
            col = frame >= c->lag_frames && wave_on(c, frame - c->lag_frames) ? c->on : c->off;
        memcpy(rgb + 3 * i, col, 3);
    }
}

static void run(const clip *c, const kz_flash_profile *prof, kz_flash_report *r)
{
    kz_flash *f = kz_flash_new(prof, GW, GH);
    assert_non_null(f);
    uint8_t rgb[CELLS * 3];
    int n = (int)lround(c->seconds * FPS);
    for (int i = 0; i < n; i++) {
        fill(c, i, rgb);
        assert_int_equal(kz_flash_push(f, rgb, GW * 3, i / FPS), 0);
    }
    assert_int_equal(kz_flash_finish(f, r), 0);
    kz_flash_free(&f);
    assert_null(f);
    assert_int_equal((int)r->n_frames, n);
}

static clip full(double hz, double seconds)
{
    clip c = {.hz = hz, .area_cells = CELLS, .on = {255, 255, 255}, .off = {0, 0, 0},
              .start = 0, .stop = 1e9, .seconds = seconds};
    return c;
}

static const kz_flash_profile *DEF = &kz_flash_profile_default;
static const kz_flash_profile *JP = &kz_flash_profile_jp;

static void test_pixels(void **state)
{
    (void)state;
    assert_float_equal(kz_srgb_to_linear(0), 0.0, 1e-12);
    assert_float_equal(kz_srgb_to_linear(255), 1.0, 1e-12);
    assert_float_equal(kz_srgb_to_linear(128), 0.2158605, 1e-6);
    assert_float_equal(kz_srgb_to_linear(10), 10 / 255.0 / 12.92, 1e-12); /* linear toe */
    assert_float_equal(kz_relative_luminance(255, 255, 255), 1.0, 1e-9);
    assert_float_equal(kz_relative_luminance(255, 0, 0), 0.2126, 1e-9);
    assert_float_equal(kz_relative_luminance(0, 255, 0), 0.7152, 1e-9);
    assert_float_equal(kz_relative_luminance(127, 127, 127), 0.2122, 1e-3);
    /* Saturated red: (R - G - B) * 320 once R / (R + G + B) >= 0.8. */
    assert_float_equal(kz_red_saturation(255, 0, 0), 320.0, 1e-3);
    assert_float_equal(kz_red_saturation(0, 0, 0), 0.0, 1e-9);
    assert_float_equal(kz_red_saturation(255, 255, 255), 0.0, 1e-9);
    assert_float_equal(kz_red_saturation(255, 128, 128), 0.0, 1e-9); /* pink: ratio 0.7 */
    double r = kz_srgb_to_linear(255), g = kz_srgb_to_linear(60);
    assert_true(r / (r + 2 * g) >= 0.8);
    assert_float_equal(kz_red_saturation(255, 60, 60), (r - 2 * g) * 320, 1e-3);
    assert_ptr_equal(kz_flash_profile_find(NULL), DEF);
    assert_ptr_equal(kz_flash_profile_find("default"), DEF);
    assert_ptr_equal(kz_flash_profile_find("jp"), JP);
    assert_null(kz_flash_profile_find("uk"));
    assert_string_equal(kz_flash_verdict_name(KZ_FLASH_WARN), "warn");
}

/* Full-screen black/white: 1 Hz passes, 2 and 3 Hz (4 and 6 transitions a second) warn,
 * 3.5 Hz (7) fails, and the worst window is reported where the flashing is. */
static void test_rates(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(1, 3);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.max_lum, 2);
    assert_int_equal(r.n_windows, 0);
    kz_flash_report_free(&r);

    c = full(2, 3);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_int_equal(r.max_lum, 4);
    assert_int_equal(r.max_red, 0);
    kz_flash_report_free(&r);

    c = full(3, 3);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_int_equal(r.max_lum, 6);
    kz_flash_report_free(&r);

    c = full(3.5, 3);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 7);
    assert_true(r.n_windows >= 1);
    assert_int_equal(r.windows[0].verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.windows[0].lum, 7);
    kz_flash_report_free(&r);
}

/* Flashing only between 2.0 s and 3.0 s of a 6 s clip: the fail window is found there. */
static void test_window_times(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(5, 6);
    c.start = 2.0;
    c.stop = 3.0;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 10);
    assert_true(r.max_lum_at > 2.8 && r.max_lum_at < 3.1);
    assert_true(r.windows[0].start >= 1.5 && r.windows[0].start <= 2.3);
    assert_true(r.windows[0].end >= 2.9 && r.windows[0].end <= 4.0);
    /* Frames before the flashing start are clean. */
    for (size_t i = 0; i < r.n_frames && r.frames[i].t < 2.0; i++) {
        assert_int_equal(r.frames[i].lum_tr, 0);
        assert_int_equal(r.frames[i].verdict, KZ_FLASH_PASS);
    }
    kz_flash_report_free(&r);
}

/* The 25 % rule: 5 Hz over 24 % of the screen passes, over 26 % fails. */
static void test_area(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(5, 3);
    c.area_cells = CELLS * 24 / 100;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 0);
    kz_flash_report_free(&r);

    c.area_cells = CELLS * 26 / 100 + 1;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 10);
    kz_flash_report_free(&r);
}

/* Two 15 % patches that change one frame apart add up (concurrent); half a period apart
 * (one rises while the other falls) they do not. */
static void test_concurrent_area(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(5, 3);
    c.area_cells = CELLS * 15 / 100;
    c.lag_cells = CELLS * 15 / 100;
    c.lag_frames = 1;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    kz_flash_report_free(&r);

    c.lag_frames = 3;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 0);
    kz_flash_report_free(&r);
}

/* Luminance thresholds: a change under 0.1 is no transition; a change whose darker state is
 * 0.8 or brighter is none either (default), but counts with the jp profile. */
static void test_luminance_thresholds(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(5, 3);
    /* 0.0368 <-> 0.1 linear (codes 54 and 89): 0.063 apart. */
    memcpy(c.off, (uint8_t[3]){54, 54, 54}, 3);
    memcpy(c.on, (uint8_t[3]){89, 89, 89}, 3);
    assert_true(kz_relative_luminance(89, 89, 89) - kz_relative_luminance(54, 54, 54) < 0.1);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 0);
    kz_flash_report_free(&r);

    /* Code 237 is 0.846 linear: bright-to-brighter flashing. */
    memcpy(c.off, (uint8_t[3]){237, 237, 237}, 3);
    memcpy(c.on, (uint8_t[3]){255, 255, 255}, 3);
    assert_true(kz_relative_luminance(237, 237, 237) >= 0.8);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    kz_flash_report_free(&r);
    run(&c, JP, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 10);
    kz_flash_report_free(&r);
}

/* Saturated red against a grey of the same luminance: a red flash, no luminance flash. */
static void test_red(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(5, 3);
    memcpy(c.on, (uint8_t[3]){255, 0, 0}, 3);
    memcpy(c.off, (uint8_t[3]){127, 127, 127}, 3);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.lum_transitions, 0);
    assert_int_equal(r.max_red, 10);
    assert_true(strstr(r.reason, "red") != NULL);
    kz_flash_report_free(&r);

    /* 1 red flash a second: passes by default; the jp profile warns (red from 2/s). */
    c.hz = 1;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    kz_flash_report_free(&r);
    run(&c, JP, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    kz_flash_report_free(&r);
    /* 2 red flashes a second: a warning by default, a failure with jp. */
    c.hz = 2;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    kz_flash_report_free(&r);
    run(&c, JP, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    kz_flash_report_free(&r);

    /* A dim red (ratio >= 0.8 but R - G - B small) changes red saturation by < 20. */
    memcpy(c.on, (uint8_t[3]){30, 0, 0}, 3);
    memcpy(c.off, (uint8_t[3]){0, 0, 0}, 3);
    assert_true(kz_red_saturation(30, 0, 0) < 20);
    c.hz = 5;
    run(&c, DEF, &r);
    assert_int_equal(r.red_transitions, 0);
    kz_flash_report_free(&r);
}

/* Extended failure: near-limit flashing (4 to 6 transitions a second) for 4 s of any 5 s
 * fails; for 3 s it only warns. The jp profile allows at most 2 s. */
static void test_extended(void **state)
{
    (void)state;
    kz_flash_report r;
    clip c = full(2, 3);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_true(r.max_extended < 4.0);
    kz_flash_report_free(&r);

    c = full(2, 6);
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_true(r.max_extended >= 4.0);
    assert_true(strstr(r.reason, "extended") != NULL);
    int ext = 0;
    for (size_t i = 0; i < r.n_frames; i++)
        ext += r.frames[i].extended;
    assert_true(ext > 0);
    /* It begins only once 4 s of near-limit flashing have accumulated. */
    for (size_t i = 0; i < r.n_frames && r.frames[i].t < 4.0; i++)
        assert_int_equal(r.frames[i].extended, 0);
    kz_flash_report_free(&r);

    c = full(2, 3);
    run(&c, JP, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    kz_flash_report_free(&r);
}

/* A slow fade black -> white -> black is two transitions, however long. */
static void test_fade(void **state)
{
    (void)state;
    kz_flash *f = kz_flash_new(DEF, GW, GH);
    uint8_t rgb[CELLS * 3];
    int n = 120;
    for (int i = 0; i < n; i++) {
        int v = i < 60 ? i * 255 / 59 : (119 - i) * 255 / 59;
        memset(rgb, v, sizeof rgb);
        assert_int_equal(kz_flash_push(f, rgb, GW * 3, i / FPS), 0);
    }
    kz_flash_report r;
    assert_int_equal(kz_flash_finish(f, &r), 0);
    kz_flash_free(&f);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 2);
    assert_float_equal(r.frames[59].lum, 1.0, 1e-4);
    kz_flash_report_free(&r);
}

/* Hard cuts that brighten half the screen and darken the other half: every cut is one
 * transition (not two), so 8 cuts in a second fail and 3 pass. */
static void cuts(int cuts_per_second, kz_flash_report *r)
{
    kz_flash *f = kz_flash_new(DEF, GW, GH);
    uint8_t rgb[CELLS * 3];
    int n = 90;
    for (int i = 0; i < n; i++) {
        int scene = i < 30 ? 0 : (int)((i - 30) * cuts_per_second / FPS) % 2;
        for (int k = 0; k < CELLS; k++) {
            int left = k % GW < GW / 2;
            memset(rgb + 3 * k, left ^ scene ? 230 : 20, 3);
        }
        assert_int_equal(kz_flash_push(f, rgb, GW * 3, i / FPS), 0);
    }
    assert_int_equal(kz_flash_finish(f, r), 0);
    kz_flash_free(&f);
}

static void test_cuts(void **state)
{
    (void)state;
    kz_flash_report r;
    cuts(8, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 8);
    kz_flash_report_free(&r);
    cuts(3, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 5); /* 3 a second from 1 s to 3 s, minus the end */
    kz_flash_report_free(&r);
}

/* Window bookkeeping against brute force, on random frames at uneven frame times: every
 * frame's per-second counts, the totals and the verdicts follow from the transitions. */
static void test_windows_brute_force(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int round = 0; round < 4; round++) {
        const kz_flash_profile *prof = round % 2 ? JP : DEF;
        kz_flash *f = kz_flash_new(prof, 8, 6);
        uint8_t rgb[8 * 6 * 3];
        double t = 0;
        int n = 400;
        for (int i = 0; i < n; i++) {
            int flat = (seed = seed * 1103515245 + 12345) >> 16 & 1;
            uint8_t base = (uint8_t)((seed >> 8) & 0xff);
            for (size_t k = 0; k < sizeof rgb; k++) {
                seed = seed * 1103515245 + 12345;
                rgb[k] = flat ? base : (uint8_t)(seed >> 16);
            }
            assert_int_equal(kz_flash_push(f, rgb, 8 * 3, t), 0);
            seed = seed * 1103515245 + 12345;
            t += 0.01 + (seed >> 16) % 60 / 1000.0; /* 10 to 69 ms: variable frame rate */
        }
        kz_flash_report r;
        assert_int_equal(kz_flash_finish(f, &r), 0);
        kz_flash_free(&f);
        int tl = 0, tr = 0, worst = KZ_FLASH_PASS;
        for (int i = 0; i < n; i++) {
            const kz_flash_frame *x = &r.frames[i];
            tl += x->lum_tr != 0;
            tr += x->red_tr != 0;
            int cl = 0, cr = 0;
            for (int j = 0; j <= i; j++) {
                if (r.frames[j].t > x->t - 1.0 + 1e-6) {
                    cl += r.frames[j].lum_tr != 0;
                    cr += r.frames[j].red_tr != 0;
                }
            }
            assert_int_equal(x->lum_count, cl);
            assert_int_equal(x->red_count, cr);
            if (cl > prof->fail_over || cr > prof->red_fail_over)
                assert_int_equal(x->verdict, KZ_FLASH_FAIL);
            else if (!x->extended && (cl >= prof->warn_from || cr >= prof->red_warn_from))
                assert_int_equal(x->verdict, KZ_FLASH_WARN);
            else if (!x->extended)
                assert_int_equal(x->verdict, KZ_FLASH_PASS);
            worst = x->verdict > worst ? x->verdict : worst;
        }
        /* Directions alternate: never the same direction twice in a row. */
        int last_l = 0, last_r = 0;
        for (int i = 0; i < n; i++) {
            if (r.frames[i].lum_tr) {
                assert_int_not_equal(r.frames[i].lum_tr, last_l);
                last_l = r.frames[i].lum_tr;
            }
            if (r.frames[i].red_tr) {
                assert_int_not_equal(r.frames[i].red_tr, last_r);
                last_r = r.frames[i].red_tr;
            }
        }
        assert_int_equal(r.lum_transitions, tl);
        assert_int_equal(r.red_transitions, tr);
        assert_int_equal(r.verdict, worst);
        assert_true(tl > 10); /* random full-screen changes do flash */
        kz_flash_report_free(&r);
    }
}

static void test_bad_input(void **state)
{
    (void)state;
    assert_null(kz_flash_new(DEF, 0, 10));
    assert_null(kz_flash_new(NULL, 10, 10));
    kz_flash *f = kz_flash_new(DEF, 2, 2);
    uint8_t rgb[12] = {0};
    assert_int_equal(kz_flash_push(f, rgb, 6, 1.0), 0);
    assert_int_equal(kz_flash_push(f, rgb, 6, 0.5), -1); /* time going back */
    assert_int_equal(kz_flash_push(f, NULL, 6, 2.0), -1);
    kz_flash_report r;
    assert_int_equal(kz_flash_finish(f, &r), 0);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal((int)r.n_frames, 1);
    kz_flash_report_free(&r);
    kz_flash_free(&f);
    /* No frames at all. */
    f = kz_flash_new(DEF, 2, 2);
    assert_int_equal(kz_flash_finish(f, &r), 0);
    assert_int_equal((int)r.n_frames, 0);
    kz_flash_report_free(&r);
    kz_flash_free(&f);
    kz_flash_free(&f); /* NULL is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pixels),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_window_times),
        cmocka_unit_test(test_area),
        cmocka_unit_test(test_concurrent_area),
        cmocka_unit_test(test_luminance_thresholds),
        cmocka_unit_test(test_red),
        cmocka_unit_test(test_extended),
        cmocka_unit_test(test_fade),
        cmocka_unit_test(test_cuts),
        cmocka_unit_test(test_windows_brute_force),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
