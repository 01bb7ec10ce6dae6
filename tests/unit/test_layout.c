/* Layouts: zone geometry in pixels and percent, bad zones reported with file:line, layout
 * chosen by schedule (dates) with priority and a fallback. */
#include "base/timeutil.h"
#include "kz_test.h"
#include "model/layout.h"

static void test_rect_parsing_and_geometry(void **state)
{
    (void)state;
    kz_len r[4];
    assert_int_equal(kz_parse_rect("0, 86%, 100%, 14%", r), 0);
    assert_int_equal(r[1].pct, 1);
    assert_true(r[1].v == 86);
    assert_int_equal(kz_parse_rect("10px,20, 300px , 40", r), 0);
    assert_int_equal(r[0].pct, 0);
    assert_int_equal(kz_parse_rect("0, 0, 120%, 10%", r), -1);
    assert_int_equal(kz_parse_rect("0, 0, 10", r), -1);
    assert_int_equal(kz_parse_rect("a, b, c, d", r), -1);
    assert_int_equal(kz_parse_rect("0,0,1,1,1", r), -1);

    kz_zone_def z = {.x = {0, 1}, .y = {86, 1}, .w = {100, 1}, .h = {14, 1}};
    SDL_Rect out;
    kz_zone_rect(&z, 1920, 1080, &out);
    assert_int_equal(out.x, 0);
    assert_int_equal(out.y, 929); /* 86 % of 1080 = 928.8, rounded */
    assert_int_equal(out.w, 1920);
    assert_int_equal(out.h, 151);
    /* the same zone on a portrait frame (rotation is the compositor's business) */
    kz_zone_rect(&z, 1080, 1920, &out);
    assert_int_equal(out.y, 1651);
    assert_int_equal(out.w, 1080);
    /* pixels, clamped to the frame */
    kz_zone_def px = {.x = {1800, 0}, .y = {0, 0}, .w = {400, 0}, .h = {100, 0}};
    kz_zone_rect(&px, 1920, 1080, &out);
    assert_int_equal(out.x, 1800);
    assert_int_equal(out.w, 120);
}

static const char *layouts_ini =
    "[layout february]\n"             /* 1 */
    "dates = 02-01..02-28\n"          /* 2 */
    "priority = 10\n"                 /* 3 */
    "[zone february/main]\n"          /* 4 */
    "rect = 0, 0, 100%, 86%\n"        /* 5 */
    "transition = crossfade\n"        /* 6 */
    "[zone february/ticker]\n"        /* 7 */
    "rect = 0, 86%, 100%, 14%\n"      /* 8 */
    "z = 2\n"                         /* 9 */
    "[zone february/clock]\n"         /* 10 */
    "rect = 80%, 0, 20%, 12%\n"       /* 11 */
    "z = 1\n"                         /* 12 */
    "[zone february/bad]\n"           /* 13 */
    "rect = wide\n"                   /* 14 */
    "[zone nowhere/x]\n"              /* 15 */
    "rect = 0,0,1,1\n"                /* 16 */
    "[zone february/odd]\n"           /* 17 */
    "colour = red\n"                  /* 18 */
    "transition = explode\n"          /* 19 */
    "[layout unveiling-day]\n"        /* 20 */
    "dates = 2025-01-27\n"            /* 21 */
    "times = 15:00-15:40\n"           /* 22 */
    "priority = 20\n"                 /* 23 */
    "[layout everyday]\n";            /* 24: no keys, still a layout (the fallback) */

static void test_layouts_file(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    kz_layouts ls;
    kz_capture();
    int errors = kz_layouts_load_string(&ls, layouts_ini, "layouts.ini");
    assert_logged("layouts.ini:14: [zone february/bad] rect = wide: expected x, y, width");
    assert_logged("layouts.ini:15: [zone nowhere/x]: no [layout nowhere] in this file");
    assert_logged("layouts.ini:18: [zone february/odd] colour: unknown key");
    assert_logged("layouts.ini:19: [zone february/odd] transition = explode: expected cut");
    assert_int_equal(errors, 4);
    assert_int_equal(ls.n, 3);
    const kz_layout *feb = &ls.v[0];
    assert_int_equal(feb->n_zones, 3); /* bad and odd left out */
    /* sorted by z: main (0), clock (1), ticker (2) */
    assert_string_equal(feb->zones[0].name, "main");
    assert_string_equal(feb->zones[1].name, "clock");
    assert_string_equal(feb->zones[2].name, "ticker");
    assert_int_equal(feb->zones[0].transition, KZ_TR_CROSSFADE);
    assert_int_equal(feb->zones[0].transition_time, 800000);
    /* a layout without zones is one full-screen main zone */
    assert_int_equal(ls.v[2].n_zones, 1);
    assert_string_equal(ls.v[2].zones[0].name, "main");

    kz_us t;
    kz_time_parse("2025-02-03T12:00:00+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "february");
    kz_time_parse("2025-03-01T00:00:00+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "everyday");
    kz_time_parse("2025-02-28T23:59:59+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "february");
    kz_time_parse("2025-01-27T15:10:00+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "unveiling-day");
    kz_time_parse("2025-01-27T15:40:00+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "everyday");
    kz_layouts_free(&ls);

    /* one content folder for landscape and portrait screens */
    kz_layouts_load_string(&ls,
                           "[layout feb-portrait]\norientation = portrait\ndates = 02-01..02-28\n"
                           "[layout feb]\norientation = landscape\ndates = 02-01..02-28\n"
                           "[layout rest]\n[layout rest-portrait]\norientation = portrait\n",
                           "l.ini");
    kz_time_parse("2025-02-03T12:00:00+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "feb");
    kz_layouts_set_portrait(&ls, 1);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "feb-portrait");
    kz_time_parse("2025-03-03T12:00:00+09:00", &t);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "rest-portrait");
    kz_layouts_set_portrait(&ls, 0);
    assert_string_equal(kz_layouts_at(&ls, t)->name, "rest");
    kz_layouts_free(&ls);
}

/* layouts.ini: [layout x] twice (even straight after itself) and a key twice are errors. */
static void test_repeats(void **state)
{
    (void)state;
    kz_layouts ls;
    kz_capture();
    kz_layouts_load_string(&ls, "[layout a]\npriority = 1\npriority = 2\n[layout a]\n"
                                "priority = 3\n", "l.ini");
    assert_logged("l.ini:3: [layout a] priority: duplicate key (first at line 2)");
    assert_logged("l.ini:4: [layout a]: duplicate section (first at line 1)");
    assert_int_equal(ls.errors, 2);
    kz_layouts_free(&ls);
}

static void test_no_file_is_one_full_zone(void **state)
{
    (void)state;
    kz_layouts ls;
    assert_int_equal(kz_layouts_load(&ls, "/nonexistent-dir"), 0);
    assert_int_equal(ls.n, 1);
    assert_int_equal(ls.v[0].n_zones, 1);
    SDL_Rect r;
    kz_zone_rect(&ls.v[0].zones[0], 1366, 768, &r);
    assert_int_equal(r.w, 1366);
    assert_int_equal(r.h, 768);
    kz_layouts_free(&ls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rect_parsing_and_geometry),
        cmocka_unit_test(test_layouts_file),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_no_file_is_one_full_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
