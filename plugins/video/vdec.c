/* The video plugin's decode worker: demux -> decode (frame threads) -> small frame queue.
 * One worker per prepared clip; the main thread only takes finished frames. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "hwdec.h"
#include "vdec.h"
#include "vplan.h"

#define US_TB ((AVRational){1, 1000000})
#define MAX_BAD_PACKETS 100 /* consecutive packets the decoder refuses before giving up */

static void averr(int code, char *buf, size_t n)
{
    if (av_strerror(code, buf, n) < 0)
        snprintf(buf, n, "error %d", code);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int header_is_enough(const AVFormatContext *fmt)
{
    const char *n = fmt->iformat->name;
    if (!strstr(n, "mp4") && !strstr(n, "matroska"))
        return 0;
    int video = 0;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVCodecParameters *cp = fmt->streams[i]->codecpar;
        if (cp->codec_type != AVMEDIA_TYPE_VIDEO)
            continue;
        if (cp->codec_id == AV_CODEC_ID_NONE || cp->width <= 0 || cp->height <= 0)
            return 0;
        video = 1;
    }
    return video;
}

/* What libavformat opens: fd's own name when the file was opened already (the host's
 * open_media, beneath the content root), so that the path is not walked again. */
static const char *input_name(const char *path, int fd, char *buf, size_t n)
{
    if (fd < 0)
        return path;
    snprintf(buf, n, "/proc/self/fd/%d", fd);
    return buf;
}

/* Open the container and find the stream info; shared by vd_open and the probe. */
static int open_input(const char *path, int fd, long max_pixels, AVFormatContext **out,
                      char *err, size_t errlen)
{
    AVFormatContext *fmt = NULL;
    AVDictionary **sopts = NULL;
    unsigned nopts;
    char lim[32];
    char e[128], name[32];
    struct stat st;
    if (fd >= 0 ? fstat(fd, &st) != 0 : stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen, "empty file (0 bytes)");
        return -1;
    }
    int r = avformat_open_input(&fmt, input_name(path, fd, name, sizeof name), NULL, NULL);
    if (r < 0) {
        averr(r, e, sizeof e);
        snprintf(err, errlen, "not a media file libavformat can read (%s)", e);
        return -1;
    }
    /* MP4 and Matroska headers carry everything needed (codec, size, duration): skip
     * avformat_find_stream_info there, which decodes frames (10-25 ms at 1080p) and would
     * run on the main thread in prepare(), while the previous item is on air. */
    /* Probing decodes a frame: the decoders get the pixel limit so that a file declaring a
     * huge frame is refused there instead of allocating it. */
    nopts = fmt->nb_streams;
    snprintf(lim, sizeof lim, "%ld", max_pixels > 0 ? max_pixels : VD_MAX_PIXELS_DEFAULT);
    sopts = av_calloc(nopts ? nopts : 1, sizeof *sopts);
    for (unsigned i = 0; sopts && i < nopts; i++)
        av_dict_set(&sopts[i], "max_pixels", lim, 0);
    r = !sopts                 ? AVERROR(ENOMEM)
        : header_is_enough(fmt) ? 0
                                : avformat_find_stream_info(fmt, sopts);
    for (unsigned i = 0; sopts && i < nopts; i++)
        av_dict_free(&sopts[i]);
    av_freep(&sopts);
    if (r < 0) {
        averr(r, e, sizeof e);
        snprintf(err, errlen, "cannot read stream information (%s)", e);
        avformat_close_input(&fmt);
        return -1;
    }
    *out = fmt;
    return 0;
}

/* The video stream, or -1 with a reason (audio-only file, no stream at all). */
static int find_video(AVFormatContext *fmt, char *err, size_t errlen)
{
    int s = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (s < 0) {
        int audio = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0) >= 0;
        snprintf(err, errlen, "%s", audio ? "no video stream (audio only)" : "no video stream");
        return -1;
    }
    return s;
}

