/* The console's front door (console.h): opening, the session and CSRF gate, login, and the
 * page assets; then the handler files take their part of /api/. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "console/console.h"
#include "console/util.h"
#include "ops/control.h"

#define LOG "console"
#define ASSET_MAX (4 * 1024 * 1024)

void kz_cresp_bytes(kz_cresp *rs, int status, const char *type, char *owned, size_t len)
{
    free(rs->body);
    rs->status = status;
    rs->body = owned;
    rs->len = len;
    snprintf(rs->type, sizeof rs->type, "%s", type);
}

void kz_cresp_json(kz_cresp *rs, int status, char *json_owned)
{
    if (!json_owned) {
        json_owned = strdup("{\"error\":\"out of memory\",\"code\":\"internal\"}");
        status = 500;
    }
    kz_cresp_bytes(rs, status, "application/json; charset=utf-8", json_owned,
                   json_owned ? strlen(json_owned) : 0);
}

static void error_v(kz_cresp *rs, int status, const char *code, json_t *params,
                    const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!params)
        params = json_object();
    /* every answer has a detail: the page may show the English text inside its sentence */
    if (params && !json_object_get(params, "detail"))
        json_object_set_new(params, "detail", json_string(msg));
    json_t *o = json_pack("{s:s,s:s,s:o}", "error", msg, "code", code, "params", params);
    kz_cresp_json(rs, status, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

void kz_cresp_error(kz_cresp *rs, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(rs, status, code, NULL, fmt, ap);
    va_end(ap);
}

void kz_cresp_errorp(kz_cresp *rs, int status, const char *code, json_t *params,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(rs, status, code, params, fmt, ap);
    va_end(ap);
}

void kz_cresp_free(kz_cresp *rs)
{
    free(rs->body);
    rs->body = NULL;
}

const char *kz_creq_arg(const kz_creq *rq, const char *key)
{
    for (int i = 0; i < rq->n_args; i++)
        if (!strcmp(rq->args[i].key, key))
            return rq->args[i].value;
    return NULL;
}

static int is_loopback(const char *addr)
{
    return !strcmp(addr, "127.0.0.1") || !strncmp(addr, "127.", 4) || !strcmp(addr, "::1") ||
           !strcmp(addr, "localhost");
}

int kz_console_open(kz_console *c, const kz_console_opts *o, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    int prev = kz_log_level();
    kz_log_set_level(KZ_LOG_ERROR);
    int errs = kz_config_load(&c->cfg, o->config);
    kz_log_set_level(prev);
    if (errs) {
        snprintf(err, errlen, "%s: %d problem(s) in the configuration (kizuna check says "
                              "which)", o->config, errs);
        return -1;
    }
    if (o->exe) {
        snprintf(c->exe, sizeof c->exe, "%s", o->exe);
    } else {
        ssize_t n = readlink("/proc/self/exe", c->exe, sizeof c->exe - 1);
        if (n <= 0) {
            snprintf(err, errlen, "cannot find the kizuna binary (/proc/self/exe)");
            return -1;
        }
        c->exe[n] = 0;
    }
    const char *www = o->www ? o->www : getenv("KIZUNA_WWW");
    if (www) {
        snprintf(c->www, sizeof c->www, "%s", www);
    } else {
        /* build/kizuna -> player/console/www in the tree; PREFIX/bin/kizuna ->
         * PREFIX/share/kizuna/console when installed */
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", c->exe);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        struct stat st;
        snprintf(c->www, sizeof c->www, "%s/../share/kizuna/console", dir);
        if (stat(c->www, &st) || !S_ISDIR(st.st_mode))
            snprintf(c->www, sizeof c->www, "%s/../player/console/www", dir);
        /* build/asan/kizuna (make check's sanitizer build) sits one level deeper */
        if (stat(c->www, &st) || !S_ISDIR(st.st_mode))
            snprintf(c->www, sizeof c->www, "%s/../../player/console/www", dir);
    }
    const char *listen = o->listen ? o->listen : c->cfg.console.listen;
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof c->addr) {
        snprintf(err, errlen, "--listen %s: expected ADDRESS:PORT", listen);
        return -1;
    }
    memcpy(c->addr, listen, (size_t)(colon - listen));
    c->addr[colon - listen] = 0;
    if (c->addr[0] == '[') { /* [::1]:8080 */
        memmove(c->addr, c->addr + 1, strlen(c->addr));
        c->addr[strcspn(c->addr, "]")] = 0;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) {
        snprintf(err, errlen, "--listen %s: the port must be 0..65535", listen);
        return -1;
    }
    c->port = (int)port;
    c->loopback = is_loopback(c->addr);
    if (!c->loopback && !c->cfg.console.password_hash[0]) {
        snprintf(err, errlen, "listening on %s (not loopback) needs a password: set one with "
                              "kizuna console --set-password, which writes [console] "
                              "password_hash into %s", c->addr, c->cfg.path);
        return -1;
    }
    /* TLS files: a missing or unreadable one stops the start here, with where it was given */
    const kz_console_config *k = &c->cfg.console;
    if (k->tls_cert[0] != 0 || k->tls_key[0] != 0) {
        const char *names[2] = {"tls_cert", "tls_key"};
        const char *files[2] = {k->tls_cert, k->tls_key};
        const int lines[2] = {k->tls_cert_line, k->tls_key_line};
        for (int i = 0; i < 2; i++) {
            if (!files[i][0]) {
                snprintf(err, errlen, "%s:%d: [console] %s is given without %s: HTTPS needs "
                         "both", c->cfg.path, lines[1 - i], names[1 - i], names[i]);
                return -1;
            }
            if (access(files[i], R_OK)) {
                snprintf(err, errlen, "%s:%d: [console] %s = %s: cannot read: %s", c->cfg.path,
                         lines[i], names[i], files[i], strerror(errno));
                return -1;
            }
        }
    }
    if (kz_auth_init(&c->auth, c->cfg.console.password_hash, c->loopback)) {
        snprintf(err, errlen, "libsodium did not initialise");
        return -1;
    }
    if (o->ctl_socket)
        snprintf(c->ctl, sizeof c->ctl, "%s", o->ctl_socket);
    else if (kz_ctl_socket_path(&c->cfg, c->cfg.display_index, c->ctl, sizeof c->ctl))
        c->ctl[0] = 0;
    c->child_timeout_ms = o->child_timeout_ms > 0 ? o->child_timeout_ms : 60000;
    snprintf(c->undo_dir, sizeof c->undo_dir, "%s/console/undo", c->cfg.logs);
    snprintf(c->audit_path, sizeof c->audit_path, "%s/console-audit.log", c->cfg.logs);
    if (kz_cmkdirs(c->undo_dir)) {
        snprintf(err, errlen, "%s: cannot create: %s", c->undo_dir, strerror(errno));
        return -1;
    }
    pthread_mutex_init(&c->lock, NULL);
    return 0;
}

