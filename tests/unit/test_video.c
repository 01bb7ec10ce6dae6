/* The video plugin, loaded from $KZ_BUILD/plugins/video.so with dlopen and driven through a
 * small stand-in host (this file), so the plugin is tested on its own, exactly as the player
 * calls it: create -> duration -> prepare -> render(t)... -> release -> destroy.
 *
 * Frames are drawn by the software renderer into a surface and read back.
 *   - Which frame is on screen: video-count.mp4 (tests/media/gen-video.sh) carries its frame
 *     number as the grey level of its left 80 columns (lossless H.264), so every check of the
 *     seek-by-time rule reads the frame index from a pixel: no reference needed.
 *   - FATE-style golden lines "t WxH index checksum" for fixed instants are compared with
 *     tests/golden/video/frames.ref (GEN=1 rewrites it; review its diff like code).
 *   - Every kind of bad media: prepare or render returns KZ_ERR (or the item ends early),
 *     exactly one error line names the file, nothing crashes (run under ASan by make check).
 */
#include <dlfcn.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kizuna/plugin.h"

#define MEDIA "build/test-media"
#define FPS 25
#define CLIP_FRAMES 100

/* --- a stand-in host -------------------------------------------------------------------- */

typedef struct fake_host {
    const kz_host_api *api; /* must come first: kz_api() reads it */
    const char *keys[16];
    const char *values[16];
    int n;
    int errors;             /* lines logged at error level (log and param_error) */
    int warnings;
    char last_error[512];
    char last_line[512];
} fake_host;

static void fh_vlog(fake_host *h, int level, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "  [video %s] %s\n", level == KZ_LOG_ERROR ? "error" : "log", buf);
    snprintf(h->last_line, sizeof h->last_line, "%s", buf);
    if (level == KZ_LOG_ERROR) {
        h->errors++;
        snprintf(h->last_error, sizeof h->last_error, "%s", buf);
    } else if (level == KZ_LOG_WARN) {
        h->warnings++;
    }
}

static void fh_log(kz_host *host, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fh_vlog((fake_host *)host, level, fmt, ap);
    va_end(ap);
}

static void fh_param_error(kz_host *host, const char *key, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fh_log(host, KZ_LOG_ERROR, "test.ini:1: %s: %s", key, buf);
}

static const char *fh_param(kz_host *host, const char *key)
{
    fake_host *h = (fake_host *)host;
    for (int i = 0; i < h->n; i++)
        if (strcmp(h->keys[i], key) == 0)
            return h->values[i];
    return NULL;
}

static int fh_double(kz_host *host, const char *key, double min, double max, double *out)
{
    const char *s = fh_param(host, key);
    char *end;
    if (!s)
        return KZ_OK;
    double d = strtod(s, &end);
    if (end == s || *end || d < min || d > max) {
        fh_param_error(host, key, "bad number '%s'", s);
        return KZ_ERR;
    }
    *out = d;
    return KZ_OK;
}

static int fh_int(kz_host *host, const char *key, long min, long max, long *out)
{
    double d = 0;
    if (fh_double(host, key, (double)min, (double)max, &d) != KZ_OK)
        return KZ_ERR;
    if (fh_param(host, key))
        *out = (long)d;
    return KZ_OK;
}

static int fh_bool(kz_host *host, const char *key, int *out)
{
    const char *s = fh_param(host, key);
    if (!s)
        return KZ_OK;
    if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
        *out = 1;
    else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
        *out = 0;
    else {
        fh_param_error(host, key, "not yes/no: '%s'", s);
        return KZ_ERR;
    }
    return KZ_OK;
}

static int fh_color(kz_host *host, const char *key, kz_color *out)
{
    const char *s = fh_param(host, key);
    if (!s)
        return KZ_OK;
    if (!strcmp(s, "red"))
        *out = (kz_color){255, 0, 0, 255};
    else if (!strcmp(s, "black"))
        *out = (kz_color){0, 0, 0, 255};
    else {
        fh_param_error(host, key, "colour '%s' unknown to the test host", s);
        return KZ_ERR;
    }
    return KZ_OK;
}

