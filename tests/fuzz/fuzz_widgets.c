/* libFuzzer target: the text parsers of the widget plugins — ISO 8601 instants and the clock
 * pattern (plugins/clock/wallclock.c), countdown templates (plugins/countdown/phase.c). The
 * first byte chooses what the rest is parsed as; the outputs are checked for NUL-termination
 * and length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/countdown/phase.h"
#include "wallclock.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        setenv("TZ", "Europe/Berlin", 1); /* a zone with DST */
        tzset();
        once = 1;
    }
    char *text = kz_fuzz_text(data, size, 1, 4096);
    if (!text)
        return 0;
    char out[64];
    size_t cap = 1 + data[0] % sizeof out; /* small buffers exercise the truncation */
    kzw_us t = 0;
    switch ((data[0] >> 6) & 3) {
    case 0:
        if (kzw_iso_parse(text, &t) == 0) {
            struct tm tm;
            kzw_local_tm(t, &tm);
        }
        break;
    case 1: {
        struct tm tm;
        kzw_local_tm((kzw_us)size * INT64_C(86400000000) * 37, &tm);
        int n = kzw_format(text, &tm, out, cap);
        if (n >= 0 && ((size_t)n >= cap || strlen(out) != (size_t)n))
            abort();
        kzw_format_check(text, NULL, NULL);
        break;
    }
    default: {
        kzw_countdown cd = {INT64_C(1737958200000000), INT64_C(1737959400000000),
                            INT64_C(1737990000000000), data[0] & 1};
        if ((data[0] >> 6) == 3)
            cd.end = KZW_CD_NONE;
        const char *bad = NULL;
        size_t bad_len = 0;
        int has_end = cd.end != KZW_CD_NONE;
        int ok = kzw_countdown_check(text, has_end, &bad, &bad_len, NULL) == 0;
        if (!ok && (bad < text || bad + bad_len > text + strlen(text)))
            abort();
        kzw_us now = cd.target - (kzw_us)(data[0] % 7) * INT64_C(43200000000);
        int n = kzw_countdown_expand(text, &cd, now, out, cap);
        if (ok != (n >= 0))
            abort(); /* check and expand must agree */
        if (n >= 0 && ((size_t)n >= cap || strlen(out) != (size_t)n))
            abort();
        kzw_countdown_phase(&cd, now);
        break;
    }
    }
    free(text);
    return 0;
}
