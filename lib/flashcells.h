/* The flash analysis grid straight from decoded 8-bit planar YUV: every grid cell is the mean
 * of the luma and chroma samples it covers, converted to sRGB once per cell. This replaces a
 * libswscale SWS_AREA pass to RGB24 (the exact path still uses it) at a fraction of the cost:
 * one vertical pass of additions over each plane, which the compiler vectorises, and a few
 * hundred conversions per frame instead of two million. */
#ifndef KZ_LIB_FLASHCELLS_H
#define KZ_LIB_FLASHCELLS_H
#include <stdint.h>

struct AVFrame;

typedef struct kz_flash_cells {
    int src_w, src_h, format; /* the frame geometry the tables below were made for */
    int gw, gh;               /* grid size in cells */
    int sx, sy;               /* chroma subsampling, log2 */
    int *edges;               /* owned: gw + 1 column then gh + 1 row edges, in luma samples */
    uint16_t *acc;            /* owned: column sums of up to 256 rows of one plane */
    uint32_t *sum;            /* owned: 3 * gw cell sums of one cell row */
    float *mean;              /* owned: 3 * gw * gh plane means (Y, Cb, Cr), code values */
} kz_flash_cells;

/* 1 when frames of this pixel format (enum AVPixelFormat) can be read here: 8-bit planar
 * Y'CbCr with one plane per component (yuv420p, yuv422p, yuv444p and their J variants). */
int kz_flash_cells_supported(int format);
/* Fill rgb (gw * gh packed RGB24, full-range sRGB) with the cell means of fr, using the
 * Y'CbCr matrix of the frame (BT.709 for untagged HD, BT.601 below 720 lines) and its range.
 * The tables follow the frame size. 0, or -1 (unsupported format, out of memory). */
int kz_flash_cells_rgb(kz_flash_cells *c, const struct AVFrame *fr, int gw, int gh, uint8_t *rgb);
void kz_flash_cells_free(kz_flash_cells *c);
#endif
