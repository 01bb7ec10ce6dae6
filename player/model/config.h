/* player.ini: display, paths, time zone. Read with inih; unknown keys and bad values are
 * errors with file:line. Relative paths are relative to the directory of player.ini. */
#ifndef KZ_CONFIG_H
#define KZ_CONFIG_H
#include <limits.h>

#include "model/console_config.h"
#include "model/fleet_config.h"

enum kz_renderer_hint { KZ_RENDER_AUTO = 0, KZ_RENDER_SOFTWARE, KZ_RENDER_OPENGL,
                        KZ_RENDER_OPENGLES2 };

typedef struct kz_config {
    char path[PATH_MAX]; /* player.ini itself (absolute) */
    /* [display] */
    int width, height;   /* 0,0 = desktop resolution */
    int fullscreen;      /* default yes */
    int rotation;        /* 0, 90, 180, 270 (clockwise) */
    int renderer;        /* enum kz_renderer_hint */
    int vsync;           /* default yes */
    double overscan;     /* margin on every side, percent of the output (0..20) */
    int overscan_px;     /* or in pixels when overscan_is_px */
    int overscan_is_px;
    int display_index;   /* which display the window opens on (kizuna run --display N) */
    int wall_cols, wall_rows; /* video wall: this screen is one tile of COLSxROWS (1x1 = none) */
    int tile_col, tile_row;   /* which tile, from 0,0 at the top left */
    int bezel_px;        /* hidden pixels between neighbouring tiles (bezel compensation) */
    double screen_height_m;    /* height of the picture as seen (after rotation), metres; 0 =
                                * not given (kizuna check skips the character-height rule) */
    double viewing_distance_m; /* the longest distance the screen is meant to be read from */
    /* [paths], absolute after loading */
    char plugins[PATH_MAX];
    char playlists[PATH_MAX];
    char content[PATH_MAX];
    char fonts[PATH_MAX];
    char logs[PATH_MAX];
    char cache[PATH_MAX]; /* fetched feeds and data (fetch/cache.h); state, not logs */
    /* [player] */
    char timezone[64];   /* default Asia/Tokyo */
    char name[64];       /* screen name for logs, default "kizuna" */
    char standby_text[256]; /* shown when nothing is playable */
    /* [video] */
    char hwdec[16];      /* none (default), auto, vaapi, drm or v4l2m2m (docs/video.md) */
    long max_pixels;     /* pictures and videos above w x h pixels are refused undecoded */
    /* [fleet]: the MQTT client (fleet.h, docs/fleet.md) */
    kz_fleet_config fleet;
    /* [console]: the operator console (console_config.h, docs/console-api.md) */
    kz_console_config console;
} kz_config;

void kz_config_defaults(kz_config *c, const char *base_dir);
/* Returns the number of errors (each logged with file:line); 0 = good. A missing file is one
 * error. The struct is filled with defaults plus every good value either way. */
int kz_config_load(kz_config *c, const char *path);
int kz_config_load_string(kz_config *c, const char *text, const char *name, const char *base_dir);
/* --config F, else $KIZUNA_CONFIG, else ./playlists/player.ini, else /etc/kizuna/player.ini */
const char *kz_config_default_path(const char *arg);
#endif
