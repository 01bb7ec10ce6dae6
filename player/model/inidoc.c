/* An editable INI document (see inidoc.h). The text is kept as its physical lines; after
 * every change the lines are read again by an exact copy of the player's rules (inifile.c
 * cutting over-long lines into pieces, then inih r55's per-line rules), so what the model
 * says is what the player will read. Every edit is made on a copy and kept only when the
 * copy reads back as the edit intended; otherwise the document is left as it was. */
#include "model/inidoc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/inifile.h"

#define MAX_DOC (4u << 20)
#define ROOM 198     /* inih's 200-byte line less '\n' and '\0' (inifile.c) */
#define NAME_MAX_INIH 49 /* inih keeps 49 bytes of section names and continued keys */

enum { L_BLANK, L_COMMENT, L_SECTION, L_KEY, L_CONT, L_ERROR };

typedef struct dline {
    char *raw;     /* the bytes of the line with its line end (owned) */
    size_t rawlen;
    size_t len;    /* bytes before the line end ("\n", "\r\n" or "\r" at the end of the file) */
    int kind;      /* L_*, from the last reading */
    size_t vbeg, vend; /* L_KEY: the value in the line's first piece */
    int pieced;    /* the line is longer than one inih line */
    size_t sec, key;   /* L_KEY, L_CONT: index of the section and of its key */
} dline;

typedef struct dkey {
    char *name, *value; /* value: continuations joined as kz_params_add does (owned) */
    size_t line;        /* first line with this key */
} dkey;

typedef struct dsec {
    char *name;     /* NULL for the keys before the first header (owned) */
    size_t header;  /* line of the header */
    size_t first;   /* first line of the section's block: the comments directly above */
    size_t end;     /* one past its last line */
    dkey *keys;
    size_t n_keys;
} dsec;

struct kz_inidoc {
    char *name;
    int bom;        /* the text starts with a UTF-8 BOM (kept out of line 0) */
    dline *lines;
    size_t n;
    dsec *secs;     /* secs[0] is the part before the first header */
    size_t n_secs;
    int error_line; /* first line inih would refuse, 0 when none */
};

/* --- inih r55 and inifile.c, byte for byte ------------------------------------------- */

