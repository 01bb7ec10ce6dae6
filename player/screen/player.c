/* The player: load everything, then draw frame = render(layout, schedule(model, now), now).
 * Nothing here keeps a playlist position: every frame asks the schedule what is on air. */
#include "screen/player.h"
#include "screen/captions.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL2/SDL_ttf.h>

#include "base/log.h"
#include "base/png.h"
#include "base/timeutil.h"
#include "fetch/fetcher.h"
#include "screen/watch.h"

#define LOG "player"

static volatile sig_atomic_t sig_quit, sig_reload;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        sig_reload = 1;
    else
        sig_quit = 1;
}

kz_us kz_clock_now(const kz_clock *c)
{
    if (!c->fixed)
        return kz_now_real();
    return c->start + (kz_us)((double)(kz_now_mono() - c->mono0) * c->speed);
}

/* Build a model from the playlists (or the in-memory playlist) and attach plugins.
 * Returns the number of problems. */
static int load_model(kz_player *p, kz_model *m)
{
    memset(m, 0, sizeof *m);
    if (p->opts.playlist_text)
        kz_model_add_string(m, p->opts.playlist_text, "(command line)");
    else
        kz_model_load_dir(m, p->cfg.playlists);
    int problems = m->errors;
    problems += kz_host_attach(m, &p->env, 0);
    /* Captions: a bad caption file is logged, the item plays without it (not a problem that
     * keeps a reload off the air). */
    kz_captions_attach(m, p->cfg.content);
    if (p->opts.gate) /* flash safety, wired by the command (checks/checks.h) */
        problems += p->opts.gate(p, m);
    problems += kz_host_report_unknown_keys(m); /* before the schedule: such items are skipped */
    problems += kz_schedule_compile(m);
    problems += kz_host_report_unused(m);
    size_t playable = 0;
    for (size_t i = 0; i < m->n_items; i++)
        playable += m->items[i].playable;
    kz_log(LOG, KZ_LOG_INFO, "%zu playlists, %zu items, %zu playable, %d problems",
           m->n_playlists, m->n_items, playable, problems);
    return problems;
}

int kz_player_open(kz_player *p, const kz_player_opts *o)
{
    memset(p, 0, sizeof *p);
    p->opts = *o;
    if (p->opts.speed == 0 && !p->opts.has_clock)
        p->opts.speed = 1;
    const char *path = kz_config_default_path(o->config);
    int cerr = kz_config_load(&p->cfg, path);
    if (cerr && !p->cfg.path[0]) {
        kz_log(LOG, KZ_LOG_ERROR, "no usable configuration (give --config FILE)");
        return 1;
    }
    if (o->content_root)
        snprintf(p->cfg.content, sizeof p->cfg.content, "%s", o->content_root);
    if (o->width > 0) {
        p->cfg.width = o->width;
        p->cfg.height = o->height;
    }
    if (o->windowed)
        p->cfg.fullscreen = 0;
    if (o->display > 0)
        p->cfg.display_index = o->display - 1;
    if (kz_tz_set(p->cfg.timezone)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: timezone = %s: unknown time zone; using Asia/Tokyo",
               p->cfg.path, p->cfg.timezone);
        snprintf(p->cfg.timezone, sizeof p->cfg.timezone, "Asia/Tokyo");
        kz_tz_set(p->cfg.timezone);
    }
    kz_registry_load_dir(&p->registry, p->cfg.plugins);
    if (kz_fonts_load(p->cfg.fonts, &p->fonts))
        kz_log(LOG, KZ_LOG_ERROR, "no fonts: text and the standby message cannot be drawn");
    p->env.registry = &p->registry;
    p->env.fonts = p->fonts;
    p->env.content_root = p->cfg.content;
    p->env.timezone = p->cfg.timezone;
    p->env.hwdec = p->cfg.hwdec;
    p->env.max_pixels = p->cfg.max_pixels;
    /* Held for the player's life: media are opened beneath it, never by path. A missing
     * folder is reported by each item's resolve_media; opens then try it again each time. */
    p->env.content_fd = kz_host_open_root(p->cfg.content);
    if (p->env.content_fd < 0)
        p->env.content_fd = 0;
    p->env.cache_dir = p->cfg.cache;
    p->fetcher = kz_fetcher_new(p->cfg.cache); /* NULL: nothing fetched, the cache still read */
    p->env.fetcher = p->fetcher;
    load_model(p, &p->model);
    if (!p->opts.playlist_text)
        kz_layouts_load(&p->layouts, p->cfg.playlists);
    else
        kz_layouts_load_string(&p->layouts, "", "(built in)");
    p->clock.fixed = o->has_clock;
    p->clock.start = o->clock_start;
    p->clock.speed = o->has_clock ? (o->speed > 0 ? o->speed : 1) : 1;
    p->clock.mono0 = kz_now_mono();
    p->started_mono = kz_now_mono();
    return 0;
}

