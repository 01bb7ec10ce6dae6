/* The shared text engine. Layout (pure, below kz_text_layout) knows nothing of fonts but the
 * widths kz_text_measure gives it; the font chain (SDL_ttf) and the rasteriser sit on top.
 *
 * SDL_ttf 2.20 has no font fallback and wraps only at spaces, so both are done here: every
 * code point gets the first font of the chain that has it (a Latin word keeps one font when
 * one font has all its letters), and lines are broken with Japanese rules (kinsoku). */
#include "host/text.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL2/SDL_ttf.h>

#include "base/grow.h"
#include "base/inifile.h"
#include "base/log.h"
#include "model/playlist.h"

#define LOG_TEXT "text"
#define KZ_TEXT_DEFAULT_SPACING 1.25
#define KZ_TEXT_DEFAULT_MIN_PX 12
#define KZ_TEXT_DEFAULT_MAX_PX 400
#define KZ_EM_ASCENT 0.88 /* baseline position inside the em box of CJK fonts */

/* ---- UTF-8 ---------------------------------------------------------------------------- */

/* Decode one code point at s[*i] (len bytes in all); invalid bytes read as U+FFFD. */
static uint32_t utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[*i];
    uint32_t cp;
    int extra;
    if (c < 0x80) {
        (*i)++;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F, extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F, extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
        cp = c & 0x07, extra = 3;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + (size_t)extra >= len) {
        (*i)++;
        return 0xFFFD;
    }
    for (int k = 1; k <= extra; k++) {
        if ((u[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[*i + k] & 0x3F);
    }
    static const uint32_t min_of[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_of[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        (*i)++;
        return 0xFFFD;
    }
    *i += (size_t)extra + 1;
    return cp;
}

static int utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- character classes ---------------------------------------------------------------- */

static int in_list(uint32_t cp, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

int kz_text_no_start(uint32_t cp)
{
    static const uint32_t l[] = {
        /* closing brackets and quotes */
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x30FB, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01, 0x30FC, 0x300D,
        0x300F, 0xFF09, 0xFF3D, 0xFF5D, 0x3009, 0x300B, 0x3011, 0x3015, 0x3017, 0x3019, 0x301F,
        0x2019, 0x201D, 0xFF60, 0xFF63, 0xFF64, 0xFF61, 0xFF65,
        /* ASCII closers and punctuation */
        ')', ']', '}', ',', '.', ':', ';', '?', '!', '%', 0xFF05,
        /* iteration marks, prolonged sound marks, voiced marks, dashes that stick */
        0x3005, 0x303B, 0x309D, 0x309E, 0x30FD, 0x30FE, 0x309B, 0x309C, 0xFF70, 0x2010, 0x2013,
        0x301C, 0xFF5E, 0x30A0, 0x2026, 0x2025, 0x203C, 0x2047, 0x2048, 0x2049,
        /* small kana */
        0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x3095,
        0x3096, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE,
        0x30F5, 0x30F6};
    if (cp >= 0x31F0 && cp <= 0x31FF) /* small katakana extensions */
        return 1;
    if (cp >= 0xFF67 && cp <= 0xFF6F) /* half-width small katakana */
        return 1;
    return in_list(cp, l, sizeof l / sizeof l[0]);
}

int kz_text_no_end(uint32_t cp)
{
    static const uint32_t l[] = {0x300C, 0x300E, 0xFF08, 0xFF3B, 0xFF5B, 0x3008, 0x300A, 0x3010,
                                 0x3014, 0x3016, 0x3018, 0x301D, 0x2018, 0x201C, 0xFF5F, 0xFF62,
                                 '(', '[', '{', '$', 0x00A5, 0xFFE5, 0xFF04, 0x00A3, 0x20AC};
    return in_list(cp, l, sizeof l / sizeof l[0]);
}

/* Letters and digits of scripts written with spaces between words (no break inside). */
static int is_word(uint32_t cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) != 0;
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    return (cp >= 0x300 && cp <= 0x36F) ||   /* combining marks */
           (cp >= 0x370 && cp <= 0x52F) ||   /* Greek, Cyrillic */
           (cp >= 0x1E00 && cp <= 0x1EFF) || /* Latin extended additional (Vietnamese) */
           (cp >= 0xFF10 && cp <= 0xFF19) || /* full-width digits */
           (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) ||
           (cp >= 0xAC00 && cp <= 0xD7AF) || /* Hangul syllables */
           (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F);
}

/* Punctuation that stays inside a word or number when letters stand on both sides of it. */
static int is_joiner(uint32_t cp)
{
    return cp == '.' || cp == ',' || cp == ':' || cp == '/' || cp == '-' || cp == '\'' ||
           cp == 0x2019 || cp == '_' || cp == '@' || cp == '&' || cp == '+' || cp == 0xFF0E ||
           cp == 0xFF0C || cp == 0xFF1A;
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == 0x3000 || cp == 0xA0;
}

/* Code points that are markup or invisible formatting: never looked up in fonts. */
static int is_invisible(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF ||
           (cp >= 0xFE00 && cp <= 0xFE0F);
}

/* ---- layout ----------------------------------------------------------------------------- */

typedef struct litem {
    uint32_t cp;
    int font;
    int w;           /* advance */
    int lead, trail; /* padding when a ruby reading is wider than its base */
    int group;       /* ruby group, -1 outside */
    unsigned char pref, word, space;
} litem;

typedef struct rgroup {
    size_t first, count;     /* base items */
    size_t r_first, r_count; /* reading code points in the hard line's ruby array */
    int base_w, ruby_w;
} rgroup;

typedef struct hline { /* one line between explicit newlines, parsed */
    litem *it;
    size_t n, cap;
    uint32_t *rcp; /* readings */
    int *rfont, *rw;
    size_t rn, rcap;
    rgroup *g;
    size_t gn, gcap;
} hline;

static int hl_add(hline *h, uint32_t cp, int group, int pref)
{
    if (kz_grow(&h->it, &h->cap, h->n + 1, sizeof(litem), 16) < 0)
        return -1;
    litem *it = &h->it[h->n++];
    memset(it, 0, sizeof *it);
    it->cp = cp == '\t' ? ' ' : cp;
    it->group = group;
    it->pref = (unsigned char)pref;
    it->space = (unsigned char)is_space(it->cp);
    return 0;
}

/* Parse the markup of one hard line (s[0..len), no newline inside) into h. */
static int hl_parse(hline *h, const char *s, size_t len)
{
    size_t i = 0;
    int pref = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' && i + 1 < len) {
            i++;
            uint32_t cp = utf8_next(s, len, &i);
            if (hl_add(h, cp, -1, pref) < 0)
                return -1;
            pref = 0;
            continue;
        }
        if (c == '|') {
            pref = 1, i++;
            continue;
        }
        if (c == '{') {
            const char *bar = memchr(s + i + 1, '|', len - i - 1);
            const char *end = bar ? memchr(bar + 1, '}', (size_t)(s + len - bar - 1)) : NULL;
            const char *open2 = memchr(s + i + 1, '{', len - i - 1);
            if (bar && end && bar > s + i + 1 && (!open2 || open2 > end)) {
                if (kz_grow(&h->g, &h->gcap, h->gn + 1, sizeof(rgroup), 16) < 0)
                    return -1;
                rgroup *g = &h->g[h->gn];
                memset(g, 0, sizeof *g);
                g->first = h->n;
                size_t bi = i + 1, be = (size_t)(bar - s);
                int first = 1;
                while (bi < be) {
                    uint32_t cp = utf8_next(s, be, &bi);
                    if (is_invisible(cp))
                        continue;
                    if (hl_add(h, cp, (int)h->gn, first ? pref : 0) < 0)
                        return -1;
                    first = 0;
                }
                g->count = h->n - g->first;
                g->r_first = h->rn;
                size_t ri = be + 1, re = (size_t)(end - s);
                while (ri < re) {
                    uint32_t cp = utf8_next(s, re, &ri);
                    if (is_invisible(cp))
                        continue;
                    if (kz_grow(&h->rcp, &h->rcap, h->rn + 1, sizeof(uint32_t), 16) < 0)
                        return -1;
                    h->rcp[h->rn++] = cp;
                }
                g->r_count = h->rn - g->r_first;
                if (g->count > 0)
                    h->gn++;
                pref = 0;
                i = re + 1;
                continue;
            }
        }
        uint32_t cp = utf8_next(s, len, &i);
        if (cp == 0x200B) {
            pref = 1;
            continue;
        }
        if (cp != '\t' && is_invisible(cp))
            continue;
        if (hl_add(h, cp, -1, pref) < 0)
            return -1;
        pref = 0;
    }
    return 0;
}

