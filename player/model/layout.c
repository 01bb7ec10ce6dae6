/* layouts.ini: [layout NAME] sections (schedule keys) and [zone LAYOUT/NAME] sections. */
#include "model/layout.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/inifile.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "model/schedule.h"

#define LOG "layout"

int kz_parse_rect(const char *s, kz_len out[4])
{
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        char *end;
        while (isspace((unsigned char)*p))
            p++;
        double v = strtod(p, &end);
        if (end == p || v < 0 || v > 100000)
            return -1;
        p = end;
        out[i].v = v;
        out[i].pct = 0;
        if (*p == '%') {
            out[i].pct = 1;
            if (v > 100)
                return -1;
            p++;
        } else if (!strncmp(p, "px", 2)) {
            p += 2;
        }
        while (isspace((unsigned char)*p))
            p++;
        if (i < 3 && *p++ != ',')
            return -1;
    }
    return *p ? -1 : 0;
}

static int len_px(kz_len l, int full)
{
    return (int)(l.pct ? l.v * full / 100.0 + 0.5 : l.v);
}

void kz_zone_rect(const kz_zone_def *z, int w, int h, SDL_Rect *out)
{
    out->x = len_px(z->x, w);
    out->y = len_px(z->y, h);
    out->w = len_px(z->w, w);
    out->h = len_px(z->h, h);
    /* keep the zone on the frame */
    if (out->x > w)
        out->x = w;
    if (out->y > h)
        out->y = h;
    if (out->x + out->w > w)
        out->w = w - out->x;
    if (out->y + out->h > h)
        out->h = h - out->y;
}

typedef struct ctx {
    kz_layouts *ls;
    const char *file;
    char section[256];
    kz_params *cur;       /* params of the current section, or NULL when skipped */
    kz_params *zones;     /* zone sections, parsed after all layouts are known */
    int n_zones;
} ctx;

static void on_key(void *user, const char *sec, int sec_line, const char *key, const char *val,
                   int line)
{
    ctx *x = user;
    kz_layouts *ls = x->ls;
    if (strcmp(sec, x->section) != 0) {
        snprintf(x->section, sizeof x->section, "%s", sec);
        x->cur = NULL;
        if (!strncmp(sec, "layout ", 7) && sec[7]) {
            kz_layout *nl = realloc(ls->v, (size_t)(ls->n + 1) * sizeof *nl);
            if (!nl)
                return;
            ls->v = nl;
            kz_layout *l = &ls->v[ls->n++];
            memset(l, 0, sizeof *l);
            l->name = strdup(sec + 7);
            kz_params_init(&l->params, x->file, sec, sec_line);
            x->cur = &l->params;
        } else if (!strncmp(sec, "zone ", 5) && strchr(sec + 5, '/')) {
            kz_params *nz = realloc(x->zones, (size_t)(x->n_zones + 1) * sizeof *nz);
            if (!nz)
                return;
            x->zones = nz;
            kz_params_init(&x->zones[x->n_zones], x->file, sec, sec_line);
            x->cur = &x->zones[x->n_zones++];
        } else {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: expected [layout NAME] or [zone LAYOUT/NAME]; "
                   "section ignored", x->file, sec_line, sec);
            ls->errors++;
        }
    }
    if (x->cur && key)
        kz_params_add(x->cur, key, val, line);
}

/* A [section] or key given twice: the first counts, the repeat is an error. */
static void on_repeat(void *user, const char *section, const char *key, int line, int first)
{
    ctx *x = user;
    char why[300];
    kz_ini_repeat_text(why, sizeof why, section, key, first);
    kz_log(LOG, KZ_LOG_ERROR, "%s:%d: %s", x->file, line, why);
    x->ls->errors++;
}

static void zone_error(kz_layouts *ls, const kz_params *p, const char *key, const char *why)
{
    const char *v = kz_params_get(p, key);
    kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s%s%s: %s", p->file, kz_params_line(p, key),
           p->section, key, v ? " = " : "", v ? v : "", why);
    ls->errors++;
}

static int cmp_z(const void *a, const void *b)
{
    const kz_zone_def *x = a, *y = b;
    return (x->z > y->z) - (x->z < y->z);
}

