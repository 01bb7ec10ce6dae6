/* The timeline: compile the schedule keys, walk each local day from its midnight, cache the
 * walked days. See schedule.h for the model and docs/playlists.md for the rules. */
#include "model/schedule.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/grow.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "model/rules.h"
#include "model/swrr.h"

#define CACHE_DAYS 4
#define STANDBY_BLOCK_DAYS 32

typedef struct sitem {
    kz_item *item;       /* borrowed from the model */
    const kz_rules *pl;  /* the playlist's rules (in sched->pl_rules) */
    kz_rules own;        /* the item's own keys */
    kz_sched_info info;
    int campaign_id;     /* 0 = none, else 1 + index into sched->campaigns */
    int live;            /* item->playable when the cached days were built */
} sitem;

typedef struct interval {
    kz_us a, b;
} interval;

typedef struct day_tl {
    int day;             /* civil day; valid when n > 0 */
    kz_us ds, de;        /* its midnight and the next one */
    kz_slot *slots;      /* owned; cover [ds, de) without gaps */
    size_t n, cap;       /* cap: allocated, kept when the entry is rebuilt for another day */
    unsigned long used;  /* LRU stamp */
} day_tl;

typedef struct zone {
    char *name;          /* owned */
    int *items;          /* indices into sched->items, in file order; owned */
    int n;
    day_tl cache[CACHE_DAYS];
    unsigned long tick;
    kz_slot standby;     /* the last extended standby slot (valid when end > start) */
} zone;

typedef struct kz_sched {
    kz_rules *pl_rules;  /* one per playlist; owned */
    int *pl_bad;         /* the [playlist] section had bad schedule keys */
    int *pl_zone;
    size_t n_pl;
    sitem *items;        /* playable items only; owned */
    int n_items;
    int *by_model;       /* model item index -> sitem index or -1 */
    size_t n_model;
    zone *zones;
    int n_zones;
    char **campaigns;    /* borrowed names */
    int n_campaigns;
} kz_sched;

/* --- local time with the DST policy ----------------------------------------------------- */

static long utc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 0;
    return tm.tm_gmtoff;
}

/* Wall seconds (as if UTC) -> instant in seconds. First occurrence for repeated wall times,
 * the jump for wall times inside a gap. Assumes at most one transition within a day either
 * side, which holds for every zone in tzdata that kizuna is meant for. */
