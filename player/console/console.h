/* The operator console (kizuna console): an HTTP server, separate from the player, that edits
 * the files the player reads. This header is the console's core: one request in, one response
 * out, with no socket in sight, so that every API handler is tested by calling it
 * (tests/unit/test_console_*.c). server.c puts libmicrohttpd in front of it.
 *
 * Ownership: a kz_console owns its sessions and copies of its paths. A request
 * borrows everything it points at; a response owns its body (kz_cresp_free). */
#ifndef KZ_CONSOLE_H
#define KZ_CONSOLE_H
#include <limits.h>
#include <pthread.h>
#include <stddef.h>

#include "console/auth.h"
#include "model/config.h"

#define KZ_CONSOLE_MAX_ARGS 16
#define KZ_CONSOLE_BODY_MAX (1024 * 1024) /* JSON bodies; uploads have their own limit */

typedef struct kz_console_opts {
    const char *config;   /* player.ini (required) */
    const char *exe;      /* the kizuna binary run for render/plan/check/report/flash;
                           * NULL = /proc/self/exe resolved at open */
    const char *www;      /* page assets; NULL = $KIZUNA_WWW, else next to the binary */
    const char *listen;   /* ADDR:PORT; NULL = [console] listen or 127.0.0.1:8080 */
    const char *ctl_socket; /* the player's control socket; NULL = kz_ctl_socket_path */
    int child_timeout_ms; /* default 60000 */
} kz_console_opts;

typedef struct kz_console {
    kz_config cfg;        /* player.ini as read at open */
    char exe[PATH_MAX], www[PATH_MAX], ctl[108];
    char addr[64];
    int port;
    int loopback;         /* listening on a loopback address only */
    int child_timeout_ms;
    char undo_dir[PATH_MAX]; /* <logs>/console/undo: the previous version of the last change */
    char audit_path[PATH_MAX]; /* <logs>/console-audit.log */
    kz_auth auth;
    pthread_mutex_t lock;  /* sessions, files, undo: one change at a time */
} kz_console;

typedef struct kz_carg {
    const char *key, *value;
} kz_carg;

typedef struct kz_creq {
    const char *method;   /* GET, POST, PUT, DELETE */
    const char *path;     /* without the query */
    kz_carg args[KZ_CONSOLE_MAX_ARGS];
    int n_args;
    const char *cookie;   /* the Cookie header or NULL */
    const char *csrf;     /* the X-CSRF-Token header or NULL */
    const char *remote;   /* the peer's address as text */
    const char *host;     /* the Host header or NULL (checked against DNS rebinding) */
    const char *body;     /* JSON body (not NUL-terminated) */
    size_t body_len;
    const char *upload;   /* PUT /api/media/NAME: the temporary file the body went to
                           * (inside the content root), or NULL */
    long long upload_len;
} kz_creq;

typedef struct kz_cresp {
    int status;
    char *body;           /* owned */
    size_t len;
    char type[64];        /* Content-Type */
    char set_cookie[256]; /* a Set-Cookie value or "" */
    char disposition[160];/* a Content-Disposition value or "" */
} kz_cresp;

int kz_console_open(kz_console *c, const kz_console_opts *o, char *err, size_t errlen);
void kz_console_close(kz_console *c);
/* The whole console: login, session and CSRF gate, the API and the page assets. Always fills
 * resp (status and body); returns 0. */
int kz_console_handle(kz_console *c, const kz_creq *rq, kz_cresp *rs);
void kz_cresp_free(kz_cresp *rs);
/* Before an upload's body is stored: 1 when host, cookie and CSRF header would let the request
 * through the gate of kz_console_handle (so nobody who has not logged in can fill the disk). */
int kz_console_upload_allowed(kz_console *c, const char *host, const char *cookie,
                              const char *csrf);
const char *kz_creq_arg(const kz_creq *rq, const char *key);

/* Serve until *stop becomes non-zero (server.c). 0, or -1 with a message logged. */
int kz_console_serve(kz_console *c, volatile int *stop);

/* ---- response helpers (router.c), for the handler files ---------------------------------- */
void kz_cresp_json(kz_cresp *rs, int status, char *json_owned);
/* {"error": the English text, "code": a stable code, "params": the values the text holds}.
 * The page says srv.CODE of www/i18n.js with the params filled in, so every code used here
 * has its entry there in every language (tests/integration/test_console_messages.sh). The
 * English text is for curl and the logs. kz_cresp_errorp takes the params (owned; NULL for
 * none). */
void kz_cresp_error(kz_cresp *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct json_t;
void kz_cresp_errorp(kz_cresp *rs, int status, const char *code, struct json_t *params,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void kz_cresp_bytes(kz_cresp *rs, int status, const char *type, char *owned, size_t len);

/* ---- the handler files ------------------------------------------------------------------ */
/* campaigns.c: GET /api/campaigns, GET/PUT/DELETE /api/campaigns/FILE, POST /api/undo,
 * POST /api/bulk */
int kz_console_campaigns(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who);
/* views.c: /api/preview, /api/check, /api/plan, /api/keys, /api/report, /api/screen/... */
int kz_console_views(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who);
/* media.c: GET /api/media, PUT /api/media/NAME (probe, flash analysis, then the name),
 * GET /api/thumbs/NAME (thumbs.c) */
int kz_console_media(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who);
#endif
