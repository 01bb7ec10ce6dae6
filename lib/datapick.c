/* Field paths into JSON (jansson) and CSV (RFC 4180, read here: a small state machine with
 * limits on columns and field length). See datapick.h for the path syntax. */
#include "datapick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

typedef struct seg {
    char key[KZ_DATA_PATH_MAX]; /* NAME, or KEY of KEY=VALUE */
    char value[KZ_DATA_PATH_MAX];
    int has_value;              /* KEY=VALUE */
    long index;                 /* N, or -1 */
} seg;

static int split(const char *path, seg *s, int *n, char *why, size_t why_n)
{
    size_t len = path ? strlen(path) : 0;
    *n = 0;
    if (!len) {
        snprintf(why, why_n, "empty field path");
        return -1;
    }
    if (len >= KZ_DATA_PATH_MAX) {
        snprintf(why, why_n, "field path longer than %d bytes", KZ_DATA_PATH_MAX - 1);
        return -1;
    }
    for (const char *p = path;;) {
        const char *e = strchr(p, '.');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (!l) {
            snprintf(why, why_n, "empty segment in the field path");
            return -1;
        }
        if (*n == KZ_DATA_SEGMENTS) {
            snprintf(why, why_n, "more than %d segments in the field path", KZ_DATA_SEGMENTS);
            return -1;
        }
        seg *g = &s[(*n)++];
        memset(g, 0, sizeof *g);
        g->index = -1;
        memcpy(g->key, p, l);
        char *eq = strchr(g->key, '=');
        if (eq) {
            *eq = 0;
            snprintf(g->value, sizeof g->value, "%s", eq + 1);
            g->has_value = 1;
            if (!g->key[0]) {
                snprintf(why, why_n, "\"=%s\": a selector needs a key before '='", g->value);
                return -1;
            }
        } else if (strspn(g->key, "0123456789") == l) {
            if (l > 9) {
                snprintf(why, why_n, "index %s too large", g->key);
                return -1;
            }
            g->index = strtol(g->key, NULL, 10);
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

int kz_data_path_check(int kind, const char *path, char *why, size_t why_n)
{
    seg s[KZ_DATA_SEGMENTS];
    int n;
    if (split(path, s, &n, why, why_n))
        return -1;
    if (kind == KZ_DATA_CSV && (n != 2 || s[1].has_value || s[1].index >= 0 ||
                                (s[0].index < 0 && !s[0].has_value))) {
        snprintf(why, why_n, "a CSV field is ROW.COLUMN: ROW a number or KEY=VALUE (e.g. "
                             "date=today.title)");
        return -1;
    }
    return 0;
}

static const char *want(const seg *g, const char *day)
{
    return !strcmp(g->value, "today") && day ? day : g->value;
}

/* ---- JSON ------------------------------------------------------------------------------ */

static int scalar_text(const json_t *v, char **out, char *why, size_t why_n)
{
    char num[64];
    const char *s = NULL;
    size_t len = 0;
    if (json_is_string(v)) {
        s = json_string_value(v);
        len = json_string_length(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
        len = strlen(num);
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%g", json_real_value(v));
        s = num;
        len = strlen(num);
    } else {
        snprintf(why, why_n, "the field is not a string or a number");
        return -1;
    }
    if (len > KZ_DATA_MAX_TEXT) {
        snprintf(why, why_n, "the field holds %zu bytes, more than %d", len, KZ_DATA_MAX_TEXT);
        return -1;
    }
    *out = strndup(s, len);
    if (!*out) {
        snprintf(why, why_n, "out of memory");
        return -1;
    }
    return 0;
}

static int pick_json(const json_t *root, const seg *s, int n, const char *day, char **out,
                     char *why, size_t why_n)
{
    const json_t *v = root;
    for (int i = 0; i < n; i++) {
        const seg *g = &s[i];
        const json_t *next = NULL;
        if (g->has_value && json_is_array(v)) {
            size_t k;
            const json_t *el;
            json_array_foreach(v, k, el) {
                const json_t *f = json_object_get(el, g->key);
                char *t = NULL;
                char ignore[8];
                if (f && scalar_text(f, &t, ignore, sizeof ignore) == 0) {
                    int eq = !strcmp(t, want(g, day));
                    free(t);
                    if (eq) {
                        next = el;
                        break;
                    }
                }
            }
        } else if (g->index >= 0 && json_is_array(v)) {
            next = json_array_get(v, (size_t)g->index);
        } else if (!g->has_value && json_is_object(v)) {
            next = json_object_get(v, g->key);
        }
        if (!next) {
            snprintf(why, why_n, "no field at segment %d (\"%s%s%s\")", i + 1, g->key,
                     g->has_value ? "=" : "", g->has_value ? want(g, day) : "");
            return -1;
        }
        v = next;
    }
    return scalar_text(v, out, why, why_n);
}

/* ---- CSV ------------------------------------------------------------------------------- */

typedef struct csv {
    const char *p, *end;
    int line;
} csv;

/* Read one record into fields (each owned, NUL-terminated). Returns the field count, 0 at
 * the end of input, -1 on a malformed record (why). */
static int csv_record(csv *c, char **fields, char *why, size_t why_n)
{
    if (c->p >= c->end)
        return 0;
    int n = 0;
    char buf[KZ_CSV_MAX_FIELD + 1];
    for (;;) {
        size_t len = 0;
        int quoted = c->p < c->end && *c->p == '"';
        if (quoted)
            c->p++;
        for (;;) {
            if (c->p >= c->end) {
                if (quoted) {
                    snprintf(why, why_n, "line %d: a quoted field never closes", c->line);
                    goto bad;
                }
                break;
            }
            char ch = *c->p;
            if (quoted && ch == '"') {
                if (c->p + 1 < c->end && c->p[1] == '"') {
                    c->p += 2;
                    ch = '"';
                } else {
                    c->p++;
                    quoted = 0;
                    if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                        snprintf(why, why_n, "line %d: text after a closing quote", c->line);
                        goto bad;
                    }
                    continue;
                }
            } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r')) {
                break;
            } else if (!quoted && ch == '"') {
                snprintf(why, why_n, "line %d: a quote inside an unquoted field", c->line);
                goto bad;
            } else {
                if (ch == '\n')
                    c->line++;
                c->p++;
            }
            if (len == KZ_CSV_MAX_FIELD) {
                snprintf(why, why_n, "line %d: a field longer than %d bytes", c->line,
                         KZ_CSV_MAX_FIELD);
                goto bad;
            }
            buf[len++] = ch;
        }
        if (n == KZ_CSV_MAX_COLUMNS) {
            snprintf(why, why_n, "line %d: more than %d columns", c->line, KZ_CSV_MAX_COLUMNS);
            goto bad;
        }
        if (!(fields[n] = strndup(buf, len))) {
            snprintf(why, why_n, "out of memory");
            goto bad;
        }
        n++;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        c->line++;
        return n;
    }
bad:
    for (int i = 0; i < n; i++)
        free(fields[i]);
    return -1;
}

static void free_fields(char **f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i]);
}

