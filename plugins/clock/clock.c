/* clock: the date and time in the player's zone, drawn with the shared text engine.
 *
 * The instant drawn is item_start + t (never a clock reading). The string is formatted at
 * most once per second of the timeline and re-rasterised only when it changes, i.e. once a
 * minute (or once a second when the pattern shows seconds). The font size is chosen once per
 * zone size from the widest strings the pattern can produce, so the text does not change
 * size as digits change. Keys: docs/plugins.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/plugin.h"
#include "textbox.h"
#include "wallclock.h"

#define TEXT_MAX 512

typedef struct clock_inst {
    kz_host *host;          /* borrowed, valid until destroy */
    char pattern[TEXT_MAX]; /* owned copy of the pattern */
    kzw_text_keys k;        /* color, background, size (0 = fit), min_size, margin, ... */
    /* Prepared state (release() frees it). */
    SDL_Texture *tex;       /* owned: the current string */
    int tex_w, tex_h;
    char shown[TEXT_MAX];   /* the string in tex */
    int64_t shown_sec;      /* timeline second last formatted (INT64_MIN: none) */
    int fit_w, fit_h, fit_px; /* zone size the font size was chosen for, and that size */
} clock_inst;

static const char *const styles = "era|date-ja|time|seconds|iso";
static const char *const style_patterns[] = {
    "%EY%-m月%-d日(%Ja) %H:%M", /* 令和7年2月1日(土) 10:30 */
    "%Y年%-m月%-d日(%Ja) %H:%M", /* 2025年2月1日(土) 10:30 */
    "%H:%M",
    "%H:%M:%S",
    "%Y-%m-%d %H:%M",
};

static int clock_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    clock_inst *c = calloc(1, sizeof *c);
    if (!c)
        return KZ_ERR_NOMEM;
    c->host = host;
    c->shown_sec = INT64_MIN;
    int style = 0, bad = 0;
    bad |= api->param_enum(host, "style", styles, &style);
    const char *fmt = api->param(host, "format");
    if (!fmt)
        fmt = style_patterns[style];
    const char *where = NULL;
    if (!*fmt) {
        api->param_error(host, "format", "empty pattern");
        bad = 1;
    } else if (strlen(fmt) >= sizeof c->pattern) {
        api->param_error(host, "format", "pattern longer than %zu bytes", sizeof c->pattern - 1);
        bad = 1;
    } else if (kzw_format_check(fmt, &where, NULL) < 0) {
        api->param_error(host, "format", "unknown conversion \"%.3s\" (see docs/plugins.md)",
                         where);
        bad = 1;
    } else {
        snprintf(c->pattern, sizeof c->pattern, "%s", fmt);
    }
    bad |= kzw_text_keys_read(host, &c->k);
    if (bad) {
        free(c);
        return KZ_ERR;
    }
    *out = c;
    return KZ_OK;
}

static int clock_prepare(kz_instance *inst, SDL_Renderer *renderer)
{
    /* Nothing to do ahead of time: the string depends on the instant and the font size on
     * the zone, both known at the first render (one small rasterisation). */
    (void)inst;
    (void)renderer;
    return KZ_OK;
}

static void clock_release(kz_instance *inst)
{
    clock_inst *c = inst;
    if (c->tex)
        SDL_DestroyTexture(c->tex);
    c->tex = NULL;
    c->shown[0] = 0;
    c->shown_sec = INT64_MIN;
    c->fit_w = c->fit_h = c->fit_px = 0;
}

static void clock_destroy(kz_instance **inst)
{
    if (!inst || !*inst)
        return;
    clock_release(*inst);
    free(*inst);
    *inst = NULL;
}

/* Measure utf8 at px (rasterises once; the clock does this only when the zone changes). */
static int measure(clock_inst *c, SDL_Renderer *r, const char *utf8, int px, int *w, int *h)
{
    kz_text_style s = kzw_text_style(&c->k, px);
    SDL_Texture *t = kz_api(c->host)->text_texture(c->host, r, utf8, &s, w, h);
    if (!t)
        return -1;
    SDL_DestroyTexture(t);
    return 0;
}

/* The font size for a box: the largest at which the widest strings of the pattern fit,
 * found by scaling (text size is close to linear in px) and checking. */
