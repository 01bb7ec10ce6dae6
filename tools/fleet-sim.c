/* fleet-sim: the fleet benchmark's two sides (tools/bench-fleet.sh).
 *
 * Commands are signed (ops/fleetsig.h) as an operator's are: the screens read the public key
 * file $FLEET_SIM_KEYS, the control side signs with the secret key $FLEET_SIM_SECRET (both
 * made by kizuna fleet keygen in tools/bench-fleet.sh), so the benchmark includes the
 * signature check.
 *
 *   fleet-sim screens N PORT     N simulated screens in one process, each running the real
 *                                fleet client (player/fleet.c: its own libmosquitto network
 *                                thread, inbox, replies), polled once per 60 Hz frame like a
 *                                player; commands are answered by a stand-in for the control
 *                                handler. Runs until SIGTERM/SIGINT, then prints its CPU time.
 *   fleet-sim control N PORT R   waits until N screens are online (retained status), then R
 *                                rounds of: publish a group interrupt (then a clear) with a
 *                                request id and time until the last of the N screens replied.
 *
 * Loopback only: both sides talk to 127.0.0.1. */
#include <mosquitto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "ops/control.h"
#include "ops/fleet.h"
#include "ops/fleetsig.h"

static volatile sig_atomic_t stop;
static void on_sig(int s)
{
    (void)s;
    stop = 1;
}

typedef struct sim_screen {
    int intr;
} sim_screen;

/* Stand-in for kz_ops_command: parse the verb like the control socket does and answer. */
static void sim_handle(void *ud, char *req, kz_buf *out)
{
    sim_screen *s = ud;
    size_t verb = strcspn(req, " \n");
    if (verb == 9 && !strncmp(req, "interrupt", 9)) {
        s->intr = 1;
        kz_buf_printf(out, "ok\ninterrupt on air\n");
    } else if (verb == 5 && !strncmp(req, "clear", 5)) {
        kz_buf_printf(out, "ok\n%s\n", s->intr ? "interrupt cleared" : "no interrupt was on air");
        s->intr = 0;
    } else if (verb == 6 && !strncmp(req, "status", 6)) {
        kz_buf_printf(out, "ok\ninterrupt %s\n", s->intr ? "on air" : "none");
    } else {
        kz_buf_printf(out, "error: unknown command\n");
    }
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static int run_screens(int n, int port)
{
    kz_log_set_level(KZ_LOG_WARN);
    kz_fleet_config cfg;
    kz_fleet_config_defaults(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
    snprintf(cfg.broker, sizeof cfg.broker, "mqtt://127.0.0.1:%d", port);
    cfg.port = port;
    cfg.enabled = 1;
    cfg.heartbeat_s = 30;
    cfg.reconnect_max_s = 2;
    snprintf(cfg.groups[0], sizeof cfg.groups[0], "all");
    cfg.n_groups = 1;
    const char *keys = getenv("FLEET_SIM_KEYS");
    if (keys)
        snprintf(cfg.command_keys, sizeof cfg.command_keys, "%s", keys);
    kz_fleet **f = calloc((size_t)n, sizeof *f);
    sim_screen *st = calloc((size_t)n, sizeof *st);
    if (!f || !st)
        return 1;
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "sim-%04d", i);
        f[i] = kz_fleet_start(&cfg, name, NULL);
        if (!f[i]) {
            fprintf(stderr, "fleet-sim: screen %d did not start\n", i);
            return 1;
        }
    }
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
    fprintf(stderr, "fleet-sim: %d screens started\n", n);
    kz_us next = kz_now_mono();
    while (!stop) {
        kz_us mono = kz_now_mono();
        for (int i = 0; i < n; i++) {
            kz_fleet_poll(f[i], sim_handle, &st[i], 4, mono);
            if (kz_fleet_heartbeat_due(f[i], mono))
                kz_fleet_publish(f[i], "heartbeat", "{}", 2, 0, 0);
        }
        next += KZ_US_PER_S / 60;
        kz_us now = kz_now_mono();
        if (next > now)
            usleep((useconds_t)(next - now));
        else
            next = now;
    }
    double cpu = cpu_seconds();
    long cmds = 0;
    for (int i = 0; i < n; i++) {
        kz_fleet_stats s;
        kz_fleet_get_stats(f[i], &s);
        cmds += s.commands;
    }
    printf("screens_cpu_s %.3f\ncommands %ld\n", cpu, cmds);
    fflush(stdout);
    for (int i = 0; i < n; i++)
        kz_fleet_stop(f[i], 0);
    free(f);
    free(st);
    return 0;
}

/* ---- the operator's side ---------------------------------------------------------------- */

typedef struct ctl_state {
    pthread_mutex_t mu;
    int n;
    char *online;   /* per screen index */
    int n_online;
    char want_id[32];
    int replies;
    kz_us last_reply;
} ctl_state;

static int screen_index(const char *topic)
{
    const char *p = strstr(topic, "/sim-");
    return p ? atoi(p + 5) : -1;
}