void kz_console_close(kz_console *c)
{
    pthread_mutex_destroy(&c->lock);
}

/* ---- page assets ------------------------------------------------------------------------- */

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json; charset=utf-8"}, {".png", "image/png"},
        {".svg", "image/svg+xml"}, {".ico", "image/x-icon"},
    };
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(dot, map[i][0]))
            return map[i][1];
    return NULL;
}

static void serve_asset(kz_console *c, const char *path, kz_cresp *rs)
{
    const char *rel = !strcmp(path, "/") ? "index.html" : path + 1;
    const char *type = type_of(rel);
    char *buf;
    size_t len;
    if (!type || !kz_cname_ok(rel, 1) || kz_cread(c->www, rel, ASSET_MAX, &buf, &len)) {
        kz_cresp_errorp(rs, 404, "not_found", json_pack("{s:s}", "detail", path),
                        "%s: no such page", path);
        return;
    }
    kz_cresp_bytes(rs, 200, type, buf, len);
}

/* ---- login ------------------------------------------------------------------------------- */

static void session_json(kz_console *c, const kz_session *s, kz_cresp *rs, int status)
{
    json_t *o = json_pack("{s:b,s:b,s:s?,s:s}", "logged_in", s != NULL, "need_password",
                          c->auth.need_password, "csrf", s ? s->csrf : NULL, "screen",
                          c->cfg.name);
    kz_cresp_json(rs, status, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

static void login(kz_console *c, const kz_creq *rq, kz_cresp *rs, time_t now)
{
    if (kz_auth_limited(&c->auth, rq->remote, now)) {
        kz_cresp_errorp(rs, 429, "rate_limited", json_pack("{s:s}", "remote", rq->remote),
                        "too many failed logins from %s: wait a minute", rq->remote);
        return;
    }
    json_error_t je;
    json_t *in = rq->body_len ? json_loadb(rq->body, rq->body_len, 0, &je) : json_object();
    const char *pw = NULL;
    if (in)
        json_unpack(in, "{s?s}", "password", &pw);
    kz_session s;
    int rc = kz_auth_login(&c->auth, rq->remote, pw, now, &s);
    json_decref(in);
    if (rc == -1) {
        kz_caudit(c, rq->remote, "login-failed", NULL, NULL);
        kz_cresp_error(rs, 403, "bad_password", "wrong password");
        return;
    }
    if (rc < -2) {
        kz_cresp_error(rs, 503, "busy", "no free session");
        return;
    }
    kz_caudit(c, rq->remote, "login", NULL, NULL);
    snprintf(rs->set_cookie, sizeof rs->set_cookie,
             "kz_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", s.token,
             KZ_AUTH_IDLE_S, c->cfg.console.tls_cert[0] ? "; Secure" : "");
    session_json(c, &s, rs, 200);
}

/* A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) reaches a
 * loopback console with its own Host: only names that mean this machine, or the address we
 * listen on, are accepted. */
static int host_ok(const kz_console *c, const char *host)
{
    if (!host)
        return 0;
    char h[256];
    snprintf(h, sizeof h, "%s", host);
    char *colon = h[0] == '[' ? strchr(h, ']') : strrchr(h, ':');
    if (h[0] == '[') {
        if (!colon)
            return 0;
        *colon = 0;
        memmove(h, h + 1, strlen(h));
    } else if (colon) {
        *colon = 0;
    }
    return !strcmp(h, "localhost") || is_loopback(h) || !strcmp(h, c->addr) ||
           (!c->loopback && c->auth.need_password);
}

int kz_console_upload_allowed(kz_console *c, const char *host, const char *cookie,
                              const char *csrf)
{
    if (!host_ok(c, host))
        return 0;
    pthread_mutex_lock(&c->lock);
    kz_session *s = kz_auth_session(&c->auth, cookie, time(NULL));
    int ok = s && kz_auth_csrf_ok(s, csrf);
    pthread_mutex_unlock(&c->lock);
    return ok;
}

int kz_console_handle(kz_console *c, const kz_creq *rq, kz_cresp *rs)
{
    memset(rs, 0, sizeof *rs);
    time_t now = time(NULL);
    if (!host_ok(c, rq->host)) {
        kz_cresp_error(rs, 421, "bad_host", "this console answers only to its own address");
        return 0;
    }
    int is_get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
    if (strncmp(rq->path, "/api/", 5)) {
        if (!is_get)
            kz_cresp_errorp(rs, 405, "method",
                            json_pack("{s:s++}", "detail", rq->method, " ", rq->path),
                            "%s %s: not allowed", rq->method, rq->path);
        else
            serve_asset(c, rq->path, rs);
        return 0;
    }
    pthread_mutex_lock(&c->lock);
    if (!strcmp(rq->path, "/api/login") && !strcmp(rq->method, "POST")) {
        login(c, rq, rs, now);
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    kz_session *s = kz_auth_session(&c->auth, rq->cookie, now);
    if (!strcmp(rq->path, "/api/session")) {
        session_json(c, s, rs, 200);
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    if (!s) {
        pthread_mutex_unlock(&c->lock);
        kz_cresp_error(rs, 401, "login", "please log in");
        return 0;
    }
    if (!is_get && !kz_auth_csrf_ok(s, rq->csrf)) {
        pthread_mutex_unlock(&c->lock);
        kz_cresp_error(rs, 403, "csrf", "missing or wrong X-CSRF-Token header");
        return 0;
    }
    char who[128];
    snprintf(who, sizeof who, "%s/%.8s", s->who, s->token);
    if (!strcmp(rq->path, "/api/logout")) {
        kz_auth_logout(&c->auth, s);
        pthread_mutex_unlock(&c->lock);
        kz_caudit(c, who, "logout", NULL, NULL);
        snprintf(rs->set_cookie, sizeof rs->set_cookie,
                 "kz_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        kz_cresp_json(rs, 200, strdup("{}"));
        return 0;
    }
    pthread_mutex_unlock(&c->lock);
    /* each handler file answers 0 when the path is its own */
    if (kz_console_campaigns(c, rq, rs, who) == 0 || kz_console_views(c, rq, rs, who) == 0 ||
        kz_console_media(c, rq, rs, who) == 0)
        return 0;
    kz_cresp_errorp(rs, 404, "not_found", json_pack("{s:s++}", "detail", rq->method, " ",
                                                     rq->path),
                    "%s %s: no such API", rq->method, rq->path);
    return 0;
}
