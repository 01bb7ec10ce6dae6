/* `kizuna check`: the confinement of [paths]. Media are confined to the content root; a root
 * that is `/`, or that holds the configuration, the playlists or the logs, makes that
 * confinement empty (an item could put player.ini, a TLS key or proof of play on the screen,
 * or the flash cache could be read as a picture), so it is a warning with the reason. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "checks/checks.h"
#include "screen/player.h"

#define LOG "check"

/* 1 when the real path of `inner` is root itself or lies below it. A folder not made yet (the
 * logs before the first run) is judged by its real parent. */
static int contains(const char *root, const char *inner)
{
    char r[PATH_MAX], in[PATH_MAX], parent[PATH_MAX];
    if (!realpath(root, r))
        return 0;
    if (!realpath(inner, in)) {
        snprintf(parent, sizeof parent, "%s", inner);
        char *slash = strrchr(parent, '/');
        if (!slash || slash == parent)
            return 0;
        *slash = 0;
        if (!realpath(parent, in) || strlen(in) + strlen(slash + 1) + 2 > sizeof in)
            return 0;
        strcat(in, "/");
        strcat(in, slash + 1);
    }
    size_t n = strlen(r);
    if (n == 1) /* "/" */
        return 1;
    return !strncmp(r, in, n) && (in[n] == '/' || in[n] == 0);
}

int kz_check_paths(kz_player *p)
{
    const kz_config *c = &p->cfg;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", c->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    char real[PATH_MAX];
    if (!c->content[0] || !realpath(c->content, real))
        return 0; /* a missing content root is reported where media are resolved */
    const struct {
        const char *path, *what;
    } inner[] = {
        {c->path, "the configuration (player.ini)"},
        {dir, "the configuration's folder"},
        {c->playlists, "the playlists"},
        {c->logs, "the logs (proof of play, the fleet spool, control.sock)"},
    };
    int problems = 0;
    if (!strcmp(real, "/")) {
        kz_log(LOG, KZ_LOG_WARN, "%s: [paths] content = %s: the root of the file system: items "
               "can show any file the player can read; confinement is off", c->path, c->content);
        return 1;
    }
    for (size_t i = 0; i < sizeof inner / sizeof inner[0]; i++) {
        if (!inner[i].path[0] || !contains(c->content, inner[i].path))
            continue;
        kz_log(LOG, KZ_LOG_WARN, "%s: [paths] content = %s contains %s (%s): items can show "
               "or read it; give content a folder of its own", c->path, c->content,
               inner[i].what, inner[i].path);
        problems++;
        if (i == 0)
            i++; /* the folder of player.ini is then contained too: one warning is enough */
    }
    return problems;
}