static size_t safe_cut(const char *s, size_t len, size_t max)
{
    size_t n = max < len ? max : len;
    while (n > 1 && (((unsigned char)s[n] & 0xC0) == 0x80 || s[n] == ' ' || s[n] == '\t' ||
                     s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n > 1 ? n : (max < len ? max : len);
}

static char *rstrip(char *s)
{
    char *p = s + strlen(s);
    while (p > s && isspace((unsigned char)(*--p)))
        *p = '\0';
    return s;
}

static char *lskip(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

static char *find_chars_or_comment(char *s, const char *chars)
{
    int was_space = 0;
    while (*s && (!chars || !strchr(chars, *s)) && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

typedef struct reading {
    kz_inidoc *d;
    char prev[NAME_MAX_INIH + 1];
    char section[NAME_MAX_INIH + 1];
    int first_piece;
} reading;

static int add_section(kz_inidoc *d, const char *name, size_t header)
{
    dsec *s = realloc(d->secs, (d->n_secs + 1) * sizeof *s);
    if (!s)
        return -2;
    d->secs = s;
    s = &d->secs[d->n_secs];
    memset(s, 0, sizeof *s);
    s->header = header;
    if (name && !(s->name = strdup(name)))
        return -2;
    d->n_secs++;
    return 0;
}

/* kz_params_add: a value handed over again for the same key is joined with "\n", or with
 * nothing when it is the next piece of an over-long line. */
static int add_value(kz_inidoc *d, const char *key, const char *value, size_t line, size_t *ki)
{
    dsec *s = &d->secs[d->n_secs - 1];
    int join = value[0] == KZ_INI_JOIN;
    if (join)
        value++;
    for (size_t i = 0; i < s->n_keys; i++) {
        if (strcmp(s->keys[i].name, key))
            continue;
        size_t a = strlen(s->keys[i].value), b = strlen(value);
        char *v = realloc(s->keys[i].value, a + b + 2);
        if (!v)
            return -2;
        if (!join)
            v[a++] = '\n';
        memcpy(v + a, value, b + 1);
        s->keys[i].value = v;
        *ki = i;
        return 0;
    }
    dkey *k = realloc(s->keys, (s->n_keys + 1) * sizeof *k);
    if (!k)
        return -2;
    s->keys = k;
    k = &s->keys[s->n_keys];
    k->name = strdup(key);
    k->value = strdup(value);
    k->line = line;
    if (!k->name || !k->value) {
        free(k->name);
        free(k->value);
        return -2;
    }
    *ki = s->n_keys++;
    return 0;
}

/* One piece as ini_parse_stream reads it. buf is writable, NUL-terminated. */
static int read_piece(reading *r, char *buf, size_t li, int first_of_line, size_t off)
{
    kz_inidoc *d = r->d;
    dline *l = &d->lines[li];
    char *start = buf;
    if (r->first_piece && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        start += 3;
    r->first_piece = 0;
    start = lskip(rstrip(start));
    int kind;
    size_t ki = 0;
    if (!*start) {
        kind = L_BLANK;
    } else if (*start == ';' || *start == '#') {
        kind = L_COMMENT;
    } else if (*r->prev && start > buf) {
        kind = L_CONT;
        if (add_value(d, r->prev, start, li, &ki))
            return -2;
    } else if (*start == '[') {
        char *end = find_chars_or_comment(start + 1, "]");
        if (*end == ']') {
            *end = '\0';
            snprintf(r->section, sizeof r->section, "%s", start + 1);
            *r->prev = '\0';
            kind = L_SECTION;
            if (first_of_line && add_section(d, r->section, li))
                return -2;
        } else {
            kind = L_ERROR;
        }
    } else {
        char *end = find_chars_or_comment(start, "=:");
        if (*end == '=' || *end == ':') {
            *end = '\0';
            char *name = rstrip(start), *value = end + 1;
            end = find_chars_or_comment(value, NULL);
            *end = '\0';
            value = lskip(value);
            rstrip(value);
            snprintf(r->prev, sizeof r->prev, "%s", name);
            kind = L_KEY;
            if (add_value(d, name, value, li, &ki))
                return -2;
            if (first_of_line) {
                l->vbeg = (size_t)(value - buf) - off;
                l->vend = l->vbeg + strlen(value);
            }
        } else {
            kind = L_ERROR;
        }
    }
    if (kind == L_ERROR && !d->error_line)
        d->error_line = (int)li + 1;
    if (first_of_line) {
        l->kind = kind;
        l->sec = d->n_secs - 1;
        l->key = ki;
    }
    return 0;
}

static void clear_model(kz_inidoc *d)
{
    for (size_t i = 0; i < d->n_secs; i++) {
        for (size_t k = 0; k < d->secs[i].n_keys; k++) {
            free(d->secs[i].keys[k].name);
            free(d->secs[i].keys[k].value);
        }
        free(d->secs[i].keys);
        free(d->secs[i].name);
    }
    free(d->secs);
    d->secs = NULL;
    d->n_secs = 0;
    d->error_line = 0;
}

/* Read the lines again: kinds, sections, keys, values, and each section's block. */
static int analyse(kz_inidoc *d)
{
    clear_model(d);
    if (add_section(d, NULL, SIZE_MAX))
        return -2;
    reading r = {.d = d, .first_piece = 1};
    char buf[ROOM + 2];
    for (size_t li = 0; li < d->n; li++) {
        dline *l = &d->lines[li];
        /* Line 0 is read with its BOM, as the player reads it. */
        char *tmp = NULL;
        const char *s = l->raw;
        size_t len = l->len, off = 0;
        if (li == 0 && d->bom) {
            if (!(tmp = malloc(len + 3)))
                return -2;
            memcpy(tmp, "\xEF\xBB\xBF", 3);
            memcpy(tmp + 3, l->raw, len);
            s = tmp;
            len += 3;
            off = 3;
        }
        const char *rest = NULL;
        size_t rest_len = 0, n = len;
        l->pieced = 0;
        if (len > ROOM) {
            const char *t = s;
            while (t < s + len && (*t == ' ' || *t == '\t'))
                t++;
            n = safe_cut(s, len, ROOM);
            if (t < s + len && *t != ';' && *t != '#' && *t != '[') {
                rest = s + n;
                rest_len = len - n;
                l->pieced = 1;
            }
        }
        memcpy(buf, s, n);
        buf[n] = 0;
        int rc = read_piece(&r, buf, li, 1, off);
        while (!rc && rest) {
            size_t m = safe_cut(rest, rest_len, ROOM - 3);
            buf[0] = buf[1] = ' ';
            buf[2] = KZ_INI_JOIN;
            memcpy(buf + 3, rest, m);
            buf[3 + m] = 0;
            rest += m;
            rest_len -= m;
            if (!rest_len)
                rest = NULL;
            rc = read_piece(&r, buf, li, 0, 0);
        }
        free(tmp);
        if (rc)
            return rc;
    }
    /* Blocks: a header with the comment lines directly above it, to the next block. */
    for (size_t i = 1; i < d->n_secs; i++) {
        size_t f = d->secs[i].header;
        while (f > 0 && d->lines[f - 1].kind == L_COMMENT)
            f--;
        d->secs[i].first = f;
    }
    d->secs[0].first = 0;
    for (size_t i = 0; i < d->n_secs; i++)
        d->secs[i].end = i + 1 < d->n_secs ? d->secs[i + 1].first : d->n;
    if (d->n_secs > 1 && d->secs[1].first < d->secs[0].end)
        d->secs[0].end = d->secs[1].first;
    return 0;
}

/* --- lines ----------------------------------------------------------------------------- */

static void free_lines(kz_inidoc *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i].raw);
    free(d->lines);
    d->lines = NULL;
    d->n = 0;
}

void kz_inidoc_free(kz_inidoc **dp)
{
    if (!dp || !*dp)
        return;
    kz_inidoc *d = *dp;
    clear_model(d);
    free_lines(d);
    free(d->name);
    free(d);
    *dp = NULL;
}

/* Insert a line (raw bytes, with its end) before index at. */
static int insert_line(kz_inidoc *d, size_t at, const char *raw, size_t rawlen)
{
    dline *n = realloc(d->lines, (d->n + 1) * sizeof *n);
    if (!n)
        return -2;
    d->lines = n;
    memmove(&d->lines[at + 1], &d->lines[at], (d->n - at) * sizeof *n);
    dline *l = &d->lines[at];
    memset(l, 0, sizeof *l);
    if (!(l->raw = malloc(rawlen + 1))) {
        memmove(&d->lines[at], &d->lines[at + 1], (d->n - at) * sizeof *n);
        return -2;
    }
    memcpy(l->raw, raw, rawlen);
    l->raw[rawlen] = 0;
    l->rawlen = rawlen;
    l->len = rawlen;
    if (l->len && l->raw[l->len - 1] == '\n')
        l->len--;
    if (l->len && l->raw[l->len - 1] == '\r')
        l->len--;
    d->n++;
    return 0;
}

static void delete_line(kz_inidoc *d, size_t at)
{
    free(d->lines[at].raw);
    memmove(&d->lines[at], &d->lines[at + 1], (d->n - at - 1) * sizeof *d->lines);
    d->n--;
}

/* The line end new lines get: the one the file uses first, "\n" when it has none. */
static const char *eol(const kz_inidoc *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->lines[i].rawlen > d->lines[i].len)
            return d->lines[i].raw[d->lines[i].len] == '\r' &&
                           d->lines[i].rawlen - d->lines[i].len == 2
                       ? "\r\n"
                       : "\n";
    return "\n";
}

/* Every line but the last ends with a line end (a moved last line gets one). */
static int terminate(kz_inidoc *d, size_t i)
{
    dline *l = &d->lines[i];
    if (l->rawlen > l->len && l->raw[l->rawlen - 1] == '\n')
        return 0;
    const char *e = eol(d);
    size_t el = strlen(e);
    /* A lone '\r' at the end of the file is part of the line end the player strips. */
    char *r = realloc(l->raw, l->len + el + 1);
    if (!r)
        return -2;
    memcpy(r + l->len, e, el + 1);
    l->raw = r;
    l->rawlen = l->len + el;
    return 0;
}

static int replace_line(kz_inidoc *d, size_t at, const char *raw, size_t rawlen)
{
    int rc = insert_line(d, at, raw, rawlen);
    if (!rc)
        delete_line(d, at + 1);
    return rc;
}

/* --- parsing and text ------------------------------------------------------------------ */

static int split_lines(kz_inidoc *d, const char *text, size_t len)
{
    size_t pos = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        d->bom = 1;
        pos = 3;
    }
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) + 1 : len - pos;
        if (insert_line(d, d->n, s, n))
            return -2;
        dline *l = &d->lines[d->n - 1];
        /* At the end of the file the player strips a '\r' too. */
        if (!nl && l->len && l->raw[l->len - 1] == '\r')
            l->len--;
        pos += n;
    }
    return 0;
}

