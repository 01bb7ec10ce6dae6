/* Named logs with levels; repeated identical messages are counted, not reprinted. */
#ifndef KZ_LOG_H
#define KZ_LOG_H
#include <stdarg.h>

#include "kizuna/plugin.h"

/* component: a short name ("config", "player", "plugin:image"). Thread-safe. */
void kz_log(const char *component, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void kz_logv(const char *component, int level, const char *fmt, va_list ap);

void kz_log_set_level(int level); /* messages above level are dropped (default INFO) */
int kz_log_level(void);
/* Also append every line to this file (NULL to stop). Returns 0 or -1. */
int kz_log_open_file(const char *path);
/* Number of error / warning lines logged since start (kizuna check uses it). */
int kz_log_count(int level);
/* Copy the last n error lines (oldest first) into out; returns how many. Borrowed strings,
 * valid until the next log call from any thread. */
int kz_log_recent_errors(const char **out, int n);
void kz_log_flush_repeats(void);
/* Also hand every emitted line ("component level: message", no newline) to fn; NULL to stop.
 * Used by tests and by status reporting. Called with the log lock held: fn must not log. */
void kz_log_set_sink(void (*fn)(const char *line, void *ud), void *ud);
#endif
