/* Key tables: the edit distance behind "did you mean", unknown item keys (an error naming the
 * closest key of the plugin's own table; the item is skipped, the others stay playable), and
 * a plugin that reads a key its table does not list is reported. */
#include <stdlib.h>

#include "base/suggest.h"
#include "host/plugin_host.h"
#include "kz_test.h"
#include "model/playlist.h"

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(kz_edit_distance("fit", "fit"), 0);
    assert_int_equal(kz_edit_distance("fitt", "fit"), 1);   /* insertion */
    assert_int_equal(kz_edit_distance("fti", "fit"), 1);    /* neighbours swapped */
    assert_int_equal(kz_edit_distance("backgrond", "background"), 1);
    assert_int_equal(kz_edit_distance("Duration", "duration"), 0); /* case folded */
    assert_int_equal(kz_edit_distance("", "abc"), 3);
    assert_int_equal(kz_edit_distance("kitten", "sitting"), 3);
    const char *keys[] = {"file", "fit", "background"};
    assert_string_equal(kz_suggest("fitt", keys, 3), "fit");
    assert_string_equal(kz_suggest("fil", keys, 3), "file"); /* tie: the earlier one */
    assert_string_equal(kz_suggest("backround", keys, 3), "background");
    assert_null(kz_suggest("xyzzy", keys, 3));
    assert_null(kz_suggest("x", keys, 3)); /* one letter is too little to guess from */
}

/* A plugin of this test: reads "speed" and "label", but its table lists only "speed". */
static int t_create(kz_host *h, kz_instance **out)
{
    const kz_host_api *api = kz_api(h);
    double v = 0;
    api->param_double(h, "speed", 0, 10, &v);
    api->param(h, "label");
    *out = (kz_instance *)1;
    return KZ_OK;
}
static int t_prepare(kz_instance *i, SDL_Renderer *r) { (void)i; (void)r; return KZ_OK; }
static int t_render(kz_instance *i, SDL_Renderer *r, const SDL_Rect *rc, kz_us t)
{
    (void)i; (void)r; (void)rc; (void)t;
    return KZ_OK;
}
static void t_destroy(kz_instance **i) { *i = NULL; }

static const kz_key t_keys[] = {
    {"speed", "number 0-10", "0", "3", "how fast"},
    {"title.LANG", "text", "", "Hello", "a title per language"},
    {NULL, NULL, NULL, NULL, NULL},
};

static kz_loaded_plugin t_plugin = {
    .desc = {.abi_version = KZ_ABI_VERSION, .struct_size = sizeof(kz_plugin), .name = "tp",
             .create = t_create, .prepare = t_prepare, .render = t_render,
             .destroy = t_destroy, .keys = t_keys},
    .path = "tp.so",
};

static void attach(kz_model *m, const char *text)
{
    static kz_registry reg = {&t_plugin, 1};
    static kz_host_env env = {.registry = &reg, .content_root = "/", .timezone = "Asia/Tokyo"};
    memset(m, 0, sizeof *m);
    assert_int_equal(kz_model_add_string(m, text, "t.ini"), 0);
    kz_host_attach(m, &env, 0);
}

static void test_unknown_key_suggests_and_skips(void **state)
{
    (void)state;
    kz_model m;
    kz_capture();
    attach(&m, "[a]\nplugin = tp\nduration = 5s\nsped = 3\n"
               "[b]\nplugin = tp\nduration = 5s\nspeed = 3\ndates = 2025-02-01\n"
               "[c]\nplugin = tp\nduraton = 5s\n"
               "[d]\nplugin = tp\nduration = 5s\ntitel.en = Hi\nzzz = 1\n");
    assert_int_equal(kz_host_report_unknown_keys(&m), 4);
    assert_logged("t.ini:4: [a] sped: unknown key for plugin tp (did you mean `speed`?); "
                  "the item is skipped");
    /* the keys every item has are candidates too */
    assert_logged("t.ini:12: [c] duraton: unknown key for plugin tp (did you mean `duration`?)");
    /* a per-language key is suggested with the misspelt key's own language */
    assert_logged("[d] titel.en: unknown key for plugin tp (did you mean `title.en`?)");
    assert_logged("[d] zzz: unknown key for plugin tp (its keys: kizuna help tp)");
    assert_int_equal(m.items[0].playable, 0);
    assert_int_equal(m.items[1].playable, 1); /* a core key (dates) is no unknown key */
    assert_int_equal(m.items[2].playable, 0);
    assert_int_equal(m.items[3].playable, 0);
    kz_host_detach(&m);
    kz_model_free(&m);
}

static void test_undeclared_read_is_reported(void **state)
{
    (void)state;
    kz_model m;
    kz_capture();
    attach(&m, "[a]\nplugin = tp\nduration = 5s\nlabel = x\n");
    assert_logged("plugin tp reads the key 'label', which its key table does not list (tp.so)");
    /* read, so not unknown: the defect is the plugin's, not the playlist's */
    assert_int_equal(kz_host_report_unknown_keys(&m), 0);
    kz_host_detach(&m);
    kz_model_free(&m);
}

static void test_key_patterns(void **state)
{
    (void)state;
    assert_non_null(kz_key_find(t_keys, "title.en"));
    assert_non_null(kz_key_find(t_keys, "title.zh-Hans"));
    assert_null(kz_key_find(t_keys, "title."));
    assert_null(kz_key_find(t_keys, "title"));
    assert_null(kz_key_find(t_keys, "title.en.x"));
    assert_non_null(kz_key_find(kz_item_core_keys, "flash_override"));
    assert_null(kz_key_find(kz_item_core_keys, "zone")); /* [playlist] only */
    assert_non_null(kz_key_find(kz_playlist_keys, "zone"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_unknown_key_suggests_and_skips),
        cmocka_unit_test(test_undeclared_read_is_reported),
        cmocka_unit_test(test_key_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