int kz_inidoc_parse(const char *text, size_t len, const char *name, kz_inidoc **out,
                    char *err, size_t errlen)
{
    char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = 0;
    if (!out || (!text && len))
        return -1;
    *out = NULL;
    if (!name)
        name = "(text)";
    if (len > MAX_DOC) {
        snprintf(err, errlen, "%s: larger than %u MiB", name, MAX_DOC >> 20);
        return -1;
    }
    const char *nul = len ? memchr(text, 0, len) : NULL;
    if (nul) {
        int line = 1;
        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        snprintf(err, errlen, "%s:%d: a NUL byte: not a text file", name, line);
        return -1;
    }
    kz_inidoc *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strdup(name))) {
        free(d);
        return -2;
    }
    int rc = len ? split_lines(d, text, len) : 0;
    if (!rc)
        rc = analyse(d);
    if (!rc && d->error_line) {
        snprintf(err, errlen,
                 "%s:%d: syntax error: expected [section], key = value or an indented "
                 "continuation line",
                 name, d->error_line);
        rc = -1;
    }
    if (rc) {
        kz_inidoc_free(&d);
        return rc;
    }
    *out = d;
    return 0;
}

int kz_inidoc_load(const char *path, kz_inidoc **out, char *err, size_t errlen)
{
    char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = 0;
    if (!path || !out)
        return -1;
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
        errno = e;
        return -3;
    }
    struct stat st;
    char *buf = NULL;
    int rc = -3;
    if (fstat(fd, &st)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        errno = EINVAL;
        rc = -1;
        goto out;
    }
    if (st.st_size > (off_t)MAX_DOC) {
        snprintf(err, errlen, "%s: larger than %u MiB", path, MAX_DOC >> 20);
        errno = EFBIG;
        rc = -1;
        goto out;
    }
    /* The file may grow while it is read: read one byte past the limit to see that. */
    size_t cap = (size_t)st.st_size + 1, len = 0;
    if (!(buf = malloc(cap))) {
        rc = -2;
        goto out;
    }
    for (;;) {
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len == cap) {
            if (cap > MAX_DOC) {
                snprintf(err, errlen, "%s: larger than %u MiB", path, MAX_DOC >> 20);
                errno = EFBIG;
                rc = -1;
                goto out;
            }
            size_t nc = cap * 2 > MAX_DOC + 1 ? MAX_DOC + 1 : cap * 2;
            char *nb = realloc(buf, nc);
            if (!nb) {
                rc = -2;
                goto out;
            }
            buf = nb;
            cap = nc;
        }
    }
    rc = kz_inidoc_parse(buf, len, path, out, err, errlen);
