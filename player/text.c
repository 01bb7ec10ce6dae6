/* Text engine, first cut: font chain with per-character fallback, greedy wrapping at
 * character boundaries, auto-fit. (Japanese line-breaking rules and ruby come with the text
 * issue; the interface in text.h stays.) */
#include "text.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL_ttf.h>

#include "inifile.h"
#include "log.h"

#define LOG "text"
#define KZ_MAX_CHAIN 8
#define KZ_FONT_CACHE 32

enum { ROLE_REGULAR, ROLE_BOLD, ROLE_COUNT };

typedef struct cached {
    int role, idx, px;
    TTF_Font *font;
    unsigned long used;
} cached;

struct kz_fonts {
    char *paths[ROLE_COUNT][KZ_MAX_CHAIN];
    int n[ROLE_COUNT];
    TTF_Font *probe[ROLE_COUNT][KZ_MAX_CHAIN]; /* one small size, for glyph presence */
    cached cache[KZ_FONT_CACHE];
    unsigned long tick;
    char dir[PATH_MAX];
};

typedef struct load_ctx {
    kz_fonts *f;
    const char *file;
    int errors;
} load_ctx;

static void on_key(void *user, const char *sec, int sec_line, const char *key, const char *val,
                   int line)
{
    load_ctx *x = user;
    int role = !strcmp(key, "regular") ? ROLE_REGULAR : !strcmp(key, "bold") ? ROLE_BOLD : -1;
    if (strcmp(sec, "chain") || role < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: unknown key (use [chain] regular = / bold =)",
               x->file, line, sec, key);
        x->errors++;
        return;
    }
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", val[0] == KZ_INI_JOIN ? val + 1 : val);
    for (char *save = NULL, *tok = strtok_r(buf, ",\n", &save); tok;
         tok = strtok_r(NULL, ",\n", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t l = strlen(tok);
        while (l && (tok[l - 1] == ' ' || tok[l - 1] == '\t'))
            tok[--l] = 0;
        if (!l)
            continue;
        char path[PATH_MAX];
        if (tok[0] == '/')
            snprintf(path, sizeof path, "%s", tok);
        else
            snprintf(path, sizeof path, "%s/%s", x->f->dir, tok);
        kz_fonts *f = x->f;
        if (f->n[role] >= KZ_MAX_CHAIN)
            break;
        TTF_Font *probe = TTF_OpenFont(path, 16);
        if (!probe) {
            kz_log(LOG, KZ_LOG_WARN, "%s:%d: %s: cannot open the font (%s); skipped", x->file,
                   line, path, TTF_GetError());
            continue;
        }
        f->probe[role][f->n[role]] = probe;
        f->paths[role][f->n[role]++] = strdup(path);
    }
}

int kz_fonts_load(const char *fonts_ini, kz_fonts **out)
{
    *out = NULL;
    if (!TTF_WasInit() && TTF_Init() != 0) {
        kz_log(LOG, KZ_LOG_ERROR, "SDL_ttf: %s", TTF_GetError());
        return -1;
    }
    kz_fonts *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", fonts_ini);
    snprintf(f->dir, sizeof f->dir, "%s", dirname(tmp));
    load_ctx x = {.f = f, .file = fonts_ini};
    int rc = kz_ini_parse_file(fonts_ini, on_key, &x);
    if (rc < 0)
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read: %m", fonts_ini);
    if (f->n[ROLE_BOLD] == 0)
        for (int i = 0; i < f->n[ROLE_REGULAR]; i++) {
            f->paths[ROLE_BOLD][i] = strdup(f->paths[ROLE_REGULAR][i]);
            f->probe[ROLE_BOLD][i] = TTF_OpenFont(f->paths[ROLE_BOLD][i], 16);
            f->n[ROLE_BOLD]++;
        }
    if (f->n[ROLE_REGULAR] == 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: no usable regular font", fonts_ini);
        kz_fonts_free(&f);
        return -1;
    }
    *out = f;
    return 0;
}

void kz_fonts_free(kz_fonts **pf)
{
    kz_fonts *f = *pf;
    if (!f)
        return;
    for (int r = 0; r < ROLE_COUNT; r++)
        for (int i = 0; i < f->n[r]; i++) {
            free(f->paths[r][i]);
            if (f->probe[r][i])
                TTF_CloseFont(f->probe[r][i]);
        }
    for (int i = 0; i < KZ_FONT_CACHE; i++)
        if (f->cache[i].font)
            TTF_CloseFont(f->cache[i].font);
    free(f);
    *pf = NULL;
}

const char *kz_fonts_path(const kz_fonts *f, const char *role)
{
    int r = role && !strcmp(role, "bold") ? ROLE_BOLD : ROLE_REGULAR;
    return f->n[r] ? f->paths[r][0] : NULL;
}

static TTF_Font *font_at(kz_fonts *f, int role, int idx, int px)
{
    cached *lru = &f->cache[0];
    for (int i = 0; i < KZ_FONT_CACHE; i++) {
        cached *c = &f->cache[i];
        if (c->font && c->role == role && c->idx == idx && c->px == px) {
            c->used = ++f->tick;
            return c->font;
        }
        if (!c->font || c->used < lru->used)
            lru = c;
    }
    if (lru->font)
        TTF_CloseFont(lru->font);
    lru->font = TTF_OpenFont(f->paths[role][idx], px);
    lru->role = role;
    lru->idx = idx;
    lru->px = px;
    lru->used = ++f->tick;
    return lru->font;
}

/* Decode one UTF-8 sequence; invalid bytes give U+FFFD and advance by one. */
static uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0) {
        (*s)++;
        return 0xFFFD;
    }
    c = n ? c & (0x3F >> n) : c;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s += n + 1;
    return c;
}

