/* Section key/value storage with line numbers, and the value parsers shared by the config,
 * the playlists and the plugin host API. */
#include "base/params.h"

#include "base/grow.h"
#include "base/inifile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int kz_params_init(kz_params *p, const char *file, const char *section, int line)
{
    memset(p, 0, sizeof *p);
    p->file = strdup(file ? file : "?");
    p->section = strdup(section ? section : "");
    p->line = line;
    return (p->file && p->section) ? 0 : -1;
}

void kz_params_free(kz_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->kv[i].key);
        free(p->kv[i].value);
    }
    free(p->kv);
    free(p->file);
    free(p->section);
    memset(p, 0, sizeof *p);
}

kz_kv *kz_params_find(const kz_params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->kv[i].key, key))
            return &p->kv[i];
    return NULL;
}

int kz_params_add(kz_params *p, const char *key, const char *value, int line)
{
    kz_kv *kv = kz_params_find(p, key);
    int join = value[0] == KZ_INI_JOIN;
    if (join)
        value++;
    if (kv) {
        /* inih hands continuation lines over as the same key again: join with "\n", or
         * with nothing for the pieces of one over-long line (see ini.c). */
        size_t a = kv->len, b = strlen(value);
        if (a + b + 2 > kv->cap) {
            /* Doubling: a megabyte-long line arrives in thousands of pieces. */
            size_t ncap = kv->cap * 2 > a + b + 2 ? kv->cap * 2 : a + b + 2;
            char *v = realloc(kv->value, ncap);
            if (!v)
                return -1;
            kv->value = v;
            kv->cap = ncap;
        }
        if (!join)
            kv->value[a++] = '\n';
        memcpy(kv->value + a, value, b + 1);
        kv->len = a + b;
        return 0;
    }
    if (kz_grow(&p->kv, &p->cap, p->n + 1, sizeof *p->kv, 8))
        return -1;
    kv = &p->kv[p->n];
    kv->key = strdup(key);
    kv->value = strdup(value);
    kv->line = line;
    kv->used = 0;
    kv->len = kv->value ? strlen(kv->value) : 0;
    kv->cap = kv->len + 1;
    if (!kv->key || !kv->value) {
        free(kv->key);
        free(kv->value);
        return -1;
    }
    p->n++;
    return 0;
}

const char *kz_params_get(const kz_params *p, const char *key)
{
    kz_kv *kv = kz_params_find(p, key);
    if (!kv)
        return NULL;
    kv->used = 1;
    return kv->value;
}

int kz_params_line(const kz_params *p, const char *key)
{
    kz_kv *kv = key ? kz_params_find(p, key) : NULL;
    return kv ? kv->line : p->line;
}

static const char *skip_ws(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

int kz_parse_double(const char *s, double *out)
{
    char *end;
    if (!s)
        return -1;
    s = skip_ws(s);
    if (!*s)
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v))
        return -1;
    if (*skip_ws(end))
        return -1;
    *out = v;
    return 0;
}

int kz_parse_long(const char *s, long *out)
{
    char *end;
    if (!s)
        return -1;
    s = skip_ws(s);
    if (!*s)
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *skip_ws(end))
        return -1;
    *out = v;
    return 0;
}

int kz_parse_bool(const char *s, int *out)
{
    static const char *yes[] = {"yes", "true", "on", "1"};
    static const char *no[] = {"no", "false", "off", "0"};
    if (!s)
        return -1;
    s = skip_ws(s);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    for (int i = 0; i < 4; i++) {
        if (n == strlen(yes[i]) && !strncasecmp(s, yes[i], n)) {
            *out = 1;
            return 0;
        }
        if (n == strlen(no[i]) && !strncasecmp(s, no[i], n)) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int kz_parse_size(const char *s, int *w, int *h)
{
    char *end;
    if (!s)
        return -1;
    s = skip_ws(s);
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return -1;
    const char *q = end + 1;
    long b = strtol(q, &end, 10);
    if (errno || end == q || *skip_ws(end))
        return -1;
    if (a < 16 || b < 16 || a > 16384 || b > 16384)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int kz_parse_color(const char *s, unsigned char rgba[4])
{
    static const struct {
        const char *name;
        unsigned rgb;
    } names[] = {
        {"black", 0x000000},  {"white", 0xffffff},   {"red", 0xff0000},
        {"green", 0x008000},  {"blue", 0x0000ff},    {"yellow", 0xffff00},
        {"cyan", 0x00ffff},   {"magenta", 0xff00ff}, {"gray", 0x808080},
        {"grey", 0x808080},   {"orange", 0xffa500},  {"navy", 0x000080},
        {"darkblue", 0x00008b}, {"darkgreen", 0x006400}, {"maroon", 0x800000},
    };
    if (!s)
        return -1;
    s = skip_ws(s);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n && s[0] == '#') {
        int v[8];
        if (n != 4 && n != 5 && n != 7 && n != 9)
            return -1;
        for (size_t i = 1; i < n; i++)
            if ((v[i - 1] = hexval(s[i])) < 0)
                return -1;
        if (n == 4 || n == 5) {
            for (int i = 0; i < 3; i++)
                rgba[i] = (unsigned char)(v[i] * 17);
            rgba[3] = n == 5 ? (unsigned char)(v[3] * 17) : 255;
            return 0;
        }
        if (n == 7 || n == 9) {
            for (int i = 0; i < 3; i++)
                rgba[i] = (unsigned char)(v[2 * i] * 16 + v[2 * i + 1]);
            rgba[3] = n == 9 ? (unsigned char)(v[6] * 16 + v[7]) : 255;
            return 0;
        }
        return -1;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) == n && !strncasecmp(s, names[i].name, n)) {
            rgba[0] = (unsigned char)(names[i].rgb >> 16);
            rgba[1] = (unsigned char)(names[i].rgb >> 8);
            rgba[2] = (unsigned char)names[i].rgb;
            rgba[3] = 255;
            return 0;
        }
    }
    return -1;
}

int kz_parse_enum(const char *s, const char *choices, int *out)
{
    if (!s)
        return -1;
    s = skip_ws(s);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    int idx = 0;
    const char *c = choices;
    while (*c) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && !strncasecmp(s, c, n)) {
            *out = idx;
            return 0;
        }
        idx++;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}
