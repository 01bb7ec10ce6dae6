/* Playlist parsing: good files, and every bad case with its file:line message. */
#include <stdlib.h>
#include <unistd.h>

#include "kz_test.h"
#include "model/playlist.h"

static void test_items_in_file_order(void **state)
{
    (void)state;
    kz_model m = {0};
    const char *pl = "[playlist]\nname = feb\n\n"
                     "[first]\nplugin = color\nduration = 10s\ncolor = red\n\n"
                     "[second]\nplugin = image\nduration = 1m30s\nfile = a.png\n";
    kz_capture();
    assert_int_equal(kz_model_add_string(&m, pl, "feb.ini"), 0);
    assert_int_equal(m.errors, 0);
    assert_int_equal(m.n_playlists, 1);
    assert_string_equal(m.playlists[0].name, "feb");
    assert_int_equal(m.n_items, 2);
    assert_string_equal(m.items[0].id, "feb/first");
    assert_string_equal(m.items[0].plugin, "color");
    assert_int_equal(m.items[0].duration, 10 * KZ_US_PER_S);
    assert_int_equal(m.items[1].duration, 90 * KZ_US_PER_S);
    assert_int_equal(m.items[0].params.line, 4);
    assert_int_equal(kz_params_line(&m.items[1].params, "file"), 12);
    /* plugin keys are left for the plugin: not yet used */
    assert_int_equal(kz_params_find(&m.items[0].params, "color")->used, 0);
    assert_int_equal(m.items[0].playable, 1);
    kz_model_free(&m);
}

static void test_bad_entries_reported_rest_kept(void **state)
{
    (void)state;
    kz_model m = {0};
    const char *pl = "[ok]\n"                 /* 1 */
                     "plugin = color\n"       /* 2 */
                     "duration = 5\n"         /* 3 */
                     "[noplugin]\n"           /* 4 */
                     "duration = 5\n"         /* 5 */
                     "[badduration]\n"        /* 6 */
                     "plugin = color\n"       /* 7 */
                     "duration = -3\n"        /* 8 */
                     "[ok]\n"                 /* 9: same name again */
                     "plugin = color\n"       /* 10 */
                     "garbage line\n"         /* 11 */
                     "[last]\n"               /* 12 */
                     "plugin = color\n"       /* 13 */
                     "duration = 00:00:07\n"; /* 14 */
    kz_capture();
    kz_model_add_string(&m, pl, "bad.ini");
    assert_logged("bad.ini:4: [noplugin]: no plugin =");
    assert_logged("bad.ini:8: [badduration] duration = -3: expected a positive time");
    assert_logged("bad.ini:9: [ok]: duplicate section (first at line 1)");
    assert_logged("bad.ini:11: syntax error");
    assert_int_equal(m.errors, 4); /* noplugin, badduration, duplicate, syntax */
    assert_int_equal(m.n_items, 4);
    assert_int_equal(m.items[0].playable, 1);
    assert_int_equal(m.items[1].playable, 0);
    assert_int_equal(m.items[2].playable, 0);
    assert_string_equal(m.items[3].id, "bad/last");
    assert_int_equal(m.items[3].playable, 1);
    assert_int_equal(m.items[3].duration, 7 * KZ_US_PER_S);
    kz_model_free(&m);
}

static void test_multiline_and_long_lines(void **state)
{
    (void)state;
    kz_model m = {0};
    /* A Japanese line far beyond inih's 200-byte line limit, and a continued value. */
    char longv[2048] = "";
    for (int i = 0; i < 120; i++)
        strcat(longv, "ヘルプ");
    char pl[4096];
    snprintf(pl, sizeof pl, "[n]\nplugin = notice\nduration = 5\ntitle = %s\n"
                            "body = 一行目\n  二行目\n", longv);
    kz_capture();
    kz_model_add_string(&m, pl, "long.ini");
    assert_int_equal(m.errors, 0);
    assert_string_equal(kz_params_get(&m.items[0].params, "title"), longv);
    assert_string_equal(kz_params_get(&m.items[0].params, "body"), "一行目\n二行目");
    kz_model_free(&m);
}

/* A section given twice in a row used to merge into one item (values joined by a line
 * break), a key given twice was joined the same way: both are errors now, the first counts. */
