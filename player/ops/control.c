/* Control socket server and client. See control.h. */
#include "ops/control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"

#define LOG "control"
/* A client that has not finished its request after this long is dropped. */
#define KZ_CTL_TIMEOUT (5 * KZ_US_PER_S)

void kz_buf_printf(kz_buf *b, const char *fmt, ...)
{
    va_list ap;
    for (int pass = 0; pass < 2; pass++) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return;
        b->s = ns;
        b->cap = cap;
    }
}

void kz_buf_free(kz_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

int kz_ctl_socket_path(const kz_config *c, int display, char *out, size_t n)
{
    char suffix[16] = "";
    if (display > 0)
        snprintf(suffix, sizeof suffix, "-d%d", display);
    const char *env = getenv("KIZUNA_CONTROL");
    struct sockaddr_un sa;
    size_t max = sizeof sa.sun_path;
    if (n < max)
        max = n;
    if (env && *env) {
        if (strlen(env) >= max)
            return -1;
        snprintf(out, n, "%s", env);
        return 0;
    }
    if (c->logs[0] && strlen(c->logs) + strlen("/control.sock") + strlen(suffix) < max) {
        snprintf(out, n, "%s/control%s.sock", c->logs, suffix);
        return 0;
    }
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg && strlen(xdg) + strlen(c->name) + strlen(suffix) + 16 < max) {
        snprintf(out, n, "%s/kizuna-%s%s.sock", xdg, c->name[0] ? c->name : "kizuna", suffix);
        return 0;
    }
    return -1;
}

static int make_addr(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa->sun_path)
        return -1;
    memcpy(sa->sun_path, path, strlen(path) + 1);
    return 0;
}

int kz_ctl_listen(kz_ctl_server *s, const char *path, kz_ctl_handler fn, void *ud)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    for (int i = 0; i < KZ_CTL_MAX_CONNS; i++)
        s->conns[i].fd = -1;
    s->handle = fn;
    s->ud = ud;
    struct sockaddr_un sa;
    if (make_addr(path, &sa)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: path too long for a UNIX socket", path);
        return -1;
    }
    /* A socket file already there: a live player answers, a stale one (kill -9) refuses. */
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            kz_log(LOG, KZ_LOG_ERROR, "%s: exists and is not a socket; no control socket",
                   path);
            return -1;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(probe);
            kz_log(LOG, KZ_LOG_ERROR, "%s: another player is answering on it; this one runs "
                   "without a control socket", path);
            return -1;
        }
        if (probe >= 0)
            close(probe);
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "socket: %s", strerror(errno));
        return -1;
    }
    /* Created owner-only from the start (no window where others could connect). */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc || chmod(path, 0600) || listen(fd, 8)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot listen: %s; no control socket", path,
               strerror(errno));
        close(fd);
        return -1;
    }
    s->fd = fd;
    snprintf(s->path, sizeof s->path, "%s", path);
    kz_log(LOG, KZ_LOG_INFO, "control socket %s", path);
    return 0;
}

static void conn_drop(kz_ctl_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->in);
    kz_buf_free(&c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static void accept_new(kz_ctl_server *s, kz_us mono_now)
{
    for (int k = 0; k < KZ_CTL_MAX_CONNS; k++) {
        int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN: nothing waiting */
        struct ucred cr;
        socklen_t cl = sizeof cr;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) || (cr.uid != geteuid() &&
                                                                   cr.uid != 0)) {
            kz_log(LOG, KZ_LOG_WARN, "refused a control connection from uid %d", (int)cr.uid);
            s->refused++;
            close(fd);
            continue;
        }
        kz_ctl_conn *c = NULL;
        for (int i = 0; i < KZ_CTL_MAX_CONNS; i++)
            if (s->conns[i].fd < 0) {
                c = &s->conns[i];
                break;
            }
        if (!c) {
            static const char busy[] = "error: busy, try again\n";
            if (write(fd, busy, sizeof busy - 1) < 0) {
                /* nothing to do: the client sees the connection close */
            }
            close(fd);
            continue;
        }
        memset(c, 0, sizeof *c);
        c->fd = fd;
        c->opened_mono = mono_now;
    }
}