static int fh_enum(kz_host *host, const char *key, const char *choices, int *out)
{
    const char *s = fh_param(host, key);
    if (!s)
        return KZ_OK;
    int i = 0;
    size_t n = strlen(s);
    for (const char *c = choices; *c; i++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, s, n) == 0) {
            *out = i;
            return KZ_OK;
        }
        if (!bar)
            break;
        c = bar + 1;
    }
    fh_param_error(host, key, "not one of %s: '%s'", choices, s);
    return KZ_ERR;
}

static int fh_resolve(kz_host *host, const char *key, char *out, size_t out_size)
{
    const char *s = fh_param(host, key);
    char rel[PATH_MAX];
    struct stat st;
    snprintf(rel, sizeof rel, "%s/%s", MEDIA, s ? s : "");
    if (!s || !realpath(rel, out) || stat(out, &st) != 0 || !S_ISREG(st.st_mode)) {
        fh_param_error(host, key, "%s: no such media file", s ? s : "(none)");
        return KZ_ERR;
    }
    (void)out_size;
    return KZ_OK;
}

static const kz_host_api fake_api = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_host_api),
    .log = fh_log,
    .param = fh_param,
    .param_double = fh_double,
    .param_int = fh_int,
    .param_bool = fh_bool,
    .param_color = fh_color,
    .param_enum = fh_enum,
    .param_error = fh_param_error,
    .resolve_media = fh_resolve,
};

/* --- fixture: the plugin and a software renderer ---------------------------------------- */

static void *dl;
static const kz_plugin *plug;

static int load_plugin(void **state)
{
    (void)state;
    char path[PATH_MAX];
    const char *b = getenv("KZ_BUILD");
    if (system("sh tests/media/gen-video.sh " MEDIA) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/plugins/video.so", b && *b ? b : "build");
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
        return -1;
    }
    kz_plugin_entry_fn entry = (kz_plugin_entry_fn)dlsym(dl, KZ_PLUGIN_ENTRY_NAME);
    plug = entry ? entry() : NULL;
    return plug ? 0 : -1;
}

static int unload_plugin(void **state)
{
    (void)state;
    /* Not dlclose()d: LeakSanitizer then still knows the plugin's symbols. */
    return 0;
}

typedef struct scene {
    fake_host host;
    SDL_Surface *surf;
    SDL_Renderer *ren;
    kz_instance *inst;
} scene;

/* keys: NULL-terminated list of key, value pairs */
static int scene_open(scene *s, int w, int h, const char *const *kv)
{
    memset(s, 0, sizeof *s);
    s->host.api = &fake_api;
    for (; kv && kv[0]; kv += 2) {
        s->host.keys[s->host.n] = kv[0];
        s->host.values[s->host.n++] = kv[1];
    }
    s->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s->surf);
    s->ren = SDL_CreateSoftwareRenderer(s->surf);
    assert_non_null(s->ren);
    return plug->create((kz_host *)&s->host, &s->inst);
}

static void scene_close(scene *s)
{
    if (s->inst)
        plug->destroy(&s->inst);
    assert_null(s->inst);
    SDL_DestroyRenderer(s->ren);
    SDL_FreeSurface(s->surf);
}

static int draw_at(scene *s, double t)
{
    SDL_Rect r = {0, 0, s->surf->w, s->surf->h};
    SDL_SetRenderDrawColor(s->ren, 0, 255, 0, 255); /* green: anything not drawn shows */
    SDL_RenderClear(s->ren);
    return plug->render(s->inst, s->ren, &r, (kz_us)(t * KZ_US_PER_S + 0.5));
}

static uint32_t pixel(scene *s, int x, int y)
{
    return ((uint32_t *)((uint8_t *)s->surf->pixels + y * s->surf->pitch))[x] & 0xffffff;
}

/* Frame number (mod 50) from the grey column of video-count.mp4: luma 16 + 4 (N mod 50),
 * full-range grey (Y - 16) * 255 / 219 after the renderer's conversion. */
static int frame_index(scene *s)
{
    uint32_t p = pixel(s, s->surf->w / 16, s->surf->h / 2);
    int g = (int)(p & 0xff), r = (int)(p >> 16);
    assert_true(abs(r - g) <= 2); /* grey, so it is the counter column */
    double y = g * 219.0 / 255.0 + 16;
    return (int)((y - 16) / 4 + 0.5);
}

