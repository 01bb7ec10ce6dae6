/* Flash safety of the clips in the playlists.
 *
 * kz_check_media() (kizuna check) analyses every clip used by an item with plugin = video
 * and reports each. kz_flash_gate() runs when a model loads (kizuna run, render, check): an
 * item whose clip fails the analysis is not aired unless the item carries
 * flash_override = <written reason>, which is logged every time the model loads.
 *
 * Both use the same analysis (kz_flash_analyse) with the same options: the item's profile and
 * the screen geometry of player.ini ([display] screen_height_m and viewing_distance_m: the
 * area limit over the 10-degree field, else over the whole screen).
 *
 * Results are cached in <logs>/flash-cache.tsv keyed by path, size, mtime, profile with the
 * geometry, and the analysis version, so a clip is decoded once, not at every start or
 * reload. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/grow.h"
#include "base/log.h"
#include "checks/checks.h"
#include "checks/flash.h"
#include "host/plugin_host.h"
#include "screen/player.h"

#define LOG "flash"
/* Bump when the analysis changes its answers: cached results of older versions are ignored. */
#define CACHE_VERSION "kzflash3"
#define CACHE_FILE "flash-cache.tsv"

typedef struct clip_result {
    char *path;          /* absolute, owned */
    char profile[48];    /* profile name, with "@<height>m/<distance>m" for the 10-degree field */
    long long size, mtime_ns;
    int verdict, max_lum, max_red;
    double max_ext, start, end; /* the worst window */
    char reason[160];
    int reported;        /* logged by the gate for the current model */
} clip_result;

static struct {
    clip_result *r;
    size_t n, cap;
    char path[PATH_MAX]; /* cache file; empty: no cache */
    int loaded, dirty;
    int gate_ran;        /* the gate ran on the current model: it has logged the failures */
} cache;

static void sanitize(char *s)
{
    for (; *s; s++)
        if (*s == '\t' || *s == '\n' || *s == '\r')
            *s = ' ';
}

static clip_result *cache_find(const char *path, const char *profile)
{
    for (size_t i = 0; i < cache.n; i++)
        if (!strcmp(cache.r[i].path, path) && !strcmp(cache.r[i].profile, profile))
            return &cache.r[i];
    return NULL;
}

static clip_result *cache_add(const char *path, const char *profile)
{
    clip_result *c = cache_find(path, profile);
    if (c)
        return c;
    if (kz_grow(&cache.r, &cache.cap, cache.n + 1, sizeof *cache.r, 32))
        return NULL;
    c = &cache.r[cache.n];
    memset(c, 0, sizeof *c);
    if (!(c->path = strdup(path)))
        return NULL;
    snprintf(c->profile, sizeof c->profile, "%s", profile);
    cache.n++;
    return c;
}

static int mkdir_p(const char *dir)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static void cache_load(const char *logs)
{
    if (cache.loaded)
        return;
    cache.loaded = 1;
    if (!logs || !*logs)
        return;
    if (mkdir_p(logs) != 0) {
        kz_log(LOG, KZ_LOG_WARN, "%s: cannot create the logs folder (%s); flash results are "
               "not cached", logs, strerror(errno));
        return;
    }
    snprintf(cache.path, sizeof cache.path, "%s/%s", logs, CACHE_FILE);
    FILE *f = fopen(cache.path, "r");
    if (!f)
        return;
    char line[PATH_MAX + 512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *field[12];
        int n = 0;
        for (char *s = line, *tab; n < 12; s = tab + 1) {
            field[n++] = s;
            if (!(tab = strchr(s, '\t')))
                break;
            *tab = 0;
        }
        if (n != 12 || strcmp(field[0], CACHE_VERSION))
            continue; /* another version or a damaged line: analyse again */
        clip_result *c = cache_add(field[11], field[1]);
        if (!c)
            break;
        c->size = atoll(field[2]);
        c->mtime_ns = atoll(field[3]);
        c->verdict = atoi(field[4]);
        c->max_lum = atoi(field[5]);
        c->max_red = atoi(field[6]);
        c->max_ext = atof(field[7]);
        c->start = atof(field[8]);
        c->end = atof(field[9]);
        snprintf(c->reason, sizeof c->reason, "%s", field[10]);
    }
    fclose(f);
}

static void cache_save(void)
{
    if (!cache.dirty || !cache.path[0])
        return;
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", cache.path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        kz_log(LOG, KZ_LOG_WARN, "%s: cannot write (%s); flash results are not cached", tmp,
               strerror(errno));
        return;
    }
    for (size_t i = 0; i < cache.n; i++) {
        const clip_result *c = &cache.r[i];
        if (strchr(c->path, '\t') || strchr(c->path, '\n'))
            continue;
        fprintf(f, "%s\t%s\t%lld\t%lld\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%s\t%s\n", CACHE_VERSION,
                c->profile, c->size, c->mtime_ns, c->verdict, c->max_lum, c->max_red,
                c->max_ext, c->start, c->end, c->reason, c->path);
    }
    if (fclose(f) != 0 || rename(tmp, cache.path) != 0) {
        kz_log(LOG, KZ_LOG_WARN, "%s: cannot write (%s); flash results are not cached",
               cache.path, strerror(errno));
        remove(tmp);
        return;
    }
    cache.dirty = 0;
}