static kz_us clip_duration(AVFormatContext *fmt, int s)
{
    AVStream *st = fmt->streams[s];
    if (st->duration > 0 && st->duration != AV_NOPTS_VALUE)
        return av_rescale_q(st->duration, st->time_base, US_TB);
    if (fmt->duration > 0 && fmt->duration != AV_NOPTS_VALUE)
        return av_rescale_q(fmt->duration, AV_TIME_BASE_Q, US_TB);
    return 0;
}

int vd_open(vd *d, const char *path, int fd, int threads, int loop, const char *hwdec,
            long max_pixels, char *err, size_t errlen)
{
    char e[128];
    const AVCodec *codec;
    AVStream *st;
    int r;

    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s", path);
    d->name = base_name(d->path);
    d->loop = loop;
    d->stream = -1;
    d->astream = -1;
    d->atime = -1;
    d->hw_fmt = AV_PIX_FMT_NONE;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    for (int i = 0; i < VD_QUEUE_MAX; i++) {
        d->q[i].f = av_frame_alloc();
        if (!d->q[i].f) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    if (max_pixels <= 0)
        max_pixels = VD_MAX_PIXELS_DEFAULT;
    if (open_input(path, fd, max_pixels, &d->fmt, err, errlen) < 0)
        goto fail;
    d->stream = find_video(d->fmt, err, errlen);
    if (d->stream < 0)
        goto fail;
    st = d->fmt->streams[d->stream];
    /* The frame size from the codec parameters, before a decoder allocates any frame. */
    if ((long long)st->codecpar->width * st->codecpar->height > max_pixels) {
        snprintf(err, errlen, "%dx%d (%.1f Mpx) frames are above the pixel limit of %.1f Mpx "
                 "([player] max_pixels); not decoded", st->codecpar->width,
                 st->codecpar->height, (double)st->codecpar->width * st->codecpar->height / 1e6,
                 (double)max_pixels / 1e6);
        goto fail;
    }
    /* Only the chosen stream's packets are wanted: the demuxer drops the rest early. */
    for (unsigned i = 0; i < d->fmt->nb_streams; i++)
        if ((int)i != d->stream)
            d->fmt->streams[i]->discard = AVDISCARD_ALL;
    codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec) {
        snprintf(err, errlen, "unsupported codec %s (no decoder in this FFmpeg)",
                 avcodec_get_name(st->codecpar->codec_id));
        goto fail;
    }
    AVRational fr = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    vd_plan_out plan = vd_plan(st->codecpar->codec_id, st->codecpar->width,
                               st->codecpar->height, fr, vd_cores());
    d->threads = threads > 0 ? threads : plan.threads;
    d->qcap = plan.queue;
    const char *qenv = getenv("KIZUNA_VIDEO_QUEUE"); /* benchmarks: depth against memory */
    int qforced = qenv ? atoi(qenv) : 0;
    if (qforced >= 1 && qforced <= VD_QUEUE_MAX)
        d->qcap = qforced;
    if (hwdec && strcmp(hwdec, "none")) {
        char why[sizeof d->hw_note - 64];
        if (vd_hw_open(codec, st->codecpar, st->time_base, hwdec, &d->dec, &d->hw_fmt,
                       d->hw_used, sizeof d->hw_used, why, sizeof why) == 0)
            snprintf(d->hw_note, sizeof d->hw_note, "hwdec %s: decoding %s on %s", hwdec,
                     codec->name, d->hw_used);
        else
            snprintf(d->hw_note, sizeof d->hw_note, "hwdec %s: %s; decoding %s in software",
                     hwdec, why, codec->name);
    }
    if (!d->dec) {
        d->dec = avcodec_alloc_context3(codec);
        if (!d->dec || avcodec_parameters_to_context(d->dec, st->codecpar) < 0) {
            snprintf(err, errlen, "cannot set up the %s decoder", codec->name);
            goto fail;
        }
        d->dec->thread_count = d->threads;
        d->dec->thread_type = FF_THREAD_FRAME;
        d->dec->pkt_timebase = st->time_base;
        r = avcodec_open2(d->dec, codec, NULL);
        if (r < 0) {
            averr(r, e, sizeof e);
            snprintf(err, errlen, "cannot open the %s decoder (%s)", codec->name, e);
            goto fail;
        }
    }
    d->dec->max_pixels = max_pixels; /* also for frames whose size changes mid-stream */
    if (d->dec->width <= 0 || d->dec->height <= 0) {
        snprintf(err, errlen, "video stream without a frame size");
        goto fail;
    }
    d->tb = st->time_base;
    d->t0 = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    d->clip_dur = clip_duration(d->fmt, d->stream);
    d->frame_dur = fr.num > 0 && fr.den > 0 ? av_rescale_q(1, av_inv_q(fr), US_TB) : 33333;
    if (d->frame_dur <= 0)
        d->frame_dur = 33333;
    d->width = d->dec->width;
    d->height = d->dec->height;
    d->sar = av_guess_sample_aspect_ratio(d->fmt, st, NULL);
    d->last_end = -1;
    return 0;
fail:
    vd_close(d);
    return -1;
}