/* The frame that belongs to t: the last one whose pts <= t. */
static int due(double t)
{
    return (int)(t * FPS + 1e-6) % 50;
}

static uint32_t fnv1a(scene *s)
{
    uint32_t h = 2166136261u;
    for (int y = 0; y < s->surf->h; y++) {
        const uint8_t *row = (const uint8_t *)s->surf->pixels + y * s->surf->pitch;
        for (int x = 0; x < s->surf->w * 4; x++)
            h = (h ^ row[x]) * 16777619u;
    }
    return h;
}

/* --- tests -------------------------------------------------------------------------------- */

static void test_duration_and_finish(void **state)
{
    (void)state;
    scene s;
    const char *kv[] = {"file", "video-count.mp4", NULL};
    assert_int_equal(scene_open(&s, 320, 240, kv), KZ_OK);
    assert_true(plug->duration(s.inst) == 4 * KZ_US_PER_S);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    assert_int_equal(draw_at(&s, 3.99), KZ_OK);
    assert_int_equal(frame_index(&s), (CLIP_FRAMES - 1) % 50);
    assert_int_equal(draw_at(&s, 4.0), KZ_FINISHED);
    assert_int_equal(s.host.errors, 0);
    scene_close(&s);

    const char *kv2[] = {"file", "video-count.mp4", "start", "1.5", NULL};
    assert_int_equal(scene_open(&s, 320, 240, kv2), KZ_OK);
    assert_true(plug->duration(s.inst) == 2500000);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    assert_int_equal(draw_at(&s, 0), KZ_OK);
    assert_int_equal(frame_index(&s), due(1.5));
    assert_int_equal(draw_at(&s, 2.5), KZ_FINISHED);
    scene_close(&s);
}

/* Golden lines: the frame at fixed instants, played forward as the host would. */
static void test_golden_frames(void **state)
{
    (void)state;
    static const double times[] = {0, 0.02, 0.04, 0.5, 0.999, 1.0, 1.04, 2.2, 3.0, 3.96};
    const char *ref = "tests/golden/video/frames.ref";
    char lines[4096] = "";
    scene s;
    const char *kv[] = {"file", "video-count.mp4", NULL};
    assert_int_equal(scene_open(&s, 320, 240, kv), KZ_OK);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        assert_int_equal(draw_at(&s, times[i]), KZ_OK);
        int idx = frame_index(&s);
        assert_int_equal(idx, due(times[i]));
        char line[128];
        snprintf(line, sizeof line, "%.3f %dx%d frame=%d fnv1a=%08x\n", times[i], s.surf->w,
                 s.surf->h, (int)(times[i] * FPS + 1e-6), fnv1a(&s));
        strncat(lines, line, sizeof lines - strlen(lines) - 1);
    }
    assert_int_equal(s.host.errors, 0);
    scene_close(&s);

    const char *gen = getenv("GEN");
    if (gen && strcmp(gen, "1") == 0) {
        FILE *f = fopen(ref, "w");
        assert_non_null(f);
        fputs("# t WxH frame checksum: video-count.mp4 drawn 1:1 by the software renderer\n", f);
        fputs(lines, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(ref, "r");
    if (!f)
        fail_msg("no %s: run with GEN=1 to write it", ref);
    char want[4096] = "", buf[256];
    while (fgets(buf, sizeof buf, f))
        if (buf[0] != '#')
            strncat(want, buf, sizeof want - strlen(want) - 1);
    fclose(f);
    if (strcmp(want, lines) != 0)
        fail_msg("golden frames differ from %s:\nwant:\n%sgot:\n%s", ref, want, lines);
}

/* Seek by time: the frame shown is the one that belongs to t, whatever t did before. */
static void test_seek_by_time(void **state)
{
    (void)state;
    scene s;
    const char *kv[] = {"file", "video-count.mp4", NULL};
    assert_int_equal(scene_open(&s, 320, 240, kv), KZ_OK);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    /* started mid-slot (a restart), then back (a second airing), then far ahead */
    static const double ts[] = {2.52, 2.56, 0.4, 0.0, 3.2, 1.0, 1.96, 2.0, 0.04};
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
        assert_int_equal(draw_at(&s, ts[i]), KZ_OK);
        int idx = frame_index(&s);
        if (idx != due(ts[i]))
            fail_msg("t=%.2f: frame %d shown, %d belongs there", ts[i], idx, due(ts[i]));
    }
    /* playing forward in 60 Hz steps never shows a frame before its time or a stale one */
    for (double t = 0.5; t < 1.5; t += 1.0 / 60) {
        assert_int_equal(draw_at(&s, t), KZ_OK);
        assert_int_equal(frame_index(&s), due(t));
    }
    assert_int_equal(s.host.errors, 0);
    scene_close(&s);
}

