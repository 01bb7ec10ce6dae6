/* player.ini: defaults, every key, and each bad value reported with file:line. */
#include "kz_test.h"
#include "model/config.h"

static void test_defaults(void **state)
{
    (void)state;
    kz_config c;
    int errors = kz_config_load_string(&c, "", "p.ini", "/srv/kz");
    assert_int_equal(errors, 0);
    assert_int_equal(c.fullscreen, 1);
    assert_int_equal(c.rotation, 0);
    assert_int_equal(c.width, 0);
    assert_string_equal(c.timezone, "Asia/Tokyo");
    assert_string_equal(c.plugins, "/srv/kz/../build/plugins");
}

static void test_all_keys(void **state)
{
    (void)state;
    kz_config c;
    const char *ini = "[display]\nsize = 1080x1920\nfullscreen = no\nrotation = 270\n"
                      "renderer = software\nvsync = off\n"
                      "[paths]\nplugins = /opt/kz/plugins\ncontent = media\n"
                      "[player]\ntimezone = Europe/Berlin\nname = lobby-1\n";
    assert_int_equal(kz_config_load_string(&c, ini, "p.ini", "/etc/kizuna"), 0);
    assert_int_equal(c.width, 1080);
    assert_int_equal(c.height, 1920);
    assert_int_equal(c.fullscreen, 0);
    assert_int_equal(c.rotation, 270);
    assert_int_equal(c.renderer, KZ_RENDER_SOFTWARE);
    assert_int_equal(c.vsync, 0);
    assert_string_equal(c.plugins, "/opt/kz/plugins");
    assert_string_equal(c.content, "/etc/kizuna/media");
    assert_string_equal(c.timezone, "Europe/Berlin");
    assert_string_equal(c.name, "lobby-1");
}

static void test_bad_values_have_file_line(void **state)
{
    (void)state;
    kz_config c;
    const char *ini = "[display]\n"         /* 1 */
                      "rotation = 45\n"     /* 2 */
                      "size = huge\n"       /* 3 */
                      "fullscreen = maybe\n" /* 4 */
                      "colour = red\n"      /* 5 */
                      "[sound]\n"           /* 6 */
                      "volume = 3\n";       /* 7 */
    kz_capture();
    int errors = kz_config_load_string(&c, ini, "player.ini", "/x");
    assert_int_equal(errors, 5);
    assert_logged("player.ini:2: [display] rotation = 45: expected 0, 90");
    assert_logged("player.ini:3: [display] size = huge");
    assert_logged("player.ini:4: [display] fullscreen = maybe: expected yes");
    assert_logged("player.ini:5: [display] colour = red: unknown key");
    assert_logged("player.ini:7: [sound] volume = 3: unknown section");
    /* bad values leave the defaults in force */
    assert_int_equal(c.rotation, 0);
    assert_int_equal(c.fullscreen, 1);
}

static void test_syntax_error_line(void **state)
{
    (void)state;
    kz_config c;
    kz_capture();
    int errors = kz_config_load_string(&c, "[display]\nrotation = 90\nthis is not ini\n",
                                       "p.ini", "/x");
    assert_int_equal(errors, 1);
    assert_logged("p.ini:3: syntax error");
    assert_int_equal(c.rotation, 90);
}

/* player.ini: a section or key given twice is an error; the first counts. */
static void test_repeats(void **state)
{
    (void)state;
    kz_config c;
    kz_capture();
    int errors = kz_config_load_string(&c, "[display]\nrotation = 90\nrotation = 180\n"
                                           "[player]\nname = a\n[display]\nrotation = 270\n",
                                       "p.ini", "/x");
    assert_int_equal(errors, 2);
    assert_logged("p.ini:3: [display] rotation: duplicate key (first at line 2)");
    assert_logged("p.ini:6: [display]: duplicate section (first at line 1)");
    assert_int_equal(c.rotation, 90);
}

static void test_missing_file(void **state)
{
    (void)state;
    kz_config c;
    kz_capture();
    int errors = kz_config_load(&c, "/nonexistent/player.ini");
    assert_int_equal(errors, 1);
    assert_logged("/nonexistent/player.ini: cannot open");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_all_keys),
        cmocka_unit_test(test_bad_values_have_file_line),
        cmocka_unit_test(test_syntax_error_line),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
