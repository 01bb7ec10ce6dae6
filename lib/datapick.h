/* lib/: one text out of a fetched JSON or CSV document, by a field path (docs/plugins.md,
 * "data notices"). Used by the notice plugin and by `kizuna check`; no network, no clock:
 * "today" is the drawn day the caller passes.
 *
 * Path: segments separated by '.', at most KZ_DATA_PATH_MAX bytes and KZ_DATA_SEGMENTS of them.
 *   N          the Nth element (from 0) of an array, or the Nth data row of a CSV
 *   KEY=VALUE  the first element of an array (the first CSV row) whose KEY is VALUE;
 *              VALUE "today" stands for the drawn day as YYYY-MM-DD
 *   NAME       a member of an object, or a CSV column (by its header)
 * JSON: any sequence of them, ending at a string or a number. CSV: exactly two, a row and a
 * column ("date=today.title", "0.title"); the first line is the header. */
#ifndef KZ_DATAPICK_H
#define KZ_DATAPICK_H
#include <stddef.h>

#define KZ_DATA_PATH_MAX 256
#define KZ_DATA_SEGMENTS 16
#define KZ_DATA_MAX_TEXT 2000  /* bytes of the picked text (more: refused, not cut) */
#define KZ_CSV_MAX_COLUMNS 64
#define KZ_CSV_MAX_FIELD 4096

enum kz_data_kind { KZ_DATA_JSON = 0, KZ_DATA_CSV = 1 };

/* Whether path is well-formed for kind. 0, or -1 with why. */
int kz_data_path_check(int kind, const char *path, char *why, size_t why_n);
/* Whether buf parses as kind (the fetcher keeps a malformed document out of the cache).
 * 0, or -1 with why. */
int kz_data_valid(int kind, const char *buf, size_t len, char *why, size_t why_n);
/* The text at path, as a new string (owned, raw: the caller cleans it with
 * kz_feed_plain_text), day "YYYY-MM-DD" for "today". 0, or -1 with why (no such field, not a
 * text, over KZ_DATA_MAX_TEXT, malformed document). */
int kz_data_pick(int kind, const char *buf, size_t len, const char *path, const char *day,
                 char **out, char *why, size_t why_n);
#endif
