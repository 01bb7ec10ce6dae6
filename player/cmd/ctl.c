/* kizuna ctl: talk to a running player through its control socket (control.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cmd/commands.h"
#include "model/config.h"
#include "ops/control.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: kizuna ctl [--config F] [--display N] [--socket PATH] [--timeout MS] "
               "COMMAND\n"
               "  status                          what is on air, uptime, memory, last errors\n"
               "  skip                            take the item on air off early (standby until "
               "its slot ends)\n"
               "  reload                          reload the playlists\n"
               "  screenshot [F.png]              the frame on screen: the player writes it in "
               "<logs>/screenshots/\n"
               "                                  under its own name; with F.png, ctl copies it "
               "there\n"
               "  interrupt --text T [--until TIME|+DURATION]\n"
               "                                  full-screen notice over everything\n"
               "  clear                           end the interrupt\n");
}

/* The player answered "PATH (WxH)" for the file it wrote in its screenshots folder: copy it
 * to dst as the user running ctl (the player itself never writes a name given to it). */
static int copy_shot(const char *body, const char *dst)
{
    char src[PATH_MAX];
    const char *sp = strstr(body, " (");
    size_t len = sp ? (size_t)(sp - body) : strcspn(body, "\n");
    if (len == 0 || len >= sizeof src) {
        fprintf(stderr, "kizuna ctl screenshot: unexpected answer: %s", body);
        return 1;
    }
    memcpy(src, body, len);
    src[len] = 0;
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) {
        fprintf(stderr, "kizuna ctl screenshot: %s: %s\n", src, strerror(errno));
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        fprintf(stderr, "kizuna ctl screenshot: %s: %s\n", dst, strerror(errno));
        close(in);
        return 1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = 1;
            break;
        }
    if (n < 0 || close(out))
        rc = 1;
    close(in);
    if (rc)
        fprintf(stderr, "kizuna ctl screenshot: %s: %s\n", dst, strerror(errno));
    else
        printf("%s%s", dst, sp ? sp : "\n");
    return rc;
}

int kz_cmd_ctl(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"socket", required_argument, NULL, 's'},
        {"text", required_argument, NULL, 't'},   {"until", required_argument, NULL, 'u'},
        {"timeout", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {"display", required_argument, NULL, 'd'},
        {0, 0, 0, 0},
    };
    const char *config = NULL, *sock = NULL, *text = NULL, *until = NULL;
    int timeout = 5000, display = -1;
    optind = 1;
    opterr = 0;
    int c;
    /* GNU getopt moves the command words after the options: ctl interrupt --text T works. */
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 's': sock = optarg; break;
        case 't': text = optarg; break;
        case 'u': until = optarg; break;
        case 'T': timeout = atoi(optarg) > 0 ? atoi(optarg) : 5000; break;
        case 'd':
            display = atoi(optarg);
            if (display < 0 || display > 15) {
                fprintf(stderr, "kizuna ctl: --display %s: expected 0 to 15\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "kizuna ctl: unknown option or missing value: %s\n",
                    argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    const char **words = (const char **)argv + optind;
    int nw = argc - optind;
    if (!nw) {
        usage(stderr);
        return 2;
    }
    const char *verb = words[0];
    static const char *verbs[] = {"status", "skip", "reload", "screenshot", "interrupt",
                                  "clear", "ping"};
    int known = 0;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        known |= !strcmp(verb, verbs[i]);
    if (!known) {
        fprintf(stderr, "kizuna ctl: unknown command '%s'\n", verb);
        usage(stderr);
        return 2;
    }
    int want_args = !strcmp(verb, "screenshot") ? 2 : 1;
    if (nw != want_args && !(nw == 1 && !strcmp(verb, "screenshot"))) {
        fprintf(stderr, "kizuna ctl %s: %s\n", verb,
                want_args == 2 ? "at most one file to copy the screenshot to"
                               : "takes no further arguments");
        return 2;
    }
    if (!strcmp(verb, "interrupt") && (!text || !*text)) {
        fprintf(stderr, "kizuna ctl interrupt: --text T is required\n");
        return 2;
    }
    if ((text || until) && strcmp(verb, "interrupt")) {
        fprintf(stderr, "kizuna ctl %s: --text and --until go with interrupt\n", verb);
        return 2;
    }
    char path[108];
    if (sock) {
        snprintf(path, sizeof path, "%s", sock);
    } else {
        kz_config cfg;
        int prev = kz_log_level();
        kz_log_set_level(KZ_LOG_ERROR);
        int errs = kz_config_load(&cfg, kz_config_default_path(config));
        kz_log_set_level(prev);
        if (errs && !cfg.path[0]) {
            fprintf(stderr, "kizuna ctl: no usable configuration (give --config F or "
                            "--socket PATH)\n");
            return 1;
        }
        if (kz_ctl_socket_path(&cfg, display >= 0 ? display : cfg.display_index, path,
                               sizeof path)) {
            fprintf(stderr, "kizuna ctl: no control socket path for %s\n", cfg.path);
            return 1;
        }
    }
    kz_buf req = {0};
    kz_buf_printf(&req, "%s\n", verb);
    if (until)
        kz_buf_printf(&req, "until=%s\n", until);
    if (text)
        kz_buf_printf(&req, "text=%s", text);
    char *answer = NULL, err[512];
    int rc = kz_ctl_request(path, req.s, &answer, timeout, err, sizeof err);
    kz_buf_free(&req);
    if (rc) {
        fprintf(stderr, "kizuna ctl: %s\n", err);
        return 1;
    }
    int ok = !strncmp(answer, "ok\n", 3) || !strcmp(answer, "ok");
    const char *body = ok ? answer + (answer[2] ? 3 : 2) : answer;
    if (ok && !strcmp(verb, "screenshot") && nw == 2) {
        int rc2 = copy_shot(body, words[1]);
        free(answer);
        return rc2;
    }
    fputs(body, ok ? stdout : stderr);
    free(answer);
    return ok ? 0 : 1;
}
