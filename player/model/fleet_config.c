/* [fleet] in player.ini: the MQTT client's configuration, read with the rest of player.ini
 * (model/config.c) and used by the client in ops/fleet.c. */
#include "model/fleet_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/params.h"
#include "base/timeutil.h"

/* ---- configuration ---------------------------------------------------------------------- */

void kz_fleet_config_defaults(kz_fleet_config *f)
{
    memset(f, 0, sizeof *f);
    f->heartbeat_s = 30;
    f->keepalive_s = 30;
    f->reconnect_max_s = 30;
    snprintf(f->command_keys, sizeof f->command_keys, "%s", KZ_FLEET_DEFAULT_KEYS);
    f->command_window_s = 300;
}

static int seconds_value(const char *val, int min, int max, int *out)
{
    kz_us d;
    long l;
    if (kz_parse_long(val, &l) == 0)
        d = (kz_us)l * KZ_US_PER_S;
    else if (kz_duration_parse(val, &d))
        return -1;
    if (d % KZ_US_PER_S || d / KZ_US_PER_S < min || d / KZ_US_PER_S > max)
        return -1;
    *out = (int)(d / KZ_US_PER_S);
    return 0;
}

static void abs_path(char *dst, size_t n, const char *base, const char *v)
{
    if (v[0] == '/' || !base)
        snprintf(dst, n, "%s", v);
    else
        snprintf(dst, n, "%s/%s", base, v);
}

