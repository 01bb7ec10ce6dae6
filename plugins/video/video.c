/* video: plays a clip (anything libavformat/libavcodec read: H.264, H.265, VP9, AV1 in MP4,
 * MKV, WebM), presented by pts against the item-relative time the host passes to render().
 *
 * Keys (docs/video.md):
 *   file       = clip, relative to the content root (required)
 *   fit        = fit | fill | stretch          (default fit: letterbox with `background`)
 *   background = colour of the letterbox bars  (default black)
 *   loop       = yes | no                      (default no)
 *   start      = seconds into the clip where the item begins (default 0)
 *   volume     = 0..100: audio off at 0 (the default), else played through SDL audio
 *   threads    = decoder frame threads, auto or 1..16 (default auto: from the clip's codec,
 *                size and frame rate, vplan.h)
 *   untimed    = yes: show every frame once, as fast as render() is called (kizuna bench)
 * or, instead of file, a live source (stream.c; docs/video.md "Live streams"):
 *   stream     = rtsp:// | rtmp:// | http(s)://...m3u8 | http(s)://...
 *   fallback   = picture shown while the stream is down (default: the standby slate)
 *   ca_file    = PEM file of the CAs an https stream is checked against (default: system's)
 *
 * Threads: the decoder runs in vdec.c (files) or stream.c (live); everything here runs on the
 * main thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "kizuna/plugin.h"
#include "stream.h"
#include "vdec.h"

enum { FIT_FIT = 0, FIT_FILL = 1, FIT_STRETCH = 2 };
enum { UP_NONE = 0, UP_RGB, UP_IYUV, UP_NV12 };

#define FIRST_FRAME_WAIT_US (5 * KZ_US_PER_S) /* longest render() blocks for a first frame */
#define STATS_EVERY_US (60 * KZ_US_PER_S)
/* After a frame was drawn again without a new one, this many new frames go through the
 * texture before one goes straight onto the output again (about a second at 30 fps). */
#define DIRECT_AFTER_FRAMES 30
#define LIVE_CONNECT_US (8 * KZ_US_PER_S) /* a connect (open + stream info) gives up after */
#define LIVE_STALL_US (5 * KZ_US_PER_S)   /* no picture this long: the stream is down */
#define LIVE_PROBE_US (3 * KZ_US_PER_S)   /* kizuna check's one probe */

typedef struct video {
    kz_host *host; /* borrowed, valid until destroy */
    /* parameters */
    char path[PATH_MAX];
    const char *name; /* basename, into path */
    int fit;
    kz_color bg;
    int loop;
    kz_us start;
    double volume;
    int threads;
    int untimed;

    /* live source (stream =): url empty for a clip */
    char url[VS_URL_MAX + 1];
    char url_log[256];  /* the URL as log lines show it (no password, no query) */
    int scheme;
    char fallback[PATH_MAX]; /* "" = the standby slate */
    char ca_file[PATH_MAX];
    const kz_flash_profile *flash;
    vs live;            /* the worker, prepare .. release */
    int live_on;        /* live was started (a window to play in; not kizuna render) */
    int live_state;     /* the last state logged */
    int showing_live;   /* this frame showed the stream (else the fallback) */
    SDL_Surface *fb_surf; /* owned: the decoded fallback until it becomes a texture */
    SDL_Texture *fb_tex;  /* owned */
    int fb_w, fb_h, fb_failed;
    int ca_fd;          /* owned, prepare .. release: ca_file opened through the host, -1 */
    SDL_Texture *slate_text; /* owned: the standby slate's words */
    int slate_w, slate_h, slate_for_h, slate_cut;
    kz_us live_us, fb_us; /* time shown live / as fallback this airing (host's t) */
    kz_us acc_t;          /* t of the previous render, -1: none */

    /* prepared state (prepare .. release) */
    int prepared;
    vd dec;
    int failed;        /* an error was logged; render returns KZ_ERR */
    int ended_logged;
    SDL_Texture *tex;  /* owned; streaming */
    int tex_kind, tex_w, tex_h;
    struct SwsContext *sws; /* owned */
    AVFrame *cur;      /* the frame being uploaded; unreferenced right after the upload */
    AVFrame *crop;     /* a cropped reference to cur while uploading (owned) */
    SDL_Rect tex_at;   /* where the texture's content goes in render-target coordinates */
    SDL_Rect up_placed; /* where the whole frame went when it was uploaded */
    int have_cur, cur_serial, uploaded;
    kz_us cur_time, cur_dur;
    kz_us base;        /* where the current decode run started (start, or a seek target) */
    int fw, fh;        /* size of the frame on screen */
    AVRational sar;
    int upload_mode;   /* UP_RGB (software renderer) or UP_IYUV (accelerated) */
    int no_direct;     /* KIZUNA_VIDEO_DIRECT=0: always through the texture (benchmarks) */
    int on_output;     /* the frame on screen went straight onto the output (draw_direct) */
    long repeat_at;    /* presented count when a frame was last drawn again, unchanged */
    long direct_frames; /* frames drawn straight onto the output this airing */

    /* audio: an SDL audio device per instance, only with volume > 0 */
    SDL_AudioDeviceID audio_dev;
    kz_us audio_latency;
    int audio_started;

    /* statistics */
    long presented, dropped_late, queue_sum, queue_samples;
    long late_counted, early_counted, corrupt_counted; /* already in the minute's figures */
    kz_us last_t;      /* t of the previous render (-1: none yet) */
} video;

static const kz_host_api *api(video *v)
{
    return kz_api(v->host);
}

/* --- presentation log (benchmarks): KIZUNA_VIDEO_LOG=FILE ---------------------------------- */

static pthread_mutex_t plog_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *plog;
static int plog_tried;

/* One line per newly presented frame: wall time (us since the epoch, so that a benchmark can
 * relate it to when it started the process), clip, instance, frame time (us), the host's t
 * (us). The only clock the plugin reads, and only for this log: nothing shown depends on it. */
static void plog_frame(video *v, kz_us t)
{
    pthread_mutex_lock(&plog_mu);
    if (!plog_tried) {
        plog_tried = 1;
        const char *p = getenv("KIZUNA_VIDEO_LOG");
        if (p && *p)
            plog = fopen(p, "a");
    }
    if (plog) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(plog, "%lld %s %p %lld %lld\n",
                (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, v->name, (void *)v,
                (long long)v->cur_time, (long long)t);
        fflush(plog);
    }
    pthread_mutex_unlock(&plog_mu);
}

__attribute__((destructor)) static void plog_close(void)
{
    if (plog)
        fclose(plog);
    plog = NULL;
}

/* --- create / destroy ------------------------------------------------------------------- */

