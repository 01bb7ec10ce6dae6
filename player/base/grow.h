/* Growable arrays: one helper for the "double the capacity when full" step that every push
 * site needs, so each site says only what it grows. */
#ifndef KZ_GROW_H
#define KZ_GROW_H
#include <stddef.h>

/* Make *cap at least need elements of size elem in the array whose pointer is at items (a
 * T ** passed as void *): the capacity doubles from first (at least need). 0, or -1 when out
 * of memory or the size would overflow; then the array and *cap are unchanged (still owned by
 * the caller, who frees it as before). */
int kz_grow(void *items, size_t *cap, size_t need, size_t elem, size_t first);
#endif
