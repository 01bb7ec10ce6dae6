/* The player: one context for everything that lives while kizuna plays or renders. */
#ifndef KZ_PLAYER_H
#define KZ_PLAYER_H
#include <stdio.h>

#include "config.h"
#include "playlist.h"
#include "plugin_host.h"
#include "schedule.h"
#include "text.h"

typedef struct kz_clock {
    int fixed;        /* 0: real time */
    kz_us start;      /* wall instant the clock starts at (--clock) */
    double speed;     /* 1 = real time, 0 = frozen, N = N times faster */
    kz_us mono0;      /* monotonic reading when the clock started */
} kz_clock;
kz_us kz_clock_now(const kz_clock *c);

typedef struct kz_player_opts {
    const char *config;      /* path or NULL (default search) */
    int has_clock;           /* --clock given */
    kz_us clock_start;
    double speed;            /* --speed, default 1 */
    double exit_after;       /* --exit-after seconds of real time, 0 = never */
    int width, height;       /* --size, 0 = config / desktop */
    int windowed;            /* --windowed */
    int headless;            /* no window: render into a surface (render command) */
    const char *playlist_text; /* instead of the playlists dir: one in-memory playlist */
    const char *content_root;  /* override [paths] content */
    int exit_when_done;      /* kizuna play: quit when the timeline has nothing left */
    int stats;               /* print statistics at exit */
} kz_player_opts;

typedef struct kz_player {
    kz_config cfg;
    kz_player_opts opts;
    kz_registry registry;
    kz_fonts *fonts;
    kz_host_env env;
    kz_model model;
    kz_clock clock;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Surface *surface;    /* headless target (render command) */
    SDL_Texture *rot_target; /* logical frame when the display is rotated */
    int out_w, out_h;        /* output size (the window / surface) */
    int w, h;                /* logical frame size (swapped for 90/270) */
    kz_slot cur, next;       /* on air and prepared next */
    kz_item *on_air;         /* the prepared item currently drawn */
    volatile int quit, reload;
    long frames, slots_started, slot_failures;
    FILE *aired;             /* --aired: one line per slot that went on air, or NULL */
    kz_us started_mono;
} kz_player;

/* Load config, plugins, fonts and playlists. Returns 0 or an exit code (2 usage, 1 error). */
int kz_player_open(kz_player *p, const kz_player_opts *o);
/* Create the window (or the headless surface) and the renderer. */
int kz_player_open_display(kz_player *p);
/* Draw the frame for instant now on the renderer (no present). */
int kz_player_draw(kz_player *p, kz_us now);
/* The run loop: present at the display rate until quit. Returns an exit code. */
int kz_player_run(kz_player *p);
/* Reload playlists (SIGHUP): a model replaces the running one only if it loads. */
int kz_player_reload(kz_player *p);
/* Read back the frame just drawn and write a PNG. */
int kz_player_screenshot(kz_player *p, const char *path);
void kz_player_close(kz_player *p);
#endif
