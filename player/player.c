/* The player: load everything, then draw frame = render(layout, schedule(model, now), now).
 * Nothing here keeps a playlist position: every frame asks the schedule what is on air. */
#include "player.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL2/SDL_ttf.h>

#include "log.h"
#include "png.h"
#include "timeutil.h"

#define LOG "player"
/* The next item is prepared this long before it is due (open, decode the first frame). */
#define KZ_PREPARE_AHEAD (2 * KZ_US_PER_S)

static volatile sig_atomic_t sig_quit, sig_reload;

__attribute__((weak)) void kz_hook_open(kz_player *p);
__attribute__((weak)) void kz_hook_frame(kz_player *p, kz_us now);
__attribute__((weak)) void kz_hook_slot(kz_player *p, const char *zone, const kz_slot *ended,
                                        int outcome, const kz_slot *started, kz_us now);
__attribute__((weak)) void kz_hook_close(kz_player *p);

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
    load_model(p, &p->model);
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
        p->window = SDL_CreateWindow("kizuna", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w,
                                     h, flags);
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
    p->w = (rot == 90 || rot == 270) ? p->out_h : p->out_w;
    p->h = (rot == 90 || rot == 270) ? p->out_w : p->out_h;
    if (rot) {
        p->rot_target = SDL_CreateTexture(p->renderer, SDL_PIXELFORMAT_ARGB8888,
                                          SDL_TEXTUREACCESS_TARGET, p->w, p->h);
        if (!p->rot_target) {
            kz_log(LOG, KZ_LOG_ERROR, "rotation %d: no render target (%s); showing unrotated",
                   rot, SDL_GetError());
            p->w = p->out_w;
            p->h = p->out_h;
        }
    }
    return 0;
}

/* ---- drawing --------------------------------------------------------------------------- */

static SDL_Texture *standby_tex;
static int standby_w, standby_h;

/* Never black: a calm slate background, the name of the screen and a message. */
static void draw_standby(kz_player *p)
{
    SDL_SetRenderDrawColor(p->renderer, 0x1c, 0x2a, 0x3a, 255);
    SDL_RenderClear(p->renderer);
    if (!standby_tex && p->fonts) {
        int small = p->w < p->h ? p->w : p->h;
        kz_text_style st = {.struct_size = sizeof st, .px = small / 14 > 12 ? small / 14 : 12,
                            .align = KZ_ALIGN_CENTER, .box_w = p->w * 9 / 10,
                            .color = {0xf0, 0xf4, 0xf8, 255}};
        SDL_Surface *s = kz_text_render(p->fonts, p->cfg.standby_text, &st);
        if (s) {
            standby_tex = SDL_CreateTextureFromSurface(p->renderer, s);
            standby_w = s->w;
            standby_h = s->h;
            SDL_FreeSurface(s);
        }
    }
    if (standby_tex) {
        SDL_Rect band = {0, (p->h - standby_h) / 2 - standby_h / 4, p->w,
                         standby_h + standby_h / 2};
        SDL_SetRenderDrawColor(p->renderer, 0x2e, 0x44, 0x5c, 255);
        SDL_RenderFillRect(p->renderer, &band);
        SDL_Rect dst = {(p->w - standby_w) / 2, (p->h - standby_h) / 2, standby_w, standby_h};
        SDL_RenderCopy(p->renderer, standby_tex, NULL, &dst);
    }
}

