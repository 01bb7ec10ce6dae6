/* Playlist files -> model. Parsing only: plugin parameters are checked later by the plugin
 * host (kz_host_attach), schedule keys by kz_schedule_compile. */
#include "model/playlist.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/inifile.h"
#include "base/log.h"
#include "base/timeutil.h"

#define LOG "playlist"

typedef struct parse {
    kz_model *m;
    int playlist;      /* index of the playlist being read */
    const char *file;
    char section[256]; /* current section name */
    int item;          /* index of the current item, -1 in [playlist], -2 skipping */
    int first_item;    /* first item of this file */
} parse;

static int grow(void **arr, size_t n, size_t elem)
{
    /* Capacity is implicit: 4, then doubling; grow when n reaches it. */
    if (n && (n < 4 || (n & (n - 1))))
        return 0;
    size_t cap = n ? n * 2 : 4;
    void *p = realloc(*arr, cap * elem);
    if (!p)
        return -1;
    *arr = p;
    return 0;
}

static void on_key(void *user, const char *section, int sec_line, const char *key,
                   const char *value, int line)
{
    parse *ps = user;
    kz_model *m = ps->m;
    if (!*section) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: %s: key outside any [section]", ps->file, line, key);
        m->errors++;
        return;
    }
    if (strcmp(section, ps->section) != 0) {
        snprintf(ps->section, sizeof ps->section, "%s", section);
        if (!strcmp(section, "playlist")) {
            ps->item = -1;
        } else {
            /* A section given twice never gets here: the reader drops the repeat (on_repeat). */
            if (grow((void **)&m->items, m->n_items, sizeof *m->items))
                return;
            kz_item *it = &m->items[m->n_items];
            memset(it, 0, sizeof *it);
            kz_params_init(&it->params, ps->file, section, sec_line);
            size_t n = strlen(m->playlists[ps->playlist].name) + strlen(section) + 2;
            it->id = malloc(n);
            if (it->id)
                snprintf(it->id, n, "%s/%s", m->playlists[ps->playlist].name, section);
            it->playlist = ps->playlist;
            it->index = (int)m->n_items;
            it->playable = 1;
            ps->item = (int)m->n_items++;
        }
    }
    if (ps->item == -2)
        return;
    kz_params *pp = ps->item == -1 ? &m->playlists[ps->playlist].params
                                   : &m->items[ps->item].params;
    if (pp->line == 0)
        pp->line = sec_line;
    kz_params_add(pp, key, value, line);
}

#define SCHEDULE_KEYS                                                                         \
    {"dates", "dates and ranges", "every date", "2025-02-01..2025-02-28",                      \
     "the days it airs: absolute 2025-01-27, ranges, yearly 02-01..02-28"},                  \
    {"days", "weekdays", "every day", "mon..fri", "mon..sun, ranges, lists, weekdays, weekends"}, \
    {"times", "HH:MM-HH:MM windows", "all day", "09:00-17:00",                                \
     "the hours of the day; a window may run across midnight (22:00-02:00)"},               \
    {"campaign", "name", "none", "barrier-free-month",                                        \
     "groups items in kizuna plan and for the spacing rule"},                                 \
    {"priority", "integer -1000000-1000000", "0", "10", "higher pre-empts lower"},           \
    {"weight", "integer 1-1000", "1", "3", "share of voice (plays) within the set on air"},   \
    {"interrupt", "yes|no", "no", "yes", "pre-empts at once when it becomes eligible"}

