/* Wall-time helpers for the clock and countdown plugins (see wallclock.h). */
#include "wallclock.h"

#include <stdio.h>
#include <string.h>

int64_t kzw_days_from_civil(int year, int mon, int mday)
{
    /* Shift the year to start in March so that the leap day is the last day of the year. */
    int64_t y = (int64_t)year - (mon <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* 0..399 */
    int64_t mp = (mon + 9) % 12;                                   /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + mday - 1;                   /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int kzw_date_valid(int year, int mon, int mday)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12 || mday < 1)
        return 0;
    int max = mdays[mon - 1] + (mon == 2 && is_leap(year));
    return mday <= max;
}

static time_t floor_seconds(kzw_us t)
{
    int64_t s = t / KZW_US_PER_S;
    if (t % KZW_US_PER_S < 0)
        s--;
    return (time_t)s;
}

void kzw_local_tm(kzw_us t, struct tm *out)
{
    time_t s = floor_seconds(t);
    memset(out, 0, sizeof *out);
    localtime_r(&s, out);
}

int64_t kzw_local_days_between(kzw_us from, kzw_us to)
{
    struct tm a, b;
    kzw_local_tm(from, &a);
    kzw_local_tm(to, &b);
    return kzw_days_from_civil(b.tm_year + 1900, b.tm_mon + 1, b.tm_mday) -
           kzw_days_from_civil(a.tm_year + 1900, a.tm_mon + 1, a.tm_mday);
}

kzw_us kzw_local_next_midnight(kzw_us t)
{
    struct tm tm;
    kzw_local_tm(t, &tm);
    tm.tm_mday += 1; /* mktime normalises month and year ends */
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    time_t s = mktime(&tm);
    return (kzw_us)s * KZW_US_PER_S;
}