/* Seek the file to a time within one pass of the clip; flushes the decoder. */
static int seek_file(vd *d, kz_us file_t)
{
    int64_t ts = av_rescale_q(file_t, US_TB, d->tb) + d->t0;
    int r = av_seek_frame(d->fmt, d->stream, ts, AVSEEK_FLAG_BACKWARD);
    if (r < 0 && file_t == 0)
        r = avformat_seek_file(d->fmt, -1, INT64_MIN, 0, 0, 0);
    if (r < 0 && file_t == 0)
        r = av_seek_frame(d->fmt, -1, 0, AVSEEK_FLAG_BYTE);
    avcodec_flush_buffers(d->dec);
    if (d->adec)
        avcodec_flush_buffers(d->adec);
    return r;
}

/* --- audio ------------------------------------------------------------------------------- */

#define A_BYTES 4 /* S16 stereo */

int vd_open_audio(vd *d, int rate, int volume, char *err, size_t errlen)
{
    char e[128];
    int s = av_find_best_stream(d->fmt, AVMEDIA_TYPE_AUDIO, -1, d->stream, NULL, 0);
    if (s < 0)
        return 0;
    AVStream *st = d->fmt->streams[s];
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec) {
        snprintf(err, errlen, "no decoder for the %s audio",
                 avcodec_get_name(st->codecpar->codec_id));
        return -1;
    }
    d->adec = avcodec_alloc_context3(codec);
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    int r = !d->adec ? AVERROR(ENOMEM) : avcodec_parameters_to_context(d->adec, st->codecpar);
    if (r >= 0) {
        d->adec->pkt_timebase = st->time_base;
        r = avcodec_open2(d->adec, codec, NULL);
    }
    if (r >= 0)
        r = swr_alloc_set_opts2(&d->swr, &stereo, AV_SAMPLE_FMT_S16, rate, &d->adec->ch_layout,
                                d->adec->sample_fmt, d->adec->sample_rate, 0, NULL);
    if (r >= 0)
        r = swr_init(d->swr);
    d->aframe = av_frame_alloc();
    d->acap = (size_t)rate * A_BYTES * 2; /* 2 s */
    d->abuf = malloc(d->acap);
    if (r < 0 || !d->aframe || !d->abuf) {
        averr(r < 0 ? r : AVERROR(ENOMEM), e, sizeof e);
        snprintf(err, errlen, "cannot decode the audio (%s)", e);
        swr_free(&d->swr);
        avcodec_free_context(&d->adec);
        av_frame_free(&d->aframe);
        free(d->abuf);
        d->abuf = NULL;
        return -1;
    }
    d->astream = s;
    d->arate = rate;
    d->avolume = volume;
    st->discard = AVDISCARD_DEFAULT;
    return 1;
}

