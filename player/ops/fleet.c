/* The fleet client over MQTT (libmosquitto) and its proof-of-play spool. See fleet.h and
 * docs/fleet.md. */
#include "ops/fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#include "base/grow.h"
#include "base/log.h"
#include "base/params.h"
#include "base/timeutil.h"
#include "ops/control.h"
#include "ops/fleetsig.h"

#define LOG "fleet"
/* Proof-of-play lines in flight (published, PUBACK not yet seen) at most. */
#define KZ_FLEET_WINDOW 20
/* Commands waiting for the main thread at most; more are dropped (logged). */
#define KZ_FLEET_INBOX_MAX 64
/* An entry in flight this long on a connection that is up is published again. */
#define KZ_FLEET_RESEND_AFTER (60 * KZ_US_PER_S)
/* The spool is fdatasync'ed at most this often while it changes. */
#define KZ_FLEET_SYNC_EVERY (2 * KZ_US_PER_S)
/* Rewrite the spool when it is larger than this and mostly delivered entries. */
#define KZ_SPOOL_COMPACT_BYTES (1024 * 1024)

/* ---- pure helpers ----------------------------------------------------------------------- */

int kz_fleet_topic_match(const char *filter, const char *topic)
{
    const char *f = filter, *t = topic;
    /* Topics starting with '$' are not matched by a leading wildcard. */
    if (*t == '$' && (*f == '+' || *f == '#'))
        return 0;
    for (;;) {
        const char *fe = strchr(f, '/'), *te = strchr(t, '/');
        size_t fl = fe ? (size_t)(fe - f) : strlen(f);
        size_t tl = te ? (size_t)(te - t) : strlen(t);
        if (fl == 1 && f[0] == '#')
            return !fe; /* '#' must be last; matches the parent level too */
        if (!(fl == 1 && f[0] == '+') && (fl != tl || memcmp(f, t, fl)))
            return 0;
        if (!fe && !te)
            return 1;
        if (!te) /* topic ended: only "/#" may follow */
            return fe && !strcmp(fe + 1, "#");
        if (!fe)
            return 0;
        f = fe + 1;
        t = te + 1;
    }
}

void kz_fleet_json_str(kz_buf *out, const char *s)
{
    kz_buf_printf(out, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            kz_buf_printf(out, "\\%c", *c);
        else if (*c == '\n')
            kz_buf_printf(out, "\\n");
        else if (*c == '\t')
            kz_buf_printf(out, "\\t");
        else if (*c < 0x20 || *c == 0x7f)
            kz_buf_printf(out, "\\u%04x", *c);
        else
            kz_buf_printf(out, "%c", *c);
    }
    kz_buf_printf(out, "\"");
}

void kz_fleet_request_id(const char *req, char *out, size_t n)
{
    out[0] = 0;
    const char *l = strchr(req, '\n');
    while (l) {
        l++;
        if (!strncmp(l, "text=", 5))
            return;
        if (!strncmp(l, "id=", 3)) {
            size_t len = strcspn(l + 3, "\n");
            if (len >= n)
                len = n - 1;
            memcpy(out, l + 3, len);
            out[len] = 0;
            return;
        }
        l = strchr(l, '\n');
    }
}

/* ---- the spool -------------------------------------------------------------------------- */

