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

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

/* JPEG: walk the markers to the first start-of-frame (SOF0..SOF15 except DHT, JPG, DAC). */
static int jpeg_size(FILE *f, long *w, long *h)
{
    uint8_t m[9];
    if (fseek(f, 2, SEEK_SET))
        return -1;
    for (int guard = 0; guard < 1000; guard++) {
        if (fread(m, 1, 4, f) != 4 || m[0] != 0xff)
            return -1;
        while (m[1] == 0xff) { /* fill bytes */
            m[1] = m[2];
            m[2] = m[3];
            if (fread(m + 3, 1, 1, f) != 1)
                return -1;
        }
        unsigned len = (unsigned)m[2] << 8 | m[3];
        if (len < 2)
            return -1;
        if (m[1] >= 0xc0 && m[1] <= 0xcf && m[1] != 0xc4 && m[1] != 0xc8 && m[1] != 0xcc) {
            if (fread(m, 1, 5, f) != 5)
                return -1;
            *h = (long)m[1] << 8 | m[2];
            *w = (long)m[3] << 8 | m[4];
            return 0;
        }
        if (fseek(f, (long)len - 2, SEEK_CUR))
            return -1;
    }
    return -1;
}

int kz_image_header_size(const char *path, long *w, long *h)
{
    uint8_t b[32];
    int rc = -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(b, 1, sizeof b, f);
    if (n >= 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4)) {
        *w = be32(b + 16);
        *h = be32(b + 20);
        rc = 0;
    } else if (n >= 10 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) {
        *w = b[6] | b[7] << 8; /* the logical screen; frames are clipped to it */
        *h = b[8] | b[9] << 8;
        rc = 0;
    } else if (n >= 30 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)) {
        if (!memcmp(b + 12, "VP8X", 4)) {
            *w = 1 + (b[24] | b[25] << 8 | (long)b[26] << 16);
            *h = 1 + (b[27] | b[28] << 8 | (long)b[29] << 16);
            rc = 0;
        } else if (!memcmp(b + 12, "VP8L", 4)) {
            uint32_t v = le32(b + 21);
            *w = 1 + (v & 0x3fff);
            *h = 1 + (v >> 14 & 0x3fff);
            rc = 0;
        } else if (!memcmp(b + 12, "VP8 ", 4)) {
            *w = (b[26] | b[27] << 8) & 0x3fff;
            *h = (b[28] | b[29] << 8) & 0x3fff;
            rc = 0;
        }
    } else if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
        int32_t bw = (int32_t)le32(b + 18), bh = (int32_t)le32(b + 22);
        *w = labs((long)bw);
        *h = labs((long)bh);
        rc = 0;
    } else if (n >= 4 && b[0] == 0xff && b[1] == 0xd8) {
        rc = jpeg_size(f, w, h);
    }
    fclose(f);
    return rc;
}

int kz_image_check_header(const char *path, long max_pixels, char *err, size_t errlen)
{
    long w, h;
    if (max_pixels <= 0)
        max_pixels = KZ_MAX_PIXELS_DEFAULT;
    if (kz_image_header_size(path, &w, &h))
        return 0;
    if (w <= 0 || h <= 0) {
        snprintf(err, errlen, "the header declares a %ldx%ld picture", w, h);
        return -1;
    }
    if (w > 16384 || h > 16384 || w * h > max_pixels) {
        snprintf(err, errlen, "%ldx%ld (%.1f Mpx) is above the pixel limit of %.1f Mpx "
                 "([player] max_pixels); not decoded", w, h, (double)w * h / 1e6,
                 (double)max_pixels / 1e6);
        return -1;
    }
    return 0;
}

int kz_image_load(const char *path, uint8_t **argb, int *w, int *h, char *err, size_t errlen)
{
    return kz_image_load_limited(path, 0, argb, w, h, err, errlen);
}

int kz_image_load_limited(const char *path, long max_pixels, uint8_t **argb, int *w, int *h,
                          char *err, size_t errlen)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *c = NULL;
    AVFrame *f = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    struct SwsContext *sws = NULL;
    int rc = -1, ret, got = 0;
    char e[128];
    AVDictionary **sopts = NULL;
    unsigned nopts = 0;
    char lim[32];
    *argb = NULL;
    if (max_pixels <= 0)
        max_pixels = KZ_MAX_PIXELS_DEFAULT;
    snprintf(lim, sizeof lim, "%ld", max_pixels);
    if (!f || !pkt) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    /* A few hundred KB of PNG can declare gigabytes of pixels: judge the size from the
     * header, before libavformat's probing decodes the first frame whole. */
    if (kz_image_check_header(path, max_pixels, err, errlen))
        goto done;
    if ((ret = avformat_open_input(&fmt, path, NULL, NULL)) < 0) {
        av_strerror(ret, e, sizeof e);
        snprintf(err, errlen, "cannot open: %s", e);
        goto done;
    }
    /* Formats whose header we do not read: the decoder itself refuses larger frames. */
    nopts = fmt->nb_streams;
    sopts = av_calloc(nopts ? nopts : 1, sizeof *sopts);
    if (!sopts) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (unsigned i = 0; i < nopts; i++)
        av_dict_set(&sopts[i], "max_pixels", lim, 0);
    if (avformat_find_stream_info(fmt, sopts) < 0) {
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
    const AVCodecParameters *cp = fmt->streams[si]->codecpar;
    if (cp->width <= 0 || cp->height <= 0 || (long)cp->width * cp->height > max_pixels) {
        snprintf(err, errlen, "no picture size within the pixel limit of %.1f Mpx "
                 "([player] max_pixels); not decoded", (double)max_pixels / 1e6);
        goto done;
    }
    c = avcodec_alloc_context3(codec);
    if (c)
        c->max_pixels = max_pixels;
    if (!c || avcodec_parameters_to_context(c, cp) < 0 || avcodec_open2(c, codec, NULL) < 0) {
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
    for (unsigned i = 0; sopts && i < nopts; i++)
        av_dict_free(&sopts[i]);
    av_freep(&sopts);
    sws_freeContext(sws);
    avcodec_free_context(&c);
    avformat_close_input(&fmt);
    av_frame_free(&f);
    av_packet_free(&pkt);
    return rc;
}
