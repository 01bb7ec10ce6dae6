/* Sessions, CSRF tokens, the login rate limit and password hashes (auth.h). */
#include "console/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int kz_auth_init(kz_auth *a, const char *hash, int loopback_only)
{
    memset(a, 0, sizeof *a);
    if (sodium_init() < 0)
        return -1;
    snprintf(a->hash, sizeof a->hash, "%s", hash ? hash : "");
    a->need_password = a->hash[0] || !loopback_only;
    return 0;
}

int kz_auth_hash(const char *password, char *out, size_t outlen)
{
    if (sodium_init() < 0 || outlen < crypto_pwhash_STRBYTES)
        return -1;
    /* "interactive" limits: about 0.1 s and 64 MiB here; a login is rare */
    return crypto_pwhash_str(out, password, strlen(password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) ? -1 : 0;
}

static kz_rate *rate_of(kz_auth *a, const char *addr, time_t now, int create)
{
    kz_rate *oldest = &a->rates[0];
    for (int i = 0; i < KZ_AUTH_RATE_ADDRS; i++) {
        kz_rate *r = &a->rates[i];
        if (r->addr[0] && !strcmp(r->addr, addr)) {
            if (now - r->window_start >= KZ_AUTH_RATE_WINDOW_S) {
                r->window_start = now;
                r->fails = 0;
            }
            return r;
        }
        if (!r->addr[0] || r->window_start < oldest->window_start)
            oldest = r;
    }
    if (!create)
        return NULL;
    /* a full table forgets the address seen longest ago */
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->addr, sizeof oldest->addr, "%s", addr);
    oldest->window_start = now;
    return oldest;
}

int kz_auth_limited(kz_auth *a, const char *addr, time_t now)
{
    kz_rate *r = rate_of(a, addr, now, 0);
    return r && r->fails >= KZ_AUTH_RATE_FAILS;
}

static void random_hex(char *out)
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, KZ_AUTH_TOKEN_HEX, b, sizeof b);
}

int kz_auth_login(kz_auth *a, const char *addr, const char *password, time_t now,
                  kz_session *out)
{
    int rc = 0;
    if (a->need_password) {
        if (!a->hash[0] || !password ||
            crypto_pwhash_str_verify(a->hash, password, strlen(password)) != 0) {
            kz_rate *r = rate_of(a, addr, now, 1);
            r->fails++;
            return -1;
        }
    } else {
        rc = -2;
    }
    kz_session *slot = NULL;
    for (int i = 0; i < KZ_AUTH_SESSIONS; i++) {
        kz_session *s = &a->sessions[i];
        if (s->last && now - s->last > KZ_AUTH_IDLE_S)
            memset(s, 0, sizeof *s);
        if (!s->last) {
            slot = s;
            break;
        }
        if (!slot || s->last < slot->last)
            slot = s; /* all taken: the one idle longest makes room */
    }
    if (!slot)
        return -3;
    memset(slot, 0, sizeof *slot);
    random_hex(slot->token);
    random_hex(slot->csrf);
    snprintf(slot->who, sizeof slot->who, "%s", addr);
    slot->last = now;
    *out = *slot;
    return rc;
}

kz_session *kz_auth_session(kz_auth *a, const char *cookie, time_t now)
{
    if (!cookie)
        return NULL;
    const char *p = cookie;
    char tok[KZ_AUTH_TOKEN_HEX] = "";
    while ((p = strstr(p, "kz_session="))) {
        if (p == cookie || p[-1] == ' ' || p[-1] == ';') {
            p += 11;
            size_t n = strcspn(p, "; ");
            if (n == KZ_AUTH_TOKEN_HEX - 1)
                memcpy(tok, p, n);
            break;
        }
        p += 11;
    }
    if (!tok[0])
        return NULL;
    for (int i = 0; i < KZ_AUTH_SESSIONS; i++) {
        kz_session *s = &a->sessions[i];
        if (!s->last)
            continue;
        if (now - s->last > KZ_AUTH_IDLE_S) {
            memset(s, 0, sizeof *s);
            continue;
        }
        if (sodium_memcmp(s->token, tok, KZ_AUTH_TOKEN_HEX - 1) == 0) {
            s->last = now;
            return s;
        }
    }
    return NULL;
}

void kz_auth_logout(kz_auth *a, kz_session *s)
{
    (void)a;
    if (s)
        sodium_memzero(s, sizeof *s);
}

int kz_auth_csrf_ok(const kz_session *s, const char *header)
{
    if (!s || !header || strlen(header) != KZ_AUTH_TOKEN_HEX - 1)
        return 0;
    return sodium_memcmp(s->csrf, header, KZ_AUTH_TOKEN_HEX - 1) == 0;
}