const kz_key kz_item_core_keys[] = {
    {"plugin", "plugin name", "required", "image", "the plugin that draws the item"},
    {"duration", "duration (15, 15s, 1m30s, 00:01:30)", "the plugin's (a clip's length)",
     "15s", "how long the item stays on air"},
    {"transition", KZ_TRANSITIONS, "the zone's", "crossfade", "how the item comes on"},
    {"transition_time", "duration up to 10s", "the zone's", "0.8s", "length of the transition"},
    SCHEDULE_KEYS,
    {"captions", "files, or off", "sidecar files beside file", "slides/closed.ja.srt",
     "subtitle files (SRT, WebVTT) drawn over the item (docs/accessibility.md)"},
    {"captions_mode", "stacked|alternate", "stacked for two languages", "alternate",
     "two languages at once, or taking turns"},
    {"captions_interval", "duration (1s or more)", "5s", "6s", "alternate: each turn's length"},
    {"flash_profile", "default|jp", "default", "jp", "the flash-safety rule set for clips"},
    {"flash_override", "text: the reason", "", "reviewed by the accessibility officer",
     "airs a clip that fails the flash analysis, logging the reason"},
    {NULL, NULL, NULL, NULL, NULL},
};

const kz_key kz_playlist_keys[] = {
    {"name", "name", "the file name without .ini", "february", "the playlist's name"},
    {"zone", "zone name", "main", "ticker", "the screen zone the playlist plays in"},
    SCHEDULE_KEYS,
    {NULL, NULL, NULL, NULL, NULL},
};

/* A [section] or key given twice: the first counts, the repeat is an error (check fails). */
static void on_repeat(void *user, const char *section, const char *key, int line, int first)
{
    parse *ps = user;
    char why[300];
    kz_ini_repeat_text(why, sizeof why, section, key, first);
    kz_log(LOG, KZ_LOG_ERROR, "%s:%d: %s", ps->file, line, why);
    ps->m->errors++;
}

/* Core keys of an item; the rest belong to its plugin or the schedule. */
static void finish_item(kz_model *m, kz_item *it)
{
    const char *plugin = kz_params_get(&it->params, "plugin");
    if (!plugin || !*plugin) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: no plugin = (e.g. plugin = image); skipped",
               it->params.file, it->params.line, it->params.section);
        it->playable = 0;
        m->errors++;
    } else {
        it->plugin = strdup(plugin);
    }
    it->transition = -1;
    const char *tr = kz_params_get(&it->params, "transition");
    if (tr && kz_parse_enum(tr, KZ_TRANSITIONS, &it->transition)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] transition = %s: expected cut, fade, crossfade, "
               "slide or wipe; the zone's default is used", it->params.file,
               kz_params_line(&it->params, "transition"), it->params.section, tr);
        it->transition = -1;
        m->errors++;
    }
    const char *tt = kz_params_get(&it->params, "transition_time");
    if (tt && (kz_duration_parse(tt, &it->transition_time) || it->transition_time > 10 * KZ_US_PER_S)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] transition_time = %s: expected a time up to "
               "10s, e.g. 0.8s", it->params.file, kz_params_line(&it->params, "transition_time"),
               it->params.section, tt);
        it->transition_time = 0;
        m->errors++;
    }
    const char *d = kz_params_get(&it->params, "duration");
    if (d) {
        kz_us v;
        if (kz_duration_parse(d, &v) || v <= 0) {
            kz_log(LOG, KZ_LOG_ERROR,
                   "%s:%d: [%s] duration = %s: expected a positive time such as 15, 15s, 1m30s "
                   "or 00:01:30; skipped",
                   it->params.file, kz_params_line(&it->params, "duration"), it->params.section,
                   d);
            it->playable = 0;
            m->errors++;
        } else {
            it->duration = v;
        }
    }
}

static int add_playlist(kz_model *m, const char *file)
{
    if (grow((void **)&m->playlists, m->n_playlists, sizeof *m->playlists))
        return -1;
    kz_playlist *pl = &m->playlists[m->n_playlists];
    memset(pl, 0, sizeof *pl);
    pl->file = strdup(file);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    pl->name = strdup(base);
    if (!pl->file || !pl->name)
        return -1;
    char *dot = strrchr(pl->name, '.');
    if (dot && !strcmp(dot, ".ini"))
        *dot = 0;
    kz_params_init(&pl->params, file, "playlist", 0);
    return (int)m->n_playlists++;
}

