/* Smooth weighted round robin with lazy credits (see swrr.h). Within one (weight, campaign)
 * group every candidate earns the same each step, so the order inside the group changes only
 * for the one that airs: a max-heap per group keyed by (base credit desc, index asc) keeps
 * the group's best at its top. The walk of a day with 10,000 one-second items makes 86,400
 * picks; the plain loop scanned all candidates for each (docs/performance.md, "check"). */
#include "model/swrr.h"

#include <stdlib.h>
#include <string.h>

/* 1 when candidate a goes before b inside one group. */
static int before(kz_swrr *r, int a, int b)
{
    r->compares++;
    return r->base[a] > r->base[b] || (r->base[a] == r->base[b] && a < b);
}

static void sift_down(kz_swrr *r, int *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, best = i;
        if (l < n && before(r, h[l], h[best]))
            best = l;
        if (l + 1 < n && before(r, h[l + 1], h[best]))
            best = l + 1;
        if (best == i)
            return;
        int t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

static int cmp_group(const void *pa, const void *pb, void *ctx)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    const kz_swrr *r = ctx;
    if (r->weight[a] != r->weight[b])
        return r->weight[a] < r->weight[b] ? -1 : 1;
    if (r->campaign[a] != r->campaign[b])
        return r->campaign[a] < r->campaign[b] ? -1 : 1;
    return (a > b) - (a < b);
}

int kz_swrr_begin(kz_swrr *r, const int *cand, int n, int64_t *credit, const int64_t *weight,
                  const int *campaign)
{
    if (n > r->cap) {
        int *h = realloc(r->heap, (size_t)n * sizeof *h);
        kz_swrr_group *g = h ? realloc(r->groups, (size_t)n * sizeof *g) : NULL;
        if (h)
            r->heap = h;
        if (!g)
            return -1;
        r->groups = g;
        r->cap = n;
    }
    r->base = credit;
    r->weight = weight;
    r->campaign = campaign;
    r->n = n;
    r->steps = 0;
    r->sum = 0;
    r->n_groups = 0;
    memcpy(r->heap, cand, (size_t)n * sizeof *cand);
    qsort_r(r->heap, (size_t)n, sizeof *r->heap, cmp_group, r);
    for (int i = 0; i < n; i++) {
        int c = r->heap[i];
        r->sum += weight[c];
        kz_swrr_group *g = r->n_groups ? &r->groups[r->n_groups - 1] : NULL;
        if (!g || g->weight != weight[c] || g->campaign != campaign[c]) {
            g = &r->groups[r->n_groups++];
            g->weight = weight[c];
            g->campaign = campaign[c];
            g->off = i;
            g->n = 0;
        }
        g->n++;
    }
    for (int k = 0; k < r->n_groups; k++) {
        kz_swrr_group *g = &r->groups[k];
        for (int i = g->n / 2 - 1; i >= 0; i--)
            sift_down(r, r->heap + g->off, g->n, i);
    }
    return 0;
}

/* 1 when the top of group a goes before the top of group b (their credits now). */
static int top_before(kz_swrr *r, const kz_swrr_group *a, const kz_swrr_group *b)
{
    r->compares++;
    int x = r->heap[a->off], y = r->heap[b->off];
    int64_t cx = r->base[x] + a->weight * r->steps, cy = r->base[y] + b->weight * r->steps;
    return cx > cy || (cx == cy && x < y);
}

int kz_swrr_pick(kz_swrr *r, int prev_campaign)
{
    r->steps++;
    const kz_swrr_group *pick = NULL, *alt = NULL;
    for (int k = 0; k < r->n_groups; k++) {
        const kz_swrr_group *g = &r->groups[k];
        if (!pick || top_before(r, g, pick))
            pick = g;
        if ((!prev_campaign || g->campaign != prev_campaign) && (!alt || top_before(r, g, alt)))
            alt = g;
    }
    if (prev_campaign && pick->campaign == prev_campaign && alt &&
        r->base[r->heap[alt->off]] + alt->weight * r->steps > 0)
        pick = alt;
    int c = r->heap[pick->off];
    r->base[c] -= r->sum;
    sift_down(r, r->heap + pick->off, pick->n, 0);
    return c;
}

void kz_swrr_end(kz_swrr *r)
{
    for (int i = 0; i < r->n; i++) {
        int c = r->heap[i];
        r->base[c] += r->weight[c] * r->steps;
    }
    r->n = r->n_groups = 0;
    r->steps = 0;
}

void kz_swrr_free(kz_swrr *r)
{
    free(r->heap);
    free(r->groups);
    memset(r, 0, sizeof *r);
}
