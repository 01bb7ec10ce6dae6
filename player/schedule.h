/* The timeline: a pure function of (model, instant). No state advances as the player runs:
 * the same model and instant always give the same answer, on any machine. */
#ifndef KZ_SCHEDULE_H
#define KZ_SCHEDULE_H
#include "playlist.h"

typedef struct kz_slot {
    const kz_item *item; /* NULL: nothing eligible (the standby slide is on air) */
    kz_us start;         /* absolute instant the slot began */
    kz_us end;           /* absolute instant it ends (the next change) */
} kz_slot;

/* Read the schedule keys of every playlist and item (marking them used), validate them and
 * build m->sched. Runs after kz_host_attach (durations known). Items whose schedule keys are
 * bad are marked unplayable. Returns the number of problems (each logged with file:line). */
int kz_schedule_compile(kz_model *m);

/* What is on air at now. Always fills *slot (item may be NULL); returns 0. */
int kz_schedule_at(const kz_model *m, kz_us now, kz_slot *slot);
/* The slot after cur (i.e. at cur->end). */
int kz_schedule_next(const kz_model *m, const kz_slot *cur, kz_slot *next);
#endif
