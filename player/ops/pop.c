/* Proof of play: line format, crash-safe writer, tolerant reader. See pop.h. */
#include "ops/pop.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "screen/player.h"

#define LOG "pop"

static const char *const outcome_names[] = {"completed", "interrupted", "failed"};

const char *kz_pop_outcome_name(int outcome)
{
    if (outcome < 0 || outcome > KZ_AIRED_FAILED)
        return "unknown";
    return outcome_names[outcome];
}

int kz_pop_outcome_parse(const char *s)
{
    for (int i = 0; i <= KZ_AIRED_FAILED; i++)
        if (!strcmp(s, outcome_names[i]))
            return i;
    return -1;
}

int kz_pop_kind(const kz_pop_rec *r)
{
    if (!strcmp(r->playlist, "-")) {
        if (!strcmp(r->item, KZ_POP_STANDBY))
            return KZ_POP_STANDBY_KIND;
        if (!strcmp(r->item, KZ_POP_INTERRUPT))
            return KZ_POP_INTERRUPT_KIND;
    }
    return KZ_POP_ITEM;
}

void kz_pop_make_id(kz_pop_rec *r, const char *screen)
{
    /* a zero-length line (an item that failed before it showed) shares its start with the
     * next line of the zone: it gets a suffix to stay unique */
    snprintf(r->id, sizeof r->id, "%s@%" PRId64 "@%s%s", screen && *screen ? screen : "kizuna",
             (int64_t)r->start, r->zone[0] ? r->zone : "main", r->end == r->start ? "@0" : "");
    for (char *c = r->id; *c; c++)
        if (*c == '\t' || *c == '\n' || *c == '\r' || *c == ' ')
            *c = '_';
}

/* Append s to out at *len with tabs and line breaks turned into spaces; "" becomes "-"
 * only when dash is set (playlist), empty stays empty otherwise. */
static int put_field(char *out, size_t n, size_t *len, const char *s, int last)
{
    for (const char *c = s; *c; c++) {
        if (*len + 2 >= n)
            return -1;
        out[(*len)++] = (*c == '\t' || *c == '\n' || *c == '\r') ? ' ' : *c;
    }
    if (*len + 2 >= n)
        return -1;
    out[(*len)++] = last ? '\n' : '\t';
    out[*len] = 0;
    return 0;
}

/* ISO 8601 with microseconds when there are any: lines keep the exact instants. */
static void fmt_us(kz_us t, char *out, size_t n)
{
    kz_us us = ((t % KZ_US_PER_S) + KZ_US_PER_S) % KZ_US_PER_S;
    char whole[48];
    kz_time_format(t - us, whole, sizeof whole);
    if (!us || strlen(whole) < 19) {
        snprintf(out, n, "%s", whole);
        return;
    }
    snprintf(out, n, "%.19s.%06ld%s", whole, (long)us, whole + 19);
}

int kz_pop_format(const kz_pop_rec *r, char *out, size_t n)
{
    char a[48], b[48], secs[32];
    fmt_us(r->start, a, sizeof a);
    fmt_us(r->end, b, sizeof b);
    snprintf(secs, sizeof secs, "%.3f", r->seconds);
    const char *fields[] = {r->id, a, b, secs, r->zone[0] ? r->zone : "main",
                            r->playlist[0] ? r->playlist : "-", r->item,
                            r->campaign, kz_pop_outcome_name(r->outcome)};
    size_t len = 0;
    if (n)
        out[0] = 0;
    int last = r->content[0] ? 9 : 8;
    for (int i = 0; i < 9; i++)
        if (put_field(out, n, &len, fields[i], i == last))
            return -1;
    if (r->content[0] && put_field(out, n, &len, r->content, 1))
        return -1;
    return (int)len;
}

int kz_pop_parse(const char *line, kz_pop_rec *r)
{
    memset(r, 0, sizeof *r);
    if (!line[0] || line[0] == '#' || line[0] == '\n')
        return -1;
    char buf[2048];
    size_t l = strlen(line);
    if (l >= sizeof buf)
        return -1;
    memcpy(buf, line, l + 1);
    if (l && buf[l - 1] == '\n')
        buf[--l] = 0;
    if (l && buf[l - 1] == '\r')
        buf[--l] = 0;
    char *f[10];
    int nf = 0;
    char *s = buf;
    for (;;) {
        if (nf == 10)
            return -1; /* too many fields */
        f[nf++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = 0;
        s = t + 1;
    }
    if (nf == 10 && (!f[9][0] || strlen(f[9]) >= sizeof r->content))
        return -1; /* a tenth field is never empty when written */
    if ((nf != 9 && nf != 10) || !f[0][0] || !f[4][0] || !f[5][0] || !f[6][0])
        return -1;
    if (strlen(f[0]) >= sizeof r->id || strlen(f[4]) >= sizeof r->zone ||
        strlen(f[5]) >= sizeof r->playlist || strlen(f[6]) >= sizeof r->item ||
        strlen(f[7]) >= sizeof r->campaign)
        return -1;
    if (kz_time_parse(f[1], &r->start) || kz_time_parse(f[2], &r->end) || r->end < r->start)
        return -1;
    char *end = NULL;
    errno = 0;
    r->seconds = strtod(f[3], &end);
    if (errno || end == f[3] || *end || r->seconds < 0)
        return -1;
    if ((r->outcome = kz_pop_outcome_parse(f[8])) < 0)
        return -1;
    snprintf(r->id, sizeof r->id, "%s", f[0]);
    snprintf(r->zone, sizeof r->zone, "%s", f[4]);
    snprintf(r->playlist, sizeof r->playlist, "%s", f[5]);
    snprintf(r->item, sizeof r->item, "%s", f[6]);
    snprintf(r->campaign, sizeof r->campaign, "%s", f[7]);
    if (nf == 10)
        snprintf(r->content, sizeof r->content, "%s", f[9]);
    return 0;
}

int kz_pop_read_file(const char *path, int (*fn)(const kz_pop_rec *r, void *ud), void *ud,
                     int *skipped)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int n = 0, lineno = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[0] == '#' || (len == 1 && line[0] == '\n'))
            continue;
        kz_pop_rec r;
        if (line[len - 1] != '\n') {
            kz_log(LOG, KZ_LOG_WARN, "%s:%d: torn last line (no line end), skipped", path,
                   lineno);
            if (skipped)
                (*skipped)++;
            continue;
        }
        if (kz_pop_parse(line, &r)) {
            kz_log(LOG, KZ_LOG_WARN, "%s:%d: not a proof-of-play line, skipped", path, lineno);
            if (skipped)
                (*skipped)++;
            continue;
        }
        n++;
        if (fn && fn(&r, ud))
            break;
    }
    free(line);
    fclose(f);
    return n;
}

