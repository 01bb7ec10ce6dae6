/* lib/: the plugin side of fetched content (kz_host_api.fetched): look at the cache at most
 * once per second of drawn time, take a new copy when its version changed, and say whether
 * the copy is fresh at the drawn instant. Shared by the ticker's feed and the notice's data;
 * everything is a function of the drawn instant and the cache, never of a clock. */
#ifndef KZW_LIVEFEED_H
#define KZW_LIVEFEED_H
#include "kizuna/plugin.h"

typedef struct kzw_live {
    const char *key;     /* the item's URL key ("feed", "data"); static storage */
    int kind;            /* enum kz_fetched_kind */
    long poll_s;         /* poll = */
    kz_us max_age;       /* max_age =: older copies are stale */
    /* What the plugin holds. */
    int have;            /* a copy was taken */
    char version[KZ_FETCHED_VERSION_LEN];
    kz_us fetched_at;
    kz_us looked;        /* the drawn second last looked at (-1: never) */
} kzw_live;

/* Read poll and max_age (defaults 300 s and 86400 s) and check the URL key. 0 or KZ_ERR. */
int kzw_live_keys(kz_host *host, kzw_live *l, const char *key, int kind);
/* At drawn instant now: when a second has passed since the last look (or force), ask the
 * cache. Returns 1 with a new copy in *data (owned: free()) and *len, 0 when nothing changed
 * (the held copy's fetched_at is still renewed), KZ_ERR when the service is missing. */
int kzw_live_poll(kz_host *host, kzw_live *l, kz_us now, int force, char **data, size_t *len);
/* Whether the held copy may air at now: taken and now - fetched_at <= max_age. A copy
 * fetched "after" now (render --at an earlier instant) counts as fresh. */
int kzw_live_fresh(const kzw_live *l, kz_us now);
#endif
