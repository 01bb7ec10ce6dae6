/* Cell means of decoded planar Y'CbCr for the flash analyser (see flashcells.h). */
#include "flashcells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>

int kz_flash_cells_supported(int format)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(format);
    if (!d || d->nb_components != 3 || d->log2_chroma_w > 1 || d->log2_chroma_h > 1)
        return 0;
    if (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_HWACCEL |
                    AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_FLOAT | AV_PIX_FMT_FLAG_BE))
        return 0;
    for (int i = 0; i < 3; i++)
        if (d->comp[i].plane != i || d->comp[i].step != 1 || d->comp[i].depth != 8 ||
            d->comp[i].shift != 0 || d->comp[i].offset != 0)
            return 0;
    return 1;
}

void kz_flash_cells_free(kz_flash_cells *c)
{
    free(c->edges);
    free(c->acc);
    free(c->sum);
    free(c->mean);
    memset(c, 0, sizeof *c);
}

static int cells_setup(kz_flash_cells *c, const AVFrame *fr, int gw, int gh)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fr->format);
    kz_flash_cells_free(c);
    c->edges = malloc((size_t)(gw + gh + 2) * sizeof *c->edges);
    c->acc = malloc((size_t)fr->width * sizeof *c->acc);
    c->sum = malloc((size_t)3 * gw * sizeof *c->sum);
    c->mean = malloc((size_t)3 * gw * gh * sizeof *c->mean);
    if (!c->edges || !c->acc || !c->sum || !c->mean) {
        kz_flash_cells_free(c);
        return -1;
    }
    /* Cell x covers luma columns [x * w / gw, (x + 1) * w / gw): every sample in one cell. */
    for (int x = 0; x <= gw; x++)
        c->edges[x] = (int)((int64_t)x * fr->width / gw);
    for (int y = 0; y <= gh; y++)
        c->edges[gw + 1 + y] = (int)((int64_t)y * fr->height / gh);
    c->src_w = fr->width;
    c->src_h = fr->height;
    c->format = fr->format;
    c->gw = gw;
    c->gh = gh;
    c->sx = d->log2_chroma_w;
    c->sy = d->log2_chroma_h;
    return 0;
}

/* acc[i] += row[i]: in blocks of 16 so that the compiler turns them into vector adds at -O2. */
static void add_row(uint16_t *restrict acc, const uint8_t *restrict row, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++)
            acc[i + k] = (uint16_t)(acc[i + k] + row[i + k]);
    for (; i < n; i++)
        acc[i] = (uint16_t)(acc[i] + row[i]);
}

/* The same for four rows at once: the column sums stay in registers across the four, which
 * halves the loads and stores of acc. */
static void add_rows4(uint16_t *restrict acc, const uint8_t *restrict r0,
                      const uint8_t *restrict r1, const uint8_t *restrict r2,
                      const uint8_t *restrict r3, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++)
            acc[i + k] = (uint16_t)(acc[i + k] + r0[i + k] + r1[i + k] + r2[i + k] + r3[i + k]);
    for (; i < n; i++)
        acc[i] = (uint16_t)(acc[i] + r0[i] + r1[i] + r2[i] + r3[i]);
}

/* a[0] + ... + a[n - 1], four at a time (independent sums, no chain of dependent adds). */
static uint32_t span_sum(const uint16_t *a, int n)
{
    uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i];
    return s0 + s1 + s2 + s3;
}

/* The mean of every cell of one plane (subsampled by s = 1 << sx, 1 << sy) into
 * mean[cell * 3 + comp]. A cell's edges are rounded outwards to whole samples of the plane, so
 * a cell narrower than a chroma sample still reads the sample under it. */