/* Worker: append PCM whose first sample is at time t (drops the oldest when full: audio
 * never holds the video back). */
static void audio_push(vd *d, const uint8_t *pcm, size_t n, kz_us t)
{
    pthread_mutex_lock(&d->mu);
    if (d->w_serial != d->serial || d->seek_pending) { /* decoded before a seek: stale */
        pthread_mutex_unlock(&d->mu);
        return;
    }
    if (n > d->acap) {
        pcm += n - d->acap;
        t += (kz_us)((n - d->acap) / A_BYTES) * KZ_US_PER_S / d->arate;
        n = d->acap;
    }
    if (d->alen + n > d->acap) {
        size_t drop = d->alen + n - d->acap;
        d->ahead = (d->ahead + drop) % d->acap;
        d->alen -= drop;
        if (d->atime >= 0)
            d->atime += (kz_us)(drop / A_BYTES) * KZ_US_PER_S / d->arate;
    }
    if (d->alen == 0)
        d->atime = t;
    size_t tail = (d->ahead + d->alen) % d->acap;
    size_t first = n < d->acap - tail ? n : d->acap - tail;
    memcpy(d->abuf + tail, pcm, first);
    memcpy(d->abuf, pcm + first, n - first);
    d->alen += n;
    pthread_mutex_unlock(&d->mu);
}

static void audio_packet(vd *d, const AVPacket *pkt)
{
    if (avcodec_send_packet(d->adec, pkt) < 0)
        return; /* a bad audio packet is only a moment of silence */
    while (avcodec_receive_frame(d->adec, d->aframe) == 0) {
        AVFrame *f = d->aframe;
        int64_t pts = f->best_effort_timestamp;
        AVRational tb = d->fmt->streams[d->astream]->time_base;
        kz_us t = -1;
        if (pts != AV_NOPTS_VALUE)
            t = av_rescale_q(pts, tb, US_TB) - av_rescale_q(d->t0, d->tb, US_TB) + d->w_offset;
        int max = swr_get_out_samples(d->swr, f->nb_samples);
        uint8_t *out = NULL;
        if (max > 0 && av_samples_alloc(&out, NULL, 2, max, AV_SAMPLE_FMT_S16, 0) >= 0) {
            int n = swr_convert(d->swr, &out, max, (const uint8_t **)f->extended_data,
                                f->nb_samples);
            if (n > 0 && t >= 0) {
                size_t bytes = (size_t)n * A_BYTES;
                kz_us end = t + (kz_us)n * KZ_US_PER_S / d->arate;
                if (end > d->w_skip) { /* trim what lies before a seek target */
                    size_t cut = 0;
                    if (t < d->w_skip)
                        cut = (size_t)((d->w_skip - t) * d->arate / KZ_US_PER_S) * A_BYTES;
                    if (cut < bytes)
                        audio_push(d, out + cut, bytes - cut,
                                   t + (kz_us)(cut / A_BYTES) * KZ_US_PER_S / d->arate);
                }
            }
            av_freep(&out);
        }
        av_frame_unref(f);
    }
}

void vd_audio_fill(vd *d, uint8_t *out, int len)
{
    size_t n = (size_t)len, done = 0;
    memset(out, 0, n); /* S16: zero is silence */
    pthread_mutex_lock(&d->mu);
    size_t sil = d->asilence < n ? d->asilence : n;
    d->asilence -= sil;
    done = sil;
    size_t take = d->alen < n - done ? d->alen : n - done;
    int16_t *o = (int16_t *)(out + done);
    for (size_t i = 0; i < take / 2; i++) {
        size_t at = (d->ahead + i * 2) % d->acap;
        int16_t v;
        memcpy(&v, d->abuf + at, 2);
        o[i] = (int16_t)((int)v * d->avolume / 128);
    }
    d->ahead = (d->ahead + take) % d->acap;
    d->alen -= take;
    d->aplayed += (long long)take;
    if (d->atime >= 0)
        d->atime += (kz_us)(take / A_BYTES) * KZ_US_PER_S / d->arate;
    pthread_mutex_unlock(&d->mu);
}

