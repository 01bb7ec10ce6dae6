/* The console's gate (player/console/auth.c, util.c) and [console] in player.ini: password
 * hashes, the login rate limit, sessions from the Cookie header, CSRF tokens, confined names
 * and paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kz_test.h"
#include "console/auth.h"
#include "console/util.h"
#include "model/console_config.h"

static kz_auth auth; /* large: static, not on the stack */

static void test_password_hash_and_login(void **state)
{
    (void)state;
    char hash[256];
    assert_int_equal(kz_auth_hash("correct horse", hash, sizeof hash), 0);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_null(strstr(hash, "correct horse"));
    assert_int_equal(kz_auth_init(&auth, hash, 1), 0);
    assert_int_equal(auth.need_password, 1);
    kz_session s;
    assert_int_equal(kz_auth_login(&auth, "10.0.0.1", "wrong horse", 1000, &s), -1);
    assert_int_equal(kz_auth_login(&auth, "10.0.0.1", NULL, 1000, &s), -1);
    assert_int_equal(kz_auth_login(&auth, "10.0.0.1", "correct horse", 1000, &s), 0);
    assert_int_equal(strlen(s.token), KZ_AUTH_TOKEN_HEX - 1);
    assert_int_equal(strlen(s.csrf), KZ_AUTH_TOKEN_HEX - 1);
    assert_string_not_equal(s.token, s.csrf);
    assert_string_equal(s.who, "10.0.0.1");
}

static void test_rate_limit(void **state)
{
    (void)state;
    char hash[256];
    assert_int_equal(kz_auth_hash("correct horse", hash, sizeof hash), 0);
    assert_int_equal(kz_auth_init(&auth, hash, 0), 0);
    kz_session s;
    for (int i = 0; i < KZ_AUTH_RATE_FAILS; i++) {
        assert_int_equal(kz_auth_limited(&auth, "10.0.0.2", 2000), 0);
        assert_int_equal(kz_auth_login(&auth, "10.0.0.2", "guess", 2000, &s), -1);
    }
    assert_int_equal(kz_auth_limited(&auth, "10.0.0.2", 2000), 1);
    assert_int_equal(kz_auth_limited(&auth, "10.0.0.3", 2000), 0); /* per address */
    assert_int_equal(kz_auth_limited(&auth, "10.0.0.2", 2000 + KZ_AUTH_RATE_WINDOW_S), 0);
}

static void test_no_password_on_loopback_only(void **state)
{
    (void)state;
    assert_int_equal(kz_auth_init(&auth, "", 1), 0);
    assert_int_equal(auth.need_password, 0);
    kz_session s;
    assert_int_equal(kz_auth_login(&auth, "127.0.0.1", NULL, 10, &s), -2);
    assert_int_equal(kz_auth_init(&auth, "", 0), 0);
    assert_int_equal(auth.need_password, 1); /* beyond loopback: never without a password */
    assert_int_equal(kz_auth_login(&auth, "10.0.0.1", "anything", 10, &s), -1);
}

