/* Signed fleet commands: verification with replay protection, and signing. See fleetsig.h. */
#include "ops/fleetsig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

int kz_sig_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= KZ_SIG_NAME_MAX)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '@'))
            return 0;
    }
    return 1;
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int unhex(const char *s, size_t n, unsigned char *out, size_t outn)
{
    size_t got = 0;
    if (n != 2 * outn || !is_hex(s, n) ||
        sodium_hex2bin(out, outn, s, n, NULL, &got, NULL) || got != outn)
        return -1;
    return 0;
}

int kz_sig_init(kz_sig_verifier *v, int window_s, int64_t floor_ms)
{
    memset(v, 0, sizeof *v);
    if (sodium_init() < 0)
        return -1;
    v->seen = calloc(KZ_SIG_SEEN_MAX, sizeof *v->seen);
    if (!v->seen)
        return -1;
    v->window_ms = (int64_t)window_s * 1000;
    v->floor_ms = floor_ms;
    return 0;
}

void kz_sig_free(kz_sig_verifier *v)
{
    free(v->seen);
    sodium_memzero(v, sizeof *v);
}

/* Read a whole small regular file (NUL-terminated, malloc'd). NULL with a reason. */
static char *read_small(const char *path, int secret, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    char *buf = NULL;
    if (fd < 0) {
        snprintf(why, whylen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "%s: not a regular file", path);
        goto out;
    }
    if (st.st_size > KZ_SIG_KEYFILE_MAX) {
        snprintf(why, whylen, "%s: larger than %d bytes", path, KZ_SIG_KEYFILE_MAX);
        goto out;
    }
    if (!secret && (st.st_mode & S_IWOTH)) {
        snprintf(why, whylen, "%s: anyone may write it (mode %03o): refused, since whoever "
                 "can add a key can command the screen", path, (unsigned)(st.st_mode & 0777));
        goto out;
    }
    if (secret && (st.st_mode & 077)) {
        snprintf(why, whylen, "%s: others may read this secret key (mode %03o): chmod 600 it",
                 path, (unsigned)(st.st_mode & 0777));
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        snprintf(why, whylen, "%s: out of memory", path);
        goto out;
    }
    ssize_t n = read(fd, buf, (size_t)st.st_size);
    if (n < 0) {
        snprintf(why, whylen, "%s: cannot read: %s", path, strerror(errno));
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = 0;
out:
    close(fd);
    return buf;
}

int kz_sig_load_keys(kz_sig_verifier *v, const char *path, char *why, size_t whylen)
{
    v->n_keys = 0;
    char *buf = read_small(path, 0, why, whylen);
    if (!buf)
        return -1;
    int rc = 0, line = 0;
    char *save = NULL;
    for (char *l = buf; l && rc == 0; l = save) {
        save = strchr(l, '\n');
        if (save)
            *save++ = 0;
        line++;
        l[strcspn(l, "#\r")] = 0;
        char name[KZ_SIG_NAME_MAX + 1], hex[2 * KZ_SIG_PK + 2], extra[2];
        int f = sscanf(l, "%64s %65s %1s", name, hex, extra);
        if (f <= 0)
            continue;
        if (f != 2 || !kz_sig_name_ok(name)) {
            snprintf(why, whylen, "%s:%d: expected NAME HEX (a key name of letters, digits, "
                     "'-', '_', '.', '@' and a 64-digit public key)", path, line);
            rc = -1;
        } else if (v->n_keys == KZ_SIG_MAX_KEYS) {
            snprintf(why, whylen, "%s:%d: more than %d keys", path, line, KZ_SIG_MAX_KEYS);
            rc = -1;
        } else {
            kz_sig_key *k = &v->keys[v->n_keys];
            if (unhex(hex, strlen(hex), k->pk, sizeof k->pk)) {
                snprintf(why, whylen, "%s:%d: key %s: expected 64 lowercase hex digits", path,
                         line, name);
                rc = -1;
                break;
            }
            for (int i = 0; i < v->n_keys; i++)
                if (!strcmp(v->keys[i].name, name)) {
                    snprintf(why, whylen, "%s:%d: key %s is listed twice", path, line, name);
                    rc = -1;
                }
            snprintf(k->name, sizeof k->name, "%s", name);
            v->n_keys++;
        }
    }
    free(buf);
    if (rc == 0 && v->n_keys == 0) {
        snprintf(why, whylen, "%s: no keys", path);
        rc = -1;
    }
    if (rc)
        v->n_keys = 0;
    return rc;
}

/* The bytes the signature covers. malloc'd, length in *n. */
static unsigned char *signed_bytes(const char *topic, const char *name, const char *ts,
                                   const char *nonce, const char *cmd, size_t cmdlen, size_t *n)
{
    size_t len = strlen(KZ_SIG_MAGIC) + strlen(topic) + strlen(name) + strlen(ts) +
                 strlen(nonce) + cmdlen + 5;
    unsigned char *m = malloc(len + 1);
    if (!m)
        return NULL;
    int h = snprintf((char *)m, len + 1, KZ_SIG_MAGIC "\n%s\n%s\n%s\n%s\n", topic, name, ts,
                     nonce);
    memcpy(m + h, cmd, cmdlen);
    *n = (size_t)h + cmdlen;
    return m;
}

static int seen_before(const kz_sig_verifier *v, const unsigned char *nonce)
{
    for (size_t i = 0; i < v->n_seen; i++)
        if (!memcmp(v->seen[i].nonce, nonce, KZ_SIG_NONCE))
            return 1;
    return 0;
}

/* Remember a nonce. When the memory is full, first drop those whose commands left the
 * window (the window refuses them anyway); when it is still full, forget the oldest and raise
 * the floor to their timestamp, so that they stay refused. */
static void remember(kz_sig_verifier *v, int64_t ts, const unsigned char *nonce, int64_t now)
{
    if (v->n_seen == KZ_SIG_SEEN_MAX) {
        size_t k = 0;
        for (size_t i = 0; i < v->n_seen; i++)
            if (v->seen[i].ts_ms >= now - v->window_ms)
                v->seen[k++] = v->seen[i];
        v->n_seen = k;
    }
    if (v->n_seen == KZ_SIG_SEEN_MAX) {
        int64_t lo = INT64_MAX;
        for (size_t i = 0; i < v->n_seen; i++)
            if (v->seen[i].ts_ms < lo)
                lo = v->seen[i].ts_ms;
        if (lo > v->floor_ms)
            v->floor_ms = lo;
        size_t k = 0;
        for (size_t i = 0; i < v->n_seen; i++)
            if (v->seen[i].ts_ms > v->floor_ms)
                v->seen[k++] = v->seen[i];
        v->forgotten += (long)(v->n_seen - k);
        v->n_seen = k;
    }
    v->seen[v->n_seen].ts_ms = ts;
    memcpy(v->seen[v->n_seen].nonce, nonce, KZ_SIG_NONCE);
    v->n_seen++;
}

int kz_sig_verify(kz_sig_verifier *v, const char *topic, const char *payload, size_t len,
                  int64_t now_ms, const char **body, char *who, size_t whon, char *why,
                  size_t whylen)
{
    const size_t ml = strlen(KZ_SIG_MAGIC);
    const char *nl = memchr(payload, '\n', len);
    char head[256];
    v->refused++;
    who[0] = 0;
    if (len < ml + 1 || memcmp(payload, KZ_SIG_MAGIC " ", ml + 1)) {
        snprintf(why, whylen, "not signed (kizuna fleet sign makes signed commands)");
        return -1;
    }
    if (!nl || (size_t)(nl - payload) >= sizeof head || nl + 1 == payload + len) {
        snprintf(why, whylen, "malformed signature line, or no command after it");
        return -1;
    }
    memcpy(head, payload, (size_t)(nl - payload));
    head[nl - payload] = 0;
    char name[KZ_SIG_NAME_MAX + 1], ts[24], nonce[2 * KZ_SIG_NONCE + 2],
        sig[2 * crypto_sign_BYTES + 2], extra[2];
    if (sscanf(head + ml, " %64s %23s %33s %129s %1s", name, ts, nonce, sig, extra) != 4 ||
        !kz_sig_name_ok(name) || strspn(ts, "0123456789") != strlen(ts) || strlen(ts) > 15 ||
        !ts[0]) {
        snprintf(why, whylen, "malformed signature line");
        return -1;
    }
    snprintf(who, whon, "%s", name);
    unsigned char nb[KZ_SIG_NONCE], sb[crypto_sign_BYTES];
    if (unhex(nonce, strlen(nonce), nb, sizeof nb) || unhex(sig, strlen(sig), sb, sizeof sb)) {
        snprintf(why, whylen, "malformed nonce or signature");
        return -1;
    }
    const kz_sig_key *k = NULL;
    for (int i = 0; i < v->n_keys && !k; i++)
        if (!strcmp(v->keys[i].name, name))
            k = &v->keys[i];
    if (!k) {
        snprintf(why, whylen, "key '%s' is not in this screen's key file", name);
        return -1;
    }
    const char *cmd = nl + 1;
    size_t cmdlen = len - (size_t)(cmd - payload);
    size_t mlen = 0;
    unsigned char *m = signed_bytes(topic, name, ts, nonce, cmd, cmdlen, &mlen);
    if (!m) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    int bad = crypto_sign_verify_detached(sb, m, mlen, k->pk);
    free(m);
    if (bad) {
        snprintf(why, whylen, "bad signature by '%s' (altered, signed for another topic, or "
                 "another key)", name);
        return -1;
    }
    int64_t t = strtoll(ts, NULL, 10);
    if (t < now_ms - v->window_ms || t > now_ms + v->window_ms) {
        snprintf(why, whylen, "stale: signed %+.1f s from this screen's clock (window %" PRId64
                 " s)", (double)(t - now_ms) / 1000, v->window_ms / 1000);
        return -1;
    }
    if (t <= v->floor_ms) {
        snprintf(why, whylen, "signed before this player started (or before commands it had "
                 "to forget): a replay, or a command left on the broker");
        return -1;
    }
    if (seen_before(v, nb)) {
        snprintf(why, whylen, "replayed: this nonce was already used");
        return -1;
    }
    remember(v, t, nb, now_ms);
    v->refused--;
    v->accepted++;
    *body = cmd;
    return 0;
}

/* ---- the operator's side ---------------------------------------------------------------- */

void kz_sig_publine(const char *name, const unsigned char sk[KZ_SIG_SK], char *out, size_t n)
{
    char hex[2 * KZ_SIG_PK + 1];
    /* libsodium's secret key is the seed followed by the public key */
    sodium_bin2hex(hex, sizeof hex, sk + 32, KZ_SIG_PK);
    snprintf(out, n, "%s %s\n", name, hex);
}

int kz_sig_keygen(const char *path, const char *name, char *publine, size_t n, char *why,
                  size_t whylen)
{
    if (sodium_init() < 0) {
        snprintf(why, whylen, "libsodium cannot start");
        return -1;
    }
    if (!kz_sig_name_ok(name)) {
        snprintf(why, whylen, "key name '%s': use 1 to 63 letters, digits, '-', '_', '.', '@'",
                 name);
        return -1;
    }
    unsigned char pk[KZ_SIG_PK], sk[KZ_SIG_SK], seed[32];
    char hex[65], line[160];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
    int len = snprintf(line, sizeof line, KZ_SIG_SECRET_MAGIC " %s %s\n", name, hex);
    int rc = -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
    } else if (write(fd, line, (size_t)len) != len || fsync(fd)) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
    } else if (close(fd)) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
    } else {
        kz_sig_publine(name, sk, publine, n);
        rc = 0;
    }
    sodium_memzero(line, sizeof line);
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    return rc;
}