static void test_repeats_are_errors(void **state)
{
    (void)state;
    kz_model m = {0};
    const char *pl = "[a]\n"               /* 1 */
                     "plugin = color\n"     /* 2 */
                     "color = #102030\n"    /* 3 */
                     "duration = 5\n"       /* 4 */
                     "[a]\n"                /* 5: the same section straight after */
                     "duration = 9\n"       /* 6 */
                     "[b]\n"                /* 7 */
                     "plugin = notice\n"    /* 8 */
                     "duration = 5\n"       /* 9 */
                     "body = 一行目\n"       /* 10 */
                     "  二行目\n"            /* 11: a continuation, not a repeat */
                     "; a comment\n"        /* 12 */
                     "duration = 7\n"       /* 13: the same key again */
                     "  8\n"                /* 14: continues the repeat: ignored with it */
                     "[playlist]\n"         /* 15 */
                     "name = x\n"           /* 16 */
                     "[playlist]\n";        /* 17 */
    kz_capture();
    kz_model_add_string(&m, pl, "rep.ini");
    assert_logged("rep.ini:5: [a]: duplicate section (first at line 1); skipped with its keys");
    assert_logged("rep.ini:13: [b] duration: duplicate key (first at line 9); this one is "
                  "ignored");
    assert_logged("rep.ini:17: [playlist]: duplicate section (first at line 15)");
    assert_int_equal(m.errors, 3);
    assert_int_equal(m.n_items, 2);
    assert_int_equal(m.items[0].duration, 5 * KZ_US_PER_S);
    assert_int_equal(m.items[1].duration, 5 * KZ_US_PER_S);
    assert_string_equal(kz_params_get(&m.items[1].params, "body"), "一行目\n二行目");
    assert_int_equal(m.items[0].playable, 1);
    assert_int_equal(m.items[1].playable, 1);
    kz_model_free(&m);
}

/* A line beyond inih's 200 bytes that is no key = value: its rest used to continue the key
 * before it (the mistake was then blamed on that line). It is a syntax error of its own. */
static void test_overlong_garbage_line_blamed_on_itself(void **state)
{
    (void)state;
    kz_model m = {0};
    char pl[2048];
    char junk[401];
    memset(junk, 'y', 400);
    junk[400] = 0;
    snprintf(pl, sizeof pl, "[a]\nplugin = color\nduration = 5\n%s\n[b]\nplugin = color\n"
                            "duration = 6\n", junk);
    kz_capture();
    kz_model_add_string(&m, pl, "long.ini");
    assert_logged("long.ini:4: syntax error");
    assert_int_equal(m.errors, 1);
    assert_int_equal(m.n_items, 2);
    assert_string_equal(kz_params_get(&m.items[0].params, "duration"), "5");
    assert_int_equal(m.items[0].playable, 1);
    kz_model_free(&m);
}

static void test_dir_skips_player_ini_and_temp_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/kz-playlists-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"b.ini", "a.ini", "player.ini", ".hidden.ini", "c.ini~", "#d.ini#",
                           "e.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "[x]\nplugin = color\nduration = 1\n");
        fclose(f);
    }
    kz_model m = {0};
    assert_int_equal(kz_model_load_dir(&m, dir), 0);
    assert_int_equal(m.n_playlists, 2);
    assert_string_equal(m.playlists[0].name, "a");
    assert_string_equal(m.playlists[1].name, "b");
    kz_model_free(&m);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
}

static void test_missing_dir(void **state)
{
    (void)state;
    kz_model m = {0};
    kz_capture();
    assert_int_equal(kz_model_load_dir(&m, "/nonexistent-kz"), -1);
    assert_logged("/nonexistent-kz: cannot open the playlist directory");
    kz_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_in_file_order),
        cmocka_unit_test(test_bad_entries_reported_rest_kept),
        cmocka_unit_test(test_multiline_and_long_lines),
        cmocka_unit_test(test_repeats_are_errors),
        cmocka_unit_test(test_overlong_garbage_line_blamed_on_itself),
        cmocka_unit_test(test_dir_skips_player_ini_and_temp_files),
        cmocka_unit_test(test_missing_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
