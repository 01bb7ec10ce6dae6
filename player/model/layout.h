/* Layouts: named zones (rectangles in percent or pixels, z-order, transition defaults), read
 * from layouts.ini in the playlist directory; a layout may itself be scheduled (dates, days,
 * times, priority). Without layouts.ini there is one layout: a full-screen zone "main".
 * Playlists name their zone (zone = NAME in [playlist]; default main). */
#ifndef KZ_LAYOUT_H
#define KZ_LAYOUT_H
#include "base/params.h"
#include "kizuna/plugin.h"
#include "model/playlist.h"
#include "model/rules.h"


typedef struct kz_len {
    double v;
    int pct; /* v is a percentage of the frame's width or height */
} kz_len;

typedef struct kz_zone_def {
    char *name;            /* owned */
    kz_len x, y, w, h;
    int z;                 /* drawing order, low first */
    int transition;        /* default for items of this zone (enum kz_transition) */
    kz_us transition_time; /* default 0.8 s when a transition is set */
    kz_color background;   /* drawn under the zone's item; alpha 0 = none */
} kz_zone_def;

enum kz_orientation { KZ_ORIENT_ANY = 0, KZ_ORIENT_LANDSCAPE, KZ_ORIENT_PORTRAIT };

typedef struct kz_layout {
    char *name;            /* owned */
    int orientation;       /* orientation = any|landscape|portrait: which screens may show it */
    kz_params params;
    kz_rules rules;
    long priority;
    kz_zone_def *zones;    /* sorted by z */
    int n_zones;
} kz_layout;

typedef struct kz_layouts {
    kz_layout *v;
    int n;
    int errors;            /* problems found while loading (logged with file:line) */
    int portrait;          /* the screen's orientation (set with kz_layouts_set_portrait) */
    kz_us cache_sec;       /* kz_layouts_at: last second asked, and its answer */
    int cache_idx;
} kz_layouts;

/* Load dir/layouts.ini; a missing file gives the default layout. Returns the number of
 * problems (each logged with file:line); bad zones and layouts are left out. */
int kz_layouts_load(kz_layouts *ls, const char *dir);
/* Load from memory (tests). */
int kz_layouts_load_string(kz_layouts *ls, const char *text, const char *file);
void kz_layouts_free(kz_layouts *ls);
/* The screen's orientation (logical frame taller than wide = portrait). Layouts that name the
 * other orientation are never chosen. */
void kz_layouts_set_portrait(kz_layouts *ls, int portrait);
/* The layout on screen at t: among layouts for this orientation, the eligible one of highest
 * priority (at equal priority one made for this orientation before one for any; then file
 * order); when none is eligible, the last of them in the file
 * (the fallback). Never NULL. */
const kz_layout *kz_layouts_at(kz_layouts *ls, kz_us t);

/* A zone's rectangle in a frame of w x h pixels. */
void kz_zone_rect(const kz_zone_def *z, int w, int h, SDL_Rect *out);
/* "x, y, w, h" with each value in pixels (120, 120px) or percent (25%). 0 or -1. */
int kz_parse_rect(const char *s, kz_len out[4]);
#endif
