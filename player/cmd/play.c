/* kizuna play FILE... [--size WxH] [--loop] [--stats] [--config F]
 *
 * An operator's quick preview (and the real-time benchmark): the files become one in-memory
 * playlist, each with the plugin its type calls for (video for clips, image for pictures),
 * played once in order from the first, then kizuna exits. --loop plays the list until
 * stopped. The timeline is the ordinary one: a fixed clock starting at local midnight puts
 * the first file at t = 0 (the first-cut rotation is anchored there). */
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "base/params.h"
#include "base/timeutil.h"
#include "cmd/commands.h"
#include "screen/player.h"

#define LOG "play"
#define IMAGE_SECONDS 5

static const char *const image_ext[] = {"png", "jpg", "jpeg", "webp", "bmp", "gif", "tif",
                                        "tiff", NULL};

static int is_image(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    for (int i = 0; image_ext[i]; i++)
        if (strcasecmp(dot + 1, image_ext[i]) == 0)
            return 1;
    return 0;
}

static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return -1;
        if (*buf && *len + (size_t)n < *cap) {
            *len += (size_t)n;
            return 0;
        }
        size_t ncap = (*cap ? *cap * 2 : 1024) + (size_t)n;
        char *nb = realloc(*buf, ncap);
        if (!nb)
            return -1;
        if (!*buf)
            nb[0] = 0;
        *buf = nb;
        *cap = ncap;
    }
}

/* The playlist for the files: one section per file, paths relative to the content root
 * "/" (resolve_media refuses absolute paths). NULL on error (logged). */
char *kz_play_playlist(int n, char **files, const char *extra_video_keys)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int i = 0; i < n; i++) {
        char abs[PATH_MAX];
        if (!realpath(files[i], abs)) {
            kz_log(LOG, KZ_LOG_ERROR, "%s: cannot open: %m", files[i]);
            free(buf);
            return NULL;
        }
        int img = is_image(abs);
        if (append(&buf, &len, &cap, "[%d]\nplugin = %s\nfile = %s\n%s%s\n", i + 1,
                   img ? "image" : "video", abs + 1,
                   img ? "duration = " : (extra_video_keys ? extra_video_keys : ""),
                   img ? "5s\n" : "") < 0) {
            free(buf);
            return NULL;
        }
    }
    return buf;
}

/* kizuna play runs without a player.ini too: then a temporary one points at the plugins
 * next to the executable. Writes its path into out (empty when the default config exists). */
int kz_play_config(const char *arg, char *out, size_t n)
{
    out[0] = 0;
    const char *def = kz_config_default_path(arg);
    if (arg || access(def, R_OK) == 0)
        return 0;
    char exe[PATH_MAX];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l <= 0)
        return -1;
    exe[l] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    snprintf(out, n, "/tmp/kizuna-play-%d.ini", (int)getpid());
    FILE *f = fopen(out, "w");
    if (!f)
        return -1;
    fprintf(f, "[paths]\nplugins = %s/plugins\nplaylists = /tmp\ncontent = /\n"
               "fonts = %s/../fonts/fonts.ini\n", exe, exe);
    fclose(f);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: kizuna play FILE... [--size WxH] [--loop] [--stats] [--config F]\n");
}

int kz_cmd_play(int argc, char **argv)
{
    static const struct option opts[] = {
        {"size", required_argument, NULL, 's'}, {"loop", no_argument, NULL, 'l'},
        {"stats", no_argument, NULL, 'S'},      {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},       {0, 0, 0, 0},
    };
    kz_player_opts o;
    memset(&o, 0, sizeof o);
    kz_cmd_wire(&o, 1);
    int loop = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (kz_parse_size(optarg, &o.width, &o.height)) {
                fprintf(stderr, "kizuna play: --size %s: expected WIDTHxHEIGHT\n", optarg);
                return 2;
            }
            o.windowed = 1;
            break;
        case 'l': loop = 1; break;
        case 'S': o.stats = 1; break;
        case 'c': o.config = optarg; break;
        default: usage(); return c == 'h' ? 0 : 2;
        }
    }
    if (optind >= argc) {
        usage();
        return 2;
    }
    if (o.stats)
        setenv("KIZUNA_VIDEO_STATS", "1", 1); /* the video plugin logs each airing's figures */
    char tmpcfg[PATH_MAX];
    if (kz_play_config(o.config, tmpcfg, sizeof tmpcfg) == 0 && tmpcfg[0])
        o.config = tmpcfg;
    char *text = kz_play_playlist(argc - optind, argv + optind, NULL);
    if (!text)
        return 1;
    o.playlist_text = text;
    o.content_root = "/";
    o.exit_when_done = !loop;

    kz_player p;
    int rc = kz_player_open(&p, &o);
    if (tmpcfg[0])
        unlink(tmpcfg);
    if (rc) {
        free(text);
        return rc;
    }
    kz_us cycle = 0;
    for (size_t i = 0; i < p.model.n_items; i++)
        if (p.model.items[i].playable && p.model.items[i].duration > 0)
            cycle += p.model.items[i].duration;
    if (cycle <= 0) {
        kz_log(LOG, KZ_LOG_ERROR, "nothing playable among the files given");
        kz_player_close(&p);
        free(text);
        return 1;
    }
    /* Stop just before the rotation would come round to the first file again: the loop
     * checks after drawing, so a tick (17 ms) plus the 8 ms start offset below early. */
    if (!loop)
        p.opts.exit_after = (double)(cycle - 25000) / KZ_US_PER_S;
    rc = kz_player_open_display(&p);
    if (rc == 0) {
        p.clock.fixed = 1;
        p.clock.speed = 1;
        p.clock.start = kz_local_day_start(kz_now_real());
        /* The first file gets the head start every later one has (the compositor prepares
         * an item 2 s before its slot): it is prepared and its first frame drawn
         * before the clock starts. Otherwise a clip's first frames are due while its
         * decoder threads are still being set up: 2-3 of the first 4 frames of a 1080p
         * clip were dropped late, on a quiet machine too (docs/performance.md). The frame
         * is t = 0's picture: it is presented, and the loop goes on from there. */
        kz_player_draw(&p, p.clock.start);
        SDL_RenderPresent(p.renderer);
        /* Start 8 ms into the timeline: half a 60 Hz tick between when a frame falls due and
         * when the loop draws, rather than the two coinciding (a 30 fps clip would then
         * alternate 1 and 3 ticks per frame on timer jitter). A display's vsync has some
         * phase of its own; this picks the typical one instead of the worst. */
        p.clock.mono0 = kz_now_mono() - 8000;
        rc = kz_player_run(&p);
    }
    kz_player_close(&p);
    free(text);
    return rc;
}