out:
    free(buf);
    close(fd);
    return rc;
}

char *kz_inidoc_text(const kz_inidoc *d, size_t *lenp)
{
    if (!d)
        return NULL;
    size_t len = d->bom ? 3 : 0;
    for (size_t i = 0; i < d->n; i++)
        len += d->lines[i].rawlen;
    char *t = malloc(len + 1), *p = t;
    if (!t)
        return NULL;
    if (d->bom) {
        memcpy(p, "\xEF\xBB\xBF", 3);
        p += 3;
    }
    for (size_t i = 0; i < d->n; i++) {
        memcpy(p, d->lines[i].raw, d->lines[i].rawlen);
        p += d->lines[i].rawlen;
    }
    *p = 0;
    if (lenp)
        *lenp = len;
    return t;
}

/* --- reading the model ----------------------------------------------------------------- */

static dsec *find_sec(const kz_inidoc *d, const char *name)
{
    if (!d)
        return NULL;
    if (!name)
        return &d->secs[0];
    for (size_t i = 1; i < d->n_secs; i++)
        if (!strcmp(d->secs[i].name, name))
            return &d->secs[i];
    return NULL;
}

static dkey *find_key(const kz_inidoc *d, const char *section, const char *key)
{
    dsec *s = find_sec(d, section);
    if (!s || !key)
        return NULL;
    for (size_t i = 0; i < s->n_keys; i++)
        if (!strcmp(s->keys[i].name, key))
            return &s->keys[i];
    return NULL;
}

size_t kz_inidoc_n_sections(const kz_inidoc *d) { return d ? d->n_secs - 1 : 0; }

const char *kz_inidoc_section_name(const kz_inidoc *d, size_t i)
{
    return d && i + 1 < d->n_secs ? d->secs[i + 1].name : NULL;
}

int kz_inidoc_section_line(const kz_inidoc *d, const char *section)
{
    dsec *s = section ? find_sec(d, section) : NULL;
    return s ? (int)s->header + 1 : 0;
}

int kz_inidoc_key_line(const kz_inidoc *d, const char *section, const char *key)
{
    dkey *k = find_key(d, section, key);
    return k ? (int)k->line + 1 : 0;
}

size_t kz_inidoc_n_keys(const kz_inidoc *d, const char *section)
{
    dsec *s = find_sec(d, section);
    return s ? s->n_keys : 0;
}

const char *kz_inidoc_key_name(const kz_inidoc *d, const char *section, size_t i)
{
    dsec *s = find_sec(d, section);
    return s && i < s->n_keys ? s->keys[i].name : NULL;
}

const char *kz_inidoc_get(const kz_inidoc *d, const char *section, const char *key)
{
    dkey *k = find_key(d, section, key);
    return k ? k->value : NULL;
}

int kz_inidoc_error_line(const kz_inidoc *d) { return d ? d->error_line : 0; }

/* --- editing --------------------------------------------------------------------------- */

/* A copy to edit: kept only when it reads back as intended. */
static kz_inidoc *clone(const kz_inidoc *d)
{
    size_t len;
    char *t = kz_inidoc_text(d, &len);
    if (!t)
        return NULL;
    kz_inidoc *c = NULL;
    kz_inidoc_parse(t, len, d->name, &c, NULL, 0);
    free(t);
    return c;
}

