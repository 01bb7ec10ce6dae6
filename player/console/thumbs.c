/* Thumbnails for the media list (thumbs.h). The decoding is libavformat + libavcodec +
 * libswscale, as the player's image loader and video plugin use them; a still picture goes
 * through the same demuxers (png_pipe, jpeg_pipe, image2...) as a clip. */
#include "console/thumbs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/png.h"
#include "console/util.h"

#define THUMB_PNG_MAX (1024 * 1024)
#define THUMB_PACKETS_MAX 2000 /* packets read before giving up on a first frame */

static int scale(const AVFrame *f, int w, int h, uint8_t **argb, int *ow, int *oh, char *err,
                 size_t errlen)
{
    /* fit inside w x h, keep the aspect (sample aspect ratio included) */
    double sar = f->sample_aspect_ratio.num > 0 && f->sample_aspect_ratio.den > 0
                     ? av_q2d(f->sample_aspect_ratio) : 1.0;
    double fw = f->width * sar, fh = f->height;
    double k = fw / w > fh / h ? w / fw : h / fh;
    if (k > 1)
        k = 1; /* never enlarged */
    *ow = (int)(fw * k + 0.5);
    *oh = (int)(fh * k + 0.5);
    if (*ow < 1)
        *ow = 1;
    if (*oh < 1)
        *oh = 1;
    struct SwsContext *sws = sws_getContext(f->width, f->height, f->format, *ow, *oh,
                                            AV_PIX_FMT_BGRA, SWS_AREA, NULL, NULL, NULL);
    *argb = malloc((size_t)*ow * (size_t)*oh * 4);
    if (!sws || !*argb) {
        sws_freeContext(sws);
        free(*argb);
        *argb = NULL;
        snprintf(err, errlen, "cannot scale the picture (%dx%d, format %d)", f->width,
                 f->height, f->format);
        return -1;
    }
    uint8_t *dst[4] = {*argb, NULL, NULL, NULL};
    int stride[4] = {*ow * 4, 0, 0, 0};
    sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, stride);
    sws_freeContext(sws);
    /* BGRA with alpha: put a transparent picture on black, as the screen would */
    for (size_t i = 0; i < (size_t)*ow * (size_t)*oh; i++) {
        uint8_t *p = *argb + i * 4;
        unsigned a = p[3];
        p[0] = (uint8_t)(p[0] * a / 255);
        p[1] = (uint8_t)(p[1] * a / 255);
        p[2] = (uint8_t)(p[2] * a / 255);
        p[3] = 255;
    }
    return 0;
}

int kz_thumb_decode(const char *path, long max_pixels, int w, int h, uint8_t **argb, int *ow,
                    int *oh, char *err, size_t errlen)
{
    AVFormatContext *fc = NULL;
    AVCodecContext *cc = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int rc = -1, got = 0;
    *argb = NULL;
    if (max_pixels <= 0)
        max_pixels = KZ_MAX_PIXELS_DEFAULT;
    if (!pkt || !frame) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (kz_image_check_header(path, max_pixels, err, errlen))
        goto out;
    int e = avformat_open_input(&fc, path, NULL, NULL);
    if (e < 0 || avformat_find_stream_info(fc, NULL) < 0) {
        snprintf(err, errlen, "not a picture or video that can be read");
        goto out;
    }
    int v = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (v < 0) {
        snprintf(err, errlen, "no picture in it");
        goto out;
    }
    const AVCodecParameters *par = fc->streams[v]->codecpar;
    if (par->width <= 0 || par->height <= 0 ||
        (long long)par->width * par->height > max_pixels) {
        snprintf(err, errlen, "the picture is %dx%d: above the limit of %ld pixels", par->width,
                 par->height, max_pixels);
        goto out;
    }
    const AVCodec *dec = avcodec_find_decoder(par->codec_id);
    if (!dec || !(cc = avcodec_alloc_context3(dec)) ||
        avcodec_parameters_to_context(cc, par) < 0) {
        snprintf(err, errlen, "no decoder for this picture");
        goto out;
    }
    cc->thread_count = 1; /* one small frame: no thread pool for it */
    if (avcodec_open2(cc, dec, NULL) < 0) {
        snprintf(err, errlen, "the decoder does not open");
        goto out;
    }
    int sent_eof = 0;
    for (int n = 0; !got && n < THUMB_PACKETS_MAX;) {
        int r = avcodec_receive_frame(cc, frame);
        if (r == 0) {
            got = 1;
            break;
        }
        if (r == AVERROR_EOF || (r != AVERROR(EAGAIN)))
            break;
        if (sent_eof)
            break;
        r = av_read_frame(fc, pkt);
        if (r < 0) {
            avcodec_send_packet(cc, NULL); /* drain what the decoder holds */
            sent_eof = 1;
            continue;
        }
        if (pkt->stream_index == v) {
            avcodec_send_packet(cc, pkt);
            n++;
        }
        av_packet_unref(pkt);
    }
    if (!got) {
        snprintf(err, errlen, "no frame could be decoded");
        goto out;
    }
    rc = scale(frame, w, h, argb, ow, oh, err, errlen);
out:
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&cc);
    avformat_close_input(&fc);
    return rc;
}