static void set_hints(const kz_config *c)
{
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    const char *drv = c->renderer == KZ_RENDER_SOFTWARE    ? "software"
                      : c->renderer == KZ_RENDER_OPENGL    ? "opengl"
                      : c->renderer == KZ_RENDER_OPENGLES2 ? "opengles2"
                                                           : NULL;
    if (drv)
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, drv);
    /* With the software renderer, SDL would otherwise present through a hidden GL texture
     * (measured: about 3x the cost per frame, see docs/performance.md). */
    const char *env = getenv("SDL_RENDER_DRIVER");
    if ((drv && !strcmp(drv, "software")) || (env && !strcmp(env, "software")))
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
}

int kz_player_open_display(kz_player *p)
{
    int rot = p->cfg.rotation;
    if (p->opts.headless) {
        int w = p->cfg.width > 0 ? p->cfg.width : 1920, h = p->cfg.height > 0 ? p->cfg.height : 1080;
        p->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        if (!p->surface || !(p->renderer = SDL_CreateSoftwareRenderer(p->surface))) {
            kz_log(LOG, KZ_LOG_ERROR, "headless renderer: %s", SDL_GetError());
            return 1;
        }
        p->out_w = w;
        p->out_h = h;
        p->env.output = p->surface; /* plugins may write into it (host frame_surface) */
    } else {
        set_hints(&p->cfg);
        if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
            kz_log(LOG, KZ_LOG_ERROR, "cannot open the display: %s. Without a display run "
                   "headless: SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software kizuna run "
                   "--size 1920x1080, or render frames with kizuna render --at TIME --out F.png",
                   SDL_GetError());
            return 1;
        }
        SDL_DisplayMode dm;
        int w = p->cfg.width, h = p->cfg.height;
        if ((w <= 0 || h <= 0) && SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            w = dm.w;
            h = dm.h;
        }
        if (w <= 0 || h <= 0) {
            w = 1920;
            h = 1080;
        }
        Uint32 flags = SDL_WINDOW_SHOWN;
        if (p->cfg.fullscreen)
            flags |= p->cfg.width > 0 ? SDL_WINDOW_FULLSCREEN : SDL_WINDOW_FULLSCREEN_DESKTOP;
        /* One process per display (kizuna run --display N): see docs/architecture.md. */
        int d = p->cfg.display_index;
        if (d >= SDL_GetNumVideoDisplays()) {
            kz_log(LOG, KZ_LOG_WARN, "display %d does not exist (%d found); using display 0", d,
                   SDL_GetNumVideoDisplays());
            d = 0;
        }
        if ((p->cfg.width <= 0 || p->cfg.height <= 0) && SDL_GetDesktopDisplayMode(d, &dm) == 0) {
            w = dm.w;
            h = dm.h;
        }
        p->window = SDL_CreateWindow("kizuna", SDL_WINDOWPOS_CENTERED_DISPLAY(d),
                                     SDL_WINDOWPOS_CENTERED_DISPLAY(d), w, h, flags);
        if (!p->window) {
            kz_log(LOG, KZ_LOG_ERROR, "cannot open a window: %s", SDL_GetError());
            return 1;
        }
        Uint32 rflags = p->cfg.vsync ? SDL_RENDERER_PRESENTVSYNC : 0;
        p->renderer = SDL_CreateRenderer(p->window, -1, rflags | SDL_RENDERER_TARGETTEXTURE);
        if (!p->renderer)
            p->renderer = SDL_CreateRenderer(p->window, -1, rflags);
        if (!p->renderer) {
            kz_log(LOG, KZ_LOG_ERROR, "cannot create a renderer: %s", SDL_GetError());
            return 1;
        }
        SDL_GetRendererOutputSize(p->renderer, &p->out_w, &p->out_h);
        SDL_ShowCursor(SDL_DISABLE);
        SDL_RendererInfo ri;
        SDL_GetRendererInfo(p->renderer, &ri);
        kz_log(LOG, KZ_LOG_INFO, "display %dx%d, renderer %s, rotation %d", p->out_w, p->out_h,
               ri.name, rot);
    }
    /* The software renderer draws into a surface that keeps its pixels from one frame to the
     * next (the window's surface, or the headless one), as a rotation's target texture does:
     * a frame may then redraw only the zones that changed (compositor.c). A GPU renderer's
     * back buffer is undefined after a present, so it always gets whole frames. */
    SDL_RendererInfo info;
    p->keeps_output = SDL_GetRendererInfo(p->renderer, &info) == 0 &&
                      strcmp(info.name, "software") == 0 && !getenv("KIZUNA_WHOLE_FRAMES");
    /* Overscan: the frame is drawn inside equal margins; the margins stay black. */
    int mx = p->cfg.overscan_is_px ? p->cfg.overscan_px : (int)(p->out_w * p->cfg.overscan / 100);
    int my = p->cfg.overscan_is_px ? p->cfg.overscan_px : (int)(p->out_h * p->cfg.overscan / 100);
    if (2 * mx >= p->out_w || 2 * my >= p->out_h)
        mx = my = 0;
    p->inset = (SDL_Rect){mx, my, p->out_w - 2 * mx, p->out_h - 2 * my};
    p->w = (rot == 90 || rot == 270) ? p->inset.h : p->inset.w;
    p->h = (rot == 90 || rot == 270) ? p->inset.w : p->inset.h;
    if (rot) {
        p->rot_target = SDL_CreateTexture(p->renderer, SDL_PIXELFORMAT_ARGB8888,
                                          SDL_TEXTUREACCESS_TARGET, p->w, p->h);
        if (!p->rot_target) {
            kz_log(LOG, KZ_LOG_ERROR, "rotation %d: no render target (%s); showing unrotated",
                   rot, SDL_GetError());
            p->w = p->inset.w;
            p->h = p->inset.h;
        }
    }
    return 0;
}

