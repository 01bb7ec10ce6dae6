/* Photosensitive flash and red-flash analysis. The rules, their sources and where we simplify
 * are in docs/accessibility.md; the short version:
 *
 *   per cell of a small RGB grid: relative luminance Y (sRGB decoded to linear) and red
 *   saturation S = (R - G - B) * 320 where R / (R + G + B) >= 0.8, else 0;
 *   per cell: a zig-zag (hysteresis) tracker against the last extreme: a rising change is
 *   Y - valley >= 0.1 with the valley below 0.8; a falling change is peak - Y >= 0.1 with Y
 *   below 0.8; S the same with 20 and no darkness condition;
 *   per frame: a transition when the cells that changed the same way within the last
 *   `concurrent` seconds (and not yet counted) cover >= 25 % of the grid, and its direction
 *   differs from the previous frame-level transition (a flash is a pair of opposing changes);
 *   per window: > 6 transitions in any one second fails, >= 4 warns, near-limit flashing
 *   for 4 s of any 5 s fails (extended failure). */
#include "checks/flash.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "base/grow.h"
#include "base/log.h"

const kz_flash_profile kz_flash_profile_default = {
    .name = "default",
    .lum_delta = 0.1,
    .lum_dark = 0.8,
    .red_delta = 20.0,
    .area = 0.25,
    .fail_over = 6,
    .warn_from = 4,
    .red_fail_over = 6,
    .red_warn_from = 4,
    .ext_window = 5.0,
    .ext_seconds = 4.0,
    .concurrent = 0.1,
};

/* After NHK / JBA (民放連) 「アニメーション等の映像手法に関するガイドライン」: a luminance
 * change of 10 % counts whatever the darker state (no 0.8 exemption), vivid red flashing is
 * treated with particular care (fail from 2 red flashes a second), and near-limit flashing
 * may not go on for more than 2 s in a row. */
const kz_flash_profile kz_flash_profile_jp = {
    .name = "jp",
    .lum_delta = 0.1,
    .lum_dark = 2.0,
    .red_delta = 20.0,
    .area = 0.25,
    .fail_over = 6,
    .warn_from = 4,
    .red_fail_over = 3,
    .red_warn_from = 2,
    .ext_window = 2.0,
    .ext_seconds = 2.0,
    .concurrent = 0.1,
};

const kz_flash_profile *kz_flash_profile_find(const char *name)
{
    if (!name || !strcmp(name, "default"))
        return &kz_flash_profile_default;
    if (!strcmp(name, "jp"))
        return &kz_flash_profile_jp;
    return NULL;
}

const char *kz_flash_verdict_name(int verdict)
{
    switch (verdict) {
    case KZ_FLASH_PASS: return "pass";
    case KZ_FLASH_WARN: return "warn";
    default: return "fail";
    }
}

/* ---- pixels ---- */

static float srgb_lut[256];
static int srgb_lut_ready;

