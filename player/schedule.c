/* First cut of the timeline: every playable item of every playlist in one rotation, in
 * playlist-name and file order, anchored to the start of the local day. */
#include "schedule.h"

#include "timeutil.h"

int kz_schedule_compile(kz_model *m)
{
    (void)m;
    return 0;
}

static kz_us cycle_length(const kz_model *m)
{
    kz_us c = 0;
    for (size_t i = 0; i < m->n_items; i++)
        if (m->items[i].playable && m->items[i].duration > 0)
            c += m->items[i].duration;
    return c;
}

int kz_schedule_at(const kz_model *m, kz_us now, kz_slot *slot)
{
    kz_us day = kz_local_day_start(now), next_day = kz_local_day_next(now);
    kz_us cycle = cycle_length(m);
    slot->item = NULL;
    slot->start = day;
    slot->end = next_day;
    if (cycle <= 0)
        return 0;
    kz_us pos = (now - day) % cycle;
    kz_us cycle_start = now - pos;
    kz_us off = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        const kz_item *it = &m->items[i];
        if (!it->playable || it->duration <= 0)
            continue;
        if (pos < off + it->duration) {
            slot->item = it;
            slot->start = cycle_start + off;
            slot->end = slot->start + it->duration;
            if (slot->end > next_day)
                slot->end = next_day;
            return 0;
        }
        off += it->duration;
    }
    return 0;
}

int kz_schedule_next(const kz_model *m, const kz_slot *cur, kz_slot *next)
{
    return kz_schedule_at(m, cur->end, next);
}
