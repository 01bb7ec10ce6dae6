/* Hardware decoding for the video plugin through FFmpeg's hwcontext API (player.ini [video]
 * hwdec, docs/video.md). Frames decoded on a device are copied back to system memory by the
 * decode worker (vdec.c), so everything after the decoder — scaling, the SDL texture, the
 * flash gate — is the same as in software; only the decoding itself moves to the device. */
#ifndef KZ_VIDEO_HWDEC_H
#define KZ_VIDEO_HWDEC_H
#include <stddef.h>

#include <libavcodec/avcodec.h>

/* Open a decoder for par on the hardware path `want` ("auto", "vaapi", "drm" or "v4l2m2m";
 * "auto" tries them in that order). On success *out is an opened context (owned by the
 * caller), *hw_fmt the pixel format of frames that stay on the device (AV_PIX_FMT_NONE when
 * the decoder hands out frames in system memory, as v4l2m2m does) and used names the path.
 * hw_fmt must outlive the context: its get_format callback reads it. On failure (-1) why
 * says, for each path tried, why it could not be used; the caller decodes in software. */
int vd_hw_open(const AVCodec *sw, const AVCodecParameters *par, AVRational pkt_tb,
               const char *want, AVCodecContext **out, enum AVPixelFormat *hw_fmt,
               char *used, size_t used_len, char *why, size_t why_len);

/* frame is on the device (its format is hw_fmt): replace it by a copy in system memory,
 * using tmp as scratch. 0, or a negative AVERROR. */
int vd_hw_download(AVFrame *frame, AVFrame *tmp);
#endif
