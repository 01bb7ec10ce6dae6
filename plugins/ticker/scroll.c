/* Ticker position (see scroll.h). */
#include "scroll.h"

#include <math.h>

double kzw_ticker_first_x(int64_t t, double speed, double band_w, double loop_w, int enter)
{
    if (t < 0)
        t = 0;
    if (loop_w <= 0)
        return 0;
    /* Whole seconds and the remainder separately: t * speed stays exact for months. */
    double travelled = (double)(t / 1000000) * speed + (double)(t % 1000000) * speed / 1e6;
    double x = (enter ? band_w : 0) - travelled;
    if (x > 0)
        return x;
    double off = fmod(-x, loop_w); /* [0, loop_w) */
    return off == 0 ? 0 : -off;
}