/* The analysis options for a player: geometry from player.ini. */
static kz_flash_opts flash_opts(const kz_player *p, const kz_flash_profile *prof)
{
    kz_flash_opts o = {.profile = prof};
    if (p->cfg.screen_height_m > 0 && p->cfg.viewing_distance_m > 0) {
        o.screen_height_m = p->cfg.screen_height_m;
        o.viewing_distance_m = p->cfg.viewing_distance_m;
    }
    return o;
}

/* The cache key of a profile under these options. */
static void cache_key(const kz_flash_opts *o, char *buf, size_t n)
{
    if (o->screen_height_m > 0)
        snprintf(buf, n, "%s@%.3fm/%.3fm", o->profile->name, o->screen_height_m,
                 o->viewing_distance_m);
    else
        snprintf(buf, n, "%s", o->profile->name);
}

static clip_result *clip_result_or_analyse(const char *path, const kz_flash_opts *o,
                                           const char *key, const struct stat *st);

/* The result for one clip, from the cache or by analysing it. NULL when it cannot be read. */
static clip_result *clip_result_get(const char *content, const char *path,
                                    const kz_flash_opts *o)
{
    char key[48], name[32];
    cache_key(o, key, sizeof key);
    struct stat st;
    /* Opened beneath the content root, no symlink followed (a folder swapped for a symlink
     * since item_clip resolved it is refused); the analysis reads the descriptor. */
    int fd = kz_media_open_beneath(content, 0, path);
    if (fd < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: %s", path, kz_media_open_why(fd, errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NULL;
    }
    snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
    kz_flash_opts ofd = *o;
    ofd.open_name = name;
    o = &ofd;
    clip_result *c = clip_result_or_analyse(path, o, key, &st);
    close(fd);
    return c;
}

static clip_result *clip_result_or_analyse(const char *path, const kz_flash_opts *o,
                                           const char *key, const struct stat *st)
{
    long long mtime = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    clip_result *c = cache_find(path, key);
    if (c && c->size == (long long)st->st_size && c->mtime_ns == mtime && c->verdict >= 0)
        return c;
    kz_log(LOG, KZ_LOG_INFO, "%s: analysing for flashing (once; the result is cached)", path);
    kz_flash_report r;
    if (kz_flash_analyse(path, o, &r) < 0)
        return NULL;
    if (!(c = cache_add(path, key))) {
        kz_flash_report_free(&r);
        return NULL;
    }
    c->size = (long long)st->st_size;
    c->mtime_ns = mtime;
    c->verdict = r.verdict;
    c->max_lum = r.max_lum;
    c->max_red = r.max_red;
    c->max_ext = r.max_extended;
    c->start = r.n_windows ? r.windows[0].start : 0;
    c->end = r.n_windows ? r.windows[0].end : 0;
    snprintf(c->reason, sizeof c->reason, "%s", r.reason);
    sanitize(c->reason);
    cache.dirty = 1;
    kz_flash_report_free(&r);
    return c;
}

/* The clip of a video item, resolved against the content root (confined to it). Returns 0
 * and the absolute path, 1 when the item has no clip, -1 when it cannot be resolved. */
static int item_clip(const kz_item *it, const char *content, char *out, size_t n)
{
    if (!it->plugin || strcmp(it->plugin, "video"))
        return 1;
    kz_kv *kv = kz_params_find(&it->params, "file");
    if (!kv || !kv->value || !*kv->value)
        return 1;
    char root[PATH_MAX], joined[PATH_MAX * 2], real[PATH_MAX];
    if (!realpath(content, root))
        return -1;
    if (kv->value[0] == '/')
        return -1;
    snprintf(joined, sizeof joined, "%s/%s", root, kv->value);
    if (!realpath(joined, real))
        return -1;
    size_t rl = strlen(root);
    if (strncmp(real, root, rl) || (real[rl] != '/' && real[rl] != 0))
        return -1;
    snprintf(out, n, "%s", real);
    return 0;
}

static const kz_flash_profile *item_profile(const kz_item *it, int quiet)
{
    const char *name = kz_params_get(&it->params, "flash_profile");
    const kz_flash_profile *p = kz_flash_profile_find(name);
    if (!p && quiet)
        return &kz_flash_profile_default;
    if (!p) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] flash_profile = %s: expected default or jp; "
               "using default", it->params.file, kz_params_line(&it->params, "flash_profile"),
               it->params.section, name);
        p = &kz_flash_profile_default;
    }
    return p;
}

static void stamp(double t, char *buf, size_t n)
{
    long ms = (long)(t * 1000 + 0.5);
    snprintf(buf, n, "%02ld:%02ld.%03ld", ms / 60000, ms / 1000 % 60, ms % 1000);
}

/* Called when a model loads, after the plugin host attached: failing clips are not aired
 * unless the item carries flash_override = <reason>. Returns the number of items refused. */
