/* What the console's handlers share: paths confined to a root, file versions, the audit log,
 * and running the kizuna binary as a child (timeout, output limit). */
#ifndef KZ_CONSOLE_UTIL_H
#define KZ_CONSOLE_UTIL_H
#include <stddef.h>
#include <sys/types.h>

#include "console/console.h"

/* A name under a root: 1..255 bytes of printable characters, no NUL, no backslash, not
 * absolute, no "." or ".." component, no empty component; with subdirs = 0 no '/' at all.
 * 1 = acceptable. */
int kz_cname_ok(const char *name, int subdirs);
/* Open rel under root without following any symbolic link on the way (each directory is
 * opened with O_NOFOLLOW relative to the one before). flags as for open(2) (O_NOFOLLOW and
 * O_CLOEXEC are added). The name must pass kz_cname_ok(name, 1). fd or -1 with errno. */
int kz_copen(const char *root, const char *rel, int flags, mode_t mode);
/* Read a regular file under root (confined as kz_copen), at most max bytes (more: -1, EFBIG).
 * *out is malloc'd and NUL-terminated. 0 or -1 with errno. */
int kz_cread(const char *root, const char *rel, size_t max, char **out, size_t *len);
/* The version of a file's bytes: 32 hex digits (BLAKE2b-128) in out[33]; "none" for absent. */
void kz_cversion(const char *bytes, size_t len, char out[33]);

/* One line to the audit log: time, who, action, file, detail. */
void kz_caudit(kz_console *c, const char *who, const char *action, const char *file,
               const char *detail);

#define KZ_CONSOLE_CHILD_NICE 10 /* added to the console's niceness for every child */
/* Run c->exe with argv (argv[0] is the command word, e.g. "render"; NULL-terminated). stdout
 * goes into *out (malloc'd, NUL-terminated, at most max bytes: more is an error), stderr into
 * err (truncated). The child is killed after c->child_timeout_ms. Returns the child's exit
 * status (0..255), or -1 (could not run, timed out, too much output: reason in err). The child
 * runs KZ_CONSOLE_CHILD_NICE steps nicer than the console. */
int kz_crun(kz_console *c, const char *const *argv, char **out, size_t *len, size_t max,
            char *err, size_t errlen);

/* A fresh private directory under <logs>/console/tmp (mkdtemp), path in out. 0 or -1. */
int kz_ctmpdir(kz_console *c, char *out, size_t n);
/* rm -r of a directory made by kz_ctmpdir (flat or one level deep). */
void kz_crmtree(const char *dir);
/* mkdir -p (mode 0700 for new directories). 0 or -1. */
int kz_cmkdirs(const char *path);
#endif
