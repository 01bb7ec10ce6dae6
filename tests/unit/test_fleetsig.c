/* Signed fleet commands (ops/fleetsig.h): keys made and read back, a good signature
 * accepted once, replays, other topics, altered bytes, unknown keys, stale and pre-start
 * timestamps refused, malformed key files blamed on file:line, the bounded nonce memory, and
 * screenshot names the player makes (ops/shots.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kz_test.h"
#include "ops/fleetsig.h"
#include "ops/shots.h"

static char dir[256], skpath[300], pkpath[300];
static char name[KZ_SIG_NAME_MAX];
static unsigned char sk[KZ_SIG_SK];
static const int64_t T0 = 1800000000000; /* the player's start, ms since the epoch */

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kz-test-fleetsig-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(skpath, sizeof skpath, "%s/op.key", dir);
    snprintf(pkpath, sizeof pkpath, "%s/keys", dir);
    char line[200], why[300];
    if (kz_sig_keygen(skpath, "operator", line, sizeof line, why, sizeof why))
        return -1;
    char text[400];
    snprintf(text, sizeof text, "# the operators\n\n%s", line);
    write_file(pkpath, text, 0644);
    return kz_sig_read_secret(skpath, name, sizeof name, sk, why, sizeof why);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void verifier(kz_sig_verifier *v)
{
    char why[300];
    assert_int_equal(kz_sig_init(v, 300, T0), 0);
    assert_int_equal(kz_sig_load_keys(v, pkpath, why, sizeof why), 0);
    assert_int_equal(v->n_keys, 1);
}

/* 0 accepted, -1 refused; the reason in why. */
static int check(kz_sig_verifier *v, const char *topic, const char *msg, int64_t now, char *why)
{
    const char *body = NULL;
    char who[KZ_SIG_NAME_MAX];
    return kz_sig_verify(v, topic, msg, strlen(msg), now, &body, who, sizeof who, why, 300);
}

static void test_accept_once(void **state)
{
    (void)state;
    kz_sig_verifier v;
    verifier(&v);
    char *m = kz_sig_sign(name, sk, "kizuna/a/cmd", "interrupt\ntext=地震", T0 + 1000, NULL);
    assert_non_null(m);
    const char *body = NULL;
    char who[KZ_SIG_NAME_MAX], why[300];
    assert_int_equal(kz_sig_verify(&v, "kizuna/a/cmd", m, strlen(m), T0 + 2000, &body, who,
                                   sizeof who, why, sizeof why),
                     0);
    assert_string_equal(who, "operator");
    assert_string_equal(body, "interrupt\ntext=地震");
    assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 3000, why), -1);
    assert_non_null(strstr(why, "replayed"));
    free(m);
    kz_sig_free(&v);
}

static void test_refusals(void **state)
{
    (void)state;
    kz_sig_verifier v;
    verifier(&v);
    char why[300];
    assert_int_equal(check(&v, "kizuna/a/cmd", "interrupt\ntext=x", T0 + 1000, why), -1);
    assert_non_null(strstr(why, "not signed"));
    /* another topic */
    char *m = kz_sig_sign(name, sk, "kizuna/group/lobby/cmd", "clear", T0 + 1000, NULL);
    assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 1000, why), -1);
    assert_non_null(strstr(why, "bad signature"));
    /* one byte of the command changed */
    m[strlen(m) - 1] ^= 1;
    assert_int_equal(check(&v, "kizuna/group/lobby/cmd", m, T0 + 1000, why), -1);
    assert_non_null(strstr(why, "bad signature"));
    free(m);
    /* stale, from the future, from before the start */
    m = kz_sig_sign(name, sk, "kizuna/a/cmd", "clear", T0 + 1000, NULL);
    assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 1000 + 301000, why), -1);
    assert_non_null(strstr(why, "stale"));
    assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 1000 - 301000, why), -1);
    assert_non_null(strstr(why, "stale"));
    free(m);
    m = kz_sig_sign(name, sk, "kizuna/a/cmd", "clear", T0 - 1000, NULL);
    assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 1000, why), -1);
    assert_non_null(strstr(why, "before this player started"));
    free(m);
    /* an unknown signer under a known name */
    char other[300], line[200];
    snprintf(other, sizeof other, "%s/other.key", dir);
    assert_int_equal(kz_sig_keygen(other, "operator", line, sizeof line, why, sizeof why), 0);
    char on[KZ_SIG_NAME_MAX];
    unsigned char osk[KZ_SIG_SK];
    assert_int_equal(kz_sig_read_secret(other, on, sizeof on, osk, why, sizeof why), 0);
    m = kz_sig_sign(on, osk, "kizuna/a/cmd", "clear", T0 + 1000, NULL);
    assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 1000, why), -1);
    assert_non_null(strstr(why, "bad signature"));
    free(m);
    /* malformed lines never crash and are refused */
    const char *bad[] = {"kizuna-sig1 ", "kizuna-sig1 operator\n", "kizuna-sig1 a b c d\nx",
                         "kizuna-sig1 operator 12 zz zz\nclear"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(check(&v, "kizuna/a/cmd", bad[i], T0 + 1000, why), -1);
    assert_int_equal(v.accepted, 0);
    kz_sig_free(&v);
}

