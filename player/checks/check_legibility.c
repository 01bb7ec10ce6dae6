/* kizuna check: legibility (docs/accessibility.md, "Legibility").
 *
 * For every item that shows text:
 *   - contrast (WCAG 2) of each text colour against its background: error below 4.5:1,
 *     warning below 7:1 (notice theme and colour keys; ticker, clock, countdown color and
 *     background; the QR caption; the caption box);
 *   - character height: the smallest text the item draws, estimated from its size keys and
 *     its zone, against ISO 9241-303's 16 minutes of arc at [display] viewing_distance_m on a
 *     screen [display] screen_height_m high: warning;
 *   - reading time: a notice language (title and body) or a caption cue holding more text than
 *     can be read while it is shown (legibility.h: 4 Japanese characters a second): warning;
 *   - glyphs: every caption cue is covered by the font chain: error (item keys are checked by
 *     kz_text_check_model, the notice's text files by the plugin's check()).
 * Every line names the key's file:line. */
#include "checks/check_legibility.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "base/params.h"
#include "base/timeutil.h"
#include "checks/checks.h"
#include "checks/legibility.h"
#include "host/plugin_host.h"
#include "screen/captions.h"
#include "screen/player.h"
#include "theme.h"

#define LOG "legibility"
#define PI 3.14159265358979323846

/* ---- pure rules ------------------------------------------------------------------------ */

double kz_char_height_m(int px, int frame_h, double screen_h_m)
{
    if (frame_h <= 0)
        return 0;
    return px * KZ_CAP_HEIGHT_EM / frame_h * screen_h_m;
}

double kz_char_arcmin(double height_m, double distance_m)
{
    if (distance_m <= 0)
        return 0;
    return 2 * atan(height_m / (2 * distance_m)) * 180 / PI * 60;
}

double kz_char_min_height_m(double distance_m)
{
    return 2 * distance_m * tan(KZ_CHAR_MIN_ARCMIN / 60 / 2 * PI / 180);
}

int kz_char_min_px(int frame_h, double screen_h_m, double distance_m)
{
    if (screen_h_m <= 0)
        return 0;
    double em_m = kz_char_min_height_m(distance_m) / KZ_CAP_HEIGHT_EM;
    return (int)ceil(em_m / screen_h_m * frame_h - 1e-9);
}

static void cat(char *out, size_t n, const char *s)
{
    size_t l = strlen(out);
    if (l + 1 < n)
        snprintf(out + l, n - l, "%s", s);
}

void kz_sample_clock(const char *pattern, char *out, size_t n)
{
    out[0] = 0;
    for (const char *p = pattern ? pattern : ""; *p; p++) {
        if (*p != '%' || !p[1]) {
            char c[2] = {*p, 0};
            cat(out, n, c);
            continue;
        }
        p++;
        if (*p == '-' && p[1])
            p++;
        switch (*p) {
        case 'Y': cat(out, n, "2025"); break;
        case 'F': cat(out, n, "2025-12-28"); break;
        case 'R': cat(out, n, "23:58"); break;
        case 'T': cat(out, n, "23:58:58"); break;
        case 'a': cat(out, n, "Wed"); break;
        case 'A': cat(out, n, "Wednesday"); break;
        case 'b': cat(out, n, "Sep"); break;
        case 'B': cat(out, n, "September"); break;
        case 'n': cat(out, n, "\n"); break;
        case '%': cat(out, n, "%"); break;
        case 'J':
            cat(out, n, p[1] == 'A' ? "水曜日" : "水");
            p += p[1] != 0;
            break;
        case 'E':
            cat(out, n, p[1] == 'C' ? "令和" : p[1] == 'y' ? "10" : "令和10年");
            p += p[1] != 0;
            break;
        default: cat(out, n, "28"); break; /* two digits: y m d H M S */
        }
    }
}

