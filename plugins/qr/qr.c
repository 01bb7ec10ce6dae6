/* qr: a QR code (libqrencode) with an optional caption under it.
 *
 * The code is encoded in create() (so `kizuna check` reports text too long for a QR code)
 * and drawn at a whole number of screen pixels per module into one texture per zone size:
 * crisp module edges, no scaling at draw time. The quiet zone (4 modules by default) is part
 * of the drawn square. At the first render in a zone the plugin checks that a module is large
 * enough to scan (qrfit.c, docs/plugins.md) and reports a zone that is too small with
 * param_error. Keys: docs/plugins.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "kizuna/plugin.h"
#include "qrfit.h"

typedef struct qr_inst {
    kz_host *host; /* borrowed, valid until destroy */
    QRcode *code;  /* owned (QRcode_free) */
    const char *caption; /* borrowed from the host; NULL: none */
    kz_color dark, light, caption_color;
    long quiet, min_module, caption_size;
    double pitch_mm, distance_m;
    /* Prepared state, per zone size. */
    SDL_Texture *code_tex;    /* owned */
    SDL_Texture *caption_tex; /* owned */
    int cap_w, cap_h;
    int made_w, made_h;
    kzw_qr_layout lay;
} qr_inst;

static double luminance(kz_color c)
{
    /* Relative luminance (sRGB, WCAG), enough to tell dark from light. */
    double ch[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
    for (int i = 0; i < 3; i++)
        ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static int qr_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    qr_inst *q = calloc(1, sizeof *q);
    if (!q)
        return KZ_ERR_NOMEM;
    int bad = 0, level = 1;
    long version = 0;
    q->host = host;
    q->dark = (kz_color){0, 0, 0, 255};
    q->light = (kz_color){255, 255, 255, 255};
    q->quiet = 4;
    q->min_module = 4;
    bad |= api->param_enum(host, "level", "L|M|Q|H", &level);
    bad |= api->param_int(host, "version", 0, 40, &version);
    bad |= api->param_int(host, "quiet_zone", 4, 40, &q->quiet);
    bad |= api->param_int(host, "min_module", 1, 100, &q->min_module);
    bad |= api->param_double(host, "pixel_pitch", 0.01, 50, &q->pitch_mm);
    bad |= api->param_double(host, "viewing_distance", 0.1, 200, &q->distance_m);
    bad |= api->param_color(host, "color", &q->dark);
    bad |= api->param_color(host, "background", &q->light);
    q->caption_color = q->dark;
    bad |= api->param_color(host, "caption_color", &q->caption_color);
    bad |= api->param_int(host, "caption_size", 0, 2000, &q->caption_size);
    q->caption = api->param(host, "caption");
    if (q->caption && !*q->caption)
        q->caption = NULL;
    if (q->dark.a != 255 || q->light.a != 255) {
        api->param_error(host, q->dark.a != 255 ? "color" : "background",
                         "a QR code needs opaque colours");
        bad = 1;
    } else if (luminance(q->light) + 0.05 < 3.0 * (luminance(q->dark) + 0.05)) {
        /* contrast below 3:1, or inverted (light modules on dark): many readers fail */
        api->param_error(host, "color", "modules must be much darker than the background "
                                        "(contrast at least 3:1, dark on light)");
        bad = 1;
    }
    const char *text = api->param(host, "text");
    if (!text || !*text) {
        api->param_error(host, "text", "missing: what the code encodes (e.g. a URL)");
        bad = 1;
    } else if (!bad) {
        static const QRecLevel levels[4] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q,
                                            QR_ECLEVEL_H};
        errno = 0;
        q->code = QRcode_encodeString(text, (int)version, levels[level], QR_MODE_8, 1);
        if (!q->code) {
            api->param_error(host, "text", "cannot be encoded: %s",
                             errno == ERANGE ? "too long for a QR code at this level"
                                             : strerror(errno));
            bad = 1;
        }
    }
    if (bad) {
        if (q->code)
            QRcode_free(q->code);
        free(q);
        return KZ_ERR;
    }
    *out = q;
    return KZ_OK;
}

static int qr_prepare(kz_instance *inst, SDL_Renderer *renderer)
{
    /* The module size depends on the zone, known at the first render. */
    (void)inst;
    (void)renderer;
    return KZ_OK;
}

static void qr_release(kz_instance *inst)
{
    qr_inst *q = inst;
    if (q->code_tex)
        SDL_DestroyTexture(q->code_tex);
    if (q->caption_tex)
        SDL_DestroyTexture(q->caption_tex);
    q->code_tex = q->caption_tex = NULL;
    q->made_w = q->made_h = 0;
}

static void qr_destroy(kz_instance **inst)
{
    if (!inst || !*inst)
        return;
    qr_inst *q = *inst;
    qr_release(q);
    if (q->code)
        QRcode_free(q->code);
    free(q);
    *inst = NULL;
}

/* The code at lay.module_px pixels per module, quiet zone included, as one texture. */
static SDL_Texture *code_texture(qr_inst *q, SDL_Renderer *r)
{
    int m = q->lay.module_px, w = q->code->width, qz = (int)q->quiet;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, q->lay.side_px, q->lay.side_px, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, q->light.r, q->light.g, q->light.b));
    Uint32 dark = SDL_MapRGB(s->format, q->dark.r, q->dark.g, q->dark.b);
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w; x++) {
            if (!(q->code->data[y * w + x] & 1))
                continue;
            SDL_Rect cell = {(qz + x) * m, (qz + y) * m, m, m};
            SDL_FillRect(s, &cell, dark);
        }
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, s);
    SDL_FreeSurface(s);
    if (t) {
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
        SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    }
    return t;
}