static void hl_free(hline *h)
{
    free(h->it);
    free(h->rcp);
    free(h->rfont);
    free(h->rw);
    free(h->g);
    memset(h, 0, sizeof *h);
}

static void hl_clear(hline *h)
{
    h->n = h->rn = h->gn = 0;
}

static int measure_adv(const kz_text_measure *m, int font, uint32_t cp, int px, int bold)
{
    if (!m || !m->advance || font < 0)
        return 0;
    int a = m->advance(m->ctx, font, cp, px, bold);
    return a < 0 ? 0 : a;
}

static int measure_fonts(const kz_text_measure *m, const uint32_t *cps, size_t n, int bold,
                         int *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = 0;
    if (m && m->font_for && n > 0)
        m->font_for(m->ctx, cps, n, bold, out);
    return 0;
}

/* Fonts and widths for every item and reading; ruby padding; word classes. */
static int hl_measure(hline *h, int px, int ruby_px, int bold, const kz_text_measure *m)
{
    uint32_t *cps = malloc((h->n + 1) * sizeof *cps);
    int *fonts = malloc((h->n + 1) * sizeof *fonts);
    if (!cps || !fonts)
        goto fail;
    for (size_t i = 0; i < h->n; i++)
        cps[i] = h->it[i].cp;
    measure_fonts(m, cps, h->n, bold, fonts);
    for (size_t i = 0; i < h->n; i++) {
        h->it[i].font = fonts[i];
        h->it[i].w = measure_adv(m, fonts[i], h->it[i].cp, px, bold);
        h->it[i].word = (unsigned char)is_word(h->it[i].cp);
    }
    for (size_t i = 1; i + 1 < h->n; i++)
        if (!h->it[i].word && is_joiner(h->it[i].cp) && h->it[i - 1].word &&
            is_word(h->it[i + 1].cp))
            h->it[i].word = 1;
    free(cps);
    free(fonts);
    cps = NULL, fonts = NULL;
    if (h->rn > 0) {
        free(h->rfont);
        free(h->rw);
        h->rfont = malloc(h->rn * sizeof(int));
        h->rw = malloc(h->rn * sizeof(int));
        if (!h->rfont || !h->rw)
            goto fail;
        measure_fonts(m, h->rcp, h->rn, bold, h->rfont);
        for (size_t i = 0; i < h->rn; i++)
            h->rw[i] = measure_adv(m, h->rfont[i], h->rcp[i], ruby_px, bold);
    }
    for (size_t k = 0; k < h->gn; k++) {
        rgroup *g = &h->g[k];
        g->base_w = g->ruby_w = 0;
        for (size_t i = 0; i < g->count; i++)
            g->base_w += h->it[g->first + i].w;
        for (size_t i = 0; i < g->r_count; i++)
            g->ruby_w += h->rw[g->r_first + i];
        if (g->ruby_w > g->base_w) {
            int extra = g->ruby_w - g->base_w;
            h->it[g->first].lead = extra / 2;
            h->it[g->first + g->count - 1].trail = extra - extra / 2;
        }
    }
    return 0;
fail:
    free(cps);
    free(fonts);
    return -1;
}

static int is_hiragana(uint32_t cp)
{
    return cp >= 0x3041 && cp <= 0x309F;
}

static int is_kanji_or_katakana(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF) || cp == 0x3005 ||
           (cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0xFF66 && cp <= 0xFF9D);
}

static int is_phrase_end(uint32_t cp)
{
    return cp == 0x3001 || cp == 0x3002 || cp == 0xFF0C || cp == 0xFF0E || cp == 0xFF01 ||
           cp == 0xFF1F || cp == 0x300D || cp == 0x300F || cp == 0xFF09 || cp == 0x3011 ||
           cp == 0x3015 || cp == 0x3009 || cp == 0x300B || cp == 0xFF3D;
}

