/* Wall-time helpers shared by the clock and countdown plugins: pure functions, no SDL, no
 * clock reading. Local time is the process time zone (the host sets TZ to the player's zone
 * before plugins run), read with localtime_r/mktime.
 *
 * Plugins are separate shared objects, so the countdown compiles this file too
 * (plugins/countdown/wallclock_shared.c); the unit tests include it directly. */
#ifndef KZW_WALLCLOCK_H
#define KZW_WALLCLOCK_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Microseconds since the Unix epoch (same meaning as kz_us in the plugin ABI). */
typedef int64_t kzw_us;
#define KZW_US_PER_S INT64_C(1000000)

/* Days since 1970-01-01 of a proleptic Gregorian date (mon 1..12); negative before 1970. */
int64_t kzw_days_from_civil(int year, int mon, int mday);
/* 1 when the date exists (mon 1..12, mday within the month, leap years). */
int kzw_date_valid(int year, int mon, int mday);

/* Broken-down local time of an instant (floor to the second, also before 1970). */
void kzw_local_tm(kzw_us t, struct tm *out);
/* Local calendar days from the day of `from` to the day of `to` (0: same local day; 1: `to`
 * is tomorrow), independent of the hour and of DST changes in between. */
int64_t kzw_local_days_between(kzw_us from, kzw_us to);
/* The first local midnight after t (DST-aware). */
kzw_us kzw_local_next_midnight(kzw_us t);

/* ISO 8601 instant: 2025-01-27T15:10:00+09:00, 2025-01-27T15:10+09:00, ...Z, +0900, +09,
 * fractional seconds, a space instead of T. Without an offset the time is local; a bare date
 * means its local midnight. 0, or -1 on a malformed or impossible time. */
int kzw_iso_parse(const char *s, kzw_us *out);

/* Japanese era of a Gregorian date: name (static, e.g. "令和") and era year (1 = 元年).
 * Eras from Meiji (1868-10-23) to Reiwa (2019-05-01). -1 before Meiji (name NULL). */
int kzw_era_of(int year, int mon, int mday, const char **name, int *era_year);

/* Japanese weekday, 0 = Sunday: "日" .. "土". */
const char *kzw_weekday_ja(int wday);

/* Expand a strftime-like pattern for local time tm. The conversions (no locale involved):
 *   %Y 2025  %y 25  %m 02  %d 01  %H 09  %M 05  %S 07  (%-m %-d %-H %-M %-S %-y: no zero pad)
 *   %F = %Y-%m-%d  %R = %H:%M  %T = %H:%M:%S  %a Sat  %A Saturday  %b Feb  %B February
 *   %Ja 土  %JA 土曜日  %EC 令和  %Ey 7 (元 in year 1)  %EY 令和7年 (令和元年)  %n newline  %%
 * Writes at most n bytes including the NUL (truncating on a UTF-8 boundary). Returns the length
 * written, or -1 on an unknown conversion. */
int kzw_format(const char *pattern, const struct tm *tm, char *out, size_t n);
/* Check a pattern without expanding it: 0, or -1 with *bad (may be NULL) at the offending '%'.
 * *seconds (may be NULL) is set to 1 when the result changes every second (%S, %T). */
int kzw_format_check(const char *pattern, const char **bad, int *seconds);
#endif
