/* Regular files only: see regfile.h. */
#include "regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h> /* glibc 2.36 has no openat2() wrapper: syscall() */
#endif

/* The descriptor fd when it is a regular file; otherwise closes it and returns -1 (errno
 * kept) or KZ_NOT_REGULAR. */
static int keep_regular(int fd)
{
    struct stat st;
    if (fstat(fd, &st)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return KZ_NOT_REGULAR;
    }
    return fd;
}

int kz_open_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    return fd < 0 ? -1 : keep_regular(fd);
}

FILE *kz_fopen_regular(const char *path, int *not_regular)
{
    int fd = kz_open_regular(path);
    *not_regular = fd == KZ_NOT_REGULAR;
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

#define FILE_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW)

int kz_open_beneath_walk(int dirfd, const char *rel)
{
    char name[NAME_MAX + 1];
    int dir = dirfd, fd = -1;
    const char *p = rel;
    for (;;) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        while (*end == '/')
            end++;
        int last = !*end;
        if (n == 0 && last) { /* "" or a trailing "/": not a file */
            errno = EISDIR;
            break;
        }
        if (n > NAME_MAX) {
            errno = ENAMETOOLONG;
            break;
        }
        memcpy(name, p, n);
        name[n] = 0;
        if (!strcmp(name, "..")) {
            errno = EXDEV;
            break;
        }
        if (!strcmp(name, ".") && !last) {
            p = end;
            continue;
        }
        /* O_NOFOLLOW: a symlink as this component fails with ELOOP instead of being
         * followed; O_DIRECTORY on the way refuses anything but a directory. */
        int next = openat(dir, name, last ? FILE_FLAGS : O_PATH | O_DIRECTORY | O_NOFOLLOW |
                                                            O_CLOEXEC);
        if (next < 0) {
            if (!last && errno == ENOTDIR) {
                struct stat st; /* ENOTDIR is also what a symlink to a directory gives */
                if (!fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
                    errno = ELOOP;
            }
            break;
        }
        if (dir != dirfd)
            close(dir);
        dir = -1;
        if (last) {
            fd = next;
            break;
        }
        dir = next;
        p = end;
    }
    if (dir != dirfd && dir >= 0) {
        int e = errno;
        close(dir);
        errno = e;
    }
    return fd < 0 ? -1 : keep_regular(fd);
}

/* Whether rel has a ".." component: refused by both ways alike (RESOLVE_BENEATH would take
 * one that stays beneath, the walk takes none). */
static int has_dotdot(const char *rel)
{
    for (const char *p = rel; (p = strstr(p, "..")); p += 2)
        if ((p == rel || p[-1] == '/') && (p[2] == '/' || !p[2]))
            return 1;
    return 0;
}

int kz_open_beneath(int dirfd, const char *rel)
{
    if (has_dotdot(rel)) {
        errno = EXDEV;
        return -1;
    }
#ifdef SYS_openat2
    struct open_how how = {
        .flags = FILE_FLAGS,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    while (*rel == '/')
        rel++;
    long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd >= 0)
        return keep_regular((int)fd);
    /* ENOSYS: a kernel before 5.6; EPERM: a seccomp filter that does not know it; E2BIG or
     * EINVAL: a kernel that does not know a flag. Anything else is the answer. */
    if (errno != ENOSYS && errno != EPERM && errno != E2BIG && errno != EINVAL)
        return -1;
#endif
    return kz_open_beneath_walk(dirfd, rel);
}
