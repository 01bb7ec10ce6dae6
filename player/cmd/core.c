/* kizuna run | render | check */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/params.h"
#include "base/textout.h"
#include "base/timeutil.h"
#include "checks/checks.h"
#include "cmd/commands.h"
#include "screen/player.h"

enum { OPT_CONFIG = 1000, OPT_CLOCK, OPT_SPEED, OPT_EXIT_AFTER, OPT_SIZE, OPT_WINDOWED, OPT_AT,
       OPT_OUT, OPT_FORMAT, OPT_AIRED, OPT_VERBOSE, OPT_QUIET, OPT_DISPLAY, OPT_WARM, OPT_NO_FETCH };

static const struct option long_opts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"clock", required_argument, NULL, OPT_CLOCK},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"exit-after", required_argument, NULL, OPT_EXIT_AFTER},
    {"size", required_argument, NULL, OPT_SIZE},
    {"windowed", no_argument, NULL, OPT_WINDOWED},
    {"at", required_argument, NULL, OPT_AT},
    {"out", required_argument, NULL, OPT_OUT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"aired", required_argument, NULL, OPT_AIRED},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"no-fetch", no_argument, NULL, OPT_NO_FETCH},
    {"display", required_argument, NULL, OPT_DISPLAY},
    {"warm", required_argument, NULL, OPT_WARM},
    {0, 0, 0, 0},
};

typedef struct args {
    kz_player_opts o;
    const char *at, *out, *format, *aired, *clock, *warm;
    int usage_error;
    int no_fetch; /* check --no-fetch: the fetched URLs are not asked (an offline laptop) */
} args;

/* Times given on the command line without an offset are in the player's zone, which is only
 * known after the config is read: they are parsed after kz_player_open (see parse_late). */
static int parse_args(int argc, char **argv, args *a, const char *allowed)
{
    memset(a, 0, sizeof *a);
    kz_cmd_wire(&a->o, 0);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        const char *name = NULL;
        for (const struct option *o = long_opts; o->name; o++)
            if (o->val == c)
                name = o->name;
        if (c == '?' || !name || !strstr(allowed, name)) {
            fprintf(stderr, "kizuna %s: unknown option %s\n", argv[0], argv[optind - 1]);
            return 2;
        }
        switch (c) {
        case OPT_CONFIG: a->o.config = optarg; break;
        case OPT_CLOCK: a->clock = optarg; break;
        case OPT_SPEED:
            if (kz_parse_double(optarg, &a->o.speed) || a->o.speed < 0 || a->o.speed > 1e6) {
                fprintf(stderr, "kizuna: --speed %s: expected a number from 0 to 1000000\n", optarg);
                return 2;
            }
            break;
        case OPT_EXIT_AFTER:
            if (kz_parse_double(optarg, &a->o.exit_after) || a->o.exit_after < 0) {
                fprintf(stderr, "kizuna: --exit-after %s: expected seconds\n", optarg);
                return 2;
            }
            break;
        case OPT_SIZE:
            if (kz_parse_size(optarg, &a->o.width, &a->o.height)) {
                fprintf(stderr, "kizuna: --size %s: expected WIDTHxHEIGHT, e.g. 1920x1080\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_WINDOWED: a->o.windowed = 1; break;
        case OPT_AT: a->at = optarg; break;
        case OPT_WARM: a->warm = optarg; break;
        case OPT_OUT: a->out = optarg; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_AIRED: a->aired = optarg; break;
        case OPT_DISPLAY: {
            long d;
            if (kz_parse_long(optarg, &d) || d < 0 || d > 15) {
                fprintf(stderr, "kizuna: --display %s: expected 0 to 15\n", optarg);
                return 2;
            }
            a->o.display = (int)d + 1;
            break;
        }
        case OPT_VERBOSE: kz_log_set_level(KZ_LOG_DEBUG); break;
        case OPT_QUIET: kz_log_set_level(KZ_LOG_ERROR); break;
        case OPT_NO_FETCH: a->no_fetch = 1; break;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kizuna %s: unexpected argument %s\n", argv[0], argv[optind]);
        return 2;
    }
    return 0;
}

static int parse_time_arg(const char *opt, const char *s, kz_us *out)
{
    if (kz_time_parse(s, out)) {
        fprintf(stderr, "kizuna: %s %s: expected an ISO 8601 time such as "
                        "2025-02-03T12:00:00+09:00\n", opt, s);
        return 2;
    }
    return 0;
}

int kz_cmd_run(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, "config clock speed exit-after size windowed aired "
                                        "display verbose quiet");
    if (rc)
        return rc;
    kz_player p;
    kz_cmd_wire(&a.o, 1); /* on air: proof of play, control socket, fleet */
    if (a.clock)
        a.o.has_clock = 1;
    if ((rc = kz_player_open(&p, &a.o)))
        return rc;
    if (a.clock && (rc = parse_time_arg("--clock", a.clock, &p.clock.start))) {
        kz_player_close(&p);
        return rc;
    }
    if (a.aired && !(p.aired = fopen(a.aired, "w"))) {
        kz_log("player", KZ_LOG_ERROR, "%s: cannot write: %m", a.aired);
        kz_player_close(&p);
        return 1;
    }
    if (kz_player_open_display(&p)) {
        kz_player_close(&p);
        return 1;
    }
    rc = kz_player_run(&p);
    kz_player_close(&p);
    return rc;
}

int kz_cmd_render(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, "config at out size warm verbose quiet");
    if (rc)
        return rc;
    if (!a.at || !a.out) {
        fprintf(stderr, "usage: kizuna render [--config F] --at TIME --out F.png [--size WxH] "
                        "[--warm TIME,TIME...]\n");
        return 2;
    }
    a.o.headless = 1;
    kz_player p;
    if ((rc = kz_player_open(&p, &a.o)))
        return rc;
    kz_us at;
    if ((rc = parse_time_arg("--at", a.at, &at)) || kz_player_open_display(&p)) {
        kz_player_close(&p);
        return rc ? rc : 1;
    }
    /* --warm: draw these moments first, then draw `at` only if its picture differs from the
     * last one drawn, as the run loop does. The golden frames compare the result with a
     * cold render: the frame must be identical either way. */
    int reused = 0;
    if (a.warm) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", a.warm);
        for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            kz_us wt;
            if ((rc = parse_time_arg("--warm", w, &wt))) {
                kz_player_close(&p);
                return rc;
            }
            if (kz_player_changed(&p, wt))
                kz_player_draw(&p, wt);
        }
        reused = !kz_player_changed(&p, at);
    }
    if (!reused)
        kz_player_draw(&p, at);
    rc = kz_player_screenshot(&p, a.out) ? 1 : 0;
    if (!rc) {
        char t[40];
        kz_time_format(at, t, sizeof t);
        printf("%s: %dx%d at %s, layout %s:", a.out, p.out_w, p.out_h, t,
               p.layout ? p.layout->name : "?");
        for (int i = 0; i < p.n_zones; i++)
            printf(" %s=%s", p.zones[i].def->name,
                   p.zones[i].cur.item ? p.zones[i].cur.item->id : "standby");
        if (a.warm && reused)
            printf(" (unchanged since the last moment drawn)");
        else if (a.warm) /* a partial frame redraws only the zones that changed */
            printf(" (drawn: %d of %d zones)", p.zones_redrawn, p.n_zones);
        printf("\n");
    }
    kz_player_close(&p);
    return rc;
}

