/* kizuna flash FILE|DIR... [--format text|csv|json] [--profile default|jp]
 *              [--config player.ini | --screen-height M --viewing-distance M]
 * Photosensitive flash and pattern analysis of clips. Exit 0 pass, 1 fail, 3 warn, 2 usage,
 * 4 unreadable file (several clips: 1 if any fails, else 4, else 3, else 0). The rules are in
 * docs/accessibility.md. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/textout.h"
#include "checks/flash.h"
#include "cmd/commands.h"
#include "model/config.h"

enum { FMT_TEXT, FMT_CSV, FMT_JSON };

static void usage(FILE *f)
{
    fprintf(f, "usage: kizuna flash FILE|DIR... [--format text|csv|json] [--profile default|jp]\n"
               "                    [--config player.ini | --screen-height M --viewing-distance M]\n"
               "  Photosensitive flash, red-flash and regular-pattern analysis of clips.\n"
               "  text: verdict and the worst windows; csv: one line per frame (one clip);\n"
               "  json: both (one line per clip). A folder: every video file in it.\n"
               "  Screen height and viewing distance ([display] screen_height_m and\n"
               "  viewing_distance_m of --config) apply the area limit to the 10-degree field.\n"
               "  exit: 0 pass, 1 fail, 3 warn, 2 usage, 4 unreadable file\n");
}

/* 83.5 -> "01:23.500" */
static const char *stamp(double t, char *buf, size_t n)
{
    if (t < 0)
        t = 0;
    long ms = (long)(t * 1000 + 0.5);
    long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60;
    if (h)
        snprintf(buf, n, "%ld:%02ld:%02ld.%03ld", h, m, s, ms % 1000);
    else
        snprintf(buf, n, "%02ld:%02ld.%03ld", m, s, ms % 1000);
    return buf;
}

/* The area rule in words, for the reports. */
static void area_rule(const kz_flash_opts *o, const kz_flash_report *r, char *buf, size_t n)
{
    if (r->field_w == r->grid_w && r->field_h == r->grid_h && !(o->screen_height_m > 0 &&
                                                                 o->viewing_distance_m > 0))
        snprintf(buf, n, "25 %% of the whole screen (no screen height and viewing distance)");
    else if (r->field_w == r->grid_w && r->field_h == r->grid_h)
        snprintf(buf, n, "25 %% of the whole screen (the 10-degree field at %.1f m covers all "
                 "of a %.2f m high screen)", o->viewing_distance_m, o->screen_height_m);
    else
        snprintf(buf, n, "25 %% of any 10-degree field: %dx%d of the %dx%d cells (%.2f m high "
                 "screen seen from %.1f m)", r->field_w, r->field_h, r->grid_w, r->grid_h,
                 o->screen_height_m, o->viewing_distance_m);
}

static void print_text(FILE *f, const char *path, const kz_flash_opts *o,
                       const kz_flash_report *r)
{
    char a[32], b[32], rule[200];
    area_rule(o, r, rule, sizeof rule);
    fprintf(f, "file:        %s\n", path);
    fprintf(f, "video:       %dx%d, %zu frames, %.3f s (analysed on a %dx%d grid)\n", r->width,
            r->height, r->n_frames, r->duration, r->grid_w, r->grid_h);
    fprintf(f, "profile:     %s\n", r->profile->name);
    fprintf(f, "luminance:   %d transitions, at most %d in one second (window ending %s)\n",
            r->lum_transitions, r->max_lum, stamp(r->max_lum_at, a, sizeof a));
    fprintf(f, "red:         %d transitions, at most %d in one second (window ending %s)\n",
            r->red_transitions, r->max_red, stamp(r->max_red_at, b, sizeof b));
    fprintf(f, "area rule:   %s\n", rule);
    fprintf(f, "near limit:  luminance %.2f s, red %.2f s at most within %.0f s (extended "
               "failure from %.1f s of either)\n",
            r->max_lum_extended, r->max_red_extended, r->profile->ext_window,
            r->profile->ext_seconds);
    fprintf(f, "patterns:    %d frames with regular stripes over the area limit (largest %.0f "
               "%%)\n",
            r->pattern_frames, r->max_pattern_area * 100);
    fprintf(f, "result:      %s: %s\n", kz_flash_verdict_name(r->verdict), r->reason);
    if (r->n_windows) {
        fprintf(f, "worst windows:\n");
        for (int i = 0; i < r->n_windows; i++) {
            const kz_flash_window *w = &r->windows[i];
            fprintf(f, "  %s - %s  %-4s  luminance %d/s, red %d/s  %s\n",
                    stamp(w->start, a, sizeof a), stamp(w->end, b, sizeof b),
                    kz_flash_verdict_name(w->verdict), w->lum, w->red, w->rule);
        }
    }
}

