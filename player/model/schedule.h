/* The timeline: a pure function of (model, instant). No state advances as the player runs:
 * the same model and instant always give the same answer, on any machine.
 *
 * How it is computed (docs/playlists.md has the operator's version): each zone's local day
 * is walked from its midnight. At every item boundary the walk takes the eligible items of
 * the highest priority (only the eligible interrupts while any is eligible) and picks the
 * next one by smooth weighted round robin, avoiding a repeat of the previous campaign where
 * it can. An item ends at its duration, or earlier where its own eligibility ends, where an
 * interrupt it is not part of becomes eligible, or at midnight. The walked day is derived
 * state cached in model->sched (a few days per zone), so a query costs a binary search. */
#ifndef KZ_SCHEDULE_H
#define KZ_SCHEDULE_H
#include "model/playlist.h"

typedef struct kz_slot {
    const kz_item *item; /* NULL: nothing eligible (the standby slide is on air) */
    kz_us start;         /* absolute instant the slot began */
    kz_us end;           /* absolute instant it ends (the next change) */
} kz_slot;

/* Read the schedule keys of every playlist and item (marking them used), validate them and
 * build m->sched. Runs after kz_host_attach (durations known). Items whose schedule keys are
 * bad are marked unplayable. Returns the number of problems (each logged with file:line). */
int kz_schedule_compile(kz_model *m);
/* The compiled schedule holds the items that were playable when it was compiled: when the
 * player drops a failing item (item->playable = 0) it compiles again. */

/* What is on air at now. Always fills *slot (item may be NULL); returns 0. Zone 0 ("main").
 * Not thread-safe: the day cache inside m->sched is written; call from one thread. */
int kz_schedule_at(const kz_model *m, kz_us now, kz_slot *slot);
/* The slot after cur (i.e. at cur->end). */
int kz_schedule_next(const kz_model *m, const kz_slot *cur, kz_slot *next);

/* Zones: every [playlist] names its zone (zone = NAME, default "main"); each zone has its
 * own timeline. Zone 0 is always "main". */
int kz_schedule_zone_count(const kz_model *m);
const char *kz_schedule_zone_name(const kz_model *m, int zone); /* borrowed; NULL if none */
int kz_schedule_zone_find(const kz_model *m, const char *name);  /* index or -1 */
int kz_schedule_zone_at(const kz_model *m, int zone, kz_us now, kz_slot *slot);
int kz_schedule_zone_next(const kz_model *m, int zone, const kz_slot *cur, kz_slot *next);
/* For a walk over a range in one go (kizuna plan, report): the slot after cur, like
 * kz_schedule_zone_next, without reading every item's playable flag again (the walk's first
 * kz_schedule_zone_at did): a binary search instead of O(items) per slot. Only while no item
 * is dropped during the walk; the answers are then those of kz_schedule_zone_next. */
int kz_schedule_walk_next(const kz_model *m, int zone, const kz_slot *cur, kz_slot *next);

/* The effective schedule values of an item (the item's keys, else its playlist's). */
typedef struct kz_sched_info {
    const char *campaign; /* borrowed from the model; NULL = none */
    long priority;        /* default 0 */
    long weight;          /* default 1 */
    int interrupt;
    int zone;
    kz_us duration;       /* the slot length used (item duration, else the default) */
} kz_sched_info;
/* 0, or -1 when the item is not in the compiled schedule (unplayable). */
int kz_schedule_info(const kz_model *m, const kz_item *it, kz_sched_info *out);
/* Whether the item's dates, days and times (with its playlist's) allow instant t. */
int kz_schedule_eligible(const kz_model *m, const kz_item *it, kz_us t);

/* Whether one section's rules (dates, days, times) allow instant t, with the same DST policy
 * as the timeline. Used for things scheduled outside playlists, such as layouts. */
struct kz_rules;
int kz_rules_allow(const struct kz_rules *r, kz_us t);

/* Length given to items whose duration is unknown (an image without duration =). */
#define KZ_SCHEDULE_DEFAULT_DURATION (10 * KZ_US_PER_S)
/* Shortest slot: shorter items get this much (a warning at compile). */
#define KZ_SCHEDULE_MIN_DURATION (KZ_US_PER_S / 2)

/* Static and timeline checks for `kizuna check`, over [from, to): items that can never air
 * (their dates, days and times never meet), eligible items that never get air time in the
 * range (always outranked), interrupts whose windows overlap, and stretches with nothing
 * eligible (standby). Errors are logged with file:line and counted; standby stretches and
 * items whose dates are all in the past are warnings (logged, not counted). */
int kz_schedule_check(const kz_model *m, kz_us from, kz_us to);

/* Local-time helpers with the schedule's DST policy (docs/playlists.md): a wall time that
 * occurs twice maps to its first occurrence; one inside a spring-forward gap maps to the
 * instant of the jump. day is a civil day (rules.h), secs 0..86400. */
kz_us kz_schedule_wall(int day, int secs);
int kz_schedule_day_of(kz_us t); /* the civil day whose [00:00, next 00:00) holds t */
/* The campaign an item belongs to (its schedule's, else its own or its playlist's campaign
 * key); "" when none. Borrowed from the model. */
const char *kz_item_campaign(const kz_model *m, const kz_item *it);
#endif