static int is_katakana(uint32_t cp)
{
    return (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || (cp >= 0x31F0 && cp <= 0x31FF) ||
           (cp >= 0xFF66 && cp <= 0xFF9F);
}

/* How good a break before item i is:
 * 0 never (kinsoku, inside a word, a number or a ruby group);
 * 1 inside a katakana word (ホームペー|ジ): only when nothing better is near;
 * 2 between any two other ideographs or kana;
 * 3 where kana turn into kanji or katakana (障がい者等用駐車場の|適正利用), a likely phrase end;
 * 4 after 、。 or a closing bracket, before an opening bracket (月まで|（9か月延長）);
 * 5 a space or a marked phrase break ("|", U+200B). */
static int break_before(const hline *h, size_t i)
{
    const litem *a = &h->it[i - 1], *b = &h->it[i];
    if (a->group >= 0 && a->group == b->group)
        return 0;
    if (b->space)
        return 0;
    if (kz_text_no_start(b->cp))
        return 0;
    if (a->space)
        return 5;
    if (kz_text_no_end(a->cp))
        return 0;
    if (a->word && b->word)
        return 0;
    if (a->cp == b->cp && (a->cp == 0x2026 || a->cp == 0x2025 || a->cp == 0x2015 ||
                           a->cp == 0x2014))
        return 0;
    if (b->pref)
        return 5;
    if (is_phrase_end(a->cp) || kz_text_no_end(b->cp))
        return 4;
    /* the honorific prefix お/ご starts a phrase: をお|願い is wrong, を|お願い right */
    int prefix_b = (b->cp == 0x304A || b->cp == 0x3054) && i + 1 < h->n &&
                   is_kanji_or_katakana(h->it[i + 1].cp);
    int prefix_a = (a->cp == 0x304A || a->cp == 0x3054) && is_kanji_or_katakana(b->cp);
    if (prefix_b)
        return 3;
    if (prefix_a)
        return 1;
    /* kana to kanji, except a counter after a number (9か月, 3ヶ所) */
    int counter = i >= 2 && h->it[i - 2].word;
    if (is_hiragana(a->cp) && is_kanji_or_katakana(b->cp) && !counter)
        return 3;
    if (is_katakana(a->cp) && is_katakana(b->cp))
        return 1;
    return 2;
}

typedef struct lbuild {
    kz_text_layout *l;
    size_t gcap, lcap;
} lbuild;

static int emit_glyph(lbuild *b, uint32_t cp, int font, int kind, int x, int w)
{
    kz_text_layout *l = b->l;
    if (kz_grow(&l->glyphs, &b->gcap, l->n_glyphs + 1, sizeof(kz_text_glyph), 16) < 0)
        return -1;
    kz_text_glyph *g = &l->glyphs[l->n_glyphs++];
    g->cp = cp, g->font = font, g->kind = kind, g->x = x, g->w = w;
    return 0;
}

/* Item positions: pos[i] = left of item i's box (lead included), pos[n] = end. */
static int hl_positions(const hline *h, int **pos_out)
{
    int *pos = malloc((h->n + 1) * sizeof *pos);
    if (!pos)
        return -1;
    int x = 0;
    for (size_t i = 0; i < h->n; i++) {
        pos[i] = x;
        x += h->it[i].lead + h->it[i].w + h->it[i].trail;
    }
    pos[h->n] = x;
    *pos_out = pos;
    return 0;
}

/* Width of items [s, e) without trailing spaces. */
static int span_width(const hline *h, const int *pos, size_t s, size_t e)
{
    while (e > s && h->it[e - 1].space)
        e--;
    return pos[e] - pos[s];
}

/* Emit items [s, e) as one line (trailing spaces dropped) with indent, plus their readings. */
static int emit_line(lbuild *b, const hline *h, const int *pos, size_t s, size_t e, int indent,
                     int bullet_w, int bullet_font, int para, int *y, int line_h,
                     int baseline_off, int ruby_top)
{
    kz_text_layout *l = b->l;
    if (kz_grow(&l->lines, &b->lcap, l->n_lines + 1, sizeof(kz_text_line), 16) < 0)
        return -1;
    size_t first = l->n_glyphs;
    if (bullet_w > 0 && emit_glyph(b, 0x2022, bullet_font, KZ_GLYPH_BULLET, 0, bullet_w) < 0)
        return -1;
    while (e > s && h->it[e - 1].space)
        e--;
    for (size_t i = s; i < e; i++) {
        const litem *it = &h->it[i];
        if (emit_glyph(b, it->cp, it->font, KZ_GLYPH_BASE, indent + pos[i] - pos[s] + it->lead,
                       it->w) < 0)
            return -1;
    }
    for (size_t k = 0; k < h->gn; k++) {
        const rgroup *g = &h->g[k];
        if (g->first < s || g->first >= e)
            continue;
        int left = indent + pos[g->first] - pos[s];
        int gw = g->base_w > g->ruby_w ? g->base_w : g->ruby_w;
        int x = left + (gw - g->ruby_w) / 2;
        for (size_t i = 0; i < g->r_count; i++) {
            size_t r = g->r_first + i;
            if (emit_glyph(b, h->rcp[r], h->rfont[r], KZ_GLYPH_RUBY, x, h->rw[r]) < 0)
                return -1;
            x += h->rw[r];
        }
    }
    kz_text_line *ln = &l->lines[l->n_lines++];
    memset(ln, 0, sizeof *ln);
    ln->first = first;
    ln->count = l->n_glyphs - first;
    ln->width = (e > s ? indent + span_width(h, pos, s, e) : (bullet_w > 0 ? bullet_w : 0));
    ln->top = *y;
    ln->baseline_off = baseline_off;
    ln->ruby_top = ruby_top;
    ln->para = para;
    if (ln->width > l->width)
        l->width = ln->width;
    *y += line_h;
    return 0;
}

/* Break one hard line into lines no wider than box_w (0: unbounded). */
static int hl_wrap(lbuild *b, const hline *h, int box_w, int indent, int bullet_w,
                   int bullet_font, int para, int *y, int line_h, int baseline_off,
                   int ruby_top)
{
    int *pos = NULL;
    if (hl_positions(h, &pos) < 0)
        return -1;
    int avail = box_w > 0 ? box_w - indent : INT_MAX;
    if (avail < 1)
        avail = 1;
    size_t s = 0;
    while (s < h->n && h->it[s].space)
        s++;
    int first_line = 1;
    if (s >= h->n) { /* an empty line (or a bullet alone) still takes its place */
        int rc = emit_line(b, h, pos, s, s, indent, bullet_w, bullet_font, para, y, line_h,
                           baseline_off, ruby_top);
        free(pos);
        return rc;
    }
    while (s < h->n) {
        size_t best[6] = {0, 0, 0, 0, 0, 0}, cut = h->n;
        for (size_t i = s + 1; i <= h->n; i++) {
            if (i == h->n) {
                if (span_width(h, pos, s, i) <= avail)
                    cut = h->n;
                else
                    cut = 0;
                break;
            }
            /* item i-1 must fit (spaces may hang past the edge) */
            if (!h->it[i - 1].space && pos[i] - pos[s] > avail) {
                cut = 0;
                break;
            }
            int lvl = break_before(h, i);
            for (int k = 1; k <= lvl; k++)
                best[k] = i;
        }
        if (cut == 0) {
            /* the items up to (not including) the first that overflows */
            size_t over = s;
            while (over < h->n && (h->it[over].space || pos[over + 1] - pos[s] <= avail))
                over++;
            /* The best[] are at most `over` because the scan stopped at the overflow. A marked
             * break or a space wins if the line stays at least a third full; then punctuation
             * and kana-to-kanji boundaries if it stays 60 % full; then any break between
             * ideographs and kana if it stays half full; else the last break allowed at all. */
            static const int min_fill[6] = {0, 0, 50, 60, 60, 34}; /* percent, by level */
            for (int k = 5; k >= 1 && cut == 0; k--)
                if (best[k] > s && span_width(h, pos, s, best[k]) * 100 >= avail * min_fill[k])
                    cut = best[k];
            if (cut == 0) {
                cut = over > s ? over : s + 1; /* nothing allowed: break where it overflows */
                /* keep a ruby group whole even here */
                while (cut < h->n && cut > s + 1 && h->it[cut].group >= 0 &&
                       h->it[cut].group == h->it[cut - 1].group)
                    cut--;
                b->l->forced++;
            }
        }
        if (emit_line(b, h, pos, s, cut, indent, first_line ? bullet_w : 0, bullet_font, para,
                      y, line_h, baseline_off, ruby_top) < 0) {
            free(pos);
            return -1;
        }
        first_line = 0;
        s = cut;
        while (s < h->n && h->it[s].space)
            s++;
    }
    free(pos);
    return 0;
}

static int line_is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int has_ruby(const char *utf8)
{
    const char *o = strchr(utf8, '{');
    while (o) {
        const char *bar = strchr(o, '|'), *end = strchr(o, '}'), *nl = strchr(o, '\n');
        if (bar && end && bar > o + 1 && bar < end && (!nl || end < nl))
            return 1;
        o = strchr(o + 1, '{');
    }
    return 0;
}

int kz_text_lay_out(const char *utf8, int px, int box_w, double line_spacing, int bold,
                   const kz_text_measure *m, kz_text_layout *out)
{
    memset(out, 0, sizeof *out);
    if (!utf8)
        utf8 = "";
    if (px < 1)
        px = 1;
    if (line_spacing <= 0)
        line_spacing = KZ_TEXT_DEFAULT_SPACING;
    lbuild b = {out, 0, 0};
    hline h;
    memset(&h, 0, sizeof h);
    out->px = px;
    out->ruby_px = (px + 1) / 2;
    out->pitch = (int)lround(px * line_spacing);
    if (out->pitch < 1)
        out->pitch = 1;
    int half_leading = (out->pitch - px) / 2;
    int gap = px / 20;
    if (has_ruby(utf8)) {
        out->ruby_band = out->ruby_px + gap - half_leading;
        if (out->ruby_band < 0)
            out->ruby_band = 0;
    }
    int line_h = out->ruby_band + out->pitch;
    int baseline_off = out->ruby_band + half_leading;
    int ruby_top = baseline_off - gap - out->ruby_px;
    int para_gap = out->pitch / 2;
    int y = 0, para = 0, pending_gap = 0, any = 0;

    const char *p = utf8;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (line_is_blank(p, len)) {
            if (any)
                pending_gap = 1;
        } else {
            if (pending_gap) {
                para++;
                y += para_gap;
                pending_gap = 0;
            }
            any = 1;
            const char *s = p;
            size_t sl = len;
            int indent = 0, bullet_w = 0, bullet_font = 0;
            while (sl > 0 && (*s == ' ' || *s == '\t'))
                s++, sl--;
            if (sl >= 2 && s[0] == '-' && s[1] == ' ') {
                uint32_t bc = 0x2022;
                measure_fonts(m, &bc, 1, bold, &bullet_font);
                bullet_w = measure_adv(m, bullet_font, bc, px, bold);
                indent = bullet_w + (px * 3 + 5) / 10;
                if (indent < px)
                    indent = px;
                s += 2, sl -= 2;
            } else {
                s = p, sl = len;
            }
            hl_clear(&h);
            if (hl_parse(&h, s, sl) < 0 || hl_measure(&h, px, out->ruby_px, bold, m) < 0 ||
                hl_wrap(&b, &h, box_w, indent, bullet_w, bullet_font, para, &y, line_h,
                        baseline_off, ruby_top) < 0)
                goto fail;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    out->height = y;
    hl_free(&h);
    return 0;
fail:
    hl_free(&h);
    kz_text_layout_free(out);
    return -1;
}

void kz_text_layout_free(kz_text_layout *l)
{
    if (!l)
        return;
    free(l->glyphs);
    free(l->lines);
    memset(l, 0, sizeof *l);
}

int kz_text_layout_line(const kz_text_layout *l, size_t i, char *out, size_t n)
{
    if (!l || i >= l->n_lines || n == 0)
        return -1;
    const kz_text_line *ln = &l->lines[i];
    size_t o = 0;
    for (size_t k = 0; k < ln->count; k++) {
        const kz_text_glyph *g = &l->glyphs[ln->first + k];
        if (g->kind == KZ_GLYPH_RUBY)
            continue;
        char buf[4];
        int m = utf8_put(g->cp, buf);
        if (o + (size_t)m + 1 > n)
            break;
        memcpy(out + o, buf, (size_t)m);
        o += (size_t)m;
    }
    out[o] = 0;
    return (int)o;
}

static int fits(const char *utf8, int px, int box_w, int box_h, double spacing, int bold,
                const kz_text_measure *m)
{
    kz_text_layout l;
    if (kz_text_lay_out(utf8, px, box_w, spacing, bold, m, &l) < 0)
        return -1;
    int ok = l.forced == 0 && (box_h <= 0 || l.height <= box_h) &&
             (box_w <= 0 || l.width <= box_w);
    kz_text_layout_free(&l);
    return ok;
}

int kz_text_fit(const char *utf8, int box_w, int box_h, int min_px, int max_px,
                double line_spacing, int bold, const kz_text_measure *m)
{
    if (min_px < 1)
        min_px = 1;
    if (max_px < min_px)
        max_px = min_px;
    int lo = min_px, hi = max_px;
    if (fits(utf8, lo, box_w, box_h, line_spacing, bold, m) != 1)
        return min_px;
    if (fits(utf8, hi, box_w, box_h, line_spacing, bold, m) == 1)
        return hi;
    /* invariant: lo fits, hi does not */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (fits(utf8, mid, box_w, box_h, line_spacing, bold, m) == 1)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- fonts ------------------------------------------------------------------------------ */

/* A face of the chain is opened the first time a text needs it (face_ready), not when the
 * chain is read: a screen that shows only clips and pictures never opens a font, and text the
 * first font covers never opens the fallbacks. Measured on the default chain: the six faces
 * opened up front cost 5.4 MB of FreeType's heap and about 4 MB of the files' pages
 * (docs/performance.md, peak RSS). */
typedef struct kz_face {
    char *file;  /* owned; as written in fonts.ini after resolving */
    int index;   /* face in a collection */
    TTF_Font *font; /* NULL until opened */
    int failed;  /* the open failed (said once): the face provides nothing */
    int px;      /* size the font is currently set to */
    int ascent;  /* at px */
    void *map;   /* owned: the file mapped read-only (munmap after TTF_CloseFont) */
    size_t map_len;
} kz_face;

struct kz_fonts {
    kz_face *chain[2]; /* [0] regular, [1] bold */
    int n[2];
    int synth_bold;    /* no bold chain: the regular files with TTF_STYLE_BOLD */
    char dir[PATH_MAX];
    char ini[PATH_MAX];
};

/* List a face of the chain: it must exist; it is opened when first needed (face_ready). */
static int face_add(kz_fonts *f, int role, const char *spec)
{
    char path[2 * PATH_MAX + 2];
    int index = 0;
    snprintf(path, sizeof path, "%s%s%s", spec[0] == '/' ? "" : f->dir,
             spec[0] == '/' ? "" : "/", spec);
    char *hash = strrchr(path, '#');
    if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
        index = atoi(hash + 1);
        *hash = 0;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        kz_log(LOG_TEXT, KZ_LOG_WARN, "%s: font %s not found, skipped (fonts-morisawa-bizud-gothic, "
               "fonts-noto-cjk and fonts-dejavu-core provide the default chain)", f->ini, path);
        return 0;
    }
    kz_face *nc = realloc(f->chain[role], (size_t)(f->n[role] + 1) * sizeof *nc);
    if (!nc)
        return -1;
    f->chain[role] = nc;
    kz_face *fc = &nc[f->n[role]++];
    *fc = (kz_face){.file = strdup(path), .index = index};
    return fc->file ? 0 : -1;
}

/* Open a listed face if it is not yet: 1 when it can be used, 0 when it cannot (then it is
 * said once, with the file, and the face provides no glyph: the chain's next one is used). */
static int face_ready(kz_fonts *f, int role, kz_face *fc)
{
    if (fc->font)
        return 1;
    if (fc->failed)
        return 0;
    /* FreeType reads a font in many small pieces; through SDL's file RWops each is an lseek
     * and a read (about 66,000 system calls for the default chain, most of a `kizuna render`'s
     * start-up). Mapped, the pieces are memory reads and only the pages used are loaded. */
    int fd = open(fc->file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t map_len = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
    void *map = map_len && map_len <= INT_MAX
                    ? mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fd, 0)
                    : MAP_FAILED;
    if (fd >= 0)
        close(fd);
    SDL_RWops *rw = map != MAP_FAILED ? SDL_RWFromConstMem(map, (int)map_len) : NULL;
    TTF_Font *font = rw ? TTF_OpenFontIndexRW(rw, 1, 32, fc->index)
                        : TTF_OpenFontIndex(fc->file, 32, fc->index);
    if (!font) {
        if (map != MAP_FAILED)
            munmap(map, map_len);
        kz_log(LOG_TEXT, KZ_LOG_WARN, "%s: font %s (face %d) cannot be opened: %s, skipped",
               f->ini, fc->file, fc->index, TTF_GetError());
        fc->failed = 1;
        return 0;
    }
    fc->map = map != MAP_FAILED ? map : NULL;
    fc->map_len = map_len;
    fc->font = font;
    fc->px = 32;
    fc->ascent = TTF_FontAscent(font);
    if (role == 1 && f->synth_bold)
        TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    return 1;
}

static int add_list(kz_fonts *f, int role, const char *value)
{
    char *copy = strdup(value), *save = NULL;
    if (!copy)
        return -1;
    for (char *tok = strtok_r(copy, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        char *e = tok + strlen(tok);
        while (e > tok && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            *--e = 0;
        if (*tok && face_add(f, role, tok) < 0) {
            free(copy);
            return -1;
        }
    }
    free(copy);
    return 0;
}

typedef struct ini_ctx {
    kz_fonts *f;
    char *spec[2];
    int line[2];
    int errors;
} ini_ctx;

static void on_ini(void *user, const char *section, int section_line, const char *name,
                   const char *value, int line)
{
    ini_ctx *c = user;
    (void)section_line;
    int role = strcmp(name, "regular") == 0 ? 0 : strcmp(name, "bold") == 0 ? 1 : -1;
    if (strcmp(section, "chain") != 0 || role < 0) {
        kz_log(LOG_TEXT, KZ_LOG_WARN, "%s:%d: [%s] %s: unknown key (use [chain] regular = / bold =)",
               c->f->ini, line, section, name);
        c->errors++;
        return;
    }
    /* a continuation line adds to the list; an over-long line arrives in joined pieces */
    int join = value[0] == KZ_INI_JOIN;
    if (join)
        value++;
    size_t ol = c->spec[role] ? strlen(c->spec[role]) : 0;
    char *n = realloc(c->spec[role], ol + strlen(value) + 2);
    if (!n)
        return;
    if (ol && !join)
        n[ol++] = ',';
    strcpy(n + ol, value);
    c->spec[role] = n;
    if (!c->line[role])
        c->line[role] = line;
}

/* A [section] or key given twice: the first counts; said like the other fonts.ini mistakes. */
static void on_ini_repeat(void *user, const char *section, const char *key, int line, int first)
{
    ini_ctx *c = user;
    char why[300];
    kz_ini_repeat_text(why, sizeof why, section, key, first);
    kz_log(LOG_TEXT, KZ_LOG_WARN, "%s:%d: %s", c->f->ini, line, why);
    c->errors++;
}

int kz_fonts_load(const char *fonts_ini, kz_fonts **out)
{
    *out = NULL;
    if (TTF_Init() < 0) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "SDL_ttf: %s", TTF_GetError());
        return -1;
    }
    kz_fonts *f = calloc(1, sizeof *f);
    ini_ctx c = {.f = f};
    if (!f)
        goto fail;
    struct stat st;
    if (stat(fonts_ini, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(f->ini, sizeof f->ini, "%s/fonts.ini", fonts_ini);
    else
        snprintf(f->ini, sizeof f->ini, "%s", fonts_ini);
    snprintf(f->dir, sizeof f->dir, "%s", f->ini);
    char *slash = strrchr(f->dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(f->dir, sizeof f->dir, ".");
    int rc = kz_ini_parse_file_rep(f->ini, on_ini, on_ini_repeat, &c, 0);
    if (rc == KZ_INI_NOT_REGULAR) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "%s:0: %s", f->ini, KZ_INI_NOT_REGULAR_WHY);
        goto fail;
    } else if (rc < 0) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "%s: cannot read the font chain: %m", f->ini);
        goto fail;
    } else if (rc > 0) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "%s:%d: syntax error", f->ini, rc);
    }
    if (c.spec[0] && add_list(f, 0, c.spec[0]) < 0)
        goto fail;
    if (f->n[0] == 0) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "%s: no usable regular font in [chain]", f->ini);
        goto fail;
    }
    if (c.spec[1] && add_list(f, 1, c.spec[1]) < 0)
        goto fail;
    if (f->n[1] == 0) {
        f->synth_bold = 1;
        if (add_list(f, 1, c.spec[0]) < 0)
            goto fail;
    }
    free(c.spec[0]);
    free(c.spec[1]);
    *out = f;
    return 0;
