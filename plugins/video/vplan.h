/* How many decoder threads and queued frames a clip needs to play in real time: a rule from
 * the clip's codec, frame size and rate (docs/video.md, "Decoder threads and queue"). No
 * FFmpeg call, so a unit test checks it without a clip. */
#ifndef KZ_VIDEO_VPLAN_H
#define KZ_VIDEO_VPLAN_H
#include <libavcodec/codec_id.h>
#include <libavutil/rational.h>

/* The most decoded frames that wait for the main thread (vdec.h's queue). */
#define VD_QUEUE_MAX 6

typedef struct vd_plan_out {
    int threads; /* decoder frame threads */
    int queue;   /* decoded frames queued, 2..VD_QUEUE_MAX */
} vd_plan_out;

/* One thread per 1080p30's worth of H.264 pixels a second (HEVC, VP9 and AV1 count twice),
 * at least 1, at most one per core (and 16); about 60 ms of frames queued, at least 2, at
 * most 32 MiB of them. w, h <= 0 or fps unknown read as 1920x1080 at 30. */
vd_plan_out vd_plan(enum AVCodecID codec, int w, int h, AVRational fps, int cores);
/* The cores online: vd_plan's cores on this machine. */
int vd_cores(void);

#endif
