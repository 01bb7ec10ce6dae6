/* notice themes and the WCAG contrast ratio. Header-only so that tests/unit/test_text_theme.c
 * checks the very table the plugin uses. */
#ifndef KZ_NOTICE_THEME_H
#define KZ_NOTICE_THEME_H
#include <math.h>
#include <string.h>

#include <kizuna/plugin.h>

typedef struct notice_theme {
    const char *name;
    kz_color background, text, title, accent;
} notice_theme;

/* Every colour is at least 7:1 against its background (WCAG 2 level AAA for body text). */
static const notice_theme notice_themes[] = {
    /* default: white and yellow on black, for screens seen from far away */
    {"high-contrast", {0x00, 0x00, 0x00, 255}, {0xFF, 0xFF, 0xFF, 255},
     {0xFF, 0xE6, 0x00, 255}, {0xFF, 0xE6, 0x00, 255}},
    {"navy", {0x0A, 0x23, 0x42, 255}, {0xFF, 0xFF, 0xFF, 255}, {0xFF, 0xD2, 0x3F, 255},
     {0xFF, 0xD2, 0x3F, 255}},
    {"light", {0xFF, 0xFF, 0xFF, 255}, {0x11, 0x11, 0x11, 255}, {0x00, 0x3A, 0x8C, 255},
     {0x9E, 0x00, 0x1C, 255}},
    {"cream", {0xFF, 0xF8, 0xE7, 255}, {0x1A, 0x1A, 0x1A, 255}, {0x7A, 0x12, 0x12, 255},
     {0x0B, 0x4F, 0x2E, 255}},
    {"red", {0x8A, 0x0B, 0x16, 255}, {0xFF, 0xFF, 0xFF, 255}, {0xFF, 0xFF, 0xFF, 255},
     {0xFF, 0xE0, 0xA0, 255}},
    {"green", {0x0B, 0x3D, 0x2E, 255}, {0xFF, 0xFF, 0xFF, 255}, {0xD8, 0xF5, 0x9A, 255},
     {0xD8, 0xF5, 0x9A, 255}},
};
#define NOTICE_N_THEMES (sizeof notice_themes / sizeof notice_themes[0])
#define NOTICE_THEME_CHOICES "high-contrast|navy|light|cream|red|green"

static inline double notice_channel(uint8_t c)
{
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* WCAG 2 relative luminance and contrast ratio (1 .. 21). */
static inline double notice_luminance(kz_color c)
{
    return 0.2126 * notice_channel(c.r) + 0.7152 * notice_channel(c.g) +
           0.0722 * notice_channel(c.b);
}

static inline double notice_contrast(kz_color a, kz_color b)
{
    double la = notice_luminance(a), lb = notice_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
#endif