static int64_t wall_to_instant(int64_t w)
{
    long o1 = utc_offset(w - 86400), o2 = utc_offset(w + 86400);
    int64_t best = INT64_MAX;
    long offs[2] = {o1, o2};
    for (int i = 0; i < 2; i++) {
        int64_t t = w - offs[i];
        if (utc_offset(t) == offs[i] && t < best)
            best = t;
    }
    if (best != INT64_MAX)
        return best;
    /* In a gap: find the first second with the later offset. */
    int64_t lo = w - 86400, hi = w + 86400; /* offset(lo) = o1, offset(hi) = o2 */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (utc_offset(mid) == o1)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

kz_us kz_schedule_wall(int day, int secs)
{
    return wall_to_instant((int64_t)day * 86400 + secs) * KZ_US_PER_S;
}

int kz_schedule_day_of(kz_us t)
{
    int64_t s = t / KZ_US_PER_S - (t % KZ_US_PER_S < 0);
    time_t tt = (time_t)s;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return (int)(s / 86400);
    int day = kz_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    while (t >= kz_schedule_wall(day + 1, 0))
        day++;
    while (t < kz_schedule_wall(day, 0))
        day--;
    return day;
}

/* Per-day conversion: when the offset is the same from two days before to three days after,
 * wall times of days day-1..day+1 convert by arithmetic. */
typedef struct dayconv {
    int fast;
    long off;
} dayconv;

static void dayconv_init(dayconv *c, int day)
{
    int64_t w0 = (int64_t)day * 86400;
    long a = utc_offset(w0 - 2 * 86400), b = utc_offset(w0 + 43200), e = utc_offset(w0 + 3 * 86400);
    c->fast = a == b && b == e;
    c->off = a;
}

static kz_us dayconv_wall(const dayconv *c, int day, int secs)
{
    if (c->fast)
        return ((int64_t)day * 86400 + secs - c->off) * KZ_US_PER_S;
    return kz_schedule_wall(day, secs);
}

/* --- eligibility intervals -------------------------------------------------------------- */

typedef struct ivec {
    interval *v;
    int n, cap;
} ivec;

static int ivec_push(ivec *iv, kz_us a, kz_us b)
{
    if (iv->n == iv->cap) {
        int cap = iv->cap ? iv->cap * 2 : 8;
        interval *nv = realloc(iv->v, (size_t)cap * sizeof *nv);
        if (!nv)
            return -1;
        iv->v = nv;
        iv->cap = cap;
    }
    iv->v[iv->n].a = a;
    iv->v[iv->n].b = b;
    iv->n++;
    return 0;
}

static int cmp_interval(const void *x, const void *y)
{
    const interval *a = x, *b = y;
    return a->a < b->a ? -1 : a->a > b->a;
}

static void ivec_normalise(ivec *iv)
{
    if (iv->n < 2)
        return;
    qsort(iv->v, (size_t)iv->n, sizeof *iv->v, cmp_interval);
    int w = 0;
    for (int i = 1; i < iv->n; i++) {
        if (iv->v[i].a <= iv->v[w].b) {
            if (iv->v[i].b > iv->v[w].b)
                iv->v[w].b = iv->v[i].b;
        } else {
            iv->v[++w] = iv->v[i];
        }
    }
    iv->n = w + 1;
}

/* The instants of [ds, de) (civil day `day`) that one section's rules allow. */
static int rule_intervals(const kz_rules *r, const dayconv *c, int day, kz_us ds, kz_us de,
                          ivec *out)
{
    out->n = 0;
    if (!r->n_times) {
        if (kz_rules_day_ok(r, day))
            return ivec_push(out, ds, de);
        return 0;
    }
    for (int dd = day - 1; dd <= day; dd++) {
        if (!kz_rules_day_ok(r, dd))
            continue;
        for (int i = 0; i < r->n_times; i++) {
            const kz_time_window *w = &r->times[i];
            kz_us a = dayconv_wall(c, dd, w->from);
            kz_us b = w->to > w->from ? dayconv_wall(c, dd, w->to)
                                      : dayconv_wall(c, dd + 1, w->to);
            if (a < ds)
                a = ds;
            if (b > de)
                b = de;
            if (a < b && ivec_push(out, a, b) < 0)
                return -1;
        }
    }
    ivec_normalise(out);
    return 0;
}

static int ivec_intersect(const ivec *x, const ivec *y, ivec *out)
{
    out->n = 0;
    int i = 0, j = 0;
    while (i < x->n && j < y->n) {
        kz_us a = x->v[i].a > y->v[j].a ? x->v[i].a : y->v[j].a;
        kz_us b = x->v[i].b < y->v[j].b ? x->v[i].b : y->v[j].b;
        if (a < b && ivec_push(out, a, b) < 0)
            return -1;
        if (x->v[i].b < y->v[j].b)
            i++;
        else
            j++;
    }
    return 0;
}

static int ivec_contains(const ivec *iv, kz_us t)
{
    int lo = 0, hi = iv->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (iv->v[mid].b <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < iv->n && iv->v[lo].a <= t;
}

/* --- walking a day ------------------------------------------------------------------------ */

typedef struct walk {
    ivec *elig;          /* per zone item: eligible intervals within the day */
    kz_us *cps;          /* change points, sorted, unique; cps[0] = ds, cps[ncp-1] = de */
    int ncp;
    int *cand_off;       /* per segment: offset into cand; cand_off[ncp-1] = total */
    int *cand;           /* zone item indices, ascending within a segment */
    unsigned char *cand_interrupt; /* per segment: the candidates are interrupts */
    int64_t *credit;     /* smooth weighted round robin, per zone item */
    int64_t *weight;     /* per zone item */
    int *campaign;       /* per zone item: campaign_id */
    kz_swrr rr;          /* the candidates of the segment being walked */
} walk;

static void walk_free(walk *w, int n)
{
    if (w->elig)
        for (int i = 0; i < n; i++)
            free(w->elig[i].v);
    free(w->elig);
    free(w->cps);
    free(w->cand_off);
    free(w->cand);
    free(w->cand_interrupt);
    free(w->credit);
    free(w->weight);
    free(w->campaign);
    kz_swrr_free(&w->rr);
    memset(w, 0, sizeof *w);
}

static int cmp_us(const void *x, const void *y)
{
    kz_us a = *(const kz_us *)x, b = *(const kz_us *)y;
    return a < b ? -1 : a > b;
}

static int in_sorted(const int *v, int n, int x)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x;
}

static int slot_push(kz_slot **v, size_t *n, size_t *cap, const kz_item *it, kz_us a, kz_us b)
{
    if (*n && (*v)[*n - 1].item == NULL && it == NULL) { /* merge standby */
        (*v)[*n - 1].end = b;
        return 0;
    }
    if (kz_grow(v, cap, *n + 1, sizeof **v, 256))
        return -1;
    (*v)[*n].item = it;
    (*v)[*n].start = a;
    (*v)[*n].end = b;
    (*n)++;
    return 0;
}

/* Build the timeline of one zone for one civil day into tl. */
static int build_day(const kz_sched *s, const zone *z, int day, day_tl *tl)
{
    walk w = {0};
    ivec a = {0}, b = {0};
    /* the entry's old buffer is written over (the day it held is being replaced) */
    kz_slot *slots = tl->slots;
    size_t n = 0, cap = tl->cap;
    tl->n = 0;
    dayconv c;
    dayconv_init(&c, day);
    kz_us ds = dayconv_wall(&c, day, 0), de = dayconv_wall(&c, day + 1, 0);

    w.elig = calloc((size_t)(z->n ? z->n : 1), sizeof *w.elig);
    if (!w.elig)
        goto fail;
    int ncp_cap = 2;
    for (int i = 0; i < z->n; i++) {
        const sitem *si = &s->items[z->items[i]];
        if (!si->item->playable) /* dropped out at run time (failed to prepare or render) */
            continue;
        if (rule_intervals(si->pl, &c, day, ds, de, &a) < 0 ||
            rule_intervals(&si->own, &c, day, ds, de, &b) < 0 ||
            ivec_intersect(&a, &b, &w.elig[i]) < 0)
            goto fail;
        ncp_cap += 2 * w.elig[i].n;
    }
    w.cps = malloc((size_t)ncp_cap * sizeof *w.cps);
    if (!w.cps)
        goto fail;
    w.cps[w.ncp++] = ds;
    w.cps[w.ncp++] = de;
    /* ds and de are in already: an item eligible all day (the common case) adds nothing to
     * sort (10,000 such items made the sort the largest part of a day's walk) */
    for (int i = 0; i < z->n; i++)
        for (int k = 0; k < w.elig[i].n; k++) {
            if (w.elig[i].v[k].a != ds)
                w.cps[w.ncp++] = w.elig[i].v[k].a;
            if (w.elig[i].v[k].b != de)
                w.cps[w.ncp++] = w.elig[i].v[k].b;
        }
    qsort(w.cps, (size_t)w.ncp, sizeof *w.cps, cmp_us);
    int u = 0;
    for (int i = 1; i < w.ncp; i++)
        if (w.cps[i] != w.cps[u])
            w.cps[++u] = w.cps[i];
    w.ncp = u + 1;

    /* Candidates of every segment [cps[k], cps[k+1]). */
    int nseg = w.ncp - 1, total = 0, cand_cap = 0;
    w.cand_off = malloc((size_t)w.ncp * sizeof *w.cand_off);
    w.cand_interrupt = calloc((size_t)w.ncp, 1);
    w.credit = calloc((size_t)(z->n ? z->n : 1), sizeof *w.credit);
    w.weight = calloc((size_t)(z->n ? z->n : 1), sizeof *w.weight);
    w.campaign = calloc((size_t)(z->n ? z->n : 1), sizeof *w.campaign);
    if (!w.cand_off || !w.cand_interrupt || !w.credit || !w.weight || !w.campaign)
        goto fail;
    for (int k = 0; k < nseg; k++) {
        kz_us t = w.cps[k];
        int any_int = 0, have = 0;
        long best = 0;
        for (int i = 0; i < z->n; i++) {
            if (!ivec_contains(&w.elig[i], t))
                continue;
            const kz_sched_info *in = &s->items[z->items[i]].info;
            if (in->interrupt && !any_int) {
                any_int = 1;
                have = 0;
            }
            if (any_int && !in->interrupt)
                continue;
            if (!have || in->priority > best) {
                best = in->priority;
                have = 1;
            }
        }
        w.cand_off[k] = total;
        w.cand_interrupt[k] = (unsigned char)any_int;
        if (!have)
            continue;
        for (int i = 0; i < z->n; i++) {
            const kz_sched_info *in = &s->items[z->items[i]].info;
            if (in->priority != best || (any_int && !in->interrupt) ||
                !ivec_contains(&w.elig[i], t))
                continue;
            if (total == cand_cap) {
                cand_cap = cand_cap ? cand_cap * 2 : 64;
                int *nc = realloc(w.cand, (size_t)cand_cap * sizeof *nc);
                if (!nc)
                    goto fail;
                w.cand = nc;
            }
            w.cand[total++] = i;
        }
    }
    w.cand_off[nseg] = total;

    /* The walk. */
    for (int i = 0; i < z->n; i++) {
        w.weight[i] = s->items[z->items[i]].info.weight;
        w.campaign[i] = s->items[z->items[i]].campaign_id;
    }
    kz_us t = ds;
    int k = 0, prev_campaign = 0, rr_seg = -1;
    while (t < de) {
        while (w.cps[k + 1] <= t)
            k++;
        int c0 = w.cand_off[k], c1 = w.cand_off[k + 1];
        if (c0 == c1) {
            if (slot_push(&slots, &n, &cap, NULL, t, w.cps[k + 1]) < 0)
                goto fail;
            t = w.cps[k + 1];
            continue;
        }
        /* Smooth weighted round robin (swrr.h): every candidate earns its weight, the one
         * with the most credit airs and pays the sum. When that one would repeat the previous
         * campaign, the best candidate of another campaign goes instead if it is owed airtime
         * (credit > 0): the credits keep the shares, the campaigns interleave. */
        if (rr_seg != k) {
            if (rr_seg >= 0)
                kz_swrr_end(&w.rr);
            if (kz_swrr_begin(&w.rr, w.cand + c0, c1 - c0, w.credit, w.weight, w.campaign) < 0)
                goto fail;
            rr_seg = k;
        }
        int pick = kz_swrr_pick(&w.rr, prev_campaign);
        const sitem *si = &s->items[z->items[pick]];
        prev_campaign = si->campaign_id;

        kz_us end = t + si->info.duration;
        if (end > de)
            end = de;
        /* Cut where the item stops being eligible or an interrupt it is not part of starts. */
        for (int kk = k + 1; kk < nseg && w.cps[kk] < end; kk++) {
            if (!ivec_contains(&w.elig[pick], w.cps[kk]) ||
                (w.cand_interrupt[kk] &&
                 !in_sorted(w.cand + w.cand_off[kk], w.cand_off[kk + 1] - w.cand_off[kk], pick))) {
                end = w.cps[kk];
                break;
            }
        }
        if (slot_push(&slots, &n, &cap, si->item, t, end) < 0)
            goto fail;
        t = end;
    }
    if (!n && slot_push(&slots, &n, &cap, NULL, ds, de) < 0)
        goto fail;

    tl->day = day;
    tl->ds = ds;
    tl->de = de;
    tl->slots = slots;
    tl->cap = cap;
    tl->n = n;
    free(a.v);
    free(b.v);
    walk_free(&w, z->n);
    return 0;
fail:
    kz_log("schedule", KZ_LOG_ERROR, "out of memory while building the timeline");
    tl->slots = slots; /* still the entry's (kz_grow leaves it valid); tl->n = 0: no day */
    tl->cap = cap;
    free(a.v);
    free(b.v);
    walk_free(&w, z->n);
    return -1;
}

/* The player drops an item that fails (item->playable = 0): the timeline is then what it
 * would be without it. Cached days built with another set of items are thrown away. */
static void check_live(const kz_sched *s, zone *z)
{
    int changed = 0;
    for (int i = 0; i < z->n; i++) {
        sitem *si = &s->items[z->items[i]];
        if (si->live != (si->item->playable != 0)) {
            si->live = si->item->playable != 0;
            changed = 1;
        }
    }
    if (!changed)
        return;
    for (int k = 0; k < CACHE_DAYS; k++)
        z->cache[k].n = 0;
    z->standby.start = z->standby.end = 0;
}

static const day_tl *get_day(const kz_sched *s, int zi, int day)
{
    zone *z = &s->zones[zi];
    day_tl *victim = &z->cache[0];
    z->tick++;
    for (int i = 0; i < CACHE_DAYS; i++) {
        day_tl *d = &z->cache[i];
        if (d->n && d->day == day) {
            d->used = z->tick;
            return d;
        }
        if (!d->n || d->used < victim->used)
            victim = d;
    }
    if (build_day(s, z, day, victim) < 0)
        return NULL;
    victim->used = z->tick;
    return victim;
}

/* --- queries ------------------------------------------------------------------------------ */

/* live: look at the items' playable flags first (O(items)); a walk skips that after its
 * first slot. */
static int zone_at(const kz_model *m, int zi, kz_us now, kz_slot *slot, int live)
{
    const kz_sched *s = m ? m->sched : NULL;
    slot->item = NULL;
    slot->start = now;
    slot->end = now + KZ_US_PER_S;
    if (!s || zi < 0 || zi >= s->n_zones)
        return 0;
    zone *z = &s->zones[zi];
    if (live)
        check_live(s, z);
    if (z->standby.end > z->standby.start && now >= z->standby.start && now < z->standby.end) {
        *slot = z->standby;
        return 0;
    }
    /* A cached day holding now saves the local-time conversions. */
    const day_tl *tl = NULL;
    for (int k = 0; k < CACHE_DAYS && !tl; k++)
        if (z->cache[k].n && now >= z->cache[k].ds && now < z->cache[k].de)
            tl = &z->cache[k];
    int day = tl ? tl->day : kz_schedule_day_of(now);
    if (!tl && !(tl = get_day(s, zi, day)))
        return 0;
    size_t lo = 0, hi = tl->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tl->slots[mid].end <= now)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= tl->n)
        lo = tl->n - 1;
    *slot = tl->slots[lo];
    if (slot->item)
        return 0;
    /* Standby runs on over midnights until something is eligible, within blocks of
     * STANDBY_BLOCK_DAYS days (a fixed grid of civil days): the look-around is bounded and
     * the answer for any instant of the stretch is the same slot, so slots tile. */
    kz_slot sb = *slot;
    int b0 = day - (((day % STANDBY_BLOCK_DAYS) + STANDBY_BLOCK_DAYS) % STANDBY_BLOCK_DAYS);
    for (int d = day - 1; d >= b0 && sb.start == kz_schedule_wall(d + 1, 0); d--) {
        const day_tl *p = get_day(s, zi, d);
        if (!p || p->slots[p->n - 1].item)
            break;
        sb.start = p->slots[p->n - 1].start;
    }
    for (int d = day + 1; d < b0 + STANDBY_BLOCK_DAYS && sb.end == kz_schedule_wall(d, 0); d++) {
        const day_tl *nx = get_day(s, zi, d);
        if (!nx || nx->slots[0].item)
            break;
        sb.end = nx->slots[0].end;
    }
    z->standby = sb;
    *slot = sb;
    return 0;
}

