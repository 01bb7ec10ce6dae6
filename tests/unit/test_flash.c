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

/* Two 15 % patches that change one frame apart add up (concurrent). Flashing in opposite phase
 * (one rises while the other falls) adds up too: WCAG 2.x counts the combined area of
 * concurrent flashes, so 20 % + 20 % in counter-phase (40 % changing at once) fails like one
 * 40 % patch, while 10 % + 10 % (20 %) passes. */
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

    /* 5 Hz is a period of 6 frames: 3 frames later is the opposite phase. */
    c.area_cells = c.lag_cells = CELLS * 20 / 100;
    c.lag_frames = 3;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 10);
    /* Each patch alone stays under the limit; only the combined area reaches it. */
    for (size_t i = 0; i < r.n_frames; i++) {
        assert_true(r.frames[i].lum_up < 0.25f && r.frames[i].lum_down < 0.25f);
        if (r.frames[i].lum_tr)
            assert_true(r.frames[i].lum_area >= 0.39f);
    }
    kz_flash_report_free(&r);

    c.area_cells = c.lag_cells = CELLS * 10 / 100;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 0);
    kz_flash_report_free(&r);

    /* One 20 % patch alone still passes (the area rule itself is unchanged). */
    c.area_cells = CELLS * 20 / 100;
    c.lag_cells = 0;
    run(&c, DEF, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    kz_flash_report_free(&r);
}

/* A bright bar sweeping across a dark screen is motion, not flashing: the cells it reaches
 * change for the first time in a second (no pair), so its leading and trailing edges do not add
 * up to a flash. */
static void test_motion_is_not_opposite_phase(void **state)
{
    (void)state;
    kz_flash *f = kz_flash_new(DEF, GW, GH);
    uint8_t rgb[CELLS * 3];
    for (int i = 0; i < 90; i++) {
        /* 6 columns wide, 1 column a frame: within the 0.1 s concurrency window 4 columns
         * (12.5 %) have risen and 4 have fallen; adding both would reach 25 %. */
        int left = i % (GW + 6) - 6;
        for (int k = 0; k < CELLS; k++) {
            int x = k % GW;
            memset(rgb + 3 * k, x >= left && x < left + 6 ? 255 : 0, 3);
        }
        assert_int_equal(kz_flash_push(f, rgb, GW * 3, i / FPS), 0);
    }
    kz_flash_report r;
    assert_int_equal(kz_flash_finish(f, &r), 0);
    kz_flash_free(&f);
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

/* Frames from a function of (frame, cell) on a w x h grid; the report in *r. */
typedef void (*painter)(int frame, int x, int y, uint8_t *rgb);

static void paint(const kz_flash_profile *prof, int w, int h, int fw, int fh, int frames,
                  painter p, kz_flash_report *r)
{
    kz_flash *f = kz_flash_new(prof, w, h);
    assert_non_null(f);
    if (fw)
        assert_int_equal(kz_flash_set_field(f, fw, fh), 0);
    uint8_t *rgb = malloc((size_t)w * h * 3);
    assert_non_null(rgb);
    for (int i = 0; i < frames; i++) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                p(i, x, y, rgb + 3 * ((size_t)y * w + x));
        assert_int_equal(kz_flash_push(f, rgb, w * 3, i / FPS), 0);
    }
    free(rgb);
    assert_int_equal(kz_flash_finish(f, r), 0);
    assert_int_equal(kz_flash_set_field(f, 4, 4), -1); /* too late */
    kz_flash_free(&f);
}

/* 2 Hz square waves (4 transitions a second, near the limit): luminance black/white for the
 * first 2.8 s, then saturated red against grey 127 (the same luminance) for 2.8 s. */
static void lum_then_red(int frame, int x, int y, uint8_t *rgb)
{
    (void)x;
    (void)y;
    int on = frame % 15 < 8;
    if (frame < 84)
        memset(rgb, on ? 255 : 0, 3);
    else if (on)
        memcpy(rgb, (uint8_t[3]){255, 0, 0}, 3);
    else
        memset(rgb, 127, 3);
}

static void red_only(int frame, int x, int y, uint8_t *rgb)
{
    lum_then_red(frame + 84, x, y, rgb);
}

/* Extended failure, two budgets (docs/accessibility.md): 2.8 s of near-limit luminance
 * flashing then 2.8 s of near-limit red flashing warns, although the two together hold more
 * than 4 s of some 5 s; 6 s of near-limit red flashing alone fails. */
static void test_extended_budgets(void **state)
{
    (void)state;
    kz_flash_report r;
    paint(DEF, GW, GH, 0, 0, 168, lum_then_red, &r);
    /* 4 a second, 5 where the switch from black to grey adds a luminance change. */
    assert_true(r.max_lum >= 4 && r.max_lum <= 5);
    assert_int_equal(r.max_red, 4);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_true(r.max_lum_extended < 4.0 && r.max_red_extended < 4.0);
    /* One pooled budget would have failed it: somewhere the two sums within one 5 s window
     * reach 4 s together. */
    double pooled = 0;
    for (size_t i = 0; i < r.n_frames; i++) {
        double s = r.frames[i].lum_near + r.frames[i].red_near;
        pooled = s > pooled ? s : pooled;
        assert_int_equal(r.frames[i].extended, 0);
    }
    assert_true(pooled >= 4.0);
    kz_flash_report_free(&r);

    paint(DEF, GW, GH, 0, 0, 180, red_only, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.lum_transitions, 0);
    assert_true(r.max_red_extended >= 4.0);
    assert_true(strstr(r.reason, "extended") != NULL);
    int ext = 0;
    for (size_t i = 0; i < r.n_frames; i++) {
        ext += r.frames[i].red_extended;
        assert_int_equal(r.frames[i].lum_extended, 0);
    }
    assert_true(ext > 0);
    kz_flash_report_free(&r);
}

