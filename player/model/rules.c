/* Schedule keys: parsing and calendar arithmetic. See rules.h and docs/playlists.md. */
#include "model/rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"

/* Days from civil and back: the usual era-based algorithm (400-year cycles of 146097 days),
 * valid for every int year we can meet. */
int kz_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void kz_civil_from_days(int z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

int kz_weekday(int days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int w = (days + 3) % 7;
    return w < 0 ? w + 7 : w;
}

int kz_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

static void seterr(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t n, const char *fmt, ...)
{
    if (!err || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

/* Split a value into tokens separated by commas, semicolons, blanks or newlines. Calls fn on
 * each (a NUL-terminated copy); stops at the first failure. */
typedef int (*token_fn)(const char *tok, void *ctx, char *err, size_t errn);
static int each_token(const char *s, token_fn fn, void *ctx, char *err, size_t errn)
{
    char tok[128];
    int count = 0;
    const char *p = s;
    while (*p) {
        while (*p && (*p == ',' || *p == ';' || isspace((unsigned char)*p)))
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && *q != ',' && *q != ';' && !isspace((unsigned char)*q))
            q++;
        size_t len = (size_t)(q - p);
        if (len >= sizeof tok) {
            seterr(err, errn, "'%.20s...' is too long", p);
            return -1;
        }
        memcpy(tok, p, len);
        tok[len] = 0;
        if (fn(tok, ctx, err, errn) < 0)
            return -1;
        count++;
        p = q;
    }
    if (!count) {
        seterr(err, errn, "empty value");
        return -1;
    }
    return 0;
}

/* Exactly n digits. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* YYYY-MM-DD (kind absolute, *v = civil day) or MM-DD (kind yearly, *v = month*100+day).
 * Returns the length consumed, or -1. */
static int parse_one_date(const char *s, int *kind, int *v, char *err, size_t errn)
{
    int y, m, d;
    size_t len = strspn(s, "0123456789-");
    if (len == 10 && s[4] == '-' && s[7] == '-' && !digits(s, 4, &y) && !digits(s + 5, 2, &m) &&
        !digits(s + 8, 2, &d)) {
        if (m < 1 || m > 12) {
            seterr(err, errn, "%.10s: there is no month %d", s, m);
            return -1;
        }
        if (d < 1 || d > kz_days_in_month(y, m)) {
            seterr(err, errn, "%.10s is not a date (%04d-%02d has %d days)", s, y, m,
                   kz_days_in_month(y, m));
            return -1;
        }
        *kind = KZ_DATES_ABSOLUTE;
        *v = kz_days_from_civil(y, m, d);
        return 10;
    }
    if (len >= 5 && s[2] == '-' && !digits(s, 2, &m) && !digits(s + 3, 2, &d) &&
        (len == 5 || s[5] == '-')) {
        if (m < 1 || m > 12) {
            seterr(err, errn, "%.5s: there is no month %d", s, m);
            return -1;
        }
        if (d < 1 || d > kz_days_in_month(2000, m)) { /* 2000: a leap year, 02-29 allowed */
            seterr(err, errn, "%.5s is not a date (month %d has %d days)", s, m,
                   kz_days_in_month(2000, m));
            return -1;
        }
        *kind = KZ_DATES_YEARLY;
        *v = m * 100 + d;
        return 5;
    }
    seterr(err, errn, "'%s' is not a date (YYYY-MM-DD or MM-DD)", s);
    return -1;
}

struct dates_ctx {
    kz_date_range *r;
    int n, cap;
};

static int date_token(const char *tok, void *vctx, char *err, size_t errn)
{
    struct dates_ctx *c = vctx;
    kz_date_range dr;
    int k2, used = parse_one_date(tok, &dr.kind, &dr.from, err, errn);
    if (used < 0)
        return -1;
    dr.to = dr.from;
    if (tok[used]) {
        if (strncmp(tok + used, "..", 2) != 0) {
            seterr(err, errn, "'%s': write a range as FROM..TO", tok);
            return -1;
        }
        const char *rest = tok + used + 2;
        int used2 = parse_one_date(rest, &k2, &dr.to, err, errn);
        if (used2 < 0)
            return -1;
        if (rest[used2]) {
            seterr(err, errn, "'%s': unexpected '%s'", tok, rest + used2);
            return -1;
        }
        if (k2 != dr.kind) {
            seterr(err, errn, "'%s': both ends must have a year, or neither", tok);
            return -1;
        }
        if (dr.kind == KZ_DATES_ABSOLUTE && dr.to < dr.from) {
            seterr(err, errn, "'%s': the range ends before it starts", tok);
            return -1;
        }
    }
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 4;
        kz_date_range *nr = realloc(c->r, (size_t)cap * sizeof *nr);
        if (!nr) {
            seterr(err, errn, "out of memory");
            return -1;
        }
        c->r = nr;
        c->cap = cap;
    }
    c->r[c->n++] = dr;
    return 0;
}

int kz_parse_dates(const char *s, kz_date_range **out, int *n, char *err, size_t errn)
{
    struct dates_ctx c = {0};
    if (each_token(s, date_token, &c, err, errn) < 0) {
        free(c.r);
        return -1;
    }
    *out = c.r;
    *n = c.n;
    return 0;
}

static int day_name(const char *s, size_t len)
{
    static const char *names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char *longs[7] = {"monday", "tuesday", "wednesday", "thursday",
                                   "friday", "saturday", "sunday"};
    for (int i = 0; i < 7; i++) {
        if ((len == 3 && !strncasecmp(s, names[i], 3)) ||
            (len == strlen(longs[i]) && !strncasecmp(s, longs[i], len)))
            return i;
    }
    return -1;
}

static int day_token(const char *tok, void *vctx, char *err, size_t errn)
{
    unsigned *mask = vctx;
    if (!strcasecmp(tok, "daily") || !strcasecmp(tok, "all")) {
        *mask |= KZ_DAYS_ALL;
        return 0;
    }
    if (!strcasecmp(tok, "weekdays")) {
        *mask |= 0x1fu;
        return 0;
    }
    if (!strcasecmp(tok, "weekends")) {
        *mask |= 0x60u;
        return 0;
    }
    const char *sep = strstr(tok, "..");
    size_t seplen = 2;
    if (!sep) {
        sep = strchr(tok, '-');
        seplen = 1;
    }
    int a, b;
    if (sep) {
        a = day_name(tok, (size_t)(sep - tok));
        b = day_name(sep + seplen, strlen(sep + seplen));
    } else {
        a = b = day_name(tok, strlen(tok));
    }
    if (a < 0 || b < 0) {
        seterr(err, errn, "'%s' is not a day or a range of days (mon..sun)", tok);
        return -1;
    }
    /* fri..mon wraps over the weekend. */
    for (int d = a;; d = (d + 1) % 7) {
        *mask |= 1u << d;
        if (d == b)
            break;
    }
    return 0;
}

int kz_parse_days(const char *s, unsigned *mask, char *err, size_t errn)
{
    unsigned m = 0;
    if (each_token(s, day_token, &m, err, errn) < 0)
        return -1;
    *mask = m;
    return 0;
}

/* HH:MM or HH:MM:SS, 00:00..24:00. Returns characters consumed or -1. */
static int parse_clock(const char *s, int *secs)
{
    int h, m, sec = 0, used = 5;
    if (strlen(s) < 5 || s[2] != ':' || digits(s, 2, &h) || digits(s + 3, 2, &m))
        return -1;
    if (s[5] == ':') {
        if (digits(s + 6, 2, &sec))
            return -1;
        used = 8;
    }
    if (m > 59 || sec > 59 || h > 24 || (h == 24 && (m || sec)))
        return -1;
    *secs = h * 3600 + m * 60 + sec;
    return used;
}

struct times_ctx {
    kz_time_window *w;
    int n, cap;
};

static int time_token(const char *tok, void *vctx, char *err, size_t errn)
{
    struct times_ctx *c = vctx;
    kz_time_window w;
    int used = parse_clock(tok, &w.from);
    if (used < 0 || tok[used] != '-') {
        seterr(err, errn, "'%s' is not a window HH:MM-HH:MM", tok);
        return -1;
    }
    int used2 = parse_clock(tok + used + 1, &w.to);
    if (used2 < 0 || tok[used + 1 + used2]) {
        seterr(err, errn, "'%s' is not a window HH:MM-HH:MM", tok);
        return -1;
    }
    if (w.from == 86400) {
        seterr(err, errn, "'%s': a window cannot start at 24:00", tok);
        return -1;
    }
    if (w.from == w.to) {
        seterr(err, errn, "'%s' is an empty window (write 00:00-24:00 for the whole day)", tok);
        return -1;
    }
    if (w.to == 0)
        w.to = 86400; /* 22:00-00:00 ends at midnight */
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 4;
        kz_time_window *nw = realloc(c->w, (size_t)cap * sizeof *nw);
        if (!nw) {
            seterr(err, errn, "out of memory");
            return -1;
        }
        c->w = nw;
        c->cap = cap;
    }
    c->w[c->n++] = w;
    return 0;
}