int kz_schedule_zone_at(const kz_model *m, int zi, kz_us now, kz_slot *slot)
{
    return zone_at(m, zi, now, slot, 1);
}

int kz_schedule_zone_next(const kz_model *m, int zi, const kz_slot *cur, kz_slot *next)
{
    return zone_at(m, zi, cur->end, next, 1);
}

int kz_schedule_walk_next(const kz_model *m, int zi, const kz_slot *cur, kz_slot *next)
{
    return zone_at(m, zi, cur->end, next, 0);
}

int kz_schedule_at(const kz_model *m, kz_us now, kz_slot *slot)
{
    return zone_at(m, 0, now, slot, 1);
}

int kz_schedule_next(const kz_model *m, const kz_slot *cur, kz_slot *next)
{
    return zone_at(m, 0, cur->end, next, 1);
}

int kz_schedule_zone_count(const kz_model *m)
{
    const kz_sched *s = m ? m->sched : NULL;
    return s ? s->n_zones : 0;
}

const char *kz_schedule_zone_name(const kz_model *m, int zi)
{
    const kz_sched *s = m ? m->sched : NULL;
    return s && zi >= 0 && zi < s->n_zones ? s->zones[zi].name : NULL;
}

int kz_schedule_zone_find(const kz_model *m, const char *name)
{
    const kz_sched *s = m ? m->sched : NULL;
    for (int i = 0; s && i < s->n_zones; i++)
        if (!strcmp(s->zones[i].name, name))
            return i;
    return -1;
}

