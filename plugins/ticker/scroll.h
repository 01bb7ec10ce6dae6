/* Ticker position: a pure function of time, shared with the unit tests. */
#ifndef KZW_SCROLL_H
#define KZW_SCROLL_H
#include <stdint.h>

/* x (relative to the band's left edge, in pixels, fractional) of the leftmost copy of the
 * strip still needed at item time t (microseconds), for a strip of loop_w pixels repeated
 * end to end and moving left at speed px/s. Copies lie at x, x + loop_w, x + 2 loop_w, ...
 * With enter = 1 the band starts empty and the first copy enters at the right edge at t = 0
 * (x = band_w - speed t while that is > 0); afterwards, and always with enter = 0, the
 * result lies in (-loop_w, 0] and repeats with period loop_w / speed seconds. */
double kzw_ticker_first_x(int64_t t, double speed, double band_w, double loop_w, int enter);
#endif
