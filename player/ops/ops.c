/* The operations layer, attached to the player as one kz_player_ops table (kz_ops_driver,
 * screen/player.h) by the commands that go on air: proof of play, the control socket, the
 * fleet client and the systemd notify / watchdog protocol. All state lives in p->ops_state
 * (struct ops); nothing here blocks a frame. */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "ops/ops.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "model/schedule.h"
#include "ops/control.h"
#include "ops/fleet.h"
#include "fetch/fetcher.h"
#include "ops/pop.h"
#include "ops/shots.h"
#include "screen/player.h"

#define LOG "ops"
#define KZ_OPS_MAX_ZONES 16
/* Proof of play is fsynced at least this often (monotonic time) while lines are written. */
#define KZ_POP_SYNC_EVERY (2 * KZ_US_PER_S)
/* With an accelerated clock, slots that fell between two frames are logged as aired (the
 * simulated screen showed them); at most this many at once. */
#define KZ_FILL_MAX 100000

/* What a zone shows, as strings (the model may be replaced by a reload at any frame). */
typedef struct slotinfo {
    int kind; /* enum kz_pop_kind */
    char item_id[256], playlist[128], item[128], campaign[128];
    kz_us slot_start, slot_end;
    char content[100]; /* what the item said it showed (kz_item.shown): first>last */
} slotinfo;

typedef struct zone_state {
    char name[32];
    slotinfo cur;      /* the zone's current slot according to the schedule */
    int has_cur;
    slotinfo rec;      /* the open proof-of-play record */
    int rec_open, rec_skipped;
    kz_us air_start;
} zone_state;

typedef struct ops {
    kz_pop_writer pop;
    int pop_ok;
    kz_ctl_server ctl;
    int ctl_ok;
    zone_state zones[KZ_OPS_MAX_ZONES];
    int n_zones;
    int intr_active;
    kz_us intr_since, intr_until;
    int ready_sent;
    uint64_t wd_usec;
    kz_us wd_last;
    kz_us last_frame_mono, open_mono;
    long late_frames, frames_seen;
    int trim_day;           /* the civil day of the last heap trim (0: none yet) */
    long trims;             /* heap trims so far, and the longest one */
    kz_us trim_longest;
    kz_us refresh, first_frame_mono; /* the display's frame interval, measured */
    kz_us now; /* the player's clock at the last frame */
    char screen[96]; /* name in proof of play: the config's, plus -dN on display N > 0 */
    kz_fleet *fleet; /* [fleet]: the MQTT client, or NULL (fleet.c) */
    char fleet_screen[KZ_FLEET_NAME_MAX];
} ops;

static int accelerated(const kz_player *p)
{
    return p->clock.fixed && p->clock.speed > 1;
}

static void slotinfo_from(const kz_player *p, const kz_slot *s, slotinfo *si)
{
    memset(si, 0, sizeof *si);
    si->slot_start = s->start;
    si->slot_end = s->end;
    if (!s->item) {
        si->kind = KZ_POP_STANDBY_KIND;
        snprintf(si->playlist, sizeof si->playlist, "-");
        snprintf(si->item, sizeof si->item, KZ_POP_STANDBY);
        snprintf(si->item_id, sizeof si->item_id, "-/" KZ_POP_STANDBY);
        return;
    }
    const kz_item *it = s->item;
    si->kind = KZ_POP_ITEM;
    snprintf(si->item_id, sizeof si->item_id, "%s", it->id);
    const kz_playlist *pl = NULL;
    if (it->playlist >= 0 && (size_t)it->playlist < p->model.n_playlists)
        pl = &p->model.playlists[it->playlist];
    const char *slash = strchr(it->id, '/');
    snprintf(si->playlist, sizeof si->playlist, "%s",
             pl ? pl->name : slash ? "" : "-");
    if (!pl && slash)
        snprintf(si->playlist, sizeof si->playlist, "%.*s", (int)(slash - it->id), it->id);
    snprintf(si->item, sizeof si->item, "%s", slash ? slash + 1 : it->id);
    /* campaign: the item's own key, else its playlist's; read without marking it used. */
    snprintf(si->campaign, sizeof si->campaign, "%s", kz_item_campaign(&p->model, it));
}

