/* kizuna flash FILE [--format text|csv|json] [--profile default|jp]
 * Photosensitive flash analysis of one clip. Exit 0 pass, 1 fail, 3 warn, 2 usage,
 * 4 unreadable file. The rules are in docs/accessibility.md. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/textout.h"
#include "checks/flash.h"
#include "cmd/commands.h"

enum { FMT_TEXT, FMT_CSV, FMT_JSON };

static void usage(FILE *f)
{
    fprintf(f, "usage: kizuna flash FILE [--format text|csv|json] [--profile default|jp]\n"
               "  Photosensitive flash and red-flash analysis of a clip.\n"
               "  text: verdict and the worst windows; csv: one line per frame; json: both.\n"
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

static void print_text(FILE *f, const char *path, const kz_flash_report *r)
{
    char a[32], b[32];
    fprintf(f, "file:        %s\n", path);
    fprintf(f, "video:       %dx%d, %zu frames, %.3f s (analysed on a %dx%d grid)\n", r->width,
            r->height, r->n_frames, r->duration, r->grid_w, r->grid_h);
    fprintf(f, "profile:     %s\n", r->profile->name);
    fprintf(f, "luminance:   %d transitions, at most %d in one second (window ending %s)\n",
            r->lum_transitions, r->max_lum, stamp(r->max_lum_at, a, sizeof a));
    fprintf(f, "red:         %d transitions, at most %d in one second (window ending %s)\n",
            r->red_transitions, r->max_red, stamp(r->max_red_at, b, sizeof b));
    fprintf(f, "near limit:  %.2f s at most within %.0f s (extended failure from %.1f s)\n",
            r->max_extended, r->profile->ext_window, r->profile->ext_seconds);
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

static void print_csv(FILE *f, const kz_flash_report *r)
{
    fprintf(f, "frame,time,luminance,red,lum_rising_area,lum_falling_area,red_rising_area,"
               "red_falling_area,lum_transition,red_transition,lum_per_second,red_per_second,"
               "extended,verdict\n");
    for (size_t i = 0; i < r->n_frames && r->frames; i++) {
        const kz_flash_frame *x = &r->frames[i];
        fprintf(f, "%zu,%.4f,%.4f,%.2f,%.4f,%.4f,%.4f,%.4f,%d,%d,%d,%d,%d,%s\n", i, x->t, x->lum,
                x->red, x->lum_up, x->lum_down, x->red_up, x->red_down, x->lum_tr, x->red_tr,
                x->lum_count, x->red_count, x->extended, kz_flash_verdict_name(x->verdict));
    }
}

static void print_json(FILE *f, const char *path, const kz_flash_report *r)
{
    fprintf(f, "{\"file\":");
    kz_json_str(f, path);
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
               "\"extended\",\"verdict\"],\"rows\":[");
    for (size_t i = 0; i < r->n_frames && r->frames; i++) {
        const kz_flash_frame *x = &r->frames[i];
        fprintf(f, "%s[%.4f,%.4f,%.2f,%d,%d,%d,%d,%d,\"%s\"]", i ? "," : "", x->t, x->lum,
                x->red, x->lum_tr, x->red_tr, x->lum_count, x->red_count, x->extended,
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

int kz_cmd_flash(int argc, char **argv)
{
    const char *file = NULL, *format = "text", *profile = "default", *v;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (option(argc, argv, &i, "--format", &v)) {
            if (!v)
                goto missing;
            format = v;
        } else if (option(argc, argv, &i, "--profile", &v)) {
            if (!v)
                goto missing;
            profile = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kizuna flash: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!file) {
            file = argv[i];
        } else {
            fprintf(stderr, "kizuna flash: one file at a time (%s, then %s)\n", file, argv[i]);
            return 2;
        }
    }
    if (!file) {
        usage(stderr);
        return 2;
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
        return 2;
    }
    const kz_flash_profile *prof = kz_flash_profile_find(profile);
    if (!prof) {
        fprintf(stderr, "kizuna flash: --profile: %s is not default or jp\n", profile);
        return 2;
    }
    if (access(file, R_OK) != 0) {
        fprintf(stderr, "kizuna flash: %s: cannot read the file\n", file);
        return 4;
    }
    kz_flash_report r;
    if (kz_flash_analyse_file(file, prof, fmt != FMT_TEXT, &r) < 0) {
        fprintf(stderr, "kizuna flash: %s: cannot decode it as video\n", file);
        return 4;
    }
    if (fmt == FMT_TEXT) {
        print_text(stdout, file, &r);
    } else if (fmt == FMT_CSV) {
        print_csv(stdout, &r);
        fprintf(stderr, "kizuna flash: %s: %s: %s\n", file, kz_flash_verdict_name(r.verdict),
                r.reason);
    } else {
        print_json(stdout, file, &r);
    }
    fflush(stdout);
    int verdict = r.verdict;
    kz_flash_report_free(&r);
    return verdict == KZ_FLASH_FAIL ? 1 : verdict == KZ_FLASH_WARN ? 3 : 0;

missing:
    fprintf(stderr, "kizuna flash: %s needs a value\n", argv[argc - 1]);
    return 2;
}
