/* The fleet client's pure parts: broker URLs, topic names and filters, JSON strings, request
 * ids, the [fleet] keys of player.ini, and the proof-of-play spool (append, deliver, reopen
 * after a crash, torn lines, truncation and compaction). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kz_test.h"
#include "model/config.h"
#include "ops/control.h"
#include "ops/fleet.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kz-test-fleet-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_url(void **state)
{
    (void)state;
    char host[64];
    int tls = -1, port = 0;
    assert_int_equal(kz_fleet_parse_url("mqtt://127.0.0.1:18830", &tls, host, sizeof host,
                                        &port), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 18830);
    assert_int_equal(tls, 0);
    assert_int_equal(kz_fleet_parse_url("mqtts://broker.example.jp", &tls, host, sizeof host,
                                        &port), 0);
    assert_string_equal(host, "broker.example.jp");
    assert_int_equal(port, 8883);
    assert_int_equal(tls, 1);
    assert_int_equal(kz_fleet_parse_url("mqtt://broker/", &tls, host, sizeof host, &port), 0);
    assert_int_equal(port, 1883);
    assert_int_equal(kz_fleet_parse_url("mqtt://[::1]:1884", &tls, host, sizeof host, &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 1884);
    const char *bad[] = {"tcp://h:1", "mqtt://", "mqtt://:1883", "mqtt://h:0", "mqtt://h:65536",
                         "mqtt://h:12x", "mqtt://user:pw@h", "mqtt://h/path", "mqtt://[::1",
                         "http://h", "mqtt://h h", "MQTT://h"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kz_fleet_parse_url(bad[i], &tls, host, sizeof host, &port), -1);
    /* host longer than the buffer */
    assert_int_equal(kz_fleet_parse_url("mqtt://a-very-long-host-name-here", &tls, host, 8,
                                        &port), -1);
}

static void test_names_and_topics(void **state)
{
    (void)state;
    assert_true(kz_fleet_name_ok("lobby-1"));
    assert_true(kz_fleet_name_ok("熊本駅"));
    assert_false(kz_fleet_name_ok(""));
    assert_false(kz_fleet_name_ok("a/b"));
    assert_false(kz_fleet_name_ok("a+"));
    assert_false(kz_fleet_name_ok("#"));
    assert_false(kz_fleet_name_ok("a b"));
    assert_false(kz_fleet_name_ok("a\tb"));
    char longname[80];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_false(kz_fleet_name_ok(longname));

    assert_true(kz_fleet_topic_match("kizuna/a/cmd", "kizuna/a/cmd"));
    assert_false(kz_fleet_topic_match("kizuna/a/cmd", "kizuna/b/cmd"));
    assert_true(kz_fleet_topic_match("kizuna/+/reply", "kizuna/tile-1/reply"));
    assert_false(kz_fleet_topic_match("kizuna/+/reply", "kizuna/group/x/reply"));
    assert_true(kz_fleet_topic_match("kizuna/#", "kizuna/group/x/cmd"));
    assert_true(kz_fleet_topic_match("kizuna/#", "kizuna"));
    assert_true(kz_fleet_topic_match("#", "kizuna/a"));
    assert_false(kz_fleet_topic_match("#", "$SYS/broker/uptime"));
    assert_false(kz_fleet_topic_match("+/broker/uptime", "$SYS/broker/uptime"));
    assert_true(kz_fleet_topic_match("kizuna/+/+", "kizuna/a/pop"));
    assert_false(kz_fleet_topic_match("kizuna/+", "kizuna/a/pop"));
    assert_false(kz_fleet_topic_match("kizuna/a/pop", "kizuna/a"));
    assert_true(kz_fleet_topic_match("kizuna/+/", "kizuna/a/"));
    assert_false(kz_fleet_topic_match("kizuna/#/x", "kizuna/a/x"));
}

static void test_json_and_request_id(void **state)
{
    (void)state;
    kz_buf b = {0};
    kz_fleet_json_str(&b, "地震 \"quote\" back\\slash\nline\ttab\x01");
    assert_string_equal(b.s, "\"地震 \\\"quote\\\" back\\\\slash\\nline\\ttab\\u0001\"");
    kz_buf_free(&b);

    char id[16];
    kz_fleet_request_id("interrupt\nid=e1\ntext=x", id, sizeof id);
    assert_string_equal(id, "e1");
    kz_fleet_request_id("status", id, sizeof id);
    assert_string_equal(id, "");
    /* an "id=" inside the text is text */
    kz_fleet_request_id("interrupt\ntext=a\nid=nope", id, sizeof id);
    assert_string_equal(id, "");
    kz_fleet_request_id("skip\nid=0123456789012345678901234", id, sizeof id);
    assert_string_equal(id, "012345678901234");
}

