/* The shared text engine: font chain (fonts/fonts.ini), per-run glyph fallback, line
 * breaking, rasterising. Every plugin that draws text uses it through the host API. */
#ifndef KZ_TEXT_H
#define KZ_TEXT_H
#include <stdint.h>

#include "kizuna/plugin.h"

typedef struct kz_fonts kz_fonts;

/* Load the chain from fonts.ini ([chain] regular = a.ttf, b.ttc, ... ; bold = ...).
 * Missing files are logged and skipped. Returns 0, or -1 when no usable font remains. */
int kz_fonts_load(const char *fonts_ini, kz_fonts **out);
void kz_fonts_free(kz_fonts **f);
/* First font file of a role's chain ("regular", "bold"); borrowed. */
const char *kz_fonts_path(const kz_fonts *f, const char *role);
/* First code point in utf8 that no font of the chain has (0 when all are covered). */
uint32_t kz_fonts_missing_glyph(kz_fonts *f, const char *utf8);

/* Lay out and rasterise into a new ARGB8888 surface (caller frees). NULL on failure. */
SDL_Surface *kz_text_render(kz_fonts *f, const char *utf8, const kz_text_style *style);
#endif