static void add_zone(kz_layouts *ls, kz_params *p)
{
    const char *full = p->section + 5;
    const char *slash = strchr(full, '/');
    kz_layout *l = NULL;
    for (int i = 0; i < ls->n; i++)
        if (strlen(ls->v[i].name) == (size_t)(slash - full) &&
            !strncmp(ls->v[i].name, full, (size_t)(slash - full)))
            l = &ls->v[i];
    if (!l) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: no [layout %.*s] in this file; zone ignored",
               p->file, p->line, p->section, (int)(slash - full), full);
        ls->errors++;
        return;
    }
    kz_zone_def z = {0};
    z.name = strdup(slash + 1);
    z.w.v = z.h.v = 100;
    z.w.pct = z.h.pct = 1;
    const char *v;
    int ok = 1;
    if ((v = kz_params_get(p, "rect"))) {
        kz_len r[4];
        if (kz_parse_rect(v, r)) {
            zone_error(ls, p, "rect", "expected x, y, width, height in pixels or percent, "
                                      "e.g. 0, 86%, 100%, 14%");
            ok = 0;
        } else {
            z.x = r[0];
            z.y = r[1];
            z.w = r[2];
            z.h = r[3];
        }
    }
    long zi;
    if ((v = kz_params_get(p, "z")) && (kz_parse_long(v, &zi) || zi < -1000 || zi > 1000)) {
        zone_error(ls, p, "z", "expected a whole number from -1000 to 1000");
        ok = 0;
    } else if (v) {
        z.z = (int)zi;
    }
    if ((v = kz_params_get(p, "transition")) && kz_parse_enum(v, KZ_TRANSITIONS, &z.transition)) {
        zone_error(ls, p, "transition", "expected cut, fade, crossfade, slide or wipe");
        ok = 0;
    }
    z.transition_time = z.transition ? KZ_US_PER_S * 8 / 10 : 0;
    if ((v = kz_params_get(p, "transition_time"))) {
        kz_us d;
        if (kz_duration_parse(v, &d) || d > 10 * KZ_US_PER_S) {
            zone_error(ls, p, "transition_time", "expected a time up to 10s, e.g. 0.8s");
            ok = 0;
        } else {
            z.transition_time = d;
        }
    }
    unsigned char c[4];
    if ((v = kz_params_get(p, "background"))) {
        if (kz_parse_color(v, c)) {
            zone_error(ls, p, "background", "expected a colour such as #000000 or #00000080");
            ok = 0;
        } else {
            z.background = (kz_color){c[0], c[1], c[2], c[3]};
        }
    }
    for (size_t k = 0; k < p->n; k++)
        if (!p->kv[k].used) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: unknown key (rect, z, transition, "
                   "transition_time, background)", p->file, p->kv[k].line, p->section,
                   p->kv[k].key);
            ls->errors++;
        }
    for (int i = 0; i < l->n_zones; i++)
        if (!strcmp(l->zones[i].name, z.name)) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: zone defined twice; ignored", p->file,
                   p->line, p->section);
            ls->errors++;
            ok = 0;
        }
    kz_zone_def *nz = ok ? realloc(l->zones, (size_t)(l->n_zones + 1) * sizeof *nz) : NULL;
    if (!nz) {
        free(z.name);
        return;
    }
    l->zones = nz;
    l->zones[l->n_zones++] = z;
}

static void finish(kz_layouts *ls, ctx *x)
{
    for (int i = 0; i < ls->n; i++) {
        kz_layout *l = &ls->v[i];
        const char *o = kz_params_get(&l->params, "orientation");
        if (o && kz_parse_enum(o, "any|landscape|portrait", &l->orientation)) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] orientation = %s: expected any, landscape "
                   "or portrait", l->params.file, kz_params_line(&l->params, "orientation"),
                   l->params.section, o);
            ls->errors++;
        }
        ls->errors += kz_rules_parse(&l->rules, &l->params, 0);
        l->priority = l->rules.has_priority ? l->rules.priority : 0;
        for (size_t k = 0; k < l->params.n; k++)
            if (!l->params.kv[k].used) {
                kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: unknown key (dates, days, times, "
                       "priority, orientation)", l->params.file, l->params.kv[k].line, l->params.section,
                       l->params.kv[k].key);
                ls->errors++;
            }
    }
    for (int i = 0; i < x->n_zones; i++) {
        add_zone(ls, &x->zones[i]);
        kz_params_free(&x->zones[i]);
    }
    free(x->zones);
    /* A layout without zones is one full-screen "main" zone. */
    for (int i = 0; i < ls->n; i++) {
        kz_layout *l = &ls->v[i];
        if (!l->n_zones) {
            l->zones = calloc(1, sizeof *l->zones);
            if (l->zones) {
                l->zones[0].name = strdup("main");
                l->zones[0].w = l->zones[0].h = (kz_len){100, 1};
                l->n_zones = 1;
            }
        }
        qsort(l->zones, (size_t)l->n_zones, sizeof *l->zones, cmp_z);
    }
    if (!ls->n) {
        ls->v = calloc(1, sizeof *ls->v);
        if (!ls->v)
            return;
        ls->n = 1;
        ls->v[0].name = strdup("default");
        kz_params_init(&ls->v[0].params, "(built in)", "layout default", 0);
        kz_rules_parse(&ls->v[0].rules, &ls->v[0].params, 0);
        ls->v[0].zones = calloc(1, sizeof *ls->v[0].zones);
        if (ls->v[0].zones) {
            ls->v[0].zones[0].name = strdup("main");
            ls->v[0].zones[0].w = ls->v[0].zones[0].h = (kz_len){100, 1};
            ls->v[0].n_zones = 1;
        }
    }
    ls->cache_sec = INT64_MIN;
}