/* Read back the frame and write it to fd (>= 0) or to path. */
static int screenshot(kz_player *p, int fd, const char *path)
{
    if (p->surface)
        return fd >= 0 ? kz_png_write_fd(fd, path, p->surface->pixels, p->surface->w,
                                         p->surface->h, p->surface->pitch)
                       : kz_png_write(path, p->surface->pixels, p->surface->w, p->surface->h,
                                      p->surface->pitch);
    int w = p->out_w, h = p->out_h;
    void *buf = malloc((size_t)w * h * 4);
    if (!buf)
        return -1;
    int rc = -1;
    if (SDL_RenderReadPixels(p->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, buf, w * 4) == 0)
        rc = fd >= 0 ? kz_png_write_fd(fd, path, buf, w, h, w * 4)
                     : kz_png_write(path, buf, w, h, w * 4);
    else
        kz_log(LOG, KZ_LOG_ERROR, "screenshot: %s", SDL_GetError());
    free(buf);
    return rc;
}

int kz_player_screenshot(kz_player *p, const char *path)
{
    return screenshot(p, -1, path);
}

int kz_player_screenshot_fd(kz_player *p, int fd, const char *name)
{
    return screenshot(p, fd, name);
}

static void drop_model(kz_player *p, kz_model *m)
{
    if (p->renderer) {
        for (size_t i = 0; i < m->n_items; i++)
            kz_host_release(&m->items[i]);
    }
    kz_captions_detach(m);
    kz_host_detach(m);
    kz_model_free(m);
}

int kz_player_reload(kz_player *p)
{
    kz_model nm;
    kz_log(LOG, KZ_LOG_INFO, "reloading playlists from %s", p->cfg.playlists);
    int problems = load_model(p, &nm);
    if (problems > 0) {
        kz_log(LOG, KZ_LOG_ERROR, "reload: %d problems (above); the last good playlists stay "
               "on air", problems);
        drop_model(p, &nm);
        return -1;
    }
    kz_layouts nl;
    if (kz_layouts_load(&nl, p->cfg.playlists) > 0) {
        kz_log(LOG, KZ_LOG_ERROR, "reload: layouts.ini has problems (above); the last good "
               "playlists and layouts stay on air");
        kz_layouts_free(&nl);
        drop_model(p, &nm);
        return -1;
    }
    kz_compositor_reset(p);
    drop_model(p, &p->model);
    p->model = nm;
    kz_layouts_free(&p->layouts);
    p->layouts = nl;
    return 0;
}

/* ---- the loop -------------------------------------------------------------------------- */

/* The longest the loop sleeps when nothing on screen changes: the control socket, the fleet
 * client, proof of play, hot reload and the watchdog are served at least this often. */
#define KZ_IDLE_POLL_US (100 * 1000)

/* The monotonic instant at which the picture drawn last changes (mono is now), at most
 * KZ_IDLE_POLL_US ahead. */
static kz_us next_change_mono(kz_player *p, kz_us mono)
{
    kz_us cap = mono + KZ_IDLE_POLL_US;
    if (!p->drawn.valid)
        return mono;
    if (p->drawn.until == KZ_CHANGE_NEVER || (p->clock.fixed && p->clock.speed <= 0))
        return cap;
    kz_us left = p->drawn.until - kz_clock_now(&p->clock);
    if (left <= 0)
        return mono;
    if (p->clock.fixed && p->clock.speed != 1)
        left = (kz_us)((double)left / p->clock.speed) + 1;
    return left < KZ_IDLE_POLL_US ? mono + left : cap;
}

