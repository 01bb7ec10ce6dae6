/* The background fetcher: one thread per player, owned by it (screen/player.c), that keeps
 * the cache (cache.h) of every URL the items named. Items register their URL through the
 * host's fetched() service; the same URL from several items is fetched once, at the
 * shortest poll interval any of them asked for. Only `kizuna play` starts the thread: the
 * commands that draw or check (render, plan, check) create the same object to learn the URLs
 * but never fetch from it, except check's one probe (kz_fetcher_probe).
 *
 * Every request: http/https only (also after redirects, at most 5), TLS verified, at most
 * KZ_FETCH_MAX_BYTES (refused from Content-Length or aborted while receiving), a connect and
 * a total timeout, conditional (If-None-Match / If-Modified-Since from the cached copy; 304
 * keeps the copy and renews its fetched_at). A 200 whose body does not parse as its kind is
 * refused: the last good copy stays. */
#ifndef KZ_FETCH_FETCHER_H
#define KZ_FETCH_FETCHER_H
#include <stddef.h>

#include "kizuna/plugin.h"

#define KZ_POLL_MIN_S 30        /* the shortest poll interval an item may ask for */
#define KZ_POLL_DEFAULT_S 300
#define KZ_FETCH_CONNECT_S 10
#define KZ_FETCH_TOTAL_S 30
#define KZ_FETCH_MAX_URLS 64    /* distinct URLs one player fetches */

enum kz_fetch_kind { KZ_FETCH_FEED = 0, KZ_FETCH_JSON, KZ_FETCH_CSV };

typedef struct kz_fetcher kz_fetcher;

typedef struct kz_fetch_limits {
    long max_bytes, connect_s, total_s;
    const int *cancel; /* when non-NULL and set (read atomically), the request stops at once */
} kz_fetch_limits;

/* cache_dir is copied. NULL on failure (logged). Call on the main thread; libcurl and libxml2
 * are started by the first watch, also on the main thread. */
kz_fetcher *kz_fetcher_new(const char *cache_dir);
/* The cache folder (borrowed). */
const char *kz_fetcher_cache_dir(const kz_fetcher *f);
/* Remember url (de-duplicated). poll_s is clamped to KZ_POLL_MIN_S. Thread-safe; cheap when
 * the URL is known. 0, or -1 when the table is full (logged once). */
int kz_fetcher_watch(kz_fetcher *f, const char *url, int kind, long poll_s);
/* Start the thread (kizuna play): every URL is fetched at once, then at its poll interval. */
int kz_fetcher_start(kz_fetcher *f);
/* Stop the thread (if started) and free; *f = NULL. */
void kz_fetcher_free(kz_fetcher **f);

/* One GET of url with lim. 200: *body (owned, NUL-terminated) and its length, the server's
 * ETag / Last-Modified; 304 when the cached entry's validators matched; else -1 with why. */
typedef struct kz_fetch_result {
    long status;
    char *body;
    size_t len;
    char etag[256], last_modified[128];
} kz_fetch_result;
int kz_fetch_get(const char *url, const char *etag, const char *last_modified,
                 const kz_fetch_limits *lim, kz_fetch_result *res, char *why, size_t why_n);
/* Whether body parses as kind. 0, or -1 with why. */
int kz_fetch_valid(int kind, const char *body, size_t len, char *why, size_t why_n);

/* kizuna check: fetch every registered URL once (timeout_s in total), without writing the
 * cache, and call report for each with ok 1, or 0 and why. Returns the number that failed. */
int kz_fetcher_probe(kz_fetcher *f, long timeout_s,
                     void (*report)(const char *url, int ok, const char *why, void *ud),
                     void *ud);
/* One line per URL for `kizuna ctl status`: "URL ok|failing since..., cached VERSION at ...". */
void kz_fetcher_status(kz_fetcher *f, void (*line)(const char *text, void *ud), void *ud);
#endif
