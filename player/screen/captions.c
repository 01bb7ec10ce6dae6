/* Captions: sidecar SRT / WebVTT through libavformat + libavcodec, a sorted cue list per
 * language, drawn by the compositor on a translucent box in the zone's safe area with the
 * shared text engine. See captions.h and docs/accessibility.md ("Captions"). */
#include "screen/captions.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "base/grow.h"
#include "base/log.h"
#include "base/params.h"
#include "base/timeutil.h"
#include "host/plugin_host.h"
#include "regfile.h" /* lib/regfile.h */
#include "screen/player.h"

#define LOG "captions"
#define MAX_CUES 100000
#define MAX_CUE_TEXT 4096
#define MAX_FILES 8
#define CACHE_SLOTS 4 /* rasterised cues kept per item */

/* ---- names and times ------------------------------------------------------------------- */

void kz_caption_lang(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *ext = strrchr(base, '.');
    snprintf(out, n, "und");
    if (!ext || ext == base)
        return;
    const char *dot = ext - 1;
    while (dot > base && *dot != '.')
        dot--;
    if (*dot != '.' || dot == base || ext - dot - 1 <= 0 || ext - dot - 1 >= (long)n)
        return;
    int len = (int)(ext - dot - 1);
    for (int i = 0; i < len; i++) {
        char c = dot[1 + i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
            return; /* "clip.v2.srt": not a language tag */
    }
    if (len < 2 || len > 12)
        return;
    snprintf(out, n, "%.*s", len, dot + 1);
}

kz_us kz_caption_time(kz_us t, kz_us offset, kz_us natural, int loop)
{
    kz_us m = offset + (t > 0 ? t : 0);
    if (loop && natural > 0)
        m %= natural;
    return m;
}

/* ---- ASS text -> engine markup --------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, len;
    int full;
} sbuf;

static void put(sbuf *b, const char *s, size_t k)
{
    if (b->full || b->len + k + 1 > b->n) {
        b->full = 1;
        return;
    }
    memcpy(b->p + b->len, s, k);
    b->len += k;
    b->p[b->len] = 0;
}

/* Length of the UTF-8 sequence starting with byte c (1 for anything invalid). */
static size_t u8len(unsigned char c)
{
    return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf8 ? 4 : 1;
}

/* Is s (at '{') the start of a ruby group "{base|reading}" on one line? Returns its length
 * (through '}') or 0. */
static size_t ruby_len(const char *s)
{
    const char *bar = NULL, *p = s + 1;
    for (; *p && *p != '}'; p++) {
        if (*p == '{' || *p == '\n' || *p == '\\')
            return 0;
        if (*p == '|') {
            if (bar)
                return 0;
            bar = p;
        }
    }
    if (*p != '}' || !bar || bar == s + 1 || bar + 1 == p)
        return 0;
    return (size_t)(p - s) + 1;
}

int kz_caption_markup(const char *ass, char *out, size_t n)
{
    if (!out || !n)
        return -1;
    out[0] = 0;
    /* Pass 1: ASS to plain text (override blocks out, escapes resolved). */
    size_t alen = strlen(ass ? ass : "");
    char *plain = malloc(alen + 1);
    if (!plain)
        return -1;
    size_t o = 0;
    for (const char *s = ass ? ass : ""; *s;) {
        if (s[0] == '{' && s[1] == '\\') { /* an override block: {\an8}, {\i1}, ... */
            const char *e = strchr(s, '}');
            if (e) {
                s = e + 1;
                continue;
            }
        }
        if (s[0] == '\\' && (s[1] == 'N' || s[1] == 'n')) {
            plain[o++] = '\n';
            s += 2;
        } else if (s[0] == '\\' && s[1] == 'h') {
            memcpy(plain + o, "\xc2\xa0", 2); /* no-break space: 2 bytes for 2 read */
            o += 2;
            s += 2;
        } else if (s[0] == '\\' && (s[1] == '{' || s[1] == '}')) {
            plain[o++] = s[1];
            s += 2;
        } else if (s[0] == '\r') {
            s++;
        } else {
            plain[o++] = *s++;
        }
    }
    plain[o] = 0;
    /* Trim blank lines and spaces at both ends. */
    char *a = plain;
    while (*a == '\n' || *a == ' ' || *a == '\t')
        a++;
    size_t z = strlen(a);
    while (z && (a[z - 1] == '\n' || a[z - 1] == ' ' || a[z - 1] == '\t'))
        a[--z] = 0;
    /* Pass 2: plain text to engine markup. */
    sbuf b = {out, n, 0, 0};
    for (const char *s = a; *s;) {
        size_t r = *s == '{' ? ruby_len(s) : 0;
        if (r) {
            put(&b, s, r);
            s += r;
        } else if (*s == '{' || *s == '}' || *s == '|' || *s == '\\') {
            char esc[2] = {'\\', *s};
            put(&b, esc, 2);
            s++;
        } else {
            size_t k = u8len((unsigned char)*s);
            size_t i = 1;
            while (i < k && s[i])
                i++;
            put(&b, s, i);
            s += i;
        }
    }
    free(plain);
    return b.full ? -1 : (int)b.len;
}

/* ---- loading --------------------------------------------------------------------------- */

static int cue_cmp(const void *x, const void *y)
{
    const kz_cue *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return 0;
}

void kz_cues_free(kz_cue_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->cues[i].text);
    free(l->cues);
    free(l->max_end);
    free(l->path);
    memset(l, 0, sizeof *l);
}