static const sitem *find_sitem(const kz_model *m, const kz_item *it)
{
    const kz_sched *s = m ? m->sched : NULL;
    if (!s || !it || it->index < 0 || (size_t)it->index >= s->n_model)
        return NULL;
    int i = s->by_model[it->index];
    return i < 0 ? NULL : &s->items[i];
}

int kz_schedule_info(const kz_model *m, const kz_item *it, kz_sched_info *out)
{
    const sitem *si = find_sitem(m, it);
    if (!si)
        return -1;
    *out = si->info;
    return 0;
}

int kz_schedule_eligible(const kz_model *m, const kz_item *it, kz_us t)
{
    const sitem *si = find_sitem(m, it);
    if (!si)
        return 0;
    int day = kz_schedule_day_of(t);
    dayconv c;
    dayconv_init(&c, day);
    kz_us ds = dayconv_wall(&c, day, 0), de = dayconv_wall(&c, day + 1, 0);
    ivec a = {0}, b = {0}, r = {0};
    int ok = rule_intervals(si->pl, &c, day, ds, de, &a) == 0 &&
             rule_intervals(&si->own, &c, day, ds, de, &b) == 0 &&
             ivec_intersect(&a, &b, &r) == 0 && ivec_contains(&r, t);
    free(a.v);
    free(b.v);
    free(r.v);
    return ok;
}