static zone_state *zone_get(ops *o, const char *name)
{
    for (int i = 0; i < o->n_zones; i++)
        if (!strcmp(o->zones[i].name, name))
            return &o->zones[i];
    if (o->n_zones == KZ_OPS_MAX_ZONES)
        return &o->zones[KZ_OPS_MAX_ZONES - 1];
    zone_state *z = &o->zones[o->n_zones++];
    memset(z, 0, sizeof *z);
    snprintf(z->name, sizeof z->name, "%s", name);
    return z;
}

static void write_line(ops *o, const char *zone, const slotinfo *si, kz_us start, kz_us end,
                       int outcome)
{
    if (!o->pop_ok || end < start || (end == start && outcome != KZ_AIRED_FAILED))
        return; /* nothing was shown (a failure is recorded even when nothing was) */
    kz_pop_rec r;
    memset(&r, 0, sizeof r);
    r.start = start;
    r.end = end;
    r.seconds = (double)(end - start) / KZ_US_PER_S;
    snprintf(r.zone, sizeof r.zone, "%s", zone);
    snprintf(r.playlist, sizeof r.playlist, "%s", si->playlist[0] ? si->playlist : "-");
    snprintf(r.item, sizeof r.item, "%s", si->item);
    snprintf(r.campaign, sizeof r.campaign, "%s", si->campaign);
    snprintf(r.content, sizeof r.content, "%s", si->content);
    r.outcome = outcome;
    kz_pop_write(&o->pop, &r);
    if (o->fleet) { /* the same line, with its id, to the broker (spooled until PUBACK) */
        char line[2048];
        int n = kz_pop_format(&r, line, sizeof line);
        if (n > 0)
            kz_fleet_pop(o->fleet, line, (size_t)n);
    }
}

static void rec_close(ops *o, zone_state *z, kz_us end, int outcome)
{
    if (!z->rec_open)
        return;
    if (end < z->air_start)
        end = z->air_start;
    if (z->rec.kind != KZ_POP_ITEM && outcome == KZ_AIRED_FAILED)
        outcome = KZ_AIRED_COMPLETED;
    write_line(o, z->name, &z->rec, z->air_start, end, outcome);
    z->rec_open = 0;
    z->rec_skipped = 0;
}

static void rec_open(zone_state *z, const slotinfo *si, kz_us air_start)
{
    z->rec = *si;
    z->rec_open = 1;
    z->rec_skipped = 0;
    z->air_start = air_start > si->slot_start ? air_start : si->slot_start;
}

static int same_slot(const slotinfo *a, const slotinfo *b)
{
    return a->slot_start == b->slot_start && !strcmp(a->item_id, b->item_id);
}

/* ---- the interrupt ---------------------------------------------------------------------- */

static const slotinfo interrupt_info = {KZ_POP_INTERRUPT_KIND, "-/" KZ_POP_INTERRUPT, "-",
                                        KZ_POP_INTERRUPT, "", 0, 0, ""};

/* Follow p->intr (set by the control socket, the fleet client, or expired by the player). */
static void intr_sync(kz_player *p, ops *o, kz_us now)
{
    if (p->intr.active && (!o->intr_active || p->intr.since != o->intr_since)) {
        kz_us at = p->intr.since;
        if (o->intr_active) /* replaced by a new one */
            write_line(o, "main", &interrupt_info, o->intr_since, at, KZ_AIRED_INTERRUPTED);
        for (int i = 0; i < o->n_zones; i++)
            rec_close(o, &o->zones[i], at, KZ_AIRED_INTERRUPTED);
        o->intr_active = 1;
        o->intr_since = at;
        o->intr_until = p->intr.until;
    } else if (!p->intr.active && o->intr_active) {
        kz_us end = (o->intr_until && now >= o->intr_until) ? o->intr_until : now;
        write_line(o, "main", &interrupt_info, o->intr_since, end, KZ_AIRED_COMPLETED);
        o->intr_active = 0;
        for (int i = 0; i < o->n_zones; i++) {
            zone_state *z = &o->zones[i];
            if (z->has_cur && z->cur.slot_end > end)
                rec_open(z, &z->cur, end);
        }
    }
}

