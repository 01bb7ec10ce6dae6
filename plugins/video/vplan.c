/* The decoder plan: threads and queue depth for a clip (vplan.h). */
#include "vplan.h"

#include <math.h>
#include <unistd.h>

/* Measured on the 2-core box (docs/performance.md): one thread decodes 1080p30 H.264 about
 * eight times faster than real time; a second frame thread cost a median 4 % more CPU
 * (0.98-1.20x in five alternating pairs) and 12 MB more peak RSS, and dropped 2 frames late
 * where one thread dropped none. Frame threads hold a frame each in flight, so the queue
 * need not hide decode time, only the main thread's jitter: about 60 ms (2 frames at 30 fps).
 * Measured: with 2 or 3 queued at 30 fps the queue was always full but the one taken (the
 * decoder is far ahead) and no frame was late, even beside two busy loops on the two cores;
 * each frame fewer is 3.1 MB less at 1080p (docs/performance.md, peak RSS). */
#define VD_PIXELS_PER_THREAD (1920.0 * 1080 * 30)
#define VD_QUEUE_BYTES (32L << 20)

vd_plan_out vd_plan(enum AVCodecID codec, int w, int h, AVRational fps, int cores)
{
    double rate = fps.num > 0 && fps.den > 0 ? av_q2d(fps) : 30;
    if (rate > 240)
        rate = 240; /* a bogus container rate (e.g. 90000/1) must not ask for 16 threads */
    double weight = codec == AV_CODEC_ID_HEVC || codec == AV_CODEC_ID_VP9 ||
                            codec == AV_CODEC_ID_AV1
                        ? 2.0
                        : 1.0;
    double px = (double)(w > 0 ? w : 1920) * (h > 0 ? h : 1080);
    int threads = (int)ceil(px * rate * weight / VD_PIXELS_PER_THREAD - 1e-9);
    int max = cores > 1 ? (cores < 16 ? cores : 16) : 1;
    threads = threads < 1 ? 1 : threads > max ? max : threads;
    int queue = (int)ceil(rate * 0.06 - 1e-9);
    queue = queue < 2 ? 2 : queue > VD_QUEUE_MAX ? VD_QUEUE_MAX : queue;
    double frame_bytes = px * 1.5; /* 8-bit 4:2:0 */
    while (queue > 2 && queue * frame_bytes > VD_QUEUE_BYTES)
        queue--;
    return (vd_plan_out){threads, queue};
}

int vd_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
