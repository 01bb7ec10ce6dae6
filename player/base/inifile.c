#include "base/inifile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "regfile.h"

/* Names seen, with the line each was first given: an open-addressing hash of indices into
 * names/lines (slots hold index + 1; 0 is empty), so a file of 10,000 sections costs no more
 * than reading it. */
typedef struct nameset {
    char **names; /* owned */
    int *lines;
    size_t n, cap;
    size_t *slots; /* owned; nslots is a power of two, at most half full */
    size_t nslots;
} nameset;

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* 1 when name was seen (*first: its line), 0 when added now, -1 out of memory. */
static int nameset_add(nameset *ns, const char *name, int line, int *first)
{
    if (2 * (ns->n + 1) > ns->nslots) {
        size_t nn = ns->nslots ? ns->nslots * 2 : 16;
        size_t *sl = calloc(nn, sizeof *sl);
        if (!sl)
            return -1;
        for (size_t i = 0; i < ns->n; i++) {
            size_t k = name_hash(ns->names[i]) & (nn - 1);
            while (sl[k])
                k = (k + 1) & (nn - 1);
            sl[k] = i + 1;
        }
        free(ns->slots);
        ns->slots = sl;
        ns->nslots = nn;
    }
    size_t k = name_hash(name) & (ns->nslots - 1);
    for (; ns->slots[k]; k = (k + 1) & (ns->nslots - 1)) {
        size_t i = ns->slots[k] - 1;
        if (!strcmp(ns->names[i], name)) {
            *first = ns->lines[i];
            return 1;
        }
    }
    if (ns->n == ns->cap) {
        size_t nc = ns->cap ? ns->cap * 2 : 16;
        char **nm = realloc(ns->names, nc * sizeof *nm);
        if (!nm)
            return -1;
        ns->names = nm;
        int *nl = realloc(ns->lines, nc * sizeof *nl);
        if (!nl)
            return -1;
        ns->lines = nl;
        ns->cap = nc;
    }
    if (!(ns->names[ns->n] = strdup(name)))
        return -1;
    ns->lines[ns->n] = line;
    ns->slots[k] = ++ns->n;
    return 0;
}

/* Forget every name; a large table is given back rather than cleared again and again. */
static void nameset_clear(nameset *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->names[i]);
    ns->n = 0;
    if (ns->nslots > 64) {
        free(ns->slots);
        ns->slots = NULL;
        ns->nslots = 0;
    } else if (ns->slots) {
        memset(ns->slots, 0, ns->nslots * sizeof *ns->slots);
    }
}

static void nameset_free(nameset *ns)
{
    nameset_clear(ns);
    free(ns->names);
    free(ns->lines);
    free(ns->slots);
    memset(ns, 0, sizeof *ns);
}

typedef struct reader {
    const char *data;
    size_t len, pos;
    int line;          /* physical line of the piece handed out last */
    int section_line;  /* line of the last [section] header */
    int have_prev;     /* inih has a key to continue (its prev_name is not empty) */
    int pieces;        /* pieces handed out: inih's line numbers */
    int *cont_at;      /* piece numbers of the second and later pieces of long lines (owned) */
    size_t n_cont, cap_cont;
    int cont_lost;     /* cont could not grow: error lines may be off */
    const char *rest;  /* rest of an over-long physical line, or NULL */
    size_t rest_len;
    kz_ini_handler h;
    kz_ini_repeat rep; /* NULL: repeats are handed to h like anything else */
    void *user;
    int flags;
    int cont;          /* the line handed out last continues the previous key's value */
    int skip_section;  /* inside a repeated [section]: nothing of it reaches h */
    int skip_key;      /* the key on (and continued from) the last key line was a repeat */
    nameset sections;  /* every [section] of the file (with rep) */
    nameset keys;      /* the keys of the current section (with rep) */
} reader;

/* Largest n <= max such that cutting s at n splits neither a UTF-8 sequence nor a run of
 * spaces (inih strips the spaces at both ends of every piece). */