static void test_nonce_memory_bounded(void **state)
{
    (void)state;
    kz_sig_verifier v;
    verifier(&v);
    char why[300];
    /* more commands inside the window than the memory holds: every one runs once, and the
     * first, forgotten, is still refused (the floor rose past it) */
    char *first = NULL;
    for (int i = 0; i < KZ_SIG_SEEN_MAX + 10; i++) {
        char *m = kz_sig_sign(name, sk, "kizuna/a/cmd", "status", T0 + 1 + i, NULL);
        assert_int_equal(check(&v, "kizuna/a/cmd", m, T0 + 5000, why), 0);
        if (i == 0)
            first = m;
        else
            free(m);
    }
    assert_true(v.n_seen <= KZ_SIG_SEEN_MAX);
    assert_int_equal(check(&v, "kizuna/a/cmd", first, T0 + 5000, why), -1);
    free(first);
    kz_sig_free(&v);
}

static void test_key_files(void **state)
{
    (void)state;
    kz_sig_verifier v;
    char path[300], why[300];
    assert_int_equal(kz_sig_init(&v, 300, T0), 0);
    snprintf(path, sizeof path, "%s/bad-keys", dir);
    write_file(path, "# ok\nops 0123\n", 0644);
    assert_int_equal(kz_sig_load_keys(&v, path, why, sizeof why), -1);
    assert_non_null(strstr(why, "bad-keys:2:"));
    write_file(path, "", 0644);
    assert_int_equal(kz_sig_load_keys(&v, path, why, sizeof why), -1);
    assert_non_null(strstr(why, "no keys"));
    /* a key file anyone may write is refused: whoever adds a key commands the screen */
    char line[200];
    snprintf(line, sizeof line, "a %064d\n", 0);
    write_file(path, line, 0666);
    assert_int_equal(kz_sig_load_keys(&v, path, why, sizeof why), -1);
    assert_non_null(strstr(why, "anyone may write it"));
    assert_int_equal(kz_sig_load_keys(&v, dir, why, sizeof why), -1);
    assert_int_equal(v.n_keys, 0);
    /* keygen never overwrites */
    assert_int_equal(kz_sig_keygen(skpath, "x", line, sizeof line, why, sizeof why), -1);
    /* a secret others may read is refused */
    chmod(skpath, 0644);
    char nm[KZ_SIG_NAME_MAX];
    unsigned char k[KZ_SIG_SK];
    assert_int_equal(kz_sig_read_secret(skpath, nm, sizeof nm, k, why, sizeof why), -1);
    chmod(skpath, 0600);
    kz_sig_free(&v);
}

static void test_shot_names(void **state)
{
    (void)state;
    char path[4300];
    kz_us t = (kz_us)1800000000 * KZ_US_PER_S + 123456;
    for (int i = 0; i < 3; i++) {
        int fd = kz_shots_create(dir, t, path, sizeof path);
        assert_true(fd >= 0);
        close(fd);
        assert_non_null(strstr(path, "/" KZ_SHOTS_DIR "/screenshot-"));
        if (i == 2)
            assert_non_null(strstr(path, ".123-3.png"));
    }
    for (int i = 0; i < 5; i++) {
        int fd = kz_shots_create(dir, t + (kz_us)(i + 1) * KZ_US_PER_S, path, sizeof path);
        assert_true(fd >= 0);
        close(fd);
    }
    kz_shots_prune(dir, 4);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test $(ls '%s/" KZ_SHOTS_DIR "' | wc -l) = 4", dir);
    assert_int_equal(system(cmd), 0);
    /* a symlink planted as the folder is not followed */
    char d2[300], target[300];
    snprintf(d2, sizeof d2, "%s/logs2", dir);
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    assert_int_equal(mkdir(d2, 0755), 0);
    assert_int_equal(mkdir(target, 0755), 0);
    snprintf(path, sizeof path, "%s/" KZ_SHOTS_DIR, d2);
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(kz_shots_create(d2, t, path, sizeof path), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_once),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_nonce_memory_bounded),
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_shot_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
