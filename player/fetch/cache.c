/* The fetched-content cache (cache.h): atomic writes, checked reads. */
#include "fetch/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/log.h"

#define LOG "cache"
#define MAGIC "kizuna-cache 1\n"
#define HEADER_MAX 4096 /* bytes of header a reader accepts */

int kz_url_check(const char *url, char *why, size_t n)
{
    size_t len = url ? strlen(url) : 0;
    const char *rest = NULL;
    if (!len) {
        snprintf(why, n, "empty URL");
        return -1;
    }
    if (len >= KZ_URL_MAX) {
        snprintf(why, n, "URL longer than %d bytes", KZ_URL_MAX - 1);
        return -1;
    }
    if (!strncmp(url, "https://", 8))
        rest = url + 8;
    else if (!strncmp(url, "http://", 7))
        rest = url + 7;
    if (!rest) {
        snprintf(why, n, "only http:// and https:// URLs are fetched");
        return -1;
    }
    if (!*rest || *rest == '/' || *rest == '?' || *rest == '#') {
        snprintf(why, n, "no host in the URL");
        return -1;
    }
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c <= 0x20 || *c == 0x7f) {
            snprintf(why, n, "white space or a control character in the URL");
            return -1;
        }
    return 0;
}

void kz_cache_version(const char *body, size_t len, char out[KZ_CACHE_VERSION_LEN])
{
    unsigned char h[16];
    if (sodium_init() < 0) { /* cannot happen on a working libsodium; never an empty name */
        snprintf(out, KZ_CACHE_VERSION_LEN, "%032x", 0);
        return;
    }
    crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
    sodium_bin2hex(out, KZ_CACHE_VERSION_LEN, h, sizeof h);
}

int kz_cache_path(const char *dir, const char *url, char *out, size_t n)
{
    char v[KZ_CACHE_VERSION_LEN];
    kz_cache_version(url, strlen(url), v);
    int w = snprintf(out, n, "%s/%s.cache", dir, v);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

void kz_cache_entry_free(kz_cache_entry *e)
{
    free(e->body);
    e->body = NULL;
    e->len = 0;
}

/* One "key value" header line into e; unknown keys are ignored (later versions may add). */
static int header_line(kz_cache_entry *e, const char *line, long long *bytes)
{
    const char *sp = strchr(line, ' ');
    const char *v = sp ? sp + 1 : "";
    size_t k = sp ? (size_t)(sp - line) : strlen(line);
#define IS(name) (k == sizeof(name) - 1 && !strncmp(line, name, k))
    if (IS("url"))
        snprintf(e->url, sizeof e->url, "%s", v);
    else if (IS("fetched_at"))
        e->fetched_at = strtoll(v, NULL, 10);
    else if (IS("etag"))
        snprintf(e->etag, sizeof e->etag, "%s", v);
    else if (IS("last_modified"))
        snprintf(e->last_modified, sizeof e->last_modified, "%s", v);
    else if (IS("version"))
        snprintf(e->version, sizeof e->version, "%s", v);
    else if (IS("bytes")) {
        char *end;
        errno = 0;
        *bytes = strtoll(v, &end, 10);
        if (errno || *end || *bytes < 0)
            return -1;
    }
#undef IS
    return 0;
}

int kz_cache_read(const char *dir, const char *url, kz_cache_entry *e, int with_body)
{
    char path[4096], head[HEADER_MAX + 1];
    memset(e, 0, sizeof *e);
    if (!dir || !*dir || kz_cache_path(dir, url, path, sizeof path))
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    int rc = -2;
    const char *why = "truncated header";
    ssize_t got = pread(fd, head, HEADER_MAX, 0);
    if (got < (ssize_t)strlen(MAGIC) || memcmp(head, MAGIC, strlen(MAGIC))) {
        why = "not a kizuna cache file";
        goto out;
    }
    head[got] = 0;
    char *end = strstr(head, "\n\n");
    if (!end)
        goto out;
    end[1] = 0;
    long long bytes = -1;
    for (char *line = head + strlen(MAGIC); *line;) {
        char *nl = strchr(line, '\n');
        *nl = 0;
        if (header_line(e, line, &bytes)) {
            why = "bad byte count";
            goto out;
        }
        line = nl + 1;
    }
    if (strcmp(e->url, url)) {
        why = "holds another URL";
        goto out;
    }
    if (bytes < 0 || bytes > KZ_FETCH_MAX_BYTES || strlen(e->version) != 32) {
        why = "bad byte count or version";
        goto out;
    }
    off_t at = (off_t)(end + 2 - head);
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size != at + bytes) {
        why = "size does not match its header";
        goto out;
    }
    e->len = (size_t)bytes;
    if (with_body) {
        e->body = malloc(e->len + 1);
        if (!e->body) {
            why = "out of memory";
            goto out;
        }
        if (pread(fd, e->body, e->len, at) != (ssize_t)e->len) {
            why = "short read";
            goto out;
        }
        e->body[e->len] = 0;
        char v[KZ_CACHE_VERSION_LEN];
        kz_cache_version(e->body, e->len, v);
        if (strcmp(v, e->version)) {
            why = "body does not match its version (corrupt)";
            goto out;
        }
    }
    rc = 0;
out:
    close(fd);
    if (rc) {
        kz_cache_entry_free(e);
        kz_log(LOG, KZ_LOG_WARN, "%s: %s: ignored (for %.200s)", path, why, url);
    }
    return rc;
}

/* Header values never hold a line break (a server's ETag is copied from a header line). */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

int kz_cache_write(const char *dir, kz_cache_entry *e)
{
    char path[4096], tmp[4200];
    if (kz_cache_path(dir, e->url, path, sizeof path))
        return -1;
    if (mkdir(dir, 0750) && errno != EEXIST) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot create the cache folder: %m", dir);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    kz_cache_version(e->body ? e->body : "", e->len, e->version);
    one_line(e->etag);
    one_line(e->last_modified);
    char head[HEADER_MAX];
    int hl = snprintf(head, sizeof head, MAGIC "url %s\nfetched_at %" PRId64 "\netag %s\n"
                      "last_modified %s\nversion %s\nbytes %zu\n\n", e->url,
                      (int64_t)e->fetched_at, e->etag, e->last_modified, e->version, e->len);
    if (hl < 0 || hl >= (int)sizeof head)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: %m", tmp);
        return -1;
    }
    int rc = -1;
    if (write(fd, head, (size_t)hl) != hl)
        goto out;
    for (size_t off = 0; off < e->len;) {
        ssize_t w = write(fd, e->body + off, e->len - off);
        if (w <= 0)
            goto out;
        off += (size_t)w;
    }
    if (fsync(fd))
        goto out;
    rc = 0;
out:
    if (close(fd))
        rc = -1;
    if (rc == 0 && rename(tmp, path))
        rc = -1;
    if (rc) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot write the cached copy: %m", path);
        unlink(tmp);
        return -1;
    }
    /* The rename is durable once the folder's entry is: fsync the folder too. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}
