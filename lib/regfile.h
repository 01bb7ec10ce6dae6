/* Opening a file that comes from outside (configuration, playlists, media, text files) only
 * when it is a regular file. O_NONBLOCK, so that opening a FIFO never waits for a writer
 * (which would hang kizuna check, start-up and hot reload), then fstat on what was opened.
 * Part of lib/: the player and the plugins that read files themselves use it. */
#ifndef KZ_REGFILE_H
#define KZ_REGFILE_H
#include <stdio.h>

#define KZ_NOT_REGULAR (-2)
#define KZ_NOT_REGULAR_WHY "not a regular file (a FIFO, a device or a directory?)"

/* A read-only descriptor of path (close-on-exec; the caller closes), -1 when it cannot be
 * opened (errno kept), or KZ_NOT_REGULAR when it is not a regular file (nothing left open). */
int kz_open_regular(const char *path);
/* The same as a stdio stream ("rb"); NULL with *not_regular set to 1 when the file is not a
 * regular file, to 0 when it cannot be opened (errno kept). */
FILE *kz_fopen_regular(const char *path, int *not_regular);

/* Opening beneath a directory descriptor without following any symlink: for media, where the
 * path was checked (realpath, inside the content root) some time before it is opened, and a
 * content editor could swap a component for a symlink in between.
 *
 * rel is relative to dirfd (a leading "/" is skipped, so is "."; ".." is refused) and must
 * name a regular file through real directories only: a symlink anywhere on the way, the last
 * component included, fails with ELOOP, a ".." with EXDEV. openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) where the kernel has it (Linux 5.6), else one
 * openat(O_NOFOLLOW) per component. Returns a read-only descriptor (close-on-exec, the
 * caller closes), -1 with errno set, or KZ_NOT_REGULAR. */
int kz_open_beneath(int dirfd, const char *rel);
/* The same through the component walk only (what kernels without openat2 get); for tests. */
int kz_open_beneath_walk(int dirfd, const char *rel);
#endif
