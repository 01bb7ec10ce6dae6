/* Time helpers. The player's zone is the process TZ (set once at start-up); all local-time
 * questions go through localtime_r / mktime so that DST follows the system tz database. */
#include "base/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tz_name[64] = "Asia/Tokyo";

int kz_tz_set(const char *iana)
{
    char path[256];
    if (!iana || !*iana || strlen(iana) >= sizeof tz_name || strstr(iana, ".."))
        return -1;
    /* Refuse names the tz database does not have: glibc silently falls back to UTC. */
    if (strcmp(iana, "UTC") != 0) {
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", iana);
        FILE *f = fopen(path, "rb");
        if (!f)
            return -1;
        fclose(f);
    }
    snprintf(tz_name, sizeof tz_name, "%s", iana);
    setenv("TZ", iana, 1);
    tzset();
    return 0;
}

const char *kz_tz_name(void) { return tz_name; }

kz_us kz_local_make(int year, int mon, int mday, int hour, int min, int sec)
{
    if (mon < 1 || mon > 12 || mday < 1 || mday > 31 || hour < 0 || hour > 24 || min < 0 ||
        min > 59 || sec < 0 || sec > 60)
        return -1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (mday > mdays[mon - 1] + (mon == 2 && leap))
        return -1;
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = mday;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 && !(year == 1969 || year == 1970))
        return -1;
    return (kz_us)t * KZ_US_PER_S;
}

/* Days from 1970-01-01 of a proleptic Gregorian date (civil-from-days inverse). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return 0;
}

int kz_time_parse(const char *s, kz_us *out)
{
    int Y, M, D, h = 0, m = 0, sec = 0;
    kz_us frac = 0;
    const char *p = s;
    if (!s)
        return -1;
    while (isspace((unsigned char)*p))
        p++;
    if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' ||
        digits(&p, 2, &D))
        return -1;
    int has_time = 0;
    if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        has_time = 1;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &m))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                kz_us scale = 100000;
                if (!isdigit((unsigned char)*p))
                    return -1;
                while (isdigit((unsigned char)*p)) {
                    frac += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
        }
    }
    (void)has_time;
    if (h > 23 || m > 59 || sec > 59)
        return -1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
    if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] + (M == 2 && leap))
        return -1;
    int has_off = 0, off_min = 0;
    if (*p == 'Z' || *p == 'z') {
        has_off = 1;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (isdigit((unsigned char)*p) && digits(&p, 2, &om))
            return -1;
        if (oh > 23 || om > 59)
            return -1;
        has_off = 1;
        off_min = sign * (oh * 60 + om);
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return -1;
    kz_us t;
    if (has_off) {
        int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
        int64_t secs = days * 86400 + h * 3600 + m * 60 + sec - (int64_t)off_min * 60;
        t = secs * KZ_US_PER_S;
    } else {
        t = kz_local_make(Y, M, D, h, m, sec);
        if (t == -1)
            return -1;
    }
    *out = t + frac;
    return 0;
}

void kz_local_tm(kz_us t, struct tm *out)
{
    time_t s = (time_t)(t >= 0 ? t / KZ_US_PER_S : -((-t + KZ_US_PER_S - 1) / KZ_US_PER_S));
    localtime_r(&s, out);
}

void kz_time_format(kz_us t, char *out, size_t n)
{
    struct tm tm;
    kz_local_tm(t, &tm);
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    int ms = (int)(((t % KZ_US_PER_S) + KZ_US_PER_S) % KZ_US_PER_S / 1000);
    char frac[8] = "";
    if (ms)
        snprintf(frac, sizeof frac, ".%03d", ms);
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02ld:%02ld", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, sign,
             off / 3600, (off / 60) % 60);
}

/* Proleptic Gregorian date of a day count from 1970-01-01 (days_from_civil's inverse). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static char *put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

void kz_time_format_memo(kz_time_memo *c, kz_us t, char *out, size_t n)
{
    int64_t s = t >= 0 ? t / KZ_US_PER_S : -((-t + KZ_US_PER_S - 1) / KZ_US_PER_S);
    if (!c->valid || s < c->lo || s > c->hi) {
        struct tm a, b;
        time_t ta = (time_t)s, tb = (time_t)(s + 86399);
        c->valid = 0;
        if (!localtime_r(&ta, &a) || !localtime_r(&tb, &b) || a.tm_gmtoff != b.tm_gmtoff) {
            kz_time_format(t, out, n); /* a change within the day: ask for this instant */
            return;
        }
        c->valid = 1;
        c->lo = s;
        c->hi = s + 86399;
        c->off = a.tm_gmtoff;
    }
    int64_t w = s + c->off, days = (w >= 0 ? w : w - 86399) / 86400, sec = w - days * 86400;
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    long off = c->off < 0 ? -c->off : c->off;
    int ms = (int)(((t % KZ_US_PER_S) + KZ_US_PER_S) % KZ_US_PER_S / 1000);
    if (y < 0 || y > 9999 || off / 3600 > 99 || n < 32) {
        kz_time_format(t, out, n); /* kz_time_format's own text, digits written out below */
        return;
    }
    /* "%04d-%02d-%02dT%02d:%02d:%02d[.%03d]%c%02ld:%02ld", as kz_time_format */
    char *p = out;
    p = put2(p, y / 100);
    p = put2(p, y % 100);
    *p++ = '-';
    p = put2(p, mo);
    *p++ = '-';
    p = put2(p, d);
    *p++ = 'T';
    p = put2(p, (int)(sec / 3600));
    *p++ = ':';
    p = put2(p, (int)(sec / 60 % 60));
    *p++ = ':';
    p = put2(p, (int)(sec % 60));
    if (ms) {
        *p++ = '.';
        *p++ = (char)('0' + ms / 100);
        p = put2(p, ms % 100);
    }
    *p++ = c->off < 0 ? '-' : '+';
    p = put2(p, (int)(off / 3600));
    *p++ = ':';
    p = put2(p, (int)(off / 60 % 60));
    *p = '\0';
}

