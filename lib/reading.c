/* Reading time (docs/accessibility.md, "Legibility") and the sharing of a notice's slot
 * between its languages (docs/text.md). Pure: only the C library, so that the notice plugin
 * compiles this file in (plugins/notice/reading_shared.c). */
#include "reading.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const kz_reading_rate kz_reading_default = {
    .cjk_per_second = 4.0,
    .words_per_minute = 160.0,
    .lead_in = 0.0,
};

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
    return t > shown_seconds + 1e-9 ? 1 : 0;
}

void kz_text_plain(const char *markup, char *out, size_t n)
{
    size_t o = 0;
    int in_ruby = 0, in_reading = 0;
    for (const char *p = markup ? markup : ""; *p && o + 1 < n; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == '{' && !in_ruby) {
            const char *e = strchr(p, '}'), *bar = strchr(p, '|');
            if (e && bar && bar < e) {
                in_ruby = 1;
                continue;
            }
        } else if (in_ruby && *p == '|') {
            in_reading = 1;
            continue;
        } else if (in_ruby && *p == '}') {
            in_ruby = in_reading = 0;
            continue;
        } else if (*p == '|') {
            continue; /* a marked break */
        }
        if (!in_reading)
            out[o++] = *p;
    }
    out[o] = 0;
}

/* Drop INI paragraph dots ("." lines) so they do not count as text. */
static void strip_dots(char *s)
{
    for (char *p = s; p && *p;) {
        char *nl = strchr(p, '\n');
        char *e = nl ? nl : p + strlen(p);
        char *a = p;
        while (a < e && (*a == ' ' || *a == '\t'))
            a++;
        if (e - a == 1 && *a == '.')
            *a = ' ';
        p = nl ? nl + 1 : e;
    }
}

double kz_notice_reading_seconds(const char *title, const char *body)
{
    size_t len = (title ? strlen(title) : 0) + (body ? strlen(body) : 0) + 2;
    char *all = malloc(len);
    if (!all)
        return 0;
    snprintf(all, len, "%s\n%s", title ? title : "", body ? body : "");
    strip_dots(all);
    kz_text_plain(all, all, len); /* in place: the plain text is never longer */
    double t = kz_reading_seconds(all, NULL);
    free(all);
    return t;
}

int kz_notice_turns(kz_us slot, kz_us interval, int n, const double *need, kz_us *turn)
{
    if (n < 1 || !turn)
        return -1;
    if (interval > 0) {
        for (int i = 0; i < n; i++)
            turn[i] = interval;
        return 0;
    }
    if (slot <= 0)
        slot = n * KZ_TURN_DEFAULT_US;
    double total = 0;
    for (int i = 0; i < n; i++) {
        double w = need && need[i] > KZ_TURN_MIN_WEIGHT_S ? need[i] : KZ_TURN_MIN_WEIGHT_S;
        total += w;
    }
    /* Cut at rounded cumulative shares: the turns add up to exactly slot. */
    double cum = 0;
    kz_us start = 0;
    for (int i = 0; i < n; i++) {
        double w = need && need[i] > KZ_TURN_MIN_WEIGHT_S ? need[i] : KZ_TURN_MIN_WEIGHT_S;
        cum += w;
        kz_us end = i == n - 1 ? slot : (kz_us)llround((double)slot * (cum / total));
        turn[i] = end - start;
        start = end;
    }
    return 0;
}

int kz_turn_at(const kz_us *turn, int n, kz_us t, kz_us *since)
{
    kz_us period = 0;
    for (int i = 0; i < n; i++)
        period += turn[i] > 0 ? turn[i] : 0;
    if (t < 0)
        t = 0;
    if (n < 1 || period <= 0) {
        if (since)
            *since = t;
        return 0;
    }
    kz_us p = t % period;
    int i = 0;
    for (; i < n - 1 && p >= (turn[i] > 0 ? turn[i] : 0); i++)
        p -= turn[i] > 0 ? turn[i] : 0;
    if (since)
        *since = p;
    return i;
}