int kz_rules_allow(const kz_rules *r, kz_us t)
{
    int day = kz_schedule_day_of(t);
    dayconv c;
    dayconv_init(&c, day);
    kz_us ds = dayconv_wall(&c, day, 0), de = dayconv_wall(&c, day + 1, 0);
    ivec a = {0};
    int ok = rule_intervals(r, &c, day, ds, de, &a) == 0 && ivec_contains(&a, t);
    free(a.v);
    return ok;
}

/* --- compiling ---------------------------------------------------------------------------- */

static void sched_free(void *p)
{
    kz_sched *s = p;
    if (!s)
        return;
    for (size_t i = 0; i < s->n_pl; i++)
        kz_rules_free(&s->pl_rules[i]);
    for (int i = 0; i < s->n_items; i++)
        kz_rules_free(&s->items[i].own);
    for (int i = 0; i < s->n_zones; i++) {
        free(s->zones[i].name);
        free(s->zones[i].items);
        for (int k = 0; k < CACHE_DAYS; k++)
            free(s->zones[i].cache[k].slots);
    }
    free(s->zones);
    free(s->pl_rules);
    free(s->pl_bad);
    free(s->pl_zone);
    free(s->items);
    free(s->by_model);
    free(s->campaigns);
    free(s);
}

static int add_zone(kz_sched *s, const char *name)
{
    for (int i = 0; i < s->n_zones; i++)
        if (!strcmp(s->zones[i].name, name))
            return i;
    zone *nz = realloc(s->zones, (size_t)(s->n_zones + 1) * sizeof *nz);
    if (!nz)
        return -1;
    s->zones = nz;
    memset(&nz[s->n_zones], 0, sizeof *nz);
    nz[s->n_zones].name = strdup(name);
    if (!nz[s->n_zones].name)
        return -1;
    return s->n_zones++;
}

static int campaign_id(kz_sched *s, const char *name)
{
    if (!name)
        return 0;
    for (int i = 0; i < s->n_campaigns; i++)
        if (!strcmp(s->campaigns[i], name))
            return i + 1;
    char **nc = realloc(s->campaigns, (size_t)(s->n_campaigns + 1) * sizeof *nc);
    if (!nc)
        return -1;
    s->campaigns = nc;
    nc[s->n_campaigns++] = (char *)name;
    return s->n_campaigns;
}

