/* Changing the playlist set safely (campaigns.c, media.c): the set is checked with the new
 * files in place, in a private copy, before anything is written; the change is then written
 * file by file (kz_inidoc_write_atomic), each previous version kept in the undo directory, and
 * one step of undo puts every file of the last change back. */
#ifndef KZ_CONSOLE_STORE_H
#define KZ_CONSOLE_STORE_H
#include <jansson.h>

#include "console/console.h"
#include "model/inidoc.h"

#define KZ_STORE_MAX_FILES 64

/* One file of a change: a new text (doc != NULL), a removal (doc == NULL, rename_to NULL)
 * or a rename (on/off: NAME.ini <-> NAME.ini.off). Names are plain file names in the
 * playlist directory. */
typedef struct kz_change {
    const char *name;
    const kz_inidoc *doc;   /* borrowed */
    const char *rename_to;
} kz_change;

/* Run `kizuna check --format json` on the playlist set as it would be after the changes.
 * *problems gets an array of {file, line, severity, message} (file: a name in the playlist
 * directory, or as the checker wrote it); *errors the number of errors. 0, or -1 when the
 * check could not run (reason in err). */
/* The same for the set as it is, as of the moment at (`kizuna check --at AT`). */
int kz_store_check_at(kz_console *c, const char *at, json_t **problems, int *errors, char *err,
                      size_t errlen);
int kz_store_check(kz_console *c, const kz_change *ch, int n, json_t **problems, int *errors,
                   char *err, size_t errlen);
/* Apply the changes (after a clean check), making them the one step of undo. who/action
 * go to the audit log. 0, or -1 (reason in err; files already written stay written and the
 * undo step covers them). */
int kz_store_apply(kz_console *c, const kz_change *ch, int n, const char *who,
                   const char *action, char *err, size_t errlen);
/* Undo the last change. 0, 1 = nothing to undo, -1 error. */
int kz_store_undo(kz_console *c, const char *who, char *err, size_t errlen);
/* What the undo step would restore (a line for people) or NULL. Caller frees. */
char *kz_store_undo_describe(kz_console *c);
#endif