fail:
    free(c.spec[0]);
    free(c.spec[1]);
    if (f)
        kz_fonts_free(&f); /* also balances TTF_Init */
    else
        TTF_Quit();
    return -1;
}

void kz_fonts_free(kz_fonts **pf)
{
    if (!pf || !*pf)
        return;
    kz_fonts *f = *pf;
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < f->n[r]; i++) {
            if (f->chain[r][i].font)
                TTF_CloseFont(f->chain[r][i].font);
            if (f->chain[r][i].map)
                munmap(f->chain[r][i].map, f->chain[r][i].map_len);
            free(f->chain[r][i].file);
        }
        free(f->chain[r]);
    }
    free(f);
    *pf = NULL;
    TTF_Quit();
}

const char *kz_fonts_path(const kz_fonts *f, const char *role)
{
    if (!f || !role)
        return NULL;
    int r = strcmp(role, "bold") == 0 ? 1 : 0;
    return f->n[r] > 0 ? f->chain[r][0].file : NULL;
}

int kz_fonts_count(const kz_fonts *f, int bold)
{
    return f ? f->n[bold ? 1 : 0] : 0;
}

const char *kz_fonts_file(const kz_fonts *f, int bold, int i)
{
    if (!f || i < 0 || i >= f->n[bold ? 1 : 0])
        return NULL;
    return f->chain[bold ? 1 : 0][i].file;
}

