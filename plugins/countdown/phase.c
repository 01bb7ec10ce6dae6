/* Countdown phases and templates (see phase.h). */
#include "phase.h"

#include <stdio.h>
#include <string.h>

int kzw_countdown_phase(const kzw_countdown *cd, kzw_us now)
{
    if (now < cd->target) {
        if (kzw_local_days_between(now, cd->target) >= 1 || !cd->has_today)
            return KZW_CD_BEFORE;
        return KZW_CD_TODAY;
    }
    if (cd->end != KZW_CD_NONE && now < cd->end)
        return KZW_CD_DURING;
    if (cd->after_until != KZW_CD_NONE && now < cd->after_until)
        return KZW_CD_AFTER;
    return KZW_CD_FINISHED;
}

enum { V_DAYS, V_H, V_HH, V_M, V_MM, V_MONTH, V_DAY, V_WDAY, V_END_H, V_END_HH, V_END_M,
       V_END_MM, V_LEFT_H, V_LEFT_M, V_LEFT_MM, V_LEFT_S, V_LEFT_SS, V_COUNT };
static const char *const var_names[V_COUNT] = {
    "days",  "h",      "hh",     "m",      "mm",     "month",   "day",    "wday",   "end_h",
    "end_hh", "end_m", "end_mm", "left_h", "left_m", "left_mm", "left_s", "left_ss",
};

static int var_index(const char *name, size_t len)
{
    for (int i = 0; i < V_COUNT; i++)
        if (strlen(var_names[i]) == len && memcmp(var_names[i], name, len) == 0)
            return i;
    return -1;
}

/* Seconds left until `to`, rounded up, never negative. */
static int64_t seconds_left(kzw_us now, kzw_us to)
{
    if (to <= now)
        return 0;
    return (to - now + KZW_US_PER_S - 1) / KZW_US_PER_S;
}

static void var_value(int v, const kzw_countdown *cd, kzw_us now, char *buf, size_t n)
{
    struct tm tm;
    buf[0] = 0;
    switch (v) {
    case V_DAYS: {
        int64_t d = now < cd->target ? kzw_local_days_between(now, cd->target) : 0;
        snprintf(buf, n, "%lld", (long long)(d < 0 ? 0 : d));
        return;
    }
    case V_H: case V_HH: case V_M: case V_MM: case V_MONTH: case V_DAY: case V_WDAY:
        kzw_local_tm(cd->target, &tm);
        break;
    case V_END_H: case V_END_HH: case V_END_M: case V_END_MM:
        if (cd->end == KZW_CD_NONE)
            return;
        kzw_local_tm(cd->end, &tm);
        break;
    default: {
        kzw_us to = cd->target;
        if (now >= cd->target && cd->end != KZW_CD_NONE)
            to = cd->end;
        int64_t s = seconds_left(now, to);
        long long val = v == V_LEFT_H ? s / 3600 : v == V_LEFT_M || v == V_LEFT_MM ? s / 60 % 60
                                                                                 : s % 60;
        snprintf(buf, n, v == V_LEFT_MM || v == V_LEFT_SS ? "%02lld" : "%lld", val);
        return;
    }
    }
    switch (v) {
    case V_H: case V_END_H: snprintf(buf, n, "%d", tm.tm_hour); break;
    case V_HH: case V_END_HH: snprintf(buf, n, "%02d", tm.tm_hour); break;
    case V_M: case V_END_M: snprintf(buf, n, "%d", tm.tm_min); break;
    case V_MM: case V_END_MM: snprintf(buf, n, "%02d", tm.tm_min); break;
    case V_MONTH: snprintf(buf, n, "%d", tm.tm_mon + 1); break;
    case V_DAY: snprintf(buf, n, "%d", tm.tm_mday); break;
    case V_WDAY: snprintf(buf, n, "%s", kzw_weekday_ja(tm.tm_wday)); break;
    default: break;
    }
}

/* Walks the template; with out == NULL only validates. */
static int walk(const char *tmpl, const kzw_countdown *cd, kzw_us now, char *out, size_t n,
                int has_end, const char **bad, size_t *bad_len, int *seconds)
{
    size_t len = 0;
    int full = 0;
    if (out && n)
        out[0] = 0;
    for (const char *p = tmpl; *p;) {
        const char *piece = p;
        size_t k = 1;
        char val[32];
        if (*p == '{' && p[1] == '{') {
            k = 1;
            p += 2;
        } else if (*p == '}' && p[1] == '}') {
            k = 1;
            p += 2;
        } else if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *next_open = strchr(p + 1, '{');
            int v = -1;
            int group = close && (!next_open || close < next_open);
            if (group && memchr(p + 1, '|', (size_t)(close - p - 1))) {
                /* {base|reading}: ruby for the text engine, passed through as it is */
                k = (size_t)(close - p + 1);
                p = close + 1;
                goto emit;
            }
            if (group)
                v = var_index(p + 1, (size_t)(close - p - 1));
            if (v >= V_END_H && v <= V_END_MM && !has_end)
                v = -1;
            if (v < 0) {
                if (bad)
                    *bad = p;
                if (bad_len)
                    *bad_len = close ? (size_t)(close - p + 1) : strlen(p);
                return -1;
            }
            if (v == V_LEFT_S || v == V_LEFT_SS) {
                if (seconds)
                    *seconds = 1;
            }
            if (out)
                var_value(v, cd, now, val, sizeof val);
            else
                val[0] = 0;
            piece = val;
            k = strlen(val);
            p = close + 1;
        } else {
            /* a run of plain bytes (a lone '}' is kept as it is) */
            const char *q = p + 1;
            while (*q && *q != '{' && !(*q == '}' && q[1] == '}'))
                q++;
            k = (size_t)(q - p);
            p = q;
        }
    emit:
        if (out && n && !full) {
            if (len + k + 1 > n) { /* truncate, keep validating the rest */
                k = n - len - 1;
                while (k > 0 && ((unsigned char)piece[k] & 0xC0) == 0x80)
                    k--;
                full = 1;
            }
            memcpy(out + len, piece, k);
            len += k;
            out[len] = 0;
        }
    }
    return (int)len;
}

int kzw_countdown_expand(const char *tmpl, const kzw_countdown *cd, kzw_us now, char *out,
                         size_t n)
{
    return walk(tmpl, cd, now, out, n, cd->end != KZW_CD_NONE, NULL, NULL, NULL);
}

int kzw_countdown_check(const char *tmpl, int has_end, const char **bad, size_t *bad_len,
                        int *seconds)
{
    int sec = 0;
    if (walk(tmpl, NULL, 0, NULL, 0, has_end, bad, bad_len, &sec) < 0)
        return -1;
    if (seconds)
        *seconds = sec;
    return 0;
}