/* Read what is there; returns 1 when the request is complete (EOF), 0 to wait, -1 to drop. */
static int conn_read(kz_ctl_conn *c)
{
    for (;;) {
        char tmp[4096];
        ssize_t n = read(c->fd, tmp, sizeof tmp);
        if (n == 0)
            return 1;
        if (n < 0)
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : errno == EINTR ? 0 : -1;
        if (c->in_len + (size_t)n > KZ_CTL_MAX_REQUEST)
            return -1;
        char *ni = realloc(c->in, c->in_len + (size_t)n + 1);
        if (!ni)
            return -1;
        c->in = ni;
        memcpy(c->in + c->in_len, tmp, (size_t)n);
        c->in_len += (size_t)n;
        c->in[c->in_len] = 0;
    }
}

void kz_ctl_poll(kz_ctl_server *s, kz_us mono_now)
{
    if (s->fd < 0)
        return;
    accept_new(s, mono_now);
    for (int i = 0; i < KZ_CTL_MAX_CONNS; i++) {
        kz_ctl_conn *c = &s->conns[i];
        if (c->fd < 0)
            continue;
        if (!c->answered) {
            int r = conn_read(c);
            if (r < 0 || (r == 0 && mono_now - c->opened_mono > KZ_CTL_TIMEOUT)) {
                conn_drop(c);
                continue;
            }
            if (r == 0)
                continue;
            if (!c->in) {
                c->in = calloc(1, 1);
                if (!c->in) {
                    conn_drop(c);
                    continue;
                }
            }
            s->handle(s->ud, c->in, &c->out);
            if (!c->out.len)
                kz_buf_printf(&c->out, "ok\n");
            c->answered = 1;
            s->served++;
        }
        while (c->out_off < c->out.len) {
            ssize_t n = send(c->fd, c->out.s + c->out_off, c->out.len - c->out_off,
                             MSG_NOSIGNAL);
            if (n <= 0)
                break;
            c->out_off += (size_t)n;
        }
        if (c->out_off >= c->out.len || mono_now - c->opened_mono > KZ_CTL_TIMEOUT)
            conn_drop(c);
    }
}

void kz_ctl_close(kz_ctl_server *s)
{
    for (int i = 0; i < KZ_CTL_MAX_CONNS; i++)
        if (s->conns[i].fd >= 0)
            conn_drop(&s->conns[i]);
    if (s->fd >= 0) {
        close(s->fd);
        unlink(s->path);
    }
    s->fd = -1;
}

int kz_ctl_request(const char *path, const char *request, char **answer, int timeout_ms,
                   char *err, size_t errlen)
{
    *answer = NULL;
    struct sockaddr_un sa;
    if (make_addr(path, &sa)) {
        snprintf(err, errlen, "%s: path too long for a UNIX socket", path);
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        snprintf(err, errlen, "%s: %s (is the player running with this configuration?)", path,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t len = strlen(request), off = 0;
    while (off < len) {
        ssize_t n = send(fd, request + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) {
            snprintf(err, errlen, "%s: send: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    kz_buf b = {0};
    kz_us deadline = kz_now_mono() + (kz_us)timeout_ms * 1000;
    for (;;) {
        kz_us left = deadline - kz_now_mono();
        if (left <= 0) {
            snprintf(err, errlen, "%s: no answer within %d ms (is the player hung?)", path,
                     timeout_ms);
            goto fail;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = poll(&pfd, 1, (int)(left / 1000) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        char tmp[4096];
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            snprintf(err, errlen, "%s: read: %s", path, strerror(errno));
            goto fail;
        }
        kz_buf_printf(&b, "%.*s", (int)n, tmp);
    }
    close(fd);
    if (!b.s) {
        snprintf(err, errlen, "%s: the player closed the connection without an answer", path);
        return -1;
    }
    *answer = b.s;
    return 0;
fail:
    close(fd);
    kz_buf_free(&b);
    return -1;
}