kz_us kz_local_day_start(kz_us t)
{
    struct tm tm;
    kz_local_tm(t, &tm);
    kz_us d = kz_local_make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, 0, 0, 0);
    /* A zone whose midnight falls in a DST gap: mktime moves forward; never past t. */
    return d > t ? t - ((t % KZ_US_PER_S) + KZ_US_PER_S) % KZ_US_PER_S : d;
}

kz_us kz_local_day_next(kz_us t)
{
    struct tm tm;
    kz_local_tm(t, &tm);
    struct tm n = {0};
    n.tm_year = tm.tm_year;
    n.tm_mon = tm.tm_mon;
    n.tm_mday = tm.tm_mday + 1;
    n.tm_isdst = -1;
    time_t s = mktime(&n);
    return (kz_us)s * KZ_US_PER_S;
}

kz_us kz_now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (kz_us)ts.tv_sec * KZ_US_PER_S + ts.tv_nsec / 1000;
}

kz_us kz_now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (kz_us)ts.tv_sec * KZ_US_PER_S + ts.tv_nsec / 1000;
}

int kz_duration_parse(const char *s, kz_us *out)
{
    if (!s)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return -1;
    /* hh:mm:ss or mm:ss */
    if (strchr(s, ':')) {
        double parts[3];
        int n = 0;
        const char *p = s;
        while (n < 3) {
            char *end;
            double v = strtod(p, &end);
            if (end == p || v < 0)
                return -1;
            parts[n++] = v;
            p = end;
            if (*p != ':')
                break;
            p++;
        }
        while (isspace((unsigned char)*p))
            p++;
        if (*p || n < 2)
            return -1;
        double secs = n == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2]
                             : parts[0] * 60 + parts[1];
        if (secs > 1e9)
            return -1;
        *out = (kz_us)(secs * KZ_US_PER_S + 0.5);
        return 0;
    }
    double total = 0;
    const char *p = s;
    int any = 0;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0 || v != v)
            return -1;
        p = end;
        double unit = 1;
        if (!strncmp(p, "ms", 2)) {
            unit = 0.001;
            p += 2;
        } else if (*p == 's') {
            p++;
        } else if (*p == 'm') {
            unit = 60;
            p++;
        } else if (*p == 'h') {
            unit = 3600;
            p++;
        } else if (*p && !isspace((unsigned char)*p)) {
            return -1;
        }
        total += v * unit;
        any = 1;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (!any || total > 1e9)
        return -1;
    *out = (kz_us)(total * KZ_US_PER_S + 0.5);
    return 0;
}
