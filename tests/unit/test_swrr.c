/* The round robin of the timeline walk (model/swrr.h): the same picks as the plain loop it
 * replaced, and work per pick that grows with log n, not n (300 one-second items made
 * kizuna check take 22 s: every one of the 86,400 picks of a day scanned every candidate). */
#include <stdint.h>
#include <stdlib.h>

#include "model/swrr.h"
#include "kz_test.h"

/* The loop schedule.c had before swrr.c, kept here as the reference. */
static int plain_pick(const int *cand, int n, int64_t *credit, const int64_t *weight,
                      const int *campaign, int prev)
{
    int64_t sum = 0;
    int pick = -1, alt = -1;
    for (int j = 0; j < n; j++) {
        int i = cand[j];
        credit[i] += weight[i];
        sum += weight[i];
        if (pick < 0 || credit[i] > credit[pick])
            pick = i;
        if ((!prev || campaign[i] != prev) && (alt < 0 || credit[i] > credit[alt]))
            alt = i;
    }
    if (prev && campaign[pick] == prev && alt >= 0 && credit[alt] > 0)
        pick = alt;
    credit[pick] -= sum;
    return pick;
}

static void test_same_picks(void **state)
{
    (void)state;
    enum { N = 60 };
    int64_t weight[N], c1[N] = {0}, c2[N] = {0};
    int campaign[N], cand[N];
    srand(7);
    for (int i = 0; i < N; i++) {
        weight[i] = 1 + rand() % 4;
        campaign[i] = rand() % 5; /* 0 = none */
    }
    kz_swrr r = {0};
    int prev1 = 0, prev2 = 0;
    /* Segments with changing candidate sets; credits carry over between them. */
    for (int seg = 0; seg < 200; seg++) {
        int n = 0;
        for (int i = 0; i < N; i++)
            if (rand() % 3)
                cand[n++] = i;
        if (!n)
            cand[n++] = seg % N;
        assert_int_equal(kz_swrr_begin(&r, cand, n, c2, weight, campaign), 0);
        int picks = 1 + rand() % 300;
        for (int p = 0; p < picks; p++) {
            int a = plain_pick(cand, n, c1, weight, campaign, prev1);
            int b = kz_swrr_pick(&r, prev2);
            assert_int_equal(a, b);
            prev1 = campaign[a];
            prev2 = campaign[b];
        }
        kz_swrr_end(&r);
        for (int i = 0; i < N; i++)
            assert_true(c1[i] == c2[i]);
    }
    kz_swrr_free(&r);
}

static void test_work_is_logarithmic(void **state)
{
    (void)state;
    enum { N = 10000, PICKS = 86400 };
    int64_t *weight = calloc(N, sizeof *weight), *credit = calloc(N, sizeof *credit);
    int *campaign = calloc(N, sizeof *campaign), *cand = calloc(N, sizeof *cand);
    assert_non_null(weight && credit && campaign && cand);
    for (int i = 0; i < N; i++) {
        weight[i] = 1 + i % 2;       /* two weights, three campaigns: 6 groups */
        campaign[i] = 1 + i % 3;
        cand[i] = i;
    }
    kz_swrr r = {0};
    assert_int_equal(kz_swrr_begin(&r, cand, N, credit, weight, campaign), 0);
    long before = r.compares;
    int prev = 0;
    for (int p = 0; p < PICKS; p++)
        prev = campaign[kz_swrr_pick(&r, prev)];
    long per_pick = (r.compares - before) / PICKS;
    /* 2 * 6 group tops + 2 * log2(10000 / 6) sift-down steps: about 34; the plain loop made
     * 10,000 per pick. */
    assert_true(per_pick < 60);
    kz_swrr_end(&r);
    kz_swrr_free(&r);
    free(weight);
    free(credit);
    free(campaign);
    free(cand);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_picks),
        cmocka_unit_test(test_work_is_logarithmic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
