/* The background fetcher (fetcher.h): libcurl easy handles on one thread, the cache on disk.
 * The thread holds the lock only to read and update the URL table, never across a request,
 * so registering a URL from the main thread never waits for the network. */
#include "fetch/fetcher.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "datapick.h"  /* lib/ */
#include "feedparse.h" /* lib/ */
#include "fetch/cache.h"

#define LOG "fetch"

typedef struct watched {
    char url[KZ_URL_MAX];
    int kind;
    long poll_s;
    kz_us due;            /* monotonic instant of the next request */
    kz_us last_ok;        /* real time of the last 200 or 304; 0 = none yet */
    kz_us failing_since;  /* real time of the first failure in a row; 0 = not failing */
    char why[200];        /* the last failure */
} watched;

struct kz_fetcher {
    char dir[4096];
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int started, full_logged;
    int stop; /* under lock, and read atomically by a request in flight */
    watched urls[KZ_FETCH_MAX_URLS];
    int n;
};

static const kz_fetch_limits default_limits = {KZ_FETCH_MAX_BYTES, KZ_FETCH_CONNECT_S,
                                               KZ_FETCH_TOTAL_S, NULL};

/* libcurl (and through it the TLS library) and libxml2 are started when the first URL is
 * watched, not when the player opens: a screen without feeds never pays for them (libcurl's
 * start-up alone touched about 3 MB of libcrypto; docs/performance.md, peak RSS). Not
 * thread-safe: called on the main thread (watch, probe), and the fetcher thread requests only
 * URLs watched after it. 0 when ready. */
static int net_ready(void)
{
    static int state; /* 0 not yet, 1 ready, -1 failed (said once) */
    if (state == 0) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
            kz_log(LOG, KZ_LOG_ERROR, "libcurl cannot start: nothing will be fetched");
            state = -1;
        } else {
            kz_feed_init();
            state = 1;
        }
    }
    return state > 0 ? 0 : -1;
}

kz_fetcher *kz_fetcher_new(const char *cache_dir)
{
    kz_fetcher *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    snprintf(f->dir, sizeof f->dir, "%s", cache_dir ? cache_dir : "");
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->wake, &ca);
    pthread_condattr_destroy(&ca);
    return f;
}

const char *kz_fetcher_cache_dir(const kz_fetcher *f) { return f->dir; }

int kz_fetcher_watch(kz_fetcher *f, const char *url, int kind, long poll_s)
{
    if (net_ready())
        return -1;
    if (poll_s < KZ_POLL_MIN_S)
        poll_s = KZ_POLL_MIN_S;
    pthread_mutex_lock(&f->lock);
    int rc = 0;
    for (int i = 0; i < f->n; i++) {
        if (!strcmp(f->urls[i].url, url)) {
            if (poll_s < f->urls[i].poll_s)
                f->urls[i].poll_s = poll_s;
            goto out;
        }
    }
    if (f->n == KZ_FETCH_MAX_URLS) {
        if (!f->full_logged)
            kz_log(LOG, KZ_LOG_ERROR, "more than %d distinct URLs: %.200s and later ones are "
                   "not fetched", KZ_FETCH_MAX_URLS, url);
        f->full_logged = 1;
        rc = -1;
        goto out;
    }
    watched *w = &f->urls[f->n++];
    memset(w, 0, sizeof *w);
    snprintf(w->url, sizeof w->url, "%s", url);
    w->kind = kind;
    w->poll_s = poll_s;
    w->due = 0; /* at once */
    pthread_cond_signal(&f->wake);
out:
    pthread_mutex_unlock(&f->lock);
    return rc;
}

/* ---- one request ----------------------------------------------------------------------- */

typedef struct sink {
    kz_fetch_result *res;
    size_t cap;
    long max;
    int too_big;
} sink;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (s->res->len + n > (size_t)s->max) {
        s->too_big = 1;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    if (s->res->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 16384;
        while (cap < s->res->len + n + 1)
            cap *= 2;
        char *nb = realloc(s->res->body, cap);
        if (!nb)
            return 0;
        s->res->body = nb;
        s->cap = cap;
    }
    memcpy(s->res->body + s->res->len, data, n);
    s->res->len += n;
    s->res->body[s->res->len] = 0;
    return n;
}

/* "Name: value\r\n" into out when the header is name (case-insensitive); a new response
 * (after a redirect) starts with its status line and clears what an earlier one said. */
static void header_value(const char *line, size_t n, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) || line[nl] != ':')
        return;
    const char *v = line + nl + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
        e--;
    size_t l = (size_t)(e - v);
    if (l >= cap)
        return; /* an over-long validator is not kept: the next request is unconditional */
    memcpy(out, v, l);
    out[l] = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    kz_fetch_result *r = ud;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
        r->etag[0] = r->last_modified[0] = 0;
        return n;
    }
    header_value(data, n, "ETag", r->etag, sizeof r->etag);
    header_value(data, n, "Last-Modified", r->last_modified, sizeof r->last_modified);
    return n;
}

