/* Hot reload with inotify: see watch.h. */
#include "screen/watch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "model/playlist.h"
#include "model/schedule.h"
#include "screen/player.h"

#define LOG "watch"
#define MAX_WRITING 32
#define REWATCH_INTERVAL (5 * KZ_US_PER_S)

struct kz_watch {
    int fd, wd;
    char *dir;                        /* owned */
    kz_us settle, last_event, last_try;
    int armed, due;                   /* a change worth loading / waiting for the boundary */
    kz_us due_at;                     /* instant (player clock) to reload at, at the latest */
    char writing[MAX_WRITING][NAME_MAX + 1]; /* modified, not yet closed */
    int n_writing;
};

int kz_watch_relevant(const char *name)
{
    size_t n = strlen(name);
    if (!n || name[0] == '.' || name[0] == '#' || name[n - 1] == '~' || name[n - 1] == '#')
        return 0;
    if (n < 5 || strcmp(name + n - 4, ".ini") != 0)
        return 0; /* .swp, .tmp, 4913 and every other non-playlist name */
    return strcmp(name, "player.ini") != 0;
}

static int add_watch(kz_watch *w)
{
    w->wd = inotify_add_watch(w->fd, w->dir,
                              IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                  IN_MODIFY | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF);
    return w->wd < 0 ? -1 : 0;
}

kz_watch *kz_watch_open(const char *dir, kz_us settle_us)
{
    kz_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->settle = settle_us;
    w->wd = -1;
    w->dir = strdup(dir);
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (!w->dir || w->fd < 0) {
        kz_log(LOG, KZ_LOG_WARN, "%s: no hot reload (inotify: %s)", dir, strerror(errno));
        goto fail;
    }
    if (add_watch(w) < 0) {
        kz_log(LOG, KZ_LOG_WARN, "%s: no hot reload (cannot watch: %s)", dir, strerror(errno));
        goto fail;
    }
    kz_log(LOG, KZ_LOG_INFO, "watching %s for playlist changes", dir);
    return w;
fail:
    kz_watch_close(&w);
    return NULL;
}

void kz_watch_close(kz_watch **wp)
{
    kz_watch *w = *wp;
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    free(w->dir);
    free(w);
    *wp = NULL;
}

int kz_watch_fd(const kz_watch *w)
{
    return w ? w->fd : -1;
}

static int writing_find(const kz_watch *w, const char *name)
{
    for (int i = 0; i < w->n_writing; i++)
        if (!strcmp(w->writing[i], name))
            return i;
    return -1;
}

static void writing_add(kz_watch *w, const char *name)
{
    if (writing_find(w, name) >= 0 || w->n_writing == MAX_WRITING)
        return;
    snprintf(w->writing[w->n_writing++], sizeof w->writing[0], "%s", name);
}

static void writing_del(kz_watch *w, const char *name)
{
    int i = writing_find(w, name);
    if (i >= 0)
        memmove(w->writing[i], w->writing[i + 1],
                (size_t)(--w->n_writing - i) * sizeof w->writing[0]);
}

/* Whether a name just created in the watched folder is a regular file (lstat: a symlink is
 * not). A name already gone counts as regular: its IN_DELETE follows. */
static int created_regular(const kz_watch *w, const char *name)
{
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", w->dir, name) >= (int)sizeof path)
        return 1;
    if (lstat(path, &st))
        return 1;
    return S_ISREG(st.st_mode);
}

