/* WCAG 2.x contrast ratio and reading time (docs/accessibility.md, "Legibility"). */
#include "legibility.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"

const kz_reading_rate kz_reading_default = {
    .cjk_per_second = 4.0,
    .words_per_minute = 160.0,
    .lead_in = 0.0,
};

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

/* Decode one code point at *s (advancing it); -1 for an invalid sequence (one byte
 * skipped). */
static long next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    long cp;
    int n;
    if (p[0] < 0x80) {
        *s = p + 1;
        return p[0];
    } else if ((p[0] & 0xe0) == 0xc0) {
        cp = p[0] & 0x1f;
        n = 1;
    } else if ((p[0] & 0xf0) == 0xe0) {
        cp = p[0] & 0x0f;
        n = 2;
    } else if ((p[0] & 0xf8) == 0xf0) {
        cp = p[0] & 0x07;
        n = 3;
    } else {
        *s = p + 1;
        return -1;
    }
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80) { /* also stops at the terminating 0 */
            *s = p + 1;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *s = p + n + 1;
    return cp;
}

/* Read as Japanese characters: CJK punctuation, kana, kanji, full-width forms. */
static int is_cjk(long cp)
{
    return (cp >= 0x3000 && cp <= 0x30ff) ||   /* CJK punctuation, hiragana, katakana */
           (cp >= 0x31f0 && cp <= 0x31ff) ||   /* katakana phonetic extensions */
           (cp >= 0x3400 && cp <= 0x4dbf) ||   /* CJK extension A */
           (cp >= 0x4e00 && cp <= 0x9fff) ||   /* CJK unified ideographs */
           (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
           (cp >= 0xff01 && cp <= 0xff9f) ||   /* full-width forms, half-width katakana */
           (cp >= 0x20000 && cp <= 0x3134f);   /* CJK extensions B-G */
}

/* Part of a word: letters and digits of non-CJK scripts. */
static int is_word_char(long cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               cp == '\'';
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
        return 0; /* Latin-1 punctuation and symbols */
    return !is_cjk(cp) && !(cp >= 0x2000 && cp <= 0x2bff); /* general punctuation, symbols */
}

void kz_text_count(const char *utf8, int *cjk_chars, int *words)
{
    int c = 0, w = 0, in_word = 0;
    const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
    while (*s) {
        long cp = next_cp(&s);
        if (cp < 0) {
            in_word = 0;
            continue;
        }
        if (is_cjk(cp) && cp != 0x3000) { /* the ideographic space is a space */
            c++;
            in_word = 0;
        } else if (is_word_char(cp)) {
            w += !in_word;
            in_word = 1;
        } else {
            in_word = 0;
        }
    }
    if (cjk_chars)
        *cjk_chars = c;
    if (words)
        *words = w;
}

double kz_reading_seconds(const char *utf8, const kz_reading_rate *rate)
{
    if (!rate)
        rate = &kz_reading_default;
    int c, w;
    kz_text_count(utf8, &c, &w);
    if (!c && !w)
        return 0;
    double t = rate->lead_in;
    if (rate->cjk_per_second > 0)
        t += c / rate->cjk_per_second;
    if (rate->words_per_minute > 0)
        t += w * 60.0 / rate->words_per_minute;
    return t;
}

int kz_reading_grade(const char *utf8, double shown_seconds, const kz_reading_rate *rate,
                     double *need)
{
    double t = kz_reading_seconds(utf8, rate);
    if (need)
        *need = t;
    return t > shown_seconds + 1e-9 ? KZ_GRADE_WARN : KZ_GRADE_OK;
}
