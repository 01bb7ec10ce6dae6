/* ticker: a band of text scrolling right to left at a constant speed. Its position is a pure
 * function of item time (scroll.c): two players on the same timeline show the same pixel
 * column, and a dropped frame never shifts the text. The messages and the separator are
 * rasterised once per band height (one texture each, so no single texture grows past the
 * renderer's limit) and drawn as a strip repeated end to end: a seamless loop. Per frame the
 * ticker only copies the visible pieces at a fractional x.
 *
 * With feed = URL the messages are the headlines of the cached copy of an RSS 2.0 or Atom
 * feed (the player's fetcher keeps it; this file never fetches), in document order, filtered
 * and capped; text = is then the fallback shown while the copy is missing or older than
 * max_age at the drawn instant. With neither, the rest of the slot shows the standby (the
 * render() answer KZ_FINISHED) and the item says so. Keys: docs/plugins.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feedparse.h" /* lib/ */
#include "kizuna/plugin.h"
#include "livefeed.h"  /* lib/ */
#include "scroll.h"

typedef struct piece {
    char *text;       /* owned */
    SDL_Texture *tex; /* owned, made at the first render */
    int w, h;
} piece;

/* One strip of messages: message, separator, message, separator, ... */
typedef struct band {
    piece *pieces;  /* owned */
    int n_pieces;
    int made_h;     /* band height the textures were made for (0: none) */
    int loop_w, max_h;
    int gap;        /* blank after every piece: one em (the text engine trims edge spaces) */
} band;

enum { SHOW_NONE = 0, SHOW_FEED, SHOW_FALLBACK };

typedef struct ticker_inst {
    kz_host *host;  /* borrowed, valid until destroy */
    band fallback;  /* text = (the only band without feed =) */
    band feed;      /* the cached feed's headlines */
    const char *sep; /* borrowed from the host */
    double speed;   /* px/s */
    kz_color color, background;
    long size;      /* font px; 0 = 60 % of the band height */
    int bold, enter;
    /* feed = */
    int has_feed;
    kzw_live live;
    const char *filter; /* feed_filter, borrowed: '|'-separated words, any of them matches */
    long max_items;
    int show;       /* SHOW_*: what the last render drew */
    int said;       /* show + 1 last reported to the log and shown() (0: never) */
} ticker_inst;

static void band_release(band *b)
{
    for (int i = 0; i < b->n_pieces; i++) {
        if (b->pieces[i].tex)
            SDL_DestroyTexture(b->pieces[i].tex);
        b->pieces[i].tex = NULL;
    }
    b->made_h = 0;
}

static void band_free(band *b)
{
    band_release(b);
    for (int i = 0; i < b->n_pieces; i++)
        free(b->pieces[i].text);
    free(b->pieces);
    memset(b, 0, sizeof *b);
}

static int add_piece(band *k, const char *s, size_t len)
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

/* A message, after a separator when it is not the first. */
static int add_message(band *b, const char *s, size_t len, const char *sep)
{
    if (b->n_pieces && add_piece(b, sep, strlen(sep)) < 0)
        return KZ_ERR_NOMEM;
    return add_piece(b, s, len);
}

/* The separator also joins the last message to the first. */
static int close_loop(band *b, const char *sep)
{
    return b->n_pieces && *sep ? add_piece(b, sep, strlen(sep)) : KZ_OK;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* One message per non-empty line of text (a multi-line value). */
static int band_from_text(band *b, const char *text, const char *sep)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        const char *e = nl ? nl : p + strlen(p);
        const char *s = p;
        while (s < e && is_space(*s))
            s++;
        const char *z = e;
        while (z > s && is_space(z[-1]))
            z--;
        if (z > s && add_message(b, s, (size_t)(z - s), sep) < 0)
            return KZ_ERR_NOMEM;
        p = nl ? nl + 1 : e;
    }
    return close_loop(b, sep);
}

/* Whether headline h passes feed_filter: it contains one of its '|'-separated words
 * (ASCII letters compared without case; Japanese as written). No filter: every one. */
