/* kizuna bench --untimed FILE [--size WxH] [--config F]
 *
 * Decodes and draws every frame of FILE as fast as possible (no pacing, no vsync) through the
 * same path as the player: the video plugin, the window's renderer, present per frame. The
 * last line printed is "frames=N seconds=S fps=F"; seconds run from process start-up work
 * (plugins, open, first decode) to the last present. tools/bench-video.sh compares it with
 * mpv --untimed and raw decode. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/params.h"
#include "base/timeutil.h"
#include "cmd/commands.h"
#include "screen/player.h"

#define LOG "bench"

int kz_cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        {"untimed", no_argument, NULL, 'u'},     {"size", required_argument, NULL, 's'},
        {"config", required_argument, NULL, 'c'}, {"threads", required_argument, NULL, 't'},
        {0, 0, 0, 0},
    };
    kz_player_opts o;
    memset(&o, 0, sizeof o);
    kz_cmd_wire(&o, 0);
    int untimed = 0, c;
    long threads = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'u': untimed = 1; break;
        case 's':
            if (kz_parse_size(optarg, &o.width, &o.height)) {
                fprintf(stderr, "kizuna bench: --size %s: expected WIDTHxHEIGHT\n", optarg);
                return 2;
            }
            break;
        case 'c': o.config = optarg; break;
        case 't':
            if (kz_parse_long(optarg, &threads) || threads < 1 || threads > 16) {
                fprintf(stderr, "kizuna bench: --threads %s: expected 1 to 16\n", optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "usage: kizuna bench --untimed FILE [--size WxH] [--threads N]\n");
            return 2;
        }
    }
    if (!untimed || optind != argc - 1) {
        fprintf(stderr, "usage: kizuna bench --untimed FILE [--size WxH] [--threads N]\n");
        return 2;
    }
    kz_us t0 = kz_now_mono();
    if (o.width <= 0) {
        o.width = 1920;
        o.height = 1080;
    }
    o.windowed = 1;
    char tmpcfg[PATH_MAX], keys[64] = "untimed = yes\n";
    if (threads)
        snprintf(keys, sizeof keys, "untimed = yes\nthreads = %ld\n", threads);
    if (kz_play_config(o.config, tmpcfg, sizeof tmpcfg) == 0 && tmpcfg[0])
        o.config = tmpcfg;
    char *text = kz_play_playlist(1, argv + optind, keys);
    if (!text)
        return 1;
    o.playlist_text = text;
    o.content_root = "/";

    kz_player p;
    int rc = kz_player_open(&p, &o);
    if (tmpcfg[0])
        unlink(tmpcfg);
    if (rc) {
        free(text);
        return rc;
    }
    p.cfg.vsync = 0; /* as fast as possible */
    long frames = 0;
    kz_item *it = p.model.n_items ? &p.model.items[0] : NULL;
    if (!it || !it->playable || strcmp(it->plugin, "video") != 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: not a playable video", argv[optind]);
        rc = 1;
        goto done;
    }
    if ((rc = kz_player_open_display(&p)) != 0)
        goto done;
    if (kz_host_prepare(it, p.renderer) != KZ_OK) {
        rc = 1;
        goto done;
    }
    SDL_Rect rect = {0, 0, p.w, p.h};
    for (;;) {
        int r = kz_host_render(it, p.renderer, &rect, 0, 0);
        if (r != KZ_OK) {
            rc = r == KZ_FINISHED ? 0 : 1;
            break;
        }
        SDL_RenderPresent(p.renderer);
        frames++;
        SDL_Event ev;
        while (SDL_PollEvent(&ev))
            if (ev.type == SDL_QUIT)
                goto done;
    }
done:;
    double secs = (double)(kz_now_mono() - t0) / KZ_US_PER_S;
    kz_player_close(&p);
    free(text);
    printf("frames=%ld seconds=%.3f fps=%.1f\n", frames, secs, secs > 0 ? frames / secs : 0);
    return rc;
}
