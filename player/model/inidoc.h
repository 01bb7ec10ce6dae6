/* An INI file as the lines a person wrote, for editing that keeps everything they wrote:
 * comments (whole-line and after a value), blank lines, key order, spacing around '=', and
 * the sections nobody touched stay byte-for-byte the same. The console edits playlists
 * through this; the player itself reads them with inifile.h. Parsing follows the same rules
 * as inifile.h (';' and '#' comments, "[section]", "key = value", long lines allowed), so a
 * line number given here is the line number the player will report.
 *
 * Ownership: a kz_inidoc owns copies of everything; strings it returns are borrowed until
 * the next change to the document or kz_inidoc_free. Functions return 0 or a negative code
 * (-1 bad argument or not found, -2 out of memory, -3 I/O error with errno set). */
#ifndef KZ_INIDOC_H
#define KZ_INIDOC_H
#include <stddef.h>

#include "base/inifile.h"

typedef struct kz_inidoc kz_inidoc;

/* Parse text (need not be NUL-terminated). name is used in messages ("file:line: why").
 * A line that is neither comment, section nor key is an error: -1 with err filled. */
int kz_inidoc_parse(const char *text, size_t len, const char *name, kz_inidoc **out,
                    char *err, size_t errlen);
/* Read a regular file (never a FIFO or device; size limited to 4 MiB) and parse it. */
int kz_inidoc_load(const char *path, kz_inidoc **out, char *err, size_t errlen);
/* The document as text; malloc'd, NUL-terminated, caller frees. parse -> text is identity. */
char *kz_inidoc_text(const kz_inidoc *d, size_t *len);
void kz_inidoc_free(kz_inidoc **d);

/* Sections in file order; index 0..n-1. Keys before the first section belong to section
 * NULL (not counted here). */
size_t kz_inidoc_n_sections(const kz_inidoc *d);
const char *kz_inidoc_section_name(const kz_inidoc *d, size_t i);
/* 1-based line of the section header (or of the key), 0 when absent. */
int kz_inidoc_section_line(const kz_inidoc *d, const char *section);
int kz_inidoc_key_line(const kz_inidoc *d, const char *section, const char *key);
/* Keys of a section in file order. */
size_t kz_inidoc_n_keys(const kz_inidoc *d, const char *section);
const char *kz_inidoc_key_name(const kz_inidoc *d, const char *section, size_t i);
/* The value (trimmed, without its trailing comment), or NULL when absent. */
const char *kz_inidoc_get(const kz_inidoc *d, const char *section, const char *key);

/* Set a key: an existing line keeps its position, indentation and trailing comment; a new
 * key goes after the last key of the section. Values with a newline are refused (-1).
 * Unsafe values are refused (-1), never rewritten: a control character (newline, CR, any
 * byte below 0x20 but tab, DEL), a leading or trailing space or tab (inih strips them), a
 * ';' at the start or after a space or tab (inih would start a comment there), a leading
 * 0x01 (the reader's join mark). '#' is safe inside a value. Key names: 1..49 bytes, no
 * '=', ':', control characters, leading ';' '#' '[' or spaces. The key's continuation lines
 * and repeats of the key in the section are removed (the value is then one line). Every
 * edit below is checked by reading the result again as the player does: when anything
 * other than the intended change would differ, the document is left as it was (-1). */
int kz_inidoc_set(kz_inidoc *d, const char *section, const char *key, const char *value);
int kz_inidoc_unset(kz_inidoc *d, const char *section, const char *key);
/* Add an empty section after section `after` (NULL: at the end), with a blank line before.
 * Section names: 1..49 bytes (inih keeps 49), no ']', no control characters, no leading or
 * trailing space, not already used (-1). */
int kz_inidoc_add_section(kz_inidoc *d, const char *name, const char *after);
/* Remove a section with its keys and the comment lines directly above its header. */
int kz_inidoc_remove_section(kz_inidoc *d, const char *name);
/* Move a section (with the comments directly above it) to position index (0 = first). */
int kz_inidoc_move_section(kz_inidoc *d, const char *name, size_t index);
/* Rename a section (its keys and comments stay). */
int kz_inidoc_rename_section(kz_inidoc *d, const char *name, const char *new_name);

/* Write atomically: path.tmp in the same directory, fsync, rename over path, fsync the
 * directory. When backup is not NULL the previous file (if any) is first hard-linked or
 * copied to backup, so one step of undo is a rename back. */
int kz_inidoc_write_atomic(const kz_inidoc *d, const char *path, const char *backup);

/* Where the parsed text had its first syntax error (0: none; parse refuses such text). */
int kz_inidoc_error_line(const kz_inidoc *d);
/* Hand the document to h exactly as the player's reader would (kz_ini_parse_string_ex on
 * its text): the player's own view, for checks before writing. Returns what that returns. */
int kz_inidoc_walk(const kz_inidoc *d, kz_ini_handler h, void *user, int flags);
/* Tests only: make kz_inidoc_write_atomic stop before step n (1 open temp, 2 write, 3 fsync,
 * 4 unlink old backup, 5 link backup, 6 rename, 7 fsync directory) as a crash would, leaving
 * everything as it is then (-3, errno ECANCELED). 0: never. */
void kz_inidoc_test_crash_at(int step);
#endif
