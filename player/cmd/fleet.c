/* kizuna fleet: the operator's side of signed fleet commands (ops/fleetsig.h,
 * docs/fleet.md). keygen makes a key pair, pubkey prints the line for the screens' key file,
 * sign turns a command into the signed message that mosquitto_pub (or any MQTT client)
 * publishes. The signature names the topic, so the message is only good there. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "model/fleet_config.h"
#include "ops/control.h"
#include "ops/fleetsig.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kizuna fleet keygen NAME FILE     a new secret key in FILE (mode 0600);\n"
            "                                         prints the public key line for the\n"
            "                                         screens' key file (" KZ_FLEET_DEFAULT_KEYS
            ")\n"
            "       kizuna fleet pubkey FILE          that line again\n"
            "       kizuna fleet sign --key FILE (--screen S | --group G | --topic T)\n"
            "                         [COMMAND | -]   the signed message on stdout (COMMAND as\n"
            "                                         for the control socket; - or none: stdin)\n"
            "example:\n"
            "  kizuna fleet sign --key op.key --group lobby \"$(printf 'interrupt\\ntext=避難')\" |\n"
            "      mosquitto_pub -h broker -q 1 -t kizuna/group/lobby/cmd -s\n");
}

static char *read_stdin(void)
{
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    size_t n;
    while (b && (n = fread(b + len, 1, cap - len - 1, stdin)) > 0) {
        len += n;
        if (len > KZ_CTL_MAX_REQUEST) {
            free(b);
            return NULL;
        }
        if (cap - len < 2) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
    }
    if (b)
        b[len] = 0;
    return b;
}

static int cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'},   {"screen", required_argument, NULL, 's'},
        {"group", required_argument, NULL, 'g'}, {"topic", required_argument, NULL, 't'},
        {"time", required_argument, NULL, 'T'},  {0, 0, 0, 0},
    };
    const char *key = NULL, *screen = NULL, *group = NULL, *topic_arg = NULL;
    int64_t ts = -1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key = optarg; break;
        case 's': screen = optarg; break;
        case 'g': group = optarg; break;
        case 't': topic_arg = optarg; break;
        case 'T': ts = strtoll(optarg, NULL, 10); break; /* tests: a fixed signing instant */
        default:
            fprintf(stderr, "kizuna fleet sign: unknown option %s\n", argv[optind - 1]);
            return 2;
        }
    }
    char topic[200];
    int targets = !!screen + !!group + !!topic_arg;
    if (!key || targets != 1 || argc - optind > 1) {
        usage(stderr);
        return 2;
    }
    const char *target = screen ? screen : group ? group : topic_arg;
    if (!topic_arg && !kz_fleet_name_ok(target)) {
        fprintf(stderr, "kizuna fleet sign: '%s' is not a screen or group name\n", target);
        return 2;
    }
    if (screen)
        snprintf(topic, sizeof topic, "kizuna/%s/cmd", screen);
    else if (group)
        snprintf(topic, sizeof topic, "kizuna/group/%s/cmd", group);
    else
        snprintf(topic, sizeof topic, "%s", topic_arg);
    char *cmd = NULL;
    if (argc - optind == 1 && strcmp(argv[optind], "-"))
        cmd = strdup(argv[optind]);
    else
        cmd = read_stdin();
    if (!cmd || strlen(cmd) > KZ_CTL_MAX_REQUEST) {
        fprintf(stderr, "kizuna fleet sign: no command, or longer than %d bytes\n",
                KZ_CTL_MAX_REQUEST);
        free(cmd);
        return 1;
    }
    /* A trailing line break means nothing to the player; drop it so that the signed bytes
     * survive shells ($(...)) and tools that strip it. */
    size_t n = strlen(cmd);
    while (n && (cmd[n - 1] == '\n' || cmd[n - 1] == '\r'))
        cmd[--n] = 0;
    if (!n) {
        fprintf(stderr, "kizuna fleet sign: empty command\n");
        free(cmd);
        return 1;
    }
    char name[KZ_SIG_NAME_MAX], why[512];
    unsigned char sk[KZ_SIG_SK];
    if (kz_sig_read_secret(key, name, sizeof name, sk, why, sizeof why)) {
        fprintf(stderr, "kizuna fleet sign: %s\n", why);
        free(cmd);
        return 1;
    }
    if (ts < 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        ts = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    }
    char *msg = kz_sig_sign(name, sk, topic, cmd, ts, NULL);
    memset(sk, 0, sizeof sk);
    free(cmd);
    if (!msg) {
        fprintf(stderr, "kizuna fleet sign: cannot sign\n");
        return 1;
    }
    fputs(msg, stdout);
    free(msg);
    return fflush(stdout) ? 1 : 0;
}

int kz_cmd_fleet(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    char why[512], line[200];
    if (!strcmp(argv[1], "keygen")) {
        if (argc != 4) {
            usage(stderr);
            return 2;
        }
        if (kz_sig_keygen(argv[3], argv[2], line, sizeof line, why, sizeof why)) {
            fprintf(stderr, "kizuna fleet keygen: %s\n", why);
            return 1;
        }
        fputs(line, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "pubkey")) {
        char name[KZ_SIG_NAME_MAX];
        unsigned char sk[KZ_SIG_SK];
        if (argc != 3) {
            usage(stderr);
            return 2;
        }
        if (kz_sig_read_secret(argv[2], name, sizeof name, sk, why, sizeof why)) {
            fprintf(stderr, "kizuna fleet pubkey: %s\n", why);
            return 1;
        }
        kz_sig_publine(name, sk, line, sizeof line);
        memset(sk, 0, sizeof sk);
        fputs(line, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "sign"))
        return cmd_sign(argc - 1, argv + 1);
    fprintf(stderr, "kizuna fleet: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