double kz_srgb_to_linear(int v)
{
    double c = (v < 0 ? 0 : v > 255 ? 255 : v) / 255.0;
    /* 0.04045 is the IEC 61966-2-1 breakpoint (WCAG 2.x prints 0.03928; no 8-bit code
     * value lies between the two, so both give the same table). */
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static void lut_init(void)
{
    if (srgb_lut_ready)
        return;
    for (int i = 0; i < 256; i++)
        srgb_lut[i] = (float)kz_srgb_to_linear(i);
    srgb_lut_ready = 1; /* idempotent: racing initialisers write the same values */
}

double kz_relative_luminance(int r, int g, int b)
{
    return 0.2126 * kz_srgb_to_linear(r) + 0.7152 * kz_srgb_to_linear(g) +
           0.0722 * kz_srgb_to_linear(b);
}

static inline float red_sat(float r, float g, float b)
{
    float sum = r + g + b;
    if (sum <= 0.0f || r < 0.8f * sum)
        return 0.0f;
    float s = (r - g - b) * 320.0f;
    return s > 0.0f ? s : 0.0f;
}

double kz_red_saturation(int r, int g, int b)
{
    return red_sat((float)kz_srgb_to_linear(r), (float)kz_srgb_to_linear(g),
                   (float)kz_srgb_to_linear(b));
}

/* ---- the analyser ---- */

/* One zig-zag tracker per cell and quantity (luminance, red). */
typedef struct track {
    float *lo, *hi;     /* valley and peak since the last change of direction */
    float *when;        /* time of the cell's last counted change */
    int8_t *dir;        /* +1 last change rising, -1 falling, 0 none yet */
    double delta, dark; /* thresholds */
    double fired_up, fired_down; /* time of the last frame-level rising / falling transition */
    int last;           /* direction of the last frame-level transition */
} track;

struct kz_flash {
    const kz_flash_profile *prof;
    int w, h;
    size_t n;           /* cells */
    track lum, red;
    kz_flash_frame *frames; /* owned until kz_flash_finish moves them out */
    size_t n_frames, cap;
    double last_t;
};

static int track_init(track *k, size_t n, double delta, double dark)
{
    memset(k, 0, sizeof *k);
    k->lo = malloc(n * sizeof *k->lo);
    k->hi = malloc(n * sizeof *k->hi);
    k->when = malloc(n * sizeof *k->when);
    k->dir = calloc(n, 1);
    if (!k->lo || !k->hi || !k->when || !k->dir)
        return -1;
    k->delta = delta;
    k->dark = dark;
    k->fired_up = k->fired_down = -1e30;
    return 0;
}

static void track_free(track *k)
{
    free(k->lo);
    free(k->hi);
    free(k->when);
    free(k->dir);
    memset(k, 0, sizeof *k);
}

kz_flash *kz_flash_new(const kz_flash_profile *prof, int w, int h)
{
    if (!prof || w <= 0 || h <= 0 || w > 8192 || h > 8192)
        return NULL;
    lut_init();
    kz_flash *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->prof = prof;
    f->w = w;
    f->h = h;
    f->n = (size_t)w * h;
    f->last_t = -1e30;
    if (track_init(&f->lum, f->n, prof->lum_delta, prof->lum_dark) < 0 ||
        track_init(&f->red, f->n, prof->red_delta, 1e30) < 0) {
        kz_flash_free(&f);
        return NULL;
    }
    return f;
}

void kz_flash_free(kz_flash **pf)
{
    if (!pf || !*pf)
        return;
    kz_flash *f = *pf;
    track_free(&f->lum);
    track_free(&f->red);
    free(f->frames);
    free(f);
    *pf = NULL;
}

/* Update cell i of k with value v at time t (first: the first frame). Returns nothing; the
 * cell's dir/when say whether it changed. */
static inline void cell_update(track *k, size_t i, float v, float t, int first)
{
    if (first) {
        k->lo[i] = k->hi[i] = v;
        k->dir[i] = 0;
        k->when[i] = -1e30f;
        return;
    }
    float lo = k->lo[i], hi = k->hi[i];
    switch (k->dir[i]) {
    case 0:
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
        if (v - lo >= k->delta && lo < k->dark) {
            k->dir[i] = 1;
            k->when[i] = t;
            hi = v;
        } else if (hi - v >= k->delta && v < k->dark) {
            k->dir[i] = -1;
            k->when[i] = t;
            lo = v;
        }
        break;
    case 1:
        if (v > hi) {
            hi = v;
        } else if (hi - v >= k->delta && v < k->dark) {
            k->dir[i] = -1;
            k->when[i] = t;
            lo = v;
        }
        break;
    default:
        if (v < lo) {
            lo = v;
        } else if (v - lo >= k->delta && lo < k->dark) {
            k->dir[i] = 1;
            k->when[i] = t;
            hi = v;
        }
        break;
    }
    k->lo[i] = lo;
    k->hi[i] = hi;
}

/* Does cell i count towards this frame's rising / falling area? */
static inline void cell_area(const track *k, size_t i, float since, size_t *up, size_t *down)
{
    float w = k->when[i];
    if (w < since)
        return;
    if (k->dir[i] > 0) {
        if (w > k->fired_up)
            (*up)++;
    } else if (k->dir[i] < 0) {
        if (w > k->fired_down)
            (*down)++;
    }
}

/* Frame-level decision for one quantity; returns the transition (+1, -1, 0). */
static int track_fire(track *k, double up, double down, double area, double t)
{
    int can_up = up >= area && k->last != 1;
    int can_down = down >= area && k->last != -1;
    int d = 0;
    if (can_up && can_down)
        d = up >= down ? 1 : -1;
    else if (can_up)
        d = 1;
    else if (can_down)
        d = -1;
    if (d) {
        /* One event, one transition: a cut that brightens one part of the screen and darkens
         * another is counted once, so the cells that changed the other way are used up too. */
        k->fired_up = k->fired_down = t;
        k->last = d;
    }
    return d;
}

int kz_flash_push(kz_flash *f, const uint8_t *rgb, int stride, double t)
{
    if (!f || !rgb || t < f->last_t)
        return -1;
    if (kz_grow(&f->frames, &f->cap, f->n_frames + 1, sizeof *f->frames, 1024))
        return -1;
    int first = f->n_frames == 0;
    float ft = (float)t;
    /* Cells count as concurrent when they changed within the profile's window; a small
     * slack absorbs rounding of frame times. */
    float since = (float)(t - f->prof->concurrent - 1e-4);
    double sum_y = 0, sum_s = 0;
    size_t lu = 0, ld = 0, ru = 0, rd = 0;
    size_t i = 0;
    for (int y = 0; y < f->h; y++) {
        const uint8_t *p = rgb + (size_t)y * stride;
        for (int x = 0; x < f->w; x++, i++, p += 3) {
            float r = srgb_lut[p[0]], g = srgb_lut[p[1]], b = srgb_lut[p[2]];
            float yl = 0.2126f * r + 0.7152f * g + 0.0722f * b;
            float s = red_sat(r, g, b);
            sum_y += yl;
            sum_s += s;
            cell_update(&f->lum, i, yl, ft, first);
            cell_update(&f->red, i, s, ft, first);
            if (!first) {
                cell_area(&f->lum, i, since, &lu, &ld);
                cell_area(&f->red, i, since, &ru, &rd);
            }
        }
    }
    kz_flash_frame *fr = &f->frames[f->n_frames++];
    memset(fr, 0, sizeof *fr);
    double n = (double)f->n;
    fr->t = t;
    fr->lum = (float)(sum_y / n);
    fr->red = (float)(sum_s / n);
    fr->lum_up = (float)(lu / n);
    fr->lum_down = (float)(ld / n);
    fr->red_up = (float)(ru / n);
    fr->red_down = (float)(rd / n);
    fr->lum_tr = (int8_t)track_fire(&f->lum, lu / n, ld / n, f->prof->area, ft);
    fr->red_tr = (int8_t)track_fire(&f->red, ru / n, rd / n, f->prof->area, ft);
    f->last_t = t;
    return 0;
}

/* ---- window rules ---- */

static int window_cmp(const void *a, const void *b)
{
    const kz_flash_window *x = a, *y = b;
    if (x->verdict != y->verdict)
        return y->verdict - x->verdict;
    int mx = x->lum > x->red ? x->lum : x->red, my = y->lum > y->red ? y->lum : y->red;
    if (mx != my)
        return my - mx;
    double dx = x->end - x->start, dy = y->end - y->start;
    if (dx != dy)
        return dy > dx ? 1 : -1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static const char *RULE_LUM = "general flash: more transitions in one second than allowed";
static const char *RULE_RED = "red flash: more transitions in one second than allowed";
static const char *RULE_EXT = "extended failure: near-limit flashing held too long";
static const char *RULE_WARN = "near the limit: flashing close to the allowed rate";

int kz_flash_finish(kz_flash *f, kz_flash_report *out)
{
    if (!f || !out)
        return -1;
    const kz_flash_profile *pr = f->prof;
    memset(out, 0, sizeof *out);
    out->profile = pr;
    out->grid_w = f->w;
    out->grid_h = f->h;
    out->n_frames = f->n_frames;
    out->frames = f->frames;
    f->frames = NULL;
    f->n_frames = f->cap = 0;
    out->verdict = KZ_FLASH_PASS;
    out->reason = "no harmful flashing found";
    size_t n = out->n_frames;
    kz_flash_frame *fr = out->frames;
    if (!n)
        return 0;

    /* Frame durations: to the next frame; the last repeats the one before. */
    double *dur = malloc(n * sizeof *dur);
    if (!dur)
        return -1;
    for (size_t i = 0; i + 1 < n; i++)
        dur[i] = fr[i + 1].t - fr[i].t;
    dur[n - 1] = n > 1 ? dur[n - 2] : 1.0 / 30;
    out->duration = fr[n - 1].t - fr[0].t + dur[n - 1];

    /* One-second windows (t - 1, t]: two pointers. */
    const double eps = 1e-6;
    size_t a = 0;
    int cl = 0, cr = 0;
    for (size_t i = 0; i < n; i++) {
        cl += fr[i].lum_tr != 0;
        cr += fr[i].red_tr != 0;
        out->lum_transitions += fr[i].lum_tr != 0;
        out->red_transitions += fr[i].red_tr != 0;
        while (fr[a].t <= fr[i].t - 1.0 + eps) {
            cl -= fr[a].lum_tr != 0;
            cr -= fr[a].red_tr != 0;
            a++;
        }
        fr[i].lum_count = (uint8_t)(cl > 255 ? 255 : cl);
        fr[i].red_count = (uint8_t)(cr > 255 ? 255 : cr);
        if (cl > out->max_lum) {
            out->max_lum = cl;
            out->max_lum_at = fr[i].t;
        }
        if (cr > out->max_red) {
            out->max_red = cr;
            out->max_red_at = fr[i].t;
        }
    }

    /* Extended failure: near-limit time inside (t - ext_window, t]. */
    a = 0;
    double near_sum = 0;
    for (size_t i = 0; i < n; i++) {
        /* Near the limit: warn_from..fail_over transitions in the last second, luminance or
         * red (the luminance band for both: jp's earlier red warning is not "sustained
         * flashing at the limit"). */
        int near_i = (fr[i].lum_count >= pr->warn_from && fr[i].lum_count <= pr->fail_over) ||
                     (fr[i].red_count >= pr->warn_from && fr[i].red_count <= pr->fail_over);
        fr[i].extended = (uint8_t)near_i; /* provisional: "near", rewritten below */
        if (near_i)
            near_sum += dur[i];
        while (fr[a].t <= fr[i].t - pr->ext_window + eps) {
            if (fr[a].extended)
                near_sum -= dur[a];
            a++;
        }
        if (near_sum > out->max_extended)
            out->max_extended = near_sum;
        /* Keep the "near" flag for the window sums; the verdict goes into verdict. */
        int v = KZ_FLASH_PASS;
        if (fr[i].lum_count > pr->fail_over || fr[i].red_count > pr->red_fail_over)
            v = KZ_FLASH_FAIL;
        else if (near_i && near_sum >= pr->ext_seconds - 1e-3)
            v = KZ_FLASH_FAIL | 0x10; /* extended, marked for the loop below */
        else if (fr[i].lum_count >= pr->warn_from || fr[i].red_count >= pr->red_warn_from)
            v = KZ_FLASH_WARN;
        fr[i].verdict = (uint8_t)v;
    }
    for (size_t i = 0; i < n; i++) {
        fr[i].extended = (fr[i].verdict & 0x10) != 0;
        fr[i].verdict &= 0x0f;
    }
    free(dur);

    /* Runs of frames at warn or worse become the reported windows. */
    kz_flash_window *all = NULL;
    size_t n_all = 0, cap_all = 0;
    for (size_t i = 0; i < n;) {
        if (fr[i].verdict == KZ_FLASH_PASS) {
            i++;
            continue;
        }
        kz_flash_window w = {0};
        size_t j = i;
        int lum_fail = 0, red_fail = 0, ext = 0;
        for (; j < n && fr[j].verdict != KZ_FLASH_PASS; j++) {
            if (fr[j].verdict > w.verdict)
                w.verdict = fr[j].verdict;
            if (fr[j].lum_count > w.lum)
                w.lum = fr[j].lum_count;
            if (fr[j].red_count > w.red)
                w.red = fr[j].red_count;
            lum_fail |= fr[j].lum_count > pr->fail_over;
            red_fail |= fr[j].red_count > pr->red_fail_over;
            ext |= fr[j].extended;
        }
        /* The stretch begins at the first transition of the first window that reached the
         * state (up to one second before frame i). */
        size_t k = i;
        while (k > 0 && fr[k - 1].t > fr[i].t - 1.0 + eps)
            k--;
        while (k < i && !fr[k].lum_tr && !fr[k].red_tr)
            k++;
        w.start = fr[k].t;
        w.end = fr[j - 1].t;
        w.rule = lum_fail ? RULE_LUM : red_fail ? RULE_RED : ext ? RULE_EXT : RULE_WARN;
        if (n_all == cap_all) {
            size_t c = cap_all ? cap_all * 2 : 16;
            kz_flash_window *nw = realloc(all, c * sizeof *nw);
            if (!nw) {
                free(all);
                return -1;
            }
            all = nw;
            cap_all = c;
        }
        all[n_all++] = w;
        if (w.verdict > out->verdict) {
            out->verdict = w.verdict;
            out->reason = w.rule;
        }
        i = j;
    }
    if (n_all) {
        qsort(all, n_all, sizeof *all, window_cmp);
        out->n_windows = n_all > KZ_FLASH_MAX_WINDOWS ? KZ_FLASH_MAX_WINDOWS : (int)n_all;
        memcpy(out->windows, all, (size_t)out->n_windows * sizeof *all);
        if (out->verdict != KZ_FLASH_PASS)
            out->reason = out->windows[0].rule;
    }
    free(all);
    return 0;
}

void kz_flash_report_free(kz_flash_report *r)
{
    if (!r)
        return;
    free(r->frames);
    r->frames = NULL; /* n_frames keeps the count */
}

/* ---- decoding a file ---- */

/* The analysis grid: KZ_FLASH_GRID_W cells wide (or the source width when smaller), height
 * by the display aspect ratio. See docs/accessibility.md for why 160 keeps the area rule. */
static void grid_size(int w, int h, AVRational sar, int *gw, int *gh)
{
    double aspect = (double)w / h;
    if (sar.num > 0 && sar.den > 0)
        aspect *= (double)sar.num / sar.den;
    int x = w < KZ_FLASH_GRID_W ? w : KZ_FLASH_GRID_W;
    int y = (int)lround(x / aspect);
    if (y > h)
        y = h;
    *gw = x;
    *gh = y < 1 ? 1 : y;
}

static const int *coefficients(const AVFrame *fr)
{
    switch (fr->colorspace) {
    case AVCOL_SPC_BT709: return sws_getCoefficients(SWS_CS_ITU709);
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return sws_getCoefficients(SWS_CS_ITU601);
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return sws_getCoefficients(SWS_CS_BT2020);
    default:
        /* Untagged: the usual convention, HD and larger are BT.709. */
        return sws_getCoefficients(fr->height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601);
    }
}

int kz_flash_analyse_file(const char *path, const kz_flash_profile *prof, int keep_frames,
                          kz_flash_report *out)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = NULL;
    AVFrame *frame = NULL;
    struct SwsContext *sws = NULL;
    kz_flash *an = NULL;
    uint8_t *grid = NULL;
    int gw = 0, gh = 0, st = -1, rc = -1, err;
    int sw = 0, sh = 0, sfmt = -1;
    double prev_t = -1e30, t0 = 0;
    int64_t index = 0;
    char msg[128];

    memset(out, 0, sizeof *out);
    if (!prof)
        prof = &kz_flash_profile_default;
    if ((err = avformat_open_input(&fmt, path, NULL, NULL)) < 0)
        goto averr;
    if ((err = avformat_find_stream_info(fmt, NULL)) < 0)
        goto averr;
    const AVCodec *codec = NULL;
    st = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (st < 0 || !codec) {
        kz_log("flash", KZ_LOG_ERROR, "%s: no video stream that can be decoded", path);
        goto fail;
    }
    AVStream *stream = fmt->streams[st];
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        if ((int)i != st)
            fmt->streams[i]->discard = AVDISCARD_ALL;
    dec = avcodec_alloc_context3(codec);
    if (!dec)
        goto nomem;
    if ((err = avcodec_parameters_to_context(dec, stream->codecpar)) < 0)
        goto averr;
    /* Frame + slice threads, as many as the decoder likes (it sizes for the cores). The
     * in-loop deblocking filter only touches block edges by a few code values, which the
     * cell averages wash out: skipping it buys ~10 % decode speed. */
    dec->thread_count = 0;
    dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    dec->skip_loop_filter = AVDISCARD_ALL;
    dec->flags2 |= AV_CODEC_FLAG2_FAST;
    if ((err = avcodec_open2(dec, codec, NULL)) < 0)
        goto averr;
    pkt = av_packet_alloc();
    frame = av_frame_alloc();
    if (!pkt || !frame)
        goto nomem;
    if (stream->start_time != AV_NOPTS_VALUE)
        t0 = stream->start_time * av_q2d(stream->time_base);
    double fps = av_q2d(stream->avg_frame_rate);
    if (!(fps > 0 && fps < 1000))
        fps = av_q2d(stream->r_frame_rate);
    if (!(fps > 0 && fps < 1000))
        fps = 30;

    int eof = 0;
    while (1) {
        if (!eof) {
            err = av_read_frame(fmt, pkt);
            if (err < 0 && err != AVERROR_EOF && err != AVERROR(EAGAIN)) {
                /* A damaged tail: analyse what could be read, and say so. */
                av_strerror(err, msg, sizeof msg);
                kz_log("flash", KZ_LOG_WARN, "%s: read error after %lld frames (%s); the "
                       "rest of the file is not analysed", path, (long long)index, msg);
                err = AVERROR_EOF;
            }
            if (err == AVERROR_EOF) {
                eof = 1;
                avcodec_send_packet(dec, NULL);
            } else if (err < 0) {
                continue;
            } else {
                if (pkt->stream_index == st) {
                    err = avcodec_send_packet(dec, pkt);
                    if (err < 0 && err != AVERROR(EAGAIN) && err != AVERROR_INVALIDDATA) {
                        av_packet_unref(pkt);
                        goto averr;
                    }
                }
                av_packet_unref(pkt);
            }
        }
        while ((err = avcodec_receive_frame(dec, frame)) >= 0) {
            if (!sws || frame->width != sw || frame->height != sh || frame->format != sfmt) {
                if (!an) {
                    grid_size(frame->width, frame->height, frame->sample_aspect_ratio, &gw,
                              &gh);
                    an = kz_flash_new(prof, gw, gh);
                    grid = malloc((size_t)gw * gh * 3);
                    if (!an || !grid)
                        goto nomem;
                    out->width = frame->width;
                    out->height = frame->height;
                }
                /* SWS_AREA: each cell is the mean of the source pixels it covers. */
                sws = sws_getCachedContext(sws, frame->width, frame->height, frame->format,
                                           gw, gh, AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL,
                                           NULL);
                if (!sws) {
                    kz_log("flash", KZ_LOG_ERROR, "%s: cannot convert %dx%d %s frames", path,
                           frame->width, frame->height,
                           av_get_pix_fmt_name(frame->format) ? av_get_pix_fmt_name(frame->format) : "?");
                    goto fail;
                }
                int full = frame->color_range == AVCOL_RANGE_JPEG;
                sws_setColorspaceDetails(sws, coefficients(frame), full,
                                         sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
                                         1 << 16);
                sw = frame->width;
                sh = frame->height;
                sfmt = frame->format;
            }
            uint8_t *dst[4] = {grid};
            int dst_stride[4] = {gw * 3};
            sws_scale(sws, (const uint8_t *const *)frame->data, frame->linesize, 0,
                      frame->height, dst, dst_stride);
            double t;
            if (frame->best_effort_timestamp != AV_NOPTS_VALUE)
                t = frame->best_effort_timestamp * av_q2d(stream->time_base) - t0;
            else
                t = index / fps;
            if (t <= prev_t)
                t = prev_t + 1e-6; /* repeated or missing stamps: keep order */
            prev_t = t;
            index++;
            if (kz_flash_push(an, grid, gw * 3, t) < 0)
                goto nomem;
            av_frame_unref(frame);
        }
        if (err == AVERROR_EOF)
            break;
        if (err != AVERROR(EAGAIN) && err != AVERROR_INVALIDDATA)
            goto averr;
    }
    if (!an) {
        kz_log("flash", KZ_LOG_ERROR, "%s: no video frames decoded", path);
        goto fail;
    }
    int w0 = out->width, h0 = out->height;
    if (kz_flash_finish(an, out) < 0)
        goto nomem;
    out->width = w0;
    out->height = h0;
    if (!keep_frames)
        kz_flash_report_free(out);
    rc = 0;
    goto done;

averr:
    av_strerror(err, msg, sizeof msg);
    kz_log("flash", KZ_LOG_ERROR, "%s: %s", path, msg);
    goto fail;
nomem:
    kz_log("flash", KZ_LOG_ERROR, "%s: out of memory", path);
fail:
    kz_flash_report_free(out);
done:
    kz_flash_free(&an);
    free(grid);
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return rc;
}
