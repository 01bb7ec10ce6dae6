/* countdown: text that counts down to an event, then says it is on, then (optionally) that it
 * is over; after that the item returns KZ_FINISHED. The instant drawn is item_start + t.
 * The text is re-expanded at most once per timeline second and re-rasterised only when it
 * changes. Keys: docs/plugins.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/plugin.h"
#include "phase.h"
#include "textbox.h"

#define TEXT_MAX 1024

static const char *const phase_keys[4] = {"before", "today", "during", "after"};
static const char *const phase_defaults[4] = {"あと{days}日", "本日{h}時{mm}分から",
                                              "ただいま開催中", NULL};

typedef struct cd_inst {
    kz_host *host; /* borrowed, valid until destroy */
    kzw_countdown cd;
    const char *tmpl[4]; /* borrowed from the host (or static defaults); NULL: no such phase */
    kzw_text_keys k;     /* color, background, size (0 = fit), min_size, margin, ... */
    double line_spacing;
    /* Prepared state. */
    SDL_Texture *tex; /* owned */
    int tex_w, tex_h;
    char shown[TEXT_MAX];
    int64_t shown_sec;
    int shown_w, shown_h; /* zone size tex was laid out for */
    int fit_px[4];        /* font size chosen per phase for this zone (0: not yet) */
} cd_inst;

static int instant_param(kz_host *host, const char *key, int required, kzw_us *out)
{
    const kz_host_api *api = kz_api(host);
    const char *v = api->param(host, key);
    if (!v) {
        if (required) {
            api->param_error(host, key, "missing: the event's time, ISO 8601 with an offset, "
                                        "e.g. 2025-01-27T15:10+09:00");
            return KZ_ERR;
        }
        return KZ_OK;
    }
    if (kzw_iso_parse(v, out) < 0) {
        api->param_error(host, key, "\"%s\" is not an ISO 8601 time "
                                    "(e.g. 2025-01-27T15:10+09:00)", v);
        return KZ_ERR;
    }
    return KZ_OK;
}

static int cd_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    cd_inst *c = calloc(1, sizeof *c);
    if (!c)
        return KZ_ERR_NOMEM;
    int bad = 0;
    c->host = host;
    c->cd.end = KZW_CD_NONE;
    c->cd.after_until = KZW_CD_NONE;
    c->shown_sec = INT64_MIN;
    bad |= instant_param(host, "target", 1, &c->cd.target);
    bad |= instant_param(host, "end", 0, &c->cd.end);
    kzw_us after_until = KZW_CD_NONE;
    bad |= instant_param(host, "after_until", 0, &after_until);
    if (!bad && c->cd.end != KZW_CD_NONE && c->cd.end <= c->cd.target) {
        api->param_error(host, "end", "must be later than target");
        bad = 1;
    }
    for (int i = 0; i < 4; i++) {
        const char *v = api->param(host, phase_keys[i]);
        c->tmpl[i] = v ? v : phase_defaults[i];
        if (!c->tmpl[i])
            continue;
        const char *where = NULL;
        size_t wlen = 0;
        if (kzw_countdown_check(c->tmpl[i], c->cd.end != KZW_CD_NONE, &where, &wlen, NULL) < 0) {
            api->param_error(host, phase_keys[i], "unknown placeholder \"%.*s\"%s", (int)wlen,
                             where, c->cd.end == KZW_CD_NONE && strncmp(where, "{end_", 5) == 0
                                        ? " (end_* needs an end =)"
                                        : " (see docs/plugins.md)");
            bad = 1;
        }
    }
    if (api->param(host, "today") && !*api->param(host, "today"))
        c->tmpl[1] = NULL; /* "today =" empty: the day itself uses the before text */
    c->cd.has_today = c->tmpl[1] != NULL;
    if (c->tmpl[3]) {
        kzw_us over = c->cd.end != KZW_CD_NONE ? c->cd.end : c->cd.target;
        c->cd.after_until = after_until != KZW_CD_NONE ? after_until
                                                        : kzw_local_next_midnight(over);
        if (!bad && c->cd.after_until <= over) {
            api->param_error(host, "after_until", "must be later than %s: the after text "
                             "would never show", c->cd.end != KZW_CD_NONE ? "end" : "target");
            bad = 1;
        }
    } else if (after_until != KZW_CD_NONE) {
        api->param_error(host, "after_until", "has no effect without an after = text");
    }
    bad |= kzw_text_keys_read(host, &c->k);
    bad |= api->param_double(host, "line_spacing", 0.8, 4.0, &c->line_spacing);
    if (bad) {
        free(c);
        return KZ_ERR;
    }
    *out = c;
    return KZ_OK;
}

static int cd_prepare(kz_instance *inst, SDL_Renderer *renderer)
{
    /* The text depends on the instant and the layout on the zone: both known at the first
     * render, which rasterises once. */
    (void)inst;
    (void)renderer;
    return KZ_OK;
}