/* Walk every record; with s set, pick the field. */
static int csv_walk(const char *buf, size_t len, const seg *s, const char *day, char **out,
                    char *why, size_t why_n)
{
    csv c = {buf, buf + len, 1};
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) /* a byte-order mark: spreadsheets write it */
        c.p += 3;
    char *head[KZ_CSV_MAX_COLUMNS], *row[KZ_CSV_MAX_COLUMNS];
    int nh = csv_record(&c, head, why, why_n);
    if (nh <= 0) {
        if (!nh)
            snprintf(why, why_n, "empty CSV: no header line");
        return -1;
    }
    int key_col = -1, want_col = -1, rc = -1;
    for (int i = 0; s && i < nh; i++) {
        if (s[0].has_value && !strcmp(head[i], s[0].key))
            key_col = i;
        if (!strcmp(head[i], s[1].key))
            want_col = i;
    }
    if (s && (want_col < 0 || (s[0].has_value && key_col < 0))) {
        snprintf(why, why_n, "no column \"%s\" in the CSV header",
                 want_col < 0 ? s[1].key : s[0].key);
        free_fields(head, nh);
        return -1;
    }
    for (long r = 0;; r++) {
        int nr = csv_record(&c, row, why, why_n);
        if (nr < 0)
            break;
        if (nr == 0) {
            if (s)
                snprintf(why, why_n, "no row %s%s%s in the CSV", s[0].has_value ? s[0].key : "",
                         s[0].has_value ? "=" : "", s[0].has_value ? want(&s[0], day) : s[0].key);
            rc = s ? -1 : 0;
            break;
        }
        int hit = s && (s[0].has_value ? key_col < nr && !strcmp(row[key_col], want(&s[0], day))
                                       : r == s[0].index);
        if (hit) {
            if (want_col >= nr)
                *out = strdup("");
            else if (strlen(row[want_col]) > KZ_DATA_MAX_TEXT)
                snprintf(why, why_n, "the field holds more than %d bytes", KZ_DATA_MAX_TEXT);
            else
                *out = strdup(row[want_col]);
            rc = *out ? 0 : -1;
            free_fields(row, nr);
            break;
        }
        free_fields(row, nr);
    }
    free_fields(head, nh);
    return rc;
}

/* ---- both ------------------------------------------------------------------------------ */

static json_t *load_json(const char *buf, size_t len, char *why, size_t why_n)
{
    json_error_t e;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
    if (!root)
        snprintf(why, why_n, "not valid JSON: line %d: %s", e.line, e.text);
    return root;
}

int kz_data_valid(int kind, const char *buf, size_t len, char *why, size_t why_n)
{
    if (kind == KZ_DATA_CSV) {
        char *ignored = NULL;
        int rc = csv_walk(buf, len, NULL, NULL, &ignored, why, why_n);
        free(ignored);
        return rc;
    }
    json_t *root = load_json(buf, len, why, why_n);
    json_decref(root);
    return root ? 0 : -1;
}

int kz_data_pick(int kind, const char *buf, size_t len, const char *path, const char *day,
                 char **out, char *why, size_t why_n)
{
    seg s[KZ_DATA_SEGMENTS];
    int n;
    *out = NULL;
    if (kz_data_path_check(kind, path, why, why_n) || split(path, s, &n, why, why_n))
        return -1;
    if (kind == KZ_DATA_CSV)
        return csv_walk(buf, len, s, day, out, why, why_n);
    json_t *root = load_json(buf, len, why, why_n);
    if (!root)
        return -1;
    int rc = pick_json(root, s, n, day, out, why, why_n);
    json_decref(root);
    return rc;
}