static int add_cue(kz_cue_list *l, size_t *cap, kz_us start, kz_us end, const char *text)
{
    if (kz_grow(&l->cues, cap, l->n + 1, sizeof *l->cues, 64))
        return -1;
    char *t = strdup(text);
    if (!t)
        return -1;
    l->cues[l->n++] = (kz_cue){start, end, t};
    return 0;
}

/* The Text field of a decoded ASS event "ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,
 * Effect,Text" (and of the older "Dialogue: Layer,Start,End,..." form). */
static const char *ass_text_field(const char *ass)
{
    int commas = 8;
    if (!strncmp(ass, "Dialogue:", 9)) {
        ass += 9;
        commas = 9;
    }
    const char *s = ass;
    for (int i = 0; i < commas && s; i++) {
        s = strchr(s, ',');
        if (s)
            s++;
    }
    return s ? s : "";
}

int kz_cues_load(const char *path, kz_cue_list *out, char *err, size_t errlen)
{
    return kz_cues_load_fd(path, -1, out, err, errlen);
}

int kz_cues_load_fd(const char *path, int fd, kz_cue_list *out, char *err, size_t errlen)
{
    char name[32];
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = NULL;
    char *markup = NULL;
    size_t cap = 0;
    int rc = -1, e;
    memset(out, 0, sizeof *out);
    const char *ext = strrchr(path, '.');
    const char *fname = ext && !strcasecmp(ext, ".srt")   ? "srt"
                        : ext && !strcasecmp(ext, ".vtt") ? "webvtt"
                                                          : NULL;
    if (!fname) {
        snprintf(err, errlen, "not a caption file: expected .srt or .vtt");
        return -1;
    }
    if (!(out->path = strdup(path)))
        goto nomem;
    kz_caption_lang(path, out->lang, sizeof out->lang);
    /* The format follows the name, so that a stray file is not taken for something else. */
    const AVInputFormat *ifmt = av_find_input_format(fname);
    if (fd >= 0)
        snprintf(name, sizeof name, "/proc/self/fd/%d", fd); /* what was opened, not the path */
    if ((e = avformat_open_input(&fmt, fd >= 0 ? name : path, ifmt, NULL)) < 0) {
        snprintf(err, errlen, "cannot open: %s", av_err2str(e));
        goto fail;
    }
    int si = -1;
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE) {
            si = (int)i;
            break;
        }
    if (si < 0) {
        snprintf(err, errlen, "no subtitle stream");
        goto fail;
    }
    AVStream *st = fmt->streams[si];
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec || !(dec = avcodec_alloc_context3(codec)) ||
        avcodec_parameters_to_context(dec, st->codecpar) < 0) {
        snprintf(err, errlen, "no decoder for %s", avcodec_get_name(st->codecpar->codec_id));
        goto fail;
    }
    dec->pkt_timebase = st->time_base;
    if ((e = avcodec_open2(dec, codec, NULL)) < 0) {
        snprintf(err, errlen, "cannot open the %s decoder: %s", codec->name, av_err2str(e));
        goto fail;
    }
    if (!(pkt = av_packet_alloc()) || !(markup = malloc(MAX_CUE_TEXT)))
        goto nomem;
    int bad_packets = 0;
    while ((e = av_read_frame(fmt, pkt)) >= 0) {
        if (pkt->stream_index != si || pkt->pts == AV_NOPTS_VALUE) {
            av_packet_unref(pkt);
            continue;
        }
        kz_us start = av_rescale_q(pkt->pts, st->time_base, AV_TIME_BASE_Q);
        /* SRT and WebVTT always give an end; a cue ending before it starts has a duration
         * <= 0 and is left out. */
        kz_us end = start + av_rescale_q(pkt->duration, st->time_base, AV_TIME_BASE_Q);
        AVSubtitle sub;
        int got = 0;
        e = avcodec_decode_subtitle2(dec, &sub, &got, pkt);
        av_packet_unref(pkt);
        if (e < 0) {
            if (++bad_packets == 1)
                snprintf(err, errlen, "cue at %.3f s cannot be decoded: %s (not UTF-8?)",
                         start / 1e6, av_err2str(e));
            continue;
        }
        if (!got)
            continue;
        char *joined = NULL;
        size_t jl = 0;
        for (unsigned r = 0; r < sub.num_rects; r++) {
            const char *ass = sub.rects[r]->ass;
            if (!ass)
                continue;
            if (kz_caption_markup(ass_text_field(ass), markup, MAX_CUE_TEXT) < 0)
                kz_log(LOG, KZ_LOG_WARN, "%s: cue at %.3f s is longer than %d bytes; cut",
                       path, start / 1e6, MAX_CUE_TEXT);
            size_t ml = strlen(markup);
            if (!ml)
                continue;
            char *nj = realloc(joined, jl + ml + 2);
            if (!nj)
                break;
            joined = nj;
            if (jl)
                joined[jl++] = '\n';
            memcpy(joined + jl, markup, ml + 1);
            jl += ml;
        }
        avsubtitle_free(&sub);
        if (joined && end > start && out->n < MAX_CUES && add_cue(out, &cap, start, end, joined)) {
            free(joined);
            goto nomem;
        }
        free(joined);
    }
    if (e != AVERROR_EOF) {
        snprintf(err, errlen, "cannot read: %s", av_err2str(e));
        goto fail;
    }
    if (!out->n) {
        if (!bad_packets)
            snprintf(err, errlen, "no cue with text and a valid time range");
        goto fail;
    }
    if (bad_packets)
        kz_log(LOG, KZ_LOG_WARN, "%s: %d cues skipped: %s", path, bad_packets, err);
    /* Insertion sort: stable (cues with the same times keep file order) and linear on the
     * demuxer's output, which is nearly sorted already. */
    for (size_t i = 1; i < out->n; i++) {
        kz_cue x = out->cues[i];
        size_t j = i;
        while (j > 0 && cue_cmp(&out->cues[j - 1], &x) > 0) {
            out->cues[j] = out->cues[j - 1];
            j--;
        }
        out->cues[j] = x;
    }
    if (!(out->max_end = malloc(out->n * sizeof *out->max_end)))
        goto nomem;
    for (size_t i = 0; i < out->n; i++)
        out->max_end[i] = i && out->max_end[i - 1] > out->cues[i].end ? out->max_end[i - 1]
                                                                      : out->cues[i].end;
    rc = 0;
    goto done;
