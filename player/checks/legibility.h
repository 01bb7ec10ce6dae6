/* Legibility checks as pure functions: WCAG 2.x contrast ratio and reading time. The notice
 * checks in `kizuna check` use them; docs/accessibility.md gives the rules and sources. */
#ifndef KZ_LEGIBILITY_H
#define KZ_LEGIBILITY_H
#include "kizuna/plugin.h"
#include "reading.h" /* reading time: kz_reading_seconds, kz_reading_grade */

/* Straight-alpha fg drawn over bg; the result is opaque when bg is. */
kz_color kz_color_over(kz_color fg, kz_color bg);
/* WCAG relative luminance of an (opaque) colour, 0..1. */
double kz_color_luminance(kz_color c);
/* WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), 1..21, of text over background: a
 * translucent text colour is first composited over the background, a translucent
 * background over `under` (what lies beneath it: the zone or screen colour). */
double kz_contrast_ratio(kz_color text, kz_color bg, kz_color under);

enum kz_grade { KZ_GRADE_OK = 0, KZ_GRADE_WARN = 1, KZ_GRADE_ERROR = 2 };
#define KZ_CONTRAST_ERROR_BELOW 4.5 /* WCAG 1.4.3 (AA) for body text */
#define KZ_CONTRAST_WARN_BELOW 7.0  /* WCAG 1.4.6 (AAA) */
int kz_contrast_grade(double ratio);

#endif
