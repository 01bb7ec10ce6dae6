/* Check-before-write, atomic writes and one step of undo for the playlist set (store.h). */
#include "console/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/messages.h"
#include "console/util.h"

#define CHECK_OUT_MAX (1024 * 1024)

static int in_changes(const kz_change *ch, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(ch[i].name, name) || (ch[i].rename_to && !strcmp(ch[i].rename_to, name)))
            return 1;
    return 0;
}

static int write_text(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc = write(fd, text, len) == (ssize_t)len ? 0 : -1;
    close(fd);
    return rc;
}

/* player.ini for the copy: the same file, with every path absolute and the playlists
 * pointing into the copy (the comments and other keys stay as they are). */
static int copy_config(kz_console *c, const char *tmp, const char *pl)
{
    kz_inidoc *d = NULL;
    char err[256], path[PATH_MAX], logs[PATH_MAX];
    if (kz_inidoc_load(c->cfg.path, &d, err, sizeof err))
        return -1;
    if (!kz_inidoc_section_line(d, "paths"))
        kz_inidoc_add_section(d, "paths", NULL);
    snprintf(logs, sizeof logs, "%s/logs", tmp);
    mkdir(logs, 0700);
    int rc = kz_inidoc_set(d, "paths", "playlists", pl) |
             kz_inidoc_set(d, "paths", "plugins", c->cfg.plugins) |
             kz_inidoc_set(d, "paths", "content", c->cfg.content) |
             kz_inidoc_set(d, "paths", "fonts", c->cfg.fonts) |
             kz_inidoc_set(d, "paths", "logs", logs);
    snprintf(path, sizeof path, "%s/player.ini", tmp);
    if (!rc)
        rc = kz_inidoc_write_atomic(d, path, NULL);
    kz_inidoc_free(&d);
    return rc ? -1 : 0;
}

/* "kizuna[schedule] error: /tmp/x/playlists/a.ini:7: [item] ..." -> {file, line, ...} */
static void parse_problems(const char *text, const char *pl, const char *content, json_t *arr)
{
    size_t cn = strlen(content);
    size_t pln = strlen(pl);
    const char *p = text;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
        p = eol ? eol + 1 : NULL;
        const char *sev = strstr(line, "] error: ") ? "error"
                        : strstr(line, "] warning: ") ? "warning" : NULL;
        if (!sev)
            continue;
        char *msg = strstr(line, sev) + strlen(sev) + 2;
        const char *file = "", *where = msg;
        int lno = 0;
        if (!strncmp(msg, pl, pln) && msg[pln] == '/') {
            char *name = msg + pln + 1, *colon = strchr(name, ':');
            if (colon) {
                *colon = 0;
                lno = atoi(colon + 1);
                char *rest = strchr(colon + 1, ':');
                where = rest ? rest + 1 + (rest[1] == ' ') : colon + 1;
                file = name;
            }
        }
        /* the copy's path means nothing to people: name the real playlist directory */
        char shown[2400];
        if (*file)
            snprintf(shown, sizeof shown, "%s:%d: %s", file, lno, where);
        else
            snprintf(shown, sizeof shown, "%s", msg);
        json_t *pb = json_pack("{s:s,s:i,s:s,s:s}", "file", file, "line", lno, "severity", sev,
                               "message", shown);
        if (pb)
            kz_cmsg_classify(pb, where);
        /* a clip is named as the media page names it: inside the content folder */
        json_t *params = json_object_get(pb, "params");
        const char *clip = json_string_value(json_object_get(params, "path"));
        if (clip && !strncmp(clip, content, cn) && clip[cn] == '/')
            json_object_set_new(params, "path", json_string(clip + cn + 1));
        json_array_append_new(arr, pb);
    }
}

/* The check's copy of one file of the set. Regular files are copied, not linked: the player
 * refuses a playlist that is a symlink leading out of its folder (issue: confinement), and
 * the private copy's folder is not the real one. Directories stay linked. */
static int place(const char *src, const char *dst)
{
    struct stat st;
    if (lstat(src, &st))
        return -1;
    if (!S_ISREG(st.st_mode))
        return symlink(src, dst);
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)r) != r) {
            rc = -1;
            break;
        }
    if (r < 0)
        rc = -1;
    close(in);
    if (close(out))
        rc = -1;
    return rc;
}