static int parse_into(kz_model *m, const char *text, size_t len, const char *file, int is_file)
{
    int idx = add_playlist(m, file);
    if (idx < 0)
        return -1;
    parse ps = {.m = m, .playlist = idx, .file = file, .item = -2,
                .first_item = (int)m->n_items};
    ps.section[0] = 0;
    int rc = is_file ? kz_ini_parse_file_rep(file, on_key, on_repeat, &ps, 0)
                     : kz_ini_parse_string_rep(text, len, on_key, on_repeat, &ps, 0);
    if (rc == KZ_INI_NOT_REGULAR) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:0: %s; the playlist is skipped", file,
               KZ_INI_NOT_REGULAR_WHY);
        m->errors++;
        return -1;
    }
    if (rc < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read: %m", file);
        m->errors++;
        return -1;
    }
    if (rc > 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: syntax error: expected [section], key = value or an "
               "indented continuation line; the line is ignored", file, rc);
        m->errors++;
    }
    /* A playlist may rename itself. */
    const char *name = kz_params_get(&m->playlists[idx].params, "name");
    if (name && *name) {
        free(m->playlists[idx].name);
        m->playlists[idx].name = strdup(name);
    }
    for (size_t i = (size_t)ps.first_item; i < m->n_items; i++)
        finish_item(m, &m->items[i]);
    return 0;
}

int kz_model_add_string(kz_model *m, const char *text, const char *file)
{
    return parse_into(m, text, strlen(text), file, 0);
}

int kz_model_add_file(kz_model *m, const char *path)
{
    return parse_into(m, NULL, 0, path, 1);
}

static int wanted(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.' || name[0] == '#' || n < 5 || strcmp(name + n - 4, ".ini") != 0)
        return 0;
    return strcmp(name, "player.ini") != 0 && strcmp(name, "layouts.ini") != 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A playlist that is a symlink must stay inside the playlist folder: a link to /etc/shadow or
 * another user's file would otherwise be read, and its lines quoted into the log as errors.
 * 1 (logged, counted) when path leads outside root (a real path), else 0. */
static int leaves_tree(kz_model *m, const char *root, const char *path)
{
    struct stat st;
    char real[PATH_MAX];
    if (lstat(path, &st) || !S_ISLNK(st.st_mode))
        return 0; /* a plain file of the folder (or gone: the reader says so) */
    size_t n = strlen(root);
    if (realpath(path, real) && (!strncmp(real, root, n) && (real[n] == '/' || n == 1)))
        return 0;
    kz_log(LOG, KZ_LOG_ERROR, "%s: a symbolic link to %s, outside the playlist folder %s: "
           "refused, not read", path, realpath(path, real) ? real : "a missing file", root);
    m->errors++;
    return 1;
}

int kz_model_load_dir(kz_model *m, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot open the playlist directory: %m", dir);
        m->errors++;
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!wanted(e->d_name))
            continue;
        if (grow((void **)&names, n, sizeof *names))
            break;
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    char root[PATH_MAX];
    int have_root = realpath(dir, root) != NULL;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!have_root || !leaves_tree(m, root, path))
            kz_model_add_file(m, path);
        free(names[i]);
    }
    free(names);
    return 0;
}

void kz_model_free(kz_model *m)
{
    if (m->sched_free && m->sched)
        m->sched_free(m->sched);
    for (size_t i = 0; i < m->n_items; i++) {
        kz_params_free(&m->items[i].params);
        free(m->items[i].id);
        free(m->items[i].plugin);
    }
    for (size_t i = 0; i < m->n_playlists; i++) {
        kz_params_free(&m->playlists[i].params);
        free(m->playlists[i].name);
        free(m->playlists[i].file);
    }
    free(m->items);
    free(m->playlists);
    memset(m, 0, sizeof *m);
}
