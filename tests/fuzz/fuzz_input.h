/* What the libFuzzer targets share: the input as a C string. */
#ifndef KZ_FUZZ_INPUT_H
#define KZ_FUZZ_INPUT_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The input after its first skip bytes (a selector the target reads itself), as a malloc'd
 * NUL-terminated string; NULL when the input is shorter than skip or longer than max (the
 * target then returns 0). The caller frees. */
static inline char *kz_fuzz_text(const uint8_t *data, size_t size, size_t skip, size_t max)
{
    if (size < skip || size > max)
        return NULL;
    char *text = malloc(size - skip + 1);
    if (!text)
        return NULL;
    memcpy(text, data + skip, size - skip);
    text[size - skip] = 0;
    return text;
}
#endif