static void adopt(kz_inidoc *d, kz_inidoc *c)
{
    kz_inidoc tmp = *d;
    *d = *c;
    *c = tmp;
    kz_inidoc_free(&c);
}

static int same_sec(const dsec *a, const dsec *b, const char *skip)
{
    if ((a->name == NULL) != (b->name == NULL) || (a->name && strcmp(a->name, b->name)))
        return 0;
    size_t j = 0;
    for (size_t i = 0; i < a->n_keys; i++) {
        if (skip && !strcmp(a->keys[i].name, skip))
            continue;
        while (j < b->n_keys && skip && !strcmp(b->keys[j].name, skip))
            j++;
        if (j >= b->n_keys || strcmp(a->keys[i].name, b->keys[j].name) ||
            strcmp(a->keys[i].value, b->keys[j].value))
            return 0;
        j++;
    }
    while (j < b->n_keys && skip && !strcmp(b->keys[j].name, skip))
        j++;
    return j == b->n_keys;
}

/* A value is written only when the player will read exactly it back. */
static int value_ok(const char *v)
{
    size_t n = strlen(v);
    if (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])))
        return 0;
    if (v[0] == ';' || (unsigned char)v[0] == KZ_INI_JOIN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
        if (c == ';' && i && isspace((unsigned char)v[i - 1]))
            return 0;
    }
    return 1;
}

static int name_ok(const char *k, const char *forbidden)
{
    size_t n = strlen(k);
    if (!n || n > NAME_MAX_INIH || isspace((unsigned char)k[0]) ||
        isspace((unsigned char)k[n - 1]) || k[0] == ';' || k[0] == '#' || k[0] == '[')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c < 0x20 || c == 0x7f || strchr(forbidden, c))
            return 0;
        if (c == ';' && isspace((unsigned char)k[i - 1]))
            return 0;
    }
    return 1;
}

static size_t sec_index(const kz_inidoc *d, const dsec *s) { return (size_t)(s - d->secs); }

int kz_inidoc_set(kz_inidoc *d, const char *section, const char *key, const char *value)
{
    if (!d || !key || !value || !name_ok(key, "=:") || !value_ok(value))
        return -1;
    dsec *s = find_sec(d, section);
    if (!s)
        return -1;
    size_t si = sec_index(d, s);
    kz_inidoc *c = clone(d);
    if (!c)
        return -2;
    dsec *cs = &c->secs[si];
    dkey *k = NULL;
    for (size_t i = 0; i < cs->n_keys; i++)
        if (!strcmp(cs->keys[i].name, key))
            k = &cs->keys[i];
    int rc = 0;
    size_t vl = strlen(value);
    if (k) {
        size_t ki = (size_t)(k - cs->keys), kl = k->line;
        /* Later lines of the same key (continuations, repeats) go: the value is one line. */
        for (size_t i = cs->end; i-- > kl + 1;)
            if ((c->lines[i].kind == L_KEY || c->lines[i].kind == L_CONT) &&
                c->lines[i].sec == si && c->lines[i].key == ki)
                delete_line(c, i);
        dline *l = &c->lines[kl];
        size_t vb = l->vbeg, ve = l->pieced ? l->len : l->vend;
        const char *tail = l->raw + ve;
        size_t tl = l->rawlen - ve;
        int sp_before = vb == ve && vb > 0 && !isspace((unsigned char)l->raw[vb - 1]) &&
                        vb >= 2 && isspace((unsigned char)l->raw[vb - 2]);
        int sp_after = ve < l->len && !isspace((unsigned char)l->raw[ve]);
        char *nl = malloc(vb + vl + tl + 3);
        if (!nl) {
            kz_inidoc_free(&c);
            return -2;
        }
        size_t p = 0;
        memcpy(nl, l->raw, vb);
        p = vb;
        if (sp_before)
            nl[p++] = ' ';
        memcpy(nl + p, value, vl);
        p += vl;
        if (sp_after)
            nl[p++] = ' ';
        memcpy(nl + p, tail, tl);
        p += tl;
        rc = replace_line(c, kl, nl, p);
        free(nl);
    } else {
        /* After the last line of the section's last key; else after the header. */
        size_t at;
        if (cs->n_keys) {
            at = cs->header == SIZE_MAX ? 0 : cs->header + 1;
            for (size_t i = cs->first; i < cs->end; i++)
                if ((c->lines[i].kind == L_KEY || c->lines[i].kind == L_CONT) &&
                    c->lines[i].sec == si)
                    at = i + 1;
        } else if (si > 0) {
            at = cs->header + 1;
        } else {
            at = cs->end;
            while (at > 0 && c->lines[at - 1].kind == L_BLANK)
                at--;
        }
        /* Written like the key before it ("a=b", "a = b", "a: b"); never indented, as an
         * indented line would continue the key above. */
        const char *sep = " = ";
        char sepbuf[16];
        for (size_t i = at; i-- > 0;) {
            dline *l = &c->lines[i];
            if (l->kind != L_KEY || isspace((unsigned char)l->raw[0]))
                continue;
            const char *e = l->raw;
            while (e < l->raw + l->vbeg && *e != '=' && *e != ':')
                e++;
            const char *b = e;
            while (b > l->raw && isspace((unsigned char)b[-1]))
                b--;
            size_t sl = l->vbeg - (size_t)(b - l->raw);
            if (e < l->raw + l->vbeg && sl < sizeof sepbuf) {
                memcpy(sepbuf, b, sl);
                sepbuf[sl] = 0;
                if (!strchr(sepbuf, ';'))
                    sep = sepbuf;
            }
            break;
        }
        if (at > 0)
            rc = terminate(c, at - 1);
        const char *e = eol(c);
        size_t n = strlen(key) + strlen(sep) + vl + strlen(e) + 1;
        char *nl = malloc(n);
        if (!nl) {
            kz_inidoc_free(&c);
            return -2;
        }
        snprintf(nl, n, "%s%s%s%s", key, sep, value, e);
        /* The last line of a file keeps having no line end if it had none. */
        if (!rc)
            rc = insert_line(c, at, nl, strlen(nl));
        free(nl);
    }
    if (!rc)
        rc = analyse(c);
    /* Read back: the key has exactly the value, nothing else changed. */
    if (!rc) {
        const char *got = kz_inidoc_get(c, section, key);
        rc = c->error_line || c->n_secs != d->n_secs || !got || strcmp(got, value) ? -1 : 0;
        for (size_t i = 0; !rc && i < d->n_secs; i++)
            if (!same_sec(&d->secs[i], &c->secs[i], i == si ? key : NULL))
                rc = -1;
    }
    if (rc) {
        kz_inidoc_free(&c);
        return rc;
    }
    adopt(d, c);
    return 0;
}