int kz_schedule_compile(kz_model *m)
{
    int problems = 0;
    if (m->sched && m->sched_free)
        m->sched_free(m->sched);
    m->sched = NULL;
    m->sched_free = NULL;

    kz_sched *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->n_pl = m->n_playlists;
    s->n_model = m->n_items;
    s->pl_rules = calloc(s->n_pl ? s->n_pl : 1, sizeof *s->pl_rules);
    s->pl_bad = calloc(s->n_pl ? s->n_pl : 1, sizeof *s->pl_bad);
    s->pl_zone = calloc(s->n_pl ? s->n_pl : 1, sizeof *s->pl_zone);
    s->items = calloc(m->n_items ? m->n_items : 1, sizeof *s->items);
    s->by_model = malloc((m->n_items ? m->n_items : 1) * sizeof *s->by_model);
    if (!s->pl_rules || !s->pl_bad || !s->pl_zone || !s->items || !s->by_model)
        goto nomem;
    if (add_zone(s, "main") < 0)
        goto nomem;

    for (size_t p = 0; p < m->n_playlists; p++) {
        int bad = kz_rules_parse(&s->pl_rules[p], &m->playlists[p].params, 1);
        if (bad) {
            kz_log("schedule", KZ_LOG_INFO, /* the reasons were logged as errors */
                   "%s:%d: playlist '%s' is left out because of the schedule error(s) above",
                   m->playlists[p].file ? m->playlists[p].file : "?",
                   m->playlists[p].params.line, m->playlists[p].name);
            problems += bad;
            s->pl_bad[p] = 1;
        }
        const char *zn = s->pl_rules[p].zone ? s->pl_rules[p].zone : "main";
        if ((s->pl_zone[p] = add_zone(s, zn)) < 0)
            goto nomem;
    }

    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        s->by_model[i] = -1;
        sitem *si = &s->items[s->n_items];
        int bad = kz_rules_parse(&si->own, &it->params, 0);
        if (bad) {
            problems += bad;
            if (it->playable)
                kz_log("schedule", KZ_LOG_INFO, "%s:%d: item '%s' will not air (schedule error)",
                       it->params.file ? it->params.file : "?", it->params.line, it->id);
            it->playable = 0;
        }
        int p = it->playlist;
        if (!it->playable || p < 0 || (size_t)p >= m->n_playlists || s->pl_bad[p]) {
            if (p >= 0 && (size_t)p < m->n_playlists && s->pl_bad[p])
                it->playable = 0;
            kz_rules_free(&si->own);
            continue;
        }
        const kz_rules *pr = &s->pl_rules[p];
        si->item = it;
        si->pl = pr;
        kz_sched_info *in = &si->info;
        in->campaign = si->own.campaign ? si->own.campaign : pr->campaign;
        in->priority = si->own.has_priority ? si->own.priority
                       : pr->has_priority   ? pr->priority
                                            : 0;
        in->weight = si->own.has_weight ? si->own.weight : pr->has_weight ? pr->weight : 1;
        in->interrupt = si->own.has_interrupt ? si->own.interrupt
                        : pr->has_interrupt   ? pr->interrupt
                                              : 0;
        in->zone = s->pl_zone[p];
        in->duration = it->duration > 0 ? it->duration : KZ_SCHEDULE_DEFAULT_DURATION;
        if (in->duration < KZ_SCHEDULE_MIN_DURATION) {
            /* bounds the work and memory of a day: at most 172,800 slots */
            kz_log("schedule", KZ_LOG_WARN, "%s:%d: [%s]: a slot lasts at least 0.5 s; this "
                   "item gets 0.5 s", it->params.file ? it->params.file : "?",
                   kz_params_line(&it->params, "duration"), it->params.section);
            in->duration = KZ_SCHEDULE_MIN_DURATION;
        }
        if ((si->campaign_id = campaign_id(s, in->campaign)) < 0)
            goto nomem;
        si->live = 1;
        s->by_model[i] = s->n_items++;
    }

    for (int i = 0; i < s->n_items; i++) {
        zone *z = &s->zones[s->items[i].info.zone];
        int *ni = realloc(z->items, (size_t)(z->n + 1) * sizeof *ni);
        if (!ni)
            goto nomem;
        z->items = ni;
        z->items[z->n++] = i;
    }
    m->sched = s;
    m->sched_free = sched_free;
    return problems;
nomem:
    kz_log("schedule", KZ_LOG_ERROR, "out of memory while compiling the schedule");
    sched_free(s);
    return problems + 1;
}

/* --- kizuna check ------------------------------------------------------------------------- */

#define NEVER_SCAN_DAYS 10300 /* 28 years and a bit: every weekday meets every yearly date */

static const char *item_file(const sitem *si)
{
    return si->item->params.file ? si->item->params.file : "?";
}

/* The last day in [lo, hi] on which the item may air at all (dates, days, and windows that
 * meet), scanning the wall-clock axis (DST cannot make an empty intersection non-empty) from
 * hi down: an item without dates is found at once instead of after 10,300 days. Returns 1 and
 * sets *last, or 0 when there is no such day. */
static int scan_item_last_day(const sitem *si, int lo, int hi, int *last)
{
    dayconv wallc = {1, 0}; /* offset 0: instants are wall seconds */
    ivec a = {0}, b = {0}, r = {0};
    int n = 0;
    for (int day = hi; day >= lo && !n; day--) {
        if (!kz_rules_day_ok(si->pl, day) && !kz_rules_day_ok(si->pl, day - 1))
            continue;
        if (!kz_rules_day_ok(&si->own, day) && !kz_rules_day_ok(&si->own, day - 1))
            continue;
        kz_us ds = dayconv_wall(&wallc, day, 0), de = dayconv_wall(&wallc, day + 1, 0);
        if (rule_intervals(si->pl, &wallc, day, ds, de, &a) < 0 ||
            rule_intervals(&si->own, &wallc, day, ds, de, &b) < 0 ||
            ivec_intersect(&a, &b, &r) < 0)
            break;
        if (r.n) {
            *last = day;
            n = 1;
        }
    }
    free(a.v);
    free(b.v);
    free(r.v);
    return n;
}

static void abs_span(const kz_rules *r, int *lo, int *hi)
{
    if (!r->n_dates)
        return;
    int mn = INT_MAX, mx = INT_MIN;
    for (int i = 0; i < r->n_dates; i++) {
        if (r->dates[i].kind != KZ_DATES_ABSOLUTE)
            return; /* a yearly range: no bound from this section */
        if (r->dates[i].from < mn)
            mn = r->dates[i].from;
        if (r->dates[i].to > mx)
            mx = r->dates[i].to;
    }
    if (mn > *lo)
        *lo = mn;
    if (mx < *hi)
        *hi = mx;
}