static int make(qr_inst *q, SDL_Renderer *r, const SDL_Rect *rect)
{
    const kz_host_api *api = kz_api(q->host);
    qr_release(q);
    int modules = q->code->width + 2 * (int)q->quiet;
    q->cap_w = q->cap_h = 0;
    if (q->caption) {
        kz_text_style s;
        memset(&s, 0, sizeof s);
        s.struct_size = sizeof s;
        s.px = q->caption_size > 0 ? (int)q->caption_size : rect->h / 14;
        if (s.px < 12)
            s.px = 12;
        s.bold = 1;
        s.align = KZ_ALIGN_CENTER;
        s.box_w = rect->w - 2 * (rect->w / 40);
        s.color = q->caption_color;
        q->caption_tex = api->text_texture(q->host, r, q->caption, &s, &q->cap_w, &q->cap_h);
        if (!q->caption_tex)
            return KZ_ERR;
        SDL_SetTextureBlendMode(q->caption_tex, SDL_BLENDMODE_BLEND);
    }
    int cap_block = q->cap_h ? q->cap_h + q->cap_h / 4 : 0; /* caption plus space below */
    if (kzw_qr_layout_fit(rect->w, rect->h, modules, cap_block, &q->lay) < 0) {
        api->param_error(q->host, "text", "a %dx%d zone cannot hold a %d-module code%s",
                         rect->w, rect->h, modules, q->caption ? " and its caption" : "");
        return KZ_ERR;
    }
    double readable = 0;
    int scan = kzw_qr_scan_check(q->lay.module_px, q->code->width, (int)q->min_module,
                                 q->pitch_mm, q->distance_m, &readable);
    if (scan & KZW_QR_SMALL_MODULE)
        api->param_error(q->host, "min_module",
                         "a module is %d px in this %dx%d zone, below %ld px: too small to "
                         "scan reliably (enlarge the zone, shorten the text or lower the level)",
                         q->lay.module_px, rect->w, rect->h, q->min_module);
    if (scan & KZW_QR_TOO_FAR)
        api->param_error(q->host, "viewing_distance",
                         "the code is readable from about %.1f m, viewers stand at %.1f m "
                         "(enlarge the zone)", readable, q->distance_m);
    q->code_tex = code_texture(q, r);
    if (!q->code_tex) {
        api->log(q->host, KZ_LOG_ERROR, "cannot make the code texture: %s", SDL_GetError());
        return KZ_ERR;
    }
    q->made_w = rect->w;
    q->made_h = rect->h;
    return KZ_OK;
}

static int qr_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    qr_inst *q = inst;
    (void)t;
    if ((rect->w != q->made_w || rect->h != q->made_h) && make(q, r, rect) < 0)
        return KZ_ERR;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, q->light.r, q->light.g, q->light.b, 255);
    SDL_RenderFillRect(r, rect);
    SDL_Rect dst = {rect->x + q->lay.x, rect->y + q->lay.y, q->lay.side_px, q->lay.side_px};
    SDL_RenderCopy(r, q->code_tex, NULL, &dst);
    if (q->caption_tex) {
        SDL_Rect cd = {rect->x + (rect->w - q->cap_w) / 2, rect->y + q->lay.caption_y, q->cap_w,
                       q->cap_h};
        SDL_RenderCopy(r, q->caption_tex, NULL, &cd);
    }
    return KZ_OK;
}

/* The picture never changes while on air (the code and its caption do not move). */
static kz_us qr_next_change(kz_instance *inst, kz_us t)
{
    (void)inst;
    (void)t;
    return KZ_CHANGE_NEVER;
}

/* The keys, for `kizuna help qr`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key qr_keys[] = {
    {"text", "data (UTF-8, encoded, not drawn)", "required", "https://www.pref.kumamoto.jp/",
     "what the code encodes (usually a URL)"},
    {"caption", "text", "", "ハートフルパス 電子申請", "text under the code"},
    {"level", "L|M|Q|H", "M", "Q", "error correction: L 7 %, M 15 %, Q 25 %, H 30 %"},
    {"version", "integer 0-40", "0: the smallest that holds the text", "4",
     "smallest symbol version"},
    {"quiet_zone", "integer 4-40 (modules)", "4", "6", "light margin around the code"},
    {"color", "colour (opaque)", "black", "#102030", "module colour"},
    {"background", "colour (opaque)", "white", "#fffff0", "light colour; fills the zone"},
    {"caption_color", "colour", "= color", "#333333", "caption colour"},
    {"caption_size", "integer 0-2000 (px)", "zone height / 14", "28", "caption font size"},
    {"min_module", "integer 1-100 (px)", "4", "5",
     "smallest acceptable module in screen pixels"},
    {"pixel_pitch", "number 0.01-50 (mm)", "", "0.49",
     "the screen's pixel pitch, for the distance check"},
    {"viewing_distance", "number 0.1-200 (m)", "", "1.0",
     "how far viewers stand, for the distance check"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin qr_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "qr",
    .version = "1.0",
    .description = "QR code (libqrencode) with a caption and a scan-size check",
    .create = qr_create,
    .prepare = qr_prepare,
    .render = qr_render,
    .release = qr_release,
    .destroy = qr_destroy,
    .next_change = qr_next_change,
    .keys = qr_keys,
};

KZ_PLUGIN_EXPORT(qr_plugin)