static int v_create(kz_host *host, kz_instance **out)
{
    video *v = calloc(1, sizeof *v);
    if (!v)
        return KZ_ERR_NOMEM;
    v->host = host;
    v->bg = (kz_color){0, 0, 0, 255};
    v->ca_fd = -1;
    const kz_host_api *a = kz_api(host);
    double start = 0;
    long threads = 0; /* auto: vd_plan */
    int bad = 0;
    const char *url = a->param(host, "stream");
    if (url && a->param(host, "file")) {
        a->param_error(host, "stream", "an item plays either a file or a stream, not both");
        bad = 1;
    } else if (url) {
        char why[200];
        v->scheme = vs_url_check(url, why, sizeof why);
        if (v->scheme < 0) {
            a->param_error(host, "stream", "%s", why);
            bad = 1;
        } else {
            snprintf(v->url, sizeof v->url, "%s", url);
            vs_url_redact(url, v->url_log, sizeof v->url_log);
        }
        if (a->param(host, "fallback") &&
            (a->resolve_media(host, "fallback", v->fallback, sizeof v->fallback) != KZ_OK ||
             (KZ_API_HAS(a, image_probe) && a->image_probe &&
              a->image_probe(host, v->fallback) != KZ_OK)))
            bad = 1;
        if (a->param(host, "ca_file") &&
            a->resolve_media(host, "ca_file", v->ca_file, sizeof v->ca_file) != KZ_OK)
            bad = 1;
        /* The item's flash_profile (the host validates the word for clips too). */
        v->flash = kz_flash_profile_find(a->param(host, "flash_profile"));
        if (!v->flash)
            v->flash = &kz_flash_profile_default;
    } else if (!a->param(host, "file")) {
        a->param_error(host, "file", "missing: the clip to play (or stream = a live URL)");
        bad = 1;
    } else if (a->resolve_media(host, "file", v->path, sizeof v->path) != KZ_OK) {
        bad = 1;
    }
    bad |= a->param_enum(host, "fit", "fit|fill|stretch", &v->fit) != KZ_OK;
    bad |= a->param_color(host, "background", &v->bg) != KZ_OK;
    const char *th = a->param(host, "threads");
    if (!th || strcmp(th, "auto") != 0)
        bad |= a->param_int(host, "threads", 1, 16, &threads) != KZ_OK;
    if (!v->url[0]) { /* a live stream has no clip time: these do not apply */
        bad |= a->param_bool(host, "loop", &v->loop) != KZ_OK;
        bad |= a->param_double(host, "start", 0, 1e7, &start) != KZ_OK;
        bad |= a->param_double(host, "volume", 0, 100, &v->volume) != KZ_OK;
        bad |= a->param_bool(host, "untimed", &v->untimed) != KZ_OK;
    }
    if (bad) {
        free(v);
        return KZ_ERR;
    }
    v->start = (kz_us)(start * KZ_US_PER_S + 0.5);
    v->threads = (int)threads;
    const char *s = strrchr(v->path, '/');
    v->name = v->url[0] ? v->url_log : s ? s + 1 : v->path;
    *out = v;
    return KZ_OK;
}

static void v_release(kz_instance *inst);

static void v_destroy(kz_instance **inst)
{
    if (!inst || !*inst)
        return;
    v_release(*inst);
    SDL_FreeSurface(((video *)*inst)->fb_surf);
    free(*inst);
    *inst = NULL;
}

/* --- duration / check ------------------------------------------------------------------- */

/* The clip opened through the host (ABI minor 5: beneath the content root, no symlink
 * followed), for vd_open and the probe: 0 with *fd (-1 from an older host: the decoder opens
 * the path itself), -1 when the host refused it (logged with file:line). */
static int open_clip(video *v, int *fd)
{
    *fd = -1;
    if (!KZ_API_HAS(api(v), open_media) || !api(v)->open_media)
        return 0;
    *fd = api(v)->open_media(v->host, v->path);
    return *fd < 0 ? -1 : 0;
}

static void close_clip(int fd)
{
    if (fd >= 0)
        close(fd);
}

static kz_us v_duration(kz_instance *inst)
{
    video *v = inst;
    kz_us d;
    char err[256];
    if (v->url[0])
        return KZ_DURATION_UNKNOWN; /* live: the slot's length is the item's duration = */
    int fd;
    if (open_clip(v, &fd) < 0)
        return KZ_DURATION_UNKNOWN;
    int r = vd_probe_duration(v->path, fd, &d, err, sizeof err);
    close_clip(fd);
    if (r < 0) {
        api(v)->log(v->host, KZ_LOG_ERROR, "%s: %s", v->name, err); /* the host caches: once */
        return KZ_DURATION_UNKNOWN;
    }
    if (v->loop)
        return d;
    return d > v->start ? d - v->start : 0;
}

/* [player] max_pixels from a host that offers it (ABI minor 4), else the default. */
static long pixel_limit(video *v)
{
    return KZ_API_HAS(api(v), max_pixels) && api(v)->max_pixels ? api(v)->max_pixels(v->host)
                                                                 : 0;
}

/* What hardware decoding did is a property of the box and the codec, not of one airing:
 * each distinct outcome is said once per process (a signage box plays the same clips all
 * day; a line per airing would bury the log). Main thread only. */
static void hw_note_once(video *v, const char *note, int asked_auto)
{
    static char said[8][sizeof v->dec.hw_note];
    static int n_said;
    if (!note[0])
        return;
    for (int i = 0; i < n_said; i++)
        if (!strcmp(said[i], note))
            return;
    if (n_said < 8)
        snprintf(said[n_said++], sizeof said[0], "%s", note);
    /* A named path that is missing is a configuration to look at; auto finding nothing is
     * what auto means on a box without a decoder. */
    api(v)->log(v->host, v->dec.hw_used[0] || asked_auto ? KZ_LOG_INFO : KZ_LOG_WARN, "%s", note);
}

static int v_check(kz_instance *inst)
{
    video *v = inst;
    vd d;
    char err[256];
    if (v->url[0]) {
        /* One probe with a short bound. Unreachable is a warning: the screen shows the
         * fallback until the stream answers, and a camera may be off while playlists are
         * checked. */
        if (vs_probe(v->url, v->scheme, LIVE_PROBE_US, err, sizeof err) < 0)
            api(v)->log(v->host, KZ_LOG_WARN, "%s: unreachable now (%s): the item will show "
                        "its fallback until the stream answers", v->name, err);
        return 0;
    }
    int fd;
    if (open_clip(v, &fd) < 0)
        return 1;
    int r = vd_open(&d, v->path, fd, 1, 0, "none", pixel_limit(v), err, sizeof err);
    close_clip(fd);
    if (r < 0) {
        api(v)->param_error(v->host, "file", "%s: %s", v->name, err);
        return 1;
    }
    int problems = 0;
    if (d.clip_dur > 0 && v->start >= d.clip_dur) {
        api(v)->param_error(v->host, "start", "%.3f s is past the end of %s (%.3f s)",
                            v->start / 1e6, v->name, d.clip_dur / 1e6);
        problems++;
    }
    vd_close(&d);
    return problems;
}

/* --- prepare / release ------------------------------------------------------------------ */

static void audio_cb(void *user, Uint8 *stream, int len)
{
    vd_audio_fill(user, stream, len); /* SDL's audio thread */
}

static void audio_close(video *v)
{
    if (!v->audio_dev)
        return;
    SDL_CloseAudioDevice(v->audio_dev); /* waits for the callback to return */
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    v->audio_dev = 0;
}

/* Open a (paused) audio device and the clip's audio decoder. Failure leaves the clip muted,
 * logged once: the picture matters more. */
