/* The fetched-content cache: one file per URL under [paths] cache, written atomically.
 *
 * File: <dir>/<32 hex digits of BLAKE2b-128(url)>.cache, a header of "key value" lines
 *   kizuna-cache 1 / url U / fetched_at US / etag E / last_modified L / version V / bytes N
 * then one empty line and exactly N bytes of the document as the server sent it. version is
 * the BLAKE2b-128 of the body in hex: what proof of play records as "which copy aired".
 * fetched_at is the last instant (us since the epoch, the box's real clock) at which the
 * server gave or confirmed (304) this body. A file is written to a temporary name in the same
 * folder, fsync'd and renamed over the old one, so a reader (or a power cut) sees the old
 * copy or the new one, never half of one. A file whose body does not hash to its version is
 * refused as corrupt. */
#ifndef KZ_FETCH_CACHE_H
#define KZ_FETCH_CACHE_H
#include <stddef.h>

#include "kizuna/plugin.h"

#define KZ_URL_MAX 1024              /* longest URL accepted from a playlist */
#define KZ_FETCH_MAX_BYTES (2L << 20) /* largest document fetched or read from the cache */
#define KZ_CACHE_VERSION_LEN 33      /* 32 hex digits and the NUL */

typedef struct kz_cache_entry {
    char url[KZ_URL_MAX];
    kz_us fetched_at;
    char etag[256];          /* the server's ETag, "" when none */
    char last_modified[128]; /* the server's Last-Modified, "" when none */
    char version[KZ_CACHE_VERSION_LEN];
    char *body;              /* owned, NUL-terminated (len bytes before it); NULL: header only */
    size_t len;
} kz_cache_entry;

/* Whether url may be fetched: http:// or https://, a host, at most KZ_URL_MAX - 1 bytes, no
 * white space or control characters. 0, or -1 with the reason in why. */
int kz_url_check(const char *url, char *why, size_t n);
/* The hash of body as a version string (hex). */
void kz_cache_version(const char *body, size_t len, char out[KZ_CACHE_VERSION_LEN]);
/* <dir>/<hash of url>.cache into out. 0, or -1 when it does not fit. */
int kz_cache_path(const char *dir, const char *url, char *out, size_t n);
/* Read the entry of url. with_body 0 reads the header alone (cheap: what version is cached).
 * 0 on success; -1 when nothing is cached; -2 when the file is unusable (corrupt, another
 * URL's, over the size limit): logged once per reason, treated like nothing cached. */
int kz_cache_read(const char *dir, const char *url, kz_cache_entry *e, int with_body);
/* Write e (url, fetched_at, etag, last_modified, body) atomically; fills e->version. The
 * folder is created when missing (0750). 0 or -1 (logged). */
int kz_cache_write(const char *dir, kz_cache_entry *e);
void kz_cache_entry_free(kz_cache_entry *e);
#endif
