/* Layouts: named zones (rectangles in percent or pixels, z-order, transition defaults), read
 * from layouts.ini in the playlist directory; a layout may itself be scheduled (dates, days,
 * times, priority). Without layouts.ini there is one layout: a full-screen zone "main".
 * Playlists name their zone (zone = NAME in [playlist]; default main). */
#ifndef KZ_LAYOUT_H
#define KZ_LAYOUT_H
#include "kizuna/plugin.h"
#include "params.h"
#include "playlist.h"
#include "rules.h"


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

typedef struct kz_layout {
    char *name;            /* owned */
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
    kz_us cache_sec;       /* kz_layouts_at: last second asked, and its answer */
    int cache_idx;
} kz_layouts;

/* Load dir/layouts.ini; a missing file gives the default layout. Returns the number of
 * problems (each logged with file:line); bad zones and layouts are left out. */
int kz_layouts_load(kz_layouts *ls, const char *dir);
/* Load from memory (tests). */
int kz_layouts_load_string(kz_layouts *ls, const char *text, const char *file);
void kz_layouts_free(kz_layouts *ls);
/* The layout on screen at t: the eligible layout of highest priority, file order breaking
 * ties; when none is eligible, the last layout of the file (the fallback). Never NULL. */
const kz_layout *kz_layouts_at(kz_layouts *ls, kz_us t);

/* A zone's rectangle in a frame of w x h pixels. */
void kz_zone_rect(const kz_zone_def *z, int w, int h, SDL_Rect *out);
/* "x, y, w, h" with each value in pixels (120, 120px) or percent (25%). 0 or -1. */
int kz_parse_rect(const char *s, kz_len out[4]);
#endif
