/* color: solid fills, gradients and a test card for setting up a screen.
 *
 *   [setup]
 *   plugin   = color
 *   mode     = solid | gradient | testcard      (default solid)
 *   color    = #1c2a3a                           (solid; gradient start)
 *   color2   = #4a6a8a                           (gradient end)
 *   direction= vertical | horizontal             (gradient)
 *   duration = 10s
 *
 * Everything is computed from the zone size; the test card is drawn once into a texture at
 * prepare() and only copied afterwards. */
#include <stdlib.h>
#include <string.h>

#include <kizuna/plugin.h>

enum { MODE_SOLID, MODE_GRADIENT, MODE_TESTCARD };

typedef struct color_inst {
    kz_host *host;
    int mode;
    int vertical;
    kz_color c1, c2;
    SDL_Texture *card; /* gradient / test card, made at the first render of a size */
    int card_w, card_h;
    SDL_Texture *label;
    int label_w, label_h;
} color_inst;

static int color_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    color_inst *c = calloc(1, sizeof *c);
    if (!c)
        return KZ_ERR_NOMEM;
    c->host = host;
    c->c1 = (kz_color){0x1c, 0x2a, 0x3a, 255};
    c->c2 = (kz_color){0x4a, 0x6a, 0x8a, 255};
    int dir = 0;
    int bad = api->param_enum(host, "mode", "solid|gradient|testcard", &c->mode) |
              api->param_color(host, "color", &c->c1) |
              api->param_color(host, "color2", &c->c2) |
              api->param_enum(host, "direction", "vertical|horizontal", &dir);
    c->vertical = dir == 0;
    if (bad) {
        free(c);
        return KZ_ERR;
    }
    *out = c;
    return KZ_OK;
}

static int color_prepare(kz_instance *inst, SDL_Renderer *r)
{
    (void)inst;
    (void)r;
    return KZ_OK;
}

static void fill(SDL_Renderer *r, kz_color c, const SDL_Rect *rect)
{
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(r, rect);
}

/* Gradient and test card are drawn once per zone size into a pixel buffer, then uploaded. */
static void draw_gradient(Uint32 *px, int w, int h, kz_color a, kz_color b, int vertical)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int num = vertical ? y : x, den = (vertical ? h : w) - 1;
            if (den < 1)
                den = 1;
            Uint32 rr = (Uint32)(a.r + (b.r - a.r) * num / den);
            Uint32 gg = (Uint32)(a.g + (b.g - a.g) * num / den);
            Uint32 bb = (Uint32)(a.b + (b.b - a.b) * num / den);
            px[(size_t)y * w + x] = 0xff000000u | rr << 16 | gg << 8 | bb;
        }
}

static void draw_testcard(Uint32 *px, int w, int h)
{
    /* 75 % colour bars across the top two thirds, a grey ramp, a grid, a centre cross and
     * a circle: enough to judge cropping (overscan), geometry, levels and colour order. */
    static const Uint32 bars[] = {0xffbfbfbf, 0xffbfbf00, 0xff00bfbf, 0xff00bf00,
                                  0xffbf00bf, 0xffbf0000, 0xff0000bf};
    int bar_h = h * 2 / 3;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            Uint32 c;
            if (y < bar_h) {
                c = bars[x * 7 / w];
            } else if (y < bar_h + h / 6) {
                Uint32 v = (Uint32)(x * 255 / (w > 1 ? w - 1 : 1));
                c = 0xff000000u | v << 16 | v << 8 | v;
            } else {
                int step = x * 8 / w;
                c = (step & 1) ? 0xffffffff : 0xff101010;
            }
            px[(size_t)y * w + x] = c;
        }
    int grid = (w < h ? w : h) / 8;
    if (grid < 8)
        grid = 8;
    for (int y = 0; y < bar_h; y++)
        for (int x = 0; x < w; x++)
            if (x % grid == 0 || y % grid == 0)
                px[(size_t)y * w + x] = 0xffffffff;
    /* border: 1 px white frame, then the safe-area (90 %) frame */
    for (int x = 0; x < w; x++) {
        px[x] = px[(size_t)(h - 1) * w + x] = 0xffffffff;
        px[(size_t)(h / 20) * w + x] = px[(size_t)(h - 1 - h / 20) * w + x] =
            (x >= w / 20 && x < w - w / 20) ? 0xffff4040 : px[(size_t)(h / 20) * w + x];
    }
    for (int y = 0; y < h; y++) {
        px[(size_t)y * w] = px[(size_t)y * w + w - 1] = 0xffffffff;
        if (y >= h / 20 && y < h - h / 20)
            px[(size_t)y * w + w / 20] = px[(size_t)y * w + w - 1 - w / 20] = 0xffff4040;
    }
    int cx = w / 2, cy = h / 2, rad = (w < h ? w : h) * 2 / 5;
    for (int a = 0; a < 3600; a++) {
        double t = a * 3.14159265358979 / 1800.0;
        int x = cx + (int)(rad * __builtin_cos(t)), y = cy + (int)(rad * __builtin_sin(t));
        if (x >= 0 && x < w && y >= 0 && y < h)
            px[(size_t)y * w + x] = 0xffffffff;
    }
    for (int x = cx - w / 20; x <= cx + w / 20; x++)
        px[(size_t)cy * w + x] = 0xff000000;
    for (int y = cy - h / 20; y <= cy + h / 20; y++)
        px[(size_t)y * w + cx] = 0xff000000;
}

