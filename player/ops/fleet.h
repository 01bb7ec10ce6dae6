/* The fleet client: many screens through an MQTT broker (libmosquitto). See docs/fleet.md.
 *
 * Topics (<screen> and <group> are single topic levels):
 *   kizuna/<screen>/cmd, kizuna/group/<group>/cmd   in:  control requests (control.h format),
 *                                                        each signed (fleetsig.h); anything
 *                                                        else is refused, logged, answered
 *   kizuna/<screen>/reply                           out: the answers, QoS 1
 *   kizuna/<screen>/status                          out: "online" / "offline", retained,
 *                                                        "offline" is also the Last Will
 *   kizuna/<screen>/heartbeat                       out: JSON, what is on air per zone, QoS 0
 *   kizuna/<screen>/pop                             out: proof-of-play lines (pop.h), QoS 1
 *
 * Threads: libmosquitto's network loop runs in its own thread (mosquitto_loop_start). Its
 * callbacks only move data under a mutex: received commands into an inbox, PUBACKs into an
 * ack list, the connection state. Everything else (running commands, the spool, publishing)
 * happens on the caller's thread in kz_fleet_poll, which never waits on the network:
 * mosquitto_publish only queues a packet for the network thread.
 *
 * Proof of play goes through a spool file (<dir>/fleet-spool-<screen>.tsv), so that it
 * survives the broker being away and the player being restarted: a line is appended there
 * first, published in order while connected, and marked done only when its PUBACK arrives. */
#ifndef KZ_FLEET_H
#define KZ_FLEET_H
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "kizuna/plugin.h"

#include "model/fleet_config.h"
/* MQTT topic filter matching ('+' one level, '#' the rest). 1 = topic matches filter. */
int kz_fleet_topic_match(const char *filter, const char *topic);
/* Append s as a JSON string (quotes included) to out (a kz_buf, see control.h). */
struct kz_buf;
void kz_fleet_json_str(struct kz_buf *out, const char *s);
/* The request id of a command ("id=..." line), copied into out (empty when none). */
void kz_fleet_request_id(const char *req, char *out, size_t n);

/* ---- the spool (pure file handling, unit-tested) --------------------------------------- */

/* File: one record per line, each written whole with one write(2) on an O_APPEND descriptor.
 * A proof-of-play line (pop.h, its id is the first field) is a pending entry; "#ack\tOFFSET"
 * marks the entry that starts at byte OFFSET as delivered. When every entry is delivered the
 * file is truncated; when delivered entries make up most of a large file it is rewritten with
 * only the pending ones (temporary file + rename). A torn last record (power cut while
 * writing) is cut off when the spool is opened. */
typedef struct kz_spool_entry {
    off_t off;      /* where the line starts in the file */
    int len;        /* with its '\n' */
    int mid;        /* MQTT message id while in flight, 0 = not sent */
    int done;       /* PUBACK seen */
    kz_us sent;     /* monotonic instant it was published */
} kz_spool_entry;

typedef struct kz_spool {
    char path[PATH_MAX];
    int fd;
    kz_spool_entry *e; /* owned; [head, n) are the entries not yet removed */
    size_t head, n, cap;
    off_t size;        /* bytes in the file */
    size_t n_pending;  /* entries not delivered */
    off_t pending_bytes; /* their bytes */
    long appended, delivered, compactions;
} kz_spool;

/* Open (create) the spool and read what a previous run left: every line without an ack is
 * pending again, in file order. 0 or -1 (logged). */
int kz_spool_open(kz_spool *s, const char *path);
/* Append one line (must end with '\n', no other '\n'). 0 or -1. */
int kz_spool_append(kz_spool *s, const char *line, size_t len);
/* Number of pending (undelivered) entries. */
size_t kz_spool_pending(const kz_spool *s);
/* Read entry i (head <= i < n) into buf (NUL-terminated, '\n' kept). Length or -1. */
int kz_spool_read(kz_spool *s, size_t i, char *buf, size_t n);
/* Mark entry i delivered: writes the ack record, drops the delivered prefix, truncates or
 * compacts the file when worth it. 0 or -1. */
int kz_spool_done(kz_spool *s, size_t i);
void kz_spool_close(kz_spool *s);

/* ---- the client ------------------------------------------------------------------------- */

typedef struct kz_fleet kz_fleet;
/* Runs one control request (control.h format) and writes the answer; the fleet publishes it
 * on kizuna/<screen>/reply. */
typedef void (*kz_fleet_cmd_fn)(void *ud, char *request, struct kz_buf *out);

/* Start the client: subscriptions, Last Will, TLS, credentials, the network thread. screen is
 * the topic name (already checked); spool_dir holds fleet-spool-<screen>.tsv (NULL: no spool,
 * proof of play is not accepted). Returns NULL on a configuration error (logged); an
 * unreachable broker is not an error (the client keeps trying). */
kz_fleet *kz_fleet_start(const kz_fleet_config *cfg, const char *screen, const char *spool_dir);
/* Run what arrived (at most max_cmds commands) with fn, publish replies, send pending proof of
 * play, write acks. Never blocks on the network. mono_now: kz_now_mono(). */
void kz_fleet_poll(kz_fleet *f, kz_fleet_cmd_fn fn, void *ud, int max_cmds, kz_us mono_now);
/* Queue one proof-of-play line (pop.h format, '\n'-terminated). 0 or -1. */
int kz_fleet_pop(kz_fleet *f, const char *line, size_t len);
/* 1 when a heartbeat is due (then it counts as sent: publish it now). */
int kz_fleet_heartbeat_due(kz_fleet *f, kz_us mono_now);
/* Publish on kizuna/<screen>/<sub>. 0 or -1 (not connected: dropped). */
int kz_fleet_publish(kz_fleet *f, const char *sub, const char *payload, size_t len, int qos,
                     int retain);
int kz_fleet_connected(kz_fleet *f);
/* One line for `status`: broker, state, spool. */
void kz_fleet_describe(kz_fleet *f, struct kz_buf *out);
/* Publish "offline" (retained), try for up to flush_ms to deliver pending proof of play,
 * disconnect, stop the thread, free. NULL is fine. */
void kz_fleet_stop(kz_fleet *f, int flush_ms);

/* Counters for tests and the benchmark. */
typedef struct kz_fleet_stats {
    long connects, refusals, commands, replies, pop_sent, pop_acked;
    long cmd_refused; /* commands refused: unsigned, badly signed, stale or replayed */
    int last_connack; /* last CONNACK code (0 accepted) */
} kz_fleet_stats;
void kz_fleet_get_stats(kz_fleet *f, kz_fleet_stats *out);

#endif