int kz_parse_times(const char *s, kz_time_window **out, int *n, char *err, size_t errn)
{
    struct times_ctx c = {0};
    if (each_token(s, time_token, &c, err, errn) < 0) {
        free(c.w);
        return -1;
    }
    *out = c.w;
    *n = c.n;
    return 0;
}

static void key_error(const kz_params *p, const char *key, const char *reason)
{
    kz_log("schedule", KZ_LOG_ERROR, "%s:%d: %s: %s", p->file ? p->file : "?",
           kz_params_line(p, key), key, reason);
}

int kz_rules_parse(kz_rules *r, const kz_params *p, int playlist_section)
{
    char err[256];
    int problems = 0;
    const char *v;
    memset(r, 0, sizeof *r);
    r->days = KZ_DAYS_ALL;
    r->line_dates = kz_params_line(p, "dates");
    r->line_days = kz_params_line(p, "days");
    r->line_times = kz_params_line(p, "times");

    if ((v = kz_params_get(p, "dates"))) {
        if (kz_parse_dates(v, &r->dates, &r->n_dates, err, sizeof err) < 0) {
            key_error(p, "dates", err);
            problems++;
        }
    }
    if ((v = kz_params_get(p, "days"))) {
        if (kz_parse_days(v, &r->days, err, sizeof err) < 0) {
            key_error(p, "days", err);
            r->days = KZ_DAYS_ALL;
            problems++;
        }
    }
    if ((v = kz_params_get(p, "times"))) {
        if (kz_parse_times(v, &r->times, &r->n_times, err, sizeof err) < 0) {
            key_error(p, "times", err);
            problems++;
        }
    }
    if ((v = kz_params_get(p, "campaign"))) {
        if (!*v) {
            key_error(p, "campaign", "empty name");
            problems++;
        } else {
            r->campaign = v;
        }
    }
    if ((v = kz_params_get(p, "priority"))) {
        if (kz_parse_long(v, &r->priority) < 0 || r->priority < KZ_PRIORITY_MIN ||
            r->priority > KZ_PRIORITY_MAX) {
            snprintf(err, sizeof err, "'%s' is not a whole number in %d..%d", v,
                     KZ_PRIORITY_MIN, KZ_PRIORITY_MAX);
            key_error(p, "priority", err);
            problems++;
        } else {
            r->has_priority = 1;
        }
    }
    if ((v = kz_params_get(p, "weight"))) {
        if (kz_parse_long(v, &r->weight) < 0 || r->weight < 1 || r->weight > KZ_WEIGHT_MAX) {
            snprintf(err, sizeof err, "'%s' is not a whole number in 1..%d", v, KZ_WEIGHT_MAX);
            key_error(p, "weight", err);
            problems++;
        } else {
            r->has_weight = 1;
        }
    }
    if ((v = kz_params_get(p, "interrupt"))) {
        if (kz_parse_bool(v, &r->interrupt) < 0) {
            snprintf(err, sizeof err, "'%s' is not yes or no", v);
            key_error(p, "interrupt", err);
            problems++;
        } else {
            r->has_interrupt = 1;
        }
    }
    if (playlist_section && (v = kz_params_get(p, "zone"))) {
        size_t len = strlen(v), ok = len > 0 && len < 64;
        for (size_t i = 0; ok && i < len; i++)
            ok = isalnum((unsigned char)v[i]) || v[i] == '-' || v[i] == '_';
        if (!ok) {
            key_error(p, "zone", "a zone name is 1-63 letters, digits, - or _");
            problems++;
        } else {
            r->zone = v;
        }
    }
    return problems;
}

void kz_rules_free(kz_rules *r)
{
    free(r->dates);
    free(r->times);
    memset(r, 0, sizeof *r);
    r->days = KZ_DAYS_ALL;
}

int kz_rules_day_ok(const kz_rules *r, int days)
{
    if (!(r->days & (1u << kz_weekday(days))))
        return 0;
    if (!r->n_dates)
        return 1;
    int y, m, d, md = -1;
    for (int i = 0; i < r->n_dates; i++) {
        const kz_date_range *dr = &r->dates[i];
        if (dr->kind == KZ_DATES_ABSOLUTE) {
            if (days >= dr->from && days <= dr->to)
                return 1;
            continue;
        }
        if (md < 0) {
            kz_civil_from_days(days, &y, &m, &d);
            md = m * 100 + d;
        }
        if (dr->from <= dr->to ? (md >= dr->from && md <= dr->to)
                               : (md >= dr->from || md <= dr->to))
            return 1;
    }
    return 0;
}
