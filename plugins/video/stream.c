/* The live `stream` source's worker: connect, decode, analyse for flashing, pace, hand over;
 * reconnect with back-off when the stream is down. See stream.h. */
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libswscale/swscale.h>

#include "flashcells.h"
#include "vdec.h"

#define US_TB ((AVRational){1, 1000000})
#define FLASH_GRID_W 160     /* the flash gate's grid width (player/checks/flash.h) */
#define FLASH_TR_RING 64     /* transitions remembered per rule: more than any limit */
#define PACE_RESYNC_US 2000000 /* a frame this far off the pacing clock restarts it */
#define FLASH_EXT_RING 512   /* frames kept for the extended-failure window (5 s at 100 fps) */

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void averr(int code, char *buf, size_t n)
{
    if (av_strerror(code, buf, n) < 0)
        snprintf(buf, n, "error %d", code);
}

/* libavformat polls this during every blocking call (connect, read, an HLS reload wait). */
static int interrupt_cb(void *ctx)
{
    vs_guard *g = ctx;
    if (g->quit && atomic_load(g->quit))
        return 1;
    return mono_us() > atomic_load(&g->deadline);
}

/* Every protocol the demuxer opens (the URL, an HLS playlist's segments and keys) comes here:
 * the TLS and timeout options go with each, not only with the first (libavformat's HLS demuxer
 * forwards only a few options to its segments). The whitelist is inherited by libavformat. */
static int io_open_guarded(AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                           AVDictionary **options)
{
    vs_guard *g = s->opaque;
    AVDictionary *local = NULL, **d = options ? options : &local;
    char v[32];
    av_dict_set(d, "tls_verify", "1", 0);
    if (g->o->ca_file[0])
        av_dict_set(d, "ca_file", g->o->ca_file, 0);
    snprintf(v, sizeof v, "%lld", (long long)g->o->stall_us);
    av_dict_set(d, "rw_timeout", v, 0);
    int r = g->io_open(s, pb, url, flags, d);
    av_dict_free(&local);
    return r;
}

/* Open url under guard g and read its stream information; the video stream's index in
 * *stream. 0, or -1 with the reason in err (everything freed). */
static int open_stream(const char *url, int scheme, vs_guard *g, AVFormatContext **out,
                       int *stream, char *err, size_t errlen)
{
    AVFormatContext *fmt = avformat_alloc_context();
    AVDictionary *opts = NULL;
    char e[128], v[32];
    int r;
    if (!fmt) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    fmt->interrupt_callback = (AVIOInterruptCB){interrupt_cb, g};
    fmt->opaque = g;
    g->io_open = fmt->io_open;
    fmt->io_open = io_open_guarded;
    av_dict_set(&opts, "protocol_whitelist", vs_url_whitelist(scheme), 0);
    av_dict_set(&opts, "probesize", "1000000", 0);      /* 1 MB: a few frames of 1080p */
    av_dict_set(&opts, "analyzeduration", "2000000", 0); /* 2 s */
    av_dict_set(&opts, "tls_verify", "1", 0);
    if (g->o->ca_file[0])
        av_dict_set(&opts, "ca_file", g->o->ca_file, 0);
    snprintf(v, sizeof v, "%lld", (long long)g->o->stall_us);
    av_dict_set(&opts, "rw_timeout", v, 0);
    if (scheme == VS_RTSP || scheme == VS_HTTP || scheme == VS_HTTPS)
        av_dict_set(&opts, "timeout", v, 0); /* socket I/O timeout, us (never rtmp's: there
                                              * it means "listen for a connection") */
    r = avformat_open_input(&fmt, url, NULL, &opts); /* frees fmt on failure */
    av_dict_free(&opts);
    if (r < 0) {
        averr(r, e, sizeof e);
        if (g->quit && atomic_load(g->quit))
            snprintf(err, errlen, "stopped");
        else if (r == AVERROR_EXIT)
            snprintf(err, errlen, "no answer within %.1f s", g->o->connect_us / 1e6);
        else
            snprintf(err, errlen, "cannot open (%s)", e);
        return -1;
    }
    r = avformat_find_stream_info(fmt, NULL);
    if (r < 0) {
        averr(r, e, sizeof e);
        snprintf(err, errlen, r == AVERROR_EXIT ? "no stream information within the connect "
                                                  "bound"
                                                : "cannot read stream information (%s)",
                 e);
        avformat_close_input(&fmt);
        return -1;
    }
    *stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (*stream < 0) {
        snprintf(err, errlen, "no video stream");
        avformat_close_input(&fmt);
        return -1;
    }
    *out = fmt;
    return 0;
}