int kz_player_run(kz_player *p)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    int hz = 60;
    SDL_DisplayMode dm;
    if (p->window && SDL_GetWindowDisplayMode(p->window, &dm) == 0 && dm.refresh_rate > 0)
        hz = dm.refresh_rate;
    const kz_us interval = KZ_US_PER_S / hz;
    kz_us next_tick = kz_now_mono();
    const kz_us deadline = p->opts.exit_after > 0
                               ? kz_now_mono() + (kz_us)(p->opts.exit_after * KZ_US_PER_S)
                               : 0;
    const kz_player_ops *ops = p->opts.ops;
    if (p->opts.fetch && p->fetcher)
        kz_fetcher_start(p->fetcher); /* the items registered their URLs while attaching */
    if (ops && ops->open)
        ops->open(p);
    /* Hot reload (watch.c): inotify on the playlists directory. */
    kz_watch *watch = p->opts.playlist_text ? NULL
                                            : kz_watch_open(p->cfg.playlists, KZ_WATCH_SETTLE);
    int vsync = 0;
    SDL_RendererInfo ri;
    if (SDL_GetRendererInfo(p->renderer, &ri) == 0)
        vsync = (ri.flags & SDL_RENDERER_PRESENTVSYNC) && getenv("SDL_VIDEODRIVER") == NULL;
    while (!sig_quit && !p->quit) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            if (ev.type == SDL_QUIT)
                p->quit = 1;
            else if (ev.type == SDL_KEYDOWN &&
                     (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q))
                p->quit = 1;
            else if (ev.type == SDL_WINDOWEVENT && (ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
                                                    ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                                                    ev.window.event == SDL_WINDOWEVENT_RESTORED))
                p->drawn.valid = 0; /* the window's pixels may be gone: draw it all again */
        }
        kz_watch_frame(watch, p);
        if (sig_reload || p->reload) {
            sig_reload = 0;
            p->reload = 0;
            kz_player_reload(p);
        }
        kz_us now = kz_clock_now(&p->clock);
        if (ops && ops->frame)
            ops->frame(p, now);
        /* The screen is a function of time: when the picture for now is the one on screen,
         * nothing is composed and nothing presented. */
        int drew = kz_player_changed(p, now);
        if (drew) {
            kz_player_draw(p, now);
            SDL_RenderPresent(p->renderer);
        } else {
            p->idle_turns++;
        }
        p->idle = !drew;
        const kz_slot *main_slot = kz_player_zone_slot(p, NULL);
        if (p->opts.exit_when_done && (!main_slot || !main_slot->item))
            break;
        kz_us mono = kz_now_mono();
        if (deadline && mono >= deadline)
            break;
        /* Sleep to the next display tick (without vsync: headless drivers pace themselves),
         * or longer, to the instant the picture next changes. */
        kz_us wake = mono;
        if (!vsync) {
            next_tick += interval;
            if (mono - next_tick > 10 * interval)
                next_tick = mono;
            wake = next_tick;
        }
        kz_us due = next_change_mono(p, mono);
        if (due > wake) {
            wake = due;
            next_tick = due; /* the tick grid starts again from the change */
        }
        if (deadline && wake > deadline)
            wake = deadline;
        if (wake > mono)
            SDL_Delay((Uint32)((wake - mono + 999) / 1000));
    }
    if (ops && ops->close)
        ops->close(p);
    kz_watch_close(&watch);
    kz_log_flush_repeats();
    double secs = (double)(kz_now_mono() - p->started_mono) / KZ_US_PER_S;
    kz_log(LOG, KZ_LOG_INFO, "stopped after %.1f s: %ld frames, %ld turns without a change, "
           "%ld slots, %ld failures", secs, p->frames, p->idle_turns, p->slots_started,
           p->slot_failures);
    return 0;
}

void kz_player_close(kz_player *p)
{
    kz_compositor_reset(p);
    if (p->intr.tex)
        SDL_DestroyTexture(p->intr.tex);
    if (p->standby_tex)
        SDL_DestroyTexture(p->standby_tex);
    drop_model(p, &p->model);
    kz_fetcher_free(&p->fetcher);
    if (p->rot_target)
        SDL_DestroyTexture(p->rot_target);
    if (p->renderer)
        SDL_DestroyRenderer(p->renderer);
    if (p->surface)
        SDL_FreeSurface(p->surface);
    if (p->window)
        SDL_DestroyWindow(p->window);
    kz_layouts_free(&p->layouts);
    kz_fonts_free(&p->fonts);
    kz_registry_free(&p->registry);
    if (p->env.content_fd > 0)
        close(p->env.content_fd);
    p->env.content_fd = 0;
    if (p->aired)
        fclose(p->aired);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    memset(p, 0, sizeof *p);
}
