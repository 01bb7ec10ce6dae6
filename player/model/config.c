/* player.ini. Every key is known here; an unknown key or a bad value is an error with
 * file:line, and the default stays in force for that key. */
#include "model/config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/inifile.h"
#include "base/log.h"
#include "base/params.h"
#include "base/png.h"

#define LOG "config"

void kz_config_defaults(kz_config *c, const char *base_dir)
{
    memset(c, 0, sizeof *c);
    c->fullscreen = 1;
    c->vsync = 1;
    c->renderer = KZ_RENDER_AUTO;
    c->wall_cols = c->wall_rows = 1;
    const char *b = base_dir ? base_dir : ".";
    snprintf(c->plugins, sizeof c->plugins, "%s/../build/plugins", b);
    snprintf(c->playlists, sizeof c->playlists, "%s", b);
    snprintf(c->content, sizeof c->content, "%s/../build/content", b);
    snprintf(c->fonts, sizeof c->fonts, "%s/../fonts/fonts.ini", b);
    snprintf(c->logs, sizeof c->logs, "%s/../build/logs", b);
    snprintf(c->cache, sizeof c->cache, "%s/../build/cache", b);
    snprintf(c->timezone, sizeof c->timezone, "Asia/Tokyo");
    c->max_pixels = KZ_MAX_PIXELS_DEFAULT;
    snprintf(c->hwdec, sizeof c->hwdec, "none");
    snprintf(c->name, sizeof c->name, "kizuna");
    snprintf(c->standby_text, sizeof c->standby_text, "しばらくお待ちください\nPlease wait");
    kz_fleet_config_defaults(&c->fleet);
    kz_console_config_defaults(&c->console);
}

typedef struct ctx {
    kz_config *c;
    const char *file;
    const char *base;
    int errors;
} ctx;

static void bad(ctx *x, int line, const char *sec, const char *key, const char *why,
                const char *val)
{
    kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s = %s: %s", x->file, line, sec, key, val, why);
    x->errors++;
}

static void set_path(ctx *x, char *dst, size_t n, const char *v)
{
    if (v[0] == '/')
        snprintf(dst, n, "%s", v);
    else
        snprintf(dst, n, "%s/%s", x->base, v);
}