int kz_inidoc_unset(kz_inidoc *d, const char *section, const char *key)
{
    if (!d || !key)
        return -1;
    dsec *s = find_sec(d, section);
    dkey *k = find_key(d, section, key);
    if (!s || !k)
        return -1;
    size_t si = sec_index(d, s), ki = (size_t)(k - s->keys);
    kz_inidoc *c = clone(d);
    if (!c)
        return -2;
    for (size_t i = c->secs[si].end; i-- > c->secs[si].first;)
        if ((c->lines[i].kind == L_KEY || c->lines[i].kind == L_CONT) &&
            c->lines[i].sec == si && c->lines[i].key == ki)
            delete_line(c, i);
    int rc = analyse(c);
    if (!rc) {
        rc = c->error_line || c->n_secs != d->n_secs || find_key(c, section, key) ? -1 : 0;
        for (size_t i = 0; !rc && i < d->n_secs; i++)
            if (!same_sec(&d->secs[i], &c->secs[i], i == si ? key : NULL))
                rc = -1;
    }
    if (rc) {
        kz_inidoc_free(&c);
        return rc;
    }
    adopt(d, c);
    return 0;
}

/* Checks after a change of sections: c has the sections of d in the order order[] (index
 * into d, SIZE_MAX for the new empty one), with the one at renamed called new_name. */
static int check_sections(const kz_inidoc *d, const kz_inidoc *c, const size_t *order, size_t n,
                          size_t renamed, const char *new_name)
{
    if (c->error_line || c->n_secs != n + 1 || !same_sec(&d->secs[0], &c->secs[0], NULL))
        return -1;
    for (size_t j = 0; j < n; j++) {
        const dsec *b = &c->secs[j + 1];
        if (order[j] == SIZE_MAX) {
            if (b->n_keys || strcmp(b->name, new_name))
                return -1;
            continue;
        }
        dsec a = d->secs[order[j]];
        if (order[j] == renamed)
            a.name = (char *)new_name;
        if (!same_sec(&a, b, NULL))
            return -1;
    }
    return 0;
}

static int section_name_ok(const kz_inidoc *d, const char *name)
{
    return name && name_ok(name, "]") && !find_sec(d, name);
}

/* Move lines [from, to) of c so that they start before line at (at outside the range). */
static int move_lines(kz_inidoc *c, size_t from, size_t to, size_t at)
{
    size_t n = to - from;
    dline *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return -2;
    memcpy(tmp, &c->lines[from], n * sizeof *tmp);
    memmove(&c->lines[from], &c->lines[to], (c->n - to) * sizeof *tmp);
    if (at > from)
        at -= n;
    memmove(&c->lines[at + n], &c->lines[at], (c->n - n - at) * sizeof *tmp);
    memcpy(&c->lines[at], tmp, n * sizeof *tmp);
    free(tmp);
    return 0;
}