static void test_loop(void **state)
{
    (void)state;
    scene s;
    const char *kv[] = {"file", "video-count.mp4", "loop", "yes", NULL};
    assert_int_equal(scene_open(&s, 320, 240, kv), KZ_OK);
    assert_true(plug->duration(s.inst) == 4 * KZ_US_PER_S);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    /* across two loop points, frame by frame: 99 is followed by 0, nothing skipped */
    int prev = -1;
    for (int n = 3 * FPS + 20; n < 2 * CLIP_FRAMES + 10; n++) {
        double t = n / (double)FPS + 0.001;
        if (n == 3 * FPS + 20)
            t = 3.8 + 0.001;
        assert_int_equal(draw_at(&s, t), KZ_OK);
        int idx = frame_index(&s);
        assert_int_equal(idx, n % CLIP_FRAMES % 50);
        if (prev >= 0)
            assert_int_equal(idx, (prev + 1) % 50);
        prev = idx;
    }
    /* seek by time into a later pass */
    assert_int_equal(draw_at(&s, 4 * 7 + 1.2), KZ_OK);
    assert_int_equal(frame_index(&s), due(1.2));
    assert_int_equal(s.host.errors, 0);
    scene_close(&s);
}

/* Statistics once per minute of video played, whatever the items' lengths. */
static void test_minute_stats(void **state)
{
    (void)state;
    scene s;
    const char *kv[] = {"file", "video-count.mp4", "loop", "yes", NULL};
    assert_int_equal(scene_open(&s, 64, 48, kv), KZ_OK);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    /* the figures are process-wide: finish the minute the earlier tests began */
    s.host.last_line[0] = 0;
    double t = 0;
    for (; t < 61 && !strstr(s.host.last_line, "last 60 s played"); t += 0.04)
        assert_int_equal(draw_at(&s, t), KZ_OK);
    assert_non_null(strstr(s.host.last_line, "last 60 s played"));
    /* then a whole minute of this item alone */
    s.host.last_line[0] = 0;
    double t0 = t;
    for (; t < t0 + 59.9; t += 0.04)
        assert_int_equal(draw_at(&s, t), KZ_OK);
    assert_null(strstr(s.host.last_line, "last 60 s played"));
    for (; t < t0 + 60.2 && !strstr(s.host.last_line, "last 60 s played"); t += 0.04)
        assert_int_equal(draw_at(&s, t), KZ_OK);
    const char *l = strstr(s.host.last_line, "last 60 s played: frames presented ");
    if (!l)
        fail_msg("no statistics after a minute: '%s'", s.host.last_line);
    int n = atoi(l + strlen("last 60 s played: frames presented "));
    if (n < 1495 || n > 1502 || !strstr(l, "dropped early 0, dropped late 0"))
        fail_msg("a minute at 25 fps, frame by frame: %s", l);
    assert_int_equal(s.host.errors, 0);
    scene_close(&s);
}

static void test_untimed(void **state)
{
    (void)state;
    scene s;
    const char *kv[] = {"file", "video-count.mp4", "untimed", "yes", "threads", "3", NULL};
    assert_int_equal(scene_open(&s, 160, 120, kv), KZ_OK);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    int n = 0, r;
    while ((r = draw_at(&s, 0)) == KZ_OK) {
        if (frame_index(&s) != n % 50)
            fail_msg("untimed: call %d showed frame %d", n, frame_index(&s));
        n++;
        assert_true(n <= CLIP_FRAMES);
    }
    assert_int_equal(r, KZ_FINISHED);
    assert_int_equal(n, CLIP_FRAMES);
    /* release, prepare again: plays again from the start */
    plug->release(s.inst);
    assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
    assert_int_equal(draw_at(&s, 0), KZ_OK);
    assert_int_equal(frame_index(&s), 0);
    scene_close(&s);
}