int kz_cmd_check(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, "config format at verbose quiet no-fetch");
    if (rc)
        return rc;
    int json = 0;
    if (a.format && kz_parse_enum(a.format, "text|json", &json)) {
        fprintf(stderr, "kizuna check: --format %s: expected text or json\n", a.format);
        return 2;
    }
    int before = kz_log_count(KZ_LOG_ERROR);
    kz_player p;
    a.o.headless = 1;
    if ((rc = kz_player_open(&p, &a.o)))
        return rc;
    /* --at: the schedule is judged as of that day (a campaign prepared for next February, or
     * last year's demo), not today; parsed now that the player's zone is known. */
    kz_us at = kz_now_real();
    if (a.at && (rc = kz_cmd_parse_date("check", "--at", a.at, 0, &at))) {
        kz_player_close(&p);
        return rc;
    }
    /* Deep checks: attach again with the plugins' own check() (media decode, QR fits, ...). */
    kz_host_detach(&p.model);
    kz_host_attach(&p.model, &p.env, 1);
    kz_check_paths(&p);
    kz_check_schedule(&p, at);
    kz_check_media(&p);
    kz_text_check_model(p.fonts, &p.model); /* characters no font has, in any item's text */
    kz_check_legibility(&p);
    if (!a.no_fetch)
        kz_check_fetch(&p); /* warnings: the screen keeps its cached copy or its fallback */
    size_t playable = 0;
    for (size_t i = 0; i < p.model.n_items; i++)
        playable += p.model.items[i].playable;
    int errors = kz_log_count(KZ_LOG_ERROR) - before;
    char at_s[48];
    kz_time_format(at, at_s, sizeof at_s);
    int warnings = kz_log_count(KZ_LOG_WARN);
    if (json) {
        const char *recent[16];
        int n = kz_log_recent_errors(recent, 16);
        printf("{\"config\":");
        kz_json_str(stdout, p.cfg.path);
        printf(",\"playlists\":%zu,\"items\":%zu,\"playable\":%zu,\"errors\":%d,"
               "\"warnings\":%d,\"last_errors\":[",
               p.model.n_playlists, p.model.n_items, playable, errors, warnings);
        for (int i = 0; i < n; i++) {
            if (i)
                putchar(',');
            kz_json_str(stdout, recent[i]);
        }
        printf("],\"at\":\"%s\"}\n", at_s);
    } else {
        printf("kizuna check: %s: %zu playlists, %zu items, %zu playable: %d errors, "
               "%d warnings%s%s%s\n", p.cfg.path, p.model.n_playlists, p.model.n_items, playable,
               errors, warnings, a.at ? " (the schedule as of " : "", a.at ? at_s : "",
               a.at ? ")" : "");
    }
    kz_player_close(&p);
    return errors ? 1 : 0;
}