void vd_audio_sync_locked(vd *d, kz_us target, kz_us latency)
{
    if (d->astream < 0 || d->atime < 0)
        return;
    /* What the listener hears now: the next sample to hand over, minus the device's buffer. */
    kz_us heard = d->atime - latency - (kz_us)(d->asilence / A_BYTES) * KZ_US_PER_S / d->arate;
    kz_us diff = heard - target;
    if (diff < -60000) { /* behind: skip ahead */
        size_t drop = (size_t)(-diff * d->arate / KZ_US_PER_S) * A_BYTES;
        if (drop > d->alen)
            drop = d->alen;
        d->ahead = (d->ahead + drop) % d->acap;
        d->alen -= drop;
        d->atime += (kz_us)(drop / A_BYTES) * KZ_US_PER_S / d->arate;
    } else if (diff > 60000) { /* ahead (after a seek): wait with silence */
        d->asilence += (size_t)(diff * d->arate / KZ_US_PER_S) * A_BYTES;
    }
}

/* Decode the next frame into fr. 1: frame; 0: end of stream; <0: fatal error. */
static int decode_one(vd *d, AVPacket *pkt, AVFrame *fr, int *draining, int *bad_run)
{
    for (;;) {
        int r = avcodec_receive_frame(d->dec, fr);
        if (r == 0 && d->hw_fmt != AV_PIX_FMT_NONE && fr->format == d->hw_fmt) {
            /* On the device: copy it to system memory, where the rest of the path works. */
            if (!d->hw_tmp && !(d->hw_tmp = av_frame_alloc()))
                return AVERROR(ENOMEM);
            r = vd_hw_download(fr, d->hw_tmp);
            if (r < 0)
                return r;
        }
        if (r == 0)
            return 1;
        if (r == AVERROR_EOF)
            return 0;
        if (r != AVERROR(EAGAIN))
            return r;
        if (*draining)
            return 0;
        r = av_read_frame(d->fmt, pkt);
        if (r < 0) {
            /* End of file, or a read error on a truncated file: either way, drain what the
             * decoder holds and end there. */
            *draining = 1;
            avcodec_send_packet(d->dec, NULL);
            continue;
        }
        if (pkt->stream_index == d->astream && d->astream >= 0) {
            audio_packet(d, pkt);
            av_packet_unref(pkt);
            continue;
        }
        if (pkt->stream_index != d->stream) {
            av_packet_unref(pkt);
            continue;
        }
        r = avcodec_send_packet(d->dec, pkt);
        av_packet_unref(pkt);
        if (r < 0 && r != AVERROR(EAGAIN)) {
            d->decode_errors++;
            if (++*bad_run > MAX_BAD_PACKETS)
                return r;
        } else {
            *bad_run = 0;
        }
    }
}