/* Other codecs and containers (VP9/WebM, 10-bit HEVC/MKV, AV1/MP4, H.264/MPEG-TS): every
 * frame decodes and shows, through both upload paths (libswscale to XRGB, and SDL's YUV
 * textures that an accelerated renderer would use). */
static void test_codecs(void **state)
{
    (void)state;
    static const char *files[] = {"video-vp9.webm", "video-hevc10.mkv", "video-av1.mp4",
                                  "video-h264.ts"};
    for (int up = 0; up < 2; up++) {
        setenv("KIZUNA_VIDEO_UPLOAD", up ? "yuv" : "rgb", 1);
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            scene s;
            const char *kv[] = {"file", files[i], NULL};
            assert_int_equal(scene_open(&s, 160, 120, kv), KZ_OK);
            kz_us d = plug->duration(s.inst);
            if (d < 900000 || d > 1100000)
                fail_msg("%s: duration %lld us, about 1 s expected", files[i], (long long)d);
            assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
            int n = 0;
            for (double t = 0; t < 0.99; t += 0.04, n++) {
                assert_int_equal(draw_at(&s, t), KZ_OK);
                assert_int_not_equal(pixel(&s, 80, 60), 0x00ff00); /* something was drawn */
            }
            assert_int_equal(n, 25);
            assert_int_equal(s.host.errors, 0);
            scene_close(&s);
        }
    }
    unsetenv("KIZUNA_VIDEO_UPLOAD");
}

/* Audio (volume > 0) through SDL's dummy audio driver: decoded, resampled and played along,
 * across a seek back and forth; the picture is unaffected and nothing is logged. A clip
 * without sound plays muted, silently. */
static void test_audio(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    static const char *files[] = {"video-av.mp4", "video-count.mp4"};
    for (int i = 0; i < 2; i++) {
        scene s;
        const char *kv[] = {"file", files[i], "volume", "50", NULL};
        assert_int_equal(scene_open(&s, 160, 120, kv), KZ_OK);
        assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
        static const double ts[] = {0, 0.04, 0.08, 1.5, 1.54, 0.2, 0.24, 1.96};
        for (size_t k = 0; k < sizeof ts / sizeof *ts; k++) {
            assert_int_equal(draw_at(&s, ts[k]), KZ_OK);
            SDL_Delay(5); /* let the audio thread pull */
        }
        SDL_Delay(100);
        assert_int_equal(s.host.errors, 0);
        assert_int_equal(s.host.warnings, 0);
        setenv("KIZUNA_VIDEO_STATS", "1", 1);
        plug->release(s.inst); /* logs the statistics */
        unsetenv("KIZUNA_VIDEO_STATS");
        const char *a = strstr(s.host.last_line, "audio played ");
        if (i == 0 && (!a || atof(a + 13) <= 0))
            fail_msg("no sound was played: %s", s.host.last_line);
        if (i == 1 && a)
            fail_msg("a clip without sound played some: %s", s.host.last_line);
        assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK); /* and again */
        assert_int_equal(draw_at(&s, 0.5), KZ_OK);
        scene_close(&s);
    }
}

static int draw_rect_at(scene *s, SDL_Rect r, double t)
{
    SDL_SetRenderDrawColor(s->ren, 0, 255, 0, 255);
    SDL_RenderClear(s->ren);
    return plug->render(s->inst, s->ren, &r, (kz_us)(t * KZ_US_PER_S + 0.5));
}

