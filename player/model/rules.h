/* The schedule keys of playlists and items: dates, days, times, campaign, priority, weight,
 * interrupt (and zone on [playlist]). Parsing and the calendar arithmetic behind them; the
 * timeline itself is schedule.c. Reference: docs/playlists.md. */
#ifndef KZ_RULES_H
#define KZ_RULES_H
#include <stddef.h>

#include "base/params.h"

/* Civil days: days since 1970-01-01 in the proleptic Gregorian calendar. */
int kz_days_from_civil(int y, int m, int d);
void kz_civil_from_days(int days, int *y, int *m, int *d);
int kz_weekday(int days);                /* 0 = Monday .. 6 = Sunday */
int kz_days_in_month(int y, int m);      /* 0 for a month outside 1..12 */

enum kz_date_kind { KZ_DATES_ABSOLUTE = 0, KZ_DATES_YEARLY = 1 };

/* One range of `dates`, both ends inclusive. Absolute: civil days. Yearly: month*100+day
 * (0201..0228); from > to wraps over the year end (12-20..01-10). */
typedef struct kz_date_range {
    int kind;
    int from, to;
} kz_date_range;

/* One window of `times`, seconds since local midnight; to is 1..86400 (24:00). to <= from
 * means the window runs across midnight into the next day (22:00-02:00). */
typedef struct kz_time_window {
    int from, to;
} kz_time_window;

/* Every rule of one section. Absent keys mean "no restriction" (and "inherit" for the
 * scalar keys, see has_*). */
typedef struct kz_rules {
    kz_date_range *dates; /* owned; NULL when n_dates = 0 (every date) */
    int n_dates;
    unsigned days;        /* bit 0 Monday .. bit 6 Sunday; 0x7f = every day */
    kz_time_window *times; /* owned; NULL when n_times = 0 (all day) */
    int n_times;
    const char *campaign; /* borrowed from the params; NULL when absent */
    long priority;        /* valid when has_priority */
    long weight;          /* valid when has_weight */
    int interrupt;        /* valid when has_interrupt */
    int has_priority, has_weight, has_interrupt;
    const char *zone;     /* [playlist] only; borrowed; NULL = "main" */
    int line_dates, line_days, line_times; /* for messages (section line when absent) */
} kz_rules;

#define KZ_DAYS_ALL 0x7fu
#define KZ_WEIGHT_MAX 1000
#define KZ_PRIORITY_MIN (-1000000)
#define KZ_PRIORITY_MAX 1000000

/* The parsers behind the keys. On failure they write a one-line reason into err (without
 * file:line; the caller adds it) and return -1. Lists are separated by commas, semicolons,
 * blanks or newlines (multi-line values). */
int kz_parse_dates(const char *s, kz_date_range **out, int *n, char *err, size_t errn);
int kz_parse_days(const char *s, unsigned *mask, char *err, size_t errn);
int kz_parse_times(const char *s, kz_time_window **out, int *n, char *err, size_t errn);

/* Read the schedule keys of a section (marking them used). playlist_section: also accept
 * `zone`. Each bad value is logged as "file:line: key: reason" under the "schedule" log;
 * returns the number of such problems (the good keys are kept). */
int kz_rules_parse(kz_rules *r, const kz_params *p, int playlist_section);
void kz_rules_free(kz_rules *r);

/* Whether the rules allow a civil day by its date and weekday (dates and days only). */
int kz_rules_day_ok(const kz_rules *r, int days);
#endif