static void test_session_cookie_and_csrf(void **state)
{
    (void)state;
    assert_int_equal(kz_auth_init(&auth, "", 1), 0);
    kz_session s;
    assert_int_equal(kz_auth_login(&auth, "127.0.0.1", NULL, 100, &s), -2);
    char cookie[200];
    snprintf(cookie, sizeof cookie, "theme=dark; kz_session=%s; lang=ja", s.token);
    kz_session *got = kz_auth_session(&auth, cookie, 101);
    assert_non_null(got);
    assert_int_equal(kz_auth_csrf_ok(got, s.csrf), 1);
    assert_int_equal(kz_auth_csrf_ok(got, s.token), 0);
    assert_int_equal(kz_auth_csrf_ok(got, NULL), 0);
    assert_int_equal(kz_auth_csrf_ok(got, ""), 0);
    /* a cookie whose name only ends in kz_session is not ours */
    snprintf(cookie, sizeof cookie, "xkz_session=%s", s.token);
    assert_null(kz_auth_session(&auth, cookie, 101));
    assert_null(kz_auth_session(&auth, "kz_session=00", 101));
    assert_null(kz_auth_session(&auth, NULL, 101));
    /* idle too long: gone */
    snprintf(cookie, sizeof cookie, "kz_session=%s", s.token);
    assert_null(kz_auth_session(&auth, cookie, 101 + KZ_AUTH_IDLE_S + 1));
    /* logout ends it */
    assert_int_equal(kz_auth_login(&auth, "127.0.0.1", NULL, 200, &s), -2);
    snprintf(cookie, sizeof cookie, "kz_session=%s", s.token);
    got = kz_auth_session(&auth, cookie, 201);
    assert_non_null(got);
    kz_auth_logout(&auth, got);
    assert_null(kz_auth_session(&auth, cookie, 202));
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(kz_cname_ok("clip.mp4", 0), 1);
    assert_int_equal(kz_cname_ok("a/clip.mp4", 1), 1);
    assert_int_equal(kz_cname_ok("a/clip.mp4", 0), 0);
    assert_int_equal(kz_cname_ok("../x", 1), 0);
    assert_int_equal(kz_cname_ok("a/../x", 1), 0);
    assert_int_equal(kz_cname_ok("a/./x", 1), 0);
    assert_int_equal(kz_cname_ok("/etc/passwd", 1), 0);
    assert_int_equal(kz_cname_ok("a//x", 1), 0);
    assert_int_equal(kz_cname_ok("..", 0), 0);
    assert_int_equal(kz_cname_ok("", 0), 0);
    assert_int_equal(kz_cname_ok("a\\b", 0), 0);
    assert_int_equal(kz_cname_ok("a\nb", 0), 0);
}

static void test_confined_open(void **state)
{
    (void)state;
    char root[] = "/tmp/kz-console-auth-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512], out[512];
    snprintf(p, sizeof p, "%s/in", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/in/ok.txt", root);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("inside", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/secret.txt", root);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs("outside", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/in/link.txt", root);
    snprintf(out, sizeof out, "%s/secret.txt", root);
    assert_int_equal(symlink(out, p), 0);
    snprintf(p, sizeof p, "%s/in/dirlink", root);
    assert_int_equal(symlink(root, p), 0);
    snprintf(p, sizeof p, "%s/in", root);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(kz_cread(p, "ok.txt", 100, &buf, &len), 0);
    assert_string_equal(buf, "inside");
    free(buf);
    assert_int_equal(kz_cread(p, "ok.txt", 3, &buf, &len), -1); /* over the limit */
    assert_int_equal(kz_cread(p, "link.txt", 100, &buf, &len), -1);
    assert_int_equal(kz_cread(p, "dirlink/secret.txt", 100, &buf, &len), -1);
    assert_int_equal(kz_cread(p, "../secret.txt", 100, &buf, &len), -1);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void test_versions(void **state)
{
    (void)state;
    char a[33], b[33], n[33];
    kz_cversion("[playlist]\n", 11, a);
    kz_cversion("[playlist]\n ", 12, b);
    kz_cversion(NULL, 0, n);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    assert_string_equal(n, "none");
}

static void test_console_config(void **state)
{
    (void)state;
    kz_console_config k;
    char why[300];
    kz_console_config_defaults(&k);
    assert_string_equal(k.listen, "127.0.0.1:8080");
    assert_true(k.upload_max == KZ_CONSOLE_UPLOAD_MAX_DEFAULT);
    assert_int_equal(kz_console_config_key(&k, "upload_max", "2M", "/etc/kizuna", why,
                                           sizeof why), 0);
    assert_true(k.upload_max == 2 * 1024 * 1024);
    assert_int_equal(kz_console_config_key(&k, "upload_max", "lots", "/etc/kizuna", why,
                                           sizeof why), -1);
    assert_int_equal(kz_console_config_key(&k, "listen", "0.0.0.0:9000", "/etc/kizuna", why,
                                           sizeof why), 0);
    assert_string_equal(k.listen, "0.0.0.0:9000");
    assert_int_equal(kz_console_config_key(&k, "pasword_hash", "x", "/etc/kizuna", why,
                                           sizeof why), -1);
    long long v;
    assert_int_equal(kz_console_parse_size("1G", &v), 0);
    assert_true(v == 1024LL * 1024 * 1024);
    assert_int_equal(kz_console_parse_size("-1", &v), -1);
    assert_int_equal(kz_console_parse_size("", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_hash_and_login),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_no_password_on_loopback_only),
        cmocka_unit_test(test_session_cookie_and_csrf),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_confined_open),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_console_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
