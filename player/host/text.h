/* The shared text engine: font chain (fonts/fonts.ini), per-run glyph fallback, Japanese line
 * breaking (kinsoku), ruby, bullets, auto-fit, rasterising. Every plugin that draws text uses
 * it through the host API (kz_host_api.text_texture). See docs/text.md for the markup.
 *
 * The layout is a pure function: (text, size, box width, a width for each code point) ->
 * lines of positioned glyphs. Fonts only enter through kz_text_measure, so the unit tests
 * call kz_text_lay_out() with made-up widths. */
#ifndef KZ_TEXT_H
#define KZ_TEXT_H
#include <stddef.h>
#include <stdint.h>

#include "kizuna/plugin.h"

typedef struct kz_fonts kz_fonts;

/* Load the chain from fonts.ini ([chain] regular = a.ttf, b.ttc, ... ; bold = ...). A path may
 * end in "#N" to pick face N of a collection. fonts_ini may also name the directory holding
 * fonts.ini. Missing files are logged and skipped. Returns 0, or -1 when no usable font
 * remains (*out is NULL then). */
int kz_fonts_load(const char *fonts_ini, kz_fonts **out);
void kz_fonts_free(kz_fonts **f);
/* First font file of a role's chain ("regular", "bold"); borrowed. */
const char *kz_fonts_path(const kz_fonts *f, const char *role);
/* First drawn code point in utf8 (markup removed) that no font of the chain has (0 when all
 * are covered). */
uint32_t kz_fonts_missing_glyph(kz_fonts *f, const char *utf8);
/* kizuna check: every value of every item of the model (all plugins' texts, whatever their key)
 * is looked up in the chain; a character no font has is logged as an error with the key's
 * file:line. Returns the number of such values. */
struct kz_model;
int kz_text_check_model(kz_fonts *f, const struct kz_model *m);
/* Whether s (len bytes) is text the engine draws as written: valid UTF-8 (no overlong forms,
 * surrogates or code points above U+10FFFF), and with ruby set, ruby markup that closes: an
 * unescaped '{' starts "{base|reading}" with both parts non-empty on the same line, an
 * unescaped '}' ends one (ruby 0: templates whose {placeholders} are replaced first). 0 when
 * it is; -1 with *at the byte offset of the problem and why a reason (static storage) when
 * not. The plugin host refuses an item whose text keys fail this. */
int kz_text_markup_check(const char *s, size_t len, int ruby, size_t *at, const char **why);
/* Bytes a text value may have (a title of a megabyte is a mistake, not a slide). */
#define KZ_TEXT_MAX_BYTES (64 * 1024)
/* Number of fonts in a role's chain, and the file of font i (borrowed; NULL out of range). */
int kz_fonts_count(const kz_fonts *f, int bold);
const char *kz_fonts_file(const kz_fonts *f, int bold, int i);
/* How many faces of the chains are open: a face is opened the first time a text needs it. */
int kz_fonts_open_count(const kz_fonts *f);

/* Lay out and rasterise into a new ARGB8888 surface (caller frees). The surface is as wide as
 * the widest line (lines are aligned inside it; the caller places the block in its box) and as
 * tall as the lines; every pixel has the style's colour, the glyph coverage is in alpha. NULL
 * on failure (logged). */
SDL_Surface *kz_text_render(kz_fonts *f, const char *utf8, const kz_text_style *style);
/* The size auto-fit would choose (style->px when it is set). -1 on failure. */
int kz_text_fit_px(kz_fonts *f, const char *utf8, const kz_text_style *style);

/* ---- layout (pure) ------------------------------------------------------------------------ */

/* How wide a code point is. font_for (optional) picks a font index for every code point of
 * the text at once (fallback may look at whole words); advance gives the advance in pixels
 * of cp drawn with that font at px. */
typedef struct kz_text_measure {
    void *ctx;
    void (*font_for)(void *ctx, const uint32_t *cps, size_t n, int bold, int *fonts_out);
    int (*advance)(void *ctx, int font, uint32_t cp, int px, int bold);
} kz_text_measure;
/* The measure of a loaded chain (font -1: no font has the code point). */
void kz_fonts_measure(kz_fonts *f, kz_text_measure *m);

enum kz_glyph_kind {
    KZ_GLYPH_BASE = 0,   /* ordinary text */
    KZ_GLYPH_RUBY = 1,   /* a reading drawn above its base, at ruby_px */
    KZ_GLYPH_BULLET = 2, /* the mark of a list item ("- " at the start of a line) */
};

typedef struct kz_text_glyph {
    uint32_t cp;
    int font; /* index into the chain (from font_for; 0 without it) */
    int kind; /* enum kz_glyph_kind */
    int x;    /* left edge of the advance box, from the line's left edge, before alignment */
    int w;    /* advance */
} kz_text_glyph;

typedef struct kz_text_line {
    size_t first, count; /* glyphs[first .. first+count) */
    int width;           /* from 0 to the end of the last glyph (trailing spaces dropped) */
    int top;             /* y of the line box's top within the block */
    int baseline_off;    /* base text's em box starts at top + baseline_off (ruby band above) */
    int ruby_top;        /* readings' em box starts at top + ruby_top */
    int para;            /* paragraph number (0-based) */
} kz_text_line;

typedef struct kz_text_layout {
    kz_text_glyph *glyphs; /* owned */
    size_t n_glyphs;
    kz_text_line *lines;   /* owned */
    size_t n_lines;
    int px, ruby_px;
    int pitch;       /* distance between the tops of two lines of one paragraph */
    int ruby_band;   /* height reserved above each line for readings (0 without ruby) */
    int width;       /* widest line */
    int height;      /* the whole block */
    int forced;      /* breaks made inside a word or number because it was wider than box_w */
} kz_text_layout;

/* Lay out utf8 at px, wrapping at box_w (0: only at explicit newlines). line_spacing: multiple
 * of px between lines (0: 1.25). Markup: "\n" breaks a line, a blank line starts a paragraph,
 * "|" or U+200B marks a preferred break (not drawn), "{base|reading}" is ruby, "- " at the start
 * of a line makes a list item with a hanging indent, "\" escapes the next character.
 * Returns 0 or -1 (out of memory). Free with kz_text_layout_free. */
int kz_text_lay_out(const char *utf8, int px, int box_w, double line_spacing, int bold,
                   const kz_text_measure *m, kz_text_layout *out);
void kz_text_layout_free(kz_text_layout *l);
/* The base text of line i as UTF-8 (no ruby, bullets as "•"), for tests and logs. Returns the
 * length written (truncated to n-1), or -1 when i is out of range. */
int kz_text_layout_line(const kz_text_layout *l, size_t i, char *out, size_t n);
/* Largest px in [min_px, max_px] at which utf8 fits box_w x box_h (box_h 0: any height) without
 * breaking inside a word; min_px when nothing fits. */
int kz_text_fit(const char *utf8, int box_w, int box_h, int min_px, int max_px,
                double line_spacing, int bold, const kz_text_measure *m);

/* Line-breaking classes, exposed for tests. */
int kz_text_no_start(uint32_t cp); /* may not begin a line (closing marks, small kana, ...) */
int kz_text_no_end(uint32_t cp);   /* may not end a line (opening brackets) */
#endif
