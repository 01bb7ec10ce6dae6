/* ticker: a band of text scrolling right to left at a constant speed. Its position is a pure
 * function of item time (scroll.c): two players on the same timeline show the same pixel
 * column, and a dropped frame never shifts the text. The messages and the separator are
 * rasterised once per band height (one texture each, so no single texture grows past the
 * renderer's limit) and drawn as a strip repeated end to end: a seamless loop. Per frame the
 * ticker only copies the visible pieces at a fractional x. Keys: docs/plugins.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/plugin.h"
#include "scroll.h"

typedef struct piece {
    char *text;       /* owned */
    SDL_Texture *tex; /* owned, made at the first render */
    int w, h;
} piece;

typedef struct ticker_inst {
    kz_host *host;  /* borrowed, valid until destroy */
    piece *pieces;  /* owned: message, separator, message, separator, ... */
    int n_pieces;
    double speed;   /* px/s */
    kz_color color, background;
    long size;      /* font px; 0 = 60 % of the band height */
    int bold, enter;
    /* Prepared state. */
    int made_h;     /* band height the textures were made for (0: none) */
    int loop_w, max_h;
    int gap;        /* blank after every piece: one em (the text engine trims edge spaces) */
} ticker_inst;

static void free_pieces(ticker_inst *k)
{
    for (int i = 0; i < k->n_pieces; i++) {
        free(k->pieces[i].text);
        if (k->pieces[i].tex)
            SDL_DestroyTexture(k->pieces[i].tex);
    }
    free(k->pieces);
    k->pieces = NULL;
    k->n_pieces = 0;
}

static int add_piece(ticker_inst *k, const char *s, size_t len)
{
    piece *np = realloc(k->pieces, (size_t)(k->n_pieces + 1) * sizeof *np);
    if (!np)
        return KZ_ERR_NOMEM;
    k->pieces = np;
    memset(&np[k->n_pieces], 0, sizeof *np);
    np[k->n_pieces].text = strndup(s, len);
    if (!np[k->n_pieces].text)
        return KZ_ERR_NOMEM;
    k->n_pieces++;
    return KZ_OK;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int ticker_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    ticker_inst *k = calloc(1, sizeof *k);
    if (!k)
        return KZ_ERR_NOMEM;
    int bad = 0;
    k->host = host;
    k->speed = 120;
    k->color = (kz_color){255, 255, 255, 255};
    k->background = (kz_color){0, 0, 0, 255};
    k->enter = 1;
    const char *sep = api->param(host, "separator");
    if (!sep)
        sep = "◆";
    const char *text = api->param(host, "text");
    /* One message per non-empty line of text (a multi-line value). */
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        const char *e = nl ? nl : p + strlen(p);
        const char *b = p;
        while (b < e && is_space(*b))
            b++;
        const char *z = e;
        while (z > b && is_space(z[-1]))
            z--;
        if (z > b) {
            if ((k->n_pieces && add_piece(k, sep, strlen(sep)) < 0) ||
                add_piece(k, b, (size_t)(z - b)) < 0) {
                free_pieces(k);
                free(k);
                return KZ_ERR_NOMEM;
            }
        }
        p = nl ? nl + 1 : e;
    }
    if (!k->n_pieces) {
        api->param_error(host, "text", "missing or empty: one message per line");
        bad = 1;
    } else if (*sep && add_piece(k, sep, strlen(sep)) < 0) {
        free_pieces(k); /* the separator also joins the last message to the first */
        free(k);
        return KZ_ERR_NOMEM;
    }
    bad |= api->param_double(host, "speed", 1, 5000, &k->speed);
    bad |= api->param_color(host, "color", &k->color);
    bad |= api->param_color(host, "background", &k->background);
    bad |= api->param_int(host, "size", 0, 2000, &k->size);
    bad |= api->param_bool(host, "bold", &k->bold);
    bad |= api->param_bool(host, "enter", &k->enter);
    if (bad) {
        free_pieces(k);
        free(k);
        return KZ_ERR;
    }
    *out = k;
    return KZ_OK;
}

static void ticker_release(kz_instance *inst)
{
    ticker_inst *k = inst;
    for (int i = 0; i < k->n_pieces; i++) {
        if (k->pieces[i].tex)
            SDL_DestroyTexture(k->pieces[i].tex);
        k->pieces[i].tex = NULL;
    }
    k->made_h = 0;
}

static void ticker_destroy(kz_instance **inst)
{
    if (!inst || !*inst)
        return;
    free_pieces(*inst);
    free(*inst);
    *inst = NULL;
}

static int ticker_prepare(kz_instance *inst, SDL_Renderer *renderer)
{
    /* The font size follows the band height, known at the first render: the pieces are
     * rasterised there, once. */
    (void)inst;
    (void)renderer;
    return KZ_OK;
}

