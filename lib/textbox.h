/* Drawing shared by the clock and countdown plugins (one line or block of text that changes
 * now and then): the zone's background, then the text texture centred vertically and aligned
 * horizontally inside a margin. Compiled into both plugins (countdown/textbox_shared.c). */
#ifndef KZ_PLUGIN_TEXTBOX_H
#define KZ_PLUGIN_TEXTBOX_H
#include <kizuna/plugin.h>

/* The keys every text widget has, with the same defaults: white bold text, centred, on black,
 * a margin of 5 % of the zone's shorter side (-1), the size fitted to the zone (0). */
typedef struct kzw_text_keys {
    kz_color color, background;
    long size, min_size, margin;
    int bold, align;
} kzw_text_keys;

/* Fill k with the defaults, then read color, background, size, min_size, margin, bold and
 * align. Nonzero when a value was bad (already reported with file:line by the host). */
int kzw_text_keys_read(kz_host *host, kzw_text_keys *k);

/* background.a == 0: no fill. tex may be NULL (nothing to show yet). */
void kzw_draw_textbox(SDL_Renderer *r, const SDL_Rect *rect, kz_color background,
                      SDL_Texture *tex, int tex_w, int tex_h, int align, int margin);
#endif