nomem:
    snprintf(err, errlen, "out of memory");
fail:
    kz_cues_free(out);
done:
    free(markup);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return rc;
}

size_t kz_cues_at(const kz_cue_list *l, kz_us t, size_t *idx, size_t max)
{
    if (!l || !l->n)
        return 0;
    /* The last cue starting at or before t. */
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->cues[mid].start <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    /* Walk back while an earlier cue may still be on (max_end bounds the walk). */
    size_t first = lo;
    while (first > 0 && l->max_end[first - 1] > t)
        first--;
    size_t k = 0;
    for (size_t i = first; i < lo && k < max; i++)
        if (l->cues[i].start <= t && t < l->cues[i].end)
            idx[k++] = i;
    return k;
}

/* ---- items ----------------------------------------------------------------------------- */

typedef struct cache_slot {
    SDL_Texture *tex; /* owned */
    char *text;       /* owned: the markup it shows */
    int px_max, box_w, w, h;
    unsigned long used;
} cache_slot;

typedef struct cache {
    cache_slot s[CACHE_SLOTS];
    unsigned long tick;
} cache;

static void cache_free(cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (c->s[i].tex)
            SDL_DestroyTexture(c->s[i].tex);
        free(c->s[i].text);
    }
    free(c);
}

static void captions_free(kz_captions *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n_langs; i++)
        kz_cues_free(&c->langs[i]);
    free(c->langs);
    cache_free(c->cache);
    free(c);
}