/* Reads exactly `digits` decimal digits. */
static int read_num(const char **p, int digits, int *out)
{
    int v = 0;
    for (int i = 0; i < digits; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += digits;
    *out = v;
    return 0;
}

int kzw_iso_parse(const char *s, kzw_us *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac_us = 0;
    const char *p = s;
    if (!s)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (read_num(&p, 4, &y) || *p++ != '-' || read_num(&p, 2, &mo) || *p++ != '-' ||
        read_num(&p, 2, &d))
        return -1;
    if (!kzw_date_valid(y, mo, d))
        return -1;
    int has_time = 0, has_off = 0, off_min = 0;
    if (*p == 'T' || *p == 't' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) {
        p++;
        has_time = 1;
        if (read_num(&p, 2, &h) || *p++ != ':' || read_num(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (read_num(&p, 2, &sec))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                int64_t scale = 100000;
                if (*p < '0' || *p > '9')
                    return -1;
                while (*p >= '0' && *p <= '9') {
                    frac_us += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
        }
        if (h > 23 || mi > 59 || sec > 59)
            return -1;
        if (*p == 'Z' || *p == 'z') {
            p++;
            has_off = 1;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (read_num(&p, 2, &oh))
                return -1;
            if (*p == ':') {
                p++;
                if (read_num(&p, 2, &om))
                    return -1;
            } else if (*p >= '0' && *p <= '9') {
                if (read_num(&p, 2, &om))
                    return -1;
            }
            if (oh > 18 || om > 59)
                return -1;
            has_off = 1;
            off_min = sign * (oh * 60 + om);
        }
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return -1;
    (void)has_time;
    if (has_off) {
        int64_t days = kzw_days_from_civil(y, mo, d);
        int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off_min * 60;
        *out = secs * KZW_US_PER_S + frac_us;
        return 0;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31))
        return -1;
    *out = (kzw_us)t * KZW_US_PER_S + frac_us;
    return 0;
}

static const struct {
    const char *name;
    int y, m, d; /* first day, Gregorian */
} eras[] = {
    {"令和", 2019, 5, 1},
    {"平成", 1989, 1, 8},
    {"昭和", 1926, 12, 25},
    {"大正", 1912, 7, 30},
    {"明治", 1868, 10, 23},
};

int kzw_era_of(int year, int mon, int mday, const char **name, int *era_year)
{
    int64_t day = kzw_days_from_civil(year, mon, mday);
    for (size_t i = 0; i < sizeof eras / sizeof eras[0]; i++) {
        if (day >= kzw_days_from_civil(eras[i].y, eras[i].m, eras[i].d)) {
            *name = eras[i].name;
            *era_year = year - eras[i].y + 1;
            return 0;
        }
    }
    *name = NULL;
    *era_year = year;
    return -1;
}

const char *kzw_weekday_ja(int wday)
{
    static const char *const w[7] = {"日", "月", "火", "水", "木", "金", "土"};
    return w[((wday % 7) + 7) % 7];
}

static const char *const wd_en[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
static const char *const mon_en[12] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

/* Output buffer that never overflows and never cuts a UTF-8 sequence. */
struct sbuf {
    char *p;
    size_t n, len;
    int full;
};

static void put(struct sbuf *b, const char *s, size_t k)
{
    if (b->full)
        return;
    if (b->len + k + 1 > b->n) {
        k = b->n > b->len + 1 ? b->n - b->len - 1 : 0;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--; /* s[k] would be a continuation byte: cut before its lead byte */
        b->full = 1;
    }
    memcpy(b->p + b->len, s, k);
    b->len += k;
    b->p[b->len] = 0;
}

static void put_s(struct sbuf *b, const char *s) { put(b, s, strlen(s)); }

static void put_num(struct sbuf *b, int v, int width)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%0*d", width, v);
    put_s(b, tmp);
}

/* One conversion at p (just after '%'). With b == NULL only checks. Returns the number of
 * pattern bytes consumed, or -1 when unknown. *seconds set when it shows seconds. */
static int conv(const char *p, const struct tm *tm, struct sbuf *b, int *seconds)
{
    int nopad = 0, used = 0;
    if (*p == '-') {
        nopad = 1;
        p++;
        used++;
    }
    char c = *p;
    if (!c)
        return -1;
    int num = -1, width = 2;
    const char *str = NULL;
    char tmp[64] = "";
    switch (c) {
    case 'Y': num = tm ? tm->tm_year + 1900 : 0; width = 1; break;
    case 'y': num = tm ? ((tm->tm_year + 1900) % 100 + 100) % 100 : 0; break;
    case 'm': num = tm ? tm->tm_mon + 1 : 0; break;
    case 'd': num = tm ? tm->tm_mday : 0; break;
    case 'H': num = tm ? tm->tm_hour : 0; break;
    case 'M': num = tm ? tm->tm_min : 0; break;
    case 'S': num = tm ? tm->tm_sec : 0; if (seconds) *seconds = 1; break;
    default:
        if (nopad)
            return -1; /* the '-' flag only applies to numbers */
        switch (c) {
        case '%': str = "%"; break;
        case 'n': str = "\n"; break;
        case 'F':
            if (tm)
                snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm->tm_year + 1900, tm->tm_mon + 1,
                         tm->tm_mday);
            str = tmp;
            break;
        case 'R':
            if (tm)
                snprintf(tmp, sizeof tmp, "%02d:%02d", tm->tm_hour, tm->tm_min);
            str = tmp;
            break;
        case 'T':
            if (tm)
                snprintf(tmp, sizeof tmp, "%02d:%02d:%02d", tm->tm_hour, tm->tm_min, tm->tm_sec);
            if (seconds)
                *seconds = 1;
            str = tmp;
            break;
        case 'a':
            if (tm)
                snprintf(tmp, sizeof tmp, "%.3s", wd_en[((tm->tm_wday % 7) + 7) % 7]);
            str = tmp;
            break;
        case 'A': str = tm ? wd_en[((tm->tm_wday % 7) + 7) % 7] : ""; break;
        case 'b':
            if (tm)
                snprintf(tmp, sizeof tmp, "%.3s", mon_en[((tm->tm_mon % 12) + 12) % 12]);
            str = tmp;
            break;
        case 'B': str = tm ? mon_en[((tm->tm_mon % 12) + 12) % 12] : ""; break;
        case 'J':
            if (p[1] == 'a')
                str = tm ? kzw_weekday_ja(tm->tm_wday) : "";
            else if (p[1] == 'A') {
                if (tm)
                    snprintf(tmp, sizeof tmp, "%s曜日", kzw_weekday_ja(tm->tm_wday));
                str = tmp;
            } else
                return -1;
            used++;
            break;
        case 'E': {
            if (p[1] != 'C' && p[1] != 'y' && p[1] != 'Y')
                return -1;
            used++;
            if (!tm) {
                str = "";
                break;
            }
            const char *era = NULL;
            int ey = 0;
            int known = kzw_era_of(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, &era,
                                   &ey) == 0;
            char yr[16];
            if (known && ey == 1)
                snprintf(yr, sizeof yr, "元");
            else
                snprintf(yr, sizeof yr, "%d", ey);
            if (p[1] == 'C')
                snprintf(tmp, sizeof tmp, "%s", known ? era : "");
            else if (p[1] == 'y')
                snprintf(tmp, sizeof tmp, "%s", yr);
            else
                snprintf(tmp, sizeof tmp, "%s%s年", known ? era : "", yr);
            str = tmp;
            break;
        }
        default:
            return -1;
        }
    }
    if (b) {
        if (str)
            put_s(b, str);
        else
            put_num(b, num, nopad ? 1 : width);
    }
    return used + 1;
}

int kzw_format(const char *pattern, const struct tm *tm, char *out, size_t n)
{
    struct sbuf b = {out, n, 0, 0};
    if (n == 0)
        return -1;
    out[0] = 0;
    for (const char *p = pattern; *p;) {
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t k = q ? (size_t)(q - p) : strlen(p);
            put(&b, p, k);
            p += k;
            continue;
        }
        int k = conv(p + 1, tm, &b, NULL);
        if (k < 0)
            return -1;
        p += 1 + k;
    }
    return (int)b.len;
}

int kzw_format_check(const char *pattern, const char **bad, int *seconds)
{
    int sec = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p != '%')
            continue;
        int k = conv(p + 1, NULL, NULL, &sec);
        if (k < 0) {
            if (bad)
                *bad = p;
            return -1;
        }
        p += k;
    }
    if (seconds)
        *seconds = sec;
    return 0;
}
