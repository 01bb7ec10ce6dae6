/* [fleet] in player.ini: where the MQTT broker is and who this screen is (docs/fleet.md).
 * Configuration only; the client that uses it is ops/fleet.h. */
#ifndef KZ_FLEET_CONFIG_H
#define KZ_FLEET_CONFIG_H
#include <limits.h>
#include <stddef.h>

#define KZ_FLEET_MAX_GROUPS 16
#define KZ_FLEET_NAME_MAX 64
#define KZ_FLEET_DEFAULT_KEYS "/etc/kizuna/fleet-keys"

/* [fleet] in player.ini. */
typedef struct kz_fleet_config {
    int enabled;               /* a broker was given */
    char broker[512];          /* as written: mqtt://host:port or mqtts://host:port */
    int tls;                   /* mqtts:// */
    char host[256];
    int port;                  /* default 1883, 8883 with TLS */
    char screen[KZ_FLEET_NAME_MAX]; /* empty: [player] name */
    char groups[KZ_FLEET_MAX_GROUPS][KZ_FLEET_NAME_MAX];
    int n_groups;
    char username[128];
    char password[256];
    char password_file[PATH_MAX]; /* read when the client starts; wins over password */
    char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX]; /* TLS files (absolute) */
    int heartbeat_s;           /* seconds between heartbeats, default 30, 0 = none */
    int keepalive_s;           /* MQTT keepalive, default 30 */
    int reconnect_max_s;       /* longest wait between reconnect attempts, default 30 */
    /* Commands must be signed by one of the public keys in this file (ops/fleetsig.h);
     * default KZ_FLEET_DEFAULT_KEYS. */
    char command_keys[PATH_MAX];
    int command_window_s;      /* a command's timestamp may be this far from now, default 300 */
} kz_fleet_config;

void kz_fleet_config_defaults(kz_fleet_config *f);
/* One key of [fleet]. base: the directory relative file names are relative to. 0, or -1 with
 * the reason in why (the caller logs it with file:line). Unknown keys are -1. */
int kz_fleet_config_key(kz_fleet_config *f, const char *key, const char *val, const char *base,
                        char *why, size_t whylen);
/* Checks that need every key (TLS files with mqtts://, cert and key together). */
int kz_fleet_config_check(const kz_fleet_config *f, char *why, size_t whylen);

/* ---- pure helpers (unit-tested; the client in ops/fleet.c uses them too) ----------------- */

/* mqtt://host[:port] or mqtts://host[:port]; IPv6 literals as [::1]. 0 or -1. */
int kz_fleet_parse_url(const char *url, int *tls, char *host, size_t hostlen, int *port);
/* A screen or group name usable as one topic level: 1..63 bytes, no '/', '+', '#', no control
 * characters or spaces. 1 = good. */
int kz_fleet_name_ok(const char *s);
#endif
