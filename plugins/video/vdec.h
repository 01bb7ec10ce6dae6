/* The video plugin's decoder: libavformat demux and libavcodec decode (frame threads) on a
 * worker thread, handing frames to the main thread through a small queue. No SDL here.
 *
 * Times are kz_us on the clip's continuous timeline: frame time = its pts relative to the
 * stream's start, plus the clip's duration times the loop iteration. The main thread asks
 * for a time (vd_seek) and takes frames in order (vd_peek / vd_pop). */
#ifndef KZ_VIDEO_VDEC_H
#define KZ_VIDEO_VDEC_H
#include <limits.h>
#include <pthread.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "kizuna/plugin.h"

#include "vplan.h" /* VD_QUEUE_MAX: the queue's depth is picked per clip */

typedef struct vd_frame {
    AVFrame *f;   /* owned by the queue slot; moved out with av_frame_move_ref */
    kz_us time;   /* continuous presentation time */
    kz_us dur;    /* display duration (pkt duration, else 1 / frame rate) */
} vd_frame;

typedef struct vd {
    /* Set by vd_open, read-only while the worker runs. */
    char path[PATH_MAX];
    const char *name;     /* basename of path, for log lines (points into path) */
    int loop;
    kz_us clip_dur;       /* one pass of the clip; 0 if the container does not say (then
                           * set under mu at the first end, when looping) */
    kz_us frame_dur;      /* 1 / average frame rate, 33333 if unknown */
    AVFormatContext *fmt; /* owned */
    AVCodecContext *dec;  /* owned */
    int stream;
    AVRational tb;
    int64_t t0;           /* the stream's start time in tb (0 when unknown) */
    int width, height;
    AVRational sar;
    /* Hardware decoding (hwdec.h): the device's frame format, AV_PIX_FMT_NONE when frames
     * come in system memory; the path in use ("" = software); what happened, for the
     * plugin's one log line ("" when hwdec is none). */
    enum AVPixelFormat hw_fmt;
    char hw_used[16];
    char hw_note[400];
    AVFrame *hw_tmp;      /* owned, worker only: scratch for copies off the device */

    pthread_t thread;
    int started;
    pthread_mutex_t mu;   /* guards everything below */
    pthread_cond_t cv;    /* broadcast on every change (frame pushed/popped, seek, quit) */
    vd_frame q[VD_QUEUE_MAX];
    int qcap;             /* the queue's depth for this clip (vd_plan), <= VD_QUEUE_MAX */
    int threads;          /* decoder threads in use (vd_plan when asked for auto) */
    int qhead, qn;
    int serial;           /* bumped by every seek; frames of an older serial are dropped */
    int seek_pending;
    kz_us seek_target;
    kz_us min_useful;     /* the host is past this time: frames ending before it are dropped */
    int eof;              /* decoder drained and no loop: nothing more until a seek */
    int failed;           /* fatal decode error; err says why */
    int quit;
    char err[200];
    kz_us last_end;       /* end time of the last frame decoded (for "ends early" messages) */
    long frames_decoded;

    /* Audio (vd_open with want_audio and a file that has an audio stream). Decoded and
     * resampled by the worker into a ring of S16 stereo PCM at arate, played by the SDL
     * audio callback (vd_audio_fill), kept in step with the host's time by the main thread
     * (vd_audio_sync_locked). All guarded by mu. */
    int astream;              /* -1: no audio */
    AVCodecContext *adec;     /* owned */
    struct SwrContext *swr;   /* owned */
    AVFrame *aframe;          /* owned, worker only */
    int arate;                /* output rate (the device's) */
    int avolume;              /* 0..SDL_MIX_MAXVOLUME */
    uint8_t *abuf;            /* owned ring */
    size_t acap, ahead, alen; /* bytes */
    kz_us atime;              /* time of the sample at ahead; -1: unknown */
    size_t asilence;          /* bytes of silence to play before the ring (audio ahead) */
    long long aplayed;        /* bytes of the clip's sound handed to the device */
    /* worker only */
    kz_us w_offset, w_skip;
    int w_serial;             /* the serial the worker is decoding for */
    long dropped_early;   /* decoded but dropped by the worker: before a seek target or past */
    long decode_errors;   /* packets the decoder refused (corrupt data), skipped */
} vd;

/* Open the file, pick the best video stream, open its decoder with `threads` frame threads
 * (0: as vd_plan says),
 * or on the hardware path hwdec names ("auto", "vaapi", "drm", "v4l2m2m"; NULL or "none":
 * software) when the device is there — software otherwise, with hw_note saying why.
 * On failure writes a reason into err and returns -1 (everything freed). */
/* max_pixels: frames above width x height pixels are refused from the codec parameters,
 * before decoding (<= 0: VD_MAX_PIXELS_DEFAULT). */
#define VD_MAX_PIXELS_DEFAULT 40000000L
/* fd: the file opened already (the host's open_media; borrowed, the caller may close it
 * once vd_open returns), path then only names it in messages; -1: open path itself. */
int vd_open(vd *d, const char *path, int fd, int threads, int loop, const char *hwdec,
            long max_pixels, char *err, size_t errlen);
/* After vd_open, before vd_start: also decode the audio stream, if there is one, resampled
 * to rate Hz S16 stereo. 1: audio on; 0: no audio stream; -1: it cannot be decoded (reason
 * in err; the video plays on, muted). */
int vd_open_audio(vd *d, int rate, int volume, char *err, size_t errlen);
/* SDL audio callback body: fill len bytes from the ring (silence where there is none). */
void vd_audio_fill(vd *d, uint8_t *out, int len);
/* Main thread, mu held: keep the audio within 60 ms of target (drop or pad). */
void vd_audio_sync_locked(vd *d, kz_us target, kz_us latency);
/* Start the worker; it first seeks to `start` when start > 0. */
int vd_start(vd *d, kz_us start);
/* Stop the worker and free everything. Safe on a zeroed or half-opened vd. */
void vd_close(vd *d);

/* Main-thread side; call with d->mu held. */
void vd_seek_locked(vd *d, kz_us target);          /* drops the queue, worker seeks */
void vd_pop_locked(vd *d, AVFrame *out, vd_frame *meta); /* moves the front frame out */
void vd_drop_locked(vd *d);                         /* discards the front frame */

/* The clip's length without opening a decoder: container duration, falling back to the
 * stream's. Cached in-process by path + size + mtime. -1 with a reason in err. */
/* fd as in vd_open; the cache key is still path (+ size + mtime of what fd names). */
int vd_probe_duration(const char *path, int fd, kz_us *out, char *err, size_t errlen);
#endif
