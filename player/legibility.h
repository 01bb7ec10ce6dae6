/* Legibility checks as pure functions: WCAG 2.x contrast ratio and reading time. The notice
 * checks in `kizuna check` use them; docs/accessibility.md gives the rules and sources. */
#ifndef KZ_LEGIBILITY_H
#define KZ_LEGIBILITY_H
#include "kizuna/plugin.h"

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

/* Reading speed. Japanese (kana, kanji, full-width forms and CJK punctuation) is read in
 * characters a second, other scripts in words a minute. */
typedef struct kz_reading_rate {
    double cjk_per_second;   /* 4: the Japanese subtitle convention */
    double words_per_minute; /* 160: the low end of Ofcom's 160-180 for subtitles */
    double lead_in;          /* seconds to notice the text before reading it (default 0) */
} kz_reading_rate;
extern const kz_reading_rate kz_reading_default;

/* Counts in UTF-8 text (invalid bytes are skipped, never read past the end). */
void kz_text_count(const char *utf8, int *cjk_chars, int *words);
/* Seconds needed to read utf8 at rate (NULL: kz_reading_default). */
double kz_reading_seconds(const char *utf8, const kz_reading_rate *rate);
/* KZ_GRADE_WARN when the text needs longer than shown_seconds, else KZ_GRADE_OK; *need (may
 * be NULL) receives the seconds needed. */
int kz_reading_grade(const char *utf8, double shown_seconds, const kz_reading_rate *rate,
                     double *need);
#endif