void kz_captions_detach(kz_model *m)
{
    for (size_t i = 0; i < m->n_items; i++) {
        captions_free(m->items[i].captions);
        m->items[i].captions = NULL;
    }
}

/* Resolve rel against root (both existing), confined to root. 0 ok, -1 with err. */
static int confine(const char *root, const char *rel, char *out, char *err, size_t errlen)
{
    char rootreal[PATH_MAX], joined[PATH_MAX * 2];
    if (!realpath(root, rootreal)) {
        snprintf(err, errlen, "the content directory %s does not exist", root);
        return -1;
    }
    if (rel[0] == '/') {
        snprintf(err, errlen, "absolute paths are not allowed; give a path inside %s", rootreal);
        return -1;
    }
    snprintf(joined, sizeof joined, "%s/%s", rootreal, rel);
    if (!realpath(joined, out)) {
        snprintf(err, errlen, "cannot open %s: %m", joined);
        return -1;
    }
    size_t rl = strlen(rootreal);
    if (strncmp(out, rootreal, rl) || out[rl] != '/') {
        snprintf(err, errlen, "%s is outside the content directory %s", out, rootreal);
        return -1;
    }
    struct stat st;
    if (stat(out, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a readable file", out);
        return -1;
    }
    return 0;
}

/* Load the caption file abs (resolved by confine or found beside the media) through a
 * descriptor opened beneath root with no symlink followed: a file or folder swapped for a
 * symlink since it was resolved, or a sidecar that is a symlink, is refused. */
static int load_confined(const char *root, const char *abs, kz_cue_list *l, char *err,
                         size_t errlen)
{
    char rootreal[PATH_MAX], real[PATH_MAX];
    if (!realpath(root, rootreal)) {
        snprintf(err, errlen, "the content directory %s does not exist", root);
        return -1;
    }
    if (!realpath(abs, real)) { /* a sidecar that is a symlink inside the root is fine */
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    size_t rl = strcmp(rootreal, "/") ? strlen(rootreal) : 0;
    if (strncmp(real, rootreal, rl) || real[rl] != '/') {
        snprintf(err, errlen, "%s is outside the content directory %s", real, rootreal);
        return -1;
    }
    int dir = kz_host_open_root(rootreal);
    int fd = dir < 0 ? -1 : kz_open_beneath(dir, real + rl + 1);
    int e = errno;
    if (dir >= 0)
        close(dir);
    if (fd < 0) {
        snprintf(err, errlen, "%s",
                 fd == KZ_NOT_REGULAR       ? KZ_NOT_REGULAR_WHY
                 : e == ELOOP || e == EXDEV ? "refused: a symbolic link on the way now (the "
                                              "file or a folder was replaced after the check)"
                                            : strerror(e));
        return -1;
    }
    int rc = kz_cues_load_fd(abs, fd, l, err, errlen);
    close(fd);
    return rc;
}

static int lang_rank(const char *lang)
{
    return !strcmp(lang, "ja") ? 0 : !strcmp(lang, "und") ? 2 : 1;
}

static int list_cmp(const void *x, const void *y)
{
    const kz_cue_list *a = x, *b = y;
    int ra = lang_rank(a->lang), rb = lang_rank(b->lang);
    return ra != rb ? ra - rb : strcmp(a->lang, b->lang);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sidecars of media file `media` (absolute): <stem>.srt|vtt and <stem>.<lang>.srt|vtt in its
 * directory. Fills names (owned) and returns how many (at most max). */
static int find_sidecars(const char *media, char **names, int max)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", media);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return 0;
    *slash = 0;
    const char *base = media + (slash - dir) + 1;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        const char *nm = e->d_name;
        size_t l = strlen(nm);
        /* clip.srt (language und) or clip.LANG.srt, LANG letters and '-' */
        if (l < stem + 4 || strncmp(nm, base, stem) || nm[stem] != '.')
            continue;
        if (strcasecmp(nm + l - 4, ".srt") && strcasecmp(nm + l - 4, ".vtt"))
            continue;
        if (l > stem + 4) {
            const char *mid = nm + stem + 1, *end = nm + l - 4; /* "ja" in clip.ja.srt */
            int ok = end - mid >= 2;
            for (const char *c = mid; c < end; c++)
                ok &= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '-';
            if (!ok)
                continue;
        }
        char full[PATH_MAX * 2];
        snprintf(full, sizeof full, "%s/%s", dir, nm);
        if ((names[n] = strdup(full)))
            n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, str_cmp);
    return n;
}

static void item_error(const kz_item *it, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void item_error(const kz_item *it, const char *key, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const kz_params *p = &it->params;
    kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: %s; the item plays without these captions",
           p->file, kz_params_line(p, key), p->section, key, msg);
}

static int attach_item(kz_item *it, const char *root)
{
    const kz_params *ps = &it->params;
    const char *spec = kz_params_get(ps, "captions");
    const char *mode_s = kz_params_get(ps, "captions_mode");
    const char *iv_s = kz_params_get(ps, "captions_interval");
    int problems = 0;
    int mode = -1;
    kz_us interval = 5 * KZ_US_PER_S;
    if (mode_s && kz_parse_enum(mode_s, "stacked|alternate", &mode)) {
        item_error(it, "captions_mode", "expected stacked or alternate");
        problems++;
        mode = -1;
    }
    if (iv_s && (kz_duration_parse(iv_s, &interval) || interval < KZ_US_PER_S)) {
        item_error(it, "captions_interval", "expected a duration of 1s or more");
        problems++;
        interval = 5 * KZ_US_PER_S;
    }
    if (spec && (!strcasecmp(spec, "off") || !strcasecmp(spec, "no") || !*spec))
        return problems;
    char *files[MAX_FILES];
    int nf = 0;
    const char *key = "captions";
    char err[400];
    if (spec) {
        char buf[PATH_MAX * 2];
        snprintf(buf, sizeof buf, "%s", spec);
        for (char *save = NULL, *tok = strtok_r(buf, ",\n", &save); tok;
             tok = strtok_r(NULL, ",\n", &save)) {
            while (*tok == ' ' || *tok == '\t')
                tok++;
            size_t l = strlen(tok);
            while (l && (tok[l - 1] == ' ' || tok[l - 1] == '\t'))
                tok[--l] = 0;
            if (!*tok)
                continue;
            char real[PATH_MAX];
            if (nf == MAX_FILES) {
                item_error(it, key, "more than %d files; the rest are ignored", MAX_FILES);
                problems++;
                break;
            }
            if (confine(root, tok, real, err, sizeof err)) {
                item_error(it, key, "%s", err);
                problems++;
                continue;
            }
            if ((files[nf] = strdup(real)))
                nf++;
        }
    } else {
        kz_kv *f = kz_params_find(ps, "file"); /* the plugin reads and checks it */
        char media[PATH_MAX];
        if (!f || !f->value || !*f->value || confine(root, f->value, media, err, sizeof err))
            return problems;
        nf = find_sidecars(media, files, MAX_FILES);
        key = "file";
    }
    if (!nf)
        return problems;
    kz_captions *c = calloc(1, sizeof *c);
    if (c)
        c->langs = calloc((size_t)nf, sizeof *c->langs);
    for (int i = 0; i < nf; i++) {
        if (c && c->langs) {
            kz_cue_list *l = &c->langs[c->n_langs];
            if (load_confined(root, files[i], l, err, sizeof err) == 0) {
                int dup = 0;
                for (int k = 0; k < c->n_langs; k++)
                    dup |= !strcmp(c->langs[k].lang, l->lang);
                if (dup) {
                    item_error(it, key, "%s: a second file for language %s; ignored", files[i],
                               l->lang);
                    kz_cues_free(l);
                    problems++;
                } else {
                    c->n_langs++;
                }
            } else {
                item_error(it, key, "%s: %s", files[i], err);
                problems++;
            }
        }
        free(files[i]);
    }
    if (!c || !c->n_langs) {
        captions_free(c);
        return problems;
    }
    qsort(c->langs, (size_t)c->n_langs, sizeof *c->langs, list_cmp);
    c->mode = mode >= 0 ? mode : c->n_langs > 2 ? KZ_CAPTIONS_ALTERNATE : KZ_CAPTIONS_STACKED;
    if (c->mode == KZ_CAPTIONS_STACKED && c->n_langs > 2)
        kz_log(LOG, KZ_LOG_WARN, "%s:%d: [%s] captions: %d languages; stacked shows the first "
               "two (%s, %s)", ps->file, kz_params_line(ps, key), ps->section, c->n_langs,
               c->langs[0].lang, c->langs[1].lang);
    c->interval = interval;
    /* A clip's captions follow the clip: its start = offset, and its loops. The plugin reads
     * (and checks) these keys; here they are only looked at. */
    kz_kv *kv = kz_params_find(ps, "start");
    double st;
    if (kv && kv->value && !kz_parse_double(kv->value, &st) && st > 0)
        c->offset = (kz_us)(st * KZ_US_PER_S + 0.5);
    kv = kz_params_find(ps, "loop");
    int lp;
    if (kv && kv->value && !kz_parse_bool(kv->value, &lp))
        c->loop = lp;
    if (c->loop)
        c->natural = kz_host_natural_duration(it); /* now, not on the first frame on air */
    it->captions = c;
    char langs[128] = "";
    for (int i = 0; i < c->n_langs; i++) {
        size_t l = strlen(langs);
        snprintf(langs + l, sizeof langs - l, "%s%s (%zu cues)", i ? ", " : "",
                 c->langs[i].lang, c->langs[i].n);
    }
    kz_log(LOG, KZ_LOG_DEBUG, "%s: captions %s, %s", it->id ? it->id : "?", langs,
           c->mode == KZ_CAPTIONS_STACKED ? "stacked" : "alternate");
    return problems;
}

int kz_captions_attach(kz_model *m, const char *content_root)
{
    int problems = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        captions_free(it->captions);
        it->captions = NULL;
        problems += attach_item(it, content_root ? content_root : ".");
    }
    return problems;
}

