/* The player: one context for everything that lives while kizuna plays or renders. */
#ifndef KZ_PLAYER_H
#define KZ_PLAYER_H
#include <stdio.h>

#include "host/plugin_host.h"
#include "host/text.h"
#include "model/config.h"
#include "model/layout.h"
#include "model/playlist.h"
#include "model/schedule.h"

typedef struct kz_clock {
    int fixed;        /* 0: real time */
    kz_us start;      /* wall instant the clock starts at (--clock) */
    double speed;     /* 1 = real time, 0 = frozen, N = N times faster */
    kz_us mono0;      /* monotonic reading when the clock started */
} kz_clock;
kz_us kz_clock_now(const kz_clock *c);

typedef struct kz_player kz_player;

/* The operations layer as the player sees it: one const table that a command hands over in
 * kz_player_opts.ops (run and play give ops/ops.c's kz_ops_driver; render, plan and check
 * give none). Every callback may be NULL. open and close bracket kz_player_run; frame runs
 * once per frame before drawing; slot runs when a zone's on-air slot changes (ended may have
 * item NULL = standby; started likewise), with the outcome of the slot that ended. The
 * driver keeps its state in p->ops_state. This is the only way the player calls up. */
typedef struct kz_player_ops {
    const char *name;
    void (*open)(kz_player *p);
    void (*frame)(kz_player *p, kz_us now);
    void (*slot)(kz_player *p, const char *zone, const kz_slot *ended, int outcome,
                 const kz_slot *started, kz_us now);
    void (*close)(kz_player *p);
} kz_player_ops;

/* A gate every model passes when it loads (open and each reload), after the plugins are
 * attached: it may mark items unplayable and returns the number of problems it logged.
 * Commands pass checks/checks.h's kz_flash_gate. */
typedef int (*kz_model_gate)(kz_player *p, kz_model *m);

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
    int display;             /* --display N + 1 (0 = as player.ini says) */
    const kz_player_ops *ops; /* the operations driver, or NULL (static; not owned) */
    kz_model_gate gate;       /* run on every model loaded, or NULL */
    int fetch;                /* on air: kz_player_run starts the background fetcher */
} kz_player_opts;

/* An operator's emergency interrupt (kizuna ctl interrupt): a full-screen notice over
 * everything, until `until` (0 = until cleared). Drawn by the player; set by the control
 * socket or the fleet client. */
typedef struct kz_interrupt {
    int active;
    char text[2048];
    kz_us since, until;
    SDL_Texture *tex; /* rasterised once; owned by the player */
    int tex_w, tex_h;
} kz_interrupt;

/* Slot outcomes for proof of play. */
enum kz_outcome { KZ_AIRED_COMPLETED = 0, KZ_AIRED_INTERRUPTED, KZ_AIRED_FAILED };

/* One zone of the layout on screen. */
#define KZ_MAX_ZONES 16
typedef struct kz_zone_state {
    const kz_zone_def *def;  /* borrowed from the layouts */
    int sched_zone;          /* the schedule's zone of the same name, -1 = no playlist */
    SDL_Rect rect;           /* in the logical frame (may reach past it on a video wall) */
    SDL_Rect clip;           /* the part of rect on this screen; empty = nothing to draw */
    kz_slot cur, next;       /* on air and next */
    kz_item *on_air;         /* prepared and drawn */
    kz_item *prev_air;       /* the one before, kept prepared while a transition runs */
    SDL_Texture *tgt[2];     /* transition buffers (out, in), made on first use */
    const kz_item *covers;   /* this frame was not cleared: the item expected to cover it */
    int uncleared;
    kz_us until;             /* the zone's picture drawn last stays until this instant */
    int redraw;              /* this frame: drawn again (kz_player_draw's partial frames) */
} kz_zone_state;

/* The frame drawn last and what it depends on: it stays valid for at <= now < until as long
 * as the layout, the interrupt and the skipped slot are those it was drawn with (reloads
 * and layout changes reset it). */
typedef struct kz_drawn {
    int valid;
    kz_us at, until;           /* drawn for `at`; the earliest next change of any zone */
    const kz_layout *layout;
    int intr_active;
    kz_us intr_since;
    kz_slot skipped;
} kz_drawn;

struct kz_player {
    kz_config cfg;
    kz_player_opts opts;
    kz_registry registry;
    kz_fonts *fonts;
    kz_host_env env;
    struct kz_fetcher *fetcher; /* owned: fetched feeds and data ([paths] cache); its thread
                                 * runs only when opts.fetch (fetch/fetcher.h) */
    kz_model model;
    kz_clock clock;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Surface *surface;    /* headless target (render command) */
    SDL_Texture *rot_target; /* logical frame when the display is rotated */
    int out_w, out_h;        /* output size (the window / surface) */
    int w, h;                /* logical frame size (swapped for 90/270) */
    kz_layouts layouts;
    const kz_layout *layout; /* on screen */
    kz_zone_state zones[KZ_MAX_ZONES];
    int n_zones;
    SDL_Rect inset;          /* the output minus overscan margins */
    SDL_Texture *standby_tex;
    int standby_w, standby_h;
    volatile int quit, reload;
    long frames, slots_started, slot_failures;
    FILE *aired;             /* --aired: one line per slot that went on air, or NULL */
    kz_interrupt intr;
    kz_slot skipped;         /* kizuna ctl skip: this slot shows the standby until it ends */
    void *ops_state;         /* the operations driver's state (opts.ops), owned by it */
    kz_us started_mono;
    kz_drawn drawn;          /* the last frame composed (kz_player_changed) */
    int idle;                /* the run loop composed nothing in its last turn */
    long idle_turns;         /* turns of the run loop that composed nothing */
    int keeps_output;        /* the output keeps its pixels between frames (software renderer
                              * onto its surface): a frame may redraw only what changed */
    int zones_redrawn;       /* in the last frame */
};

/* Load config, plugins, fonts and playlists. Returns 0 or an exit code (2 usage, 1 error). */
int kz_player_open(kz_player *p, const kz_player_opts *o);
/* Create the window (or the headless surface) and the renderer. */
int kz_player_open_display(kz_player *p);
/* Draw the frame for instant now on the renderer (no present). */
int kz_player_draw(kz_player *p, kz_us now);
/* Whether the frame for now differs from the last one drawn: 1 when it must be drawn (and
 * presented), 0 when the picture on screen is already the one for now. */
int kz_player_changed(kz_player *p, kz_us now);
/* The run loop: present at the display rate until quit. Returns an exit code. */
int kz_player_run(kz_player *p);
/* Reload playlists (SIGHUP): a model replaces the running one only if it loads. */
int kz_player_reload(kz_player *p);
/* Read back the frame just drawn and write a PNG. */
int kz_player_screenshot(kz_player *p, const char *path);
/* The same into a descriptor the caller opened (ops/shots.h: a file the player named); name
 * is for messages. */
int kz_player_screenshot_fd(kz_player *p, int fd, const char *name);
void kz_player_close(kz_player *p);

/* Forget the zones on screen (before the model or layouts are replaced). */
void kz_compositor_reset(kz_player *p);
/* The slot on air in a zone (NULL zone: the first zone), or NULL when no such zone. */
const kz_slot *kz_player_zone_slot(const kz_player *p, const char *zone);

/* Set or clear the operator's interrupt (text NULL clears). */
void kz_player_interrupt(kz_player *p, const char *text, kz_us until, kz_us now);

#endif