/* ---- hooks ------------------------------------------------------------------------------ */

static void ops_slot(kz_player *p, const char *zone, const kz_slot *ended, int outcome,
                  const kz_slot *started, kz_us now)
{
    ops *o = p->ops_state;
    if (!o)
        return;
    zone_state *z = zone_get(o, zone ? zone : "main");
    slotinfo si, ei;
    slotinfo_from(p, started, &si);
    slotinfo_from(p, ended, &ei);
    if (p->skipped.item && ended->item == p->skipped.item && ended->start == p->skipped.start)
        memset(&p->skipped, 0, sizeof p->skipped);
    z->cur = si;
    z->has_cur = 1;
    if (o->intr_active)
        return; /* the interrupt is on air: nothing underneath airs */
    kz_us prev_end = now;
    if (z->rec_open) {
        if (same_slot(&z->rec, &si) && !z->rec_skipped)
            return; /* a reload kept the same slot on air: one record */
        kz_us end = now;
        int oc = outcome;
        if (z->rec_skipped) {
            oc = KZ_AIRED_COMPLETED;
            end = now >= z->rec.slot_end ? z->rec.slot_end : now;
        } else if (ended->item || ended->start) {
            if (same_slot(&z->rec, &ei) && outcome == KZ_AIRED_COMPLETED && now >= ended->end)
                end = ended->end;
        } else { /* the model was replaced (reload): judge from the record */
            memset(&p->skipped, 0, sizeof p->skipped); /* a skip ends with its model */
            oc = now < z->rec.slot_end ? KZ_AIRED_INTERRUPTED : KZ_AIRED_COMPLETED;
            end = now < z->rec.slot_end ? now : z->rec.slot_end;
        }
        rec_close(o, z, end, oc);
        prev_end = end;
        /* Accelerated clock: the slots between two frames aired on the simulated screen. */
        int zi = kz_schedule_zone_find(&p->model, z->name);
        if (accelerated(p) && zi >= 0 && end == ended->end && started->start > ended->end &&
            same_slot(&ei, &z->rec)) {
            kz_slot s = *ended, nx;
            for (int k = 0; k < KZ_FILL_MAX; k++) {
                if (kz_schedule_zone_next(&p->model, zi, &s, &nx) || nx.start >= started->start ||
                    nx.end <= nx.start)
                    break;
                slotinfo ni;
                slotinfo_from(p, &nx, &ni);
                write_line(o, z->name, &ni, nx.start, nx.end, KZ_AIRED_COMPLETED);
                prev_end = nx.end;
                s = nx;
            }
        }
    }
    rec_open(z, &si, prev_end);
}

/* ---- control commands ------------------------------------------------------------------- */

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &res) != 2)
        res = -1;
    fclose(f);
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static void fmt_time(kz_us t, char *out, size_t n)
{
    kz_time_format(t, out, n);
}

static void status_line(const char *text, void *ud)
{
    kz_buf_printf(ud, "%s\n", text);
}

