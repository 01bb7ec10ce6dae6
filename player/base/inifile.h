/* INI reading on top of inih, with what inih leaves out: the line number of every key, and
 * lines of any length (Debian's inih stops at 200 bytes, about 66 Japanese characters). */
#ifndef KZ_INIFILE_H
#define KZ_INIFILE_H
#include <stddef.h>

#include "regfile.h"

/* Called for every key (section_line: the line of its [section] header, 0 before any); strings are borrowed for the call only. Continuation lines arrive
 * as the same key again (kz_params_add joins them). Return 0 to go on. */
typedef void (*kz_ini_handler)(void *user, const char *section, int section_line,
                               const char *key, const char *value, int line);

/* Returns 0, -1 when the file cannot be read (errno kept), KZ_INI_NOT_REGULAR when path is
 * not a regular file (a FIFO, a device, a directory: opening never waits for a writer), or
 * the line of the first syntax error (a line that is neither [section], key = value, a
 * continuation nor a comment). */
#define KZ_INI_NOT_REGULAR KZ_NOT_REGULAR
#define KZ_INI_NOT_REGULAR_WHY KZ_NOT_REGULAR_WHY
int kz_ini_parse_file(const char *path, kz_ini_handler h, void *user);
int kz_ini_parse_string(const char *text, size_t len, kz_ini_handler h, void *user);

/* The same, and h is also called with key = value = NULL for every [section] header, so that
 * sections without keys are seen (inih itself only reports keys). */
#define KZ_INI_SECTIONS 1
int kz_ini_parse_file_ex(const char *path, kz_ini_handler h, void *user, int flags);
int kz_ini_parse_string_ex(const char *text, size_t len, kz_ini_handler h, void *user,
                           int flags);

/* A repeat the reader found in one file: a [section] header given before (key NULL), or a
 * key given again in the same occurrence of a section (a continuation line is not a
 * repeat). line: the repeat; first: the line where it was first given. With a repeat
 * callback the first one counts: the repeat (a repeated section with all its keys) is not
 * handed to the key handler. */
typedef void (*kz_ini_repeat)(void *user, const char *section, const char *key, int line,
                              int first);
int kz_ini_parse_file_rep(const char *path, kz_ini_handler h, kz_ini_repeat rep, void *user,
                          int flags);
int kz_ini_parse_string_rep(const char *text, size_t len, kz_ini_handler h, kz_ini_repeat rep,
                            void *user, int flags);
/* The message every reader logs after "file:line: " for a repeat (snprintf's return). */
int kz_ini_repeat_text(char *buf, size_t size, const char *section, const char *key, int first);

/* Marker put in front of the second and later pieces of an over-long physical line: the
 * piece continues the value without a line break. */
#define KZ_INI_JOIN '\x01'
#endif