int kz_flash_gate(kz_player *p, kz_model *m)
{
    int refused = 0;
    for (size_t i = 0; i < cache.n; i++)
        cache.r[i].reported = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        const kz_params *ps = &it->params;
        /* Read the keys on every item so that they never count as unknown. */
        const char *override = kz_params_get(ps, "flash_override");
        const kz_flash_profile *prof = item_profile(it, 0);
        char path[PATH_MAX];
        if (!it->playable || item_clip(it, p->cfg.content, path, sizeof path) != 0)
            continue; /* the video plugin reports a missing or misplaced clip */
        cache_load(p->cfg.logs); /* only now: no clips, no cache file */
        kz_flash_opts o = flash_opts(p, prof);
        clip_result *c = clip_result_get(p->cfg.content, path, &o);
        if (!c) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] file = %s: cannot be analysed for "
                   "flashing; not aired", ps->file, kz_params_line(ps, "file"), ps->section,
                   path);
            it->playable = 0;
            refused++;
            continue;
        }
        if (c->verdict != KZ_FLASH_FAIL)
            continue;
        char a[24], b[24];
        stamp(c->start, a, sizeof a);
        stamp(c->end, b, sizeof b);
        if (override && *override) {
            kz_log(LOG, KZ_LOG_WARN, "%s:%d: [%s] file = %s fails the flash analysis (%s, "
                   "%s-%s, profile %s) and airs anyway: flash_override = %s", ps->file,
                   kz_params_line(ps, "flash_override"), ps->section, path, c->reason, a, b,
                   prof->name, override);
        } else {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] file = %s fails the flash analysis (%s, "
                   "%s-%s, profile %s); not aired. Fix the clip, or write the reason to air it "
                   "anyway as flash_override = <reason>", ps->file, kz_params_line(ps, "file"),
                   ps->section, path, c->reason, a, b, prof->name);
            it->playable = 0;
            refused++;
        }
        c->reported = 1;
    }
    cache.gate_ran = 1;
    cache_save();
    return refused;
}

int kz_check_media(struct kz_player *p)
{
    int problems = 0, said = 0;
    kz_model *m = &p->model;
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        const kz_params *ps = &it->params;
        char path[PATH_MAX];
        int rc = item_clip(it, p->cfg.content, path, sizeof path);
        if (rc > 0)
            continue;
        if (rc < 0) {
            kz_log(LOG, KZ_LOG_WARN, "%s:%d: [%s] file: cannot be found under %s; not analysed "
                   "for flashing", ps->file, kz_params_line(ps, "file"), ps->section,
                   p->cfg.content);
            continue;
        }
        const kz_flash_profile *prof = item_profile(it, cache.gate_ran);
        kz_flash_opts o = flash_opts(p, prof);
        if (!said++) {
            int fw, fh;
            if (kz_flash_field_cells(o.screen_height_m, o.viewing_distance_m, KZ_FLASH_GRID_W,
                                     KZ_FLASH_GRID_W * 9 / 16, &fw, &fh))
                kz_log(LOG, KZ_LOG_INFO, "flash area rule: 25 %% of any 10-degree field (%.2f "
                       "m high screen seen from %.1f m: %dx%d of 160x90 cells at 16:9)",
                       o.screen_height_m, o.viewing_distance_m, fw, fh);
            else
                kz_log(LOG, KZ_LOG_INFO, "flash area rule: 25 %% of the whole screen (no "
                       "[display] screen_height_m and viewing_distance_m)");
        }
        cache_load(p->cfg.logs);
        clip_result *c = clip_result_get(p->cfg.content, path, &o);
        if (!c) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] file = %s: cannot be decoded for the flash "
                   "analysis", ps->file, kz_params_line(ps, "file"), ps->section, path);
            problems++;
            continue;
        }
        char a[24], b[24];
        stamp(c->start, a, sizeof a);
        stamp(c->end, b, sizeof b);
        const char *override = kz_params_get(ps, "flash_override");
        int level = c->verdict == KZ_FLASH_PASS ? KZ_LOG_INFO : KZ_LOG_WARN;
        if (c->verdict == KZ_FLASH_FAIL && !(override && *override) &&
            !(cache.gate_ran && c->reported))
            level = KZ_LOG_ERROR; /* the gate did not run: this is where it is counted */
        kz_log(LOG, level, "%s:%d: [%s] file = %s: flash %s (profile %s; at most %d luminance "
               "and %d red transitions in one second%s%s%s%s)%s", ps->file,
               kz_params_line(ps, "file"), ps->section, path, kz_flash_verdict_name(c->verdict),
               prof->name, c->max_lum, c->max_red, c->verdict ? "; worst " : "",
               c->verdict ? a : "", c->verdict ? "-" : "", c->verdict ? b : "",
               c->verdict == KZ_FLASH_FAIL && override && *override
                   ? "; aired under its flash_override"
                   : "");
        problems += c->verdict == KZ_FLASH_FAIL && !(override && *override);
    }
    cache_save();
    return problems;
}
