/* PNG writing and image decoding with libavcodec / libavformat / libswscale. */
#include "base/png.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "base/log.h"

#define LOG "png"

/* Encode and write to an open descriptor (not closed here); name is for messages. */
static int png_write(int fd, const char *name, const void *argb, int w, int h, int pitch)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *c = NULL;
    AVFrame *f = NULL;
    AVPacket *pkt = NULL;
    int rc = -1;
    if (!codec) {
        kz_log(LOG, KZ_LOG_ERROR, "libavcodec has no PNG encoder");
        return -1;
    }
    c = avcodec_alloc_context3(codec);
    f = av_frame_alloc();
    pkt = av_packet_alloc();
    if (!c || !f || !pkt)
        goto fail;
    c->width = w;
    c->height = h;
    c->pix_fmt = AV_PIX_FMT_RGB24;
    c->time_base = (AVRational){1, 1};
    if (avcodec_open2(c, codec, NULL) < 0)
        goto fail;
    f->format = AV_PIX_FMT_RGB24;
    f->width = w;
    f->height = h;
    if (av_frame_get_buffer(f, 0) < 0)
        goto fail;
    for (int y = 0; y < h; y++) {
        const uint8_t *src = (const uint8_t *)argb + (size_t)y * pitch;
        uint8_t *dst = f->data[0] + (size_t)y * f->linesize[0];
        for (int x = 0; x < w; x++) {
            uint32_t p;
            memcpy(&p, src + 4 * x, 4);
            dst[3 * x] = (uint8_t)(p >> 16);
            dst[3 * x + 1] = (uint8_t)(p >> 8);
            dst[3 * x + 2] = (uint8_t)p;
        }
    }
    if (avcodec_send_frame(c, f) < 0 || avcodec_send_frame(c, NULL) < 0 ||
        avcodec_receive_packet(c, pkt) < 0)
        goto fail;
    for (size_t off = 0; off < (size_t)pkt->size;) {
        ssize_t n = write(fd, pkt->data + off, (size_t)pkt->size - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            kz_log(LOG, KZ_LOG_ERROR, "%s: write failed: %s", name,
                   n < 0 ? strerror(errno) : "no space");
            goto done;
        }
        off += (size_t)n;
    }
    rc = 0;
    goto done;
fail:
    kz_log(LOG, KZ_LOG_ERROR, "%s: PNG encoding failed", name);
done:
    av_packet_free(&pkt);
    av_frame_free(&f);
    avcodec_free_context(&c);
    return rc;
}

int kz_png_write(const char *path, const void *argb, int w, int h, int pitch)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    int rc = png_write(fd, path, argb, w, h, pitch);
    if (close(fd) && !rc) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: write failed: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int kz_png_write_fd(int fd, const char *name, const void *argb, int w, int h, int pitch)
{
    return png_write(fd, name, argb, w, h, pitch);
}

int kz_image_load(const char *path, uint8_t **argb, int *w, int *h, char *err, size_t errlen)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *c = NULL;
    AVFrame *f = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    struct SwsContext *sws = NULL;
    int rc = -1, ret, got = 0;
    char e[128];
    *argb = NULL;
    if (!f || !pkt) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if ((ret = avformat_open_input(&fmt, path, NULL, NULL)) < 0) {
        av_strerror(ret, e, sizeof e);
        snprintf(err, errlen, "cannot open: %s", e);
        goto done;
    }
    if (avformat_find_stream_info(fmt, NULL) < 0) {
        snprintf(err, errlen, "not a readable image");
        goto done;
    }
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (si < 0) {
        snprintf(err, errlen, "no image in the file");
        goto done;
    }
    const AVCodec *codec = avcodec_find_decoder(fmt->streams[si]->codecpar->codec_id);
    if (!codec) {
        snprintf(err, errlen, "unsupported image format");
        goto done;
    }
    c = avcodec_alloc_context3(codec);
    if (!c || avcodec_parameters_to_context(c, fmt->streams[si]->codecpar) < 0 ||
        avcodec_open2(c, codec, NULL) < 0) {
        snprintf(err, errlen, "cannot open the %s decoder", codec->name);
        goto done;
    }
    while (!got && av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == si && avcodec_send_packet(c, pkt) >= 0)
            got = avcodec_receive_frame(c, f) >= 0;
        av_packet_unref(pkt);
    }
    if (!got) {
        avcodec_send_packet(c, NULL);
        got = avcodec_receive_frame(c, f) >= 0;
    }
    if (!got || f->width <= 0 || f->height <= 0 || f->width > 16384 || f->height > 16384) {
        snprintf(err, errlen, "the image could not be decoded (corrupt or truncated)");
        goto done;
    }
    sws = sws_getContext(f->width, f->height, f->format, f->width, f->height, AV_PIX_FMT_BGRA,
                         SWS_BILINEAR, NULL, NULL, NULL);
    uint8_t *buf = sws ? malloc((size_t)f->width * f->height * 4) : NULL;
    if (!buf) {
        snprintf(err, errlen, "cannot convert the image's pixel format");
        goto done;
    }
    uint8_t *dst[4] = {buf, NULL, NULL, NULL};
    int dst_ls[4] = {f->width * 4, 0, 0, 0};
    sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dst_ls);
    /* Formats without alpha leave the alpha byte at 0 in some swscale paths: make opaque. */
    if (!(av_pix_fmt_desc_get(f->format)->flags & AV_PIX_FMT_FLAG_ALPHA))
        for (size_t i = 3; i < (size_t)f->width * f->height * 4; i += 4)
            buf[i] = 255;
    *argb = buf;
    *w = f->width;
    *h = f->height;
    rc = 0;
done:
    sws_freeContext(sws);
    avcodec_free_context(&c);
    avformat_close_input(&fmt);
    av_frame_free(&f);
    av_packet_free(&pkt);
    return rc;
}