static void audio_open(video *v)
{
    char err[256];
    v->audio_started = 0;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        api(v)->log(v->host, KZ_LOG_WARN, "%s: no audio (%s); playing muted", v->name,
                    SDL_GetError());
        return;
    }
    SDL_AudioSpec want = {.freq = 48000, .format = AUDIO_S16SYS, .channels = 2,
                          .samples = 1024, .callback = audio_cb, .userdata = &v->dec}, have;
    v->audio_dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
    if (!v->audio_dev) {
        api(v)->log(v->host, KZ_LOG_WARN, "%s: no audio device (%s); playing muted", v->name,
                    SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return;
    }
    v->audio_latency = (kz_us)have.samples * KZ_US_PER_S / have.freq;
    int r = vd_open_audio(&v->dec, have.freq, (int)(v->volume * SDL_MIX_MAXVOLUME / 100 + 0.5),
                          err, sizeof err);
    if (r < 0)
        api(v)->log(v->host, KZ_LOG_WARN, "%s: %s; playing muted", v->name, err);
    if (r <= 0)
        audio_close(v);
}

/* RGB through libswscale on the software renderer, YUV textures where a GPU converts. */
static void choose_upload(video *v, SDL_Renderer *renderer)
{
    SDL_RendererInfo info;
    v->upload_mode = UP_RGB;
    const char *force = getenv("KIZUNA_VIDEO_UPLOAD"); /* rgb | yuv: benchmarks compare both */
    if (force && strcmp(force, "yuv") == 0)
        v->upload_mode = UP_IYUV;
    else if (!(force && strcmp(force, "rgb") == 0) && renderer &&
             SDL_GetRendererInfo(renderer, &info) == 0 &&
             !(info.flags & SDL_RENDERER_SOFTWARE) && strcmp(info.name, "software") != 0)
        v->upload_mode = UP_IYUV; /* a GPU converts YUV for free */
}

/* Say what a stream item airs for proof of play and ctl status (ABI minor 6): "live", or the
 * fallback and why. The record keeps the changes of one airing (e.g. fallback>live). */
static void live_shown(video *v, const char *what)
{
    if (KZ_API_HAS(api(v), shown) && api(v)->shown)
        api(v)->shown(v->host, what);
}

static int live_prepare(video *v, SDL_Renderer *renderer);

static int v_prepare(kz_instance *inst, SDL_Renderer *renderer)
{
    video *v = inst;
    char err[256];
    if (v->prepared)
        return v->failed ? KZ_ERR : KZ_OK;
    v->failed = 0;
    v->ended_logged = 0;
    if (v->url[0])
        return live_prepare(v, renderer);
    const char *hw = KZ_API_HAS(api(v), hwdec) && api(v)->hwdec ? api(v)->hwdec(v->host) : "none";
    int fd;
    if (open_clip(v, &fd) < 0)
        return KZ_ERR;
    /* Untimed (kizuna bench) is as fast as it can go, not real time: auto means every core. */
    int threads = v->threads > 0 || !v->untimed ? v->threads
                                                 : vd_cores();
    int r = vd_open(&v->dec, v->path, fd, threads, v->loop, hw, pixel_limit(v), err,
                    sizeof err);
    close_clip(fd);
    if (r < 0) {
        api(v)->log(v->host, KZ_LOG_ERROR, "%s: %s", v->name, err);
        return KZ_ERR;
    }
    hw_note_once(v, v->dec.hw_note, strcmp(hw, "auto") == 0);
    if (v->volume > 0 && !v->untimed)
        audio_open(v);
    v->cur = av_frame_alloc();
    v->crop = av_frame_alloc();
    if (!v->cur || !v->crop || vd_start(&v->dec, v->start) < 0) {
        api(v)->log(v->host, KZ_LOG_ERROR, "%s: cannot start the decoder thread", v->name);
        av_frame_free(&v->cur);
        av_frame_free(&v->crop);
        audio_close(v);
        vd_close(&v->dec);
        return KZ_ERR;
    }
    v->prepared = 1;
    v->have_cur = 0;
    v->uploaded = 0;
    v->cur_serial = -1;
    v->presented = v->dropped_late = v->queue_sum = v->queue_samples = 0;
    v->direct_frames = v->on_output = 0;
    v->repeat_at = -DIRECT_AFTER_FRAMES;
    const char *dr = getenv("KIZUNA_VIDEO_DIRECT");
    v->no_direct = dr && strcmp(dr, "0") == 0;
    v->late_counted = v->early_counted = v->corrupt_counted = 0;
    v->last_t = -1;

    choose_upload(v, renderer);

    /* The worker decodes the first frame now, while the current item is still on air;
     * render() waits for it only when it is called right after prepare() (first item,
     * kizuna render). Opening above already refused files that cannot be played. */
    v->base = v->start;
    v->fw = v->dec.width;
    v->fh = v->dec.height;
    v->sar = v->dec.sar;
    return KZ_OK;
}

static void log_stats(video *v, int level, const char *when)
{
    long qs = v->queue_samples ? v->queue_samples : 1;
    pthread_mutex_lock(&v->dec.mu);
    long early = v->dec.dropped_early, errs = v->dec.decode_errors;
    char audio[48] = "";
    if (v->audio_dev && v->dec.arate > 0)
        snprintf(audio, sizeof audio, ", audio played %.1f s",
                 (double)v->dec.aplayed / 4 / v->dec.arate);
    pthread_mutex_unlock(&v->dec.mu);
    api(v)->log(v->host, level,
                "%s: %s: frames presented %ld (%ld straight onto the output), dropped early "
                "%ld, dropped late %ld, queue depth %.1f of %d, decoder threads %d, corrupt "
                "packets %ld%s",
                v->name, when, v->presented, v->direct_frames, early, v->dropped_late,
                (double)v->queue_sum / qs, v->dec.qcap, v->dec.threads, errs, audio);
}

static void live_release(video *v);

static void v_release(kz_instance *inst)
{
    video *v = inst;
    if (!v->prepared)
        return;
    if (v->url[0]) {
        live_release(v);
    } else {
        const char *st = getenv("KIZUNA_VIDEO_STATS");
        int verbose = st && *st && strcmp(st, "0") != 0 && v->presented > 0;
        log_stats(v, verbose ? KZ_LOG_INFO : KZ_LOG_DEBUG, "aired");
        audio_close(v);
        vd_close(&v->dec);
    }
    if (v->tex)
        SDL_DestroyTexture(v->tex);
    v->tex = NULL;
    v->tex_kind = UP_NONE;
    sws_freeContext(v->sws);
    v->sws = NULL;
    av_frame_free(&v->cur);
    av_frame_free(&v->crop);
    v->prepared = 0;
}

/* --- drawing ---------------------------------------------------------------------------- */

/* Where the frame lands: scaled size (sw x sh) and its top-left relative to the zone. */
static void place(video *v, const SDL_Rect *rect, int *sw, int *sh, int *x, int *y)
{
    double fw = v->fw, fh = v->fh;
    if (v->sar.num > 0 && v->sar.den > 0)
        fw = fw * v->sar.num / v->sar.den;
    double sx = rect->w / fw, sy = rect->h / fh;
    double s = v->fit == FIT_FIT ? (sx < sy ? sx : sy) : (sx > sy ? sx : sy);
    if (v->fit == FIT_STRETCH) {
        *sw = rect->w;
        *sh = rect->h;
    } else {
        *sw = (int)(fw * s + 0.5);
        *sh = (int)(fh * s + 0.5);
        /* Snap to the zone when within a pixel, so a 1080p clip in a 1080p zone is exact. */
        if (abs(*sw - rect->w) <= 1)
            *sw = rect->w;
        if (abs(*sh - rect->h) <= 1)
            *sh = rect->h;
    }
    if (*sw < 1)
        *sw = 1;
    if (*sh < 1)
        *sh = 1;
    *x = (rect->w - *sw) / 2;
    *y = (rect->h - *sh) / 2;
}

