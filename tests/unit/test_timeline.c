/* The timeline is a pure function of (model, instant): rotation anchored to local midnight,
 * the same answer for the same instant however it is reached, failed items dropped. */
#include <stdlib.h>

#include "base/timeutil.h"
#include "kz_test.h"
#include "model/schedule.h"

static kz_model model;

static int setup(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    memset(&model, 0, sizeof model);
    kz_model_add_string(&model,
                        "[a]\nplugin = color\nduration = 10\n"
                        "[b]\nplugin = color\nduration = 20\n"
                        "[c]\nplugin = color\nduration = 30\n",
                        "t.ini");
    return kz_schedule_compile(&model);
}

static int teardown(void **state)
{
    (void)state;
    kz_model_free(&model);
    return 0;
}

static kz_us at(const char *iso)
{
    kz_us t;
    assert_int_equal(kz_time_parse(iso, &t), 0);
    return t;
}

static const char *on_air(kz_us t, kz_slot *s)
{
    kz_schedule_at(&model, t, s);
    return s->item ? s->item->id : "standby";
}

static void test_anchored_to_local_midnight(void **state)
{
    (void)state;
    kz_slot s;
    assert_string_equal(on_air(at("2025-02-03T00:00:00+09:00"), &s), "t/a");
    assert_int_equal(s.start, at("2025-02-03T00:00:00+09:00"));
    assert_int_equal(s.end, at("2025-02-03T00:00:10+09:00"));
    assert_string_equal(on_air(at("2025-02-03T00:00:10+09:00"), &s), "t/b");
    assert_string_equal(on_air(at("2025-02-03T00:00:29.999+09:00"), &s), "t/b");
    assert_string_equal(on_air(at("2025-02-03T00:00:30+09:00"), &s), "t/c");
    assert_int_equal(s.end, at("2025-02-03T00:01:00+09:00"));
    /* 12:00 is 720 cycles of 60 s after midnight: the rotation starts over */
    assert_string_equal(on_air(at("2025-02-03T12:00:05+09:00"), &s), "t/a");
    assert_int_equal(s.start, at("2025-02-03T12:00:00+09:00"));
    /* the same instant written in UTC gives the same answer */
    assert_string_equal(on_air(at("2025-02-03T03:00:15Z"), &s), "t/b");
}

static void test_pure_same_answer_any_order(void **state)
{
    (void)state;
    kz_us base = at("2025-02-10T09:00:00+09:00");
    const char *seen[200];
    kz_slot s;
    for (int i = 0; i < 200; i++)
        seen[i] = on_air(base + (kz_us)i * 7 * KZ_US_PER_S, &s);
    /* backwards, and again: nothing depends on what was asked before */
    for (int i = 199; i >= 0; i--)
        assert_string_equal(on_air(base + (kz_us)i * 7 * KZ_US_PER_S, &s), seen[i]);
}

static void test_slots_tile_the_day(void **state)
{
    (void)state;
    kz_slot s, n;
    kz_us t = at("2025-02-03T00:00:00+09:00"), end = at("2025-02-04T00:00:00+09:00");
    long slots = 0;
    kz_schedule_at(&model, t, &s);
    while (s.start < end) {
        assert_non_null(s.item);
        assert_true(s.end > s.start);
        kz_schedule_next(&model, &s, &n);
        assert_int_equal(n.start, s.end); /* no gap, no overlap */
        s = n;
        slots++;
    }
    assert_int_equal(slots, 3 * 24 * 60); /* three items a minute */
}

static void test_unplayable_items_drop_out(void **state)
{
    (void)state;
    kz_slot s;
    model.items[1].playable = 0; /* b failed: cycle becomes a(10) c(30) */
    assert_int_equal(kz_schedule_compile(&model), 0); /* what the player does on a failure */
    assert_string_equal(on_air(at("2025-02-03T00:00:15+09:00"), &s), "t/c");
    assert_int_equal(s.start, at("2025-02-03T00:00:10+09:00"));
    model.items[0].playable = model.items[2].playable = 0;
    kz_schedule_compile(&model);
    assert_string_equal(on_air(at("2025-02-03T00:00:15+09:00"), &s), "standby");
    model.items[0].playable = model.items[1].playable = model.items[2].playable = 1;
    kz_schedule_compile(&model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchored_to_local_midnight),
        cmocka_unit_test(test_pure_same_answer_any_order),
        cmocka_unit_test(test_slots_tile_the_day),
        cmocka_unit_test(test_unplayable_items_drop_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
