/* Countdown logic: which phase an instant falls in, and the template expansion. Pure
 * functions (local time through localtime_r), shared with the unit tests. */
#ifndef KZW_PHASE_H
#define KZW_PHASE_H
#include <stddef.h>

#include "wallclock.h"

#define KZW_CD_NONE INT64_MIN

enum kzw_cd_phase {
    KZW_CD_BEFORE = 0, /* a day or more before the target's local day */
    KZW_CD_TODAY,      /* the target's local day, before the target */
    KZW_CD_DURING,     /* target <= now < end */
    KZW_CD_AFTER,      /* the event is over, the "after" text shows until after_until */
    KZW_CD_FINISHED,   /* nothing more to show: the item stops airing */
};

typedef struct kzw_countdown {
    kzw_us target;      /* the event's start */
    kzw_us end;         /* its end; KZW_CD_NONE: the event is an instant (no during phase) */
    kzw_us after_until; /* the after phase lasts until here (exclusive); KZW_CD_NONE: none */
    int has_today;      /* 0: the target's day uses the before phase (days = 0) */
} kzw_countdown;

int kzw_countdown_phase(const kzw_countdown *cd, kzw_us now);

/* Expand {placeholders} of a template for the instant now (see docs/plugins.md):
 *   {days}                         local calendar days from now to the target's day (>= 0)
 *   {h} {hh} {m} {mm}              the target's local hour and minute (hh, mm: two digits)
 *   {month} {day} {wday}           the target's local date; wday is 月, 火, ...
 *   {end_h} {end_hh} {end_m} {end_mm}  the end's local time (needs an end)
 *   {left_h} {left_m} {left_mm} {left_s} {left_ss}  time left to the target (to the end
 *                                  while it runs), rounded up to the second: whole hours,
 *                                  then minutes and seconds within the hour/minute
 *   {{ and }}                      literal braces
 * A brace group with a '|' inside ({漢字|かんじ}: ruby) is not a placeholder and is kept.
 * Output truncated to n bytes. Returns the length, or -1 on an unknown placeholder. */
int kzw_countdown_expand(const char *tmpl, const kzw_countdown *cd, kzw_us now, char *out,
                         size_t n);
/* Check a template: 0, or -1 with *bad and *bad_len (may be NULL) naming the offending
 * placeholder (an unknown name, an unclosed brace, or an end_* placeholder when has_end is 0).
 * *seconds (may be NULL) is set to 1 when the text changes every second ({left_s}). */
int kzw_countdown_check(const char *tmpl, int has_end, const char **bad, size_t *bad_len,
                        int *seconds);
#endif
