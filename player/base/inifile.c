#include "base/inifile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "regfile.h"

typedef struct reader {
    const char *data;
    size_t len, pos;
    int line;          /* physical line of the piece handed out last */
    int section_line;  /* line of the last [section] header */
    int have_prev;     /* inih has a key to continue (its prev_name is not empty) */
    int pieces;        /* pieces handed out: inih's line numbers */
    int *cont;         /* piece numbers of the second and later pieces of long lines (owned) */
    size_t n_cont, cap_cont;
    int cont_lost;     /* cont could not grow: error lines may be off */
    const char *rest;  /* rest of an over-long physical line, or NULL */
    size_t rest_len;
    kz_ini_handler h;
    void *user;
    int flags;
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
    if (r->flags & KZ_INI_SECTIONS) {
        char name[50];
        size_t n = (size_t)(q - p - 1) < sizeof name - 1 ? (size_t)(q - p - 1) : sizeof name - 1;
        memcpy(name, p + 1, n);
        name[n] = 0;
        r->h(r->user, name, r->line, NULL, NULL, r->line);
    }
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
        if (r->n_cont == r->cap_cont) {
            size_t ncap = r->cap_cont ? r->cap_cont * 2 : 64;
            int *c = realloc(r->cont, ncap * sizeof *c);
            if (!c) {
                r->cont_lost = 1;
                return str;
            }
            r->cont = c;
            r->cap_cont = ncap;
        }
        r->cont[r->n_cont++] = r->pieces;
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
    if (len > room) {
        const char *t = s;
        while (t < s + len && (*t == ' ' || *t == '\t'))
            t++;
        size_t n = safe_cut(s, len, room);
        /* An over-long comment is simply cut; anything else continues in pieces. */
        if (t < s + len && *t != ';' && *t != '#' && *t != '[') {
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
    r->h(r->user, section, r->section_line, name, value, r->line);
    return 1;
}

int kz_ini_parse_string_ex(const char *text, size_t len, kz_ini_handler h, void *user,
                           int flags)
{
    reader r = {.data = text, .len = len, .h = h, .user = user, .flags = flags};
    int rc = ini_parse_stream(read_line, &r, on_key, &r);
    /* inih counts the pieces of over-long lines as lines: report the physical line. */
    if (rc > 0 && !r.cont_lost) {
        size_t k = 0;
        while (k < r.n_cont && r.cont[k] <= rc)
            k++;
        rc -= (int)k;
    }
    free(r.cont);
    return rc;
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
    int rc = kz_ini_parse_string_ex(buf, len, h, user, flags);
    free(buf);
    return rc;
}