static void on_key(void *user, const char *sec, int sec_line, const char *key, const char *val,
                   int line)
{
    ctx *x = user;
    kz_config *c = x->c;
    int b;
    if (!strcmp(sec, "display")) {
        if (!strcmp(key, "size")) {
            if (!strcmp(val, "auto") || !strcmp(val, "desktop"))
                c->width = c->height = 0;
            else if (kz_parse_size(val, &c->width, &c->height))
                bad(x, line, sec, key, "expected WIDTHxHEIGHT (e.g. 1920x1080) or auto", val);
        } else if (!strcmp(key, "fullscreen")) {
            if (kz_parse_bool(val, &b))
                bad(x, line, sec, key, "expected yes or no", val);
            else
                c->fullscreen = b;
        } else if (!strcmp(key, "vsync")) {
            if (kz_parse_bool(val, &b))
                bad(x, line, sec, key, "expected yes or no", val);
            else
                c->vsync = b;
        } else if (!strcmp(key, "rotation")) {
            long r;
            if (kz_parse_long(val, &r) || (r != 0 && r != 90 && r != 180 && r != 270))
                bad(x, line, sec, key, "expected 0, 90, 180 or 270", val);
            else
                c->rotation = (int)r;
        } else if (!strcmp(key, "overscan")) {
            double v;
            char *end;
            v = strtod(val, &end);
            while (*end == ' ')
                end++;
            if (end != val && !strcmp(end, "%") && v >= 0 && v <= 20) {
                c->overscan = v;
                c->overscan_is_px = 0;
            } else if (end != val && (!strcmp(end, "px") || !*end) && v >= 0 && v <= 500) {
                c->overscan_px = (int)v;
                c->overscan_is_px = 1;
            } else {
                bad(x, line, sec, key, "expected a margin such as 2.5% (up to 20%) or 24px", val);
            }
        } else if (!strcmp(key, "wall")) {
            char *end;
            long cols = strtol(val, &end, 10), rows = 0;
            if (*end == 'x' || *end == 'X')
                rows = strtol(end + 1, &end, 10);
            if (*end || cols < 1 || rows < 1 || cols > 16 || rows > 16) {
                bad(x, line, sec, key, "expected COLSxROWS, e.g. 2x1 (up to 16x16)", val);
            } else {
                c->wall_cols = (int)cols;
                c->wall_rows = (int)rows;
            }
        } else if (!strcmp(key, "tile")) {
            char *end;
            long col = strtol(val, &end, 10), row = -1;
            if (*end == ',')
                row = strtol(end + 1, &end, 10);
            if (*end || col < 0 || row < 0 || col > 15 || row > 15) {
                bad(x, line, sec, key, "expected COL,ROW from 0, e.g. 1,0", val);
            } else {
                c->tile_col = (int)col;
                c->tile_row = (int)row;
            }
        } else if (!strcmp(key, "bezel")) {
            char *end;
            long v = strtol(val, &end, 10);
            if (end == val || (strcmp(end, "px") && *end) || v < 0 || v > 1000)
                bad(x, line, sec, key, "expected the hidden width between tiles in pixels, "
                    "e.g. 40px", val);
            else
                c->bezel_px = (int)v;
        } else if (!strcmp(key, "display")) {
            long d;
            if (kz_parse_long(val, &d) || d < 0 || d > 15)
                bad(x, line, sec, key, "expected a display number from 0 to 15", val);
            else
                c->display_index = (int)d;
        } else if (!strcmp(key, "renderer")) {
            int e;
            if (kz_parse_enum(val, "auto|software|opengl|opengles2", &e))
                bad(x, line, sec, key, "expected auto, software, opengl or opengles2", val);
            else
                c->renderer = e;
        } else if (!strcmp(key, "screen_height_m") || !strcmp(key, "viewing_distance_m")) {
            /* Physical size, for the legibility checks of kizuna check (accessibility.md). */
            double v;
            int is_h = key[0] == 's';
            if (kz_parse_double(val, &v) || v <= 0 || v > (is_h ? 50 : 500))
                bad(x, line, sec, key, is_h ? "expected the picture's height in metres, e.g. 0.68"
                                            : "expected metres, e.g. 4", val);
            else if (is_h)
                c->screen_height_m = v;
            else
                c->viewing_distance_m = v;
        } else {
            bad(x, line, sec, key,
                "unknown key (size, fullscreen, rotation, overscan, display, wall, tile, bezel, "
                "renderer, vsync, screen_height_m, viewing_distance_m)", val);
        }
    } else if (!strcmp(sec, "paths")) {
        if (!*val)
            bad(x, line, sec, key, "empty path", val);
        else if (!strcmp(key, "plugins"))
            set_path(x, c->plugins, sizeof c->plugins, val);
        else if (!strcmp(key, "playlists"))
            set_path(x, c->playlists, sizeof c->playlists, val);
        else if (!strcmp(key, "content"))
            set_path(x, c->content, sizeof c->content, val);
        else if (!strcmp(key, "fonts"))
            set_path(x, c->fonts, sizeof c->fonts, val);
        else if (!strcmp(key, "logs"))
            set_path(x, c->logs, sizeof c->logs, val);
        else if (!strcmp(key, "cache"))
            set_path(x, c->cache, sizeof c->cache, val);
        else
            bad(x, line, sec, key, "unknown key (plugins, playlists, content, fonts, logs, "
                "cache)", val);
    } else if (!strcmp(sec, "player")) {
        if (!strcmp(key, "timezone")) {
            if (strlen(val) >= sizeof c->timezone || !*val)
                bad(x, line, sec, key, "expected an IANA zone such as Asia/Tokyo", val);
            else
                snprintf(c->timezone, sizeof c->timezone, "%s", val);
        } else if (!strcmp(key, "name")) {
            snprintf(c->name, sizeof c->name, "%s", val);
        } else if (!strcmp(key, "standby_text")) {
            snprintf(c->standby_text, sizeof c->standby_text, "%s", val);
        } else if (!strcmp(key, "max_pixels")) {
            /* 1 Mpx .. 16384 x 16384: one picture's pixels, the bound of its memory */
            long v;
            if (kz_parse_long(val, &v) || v < 1000000L || v > 16384L * 16384L)
                bad(x, line, sec, key, "expected a pixel count from 1000000 to 268435456, "
                    "e.g. 40000000", val);
            else
                c->max_pixels = v;
        } else {
            bad(x, line, sec, key, "unknown key (timezone, name, standby_text, max_pixels)", val);
        }
    } else if (!strcmp(sec, "video")) {
        /* Hardware decoding for every video item of this screen: a property of the box, not
         * of a clip, so it lives here rather than in playlists (docs/video.md). */
        static const char *const hw[] = {"none", "auto", "vaapi", "drm", "v4l2m2m"};
        int ok = 0;
        for (size_t i = 0; !strcmp(key, "hwdec") && i < sizeof hw / sizeof hw[0]; i++)
            if (!strcmp(val, hw[i])) {
                snprintf(c->hwdec, sizeof c->hwdec, "%s", val);
                ok = 1;
            }
        if (strcmp(key, "hwdec"))
            bad(x, line, sec, key, "unknown key (hwdec)", val);
        else if (!ok)
            bad(x, line, sec, key, "expected none, auto, vaapi, drm or v4l2m2m", val);
    } else if (!strcmp(sec, "fleet")) {
        char why[300];
        if (kz_fleet_config_key(&c->fleet, key, val, x->base, why, sizeof why))
            bad(x, line, sec, key, why, val);
    } else if (!strcmp(sec, "console")) {
        char why[300];
        if (kz_console_config_key(&c->console, key, val, x->base, why, sizeof why))
            bad(x, line, sec, key, why, val);
        else if (!strcmp(key, "tls_cert"))
            c->console.tls_cert_line = line;
        else if (!strcmp(key, "tls_key"))
            c->console.tls_key_line = line;
    } else {
        bad(x, line, sec, key, "unknown section (display, paths, player, video, fleet, console)",
            val);
    }
}