/* One line per frame. Column names follow IRIS's CSV where a column means the same (the
 * mapping is in docs/accessibility.md, "Audit output"). */
static void print_csv(FILE *f, const kz_flash_report *r)
{
    fprintf(f, "Frame,TimeStamp,Time,AverageLuminance,FlashAreaLuminance,LumRisingArea,"
               "LumFallingArea,LumTransition,LuminanceTransitions,LumNearLimitSeconds,"
               "LuminanceExtendedFail,LuminanceFrameResult,AverageRed,FlashAreaRed,"
               "RedRisingArea,RedFallingArea,RedTransition,RedTransitions,RedNearLimitSeconds,"
               "RedExtendedFail,RedFrameResult,PatternArea,PatternDetectedLines,"
               "PatternFrameResult,Verdict\n");
    for (size_t i = 0; i < r->n_frames && r->frames; i++) {
        const kz_flash_frame *x = &r->frames[i];
        long ms = (long)(x->t * 1000 + 0.5);
        fprintf(f, "%zu,%02ld:%02ld:%02ld.%03ld,%.4f,%.6f,%.2f%%,%.2f%%,%.2f%%,%d,%d,%.3f,%d,%d,"
                   "%.6f,%.2f%%,%.2f%%,%.2f%%,%d,%d,%.3f,%d,%d,%.2f%%,%d,%d,%s\n",
                i, ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000, x->t, x->lum,
                x->lum_area * 100, x->lum_up * 100, x->lum_down * 100, x->lum_tr, x->lum_count,
                x->lum_near, x->lum_extended, x->lum_verdict, x->red, x->red_area * 100,
                x->red_up * 100, x->red_down * 100, x->red_tr, x->red_count, x->red_near,
                x->red_extended, x->red_verdict, x->pattern ? x->pattern_area * 100 : 0.0,
                x->pattern_pairs, x->pattern_verdict, kz_flash_verdict_name(x->verdict));
    }
}

static void print_json(FILE *f, const char *path, const kz_flash_opts *o,
                       const kz_flash_report *r)
{
    char rule[200];
    area_rule(o, r, rule, sizeof rule);
    fprintf(f, "{\"file\":");
    kz_json_str(f, path);
    fprintf(f, ",\"area_rule\":");
    kz_json_str(f, rule);
    fprintf(f, ",\"field\":[%d,%d],\"lum_near_limit_seconds\":%.4f,"
               "\"red_near_limit_seconds\":%.4f,\"pattern_frames\":%d,"
               "\"max_pattern_area\":%.4f",
            r->field_w, r->field_h, r->max_lum_extended, r->max_red_extended,
            r->pattern_frames, r->max_pattern_area);
    fprintf(f, ",\"profile\":\"%s\",\"width\":%d,\"height\":%d,\"grid\":[%d,%d],"
               "\"frames\":%zu,\"duration\":%.4f,",
            r->profile->name, r->width, r->height, r->grid_w, r->grid_h, r->n_frames,
            r->duration);
    fprintf(f, "\"verdict\":\"%s\",\"reason\":", kz_flash_verdict_name(r->verdict));
    kz_json_str(f, r->reason);
    fprintf(f, ",\"luminance\":{\"transitions\":%d,\"max_per_second\":%d,\"at\":%.4f},"
               "\"red\":{\"transitions\":%d,\"max_per_second\":%d,\"at\":%.4f},"
               "\"max_near_limit_seconds\":%.4f,\"windows\":[",
            r->lum_transitions, r->max_lum, r->max_lum_at, r->red_transitions, r->max_red,
            r->max_red_at, r->max_extended);
    for (int i = 0; i < r->n_windows; i++) {
        const kz_flash_window *w = &r->windows[i];
        fprintf(f, "%s{\"start\":%.4f,\"end\":%.4f,\"verdict\":\"%s\",\"luminance\":%d,"
                   "\"red\":%d,\"rule\":",
                i ? "," : "", w->start, w->end, kz_flash_verdict_name(w->verdict), w->lum,
                w->red);
        kz_json_str(f, w->rule);
        fputc('}', f);
    }
    fprintf(f, "],\"per_frame\":{\"columns\":[\"time\",\"luminance\",\"red\","
               "\"lum_transition\",\"red_transition\",\"lum_per_second\",\"red_per_second\","
               "\"extended\",\"lum_area\",\"red_area\",\"pattern\",\"verdict\"],\"rows\":[");
    for (size_t i = 0; i < r->n_frames && r->frames; i++) {
        const kz_flash_frame *x = &r->frames[i];
        fprintf(f, "%s[%.4f,%.4f,%.2f,%d,%d,%d,%d,%d,%.4f,%.4f,%d,\"%s\"]", i ? "," : "",
                x->t, x->lum, x->red, x->lum_tr, x->red_tr, x->lum_count, x->red_count,
                x->extended, x->lum_area, x->red_area, x->pattern,
                kz_flash_verdict_name(x->verdict));
    }
    fprintf(f, "]}}\n");
}

