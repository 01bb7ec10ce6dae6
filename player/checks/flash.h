/* Photosensitive flash and red-flash analysis (docs/accessibility.md has the rules and their
 * sources). Two layers:
 *   - the pure analyser: feed it small RGB24 frames with their time stamps
 *     (kz_flash_push), then kz_flash_finish() applies the window rules. No I/O, no clock:
 *     the unit tests drive it with synthetic frames.
 *   - kz_flash_analyse_file(): decodes a clip (libavformat/libavcodec, threaded), scales
 *     every frame with libswscale to the analysis grid and feeds the analyser. */
#ifndef KZ_FLASH_H
#define KZ_FLASH_H
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
    float lum_up, lum_down; /* fraction of the screen with a recent rising / falling change */
    float red_up, red_down;
    int8_t lum_tr;      /* frame-level transition: +1 rising, -1 falling, 0 none */
    int8_t red_tr;
    uint8_t lum_count;  /* transitions in the one-second window ending at this frame */
    uint8_t red_count;
    uint8_t verdict;    /* enum kz_flash_verdict for this frame (set by kz_flash_finish) */
    uint8_t extended;   /* 1 when this frame is inside an extended failure */
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
    double duration;           /* seconds covered by the frames */
    size_t n_frames;
    kz_flash_frame *frames;    /* owned; NULL when not kept (n_frames still counts them) */
    int lum_transitions, red_transitions; /* totals */
    int max_lum, max_red;      /* most transitions in any one-second window */
    double max_lum_at, max_red_at; /* end time of that window */
    double max_extended;       /* longest near-limit time found in one extended window, s */
    kz_flash_window windows[KZ_FLASH_MAX_WINDOWS]; /* worst first */
    int n_windows;
} kz_flash_report;

/* ---- pure analyser ---- */
typedef struct kz_flash kz_flash;

/* A new analyser for frames of w x h RGB24 pixels; NULL on bad size or no memory. */
kz_flash *kz_flash_new(const kz_flash_profile *prof, int w, int h);
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

/* ---- decoding a file ---- */
#define KZ_FLASH_GRID_W 160 /* analysis grid width in cells; height keeps the aspect */

/* Decode path with the profile; keep_frames: keep per-frame values in the report.
 * 0, or -1 when the file cannot be opened or decoded (logged with the file name). */
int kz_flash_analyse_file(const char *path, const kz_flash_profile *prof, int keep_frames,
                          kz_flash_report *out);

const char *kz_flash_verdict_name(int verdict); /* "pass", "warn", "fail" */
#endif
