/* libFuzzer target: what a fetched document goes through before it reaches the screen. The
 * first byte picks the reader: RSS/Atom (lib/feedparse.c), the text clean-up and markup
 * escaping, or the JSON / CSV field picker (lib/datapick.c, the path on the input's first
 * line, "today" = 2025-03-10). Checked: every headline and picked text is valid UTF-8 without
 * control characters and within its limit; escaped text has no unescaped markup character. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "datapick.h"
#include "feedparse.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void valid_text(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max)
        abort();
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            abort();
        size_t l = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!l || i + l > n)
            abort();
        for (size_t k = 1; k < l; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                abort();
        i += l;
    }
}

static void escaped(const char *e)
{
    for (size_t i = 0; e[i]; i++) {
        if (e[i] == '\\') {
            if (!e[i + 1])
                abort();
            i++;
        } else if (e[i] == '{' || e[i] == '}' || e[i] == '|' || (i == 0 && e[i] == '-')) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        kz_log_set_level(-1);
        kz_feed_init();
        once = 1;
    }
    char *text = kz_fuzz_text(data, size, 1, 1 << 20);
    if (!text)
        return 0;
    size_t len = size - 1; /* may hold NUL bytes: the readers take a length */
    char why[200];
    switch (data[0] % 4) {
    case 0: {
        kz_feed_items it;
        if (kz_feed_parse(text, len, &it, why, sizeof why) == 0) {
            if (it.n > KZ_FEED_MAX_ITEMS)
                abort();
            for (int i = 0; i < it.n; i++) {
                valid_text(it.text[i], KZ_FEED_MAX_TEXT);
                char *e = kz_feed_escape_markup(it.text[i]);
                escaped(e);
                free(e);
            }
            kz_feed_items_free(&it);
        } else if (!why[0]) {
            abort();
        }
        break;
    }
    case 1: {
        char *t = kz_feed_plain_text(text, len, 64 + data[0]);
        valid_text(t, 64 + data[0]);
        char *e = kz_feed_escape_markup(t);
        escaped(e);
        free(e);
        free(t);
        break;
    }
    default: {
        int kind = data[0] % 4 == 2 ? KZ_DATA_JSON : KZ_DATA_CSV;
        char *nl = memchr(text, '\n', len);
        if (!nl)
            break;
        *nl = 0;
        const char *doc = nl + 1;
        size_t dl = len - (size_t)(doc - text);
        char *out = NULL;
        kz_data_valid(kind, doc, dl, why, sizeof why);
        if (kz_data_pick(kind, doc, dl, text, "2025-03-10", &out, why, sizeof why) == 0) {
            if (!out || strlen(out) > KZ_DATA_MAX_TEXT)
                abort();
            char *t = kz_feed_plain_text(out, strlen(out), KZ_DATA_MAX_TEXT);
            valid_text(t, KZ_DATA_MAX_TEXT);
            free(t);
        } else if (out || !why[0]) {
            abort();
        }
        free(out);
        break;
    }
    }
    free(text);
    return 0;
}