static int ensure_texture(video *v, SDL_Renderer *r, int kind, int w, int h)
{
    if (v->tex && v->tex_kind == kind && v->tex_w == w && v->tex_h == h)
        return 0;
    if (v->tex)
        SDL_DestroyTexture(v->tex);
    Uint32 f = kind == UP_RGB ? SDL_PIXELFORMAT_RGB888
                              : kind == UP_NV12 ? SDL_PIXELFORMAT_NV12 : SDL_PIXELFORMAT_IYUV;
    v->tex = SDL_CreateTexture(r, f, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!v->tex) {
        api(v)->log(v->host, KZ_LOG_ERROR, "%s: cannot create a %dx%d texture: %s", v->name, w,
                    h, SDL_GetError());
        v->tex_kind = UP_NONE;
        return -1;
    }
    SDL_SetTextureBlendMode(v->tex, SDL_BLENDMODE_NONE);
    v->tex_kind = kind;
    v->tex_w = w;
    v->tex_h = h;
    return 0;
}

/* The part of area that can be seen: within the renderer's viewport and its clip rectangle
 * (the compositor clips each zone; a tile of a video wall sees only its part of the wall).
 * 0 when nothing is visible. */
static int visible(SDL_Renderer *r, const SDL_Rect *area, SDL_Rect *out)
{
    SDL_Rect vp, clip, screen, a = *area;
    SDL_RenderGetViewport(r, &vp);
    screen = (SDL_Rect){0, 0, vp.w, vp.h};
    if (!SDL_IntersectRect(&a, &screen, out))
        return 0;
    if (SDL_RenderIsClipEnabled(r)) {
        SDL_RenderGetClipRect(r, &clip);
        a = *out;
        if (!SDL_IntersectRect(&a, &clip, out))
            return 0;
    }
    return 1;
}

/* Where the scaled frame lands in render-target coordinates. */
static SDL_Rect placed_rect(video *v, const SDL_Rect *rect)
{
    int sw, sh, x, y;
    place(v, rect, &sw, &sh, &x, &y);
    return (SDL_Rect){rect->x + x, rect->y + y, sw, sh};
}

/* The frame's size and aspect, from v->cur. */
static void take_geometry(video *v)
{
    v->fw = v->cur->width;
    v->fh = v->cur->height;
    if (v->cur->sample_aspect_ratio.num > 0)
        v->sar = v->cur->sample_aspect_ratio;
}

/* Software renderer: the part of v->cur that can be seen, and where it goes. Sets v->tex_at
 * (render-target coordinates) and *src: v->cur, or v->crop holding a cropped reference to it
 * (the caller unreferences v->crop). Only the part that can be seen is converted: fill crops
 * the frame, and a tile of a video wall shows a quarter of a frame scaled up twice. Returns
 * 0 when nothing of the frame can be seen. */
static int seen_part(video *v, SDL_Renderer *r, const SDL_Rect *rect, const SDL_Rect *placed,
                     AVFrame **src)
{
    AVFrame *f = v->cur;
    *src = f;
    v->tex_at = *placed;
    SDL_Rect zone_vis, vis;
    if (!visible(r, rect, &zone_vis) || !SDL_IntersectRect(placed, &zone_vis, &vis))
        return 0;
    double kx = (double)f->width / placed->w, ky = (double)f->height / placed->h;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(f->format);
    int ax = desc ? 1 << desc->log2_chroma_w : 2, ay = desc ? 1 << desc->log2_chroma_h : 2;
    /* Whole chroma samples, so the crop does not shift the colour planes. */
    int cl = (int)((vis.x - placed->x) * kx) / ax * ax;
    int ct = (int)((vis.y - placed->y) * ky) / ay * ay;
    int cr = ((int)ceil((vis.x + vis.w - placed->x) * kx) + ax - 1) / ax * ax;
    int cb = ((int)ceil((vis.y + vis.h - placed->y) * ky) + ay - 1) / ay * ay;
    cr = cr > f->width ? f->width : cr;
    cb = cb > f->height ? f->height : cb;
    if ((cl > 0 || ct > 0 || cr < f->width || cb < f->height) && cr > cl && cb > ct &&
        v->crop && av_frame_ref(v->crop, f) == 0) {
        v->crop->crop_left = (size_t)cl;
        v->crop->crop_top = (size_t)ct;
        v->crop->crop_right = (size_t)(f->width - cr);
        v->crop->crop_bottom = (size_t)(f->height - cb);
        if (av_frame_apply_cropping(v->crop, AV_FRAME_CROP_UNALIGNED) == 0) {
            *src = v->crop;
            int x0 = (int)lround(cl / kx), x1 = (int)lround(cr / kx);
            int y0 = (int)lround(ct / ky), y1 = (int)lround(cb / ky);
            v->tex_at = (SDL_Rect){placed->x + x0, placed->y + y0, x1 - x0, y1 - y0};
        } else {
            av_frame_unref(v->crop);
        }
    }
    return 1;
}

/* One libswscale pass over src, scaled to tw x th, into dst (4 bytes a pixel). */
static int convert(video *v, const AVFrame *src, int tw, int th, enum AVPixelFormat to,
                   uint8_t *dst, int pitch)
{
    v->sws = sws_getCachedContext(v->sws, src->width, src->height, src->format, tw, th, to,
                                  SWS_BILINEAR, NULL, NULL, NULL);
    if (!v->sws) {
        api(v)->log(v->host, KZ_LOG_ERROR, "%s: cannot convert %s frames", v->name,
                    av_get_pix_fmt_name(src->format));
        return -1;
    }
    uint8_t *d[4] = {dst, NULL, NULL, NULL};
    int ds[4] = {pitch, 0, 0, 0};
    sws_scale(v->sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height, d, ds);
    return 0;
}

/* Put v->cur into the texture. */
static int upload(video *v, SDL_Renderer *r, const SDL_Rect *rect)
{
    AVFrame *f = v->cur;
    int fmt = f->format;
    take_geometry(v);
    SDL_Rect placed = placed_rect(v, rect);
    v->up_placed = placed;
    v->tex_at = placed; /* the texture holds the whole frame unless cropped below */
    if (v->upload_mode == UP_IYUV && (fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P)) {
        if (ensure_texture(v, r, UP_IYUV, f->width, f->height) < 0)
            return -1;
        return SDL_UpdateYUVTexture(v->tex, NULL, f->data[0], f->linesize[0], f->data[1],
                                    f->linesize[1], f->data[2], f->linesize[2]);
    }
    if (v->upload_mode == UP_IYUV && fmt == AV_PIX_FMT_NV12) {
        if (ensure_texture(v, r, UP_NV12, f->width, f->height) < 0)
            return -1;
        return SDL_UpdateNVTexture(v->tex, NULL, f->data[0], f->linesize[0], f->data[1],
                                   f->linesize[1]);
    }
    /* One libswscale pass, scaled to its final size, straight into the locked texture: the
     * renderer then copies it 1:1 (no second scaling, no second conversion). An accelerated
     * renderer given a format it cannot take as YUV gets the frame at its own size and
     * scales it itself. */
    AVFrame *src = f;
    int tw = f->width, th = f->height;
    if (v->upload_mode == UP_RGB) {
        if (!seen_part(v, r, rect, &placed, &src))
            return 0; /* nothing of it can be seen */
        tw = v->tex_at.w > 0 ? v->tex_at.w : 1;
        th = v->tex_at.h > 0 ? v->tex_at.h : 1;
    }
    int rc = -1;
    void *pixels;
    int pitch;
    if (ensure_texture(v, r, UP_RGB, tw, th) == 0 &&
        SDL_LockTexture(v->tex, NULL, &pixels, &pitch) == 0) {
        rc = convert(v, src, tw, th, AV_PIX_FMT_BGR0, pixels, pitch);
        SDL_UnlockTexture(v->tex);
    }
    if (src == v->crop)
        av_frame_unref(v->crop);
    return rc;
}

