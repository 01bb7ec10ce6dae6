/* kizuna: the command-line entry and the one table of commands (each in cmd/<name>.c). */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/log.h>

#include "base/log.h"
#include "cmd/commands.h"
#include "kz_version.h"

/* FFmpeg's own messages go to our log at debug level: the player and plugins already say
 * what went wrong, once, with the file name ("moov atom not found" adds nothing). */
static void av_to_log(void *avcl, int level, const char *fmt, va_list ap)
{
    char line[512];
    int prefix = 1;
    if (level > AV_LOG_WARNING || kz_log_level() < KZ_LOG_DEBUG)
        return;
    av_log_format_line2(avcl, level, fmt, ap, line, sizeof line, &prefix);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    if (n)
        kz_log("ffmpeg", KZ_LOG_DEBUG, "%s", line);
}

typedef struct cmd {
    const char *name;
    int (*fn)(int, char **);
    const char *usage;
} cmd;

static void usage(FILE *f, const cmd *cmds, size_t n)
{
    fprintf(f, "kizuna %s — digital-signage player\n\nusage:\n", KZ_VERSION);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  kizuna %s\n", cmds[i].usage);
    fprintf(f, "  kizuna --version | --help\n\n"
               "--config defaults to $KIZUNA_CONFIG, else ./playlists/player.ini, else "
               "/etc/kizuna/player.ini.\nTIME is ISO 8601, e.g. 2025-02-03T12:00:00+09:00.\n");
}

int main(int argc, char **argv)
{
    /* A fixed mmap threshold: glibc otherwise raises it after the first large free, and from
     * then on the decoders' multi-MiB frame buffers come from the heap arenas, where the
     * holes they leave are not given back. A month at 2016x (tools/soak-ops.sh, 10.7
     * simulated days after warm-up) measured mean RSS 75 -> 59 MiB and its growth
     * +15 -> +8.6 MiB with this (docs/performance.md). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    const cmd cmds[] = {
        {"run", kz_cmd_run,
         "run    [--config F] [--clock TIME] [--speed N] [--exit-after S] [--size WxH] "
         "[--windowed] [--display N] [--aired F]"},
        {"render", kz_cmd_render,
         "render [--config F] --at TIME --out F.png [--size WxH] [--warm TIME,...]"},
        {"check", kz_cmd_check, "check  [--config F] [--at DATE] [--format text|json] [--no-fetch]"},
        {"play", kz_cmd_play, "play   FILE... [--size WxH] [--loop] [--stats]"},
        {"bench", kz_cmd_bench, "bench  --untimed FILE [--size WxH]"},
        {"plan", kz_cmd_plan, "plan   --from DATE --to DATE [--format text|csv|json|html]"},
        {"report", kz_cmd_report, "report LOG... [--from --to] --by campaign|day|item|hour"},
        {"ctl", kz_cmd_ctl, "ctl    status|skip|reload|screenshot [F]|interrupt|clear"},
        {"flash", kz_cmd_flash, "flash  FILE [--format text|csv|json]"},
        {"console", kz_cmd_console, "console [--config F] [--listen ADDR:PORT] | --set-password"},
        {"fleet", kz_cmd_fleet, "fleet  keygen NAME FILE | pubkey FILE | sign --key FILE ..."},
        {"help", kz_cmd_help, "help   PLUGIN|keys [--format text|md|ini|json]"},
    };
    const size_t n = sizeof cmds / sizeof cmds[0];
    if (argc < 2) {
        usage(stderr, cmds, n);
        return 2;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("kizuna %s (plugin ABI %d.%d)\n", KZ_VERSION, KZ_ABI_MAJOR, KZ_ABI_MINOR);
        return 0;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        (!strcmp(argv[1], "help") && argc == 2)) {
        usage(stdout, cmds, n);
        return 0;
    }
    av_log_set_callback(av_to_log);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        return cmds[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "kizuna: unknown command '%s'\n\n", argv[1]);
    usage(stderr, cmds, n);
    return 2;
}