/* A [section] or key given twice: the first counts, the repeat is an error. */
static void on_repeat(void *user, const char *section, const char *key, int line, int first)
{
    ctx *x = user;
    char why[300];
    kz_ini_repeat_text(why, sizeof why, section, key, first);
    kz_log(LOG, KZ_LOG_ERROR, "%s:%d: %s", x->file, line, why);
    x->errors++;
}

/* Checks across keys, once everything is read. */
static void check_all(ctx *x)
{
    kz_config *c = x->c;
    if (c->tile_col >= c->wall_cols || c->tile_row >= c->wall_rows) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: [display] tile = %d,%d is outside the %dx%d wall; using "
               "0,0", x->file, c->tile_col, c->tile_row, c->wall_cols, c->wall_rows);
        c->tile_col = c->tile_row = 0;
        x->errors++;
    }
}

static void resolve_all(kz_config *c)
{
    char tmp[PATH_MAX];
    char *paths[] = {c->plugins, c->playlists, c->content, c->fonts, c->logs, c->cache};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (realpath(paths[i], tmp))
            snprintf(paths[i], PATH_MAX, "%s", tmp);
}

int kz_config_load_string(kz_config *c, const char *text, const char *name, const char *base)
{
    ctx x = {.c = c, .file = name, .base = base};
    kz_config_defaults(c, base);
    int rc = kz_ini_parse_string_rep(text, strlen(text), on_key, on_repeat, &x, 0);
    if (rc > 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: syntax error: expected [section] or key = value", name,
               rc);
        x.errors++;
    }
    check_all(&x);
    return x.errors;
}

int kz_config_load(kz_config *c, const char *path)
{
    char abs[PATH_MAX], dir[PATH_MAX];
    if (!realpath(path, abs)) {
        kz_config_defaults(c, ".");
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot open: %m", path);
        return 1;
    }
    snprintf(dir, sizeof dir, "%s", abs);
    ctx x = {.c = c, .file = path, .base = dirname(dir)};
    kz_config_defaults(c, x.base);
    snprintf(c->path, sizeof c->path, "%s", abs);
    int rc = kz_ini_parse_file_rep(abs, on_key, on_repeat, &x, 0);
    if (rc == KZ_INI_NOT_REGULAR) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:0: %s", path, KZ_INI_NOT_REGULAR_WHY);
        x.errors++;
    } else if (rc < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read: %m", path);
        x.errors++;
    } else if (rc > 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: syntax error: expected [section] or key = value", path,
               rc);
        x.errors++;
    }
    check_all(&x);
    resolve_all(c);
    char why[300];
    if (kz_fleet_config_check(&c->fleet, why, sizeof why)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: [fleet]: %s", path, why);
        x.errors++;
    }
    /* Environment overrides for tests and packaging. */
    const char *pl = getenv("KIZUNA_PLUGINS");
    if (pl && *pl && !realpath(pl, c->plugins))
        snprintf(c->plugins, sizeof c->plugins, "%s", pl);
    return x.errors;
}

const char *kz_config_default_path(const char *arg)
{
    if (arg && *arg)
        return arg;
    const char *e = getenv("KIZUNA_CONFIG");
    if (e && *e)
        return e;
    if (access("playlists/player.ini", R_OK) == 0)
        return "playlists/player.ini";
    return "/etc/kizuna/player.ini";
}