static void cd_release(kz_instance *inst)
{
    cd_inst *c = inst;
    if (c->tex)
        SDL_DestroyTexture(c->tex);
    c->tex = NULL;
    c->shown[0] = 0;
    c->shown_sec = INT64_MIN;
    c->shown_w = c->shown_h = 0;
    memset(c->fit_px, 0, sizeof c->fit_px);
}

static void cd_destroy(kz_instance **inst)
{
    if (!inst || !*inst)
        return;
    cd_release(*inst);
    free(*inst);
    *inst = NULL;
}

/* Rasterise text wrapped at box_w at px; NULL on failure (logged by the host). */
static SDL_Texture *raster(cd_inst *c, SDL_Renderer *r, const char *text, int px, int box_w,
                           int *w, int *h)
{
    kz_text_style s = kzw_text_style(&c->k, px);
    s.box_w = box_w;
    s.line_spacing = c->line_spacing;
    return kz_api(c->host)->text_texture(c->host, r, text, &s, w, h);
}

/* The largest font size at which text fits the box, wrapped (a search over a few sizes around
 * an estimate from one small measurement). Returns the texture at that size (the caller owns
 * it) and stores the size in *px_out; NULL on failure. */
static SDL_Texture *fit(cd_inst *c, SDL_Renderer *r, const char *text, int box_w, int box_h,
                        int *px_out)
{
    int floor_px = c->k.min_size > 0 ? (int)c->k.min_size : 12;
    const int probe = 48;
    int w, h;
    SDL_Texture *t = raster(c, r, text, probe, 0, &w, &h); /* unwrapped */
    if (!t)
        return NULL;
    SDL_DestroyTexture(t);
    /* Unwrapped, the text fits up to min(box_w / w, box_h / h) x probe; wrapped, its area
     * (w x h, growing with the square of the size) must fit the box's area. */
    double k_area = sqrt((double)box_w * box_h / ((double)w * h));
    int hi = box_h;
    /* Wrapped, the text's area grows with the square of the size: guess from the area, then
     * correct from each measurement, keeping the largest size that fits and the smallest that
     * does not, until they are within 2 %: about five rasterisations, once per phase and
     * zone. */
    SDL_Texture *best = NULL;
    int good = 0, bad = hi + 1, bw = 0, bh = 0;
    int px = (int)(probe * k_area * 0.97);
    for (int iter = 0; iter < 10; iter++) {
        if (px < floor_px)
            px = floor_px;
        if (px > hi)
            px = hi;
        t = raster(c, r, text, px, box_w, &w, &h);
        if (!t)
            break;
        int fits = w <= box_w && h <= box_h;
        if (fits) {
            if (best)
                SDL_DestroyTexture(best);
            best = t, good = px, bw = w, bh = h;
        } else {
            SDL_DestroyTexture(t);
            bad = px;
        }
        if ((good && bad - good <= 1 + good / 50) || (!good && px == floor_px))
            break;
        double k = sqrt((double)box_h / h);
        if (w > box_w && (double)box_w / w < k)
            k = (double)box_w / w;
        int next;
        if (!good) /* too big so far: undershoot a little, to get a size that fits */
            next = (int)(px * k * 0.95) < px - 1 ? (int)(px * k * 0.95) : px - 1;
        else if (bad > hi) /* fits so far: grow by the measured margin */
            next = (int)(px * k) > good ? (int)(px * k) : good + 1;
        else /* bracketed: halve the interval */
            next = (good + bad) / 2;
        px = next;
    }
    if (!best) { /* not even the floor fits: show it at the floor anyway */
        best = raster(c, r, text, floor_px, box_w, &bw, &bh);
        good = floor_px;
    }
    *px_out = good;
    c->tex_w = bw;
    c->tex_h = bh;
    return best;
}

/* Lay out text for a phase: at the size chosen for the phase's first text in this zone, so the
 * size stays put as numbers change; chosen again only if a text no longer fits. */
static SDL_Texture *layout(cd_inst *c, SDL_Renderer *r, int phase, const char *text, int box_w,
                           int box_h)
{
    if (c->k.size > 0)
        return raster(c, r, text, (int)c->k.size, box_w, &c->tex_w, &c->tex_h);
    if (c->fit_px[phase] > 0) {
        SDL_Texture *t = raster(c, r, text, c->fit_px[phase], box_w, &c->tex_w, &c->tex_h);
        if (!t || (c->tex_w <= box_w && c->tex_h <= box_h))
            return t;
        SDL_DestroyTexture(t);
    }
    return fit(c, r, text, box_w, box_h, &c->fit_px[phase]);
}