static size_t safe_cut(const char *s, size_t len, size_t max)
{
    size_t n = max < len ? max : len;
    while (n > 1 && (((unsigned char)s[n] & 0xC0) == 0x80 || s[n] == ' ' || s[n] == '\t' ||
                     s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n > 1 ? n : (max < len ? max : len);
}

/* Whether inih will take this first piece of a line as a "[section]" header, decided by
 * inih's own rules (ini.c): after a UTF-8 BOM on line 1 and leading isspace() characters
 * comes '[', the line is not the indented continuation of a key, and a ']' comes before
 * any inline comment (a ';' after whitespace). inih keeps 49 bytes of the name. */
static void section_header(reader *r, const char *s, size_t len)
{
    const char *p = s, *e = s + len;
    if (r->pieces == 0 && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        p += 3;
    while (p < e && isspace((unsigned char)*p))
        p++;
    if (p == e || *p != '[' || (r->have_prev && p > s))
        return;
    const char *q = p + 1;
    int was_space = 0;
    while (q < e && *q && *q != ']' && !(was_space && *q == ';')) {
        was_space = isspace((unsigned char)*q);
        q++;
    }
    if (q == e || *q != ']')
        return;
    r->section_line = r->line;
    r->have_prev = 0;
    char name[50];
    size_t n = (size_t)(q - p - 1) < sizeof name - 1 ? (size_t)(q - p - 1) : sizeof name - 1;
    memcpy(name, p + 1, n);
    name[n] = 0;
    if (r->rep) {
        int first = 0;
        nameset_clear(&r->keys);
        r->skip_key = 0;
        r->skip_section = nameset_add(&r->sections, name, r->line, &first) == 1;
        if (r->skip_section) {
            r->rep(r->user, name, NULL, r->line, first);
            return;
        }
    }
    if (r->flags & KZ_INI_SECTIONS)
        r->h(r->user, name, r->line, NULL, NULL, r->line);
}

static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    size_t room = (size_t)num - 2; /* '\n' and '\0' */
    if (r->rest) {
        size_t cap = room - 3, n = safe_cut(r->rest, r->rest_len, cap);
        str[0] = ' ';
        str[1] = ' ';
        str[2] = KZ_INI_JOIN;
        memcpy(str + 3, r->rest, n);
        str[3 + n] = '\n';
        str[4 + n] = '\0';
        r->rest += n;
        r->rest_len -= n;
        if (!r->rest_len)
            r->rest = NULL;
        r->pieces++;
        r->cont = 1;
        if (r->n_cont == r->cap_cont) {
            size_t ncap = r->cap_cont ? r->cap_cont * 2 : 64;
            int *c = realloc(r->cont_at, ncap * sizeof *c);
            if (!c) {
                r->cont_lost = 1;
                return str;
            }
            r->cont_at = c;
            r->cap_cont = ncap;
        }
        r->cont_at[r->n_cont++] = r->pieces;
        return str;
    }
    if (r->pos >= r->len)
        return NULL;
    const char *s = r->data + r->pos;
    const char *nl = memchr(s, '\n', r->len - r->pos);
    size_t len = nl ? (size_t)(nl - s) : r->len - r->pos;
    r->pos += len + (nl ? 1 : 0);
    r->line++;
    if (len && s[len - 1] == '\r')
        len--;
    /* inih's rule (ini.c): an indented line that is not blank and not a comment continues
     * the previous key's value when there is one. */
    const char *t = s, *e = s + len;
    if (r->pieces == 0 && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        t += 3;
    const char *u = t;
    while (u < e && isspace((unsigned char)*u))
        u++;
    r->cont = r->have_prev && u > s && u < e && *u != ';' && *u != '#';
    if (len > room) {
        size_t n = safe_cut(s, len, room);
        /* An over-long key line or continuation goes on in pieces. Anything else is cut:
         * a comment, a [section], and a line that is no key = value at all, whose rest must
         * not become a continuation of the key before it (the syntax error is then blamed
         * on this line, where it is). */
        int key_line = u < e && *u != '[' && (memchr(s, '=', n) || memchr(s, ':', n));
        if (u < e && *u != ';' && *u != '#' && (r->cont || key_line)) {
            r->rest = s + n;
            r->rest_len = len - n;
        }
        len = n;
    }
    section_header(r, s, len);
    r->pieces++;
    memcpy(str, s, len);
    str[len] = '\n';
    str[len + 1] = '\0';
    return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    reader *r = user;
    r->have_prev = name[0] != 0;
    if (r->rep) {
        if (r->skip_section)
            return 1;
        if (!r->cont) {
            int first = 0;
            r->skip_key = nameset_add(&r->keys, name, r->line, &first) == 1;
            if (r->skip_key)
                r->rep(r->user, section, name, r->line, first);
        }
        if (r->skip_key)
            return 1;
    }
    r->h(r->user, section, r->section_line, name, value, r->line);
    return 1;
}

int kz_ini_parse_string_rep(const char *text, size_t len, kz_ini_handler h, kz_ini_repeat rep,
                            void *user, int flags)
{
    reader r = {.data = text, .len = len, .h = h, .rep = rep, .user = user, .flags = flags};
    int rc = ini_parse_stream(read_line, &r, on_key, &r);
    /* inih counts the pieces of over-long lines as lines: report the physical line. */
    if (rc > 0 && !r.cont_lost) {
        size_t k = 0;
        while (k < r.n_cont && r.cont_at[k] <= rc)
            k++;
        rc -= (int)k;
    }
    free(r.cont_at);
    nameset_free(&r.sections);
    nameset_free(&r.keys);
    return rc;
}

int kz_ini_parse_string_ex(const char *text, size_t len, kz_ini_handler h, void *user,
                           int flags)
{
    return kz_ini_parse_string_rep(text, len, h, NULL, user, flags);
}

int kz_ini_parse_string(const char *text, size_t len, kz_ini_handler h, void *user)
{
    return kz_ini_parse_string_ex(text, len, h, user, 0);
}

int kz_ini_parse_file(const char *path, kz_ini_handler h, void *user)
{
    return kz_ini_parse_file_ex(path, h, user, 0);
}

int kz_ini_parse_file_ex(const char *path, kz_ini_handler h, void *user, int flags)
{
    return kz_ini_parse_file_rep(path, h, NULL, user, flags);
}

int kz_ini_parse_file_rep(const char *path, kz_ini_handler h, kz_ini_repeat rep, void *user,
                          int flags)
{
    /* Never a FIFO: opening one would wait for a writer (and hang check, load and reload). */
    int fd = kz_open_regular(path);
    if (fd < 0)
        return fd == KZ_NOT_REGULAR ? KZ_INI_NOT_REGULAR : -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int err = 0;
    while (buf) {
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err = errno ? errno : EIO;
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len == cap) {
            char *n = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!n) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = n;
            cap *= 2;
        }
    }
    close(fd);
    if (!buf || err) {
        free(buf);
        errno = err ? err : ENOMEM;
        return -1;
    }
    int rc = kz_ini_parse_string_rep(buf, len, h, rep, user, flags);
    free(buf);
    return rc;
}

int kz_ini_repeat_text(char *buf, size_t size, const char *section, const char *key, int first)
{
    if (key)
        return snprintf(buf, size, "[%s] %s: duplicate key (first at line %d); this one is "
                        "ignored", section, key, first);
    return snprintf(buf, size, "[%s]: duplicate section (first at line %d); skipped with its "
                    "keys", section, first);
}
