#include "base/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int kz_grow(void *items, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : (first ? first : 1);
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return -1;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        return -1;
    void *old;
    memcpy(&old, items, sizeof old); /* items points at a T *: copy, do not alias */
    void *q = realloc(old, nc * elem);
    if (!q)
        return -1;
    memcpy(items, &q, sizeof q);
    *cap = nc;
    return 0;
}