static void plane_means(kz_flash_cells *c, const uint8_t *data, int linesize, int sx, int sy,
                        int comp)
{
    int pw = (c->src_w + (1 << sx) - 1) >> sx;
    int ph = (c->src_h + (1 << sy) - 1) >> sy;
    const int *ex = c->edges, *ey = c->edges + c->gw + 1;
    uint32_t *sum = c->sum;
    for (int gy = 0; gy < c->gh; gy++) {
        int y0 = ey[gy] >> sy, y1 = (ey[gy + 1] + (1 << sy) - 1) >> sy;
        y1 = y1 > ph ? ph : y1;
        y1 = y1 > y0 ? y1 : y0 + 1;
        memset(sum, 0, (size_t)c->gw * sizeof *sum);
        /* 256 rows of 255 still fit a uint16_t column sum. */
        for (int r0 = y0; r0 < y1; r0 += 256) {
            int r1 = r0 + 256 < y1 ? r0 + 256 : y1;
            memset(c->acc, 0, (size_t)pw * sizeof *c->acc);
            int r = r0;
            for (; r + 4 <= r1; r += 4) {
                const uint8_t *p = data + (size_t)r * linesize;
                add_rows4(c->acc, p, p + linesize, p + 2 * (size_t)linesize,
                          p + 3 * (size_t)linesize, pw);
            }
            for (; r < r1; r++)
                add_row(c->acc, data + (size_t)r * linesize, pw);
            for (int gx = 0; gx < c->gw; gx++) {
                int x0 = ex[gx] >> sx, x1 = (ex[gx + 1] + (1 << sx) - 1) >> sx;
                x1 = x1 > pw ? pw : x1;
                x1 = x1 > x0 ? x1 : x0 + 1;
                sum[gx] += span_sum(c->acc + x0, x1 - x0);
            }
        }
        for (int gx = 0; gx < c->gw; gx++) {
            int x0 = ex[gx] >> sx, x1 = (ex[gx + 1] + (1 << sx) - 1) >> sx;
            x1 = x1 > pw ? pw : x1;
            x1 = x1 > x0 ? x1 : x0 + 1;
            c->mean[((size_t)gy * c->gw + gx) * 3 + comp] =
                (float)sum[gx] / (float)((x1 - x0) * (y1 - y0));
        }
    }
}

/* Kr, Kb of the frame's matrix; the same choice as the exact path's libswscale set-up. */
static void matrix(const AVFrame *fr, float *kr, float *kb)
{
    switch (fr->colorspace) {
    case AVCOL_SPC_BT709:
        *kr = 0.2126f, *kb = 0.0722f;
        return;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        *kr = 0.299f, *kb = 0.114f;
        return;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
        *kr = 0.2627f, *kb = 0.0593f;
        return;
    default:
        if (fr->height >= 720)
            *kr = 0.2126f, *kb = 0.0722f;
        else
            *kr = 0.299f, *kb = 0.114f;
    }
}

static uint8_t to_byte(float v)
{
    v = v * 255.0f + 0.5f;
    return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)v;
}

int kz_flash_cells_rgb(kz_flash_cells *c, const AVFrame *fr, int gw, int gh, uint8_t *rgb)
{
    if (gw < 1 || gh < 1 || gw > fr->width || gh > fr->height ||
        !kz_flash_cells_supported(fr->format))
        return -1;
    if (c->src_w != fr->width || c->src_h != fr->height || c->format != fr->format || c->gw != gw ||
        c->gh != gh || !c->mean)
        if (cells_setup(c, fr, gw, gh) < 0)
            return -1;
    plane_means(c, fr->data[0], fr->linesize[0], 0, 0, 0);
    plane_means(c, fr->data[1], fr->linesize[1], c->sx, c->sy, 1);
    plane_means(c, fr->data[2], fr->linesize[2], c->sx, c->sy, 2);

    float kr, kb;
    matrix(fr, &kr, &kb);
    float kg = 1.0f - kr - kb;
    int full = fr->color_range == AVCOL_RANGE_JPEG;
    float yoff = full ? 0.0f : 16.0f, yscale = full ? 1.0f / 255 : 1.0f / 219;
    float cscale = full ? 1.0f / 255 : 1.0f / 224;
    size_t n = (size_t)gw * gh;
    for (size_t i = 0; i < n; i++) {
        const float *m = c->mean + i * 3;
        float y = (m[0] - yoff) * yscale;
        float pb = (m[1] - 128.0f) * cscale, pr = (m[2] - 128.0f) * cscale;
        float r = y + 2.0f * (1.0f - kr) * pr;
        float b = y + 2.0f * (1.0f - kb) * pb;
        float g = (y - kr * r - kb * b) / kg;
        rgb[i * 3] = to_byte(r);
        rgb[i * 3 + 1] = to_byte(g);
        rgb[i * 3 + 2] = to_byte(b);
    }
    return 0;
}
