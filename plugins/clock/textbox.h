/* Drawing shared by the clock and countdown plugins (one line or block of text that changes
 * now and then): the zone's background, then the text texture centred vertically and aligned
 * horizontally inside a margin. Compiled into both plugins (countdown/textbox_shared.c). */
#ifndef KZ_PLUGIN_TEXTBOX_H
#define KZ_PLUGIN_TEXTBOX_H
#include <kizuna/plugin.h>

/* background.a == 0: no fill. tex may be NULL (nothing to show yet). */
void kzw_draw_textbox(SDL_Renderer *r, const SDL_Rect *rect, kz_color background,
                      SDL_Texture *tex, int tex_w, int tex_h, int align, int margin);
#endif
