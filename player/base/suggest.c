/* "Did you mean": edit distance over a short list (a plugin's keys). */
#include "base/suggest.h"

#include <ctype.h>
#include <string.h>

#define MAX_WORD 64

int kz_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= MAX_WORD || lb >= MAX_WORD)
        return 1000;
    /* Three rows of the dynamic programme suffice for the swap rule. */
    int rows[3][MAX_WORD + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *kz_suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    int best_d = 3; /* at most 2 edits */
    int len = (int)strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        int d = kz_edit_distance(word, cands[i]);
        if (d < best_d && 2 * d < len) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}
