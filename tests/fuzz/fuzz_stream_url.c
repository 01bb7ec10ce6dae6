/* libFuzzer target: the live stream's URL rules (plugins/video/streamurl.c): vs_url_check on
 * any bytes, and for every URL it accepts, the whitelist and the redaction into buffers of
 * every small size (NUL-terminated, within the buffer, never longer than the URL). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/video/streamurl.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = kz_fuzz_text(data, size, 0, VS_URL_MAX + 64);
    if (!url)
        return 0;
    char err[200];
    int s = vs_url_check(url, err, sizeof err);
    if (s < 0) {
        if (!memchr(err, 0, sizeof err) || !err[0])
            abort();
    } else {
        if (s < VS_HTTP || s > VS_RTMP || strlen(url) > VS_URL_MAX)
            abort();
        if (strstr(vs_url_whitelist(s), "file"))
            abort();
        char out[300];
        size_t cap = 1 + (size ? data[0] : 0) % sizeof out;
        vs_url_redact(url, out, cap);
        if (!memchr(out, 0, cap) || strlen(out) > strlen(url) + 4)
            abort();
    }
    (void)vs_backoff_us(size ? data[size - 1] : 0, (uint32_t)size * 2654435761u);
    free(url);
    return 0;
}