static void cmd_status(kz_player *p, ops *o, kz_us now, kz_buf *out)
{
    char a[48], b[48], c[48];
    fmt_time(now, a, sizeof a);
    double up = (double)(kz_now_mono() - p->started_mono) / KZ_US_PER_S;
    kz_buf_printf(out, "ok\nscreen %s\nnow %s\nclock %s", o->screen, a,
                  p->clock.fixed ? "fixed" : "real");
    if (p->clock.fixed)
        kz_buf_printf(out, " x%g", p->clock.speed);
    kz_buf_printf(out, "\nuptime %.1f s\nframes %ld\nlate frames %ld (frame interval %.1f ms)\n"
                       "slots %ld\nslot failures %ld\n", up, p->frames, o->late_frames,
                  (double)(o->refresh ? o->refresh : KZ_US_PER_S / 60) / 1000, p->slots_started,
                  p->slot_failures);
    long rss = rss_kib();
    kz_buf_printf(out, "memory %.1f MiB\nfds %d\n", rss < 0 ? -1.0 : rss / 1024.0, count_fds());
    /* What the memory is: live heap, free space the heap arenas keep, large blocks mapped on
     * their own (decoder frames); docs/performance.md "Memory over days". */
    struct mallinfo2 mi = mallinfo2();
    kz_buf_printf(out, "heap %.1f MiB in use, %.1f MiB free in arenas, %.1f MiB mapped; "
                       "%ld trims (longest %.1f ms)\n", mi.uordblks / 1048576.0,
                  mi.fordblks / 1048576.0, mi.hblkhd / 1048576.0, o->trims,
                  (double)o->trim_longest / 1000);
    for (int i = 0; i < p->n_zones; i++) {
        const kz_zone_state *ps = &p->zones[i];
        const char *name = ps->def ? ps->def->name : "main";
        zone_state *z = zone_get(o, name);
        kz_us since = o->intr_active ? o->intr_since
                      : z->rec_open  ? z->air_start
                                     : ps->cur.start;
        fmt_time(since, b, sizeof b);
        fmt_time(ps->cur.end, c, sizeof c);
        const char *what = o->intr_active   ? KZ_POP_INTERRUPT
                           : z->rec_skipped ? KZ_POP_STANDBY " (skipped)"
                           : ps->cur.item   ? ps->cur.item->id
                                            : KZ_POP_STANDBY;
        kz_buf_printf(out, "zone %s: %s since %s, next change %s", name, what, b, c);
        if (!o->intr_active)
            kz_buf_printf(out, " (%s)", ps->next.item ? ps->next.item->id : KZ_POP_STANDBY);
        if (ps->cur.item && *kz_item_campaign(&p->model, ps->cur.item))
            kz_buf_printf(out, ", campaign %s", kz_item_campaign(&p->model, ps->cur.item));
        if (ps->cur.item && ps->cur.item->shown[0])
            kz_buf_printf(out, ", showing %s", ps->cur.item->shown);
        kz_buf_printf(out, "\n");
    }
    if (p->fetcher)
        kz_fetcher_status(p->fetcher, status_line, out);
    if (p->intr.active) {
        fmt_time(p->intr.since, b, sizeof b);
        if (p->intr.until)
            fmt_time(p->intr.until, c, sizeof c);
        kz_buf_printf(out, "interrupt since %s until %s: %.200s\n", b,
                      p->intr.until ? c : "cleared", p->intr.text);
    } else {
        kz_buf_printf(out, "interrupt none\n");
    }
    kz_buf_printf(out, "proof of play %s (%ld lines, %ld errors)\n",
                  o->pop_ok ? o->pop.dir : "off", o->pop.lines, o->pop.errors);
    if (o->fleet)
        kz_fleet_describe(o->fleet, out);
    const char *errs[8];
    int n = kz_log_recent_errors(errs, 8);
    kz_buf_printf(out, "errors %d logged", kz_log_count(KZ_LOG_ERROR));
    kz_buf_printf(out, n ? ", last %d:\n" : "\n", n);
    for (int i = 0; i < n; i++)
        kz_buf_printf(out, "  %s\n", errs[i]);
}