static int cd_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    cd_inst *c = inst;
    const kz_host_api *api = kz_api(c->host);
    kz_us now = api->item_start(c->host) + t;
    int phase = kzw_countdown_phase(&c->cd, now);
    if (phase == KZW_CD_FINISHED)
        return KZ_FINISHED;
    int box_w, box_h;
    int margin = kzw_text_box(&c->k, rect, &box_w, &box_h);
    int64_t sec = now / KZ_US_PER_S - (now % KZ_US_PER_S < 0);
    int resized = rect->w != c->shown_w || rect->h != c->shown_h;
    if (sec != c->shown_sec || resized) {
        char text[TEXT_MAX];
        const char *tmpl = c->tmpl[phase];
        if (kzw_countdown_expand(tmpl, &c->cd, now, text, sizeof text) < 0)
            return KZ_ERR; /* cannot happen: checked in create */
        c->shown_sec = sec;
        if (resized || strcmp(text, c->shown) != 0) {
            if (resized)
                memset(c->fit_px, 0, sizeof c->fit_px);
            SDL_Texture *nt = NULL;
            if (text[0]) { /* an empty template shows only the background */
                nt = layout(c, r, phase, text, box_w, box_h);
                if (!nt)
                    return KZ_ERR;
                SDL_SetTextureBlendMode(nt, SDL_BLENDMODE_BLEND);
            }
            if (c->tex)
                SDL_DestroyTexture(c->tex);
            c->tex = nt;
            c->shown_w = rect->w;
            c->shown_h = rect->h;
            snprintf(c->shown, sizeof c->shown, "%s", text);
        }
    }
    kzw_draw_textbox(r, rect, c->k.background, c->tex, c->tex_w, c->tex_h, c->k.align, margin);
    return KZ_OK;
}

/* The text is expanded once per whole second of the timeline, and apart from {left_s} and
 * the phase it changes only on a local minute boundary ({days}, a new phase day), on the
 * event's instants (target, end, after_until) or when the time left to one of them crosses a
 * whole minute ({left_m}, {left_h}). The picture stays until the earliest of those, or only
 * until the next second when the text then differs. */
static kz_us cd_next_change(kz_instance *inst, kz_us t)
{
    cd_inst *c = inst;
    kz_us now = kz_api(c->host)->item_start(c->host) + t;
    int phase = kzw_countdown_phase(&c->cd, now);
    if (phase == KZW_CD_FINISHED)
        return KZ_CHANGE_NEVER; /* the host shows the standby until the slot ends */
    int64_t sec = now / KZ_US_PER_S - (now % KZ_US_PER_S < 0);
    kz_us ns = (sec + 1) * KZ_US_PER_S;
    char a[TEXT_MAX], b[TEXT_MAX];
    int pn = kzw_countdown_phase(&c->cd, ns);
    if (pn != phase || pn == KZW_CD_FINISHED ||
        kzw_countdown_expand(c->tmpl[phase], &c->cd, sec * KZ_US_PER_S, a, sizeof a) < 0 ||
        kzw_countdown_expand(c->tmpl[pn], &c->cd, ns, b, sizeof b) < 0 || strcmp(a, b) != 0)
        return t + (ns - now);
    int64_t min = sec / 60 - (sec % 60 < 0);
    kz_us best = (min + 1) * 60 * KZ_US_PER_S;
    const kzw_us marks[3] = {c->cd.target, c->cd.end, c->cd.after_until};
    for (int i = 0; i < 3; i++) {
        kzw_us x = marks[i];
        if (x == KZW_CD_NONE)
            continue;
        if (x > now && x < best)
            best = x;
        if (x >= ns) { /* the next instant x - k min at or after ns */
            kz_us y = x - ((x - ns) / (60 * KZ_US_PER_S)) * 60 * KZ_US_PER_S;
            if (y < best)
                best = y;
        }
    }
    return t + (best - now);
}

/* The keys, for `kizuna help countdown`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key countdown_keys[] = {
    {"target", "ISO 8601 time", "required", "2025-01-27T15:10+09:00",
     "the event's start (without an offset: the player's zone)"},
    {"end", "ISO 8601 time", "", "2025-01-27T15:30+09:00",
     "the event's end, later than target; without it there is no during phase"},
    {"before", "text with {days} {h} {mm} ... placeholders", "あと{days}日",
     "除幕式まであと{days}日", "text before the target's local day"},
    {"today", "text with placeholders", "本日{h}時{mm}分から", "本日{h}時{mm}分から",
     "text on the target's day, before the target; empty: the before text"},
    {"during", "text with placeholders", "ただいま開催中", "ただいま開催中",
     "text from target to end"},
    {"after", "text with placeholders", "", "除幕式は終了しました",
     "text once the event is over; without it the item finishes at the end"},
    {"after_until", "ISO 8601 time", "the next local midnight after the end",
     "2025-01-28T00:00+09:00", "when the after text stops and the item finishes"},
    KZW_TEXT_KEY_TABLE,
    {"line_spacing", "number 0.8-4", "1.25", "1.4", "multiple of the font height"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin countdown_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "countdown",
    .version = "1.0",
    .description = "countdown to an event with before / today / during / after texts",
    .create = cd_create,
    .prepare = cd_prepare,
    .render = cd_render,
    .release = cd_release,
    .destroy = cd_destroy,
    .next_change = cd_next_change,
    .keys = countdown_keys,
};

KZ_PLUGIN_EXPORT(countdown_plugin)