/* ---- on screen ------------------------------------------------------------------------- */

/* The joined text of the cues of one language at media time mt; 0 when none. */
static int lang_text(const kz_cue_list *l, kz_us mt, char *buf, size_t n)
{
    size_t idx[8];
    size_t k = kz_cues_at(l, mt, idx, 8);
    buf[0] = 0;
    for (size_t i = 0; i < k; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", len ? "\n" : "", l->cues[idx[i]].text);
    }
    return buf[0] != 0;
}

int kz_captions_text_at(kz_captions *c, kz_us t, const char *out[2], int lang_out[2],
                        char *buf, size_t bufsize)
{
    out[0] = out[1] = NULL;
    if (!c || !c->n_langs || bufsize < 4)
        return 0;
    kz_us mt = kz_caption_time(t, c->offset, c->natural, c->loop);
    size_t half = bufsize / 2;
    if (c->mode == KZ_CAPTIONS_STACKED) {
        /* out[0] is drawn above out[1]: the second language above, the primary lowest. */
        int n = 0;
        char *b[2] = {buf, buf + half};
        int have1 = c->n_langs > 1 && lang_text(&c->langs[1], mt, b[0], half);
        int have0 = lang_text(&c->langs[0], mt, b[1], bufsize - half);
        if (have1) {
            out[n] = b[0];
            lang_out[n++] = 1;
        }
        if (have0) {
            out[n] = b[1];
            lang_out[n++] = 0;
        }
        return n;
    }
    /* Alternate: each language for `interval` of item time, in order; a language with
     * nothing to say at that moment gives way to the next one that has. */
    int first = (int)((t > 0 ? t : 0) / c->interval % c->n_langs);
    for (int k = 0; k < c->n_langs; k++) {
        int li = (first + k) % c->n_langs;
        if (lang_text(&c->langs[li], mt, buf, bufsize)) {
            out[0] = buf;
            lang_out[0] = li;
            return 1;
        }
    }
    return 0;
}

