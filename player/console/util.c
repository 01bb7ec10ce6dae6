/* Confined paths, versions, audit log, child processes (util.h). */
#include "console/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#define LOG "console"

int kz_cname_ok(const char *name, int subdirs)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 255 || name[0] == '/')
        return 0;
    const char *comp = name;
    for (size_t i = 0; i <= n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch == '/' || ch == 0) {
            size_t len = (size_t)(name + i - comp);
            if (len == 0 || (len == 1 && comp[0] == '.') ||
                (len == 2 && comp[0] == '.' && comp[1] == '.'))
                return 0;
            if (ch == '/' && !subdirs)
                return 0;
            comp = name + i + 1;
            continue;
        }
        if (ch < 0x20 || ch == 0x7f || ch == '\\')
            return 0;
    }
    return 1;
}

int kz_copen(const char *root, const char *rel, int flags, mode_t mode)
{
    if (!kz_cname_ok(rel, 1)) {
        errno = EINVAL;
        return -1;
    }
    int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -1;
    char part[256];
    const char *p = rel;
    for (;;) {
        const char *slash = strchr(p, '/');
        if (!slash)
            break;
        size_t len = (size_t)(slash - p);
        memcpy(part, p, len);
        part[len] = 0;
        int next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(dir);
        if (next < 0) {
            errno = e;
            return -1;
        }
        dir = next;
        p = slash + 1;
    }
    int fd = openat(dir, p, flags | O_NOFOLLOW | O_CLOEXEC, mode);
    int e = errno;
    close(dir);
    errno = e;
    return fd;
}

int kz_cread(const char *root, const char *rel, size_t max, char **out, size_t *len)
{
    int fd = kz_copen(root, rel, O_RDONLY | O_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf)
        return -1;
    buf[got] = 0;
    *out = buf;
    *len = got;
    return 0;
}

void kz_cversion(const char *bytes, size_t len, char out[33])
{
    if (!bytes) {
        snprintf(out, 33, "none");
        return;
    }
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)bytes, len, NULL, 0);
    sodium_bin2hex(out, 33, h, sizeof h);
}

void kz_caudit(kz_console *c, const char *who, const char *action, const char *file,
               const char *detail)
{
    int fd = open(c->audit_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot write the audit log: %m", c->audit_path);
        return;
    }
    char when[40];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char line[1024];
    /* one line per change; line breaks in the detail would forge lines, so they go */
    int n = snprintf(line, sizeof line, "%s who=%s action=%s file=%s %s", when,
                     who ? who : "-", action, file ? file : "-", detail ? detail : "");
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    for (int i = 0; i < n; i++)
        if ((unsigned char)line[i] < 0x20)
            line[i] = ' ';
    line[n++] = '\n';
    if (write(fd, line, (size_t)n) != n)
        kz_log(LOG, KZ_LOG_ERROR, "%s: short write to the audit log", c->audit_path);
    close(fd);
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kz_crun(kz_console *c, const char *const *argv, char **out, size_t *len, size_t max,
            char *err, size_t errlen)
{
    int po[2], pe[2];
    *out = NULL;
    *len = 0;
    if (err && errlen)
        err[0] = 0;
    if (pipe2(po, O_CLOEXEC))
        return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
    if (pipe2(pe, O_CLOEXEC)) {
        close(po[0]), close(po[1]);
        return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
    }
    size_t n = 0;
    while (argv[n])
        n++;
    const char **av = calloc(n + 2, sizeof *av);
    char *buf = malloc(max + 1);
    if (!av || !buf) {
        free(av), free(buf);
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        return snprintf(err, errlen, "out of memory"), -1;
    }
    av[0] = c->exe;
    for (size_t i = 0; i < n; i++)
        av[i + 1] = argv[i];
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        /* a preview, a check or a flash analysis must never take frames from the screen
         * beside it: the children run below the player's priority (tools/bench-console.sh) */
        errno = 0;
        if (nice(KZ_CONSOLE_CHILD_NICE) == -1 && errno)
            _exit(126);
        execv(c->exe, (char *const *)av);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    free(av);
    if (pid < 0) {
        close(po[0]), close(pe[0]), free(buf);
        return snprintf(err, errlen, "fork: %s", strerror(errno)), -1;
    }
    size_t got = 0, egot = 0;
    int too_much = 0, timed_out = 0, open_o = 1, open_e = 1;
    long long deadline = mono_ms() + c->child_timeout_ms;
    while (open_o || open_e) {
        struct pollfd pf[2] = {{open_o ? po[0] : -1, POLLIN, 0}, {open_e ? pe[0] : -1, POLLIN, 0}};
        long long left = deadline - mono_ms();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        int r = poll(pf, 2, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (pf[0].revents) {
            ssize_t k = read(po[0], buf + got, max - got ? max - got : 1);
            if (k <= 0) {
                open_o = 0;
            } else if (max - got == 0) {
                too_much = 1;
                break;
            } else {
                got += (size_t)k;
            }
        }
        if (pf[1].revents) {
            char tmp[4096];
            ssize_t k = read(pe[0], tmp, sizeof tmp);
            if (k <= 0) {
                open_e = 0;
            } else if (err && egot + 1 < errlen) {
                size_t take = (size_t)k < errlen - 1 - egot ? (size_t)k : errlen - 1 - egot;
                memcpy(err + egot, tmp, take);
                egot += take;
                err[egot] = 0;
            }
        }
    }
    if (timed_out || too_much)
        kill(pid, SIGKILL);
    close(po[0]);
    close(pe[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (timed_out || too_much) {
        free(buf);
        snprintf(err, errlen, "%s %s: %s", c->exe, argv[0],
                 timed_out ? "took too long (stopped)" : "too much output (stopped)");
        return -1;
    }
    if (!WIFEXITED(st)) {
        free(buf);
        snprintf(err, errlen, "kizuna %s ended with signal %d", argv[0],
                 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        return -1;
    }
    buf[got] = 0;
    *out = buf;
    *len = got;
    return WEXITSTATUS(st);
}

int kz_cmkdirs(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0700) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

int kz_ctmpdir(kz_console *c, char *out, size_t n)
{
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s/console/tmp", c->cfg.logs);
    if (kz_cmkdirs(base))
        return -1;
    if ((size_t)snprintf(out, n, "%s/XXXXXX", base) >= n)
        return -1;
    return mkdtemp(out) ? 0 : -1;
}

void kz_crmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) && (errno == EISDIR || errno == EPERM))
                kz_crmtree(p);
        }
        closedir(d);
    }
    rmdir(dir);
}
