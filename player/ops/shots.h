/* Screenshots the running player takes for the control socket and the fleet.
 *
 * They go only to <[paths] logs>/screenshots/, under names the player makes from its clock:
 * screenshot-YYYYMMDD-HHMMSS.mmm.png (local time), with -2, -3 ... when two fall in the same
 * millisecond. No name ever comes from a request, and the file is created with O_EXCL and
 * O_NOFOLLOW relative to the folder's descriptor (itself opened with O_NOFOLLOW), so nothing
 * a caller says and no planted symlink can aim the write at proof of play, the spool, the
 * flash cache or anything else. The newest KZ_SHOTS_KEEP files are kept, older ones removed,
 * so a stream of requests cannot fill the disk. */
#ifndef KZ_SHOTS_H
#define KZ_SHOTS_H
#include <stddef.h>

#include "kizuna/plugin.h"

#define KZ_SHOTS_DIR "screenshots"
#define KZ_SHOTS_KEEP 20

/* Create the next screenshot file. Returns a descriptor open for writing (the caller writes
 * and closes it) and its full path in path, or -1 (logged). */
int kz_shots_create(const char *logs, kz_us now, char *path, size_t n);
/* Remove all but the newest keep screenshot-*.png files of the folder. */
void kz_shots_prune(const char *logs, int keep);
#endif
