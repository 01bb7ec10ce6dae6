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
 * key goes after the last key of the section. Values with a newline are refused (-1). */
int kz_inidoc_set(kz_inidoc *d, const char *section, const char *key, const char *value);
int kz_inidoc_unset(kz_inidoc *d, const char *section, const char *key);
/* Add an empty section after section `after` (NULL: at the end), with a blank line before. */
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
#endif
