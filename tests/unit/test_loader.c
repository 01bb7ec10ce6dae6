/* The plugin loader refuses a wrong ABI major, a missing required callback and a shared
 * object without the entry symbol, each with a one-line reason, and loads the rest. */
#include <stdio.h>
#include <stdlib.h>

#include "host/plugin_host.h"
#include "kz_test.h"

static char dir[512];

static int setup(void **state)
{
    (void)state;
    const char *b = getenv("KZ_BUILD");
    snprintf(dir, sizeof dir, "%s/test-plugins", b ? b : "build");
    return 0;
}

static void test_refusals_and_the_rest_loads(void **state)
{
    (void)state;
    kz_registry r = {0};
    kz_capture();
    int loaded = kz_registry_load_dir(&r, dir);
    assert_int_equal(loaded, 1);
    assert_non_null(kz_registry_find(&r, "newer")); /* later minor: loads */
    assert_null(kz_registry_find(&r, "future"));
    assert_null(kz_registry_find(&r, "norender"));
    /* The player names its own version: the ABI this tree builds against. */
    char want[128];
    snprintf(want, sizeof want,
             "bad_abi.so: refused: built for plugin ABI 2.0, this player speaks %d.%d",
             KZ_ABI_MAJOR, KZ_ABI_MINOR);
    assert_logged(want);
    assert_logged("no_render.so: refused: required callback or field 'render' is missing");
    assert_logged("not_a_plugin.so: refused: no kz_plugin_entry() entry symbol");
    kz_registry_free(&r);
}

static void test_real_plugins_load(void **state)
{
    (void)state;
    kz_registry r = {0};
    char pdir[512];
    const char *b = getenv("KZ_BUILD");
    snprintf(pdir, sizeof pdir, "%s/plugins", b ? b : "build");
    assert_true(kz_registry_load_dir(&r, pdir) >= 2);
    const kz_loaded_plugin *c = kz_registry_find(&r, "color");
    assert_non_null(c);
    assert_non_null(c->desc.create);
    assert_non_null(kz_registry_find(&r, "image"));
    kz_registry_free(&r);
}

static void test_missing_dir(void **state)
{
    (void)state;
    kz_registry r = {0};
    kz_capture();
    assert_int_equal(kz_registry_load_dir(&r, "/nonexistent-plugins"), -1);
    assert_logged("cannot open the plugin directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals_and_the_rest_loads),
        cmocka_unit_test(test_real_plugins_load),
        cmocka_unit_test(test_missing_dir),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