static void cmd_interrupt(kz_player *p, ops *o, kz_us now, const char *until_s,
                          const char *text, kz_buf *out)
{
    kz_us until = 0;
    if (!text || !*text) {
        kz_buf_printf(out, "error: interrupt needs --text\n");
        return;
    }
    if (until_s && *until_s) {
        if (until_s[0] == '+') {
            kz_us d;
            if (kz_duration_parse(until_s + 1, &d) || d <= 0) {
                kz_buf_printf(out, "error: --until %s: expected a time or +DURATION\n", until_s);
                return;
            }
            until = now + d;
        } else if (kz_time_parse(until_s, &until)) {
            kz_buf_printf(out, "error: --until %s: expected an ISO 8601 time such as "
                               "2025-02-03T15:30:00+09:00, or +DURATION such as +30m\n",
                          until_s);
            return;
        }
        if (until <= now) {
            char a[48];
            fmt_time(now, a, sizeof a);
            kz_buf_printf(out, "error: --until %s is not after the player's now (%s)\n",
                          until_s, a);
            return;
        }
    }
    kz_player_interrupt(p, text, until, now);
    intr_sync(p, o, now);
    char a[48], b[48];
    fmt_time(now, a, sizeof a);
    if (until)
        fmt_time(until, b, sizeof b);
    kz_buf_printf(out, "ok\ninterrupt on air since %s until %s\n", a, until ? b : "cleared");
}

/* The main zone on screen: the one named main, else the first (as the compositor). */
static kz_zone_state *main_zone(kz_player *p)
{
    for (int i = 0; i < p->n_zones; i++)
        if (p->zones[i].def && !strcmp(p->zones[i].def->name, "main"))
            return &p->zones[i];
    return p->n_zones ? &p->zones[0] : NULL;
}

static void cmd_skip(kz_player *p, ops *o, kz_us now, kz_buf *out)
{
    if (o->intr_active) {
        kz_buf_printf(out, "error: an interrupt is on air (kizuna ctl clear ends it)\n");
        return;
    }
    kz_zone_state *mz = main_zone(p);
    if (!mz || !mz->cur.item) {
        kz_buf_printf(out, "error: nothing to skip: the standby slide is on air\n");
        return;
    }
    zone_state *z = zone_get(o, mz->def ? mz->def->name : "main");
    if (z->rec_skipped) {
        kz_buf_printf(out, "error: already skipped\n");
        return;
    }
    p->skipped = mz->cur;
    char a[48];
    fmt_time(mz->cur.end, a, sizeof a);
    kz_buf_printf(out, "ok\nskipped %s; the standby slide shows until %s, when the timeline "
                       "goes on unchanged\n", mz->cur.item->id, a);
    rec_close(o, z, now, KZ_AIRED_INTERRUPTED);
    slotinfo sb;
    slotinfo_from(p, &(kz_slot){NULL, mz->cur.start, mz->cur.end}, &sb);
    snprintf(sb.item_id, sizeof sb.item_id, "%s", z->cur.item_id); /* same slot */
    rec_open(z, &sb, now);
    z->rec_skipped = 1;
}

/* The frame for now into a new file of <logs>/screenshots/ (shots.h). The request names no
 * file, from the network or the control socket alike: a name from outside could reach proof
 * of play, the spool or the flash cache. `kizuna ctl screenshot F` copies the file to F
 * itself, as the user who ran it. */
static void cmd_screenshot(kz_player *p, kz_us now, const char *arg, kz_buf *out)
{
    if (arg && *arg) {
        kz_buf_printf(out, "error: screenshot takes no file name: the player writes it in "
                           "%s/" KZ_SHOTS_DIR "/ under a name of its own and answers "
                           "with it\n", p->cfg.logs[0] ? p->cfg.logs : "[paths] logs");
        return;
    }
    char path[4300];
    int fd = kz_shots_create(p->cfg.logs, now, path, sizeof path);
    if (fd < 0) {
        kz_buf_printf(out, "error: cannot create a screenshot file in %s/" KZ_SHOTS_DIR
                           " (see the log)\n", p->cfg.logs[0] ? p->cfg.logs : "[paths] logs");
        return;
    }
    /* Draw the frame for now (the timeline is a function of time: the same frame the screen
     * shows) and read it back before anything else touches the renderer. */
    kz_player_draw(p, now);
    p->frames--;
    int rc = kz_player_screenshot_fd(p, fd, path);
    if (close(fd))
        rc = -1;
    if (rc) {
        unlink(path);
        kz_buf_printf(out, "error: %s: cannot write the screenshot (see the log)\n", path);
        return;
    }
    kz_shots_prune(p->cfg.logs, KZ_SHOTS_KEEP);
    kz_buf_printf(out, "ok\n%s (%dx%d)\n", path, p->out_w, p->out_h);
}