int kz_fonts_open_count(const kz_fonts *f)
{
    int n = 0;
    for (int r = 0; f && r < 2; r++)
        for (int i = 0; i < f->n[r]; i++)
            n += f->chain[r][i].font != NULL;
    return n;
}

static int face_has(kz_fonts *f, int role, int i, uint32_t cp)
{
    kz_face *fc = &f->chain[role][i];
    return face_ready(f, role, fc) && TTF_GlyphIsProvided32(fc->font, cp) != 0;
}

static int first_font(kz_fonts *f, int role, uint32_t cp)
{
    for (int i = 0; i < f->n[role]; i++)
        if (face_has(f, role, i, cp))
            return i;
    return -1;
}

/* Latin, Greek, Cyrillic and Vietnamese letters, digits, spaces and their punctuation. */
static int is_latinish(uint32_t cp)
{
    return (cp >= 0x20 && cp < 0x250 && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x300 && cp <= 0x52F) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
           (cp >= 0x2010 && cp <= 0x2027);
}

/* Han, kana, Hangul and the CJK punctuation and full-width forms. */
static int is_cjk(uint32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
           (cp >= 0x31F0 && cp <= 0x31FF);
}

static int script_of(uint32_t cp)
{
    return is_latinish(cp) ? 1 : is_cjk(cp) ? 2 : 0;
}