int kz_caption_px(int zone_h)
{
    int px = zone_h / KZ_CAPTION_EM_DIVISOR;
    return px > KZ_CAPTION_MIN_PX ? px : KZ_CAPTION_MIN_PX;
}

/* The rasterised text for (text, px_max, box_w), from the cache or made now. */
static cache_slot *raster(kz_player *p, kz_captions *c, const char *text, int px_max, int box_w,
                          int box_h)
{
    cache *ca = c->cache;
    if (!ca && !(ca = c->cache = calloc(1, sizeof *ca)))
        return NULL;
    ca->tick++;
    cache_slot *lru = &ca->s[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        cache_slot *s = &ca->s[i];
        if (s->tex && s->px_max == px_max && s->box_w == box_w && !strcmp(s->text, text)) {
            s->used = ca->tick;
            return s;
        }
        if (s->used < lru->used)
            lru = s;
    }
    if (lru->tex)
        SDL_DestroyTexture(lru->tex);
    free(lru->text);
    memset(lru, 0, sizeof *lru);
    kz_text_style st = {.struct_size = sizeof st, .px = 0, .min_px = KZ_CAPTION_MIN_PX,
                        .max_px = px_max, .align = KZ_ALIGN_CENTER, .box_w = box_w,
                        .box_h = box_h, .color = {255, 255, 255, 255}, .line_spacing = 1.25};
    SDL_Surface *t = kz_text_render(p->fonts, text, &st);
    if (!t)
        return NULL;
    /* The box and the text in one texture, so a frame costs one blended copy. White text of
     * coverage a over the box of opacity b is, straight alpha: A = a + b(1 - a), RGB = 255a/A
     * (the box is black). */
    int px = kz_text_fit_px(p->fonts, text, &st);
    if (px <= 0)
        px = px_max;
    int pad_x = px / 2, pad_y = px / 4;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, t->w + 2 * pad_x, t->h + 2 * pad_y, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        SDL_FreeSurface(t);
        return NULL;
    }
    const uint32_t b = KZ_CAPTION_BOX_ALPHA;
    for (int y = 0; y < s->h; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->pitch);
        const uint32_t *src = y >= pad_y && y < pad_y + t->h
                                  ? (const uint32_t *)((const uint8_t *)t->pixels +
                                                       (size_t)(y - pad_y) * t->pitch)
                                  : NULL;
        for (int x = 0; x < s->w; x++) {
            uint32_t a = src && x >= pad_x && x < pad_x + t->w ? src[x - pad_x] >> 24 : 0;
            uint32_t A = a + b * (255 - a) / 255;
            uint32_t v = A ? (255 * a + A / 2) / A : 0;
            row[x] = A << 24 | v << 16 | v << 8 | v;
        }
    }
    SDL_FreeSurface(t);
    lru->tex = SDL_CreateTextureFromSurface(p->renderer, s);
    lru->w = s->w;
    lru->h = s->h;
    SDL_FreeSurface(s);
    if (!lru->tex || !(lru->text = strdup(text))) {
        if (lru->tex)
            SDL_DestroyTexture(lru->tex);
        memset(lru, 0, sizeof *lru);
        return NULL;
    }
    SDL_SetTextureBlendMode(lru->tex, SDL_BLENDMODE_BLEND);
    lru->px_max = px_max;
    lru->box_w = box_w;
    lru->used = ca->tick;
    return lru;
}