/* Software renderer: convert v->cur straight into the surface that is presented (host
 * frame_surface, ABI minor 7) — one pass over the pixels where the texture path makes two
 * (convert into the texture, then the renderer's copy onto the frame): 8 MB less to write
 * and 8 MB less to read per 1080p frame, and no texture kept. Only where that copy would
 * have been 1:1 and whole (the converted part lies inside the zone's visible part), with a
 * pitch that is a multiple of 16 bytes. The first pixel need not be aligned: a picture
 * letterboxed in its zone starts anywhere (x = 115 for the demo's clip on full HD), and
 * libswscale writes the same pixels there, only with unaligned stores; the pixels are the
 * texture path's (tests/integration/test_video_direct.sh compares both ways, letterboxed
 * cases among them). Returns 1 when the frame is on the output, 0 when the texture path must
 * draw it, -1 on an error. */
static int draw_direct(video *v, SDL_Renderer *r, const SDL_Rect *rect)
{
    if (v->upload_mode != UP_RGB || v->no_direct || !KZ_API_HAS(api(v), frame_surface) ||
        !api(v)->frame_surface)
        return 0;
    SDL_Surface *out = api(v)->frame_surface(v->host, r);
    if (!out)
        return 0;
    take_geometry(v);
    SDL_Rect placed = placed_rect(v, rect), zone_vis, vp, in;
    AVFrame *src;
    if (!seen_part(v, r, rect, &placed, &src))
        return 1; /* nothing of it can be seen: nothing to draw */
    int ok = visible(r, rect, &zone_vis) && SDL_IntersectRect(&v->tex_at, &zone_vis, &in) &&
             SDL_RectEquals(&in, &v->tex_at);
    SDL_RenderGetViewport(r, &vp);
    int x = vp.x + v->tex_at.x, y = vp.y + v->tex_at.y;
    ok = ok && x >= 0 && y >= 0 && x + v->tex_at.w <= out->w && y + v->tex_at.h <= out->h;
    ok = ok && (out->pitch & 15) == 0;
    int rc = 0;
    if (ok && SDL_RenderFlush(r) == 0 && SDL_LockSurface(out) == 0) {
        /* ARGB8888 has an alpha byte that must read opaque (BGRA: 255); RGB888 ignores it. */
        enum AVPixelFormat to =
            out->format->format == SDL_PIXELFORMAT_ARGB8888 ? AV_PIX_FMT_BGRA : AV_PIX_FMT_BGR0;
        uint8_t *dst = (uint8_t *)out->pixels + (size_t)y * out->pitch + (size_t)x * 4;
        rc = convert(v, src, v->tex_at.w, v->tex_at.h, to, dst, out->pitch) == 0 ? 1 : -1;
        SDL_UnlockSurface(out);
    }
    if (src == v->crop)
        av_frame_unref(v->crop);
    return rc;
}

static void fill(SDL_Renderer *r, kz_color c, int x, int y, int w, int h)
{
    if (w <= 0 || h <= 0)
        return;
    SDL_Rect b = {x, y, w, h};
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(r, &b);
}

/* Letterbox bars only where the frame does not cover the zone. */
static void draw_bars(video *v, SDL_Renderer *r, const SDL_Rect *rect)
{
    SDL_Rect placed = placed_rect(v, rect);
    int x = placed.x - rect->x, y = placed.y - rect->y, sw = placed.w, sh = placed.h;
    if (x > 0) {
        fill(r, v->bg, rect->x, rect->y, x, rect->h);
        fill(r, v->bg, rect->x + x + sw, rect->y, rect->w - x - sw, rect->h);
    }
    if (y > 0) {
        fill(r, v->bg, rect->x, rect->y, rect->w, y);
        fill(r, v->bg, rect->x, rect->y + y + sh, rect->w, rect->h - y - sh);
    }
}

static void draw(video *v, SDL_Renderer *r, const SDL_Rect *rect)
{
    SDL_Rect placed = placed_rect(v, rect);
    draw_bars(v, r, rect);
    if (!v->tex || !v->uploaded)
        return;
    /* Where the texture goes now: as uploaded, or moved and scaled along with the frame if
     * the zone changed since (until the next frame is uploaded for the new place). */
    SDL_Rect at = v->tex_at, up = v->up_placed;
    if (!SDL_RectEquals(&placed, &up) && up.w > 0 && up.h > 0) {
        double kx = (double)placed.w / up.w, ky = (double)placed.h / up.h;
        at = (SDL_Rect){placed.x + (int)lround((at.x - up.x) * kx),
                        placed.y + (int)lround((at.y - up.y) * ky), (int)lround(at.w * kx),
                        (int)lround(at.h * ky)};
    }
    SDL_Rect zone_vis, vis;
    if (at.w <= 0 || at.h <= 0 || !visible(r, rect, &zone_vis) ||
        !SDL_IntersectRect(&at, &zone_vis, &vis))
        return;
    double sx = (double)v->tex_w / at.w, sy = (double)v->tex_h / at.h;
    SDL_Rect src = {(int)lround((vis.x - at.x) * sx), (int)lround((vis.y - at.y) * sy),
                    (int)lround(vis.w * sx), (int)lround(vis.h * sy)};
    if (src.w < 1)
        src.w = 1;
    if (src.h < 1)
        src.h = 1;
    SDL_RenderCopy(r, v->tex, &src, &vis);
}

/* --- render ----------------------------------------------------------------------------- */

static struct timespec deadline_after(kz_us us)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += us / KZ_US_PER_S;
    ts.tv_nsec += (us % KZ_US_PER_S) * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

/* Wait (main thread, d->mu held) until the worker has queued more than `have` frames, failed
 * or ended. 0, or -1 when the deadline passed. */
static int wait_more_locked(vd *d, int have, const struct timespec *deadline)
{
    while (d->qn <= have && !d->failed && !d->eof)
        if (pthread_cond_timedwait(&d->cv, &d->mu, deadline) != 0)
            return d->qn > have ? 0 : -1;
    return 0;
}

/* Take the frame that belongs to target out of the queue into v->cur. Returns 1 when a new
 * frame was taken, 0 when the one on screen stays. d->mu held.
 *
 * The screen is a function of time, so a frame is only taken when it is the one due
 * (pts <= target < pts + duration); when the decoder has not reached it yet, this waits for
 * it (at most FIRST_FRAME_WAIT_US). Playing in real time the queue is ahead and nothing
 * waits; kizuna render and a player started mid-slot wait once. */
