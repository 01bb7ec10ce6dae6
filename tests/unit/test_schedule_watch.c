/* Hot reload (watch.c): which names matter, and the debounce: a file still open for writing
 * holds the reload back; a reload is due once, settle time after the last event. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "screen/watch.h"

static void test_relevant(void **state)
{
    (void)state;
    static const struct { const char *name; int want; } rows[] = {
        {"campaign.ini", 1},   {"10-handprint.ini", 1}, {"player.ini", 0},
        {".campaign.ini", 0},  {".campaign.ini.swp", 0}, {"campaign.ini.swp", 0},
        {"campaign.ini~", 0},  {"#campaign.ini#", 0},   {".#campaign.ini", 0},
        {"campaign.ini.tmp", 0}, {"4913", 0},           {"campaign.txt", 0},
        {".ini", 0},           {"", 0},                 {"sed3Xk2a", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (kz_watch_relevant(rows[i].name) != rows[i].want)
            fail_msg("'%s': want %d", rows[i].name, rows[i].want);
}

#define SETTLE (50 * 1000)

static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_debounce(void **state)
{
    (void)state;
    char dir[] = "/tmp/kz-watch-XXXXXX", path[512], tmp[512];
    assert_non_null(mkdtemp(dir));
    kz_watch *w = kz_watch_open(dir, SETTLE);
    assert_non_null(w);
    kz_us t = 1000 * KZ_US_PER_S; /* a fake monotonic clock: the debounce uses the caller's */
    assert_int_equal(kz_watch_poll(w, t), 0);

    /* Editor files and player.ini: nothing due, ever. */
    put(dir, ".a.ini.swp", "x");
    put(dir, "a.ini~", "x");
    put(dir, "#a.ini#", "x");
    put(dir, "player.ini", "[player]\n");
    assert_int_equal(kz_watch_poll(w, t), 0);
    assert_int_equal(kz_watch_poll(w, t + 10 * SETTLE), 0);
    t += 10 * SETTLE;

    /* Half-written: modified but still open -> held back however long it takes. */
    snprintf(path, sizeof path, "%s/a.ini", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "[a]\n", 4), 4);
    assert_int_equal(kz_watch_poll(w, t), 0);
    assert_int_equal(kz_watch_poll(w, t + 100 * SETTLE), 0);
    t += 100 * SETTLE;
    assert_int_equal(write(fd, "plugin = color\n", 15), 15);
    close(fd);
    /* Closed: due after the settle time, once. */
    assert_int_equal(kz_watch_poll(w, t), 0);
    assert_int_equal(kz_watch_poll(w, t + SETTLE - 1), 0);
    assert_int_equal(kz_watch_poll(w, t + SETTLE), 1);
    assert_int_equal(kz_watch_poll(w, t + 2 * SETTLE), 0);
    t += 2 * SETTLE;

    /* Written elsewhere and renamed in (sed -i, most editors): due. */
    snprintf(tmp, sizeof tmp, "%s/.b.ini.tmp", dir);
    FILE *f = fopen(tmp, "w");
    fputs("[b]\nplugin = color\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/b.ini", dir);
    assert_int_equal(rename(tmp, path), 0);
    assert_int_equal(kz_watch_poll(w, t), 0);
    assert_int_equal(kz_watch_poll(w, t + SETTLE), 1);
    t += 2 * SETTLE;

    /* A burst of saves: one reload, settle time after the last. */
    put(dir, "a.ini", "[a]\n");
    assert_int_equal(kz_watch_poll(w, t), 0);
    put(dir, "b.ini", "[b]\n");
    assert_int_equal(kz_watch_poll(w, t + SETTLE / 2), 0);
    assert_int_equal(kz_watch_poll(w, t + SETTLE), 0);
    assert_int_equal(kz_watch_poll(w, t + SETTLE / 2 + SETTLE), 1);
    t += 4 * SETTLE;

    /* Deleted: due. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(kz_watch_poll(w, t), 0);
    assert_int_equal(kz_watch_poll(w, t + SETTLE), 1);

    kz_watch_close(&w);
    assert_null(w);
    const char *names[] = {".a.ini.swp", "a.ini~", "#a.ini#", "player.ini", "a.ini"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_missing_dir(void **state)
{
    (void)state;
    assert_null(kz_watch_open("/nonexistent/kizuna/playlists", SETTLE));
    assert_int_equal(kz_watch_poll(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relevant),
        cmocka_unit_test(test_debounce),
        cmocka_unit_test(test_missing_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