/* Per code point the first font that has it. A stretch of one script (an English or
 * Vietnamese sentence; a run of Chinese with simplified characters the first font lacks)
 * takes the first font that has all of it, so a sentence is not drawn in two fonts. Spaces
 * follow the text before them. Code points no font has get -1. */
static void fonts_for(void *ctx, const uint32_t *cps, size_t n, int bold, int *out)
{
    kz_fonts *f = ctx;
    int role = bold ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        out[i] = is_space(cps[i]) ? -2 : first_font(f, role, cps[i]);
    for (size_t i = 0; i < n;) {
        int sc = script_of(cps[i]);
        if (!sc) {
            i++;
            continue;
        }
        size_t e = i;
        int mixed = 0, first = -3;
        while (e < n && script_of(cps[e]) == sc) {
            if (out[e] != -2) {
                if (first == -3)
                    first = out[e];
                else if (out[e] != first)
                    mixed = 1;
            }
            e++;
        }
        if (mixed) {
            for (int k = 0; k < f->n[role]; k++) {
                size_t j = i;
                while (j < e && (is_space(cps[j]) || face_has(f, role, k, cps[j])))
                    j++;
                if (j == e) {
                    for (j = i; j < e; j++)
                        out[j] = is_space(cps[j]) ? -2 : k;
                    break;
                }
            }
        }
        i = e;
    }
    int prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (out[i] == -2)
            out[i] = prev >= 0 ? prev : 0;
        else if (out[i] >= 0)
            prev = out[i];
    }
}

