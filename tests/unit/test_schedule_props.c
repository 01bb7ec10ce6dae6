/* Property tests over random schedules (fixed seeds, so a failure reproduces): the timeline
 * never overlaps and has no holes, something airs at every second where something is
 * eligible and only eligible items air, priorities and interrupts are respected, items are
 * cut only for a reason, and weights hold to within one play per cycle. The oracle below
 * reads the wall clock directly (Asia/Tokyo has no DST), independently of schedule.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sched_helpers.h"

#define MAXW 3
typedef struct gen_rules {
    int has_dates, d1, d2; /* civil days */
    unsigned days;
    int nw, from[MAXW], to[MAXW]; /* seconds; to <= from: across midnight */
} gen_rules;

typedef struct gen_item {
    gen_rules r;
    int pl;
    long priority, weight, dur;
    int interrupt, campaign; /* 0 none, 1 A, 2 B */
} gen_item;

static uint64_t rng;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static int rn(int n) { return (int)(rnd() % (uint32_t)n); }

static const int DAY0 = 20120; /* 2025-02-01, a Saturday */
#define NDAYS 3

static void gen_rules_random(gen_rules *r, int interrupt)
{
    memset(r, 0, sizeof *r);
    r->days = KZ_DAYS_ALL;
    if (rn(4) == 0) {
        r->has_dates = 1;
        r->d1 = DAY0 - 1 + rn(4);
        r->d2 = r->d1 + rn(3);
    }
    if (rn(4) == 0)
        r->days = 1u + (unsigned)rn(127);
    if (interrupt || rn(2)) {
        r->nw = 1 + rn(interrupt ? 1 : MAXW);
        for (int i = 0; i < r->nw; i++) {
            r->from[i] = rn(24 * 60) * 60;
            int len = interrupt ? (1 + rn(20)) * 60 : (1 + rn(12 * 60)) * 60;
            r->to[i] = r->from[i] + len;
            if (r->to[i] > 86400)
                r->to[i] -= 86400; /* across midnight (or ends at 24:00 when exactly 0) */
            if (r->to[i] == 0)
                r->to[i] = 86400;
        }
    }
}