int kz_watch_poll(kz_watch *w, kz_us now)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    if (!w)
        return 0;
    if (w->wd < 0 && now - w->last_try >= REWATCH_INTERVAL) {
        w->last_try = now;
        if (add_watch(w) == 0) {
            kz_log(LOG, KZ_LOG_INFO, "%s is back: watching it again", w->dir);
            w->armed = 1;
            w->last_event = now;
        }
    }
    for (;;) {
        ssize_t len = read(w->fd, buf, sizeof buf);
        if (len <= 0)
            break; /* EAGAIN: nothing more */
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                w->armed = 1;
                w->last_event = now;
                continue;
            }
            if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                if (w->wd >= 0) {
                    kz_log(LOG, KZ_LOG_ERROR, "%s was removed or moved: the last good "
                           "playlists stay on air; watching for it to come back", w->dir);
                    inotify_rm_watch(w->fd, w->wd);
                    w->wd = -1;
                    w->last_try = now;
                }
                continue;
            }
            if (!ev->len || (ev->mask & IN_ISDIR) || !kz_watch_relevant(ev->name))
                continue;
            w->last_event = now;
            if ((ev->mask & IN_CREATE) && !created_regular(w, ev->name)) {
                /* A FIFO, a symlink, a device: nobody will ever close it after writing, so
                 * waiting for that would stop hot reload for good. Reload now; the reader
                 * refuses what is not a regular file with file:line. */
                writing_del(w, ev->name);
                w->armed = 1;
                kz_log(LOG, KZ_LOG_DEBUG, "%s created (not a regular file)", ev->name);
            } else if (ev->mask & (IN_MODIFY | IN_CREATE)) {
                writing_add(w, ev->name);
            } else {
                writing_del(w, ev->name); /* closed, moved in or out, deleted */
                w->armed = 1;
                kz_log(LOG, KZ_LOG_DEBUG, "%s changed", ev->name);
            }
        }
    }
    if (w->armed && !w->n_writing && now - w->last_event >= w->settle) {
        w->armed = 0;
        return 1;
    }
    return 0;
}

/* When does an interrupt of the changed playlists start, before limit? Parses the files
 * into a throw-away model (no plugins: only the schedule keys matter here), quietly: the
 * reload itself logs whatever is wrong. Returns the instant, or limit when none does. */
static kz_us interrupt_before(const char *dir, kz_us now, kz_us limit)
{
    kz_model m;
    memset(&m, 0, sizeof m);
    int level = kz_log_level();
    kz_log_set_level(-1);
    kz_model_load_dir(&m, dir);
    kz_schedule_compile(&m);
    kz_log_set_level(level);
    kz_us at = limit;
    for (int z = 0; z < kz_schedule_zone_count(&m); z++) {
        kz_slot s;
        kz_schedule_zone_at(&m, z, now, &s);
        for (int n = 0; n < 1000 && s.start < at; n++) {
            kz_sched_info in;
            if (s.item && kz_schedule_info(&m, s.item, &in) == 0 && in.interrupt) {
                at = s.start > now ? s.start : now;
                break;
            }
            if (s.end <= s.start)
                break;
            kz_schedule_zone_next(&m, z, &s, &s);
        }
    }
    kz_model_free(&m);
    return at;
}

void kz_watch_frame(kz_watch *w, struct kz_player *p)
{
    if (!w)
        return;
    kz_us now = kz_clock_now(&p->clock);
    if (kz_watch_poll(w, kz_now_mono()) > 0) {
        /* At the next item boundary, or at once for an interrupt of the new playlists. */
        /* The boundary of zone main (the first zone without one): the other zones may be
         * cut, the main content never is. */
        const kz_slot *cur = kz_player_zone_slot(p, "main");
        if (!cur)
            cur = kz_player_zone_slot(p, NULL);
        kz_us boundary = cur && cur->item ? cur->end : now;
        if (p->clock.fixed && p->clock.speed == 0)
            boundary = now; /* a frozen clock has no next boundary */
        w->due_at = boundary > now ? interrupt_before(w->dir, now, boundary) : now;
        kz_log(LOG, KZ_LOG_INFO, "playlists changed: reloading %s",
               w->due_at <= now ? "now" : "at the next item boundary");
        w->due = 1;
    }
    if (w->due && now >= w->due_at) {
        w->due = 0;
        p->reload = 1;
    }
}
