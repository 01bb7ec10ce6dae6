/* Signed fleet commands: Ed25519 (libsodium), a timestamp and a nonce. See docs/fleet.md.
 *
 * A command on an MQTT command topic is accepted only as
 *
 *   kizuna-sig1 NAME TS NONCE SIG\n
 *   COMMAND (the control socket's request format, control.h)
 *
 * NAME is the signer's key name, TS the signing instant in milliseconds since the epoch,
 * NONCE 16 random bytes and SIG the 64-byte Ed25519 signature, both in lowercase hex. The
 * signature covers
 *
 *   "kizuna-sig1\n" TOPIC "\n" NAME "\n" TS "\n" NONCE "\n" COMMAND
 *
 * so a command signed for one screen or group is refused on any other topic, and nothing of
 * it can be changed. The player refuses it unless: NAME is in its public key file and the
 * signature verifies; TS is within the window (default 5 minutes) of the player's clock and
 * after the player started (a command recorded earlier, or left retained on the broker, does
 * not run again after a restart); the nonce has not been seen. Nonces are remembered until
 * their command leaves the window, at most KZ_SIG_SEEN_MAX of them: when that many are
 * still inside it, the oldest are forgotten and every command as old as they are is refused
 * from then on (the floor), so memory stays bounded and a replay is still refused.
 *
 * Public key file: one key per line, "NAME HEX" (32-byte public key, 64 hex digits); '#'
 * comments and blank lines are ignored. It must be a regular file not writable by others.
 * Secret key file (kizuna fleet keygen): one line "kizuna-secret-key1 NAME HEX" (the 32-byte
 * seed), mode 0600. */
#ifndef KZ_FLEETSIG_H
#define KZ_FLEETSIG_H
#include <stddef.h>
#include <stdint.h>

#define KZ_SIG_MAGIC "kizuna-sig1"
#define KZ_SIG_SECRET_MAGIC "kizuna-secret-key1"
#define KZ_SIG_NAME_MAX 64
#define KZ_SIG_MAX_KEYS 256
#define KZ_SIG_KEYFILE_MAX (64 * 1024)
#define KZ_SIG_SEEN_MAX 4096
#define KZ_SIG_PK 32
#define KZ_SIG_SK 64
#define KZ_SIG_NONCE 16

typedef struct kz_sig_key {
    char name[KZ_SIG_NAME_MAX];
    unsigned char pk[KZ_SIG_PK];
} kz_sig_key;

typedef struct kz_sig_seen {
    int64_t ts_ms;
    unsigned char nonce[KZ_SIG_NONCE];
} kz_sig_seen;

typedef struct kz_sig_verifier {
    kz_sig_key keys[KZ_SIG_MAX_KEYS];
    int n_keys;
    int64_t window_ms;
    int64_t floor_ms;  /* commands signed at or before this are refused */
    kz_sig_seen *seen; /* owned, KZ_SIG_SEEN_MAX entries; [0, n_seen) in use */
    size_t n_seen;
    long accepted, refused, forgotten;
} kz_sig_verifier;

/* Set up with no keys (every command refused): window in seconds, floor the start instant
 * (ms since the epoch). 0 or -1 (no memory / libsodium unusable). */
int kz_sig_init(kz_sig_verifier *v, int window_s, int64_t floor_ms);
void kz_sig_free(kz_sig_verifier *v);
/* Read the public key file. 0, or -1 with "file:line: reason" in why (no key is kept then). */
int kz_sig_load_keys(kz_sig_verifier *v, const char *path, char *why, size_t whylen);
/* Check one message received on topic. 0: accepted, *body is the command inside payload
 * (NUL-terminated when payload is) and who the key name; -1: refused, the reason in why. */
int kz_sig_verify(kz_sig_verifier *v, const char *topic, const char *payload, size_t len,
                  int64_t now_ms, const char **body, char *who, size_t whon, char *why,
                  size_t whylen);

/* ---- the operator's side (kizuna fleet) ------------------------------------------------- */

/* Write a new secret key file (created, mode 0600, never over an existing file) and the
 * public key line "NAME HEX\n" into publine. 0 or -1 with a reason. */
int kz_sig_keygen(const char *path, const char *name, char *publine, size_t n, char *why,
                  size_t whylen);
/* Read a secret key file (refused when others may read it). 0 or -1 with a reason. */
int kz_sig_read_secret(const char *path, char *name, size_t namen, unsigned char sk[KZ_SIG_SK],
                       char *why, size_t whylen);
/* The public key line of a secret key. */
void kz_sig_publine(const char *name, const unsigned char sk[KZ_SIG_SK], char *out, size_t n);
/* The signed message for cmd on topic (malloc'd, NUL-terminated), or NULL. nonce NULL: a
 * random one. */
char *kz_sig_sign(const char *name, const unsigned char sk[KZ_SIG_SK], const char *topic,
                  const char *cmd, int64_t ts_ms, const unsigned char *nonce);
/* A key name: 1..63 bytes of letters, digits, '-', '_', '.', '@'. 1 = good. */
int kz_sig_name_ok(const char *s);
#endif