static void test_config_keys(void **state)
{
    (void)state;
    kz_config c;
    kz_capture();
    const char *good = "[player]\nname = kumamoto-1\n[fleet]\nbroker = mqtt://127.0.0.1:1883\n"
                       "screen = tile-1\ngroups = lobby, 熊本駅 ,all\nusername = tile-1\n"
                       "password = s3cret\nheartbeat = 15s\nkeepalive = 1m\nreconnect_max = 5\n";
    assert_int_equal(kz_config_load_string(&c, good, "good.ini", dir), 0);
    assert_int_equal(c.fleet.enabled, 1);
    assert_string_equal(c.fleet.host, "127.0.0.1");
    assert_int_equal(c.fleet.port, 1883);
    assert_string_equal(c.fleet.screen, "tile-1");
    assert_int_equal(c.fleet.n_groups, 3);
    assert_string_equal(c.fleet.groups[1], "熊本駅");
    assert_string_equal(c.fleet.groups[2], "all");
    assert_int_equal(c.fleet.heartbeat_s, 15);
    assert_int_equal(c.fleet.keepalive_s, 60);
    assert_int_equal(c.fleet.reconnect_max_s, 5);
    char why[300];
    assert_int_equal(kz_fleet_config_check(&c.fleet, why, sizeof why), 0);

    kz_capture();
    const char *bad = "[fleet]\nbroker = http://x\nscreen = a b\ngroups = ok, no/slash\n"
                      "heartbeat = soon\ncolour = red\nca = missing-ca.pem\n";
    assert_int_equal(kz_config_load_string(&c, bad, "bad.ini", dir), 6);
    assert_non_null(strstr(kz_test_logged, "bad.ini:2: [fleet] broker = http://x: expected "
                                           "mqtt://HOST:PORT"));
    assert_non_null(strstr(kz_test_logged, "bad.ini:3: [fleet] screen = a b"));
    assert_non_null(strstr(kz_test_logged, "bad.ini:4: [fleet] groups = ok, no/slash: group "
                                           "'no/slash'"));
    assert_non_null(strstr(kz_test_logged, "bad.ini:5: [fleet] heartbeat = soon"));
    assert_non_null(strstr(kz_test_logged, "bad.ini:6: [fleet] colour = red: unknown key"));
    assert_non_null(strstr(kz_test_logged, "bad.ini:7: [fleet] ca = missing-ca.pem: "));
    kz_log_set_sink(NULL, NULL);

    /* combinations */
    kz_fleet_config f;
    kz_fleet_config_defaults(&f);
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), 0); /* no [fleet]: off */
    snprintf(f.screen, sizeof f.screen, "x");
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), -1); /* keys, no broker */
    assert_int_equal(kz_fleet_config_key(&f, "broker", "mqtts://h", dir, why, sizeof why), 0);
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), -1); /* TLS without ca */
    assert_non_null(strstr(why, "needs ca"));
    char ca[300];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    FILE *fp = fopen(ca, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(kz_fleet_config_key(&f, "ca", "ca.pem", dir, why, sizeof why), 0);
    assert_string_equal(f.ca, ca);
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), 0);
    assert_int_equal(kz_fleet_config_key(&f, "cert", "ca.pem", dir, why, sizeof why), 0);
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), -1); /* cert without key */
    assert_int_equal(kz_fleet_config_key(&f, "key", "ca.pem", dir, why, sizeof why), 0);
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), 0);
    assert_int_equal(kz_fleet_config_key(&f, "password", "pw", dir, why, sizeof why), 0);
    assert_int_equal(kz_fleet_config_check(&f, why, sizeof why), -1); /* password, no user */
}

