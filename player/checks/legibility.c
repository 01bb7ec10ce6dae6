/* WCAG 2.x contrast ratio (docs/accessibility.md, "Legibility"); reading time is in
 * reading.c. */
#include "checks/legibility.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/flash.h"

kz_color kz_color_over(kz_color fg, kz_color bg)
{
    /* Straight alpha, in code values (how SDL and browsers blend). */
    unsigned fa = fg.a, ba = bg.a;
    unsigned oa = fa + ba * (255 - fa) / 255;
    kz_color o = {0, 0, 0, (uint8_t)oa};
    if (!oa)
        return o;
    uint8_t *dst[3] = {&o.r, &o.g, &o.b};
    const uint8_t f[3] = {fg.r, fg.g, fg.b}, b[3] = {bg.r, bg.g, bg.b};
    for (int i = 0; i < 3; i++) {
        double v = (f[i] * fa + b[i] * ba * (255 - fa) / 255.0) / oa;
        *dst[i] = (uint8_t)lround(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    return o;
}

double kz_color_luminance(kz_color c)
{
    return kz_relative_luminance(c.r, c.g, c.b);
}

double kz_contrast_ratio(kz_color text, kz_color bg, kz_color under)
{
    under.a = 255;
    kz_color b = kz_color_over(bg, under);
    kz_color t = kz_color_over(text, b);
    double l1 = kz_color_luminance(t), l2 = kz_color_luminance(b);
    if (l1 < l2) {
        double x = l1;
        l1 = l2;
        l2 = x;
    }
    return (l1 + 0.05) / (l2 + 0.05);
}

int kz_contrast_grade(double ratio)
{
    /* Compare at two decimals, as the ratio is usually quoted (4.49:1 fails, 4.50:1 is
     * fine), so that a colour pair printed as 4.5:1 does not fail on its third decimal. */
    double r = floor(ratio * 100 + 1e-9) / 100;
    if (r < KZ_CONTRAST_ERROR_BELOW)
        return KZ_GRADE_ERROR;
    if (r < KZ_CONTRAST_WARN_BELOW)
        return KZ_GRADE_WARN;
    return KZ_GRADE_OK;
}
