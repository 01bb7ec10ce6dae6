/* Ticker position against time: a pure function, periodic, smooth, entering from the right. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../plugins/ticker/scroll.h"

#define S INT64_C(1000000)

static void test_enters_from_the_right(void **state)
{
    (void)state;
    /* band 480 px, strip 2980 px, 100 px/s */
    assert_true(kzw_ticker_first_x(0, 100, 480, 2980, 1) == 480);
    assert_true(kzw_ticker_first_x(3 * S, 100, 480, 2980, 1) == 180);
    assert_true(fabs(kzw_ticker_first_x(10000, 100, 480, 2980, 1) - 479) < 1e-9); /* 10 ms */
    assert_true(kzw_ticker_first_x(4800000, 100, 480, 2980, 1) == 0);
    /* then it wraps: the leftmost needed copy lies in (-loop_w, 0] */
    assert_true(fabs(kzw_ticker_first_x(32 * S, 100, 480, 2980, 1) - (-2720)) < 1e-9);
    assert_true(fabs(kzw_ticker_first_x(35 * S, 100, 480, 2980, 1) - (-40)) < 1e-9);
    /* without entering, the strip starts at the left edge */
    assert_true(kzw_ticker_first_x(0, 100, 480, 2980, 0) == 0);
    assert_true(fabs(kzw_ticker_first_x(1 * S, 100, 480, 2980, 0) - (-100)) < 1e-9);
    /* negative times (before the item) hold still */
    assert_true(kzw_ticker_first_x(-5 * S, 100, 480, 2980, 1) == 480);
}

static void test_periodic(void **state)
{
    (void)state;
    const double loop = 2980, speed = 100;
    const int64_t period = 29800000; /* loop / speed, in us */
    for (int64_t t = 5 * S; t < 5 * S + period; t += 333333) {
        double a = kzw_ticker_first_x(t, speed, 480, loop, 1);
        double b = kzw_ticker_first_x(t + period, speed, 480, loop, 1);
        double c = kzw_ticker_first_x(t + 1000 * period, speed, 480, loop, 1);
        assert_true(a > -loop && a <= 0);
        assert_true(fabs(a - b) < 1e-6);
        assert_true(fabs(a - c) < 1e-6);
    }
}

static void test_smooth_between_frames(void **state)
{
    (void)state;
    /* at 60 fps every frame moves speed/60 px, except where the strip wraps by loop_w */
    const double speed = 150, loop = 1234.5;
    const int64_t frame = S / 60;
    int wraps = 0;
    double prev = kzw_ticker_first_x(10 * S, speed, 640, loop, 1);
    for (int i = 1; i <= 60 * 30; i++) {
        double x = kzw_ticker_first_x(10 * S + i * frame, speed, 640, loop, 1);
        double step = prev - x;
        if (step < 0) {
            step += loop;
            wraps++;
        }
        assert_true(fabs(step - speed * frame / 1e6) < 1e-6);
        prev = x;
    }
    /* 30 s at 150 px/s is 4500 px: the 1234.5 px strip wraps 3 or 4 times */
    assert_true(wraps >= 3 && wraps <= 4);
}

static void test_long_running_precision(void **state)
{
    (void)state;
    /* a month into the item the position is still exact to a micro-pixel */
    const int64_t month = INT64_C(31) * 86400 * S;
    const double loop = 2000, speed = 80; /* period 25 s */
    double a = kzw_ticker_first_x(month + 1234567, speed, 480, loop, 0);
    double expect = -fmod((double)(month / S) * speed + 1.234567 * speed, loop);
    assert_true(fabs(a - expect) < 1e-6);
    /* 31 days is a whole number of 25 s periods: same position as at 1.234567 s */
    double b = kzw_ticker_first_x(1234567, speed, 480, loop, 0);
    assert_true(fabs(a - b) < 1e-6);
}

static void test_degenerate(void **state)
{
    (void)state;
    assert_true(kzw_ticker_first_x(5 * S, 100, 480, 0, 1) == 0);
    assert_true(kzw_ticker_first_x(5 * S, 100, 480, -3, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enters_from_the_right),
        cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_smooth_between_frames),
        cmocka_unit_test(test_long_running_precision),
        cmocka_unit_test(test_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