static int passes(const char *filter, const char *h)
{
    if (!filter || !*filter)
        return 1;
    for (const char *p = filter;;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        for (const char *q = h; n && *q; q++)
            if (!strncasecmp(q, p, n))
                return 1;
        if (!e)
            return 0;
        p = e + 1;
    }
}

/* The feed band from a cached document: headlines in document order, filtered, at most
 * max_items, each drawn as the characters it holds (markup escaped). */
static int band_from_feed(ticker_inst *k, const char *data, size_t len)
{
    const kz_host_api *api = kz_api(k->host);
    kz_feed_items it;
    char why[200];
    band_free(&k->feed);
    if (kz_feed_parse(data, len, &it, why, sizeof why)) {
        api->log(k->host, KZ_LOG_WARN, "the cached copy of %s is unusable: %s",
                 api->param(k->host, "feed"), why);
        return KZ_OK; /* an empty band: the fallback, or nothing */
    }
    int rc = KZ_OK, kept = 0;
    for (int i = 0; i < it.n && kept < k->max_items && rc == KZ_OK; i++) {
        if (!passes(k->filter, it.text[i]))
            continue;
        char *esc = kz_feed_escape_markup(it.text[i]);
        rc = esc ? add_message(&k->feed, esc, strlen(esc), k->sep) : KZ_ERR_NOMEM;
        free(esc);
        kept++;
    }
    if (rc == KZ_OK)
        rc = close_loop(&k->feed, k->sep);
    if (!kept && it.n)
        api->log(k->host, KZ_LOG_WARN, "none of the %d headlines matches feed_filter = %s", it.n,
                 k->filter);
    kz_feed_items_free(&it);
    return rc;
}

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
    k->max_items = 10;
    k->sep = api->param(host, "separator");
    if (!k->sep)
        k->sep = "◆";
    k->has_feed = api->param(host, "feed") != NULL;
    if (band_from_text(&k->fallback, api->param(host, "text"), k->sep) < 0)
        goto nomem;
    if (k->has_feed) {
        bad |= kzw_live_keys(host, &k->live, "feed", KZ_FETCHED_FEED) != KZ_OK;
        k->filter = api->param(host, "feed_filter");
        bad |= api->param_int(host, "feed_max_items", 1, 100, &k->max_items);
    } else if (!k->fallback.n_pieces) {
        api->param_error(host, "text", "missing or empty: one message per line (or a feed =)");
        bad = 1;
    }
    bad |= api->param_double(host, "speed", 1, 5000, &k->speed);
    bad |= api->param_color(host, "color", &k->color);
    bad |= api->param_color(host, "background", &k->background);
    bad |= api->param_int(host, "size", 0, 2000, &k->size);
    bad |= api->param_bool(host, "bold", &k->bold);
    bad |= api->param_bool(host, "enter", &k->enter);
    if (bad) {
        band_free(&k->fallback);
        free(k);
        return KZ_ERR;
    }
    k->show = k->has_feed ? SHOW_NONE : SHOW_FALLBACK;
    *out = k;
    return KZ_OK;
nomem:
    band_free(&k->fallback);
    free(k);
    return KZ_ERR_NOMEM;
}

static void ticker_release(kz_instance *inst)
{
    ticker_inst *k = inst;
    band_release(&k->fallback);
    band_release(&k->feed);
}

static void ticker_destroy(kz_instance **inst)
{
    if (!inst || !*inst)
        return;
    ticker_inst *k = *inst;
    band_free(&k->fallback);
    band_free(&k->feed);
    free(k);
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

static int make_textures(ticker_inst *k, band *b, SDL_Renderer *r, int band_h)
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
    band_release(b);
    b->loop_w = 0;
    b->max_h = 0;
    b->gap = s.px;
    for (int i = 0; i < b->n_pieces; i++) {
        piece *p = &b->pieces[i];
        p->tex = api->text_texture(k->host, r, p->text, &s, &p->w, &p->h);
        if (!p->tex)
            return KZ_ERR;
        SDL_SetTextureBlendMode(p->tex, SDL_BLENDMODE_BLEND);
        if (max_w > 0 && p->w >= max_w)
            api->log(k->host, KZ_LOG_WARN, "a message is %d px wide at %d px, the renderer's "
                     "limit is %d: split it into several lines of text", p->w, s.px, max_w);
        b->loop_w += p->w + b->gap;
        if (p->h > b->max_h)
            b->max_h = p->h;
    }
    b->made_h = band_h;
    api->log(k->host, KZ_LOG_DEBUG, "%d pieces at %d px: loop %d px, one pass every %.2f s",
             b->n_pieces, s.px, b->loop_w, b->loop_w / k->speed);
    return KZ_OK;
}