static void ctl_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg)
{
    (void)m;
    ctl_state *c = ud;
    int i = screen_index(msg->topic);
    if (i < 0 || i >= c->n || !msg->payloadlen)
        return;
    pthread_mutex_lock(&c->mu);
    size_t tl = strlen(msg->topic);
    if (tl > 7 && !strcmp(msg->topic + tl - 7, "/status")) {
        int on = msg->payloadlen == 6 && !memcmp(msg->payload, "online", 6);
        if (on && !c->online[i])
            c->n_online++;
        else if (!on && c->online[i])
            c->n_online--;
        c->online[i] = (char)on;
    } else if (tl > 6 && !strcmp(msg->topic + tl - 6, "/reply")) {
        size_t idl = strlen(c->want_id);
        if (c->want_id[0] && (size_t)msg->payloadlen > idl + 3 &&
            !memcmp(msg->payload, "id=", 3) && !memcmp((char *)msg->payload + 3, c->want_id, idl) &&
            ((char *)msg->payload)[3 + idl] == '\n') {
            c->replies++;
            c->last_reply = kz_now_mono();
        }
    }
    pthread_mutex_unlock(&c->mu);
}

static int run_control(int n, int port, int rounds)
{
    char sk_name[KZ_SIG_NAME_MAX], why[512];
    unsigned char sk[KZ_SIG_SK];
    const char *secret = getenv("FLEET_SIM_SECRET");
    int have_sk = 0;
    if (secret) {
        if (kz_sig_read_secret(secret, sk_name, sizeof sk_name, sk, why, sizeof why)) {
            fprintf(stderr, "fleet-sim control: %s\n", why);
            return 1;
        }
        have_sk = 1;
    }
    mosquitto_lib_init();
    ctl_state c = {.n = n};
    pthread_mutex_init(&c.mu, NULL);
    c.online = calloc((size_t)n, 1);
    struct mosquitto *m = mosquitto_new("kizuna-bench-operator", true, &c);
    if (!m || !c.online)
        return 1;
    mosquitto_message_callback_set(m, ctl_message);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    if (mosquitto_connect(m, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "fleet-sim control: cannot connect to 127.0.0.1:%d\n", port);
        return 1;
    }
    mosquitto_subscribe(m, NULL, "kizuna/+/status", 1);
    mosquitto_subscribe(m, NULL, "kizuna/+/reply", 1);
    mosquitto_loop_start(m);
    kz_us t0 = kz_now_mono();
    for (;;) {
        pthread_mutex_lock(&c.mu);
        int on = c.n_online;
        pthread_mutex_unlock(&c.mu);
        if (on >= n)
            break;
        if (kz_now_mono() - t0 > 60 * KZ_US_PER_S) {
            fprintf(stderr, "fleet-sim control: only %d of %d screens online after 60 s\n", on,
                    n);
            return 1;
        }
        usleep(10000);
    }
    printf("online %d after %.0f ms\n", n, (double)(kz_now_mono() - t0) / 1000);
    int worst_missing = 0;
    for (int r = 0; r < rounds * 2; r++) {
        char payload[128];
        pthread_mutex_lock(&c.mu);
        snprintf(c.want_id, sizeof c.want_id, "bench-%d", r);
        c.replies = 0;
        pthread_mutex_unlock(&c.mu);
        if (r % 2 == 0)
            snprintf(payload, sizeof payload, "interrupt\nid=bench-%d\ntext=訓練 drill %d", r, r);
        else
            snprintf(payload, sizeof payload, "clear\nid=bench-%d", r);
        char *msg = have_sk ? kz_sig_sign(sk_name, sk, "kizuna/group/all/cmd", payload,
                                          (int64_t)kz_now_real() / 1000, NULL)
                            : strdup(payload);
        if (!msg)
            return 1;
        kz_us sent = kz_now_mono();
        mosquitto_publish(m, NULL, "kizuna/group/all/cmd", (int)strlen(msg), msg, 1, false);
        free(msg);
        int got = 0;
        kz_us last = 0;
        while (kz_now_mono() - sent < 10 * KZ_US_PER_S) {
            pthread_mutex_lock(&c.mu);
            got = c.replies;
            last = c.last_reply;
            pthread_mutex_unlock(&c.mu);
            if (got >= n)
                break;
            usleep(1000);
        }
        if (got < n && n - got > worst_missing)
            worst_missing = n - got;
        printf("round %d %s: %d/%d acknowledged, last after %.1f ms\n", r / 2 + 1,
               r % 2 ? "clear" : "interrupt", got, n,
               got ? (double)(last - sent) / 1000 : -1.0);
        fflush(stdout);
        usleep(200000);
    }
    mosquitto_disconnect(m);
    mosquitto_loop_stop(m, false);
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    free(c.online);
    return worst_missing ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "screens"))
        return run_screens(atoi(argv[2]), atoi(argv[3]));
    if (argc >= 5 && !strcmp(argv[1], "control"))
        return run_control(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: fleet-sim screens N PORT | fleet-sim control N PORT ROUNDS\n");
    return 2;
}