/* libcurl calls this about once a second and on every transfer: a player that quits does
 * not wait out a slow server's timeout. */
static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return __atomic_load_n((const int *)ud, __ATOMIC_RELAXED) ? 1 : 0;
}

int kz_fetch_get(const char *url, const char *etag, const char *last_modified,
                 const kz_fetch_limits *lim, kz_fetch_result *res, char *why, size_t why_n)
{
    memset(res, 0, sizeof *res);
    if (!lim)
        lim = &default_limits;
    if (kz_url_check(url, why, why_n))
        return -1;
    if (net_ready()) { /* already done by the watch on the fetcher thread's path */
        snprintf(why, why_n, "libcurl cannot start");
        return -1;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, why_n, "libcurl: no handle");
        return -1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    char h1[300], h2[160];
    struct curl_slist *hdr = NULL;
    if (etag && *etag) {
        snprintf(h1, sizeof h1, "If-None-Match: %s", etag);
        hdr = curl_slist_append(hdr, h1);
    }
    if (last_modified && *last_modified) {
        snprintf(h2, sizeof h2, "If-Modified-Since: %s", last_modified);
        hdr = curl_slist_append(hdr, h2);
    }
    sink s = {.res = res, .max = lim->max_bytes};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, lim->connect_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, lim->total_s);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)lim->max_bytes);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kizuna-signage");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* the limit counts decoded bytes */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, res);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    if (hdr)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    if (lim->cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)lim->cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    CURLcode cc = curl_easy_perform(c);
    int rc = -1;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED)
        snprintf(why, why_n, "larger than %ld bytes: refused", lim->max_bytes);
    else if (cc != CURLE_OK)
        snprintf(why, why_n, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (res->status == 304 || res->status == 200)
        rc = 0;
    else
        snprintf(why, why_n, "HTTP %ld", res->status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    if (rc) {
        free(res->body);
        res->body = NULL;
        res->len = 0;
    } else if (res->status == 200 && !res->body) {
        res->body = calloc(1, 1); /* an empty 200: a body of no bytes */
        if (!res->body) {
            snprintf(why, why_n, "out of memory");
            return -1;
        }
    }
    return rc;
}

int kz_fetch_valid(int kind, const char *body, size_t len, char *why, size_t why_n)
{
    if (kind == KZ_FETCH_FEED) {
        kz_feed_items it;
        if (kz_feed_parse(body, len, &it, why, why_n))
            return -1;
        kz_feed_items_free(&it);
        return 0;
    }
    return kz_data_valid(kind == KZ_FETCH_CSV ? KZ_DATA_CSV : KZ_DATA_JSON, body, len, why,
                         why_n);
}

/* Fetch w's URL once and update the cache. 0 on success (200 cached or 304), -1 with why. */
static int refresh(kz_fetcher *f, const char *url, int kind, char *why, size_t why_n)
{
    const char *dir = f->dir;
    kz_fetch_limits lim = default_limits;
    lim.cancel = &f->stop;
    kz_cache_entry e;
    int cached = kz_cache_read(dir, url, &e, 1) == 0;
    kz_fetch_result r;
    int rc = kz_fetch_get(url, cached ? e.etag : NULL, cached ? e.last_modified : NULL, &lim,
                          &r, why, why_n);
    if (rc == 0 && r.status == 304 && !cached) {
        snprintf(why, why_n, "304 without a cached copy"); /* a server that ignores us */
        rc = -1;
    } else if (rc == 0 && r.status == 304) {
        e.fetched_at = kz_now_real(); /* the server confirmed the copy: it is current */
        rc = kz_cache_write(dir, &e);
        if (!rc)
            kz_log(LOG, KZ_LOG_DEBUG, "%.200s: not modified (%s)", url, e.version);
    } else if (rc == 0) {
        char bad[200];
        if (kz_fetch_valid(kind, r.body, r.len, bad, sizeof bad)) {
            snprintf(why, why_n, "malformed, the cached copy stays: %s", bad);
            rc = -1;
        } else {
            kz_cache_entry n;
            memset(&n, 0, sizeof n);
            snprintf(n.url, sizeof n.url, "%s", url);
            n.fetched_at = kz_now_real();
            snprintf(n.etag, sizeof n.etag, "%s", r.etag);
            snprintf(n.last_modified, sizeof n.last_modified, "%s", r.last_modified);
            n.body = r.body;
            n.len = r.len;
            rc = kz_cache_write(dir, &n);
            if (!rc)
                kz_log(LOG, KZ_LOG_INFO, "%.200s: %zu bytes cached as %s%s", url, r.len,
                       n.version, cached && !strcmp(n.version, e.version) ? " (unchanged)" : "");
            else
                snprintf(why, why_n, "cannot write the cache");
        }
    }
    free(r.body);
    if (cached)
        kz_cache_entry_free(&e);
    return rc;
}

/* ---- the thread ------------------------------------------------------------------------ */

static void *run(void *ud)
{
    kz_fetcher *f = ud;
    pthread_mutex_lock(&f->lock);
    while (!f->stop) {
        kz_us now = kz_now_mono(), next = now + 60 * KZ_US_PER_S;
        int pick = -1;
        for (int i = 0; i < f->n; i++) {
            if (f->urls[i].due <= now && pick < 0)
                pick = i;
            if (f->urls[i].due < next)
                next = f->urls[i].due;
        }
        if (pick < 0) {
            struct timespec ts = {(time_t)(next / KZ_US_PER_S),
                                  (long)(next % KZ_US_PER_S) * 1000};
            pthread_cond_timedwait(&f->wake, &f->lock, &ts);
            continue;
        }
        char url[KZ_URL_MAX];
        snprintf(url, sizeof url, "%s", f->urls[pick].url);
        int kind = f->urls[pick].kind;
        long poll = f->urls[pick].poll_s;
        f->urls[pick].due = now + poll * KZ_US_PER_S; /* not asked twice while in flight */
        pthread_mutex_unlock(&f->lock);
        char why[200] = "";
        int rc = refresh(f, url, kind, why, sizeof why);
        pthread_mutex_lock(&f->lock);
        watched *w = &f->urls[pick];
        if (rc == 0) {
            if (w->failing_since)
                kz_log(LOG, KZ_LOG_INFO, "%.200s: reachable again", url);
            w->last_ok = kz_now_real();
            w->failing_since = 0;
            w->why[0] = 0;
        } else {
            if (!w->failing_since || strcmp(w->why, why))
                kz_log(LOG, KZ_LOG_WARN, "%.200s: %s; the cached copy (if any) stays on air",
                       url, why);
            if (!w->failing_since)
                w->failing_since = kz_now_real();
            snprintf(w->why, sizeof w->why, "%s", why);
            /* Try again sooner than the poll interval, never more often than the minimum. */
            long retry = poll / 4 < KZ_POLL_MIN_S ? KZ_POLL_MIN_S : poll / 4;
            w->due = kz_now_mono() + (retry < poll ? retry : poll) * KZ_US_PER_S;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

int kz_fetcher_start(kz_fetcher *f)
{
    if (f->started)
        return 0;
    if (pthread_create(&f->thread, NULL, run, f)) {
        kz_log(LOG, KZ_LOG_ERROR, "cannot start the fetcher thread: nothing will be fetched");
        return -1;
    }
    f->started = 1;
    return 0;
}

void kz_fetcher_free(kz_fetcher **fp)
{
    kz_fetcher *f = fp ? *fp : NULL;
    if (!f)
        return;
    if (f->started) {
        pthread_mutex_lock(&f->lock);
        __atomic_store_n(&f->stop, 1, __ATOMIC_RELAXED); /* also read by on_progress */
        pthread_cond_signal(&f->wake);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL); /* at most one request's total timeout */
    }
    pthread_cond_destroy(&f->wake);
    pthread_mutex_destroy(&f->lock);
    free(f);
    *fp = NULL;
}

int kz_fetcher_probe(kz_fetcher *f, long timeout_s,
                     void (*report)(const char *url, int ok, const char *why, void *ud), void *ud)
{
    kz_fetch_limits lim = {KZ_FETCH_MAX_BYTES, timeout_s, timeout_s, NULL};
    int failed = 0;
    for (int i = 0; i < f->n; i++) { /* check runs no fetcher thread: the table is ours */
        char why[200] = "", bad[200];
        kz_fetch_result r;
        int ok = kz_fetch_get(f->urls[i].url, NULL, NULL, &lim, &r, why, sizeof why) == 0;
        if (ok && kz_fetch_valid(f->urls[i].kind, r.body, r.len, bad, sizeof bad)) {
            snprintf(why, sizeof why, "malformed: %s", bad);
            ok = 0;
        }
        free(r.body);
        failed += !ok;
        report(f->urls[i].url, ok, why, ud);
    }
    return failed;
}

void kz_fetcher_status(kz_fetcher *f, void (*line)(const char *text, void *ud), void *ud)
{
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->n; i++) {
        const watched *w = &f->urls[i];
        char text[600], a[48] = "never", b[48] = "";
        if (w->last_ok)
            kz_time_format(w->last_ok, a, sizeof a);
        if (w->failing_since)
            kz_time_format(w->failing_since, b, sizeof b);
        snprintf(text, sizeof text, "fetch %.300s: %s%s%s%s, last good %s, every %ld s", w->url,
                 !f->started ? "not fetching (this command never fetches)"
                 : w->failing_since ? "failing since " : "ok", b,
                 w->failing_since ? ": " : "", w->why, a, w->poll_s);
        line(text, ud);
    }
    pthread_mutex_unlock(&f->lock);
}