static int build_card(color_inst *c, SDL_Renderer *r, int w, int h)
{
    if (c->card && c->card_w == w && c->card_h == h)
        return KZ_OK;
    if (c->card)
        SDL_DestroyTexture(c->card);
    c->card = NULL;
    Uint32 *px = malloc((size_t)w * h * 4);
    if (!px)
        return KZ_ERR_NOMEM;
    if (c->mode == MODE_GRADIENT)
        draw_gradient(px, w, h, c->c1, c->c2, c->vertical);
    else
        draw_testcard(px, w, h);
    c->card = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, h);
    if (c->card)
        SDL_UpdateTexture(c->card, NULL, px, w * 4);
    free(px);
    if (!c->card) {
        kz_api(c->host)->log(c->host, KZ_LOG_ERROR, "texture: %s", SDL_GetError());
        return KZ_ERR;
    }
    c->card_w = w;
    c->card_h = h;
    if (c->mode == MODE_TESTCARD) {
        char txt[64];
        snprintf(txt, sizeof txt, "kizuna %dx%d テストカード", w, h);
        /* auto-fit: as large as fits one line across 90 % of the width, a tenth of the height */
        kz_text_style st = {.struct_size = sizeof st, .px = 0, .min_px = 8, .box_w = w * 9 / 10,
                            .box_h = h / 10, .color = {255, 255, 255, 255}};
        if (c->label)
            SDL_DestroyTexture(c->label);
        c->label = kz_api(c->host)->text_texture(c->host, r, txt, &st, &c->label_w,
                                                 &c->label_h);
    }
    return KZ_OK;
}

static int color_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    color_inst *c = inst;
    (void)t;
    if (c->mode == MODE_SOLID) {
        fill(r, c->c1, rect);
        return KZ_OK;
    }
    if (build_card(c, r, rect->w, rect->h) != KZ_OK)
        return KZ_ERR;
    SDL_RenderCopy(r, c->card, NULL, rect);
    if (c->label) {
        SDL_Rect bg = {rect->x + (rect->w - c->label_w) / 2 - 8,
                       rect->y + rect->h * 2 / 3 - c->label_h - 8, c->label_w + 16,
                       c->label_h + 8};
        fill(r, (kz_color){0, 0, 0, 255}, &bg);
        SDL_Rect dst = {bg.x + 8, bg.y + 4, c->label_w, c->label_h};
        SDL_RenderCopy(r, c->label, NULL, &dst);
    }
    return KZ_OK;
}

static void color_release(kz_instance *inst)
{
    color_inst *c = inst;
    if (c->card)
        SDL_DestroyTexture(c->card);
    if (c->label)
        SDL_DestroyTexture(c->label);
    c->card = c->label = NULL;
    c->card_w = c->card_h = 0;
}

static void color_destroy(kz_instance **inst)
{
    if (!*inst)
        return;
    color_release(*inst);
    free(*inst);
    *inst = NULL;
}

static int color_opaque(kz_instance *inst)
{
    const color_inst *c = inst;
    return c->mode != MODE_SOLID || c->c1.a == 255;
}

/* The picture never changes while on air (a solid colour, gradient or test card does not move). */
static kz_us color_next_change(kz_instance *inst, kz_us t)
{
    (void)inst;
    (void)t;
    return KZ_CHANGE_NEVER;
}

/* The keys, for `kizuna help color`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key color_keys[] = {
    {"mode", "solid|gradient|testcard", "solid", "testcard",
     "a solid fill, a two-colour gradient, or a test card for setting up a screen"},
    {"color", "colour", "#1c2a3a", "#004080", "the fill; the gradient's first colour"},
    {"color2", "colour", "#4a6a8a", "white", "the gradient's second colour"},
    {"direction", "vertical|horizontal", "vertical", "horizontal", "the gradient's direction"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin color_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "color",
    .version = "1.0",
    .description = "solid colour, gradient or test card",
    .create = color_create,
    .prepare = color_prepare,
    .render = color_render,
    .release = color_release,
    .destroy = color_destroy,
    .next_change = color_next_change,
    .keys = color_keys,
    .opaque = color_opaque,
};

KZ_PLUGIN_EXPORT(color_plugin)