/* Mean absolute difference per channel between a's region (ax, ay) and all of b. */
static double mean_diff(SDL_Surface *a, int ax, int ay, SDL_Surface *b)
{
    double sum = 0;
    for (int y = 0; y < b->h; y++)
        for (int x = 0; x < b->w; x++) {
            uint32_t pa = ((uint32_t *)((uint8_t *)a->pixels + (y + ay) * a->pitch))[x + ax];
            uint32_t pb = ((uint32_t *)((uint8_t *)b->pixels + y * b->pitch))[x];
            for (int c = 0; c < 24; c += 8)
                sum += abs((int)((pa >> c) & 0xff) - (int)((pb >> c) & 0xff));
        }
    return sum / (3.0 * b->w * b->h);
}

/* Only the visible part is converted: a tile of a 2x2 video wall (the zone is the whole
 * wall, shifted; the tile sees a quarter) and a zone clipped by the compositor show the same
 * pixels as the corresponding part of the whole picture. */
static void test_visible_part(void **state)
{
    (void)state;
    scene whole, tile;
    const char *kv[] = {"file", "video-count.mp4", NULL};
    assert_int_equal(scene_open(&whole, 640, 480, kv), KZ_OK);
    assert_int_equal(plug->prepare(whole.inst, whole.ren), KZ_OK);
    assert_int_equal(draw_rect_at(&whole, (SDL_Rect){0, 0, 640, 480}, 1.0), KZ_OK);
    for (int tx = 0; tx < 2; tx++)
        for (int ty = 0; ty < 2; ty++) {
            assert_int_equal(scene_open(&tile, 320, 240, kv), KZ_OK);
            assert_int_equal(plug->prepare(tile.inst, tile.ren), KZ_OK);
            SDL_Rect wall = {-320 * tx, -240 * ty, 640, 480};
            assert_int_equal(draw_rect_at(&tile, wall, 1.0), KZ_OK);
            double d = mean_diff(whole.surf, 320 * tx, 240 * ty, tile.surf);
            if (d > 1.0)
                fail_msg("wall tile %d,%d differs from its part of the picture: %.2f", tx, ty,
                         d);
            scene_close(&tile);
        }
    /* a clip rectangle (a zone of a layout): same pixels inside it, untouched outside */
    assert_int_equal(scene_open(&tile, 640, 480, kv), KZ_OK);
    assert_int_equal(plug->prepare(tile.inst, tile.ren), KZ_OK);
    SDL_SetRenderDrawColor(tile.ren, 0, 255, 0, 255);
    SDL_RenderClear(tile.ren);
    SDL_Rect clip = {200, 100, 300, 200}, full = {0, 0, 640, 480};
    SDL_RenderSetClipRect(tile.ren, &clip);
    assert_int_equal(plug->render(tile.inst, tile.ren, &full, KZ_US_PER_S), KZ_OK);
    SDL_RenderSetClipRect(tile.ren, NULL);
    assert_int_equal(pixel(&tile, 199, 150), 0x00ff00);
    assert_int_equal(pixel(&tile, 500, 150), 0x00ff00);
    SDL_Surface *part = SDL_CreateRGBSurfaceWithFormat(0, 300, 200, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_BlitSurface(tile.surf, &clip, part, NULL);
    double d = mean_diff(whole.surf, 200, 100, part);
    if (d > 1.0)
        fail_msg("clipped zone differs from its part of the picture: %.2f", d);
    SDL_FreeSurface(part);
    scene_close(&tile);
    scene_close(&whole);
}

/* fit letterboxes with the background, fill covers (crops), stretch covers (distorts). */
static void test_fit_modes(void **state)
{
    (void)state;
    static const char *modes[] = {"fit", "fill", "stretch"};
    for (int m = 0; m < 3; m++) {
        scene s;
        const char *kv[] = {"file", "video-4x3.mp4", "fit", modes[m], "background", "red", NULL};
        assert_int_equal(scene_open(&s, 320, 180, kv), KZ_OK);
        assert_int_equal(plug->prepare(s.inst, s.ren), KZ_OK);
        assert_int_equal(draw_at(&s, 0.5), KZ_OK);
        uint32_t corner = pixel(&s, 2, 90), mid = pixel(&s, 160, 90);
        if (m == 0) {
            assert_int_equal(corner, 0xff0000); /* 4:3 in 16:9: 40 px bars left and right */
            assert_int_equal(pixel(&s, 39, 90), 0xff0000);
            assert_int_not_equal(pixel(&s, 41, 90), 0xff0000);
        } else {
            assert_int_not_equal(corner, 0xff0000);
            assert_int_not_equal(corner, 0x00ff00);
        }
        assert_int_not_equal(mid, 0x00ff00);
        assert_int_equal(s.host.errors, 0);
        scene_close(&s);
    }
}

/* Bad media: one error line naming the file; prepare or render says KZ_ERR (or the item ends
 * early with what could be decoded); never a crash or a hang. */
static void bad_media(const char *file, int expect_create_ok, const char *reason)
{
    scene s;
    const char *kv[] = {"file", file, NULL};
    int r = scene_open(&s, 160, 120, kv);
    if (!expect_create_ok) {
        assert_int_equal(r, KZ_ERR);
        assert_null(s.inst);
        assert_int_equal(s.host.errors, 1);
        assert_non_null(strstr(s.host.last_error, file));
        SDL_DestroyRenderer(s.ren);
        SDL_FreeSurface(s.surf);
        return;
    }
    assert_int_equal(r, KZ_OK);
    int errors_before = 0;
    if (plug->duration(s.inst) == KZ_DURATION_UNKNOWN) { /* the reason, once, with the name */
        assert_int_equal(s.host.errors, 1);
        assert_non_null(strstr(s.host.last_error, file));
        if (reason && !strstr(s.host.last_error, reason))
            fail_msg("%s: reason '%s' expected in: %s", file, reason, s.host.last_error);
        errors_before = 1;
    }
    s.host.errors = 0;
    r = plug->prepare(s.inst, s.ren);
    if (r == KZ_OK) {
        for (double t = 0; t < 5 && r == KZ_OK; t += 0.04)
            r = draw_at(&s, t);
        assert_int_not_equal(r, KZ_OK);
        /* Rendering again after the failure stays quiet. */
        draw_at(&s, 5);
    }
    (void)errors_before;
    if (r == KZ_FINISHED) { /* ended early: a warning names the file */
        assert_int_equal(s.host.errors, 0);
        assert_int_equal(s.host.warnings, 1);
    } else {
        assert_int_equal(r, KZ_ERR);
        assert_int_equal(s.host.errors, 1);
        assert_non_null(strstr(s.host.last_error, file));
        if (reason && !strstr(s.host.last_error, reason))
            fail_msg("%s: reason '%s' expected in: %s", file, reason, s.host.last_error);
    }
    scene_close(&s);
}

static void test_bad_truncated(void **state)
{
    (void)state;
    bad_media("video-truncated.mp4", 1, NULL);
}
static void test_bad_nomoov(void **state)
{
    (void)state;
    bad_media("video-nomoov.mp4", 1, "not a media file");
}
static void test_bad_random(void **state)
{
    (void)state;
    bad_media("video-random.mp4", 1, "not a media file");
}
static void test_bad_empty(void **state)
{
    (void)state;
    bad_media("video-empty.mp4", 1, "empty");
}
static void test_bad_audio_only(void **state)
{
    (void)state;
    bad_media("video-audio.mp4", 1, "audio only");
}
static void test_bad_codec(void **state)
{
    (void)state;
    bad_media("video-unsupported.mkv", 1, "codec");
}
static void test_bad_missing(void **state)
{
    (void)state;
    bad_media("video-missing.mp4", 0, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_and_finish),
        cmocka_unit_test(test_golden_frames),
        cmocka_unit_test(test_seek_by_time),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_untimed),
        cmocka_unit_test(test_minute_stats),
        cmocka_unit_test(test_fit_modes),
        cmocka_unit_test(test_codecs),
        cmocka_unit_test(test_visible_part),
        cmocka_unit_test(test_audio),
        cmocka_unit_test(test_bad_truncated),
        cmocka_unit_test(test_bad_nomoov),
        cmocka_unit_test(test_bad_random),
        cmocka_unit_test(test_bad_empty),
        cmocka_unit_test(test_bad_audio_only),
        cmocka_unit_test(test_bad_codec),
        cmocka_unit_test(test_bad_missing),
    };
    return cmocka_run_group_tests_name("video", tests, load_plugin, unload_plugin);
}