static int option(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n))
        return 0;
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n])
        return 0;
    if (*i + 1 >= argc) {
        *val = NULL;
        return 1;
    }
    *val = argv[++*i];
    return 1;
}

/* ---- several clips ---- */

typedef struct clips {
    char **path; /* owned */
    size_t n, cap;
} clips;

static int clips_add(clips *c, const char *path)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **np = realloc(c->path, cap * sizeof *np);
        if (!np)
            return -1;
        c->path = np;
        c->cap = cap;
    }
    if (!(c->path[c->n] = strdup(path)))
        return -1;
    c->n++;
    return 0;
}

static void clips_free(clips *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->path[i]);
    free(c->path);
    memset(c, 0, sizeof *c);
}

static int is_video_name(const char *name)
{
    static const char *const ext[] = {"mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg",
                                      "ts", "mts", "m2ts", "wmv", "flv", "ogv", "y4m", "gif",
                                      NULL};
    const char *dot = strrchr(name, '.');
    if (!dot || name[0] == '.')
        return 0;
    for (int i = 0; ext[i]; i++)
        if (!strcasecmp(dot + 1, ext[i]))
            return 1;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's video files (not its subfolders), sorted by name. */
static int clips_add_dir(clips *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t from = c->n;
    struct dirent *e;
    char path[PATH_MAX];
    int rc = 0;
    while ((e = readdir(d))) {
        struct stat st;
        if (!is_video_name(e->d_name))
            continue;
        size_t dl = strlen(dir);
        snprintf(path, sizeof path, "%.*s/%s", (int)(dl > 1 && dir[dl - 1] == '/' ? dl - 1 : dl), dir,
                 e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && clips_add(c, path) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    qsort(c->path + from, c->n - from, sizeof *c->path, by_name);
    return rc;
}

/* The progress bar: stderr, only on a terminal. */
typedef struct progress {
    size_t i, n;
    const char *name;
} progress;

static void progress_draw(void *ctx, double done)
{
    const progress *p = ctx;
    const int width = 30;
    double all = (p->i + done) / (double)p->n;
    int fill = (int)(all * width + 0.5);
    const char *name = strrchr(p->name, '/') ? strrchr(p->name, '/') + 1 : p->name;
    fprintf(stderr, "\r[%.*s%*s] %3.0f %%  %zu/%zu %-32.32s", fill,
            "==============================", width - fill, "", all * 100, p->i + 1, p->n,
            name);
    fflush(stderr);
}

static void progress_clear(void)
{
    fprintf(stderr, "\r%*s\r", 90, "");
    fflush(stderr);
}

static int metres(const char *opt, const char *v, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x > 0 && x < 1000)) {
        fprintf(stderr, "kizuna flash: %s: %s is not a length in metres\n", opt, v);
        return -1;
    }
    *out = x;
    return 0;
}

int kz_cmd_flash(int argc, char **argv)
{
    const char *format = "text", *profile = "default", *config = NULL, *v;
    double screen_h = 0, distance = 0;
    clips list = {0};
    int rc = 2, named = 0, dirs = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            clips_free(&list);
            return 0;
        } else if (option(argc, argv, &i, "--format", &v)) {
            if (!v)
                goto missing;
            format = v;
        } else if (option(argc, argv, &i, "--profile", &v)) {
            if (!v)
                goto missing;
            profile = v;
        } else if (option(argc, argv, &i, "--config", &v)) {
            if (!v)
                goto missing;
            config = v;
        } else if (option(argc, argv, &i, "--screen-height", &v)) {
            if (!v)
                goto missing;
            if (metres("--screen-height", v, &screen_h) < 0)
                goto out;
        } else if (option(argc, argv, &i, "--viewing-distance", &v)) {
            if (!v)
                goto missing;
            if (metres("--viewing-distance", v, &distance) < 0)
                goto out;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kizuna flash: unknown option %s\n", argv[i]);
            usage(stderr);
            goto out;
        } else {
            struct stat st;
            named++;
            if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
                dirs++;
                if (clips_add_dir(&list, argv[i]) < 0) {
                    fprintf(stderr, "kizuna flash: %s: cannot read the folder\n", argv[i]);
                    rc = 4;
                    goto out;
                }
            } else if (clips_add(&list, argv[i]) < 0) {
                goto out;
            }
        }
    }
    if (!named) {
        usage(stderr);
        goto out;
    }
    int fmt;
    if (!strcmp(format, "text"))
        fmt = FMT_TEXT;
    else if (!strcmp(format, "csv"))
        fmt = FMT_CSV;
    else if (!strcmp(format, "json"))
        fmt = FMT_JSON;
    else {
        fprintf(stderr, "kizuna flash: --format: %s is not text, csv or json\n", format);
        goto out;
    }
    kz_flash_opts o = {.profile = kz_flash_profile_find(profile), .keep_frames = fmt != FMT_TEXT};
    if (!o.profile) {
        fprintf(stderr, "kizuna flash: --profile: %s is not default or jp\n", profile);
        goto out;
    }
    if (config) {
        static kz_config cfg; /* large: not on the stack */
        if (access(config, R_OK) != 0) {
            fprintf(stderr, "kizuna flash: --config: %s cannot be read\n", config);
            rc = 4;
            goto out;
        }
        kz_config_load(&cfg, config); /* its errors are logged; the geometry is what we need */
        screen_h = screen_h > 0 ? screen_h : cfg.screen_height_m;
        distance = distance > 0 ? distance : cfg.viewing_distance_m;
    }
    if ((screen_h > 0) != (distance > 0)) {
        fprintf(stderr, "kizuna flash: the 10-degree field needs both the screen height and "
                        "the viewing distance; using the whole-screen rule\n");
        screen_h = distance = 0;
    }
    o.screen_height_m = screen_h;
    o.viewing_distance_m = distance;
    if (fmt == FMT_CSV && list.n != 1) {
        fprintf(stderr, "kizuna flash: --format csv takes one clip (%zu given)\n", list.n);
        goto out;
    }
    if (!list.n) {
        fprintf(stderr, "kizuna flash: no video files found\n");
        rc = 4;
        goto out;
    }

    int several = list.n > 1 || dirs, any_fail = 0, any_bad = 0, any_warn = 0;
    progress pr = {.n = list.n};
    if (several && isatty(2)) {
        o.progress = progress_draw;
        o.progress_ctx = &pr;
    }
    for (size_t k = 0; k < list.n; k++) {
        const char *file = list.path[k];
        pr.i = k;
        pr.name = file;
        if (o.progress)
            progress_draw(&pr, 0);
        kz_flash_report r;
        if (access(file, R_OK) != 0 || kz_flash_analyse(file, &o, &r) < 0) {
            if (o.progress)
                progress_clear();
            fprintf(stderr, "kizuna flash: %s: %s\n", file,
                    access(file, R_OK) ? "cannot read the file" : "cannot decode it as video");
            any_bad = 1;
            continue;
        }
        if (o.progress)
            progress_clear();
        if (fmt == FMT_TEXT) {
            if (several && k)
                fputc('\n', stdout);
            print_text(stdout, file, &o, &r);
        } else if (fmt == FMT_CSV) {
            print_csv(stdout, &r);
            fprintf(stderr, "kizuna flash: %s: %s: %s\n", file,
                    kz_flash_verdict_name(r.verdict), r.reason);
        } else {
            print_json(stdout, file, &o, &r);
        }
        fflush(stdout);
        any_fail |= r.verdict == KZ_FLASH_FAIL;
        any_warn |= r.verdict == KZ_FLASH_WARN;
        kz_flash_report_free(&r);
    }
    if (o.progress)
        progress_clear();
    rc = any_fail ? 1 : any_bad ? 4 : any_warn ? 3 : 0;
out:
    clips_free(&list);
    return rc;

missing:
    fprintf(stderr, "kizuna flash: %s needs a value\n", argv[argc - 1]);
    clips_free(&list);
    return 2;
}
