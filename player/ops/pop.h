/* Proof of play: an append-only, crash-safe log of what aired, one line per aired slot.
 *
 * Files: <dir>/pop-YYYY-MM-DD.tsv, one per local day (the player's zone) of the line's start.
 * Lines: tab-separated, '\n'-terminated, written whole with one write(2) on an O_APPEND
 * descriptor; lines starting with '#' are comments. Fields (docs/operations.md):
 *
 *   id  start  end  seconds  zone  playlist  item  campaign  outcome
 *
 * id = "<screen>@<start in µs since the epoch>@<zone>" (plus "@0" for a zero-length line: an
 * item that failed before it was shown): stable, so a reader that sees a line twice (copied
 * files, restarts) can de-duplicate. start/end are ISO 8601 with offset and
 * milliseconds, seconds the time shown (end - start). playlist "-" with item "(standby)" is the
 * standby slide, item "(interrupt)" an operator's interrupt. outcome is completed,
 * interrupted or failed. An optional tenth field, content, says which fetched copy aired (its
 * version, "fallback", "skipped", or "A>B" when it changed during the slot); it is written
 * only by items that say (kz_host_api.shown), so lines of other items keep nine fields and
 * readers accept both. A torn last line (no '\n', e.g. a power cut while writing) does not
 * parse and is skipped by readers; the writer starts its next line on a fresh line. */
#ifndef KZ_POP_H
#define KZ_POP_H
#include <stddef.h>

#include "kizuna/plugin.h"

#define KZ_POP_STANDBY "(standby)"
#define KZ_POP_INTERRUPT "(interrupt)"
#define KZ_POP_HEADER "# kizuna proof of play v1\tid\tstart\tend\tseconds\tzone\tplaylist\titem" \
                      "\tcampaign\toutcome\t[content]\n"

enum kz_pop_kind { KZ_POP_ITEM = 0, KZ_POP_STANDBY_KIND, KZ_POP_INTERRUPT_KIND };

typedef struct kz_pop_rec {
    char id[192];
    kz_us start, end;
    double seconds;
    char zone[32];
    char playlist[128];
    char item[128];
    char campaign[128];
    int outcome; /* enum kz_outcome (player.h) */
    char content[100]; /* the optional tenth field; "" = none (not written) */
} kz_pop_rec;

/* "completed" / "interrupted" / "failed"; -1 when unknown. */
const char *kz_pop_outcome_name(int outcome);
int kz_pop_outcome_parse(const char *s);
/* Kind of a record from its playlist/item fields. */
int kz_pop_kind(const kz_pop_rec *r);

/* Fill r->id from the screen name, r->start and r->zone. */
void kz_pop_make_id(kz_pop_rec *r, const char *screen);
/* Format one line, '\n' included; tabs and newlines inside fields become spaces. Returns the
 * length, or -1 when it does not fit in n. */
int kz_pop_format(const kz_pop_rec *r, char *out, size_t n);
/* Parse one line (with or without its '\n'; a line must be complete: the caller decides what
 * a torn line is). 0, or -1 when it is not a valid line (comments and blank lines are -1). */
int kz_pop_parse(const char *line, kz_pop_rec *r);

/* Read every complete, valid line of a file. Calls fn for each; counts skipped lines
 * (malformed, or a torn last line) in *skipped. Returns the number of records, or -1 when the
 * file cannot be read (logged). */
int kz_pop_read_file(const char *path, int (*fn)(const kz_pop_rec *r, void *ud), void *ud,
                     int *skipped);

/* The writer: owned by the operations hooks, one per player. */
typedef struct kz_pop_writer {
    char dir[4096];
    char screen[64];
    int fd;               /* the open day file, or -1 */
    kz_us day_start, day_end; /* local day of the open file */
    int dirty;            /* written since the last fsync */
    kz_us last_sync_mono;
    long lines, errors;
} kz_pop_writer;

/* dir is created when missing. Returns 0 or -1 (logged; the writer then drops lines). */
int kz_pop_open(kz_pop_writer *w, const char *dir, const char *screen);
/* Append one record (fills its id). One write(2) per line. 0 or -1 (logged once a minute). */
int kz_pop_write(kz_pop_writer *w, kz_pop_rec *r);
/* fdatasync when lines were written and at least interval µs of monotonic time passed. */
void kz_pop_sync(kz_pop_writer *w, kz_us mono_now, kz_us interval);
void kz_pop_close(kz_pop_writer *w);
/* Path of the day file for instant t: <dir>/pop-YYYY-MM-DD.tsv. */
void kz_pop_path(const char *dir, kz_us t, char *out, size_t n);
#endif