void kz_captions_draw(kz_player *p, kz_item *it, const SDL_Rect *rect, kz_us t)
{
    kz_captions *c = it->captions;
    if (!c || !p->fonts || rect->w < 32 || rect->h < 32)
        return;
    if (c->loop && !c->natural)
        c->natural = kz_host_natural_duration(it); /* once: the host keeps it */
    const char *txt[2];
    int lang[2];
    char buf[2 * MAX_CUE_TEXT];
    int n = kz_captions_text_at(c, t, txt, lang, buf, sizeof buf);
    if (!n)
        return;
    SDL_Renderer *r = p->renderer;
    /* Safe area: KZ_CAPTION_MARGIN_PCT of the zone on every side. Text wraps at the safe
     * width less the box padding; each language may use up to two lines at the largest
     * size before auto-fit makes it smaller (never below KZ_CAPTION_MIN_PX). */
    int mx = rect->w * KZ_CAPTION_MARGIN_PCT / 100, my = rect->h * KZ_CAPTION_MARGIN_PCT / 100;
    int px = kz_caption_px(rect->h);
    int box_w = rect->w - 2 * mx - px; /* less the box's padding of half an em each side */
    int box_h = (int)(px * 1.25 * 2 + px * 0.6) + 1; /* two lines and a ruby band */
    if (box_w < px)
        return;
    int bottom = rect->y + rect->h - my;
    for (int i = n - 1; i >= 0; i--) { /* the lowest (primary) first, upwards */
        cache_slot *s = raster(p, c, txt[i], px, box_w, box_h);
        if (!s)
            continue;
        SDL_Rect box = {rect->x + (rect->w - s->w) / 2, bottom - s->h, s->w, s->h};
        SDL_SetTextureAlphaMod(s->tex, 255);
        SDL_RenderCopy(r, s->tex, NULL, &box);
        bottom = box.y - px / 4; /* a small gap between the two languages */
        (void)lang;
    }
}
