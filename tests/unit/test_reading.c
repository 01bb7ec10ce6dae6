/* Reading time of a notice language and the sharing of a notice's slot between its languages
 * (player/reading.c): what the notice plugin airs and kizuna check grades. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "reading.h"

#define S KZ_US_PER_S

static void test_notice_seconds(void **state)
{
    (void)state;
    /* お知らせ 4 + 県庁は本日休みです。 10 (the ruby reading not counted), the INI dot line
     * nothing, "Yes" one word: 14 / 4 + 60 / 160 */
    assert_float_equal(
        kz_notice_reading_seconds("お知らせ", "県庁は{本日|ほんじつ}休みです。\n.\n- Yes"),
        3.5 + 0.375, 1e-9);
    assert_float_equal(kz_notice_reading_seconds(NULL, "Two words"), 0.75, 1e-9);
    assert_float_equal(kz_notice_reading_seconds("熊本", NULL), 0.5, 1e-9);
    assert_float_equal(kz_notice_reading_seconds(NULL, NULL), 0, 1e-9);
    /* marked breaks are not text */
    assert_float_equal(kz_notice_reading_seconds("ヘルプマークを|知っていますか", NULL),
                       kz_notice_reading_seconds("ヘルプマークを知っていますか", NULL), 1e-9);
}

static void test_turns(void **state)
{
    (void)state;
    kz_us t[4];
    /* in proportion to the reading time */
    double two[2] = {20, 10};
    assert_int_equal(kz_notice_turns(30 * S, 0, 2, two, t), 0);
    assert_int_equal(t[0], 20 * S);
    assert_int_equal(t[1], 10 * S);
    assert_int_equal(kz_notice_turns(60 * S, 0, 2, two, t), 0);
    assert_int_equal(t[0], 40 * S);
    assert_int_equal(t[1], 20 * S);
    /* a language needing less than 1 s is weighted as 1 s */
    double tiny[2] = {0.2, 3};
    kz_notice_turns(8 * S, 0, 2, tiny, t);
    assert_int_equal(t[0], 2 * S);
    assert_int_equal(t[1], 6 * S);
    /* equal needs: equal turns to the microsecond, cut at rounded cumulative shares (at
     * 3.333333 s and 6.666667 s), the sum exact */
    double eq[3] = {1, 1, 1};
    kz_notice_turns(10 * S, 0, 3, eq, t);
    assert_int_equal(t[0], 3333333);
    assert_int_equal(t[1], 3333334);
    assert_int_equal(t[2], 3333333);
    assert_int_equal(t[0] + t[1] + t[2], 10 * S);
    /* NULL needs: equal shares */
    kz_notice_turns(9 * S, 0, 3, NULL, t);
    assert_int_equal(t[0], 3 * S);
    assert_int_equal(t[2], 3 * S);
    /* language_interval: every turn that long */
    kz_notice_turns(30 * S, 5 * S, 3, eq, t);
    assert_int_equal(t[0], 5 * S);
    assert_int_equal(t[2], 5 * S);
    /* no duration: 8 s a language, shared by reading time */
    kz_notice_turns(0, 0, 2, two, t);
    assert_int_equal(t[0] + t[1], 16 * S);
    assert_true(t[0] > t[1]);
    assert_int_equal(kz_notice_turns(10 * S, 0, 0, two, t), -1);
    /* every language gets the same fraction of what it needs */
    srand(7);
    for (int k = 0; k < 200; k++) {
        double need[4];
        for (int i = 0; i < 4; i++)
            need[i] = 1 + rand() % 6000 / 100.0;
        kz_us slot = (1 + rand() % 300) * S + rand() % S;
        kz_notice_turns(slot, 0, 4, need, t);
        double total = need[0] + need[1] + need[2] + need[3];
        kz_us sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += t[i];
            /* slot * need / total, to the microsecond */
            assert_float_equal((double)t[i], (double)slot * need[i] / total, 1.01);
        }
        assert_int_equal(sum, slot);
    }
}

static void test_turn_at(void **state)
{
    (void)state;
    const kz_us t[2] = {20 * S, 10 * S};
    kz_us since;
    assert_int_equal(kz_turn_at(t, 2, 0, &since), 0);
    assert_int_equal(since, 0);
    assert_int_equal(kz_turn_at(t, 2, 20 * S - 1, &since), 0);
    assert_int_equal(since, 20 * S - 1);
    assert_int_equal(kz_turn_at(t, 2, 20 * S, &since), 1);
    assert_int_equal(since, 0);
    assert_int_equal(kz_turn_at(t, 2, 30 * S - 1, NULL), 1);
    /* the turns repeat past the slot */
    assert_int_equal(kz_turn_at(t, 2, 30 * S, &since), 0);
    assert_int_equal(since, 0);
    assert_int_equal(kz_turn_at(t, 2, 65 * S, &since), 0);
    assert_int_equal(since, 5 * S);
    assert_int_equal(kz_turn_at(t, 2, 85 * S, &since), 1);
    assert_int_equal(since, 5 * S);
    /* before the start: the first turn */
    assert_int_equal(kz_turn_at(t, 2, -3 * S, &since), 0);
    assert_int_equal(since, 0);
    /* degenerate: one turn, zero turns */
    const kz_us one[1] = {7 * S};
    assert_int_equal(kz_turn_at(one, 1, 15 * S, &since), 0);
    assert_int_equal(since, 1 * S);
    const kz_us zero[2] = {0, 0};
    assert_int_equal(kz_turn_at(zero, 2, 15 * S, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notice_seconds),
        cmocka_unit_test(test_turns),
        cmocka_unit_test(test_turn_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