/* Tell the log (once per change) and the host (proof of play, ctl status) what airs. */
static void report(ticker_inst *k, kz_us now)
{
    const kz_host_api *api = kz_api(k->host);
    if (k->said == k->show + 1)
        return;
    k->said = k->show + 1;
    const char *url = api->param(k->host, "feed");
    char what[48];
    long age = k->live.have ? (long)((now - k->live.fetched_at) / KZ_US_PER_S) : -1;
    if (k->show == SHOW_FEED) {
        snprintf(what, sizeof what, "%.32s", k->live.version);
        api->log(k->host, KZ_LOG_INFO, "%s: headlines of copy %.12s (%ld s old)", url,
                 k->live.version, age);
    } else if (k->show == SHOW_FALLBACK) {
        snprintf(what, sizeof what, "fallback");
        api->log(k->host, KZ_LOG_WARN, "%s: %s: the fallback text airs", url,
                 !k->live.have ? "nothing cached" : age > k->live.max_age / KZ_US_PER_S
                 ? "the cached copy is older than max_age" : "no headline to show");
    } else {
        snprintf(what, sizeof what, "skipped");
        api->log(k->host, KZ_LOG_WARN, "%s: %s and no fallback text: skipped (the standby airs "
                 "for the rest of the slot)", url, !k->live.have ? "nothing cached"
                 : age > k->live.max_age / KZ_US_PER_S ? "the cached copy is older than max_age"
                 : "no headline to show");
    }
    if (KZ_API_HAS(api, shown))
        api->shown(k->host, what);
}

/* What airs at drawn instant now: the feed's headlines while fresh, else the fallback. */
static int choose(ticker_inst *k, kz_us now)
{
    char *data;
    size_t len;
    int first = !k->live.have && k->live.looked < 0;
    if (kzw_live_poll(k->host, &k->live, now, first, &data, &len) == 1) {
        int rc = band_from_feed(k, data, len);
        free(data);
        if (rc < 0)
            return rc;
    }
    k->show = kzw_live_fresh(&k->live, now) && k->feed.n_pieces ? SHOW_FEED
              : k->fallback.n_pieces                            ? SHOW_FALLBACK
                                                                : SHOW_NONE;
    report(k, now);
    return KZ_OK;
}

static int ticker_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    ticker_inst *k = inst;
    if (k->has_feed && choose(k, kz_api(k->host)->item_start(k->host) + t) < 0)
        return KZ_ERR;
    band *b = k->show == SHOW_FEED ? &k->feed : k->show == SHOW_FALLBACK ? &k->fallback : NULL;
    if (!b)
        return KZ_FINISHED; /* nothing may air: the standby until the slot ends */
    if (b->made_h != rect->h && make_textures(k, b, r, rect->h) < 0)
        return KZ_ERR;
    if (k->background.a) {
        SDL_SetRenderDrawBlendMode(r, k->background.a == 255 ? SDL_BLENDMODE_NONE
                                                             : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(r, k->background.r, k->background.g, k->background.b,
                               k->background.a);
        SDL_RenderFillRect(r, rect);
    }
    if (b->loop_w <= 0)
        return KZ_OK;
    SDL_Rect old_clip;
    int clipped = SDL_RenderIsClipEnabled(r);
    SDL_RenderGetClipRect(r, &old_clip);
    SDL_Rect clip = *rect;
    if (clipped && !SDL_IntersectRect(&old_clip, rect, &clip))
        return KZ_OK;
    SDL_RenderSetClipRect(r, &clip);
    double x = kzw_ticker_first_x(t, k->speed, rect->w, b->loop_w, k->enter);
    float y = (float)(rect->y + (rect->h - b->max_h) / 2);
    /* Copies of the strip end to end until the band's right edge. */
    while (x < rect->w) {
        double px = x;
        for (int i = 0; i < b->n_pieces && px < rect->w; i++) {
            const piece *p = &b->pieces[i];
            if (px + p->w > 0) {
                SDL_FRect dst = {(float)(rect->x + px), y, (float)p->w, (float)p->h};
                SDL_RenderCopyF(r, p->tex, NULL, &dst);
            }
            px += p->w + b->gap;
        }
        x += b->loop_w;
    }
    SDL_RenderSetClipRect(r, clipped ? &old_clip : NULL);
    return KZ_OK;
}