static void line_for(char *out, size_t n, int i)
{
    snprintf(out, n, "screen@%d@main\t2025-02-03T10:00:00.000+09:00\tx\t1.000\tmain\tloop\t"
                     "item-%d\t\tcompleted\n", 1000 + i, i);
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_spool(void **state)
{
    (void)state;
    char path[300], line[256], buf[256];
    snprintf(path, sizeof path, "%s/spool.tsv", dir);
    unlink(path);
    kz_spool s;
    assert_int_equal(kz_spool_open(&s, path), 0);
    for (int i = 0; i < 5; i++) {
        line_for(line, sizeof line, i);
        assert_int_equal(kz_spool_append(&s, line, strlen(line)), 0);
    }
    /* refused: no newline, two lines */
    assert_int_equal(kz_spool_append(&s, "a", 1), -1);
    assert_int_equal(kz_spool_append(&s, "a\nb\n", 4), -1);
    assert_int_equal(kz_spool_pending(&s), 5);
    assert_true(kz_spool_read(&s, 2, buf, sizeof buf) > 0);
    line_for(line, sizeof line, 2);
    assert_string_equal(buf, line);
    /* delivered out of order: 1, then 0 (the prefix drops), then 3 */
    assert_int_equal(kz_spool_done(&s, 1), 0);
    assert_int_equal(kz_spool_done(&s, 1), -1);
    assert_int_equal(kz_spool_done(&s, 0), 0);
    assert_int_equal(s.head, 2);
    assert_int_equal(kz_spool_done(&s, 3), 0);
    assert_int_equal(kz_spool_pending(&s), 2);
    kz_spool_close(&s);

    /* a crash now: reopening finds lines 2 and 4, in order */
    assert_int_equal(kz_spool_open(&s, path), 0);
    assert_int_equal(kz_spool_pending(&s), 2);
    assert_true(kz_spool_read(&s, s.head, buf, sizeof buf) > 0);
    line_for(line, sizeof line, 2);
    assert_string_equal(buf, line);
    size_t second = s.head + 1;
    while (s.e[second].done)
        second++;
    assert_true(kz_spool_read(&s, second, buf, sizeof buf) > 0);
    line_for(line, sizeof line, 4);
    assert_string_equal(buf, line);
    /* everything delivered: the file is emptied */
    for (size_t i = s.head; i < s.n; i++)
        if (!s.e[i].done)
            assert_int_equal(kz_spool_done(&s, i), 0);
    assert_int_equal(kz_spool_pending(&s), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    kz_spool_close(&s);

    /* a torn last record (power cut while writing) is ignored; the next starts fresh */
    int fd = open(path, O_WRONLY | O_APPEND);
    line_for(line, sizeof line, 7);
    assert_true(write(fd, line, strlen(line)) > 0);
    assert_true(write(fd, "screen@99@ma", 12) == 12);
    close(fd);
    kz_capture();
    assert_int_equal(kz_spool_open(&s, path), 0);
    assert_non_null(strstr(kz_test_logged, "cut short"));
    kz_log_set_sink(NULL, NULL);
    assert_int_equal(kz_spool_pending(&s), 1);
    line_for(line, sizeof line, 8);
    assert_int_equal(kz_spool_append(&s, line, strlen(line)), 0);
    kz_spool_close(&s);
    assert_int_equal(kz_spool_open(&s, path), 0);
    assert_int_equal(kz_spool_pending(&s), 2);
    assert_true(kz_spool_read(&s, s.n - 1, buf, sizeof buf) > 0);
    assert_string_equal(buf, line);
    /* an ack record pointing nowhere is ignored */
    kz_spool_close(&s);
    fd = open(path, O_WRONLY | O_APPEND);
    assert_true(write(fd, "#ack\t12345\n", 11) == 11);
    close(fd);
    assert_int_equal(kz_spool_open(&s, path), 0);
    assert_int_equal(kz_spool_pending(&s), 2);
    kz_spool_close(&s);
    unlink(path);
}

static int line_index(const char *buf)
{
    return atoi(buf + strlen("screen@")) - 1000;
}

static void test_spool_compaction(void **state)
{
    (void)state;
    char path[300], line[512], buf[512];
    snprintf(path, sizeof path, "%s/big.tsv", dir);
    unlink(path);
    kz_spool s;
    assert_int_equal(kz_spool_open(&s, path), 0);
    /* 6000 lines of about 200 bytes (1.2 MB); every line but each 1000th is delivered, so the
     * prefix never drops (line 0 stays) and only a compaction can shrink the file */
    const int n = 6000;
    char pad[120];
    memset(pad, 'p', sizeof pad - 1);
    pad[sizeof pad - 1] = 0;
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "screen@%d@main\tx\tx\t1\tmain\tloop\t%s\t\tcompleted\n",
                 1000 + i, pad);
        assert_int_equal(kz_spool_append(&s, line, strlen(line)), 0);
    }
    for (;;) {
        size_t i = s.head;
        for (; i < s.n; i++) {
            if (s.e[i].done)
                continue;
            assert_true(kz_spool_read(&s, i, buf, sizeof buf) > 0);
            if (line_index(buf) % 1000)
                break;
        }
        if (i == s.n)
            break;
        assert_int_equal(kz_spool_done(&s, i), 0);
    }
    assert_true(s.compactions >= 1);
    assert_int_equal(kz_spool_pending(&s), n / 1000);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size < 1024 * 1024 / 4);
    kz_spool_close(&s);
    /* what survives, in order */
    assert_int_equal(kz_spool_open(&s, path), 0);
    assert_int_equal(kz_spool_pending(&s), n / 1000);
    int k = 0;
    for (size_t i = s.head; i < s.n; i++) {
        if (s.e[i].done)
            continue;
        assert_true(kz_spool_read(&s, i, buf, sizeof buf) > 0);
        assert_int_equal(line_index(buf), 1000 * k++);
    }
    assert_int_equal(count_lines(path) >= n / 1000, 1);
    kz_spool_close(&s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_names_and_topics),
        cmocka_unit_test(test_json_and_request_id),
        cmocka_unit_test(test_config_keys),
        cmocka_unit_test(test_spool),
        cmocka_unit_test(test_spool_compaction),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