int vs_probe(const char *url, int scheme, int64_t timeout_us, char *err, size_t errlen)
{
    vs_opts o = {.connect_us = timeout_us, .stall_us = timeout_us};
    vs_guard g = {.o = &o};
    AVFormatContext *fmt = NULL;
    int s;
    atomic_store(&g.deadline, mono_us() + timeout_us);
    if (open_stream(url, scheme, &g, &fmt, &s, err, errlen) < 0)
        return -1;
    avformat_close_input(&fmt);
    return 0;
}

/* --- events (worker -> main thread), mu held ---------------------------------------------- */

static vs_event *event_locked(vs *s, int kind)
{
    if (s->nev == VS_EVENTS) { /* the main thread has not looked for a while: drop the oldest */
        memmove(s->ev, s->ev + 1, sizeof s->ev[0] * (VS_EVENTS - 1));
        s->nev--;
        s->ev_dropped++;
    }
    vs_event *e = &s->ev[s->nev++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->wall_us = wall_us();
    return e;
}

int vs_events(vs *s, vs_event *out, int max)
{
    pthread_mutex_lock(&s->mu);
    int n = s->nev < max ? s->nev : max;
    memcpy(out, s->ev, sizeof *out * (size_t)n);
    memmove(s->ev, s->ev + n, sizeof s->ev[0] * (size_t)(s->nev - n));
    s->nev -= n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int vs_take(vs *s, AVFrame *out)
{
    int got = 0;
    pthread_mutex_lock(&s->mu);
    if (s->fresh) {
        av_frame_unref(out);
        av_frame_move_ref(out, s->latest);
        s->fresh = 0;
        got = 1;
    }
    pthread_mutex_unlock(&s->mu);
    return got;
}

/* Wait on cv until mono time `until` or quit; mu held. */
static void wait_until_locked(vs *s, int64_t until)
{
    while (!atomic_load(&s->quit)) {
        int64_t left = until - mono_us();
        if (left <= 0)
            return;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t ns = ts.tv_nsec + left % 1000000 * 1000;
        ts.tv_sec += (time_t)(left / 1000000 + ns / 1000000000);
        ts.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
}

/* --- live flash analysis ----------------------------------------------------------------- */

typedef struct live_flash {
    const kz_flash_profile *prof;
    kz_flash *an;            /* owned */
    kz_flash_cells cells;    /* owned tables */
    struct SwsContext *sws;  /* owned: formats the cell reader does not take */
    uint8_t *rgb;            /* owned: gw * gh * 3 */
    int gw, gh, w, h;
    double last_t;
    double lum[FLASH_TR_RING], red[FLASH_TR_RING]; /* times of recent transitions */
    int nl, nr, hl, hr;      /* count and next slot of each ring */
    /* Extended failure: near-limit time of recent frames, luminance and red budgets. */
    struct { double t; float lum, red; } ext[FLASH_EXT_RING];
    int next, hext;
} live_flash;

static void flash_free(live_flash *lf)
{
    kz_flash_free(&lf->an);
    kz_flash_cells_free(&lf->cells);
    sws_freeContext(lf->sws);
    free(lf->rgb);
    const kz_flash_profile *p = lf->prof;
    memset(lf, 0, sizeof *lf);
    lf->prof = p;
}

/* Transitions of one rule inside (t - 1, t] after adding one at t when tr. */
static int window_count(double *ring, int *n, int *head, int tr, double t)
{
    if (tr) {
        ring[*head] = t;
        *head = (*head + 1) % FLASH_TR_RING;
        if (*n < FLASH_TR_RING)
            (*n)++;
    }
    int c = 0;
    for (int i = 0; i < *n; i++)
        c += ring[i] > t - 1.0 + 1e-6 && ring[i] <= t;
    return c;
}

/* Analyse one frame at t seconds (stream time). 1 when a failure begins here (why says
 * which: the one-second limits or the extended-failure budget), 0 when it passes, -1 when
 * the frame cannot be analysed (then it is not shown: an
 * unanalysed live frame never airs). */
static int flash_frame(live_flash *lf, const AVFrame *fr, double t, char *why, size_t n)
{
    if (!lf->an || fr->width != lf->w || fr->height != lf->h || t < lf->last_t) {
        flash_free(lf);
        lf->w = fr->width;
        lf->h = fr->height;
        lf->gw = fr->width < FLASH_GRID_W ? fr->width : FLASH_GRID_W;
        lf->gh = (int)((int64_t)lf->gw * fr->height / fr->width);
        if (lf->gh < 1)
            lf->gh = 1;
        lf->rgb = malloc((size_t)lf->gw * lf->gh * 3);
        lf->an = kz_flash_new(lf->prof, lf->gw, lf->gh);
        if (!lf->rgb || !lf->an)
            return -1;
    }
    if (kz_flash_cells_supported(fr->format)) {
        if (kz_flash_cells_rgb(&lf->cells, fr, lf->gw, lf->gh, lf->rgb) < 0)
            return -1;
    } else {
        lf->sws = sws_getCachedContext(lf->sws, fr->width, fr->height, fr->format, lf->gw,
                                       lf->gh, AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL, NULL);
        uint8_t *dst[4] = {lf->rgb};
        int stride[4] = {lf->gw * 3};
        if (!lf->sws || sws_scale(lf->sws, (const uint8_t *const *)fr->data, fr->linesize, 0,
                                  fr->height, dst, stride) < 0)
            return -1;
    }
    if (kz_flash_push(lf->an, lf->rgb, lf->gw * 3, t) < 0)
        return -1;
    const kz_flash_frame *k = kz_flash_last(lf->an);
    int cl = window_count(lf->lum, &lf->nl, &lf->hl, k->lum_tr != 0, t);
    int cr = window_count(lf->red, &lf->nr, &lf->hr, k->red_tr != 0, t);
    kz_flash_forget(lf->an); /* bounded memory: the rings above are the window */
    /* Extended failure, as the gate's two budgets: near-limit flashing (warn_from..fail_over
     * transitions in the last second, the luminance band for red too) for more than
     * ext_seconds within any ext_window. Each frame counts for the time since the one before. */
    const kz_flash_profile *pr = lf->prof;
    double dt = lf->next ? t - lf->last_t : 0;
    if (dt > 0.5)
        dt = 0.5; /* a gap in the stream is not flashing time */
    lf->ext[lf->hext].t = t;
    lf->ext[lf->hext].lum = (float)(cl >= pr->warn_from && cl <= pr->fail_over ? dt : 0);
    lf->ext[lf->hext].red = (float)(cr >= pr->warn_from && cr <= pr->fail_over ? dt : 0);
    lf->hext = (lf->hext + 1) % FLASH_EXT_RING;
    if (lf->next < FLASH_EXT_RING)
        lf->next++;
    double nl = 0, nr = 0;
    for (int i = 0; i < lf->next; i++)
        if (lf->ext[i].t > t - pr->ext_window + 1e-6) {
            nl += lf->ext[i].lum;
            nr += lf->ext[i].red;
        }
    lf->last_t = t;
    if (cl > lf->prof->fail_over) {
        snprintf(why, n, "general flash: %d luminance transitions within one second (limit %d, "
                 "profile %s)", cl, lf->prof->fail_over, lf->prof->name);
        return 1;
    }
    if (cr > lf->prof->red_fail_over) {
        snprintf(why, n, "red flash: %d red transitions within one second (limit %d, profile "
                 "%s)", cr, lf->prof->red_fail_over, lf->prof->name);
        return 1;
    }
    if (nl >= pr->ext_seconds || nr >= pr->ext_seconds) {
        snprintf(why, n, "extended flashing: %.1f s near the limit within %.0f s (limit %.1f s, "
                 "profile %s)", nl > nr ? nl : nr, pr->ext_window, pr->ext_seconds, pr->name);
        return 1;
    }
    return 0;
}

/* --- one connection ---------------------------------------------------------------------- */

enum { SESSION_DOWN = 0, SESSION_CUT = 1 };

/* Connect and play until the stream ends, stalls, fails or quit. *got: frames handed over. */
static int session(vs *s, live_flash *lf, long *got, char *why, size_t whylen)
{
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    const AVCodec *codec;
    char e[128];
    int vi, r, rc = SESSION_DOWN;
    int64_t pace_wall = 0, pace_pts = 0, pts_base = AV_NOPTS_VALUE;
    int paced = 0;
    *got = 0;
    if (!pkt || !fr) {
        snprintf(why, whylen, "out of memory");
        goto done;
    }
    atomic_store(&s->guard.deadline, mono_us() + s->o.connect_us);
    if (open_stream(s->url, s->scheme, &s->guard, &fmt, &vi, why, whylen) < 0)
        goto done;
    AVStream *st = fmt->streams[vi];
    if (s->o.max_pixels > 0 &&
        (long long)st->codecpar->width * st->codecpar->height > s->o.max_pixels) {
        snprintf(why, whylen, "%dx%d frames are above the pixel limit ([player] max_pixels)",
                 st->codecpar->width, st->codecpar->height);
        goto done;
    }
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        if ((int)i != vi)
            fmt->streams[i]->discard = AVDISCARD_ALL;
    codec = avcodec_find_decoder(st->codecpar->codec_id);
    dec = codec ? avcodec_alloc_context3(codec) : NULL;
    if (!dec || avcodec_parameters_to_context(dec, st->codecpar) < 0) {
        snprintf(why, whylen, "no decoder for %s", avcodec_get_name(st->codecpar->codec_id));
        goto done;
    }
    AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    dec->thread_count = s->o.threads > 0 ? s->o.threads
                                         : vd_plan(st->codecpar->codec_id, st->codecpar->width,
                                                   st->codecpar->height, rate,
                                                   vd_cores())
                                               .threads;
    dec->thread_type = FF_THREAD_FRAME;
    dec->pkt_timebase = st->time_base;
    if (s->o.max_pixels > 0)
        dec->max_pixels = s->o.max_pixels;
    if ((r = avcodec_open2(dec, codec, NULL)) < 0) {
        averr(r, e, sizeof e);
        snprintf(why, whylen, "cannot open the %s decoder (%s)", codec->name, e);
        goto done;
    }
    /* Connected: from now on the bound is "no frame for stall_us". */
    atomic_store(&s->guard.deadline, mono_us() + s->o.stall_us);
    for (;;) {
        r = avcodec_receive_frame(dec, fr);
        if (r == AVERROR(EAGAIN)) {
            r = av_read_frame(fmt, pkt);
            if (r < 0) {
                averr(r, e, sizeof e);
                if (atomic_load(&s->quit))
                    snprintf(why, whylen, "stopped");
                else if (r == AVERROR_EXIT)
                    snprintf(why, whylen, "no picture for %.1f s", s->o.stall_us / 1e6);
                else if (r == AVERROR_EOF)
                    snprintf(why, whylen, "the stream ended");
                else
                    snprintf(why, whylen, "read failed (%s)", e);
                goto done;
            }
            if (pkt->stream_index == vi)
                avcodec_send_packet(dec, pkt); /* a refused packet is a moment of damage */
            av_packet_unref(pkt);
            continue;
        }
        if (r < 0) {
            averr(r, e, sizeof e);
            snprintf(why, whylen, "decoding failed (%s)", e);
            goto done;
        }
        atomic_store(&s->guard.deadline, mono_us() + s->o.stall_us);
        int64_t pts = fr->best_effort_timestamp;
        int64_t pts_us = pts == AV_NOPTS_VALUE ? 0 : av_rescale_q(pts, st->time_base, US_TB);
        if (pts_base == AV_NOPTS_VALUE)
            pts_base = pts_us;
        double t = (pts_us - pts_base) / 1e6;
        if (lf->prof) {
            int f = flash_frame(lf, fr, t, why, whylen);
            if (f != 0) {
                if (f < 0)
                    snprintf(why, whylen, "a frame could not be analysed for flashing");
                rc = SESSION_CUT;
                goto done;
            }
        }
        /* Pace by timestamps: HLS hands over a whole segment at once. */
        int64_t now = mono_us();
        int64_t due = pace_wall + (pts_us - pace_pts);
        if (!paced || due - now > PACE_RESYNC_US || now - due > PACE_RESYNC_US) {
            pace_wall = now;
            pace_pts = pts_us;
            due = now;
            paced = 1;
        }
        pthread_mutex_lock(&s->mu);
        wait_until_locked(s, due);
        if (atomic_load(&s->quit)) {
            pthread_mutex_unlock(&s->mu);
            snprintf(why, whylen, "stopped");
            goto done;
        }
        av_frame_unref(s->latest);
        av_frame_move_ref(s->latest, fr);
        s->fresh = 1;
        s->frames++;
        if (s->state != VS_LIVE) {
            vs_event *ev = event_locked(s, VS_EV_LIVE);
            ev->w = s->latest->width;
            ev->h = s->latest->height;
            ev->retries = s->retries;
            ev->down_us = mono_us() - s->down_since;
            s->state = VS_LIVE;
        }
        pthread_mutex_unlock(&s->mu);
        (*got)++;
        /* The wait above is not a stall. */
        atomic_store(&s->guard.deadline, mono_us() + s->o.stall_us);
    }
done:
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    return rc;
}

static uint32_t xorshift(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void *worker(void *arg)
{
    vs *s = arg;
    live_flash lf = {.prof = s->o.flash};
    char why[200];
    int attempt = 0;
    uint32_t rng = (uint32_t)wall_us() ^ (uint32_t)(uintptr_t)s;
    if (!rng)
        rng = 1;
    s->down_since = mono_us();
    while (!atomic_load(&s->quit)) {
        long got = 0;
        why[0] = 0;
        int rc = session(s, &lf, &got, why, sizeof why);
        pthread_mutex_lock(&s->mu);
        s->attempts++;
        if (atomic_load(&s->quit)) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        if (rc == SESSION_CUT) {
            vs_event *ev = event_locked(s, VS_EV_CUT);
            snprintf(ev->why, sizeof ev->why, "%s", why);
            s->state = VS_CUT;
            s->fresh = 0;
            av_frame_unref(s->latest);
            while (!atomic_load(&s->quit)) /* off for the rest of the airing */
                pthread_cond_wait(&s->cv, &s->mu);
            pthread_mutex_unlock(&s->mu);
            break;
        }
        if (got > 0) /* it was live: the back-off starts again from the first step */
            attempt = 0;
        if (s->state != VS_DOWN) { /* the transition, logged once */
            vs_event *ev = event_locked(s, VS_EV_DOWN);
            snprintf(ev->why, sizeof ev->why, "%s", why);
            s->state = VS_DOWN;
            s->retries = 0;
            s->down_since = mono_us();
        } else {
            s->retries++; /* counted, said with the next transition */
            s->retries_total++;
        }
        attempt++;
        wait_until_locked(s, mono_us() + vs_backoff_us(attempt, xorshift(&rng)));
        pthread_mutex_unlock(&s->mu);
    }
    flash_free(&lf);
    return NULL;
}

int vs_start(vs *s, const char *url, int scheme, const vs_opts *o)
{
    memset(s, 0, sizeof *s);
    snprintf(s->url, sizeof s->url, "%s", url);
    s->scheme = scheme;
    s->o = *o;
    s->guard.quit = &s->quit;
    s->guard.o = &s->o;
    s->state = VS_CONNECTING;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->inited = 1;
    s->latest = av_frame_alloc();
    if (!s->latest || pthread_create(&s->thread, NULL, worker, s) != 0)
        return -1;
    s->started = 1;
    return 0;
}

void vs_close(vs *s)
{
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        atomic_store(&s->quit, 1);
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL); /* the interrupt callback ends any open or read */
        s->started = 0;
    }
    if (s->inited) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        s->inited = 0;
    }
    av_frame_free(&s->latest);
}
