/* Screenshot files: their folder, their names, their number. See shots.h. */
#include "ops/shots.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#define LOG "screenshot"
/* Names looked at when pruning, at most (the folder holds KZ_SHOTS_KEEP in normal use). */
#define KZ_SHOTS_SCAN_MAX 4096

static int open_dir(const char *logs)
{
    char dir[4200];
    if (!logs || !logs[0]) {
        errno = ENOENT;
        return -1;
    }
    snprintf(dir, sizeof dir, "%s/" KZ_SHOTS_DIR, logs);
    if (mkdir(dir, 0755) && errno != EEXIST)
        return -1;
    return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int kz_shots_create(const char *logs, kz_us now, char *path, size_t n)
{
    int dfd = open_dir(logs);
    if (dfd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s/" KZ_SHOTS_DIR ": cannot use the folder: %s",
               logs ? logs : "", strerror(errno));
        return -1;
    }
    time_t sec = (time_t)(now / KZ_US_PER_S);
    long ms = (long)((now % KZ_US_PER_S) / 1000);
    if (ms < 0) {
        sec--;
        ms += 1000;
    }
    struct tm tm;
    char stamp[32] = "00000000-000000";
    if (localtime_r(&sec, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    int fd = -1;
    char name[80];
    for (int k = 1; k <= 100 && fd < 0; k++) {
        if (k == 1)
            snprintf(name, sizeof name, "screenshot-%s.%03ld.png", stamp, ms);
        else
            snprintf(name, sizeof name, "screenshot-%s.%03ld-%d.png", stamp, ms, k);
        fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    int err = errno;
    close(dfd);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s/" KZ_SHOTS_DIR "/%s: cannot create: %s", logs, name,
               strerror(err));
        return -1;
    }
    snprintf(path, n, "%s/" KZ_SHOTS_DIR "/%s", logs, name);
    return fd;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void kz_shots_prune(const char *logs, int keep)
{
    int dfd = open_dir(logs);
    if (dfd < 0)
        return;
    int dfd2 = dup(dfd);
    DIR *d = dfd2 >= 0 ? fdopendir(dfd2) : NULL;
    if (!d) {
        if (dfd2 >= 0)
            close(dfd2);
        close(dfd);
        return;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < KZ_SHOTS_SCAN_MAX) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "screenshot-", 11) || len < 16 ||
            strcmp(e->d_name + len - 4, ".png"))
            continue;
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn)
                break;
            names = nn;
            cap = nc;
        }
        if (!(names[count] = strdup(e->d_name)))
            break;
        count++;
    }
    closedir(d);
    /* The names sort by the time they were taken. */
    qsort(names, count, sizeof *names, cmp_name);
    for (size_t i = 0; i + (size_t)keep < count; i++)
        if (unlinkat(dfd, names[i], 0) && errno != ENOENT)
            kz_log(LOG, KZ_LOG_WARN, "%s/" KZ_SHOTS_DIR "/%s: cannot remove: %s", logs,
                   names[i], strerror(errno));
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    close(dfd);
}