int kz_fleet_config_key(kz_fleet_config *f, const char *key, const char *val, const char *base,
                        char *why, size_t whylen)
{
    if (!strcmp(key, "broker")) {
        char host[256];
        int tls, port;
        if (kz_fleet_parse_url(val, &tls, host, sizeof host, &port)) {
            snprintf(why, whylen, "expected mqtt://HOST:PORT or mqtts://HOST:PORT (credentials "
                                  "go in username and password)");
            return -1;
        }
        snprintf(f->broker, sizeof f->broker, "%s", val);
        snprintf(f->host, sizeof f->host, "%s", host);
        f->tls = tls;
        f->port = port;
        f->enabled = 1;
    } else if (!strcmp(key, "screen")) {
        if (!kz_fleet_name_ok(val)) {
            snprintf(why, whylen, "expected a name without spaces, '/', '+' or '#' (one MQTT "
                                  "topic level, up to 63 bytes)");
            return -1;
        }
        snprintf(f->screen, sizeof f->screen, "%s", val);
    } else if (!strcmp(key, "groups")) {
        int n = 0;
        char tmp[KZ_FLEET_MAX_GROUPS * KZ_FLEET_NAME_MAX * 2];
        if (strlen(val) >= sizeof tmp) {
            snprintf(why, whylen, "too long");
            return -1;
        }
        snprintf(tmp, sizeof tmp, "%s", val);
        char *save = NULL;
        for (char *t = strtok_r(tmp, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
            if (!kz_fleet_name_ok(t)) {
                snprintf(why, whylen, "group '%.64s': expected names without '/', '+' or '#', "
                                      "separated by commas", t);
                return -1;
            }
            if (n == KZ_FLEET_MAX_GROUPS) {
                snprintf(why, whylen, "more than %d groups", KZ_FLEET_MAX_GROUPS);
                return -1;
            }
            snprintf(f->groups[n++], KZ_FLEET_NAME_MAX, "%s", t);
        }
        f->n_groups = n;
    } else if (!strcmp(key, "username")) {
        if (strlen(val) >= sizeof f->username) {
            snprintf(why, whylen, "too long");
            return -1;
        }
        snprintf(f->username, sizeof f->username, "%s", val);
    } else if (!strcmp(key, "password")) {
        if (strlen(val) >= sizeof f->password) {
            snprintf(why, whylen, "too long");
            return -1;
        }
        snprintf(f->password, sizeof f->password, "%s", val);
    } else if (!strcmp(key, "password_file") || !strcmp(key, "ca") || !strcmp(key, "cert") ||
               !strcmp(key, "key")) {
        char *dst = !strcmp(key, "ca")     ? f->ca
                    : !strcmp(key, "cert") ? f->cert
                    : !strcmp(key, "key")  ? f->key
                                           : f->password_file;
        if (!*val) {
            snprintf(why, whylen, "empty file name");
            return -1;
        }
        abs_path(dst, PATH_MAX, base, val);
        if (access(dst, R_OK)) {
            snprintf(why, whylen, "%s: cannot read: %s", dst, strerror(errno));
            return -1;
        }
    } else if (!strcmp(key, "command_keys")) {
        if (!*val) {
            snprintf(why, whylen, "empty file name");
            return -1;
        }
        abs_path(f->command_keys, sizeof f->command_keys, base, val);
        if (access(f->command_keys, R_OK)) {
            snprintf(why, whylen, "%s: cannot read: %s", f->command_keys, strerror(errno));
            return -1;
        }
    } else if (!strcmp(key, "command_window")) {
        if (seconds_value(val, 10, 3600, &f->command_window_s)) {
            snprintf(why, whylen, "expected whole seconds from 10s to 1h");
            return -1;
        }
    } else if (!strcmp(key, "heartbeat")) {
        if (seconds_value(val, 0, 86400, &f->heartbeat_s)) {
            snprintf(why, whylen, "expected whole seconds such as 30s (0 = no heartbeat)");
            return -1;
        }
    } else if (!strcmp(key, "keepalive")) {
        if (seconds_value(val, 5, 3600, &f->keepalive_s)) {
            snprintf(why, whylen, "expected whole seconds from 5s to 1h");
            return -1;
        }
    } else if (!strcmp(key, "reconnect_max")) {
        if (seconds_value(val, 1, 3600, &f->reconnect_max_s)) {
            snprintf(why, whylen, "expected whole seconds from 1s to 1h");
            return -1;
        }
    } else {
        snprintf(why, whylen, "unknown key (broker, screen, groups, username, password, "
                              "password_file, ca, cert, key, heartbeat, keepalive, "
                              "reconnect_max, command_keys, command_window)");
        return -1;
    }
    return 0;
}

int kz_fleet_config_check(const kz_fleet_config *f, char *why, size_t whylen)
{
    int any = f->screen[0] || f->n_groups || f->username[0] || f->password[0] ||
              f->password_file[0] || f->ca[0] || f->cert[0] || f->key[0];
    if (!f->enabled && any) {
        snprintf(why, whylen, "no broker = mqtt://HOST:PORT: the other [fleet] keys do nothing");
        return -1;
    }
    if (!f->enabled)
        return 0;
    if (!f->cert[0] != !f->key[0]) {
        snprintf(why, whylen, "cert and key go together (a client certificate and its key)");
        return -1;
    }
    if ((f->ca[0] || f->cert[0]) && !f->tls) {
        snprintf(why, whylen, "ca/cert/key need an mqtts:// broker");
        return -1;
    }
    if (f->tls && !f->ca[0]) {
        snprintf(why, whylen, "mqtts:// needs ca = the file of the authority that signed the "
                              "broker's certificate");
        return -1;
    }
    if ((f->password[0] || f->password_file[0]) && !f->username[0]) {
        snprintf(why, whylen, "a password needs a username");
        return -1;
    }
    return 0;
}


int kz_fleet_parse_url(const char *url, int *tls, char *host, size_t hostlen, int *port)
{
    const char *p;
    if (!strncmp(url, "mqtt://", 7)) {
        *tls = 0;
        p = url + 7;
    } else if (!strncmp(url, "mqtts://", 8)) {
        *tls = 1;
        p = url + 8;
    } else {
        return -1;
    }
    *port = *tls ? 8883 : 1883;
    const char *h = p, *he;
    if (*p == '[') {
        h = p + 1;
        he = strchr(h, ']');
        if (!he)
            return -1;
        p = he + 1;
    } else {
        he = p + strcspn(p, ":/");
        p = he;
    }
    size_t hl = (size_t)(he - h);
    if (hl == 0 || hl >= hostlen)
        return -1;
    for (const char *c = h; c < he; c++)
        if (*c == '@' || *c == ' ' || (unsigned char)*c < 0x21 || *c == '[')
            return -1;
    memcpy(host, h, hl);
    host[hl] = 0;
    if (*p == ':') {
        char *end;
        long v = strtol(p + 1, &end, 10);
        if (end == p + 1 || v < 1 || v > 65535)
            return -1;
        *port = (int)v;
        p = end;
    }
    if (*p == '/')
        p++;
    return *p ? -1 : 0;
}

int kz_fleet_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= KZ_FLEET_NAME_MAX)
        return 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c == '/' || *c == '+' || *c == '#' || *c <= 0x20 || *c == 0x7f)
            return 0;
    return 1;
}
