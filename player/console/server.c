/* libmicrohttpd in front of kz_console_handle (console.h): it turns each connection's request
 * into a kz_creq, bounds what it accepts (headers by libmicrohttpd, JSON bodies at
 * KZ_CONSOLE_BODY_MAX, uploads at [console] upload_max, streamed to a file inside the content
 * root as they come), and sends the kz_cresp back with the headers every answer carries. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "console/console.h"
#include "console/util.h"

#define LOG "console"
#define CONN_LIMIT 256 /* one thread each; the page opens a few, a busy office a hundred */
#define CONN_TIMEOUT_S 120

/* What one request gathers while its body arrives; freed by request_done. */
typedef struct pending {
    char *body;
    size_t len, cap;
    int too_big;          /* answer 413 once the body is in */
    int drain;            /* an upload from someone not logged in: read and dropped */
    int upload_fd;        /* PUT /api/media/NAME: the body goes to this file */
    char upload_path[PATH_MAX];
    long long upload_len;
} pending;

static int is_upload(const char *method, const char *url)
{
    return !strcmp(method, "PUT") && !strncmp(url, "/api/media/", 11);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    kz_creq *rq = cls;
    (void)kind;
    if (rq->n_args < KZ_CONSOLE_MAX_ARGS && key) {
        rq->args[rq->n_args].key = key;
        rq->args[rq->n_args].value = value ? value : "";
        rq->n_args++;
    }
    return MHD_YES;
}