static int pick_locked(video *v, vd *d, kz_us target)
{
    kz_us tol = d->frame_dur > 50000 ? d->frame_dur : 50000;
    int cur_ok = v->have_cur && v->cur_serial == d->serial;
    kz_us newest = v->base;
    if (cur_ok && v->cur_time > newest)
        newest = v->cur_time;
    if (d->qn > 0 && d->q[(d->qhead + d->qn - 1) % VD_QUEUE_MAX].time > newest)
        newest = d->q[(d->qhead + d->qn - 1) % VD_QUEUE_MAX].time;
    /* Seek by time: t went back (a second airing, a restart) or jumped ahead of what the
     * decoder can reach soon (a player started mid-slot): decode from the target instead,
     * so the frame shown is the one that belongs to t. */
    int back = target + tol < v->base || (cur_ok && target + tol < v->cur_time);
    int ahead = !d->eof && target > newest + KZ_US_PER_S;
    if (back || ahead) {
        vd_seek_locked(d, target);
        v->base = target;
        cur_ok = 0;
    } else {
        d->min_useful = target;
    }
    struct timespec deadline = deadline_after(FIRST_FRAME_WAIT_US);
    for (;;) {
        while (d->qn >= 2 && d->q[(d->qhead + 1) % VD_QUEUE_MAX].time <= target) {
            vd_drop_locked(d); /* its successor is due already: never shown */
            v->dropped_late++;
        }
        if (d->qn > 0) {
            vd_frame *f = &d->q[d->qhead];
            /* Nothing of this run on screen yet: take the first frame even if it starts a
             * little after target (streams whose first pts is not 0). */
            if (f->time > target && cur_ok)
                return 0;
            if (f->time + f->dur <= target && d->qn == 1 && !d->eof && !d->failed &&
                wait_more_locked(d, 1, &deadline) == 0)
                continue; /* its successor may be the one due: wait for it */
            vd_frame meta;
            vd_pop_locked(d, v->cur, &meta);
            v->cur_time = meta.time;
            v->cur_dur = meta.dur;
            v->cur_serial = d->serial;
            v->have_cur = 1;
            return 1;
        }
        if (d->eof || d->failed)
            return 0;
        if (cur_ok && target < v->cur_time + v->cur_dur)
            return 0;
        if (wait_more_locked(d, 0, &deadline) < 0)
            return 0;
    }
}

/* Statistics of all video items together, logged once per minute of video played (the
 * host's t, summed over the items that rendered: a rotation of short clips is covered too).
 * Main thread only. */
static struct {
    long presented, late, early, corrupt, qsum, qn;
    kz_us played;
} minute;

static void count_minute(video *v, kz_us t, int fresh, long early, long corrupt, int qn)
{
    kz_us dt = t - v->last_t;
    if (v->last_t >= 0 && dt > 0 && dt < KZ_US_PER_S)
        minute.played += dt;
    v->last_t = t;
    minute.presented += fresh;
    minute.late += v->dropped_late - v->late_counted;
    minute.early += early - v->early_counted;
    minute.corrupt += corrupt - v->corrupt_counted;
    v->late_counted = v->dropped_late;
    v->early_counted = early;
    v->corrupt_counted = corrupt;
    minute.qsum += qn;
    minute.qn++;
    if (minute.played < STATS_EVERY_US)
        return;
    api(v)->log(v->host, KZ_LOG_INFO,
                "video, last %.0f s played: frames presented %ld, dropped early %ld, dropped "
                "late %ld, queue depth %.1f of %d, corrupt packets %ld",
                minute.played / 1e6, minute.presented, minute.early, minute.late,
                minute.qn ? (double)minute.qsum / minute.qn : 0.0, v->dec.qcap, minute.corrupt);
    memset(&minute, 0, sizeof minute);
}

/* --- live streams (stream =) --------------------------------------------------------------- */

/* Open the stream on its worker; the picture until it answers is the fallback. Under
 * `kizuna render` (an offscreen surface: a renderer without a window) nothing connects: a
 * rendered moment is a function of time and the files, so it always shows the fallback. */
static int live_prepare(video *v, SDL_Renderer *renderer)
{
    v->cur = av_frame_alloc();
    v->crop = av_frame_alloc();
    if (!v->cur || !v->crop) {
        av_frame_free(&v->cur);
        av_frame_free(&v->crop);
        return KZ_ERR_NOMEM;
    }
    choose_upload(v, renderer);
    /* The fallback picture is decoded once per instance and kept: every airing, every
     * drop-out shows it at once. */
    if (v->fallback[0] && !v->fb_surf && !v->fb_failed) {
        v->fb_surf = api(v)->image_load(v->host, v->fallback); /* logs why on failure */
        v->fb_failed = !v->fb_surf;
    }
    v->live_state = VS_CONNECTING;
    live_shown(v, "fallback"); /* until the first picture: the slate or the fallback */
    v->showing_live = 0;
    v->uploaded = 0;
    v->live_us = v->fb_us = 0;
    v->acc_t = -1;
    v->live_on = 0;
    if (renderer && SDL_RenderGetWindow(renderer)) {
        vs_opts o = {.connect_us = LIVE_CONNECT_US, .stall_us = LIVE_STALL_US,
                     .threads = v->threads, .max_pixels = pixel_limit(v), .flash = v->flash};
        /* GnuTLS reads the CA file by path at every connect: hand it the descriptor the host
         * opened beneath the content root (no symlink followed), kept for the airing. */
        v->ca_fd = -1;
        if (v->ca_file[0] && KZ_API_HAS(api(v), open_media) && api(v)->open_media) {
            v->ca_fd = api(v)->open_media(v->host, v->ca_file);
            if (v->ca_fd < 0) {
                av_frame_free(&v->cur);
                av_frame_free(&v->crop);
                return KZ_ERR; /* logged by the host */
            }
            snprintf(o.ca_file, sizeof o.ca_file, "/proc/self/fd/%d", v->ca_fd);
        } else {
            snprintf(o.ca_file, sizeof o.ca_file, "%s", v->ca_file);
        }
        if (vs_start(&v->live, v->url, v->scheme, &o) < 0) {
            api(v)->log(v->host, KZ_LOG_ERROR, "%s: cannot start the stream thread", v->name);
            vs_close(&v->live);
            if (v->ca_fd >= 0)
                close(v->ca_fd);
            v->ca_fd = -1;
            av_frame_free(&v->cur);
            av_frame_free(&v->crop);
            return KZ_ERR;
        }
        v->live_on = 1;
    }
    v->prepared = 1;
    return KZ_OK;
}

static void live_release(video *v)
{
    long attempts = 0;
    if (v->live_on) {
        vs_close(&v->live); /* joins the worker; attempts are read after */
        attempts = v->live.attempts;
        api(v)->log(v->host, KZ_LOG_INFO, "%s: aired: live %.1f s, fallback %.1f s, %ld "
                    "connection attempt%s", v->name, v->live_us / 1e6, v->fb_us / 1e6,
                    attempts, attempts == 1 ? "" : "s");
    }
    v->live_on = 0;
    if (v->ca_fd >= 0)
        close(v->ca_fd);
    v->ca_fd = -1;
    if (v->fb_tex)
        SDL_DestroyTexture(v->fb_tex);
    v->fb_tex = NULL;
    if (v->slate_text)
        SDL_DestroyTexture(v->slate_text);
    v->slate_text = NULL;
}

static void wall_text(kz_us us, char *out, size_t n)
{
    time_t s = (time_t)(us / KZ_US_PER_S);
    struct tm tm;
    char a[32], z[8];
    localtime_r(&s, &tm);
    strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(z, sizeof z, "%z", &tm);
    snprintf(out, n, "%s.%03d%s", a, (int)(us % KZ_US_PER_S / 1000), z);
}

