/* kizuna plugin ABI — the only header a plugin includes.
 *
 * A plugin is a shared object that exports one symbol, KZ_PLUGIN_ENTRY_NAME, a function
 * returning a pointer to a static const kz_plugin descriptor. The descriptor starts with
 * the ABI version the plugin was built against and its own sizeof; the host copies that
 * many bytes into a zeroed struct, so callbacks appended in later ABI minors read as NULL
 * for older plugins. A plugin built for another ABI major is refused.
 *
 * Threads: every callback is called on the main thread, the only thread that touches SDL.
 * A plugin may run worker threads of its own (video decode) but must not call SDL
 * rendering functions from them.
 *
 * Time: the host passes item-relative time in microseconds to render(). Plugins never read
 * a clock; the screen is a pure function of time (see docs/architecture.md).
 */
#ifndef KIZUNA_PLUGIN_H
#define KIZUNA_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KZ_ABI_MAJOR 1
#define KZ_ABI_MINOR 7
#define KZ_ABI_VERSION ((uint32_t)((KZ_ABI_MAJOR << 16) | KZ_ABI_MINOR))
#define KZ_ABI_MAJOR_OF(v) ((uint32_t)(v) >> 16)

#define KZ_PLUGIN_ENTRY_NAME "kz_plugin_entry"

/* Microseconds. Absolute instants are microseconds since the Unix epoch (UTC); item-relative
 * times and durations are microseconds from the item's start. */
typedef int64_t kz_us;
#define KZ_US_PER_S INT64_C(1000000)
#define KZ_DURATION_UNKNOWN ((kz_us)-1)

enum kz_log_level { KZ_LOG_ERROR = 0, KZ_LOG_WARN = 1, KZ_LOG_INFO = 2, KZ_LOG_DEBUG = 3 };

/* Return codes. 0 is success; negative values are failures. */
enum {
    KZ_OK = 0,
    KZ_FINISHED = 1, /* render(): the item has nothing more to show (ended early) */
    KZ_ERR = -1,     /* generic failure; the plugin has already logged why */
    KZ_ERR_NOMEM = -2,
    KZ_NOT_CACHED = 2, /* fetched(): nothing usable is cached for the URL (yet) */
};

typedef struct kz_host kz_host;     /* opaque: the host's handle for one plugin instance */
typedef struct kz_params kz_params; /* opaque: the item's INI keys, with file:line for each */

/* Colour, straight (non-premultiplied) alpha. */
typedef struct kz_color {
    uint8_t r, g, b, a;
} kz_color;

/* Text drawn by the host's shared text engine (font chain, Japanese line breaking).
 * Set struct_size = sizeof(kz_text_style); fields are only ever appended. */
enum kz_text_align { KZ_ALIGN_START = 0, KZ_ALIGN_CENTER = 1, KZ_ALIGN_END = 2 };
typedef struct kz_text_style {
    uint32_t struct_size;
    int px;          /* font size in pixels; 0 = auto-fit into box_w x box_h */
    int min_px;      /* floor for auto-fit (0: host default) */
    int bold;        /* 0 regular, 1 bold */
    int align;       /* enum kz_text_align, per line */
    int box_w;       /* wrap width in pixels (0: no wrapping) */
    int box_h;       /* height available for auto-fit (0: unbounded) */
    kz_color color;
    double line_spacing; /* multiple of the font height; 0: host default (1.25) */
    int max_px;      /* ceiling for auto-fit (0: box_h, or the host default) */
} kz_text_style;

/* A cached copy of fetched content (kz_host_api.fetched, minor 6). */
enum kz_fetched_kind { KZ_FETCHED_FEED = 0, KZ_FETCHED_JSON = 1, KZ_FETCHED_CSV = 2 };
#define KZ_FETCHED_VERSION_LEN 33
typedef struct kz_fetched {
    char *data;       /* owned by the caller (free()), NUL-terminated; NULL when unchanged */
    size_t len;
    kz_us fetched_at; /* us since the epoch: when the server last gave or confirmed it */
    char version[KZ_FETCHED_VERSION_LEN]; /* hex hash of data: which copy this is */
} kz_fetched;