static void add_common_headers(struct MHD_Response *r, const char *url)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    /* the pages load only their own files; the plan's HTML is shown in a sandboxed frame */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' blob: data:; style-src 'self' "
                            "'unsafe-inline'; frame-ancestors 'self'; form-action 'self'");
    /* a thumbnail's address carries the file's size and time (?v=), so it may be kept */
    if (!strncmp(url, "/api/thumbs/", 12))
        MHD_add_response_header(r, "Cache-Control", "private, max-age=86400");
    else if (!strncmp(url, "/api/", 5))
        MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result answer(struct MHD_Connection *conn, const char *url, kz_cresp *rs)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : (char *)"",
                                        rs->body ? MHD_RESPMEM_MUST_FREE
                                                 : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        kz_cresp_free(rs);
        return MHD_NO;
    }
    rs->body = NULL; /* libmicrohttpd frees it */
    MHD_add_response_header(r, "Content-Type", rs->type[0] ? rs->type : "text/plain");
    if (rs->set_cookie[0])
        MHD_add_response_header(r, "Set-Cookie", rs->set_cookie);
    if (rs->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", rs->disposition);
    add_common_headers(r, url);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void peer_text(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    kz_console *c = cls;
    (void)version;
    pending *p = *con_cls;
    if (!p) { /* first call: headers only */
        p = calloc(1, sizeof *p);
        if (!p)
            return MHD_NO;
        p->upload_fd = -1;
        *con_cls = p;
        if (is_upload(method, url) &&
            !kz_console_upload_allowed(
                c, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"),
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie"),
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"))) {
            /* not logged in: the body is drained, never stored; the gate answers 401/403 */
            p->drain = 1;
        } else if (is_upload(method, url)) {
            /* the body lands inside the content root under a hidden name; media.c moves it
             * to its real name only when it is media */
            snprintf(p->upload_path, sizeof p->upload_path, "%s/.kz-upload-XXXXXX",
                     c->cfg.content);
            p->upload_fd = mkostemp(p->upload_path, O_CLOEXEC);
            if (p->upload_fd < 0) {
                kz_log(LOG, KZ_LOG_ERROR, "%s: cannot store an upload: %s", c->cfg.content,
                       strerror(errno));
                p->upload_path[0] = 0;
                p->too_big = 2;
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (p->too_big || p->drain)
            return MHD_YES; /* drain, answer at the end */
        if (p->upload_fd >= 0) {
            if (p->upload_len + (long long)n > c->cfg.console.upload_max) {
                p->too_big = 1;
                return MHD_YES;
            }
            const char *s = upload_data;
            size_t left = n;
            while (left) {
                ssize_t w = write(p->upload_fd, s, left);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    p->too_big = 2;
                    break;
                }
                s += w;
                left -= (size_t)w;
            }
            p->upload_len += (long long)n;
            return MHD_YES;
        }
        if (p->len + n > KZ_CONSOLE_BODY_MAX) {
            p->too_big = 1;
            return MHD_YES;
        }
        if (p->len + n > p->cap) {
            size_t cap = p->cap ? p->cap : 4096;
            while (cap < p->len + n)
                cap *= 2;
            char *b = realloc(p->body, cap);
            if (!b)
                return MHD_NO;
            p->body = b;
            p->cap = cap;
        }
        memcpy(p->body + p->len, upload_data, n);
        p->len += n;
        return MHD_YES;
    }
    /* the whole request is in */
    kz_cresp rs;
    memset(&rs, 0, sizeof rs);
    if (p->too_big) {
        if (p->too_big == 1)
            kz_cresp_errorp(&rs, 413, "too_big",
                            json_pack("{s:I,s:i}", "upload_max",
                                      (json_int_t)c->cfg.console.upload_max, "body_max",
                                      KZ_CONSOLE_BODY_MAX),
                            "the request is larger than allowed (%lld bytes for uploads, %d "
                            "for other requests)", c->cfg.console.upload_max,
                            KZ_CONSOLE_BODY_MAX);
        else
            kz_cresp_error(&rs, 500, "upload", "the upload could not be stored");
        return answer(conn, url, &rs);
    }
    kz_creq rq;
    memset(&rq, 0, sizeof rq);
    char peer[64];
    peer_text(conn, peer, sizeof peer);
    rq.method = method;
    rq.path = url;
    rq.remote = peer;
    rq.host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    rq.cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
    rq.csrf = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &rq);
    rq.body = p->body;
    rq.body_len = p->len;
    if (p->upload_fd >= 0) {
        close(p->upload_fd);
        p->upload_fd = -1;
        rq.upload = p->upload_path;
        rq.upload_len = p->upload_len;
    }
    kz_console_handle(c, &rq, &rs);
    return answer(conn, url, &rs);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    pending *p = *con_cls;
    if (!p)
        return;
    if (p->upload_fd >= 0)
        close(p->upload_fd);
    if (p->upload_path[0])
        unlink(p->upload_path); /* media.c renamed it away when it kept it */
    free(p->body);
    free(p);
    *con_cls = NULL;
}

static char *read_pem(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1024 * 1024);
    size_t n = buf ? fread(buf, 1, 1024 * 1024 - 1, f) : 0;
    fclose(f);
    if (buf && !n) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

int kz_console_serve(kz_console *c, volatile int *stop)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_ERROR_LOG;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, c->addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)c->port);
        sl = sizeof *s4;
    } else if (inet_pton(AF_INET6, c->addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)c->port);
        sl = sizeof *s6;
        flags |= MHD_USE_IPv6;
    } else {
        kz_log(LOG, KZ_LOG_ERROR, "%s: not an IP address (give e.g. 127.0.0.1:8080)", c->addr);
        return -1;
    }
    (void)sl;
    char *cert = NULL, *key = NULL;
    if (c->cfg.console.tls_cert[0] || c->cfg.console.tls_key[0]) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            kz_log(LOG, KZ_LOG_ERROR, "tls_cert is set but this libmicrohttpd has no TLS");
            return -1;
        }
        cert = read_pem(c->cfg.console.tls_cert);
        key = read_pem(c->cfg.console.tls_key);
        if (!cert || !key) {
            kz_log(LOG, KZ_LOG_ERROR, "[console] tls_cert and tls_key: both must be readable "
                   "PEM files (%s, %s)", c->cfg.console.tls_cert, c->cfg.console.tls_key);
            free(cert), free(key);
            return -1;
        }
        flags |= MHD_USE_TLS;
    }
    struct MHD_Daemon *d;
    if (cert)
        d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, c, MHD_OPTION_SOCK_ADDR, &ss,
                             MHD_OPTION_NOTIFY_COMPLETED, request_done, c,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                             MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                             MHD_OPTION_END);
    else
        d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, c, MHD_OPTION_SOCK_ADDR, &ss,
                             MHD_OPTION_NOTIFY_COMPLETED, request_done, c,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                             MHD_OPTION_END);
    if (!d && cert) {
        /* the files were read (kz_console_open): what fails now is their content */
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [console] cannot start HTTPS on %s:%d with tls_cert "
               "= %s and tls_key = %s: not PEM, or the key is not the certificate's (or the "
               "port is taken)", c->cfg.path, c->cfg.console.tls_cert_line, c->addr, c->port,
               c->cfg.console.tls_cert, c->cfg.console.tls_key);
        free(cert), free(key);
        return -1;
    }
    if (!d) {
        kz_log(LOG, KZ_LOG_ERROR, "cannot listen on %s:%d: %s", c->addr, c->port,
               strerror(errno));
        free(cert), free(key);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int port = di ? di->port : c->port;
    int v6 = strchr(c->addr, ':') != NULL;
    /* the one line on stdout: tests and make demo read the address from it */
    printf("kizuna console: %s://%s%s%s:%d/\n", cert ? "https" : "http", v6 ? "[" : "",
           c->addr, v6 ? "]" : "", port);
    fflush(stdout);
    kz_caudit(c, "-", "start", NULL, c->auth.need_password ? "password required"
                                                           : "loopback, no password");
    while (!*stop) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    kz_caudit(c, "-", "stop", NULL, NULL);
    free(cert), free(key);
    return 0;
}