/* Put a blank line before line at when the line above it is not blank. */
static int blank_before(kz_inidoc *c, size_t *at)
{
    if (*at == 0 || c->lines[*at - 1].kind == L_BLANK)
        return 0;
    int rc = terminate(c, *at - 1);
    if (!rc)
        rc = insert_line(c, *at, eol(c), strlen(eol(c)));
    if (!rc)
        c->lines[*at].kind = L_BLANK;
    (*at)++;
    return rc;
}

int kz_inidoc_add_section(kz_inidoc *d, const char *name, const char *after)
{
    if (!d || !section_name_ok(d, name))
        return -1;
    dsec *a = after ? find_sec(d, after) : &d->secs[d->n_secs - 1];
    if (!a)
        return -1;
    size_t ai = sec_index(d, a), n = d->n_secs - 1;
    kz_inidoc *c = clone(d);
    if (!c)
        return -2;
    /* After the section's last line that is not blank, so its blank lines stay below. */
    size_t at = c->secs[ai].end;
    while (at > c->secs[ai].first && c->lines[at - 1].kind == L_BLANK)
        at--;
    if (ai + 1 == c->n_secs && at < c->n && at == c->secs[ai].end)
        at = c->n;
    int rc = blank_before(c, &at);
    if (!rc && at > 0)
        rc = terminate(c, at - 1);
    char *hl = NULL;
    if (!rc) {
        size_t hn = strlen(name) + 5;
        rc = (hl = malloc(hn)) ? 0 : -2;
        if (!rc) {
            snprintf(hl, hn, "[%s]%s", name, eol(c));
            rc = insert_line(c, at, hl, strlen(hl));
        }
    }
    free(hl);
    size_t *order = malloc((n + 1) * sizeof *order);
    if (!rc && !order)
        rc = -2;
    if (!rc)
        rc = analyse(c);
    if (!rc) {
        size_t j = 0;
        for (size_t i = 1; i <= n; i++) {
            order[j++] = i;
            if (i == ai)
                order[j++] = SIZE_MAX;
        }
        if (ai == 0)
            memmove(order + 1, order, n * sizeof *order), order[0] = SIZE_MAX;
        rc = check_sections(d, c, order, n + 1, SIZE_MAX, name);
    }
    free(order);
    if (rc) {
        kz_inidoc_free(&c);
        return rc;
    }
    adopt(d, c);
    return 0;
}

int kz_inidoc_remove_section(kz_inidoc *d, const char *name)
{
    dsec *s = name ? find_sec(d, name) : NULL;
    if (!s)
        return -1;
    size_t si = sec_index(d, s), n = d->n_secs - 1;
    kz_inidoc *c = clone(d);
    if (!c)
        return -2;
    for (size_t i = c->secs[si].end; i-- > c->secs[si].first;)
        delete_line(c, i);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    int rc = order ? analyse(c) : -2;
    if (!rc) {
        size_t j = 0;
        for (size_t i = 1; i <= n; i++)
            if (i != si)
                order[j++] = i;
        rc = check_sections(d, c, order, n - 1, SIZE_MAX, NULL);
    }
    free(order);
    if (rc) {
        kz_inidoc_free(&c);
        return rc;
    }
    adopt(d, c);
    return 0;
}

int kz_inidoc_move_section(kz_inidoc *d, const char *name, size_t index)
{
    dsec *s = name ? find_sec(d, name) : NULL;
    size_t n = d ? d->n_secs - 1 : 0;
    if (!s || index >= n)
        return -1;
    size_t si = sec_index(d, s);
    if (si == index + 1)
        return 0;
    kz_inidoc *c = clone(d);
    if (!c)
        return -2;
    size_t from = c->secs[si].first, to = c->secs[si].end;
    int rc = 0;
    /* The block ends with a line end and a blank line when something comes after it. */
    size_t target = index + 1 >= si ? index + 2 : index + 1; /* section now at the place */
    size_t at = target < c->n_secs ? c->secs[target].first : c->n;
    if (at < c->n || to < c->n) {
        rc = terminate(c, to - 1);
        if (!rc && c->lines[to - 1].kind != L_BLANK && at < c->n) {
            rc = insert_line(c, to, eol(c), strlen(eol(c)));
            if (!rc) {
                c->lines[to].kind = L_BLANK;
                if (at >= to)
                    at++;
                to++;
            }
        }
    }
    if (!rc)
        rc = move_lines(c, from, to, at);
    if (!rc) {
        size_t start = at > from ? at - (to - from) : at;
        rc = blank_before(c, &start);
    }
    size_t *order = malloc(n * sizeof *order);
    if (!rc && !order)
        rc = -2;
    for (size_t i = c->n; !rc && i-- > 1;)
        rc = terminate(c, i - 1);
    if (!rc)
        rc = analyse(c);
    if (!rc) {
        size_t j = 0;
        for (size_t i = 1; i <= n; i++)
            if (i != si) {
                if (j == index)
                    order[j++] = si;
                order[j++] = i;
            }
        if (j == index)
            order[j++] = si;
        rc = check_sections(d, c, order, n, SIZE_MAX, NULL);
    }
    free(order);
    if (rc) {
        kz_inidoc_free(&c);
        return rc;
    }
    adopt(d, c);
    return 0;
}