/* One line per transition (never per retry: retries are counted into the next line). */
static void live_log(video *v, const vs_event *e)
{
    char at[48];
    switch (e->kind) {
    case VS_EV_LIVE:
        if (v->live_state == VS_CONNECTING)
            api(v)->log(v->host, KZ_LOG_INFO, "%s: live, %dx%d", v->name, e->w, e->h);
        else
            api(v)->log(v->host, KZ_LOG_INFO, "%s: live again after %.1f s on the fallback "
                        "(%ld retr%s)", v->name, e->down_us / 1e6, e->retries + 1,
                        e->retries == 0 ? "y" : "ies");
        v->live_state = VS_LIVE;
        live_shown(v, "live");
        break;
    case VS_EV_DOWN:
        api(v)->log(v->host, KZ_LOG_WARN, "%s: %s (%s): showing the %s; reconnecting with "
                    "back-off (1 s doubling to 30 s)", v->name,
                    v->live_state == VS_CONNECTING ? "cannot connect" : "stream down", e->why,
                    v->fallback[0] && !v->fb_failed ? "fallback picture" : "standby slate");
        v->live_state = VS_DOWN;
        live_shown(v, "fallback");
        break;
    case VS_EV_CUT:
        wall_text(e->wall_us, at, sizeof at);
        api(v)->log(v->host, KZ_LOG_WARN, "%s: flash safety: %s at %s: cut to the %s for the "
                    "rest of this airing", v->name, e->why, at,
                    v->fallback[0] && !v->fb_failed ? "fallback picture" : "standby slate");
        v->live_state = VS_CUT;
        live_shown(v, "fallback: flash cut");
        break;
    }
}

/* Where a w x h picture goes in rect under the item's fit, and which part of it shows. */
static void fit_picture(int fit, int w, int h, const SDL_Rect *rect, SDL_Rect *src,
                        SDL_Rect *dst)
{
    *src = (SDL_Rect){0, 0, w, h};
    *dst = *rect;
    if (fit == FIT_STRETCH || w <= 0 || h <= 0)
        return;
    double sx = (double)rect->w / w, sy = (double)rect->h / h;
    if (fit == FIT_FIT) {
        double k = sx < sy ? sx : sy;
        int dw = (int)lround(w * k), dh = (int)lround(h * k);
        *dst = (SDL_Rect){rect->x + (rect->w - dw) / 2, rect->y + (rect->h - dh) / 2, dw, dh};
    } else { /* fill: crop the picture, never draw outside the zone */
        double k = sx > sy ? sx : sy;
        int cw = (int)lround(rect->w / k), ch = (int)lround(rect->h / k);
        *src = (SDL_Rect){(w - cw) / 2, (h - ch) / 2, cw, ch};
    }
}

/* The standby slate: never black. A deep blue field with the words in Japanese and English;
 * `cut` (flash safety) says the stream was stopped rather than that it is coming back. */
static void draw_slate(video *v, SDL_Renderer *r, const SDL_Rect *rect, int cut)
{
    fill(r, (kz_color){0x1c, 0x2a, 0x3a, 255}, rect->x, rect->y, rect->w, rect->h);
    fill(r, (kz_color){0x3d, 0x8b, 0xc9, 255}, rect->x, rect->y + rect->h - rect->h / 40,
         rect->w, rect->h / 40);
    if (v->slate_text && (v->slate_for_h != rect->h || v->slate_cut != cut)) {
        SDL_DestroyTexture(v->slate_text);
        v->slate_text = NULL;
    }
    if (!v->slate_text && v->slate_for_h != -rect->h) {
        kz_text_style st = {.struct_size = sizeof st, .px = rect->h / 14 > 8 ? rect->h / 14 : 8,
                            .bold = 1, .align = KZ_ALIGN_CENTER, .box_w = rect->w * 9 / 10,
                            .color = {255, 255, 255, 255}};
        const char *words = cut ? "ライブ配信を停止しました\nLive stream stopped"
                                : "ライブ配信は まもなく再開します\nLive stream: reconnecting";
        v->slate_text = api(v)->text_texture(v->host, r, words, &st, &v->slate_w, &v->slate_h);
        v->slate_cut = cut;
        v->slate_for_h = v->slate_text ? rect->h : -rect->h; /* failed: do not retry per frame */
    }
    if (v->slate_text) {
        SDL_Rect at = {rect->x + (rect->w - v->slate_w) / 2, rect->y + (rect->h - v->slate_h) / 2,
                       v->slate_w, v->slate_h};
        SDL_RenderCopy(r, v->slate_text, NULL, &at);
    }
}

static void draw_fallback(video *v, SDL_Renderer *r, const SDL_Rect *rect, int cut)
{
    if (v->fb_surf && !v->fb_tex) {
        v->fb_tex = SDL_CreateTextureFromSurface(r, v->fb_surf);
        v->fb_w = v->fb_surf->w;
        v->fb_h = v->fb_surf->h;
    }
    if (!v->fb_tex) {
        draw_slate(v, r, rect, cut);
        return;
    }
    SDL_Rect src, dst;
    fit_picture(v->fit, v->fb_w, v->fb_h, rect, &src, &dst);
    fill(r, v->bg, rect->x, rect->y, rect->w, rect->h);
    SDL_RenderCopy(r, v->fb_tex, &src, &dst);
}

static int live_render(video *v, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    int state = VS_DOWN;
    if (v->live_on) {
        vs_event ev[VS_EVENTS];
        int n = vs_events(&v->live, ev, VS_EVENTS);
        for (int i = 0; i < n; i++)
            live_log(v, &ev[i]);
        if (vs_take(&v->live, v->cur)) {
            if (upload(v, r, rect) == 0) {
                v->uploaded = 1;
                v->presented++;
            }
            av_frame_unref(v->cur);
        }
        pthread_mutex_lock(&v->live.mu);
        state = v->live.state;
        pthread_mutex_unlock(&v->live.mu);
        if (state != VS_LIVE)
            v->uploaded = 0; /* the last picture of a lost stream is never shown again */
    }
    int live = state == VS_LIVE && v->uploaded;
    if (live)
        draw(v, r, rect);
    else
        draw_fallback(v, r, rect, state == VS_CUT);
    /* Proof of what aired: time on the host's clock, attributed to what the previous frame
     * showed. */
    kz_us dt = t - v->acc_t;
    if (v->acc_t >= 0 && dt > 0 && dt < KZ_US_PER_S)
        *(v->showing_live ? &v->live_us : &v->fb_us) += dt;
    v->acc_t = t;
    v->showing_live = live;
    return KZ_OK;
}