/* ---- writer ---------------------------------------------------------------------------- */

void kz_pop_path(const char *dir, kz_us t, char *out, size_t n)
{
    struct tm tm;
    kz_local_tm(t, &tm);
    snprintf(out, n, "%s/pop-%04d-%02d-%02d.tsv", dir, tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
}

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *c = tmp + 1; *c; c++) {
        if (*c != '/')
            continue;
        *c = 0;
        if (mkdir(tmp, 0755) && errno != EEXIST)
            return -1;
        *c = '/';
    }
    if (mkdir(tmp, 0755) && errno != EEXIST)
        return -1;
    return 0;
}

int kz_pop_open(kz_pop_writer *w, const char *dir, const char *screen)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    snprintf(w->screen, sizeof w->screen, "%s", screen && *screen ? screen : "kizuna");
    if (mkdir_p(dir)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot create the log directory: %s; proof of play "
               "is not recorded", dir, strerror(errno));
        w->dir[0] = 0;
        return -1;
    }
    return 0;
}

/* Open (or switch to) the day file of instant t. A file whose last byte is not a line end
 * (torn by a power cut) gets one first, so the torn fragment stays a line of its own. */
static int open_day(kz_pop_writer *w, kz_us t)
{
    if (w->fd >= 0 && t >= w->day_start && t < w->day_end)
        return 0;
    if (w->fd >= 0) {
        if (w->dirty)
            fdatasync(w->fd);
        close(w->fd);
        w->fd = -1;
        w->dirty = 0;
    }
    if (!w->dir[0])
        return -1;
    char path[4200];
    kz_pop_path(w->dir, t, path, sizeof path);
    /* O_APPEND and never O_TRUNC: lines are only ever added; O_NOFOLLOW: a symlink planted
     * in the logs folder cannot point the day file elsewhere. Read: the last byte. */
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot open for appending: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {
        if (st.st_size == 0) {
            if (write(fd, KZ_POP_HEADER, strlen(KZ_POP_HEADER)) < 0)
                kz_log(LOG, KZ_LOG_ERROR, "%s: %s", path, strerror(errno));
        } else {
            char last = '\n';
            if (pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
                kz_log(LOG, KZ_LOG_WARN, "%s: ends with a torn line (a crash while writing); "
                       "readers skip it", path);
                if (write(fd, "\n", 1) < 0)
                    kz_log(LOG, KZ_LOG_ERROR, "%s: %s", path, strerror(errno));
            }
        }
    }
    w->fd = fd;
    w->day_start = kz_local_day_start(t);
    w->day_end = kz_local_day_next(t);
    return 0;
}

int kz_pop_write(kz_pop_writer *w, kz_pop_rec *r)
{
    kz_pop_make_id(r, w->screen);
    char line[2048];
    int len = kz_pop_format(r, line, sizeof line);
    if (len < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "line for %s too long, not recorded", r->item);
        w->errors++;
        return -1;
    }
    if (open_day(w, r->start)) {
        w->errors++;
        return -1;
    }
    ssize_t n = write(w->fd, line, (size_t)len);
    if (n != len) {
        /* A short write (disk full) leaves a torn line: end it so the next one parses. */
        kz_log(LOG, KZ_LOG_ERROR, "proof of play: write failed: %s",
               n < 0 ? strerror(errno) : "short write");
        if (n > 0 && write(w->fd, "\n", 1) < 0)
            kz_log(LOG, KZ_LOG_ERROR, "proof of play: %s", strerror(errno));
        w->errors++;
        return -1;
    }
    w->dirty = 1;
    w->lines++;
    return 0;
}

void kz_pop_sync(kz_pop_writer *w, kz_us mono_now, kz_us interval)
{
    if (w->fd < 0 || !w->dirty || mono_now - w->last_sync_mono < interval)
        return;
    fdatasync(w->fd);
    w->dirty = 0;
    w->last_sync_mono = mono_now;
}

void kz_pop_close(kz_pop_writer *w)
{
    if (w->fd >= 0) {
        if (w->dirty)
            fdatasync(w->fd);
        close(w->fd);
    }
    w->fd = -1;
}