static int make_textures(ticker_inst *k, SDL_Renderer *r, int band_h)
{
    const kz_host_api *api = kz_api(k->host);
    kz_text_style s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    s.px = k->size > 0 ? (int)k->size : band_h * 6 / 10;
    if (s.px < 8)
        s.px = 8;
    s.bold = k->bold;
    s.color = k->color;
    SDL_RendererInfo info;
    int max_w = 0;
    if (SDL_GetRendererInfo(r, &info) == 0)
        max_w = info.max_texture_width;
    ticker_release(k);
    k->loop_w = 0;
    k->max_h = 0;
    k->gap = s.px;
    for (int i = 0; i < k->n_pieces; i++) {
        piece *p = &k->pieces[i];
        p->tex = api->text_texture(k->host, r, p->text, &s, &p->w, &p->h);
        if (!p->tex)
            return KZ_ERR;
        SDL_SetTextureBlendMode(p->tex, SDL_BLENDMODE_BLEND);
        if (max_w > 0 && p->w >= max_w)
            api->log(k->host, KZ_LOG_WARN, "a message is %d px wide at %d px, the renderer's "
                     "limit is %d: split it into several lines of text", p->w, s.px, max_w);
        k->loop_w += p->w + k->gap;
        if (p->h > k->max_h)
            k->max_h = p->h;
    }
    k->made_h = band_h;
    api->log(k->host, KZ_LOG_DEBUG, "%d pieces at %d px: loop %d px, one pass every %.2f s",
             k->n_pieces, s.px, k->loop_w, k->loop_w / k->speed);
    return KZ_OK;
}

static int ticker_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    ticker_inst *k = inst;
    if (k->made_h != rect->h && make_textures(k, r, rect->h) < 0)
        return KZ_ERR;
    if (k->background.a) {
        SDL_SetRenderDrawBlendMode(r, k->background.a == 255 ? SDL_BLENDMODE_NONE
                                                             : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(r, k->background.r, k->background.g, k->background.b,
                               k->background.a);
        SDL_RenderFillRect(r, rect);
    }
    if (k->loop_w <= 0)
        return KZ_OK;
    SDL_Rect old_clip;
    int clipped = SDL_RenderIsClipEnabled(r);
    SDL_RenderGetClipRect(r, &old_clip);
    SDL_Rect clip = *rect;
    if (clipped && !SDL_IntersectRect(&old_clip, rect, &clip))
        return KZ_OK;
    SDL_RenderSetClipRect(r, &clip);
    double x = kzw_ticker_first_x(t, k->speed, rect->w, k->loop_w, k->enter);
    float y = (float)(rect->y + (rect->h - k->max_h) / 2);
    /* Copies of the strip end to end until the band's right edge. */
    while (x < rect->w) {
        double px = x;
        for (int i = 0; i < k->n_pieces && px < rect->w; i++) {
            const piece *p = &k->pieces[i];
            if (px + p->w > 0) {
                SDL_FRect dst = {(float)(rect->x + px), y, (float)p->w, (float)p->h};
                SDL_RenderCopyF(r, p->tex, NULL, &dst);
            }
            px += p->w + k->gap;
        }
        x += k->loop_w;
    }
    SDL_RenderSetClipRect(r, clipped ? &old_clip : NULL);
    return KZ_OK;
}

/* The band's background covers the zone unless it is translucent. */
static int ticker_opaque(kz_instance *inst)
{
    const ticker_inst *k = inst;
    return k->background.a == 255;
}

/* The band moves with every frame; an empty band (no messages) never changes. */
static kz_us ticker_next_change(kz_instance *inst, kz_us t)
{
    const ticker_inst *k = inst;
    return k->loop_w <= 0 ? KZ_CHANGE_NEVER : t;
}

/* The keys, for `kizuna help ticker`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key ticker_keys[] = {
    {"text", "text, one message per line", "required",
     "2月は「やさしいまちづくり月間」です", "the messages (indent continuation lines)"},
    {"separator", "text", "◆", "／", "drawn between messages; may be empty"},
    {"speed", "number 1-5000 (px/s)", "120", "180", "scrolling speed in pixels per second"},
    {"size", "integer 0-2000 (px)", "60 % of the band", "48", "font size in pixels"},
    {"color", "colour", "white", "#ffd400", "text colour"},
    {"background", "colour", "black", "#00000000", "band colour; #00000000 for none"},
    {"bold", "yes|no", "no", "yes", "bold face"},
    {"enter", "yes|no", "yes", "no",
     "yes: the text enters at the right edge; no: it starts at the left edge"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin ticker_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "ticker",
    .version = "1.0",
    .description = "horizontally scrolling band of messages, position a function of time",
    .create = ticker_create,
    .prepare = ticker_prepare,
    .render = ticker_render,
    .release = ticker_release,
    .destroy = ticker_destroy,
    .opaque = ticker_opaque,
    .next_change = ticker_next_change,
    .keys = ticker_keys,
};

KZ_PLUGIN_EXPORT(ticker_plugin)
