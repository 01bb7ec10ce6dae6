/* The control socket: a local UNIX stream socket, owner-only (0600, and the peer's uid is
 * checked), served without ever blocking the frame loop.
 *
 * Protocol (one request per connection): the client writes the request and shuts down its
 * writing side; the server answers and closes. A request is a first line "VERB [ARG]" and then
 * "key=value" lines; a "text=" line takes everything after it, line breaks included. The
 * answer starts with "ok\n" or "error: reason\n", then free text for people. */
#ifndef KZ_CONTROL_H
#define KZ_CONTROL_H
#include <stdarg.h>
#include <stddef.h>

#include "kizuna/plugin.h"
#include "model/config.h"

#define KZ_CTL_MAX_CONNS 8
#define KZ_CTL_MAX_REQUEST (16 * 1024)

/* A growing string (owned). */
typedef struct kz_buf {
    char *s;
    size_t len, cap;
} kz_buf;
void kz_buf_printf(kz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kz_buf_free(kz_buf *b);

typedef struct kz_ctl_conn {
    int fd;          /* -1 = free */
    char *in;        /* request bytes (owned) */
    size_t in_len;
    kz_buf out;      /* answer, sent from out_off on */
    size_t out_off;
    int answered;
    kz_us opened_mono;
} kz_ctl_conn;

/* The handler gets the whole request (NUL-terminated) and writes the answer into out. */
typedef void (*kz_ctl_handler)(void *ud, char *request, kz_buf *out);

typedef struct kz_ctl_server {
    int fd;          /* listening socket or -1 */
    char path[108];
    kz_ctl_conn conns[KZ_CTL_MAX_CONNS];
    kz_ctl_handler handle;
    void *ud;
    long served, refused;
} kz_ctl_server;

/* Where the socket lives for this configuration: $KIZUNA_CONTROL when set, else
 * <[paths] logs>/control.sock, else (path too long for a UNIX socket)
 * $XDG_RUNTIME_DIR/kizuna-<name>.sock. A player on display N > 0 (one process per display)
 * uses control-dN.sock / kizuna-<name>-dN.sock. 0, or -1 when no path fits. */
int kz_ctl_socket_path(const kz_config *c, int display, char *out, size_t n);

/* Bind and listen (non-blocking, mode 0600). A stale socket left by a killed player is
 * replaced; a live one (another player answering) is an error. 0 or -1 (logged). */
int kz_ctl_listen(kz_ctl_server *s, const char *path, kz_ctl_handler fn, void *ud);
/* Accept, read, answer: whatever is ready now; never blocks. */
void kz_ctl_poll(kz_ctl_server *s, kz_us mono_now);
void kz_ctl_close(kz_ctl_server *s);

/* Client: send request, wait up to timeout_ms for the whole answer (*answer is owned by the
 * caller). 0, or -1 with a reason in err. */
int kz_ctl_request(const char *path, const char *request, char **answer, int timeout_ms,
                   char *err, size_t errlen);

#endif