static int write_all(int fd, const char *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int spool_push(kz_spool *s, off_t off, int len)
{
    if (kz_grow(&s->e, &s->cap, s->n + 1, sizeof *s->e, 256))
        return -1;
    s->e[s->n++] = (kz_spool_entry){.off = off, .len = len};
    s->n_pending++;
    s->pending_bytes += len;
    return 0;
}

/* Entry starting at off among [head, n), or -1 (entries are in file order). */
static long spool_find(const kz_spool *s, off_t off)
{
    size_t lo = s->head, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->e[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->e[lo].off == off ? (long)lo : -1;
}

static void spool_drop_prefix(kz_spool *s)
{
    while (s->head < s->n && s->e[s->head].done)
        s->head++;
    if (s->head == s->n && s->n) {
        if (ftruncate(s->fd, 0) == 0) {
            s->size = 0;
            s->head = s->n = 0;
        }
    }
}

static int spool_compact(kz_spool *s)
{
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    kz_spool_entry *ne = malloc((s->n - s->head + 1) * sizeof *ne);
    char *buf = NULL;
    size_t bufcap = 0, k = 0;
    off_t off = 0;
    if (!ne)
        goto fail;
    for (size_t i = s->head; i < s->n; i++) {
        kz_spool_entry *e = &s->e[i];
        if (e->done)
            continue;
        if ((size_t)e->len + 1 > bufcap) {
            bufcap = (size_t)e->len + 1;
            char *nb = realloc(buf, bufcap);
            if (!nb)
                goto fail;
            buf = nb;
        }
        if (pread(s->fd, buf, (size_t)e->len, e->off) != e->len ||
            write_all(fd, buf, (size_t)e->len))
            goto fail;
        ne[k] = *e;
        ne[k].off = off;
        off += e->len;
        k++;
    }
    if (fdatasync(fd) || rename(tmp, s->path))
        goto fail;
    close(fd);
    fd = open(s->path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        free(buf);
        free(ne);
        return -1;
    }
    close(s->fd);
    s->fd = fd;
    free(s->e);
    s->e = ne;
    s->cap = s->n - s->head + 1;
    s->head = 0;
    s->n = k;
    s->size = off;
    s->compactions++;
    free(buf);
    return 0;
fail:
    kz_log(LOG, KZ_LOG_WARN, "%s: cannot rewrite the spool: %s", s->path, strerror(errno));
    close(fd);
    unlink(tmp);
    free(buf);
    free(ne);
    return -1;
}

/* A large file of mostly delivered lines and acks: keep only what is pending. */
static void spool_maybe_compact(kz_spool *s)
{
    if (s->size <= KZ_SPOOL_COMPACT_BYTES)
        return;
    if (s->pending_bytes * 4 < s->size)
        spool_compact(s);
}

int kz_spool_open(kz_spool *s, const char *path)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (s->fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot open the spool: %s; proof of play is not sent "
               "over the network", path, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(dup(s->fd), "r");
    if (!f) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read the spool: %s", path, strerror(errno));
        close(s->fd);
        s->fd = -1;
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    off_t off = 0;
    int torn = 0, bad = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] != '\n') {
            torn = 1;
            break;
        }
        if (!strncmp(line, "#ack\t", 5)) {
            char *end;
            long long at = strtoll(line + 5, &end, 10);
            long i = (*end == '\n' && end != line + 5) ? spool_find(s, (off_t)at) : -1;
            if (i >= 0 && !s->e[i].done) {
                s->e[i].done = 1;
                s->n_pending--;
                s->pending_bytes -= s->e[i].len;
            } else
                bad++;
        } else if (line[0] != '#' && line[0] != '\n') {
            if (spool_push(s, off, (int)len)) {
                kz_log(LOG, KZ_LOG_ERROR, "%s: out of memory reading the spool", path);
                break;
            }
        }
        off += len;
    }
    free(line);
    fclose(f);
    s->size = off;
    if (torn) {
        /* The spool is ours alone: cut the partial record off. */
        kz_log(LOG, KZ_LOG_WARN, "%s: the last line was cut short (power cut?); ignored", path);
        if (ftruncate(s->fd, off))
            kz_log(LOG, KZ_LOG_WARN, "%s: cannot truncate: %s", path, strerror(errno));
    }
    if (bad)
        kz_log(LOG, KZ_LOG_WARN, "%s: %d acknowledgement records point at no line; ignored",
               path, bad);
    spool_drop_prefix(s);
    size_t pending = kz_spool_pending(s);
    if (pending)
        kz_log(LOG, KZ_LOG_INFO, "%s: %zu proof-of-play lines from an earlier run still to send",
               path, pending);
    spool_maybe_compact(s);
    return 0;
}