static int check_set(kz_console *c, const kz_change *ch, int n, const char *at,
                     json_t **problems, int *errors, char *err, size_t errlen)
{
    char tmp[PATH_MAX], pl[PATH_MAX + 16], cfgpath[PATH_MAX + 16];
    *problems = NULL;
    *errors = 0;
    if (kz_ctmpdir(c, tmp, sizeof tmp))
        return snprintf(err, errlen, "cannot make a temporary directory: %s",
                        strerror(errno)), -1;
    snprintf(pl, sizeof pl, "%s/playlists", tmp);
    int rc = -1;
    DIR *d = NULL;
    if (mkdir(pl, 0700) || !(d = opendir(c->cfg.playlists))) {
        snprintf(err, errlen, "%s: %s", c->cfg.playlists, strerror(errno));
        goto out;
    }
    /* everything else of the set: files copied, sub-folders linked (place()) */
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "player.ini") ||
            in_changes(ch, n, e->d_name))
            continue;
        char src[PATH_MAX * 2], dst[PATH_MAX * 2];
        snprintf(src, sizeof src, "%s/%s", c->cfg.playlists, e->d_name);
        snprintf(dst, sizeof dst, "%s/%s", pl, e->d_name);
        if (place(src, dst)) {
            snprintf(err, errlen, "%s: %s", dst, strerror(errno));
            goto out;
        }
    }
    for (int i = 0; i < n; i++) {
        char dst[PATH_MAX * 2];
        if (ch[i].doc) {
            size_t len;
            char *text = kz_inidoc_text(ch[i].doc, &len);
            snprintf(dst, sizeof dst, "%s/%s", pl, ch[i].name);
            int w = text ? write_text(dst, text, len) : -1;
            free(text);
            if (w) {
                snprintf(err, errlen, "%s: %s", dst, strerror(errno));
                goto out;
            }
        } else if (ch[i].rename_to) {
            char src[PATH_MAX * 2];
            snprintf(src, sizeof src, "%s/%s", c->cfg.playlists, ch[i].name);
            snprintf(dst, sizeof dst, "%s/%s", pl, ch[i].rename_to);
            if (place(src, dst)) {
                snprintf(err, errlen, "%s: %s", dst, strerror(errno));
                goto out;
            }
        }
    }
    if (copy_config(c, tmp, pl)) {
        snprintf(err, errlen, "%s: cannot copy the configuration for the check", c->cfg.path);
        goto out;
    }
    snprintf(cfgpath, sizeof cfgpath, "%s/player.ini", tmp);
    const char *argv[] = {"check", "--config", cfgpath, "--format", "json",
                          at ? "--at" : NULL, at, NULL};
    char *out = NULL, *msgs = malloc(256 * 1024);
    size_t len;
    if (!msgs) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    int st = kz_crun(c, argv, &out, &len, CHECK_OUT_MAX, msgs, 256 * 1024);
    json_error_t je;
    json_t *res = st >= 0 && out ? json_loads(out, 0, &je) : NULL;
    if (!res) {
        snprintf(err, errlen, "kizuna check did not answer: %.300s", st < 0 ? msgs : "bad JSON");
    } else {
        json_t *arr = json_array();
        parse_problems(msgs, pl, c->cfg.content, arr);
        json_t *ne = json_object_get(res, "errors");
        *errors = ne ? (int)json_integer_value(ne) : 0;
        /* every error the checker counted must show up as a line; if its log was cut, say so */
        *problems = arr;
        rc = 0;
    }
    json_decref(res);
    free(out);
    free(msgs);
out:
    if (d)
        closedir(d);
    kz_crmtree(tmp);
    return rc;
}

int kz_store_check(kz_console *c, const kz_change *ch, int n, json_t **problems, int *errors,
                   char *err, size_t errlen)
{
    return check_set(c, ch, n, NULL, problems, errors, err, errlen);
}

int kz_store_check_at(kz_console *c, const char *at, json_t **problems, int *errors, char *err,
                      size_t errlen)
{
    return check_set(c, NULL, 0, at, problems, errors, err, errlen);
}