int kz_inidoc_rename_section(kz_inidoc *d, const char *name, const char *new_name)
{
    dsec *s = name ? find_sec(d, name) : NULL;
    if (!s || !new_name)
        return -1;
    if (!strcmp(name, new_name))
        return 0;
    if (!section_name_ok(d, new_name))
        return -1;
    size_t si = sec_index(d, s), n = d->n_secs - 1;
    kz_inidoc *c = clone(d);
    if (!c)
        return -2;
    dline *l = &c->lines[c->secs[si].header];
    const char *open = l->raw;
    if (si == 1 && c->secs[si].header == 0 && c->bom)
        (void)0; /* the BOM is kept outside line 0 */
    while (*open != '[')
        open++;
    const char *close = strchr(open, ']');
    size_t pre = (size_t)(open - l->raw) + 1, nn = strlen(new_name);
    size_t post = l->rawlen - (size_t)(close - l->raw);
    char *nl = malloc(pre + nn + post + 1);
    int rc = nl ? 0 : -2;
    if (!rc) {
        memcpy(nl, l->raw, pre);
        memcpy(nl + pre, new_name, nn);
        memcpy(nl + pre + nn, close, post);
        rc = replace_line(c, c->secs[si].header, nl, pre + nn + post);
    }
    free(nl);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!rc && !order)
        rc = -2;
    if (!rc)
        rc = analyse(c);
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            order[i] = i + 1;
        rc = check_sections(d, c, order, n, si, new_name);
    }
    free(order);
    if (rc) {
        kz_inidoc_free(&c);
        return rc;
    }
    adopt(d, c);
    return 0;
}

/* --- writing --------------------------------------------------------------------------- */

static int kz_inidoc_crash_at; /* tests: stop (as a crash would) before this step */

void kz_inidoc_test_crash_at(int step) { kz_inidoc_crash_at = step; }

#define STEP(n)                                                                              \
    do {                                                                                     \
        if (kz_inidoc_crash_at == (n)) {                                                     \
            crashed = 1;                                                                     \
            goto out;                                                                        \
        }                                                                                    \
    } while (0)

static int fsync_dir(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copy path to backup (when a hard link is not possible): backup.tmp, fsync, rename. */
static int copy_file(const char *path, const char *backup)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", backup) >= (int)sizeof tmp)
        return -1;
    int in = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), out = -1, rc = -1;
    if (in < 0)
        return -1;
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    char buf[65536];
    ssize_t got;
    while (out >= 0 && (got = read(in, buf, sizeof buf)) > 0)
        if (write_all(out, buf, (size_t)got))
            goto out;
    if (out >= 0 && got == 0 && !fsync(out) && !rename(tmp, backup))
        rc = 0;
out:
    if (out >= 0)
        close(out);
    close(in);
    if (rc)
        unlink(tmp);
    return rc;
}

int kz_inidoc_write_atomic(const kz_inidoc *d, const char *path, const char *backup)
{
    char tmp[PATH_MAX];
    if (!d || !path || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    size_t len;
    char *text = kz_inidoc_text(d, &len);
    if (!text)
        return -2;
    int fd = -1, rc = -3, crashed = 0, e = 0;
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    int exists = stat(path, &st) == 0;
    STEP(1);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, mode))
        goto out;
    STEP(2);
    if (write_all(fd, text, len))
        goto out;
    STEP(3);
    if (fsync(fd))
        goto out;
    close(fd);
    fd = -1;
    STEP(4);
    /* The old file stays reachable under backup: undo is one rename back. */
    if (backup && exists) {
        if (unlink(backup) && errno != ENOENT)
            goto out;
        STEP(5);
        if (link(path, backup) && copy_file(path, backup))
            goto out;
    }
    STEP(6);
    if (rename(tmp, path))
        goto out;
    STEP(7);
    if (fsync_dir(path))
        goto out;
    rc = 0;
out:
    e = errno;
    if (fd >= 0)
        close(fd);
    if (crashed) {
        e = ECANCELED;
    } else if (rc) {
        unlink(tmp);
    }
    free(text);
    errno = e;
    return rc;
}

/* --- the player's view ----------------------------------------------------------------- */

int kz_inidoc_walk(const kz_inidoc *d, kz_ini_handler h, void *user, int flags)
{
    if (!d || !h)
        return -1;
    size_t len;
    char *t = kz_inidoc_text(d, &len);
    if (!t)
        return -2;
    int rc = kz_ini_parse_string_ex(t, len, h, user, flags);
    free(t);
    return rc;
}
