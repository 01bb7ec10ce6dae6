/* libFuzzer target: the text engine's markup parsing, line breaking and auto-fit (player/text.c)
 * with made-up widths. The first byte sets the box width and the size; the rest is the text.
 * Checked: every line fits the box unless the layout says it forced a break, glyphs lie inside
 * their line, the block height matches its lines; kz_text_markup_check (what the host refuses
 * in text keys) blames a byte inside the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "host/text.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int advance(void *ctx, int font, uint32_t cp, int px, int bold)
{
    (void)ctx, (void)font, (void)bold;
    return cp >= 0x2E80 ? px : cp < 0x20 ? 0 : px / 2 + (int)(cp % 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        kz_log_set_level(-1);
        once = 1;
    }
    char *text = kz_fuzz_text(data, size, 1, 16384);
    if (!text)
        return 0;
    /* The host's check of text keys: a refusal names a byte inside the text. */
    size_t len = strlen(text), at = 0;
    const char *why = NULL;
    int rc = kz_text_markup_check(text, len, data[0] & 1, &at, &why);
    if (rc != 0 && (rc != -1 || at >= len || !why))
        abort();
    int box_w = (data[0] & 0x0F) * 20; /* 0 (no wrapping) .. 300 */
    int px = 4 + (data[0] >> 4) * 3;
    kz_text_measure m = {NULL, NULL, advance};
    kz_text_layout l;
    if (kz_text_lay_out(text, px, box_w, 0, 0, &m, &l) == 0) {
        int bottom = 0;
        for (size_t i = 0; i < l.n_lines; i++) {
            const kz_text_line *ln = &l.lines[i];
            if (ln->first + ln->count > l.n_glyphs)
                abort();
            if (box_w > 0 && ln->width > box_w && l.forced == 0)
                abort();
            if (ln->top < bottom)
                abort();
            bottom = ln->top + l.ruby_band + l.pitch;
            char buf[64];
            if (kz_text_layout_line(&l, i, buf, sizeof buf) < 0)
                abort();
        }
        if (l.n_lines && l.height != bottom)
            abort();
        kz_text_layout_free(&l);
    }
    if (box_w > 0) {
        int fit = kz_text_fit(text, box_w, 120, 6, 60, 0, 0, &m);
        if (fit < 6 || fit > 60)
            abort();
    }
    free(text);
    return 0;
}