/* The 10-degree field: a 16 x 12-cell box flashing at 5 Hz on a 160 x 90 grid is 1.3 % of the
 * screen (passes the whole-screen rule) but fills all of the field of a 3 m high screen seen
 * from 3 m (16 x 12 cells): fails. */
static void small_box(int frame, int x, int y, uint8_t *rgb)
{
    int in = x >= 100 && x < 116 && y >= 20 && y < 32;
    memset(rgb, in && frame % 6 < 3 ? 255 : 0, 3);
}

static void test_field(void **state)
{
    (void)state;
    int fw, fh;
    assert_int_equal(kz_flash_field_cells(3.0, 3.0, 160, 90, &fw, &fh), 1);
    assert_int_equal(fw, 16); /* 2 * 3 m * tan 5 deg = 0.525 m over 3 m / 90 cells */
    assert_int_equal(fh, 12); /* 2 * 3 m * tan 3.75 deg = 0.393 m */
    assert_int_equal(kz_flash_field_cells(0.68, 3.0, 160, 90, &fw, &fh), 1);
    assert_int_equal(fw, 69);
    assert_int_equal(fh, 52);
    assert_int_equal(kz_flash_field_cells(0.3, 10.0, 160, 90, &fw, &fh), 1);
    assert_int_equal(fw, 160); /* the field is larger than the screen: the whole screen */
    assert_int_equal(fh, 90);
    assert_int_equal(kz_flash_field_cells(0, 3.0, 160, 90, &fw, &fh), 0);
    assert_int_equal(fw, 160);
    assert_int_equal(fh, 90);

    kz_flash_report r;
    paint(DEF, 160, 90, 0, 0, 60, small_box, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.lum_transitions, 0);
    assert_string_equal(r.area_rule, "whole screen");
    kz_flash_report_free(&r);

    paint(DEF, 160, 90, 16, 12, 60, small_box, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_int_equal(r.max_lum, 10);
    assert_int_equal(r.field_w, 16);
    assert_int_equal(r.field_h, 12);
    assert_string_equal(r.area_rule, "10-degree field");
    float most = 0;
    for (size_t i = 0; i < r.n_frames; i++)
        most = r.frames[i].lum_area > most ? r.frames[i].lum_area : most;
    assert_float_equal(most, 1.0, 1e-6); /* the window that holds the box is all box */
    kz_flash_report_free(&r);

    /* Half the box in a field twice as wide: 50 % of it... still over 25 %. A field four
     * times the box in each direction: 1/16 of it flashes, passes. */
    paint(DEF, 160, 90, 64, 48, 60, small_box, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    kz_flash_report_free(&r);
}

/* Regular patterns on a 160 x 90 grid: 10 pairs of 8-cell stripes. */
static int pattern_kind;
static void stripes(int frame, int x, int y, uint8_t *rgb)
{
    int v = 0;
    switch (pattern_kind) {
    case 0: v = x % 16 < 8 ? 255 : 0; break;                          /* static, vertical */
    case 1: v = (x + frame / 3) % 16 < 8 ? 255 : 0; break;            /* moving sideways */
    case 2: v = x % 16 < 8 ? 120 : 100; break;                        /* low contrast */
    case 3: v = (x / 8 + y / 8) % 2 ? 255 : 0; break;                 /* checkerboard */
    case 4: v = (x + y) % 16 < 8 ? 255 : 0; break;                    /* diagonal */
    case 5: v = x < 48 && x % 16 < 8 ? 255 : 0; break;                /* 3 pairs only */
    default: v = y % 18 < 9 ? 255 : 0; break;                         /* 5 pairs: not more */
    }
    memset(rgb, v, 3);
}

static void test_patterns(void **state)
{
    (void)state;
    kz_flash_report r;
    pattern_kind = 0;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_int_equal(r.lum_transitions, 0);
    assert_int_equal(r.pattern_frames, 45);
    assert_true(r.max_pattern_area > 0.9);
    assert_int_equal(r.frames[10].pattern, 1);
    assert_true(r.frames[10].pattern_pairs >= 10);
    assert_true(strstr(r.reason, "static") != NULL);
    assert_true(r.windows[0].start < 0.01 && r.windows[0].end > 1.4);
    kz_flash_report_free(&r);

    pattern_kind = 1;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_FAIL);
    assert_true(r.max_lum < 4); /* slow: no flashing verdict, the pattern rule fails it */
    assert_true(strstr(r.reason, "moving") != NULL);
    kz_flash_report_free(&r);

    pattern_kind = 2;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.pattern_frames, 0);
    kz_flash_report_free(&r);

    pattern_kind = 3;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    assert_true(r.pattern_frames > 0);
    kz_flash_report_free(&r);

    pattern_kind = 4;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_WARN);
    kz_flash_report_free(&r);

    /* 3 pairs, or exactly 5 pairs across the height: not "more than five". */
    pattern_kind = 5;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    kz_flash_report_free(&r);
    pattern_kind = 6;
    paint(DEF, 160, 90, 0, 0, 45, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
    assert_int_equal(r.frames[0].pattern_pairs, 5);
    kz_flash_report_free(&r);

    /* Shown for less than half a second: not reported. */
    pattern_kind = 0;
    paint(DEF, 160, 90, 0, 0, 12, stripes, &r);
    assert_int_equal(r.verdict, KZ_FLASH_PASS);
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
        cmocka_unit_test(test_motion_is_not_opposite_phase),
        cmocka_unit_test(test_extended_budgets),
        cmocka_unit_test(test_field),
        cmocka_unit_test(test_patterns),
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
