/* The rules of kizuna check's legibility checks (player/check_legibility.c): character height
 * and visual angle worked by hand, the samples the size estimate and glyph check read, the
 * plain text the reading time counts, the caption box's contrast, the config keys. */
#include <math.h>

#include "kz_test.h"

#include "checks/check_legibility.h"
#include "checks/legibility.h"
#include "model/config.h"
#include "screen/captions.h"

static void test_char_height(void **state)
{
    (void)state;
    /* 16 minutes of arc at 3 m: 2 * 3 * tan(8') = 13.96 mm. */
    assert_float_equal(kz_char_min_height_m(3.0), 0.013963, 1e-6);
    assert_float_equal(kz_char_arcmin(kz_char_min_height_m(3.0), 3.0), 16.0, 1e-9);
    /* 20' (ISO's preferred) at 1 m: 5.82 mm. */
    assert_float_equal(kz_char_arcmin(0.0058178, 1.0), 20.0, 1e-3);
    /* 60 px on a 1080 px frame 0.68 m high: 60 * 0.78 / 1080 * 0.68 = 29.47 mm. */
    assert_float_equal(kz_char_height_m(60, 1080, 0.68), 0.029467, 1e-6);
    /* At 3 m a 0.68 m screen needs 13.96 mm / 0.78 / 0.68 m * 1080 = 28.43 -> 29 px; at 12 m
     * 113.7 -> 114 px; twice the resolution, twice the pixels. */
    assert_int_equal(kz_char_min_px(1080, 0.68, 3.0), 29);
    assert_int_equal(kz_char_min_px(1080, 0.68, 12.0), 114);
    assert_int_equal(kz_char_min_px(2160, 0.68, 12.0), 228);
    /* the rule is met exactly at the minimum, not one pixel below */
    int px = kz_char_min_px(1080, 0.68, 4.0);
    assert_true(kz_char_arcmin(kz_char_height_m(px, 1080, 0.68), 4.0) >= KZ_CHAR_MIN_ARCMIN);
    assert_true(kz_char_arcmin(kz_char_height_m(px - 1, 1080, 0.68), 4.0) < KZ_CHAR_MIN_ARCMIN);
    assert_int_equal(kz_char_min_px(1080, 0, 3.0), 0); /* no size given: no rule */
}

static void test_samples(void **state)
{
    (void)state;
    char s[256];
    kz_sample_clock("%EY%-m月%-d日(%Ja)%n%H:%M", s, sizeof s);
    assert_string_equal(s, "令和10年28月28日(水)\n28:28");
    kz_sample_clock("%Y-%m-%d %T %A %%", s, sizeof s);
    assert_string_equal(s, "2025-28-28 23:58:58 Wednesday %");
    kz_sample_clock("trailing %", s, sizeof s);
    assert_string_equal(s, "trailing %");
    kz_sample_template("あと{days}日\n{除幕式|じょまくしき}まで{h}時", s, sizeof s);
    assert_string_equal(s, "あと888日\n{除幕式|じょまくしき}まで888時");
    kz_sample_template("open { brace", s, sizeof s);
    assert_string_equal(s, "open { brace");
    char tiny[8];
    kz_sample_template("{days}{days}{days}", tiny, sizeof tiny);
    assert_true(strlen(tiny) < sizeof tiny);
}

static void test_plain(void **state)
{
    (void)state;
    char s[256];
    kz_text_plain("外見からは{援助|えんじょ}を|必要と\\|する", s, sizeof s);
    assert_string_equal(s, "外見からは援助を必要と|する");
    int cjk, words;
    kz_text_count(s, &cjk, &words);
    assert_int_equal(cjk, 13); /* the reading is not read as text */
    /* in place */
    char t[64] = "{熊本|くまもと}県";
    kz_text_plain(t, t, sizeof t);
    assert_string_equal(t, "熊本県");
    /* braces that are not ruby are kept */
    kz_text_plain("{note}", s, sizeof s);
    assert_string_equal(s, "{note}");
}

static void test_caption_box(void **state)
{
    (void)state;
    /* White on the 75 % black box over a white picture (the worst case): 10.4:1. */
    kz_color white = {255, 255, 255, 255}, box = {0, 0, 0, KZ_CAPTION_BOX_ALPHA};
    double r = kz_contrast_ratio(white, box, white);
    assert_true(r > 10 && r < 11);
    assert_int_equal(kz_contrast_grade(r), KZ_GRADE_OK);
    /* A half-transparent box would not do over white. */
    kz_color half = {0, 0, 0, 128};
    assert_int_equal(kz_contrast_grade(kz_contrast_ratio(white, half, white)), KZ_GRADE_ERROR);
}

static void test_config_keys(void **state)
{
    (void)state;
    kz_config c;
    kz_capture();
    assert_int_equal(kz_config_load_string(&c, "[display]\nscreen_height_m = 0.68\n"
                                               "viewing_distance_m = 4.5\n", "p.ini", "."), 0);
    assert_float_equal(c.screen_height_m, 0.68, 1e-12);
    assert_float_equal(c.viewing_distance_m, 4.5, 1e-12);
    assert_int_equal(kz_config_load_string(&c, "[display]\nscreen_height_m = -1\n"
                                               "viewing_distance_m = far\n"
                                               "screen_width_m = 1.2\n", "p.ini", "."), 3);
    assert_logged("p.ini:2: [display] screen_height_m = -1: expected the picture's height");
    assert_logged("p.ini:3: [display] viewing_distance_m = far: expected metres");
    assert_logged("p.ini:4: [display] screen_width_m = 1.2: unknown key");
    assert_float_equal(c.screen_height_m, 0, 0); /* the default stays */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_height), cmocka_unit_test(test_samples),
        cmocka_unit_test(test_plain),       cmocka_unit_test(test_caption_box),
        cmocka_unit_test(test_config_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
