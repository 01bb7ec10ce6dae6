/* Legibility checks of `kizuna check` (check_legibility.c): contrast of every text colour
 * against its background, character height for the screen's size and viewing distance,
 * reading time of notices and captions, glyph coverage of every text key. The rules and their
 * sources are in docs/accessibility.md ("Legibility"). The pure parts are here for the tests. */
#ifndef KZ_CHECK_LEGIBILITY_H
#define KZ_CHECK_LEGIBILITY_H
#include <stddef.h>

/* ISO 9241-303 (and ISO 9241-3 before it): character height at least 16 minutes of arc,
 * 20-22 preferred for reading. */
#define KZ_CHAR_MIN_ARCMIN 16.0
/* Height of a capital letter in em of BIZ UD Gothic, the first font of the chain (measured
 * with SDL_ttf: "H" 0.78 em; kanji are drawn about 0.93 em tall). ISO 9241 measures the
 * capital letter; kanji need at least that visual angle for the same legibility. */
#define KZ_CAP_HEIGHT_EM 0.78
/* When player.ini gives no size: the logical frame is taken as 1920x1080 (landscape). */
#define KZ_ASSUMED_FRAME_H 1080

/* The height on the screen of a capital letter of text set at px, in metres, on a frame
 * frame_h pixels high shown screen_h_m metres high. */
double kz_char_height_m(int px, int frame_h, double screen_h_m);
/* The visual angle of height_m seen from distance_m, in minutes of arc. */
double kz_char_arcmin(double height_m, double distance_m);
/* The smallest capital-letter height that reaches KZ_CHAR_MIN_ARCMIN at distance_m. */
double kz_char_min_height_m(double distance_m);
/* The smallest font size (px) whose capital letters reach KZ_CHAR_MIN_ARCMIN. */
int kz_char_min_px(int frame_h, double screen_h_m, double distance_m);

/* A representative string for a clock pattern (%H -> 23, %EY -> 令和10年, %n -> newline, ...)
 * and for countdown templates ({days} -> 888): what the size estimate and glyph check read. */
void kz_sample_clock(const char *pattern, char *out, size_t n);
void kz_sample_template(const char *tmpl, char *out, size_t n);

/* kz_text_plain (the text a reader reads) is in reading.h. */
#include "reading.h"

/* kz_check_legibility() itself is declared in checks.h. */
#endif
