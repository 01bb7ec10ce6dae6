/* Hardware decoding paths: VA-API and DRM through a device context (hwaccel of the software
 * decoder), V4L2 memory-to-memory through its own decoder (h264_v4l2m2m, hevc_v4l2m2m, ...).
 * See hwdec.h. */
#include <stdio.h>
#include <string.h>

#include <libavutil/hwcontext.h>

#include "hwdec.h"

static void averr(int code, char *buf, size_t n)
{
    if (av_strerror(code, buf, n) < 0)
        snprintf(buf, n, "error %d", code);
}

static void add_why(char *why, size_t n, const char *path, const char *reason)
{
    size_t l = strlen(why);
    if (l + 1 < n)
        snprintf(why + l, n - l, "%s%s: %s", l ? "; " : "", path, reason);
}

/* The decoder offers its formats once the stream's parameters are known: take the device's
 * when offered, else the first (software) one, so a stream the device cannot decode (a
 * profile it lacks) still plays. */
static enum AVPixelFormat pick_format(AVCodecContext *c, const enum AVPixelFormat *fmts)
{
    const enum AVPixelFormat *want = c->opaque;
    for (const enum AVPixelFormat *p = fmts; *p != AV_PIX_FMT_NONE; p++)
        if (*p == *want)
            return *p;
    return fmts[0];
}

static AVCodecContext *new_context(const AVCodec *codec, const AVCodecParameters *par,
                                   AVRational pkt_tb)
{
    AVCodecContext *c = avcodec_alloc_context3(codec);
    if (!c || avcodec_parameters_to_context(c, par) < 0) {
        avcodec_free_context(&c);
        return NULL;
    }
    c->pkt_timebase = pkt_tb;
    return c;
}

/* VA-API or DRM: the software decoder with a device context. */
static int open_device(const AVCodec *sw, const AVCodecParameters *par, AVRational pkt_tb,
                       const char *name, AVCodecContext **out, enum AVPixelFormat *hw_fmt,
                       char *why, size_t why_len)
{
    char e[128], r[200];
    enum AVHWDeviceType type = av_hwdevice_find_type_by_name(name);
    if (type == AV_HWDEVICE_TYPE_NONE) {
        add_why(why, why_len, name, "not in this FFmpeg");
        return -1;
    }
    enum AVPixelFormat fmt = AV_PIX_FMT_NONE;
    for (int i = 0;; i++) {
        const AVCodecHWConfig *hc = avcodec_get_hw_config(sw, i);
        if (!hc)
            break;
        if ((hc->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) && hc->device_type == type) {
            fmt = hc->pix_fmt;
            break;
        }
    }
    if (fmt == AV_PIX_FMT_NONE) {
        snprintf(r, sizeof r, "the %s decoder has no %s path", sw->name, name);
        add_why(why, why_len, name, r);
        return -1;
    }
    AVBufferRef *dev = NULL;
    int rc = av_hwdevice_ctx_create(&dev, type, NULL, NULL, 0);
    if (rc < 0) {
        averr(rc, e, sizeof e);
        snprintf(r, sizeof r, "no device (%s)", e);
        add_why(why, why_len, name, r);
        return -1;
    }
    AVCodecContext *c = new_context(sw, par, pkt_tb);
    if (!c) {
        av_buffer_unref(&dev);
        add_why(why, why_len, name, "out of memory");
        return -1;
    }
    c->hw_device_ctx = dev; /* the context owns the reference now */
    *hw_fmt = fmt;
    c->opaque = hw_fmt;
    c->get_format = pick_format;
    rc = avcodec_open2(c, sw, NULL);
    if (rc < 0) {
        averr(rc, e, sizeof e);
        snprintf(r, sizeof r, "cannot open the decoder (%s)", e);
        add_why(why, why_len, name, r);
        avcodec_free_context(&c);
        *hw_fmt = AV_PIX_FMT_NONE;
        return -1;
    }
    *out = c;
    return 0;
}

/* V4L2 memory-to-memory (Raspberry Pi, many ARM boards): a decoder of its own. */
static int open_v4l2m2m(const AVCodec *sw, const AVCodecParameters *par, AVRational pkt_tb,
                        AVCodecContext **out, char *why, size_t why_len)
{
    char name[64], e[128], r[200];
    snprintf(name, sizeof name, "%s_v4l2m2m", sw->name);
    const AVCodec *codec = avcodec_find_decoder_by_name(name);
    if (!codec) {
        snprintf(r, sizeof r, "no %s decoder in this FFmpeg", name);
        add_why(why, why_len, "v4l2m2m", r);
        return -1;
    }
    AVCodecContext *c = new_context(codec, par, pkt_tb);
    if (!c) {
        add_why(why, why_len, "v4l2m2m", "out of memory");
        return -1;
    }
    /* Without a device the open fails quietly for us, but libavcodec logs at error level
     * for every /dev/video* it probes; the caller's one line says what happened. */
    int level = av_log_get_level();
    av_log_set_level(AV_LOG_FATAL);
    int rc = avcodec_open2(c, codec, NULL);
    av_log_set_level(level);
    if (rc < 0) {
        averr(rc, e, sizeof e);
        snprintf(r, sizeof r, "no device (%s)", e);
        add_why(why, why_len, "v4l2m2m", r);
        avcodec_free_context(&c);
        return -1;
    }
    *out = c;
    return 0;
}

int vd_hw_open(const AVCodec *sw, const AVCodecParameters *par, AVRational pkt_tb,
               const char *want, AVCodecContext **out, enum AVPixelFormat *hw_fmt,
               char *used, size_t used_len, char *why, size_t why_len)
{
    static const char *const order[] = {"vaapi", "drm", "v4l2m2m"};
    why[0] = 0;
    *out = NULL;
    *hw_fmt = AV_PIX_FMT_NONE;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (strcmp(want, "auto") && strcmp(want, order[i]))
            continue;
        int rc = strcmp(order[i], "v4l2m2m")
                     ? open_device(sw, par, pkt_tb, order[i], out, hw_fmt, why, why_len)
                     : open_v4l2m2m(sw, par, pkt_tb, out, why, why_len);
        if (rc == 0) {
            snprintf(used, used_len, "%s", order[i]);
            return 0;
        }
    }
    if (!why[0])
        snprintf(why, why_len, "%s: not a hardware path", want);
    return -1;
}

int vd_hw_download(AVFrame *frame, AVFrame *tmp)
{
    av_frame_unref(tmp);
    int rc = av_hwframe_transfer_data(tmp, frame, 0);
    if (rc < 0)
        return rc;
    rc = av_frame_copy_props(tmp, frame);
    if (rc < 0)
        return rc;
    av_frame_unref(frame);
    av_frame_move_ref(frame, tmp);
    return 0;
}