/* Request: "VERB [ARG]\nkey=value\n...text=REST". */
static void handle(void *ud, char *req, kz_buf *out)
{
    kz_ops_command(ud, req, out);
}

void kz_ops_command(kz_player *p, char *req, kz_buf *out)
{
    ops *o = p->ops_state;
    if (!o) {
        kz_buf_printf(out, "error: the operations layer is not running\n");
        return;
    }
    kz_us now = o->now;
    char *nl = strchr(req, '\n');
    char *rest = nl ? nl + 1 : req + strlen(req);
    if (nl)
        *nl = 0;
    char *arg = strchr(req, ' ');
    if (arg)
        *arg++ = 0;
    const char *until_s = NULL, *text = NULL;
    while (*rest) {
        if (!strncmp(rest, "text=", 5)) {
            text = rest + 5;
            break;
        }
        char *e = strchr(rest, '\n');
        if (e)
            *e = 0;
        if (!strncmp(rest, "until=", 6))
            until_s = rest + 6;
        if (!e)
            break;
        rest = e + 1;
    }
    if (!strcmp(req, "status")) {
        cmd_status(p, o, now, out);
    } else if (!strcmp(req, "interrupt")) {
        cmd_interrupt(p, o, now, until_s, text, out);
    } else if (!strcmp(req, "clear")) {
        int was = p->intr.active;
        kz_player_interrupt(p, NULL, 0, now);
        intr_sync(p, o, now);
        kz_buf_printf(out, "ok\n%s\n", was ? "interrupt cleared" : "no interrupt was on air");
    } else if (!strcmp(req, "skip")) {
        cmd_skip(p, o, now, out);
    } else if (!strcmp(req, "reload")) {
        if (kz_player_reload(p) == 0)
            kz_buf_printf(out, "ok\nplaylists reloaded from %s\n", p->cfg.playlists);
        else
            kz_buf_printf(out, "error: the playlists have problems (see the log); the last good "
                               "playlists stay on air\n");
    } else if (!strcmp(req, "screenshot")) {
        cmd_screenshot(p, now, arg, out);
    } else if (!strcmp(req, "ping")) {
        kz_buf_printf(out, "ok\n");
    } else {
        kz_buf_printf(out, "error: unknown command '%.40s' (status, skip, reload, screenshot, "
                           "interrupt, clear)\n", req);
    }
}

/* ---- lifecycle -------------------------------------------------------------------------- */

/* The fleet's name for this screen: [fleet] screen, else [player] name; like the proof of
 * play's, with -dN for display N > 0 (one process per display, each its own topics). */
static const char *fleet_screen(const kz_player *p, char *out)
{
    const char *base = p->cfg.fleet.screen[0] ? p->cfg.fleet.screen : p->cfg.name;
    if (p->cfg.display_index > 0)
        snprintf(out, KZ_FLEET_NAME_MAX, "%s-d%d", base, p->cfg.display_index);
    else
        snprintf(out, KZ_FLEET_NAME_MAX, "%s", base);
    return out;
}

static void ops_open(kz_player *p)
{
    ops *o = calloc(1, sizeof *o);
    if (!o) {
        kz_log(LOG, KZ_LOG_ERROR, "out of memory: no proof of play, no control socket");
        return;
    }
    p->ops_state = o;
    o->ctl.fd = -1;
    o->pop.fd = -1;
    o->open_mono = kz_now_mono();
    o->now = kz_clock_now(&p->clock);
    /* One process per display: each has its own screen name in proof of play (so line ids
     * stay unique in a shared logs directory) and its own socket. */
    char *screen = o->screen;
    if (p->cfg.display_index > 0)
        snprintf(screen, sizeof o->screen, "%s-d%d", p->cfg.name, p->cfg.display_index);
    else
        snprintf(screen, sizeof o->screen, "%s", p->cfg.name);
    if (p->cfg.logs[0] && kz_pop_open(&o->pop, p->cfg.logs, screen) == 0)
        o->pop_ok = 1;
    char path[108];
    if (kz_ctl_socket_path(&p->cfg, p->cfg.display_index, path, sizeof path))
        kz_log(LOG, KZ_LOG_ERROR, "no path for the control socket ([paths] logs too long and "
               "no $XDG_RUNTIME_DIR)");
    else if (kz_ctl_listen(&o->ctl, path, handle, p) == 0)
        o->ctl_ok = 1;
    if (sd_watchdog_enabled(0, &o->wd_usec) <= 0)
        o->wd_usec = 0;
    if (p->cfg.fleet.enabled)
        o->fleet = kz_fleet_start(&p->cfg.fleet, fleet_screen(p, o->fleet_screen),
                                  p->cfg.logs[0] ? p->cfg.logs : NULL);
}