static kz_face *face_at(kz_fonts *f, int bold, int font, int px)
{
    int role = bold ? 1 : 0;
    if (font < 0 || font >= f->n[role])
        return NULL;
    kz_face *fc = &f->chain[role][font];
    if (!face_ready(f, role, fc))
        return NULL;
    if (fc->px != px) {
        if (TTF_SetFontSize(fc->font, px) < 0)
            return NULL;
        fc->px = px;
        fc->ascent = TTF_FontAscent(fc->font);
    }
    return fc;
}

static int font_advance(void *ctx, int font, uint32_t cp, int px, int bold)
{
    kz_face *fc = face_at(ctx, bold, font, px);
    int adv = 0;
    if (!fc || TTF_GlyphMetrics32(fc->font, cp, NULL, NULL, NULL, NULL, &adv) < 0)
        return 0;
    return adv;
}

void kz_fonts_measure(kz_fonts *f, kz_text_measure *m)
{
    m->ctx = f;
    m->font_for = fonts_for;
    m->advance = font_advance;
}

uint32_t kz_fonts_missing_glyph(kz_fonts *f, const char *utf8)
{
    if (!f || !utf8)
        return 0;
    hline h;
    memset(&h, 0, sizeof h);
    uint32_t missing = 0;
    const char *p = utf8;
    while (*p && !missing) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        hl_clear(&h);
        if (hl_parse(&h, p, len) < 0)
            break;
        for (size_t i = 0; i < h.n && !missing; i++)
            if (!is_invisible(h.it[i].cp) && first_font(f, 0, h.it[i].cp) < 0)
                missing = h.it[i].cp;
        for (size_t i = 0; i < h.rn && !missing; i++)
            if (!is_invisible(h.rcp[i]) && first_font(f, 0, h.rcp[i]) < 0)
                missing = h.rcp[i];
        if (!nl)
            break;
        p = nl + 1;
    }
    hl_free(&h);
    return missing;
}

/* Length of the well-formed UTF-8 sequence at u[0..n), 0 when there is none (RFC 3629). */
static size_t utf8_valid_len(const unsigned char *u, size_t n)
{
    unsigned char c = u[0];
    if (c < 0x80)
        return 1;
    size_t extra = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
    if (!extra || extra >= n)
        return 0;
    for (size_t k = 1; k <= extra; k++)
        if ((u[k] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] > 0x9F) || /* overlong, surrogate */
        (c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] > 0x8F))   /* overlong, > U+10FFFF */
        return 0;
    return extra + 1;
}

int kz_text_markup_check(const char *s, size_t len, int ruby, size_t *at, const char **why)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_valid_len(u + i, len - i);
        if (!n) {
            *at = i;
            *why = "invalid UTF-8 (save the file as UTF-8)";
            return -1;
        }
        i += n;
    }
    /* The markup bytes are ASCII, never part of a multi-byte sequence. The rule is
     * hl_parse's, made strict: what it would draw as a literal brace is refused here. */
    for (size_t i = 0; ruby && i < len; i++) {
        if (s[i] == '\\' && i + 1 < len && s[i + 1] != '\n') {
            i++;
            continue;
        }
        if (s[i] == '}') {
            *at = i;
            *why = "'}' closes no ruby {base|reading} (write \\} for the brace itself)";
            return -1;
        }
        if (s[i] != '{')
            continue;
        const char *e = memchr(s + i, '\n', len - i);
        size_t line_end = e ? (size_t)(e - s) : len;
        size_t bar = 0, end = 0;
        for (size_t k = i + 1; k < line_end && !end; k++) {
            if (s[k] == '{')
                break;
            if (s[k] == '|' && !bar)
                bar = k;
            else if (s[k] == '}' && bar)
                end = k;
        }
        if (!bar || !end || bar == i + 1 || end == bar + 1) {
            *at = i;
            *why = !bar || !end ? "'{' starts a ruby with no '|reading}' after it on its line "
                                  "(write \\{ for the brace itself)"
                                : "ruby {base|reading} with an empty base or reading";
            return -1;
        }
        i = end;
    }
    return 0;
}

int kz_text_check_model(kz_fonts *f, const kz_model *m)
{
    int problems = 0;
    if (!f || !m)
        return 0;
    for (size_t i = 0; i < m->n_items; i++) {
        const kz_params *p = &m->items[i].params;
        for (size_t k = 0; k < p->n; k++) {
            uint32_t cp = kz_fonts_missing_glyph(f, p->kv[k].value);
            if (!cp)
                continue;
            char ch[5] = {0};
            utf8_put(cp, ch);
            kz_log(LOG_TEXT, KZ_LOG_ERROR,
                   "%s:%d: [%s] %s: U+%04X (%s) is in no font of the chain (%s): it would be "
                   "missing on screen",
                   p->file, p->kv[k].line, p->section, p->kv[k].key, (unsigned)cp, ch, f->ini);
            problems++;
        }
    }
    return problems;
}

/* ---- rasterising ------------------------------------------------------------------------ */

static void style_copy(const kz_text_style *in, kz_text_style *st)
{
    memset(st, 0, sizeof *st);
    if (in) {
        size_t n = in->struct_size && in->struct_size < sizeof *st ? in->struct_size
                                                                    : sizeof *st;
        memcpy(st, in, n);
    }
    st->struct_size = sizeof *st;
    if (st->line_spacing <= 0)
        st->line_spacing = KZ_TEXT_DEFAULT_SPACING;
    if (st->min_px <= 0)
        st->min_px = KZ_TEXT_DEFAULT_MIN_PX;
}

int kz_text_fit_px(kz_fonts *f, const char *utf8, const kz_text_style *style)
{
    if (!f)
        return -1;
    kz_text_style st;
    style_copy(style, &st);
    if (st.px > 0)
        return st.px;
    kz_text_measure m = {f, fonts_for, font_advance};
    int max_px = st.max_px > 0 ? st.max_px : st.box_h > 0 ? st.box_h : KZ_TEXT_DEFAULT_MAX_PX;
    if (st.box_h > 0 && max_px > st.box_h)
        max_px = st.box_h;
    return kz_text_fit(utf8 ? utf8 : "", st.box_w, st.box_h, st.min_px, max_px, st.line_spacing,
                       st.bold ? 1 : 0, &m);
}

