/* kizuna flash: decoding a clip for the flash analyser (lib/flashscan.c has the analyser and
 * the rules; docs/accessibility.md the sources). */
#include "checks/flash.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "base/log.h"
#include "flashcells.h"

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

/* The largest lowres factor (1/2^n of the size) that keeps at least two decoded pixels per
 * grid cell, for decoders that can decode at reduced size (MPEG-1/2/4, MJPEG, ...; H.264 and
 * HEVC cannot). */
static int lowres_for(const AVCodec *codec, int w, int h)
{
    int n = 0;
    if (w <= 0 || h <= 0)
        return 0;
    while (n < codec->max_lowres && (w >> (n + 1)) >= 2 * KZ_FLASH_GRID_W &&
           (h >> (n + 1)) >= 2 * (KZ_FLASH_GRID_W * h / w))
        n++;
    return n;
}

int kz_flash_analyse_file(const char *path, const kz_flash_profile *prof, int keep_frames,
                          kz_flash_report *out)
{
    kz_flash_opts o = {.profile = prof, .keep_frames = keep_frames};
    return kz_flash_analyse(path, &o, out);
}

int kz_flash_analyse(const char *path, const kz_flash_opts *opts, kz_flash_report *out)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = NULL;
    AVFrame *frame = NULL;
    struct SwsContext *sws = NULL;
    kz_flash_cells cells = {0}; /* owned: the fast path's tables */
    kz_flash *an = NULL;
    uint8_t *grid = NULL;
    int gw = 0, gh = 0, st = -1, rc = -1, err;
    int sw = 0, sh = 0, sfmt = -1;
    double prev_t = -1e30, t0 = 0;
    int64_t index = 0;
    char msg[128];

    memset(out, 0, sizeof *out);
    const kz_flash_profile *prof = opts->profile ? opts->profile : &kz_flash_profile_default;
    double last_progress = -1;
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
    /* Frame + slice threads, as many as the decoder likes (it sizes for the cores). The fast
     * path: the in-loop deblocking filter only touches block edges by a few code values, which
     * the cell averages wash out (skipping it buys ~10 % decode speed), and decoders that can
     * decode at reduced size do so (lowres). tests/unit/test_flash_clips.c compares its
     * per-frame transitions and counts with the exact path's (test_fast_matches_exact). */
    dec->thread_count = 0;
    dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if (!opts->exact) {
        dec->skip_loop_filter = AVDISCARD_ALL;
        dec->flags2 |= AV_CODEC_FLAG2_FAST;
        dec->lowres = lowres_for(codec, dec->width, dec->height);
    }
    if ((err = avcodec_open2(dec, codec, NULL)) < 0)
        goto averr;
    pkt = av_packet_alloc();
    frame = av_frame_alloc();
    if (!pkt || !frame)
        goto nomem;
    if (stream->start_time != AV_NOPTS_VALUE)
        t0 = stream->start_time * av_q2d(stream->time_base);
    double total = 0; /* seconds, for the progress callback */
    if (stream->duration > 0)
        total = stream->duration * av_q2d(stream->time_base);
    else if (fmt->duration > 0)
        total = fmt->duration / (double)AV_TIME_BASE;
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
            if (!an) {
                grid_size(frame->width, frame->height, frame->sample_aspect_ratio, &gw, &gh);
                an = kz_flash_new(prof, gw, gh);
                grid = malloc((size_t)gw * gh * 3);
                if (!an || !grid)
                    goto nomem;
                int fw, fh;
                kz_flash_field_cells(opts->screen_height_m, opts->viewing_distance_m, gw, gh,
                                     &fw, &fh);
                kz_flash_set_field(an, fw, fh);
                /* The source size, not the (lowres) decoded one. */
                out->width = stream->codecpar->width ? stream->codecpar->width : frame->width;
                out->height = stream->codecpar->height ? stream->codecpar->height
                                                       : frame->height;
            }
            /* The fast path reads cell means straight from 8-bit planar Y'CbCr; the exact
             * path and every other format go through libswscale. */
            if (!opts->exact && kz_flash_cells_supported(frame->format) &&
                gw <= frame->width && gh <= frame->height) {
                if (kz_flash_cells_rgb(&cells, frame, gw, gh, grid) < 0)
                    goto nomem;
            } else {
                if (!sws || frame->width != sw || frame->height != sh || frame->format != sfmt) {
                    /* SWS_AREA: each cell is the mean of the source pixels it covers. */
                    sws = sws_getCachedContext(sws, frame->width, frame->height, frame->format,
                                               gw, gh, AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL,
                                               NULL);
                    if (!sws) {
                        const char *pf = av_get_pix_fmt_name(frame->format);
                        kz_log("flash", KZ_LOG_ERROR, "%s: cannot convert %dx%d %s frames",
                               path, frame->width, frame->height, pf ? pf : "?");
                        goto fail;
                    }
                    int full = frame->color_range == AVCOL_RANGE_JPEG;
                    sws_setColorspaceDetails(sws, coefficients(frame), full,
                                             sws_getCoefficients(SWS_CS_DEFAULT), 1, 0,
                                             1 << 16, 1 << 16);
                    sw = frame->width;
                    sh = frame->height;
                    sfmt = frame->format;
                }
                uint8_t *dst[4] = {grid};
                int dst_stride[4] = {gw * 3};
                sws_scale(sws, (const uint8_t *const *)frame->data, frame->linesize, 0,
                          frame->height, dst, dst_stride);
            }
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
            if (opts->progress && total > 0 && t / total >= last_progress + 0.005) {
                last_progress = t / total;
                opts->progress(opts->progress_ctx, last_progress > 1 ? 1 : last_progress);
            }
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
    if (!opts->keep_frames)
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
    kz_flash_cells_free(&cells);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return rc;
}
