/* Smooth weighted round robin over the candidates of one timeline segment, in O(G + log n)
 * per pick instead of O(n) (G: distinct (weight, campaign) pairs among the n candidates).
 *
 * The picks are exactly those of the plain loop it replaces (schedule.c): every candidate
 * earns its weight, the one with the most credit airs (ties: the lowest index) and pays the
 * sum of the weights; when that one would repeat the previous campaign and a candidate of
 * another campaign has credit > 0, the best of those airs instead. Credits carry over from
 * segment to segment in the caller's array. */
#ifndef KZ_SWRR_H
#define KZ_SWRR_H
#include <stdint.h>

typedef struct kz_swrr_group {
    int64_t weight;
    int campaign;
    int off, n;          /* a max-heap in heap[off .. off+n) */
} kz_swrr_group;

typedef struct kz_swrr {
    int *heap;           /* candidate indices, grouped; owned */
    int64_t *base;       /* credit before the lazy weight * steps, by candidate index; borrowed */
    const int64_t *weight;   /* by candidate index; borrowed */
    const int *campaign;     /* by candidate index; borrowed */
    kz_swrr_group *groups;   /* owned */
    int n_groups, n, cap;
    int64_t steps;       /* picks since begin: every candidate earned weight * steps */
    int64_t sum;         /* sum of the candidates' weights */
    long compares;       /* comparisons made so far (tests count the work with it) */
} kz_swrr;

/* Start a segment with the n candidates cand[] (ascending). credit, weight and campaign are
 * indexed by candidate index and must outlive the segment; credit is read now and written
 * back by kz_swrr_end. Returns 0 or -1 (out of memory). */
int kz_swrr_begin(kz_swrr *r, const int *cand, int n, int64_t *credit, const int64_t *weight,
                  const int *campaign);
/* The next candidate to air after one of prev_campaign (0 = none). */
int kz_swrr_pick(kz_swrr *r, int prev_campaign);
/* Write the credits back (credit[i] += weight[i] * steps) and forget the segment. */
void kz_swrr_end(kz_swrr *r);
void kz_swrr_free(kz_swrr *r);
#endif
