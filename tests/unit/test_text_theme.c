/* The notice plugin's themes: every text colour at least 7:1 against its background. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "theme.h"

static void contrast_formula(void **state)
{
    (void)state;
    kz_color black = {0, 0, 0, 255}, white = {255, 255, 255, 255}, grey = {0x76, 0x76, 0x76, 255};
    assert_true(fabs(notice_contrast(black, white) - 21.0) < 1e-9);
    assert_true(fabs(notice_contrast(white, black) - 21.0) < 1e-9);
    assert_true(fabs(notice_contrast(white, white) - 1.0) < 1e-9);
    /* #767676 on white is the well-known 4.54:1 */
    assert_true(fabs(notice_contrast(grey, white) - 4.54) < 0.01);
}

static void themes_reach_seven_to_one(void **state)
{
    (void)state;
    assert_true(NOTICE_N_THEMES >= 3);
    assert_string_equal(notice_themes[0].name, "high-contrast");
    char choices[256] = "";
    for (size_t i = 0; i < NOTICE_N_THEMES; i++) {
        const notice_theme *t = &notice_themes[i];
        double c[3] = {notice_contrast(t->text, t->background),
                       notice_contrast(t->title, t->background),
                       notice_contrast(t->accent, t->background)};
        for (int k = 0; k < 3; k++) {
            if (c[k] < 7.0)
                print_error("theme %s: colour %d is %.2f:1\n", t->name, k, c[k]);
            assert_true(c[k] >= 7.0);
        }
        if (i)
            strcat(choices, "|");
        strcat(choices, t->name);
    }
    assert_string_equal(choices, NOTICE_THEME_CHOICES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contrast_formula),
        cmocka_unit_test(themes_reach_seven_to_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