static void *worker(void *arg)
{
    vd *d = arg;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    kz_us *offset = &d->w_offset;   /* loop iteration * clip_dur */
    kz_us *skip_until = &d->w_skip; /* frames ending at or before this are not wanted */
    *offset = 0;
    *skip_until = -1;
    kz_us next_guess = 0;   /* time of a frame without timestamp */
    int draining = 0, bad_run = 0, serial, got_any = 0;
    char e[128];

    pthread_mutex_lock(&d->mu);
    if (!pkt || !fr) {
        d->failed = 1;
        snprintf(d->err, sizeof d->err, "out of memory");
    }
    for (;;) {
        if (d->quit)
            break;
        if (d->seek_pending) {
            kz_us target = d->seek_target;
            d->seek_pending = 0;
            d->eof = 0;
            pthread_mutex_unlock(&d->mu);
            *offset = 0;
            if (d->loop && d->clip_dur > 0)
                *offset = target / d->clip_dur * d->clip_dur;
            int r = seek_file(d, target - *offset);
            draining = 0;
            *skip_until = target;
            next_guess = *offset;
            pthread_mutex_lock(&d->mu);
            if (r < 0 && target - *offset > 0) {
                /* Not seekable: decode from where it is; the frames before target are
                 * dropped below, so the right frame still comes, only later. */
                averr(r, e, sizeof e);
                snprintf(d->err, sizeof d->err, "seek failed (%s)", e);
            }
            continue;
        }
        if (d->eof || d->failed || d->qn >= d->qcap) {
            pthread_cond_wait(&d->cv, &d->mu);
            continue;
        }
        serial = d->w_serial = d->serial;
        pthread_mutex_unlock(&d->mu);

        int r = decode_one(d, pkt, fr, &draining, &bad_run);
        if (r == 0 && d->loop && d->clip_dur <= 0 && got_any && d->last_end > 0) {
            /* A container that does not tell its length: one pass is what was decoded. */
            pthread_mutex_lock(&d->mu);
            d->clip_dur = d->last_end;
            pthread_mutex_unlock(&d->mu);
        }
        if (r == 0 && d->loop && d->clip_dur > 0 && got_any) {
            *offset += d->clip_dur;
            next_guess = *offset;
            draining = 0;
            r = seek_file(d, 0);
            pthread_mutex_lock(&d->mu);
            if (r < 0) {
                averr(r, e, sizeof e);
                snprintf(d->err, sizeof d->err, "cannot loop: seek to the start failed (%s)", e);
                d->failed = 1;
                pthread_cond_broadcast(&d->cv);
            }
            continue;
        }
        pthread_mutex_lock(&d->mu);
        if (r == 0) {
            d->eof = 1;
            if (!got_any && !d->failed) {
                d->failed = 1;
                snprintf(d->err, sizeof d->err, "no frame could be decoded");
            }
            pthread_cond_broadcast(&d->cv);
            continue;
        }
        if (r < 0) {
            averr(r, e, sizeof e);
            snprintf(d->err, sizeof d->err, "decoding failed (%s)", e);
            d->failed = 1;
            pthread_cond_broadcast(&d->cv);
            continue;
        }
        got_any = 1;
        d->frames_decoded++;
        int64_t pts = fr->best_effort_timestamp;
        kz_us t = pts != AV_NOPTS_VALUE ? av_rescale_q(pts - d->t0, d->tb, US_TB) + *offset
                                        : next_guess;
        kz_us dur = fr->pkt_duration > 0 ? av_rescale_q(fr->pkt_duration, d->tb, US_TB)
                                         : d->frame_dur;
        next_guess = t + dur;
        if (t + dur > d->last_end)
            d->last_end = t + dur;
        if (serial != d->serial || d->seek_pending || t + dur <= *skip_until ||
            t + dur <= d->min_useful) {
            if (serial == d->serial && !d->seek_pending)
                d->dropped_early++;
            av_frame_unref(fr);
            continue;
        }
        vd_frame *slot = &d->q[(d->qhead + d->qn) % VD_QUEUE_MAX];
        av_frame_move_ref(slot->f, fr);
        slot->time = t;
        slot->dur = dur;
        d->qn++;
        pthread_cond_broadcast(&d->cv);
    }
    pthread_mutex_unlock(&d->mu);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    return NULL;
}

int vd_start(vd *d, kz_us start)
{
    if (start > 0) {
        d->seek_pending = 1;
        d->seek_target = start;
        d->min_useful = start;
    }
    if (pthread_create(&d->thread, NULL, worker, d) != 0)
        return -1;
    d->started = 1;
    return 0;
}