/* What is on air, for the fleet's heartbeat: one JSON object. */
void kz_ops_heartbeat_json(kz_player *p, kz_buf *out)
{
    ops *o = p->ops_state;
    char a[48], b[48];
    fmt_time(o ? o->now : kz_clock_now(&p->clock), a, sizeof a);
    kz_buf_printf(out, "{\"screen\":");
    kz_fleet_json_str(out, o ? o->fleet_screen : p->cfg.name);
    kz_buf_printf(out, ",\"now\":\"%s\",\"uptime\":%.0f,\"frames\":%ld,\"errors\":%d", a,
                  (double)(kz_now_mono() - p->started_mono) / KZ_US_PER_S, p->frames,
                  kz_log_count(KZ_LOG_ERROR));
    kz_buf_printf(out, ",\"interrupt\":");
    if (p->intr.active)
        kz_fleet_json_str(out, p->intr.text);
    else
        kz_buf_printf(out, "null");
    kz_buf_printf(out, ",\"zones\":[");
    int first = 1;
    for (int i = 0; o && i < o->n_zones; i++) {
        zone_state *z = &o->zones[i];
        if (!z->has_cur)
            continue;
        fmt_time(z->cur.slot_start, a, sizeof a);
        fmt_time(z->cur.slot_end, b, sizeof b);
        kz_buf_printf(out, "%s{\"zone\":", first ? "" : ",");
        first = 0;
        kz_fleet_json_str(out, z->name);
        kz_buf_printf(out, ",\"item\":");
        kz_fleet_json_str(out, z->rec_skipped ? "-/" KZ_POP_STANDBY : z->cur.item_id);
        kz_buf_printf(out, ",\"campaign\":");
        kz_fleet_json_str(out, z->cur.campaign);
        kz_buf_printf(out, ",\"start\":\"%s\",\"end\":\"%s\"}", a, b);
    }
    kz_buf_printf(out, "]}");
}

/* Once a civil day, at the first frame after midnight: give the heap arenas' free pages back
 * (malloc_trim). What the player frees during a day (a day's timeline, text textures,
 * decoder contexts of every airing) leaves holes in the arenas that glibc keeps resident;
 * trimming bounds that to what one day leaves. Midnight is when the schedule rebuilds its
 * day; a trim took at most 2.5 ms on the soak's playlists (ctl status shows the longest). */
static void trim_at_day_change(ops *o, kz_us now)
{
    int day = kz_schedule_day_of(now);
    if (day == o->trim_day)
        return;
    int first = o->trim_day == 0;
    o->trim_day = day;
    if (first)
        return;
    kz_us t0 = kz_now_mono();
    malloc_trim(0);
    kz_us d = kz_now_mono() - t0;
    o->trims++;
    if (d > o->trim_longest)
        o->trim_longest = d;
}