/* kizuna check: the cached headlines as they would air (glyph coverage), said as warnings:
 * the screen still has its fallback. Returns 0 (a feed is never an error of the playlist). */
static int ticker_check(kz_instance *inst)
{
    ticker_inst *k = inst;
    const kz_host_api *api = kz_api(k->host);
    if (!k->has_feed)
        return 0;
    char *data;
    size_t len;
    kzw_live_poll(k->host, &k->live, 0, 1, &data, &len);
    if (!data) {
        api->log(k->host, KZ_LOG_INFO, "%s: nothing cached yet: %s until the first fetch",
                 api->param(k->host, "feed"),
                 k->fallback.n_pieces ? "the fallback text airs" : "the item is skipped");
        return 0;
    }
    band_from_feed(k, data, len);
    free(data);
    for (int i = 0; i < k->feed.n_pieces && KZ_API_HAS(api, missing_glyph); i++) {
        uint32_t cp = api->missing_glyph(k->host, k->feed.pieces[i].text);
        if (cp)
            api->log(k->host, KZ_LOG_WARN, "cached headline \"%.60s\": U+%04X is in no font "
                     "of the chain", k->feed.pieces[i].text, (unsigned)cp);
    }
    return 0;
}

/* The band's background covers the zone unless it is translucent. */
static int ticker_opaque(kz_instance *inst)
{
    const ticker_inst *k = inst;
    return k->background.a == 255 && k->show != SHOW_NONE;
}

/* The band moves with every frame; an empty band (no messages) never changes. */
static kz_us ticker_next_change(kz_instance *inst, kz_us t)
{
    const ticker_inst *k = inst;
    if (k->has_feed)
        return t; /* a copy may arrive or grow stale at any frame (looked at once a second) */
    return k->fallback.loop_w <= 0 ? KZ_CHANGE_NEVER : t;
}

/* The keys, for `kizuna help ticker`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key ticker_keys[] = {
    {"text", "text, one message per line", "required unless feed is given",
     "2月は「やさしいまちづくり月間」です",
     "the messages (indent continuation lines); with feed: the fallback"},
    {"feed", "http(s) URL", "", "https://www.pref.kumamoto.jp/rss/news.xml",
     "RSS 2.0 or Atom feed whose headlines scroll (from the player's cache)"},
    {"feed_filter", "words separated by |", "", "熊本|くまモン",
     "keep only headlines containing one of the words (ASCII without case)"},
    {"feed_max_items", "integer 1-100", "10", "5", "headlines kept, in document order"},
    {"max_age", "seconds", "86400", "21600",
     "older cached copies are stale: the fallback text airs, or the item is skipped"},
    {"poll", "seconds 30-86400", "300", "600", "how often the player asks for the feed"},
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
    .version = "1.1",
    .description = "horizontally scrolling band of messages, position a function of time",
    .create = ticker_create,
    .prepare = ticker_prepare,
    .render = ticker_render,
    .check = ticker_check,
    .release = ticker_release,
    .destroy = ticker_destroy,
    .opaque = ticker_opaque,
    .next_change = ticker_next_change,
    .keys = ticker_keys,
};

KZ_PLUGIN_EXPORT(ticker_plugin)