static int v_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    video *v = inst;
    if (!v->prepared && v_prepare(v, r) != KZ_OK)
        return KZ_ERR;
    if (v->failed)
        return KZ_ERR;
    if (v->url[0])
        return live_render(v, r, rect, t);
    vd *d = &v->dec;
    kz_us target = v->start + (t > 0 ? t : 0);
    int fresh = 0, finished = 0, failed = 0, truncated = 0, starved = 0;
    char err[sizeof d->err];

    pthread_mutex_lock(&d->mu);
    if (v->untimed) {
        struct timespec deadline = deadline_after(FIRST_FRAME_WAIT_US);
        wait_more_locked(d, 0, &deadline);
        if (d->qn > 0) {
            vd_frame meta;
            vd_pop_locked(d, v->cur, &meta);
            v->cur_time = meta.time;
            v->cur_dur = meta.dur;
            v->have_cur = fresh = 1;
        } else if (d->eof) {
            finished = 1;
        }
    } else if (!v->loop && d->clip_dur > 0 && target >= d->clip_dur) {
        finished = 1;
    } else {
        fresh = pick_locked(v, d, target);
        if (v->audio_dev && v->have_cur)
            vd_audio_sync_locked(d, target, v->audio_latency);
        if (!fresh && d->eof && d->qn == 0 && !v->loop &&
            (!v->have_cur || target >= v->cur_time + v->cur_dur)) {
            /* The decoder ended before the container's duration: a truncated file. */
            finished = 1;
            truncated = d->clip_dur > 0 && d->last_end + d->frame_dur < d->clip_dur;
        }
        starved = !v->have_cur && !d->failed && !finished;
    }
    if (d->failed && !(v->have_cur && v->cur_serial == d->serial && d->eof)) {
        failed = 1;
        snprintf(err, sizeof err, "%s", d->err);
    }
    v->queue_sum += d->qn;
    v->queue_samples++;
    kz_us last_end = d->last_end, clip_dur = d->clip_dur;
    long early = d->dropped_early, errs = d->decode_errors;
    int qn_now = d->qn;
    pthread_mutex_unlock(&d->mu);

    if (failed) {
        api(v)->log(v->host, KZ_LOG_ERROR, "%s: %s", v->name, err);
        v->failed = 1;
        return KZ_ERR;
    }
    if (truncated && !v->ended_logged) {
        api(v)->log(v->host, KZ_LOG_WARN, "%s: ends early at %.3f s of %.3f s (truncated file?)",
                    v->name, last_end / 1e6, clip_dur / 1e6);
        v->ended_logged = 1;
    }
    if (starved && !v->ended_logged) {
        api(v)->log(v->host, KZ_LOG_WARN, "%s: no frame after %.1f s of waiting", v->name,
                    FIRST_FRAME_WAIT_US / 1e6);
        v->ended_logged = 1;
    }
    if (v->audio_dev && !v->audio_started && v->have_cur) {
        SDL_PauseAudioDevice(v->audio_dev, 0); /* sound starts with the first frame */
        v->audio_started = 1;
    }
    /* A new frame goes straight onto the output where it can (draw_direct) unless frames
     * were drawn again lately without a new one: the compositor then composes more often
     * than the clip changes (a ticker beside it, captions over it), and a repeat is one copy
     * from the texture where straight onto the output it would be a conversion. */
    int direct = 0;
    if (fresh) {
        if (v->presented - v->repeat_at >= DIRECT_AFTER_FRAMES)
            direct = draw_direct(v, r, rect);
        if (direct < 0) {
            v->failed = 1;
            return KZ_ERR;
        }
        v->presented++;
        v->direct_frames += direct;
        plog_frame(v, t);
    } else if (v->on_output) {
        v->repeat_at = v->presented; /* drawn again: the frame was only on the output */
    }
    if ((fresh && !direct) || (!fresh && v->on_output)) {
        if (upload(v, r, rect) != 0) {
            api(v)->log(v->host, KZ_LOG_ERROR, "%s: cannot upload a frame: %s", v->name,
                        SDL_GetError());
            v->failed = 1;
            return KZ_ERR;
        }
        /* The texture holds the picture now: give the decoder its buffer back (3 MB at
         * 1080p). Should the zone change size, the texture is scaled until the next frame. */
        av_frame_unref(v->cur);
        v->uploaded = 1;
        v->on_output = 0;
    }
    if (direct) {
        v->on_output = 1; /* v->cur is kept: it is the only copy of the picture */
        draw_bars(v, r, rect);
    } else {
        draw(v, r, rect);
    }
    if (!v->untimed)
        count_minute(v, t, fresh, early, errs, qn_now);
    return finished ? KZ_FINISHED : KZ_OK;
}

/* The frame and its bars cover the zone unless the bars are translucent. */
static int v_opaque(kz_instance *inst)
{
    const video *v = inst;
    return v->bg.a == 255;
}

/* The next frame's presentation time (item-relative): the front of the queue, else the end
 * of the frame on screen. Every frame when untimed; never once the clip has ended. Read from
 * the stream's timestamps, never from a clock. */
static kz_us v_next_change(kz_instance *inst, kz_us t)
{
    video *v = inst;
    /* Live: a new frame may arrive at any moment, and the cut back from the fallback comes
     * when the stream answers, which no t predicts: every frame is composed (the fallback is
     * one texture copy). */
    if (v->untimed || !v->prepared || v->failed || v->url[0])
        return t;
    vd *d = &v->dec;
    kz_us target = v->start + (t > 0 ? t : 0), next;
    pthread_mutex_lock(&d->mu);
    if (!v->loop && d->clip_dur > 0 && target >= d->clip_dur)
        next = KZ_CHANGE_NEVER;
    else if (d->qn > 0 && d->q[d->qhead].time > target)
        next = d->q[d->qhead].time;
    else if (v->have_cur && v->cur_serial == d->serial && v->cur_time + v->cur_dur > target)
        next = v->cur_time + v->cur_dur;
    else
        next = target; /* a frame is due already, or not decoded yet */
    pthread_mutex_unlock(&d->mu);
    return next == KZ_CHANGE_NEVER ? next : next - v->start;
}

/* The keys, for `kizuna help video`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key video_keys[] = {
    {"file", "file", "required (unless stream)", "barrier-free-month.mp4",
     "the clip (H.264, H.265, VP9, AV1 in MP4, MKV, WebM), relative to the content directory"},
    {"fit", "fit|fill|stretch", "fit", "fill", "fit: letterboxed; fill: cropped; stretch"},
    {"background", "colour", "black", "#1c2a3a", "colour of the letterbox bars"},
    {"loop", "yes|no", "no", "yes", "start again at the end of the clip"},
    {"start", "seconds", "0", "2.5", "where in the clip the item begins"},
    {"volume", "number 0-100", "0 (audio off)", "40", "audio volume"},
    {"threads", "auto|integer 1-16", "auto", "2",
     "decoder frame threads (auto: from the clip's codec, size and frame rate)"},
    {"untimed", "yes|no", "no", "no",
     "show every frame once, as fast as it is drawn (kizuna bench)"},
    /* No examples for the live keys: they replace file (docs/plugins.md has an item). */
    {"stream", "URL", "", NULL,
     "instead of file: a live stream (rtsp://, rtmp://, http(s)://, HLS .m3u8)"},
    {"fallback", "file", "the standby slate", NULL,
     "stream: the picture shown while the stream is down or cut for flashing"},
    {"ca_file", "file", "the system's CAs", NULL,
     "stream: the CAs an https stream's certificate is checked against"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin video_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "video",
    .version = "1.0",
    .description = "video clips (FFmpeg): threaded decode, gapless, loop, seek by time",
    .create = v_create,
    .check = v_check,
    .prepare = v_prepare,
    .duration = v_duration,
    .render = v_render,
    .release = v_release,
    .destroy = v_destroy,
    .opaque = v_opaque,
    .next_change = v_next_change,
    .keys = video_keys,
};

KZ_PLUGIN_EXPORT(video_plugin)
