/* "Did you mean": the closest of a few known words to a misspelt one (edit distance). */
#ifndef KZ_SUGGEST_H
#define KZ_SUGGEST_H
#include <stddef.h>

/* Optimal string alignment distance (insertions, deletions, substitutions and swaps of two
 * neighbouring bytes each cost 1), ASCII case folded. Words longer than 63 bytes: a large
 * number. */
int kz_edit_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough to be what was meant: at
 * most 2 edits, and fewer edits than half the word's length (so "x" does not suggest "z").
 * A tie goes to the earlier candidate. */
const char *kz_suggest(const char *word, const char *const *cands, size_t n);
#endif
