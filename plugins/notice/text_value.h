/* notice: parsing of values (durations, texts), header-only so that
 * tests/unit/test_text_notice.c tests the code the plugin runs. */
#ifndef KZ_NOTICE_TEXT_VALUE_H
#define KZ_NOTICE_TEXT_VALUE_H
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kizuna/plugin.h>

/* "15s", "1.5s", "500ms", "2m", "1m30s", "1h", "90" (seconds), "00:01:30". */
static inline int notice_parse_duration(const char *s, kz_us *out)
{
    if (!s || !*s)
        return -1;
    if (strchr(s, ':')) {
        double part[3] = {0, 0, 0};
        int n = sscanf(s, "%lf:%lf:%lf", &part[0], &part[1], &part[2]);
        if (n < 2)
            return -1;
        double sec = n == 3 ? part[0] * 3600 + part[1] * 60 + part[2] : part[0] * 60 + part[1];
        *out = (kz_us)llround(sec * 1e6);
        return sec > 0 ? 0 : -1;
    }
    double total = 0;
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *e;
        errno = 0;
        double v = strtod(p, &e);
        if (e == p || errno || v < 0)
            return -1;
        p = e;
        double mul = 1;
        if (!strncmp(p, "ms", 2))
            mul = 1e-3, p += 2;
        else if (*p == 's')
            p++;
        else if (*p == 'm')
            mul = 60, p++;
        else if (*p == 'h')
            mul = 3600, p++;
        else if (*p && *p != ' ')
            return -1;
        total += v * mul;
    }
    if (total <= 0)
        return -1;
    *out = (kz_us)llround(total * 1e6);
    return 0;
}

/* Copy a value: trim it, turn continuation lines holding only "." into empty lines. */
static inline char *notice_text_dup(const char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (!n)
        return NULL;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
        size_t a = i, b = i + len;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
            b--;
        if (!(b - a == 1 && s[a] == '.')) {
            memcpy(out + o, s + i, b - i);
            o += b - i;
        }
        i += len;
        if (nl) {
            out[o++] = '\n';
            i++;
        }
    }
    out[o] = 0;
    return out;
}

#endif