static void clear_undo(kz_console *c)
{
    DIR *d = opendir(c->undo_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
            continue;
        char p[PATH_MAX * 2];
        snprintf(p, sizeof p, "%s/%s", c->undo_dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int kz_store_apply(kz_console *c, const kz_change *ch, int n, const char *who,
                   const char *action, char *err, size_t errlen)
{
    clear_undo(c);
    char man[PATH_MAX + 16];
    snprintf(man, sizeof man, "%s/.manifest", c->undo_dir);
    FILE *mf = fopen(man, "we");
    if (!mf)
        return snprintf(err, errlen, "%s: %s", man, strerror(errno)), -1;
    fprintf(mf, "%s %s\n", action, who);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char path[PATH_MAX * 2], bak[PATH_MAX * 2], to[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", c->cfg.playlists, ch[i].name);
        snprintf(bak, sizeof bak, "%s/%s", c->undo_dir, ch[i].name);
        int had = exists(path);
        fprintf(mf, "%s %s\n", had ? "keep" : "absent", ch[i].name);
        fflush(mf);
        const char *what = ch[i].doc ? (had ? "write" : "create")
                         : ch[i].rename_to ? "rename" : "remove";
        if (ch[i].doc) {
            rc = kz_inidoc_write_atomic(ch[i].doc, path, had ? bak : NULL);
        } else if (ch[i].rename_to) {
            snprintf(to, sizeof to, "%s/%s", c->cfg.playlists, ch[i].rename_to);
            if (exists(to)) {
                snprintf(err, errlen, "%s already exists", ch[i].rename_to);
                rc = -1;
                break;
            }
            fprintf(mf, "absent %s\n", ch[i].rename_to);
            fflush(mf);
            rc = link(path, bak) || rename(path, to) ? -1 : 0;
        } else {
            rc = rename(path, bak) ? -1 : 0;
        }
        if (rc)
            snprintf(err, errlen, "%s: cannot %s: %s", ch[i].name, what, strerror(errno));
        char detail[300];
        snprintf(detail, sizeof detail, "%s%s%s", what, ch[i].rename_to ? " to " : "",
                 ch[i].rename_to ? ch[i].rename_to : "");
        kz_caudit(c, who, rc ? "failed" : action, ch[i].name, detail);
    }
    if (fclose(mf) && !rc) {
        snprintf(err, errlen, "%s: %s", man, strerror(errno));
        rc = -1;
    }
    return rc;
}

int kz_store_undo(kz_console *c, const char *who, char *err, size_t errlen)
{
    char man[PATH_MAX + 16];
    snprintf(man, sizeof man, "%s/.manifest", c->undo_dir);
    FILE *mf = fopen(man, "re");
    if (!mf)
        return 1;
    char line[512];
    int rc = 0;
    if (!fgets(line, sizeof line, mf)) {
        fclose(mf);
        unlink(man);
        return 1;
    }
    /* later entries first: a rename recorded "keep a.ini" then "absent a.ini.off" */
    char names[KZ_STORE_MAX_FILES * 2][300];
    int keep[KZ_STORE_MAX_FILES * 2], k = 0;
    while (k < KZ_STORE_MAX_FILES * 2 && fgets(line, sizeof line, mf)) {
        line[strcspn(line, "\n")] = 0;
        char *sp = strchr(line, ' ');
        if (!sp || !kz_cname_ok(sp + 1, 0))
            continue;
        keep[k] = !strncmp(line, "keep", 4);
        snprintf(names[k++], sizeof names[0], "%s", sp + 1);
    }
    fclose(mf);
    for (int i = k; i-- > 0;) {
        char path[PATH_MAX * 2], bak[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", c->cfg.playlists, names[i]);
        snprintf(bak, sizeof bak, "%s/%s", c->undo_dir, names[i]);
        int r = keep[i] ? rename(bak, path) : (unlink(path) && errno != ENOENT);
        if (r) {
            snprintf(err, errlen, "%s: cannot restore: %s", names[i], strerror(errno));
            rc = -1;
        }
        kz_caudit(c, who, r ? "undo-failed" : "undo", names[i],
                  keep[i] ? "restored the previous version" : "removed the new file");
    }
    unlink(man);
    return rc;
}

char *kz_store_undo_describe(kz_console *c)
{
    char man[PATH_MAX + 16], line[512];
    snprintf(man, sizeof man, "%s/.manifest", c->undo_dir);
    FILE *mf = fopen(man, "re");
    if (!mf)
        return NULL;
    char *r = fgets(line, sizeof line, mf) ? strdup(line) : NULL;
    fclose(mf);
    if (r)
        r[strcspn(r, "\n")] = 0;
    return r;
}
