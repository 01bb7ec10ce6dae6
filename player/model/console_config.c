/* [console] in player.ini (console_config.h). */
#include "model/console_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kz_console_config_defaults(kz_console_config *k)
{
    memset(k, 0, sizeof *k);
    snprintf(k->listen, sizeof k->listen, "127.0.0.1:8080");
    k->upload_max = KZ_CONSOLE_UPLOAD_MAX_DEFAULT;
}

int kz_console_parse_size(const char *s, long long *out)
{
    char *end;
    errno = 0;
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    long long v = strtoll(s, &end, 10);
    if (errno || v < 0)
        return -1;
    long long mul = 1;
    switch (toupper((unsigned char)*end)) {
    case 0: break;
    case 'K': mul = 1024LL; end++; break;
    case 'M': mul = 1024LL * 1024; end++; break;
    case 'G': mul = 1024LL * 1024 * 1024; end++; break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'I')
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v > (1LL << 50) / mul)
        return -1;
    *out = v * mul;
    return 0;
}

static int set_file(char *dst, size_t n, const char *val, const char *base)
{
    int w = val[0] == '/' ? snprintf(dst, n, "%s", val) : snprintf(dst, n, "%s/%s", base, val);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

int kz_console_config_key(kz_console_config *k, const char *key, const char *val,
                          const char *base, char *why, size_t whylen)
{
    if (!strcmp(key, "password_hash")) {
        if (strncmp(val, "$argon2", 7) || strlen(val) >= sizeof k->password_hash) {
            snprintf(why, whylen, "expected the output of kizuna console --set-password "
                                  "($argon2id$...)");
            return -1;
        }
        snprintf(k->password_hash, sizeof k->password_hash, "%s", val);
    } else if (!strcmp(key, "listen")) {
        const char *colon = strrchr(val, ':');
        if (!colon || colon == val || !colon[1] || strlen(val) >= sizeof k->listen) {
            snprintf(why, whylen, "expected ADDRESS:PORT, e.g. 127.0.0.1:8080");
            return -1;
        }
        snprintf(k->listen, sizeof k->listen, "%s", val);
    } else if (!strcmp(key, "upload_max")) {
        if (kz_console_parse_size(val, &k->upload_max) || k->upload_max < 1024) {
            snprintf(why, whylen, "expected a size such as 512M or 2G (at least 1K)");
            return -1;
        }
    } else if (!strcmp(key, "tls_cert") || !strcmp(key, "tls_key")) {
        char *dst = key[4] == 'c' ? k->tls_cert : k->tls_key;
        if (!*val || set_file(dst, PATH_MAX, val, base)) {
            snprintf(why, whylen, "expected a PEM file name");
            return -1;
        }
    } else {
        snprintf(why, whylen, "unknown key (password_hash, listen, upload_max, tls_cert, "
                              "tls_key)");
        return -1;
    }
    return 0;
}
