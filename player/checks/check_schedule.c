/* `kizuna check`: the schedule's part (see kz_schedule_check): items that can never air,
 * overlapping interrupts, stretches with nothing eligible, dates all in the past, over the year
 * from the day of `at` (today, or `kizuna check --at`). */
#include "base/timeutil.h"
#include "checks/checks.h"
#include "model/schedule.h"
#include "screen/player.h"

#define CHECK_DAYS 366

int kz_check_schedule(struct kz_player *p, kz_us at)
{
    int day = kz_schedule_day_of(at);
    return kz_schedule_check(&p->model, kz_schedule_wall(day, 0),
                             kz_schedule_wall(day + CHECK_DAYS, 0));
}