/* Functions the host offers. Reached through kz_host_api(); appended only. */
typedef struct kz_host_api {
    uint32_t abi_version;
    uint32_t struct_size;

    /* Log under the plugin's name. Repeated identical messages are counted, not reprinted. */
    void (*log)(kz_host *host, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /* The item's parameters. Returned strings are borrowed from the host and live until the
     * instance is destroyed. NULL when the key is absent. Reading a key marks it as used:
     * keys nobody reads are reported by the host as unknown (file:line). */
    const char *(*param)(kz_host *host, const char *key);

    /* Typed parameters. On a bad value they log "file:line: key: reason" and return KZ_ERR,
     * leaving *out untouched; an absent key leaves *out untouched and returns KZ_OK. */
    int (*param_double)(kz_host *host, const char *key, double min, double max, double *out);
    int (*param_int)(kz_host *host, const char *key, long min, long max, long *out);
    int (*param_bool)(kz_host *host, const char *key, int *out);
    /* #rgb, #rrggbb, #rrggbbaa or a CSS-style name (black, white, red, ...). */
    int (*param_color)(kz_host *host, const char *key, kz_color *out);
    /* One of the '|'-separated words in choices, e.g. "fit|fill|stretch"; *out is its index. */
    int (*param_enum)(kz_host *host, const char *key, const char *choices, int *out);

    /* Report a problem with a key's value: logs "file:line: key: message" (the item's
     * section line when the key is absent). Use it for validation beyond the typed getters. */
    void (*param_error)(kz_host *host, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /* Resolve a media path from the item against the content root. Absolute paths and
     * paths escaping the root with ".." (after resolving symlinks) are refused; symlinks
     * that stay inside the root are resolved here. On success writes the absolute path
     * (symlinks resolved) into out and returns KZ_OK; on failure logs why with file:line
     * and returns KZ_ERR. The file must exist and be a readable regular file. The path is
     * for messages and for open_media(): opening it by path would race with a content editor
     * who swaps a component for a symlink in between. */
    int (*resolve_media)(kz_host *host, const char *key, char *out, size_t out_size);

    /* Font lookup: path of the first font of the chain for a role ("regular", "bold");
     * borrowed, lives as long as the host. NULL when no font is configured. */
    const char *(*font_path)(kz_host *host, const char *role);

    /* Lay out and rasterise UTF-8 text with the shared text engine into a new texture
     * (owned by the caller: SDL_DestroyTexture). *w and *h receive its size. NULL on
     * failure (logged). Call once and keep the texture; never per frame. */
    SDL_Texture *(*text_texture)(kz_host *host, SDL_Renderer *renderer, const char *utf8,
                                 const kz_text_style *style, int *w, int *h);

    /* Decode an image file (PNG, JPEG, WebP: whatever libavformat/libavcodec read) into a
     * new ARGB8888 surface, owned by the caller (SDL_FreeSurface). path is an absolute path
     * from resolve_media(). NULL on failure, logged with the file name and reason. A picture
     * above max_pixels() is refused from its header, undecoded. Safe to call from a plugin's
     * worker thread (it touches no renderer): decode stills there, not in prepare(). */
    SDL_Surface *(*image_load)(kz_host *host, const char *path);

    /* The player's time zone (IANA name, e.g. "Asia/Tokyo"); borrowed. */
    const char *(*timezone)(kz_host *host);

    /* The absolute instant (us since the Unix epoch) at which the item's slot began, i.e.
     * where render()'s t = 0 lies. For plugins that show wall time (clocks, countdowns):
     * the instant being drawn is item_start(host) + t. Never a reading of a clock. */
    kz_us (*item_start)(kz_host *host);

    /* The first character of utf8 (text-engine markup removed) that no font of the chain has,
     * or 0 when every one is covered. For check(): such a character would be missing on the
     * screen. Appended: test api->struct_size before calling. */
    uint32_t (*missing_glyph)(kz_host *host, const char *utf8);

    /* The font size in pixels text_texture() would use for utf8 with this style (style->px,
     * or what auto-fit chooses), without rasterising; -1 on failure. Lets a plugin keep sizes
     * in proportion (a body smaller than its title). Appended: test api->struct_size. */
    int (*text_fit)(kz_host *host, const char *utf8, const kz_text_style *style);

    /* The screen's hardware-decoding choice, player.ini [video] hwdec: "none", "auto",
     * "vaapi", "drm" or "v4l2m2m"; borrowed. A property of the box, the same for every item.
     * Appended in minor 3: test KZ_API_HAS(api, hwdec). */
    const char *(*hwdec)(kz_host *host);

    /* Appended in minor 4. The most pixels (width x height) one picture or video frame may
     * have ([player] max_pixels): a plugin that decodes media refuses larger files from their
     * header or codec parameters, before decoding. image_load() applies it itself. Safe to
     * call from a plugin's worker thread. Test KZ_API_HAS(api, max_pixels). */
    long (*max_pixels)(kz_host *host);
    /* Appended in minor 4. Read the first bytes of a picture (PNG, JPEG, GIF, WebP, BMP) and
     * refuse it when its header declares more than max_pixels(): logs why with file:line and
     * returns KZ_ERR; KZ_OK when it is within the limit or the format has no header the host
     * reads (image_load's decoder then applies the limit). Cheap enough for create(). */
    int (*image_probe)(kz_host *host, const char *path);
    /* Appended in minor 5. Open a path that resolve_media() gave, for reading: a read-only
     * descriptor (close-on-exec; the caller closes) opened beneath the content directory
     * without following any symlink, so that a directory or the file swapped for a symlink
     * since resolve_media() cannot make the player read outside the content directory. -1
     * when it cannot be opened or is refused, logged with file:line. Open media through it
     * (image_load() and image_probe() do), at the moment of use, never by path. Safe to call
     * from a plugin's worker thread. Test KZ_API_HAS(api, open_media). */
    int (*open_media)(kz_host *host, const char *path);

    /* Appended in minor 6. Fetched content, from the player's cache only: never a request on
     * the caller's thread. key names the item's URL key ("feed", "data"); the URL must be
     * http:// or https:// (else logged with file:line, KZ_ERR). The host registers the URL
     * with the player's background fetcher (kind: enum kz_fetched_kind, so a document that
     * does not parse never replaces the cached one; poll_s: seconds between requests, at
     * least 30) when the player runs; render, plan and check never fetch. Returns KZ_OK with
     * the cached copy in *out — data NULL when its version equals have (the caller's copy is
     * current: a cheap look at the cache's header) — or KZ_NOT_CACHED. The frame stays a
     * function of (time, cache): compare item_start() + t with out->fetched_at for age.
     * Test KZ_API_HAS(api, fetched). */
    int (*fetched)(kz_host *host, const char *key, int kind, long poll_s, const char *have,
                   kz_fetched *out);
    /* Appended in minor 6. Say what the item shows now, for proof of play and `kizuna ctl
     * status`: a cached copy's version, "fallback", or "skipped: why" (at most 47 bytes kept).
     * Cheap; call when it changes. Test KZ_API_HAS(api, shown). */
    void (*shown)(kz_host *host, const char *what);
    /* Appended in minor 7. The surface the frame is drawn into, when a plugin may write pixels
     * into it itself: the software renderer drawing straight onto the output (no render
     * target, no logical size or scale) into an SDL_PIXELFORMAT_ARGB8888 or RGB888 surface;
     * else NULL. Offset by the renderer's viewport, stay inside the zone's visible part (the
     * viewport and the clip rectangle), and call SDL_RenderFlush(renderer) first: what was
     * drawn before is then under the pixels written, what is drawn after goes on top. It
     * saves a video one pass over every frame (docs/plugin-api.md). Test
     * KZ_API_HAS(api, frame_surface). */
    SDL_Surface *(*frame_surface)(kz_host *host, SDL_Renderer *renderer);
} kz_host_api;

/* True when the host's table is long enough to hold field (appended services). */
#define KZ_API_HAS(api, field)                                                                   \
    ((api)->struct_size >= offsetof(kz_host_api, field) + sizeof((api)->field))

/* The host's function table for a handle. Every kz_host starts with a pointer to it. */
static inline const kz_host_api *kz_api(kz_host *host)
{
    return *(const kz_host_api *const *)host;
}

/* One key a plugin reads from its items (appended in minor 2). The table is the plugin's own
 * declaration of its keys: `kizuna help PLUGIN` and docs/keys.md are generated from it, an
 * unknown key in a playlist gets a "did you mean" from it, and the host reports a plugin that
 * reads a key its table does not list. All strings are static storage; the table ends with an
 * entry whose name is NULL. */
typedef struct kz_key {
    const char *name;    /* "fit"; ".LANG" at the end stands for each language: "title.LANG" */
    const char *type;    /* how the value is written: "fit|fill|stretch", "colour", "text",
                          * "file", "yes|no", "seconds", "integer 0-2000", "ISO 8601 time" */
    const char *def;     /* the default, as the reader should understand it; "required" when
                          * the item is refused without it; NULL or "" reads as none */
    const char *example; /* a value `kizuna check` accepts for this key */
    const char *doc;     /* one line: what the key does */
} kz_key;

/* Plugin instance state: whatever the plugin allocates in create(). */
typedef void kz_instance;

typedef struct kz_plugin {
    uint32_t abi_version; /* KZ_ABI_VERSION at build time */
    uint32_t struct_size; /* sizeof(kz_plugin) at build time */
    const char *name;     /* "image"; static storage; matches "plugin =" in playlists */
    const char *version;  /* the plugin's own version string; static storage */
    const char *description;

    /* Required. Parse and validate the item's parameters (through kz_api(host)->param*),
     * cheaply: no decoding, no SDL. Returns the new instance in *out (owned by the host,
     * released with destroy) or KZ_ERR after logging why. `host` stays valid until destroy.
     * Also used by `kizuna check`, which creates and destroys without preparing. */
    int (*create)(kz_host *host, kz_instance **out);

    /* Optional. Deeper static checks for `kizuna check` (e.g. the media decodes), after
     * create(). Log each problem with param_error; return the number of problems found. */
    int (*check)(kz_instance *inst);

    /* Required. Open files, decode the first frame, create textures. Runs ahead of the
     * item's air time (the next item is prepared while the current one plays) so that the
     * switch is gapless. May be called again after release(). KZ_OK or KZ_ERR (logged). */
    int (*prepare)(kz_instance *inst, SDL_Renderer *renderer);

    /* Optional. Natural length of the item (a clip's duration) or KZ_DURATION_UNKNOWN.
     * Called after create(); may open the file to probe it (the host caches the result). */
    kz_us (*duration)(kz_instance *inst);

    /* Required. Draw the item at item-relative time t into rect (zone coordinates on the
     * current render target). Must not present. Returns KZ_OK, KZ_FINISHED when the item
     * has nothing more to show, or KZ_ERR (logged) — the host then skips the item. */
    int (*render)(kz_instance *inst, SDL_Renderer *renderer, const SDL_Rect *rect, kz_us t);

    /* Optional. Free what prepare() made (textures, decoders) but keep the parsed
     * parameters, so the instance can be prepared again later. */
    void (*release)(kz_instance *inst);

    /* Required. Free everything; *inst is set to NULL. Textures made with the renderer
     * given to prepare() are still valid here. */
    void (*destroy)(kz_instance **inst);

    /* Optional (appended). 1 when render() paints every pixel of rect with opaque colour
     * (a full-screen video, picture or slide), so the host need not clear beneath it; 0 or
     * NULL when it may leave pixels untouched or translucent. Asked every frame: keep it
     * cheap and free of side effects. */
    int (*opaque)(kz_instance *inst);

    /* Optional (appended in minor 1). The item-relative instant until which the picture
     * render() draws stays exactly what it draws at t: render(t') == render(t) for every
     * t <= t' < next_change(t). Return t (or less) when the picture may change with every
     * frame (a ticker), KZ_CHANGE_NEVER when it never changes while on air (an image).
     * Derived from t and the item's parameters and media, never from a clock: the host
     * skips drawing, or composing the frame at all, until the instant has passed. NULL
     * (older plugins) reads as "changes every frame". Called after render() on the main
     * thread; keep it cheap and free of side effects. */
    kz_us (*next_change)(kz_instance *inst, kz_us t);

    /* Optional (appended in minor 2). The keys the plugin reads, ending with {NULL}; static
     * storage. NULL (older plugins): no reference, no suggestions, nothing cross-checked. */
    const kz_key *keys;
} kz_plugin;

/* next_change(): the picture never changes while the item is on air. */
#define KZ_CHANGE_NEVER INT64_MAX

typedef const kz_plugin *(*kz_plugin_entry_fn)(void);

/* Plugins define their descriptor with this: KZ_PLUGIN_EXPORT(my_descriptor); */
#define KZ_PLUGIN_EXPORT(desc)                                                                   \
    __attribute__((visibility("default"))) const kz_plugin *kz_plugin_entry(void);              \
    const kz_plugin *kz_plugin_entry(void) { return &(desc); }

#ifdef __cplusplus
}
#endif
#endif
