/* WCAG contrast ratio and reading time: pure functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "checks/legibility.h"

static kz_color rgb(unsigned v)
{
    kz_color c = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
    return c;
}

static const kz_color BLACK = {0, 0, 0, 255}, WHITE = {255, 255, 255, 255};

static void test_contrast(void **state)
{
    (void)state;
    assert_float_equal(kz_contrast_ratio(BLACK, WHITE, BLACK), 21.0, 1e-9);
    assert_float_equal(kz_contrast_ratio(WHITE, BLACK, BLACK), 21.0, 1e-9); /* symmetric */
    assert_float_equal(kz_contrast_ratio(WHITE, WHITE, BLACK), 1.0, 1e-9);
    /* Well-known pairs: #767676 on white is the lightest grey passing 4.5:1. */
    double r767 = kz_contrast_ratio(rgb(0x767676), WHITE, WHITE);
    double r777 = kz_contrast_ratio(rgb(0x777777), WHITE, WHITE);
    assert_float_equal(r767, 4.54, 0.01);
    assert_float_equal(r777, 4.48, 0.01);
    assert_int_equal(kz_contrast_grade(r767), KZ_GRADE_WARN);
    assert_int_equal(kz_contrast_grade(r777), KZ_GRADE_ERROR);
    double r595 = kz_contrast_ratio(rgb(0x595959), WHITE, WHITE);
    assert_float_equal(r595, 7.0, 0.01);
    assert_int_equal(kz_contrast_grade(r595), KZ_GRADE_OK);
    assert_int_equal(kz_contrast_grade(6.99), KZ_GRADE_WARN);
    assert_int_equal(kz_contrast_grade(4.5), KZ_GRADE_WARN);
    assert_int_equal(kz_contrast_grade(4.499), KZ_GRADE_ERROR);
    assert_int_equal(kz_contrast_grade(21), KZ_GRADE_OK);
    /* Yellow on white is a classic failure; white on the prefecture's dark blue passes. */
    assert_int_equal(kz_contrast_grade(kz_contrast_ratio(rgb(0xffff00), WHITE, WHITE)),
                     KZ_GRADE_ERROR);
    assert_int_equal(kz_contrast_grade(kz_contrast_ratio(WHITE, rgb(0x1a3a6b), WHITE)),
                     KZ_GRADE_OK);
}

static void test_alpha(void **state)
{
    (void)state;
    /* Half-transparent black text over white is mid grey: under 4.5:1. */
    kz_color half_black = {0, 0, 0, 128};
    kz_color o = kz_color_over(half_black, WHITE);
    assert_int_equal(o.a, 255);
    assert_true(o.r >= 126 && o.r <= 128 && o.g == o.r && o.b == o.r);
    double r = kz_contrast_ratio(half_black, WHITE, WHITE);
    assert_true(r > 3.5 && r < 4.5);
    /* A transparent background shows what lies beneath it. */
    kz_color clear = {255, 255, 255, 0};
    assert_float_equal(kz_contrast_ratio(WHITE, clear, BLACK), 21.0, 1e-9);
    /* Opaque over anything is itself. */
    kz_color red = {200, 10, 20, 255};
    kz_color x = kz_color_over(red, BLACK);
    assert_int_equal(x.r, 200);
    assert_int_equal(x.g, 10);
    assert_int_equal(x.b, 20);
    kz_color none = kz_color_over((kz_color){1, 2, 3, 0}, (kz_color){4, 5, 6, 0});
    assert_int_equal(none.a, 0);
}

static void test_counting(void **state)
{
    (void)state;
    int c, w;
    kz_text_count("こんにちは、世界。", &c, &w);
    assert_int_equal(c, 9);
    assert_int_equal(w, 0);
    kz_text_count("Hello, world! It's 2025.", &c, &w);
    assert_int_equal(c, 0);
    assert_int_equal(w, 4);
    kz_text_count("熊本 Kumamoto 2025年", &c, &w);
    assert_int_equal(c, 3);
    assert_int_equal(w, 2);
    kz_text_count("全角\u3000スペース", &c, &w); /* the ideographic space is not read */
    assert_int_equal(c, 6);
    kz_text_count("Café déjà vu", &c, &w);
    assert_int_equal(w, 3);
    /* Invalid UTF-8: skipped, never read past the end. */
    kz_text_count("\xff\xfe" "ab\xe3\x81", &c, &w);
    assert_int_equal(c, 0);
    assert_int_equal(w, 1);
    kz_text_count("\xe3", &c, &w);
    assert_int_equal(c + w, 0);
    kz_text_count(NULL, &c, &w);
    assert_int_equal(c + w, 0);
    kz_text_count("", NULL, NULL);
}

static void test_reading(void **state)
{
    (void)state;
    /* 4 Japanese characters a second, 160 words a minute. */
    assert_float_equal(kz_reading_seconds("こんにちは、世界。", NULL), 9 / 4.0, 1e-9);
    assert_float_equal(kz_reading_seconds("Hello, world! It's 2025.", NULL), 1.5, 1e-9);
    assert_float_equal(kz_reading_seconds("", NULL), 0, 1e-9);
    double need;
    const char *notice = "障がいのある人もない人も、共に暮らしやすい熊本へ。"; /* 25 characters */
    assert_int_equal(kz_reading_grade(notice, 10, NULL, &need), KZ_GRADE_OK);
    assert_float_equal(need, 25 / 4.0, 1e-9);
    assert_int_equal(kz_reading_grade(notice, 6, NULL, &need), KZ_GRADE_WARN);
    assert_int_equal(kz_reading_grade(notice, 6.25, NULL, NULL), KZ_GRADE_OK);
    kz_reading_rate slow = {.cjk_per_second = 2, .words_per_minute = 100, .lead_in = 1};
    assert_float_equal(kz_reading_seconds("熊本 Kumamoto", &slow), 1 + 1 + 0.6, 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contrast),
        cmocka_unit_test(test_alpha),
        cmocka_unit_test(test_counting),
        cmocka_unit_test(test_reading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