void vd_close(vd *d)
{
    if (d->started) {
        pthread_mutex_lock(&d->mu);
        d->quit = 1;
        pthread_cond_broadcast(&d->cv);
        pthread_mutex_unlock(&d->mu);
        pthread_join(d->thread, NULL);
        d->started = 0;
    }
    for (int i = 0; i < VD_QUEUE_MAX; i++)
        av_frame_free(&d->q[i].f);
    avcodec_free_context(&d->dec);
    av_frame_free(&d->hw_tmp);
    avcodec_free_context(&d->adec);
    swr_free(&d->swr);
    av_frame_free(&d->aframe);
    free(d->abuf);
    d->abuf = NULL;
    avformat_close_input(&d->fmt);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    d->qn = 0;
}

void vd_seek_locked(vd *d, kz_us target)
{
    while (d->qn > 0)
        vd_drop_locked(d);
    d->serial++;
    d->seek_pending = 1;
    d->seek_target = target < 0 ? 0 : target;
    d->min_useful = d->seek_target;
    d->eof = 0;
    d->ahead = d->alen = d->asilence = 0;
    d->atime = -1;
    pthread_cond_broadcast(&d->cv);
}

void vd_pop_locked(vd *d, AVFrame *out, vd_frame *meta)
{
    vd_frame *f = &d->q[d->qhead];
    av_frame_unref(out);
    av_frame_move_ref(out, f->f);
    if (meta)
        *meta = (vd_frame){NULL, f->time, f->dur};
    d->qhead = (d->qhead + 1) % VD_QUEUE_MAX;
    d->qn--;
    pthread_cond_broadcast(&d->cv);
}

void vd_drop_locked(vd *d)
{
    av_frame_unref(d->q[d->qhead].f);
    d->qhead = (d->qhead + 1) % VD_QUEUE_MAX;
    d->qn--;
    pthread_cond_broadcast(&d->cv);
}

/* --- duration probe with an in-process cache ---------------------------------------------- */

#define PROBE_CACHE 256
static struct probe_entry {
    char *path;
    off_t size;
    struct timespec mtime;
    kz_us dur;
} probe_cache[PROBE_CACHE];
static int probe_next;
static pthread_mutex_t probe_mu = PTHREAD_MUTEX_INITIALIZER;

int vd_probe_duration(const char *path, int fd, kz_us *out, char *err, size_t errlen)
{
    struct stat st;
    AVFormatContext *fmt = NULL;
    if (fd >= 0 ? fstat(fd, &st) != 0 : stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    pthread_mutex_lock(&probe_mu);
    for (int i = 0; i < PROBE_CACHE; i++) {
        struct probe_entry *e = &probe_cache[i];
        if (e->path && e->size == st.st_size && e->mtime.tv_sec == st.st_mtim.tv_sec &&
            e->mtime.tv_nsec == st.st_mtim.tv_nsec && strcmp(e->path, path) == 0) {
            *out = e->dur;
            pthread_mutex_unlock(&probe_mu);
            return 0;
        }
    }
    pthread_mutex_unlock(&probe_mu);

    if (open_input(path, fd, 0, &fmt, err, errlen) < 0)
        return -1;
    int s = find_video(fmt, err, errlen);
    kz_us dur = s >= 0 ? clip_duration(fmt, s) : 0;
    avformat_close_input(&fmt);
    if (s < 0)
        return -1;
    if (dur <= 0) {
        snprintf(err, errlen, "the container does not give a duration");
        return -1;
    }
    pthread_mutex_lock(&probe_mu);
    struct probe_entry *e = &probe_cache[probe_next];
    probe_next = (probe_next + 1) % PROBE_CACHE;
    free(e->path);
    e->path = strdup(path);
    e->size = st.st_size;
    e->mtime = st.st_mtim;
    e->dur = dur;
    pthread_mutex_unlock(&probe_mu);
    *out = dur;
    return 0;
}