int kz_sig_read_secret(const char *path, char *name, size_t namen, unsigned char sk[KZ_SIG_SK],
                       char *why, size_t whylen)
{
    if (sodium_init() < 0) {
        snprintf(why, whylen, "libsodium cannot start");
        return -1;
    }
    char *buf = read_small(path, 1, why, whylen);
    if (!buf)
        return -1;
    char magic[32], nm[KZ_SIG_NAME_MAX + 1], hex[68];
    unsigned char seed[32], pk[KZ_SIG_PK];
    int rc = -1;
    if (sscanf(buf, "%31s %64s %67s", magic, nm, hex) != 3 || strcmp(magic, KZ_SIG_SECRET_MAGIC) ||
        !kz_sig_name_ok(nm) || unhex(hex, strlen(hex), seed, sizeof seed)) {
        snprintf(why, whylen, "%s: not a kizuna secret key (kizuna fleet keygen makes one)",
                 path);
    } else {
        crypto_sign_seed_keypair(pk, sk, seed);
        snprintf(name, namen, "%s", nm);
        rc = 0;
    }
    sodium_memzero(buf, strlen(buf));
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(seed, sizeof seed);
    free(buf);
    return rc;
}

char *kz_sig_sign(const char *name, const unsigned char sk[KZ_SIG_SK], const char *topic,
                  const char *cmd, int64_t ts_ms, const unsigned char *nonce)
{
    unsigned char nb[KZ_SIG_NONCE], sb[crypto_sign_BYTES];
    char ts[24], nhex[2 * KZ_SIG_NONCE + 1], shex[2 * crypto_sign_BYTES + 1];
    if (sodium_init() < 0)
        return NULL;
    if (nonce)
        memcpy(nb, nonce, sizeof nb);
    else
        randombytes_buf(nb, sizeof nb);
    snprintf(ts, sizeof ts, "%" PRId64, ts_ms);
    sodium_bin2hex(nhex, sizeof nhex, nb, sizeof nb);
    size_t cmdlen = strlen(cmd), mlen = 0;
    unsigned char *m = signed_bytes(topic, name, ts, nhex, cmd, cmdlen, &mlen);
    if (!m)
        return NULL;
    crypto_sign_detached(sb, NULL, m, mlen, sk);
    free(m);
    sodium_bin2hex(shex, sizeof shex, sb, sizeof sb);
    size_t n = strlen(KZ_SIG_MAGIC) + strlen(name) + strlen(ts) + strlen(nhex) + strlen(shex) +
               cmdlen + 8;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, KZ_SIG_MAGIC " %s %s %s %s\n%s", name, ts, nhex, shex, cmd);
    return out;
}
