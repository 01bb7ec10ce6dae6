/* Who may use the console: the password (only its libsodium crypto_pwhash_str hash is ever
 * stored), sessions (random tokens in an HttpOnly, SameSite=Strict cookie), a CSRF token per
 * session that every state-changing request carries in a header, and a login rate limit per
 * address. Pure state, no I/O: the console calls it under its lock. */
#ifndef KZ_CONSOLE_AUTH_H
#define KZ_CONSOLE_AUTH_H
#include <stddef.h>
#include <time.h>

#define KZ_AUTH_SESSIONS 64
#define KZ_AUTH_TOKEN_HEX 65      /* 32 random bytes as hex, NUL */
#define KZ_AUTH_IDLE_S (8 * 3600) /* a session ends after 8 idle hours */
#define KZ_AUTH_RATE_ADDRS 256
#define KZ_AUTH_RATE_FAILS 5      /* failed logins per address per window, then 429 */
#define KZ_AUTH_RATE_WINDOW_S 60

typedef struct kz_session {
    char token[KZ_AUTH_TOKEN_HEX];
    char csrf[KZ_AUTH_TOKEN_HEX];
    char who[64];                 /* address at login, for the audit log */
    time_t last;                  /* 0 = free */
} kz_session;

typedef struct kz_rate {
    char addr[64];
    time_t window_start;
    int fails;
} kz_rate;

typedef struct kz_auth {
    char hash[256];               /* empty: no password configured */
    int need_password;            /* a hash is configured, or listening beyond loopback */
    kz_session sessions[KZ_AUTH_SESSIONS];
    kz_rate rates[KZ_AUTH_RATE_ADDRS];
} kz_auth;

/* Must be called once before anything else (sodium_init). 0 or -1. */
int kz_auth_init(kz_auth *a, const char *hash, int loopback_only);
/* Hash a password for player.ini ([console] password_hash). 0 or -1. */
int kz_auth_hash(const char *password, char *out, size_t outlen);

/* 1 = addr has used up its failures in this window (answer 429, do not even verify). */
int kz_auth_limited(kz_auth *a, const char *addr, time_t now);
/* Check a password and open a session. 0 = a new session (copied into *out), -1 = wrong
 * password (counted for addr), -2 = no password needed (a session opens all the same),
 * -3 = no free session slot even after evicting the oldest (cannot happen; kept honest). */
int kz_auth_login(kz_auth *a, const char *addr, const char *password, time_t now,
                  kz_session *out);
/* The session whose token is in the Cookie header (name kz_session), refreshed; or NULL. */
kz_session *kz_auth_session(kz_auth *a, const char *cookie, time_t now);
void kz_auth_logout(kz_auth *a, kz_session *s);
/* 1 when header equals the session's CSRF token (constant time). */
int kz_auth_csrf_ok(const kz_session *s, const char *header);
#endif