void kz_sample_template(const char *tmpl, char *out, size_t n)
{
    out[0] = 0;
    for (const char *p = tmpl ? tmpl : ""; *p; p++) {
        const char *e = *p == '{' ? strchr(p, '}') : NULL;
        if (e && !memchr(p, '|', (size_t)(e - p))) { /* a placeholder, not ruby */
            cat(out, n, "888");
            p = e;
            continue;
        }
        char c[2] = {*p, 0};
        cat(out, n, c);
    }
}

/* ---- context --------------------------------------------------------------------------- */

typedef struct ctx {
    kz_player *p;
    int frame_w, frame_h;
    int min_px;       /* 0: no physical size given */
    int errors, warnings;
} ctx;

static void report(ctx *x, int level, const kz_params *ps, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void report(ctx *x, int level, const kz_params *ps, const char *key, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kz_log(LOG, level, "%s:%d: [%s] %s: %s", ps->file, kz_params_line(ps, key), ps->section,
           key, msg);
    if (level == KZ_LOG_ERROR)
        x->errors++;
    else
        x->warnings++;
}

/* A key's value without marking it used (the plugin reads and validates it). */
static const char *peek(const kz_params *ps, const char *key)
{
    kz_kv *kv = kz_params_find(ps, key);
    return kv ? kv->value : NULL;
}

static int peek_color(const kz_params *ps, const char *key, kz_color *c)
{
    const char *v = peek(ps, key);
    unsigned char rgba[4];
    if (!v || kz_parse_color(v, rgba))
        return 0;
    *c = (kz_color){rgba[0], rgba[1], rgba[2], rgba[3]};
    return 1;
}

static long peek_long(const kz_params *ps, const char *key, long def)
{
    const char *v = peek(ps, key);
    long l;
    return v && !kz_parse_long(v, &l) ? l : def;
}

static double peek_double(const kz_params *ps, const char *key, double def)
{
    const char *v = peek(ps, key);
    double d;
    return v && !kz_parse_double(v, &d) ? d : def;
}

static void hex(kz_color c, char *out)
{
    if (c.a == 255)
        snprintf(out, 12, "#%02x%02x%02x", c.r, c.g, c.b);
    else
        snprintf(out, 12, "#%02x%02x%02x%02x", c.r, c.g, c.b, c.a);
}

/* Grade one colour pair; report on key (the text colour's key if given, else bg_key, else
 * fallback_key). */
static void contrast(ctx *x, const kz_params *ps, const char *what, kz_color text, kz_color bg,
                     kz_color under, const char *text_key, const char *bg_key,
                     const char *fallback_key)
{
    double r = kz_contrast_ratio(text, bg, under);
    int g = kz_contrast_grade(r);
    if (g == KZ_GRADE_OK)
        return;
    const char *key = peek(ps, text_key)            ? text_key
                      : bg_key && peek(ps, bg_key) ? bg_key
                                                   : fallback_key;
    char a[12], b[12];
    hex(text, a);
    hex(bg, b);
    report(x, g == KZ_GRADE_ERROR ? KZ_LOG_ERROR : KZ_LOG_WARN, ps, key,
           "%s %s on %s has a contrast of %.2f:1; %s", what, a, b, floor(r * 100) / 100,
           g == KZ_GRADE_ERROR ? "text needs at least 4.5:1 (WCAG 2, 1.4.3)"
                               : "signage should reach 7:1 (WCAG 2, 1.4.6)");
}

/* The item's zone on the frame: the smallest of the zones of that name over all layouts.
 * 0 when no layout shows it. */
static int item_zone(ctx *x, const kz_item *it, SDL_Rect *r, kz_color *bg)
{
    const kz_model *m = &x->p->model;
    const char *zone = NULL;
    if (it->playlist >= 0 && (size_t)it->playlist < m->n_playlists)
        zone = peek(&m->playlists[it->playlist].params, "zone");
    if (!zone || !*zone)
        zone = "main";
    int found = 0;
    *bg = (kz_color){0, 0, 0, 255};
    const kz_layouts *ls = &x->p->layouts;
    for (int i = 0; i < ls->n; i++)
        for (int k = 0; k < ls->v[i].n_zones; k++) {
            const kz_zone_def *z = &ls->v[i].zones[k];
            if (strcmp(z->name, zone))
                continue;
            SDL_Rect zr;
            kz_zone_rect(z, x->frame_w, x->frame_h, &zr);
            if (!found || zr.h < r->h) {
                *r = zr;
                *bg = kz_color_over(z->background, (kz_color){0, 0, 0, 255});
            }
            found = 1;
        }
    if (!found && !strcmp(zone, "main")) {
        *r = (SDL_Rect){0, 0, x->frame_w, x->frame_h};
        found = 1;
    }
    return found;
}

/* Size check: the smallest text an item draws. */
static void size_check(ctx *x, const kz_params *ps, const char *key, const char *what, int px)
{
    if (!x->min_px || px <= 0 || px >= x->min_px)
        return;
    const kz_config *c = &x->p->cfg;
    double h = kz_char_height_m(px, x->frame_h, c->screen_height_m);
    report(x, KZ_LOG_WARN, ps, key,
           "%s: about %d px, capital letters %.1f mm high on this %.2f m screen, %.1f' of arc "
           "at %.1f m; legible text needs %.0f' (ISO 9241-303): at least %d px, or a viewing "
           "distance under %.1f m", what, px, h * 1000, c->screen_height_m,
           kz_char_arcmin(h, c->viewing_distance_m), c->viewing_distance_m, KZ_CHAR_MIN_ARCMIN,
           x->min_px, h / kz_char_min_height_m(1.0));
}

/* Largest px at which text fits box_w x box_h without wrapping (a probe at 48 px, scaled). */
static int fit_unwrapped(ctx *x, const char *text, int bold, double spacing, int box_w,
                         int box_h, int floor_px)
{
    if (!x->p->fonts || !text || !*text || box_w <= 0 || box_h <= 0)
        return 0;
    kz_text_style st = {.struct_size = sizeof st, .px = 48, .bold = bold,
                        .color = {255, 255, 255, 255}, .line_spacing = spacing};
    SDL_Surface *s = kz_text_render(x->p->fonts, text, &st);
    if (!s)
        return 0;
    double k = fmin((double)box_w / s->w, (double)box_h / s->h);
    SDL_FreeSurface(s);
    int px = (int)(48 * k);
    return px < floor_px ? floor_px : px;
}

static int fit_wrapped(ctx *x, const char *text, int bold, double spacing, int box_w, int box_h,
                       int min_px, int max_px)
{
    if (!x->p->fonts || !text || !*text)
        return 0;
    kz_text_style st = {.struct_size = sizeof st, .px = 0, .min_px = min_px, .max_px = max_px,
                        .bold = bold, .box_w = box_w, .box_h = box_h,
                        .color = {255, 255, 255, 255}, .line_spacing = spacing};
    return kz_text_fit_px(x->p->fonts, text, &st);
}

/* ---- notice ---------------------------------------------------------------------------- */

typedef struct variant {
    char suffix[16];   /* "" for the default language, else ".en" */
    char *title, *body, *footer; /* owned */
    char title_key[40], body_key[40];
} variant;

static char *read_text(ctx *x, const char *rel)
{
    char root[PATH_MAX], joined[PATH_MAX * 2], real[PATH_MAX];
    if (!rel || rel[0] == '/' || !realpath(x->p->cfg.content, root))
        return NULL;
    snprintf(joined, sizeof joined, "%s/%s", root, rel);
    if (!realpath(joined, real) || strncmp(real, root, strlen(root)))
        return NULL;
    /* beneath the content root, no symlink followed; the plugin reports why it cannot */
    int fd = kz_media_open_beneath(root, 0, real);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char *buf = malloc(256 * 1024 + 1);
    size_t n = buf ? fread(buf, 1, 256 * 1024, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

static int add_variant(variant *v, int *nv, const char *suffix)
{
    for (int i = 0; i < *nv; i++)
        if (!strcmp(v[i].suffix, suffix))
            return i;
    if (*nv >= 16)
        return -1;
    memset(&v[*nv], 0, sizeof v[*nv]);
    snprintf(v[*nv].suffix, sizeof v[*nv].suffix, "%s", suffix);
    return (*nv)++;
}

/* The texts of a notice per language, as the plugin gathers them (keys win over text_file). */
static int notice_variants(ctx *x, const kz_params *ps, variant *v)
{
    int nv = 0;
    for (size_t k = 0; k < ps->n; k++) {
        const char *key = ps->kv[k].key, *val = ps->kv[k].value;
        static const char *const bases[] = {"text_file", "title", "body", "footer"};
        for (int b = 0; b < 4; b++) {
            size_t bl = strlen(bases[b]);
            if (strncmp(key, bases[b], bl) || (key[bl] && key[bl] != '.'))
                continue;
            int i = add_variant(v, &nv, key + bl);
            if (i < 0 || !val)
                break;
            variant *w = &v[i];
            if (b == 0) {
                char *t = read_text(x, val);
                if (!t)
                    break;
                char *s = t;
                if (!strncmp(s, "\xEF\xBB\xBF", 3))
                    s += 3;
                while (*s == '\n' || *s == '\r' || *s == ' ')
                    s++;
                char *nl = strchr(s, '\n');
                if (!w->title) {
                    w->title = nl ? strndup(s, (size_t)(nl - s)) : strdup(s);
                    snprintf(w->title_key, sizeof w->title_key, "%s", key);
                }
                if (!w->body && nl) {
                    w->body = strdup(nl + 1);
                    snprintf(w->body_key, sizeof w->body_key, "%s", key);
                }
                free(t);
            } else if (b == 1) {
                free(w->title);
                w->title = strdup(val);
                snprintf(w->title_key, sizeof w->title_key, "%s", key);
            } else if (b == 2) {
                free(w->body);
                w->body = strdup(val);
                snprintf(w->body_key, sizeof w->body_key, "%s", key);
            } else {
                free(w->footer);
                w->footer = strdup(val);
            }
            break;
        }
    }
    /* A language with only a footer is not shown (the plugin says so). */
    int o = 0;
    for (int i = 0; i < nv; i++) {
        if (v[i].title || v[i].body) {
            v[o++] = v[i];
        } else {
            free(v[i].footer);
        }
    }
    return o;
}

static void check_notice(ctx *x, kz_item *it, const SDL_Rect *zr, int has_zone)
{
    const kz_params *ps = &it->params;
    /* Contrast: the theme and its overrides; the background is drawn opaque. */
    int theme = 0;
    const char *tn = peek(ps, "theme");
    if (tn && kz_parse_enum(tn, NOTICE_THEME_CHOICES, &theme))
        theme = 0;
    notice_theme th = notice_themes[theme];
    peek_color(ps, "background", &th.background);
    peek_color(ps, "color", &th.text);
    peek_color(ps, "title_color", &th.title);
    peek_color(ps, "accent", &th.accent);
    th.background.a = 255;
    kz_color black = {0, 0, 0, 255};
    contrast(x, ps, "text colour", th.text, th.background, black, "color", "background", "theme");
    contrast(x, ps, "title colour", th.title, th.background, black, "title_color", "background",
             "theme");

    variant v[16];
    int nv = notice_variants(x, ps, v);
    /* languages = a, b: only those take turns (the bare keys are the `language`, ja). */
    const char *list = peek(ps, "languages");
    if (list && nv) {
        const char *def = peek(ps, "language");
        char buf[256];
        snprintf(buf, sizeof buf, "%s", list);
        int keep[16] = {0};
        for (char *save = NULL, *tok = strtok_r(buf, ", \n", &save); tok;
             tok = strtok_r(NULL, ", \n", &save))
            for (int i = 0; i < nv; i++) {
                const char *code = v[i].suffix[0] ? v[i].suffix + 1 : def ? def : "ja";
                if (!strcasecmp(code, tok))
                    keep[i] = 1;
            }
        int o = 0;
        for (int i = 0; i < nv; i++) {
            if (keep[i]) {
                v[o++] = v[i];
            } else {
                free(v[i].title);
                free(v[i].body);
                free(v[i].footer);
            }
        }
        nv = o;
    }
    if (!nv)
        return;
    /* The accent is text when it names the language on air (else it only draws the rule). */
    int show_langs = nv > 1;
    const char *sl = peek(ps, "show_languages");
    if (sl)
        kz_parse_bool(sl, &show_langs);
    if (show_langs && nv > 1)
        contrast(x, ps, "accent colour (the language on air)", th.accent, th.background, black,
                 "accent", "background", "theme");
    /* Reading time: each language is on screen for its turn, computed as the plugin does
     * (reading.h: language_interval, else the duration shared in proportion to reading
     * time, so that all languages fit when the duration covers what they need together). */
    kz_us interval = 0, d;
    const char *iv = peek(ps, "language_interval");
    if (iv && !kz_duration_parse(iv, &d) && d >= KZ_US_PER_S)
        interval = d;
    double need[16], total = 0;
    kz_us turn[16];
    for (int i = 0; i < nv; i++) {
        need[i] = kz_notice_reading_seconds(v[i].title, v[i].body);
        total += need[i];
    }
    kz_notice_turns(it->duration, interval, nv, need, turn);
    for (int i = 0; i < nv; i++) {
        double shown = turn[i] / 1e6;
        if (need[i] <= shown + 1e-3) /* the turns are cut to the microsecond */
            continue;
        char why[160] = "";
        if (nv > 1 && interval > 0)
            snprintf(why, sizeof why, " (language_interval)");
        else if (nv > 1)
            snprintf(why, sizeof why, " (its share of the %.1f s duration; its %d languages "
                     "need %.1f s together)", it->duration / 1e6, nv, ceil(total * 10) / 10);
        report(x, KZ_LOG_WARN, ps, v[i].body ? v[i].body_key : v[i].title_key,
               "needs about %.0f s to read (4 Japanese characters or 2.7 words a second) "
               "but is shown for %.1f s%s: shorten it, lengthen duration, or show fewer "
               "languages", need[i], shown, why);
    }
    /* Size: the notice's own layout rules (plugins/notice: margins, image, title share, bar). */
    if (has_zone && x->min_px) {
        int w = zr->w, h = zr->h, shorter = w < h ? w : h;
        int m = (int)lround(shorter * peek_double(ps, "margin", 6) / 100.0);
        int cw = w - 2 * m, ch = h - 2 * m, gap = shorter / 40 > 2 ? shorter / 40 : 2;
        int any_footer = 0;
        for (int i = 0; i < nv; i++)
            any_footer |= v[i].footer != NULL;
        int bar_px = h / 32 > 10 ? h / 32 : 10;
        if (show_langs || any_footer)
            ch -= (int)lround(bar_px * 1.25) + gap;
        int tw = cw, th_ = ch;
        if (peek(ps, "image")) {
            int pos = 0;
            const char *ip = peek(ps, "image_position");
            if (ip)
                kz_parse_enum(ip, "right|left|top|bottom", &pos);
            double isz = peek_double(ps, "image_size", 35);
            if (pos <= 1)
                tw = cw - (int)lround(cw * isz / 100.0) - 2 * gap;
            else
                th_ = ch - (int)lround(ch * isz / 100.0) - gap;
        }
        long title_size = peek_long(ps, "title_size", 0), body_size = peek_long(ps, "body_size", 0);
        int title_max = h / 9, body_max = h / 13;
        int title_min = h / 36 > 12 ? h / 36 : 12, body_min = h / 45 > 10 ? h / 45 : 10;
        int smallest = INT_MAX;
        const char *skey = NULL, *swhat = NULL;
        for (int i = 0; i < nv; i++) {
            int tpx = 0;
            if (v[i].title) {
                tpx = title_size > 0 ? (int)title_size
                                     : fit_wrapped(x, v[i].title, 1, 1.2, tw,
                                                   v[i].body ? th_ * 30 / 100 : th_, title_min,
                                                   v[i].body ? title_max : h / 6);
                if (tpx > 0 && tpx < smallest)
                    smallest = tpx, skey = v[i].title_key, swhat = "the title";
            }
            if (v[i].body) {
                int cap = body_max;
                if (tpx > 0 && tpx * 85 / 100 < cap)
                    cap = tpx * 85 / 100 > body_min ? tpx * 85 / 100 : body_min;
                int used = v[i].title ? (int)(tpx * 1.2 * 1.5) + 2 * gap : 0;
                int bpx = body_size > 0 ? (int)body_size
                                        : fit_wrapped(x, v[i].body, 0, 1.45, tw,
                                                      th_ - used > body_min ? th_ - used
                                                                            : body_min,
                                                      body_min, cap);
                if (bpx > 0 && bpx < smallest)
                    smallest = bpx, skey = v[i].body_key, swhat = "the body text";
            }
        }
        if ((show_langs || any_footer) && bar_px < smallest)
            smallest = bar_px, skey = any_footer ? "footer" : "show_languages",
            swhat = any_footer ? "the footer" : "the language names in the bar";
        if (skey && smallest < INT_MAX)
            size_check(x, ps, skey, swhat, smallest);
    }
    for (int i = 0; i < nv; i++) {
        free(v[i].title);
        free(v[i].body);
        free(v[i].footer);
    }
}

/* ---- widgets --------------------------------------------------------------------------- */

static void check_ticker(ctx *x, kz_item *it, const SDL_Rect *zr, int has_zone, kz_color under)
{
    const kz_params *ps = &it->params;
    kz_color fg = {255, 255, 255, 255}, bg = {0, 0, 0, 255};
    peek_color(ps, "color", &fg);
    peek_color(ps, "background", &bg);
    contrast(x, ps, "text colour", fg, bg, under, "color", "background", "plugin");
    if (has_zone) {
        long size = peek_long(ps, "size", 0);
        size_check(x, ps, size > 0 ? "size" : "text", "the ticker's text",
                   size > 0 ? (int)size : zr->h * 6 / 10);
    }
}

/* clock and countdown: text fitted into the zone less a margin, unless size = is given. */
static void fitted_widget(ctx *x, const kz_params *ps, const SDL_Rect *zr, const char *sample,
                          const char *key, const char *what, double spacing)
{
    long size = peek_long(ps, "size", 0), min_size = peek_long(ps, "min_size", 0);
    long margin = peek_long(ps, "margin", -1);
    if (margin < 0)
        margin = (zr->w < zr->h ? zr->w : zr->h) / 20;
    int bold = 1;
    const char *b = peek(ps, "bold");
    if (b)
        kz_parse_bool(b, &bold);
    int px = size > 0 ? (int)size
                      : fit_unwrapped(x, sample, bold, spacing, zr->w - 2 * (int)margin,
                                      zr->h - 2 * (int)margin, min_size > 0 ? (int)min_size : 8);
    size_check(x, ps, size > 0 || !peek(ps, key) ? "size" : key, what, px);
}

static void check_clock(ctx *x, kz_item *it, const SDL_Rect *zr, int has_zone, kz_color under)
{
    const kz_params *ps = &it->params;
    kz_color fg = {255, 255, 255, 255}, bg = {0, 0, 0, 255};
    peek_color(ps, "color", &fg);
    peek_color(ps, "background", &bg);
    contrast(x, ps, "text colour", fg, bg, under, "color", "background", "plugin");
    static const char *const styles[] = {"%EY%-m月%-d日(%Ja) %H:%M", "%Y年%-m月%-d日(%Ja) %H:%M",
                                         "%H:%M", "%H:%M:%S", "%Y-%m-%d %H:%M"};
    int style = 0;
    const char *sv = peek(ps, "style");
    if (sv && kz_parse_enum(sv, "era|date-ja|time|seconds|iso", &style))
        style = 0;
    const char *fmt = peek(ps, "format");
    char sample[512];
    kz_sample_clock(fmt ? fmt : styles[style], sample, sizeof sample);
    if (has_zone)
        fitted_widget(x, ps, zr, sample, fmt ? "format" : "plugin", "the clock's text", 0);
}

static void check_countdown(ctx *x, kz_item *it, const SDL_Rect *zr, int has_zone,
                            kz_color under)
{
    const kz_params *ps = &it->params;
    kz_color fg = {255, 255, 255, 255}, bg = {0, 0, 0, 255};
    peek_color(ps, "color", &fg);
    peek_color(ps, "background", &bg);
    contrast(x, ps, "text colour", fg, bg, under, "color", "background", "plugin");
    static const char *const keys[4] = {"before", "today", "during", "after"};
    static const char *const defaults[4] = {"あと{days}日", "本日{h}時{mm}分から",
                                            "ただいま開催中", NULL};
    double spacing = peek_double(ps, "line_spacing", 0);
    for (int i = 0; i < 4; i++) {
        const char *t = peek(ps, keys[i]);
        if (!t)
            t = defaults[i];
        if (!t || !*t)
            continue;
        char sample[2048];
        kz_sample_template(t, sample, sizeof sample);
        if (has_zone)
            fitted_widget(x, ps, zr, sample, peek(ps, keys[i]) ? keys[i] : "plugin",
                          "the countdown's text", spacing);
    }
}

static void check_qr(ctx *x, kz_item *it, const SDL_Rect *zr, int has_zone)
{
    const kz_params *ps = &it->params;
    const char *cap = peek(ps, "caption");
    if (!cap || !*cap)
        return;
    kz_color dark = {0, 0, 0, 255}, light = {255, 255, 255, 255}, cc;
    peek_color(ps, "color", &dark);
    peek_color(ps, "background", &light);
    cc = dark;
    peek_color(ps, "caption_color", &cc);
    contrast(x, ps, "caption colour", cc, light, light, "caption_color", "background", "caption");
    if (has_zone) {
        long size = peek_long(ps, "caption_size", 0);
        size_check(x, ps, size > 0 ? "caption_size" : "caption", "the QR code's caption",
                   size > 0 ? (int)size : zr->h / 14);
    }
}

/* ---- captions -------------------------------------------------------------------------- */

static void check_captions(ctx *x, kz_item *it, const SDL_Rect *zr, int has_zone)
{
    kz_captions *c = it->captions;
    const kz_params *ps = &it->params;
    const char *key = peek(ps, "captions") ? "captions" : "file";
    /* The box: white text on black at KZ_CAPTION_BOX_ALPHA, over the brightest picture. */
    kz_color white = {255, 255, 255, 255}, box = {0, 0, 0, KZ_CAPTION_BOX_ALPHA};
    contrast(x, ps, "caption text on its box", white, box, white, "captions", NULL, key);
    int mx = zr->w * KZ_CAPTION_MARGIN_PCT / 100, px_max = kz_caption_px(zr->h);
    int box_w = zr->w - 2 * mx - px_max;
    int box_h = (int)(px_max * 1.25 * 2 + px_max * 0.6) + 1;
    int smallest = INT_MAX;
    for (int l = 0; l < c->n_langs; l++) {
        const kz_cue_list *cl = &c->langs[l];
        const char *name = strrchr(cl->path, '/') ? strrchr(cl->path, '/') + 1 : cl->path;
        int fast = 0, missing = 0;
        double worst = 0;
        kz_us worst_at = 0;
        for (size_t i = 0; i < cl->n; i++) {
            const kz_cue *q = &cl->cues[i];
            uint32_t cp = x->p->fonts ? kz_fonts_missing_glyph(x->p->fonts, q->text) : 0;
            if (cp && !missing++)
                report(x, KZ_LOG_ERROR, ps, key, "%s: the cue at %.3f s has U+%04X, which no "
                       "font of the chain has", name, q->start / 1e6, (unsigned)cp);
            char plain[4096];
            kz_text_plain(q->text, plain, sizeof plain);
            double need = kz_reading_seconds(plain, NULL), shown = (q->end - q->start) / 1e6;
            if (need > shown + 1e-9) {
                fast++;
                if (need / shown > worst)
                    worst = need / shown, worst_at = q->start;
            }
            if (has_zone && x->min_px) {
                int px = fit_wrapped(x, q->text, 0, 1.25, box_w, box_h, KZ_CAPTION_MIN_PX,
                                     px_max);
                if (px > 0 && px < smallest)
                    smallest = px;
            }
        }
        if (missing > 1)
            report(x, KZ_LOG_ERROR, ps, key, "%s: %d more cues have characters no font has",
                   name, missing - 1);
        if (fast)
            report(x, KZ_LOG_WARN, ps, key, "%s: %d of %zu cues hold more text than can be read "
                   "while shown (4 Japanese characters a second); the worst, at %.3f s, needs "
                   "%.1f times its time", name, fast, cl->n, worst_at / 1e6, worst);
    }
    if (smallest < INT_MAX)
        size_check(x, ps, key, "the captions", smallest);
}

/* ---- the check ------------------------------------------------------------------------- */

int kz_check_legibility(struct kz_player *p)
{
    ctx x = {.p = p};
    const kz_config *c = &p->cfg;
    int rot = c->rotation == 90 || c->rotation == 270;
    if (c->width > 0 && c->height > 0) {
        x.frame_w = rot ? c->height : c->width;
        x.frame_h = rot ? c->width : c->height;
    } else {
        x.frame_w = rot ? KZ_ASSUMED_FRAME_H : KZ_ASSUMED_FRAME_H * 16 / 9;
        x.frame_h = rot ? KZ_ASSUMED_FRAME_H * 16 / 9 : KZ_ASSUMED_FRAME_H;
    }
    if (c->screen_height_m > 0 && c->viewing_distance_m > 0) {
        x.min_px = kz_char_min_px(x.frame_h, c->screen_height_m, c->viewing_distance_m);
        kz_log(LOG, KZ_LOG_INFO, "character height: a %.2f m high screen read from %.1f m: "
               "text needs %.0f' of arc, capital letters %.1f mm, at least %d px on a %d px "
               "high frame", c->screen_height_m, c->viewing_distance_m, KZ_CHAR_MIN_ARCMIN,
               kz_char_min_height_m(c->viewing_distance_m) * 1000, x.min_px, x.frame_h);
    } else {
        kz_log(LOG, KZ_LOG_INFO, "%s: no [display] screen_height_m and viewing_distance_m: the "
               "character-height check is skipped", c->path);
    }
    kz_model *m = &p->model;
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        if (!it->plugin)
            continue;
        SDL_Rect zr = {0, 0, x.frame_w, x.frame_h};
        kz_color zbg;
        int has_zone = item_zone(&x, it, &zr, &zbg);
        if (!strcmp(it->plugin, "notice"))
            check_notice(&x, it, &zr, has_zone);
        else if (!strcmp(it->plugin, "ticker"))
            check_ticker(&x, it, &zr, has_zone, zbg);
        else if (!strcmp(it->plugin, "clock"))
            check_clock(&x, it, &zr, has_zone, zbg);
        else if (!strcmp(it->plugin, "countdown"))
            check_countdown(&x, it, &zr, has_zone, zbg);
        else if (!strcmp(it->plugin, "qr"))
            check_qr(&x, it, &zr, has_zone);
        if (it->captions)
            check_captions(&x, it, &zr, has_zone);
    }
    kz_log(LOG, KZ_LOG_INFO, "legibility: %d errors, %d warnings", x.errors, x.warnings);
    return x.errors;
}