int kz_spool_append(kz_spool *s, const char *line, size_t len)
{
    if (s->fd < 0 || len == 0 || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
        return -1;
    if (len > INT_MAX / 2)
        return -1;
    if (write_all(s->fd, line, len)) {
        /* A partial write (disk full) leaves a torn record: cut it off. */
        if (ftruncate(s->fd, s->size))
            kz_log(LOG, KZ_LOG_WARN, "%s: cannot truncate: %s", s->path, strerror(errno));
        return -1;
    }
    if (spool_push(s, s->size, (int)len))
        return -1;
    s->size += (off_t)len;
    s->appended++;
    return 0;
}

size_t kz_spool_pending(const kz_spool *s)
{
    return s->n_pending;
}

int kz_spool_read(kz_spool *s, size_t i, char *buf, size_t n)
{
    if (i < s->head || i >= s->n || (size_t)s->e[i].len >= n)
        return -1;
    ssize_t r = pread(s->fd, buf, (size_t)s->e[i].len, s->e[i].off);
    if (r != s->e[i].len)
        return -1;
    buf[r] = 0;
    return (int)r;
}

int kz_spool_done(kz_spool *s, size_t i)
{
    if (i < s->head || i >= s->n || s->e[i].done)
        return -1;
    char rec[48];
    int n = snprintf(rec, sizeof rec, "#ack\t%lld\n", (long long)s->e[i].off);
    if (write_all(s->fd, rec, (size_t)n))
        return -1;
    s->size += n;
    s->e[i].done = 1;
    s->n_pending--;
    s->pending_bytes -= s->e[i].len;
    s->delivered++;
    spool_drop_prefix(s);
    spool_maybe_compact(s);
    return 0;
}

void kz_spool_close(kz_spool *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->e);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* ---- the client ------------------------------------------------------------------------- */

typedef struct inmsg {
    struct inmsg *next;
    char *payload; /* owned, NUL-terminated: the command, its signature line removed */
    char signer[KZ_SIG_NAME_MAX];
} inmsg;

struct kz_fleet {
    kz_fleet_config cfg;
    char screen[KZ_FLEET_NAME_MAX];
    char url[600];
    struct mosquitto *m;
    int loop_started;
    char t_cmd[128], t_reply[128], t_status[128], t_heartbeat[128], t_pop[128];
    char t_groups[KZ_FLEET_MAX_GROUPS][160];
    /* Shared with the network thread, under mu. */
    pthread_mutex_t mu;
    inmsg *in_head, *in_tail;
    int in_count;
    long in_dropped;
    int *acks;
    size_t n_acks, cap_acks;
    int connected, conn_gen, last_rc, last_logged_rc;
    long connects, refusals;
    /* The caller's thread only. */
    kz_spool spool;
    int spool_ok;
    int seen_gen;
    kz_us connected_mono, next_heartbeat, last_sync;
    int spool_dirty, offline_mid, offline_acked;
    long commands, replies, pop_sent, pop_acked;
    /* Request ids already run: QoS 1 may deliver a command twice; it runs once. */
    char done_ids[16][64];
    int done_next;
    /* The network thread only (after start): signatures and replay memory (fleetsig.h). */
    kz_sig_verifier sig;
    int sig_ok;             /* keys loaded: without them every command is refused */
    char sig_why[300];      /* why not */
    kz_us refusal_logged, refusal_replied; /* monotonic: refusals are told at most 1/s */
    long refusals_quiet;    /* refusals not logged since the last one logged */
    long cmd_refused;       /* under mu */
};

static void on_connect(struct mosquitto *m, void *ud, int rc)
{
    kz_fleet *f = ud;
    pthread_mutex_lock(&f->mu);
    f->last_rc = rc;
    int log_it = rc != f->last_logged_rc || rc == 0;
    f->last_logged_rc = rc;
    if (rc == 0) {
        f->connected = 1;
        f->conn_gen++;
        f->connects++;
    } else {
        f->refusals++;
    }
    pthread_mutex_unlock(&f->mu);
    if (rc != 0) {
        if (log_it)
            kz_log(LOG, KZ_LOG_ERROR, "%s refused the connection: %s (check [fleet] username "
                   "and password, and the broker's ACL); retrying", f->url,
                   mosquitto_connack_string(rc));
        return;
    }
    kz_log(LOG, KZ_LOG_INFO, "connected to %s as %s", f->url, f->screen);
    mosquitto_subscribe(m, NULL, f->t_cmd, 1);
    for (int i = 0; i < f->cfg.n_groups; i++)
        mosquitto_subscribe(m, NULL, f->t_groups[i], 1);
    mosquitto_publish(m, NULL, f->t_status, 6, "online", 1, true);
}

static void on_disconnect(struct mosquitto *m, void *ud, int rc)
{
    kz_fleet *f = ud;
    pthread_mutex_lock(&f->mu);
    int was = f->connected;
    f->connected = 0;
    pthread_mutex_unlock(&f->mu);
    if (was && rc != 0)
        kz_log(LOG, KZ_LOG_WARN, "lost the connection to %s; proof of play is kept in the "
               "spool and sent when the broker is back", f->url);
    else if (!was && rc != 0)
        kz_log(LOG, KZ_LOG_WARN, "%s: the connection failed (%s); retrying", f->url,
               mosquitto_strerror(rc));
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A command that did not prove its sender: logged and answered, at most once a second each
 * (anyone who can publish can send any number of them), and never run. */
static void refuse(kz_fleet *f, struct mosquitto *m, const char *topic, const char *who,
                   const char *why)
{
    kz_us mono = kz_now_mono();
    pthread_mutex_lock(&f->mu);
    f->cmd_refused++;
    pthread_mutex_unlock(&f->mu);
    if (mono - f->refusal_logged >= KZ_US_PER_S || !f->refusal_logged) {
        kz_log(LOG, KZ_LOG_WARN, "refused a command on %s%s%s: %s%s", topic,
               who[0] ? " from key " : "", who, why,
               f->refusals_quiet ? " (and more refused since the last message)" : "");
        f->refusal_logged = mono;
        f->refusals_quiet = 0;
    } else {
        f->refusals_quiet++;
    }
    if (mono - f->refusal_replied >= KZ_US_PER_S || !f->refusal_replied) {
        char msg[512];
        int n = snprintf(msg, sizeof msg, "error: refused: %s\n", why);
        mosquitto_publish(m, NULL, f->t_reply, n, msg, 1, false);
        f->refusal_replied = mono;
    }
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg)
{
    kz_fleet *f = ud;
    int ours = !strcmp(msg->topic, f->t_cmd);
    for (int i = 0; !ours && i < f->cfg.n_groups; i++)
        ours = !strcmp(msg->topic, f->t_groups[i]);
    if (!ours || msg->payloadlen <= 0 || msg->payloadlen > KZ_CTL_MAX_REQUEST + 512)
        return;
    /* Only a command signed by a key of this screen's key file, fresh and not seen before,
     * reaches the inbox (fleetsig.h). Checked here, on the network thread, so that a flood of
     * unsigned messages cannot crowd signed ones out of the inbox. */
    const char *body = NULL;
    char who[KZ_SIG_NAME_MAX] = "", why[300];
    if (!f->sig_ok) {
        refuse(f, m, msg->topic, who, f->sig_why);
        return;
    }
    if (kz_sig_verify(&f->sig, msg->topic, msg->payload, (size_t)msg->payloadlen, wall_ms(),
                      &body, who, sizeof who, why, sizeof why)) {
        refuse(f, m, msg->topic, who, why);
        return;
    }
    size_t len = (size_t)msg->payloadlen - (size_t)(body - (const char *)msg->payload);
    if (len > KZ_CTL_MAX_REQUEST || memchr(body, 0, len)) {
        refuse(f, m, msg->topic, who, "the command is longer than 16 KiB or has a NUL byte");
        return;
    }
    inmsg *im = malloc(sizeof *im);
    char *pl = malloc(len + 1);
    if (!im || !pl) {
        free(im);
        free(pl);
        return;
    }
    memcpy(pl, body, len);
    pl[len] = 0;
    im->payload = pl;
    im->next = NULL;
    snprintf(im->signer, sizeof im->signer, "%s", who);
    pthread_mutex_lock(&f->mu);
    if (f->in_count >= KZ_FLEET_INBOX_MAX) {
        f->in_dropped++;
        pthread_mutex_unlock(&f->mu);
        free(pl);
        free(im);
        return;
    }
    if (f->in_tail)
        f->in_tail->next = im;
    else
        f->in_head = im;
    f->in_tail = im;
    f->in_count++;
    pthread_mutex_unlock(&f->mu);
}

static void on_publish(struct mosquitto *m, void *ud, int mid)
{
    kz_fleet *f = ud;
    pthread_mutex_lock(&f->mu);
    if (f->n_acks == f->cap_acks) {
        size_t cap = f->cap_acks ? f->cap_acks * 2 : 64;
        int *na = realloc(f->acks, cap * sizeof *na);
        if (na) {
            f->acks = na;
            f->cap_acks = cap;
        }
    }
    if (f->n_acks < f->cap_acks)
        f->acks[f->n_acks++] = mid;
    pthread_mutex_unlock(&f->mu);
}

/* The library's own errors (TLS handshakes, certificate checks) are the only explanation of
 * a connection that never comes up: pass them on (repeats are counted by the log). */
static void on_log(struct mosquitto *m, void *ud, int level, const char *str)
{
    kz_fleet *f = ud;
    if (level & MOSQ_LOG_ERR)
        kz_log(LOG, KZ_LOG_WARN, "%s: %s", f->url, str);
}

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static void lib_init(void)
{
    mosquitto_lib_init();
}

static int read_password_file(const char *path, char *out, size_t n)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    int ok = fgets(out, (int)n, fp) != NULL;
    fclose(fp);
    if (!ok)
        return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

kz_fleet *kz_fleet_start(const kz_fleet_config *cfg, const char *screen, const char *spool_dir)
{
    char why[256];
    if (!cfg->enabled || !kz_fleet_name_ok(screen)) {
        kz_log(LOG, KZ_LOG_ERROR, "screen name '%s' cannot be an MQTT topic level (no spaces, "
               "'/', '+' or '#'): set [fleet] screen", screen);
        return NULL;
    }
    if (kz_fleet_config_check(cfg, why, sizeof why)) {
        kz_log(LOG, KZ_LOG_ERROR, "[fleet]: %s", why);
        return NULL;
    }
    pthread_once(&lib_once, lib_init);
    kz_fleet *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->cfg = *cfg;
    f->spool.fd = -1;
    f->offline_mid = -1;
    f->last_logged_rc = -1;
    pthread_mutex_init(&f->mu, NULL);
    snprintf(f->screen, sizeof f->screen, "%s", screen);
    snprintf(f->url, sizeof f->url, "%s://%s:%d", cfg->tls ? "mqtts" : "mqtt", cfg->host,
             cfg->port);
    snprintf(f->t_cmd, sizeof f->t_cmd, "kizuna/%s/cmd", screen);
    snprintf(f->t_reply, sizeof f->t_reply, "kizuna/%s/reply", screen);
    snprintf(f->t_status, sizeof f->t_status, "kizuna/%s/status", screen);
    snprintf(f->t_heartbeat, sizeof f->t_heartbeat, "kizuna/%s/heartbeat", screen);
    snprintf(f->t_pop, sizeof f->t_pop, "kizuna/%s/pop", screen);
    for (int i = 0; i < cfg->n_groups; i++)
        snprintf(f->t_groups[i], sizeof f->t_groups[i], "kizuna/group/%s/cmd", cfg->groups[i]);
    if (spool_dir) {
        char path[PATH_MAX];
        mkdir(spool_dir, 0755);
        snprintf(path, sizeof path, "%s/fleet-spool-%s.tsv", spool_dir, screen);
        f->spool_ok = kz_spool_open(&f->spool, path) == 0;
    }
    /* Keys now, before the network thread exists: only it touches f->sig afterwards. A
     * command received before this player started is refused (the floor): nothing recorded
     * or left retained on the broker runs again after a restart. */
    if (kz_sig_init(&f->sig, cfg->command_window_s, wall_ms())) {
        kz_log(LOG, KZ_LOG_ERROR, "libsodium cannot start");
        goto fail;
    }
    if (kz_sig_load_keys(&f->sig, cfg->command_keys, f->sig_why, sizeof f->sig_why)) {
        kz_log(LOG, KZ_LOG_ERROR, "fleet commands: %s; every command from the broker is "
               "refused (status, heartbeat and proof of play are still published)", f->sig_why);
        char tmp[300];
        snprintf(tmp, sizeof tmp, "this screen has no usable command keys (%s)", f->sig_why);
        snprintf(f->sig_why, sizeof f->sig_why, "%s", tmp);
    } else {
        f->sig_ok = 1;
        kz_log(LOG, KZ_LOG_INFO, "fleet commands: %d key%s from %s, window %d s", f->sig.n_keys,
               f->sig.n_keys == 1 ? "" : "s", cfg->command_keys, cfg->command_window_s);
    }
    char id[96];
    snprintf(id, sizeof id, "kizuna-%s", screen);
    f->m = mosquitto_new(id, true, f);
    if (!f->m) {
        kz_log(LOG, KZ_LOG_ERROR, "cannot create the MQTT client: %s", strerror(errno));
        goto fail;
    }
    mosquitto_int_option(f->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    /* Small packets (commands, replies) go out at once instead of waiting for Nagle. */
    mosquitto_int_option(f->m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set(f->m, on_connect);
    mosquitto_disconnect_callback_set(f->m, on_disconnect);
    mosquitto_message_callback_set(f->m, on_message);
    mosquitto_publish_callback_set(f->m, on_publish);
    mosquitto_log_callback_set(f->m, on_log);
    mosquitto_reconnect_delay_set(f->m, 1, (unsigned)cfg->reconnect_max_s, true);
    mosquitto_max_inflight_messages_set(f->m, KZ_FLEET_WINDOW + 8);
    int rc = mosquitto_will_set(f->m, f->t_status, 7, "offline", 1, true);
    if (rc) {
        kz_log(LOG, KZ_LOG_ERROR, "Last Will: %s", mosquitto_strerror(rc));
        goto fail;
    }
    if (cfg->username[0]) {
        char pw[256];
        snprintf(pw, sizeof pw, "%s", cfg->password);
        if (cfg->password_file[0] && read_password_file(cfg->password_file, pw, sizeof pw)) {
            kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read the password: %s", cfg->password_file,
                   strerror(errno));
            goto fail;
        }
        rc = mosquitto_username_pw_set(f->m, cfg->username, pw[0] ? pw : NULL);
        memset(pw, 0, sizeof pw);
        if (rc) {
            kz_log(LOG, KZ_LOG_ERROR, "username: %s", mosquitto_strerror(rc));
            goto fail;
        }
    }
    if (cfg->tls) {
        rc = mosquitto_tls_set(f->m, cfg->ca, NULL, cfg->cert[0] ? cfg->cert : NULL,
                               cfg->key[0] ? cfg->key : NULL, NULL);
        if (rc) {
            kz_log(LOG, KZ_LOG_ERROR, "TLS files (ca %s, cert %s, key %s): %s", cfg->ca,
                   cfg->cert[0] ? cfg->cert : "-", cfg->key[0] ? cfg->key : "-",
                   mosquitto_strerror(rc));
            goto fail;
        }
    }
    /* A broker that is not there yet is fine: the network thread keeps trying. */
    rc = mosquitto_connect_async(f->m, cfg->host, cfg->port, cfg->keepalive_s);
    if (rc)
        kz_log(LOG, KZ_LOG_WARN, "%s: %s; retrying in the background", f->url,
               rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
    rc = mosquitto_loop_start(f->m);
    if (rc) {
        kz_log(LOG, KZ_LOG_ERROR, "cannot start the network thread: %s", mosquitto_strerror(rc));
        goto fail;
    }
    f->loop_started = 1;
    kz_log(LOG, KZ_LOG_INFO, "fleet: %s as %s, %d group%s, spool %s", f->url, screen,
           cfg->n_groups, cfg->n_groups == 1 ? "" : "s", f->spool_ok ? f->spool.path : "off");
    return f;
fail:
    if (f->m)
        mosquitto_destroy(f->m);
    if (f->spool_ok)
        kz_spool_close(&f->spool);
    kz_sig_free(&f->sig);
    pthread_mutex_destroy(&f->mu);
    free(f);
    return NULL;
}

static void handle_acks(kz_fleet *f, const int *acks, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int mid = acks[k];
        if (mid == f->offline_mid) {
            f->offline_acked = 1;
            continue;
        }
        if (!f->spool_ok)
            continue;
        kz_spool *s = &f->spool;
        for (size_t i = s->head; i < s->n; i++) {
            kz_spool_entry *e = &s->e[i];
            if (!e->mid && !e->done)
                break; /* nothing was sent beyond this one */
            if (e->mid == mid && !e->done) {
                kz_spool_done(s, i);
                f->pop_acked++;
                f->spool_dirty = 1;
                break;
            }
        }
    }
}

static void send_pending(kz_fleet *f, kz_us mono_now, int fresh_connection)
{
    kz_spool *s = &f->spool;
    int inflight = 0;
    char line[8192];
    for (size_t i = s->head; i < s->n; i++) {
        kz_spool_entry *e = &s->e[i];
        if (e->done)
            continue;
        /* Stuck in flight on a connection that has been up a while: publish it again. */
        if (e->mid && !fresh_connection && mono_now - e->sent > KZ_FLEET_RESEND_AFTER &&
            mono_now - f->connected_mono > KZ_FLEET_RESEND_AFTER)
            e->mid = 0;
        if (e->mid) {
            inflight++;
            continue;
        }
        if (inflight >= KZ_FLEET_WINDOW)
            break;
        int len = kz_spool_read(s, i, line, sizeof line);
        if (len <= 1) {
            /* unreadable or oversized: count it as delivered rather than block the queue */
            kz_log(LOG, KZ_LOG_WARN, "%s: entry at byte %lld cannot be read; dropped", s->path,
                   (long long)e->off);
            kz_spool_done(s, i);
            continue;
        }
        int mid = 0;
        int rc = mosquitto_publish(f->m, &mid, f->t_pop, len - 1, line, 1, false);
        if (rc != MOSQ_ERR_SUCCESS)
            break;
        e->mid = mid;
        e->sent = mono_now;
        f->pop_sent++;
        inflight++;
    }
}

void kz_fleet_poll(kz_fleet *f, kz_fleet_cmd_fn fn, void *ud, int max_cmds, kz_us mono_now)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    inmsg *in = NULL;
    if (fn && max_cmds > 0) {
        /* take up to max_cmds from the front */
        inmsg **tail = &f->in_head;
        int k = 0;
        while (*tail && k < max_cmds) {
            tail = &(*tail)->next;
            k++;
        }
        in = f->in_head;
        f->in_head = *tail;
        *tail = NULL;
        if (!f->in_head)
            f->in_tail = NULL;
        f->in_count -= k;
    }
    int acks_local[256];
    size_t n_acks = f->n_acks < 256 ? f->n_acks : 256;
    if (n_acks) {
        memcpy(acks_local, f->acks, n_acks * sizeof(int));
        memmove(f->acks, f->acks + n_acks, (f->n_acks - n_acks) * sizeof(int));
        f->n_acks -= n_acks;
    }
    int connected = f->connected, gen = f->conn_gen;
    long dropped = f->in_dropped;
    f->in_dropped = 0;
    pthread_mutex_unlock(&f->mu);

    if (dropped)
        kz_log(LOG, KZ_LOG_WARN, "%ld commands dropped: more than %d were waiting", dropped,
               KZ_FLEET_INBOX_MAX);
    handle_acks(f, acks_local, n_acks);
    int fresh = 0;
    if (connected && gen != f->seen_gen) {
        f->seen_gen = gen;
        f->connected_mono = mono_now;
        f->next_heartbeat = mono_now; /* tell the fleet what is on air right away */
        fresh = 1;
    }
    while (in) {
        inmsg *nx = in->next;
        kz_buf out = {0};
        char rid[96];
        kz_fleet_request_id(in->payload, rid, sizeof rid);
        int again = 0;
        for (int k = 0; rid[0] && k < 16; k++)
            again |= !strncmp(f->done_ids[k], rid, sizeof f->done_ids[k]);
        if (again) {
            kz_buf_printf(&out, "ok\nalready done (request id %s was run before)\n", rid);
        } else {
            f->commands++;
            kz_log(LOG, KZ_LOG_INFO, "command from the broker, signed by %s: %.60s", in->signer,
                   in->payload);
            fn(ud, in->payload, &out);
            if (rid[0]) {
                snprintf(f->done_ids[f->done_next], sizeof f->done_ids[0], "%s", rid);
                f->done_next = (f->done_next + 1) % 16;
            }
        }
        kz_buf msg = {0};
        if (rid[0])
            kz_buf_printf(&msg, "id=%s\n", rid);
        kz_buf_printf(&msg, "%s", out.s ? out.s : "ok\n");
        if (msg.s && mosquitto_publish(f->m, NULL, f->t_reply, (int)msg.len, msg.s, 1, false) ==
                         MOSQ_ERR_SUCCESS)
            f->replies++;
        kz_buf_free(&msg);
        kz_buf_free(&out);
        free(in->payload);
        free(in);
        in = nx;
    }
    if (f->spool_ok && connected)
        send_pending(f, mono_now, fresh);
    if (f->spool_ok && f->spool_dirty && mono_now - f->last_sync >= KZ_FLEET_SYNC_EVERY) {
        fdatasync(f->spool.fd);
        f->spool_dirty = 0;
        f->last_sync = mono_now;
    }
}

int kz_fleet_pop(kz_fleet *f, const char *line, size_t len)
{
    if (!f || !f->spool_ok)
        return -1;
    if (kz_spool_append(&f->spool, line, len)) {
        kz_log(LOG, KZ_LOG_WARN, "%s: cannot append to the spool: %s", f->spool.path,
               strerror(errno));
        return -1;
    }
    f->spool_dirty = 1;
    return 0;
}

int kz_fleet_connected(kz_fleet *f)
{
    if (!f)
        return 0;
    pthread_mutex_lock(&f->mu);
    int c = f->connected;
    pthread_mutex_unlock(&f->mu);
    return c;
}

int kz_fleet_heartbeat_due(kz_fleet *f, kz_us mono_now)
{
    if (!f || f->cfg.heartbeat_s <= 0 || !kz_fleet_connected(f) || f->seen_gen == 0 ||
        mono_now < f->next_heartbeat)
        return 0;
    f->next_heartbeat = mono_now + (kz_us)f->cfg.heartbeat_s * KZ_US_PER_S;
    return 1;
}

int kz_fleet_publish(kz_fleet *f, const char *sub, const char *payload, size_t len, int qos,
                     int retain)
{
    if (!f || !kz_fleet_connected(f))
        return -1;
    char topic[200];
    snprintf(topic, sizeof topic, "kizuna/%s/%s", f->screen, sub);
    return mosquitto_publish(f->m, NULL, topic, (int)len, payload, qos, retain) ? -1 : 0;
}

void kz_fleet_describe(kz_fleet *f, kz_buf *out)
{
    if (!f) {
        kz_buf_printf(out, "fleet off\n");
        return;
    }
    pthread_mutex_lock(&f->mu);
    int c = f->connected, rc = f->last_rc;
    long connects = f->connects, refused = f->cmd_refused;
    pthread_mutex_unlock(&f->mu);
    kz_buf_printf(out, "fleet %s as %s: %s", f->url, f->screen,
                  c ? "connected" : rc ? mosquitto_connack_string(rc) : "not connected");
    kz_buf_printf(out, " (%ld connects), %ld commands, %ld refused, spool %zu pending, %ld sent, "
                       "%ld acked\n",
                  connects, f->commands, refused,
                  f->spool_ok ? kz_spool_pending(&f->spool) : (size_t)0, f->pop_sent,
                  f->pop_acked);
}

void kz_fleet_get_stats(kz_fleet *f, kz_fleet_stats *o)
{
    memset(o, 0, sizeof *o);
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    o->connects = f->connects;
    o->refusals = f->refusals;
    o->cmd_refused = f->cmd_refused;
    o->last_connack = f->last_rc;
    pthread_mutex_unlock(&f->mu);
    o->commands = f->commands;
    o->replies = f->replies;
    o->pop_sent = f->pop_sent;
    o->pop_acked = f->pop_acked;
}

void kz_fleet_stop(kz_fleet *f, int flush_ms)
{
    if (!f)
        return;
    if (kz_fleet_connected(f)) {
        int mid = 0;
        if (mosquitto_publish(f->m, &mid, f->t_status, 7, "offline", 1, true) == 0)
            f->offline_mid = mid;
        kz_us until = kz_now_mono() + (kz_us)flush_ms * 1000;
        while (kz_now_mono() < until && kz_fleet_connected(f)) {
            kz_fleet_poll(f, NULL, NULL, 0, kz_now_mono());
            if ((!f->spool_ok || kz_spool_pending(&f->spool) == 0) &&
                (f->offline_acked || f->offline_mid < 0))
                break;
            usleep(5000);
        }
        if (f->spool_ok && kz_spool_pending(&f->spool))
            kz_log(LOG, KZ_LOG_INFO, "%zu proof-of-play lines stay in the spool for the next "
                   "run", kz_spool_pending(&f->spool));
    }
    mosquitto_disconnect(f->m);
    if (f->loop_started)
        mosquitto_loop_stop(f->m, false);
    mosquitto_destroy(f->m);
    while (f->in_head) {
        inmsg *nx = f->in_head->next;
        free(f->in_head->payload);
        free(f->in_head);
        f->in_head = nx;
    }
    free(f->acks);
    if (f->spool_ok) {
        fdatasync(f->spool.fd);
        kz_spool_close(&f->spool);
    }
    kz_sig_free(&f->sig);
    pthread_mutex_destroy(&f->mu);
    free(f);
}
