/* Drawing shared by the clock and countdown plugins (one line or block of text that changes
 * now and then): the zone's background, then the text texture centred vertically and aligned
 * horizontally inside a margin. Part of lib/ (linked by both plugins). */
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

/* The same keys as entries of a plugin's key table (kz_key, include/kizuna/plugin.h): a text
 * widget writes KZW_TEXT_KEY_TABLE inside its own table, so its reference and "did you mean"
 * list them with the defaults kzw_text_keys_read() gives. */
#define KZW_TEXT_KEY_TABLE                                                                    \
    {"color", "colour", "white", "#ffd400", "text colour"},                                   \
    {"background", "colour", "black", "#00000000", "fills the zone; #00000000 for none"},     \
    {"size", "integer 0-2000 (px)", "0: fit the zone", "96",                                  \
     "font size in pixels; 0 or absent: the largest size that fits the zone"},               \
    {"min_size", "integer 0-2000 (px)", "engine default (12)", "24",                          \
     "smallest font size auto-fit may choose"},                                               \
    {"margin", "integer 0-2000 (px)", "5 % of the zone's shorter side", "20",                 \
     "space around the text in pixels"},                                                      \
    {"bold", "yes|no", "yes", "no", "bold face"},                                             \
    {"align", "start|center|end", "center", "start",                                          \
     "horizontal alignment (vertically the text is centred)"}

/* The box the text is fitted into: rect minus the margin (the margin key, or 5 % of the
 * zone's shorter side when it is -1); no margin when the zone is smaller than two of them.
 * Returns the margin used. */
int kzw_text_box(const kzw_text_keys *k, const SDL_Rect *rect, int *box_w, int *box_h);

/* The text style of the keys at px (unwrapped; callers set box_w and spacing as they need). */
kz_text_style kzw_text_style(const kzw_text_keys *k, int px);

/* background.a == 0: no fill. tex may be NULL (nothing to show yet). */
void kzw_draw_textbox(SDL_Renderer *r, const SDL_Rect *rect, kz_color background,
                      SDL_Texture *tex, int tex_w, int tex_h, int align, int margin);
#endif