static int pick_font(kz_fonts *f, int role, uint32_t cp)
{
    for (int i = 0; i < f->n[role]; i++)
        if (f->probe[role][i] && TTF_GlyphIsProvided32(f->probe[role][i], cp))
            return i;
    return -1;
}

uint32_t kz_fonts_missing_glyph(kz_fonts *f, const char *utf8)
{
    const char *s = utf8;
    while (*s) {
        uint32_t cp = utf8_next(&s);
        if (cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x200B)
            continue;
        if (pick_font(f, ROLE_REGULAR, cp) < 0)
            return cp;
    }
    return 0;
}

typedef struct glyph {
    uint32_t cp;
    int font; /* chain index, -1 none */
    int adv;
    const char *at; /* position in the source text */
    int len;        /* bytes */
} glyph;

typedef struct line {
    int first, count, width;
} line;

typedef struct layout {
    glyph *g;
    int ng;
    line *lines;
    int nlines;
    int line_h, px, width;
} layout;

static void layout_free(layout *l)
{
    free(l->g);
    free(l->lines);
    memset(l, 0, sizeof *l);
}

static int do_layout(kz_fonts *f, const char *utf8, int role, int px, int box_w, layout *l)
{
    size_t len = strlen(utf8);
    memset(l, 0, sizeof *l);
    l->g = calloc(len + 1, sizeof *l->g);
    l->lines = calloc(len + 2, sizeof *l->lines);
    if (!l->g || !l->lines)
        return -1;
    l->px = px;
    TTF_Font *base = font_at(f, role, 0, px);
    if (!base)
        return -1;
    l->line_h = TTF_FontLineSkip(base);
    const char *s = utf8;
    line *cur = &l->lines[0];
    l->nlines = 1;
    while (*s) {
        const char *at = s;
        uint32_t cp = utf8_next(&s);
        if (cp == '\r')
            continue;
        if (cp == '\n') {
            cur = &l->lines[l->nlines++];
            cur->first = l->ng;
            continue;
        }
        glyph *g = &l->g[l->ng];
        g->cp = cp;
        g->at = at;
        g->len = (int)(s - at);
        g->font = pick_font(f, role, cp);
        int adv = 0;
        if (g->font >= 0) {
            TTF_Font *ft = font_at(f, role, g->font, px);
            if (ft)
                TTF_GlyphMetrics32(ft, cp, NULL, NULL, NULL, NULL, &adv);
        }
        g->adv = adv;
        if (box_w > 0 && cur->count > 0 && cur->width + adv > box_w) {
            cur = &l->lines[l->nlines++];
            cur->first = l->ng;
        }
        cur->count++;
        cur->width += adv;
        l->ng++;
    }
    for (int i = 0; i < l->nlines; i++)
        if (l->lines[i].width > l->width)
            l->width = l->lines[i].width;
    return 0;
}

SDL_Surface *kz_text_render(kz_fonts *f, const char *utf8, const kz_text_style *st)
{
    int role = st->bold ? ROLE_BOLD : ROLE_REGULAR;
    double spacing = st->line_spacing > 0 ? st->line_spacing : 1.25;
    layout l;
    int px = st->px;
    if (px <= 0) {
        int lo = st->min_px > 0 ? st->min_px : 12, hi = st->box_h > 0 ? st->box_h : 200;
        if (hi < lo)
            hi = lo;
        while (lo < hi) { /* largest size whose layout fits the box */
            int mid = (lo + hi + 1) / 2;
            if (do_layout(f, utf8, role, mid, st->box_w, &l)) {
                layout_free(&l);
                return NULL;
            }
            int h = (int)(l.line_h * spacing * (l.nlines - 1)) + l.line_h;
            int fits = (st->box_h <= 0 || h <= st->box_h) && (st->box_w <= 0 || l.width <= st->box_w);
            layout_free(&l);
            if (fits)
                lo = mid;
            else
                hi = mid - 1;
        }
        px = lo;
    }
    if (do_layout(f, utf8, role, px, st->box_w, &l)) {
        layout_free(&l);
        return NULL;
    }
    int step = (int)(l.line_h * spacing);
    int w = l.width > 0 ? l.width : 1;
    int h = step * (l.nlines - 1) + l.line_h;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out) {
        layout_free(&l);
        return NULL;
    }
    SDL_FillRect(out, NULL, 0);
    SDL_Color col = {st->color.r, st->color.g, st->color.b, st->color.a ? st->color.a : 255};
    for (int li = 0; li < l.nlines; li++) {
        line *ln = &l.lines[li];
        int x = st->align == KZ_ALIGN_CENTER ? (w - ln->width) / 2
                : st->align == KZ_ALIGN_END  ? w - ln->width
                                             : 0;
        int i = ln->first;
        while (i < ln->first + ln->count) {
            int j = i, font = l.g[i].font;
            int bytes = 0, adv = 0;
            while (j < ln->first + ln->count && l.g[j].font == font) {
                bytes += l.g[j].len;
                adv += l.g[j].adv;
                j++;
            }
            if (font >= 0) {
                char *run = strndup(l.g[i].at, (size_t)bytes);
                TTF_Font *ft = font_at(f, role, font, px);
                SDL_Surface *s = run && ft ? TTF_RenderUTF8_Blended(ft, run, col) : NULL;
                if (s) {
                    SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE);
                    SDL_Rect dst = {x, li * step + (l.line_h - s->h) / 2, s->w, s->h};
                    SDL_BlitSurface(s, NULL, out, &dst);
                    SDL_FreeSurface(s);
                }
                free(run);
            }
            x += adv;
            i = j;
        }
    }
    layout_free(&l);
    return out;
}
