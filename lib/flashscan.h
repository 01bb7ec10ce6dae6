/* Photosensitive flash and red-flash analysis: the pure analyser and its rules
 * (docs/accessibility.md has the rules and their sources). Feed it small RGB24 frames with
 * their time stamps (kz_flash_push); kz_flash_finish() applies the window rules. No I/O, no
 * clock: the unit tests drive it with synthetic frames. In lib/ because two callers use it:
 * the player's flash gate (player/checks/flash.c decodes a clip ahead of airing) and the video
 * plugin, which analyses a live stream frame by frame as it is decoded (kz_flash_last,
 * kz_flash_forget). */
#ifndef KZ_LIB_FLASHSCAN_H
#define KZ_LIB_FLASHSCAN_H
#include <stddef.h>
#include <stdint.h>

enum kz_flash_verdict { KZ_FLASH_PASS = 0, KZ_FLASH_WARN = 1, KZ_FLASH_FAIL = 2 };

/* The thresholds of one rule set. Profiles are static; see kz_flash_profile_find(). */
typedef struct kz_flash_profile {
    const char *name;       /* "default", "jp" */
    double lum_delta;       /* a luminance transition changes relative luminance by >= this */
    double lum_dark;        /* ... and its darker state is below this (> 1: no condition) */
    double red_delta;       /* a red transition changes red saturation by >= this */
    double area;            /* fraction of the screen a transition must cover (0.25) */
    int fail_over;          /* fail when a 1 s window holds more transitions than this */
    int warn_from;          /* warn when a 1 s window holds this many or more */
    int red_fail_over;      /* the same limits for red transitions */
    int red_warn_from;
    double ext_window;      /* extended failure: within any window of this many seconds, */
    double ext_seconds;     /* near-limit flashing (warn_from..fail_over) for this long fails */
    double concurrent;      /* seconds within which per-pixel transitions count as one */
    double pair_window;     /* a cell's change completes a flash when its opposite change came
                             * this many seconds before (combined-area rule) */
    double pattern_area;    /* regular patterns: fraction of the screen or field they may cover */
    int pattern_pairs;      /* a pattern has more than this many light-dark pairs of stripes */
    double pattern_seconds; /* patterns shown for less than this are not reported */
} kz_flash_profile;

/* "default" or "jp"; NULL when unknown. Static storage. */
const kz_flash_profile *kz_flash_profile_find(const char *name);
extern const kz_flash_profile kz_flash_profile_default;
extern const kz_flash_profile kz_flash_profile_jp;

/* One analysed frame. */
typedef struct kz_flash_frame {
    double t;           /* seconds from the start of the clip */
    float lum;          /* mean relative luminance (0..1) */
    float red;          /* mean red saturation (0..320) */
    float lum_up, lum_down; /* fraction of the area window (screen or 10° field, the largest over
                             * every position) with a recent rising / falling change */
    float red_up, red_down;
    float lum_area, red_area; /* flashing area the rule compared with the limit: the larger of
                               * rising, falling and the combined area of concurrent flashes */
    float pattern_area; /* fraction of the window covered by a regular pattern */
    int8_t lum_tr;      /* frame-level transition: +1 rising, -1 falling, 0 none */
    int8_t red_tr;
    uint8_t lum_count;  /* transitions in the one-second window ending at this frame */
    uint8_t red_count;
    uint8_t pattern_pairs; /* most light-dark stripe pairs found along one row or column */
    uint8_t pattern;    /* 0 none, 1 a static regular pattern, 2 a moving or flashing one
                         * (kz_flash_finish clears runs shorter than pattern_seconds) */
    uint8_t verdict;    /* enum kz_flash_verdict for this frame (set by kz_flash_finish) */
    uint8_t lum_verdict, red_verdict, pattern_verdict; /* the same per rule */
    uint8_t extended;   /* 1 when this frame is inside an extended failure (either budget) */
    uint8_t lum_extended, red_extended; /* ... of the luminance / red budget */
    float lum_near, red_near; /* near-limit seconds in the extended window ending here */
} kz_flash_frame;

