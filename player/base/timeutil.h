/* Time: instants are kz_us since the Unix epoch (UTC). Local time is the player's zone,
 * set once with kz_tz_set() (process-wide TZ). */
#ifndef KZ_TIMEUTIL_H
#define KZ_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kizuna/plugin.h"

int kz_tz_set(const char *iana); /* 0, or -1 when the zone is unknown to the system */
const char *kz_tz_name(void);

/* ISO 8601: 2025-01-27T15:15:00+09:00, 2025-01-27T15:15+09:00, ...Z, fractional seconds,
 * a space instead of T; without an offset the time is local to the player's zone; a bare
 * date means its local midnight. 0 on success, -1 on a malformed or impossible time. */
int kz_time_parse(const char *s, kz_us *out);
/* Format as 2025-01-27T15:15:00+09:00 in the player's zone (millis when non-zero). */
void kz_time_format(kz_us t, char *out, size_t n);
/* The same text for many instants (a plan's thousands of slots): the zone's offset is kept
 * for the day after the last instant that needed a localtime_r (glibc parses the zone's rule
 * string again on every call for instants after its last listed transition, e.g. all of
 * Asia/Tokyo since 1951). A day whose two ends have the same offset has none other in
 * between: the timeline's own assumption (at most one change within a day, schedule.c).
 * Zero-initialise; one per thread. */
typedef struct kz_time_memo {
    int valid;
    int64_t lo, hi; /* seconds [lo, hi] have UTC offset off */
    long off;
} kz_time_memo;
void kz_time_format_memo(kz_time_memo *c, kz_us t, char *out, size_t n);

/* Local midnight at or before t, and the next one after t (DST-aware). */
kz_us kz_local_day_start(kz_us t);
kz_us kz_local_day_next(kz_us t);
/* Broken-down local time of t. */
void kz_local_tm(kz_us t, struct tm *out);
/* Local wall time -> instant; -1 when the fields are invalid. DST gap: the instant the wall
 * time would have after the jump (mktime's tm_isdst=-1 behaviour, see docs/playlists.md). */
kz_us kz_local_make(int year, int mon, int mday, int hour, int min, int sec);

kz_us kz_now_real(void);     /* CLOCK_REALTIME */
kz_us kz_now_mono(void);     /* CLOCK_MONOTONIC */

/* Durations: "10", "10s", "1.5s", "2m", "1h", "1m30s", "00:01:30", "500ms". */
int kz_duration_parse(const char *s, kz_us *out);
#endif
