/* Named logs. One line per message: "2025-02-01 10:00:00 kizuna[player] error: ...".
 * The same message from the same component, repeated, is counted and summarised once
 * ("last message repeated N times") instead of flooding the log. */
#include "base/log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define KZ_LOG_RECENT 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int max_level = KZ_LOG_INFO;
static FILE *file;
static int counts[4];
static char last_msg[512];
static char last_comp[64];
static int last_level;
static long repeats;
static char recent[KZ_LOG_RECENT][512];
static int recent_n, recent_head;
static void (*sink)(const char *, void *);
static void *sink_ud;

static const char *level_name(int level)
{
    switch (level) {
    case KZ_LOG_ERROR: return "error";
    case KZ_LOG_WARN: return "warning";
    case KZ_LOG_INFO: return "info";
    default: return "debug";
    }
}

static void emit(const char *comp, int level, const char *msg)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(stderr, "kizuna[%s] %s: %s\n", comp, level_name(level), msg);
    if (sink) {
        char line[700];
        snprintf(line, sizeof line, "%s %s: %s", comp, level_name(level), msg);
        sink(line, sink_ud);
    }
    if (file) {
        fprintf(file, "%s kizuna[%s] %s: %s\n", stamp, comp, level_name(level), msg);
        fflush(file);
    }
}

static void flush_repeats_locked(void)
{
    if (repeats > 0) {
        char buf[600];
        snprintf(buf, sizeof buf, "last message repeated %ld more times: %s", repeats, last_msg);
        emit(last_comp, last_level, buf);
        repeats = 0;
    }
}

void kz_log_flush_repeats(void)
{
    pthread_mutex_lock(&lock);
    flush_repeats_locked();
    pthread_mutex_unlock(&lock);
}

void kz_logv(const char *component, int level, const char *fmt, va_list ap)
{
    char msg[512];
    if (level < KZ_LOG_ERROR)
        level = KZ_LOG_ERROR;
    if (level > KZ_LOG_DEBUG)
        level = KZ_LOG_DEBUG;
    vsnprintf(msg, sizeof msg, fmt, ap);
    pthread_mutex_lock(&lock);
    counts[level]++;
    if (level == KZ_LOG_ERROR) {
        snprintf(recent[recent_head], sizeof recent[0], "%s: %s", component, msg);
        recent_head = (recent_head + 1) % KZ_LOG_RECENT;
        if (recent_n < KZ_LOG_RECENT)
            recent_n++;
    }
    if (level <= max_level) {
        if (level == last_level && !strcmp(msg, last_msg) && !strcmp(component, last_comp)) {
            /* Summarise every 1000 repeats so a stuck error still shows up now and then. */
            if (++repeats >= 1000)
                flush_repeats_locked();
        } else {
            flush_repeats_locked();
            emit(component, level, msg);
            snprintf(last_msg, sizeof last_msg, "%s", msg);
            snprintf(last_comp, sizeof last_comp, "%s", component);
            last_level = level;
        }
    }
    pthread_mutex_unlock(&lock);
}

void kz_log(const char *component, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kz_logv(component, level, fmt, ap);
    va_end(ap);
}

void kz_log_set_level(int level) { max_level = level; }
int kz_log_level(void) { return max_level; }

int kz_log_open_file(const char *path)
{
    pthread_mutex_lock(&lock);
    if (file)
        fclose(file);
    file = path ? fopen(path, "a") : NULL;
    int rc = (path && !file) ? -1 : 0;
    pthread_mutex_unlock(&lock);
    return rc;
}

int kz_log_count(int level)
{
    pthread_mutex_lock(&lock);
    int n = (level >= 0 && level < 4) ? counts[level] : 0;
    pthread_mutex_unlock(&lock);
    return n;
}

int kz_log_recent_errors(const char **out, int n)
{
    pthread_mutex_lock(&lock);
    if (n > recent_n)
        n = recent_n;
    for (int i = 0; i < n; i++) {
        int idx = (recent_head - n + i + KZ_LOG_RECENT) % KZ_LOG_RECENT;
        out[i] = recent[idx];
    }
    pthread_mutex_unlock(&lock);
    return n;
}

void kz_log_set_sink(void (*fn)(const char *line, void *ud), void *ud)
{
    pthread_mutex_lock(&lock);
    sink = fn;
    sink_ud = ud;
    pthread_mutex_unlock(&lock);
}
