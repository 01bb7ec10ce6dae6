/* kizuna flash: analysing a clip file for harmful flashing. The analyser and its rules are in
 * lib/flashscan.h (shared with the video plugin's live analysis); this decodes a clip
 * (libavformat/libavcodec, threaded), reduces every frame to the analysis grid (cell means read
 * straight from 8-bit planar Y'CbCr, lib/flashcells.h; libswscale SWS_AREA for other formats and
 * the exact path) and feeds the analyser. */
#ifndef KZ_FLASH_H
#define KZ_FLASH_H
#include <stddef.h>
#include <stdint.h>

#include "flashscan.h"

/* ---- decoding a file ---- */
#define KZ_FLASH_GRID_W 160 /* analysis grid width in cells; height keeps the aspect */

typedef struct kz_flash_opts {
    const kz_flash_profile *profile; /* NULL: default */
    int keep_frames;                 /* keep per-frame values in the report */
    double screen_height_m;          /* both > 0: area rules over the 10° field, */
    double viewing_distance_m;       /* else over the whole screen */
    int exact;  /* 1: decode at full resolution with the loop filter and scale with libswscale
                 * (the reference path the tests compare the fast path with); 0: the fast path
                 * (no loop filter, lowres where the codec has it, cell means from the planes) */
    void (*progress)(void *ctx, double done); /* fraction 0..1 of the clip, may be NULL */
    void *progress_ctx;
} kz_flash_opts;

/* Decode path and analyse it. 0, or -1 when the file cannot be opened or decoded (logged
 * with the file name). */
int kz_flash_analyse(const char *path, const kz_flash_opts *opts, kz_flash_report *out);
/* The same with the profile and whole-screen rule. */
int kz_flash_analyse_file(const char *path, const kz_flash_profile *prof, int keep_frames,
                          kz_flash_report *out);

#endif
