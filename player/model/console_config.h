/* [console] in player.ini: the operator console's settings (docs/console-api.md). Configuration
 * only; the console itself is player/console/. The player ignores these keys, but they are
 * checked here so that `kizuna check` reports a typo with file:line like any other key. */
#ifndef KZ_CONSOLE_CONFIG_H
#define KZ_CONSOLE_CONFIG_H
#include <limits.h>
#include <stddef.h>

typedef struct kz_console_config {
    char password_hash[256];   /* crypto_pwhash_str() output ($argon2id$...), empty = none */
    char listen[128];          /* ADDR:PORT, default 127.0.0.1:8080 */
    long long upload_max;      /* bytes, default 512 MiB */
    char tls_cert[PATH_MAX];   /* PEM files (absolute): HTTPS when both are given */
    char tls_key[PATH_MAX];
    int tls_cert_line, tls_key_line; /* where in player.ini they were given (for messages) */
} kz_console_config;

#define KZ_CONSOLE_UPLOAD_MAX_DEFAULT (512LL * 1024 * 1024)

void kz_console_config_defaults(kz_console_config *k);
/* One key of [console]. 0, or -1 with the reason in why (unknown keys are -1). */
int kz_console_config_key(kz_console_config *k, const char *key, const char *val,
                          const char *base, char *why, size_t whylen);
/* Parse a size: 512M, 2G, 1048576 (K/M/G are binary). 0 or -1. */
int kz_console_parse_size(const char *s, long long *out);
#endif