/* Keep the folder under KZ_THUMB_CACHE_MAX: remove the oldest files first. */
static void trim_cache(const char *dir)
{
    struct ent {
        char name[64];
        time_t mtime;
        off_t size;
    } *es = NULL;
    size_t n = 0, cap = 0;
    long long total = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        struct stat st;
        char p[PATH_MAX + 80];
        if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof es->name)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st) || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct ent *ne = realloc(es, cap * sizeof *es);
            if (!ne)
                break;
            es = ne;
        }
        snprintf(es[n].name, sizeof es[n].name, "%s", e->d_name);
        es[n].mtime = st.st_mtime;
        es[n].size = st.st_size;
        total += st.st_size;
        n++;
    }
    if (d)
        closedir(d);
    while (total > KZ_THUMB_CACHE_MAX && n) {
        size_t old = 0;
        for (size_t i = 1; i < n; i++)
            if (es[i].mtime < es[old].mtime)
                old = i;
        char p[PATH_MAX + 80];
        snprintf(p, sizeof p, "%s/%s", dir, es[old].name);
        unlink(p);
        total -= es[old].size;
        es[old] = es[--n];
    }
    free(es);
}

void kz_cthumb(kz_console *c, const char *name, kz_cresp *rs)
{
    if (!kz_cname_ok(name, 0) || name[0] == '.') {
        kz_cresp_errorp(rs, 400, "bad_name", json_pack("{s:s}", "name", name),
                        "'%s' is not a usable file name", name);
        return;
    }
    /* the file itself, opened without following a link, so that its size and time are its own */
    int fd = kz_copen(c->cfg.content, name, O_RDONLY, 0);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        kz_cresp_errorp(rs, 404, "not_found", json_pack("{s:s}", "detail", name),
                        "%s: not in the content folder", name);
        return;
    }
    char dir[PATH_MAX], key[600], ver[33], cached[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/console/thumbs", c->cfg.logs);
    snprintf(key, sizeof key, "%s\n%lld\n%lld.%09ld\n%dx%d", name, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, KZ_THUMB_W, KZ_THUMB_H);
    kz_cversion(key, strlen(key), ver);
    snprintf(cached, sizeof cached, "%s/%s.png", dir, ver);
    char *png = NULL;
    size_t len = 0;
    if (kz_cread(dir, strrchr(cached, '/') + 1, THUMB_PNG_MAX, &png, &len) == 0) {
        close(fd);
        kz_cresp_bytes(rs, 200, "image/png", png, len);
        return;
    }
    /* decode through /proc/self/fd: the file checked above, not whatever the name means now */
    char via[64], err[300];
    snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
    uint8_t *argb = NULL;
    int w = 0, h = 0;
    int rc = kz_thumb_decode(via, c->cfg.max_pixels, KZ_THUMB_W, KZ_THUMB_H, &argb, &w, &h,
                             err, sizeof err);
    close(fd);
    if (rc) {
        kz_cresp_errorp(rs, 422, "no_thumb", json_pack("{s:s,s:s}", "name", name, "detail", err),
                        "%s: no thumbnail: %s", name, err);
        return;
    }
    /* written aside and renamed: two requests for the same picture never see half a file */
    char tmp[PATH_MAX + 80];
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, ver);
    int tfd = kz_cmkdirs(dir) ? -1 : mkostemp(tmp, O_CLOEXEC);
    rc = tfd < 0 || kz_png_write_fd(tfd, tmp, argb, w, h, w * 4) ? -1 : 0;
    if (tfd >= 0 && close(tfd))
        rc = -1;
    if (!rc && rename(tmp, cached))
        rc = -1;
    free(argb);
    if (rc) {
        if (tfd >= 0)
            unlink(tmp);
        kz_cresp_errorp(rs, 500, "write", json_pack("{s:s}", "detail", dir),
                        "%s: cannot store the thumbnail: %s", dir, strerror(errno));
        return;
    }
    trim_cache(dir);
    if (kz_cread(dir, strrchr(cached, '/') + 1, THUMB_PNG_MAX, &png, &len)) {
        kz_cresp_errorp(rs, 500, "write", json_pack("{s:s}", "detail", cached),
                        "%s: cannot read the thumbnail back", cached);
        return;
    }
    kz_cresp_bytes(rs, 200, "image/png", png, len);
}