/* A stretch of the clip that broke or neared a rule: the worst ones are reported. */
typedef struct kz_flash_window {
    double start, end;  /* seconds */
    int verdict;
    int lum, red;       /* most transitions in one second inside the stretch */
    const char *rule;   /* static text: which rule */
} kz_flash_window;

#define KZ_FLASH_MAX_WINDOWS 8

typedef struct kz_flash_report {
    int verdict;               /* enum kz_flash_verdict, the whole clip */
    const char *reason;        /* static text for the verdict */
    const kz_flash_profile *profile;
    int width, height;         /* source size (file analysis; 0 for pushed frames) */
    int grid_w, grid_h;        /* analysis grid */
    int field_w, field_h;      /* the area window in cells: the grid (whole-screen rule) or the
                                * 10° field at the viewing distance */
    const char *area_rule;     /* static text: which area rule was used */
    double duration;           /* seconds covered by the frames */
    size_t n_frames;
    kz_flash_frame *frames;    /* owned; NULL when not kept (n_frames still counts them) */
    int lum_transitions, red_transitions; /* totals */
    int max_lum, max_red;      /* most transitions in any one-second window */
    double max_lum_at, max_red_at; /* end time of that window */
    double max_extended;       /* longest near-limit time found in one extended window, s
                                * (the larger of the luminance and the red budget) */
    double max_lum_extended, max_red_extended;
    double max_pattern_area;   /* largest fraction of the window a regular pattern covered */
    int pattern_frames;        /* frames with a reported regular pattern */
    kz_flash_window windows[KZ_FLASH_MAX_WINDOWS]; /* worst first */
    int n_windows;
} kz_flash_report;

/* ---- pure analyser ---- */
typedef struct kz_flash kz_flash;

/* A new analyser for frames of w x h RGB24 pixels; NULL on bad size or no memory. The area
 * rules use the whole grid until kz_flash_set_field() says otherwise. */
kz_flash *kz_flash_new(const kz_flash_profile *prof, int w, int h);
/* Area rules over every fw x fh window of the grid (clamped to it) instead of the whole grid:
 * the 10° visual field. Before the first frame; 0 or -1. */
int kz_flash_set_field(kz_flash *f, int fw, int fh);
/* The 10° field (10° wide, 7.5° high: the shape of WCAG's 341 x 256 at 1024 x 768) in cells of
 * a grid_w x grid_h grid on a screen screen_h_m high seen from distance_m; square cells.
 * Returns 1 and the size (clamped to the grid), or 0 when a geometry value is missing (the
 * whole-screen rule: *fw, *fh = the grid). */
int kz_flash_field_cells(double screen_h_m, double distance_m, int grid_w, int grid_h, int *fw,
                         int *fh);
/* One frame: rgb is w*h packed RGB24 rows of stride bytes (sRGB, full range); t in seconds,
 * increasing. 0 or -1 (out of memory, time going back). */
int kz_flash_push(kz_flash *f, const uint8_t *rgb, int stride, double t);
/* Apply the window rules; fills *out (kz_flash_report_free releases it). The frame array
 * moves into the report; the analyser can only be freed afterwards. 0 or -1. */
int kz_flash_finish(kz_flash *f, kz_flash_report *out);
void kz_flash_free(kz_flash **f);
void kz_flash_report_free(kz_flash_report *r);

/* Pixel helpers, exposed for the tests. v: an sRGB code value 0..255. */
double kz_srgb_to_linear(int v);
double kz_relative_luminance(int r, int g, int b);
double kz_red_saturation(int r, int g, int b);

const char *kz_flash_verdict_name(int verdict); /* "pass", "warn", "fail" */

/* ---- live use: one frame at a time, bounded memory ---- */
/* The frame the last kz_flash_push analysed (its lum_tr / red_tr are set; the window fields
 * are only filled by kz_flash_finish); NULL before the first push. Borrowed until the next
 * push or kz_flash_forget. */
const kz_flash_frame *kz_flash_last(const kz_flash *f);
/* Drop the kept per-frame values but keep every cell's history, so that a live analysis can
 * run for hours in bounded memory; the caller keeps its own window of transitions. */
void kz_flash_forget(kz_flash *f);
#endif
