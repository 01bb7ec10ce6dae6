/* Helpers for the schedule tests: build a model from INI text without the plugin host
 * (every item playable, duration from `duration =` in seconds, default 10 s) and compile
 * it; instants from ISO strings. Header-only, included by tests/unit/test_schedule*.c. */
#ifndef KZ_SCHED_HELPERS_H
#define KZ_SCHED_HELPERS_H
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/params.h"
#include "model/playlist.h"
#include "model/rules.h"
#include "model/schedule.h"
#include "base/timeutil.h"

static inline char *sh_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* Append one playlist named name (file "/pl/<name>.ini") from INI text. [playlist] is the
 * playlist section; every other [section] is an item. */
static inline void sh_add(kz_model *m, const char *name, const char *text)
{
    char file[256];
    snprintf(file, sizeof file, "/pl/%s.ini", name);
    m->playlists = realloc(m->playlists, (m->n_playlists + 1) * sizeof *m->playlists);
    kz_playlist *pl = &m->playlists[m->n_playlists];
    memset(pl, 0, sizeof *pl);
    pl->name = strdup(name);
    pl->file = strdup(file);
    kz_params_init(&pl->params, file, "playlist", 0);
    int pidx = (int)m->n_playlists++;
    kz_params *cur = NULL;
    char *copy = strdup(text), *save = NULL;
    int line = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        char *s = sh_trim(l);
        if (!*s || *s == ';' || *s == '#')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            *e = 0;
            if (!strcmp(s + 1, "playlist")) {
                pl->params.line = line;
                cur = &pl->params;
                continue;
            }
            m->items = realloc(m->items, (m->n_items + 1) * sizeof *m->items);
            kz_item *it = &m->items[m->n_items];
            memset(it, 0, sizeof *it);
            char id[256];
            snprintf(id, sizeof id, "%s/%s", name, s + 1);
            it->id = strdup(id);
            it->plugin = strdup("color");
            it->index = (int)m->n_items++;
            it->playlist = pidx;
            it->playable = 1;
            it->duration = 10 * KZ_US_PER_S;
            kz_params_init(&it->params, file, s + 1, line);
            cur = &it->params;
            continue;
        }
        char *eq = strchr(s, '=');
        *eq = 0;
        kz_params_add(cur, sh_trim(s), sh_trim(eq + 1), line);
    }
    free(copy);
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        const char *d = it->playlist == pidx ? kz_params_get(&it->params, "duration") : NULL;
        if (d)
            it->duration = (kz_us)(strtod(d, NULL) * KZ_US_PER_S);
    }
}

/* Instants: "2025-02-01T09:00:00Z" (UTC) or "2025-02-01T09:00:00" (the zone set with
 * kz_tz_set, via mktime: tests pick times away from DST transitions for this form). */
static inline kz_us T(const char *s)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, se = 0;
    sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    if (strchr(s, 'Z'))
        return (kz_us)timegm(&tm) * KZ_US_PER_S;
    tm.tm_isdst = -1;
    return (kz_us)mktime(&tm) * KZ_US_PER_S;
}

static inline const char *sh_id(const kz_slot *s)
{
    return s->item ? s->item->id : "-";
}

/* The item id on air at instant s (ISO), zone 0. */
static inline const char *sh_at(const kz_model *m, const char *iso)
{
    kz_slot s;
    kz_schedule_at(m, T(iso), &s);
    return sh_id(&s);
}

#define S(sec) ((kz_us)(sec) * KZ_US_PER_S)
#endif
