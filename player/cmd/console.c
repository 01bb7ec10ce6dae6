/* kizuna console: the operator console in the browser (player/console/, docs/console-api.md).
 * --set-password reads a password from standard input and prints the [console]
 * password_hash line to put into player.ini. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cmd/commands.h"
#include "console/auth.h"
#include "console/console.h"
#include "model/config.h"

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: kizuna console [--config F] [--listen ADDR:PORT] [--www DIR]\n"
               "       kizuna console --set-password   (reads the password from stdin)\n"
               "Listens on 127.0.0.1:8080 unless [console] listen or --listen says otherwise;\n"
               "anything but loopback needs [console] password_hash.\n");
}

static int set_password(void)
{
    char pw[512];
    if (!fgets(pw, sizeof pw, stdin)) {
        fprintf(stderr, "kizuna console --set-password: give the password on stdin\n");
        return 2;
    }
    pw[strcspn(pw, "\r\n")] = 0;
    if (strlen(pw) < 8) {
        fprintf(stderr, "kizuna console --set-password: at least 8 characters, please\n");
        return 2;
    }
    char hash[256];
    if (kz_auth_hash(pw, hash, sizeof hash)) {
        fprintf(stderr, "kizuna console --set-password: hashing failed (out of memory?)\n");
        return 1;
    }
    printf("[console]\npassword_hash = %s\n", hash);
    return 0;
}

int kz_cmd_console(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"listen", required_argument, NULL, 'l'},
        {"www", required_argument, NULL, 'w'},    {"set-password", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0},
    };
    kz_console_opts o = {0};
    const char *config = NULL;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': config = optarg; break;
        case 'l': o.listen = optarg; break;
        case 'w': o.www = optarg; break;
        case 'p': return set_password();
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "kizuna console: unknown option or missing value: %s\n",
                    argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    o.config = kz_config_default_path(config);
    kz_console *c = calloc(1, sizeof *c);
    char err[1024];
    if (!c) {
        fprintf(stderr, "kizuna console: out of memory\n");
        return 1;
    }
    if (kz_console_open(c, &o, err, sizeof err)) {
        fprintf(stderr, "kizuna console: %s\n", err);
        free(c);
        return 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = kz_console_serve(c, &stop_flag) ? 1 : 0;
    kz_console_close(c);
    free(c);
    return rc;
}