static void ops_frame(kz_player *p, kz_us now)
{
    ops *o = p->ops_state;
    if (!o)
        return;
    kz_us mono = kz_now_mono();
    o->now = now;
    /* More than two frame intervals between frames: at least one was dropped. The interval
     * is the mean over the first 120 frames (the display's rate); 60 Hz until then. */
    /* Only between two turns that both composed a frame of a picture that changes with
     * every frame: a still picture lets the loop sleep on purpose (up to 100 ms). */
    if (o->last_frame_mono) {
        kz_us d = mono - o->last_frame_mono;
        if (++o->frames_seen == 120)
            o->refresh = (mono - o->first_frame_mono) / 120;
        kz_us refresh = o->refresh ? o->refresh : KZ_US_PER_S / 60;
        int moving = !p->idle && p->drawn.valid && p->drawn.until - p->drawn.at <= refresh;
        if (moving && d > 2 * refresh + refresh / 4)
            o->late_frames++;
    } else {
        o->first_frame_mono = mono;
    }
    o->last_frame_mono = mono;
    trim_at_day_change(o, now);
    intr_sync(p, o, now);
    /* What the items on air say they show (a fetched copy's version or the fallback) goes
     * into their open record: the first value, and the last one when it changed. */
    for (int i = 0; i < p->n_zones; i++) {
        const kz_zone_state *ps = &p->zones[i];
        zone_state *z = zone_get(o, ps->def ? ps->def->name : "main");
        const kz_item *it = ps->cur.item;
        if (!z->rec_open || !it || !it->shown[0] || strcmp(z->rec.item_id, it->id))
            continue;
        char *c = z->rec.content, *gt = strchr(c, '>');
        const char *last = gt ? gt + 1 : c;
        if (!c[0])
            snprintf(c, sizeof z->rec.content, "%s", it->shown);
        else if (strcmp(last, it->shown)) {
            size_t keep = gt ? (size_t)(gt - c) : strlen(c);
            char first[sizeof z->rec.content];
            snprintf(first, sizeof first, "%.*s", (int)keep, c);
            snprintf(c, sizeof z->rec.content, "%s>%s", first, it->shown);
        }
    }
    if (o->ctl_ok)
        kz_ctl_poll(&o->ctl, mono);
    if (o->pop_ok)
        kz_pop_sync(&o->pop, mono, KZ_POP_SYNC_EVERY);
    if (o->fleet) {
        /* Commands from the broker run here, with the control socket's handler. */
        kz_fleet_poll(o->fleet, handle, p, 4, mono);
        if (kz_fleet_heartbeat_due(o->fleet, mono)) {
            kz_buf hb = {0};
            kz_ops_heartbeat_json(p, &hb);
            if (hb.s)
                kz_fleet_publish(o->fleet, "heartbeat", hb.s, hb.len, 0, 0);
            kz_buf_free(&hb);
        }
    }
    if (!o->ready_sent && p->frames >= 1) {
        sd_notify(0, "READY=1\nSTATUS=on air");
        o->ready_sent = 1;
    }
    if (o->wd_usec && o->ready_sent && (mono - o->wd_last) * 2 >= (kz_us)o->wd_usec) {
        sd_notify(0, "WATCHDOG=1");
        o->wd_last = mono;
    }
}

static void ops_close(kz_player *p)
{
    ops *o = p->ops_state;
    if (!o)
        return;
    kz_us now = kz_clock_now(&p->clock);
    sd_notify(0, "STOPPING=1");
    if (o->intr_active)
        write_line(o, "main", &interrupt_info, o->intr_since, now, KZ_AIRED_INTERRUPTED);
    o->intr_active = 0;
    for (int i = 0; i < o->n_zones; i++) {
        zone_state *z = &o->zones[i];
        int oc = z->rec_skipped || now >= z->rec.slot_end ? KZ_AIRED_COMPLETED
                                                          : KZ_AIRED_INTERRUPTED;
        rec_close(o, z, now < z->rec.slot_end ? now : z->rec.slot_end, oc);
    }
    kz_ctl_close(&o->ctl);
    kz_pop_close(&o->pop);
    kz_fleet_stop(o->fleet, 2000); /* the last lines and "offline", for up to 2 s */
    free(o);
    p->ops_state = NULL;
}

const kz_player_ops kz_ops_driver = {
    .name = "ops",
    .open = ops_open,
    .frame = ops_frame,
    .slot = ops_slot,
    .close = ops_close,
};
