/* The video plugin's live source: one worker thread per prepared `stream` item connects,
 * demuxes, decodes, paces frames by their timestamps and hands the newest one to the main
 * thread; when the stream cannot be reached, stalls or ends it reconnects with back-off
 * (streamurl.h). Every decoded frame also goes through the flash analyser (lib/flashscan.h):
 * when a failure begins the stream is cut for the rest of the airing. No SDL here.
 *
 * Every blocking libavformat call runs on the worker under an AVIOInterruptCB with a
 * deadline (connect, and no frame for stall_us), so a stalled connection is abandoned within
 * the bound and vs_close() returns at once. The main thread only takes frames and events. */
#ifndef KZ_VIDEO_STREAM_H
#define KZ_VIDEO_STREAM_H
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <libavformat/avformat.h>
#include <libavutil/frame.h>

#include "flashscan.h"
#include "streamurl.h"

enum vs_state {
    VS_CONNECTING = 0, /* not live yet this airing (first connect) */
    VS_LIVE,           /* frames arriving */
    VS_DOWN,           /* lost or unreachable: waiting to reconnect */
    VS_CUT,            /* the flash analyser found a failure: off for the rest of the airing */
};

enum vs_event_kind { VS_EV_LIVE = 1, VS_EV_DOWN, VS_EV_CUT };

typedef struct vs_event {
    int kind;            /* enum vs_event_kind */
    int64_t wall_us;     /* when (CLOCK_REALTIME, us since the epoch): for the log only */
    long retries;        /* failed attempts before this event (VS_EV_LIVE) */
    int64_t down_us;     /* how long it was down (VS_EV_LIVE after VS_EV_DOWN) */
    int w, h;            /* frame size (VS_EV_LIVE) */
    char why[200];       /* VS_EV_DOWN / VS_EV_CUT: the reason */
} vs_event;

#define VS_EVENTS 8

typedef struct vs_opts {
    int64_t connect_us;  /* longest a connect (open + stream info) may take */
    int64_t stall_us;    /* longest without a decoded frame before the stream counts as down */
    int threads;         /* decoder threads, 0: as vd_plan says */
    long max_pixels;     /* frames above this many pixels are refused */
    const kz_flash_profile *flash; /* NULL: no live flash analysis */
    char ca_file[PATH_MAX]; /* https: trust these CAs instead of the system's ("": system) */
} vs_opts;

/* What the interrupt callback and the io_open wrapper of one AVFormatContext need. */
typedef struct vs_guard {
    atomic_int *quit;    /* NULL, or 1 = give up now */
    atomic_llong deadline; /* CLOCK_MONOTONIC us: give up after it */
    const vs_opts *o;
    int (*io_open)(struct AVFormatContext *s, struct AVIOContext **pb, const char *url,
                   int flags, struct AVDictionary **options); /* libavformat's own */
} vs_guard;

typedef struct vs {
    /* Set by vs_start, read-only while the worker runs. */
    char url[VS_URL_MAX + 1];
    int scheme;
    vs_opts o;
    pthread_t thread;
    int started, inited;

    pthread_mutex_t mu;  /* guards everything below */
    pthread_cond_t cv;   /* quit, a frame taken */
    atomic_int quit;     /* also read by the interrupt callback without mu */
    int state;           /* enum vs_state */
    AVFrame *latest;     /* owned: the newest paced frame not yet taken */
    int fresh;           /* latest holds a frame the main thread has not taken */
    long frames, attempts, retries_total;
    long retries;        /* failed attempts since the stream went down (said when it is back) */
    int64_t down_since;  /* CLOCK_MONOTONIC us when it went down (or the airing began) */
    vs_event ev[VS_EVENTS]; /* transitions for the main thread to log, oldest first */
    int nev;
    long ev_dropped;

    /* Worker only. */
    vs_guard guard;
} vs;

/* Start the worker (connects at once). 0, or -1 (nothing to free but vs_close is safe). */
int vs_start(vs *s, const char *url, int scheme, const vs_opts *o);
/* Stop the worker (an open or read in progress is interrupted) and free everything. Safe on
 * a zeroed vs. */
void vs_close(vs *s);
/* Main thread: move the newest frame into out (1), or 0 when none arrived since the last
 * take. The state and events are read under s->mu by the caller. */
int vs_take(vs *s, AVFrame *out);
/* Main thread: copy out and clear the pending events; returns how many. */
int vs_events(vs *s, vs_event *out, int max);

/* One probe for `kizuna check`: open the URL and read its stream information within
 * timeout_us, on the calling thread. 0, or -1 with the reason in err. */
int vs_probe(const char *url, int scheme, int64_t timeout_us, char *err, size_t errlen);
#endif