static void fmt_civil(int day, char *out, size_t n)
{
    int y, m, d;
    kz_civil_from_days(day, &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
}

/* "Its dates are all in the past", once per campaign: a campaign that is over (last year's
 * demo, a campaign that has ended) is one line, not one per item. past[i] is the last day of
 * item i when all its days are before the checked range, else INT_MIN. Items without a
 * campaign are one line each. The line points at the campaign's first such item; --verbose
 * lists each item. */
static void warn_past(const kz_model *m, const int *past)
{
    const kz_sched *s = m->sched;
    char day[16];
    for (int i = 0; i < s->n_items; i++) {
        const sitem *si = &s->items[i];
        int cid = si->campaign_id, first = 1;
        if (past[i] == INT_MIN)
            continue;
        for (int k = 0; k < i && first && cid; k++)
            first = !(past[k] != INT_MIN && s->items[k].campaign_id == cid);
        if (!first)
            continue; /* this campaign's line is written */
        if (!cid) {
            fmt_civil(past[i], day, sizeof day);
            kz_log("schedule", KZ_LOG_WARN, "%s:%d: [%s]: its dates are all in the past (last "
                   "day %s)", item_file(si), si->item->params.line, si->item->params.section,
                   day);
            continue;
        }
        int n = 0, n_past = 0, last = past[i], full = 0;
        char names[160] = "";
        for (int k = 0; k < s->n_items; k++) {
            if (s->items[k].campaign_id != cid)
                continue;
            n++;
            if (past[k] == INT_MIN)
                continue;
            n_past++;
            if (past[k] > last)
                last = past[k];
            size_t len = strlen(names);
            const char *sec = s->items[k].item->params.section;
            if (full)
                continue;
            if (len + strlen(sec) + 10 < sizeof names) {
                snprintf(names + len, sizeof names - len, "%s[%s]", len ? ", " : "", sec);
            } else {
                snprintf(names + len, sizeof names - len, ", ...");
                full = 1;
            }
        }
        fmt_civil(last, day, sizeof day);
        if (n_past == n)
            kz_log("schedule", KZ_LOG_WARN, "%s:%d: campaign '%s': its dates are all in the past "
                   "(last day %s; %d item%s)", item_file(si), si->item->params.line,
                   s->campaigns[cid - 1], day, n, n == 1 ? "" : "s");
        else
            kz_log("schedule", KZ_LOG_WARN, "%s:%d: campaign '%s': %d of its %d items have dates "
                   "all in the past (last day %s): %s", item_file(si), si->item->params.line,
                   s->campaigns[cid - 1], n_past, n, day, names);
    }
}

int kz_schedule_check(const kz_model *m, kz_us from, kz_us to)
{
    const kz_sched *s = m ? m->sched : NULL;
    int errors = 0;
    if (!s || to <= from)
        return 0;
    int d0 = kz_schedule_day_of(from), d1 = kz_schedule_day_of(to - 1);
    char a[48], b[48];

    /* 1. Items whose dates, days and times never meet. */
    unsigned char *dead = calloc((size_t)(s->n_items ? s->n_items : 1), 1);
    long *plays = calloc((size_t)(s->n_items ? s->n_items : 1), sizeof *plays);
    unsigned char *elig_in_range = calloc((size_t)(s->n_items ? s->n_items : 1), 1);
    int *past = calloc((size_t)(s->n_items ? s->n_items : 1), sizeof *past);
    if (!dead || !plays || !elig_in_range || !past)
        goto done;
    for (int i = 0; i < s->n_items; i++)
        past[i] = INT_MIN;
    for (int i = 0; i < s->n_items; i++) {
        const sitem *si = &s->items[i];
        int lo = INT_MIN, hi = INT_MAX, last = 0;
        abs_span(si->pl, &lo, &hi);
        abs_span(&si->own, &lo, &hi);
        if (lo == INT_MIN && hi == INT_MAX) {
            lo = d0;
            hi = d0 + NEVER_SCAN_DAYS;
        } else if (lo == INT_MIN) {
            lo = hi - NEVER_SCAN_DAYS;
        } else if (hi == INT_MAX || hi - lo > 4 * NEVER_SCAN_DAYS) {
            hi = lo + NEVER_SCAN_DAYS;
        }
        if (!scan_item_last_day(si, lo, hi, &last)) {
            dead[i] = 1;
            kz_log("schedule", KZ_LOG_ERROR,
                   "%s:%d: [%s]: can never air: its dates, days and times (with those of "
                   "playlist '%s') never meet",
                   item_file(si), si->item->params.line, si->item->params.section,
                   m->playlists[si->item->playlist].name);
            errors++;
        } else if (last < d0) {
            fmt_civil(last, a, sizeof a);
            dead[i] = 1;
            past[i] = last;
            /* the detail (--verbose); the warning is one per campaign, below */
            kz_log("schedule", KZ_LOG_DEBUG, "%s:%d: [%s]: its dates are all in the past (last "
                   "day %s)", item_file(si), si->item->params.line, si->item->params.section, a);
        }
    }
    warn_past(m, past);

    /* 2. Interrupts whose windows overlap (same zone), 3. standby, 4. never on air. */
    for (int zi = 0; zi < s->n_zones; zi++) {
        zone *z = &s->zones[zi];
        int n_standby = 0;
        kz_us sb_start = -1, sb_total = 0;
        unsigned char *reported = NULL;
        int n_int = 0;
        for (int i = 0; i < z->n; i++)
            n_int += s->items[z->items[i]].info.interrupt;
        if (n_int > 1)
            reported = calloc((size_t)z->n * (size_t)z->n, 1);
        ivec *iv = calloc((size_t)(z->n ? z->n : 1), sizeof *iv);
        ivec ta = {0}, tb = {0};
        if (!iv)
            break;
        for (int day = d0; day <= d1; day++) {
            dayconv c;
            dayconv_init(&c, day);
            kz_us ds = dayconv_wall(&c, day, 0), de = dayconv_wall(&c, day + 1, 0);
            for (int i = 0; i < z->n; i++) {
                const sitem *si = &s->items[z->items[i]];
                if (rule_intervals(si->pl, &c, day, ds, de, &ta) < 0 ||
                    rule_intervals(&si->own, &c, day, ds, de, &tb) < 0 ||
                    ivec_intersect(&ta, &tb, &iv[i]) < 0)
                    goto zone_done;
                for (int k = 0; k < iv[i].n; k++)
                    if (iv[i].v[k].b > from && iv[i].v[k].a < to)
                        elig_in_range[z->items[i]] = 1;
            }
            for (int i = 0; reported && i < z->n; i++) {
                if (!s->items[z->items[i]].info.interrupt)
                    continue;
                for (int j = i + 1; j < z->n; j++) {
                    if (!s->items[z->items[j]].info.interrupt || reported[i * z->n + j])
                        continue;
                    ivec both = {0};
                    if (ivec_intersect(&iv[i], &iv[j], &both) == 0 && both.n) {
                        const sitem *x = &s->items[z->items[i]], *y = &s->items[z->items[j]];
                        kz_time_format(both.v[0].a, a, sizeof a);
                        /* Two interrupts of one campaign at one priority sharing a window are
                         * a planned rotation (the demo's ceremony notice and its countdown);
                         * across campaigns or priorities it is two announcements competing
                         * for the screen, which nobody plans. */
                        const char *cx = kz_item_campaign(m, x->item);
                        const char *cy = kz_item_campaign(m, y->item);
                        if (cx[0] && strcmp(cx, cy) == 0 &&
                            x->info.priority == y->info.priority) {
                            kz_log("schedule", KZ_LOG_WARN,
                                   "%s:%d: [%s]: interrupt takes turns with the interrupt [%s] "
                                   "(%s:%d) of the same campaign '%s' from %s",
                                   item_file(x), x->own.line_times, x->item->params.section,
                                   y->item->params.section, item_file(y), y->own.line_times, cx,
                                   a);
                            reported[i * z->n + j] = 1;
                            free(both.v);
                            continue;
                        }
                        kz_log("schedule", KZ_LOG_ERROR,
                               "%s:%d: [%s]: interrupt overlaps the interrupt [%s] (%s:%d) from "
                               "%s%s", item_file(x), x->own.line_times, x->item->params.section,
                               y->item->params.section, item_file(y), y->own.line_times, a,
                               x->info.priority != y->info.priority
                                   ? " (the higher priority one wins)"
                                   : " (they take turns)");
                        reported[i * z->n + j] = 1;
                        errors++;
                    }
                    free(both.v);
                }
            }
            const day_tl *tl = get_day(s, zi, day);
            if (!tl)
                break;
            for (size_t k = 0; k < tl->n; k++) {
                const kz_slot *sl = &tl->slots[k];
                if (sl->end <= from || sl->start >= to)
                    continue;
                if (sl->item) {
                    plays[s->by_model[sl->item->index]]++;
                    if (sb_start >= 0) {
                        kz_us st = sb_start > from ? sb_start : from;
                        sb_total += sl->start - st;
                        if (++n_standby <= 10) {
                            kz_time_format(st, a, sizeof a);
                            kz_time_format(sl->start, b, sizeof b);
                            kz_log("schedule", KZ_LOG_WARN, "zone %s: nothing eligible from %s "
                                   "to %s: the standby slide is shown", z->name, a, b);
                        }
                        sb_start = -1;
                    }
                } else if (sb_start < 0) {
                    sb_start = sl->start;
                }
            }
        }
        if (sb_start >= 0) {
            kz_us st = sb_start > from ? sb_start : from;
            sb_total += to - st;
            if (++n_standby <= 10) {
                kz_time_format(st, a, sizeof a);
                kz_time_format(to, b, sizeof b);
                kz_log("schedule", KZ_LOG_WARN, "zone %s: nothing eligible from %s to %s "
                       "(end of the checked range): the standby slide is shown", z->name, a, b);
            }
        }
        if (n_standby) {
            kz_time_format(from, a, sizeof a);
            kz_log("schedule", KZ_LOG_WARN, "zone %s: %d stretch(es) with nothing eligible, "
                   "%.1f h in all, in the %d days from %s%s", z->name, n_standby,
                   (double)sb_total / (3600.0 * KZ_US_PER_S), d1 - d0 + 1, a,
                   n_standby > 10 ? " (the first 10 are listed)" : "");
        }
    zone_done:
        for (int i = 0; i < z->n; i++)
            free(iv[i].v);
        free(iv);
        free(ta.v);
        free(tb.v);
        free(reported);
    }
    for (int i = 0; i < s->n_items; i++) {
        const sitem *si = &s->items[i];
        if (dead[i] || plays[i] || !elig_in_range[i])
            continue;
        kz_time_format(from, a, sizeof a);
        kz_log("schedule", KZ_LOG_WARN, "%s:%d: [%s]: eligible but never on air in the %d days "
               "from %s: items of a higher priority (or interrupts) always take its place",
               item_file(si), si->item->params.line, si->item->params.section, d1 - d0 + 1, a);
    }
done:
    free(dead);
    free(plays);
    free(elig_in_range);
    free(past);
    return errors;
}

const char *kz_item_campaign(const kz_model *m, const kz_item *it)
{
    kz_sched_info in;
    if (kz_schedule_info(m, it, &in) == 0)
        return in.campaign ? in.campaign : "";
    const kz_kv *kv = kz_params_find(&it->params, "campaign");
    if (!kv && it->playlist >= 0 && (size_t)it->playlist < m->n_playlists)
        kv = kz_params_find(&m->playlists[it->playlist].params, "campaign");
    return kv && kv->value ? kv->value : "";
}