/* The operator's interrupt: white on deep red, as large as fits, over everything. */
static void draw_interrupt(kz_player *p)
{
    SDL_SetRenderDrawBlendMode(p->renderer, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(p->renderer, 0x9a, 0x00, 0x00, 255);
    SDL_RenderClear(p->renderer);
    if (!p->intr.tex && p->fonts) {
        kz_text_style st = {.struct_size = sizeof st, .px = 0, .min_px = 16, .bold = 1,
                            .align = KZ_ALIGN_CENTER, .box_w = p->w * 88 / 100,
                            .box_h = p->h * 80 / 100, .color = {255, 255, 255, 255}};
        SDL_Surface *s = kz_text_render(p->fonts, p->intr.text, &st);
        if (s) {
            p->intr.tex = SDL_CreateTextureFromSurface(p->renderer, s);
            p->intr.tex_w = s->w;
            p->intr.tex_h = s->h;
            SDL_FreeSurface(s);
        }
    }
    if (p->intr.tex) {
        SDL_Rect dst = {(p->w - p->intr.tex_w) / 2, (p->h - p->intr.tex_h) / 2, p->intr.tex_w,
                        p->intr.tex_h};
        SDL_RenderCopy(p->renderer, p->intr.tex, NULL, &dst);
    }
}

void kz_player_interrupt(kz_player *p, const char *text, kz_us until, kz_us now)
{
    if (p->intr.tex)
        SDL_DestroyTexture(p->intr.tex);
    p->intr.tex = NULL;
    if (!text) {
        if (p->intr.active)
            kz_log(LOG, KZ_LOG_INFO, "interrupt cleared");
        p->intr.active = 0;
        return;
    }
    snprintf(p->intr.text, sizeof p->intr.text, "%s", text);
    p->intr.active = 1;
    p->intr.since = now;
    p->intr.until = until;
    kz_log(LOG, KZ_LOG_INFO, "interrupt on air: %.80s", text);
}

static void set_on_air(kz_player *p, kz_item *it)
{
    if (p->on_air && p->on_air != it && p->on_air != p->next.item)
        kz_host_release(p->on_air);
    p->on_air = it;
}

int kz_player_draw(kz_player *p, kz_us now)
{
    SDL_Renderer *r = p->renderer;
    if (p->rot_target)
        SDL_SetRenderTarget(r, p->rot_target);
    /* Ask the schedule; an item that fails to prepare or render drops out of the model
     * (it->playable = 0) and the schedule is asked again, at most a few times a frame. */
    for (int attempt = 0; attempt < 4; attempt++) {
        kz_slot s;
        kz_schedule_at(&p->model, now, &s);
        if (s.item != p->cur.item || s.start != p->cur.start) {
            if (kz_hook_slot) {
                int outcome = !p->cur.item                  ? KZ_AIRED_COMPLETED
                              : !p->cur.item->playable      ? KZ_AIRED_FAILED
                              : now < p->cur.end            ? KZ_AIRED_INTERRUPTED
                                                            : KZ_AIRED_COMPLETED;
                kz_hook_slot(p, "main", &p->cur, outcome, &s, now);
            }
            if (p->aired && s.item) {
                char a[40], b[40];
                kz_time_format(s.start, a, sizeof a);
                kz_time_format(s.end, b, sizeof b);
                fprintf(p->aired, "%s\t%s\t%s\n", a, b, s.item->id);
                fflush(p->aired);
            }
            p->cur = s;
            p->slots_started++;
            kz_schedule_next(&p->model, &p->cur, &p->next);
        }
        kz_item *it = (kz_item *)s.item;
        if (!it || (it == p->skipped.item && s.start == p->skipped.start)) {
            set_on_air(p, NULL);
            draw_standby(p);
            break;
        }
        if (kz_host_prepare(it, r) != KZ_OK) {
            p->slot_failures++;
            continue;
        }
        set_on_air(p, it);
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderClear(r);
        SDL_Rect rect = {0, 0, p->w, p->h};
        int rc = kz_host_render(it, r, &rect, s.start, now - s.start);
        if (rc < 0) {
            p->slot_failures++;
            continue;
        }
        if (rc == KZ_FINISHED)
            draw_standby(p); /* ended early: standby until the slot ends, never black */
        break;
    }
    if (p->intr.active && p->intr.until && now >= p->intr.until)
        kz_player_interrupt(p, NULL, 0, now);
    if (p->intr.active)
        draw_interrupt(p);
    /* Gapless: prepare what comes next while the current item plays. */
    kz_item *nx = (kz_item *)p->next.item;
    if (nx && nx != p->on_air && p->next.start - now <= KZ_PREPARE_AHEAD)
        kz_host_prepare(nx, r);
    if (p->rot_target) {
        SDL_SetRenderTarget(r, NULL);
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderClear(r);
        SDL_Rect dst = {(p->out_w - p->w) / 2, (p->out_h - p->h) / 2, p->w, p->h};
        SDL_RenderCopyEx(r, p->rot_target, NULL, &dst, p->cfg.rotation, NULL, SDL_FLIP_NONE);
    }
    p->frames++;
    return 0;
}

int kz_player_screenshot(kz_player *p, const char *path)
{
    if (p->surface)
        return kz_png_write(path, p->surface->pixels, p->surface->w, p->surface->h,
                            p->surface->pitch);
    int w = p->out_w, h = p->out_h;
    void *buf = malloc((size_t)w * h * 4);
    if (!buf)
        return -1;
    int rc = -1;
    if (SDL_RenderReadPixels(p->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, buf, w * 4) == 0)
        rc = kz_png_write(path, buf, w, h, w * 4);
    else
        kz_log(LOG, KZ_LOG_ERROR, "screenshot: %s", SDL_GetError());
    free(buf);
    return rc;
}

static void drop_model(kz_player *p, kz_model *m)
{
    if (p->renderer) {
        for (size_t i = 0; i < m->n_items; i++)
            kz_host_release(&m->items[i]);
    }
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
    p->on_air = NULL;
    memset(&p->cur, 0, sizeof p->cur);
    memset(&p->next, 0, sizeof p->next);
    drop_model(p, &p->model);
    p->model = nm;
    return 0;
}

/* ---- the loop -------------------------------------------------------------------------- */

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
    if (kz_hook_open)
        kz_hook_open(p);
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
        }
        if (sig_reload || p->reload) {
            sig_reload = 0;
            p->reload = 0;
            kz_player_reload(p);
        }
        kz_us now = kz_clock_now(&p->clock);
        if (kz_hook_frame)
            kz_hook_frame(p, now);
        kz_player_draw(p, now);
        SDL_RenderPresent(p->renderer);
        if (p->opts.exit_when_done && !p->cur.item)
            break;
        kz_us mono = kz_now_mono();
        if (deadline && mono >= deadline)
            break;
        if (!vsync) {
            /* No vsync (headless drivers): pace to the display rate ourselves. */
            next_tick += interval;
            if (next_tick > mono)
                SDL_Delay((Uint32)((next_tick - mono) / 1000));
            else if (mono - next_tick > 10 * interval)
                next_tick = mono;
        }
    }
    if (kz_hook_close)
        kz_hook_close(p);
    kz_log_flush_repeats();
    double secs = (double)(kz_now_mono() - p->started_mono) / KZ_US_PER_S;
    kz_log(LOG, KZ_LOG_INFO, "stopped after %.1f s: %ld frames, %ld slots, %ld failures", secs,
           p->frames, p->slots_started, p->slot_failures);
    return 0;
}

void kz_player_close(kz_player *p)
{
    if (p->intr.tex)
        SDL_DestroyTexture(p->intr.tex);
    drop_model(p, &p->model);
    if (standby_tex) {
        SDL_DestroyTexture(standby_tex);
        standby_tex = NULL;
    }
    if (p->rot_target)
        SDL_DestroyTexture(p->rot_target);
    if (p->renderer)
        SDL_DestroyRenderer(p->renderer);
    if (p->surface)
        SDL_FreeSurface(p->surface);
    if (p->window)
        SDL_DestroyWindow(p->window);
    kz_fonts_free(&p->fonts);
    kz_registry_free(&p->registry);
    if (p->aired)
        fclose(p->aired);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    memset(p, 0, sizeof *p);
}