int kz_layouts_load_string(kz_layouts *ls, const char *text, const char *file)
{
    memset(ls, 0, sizeof *ls);
    ctx x = {.ls = ls, .file = file};
    int rc = kz_ini_parse_string_rep(text, strlen(text), on_key, on_repeat, &x, KZ_INI_SECTIONS);
    if (rc > 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: syntax error", file, rc);
        ls->errors++;
    }
    finish(ls, &x);
    return ls->errors;
}

int kz_layouts_load(kz_layouts *ls, const char *dir)
{
    char path[PATH_MAX];
    memset(ls, 0, sizeof *ls);
    snprintf(path, sizeof path, "%s/layouts.ini", dir);
    ctx x = {.ls = ls, .file = path};
    if (access(path, F_OK) == 0) {
        int rc = kz_ini_parse_file_rep(path, on_key, on_repeat, &x, KZ_INI_SECTIONS);
        if (rc == KZ_INI_NOT_REGULAR) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:0: %s", path, KZ_INI_NOT_REGULAR_WHY);
            ls->errors++;
        } else if (rc < 0) {
            kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read: %m", path);
            ls->errors++;
        } else if (rc > 0) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: syntax error", path, rc);
            ls->errors++;
        }
    }
    finish(ls, &x);
    return ls->errors;
}

void kz_layouts_free(kz_layouts *ls)
{
    for (int i = 0; i < ls->n; i++) {
        kz_layout *l = &ls->v[i];
        for (int k = 0; k < l->n_zones; k++)
            free(l->zones[k].name);
        free(l->zones);
        kz_rules_free(&l->rules);
        kz_params_free(&l->params);
        free(l->name);
    }
    free(ls->v);
    memset(ls, 0, sizeof *ls);
}

const kz_layout *kz_layouts_at(kz_layouts *ls, kz_us t)
{
    kz_us sec = t >= 0 ? t / KZ_US_PER_S : -((-t + KZ_US_PER_S - 1) / KZ_US_PER_S);
    if (sec == ls->cache_sec)
        return &ls->v[ls->cache_idx];
    int best = -1, fallback = -1;
    const int unwanted = ls->portrait ? KZ_ORIENT_LANDSCAPE : KZ_ORIENT_PORTRAIT;
    for (int i = 0; i < ls->n; i++) {
        if (ls->v[i].orientation == unwanted)
            continue;
        fallback = i;
        if (!kz_rules_allow(&ls->v[i].rules, sec * KZ_US_PER_S))
            continue;
        /* higher priority wins; at equal priority a layout made for this orientation beats
         * one for any screen; then file order */
        if (best < 0 || ls->v[i].priority > ls->v[best].priority ||
            (ls->v[i].priority == ls->v[best].priority && ls->v[i].orientation != KZ_ORIENT_ANY &&
             ls->v[best].orientation == KZ_ORIENT_ANY))
            best = i;
    }
    if (best < 0)
        best = fallback >= 0 ? fallback : ls->n - 1;
    ls->cache_sec = sec;
    ls->cache_idx = best;
    return &ls->v[best];
}

void kz_layouts_set_portrait(kz_layouts *ls, int portrait)
{
    if (ls->portrait != !!portrait)
        ls->cache_sec = INT64_MIN;
    ls->portrait = !!portrait;
}