/* Alpha-composite a run (white text, coverage in alpha) into dst at (x, y). */
static void blit_alpha(SDL_Surface *dst, SDL_Surface *src, int x, int y)
{
    SDL_Surface *s = src;
    if (src->format->format != SDL_PIXELFORMAT_ARGB8888)
        s = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_ARGB8888, 0);
    if (!s)
        return;
    SDL_LockSurface(s);
    for (int j = 0; j < s->h; j++) {
        int dy = y + j;
        if (dy < 0 || dy >= dst->h)
            continue;
        const uint32_t *sp = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)j * s->pitch);
        uint32_t *dp = (uint32_t *)((uint8_t *)dst->pixels + (size_t)dy * dst->pitch);
        for (int i = 0; i < s->w; i++) {
            int dx = x + i;
            if (dx < 0 || dx >= dst->w)
                continue;
            uint32_t sa = sp[i] >> 24;
            if (!sa)
                continue;
            uint32_t da = dp[dx] >> 24;
            uint32_t na = sa + (da * (255 - sa) + 127) / 255;
            dp[dx] = (dp[dx] & 0x00FFFFFFu) | (na << 24);
        }
    }
    SDL_UnlockSurface(s);
    if (s != src)
        SDL_FreeSurface(s);
}

static int draw_run(kz_fonts *f, SDL_Surface *dst, const kz_text_glyph *g, size_t n, int bold,
                    int px, int x, int em_top)
{
    kz_face *fc = face_at(f, bold, g[0].font, px);
    if (!fc)
        return 0;
    char *s = malloc(n * 4 + 1);
    if (!s)
        return -1;
    size_t o = 0;
    int visible = 0;
    for (size_t i = 0; i < n; i++) {
        o += (size_t)utf8_put(g[i].cp, s + o);
        if (!is_space(g[i].cp))
            visible = 1;
    }
    s[o] = 0;
    if (visible) {
        SDL_Color white = {255, 255, 255, 255};
        SDL_Surface *run = TTF_RenderUTF8_Blended(fc->font, s, white);
        if (run) {
            int baseline = em_top + (int)lround(px * KZ_EM_ASCENT);
            blit_alpha(dst, run, x, baseline - fc->ascent);
            SDL_FreeSurface(run);
        } else {
            kz_log(LOG_TEXT, KZ_LOG_WARN, "cannot draw \"%s\": %s", s, TTF_GetError());
        }
    }
    free(s);
    return 0;
}

/* Draw the glyphs of one kind of a line, run by run (same font, touching boxes). */
static int draw_kind(kz_fonts *f, SDL_Surface *dst, const kz_text_layout *l,
                     const kz_text_line *ln, int kind, int bold, int xo)
{
    int px = kind == KZ_GLYPH_RUBY ? l->ruby_px : l->px;
    int em_top = ln->top + (kind == KZ_GLYPH_RUBY ? ln->ruby_top : ln->baseline_off);
    const kz_text_glyph *g = l->glyphs + ln->first;
    size_t i = 0;
    while (i < ln->count) {
        if (g[i].kind != kind) {
            i++;
            continue;
        }
        if (g[i].font < 0) {
            kz_log(LOG_TEXT, KZ_LOG_WARN, "U+%04X is in no font of the chain; not drawn",
                   (unsigned)g[i].cp);
            i++;
            continue;
        }
        size_t e = i + 1;
        while (e < ln->count && g[e].kind == kind && g[e].font == g[i].font &&
               g[e].x == g[e - 1].x + g[e - 1].w)
            e++;
        if (draw_run(f, dst, g + i, e - i, bold, px, xo + g[i].x, em_top) < 0)
            return -1;
        i = e;
    }
    return 0;
}

SDL_Surface *kz_text_render(kz_fonts *f, const char *utf8, const kz_text_style *style)
{
    if (!f) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "no fonts loaded");
        return NULL;
    }
    if (!utf8)
        utf8 = "";
    kz_text_style st;
    style_copy(style, &st);
    int bold = st.bold ? 1 : 0;
    int px = kz_text_fit_px(f, utf8, &st);
    kz_text_measure m = {f, fonts_for, font_advance};
    kz_text_layout l;
    SDL_Surface *s = NULL;
    if (kz_text_lay_out(utf8, px, st.box_w, st.line_spacing, bold, &m, &l) < 0) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "out of memory laying out text");
        return NULL;
    }
    if (st.px == 0 && st.box_h > 0 && l.height > st.box_h)
        kz_log(LOG_TEXT, KZ_LOG_WARN,
               "text does not fit %dx%d even at %d px (needs %d px of height): \"%.40s\"",
               st.box_w, st.box_h, px, l.height, utf8);
    int w = l.width;
    int h = l.height;
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        kz_log(LOG_TEXT, KZ_LOG_ERROR, "cannot create a %dx%d surface: %s", w, h,
               SDL_GetError());
        goto fail;
    }
    uint32_t rgb = ((uint32_t)st.color.r << 16) | ((uint32_t)st.color.g << 8) | st.color.b;
    SDL_LockSurface(s);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < w; x++)
            row[x] = rgb;
    }
    /* all base text first, then readings: SDL_ttf drops its glyph cache on a size change */
    static const int kinds[3] = {KZ_GLYPH_BASE, KZ_GLYPH_BULLET, KZ_GLYPH_RUBY};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < l.n_lines; i++) {
            const kz_text_line *ln = &l.lines[i];
            int xo = st.align == KZ_ALIGN_CENTER ? (w - ln->width) / 2
                     : st.align == KZ_ALIGN_END  ? w - ln->width
                                                 : 0;
            if (xo < 0)
                xo = 0;
            if (draw_kind(f, s, &l, ln, kinds[k], bold, xo) < 0)
                goto fail;
        }
    }
    if (st.color.a != 255) {
        for (int y = 0; y < h; y++) {
            uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->pitch);
            for (int x = 0; x < w; x++) {
                uint32_t a = ((row[x] >> 24) * st.color.a + 127) / 255;
                row[x] = (row[x] & 0x00FFFFFFu) | (a << 24);
            }
        }
    }
    SDL_UnlockSurface(s);
    kz_text_layout_free(&l);
    return s;
fail:
    if (s) {
        SDL_UnlockSurface(s);
        SDL_FreeSurface(s);
    }
    kz_text_layout_free(&l);
    return NULL;
}