static int fit_size(clock_inst *c, SDL_Renderer *r, const struct tm *now, int box_w, int box_h)
{
    if (c->k.size > 0)
        return (int)c->k.size;
    /* Two-digit month and day, the longest English weekday and month names; this year and
     * the next (an era year may gain a digit at new year while the size is kept). */
    struct tm samples[2] = {*now, *now};
    samples[0].tm_mon = 11, samples[0].tm_mday = 28, samples[0].tm_wday = 3;
    samples[1].tm_mon = 8, samples[1].tm_mday = 28, samples[1].tm_wday = 3;
    samples[1].tm_year += 1;
    for (int i = 0; i < 2; i++)
        samples[i].tm_hour = 23, samples[i].tm_min = 58, samples[i].tm_sec = 58;
    int floor_px = c->k.min_size > 0 ? (int)c->k.min_size : 8;
    /* Measure the samples at a small size, scale the narrowest fit to the box (text size is
     * close to linear in px), then check that one at full size and shrink if rounding made it
     * too big: usually three rasterisations, one of them at the final size. */
    char text[2][TEXT_MAX];
    double k = 1e9;
    int widest = 0;
    const int probe = 48;
    for (int i = 0; i < 2; i++) {
        int w, h;
        if (kzw_format(c->pattern, &samples[i], text[i], sizeof text[i]) < 0 ||
            measure(c, r, text[i], probe, &w, &h) < 0)
            return -1;
        double ki = (double)box_w / w < (double)box_h / h ? (double)box_w / w
                                                             : (double)box_h / h;
        if (ki < k)
            k = ki, widest = i;
    }
    int px = (int)(probe * k);
    for (int iter = 0; iter < 4 && px > floor_px; iter++) {
        int w, h;
        if (measure(c, r, text[widest], px, &w, &h) < 0)
            return -1;
        if (w <= box_w && h <= box_h)
            break;
        double kk = (double)box_w / w < (double)box_h / h ? (double)box_w / w
                                                            : (double)box_h / h;
        int npx = (int)(px * kk);
        px = npx < px ? npx : px - 1;
    }
    return px < floor_px ? floor_px : px;
}

static int clock_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    clock_inst *c = inst;
    const kz_host_api *api = kz_api(c->host);
    kz_us now = api->item_start(c->host) + t;
    int64_t sec = now / KZ_US_PER_S - (now % KZ_US_PER_S < 0);
    int box_w, box_h;
    int margin = kzw_text_box(&c->k, rect, &box_w, &box_h);
    int resized = rect->w != c->fit_w || rect->h != c->fit_h;
    if (sec != c->shown_sec || resized) {
        struct tm tm;
        char text[TEXT_MAX];
        kzw_local_tm(now, &tm);
        if (kzw_format(c->pattern, &tm, text, sizeof text) < 0)
            return KZ_ERR; /* cannot happen: checked in create */
        c->shown_sec = sec;
        if (resized) {
            int px = fit_size(c, r, &tm, box_w, box_h);
            if (px < 0)
                return KZ_ERR;
            c->fit_w = rect->w, c->fit_h = rect->h, c->fit_px = px;
        }
        if (resized || strcmp(text, c->shown) != 0) {
            kz_text_style s = kzw_text_style(&c->k, c->fit_px);
            SDL_Texture *nt = NULL;
            if (text[0]) {
                nt = api->text_texture(c->host, r, text, &s, &c->tex_w, &c->tex_h);
                if (!nt)
                    return KZ_ERR;
                SDL_SetTextureBlendMode(nt, SDL_BLENDMODE_BLEND);
            }
            if (c->tex)
                SDL_DestroyTexture(c->tex);
            c->tex = nt;
            snprintf(c->shown, sizeof c->shown, "%s", text);
        }
    }
    kzw_draw_textbox(r, rect, c->k.background, c->tex, c->tex_w, c->tex_h, c->k.align, margin);
    return KZ_OK;
}

/* The text shows whole seconds at the finest, and every conversion but the seconds changes
 * only on a minute boundary (time zone offsets are whole minutes): the picture stays until
 * the next second when the text then differs, else until the next minute. */
static kz_us clock_next_change(kz_instance *inst, kz_us t)
{
    clock_inst *c = inst;
    kz_us now = kz_api(c->host)->item_start(c->host) + t;
    int64_t sec = now / KZ_US_PER_S - (now % KZ_US_PER_S < 0);
    kz_us next_sec = (sec + 1) * KZ_US_PER_S;
    int64_t min = sec / 60 - (sec % 60 < 0);
    kz_us next_min = (min + 1) * 60 * KZ_US_PER_S;
    struct tm a, b;
    char ta[TEXT_MAX], tb[TEXT_MAX];
    kzw_local_tm(sec * KZ_US_PER_S, &a);
    kzw_local_tm(next_sec, &b);
    if (kzw_format(c->pattern, &a, ta, sizeof ta) < 0 ||
        kzw_format(c->pattern, &b, tb, sizeof tb) < 0 || strcmp(ta, tb) != 0)
        return t + (next_sec - now);
    return t + (next_min - now);
}

/* The keys, for `kizuna help clock`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key clock_keys[] = {
    {"style", "era|date-ja|time|seconds|iso", "era", "date-ja",
     "a ready-made pattern: era 令和7年2月1日(土) 10:30, date-ja 2025年2月1日(土) 10:30, "
     "time 10:30, seconds 10:30:00, iso 2025-02-01 10:30"},
    {"format", "pattern (%Y %m %d %H %M %S %Ja %EY ...)", "", "%-m月%-d日 %H:%M",
     "a pattern of your own, overriding style (conversions: docs/plugins.md)"},
    KZW_TEXT_KEY_TABLE,
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin clock_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "clock",
    .version = "1.0",
    .description = "date and time in the player's zone (strftime-like or Japanese era format)",
    .create = clock_create,
    .prepare = clock_prepare,
    .render = clock_render,
    .release = clock_release,
    .destroy = clock_destroy,
    .next_change = clock_next_change,
    .keys = clock_keys,
};

KZ_PLUGIN_EXPORT(clock_plugin)