static void put_rules(char *buf, size_t n, const gen_rules *r)
{
    size_t l = strlen(buf);
    if (r->has_dates) {
        int y1, m1, d1, y2, m2, d2;
        kz_civil_from_days(r->d1, &y1, &m1, &d1);
        kz_civil_from_days(r->d2, &y2, &m2, &d2);
        l += (size_t)snprintf(buf + l, n - l, "dates = %04d-%02d-%02d..%04d-%02d-%02d\n", y1, m1,
                              d1, y2, m2, d2);
    }
    if (r->days != KZ_DAYS_ALL) {
        static const char *nm[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        l += (size_t)snprintf(buf + l, n - l, "days =");
        for (int i = 0; i < 7; i++)
            if (r->days & (1u << i))
                l += (size_t)snprintf(buf + l, n - l, " %s", nm[i]);
        l += (size_t)snprintf(buf + l, n - l, "\n");
    }
    if (r->nw) {
        l += (size_t)snprintf(buf + l, n - l, "times =");
        for (int i = 0; i < r->nw; i++)
            l += (size_t)snprintf(buf + l, n - l, "%s %02d:%02d-%02d:%02d", i ? "," : "",
                                  r->from[i] / 3600, r->from[i] / 60 % 60, r->to[i] / 3600,
                                  r->to[i] / 60 % 60);
        snprintf(buf + l, n - l, "\n");
    }
}

static int day_ok(const gen_rules *r, int day)
{
    if (r->has_dates && (day < r->d1 || day > r->d2))
        return 0;
    return (r->days >> kz_weekday(day)) & 1u;
}

static int rules_ok(const gen_rules *r, kz_us t)
{
    int64_t w = t / KZ_US_PER_S + 9 * 3600; /* Tokyo wall seconds */
    int day = (int)(w / 86400), secs = (int)(w % 86400);
    if (!r->nw)
        return day_ok(r, day);
    for (int i = 0; i < r->nw; i++) {
        if (r->to[i] > r->from[i]) {
            if (day_ok(r, day) && secs >= r->from[i] && secs < r->to[i])
                return 1;
        } else if ((day_ok(r, day) && secs >= r->from[i]) || (day_ok(r, day - 1) && secs < r->to[i])) {
            return 1;
        }
    }
    return 0;
}

typedef struct world {
    gen_rules pl[2];
    gen_item it[12];
    int n;
} world;

static int elig(const world *wd, int i, kz_us t)
{
    return rules_ok(&wd->pl[wd->it[i].pl], t) && rules_ok(&wd->it[i].r, t);
}

/* The items allowed to start at t: the eligible interrupts of the highest priority, else the
 * eligible items of the highest priority. Returns a bit mask (0: nothing eligible). */
static unsigned allowed(const world *wd, kz_us t, int *interrupt)
{
    unsigned mask = 0;
    long best = 0;
    int any_int = 0, have = 0;
    for (int i = 0; i < wd->n; i++)
        if (elig(wd, i, t) && wd->it[i].interrupt)
            any_int = 1;
    for (int i = 0; i < wd->n; i++) {
        if (!elig(wd, i, t) || (any_int && !wd->it[i].interrupt))
            continue;
        if (!have || wd->it[i].priority > best) {
            best = wd->it[i].priority;
            mask = 0;
            have = 1;
        }
        if (wd->it[i].priority == best)
            mask |= 1u << i;
    }
    *interrupt = any_int;
    return mask;
}

static kz_model *make_world(world *wd)
{
    char text[8192];
    kz_model *m = calloc(1, sizeof *m);
    memset(wd, 0, sizeof *wd);
    for (int p = 0; p < 2; p++) {
        if (rn(3) == 0)
            gen_rules_random(&wd->pl[p], 0);
        else
            wd->pl[p].days = KZ_DAYS_ALL;
    }
    wd->n = 2 + rn(10);
    for (int p = 0; p < 2; p++) {
        strcpy(text, "[playlist]\n");
        put_rules(text, sizeof text, &wd->pl[p]);
        for (int i = 0; i < wd->n; i++) {
            gen_item *g = &wd->it[i];
            if (p == 0) {
                g->pl = rn(2);
                g->interrupt = rn(10) == 0;
                gen_rules_random(&g->r, g->interrupt);
                g->priority = rn(3);
                g->weight = 1 + rn(4);
                g->dur = 5 + rn(300);
                g->campaign = rn(3);
            }
            if (g->pl != p)
                continue;
            size_t l = strlen(text);
            snprintf(text + l, sizeof text - l,
                     "[i%d]\nduration = %ld\npriority = %ld\nweight = %ld\ninterrupt = %s\n%s%s%s",
                     i, g->dur, g->priority, g->weight, g->interrupt ? "yes" : "no",
                     g->campaign ? "campaign = " : "", g->campaign == 1 ? "A" : g->campaign == 2 ? "B" : "",
                     g->campaign ? "\n" : "");
            put_rules(text, sizeof text, &g->r);
        }
        sh_add(m, p ? "q" : "p", text);
    }
    assert_int_equal(kz_schedule_compile(m), 0);
    return m;
}

/* Model item index -> generated index: items are "p/iN" / "q/iN". */
static int gidx(const kz_item *it)
{
    return atoi(strrchr(it->id, 'i') + 1);
}

static void test_random_timelines(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    for (int seed = 1; seed <= 120; seed++) {
        rng = 0x9e3779b97f4a7c15ull * (uint64_t)seed;
        world wd;
        kz_model *m = make_world(&wd);
        kz_us from = kz_schedule_wall(DAY0, 0), to = kz_schedule_wall(DAY0 + NDAYS, 0);
        kz_slot s;
        kz_schedule_at(m, from, &s);
        assert_true(s.start == from || (!s.item && s.start < from)); /* standby runs on */
        kz_us prev_end = s.start;
        while (s.start < to) {
            /* contiguous, no overlaps, non-empty */
            if (s.start != prev_end || s.end <= s.start)
                fail_msg("seed %d: slot [%lld, %lld) after %lld", seed, (long long)s.start,
                         (long long)s.end, (long long)prev_end);
            int intr;
            unsigned ok = allowed(&wd, s.start, &intr);
            if (!s.item) {
                /* standby: nothing eligible anywhere inside. Every rule edge is on a whole
                 * minute, so the start and each whole minute inside cover every second. */
                for (kz_us t = s.start; t < s.end && t < to;
                     t = (t / (60 * KZ_US_PER_S) + 1) * 60 * KZ_US_PER_S) {
                    unsigned a = allowed(&wd, t, &intr);
                    if (a)
                        fail_msg("seed %d: standby at %lld but items %#x eligible", seed,
                                 (long long)t, a);
                }
            } else {
                int g = gidx(s.item);
                /* it may start: highest priority (interrupts first) at its start */
                if (!((ok >> g) & 1u))
                    fail_msg("seed %d: %s starts at %lld, allowed %#x", seed, s.item->id,
                             (long long)s.start, ok);
                /* eligible throughout; pre-empted at once by an interrupt it is not part of
                 * (the start and every whole minute inside: exhaustive, as above) */
                for (kz_us t = s.start; t < s.end;
                     t = (t / (60 * KZ_US_PER_S) + 1) * 60 * KZ_US_PER_S) {
                    if (!elig(&wd, g, t))
                        fail_msg("seed %d: %s on air at %lld while not eligible", seed,
                                 s.item->id, (long long)t);
                    unsigned a = allowed(&wd, t, &intr);
                    if (intr && !((a >> g) & 1u))
                        fail_msg("seed %d: interrupt %#x not on air at %lld", seed, a,
                                 (long long)t);
                }
                /* never longer than the item; cut short only for a reason: midnight,
                 * eligibility, an interrupt */
                if (s.end > s.start + wd.it[g].dur * KZ_US_PER_S)
                    fail_msg("seed %d: %s runs %lld s, longer than its %ld s", seed, s.item->id,
                             (long long)((s.end - s.start) / KZ_US_PER_S), wd.it[g].dur);
                if (s.end < s.start + wd.it[g].dur * KZ_US_PER_S) {
                    unsigned a = allowed(&wd, s.end, &intr);
                    int midnight = (s.end / KZ_US_PER_S + 9 * 3600) % 86400 == 0;
                    if (!midnight && elig(&wd, g, s.end) && !(intr && !((a >> g) & 1u)))
                        fail_msg("seed %d: %s cut at %lld for no reason", seed, s.item->id,
                                 (long long)s.end);
                }
            }
            prev_end = s.end;
            kz_schedule_next(m, &s, &s);
        }
        kz_model_free(m);
        free(m);
    }
}

/* A constant set: after every whole cycle (sum of weights plays) each item has its weight's
 * share to within one play, with and without campaigns. */
static void test_random_weights(void **state)
{
    (void)state;
    kz_tz_set("Asia/Tokyo");
    int worst = 0;
    for (int seed = 1; seed <= 200; seed++) {
        rng = 0x2545f4914f6cdd1dull * (uint64_t)seed;
        int n = 2 + rn(8), with_campaigns = seed % 2;
        long w[10], W = 0;
        char text[4096] = "";
        for (int i = 0; i < n; i++) {
            w[i] = 1 + rn(5);
            W += w[i];
            size_t l = strlen(text);
            int c = with_campaigns ? rn(3) : 0;
            snprintf(text + l, sizeof text - l, "[i%d]\nduration = %d\nweight = %ld\n%s%s%s", i,
                     1 + rn(30), w[i], c ? "campaign = " : "", c == 1 ? "A" : c == 2 ? "B" : "",
                     c ? "\n" : "");
        }
        kz_model *m = calloc(1, sizeof *m);
        sh_add(m, "p", text);
        assert_int_equal(kz_schedule_compile(m), 0);
        long plays[10] = {0};
        kz_slot s;
        kz_schedule_at(m, kz_schedule_wall(DAY0, 0), &s);
        for (long k = 1; k <= 40 * W; k++) {
            plays[s.item->index]++;
            if (k % W == 0)
                for (int i = 0; i < n; i++) {
                    long dev = labs(plays[i] - k / W * w[i]);
                    if (dev > worst)
                        worst = (int)dev;
                    if (dev > 1)
                        fail_msg("seed %d (campaigns %d): item %d weight %ld: %ld plays after "
                                 "%ld cycles", seed, with_campaigns, i, w[i], plays[i], k / W);
                }
            kz_schedule_next(m, &s, &s);
        }
        kz_model_free(m);
        free(m);
    }
    print_message("worst deviation at a cycle end: %d play(s)\n", worst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_timelines),
        cmocka_unit_test(test_random_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
