/* libFuzzer: what the console reads from a request before any handler runs — the Cookie
 * header (kz_auth_session), names under a root (kz_cname_ok) — and the [console] keys of
 * player.ini. The first byte chooses. */
#include <stdint.h>
#include <string.h>

#include "console/auth.h"
#include "console/util.h"
#include "fuzz_input.h"
#include "model/console_config.h"

static kz_auth auth;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = kz_fuzz_text(data, size, 1, 8192);
    if (!s)
        return 0;
    static int ready;
    if (!ready) {
        if (kz_auth_init(&auth, "", 1))
            abort();
        kz_session out;
        kz_auth_login(&auth, "127.0.0.1", NULL, 100, &out);
        ready = 1;
    }
    switch (data[0] % 3) {
    case 0: {
        kz_session *got = kz_auth_session(&auth, s, 101);
        if (got && !kz_auth_csrf_ok(got, got->csrf))
            abort();
        break;
    }
    case 1: {
        int flat = kz_cname_ok(s, 0), deep = kz_cname_ok(s, 1);
        if (flat && !deep)
            abort(); /* a plain name is also a name with sub-folders allowed */
        /* an accepted name never climbs out or starts at / */
        if (deep && (s[0] == '/' || !strcmp(s, "..") || !strncmp(s, "../", 3) ||
                     strstr(s, "/../") || (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/.."))))
            abort();
        break;
    }
    default: {
        kz_console_config k;
        kz_console_config_defaults(&k);
        char why[300];
        static const char *const keys[] = {"password_hash", "listen", "upload_max", "tls_cert",
                                           "tls_key", "bogus"};
        kz_console_config_key(&k, keys[(size > 1 ? data[1] : 0) % 6], s, "/etc/kizuna", why,
                              sizeof why);
        long long v;
        if (kz_console_parse_size(s, &v) == 0 && v < 0)
            abort();
        break;
    }
    }
    free(s);
    return 0;
}
