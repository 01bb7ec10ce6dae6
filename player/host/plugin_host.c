/* Plugin loading (dlopen) and the host side of the ABI: one kz_host per item instance. */
#include "host/plugin_host.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/png.h"
#include "base/suggest.h"
#include "fetch/cache.h"
#include "fetch/fetcher.h"
#include "host/text.h"
#include "regfile.h" /* lib/regfile.h */

#define LOG "plugins"

struct kz_host {
    const kz_host_api *api; /* first: kz_api() reads it */
    kz_item *item;
    const kz_loaded_plugin *plugin;
    const kz_host_env *env;
    kz_instance *inst;
    int prepared;
    kz_us slot_start;
    char logname[96];
};

/* ---- registry ------------------------------------------------------------------------ */

static void refuse(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(const char *path, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    kz_log(LOG, KZ_LOG_ERROR, "%s: refused: %s", path, why);
}

int kz_registry_load_file(kz_registry *r, const char *path)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        refuse(path, "cannot load: %s", dlerror());
        return -1;
    }
    kz_plugin_entry_fn entry;
    *(void **)&entry = dlsym(dl, KZ_PLUGIN_ENTRY_NAME);
    const kz_plugin *d = entry ? entry() : NULL;
    kz_plugin desc;
    memset(&desc, 0, sizeof desc);
    const size_t min_size = offsetof(kz_plugin, destroy) + sizeof desc.destroy;
    if (!entry) {
        refuse(path, "no %s() entry symbol: not a kizuna plugin", KZ_PLUGIN_ENTRY_NAME);
        goto fail;
    }
    if (!d) {
        refuse(path, "%s() returned NULL", KZ_PLUGIN_ENTRY_NAME);
        goto fail;
    }
    if (KZ_ABI_MAJOR_OF(d->abi_version) != KZ_ABI_MAJOR) {
        refuse(path, "built for plugin ABI %u.%u, this player speaks %d.%d",
               KZ_ABI_MAJOR_OF(d->abi_version), d->abi_version & 0xffff, KZ_ABI_MAJOR,
               KZ_ABI_MINOR);
        goto fail;
    }
    if (d->struct_size < min_size) {
        refuse(path, "descriptor is %u bytes, ABI %d needs at least %zu", d->struct_size,
               KZ_ABI_MAJOR, min_size);
        goto fail;
    }
    memcpy(&desc, d, d->struct_size < sizeof desc ? d->struct_size : sizeof desc);
    const char *missing = !desc.name || !*desc.name ? "name"
                          : !desc.create            ? "create"
                          : !desc.prepare           ? "prepare"
                          : !desc.render            ? "render"
                          : !desc.destroy           ? "destroy"
                                                    : NULL;
    if (missing) {
        refuse(path, "required callback or field '%s' is missing", missing);
        goto fail;
    }
    if (kz_registry_find(r, desc.name)) {
        refuse(path, "a plugin named '%s' is already loaded from %s", desc.name,
               kz_registry_find(r, desc.name)->path);
        goto fail;
    }
    kz_loaded_plugin *np = realloc(r->p, (r->n + 1) * sizeof *np);
    if (!np)
        goto fail;
    r->p = np;
    np[r->n].desc = desc;
    np[r->n].dl = dl;
    np[r->n].path = strdup(path);
    r->n++;
    kz_log(LOG, KZ_LOG_DEBUG, "loaded %s %s from %s", desc.name,
           desc.version ? desc.version : "?", path);
    return 0;
fail:
    dlclose(dl);
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int kz_registry_load_dir(kz_registry *r, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot open the plugin directory: %m", dir);
        return -1;
    }
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] != '.' && len > 3 && !strcmp(e->d_name + len - 3, ".so"))
            if ((names[n] = strdup(e->d_name)))
                n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof names[0], cmp_str);
    int loaded = 0;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (kz_registry_load_file(r, path) == 0)
            loaded++;
        free(names[i]);
    }
    return loaded;
}

const kz_loaded_plugin *kz_registry_find(const kz_registry *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->p[i].desc.name, name))
            return &r->p[i];
    return NULL;
}

void kz_registry_free(kz_registry *r)
{
    for (size_t i = 0; i < r->n; i++) {
        /* Under AddressSanitizer keep plugins mapped so leak reports keep their symbols. */
#ifndef __SANITIZE_ADDRESS__
        dlclose(r->p[i].dl);
#endif
        free(r->p[i].path);
    }
    free(r->p);
    memset(r, 0, sizeof *r);
}

/* ---- host API ------------------------------------------------------------------------ */

static void h_log(kz_host *h, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kz_logv(h->logname, level, fmt, ap);
    va_end(ap);
}

/* ---- key tables (kz_key) --------------------------------------------------------------- */

int kz_key_matches(const kz_key *k, const char *key)
{
    size_t n = strlen(k->name);
    if (n > 5 && !strcmp(k->name + n - 5, ".LANG")) /* "title.LANG": "title." + a suffix */
        return !strncmp(key, k->name, n - 4) && key[n - 4] && !strchr(key + n - 4, '.');
    return !strcmp(k->name, key);
}

const kz_key *kz_key_find(const kz_key *table, const char *key)
{
    for (const kz_key *k = table; k && k->name; k++)
        if (kz_key_matches(k, key))
            return k;
    return NULL;
}

/* The closest key of the tables to a misspelt one, into out; 0 when none is close. A
 * "title.LANG" entry is tried as title.<the misspelt key's own suffix>. */
static int suggest_key(const kz_key *const *tables, int n_tables, const char *key, char *out,
                       size_t size)
{
    enum { MAX_CANDS = 128 };
    char buf[MAX_CANDS][64];
    const char *cands[MAX_CANDS];
    size_t n = 0;
    const char *dot = strchr(key, '.');
    for (int t = 0; t < n_tables; t++) {
        for (const kz_key *k = tables[t]; k && k->name && n < MAX_CANDS; k++) {
            size_t l = strlen(k->name);
            if (l > 5 && !strcmp(k->name + l - 5, ".LANG"))
                snprintf(buf[n], sizeof buf[n], "%.*s%s", (int)(l - 5), k->name,
                         dot ? dot : ".ja");
            else
                snprintf(buf[n], sizeof buf[n], "%s", k->name);
            cands[n] = buf[n];
            n++;
        }
    }
    const char *best = kz_suggest(key, cands, n);
    if (!best)
        return 0;
    snprintf(out, size, "%s", best);
    return 1;
}

/* A plugin reading a key its own table does not list is a defect of the plugin (its
 * reference and suggestions would be wrong): said once per key read, as an error. */
static void check_declared(const kz_host *h, const char *key)
{
    const kz_key *table = h->plugin->desc.keys;
    if (!table || kz_key_find(table, key) || kz_key_find(kz_item_core_keys, key))
        return;
    kz_log(LOG, KZ_LOG_ERROR, "plugin %s reads the key '%s', which its key table does not "
           "list (%s)", h->plugin->desc.name, key, h->plugin->path);
}

static const char *h_param(kz_host *h, const char *key)
{
    check_declared(h, key);
    return kz_params_get(&h->item->params, key);
}

static void h_param_error(kz_host *h, const char *key, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const kz_params *p = &h->item->params;
    const char *v = key ? kz_params_get(p, key) : NULL;
    if (v)
        kz_log(h->logname, KZ_LOG_ERROR, "%s:%d: [%s] %s = %.60s%s: %s", p->file,
               kz_params_line(p, key), p->section, key, v, strlen(v) > 60 ? "..." : "", msg);
    else
        kz_log(h->logname, KZ_LOG_ERROR, "%s:%d: [%s]%s%s: %s", p->file, kz_params_line(p, key),
               p->section, key ? " " : "", key ? key : "", msg);
}

static int h_param_double(kz_host *h, const char *key, double min, double max, double *out)
{
    const char *v = h_param(h, key);
    double d;
    if (!v)
        return KZ_OK;
    if (kz_parse_double(v, &d) || d < min || d > max) {
        h_param_error(h, key, "expected a number from %g to %g", min, max);
        return KZ_ERR;
    }
    *out = d;
    return KZ_OK;
}

static int h_param_int(kz_host *h, const char *key, long min, long max, long *out)
{
    const char *v = h_param(h, key);
    long d;
    if (!v)
        return KZ_OK;
    if (kz_parse_long(v, &d) || d < min || d > max) {
        h_param_error(h, key, "expected a whole number from %ld to %ld", min, max);
        return KZ_ERR;
    }
    *out = d;
    return KZ_OK;
}

static int h_param_bool(kz_host *h, const char *key, int *out)
{
    const char *v = h_param(h, key);
    if (!v)
        return KZ_OK;
    if (kz_parse_bool(v, out)) {
        h_param_error(h, key, "expected yes or no");
        return KZ_ERR;
    }
    return KZ_OK;
}

static int h_param_color(kz_host *h, const char *key, kz_color *out)
{
    const char *v = h_param(h, key);
    unsigned char c[4];
    if (!v)
        return KZ_OK;
    if (kz_parse_color(v, c)) {
        h_param_error(h, key, "expected a colour: #rgb, #rrggbb, #rrggbbaa or a name");
        return KZ_ERR;
    }
    out->r = c[0];
    out->g = c[1];
    out->b = c[2];
    out->a = c[3];
    return KZ_OK;
}

static int h_param_enum(kz_host *h, const char *key, const char *choices, int *out)
{
    const char *v = h_param(h, key);
    if (!v)
        return KZ_OK;
    if (kz_parse_enum(v, choices, out)) {
        char list[200];
        snprintf(list, sizeof list, "%s", choices);
        for (char *c = list; *c; c++)
            if (*c == '|')
                *c = ',';
        h_param_error(h, key, "expected one of: %s", list);
        return KZ_ERR;
    }
    return KZ_OK;
}

static int h_resolve_media(kz_host *h, const char *key, char *out, size_t out_size)
{
    const char *v = h_param(h, key);
    const char *root = h->env->content_root;
    char joined[PATH_MAX], real[PATH_MAX], rootreal[PATH_MAX];
    struct stat st;
    if (!v || !*v) {
        h_param_error(h, key, "missing: the media file to show, relative to the content "
                              "directory");
        return KZ_ERR;
    }
    if (!root || !realpath(root, rootreal)) {
        h_param_error(h, key, "the content directory %s does not exist", root ? root : "?");
        return KZ_ERR;
    }
    if (v[0] == '/' && strcmp(rootreal, "/") != 0) {
        h_param_error(h, key, "absolute paths are not allowed; give a path inside %s",
                      rootreal);
        return KZ_ERR;
    }
    snprintf(joined, sizeof joined, "%s/%s", rootreal, v[0] == '/' ? v + 1 : v);
    if (!realpath(joined, real)) {
        h_param_error(h, key, "cannot open %s: %m", joined);
        return KZ_ERR;
    }
    size_t rl = strlen(rootreal);
    if (strcmp(rootreal, "/") != 0 && (strncmp(real, rootreal, rl) != 0 || real[rl] != '/')) {
        h_param_error(h, key, "%s is outside the content directory %s", real, rootreal);
        return KZ_ERR;
    }
    if (stat(real, &st) == 0 && !S_ISREG(st.st_mode)) {
        h_param_error(h, key, "%s: %s", real, KZ_NOT_REGULAR_WHY);
        return KZ_ERR;
    }
    if (stat(real, &st) || access(real, R_OK)) {
        h_param_error(h, key, "%s is not a readable file", real);
        return KZ_ERR;
    }
    if (strlen(real) >= out_size) {
        h_param_error(h, key, "path too long");
        return KZ_ERR;
    }
    memcpy(out, real, strlen(real) + 1);
    return KZ_OK;
}

static const char *h_font_path(kz_host *h, const char *role)
{
    return h->env->fonts ? kz_fonts_path(h->env->fonts, role) : NULL;
}

static SDL_Texture *h_text_texture(kz_host *h, SDL_Renderer *r, const char *utf8,
                                   const kz_text_style *style, int *w, int *hh)
{
    if (!h->env->fonts) {
        kz_log(h->logname, KZ_LOG_ERROR, "no fonts configured: cannot draw text");
        return NULL;
    }
    SDL_Surface *s = kz_text_render(h->env->fonts, utf8, style);
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, s);
    if (t) {
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        if (w)
            *w = s->w;
        if (hh)
            *hh = s->h;
    } else {
        kz_log(h->logname, KZ_LOG_ERROR, "text texture: %s", SDL_GetError());
    }
    SDL_FreeSurface(s);
    return t;
}

/* The item's file:line for a picture's problem: its file key (the image plugin's), else its
 * section. */
static void image_error(kz_host *h, const char *path, const char *err)
{
    const char *base = strrchr(path, '/');
    if (kz_params_get(&h->item->params, "file"))
        h_param_error(h, "file", "%s", err);
    else
        h_param_error(h, NULL, "%s: %s", base ? base + 1 : path, err);
}

int kz_host_open_root(const char *dir)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fd >= 3)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int e = errno;
    close(fd);
    errno = e;
    return high;
}

int kz_media_open_beneath(const char *root, int root_fd, const char *abs)
{
    char rootreal[PATH_MAX];
    if (!root || !realpath(root, rootreal))
        return -1;
    size_t rl = strcmp(rootreal, "/") ? strlen(rootreal) : 0;
    if (strncmp(abs, rootreal, rl) != 0 || abs[rl] != '/') {
        errno = EXDEV;
        return -1;
    }
    int dir = root_fd > 0 ? root_fd : kz_host_open_root(rootreal);
    int fd = dir < 0 ? -1 : kz_open_beneath(dir, abs + rl + 1);
    int e = errno;
    if (dir >= 0 && dir != root_fd)
        close(dir);
    errno = e;
    return fd;
}

const char *kz_media_open_why(int rc, int err)
{
    if (rc == KZ_NOT_REGULAR)
        return KZ_NOT_REGULAR_WHY;
    if (err == ELOOP)
        return "refused: a symbolic link on the way now (the file or a folder was replaced "
               "after the check); media are opened through real folders of the content "
               "directory only";
    if (err == EXDEV)
        return "outside the content directory";
    return strerror(err);
}

/* Open path (an absolute path from resolve_media: the in-root symlinks resolved already, so
 * a symlink met now was put there since, by an editor racing the check) beneath the content
 * root. A descriptor, or -1 with the reason in err. */
static int media_open(kz_host *h, const char *path, char *err, size_t errlen)
{
    int fd = kz_media_open_beneath(h->env->content_root, h->env->content_fd, path);
    if (fd < 0)
        snprintf(err, errlen, "%s: %s", path, kz_media_open_why(fd, errno));
    return fd < 0 ? -1 : fd;
}

static int h_open_media(kz_host *h, const char *path)
{
    char err[PATH_MAX + 300];
    int fd = media_open(h, path, err, sizeof err);
    if (fd < 0)
        h_param_error(h, kz_params_get(&h->item->params, "file") ? "file" : NULL, "%s", err);
    return fd;
}

/* The decoders read a picture by name: give them the descriptor's, which names what was
 * opened safely, whatever happens to the path since. */
static void fd_name(int fd, char *out, size_t n) { snprintf(out, n, "/proc/self/fd/%d", fd); }

static int h_image_probe(kz_host *h, const char *path)
{
    char err[PATH_MAX + 300], name[32];
    int fd = media_open(h, path, err, sizeof err);
    if (fd < 0) {
        image_error(h, path, err);
        return KZ_ERR;
    }
    fd_name(fd, name, sizeof name);
    int rc = kz_image_check_header(name, h->env->max_pixels, err, sizeof err);
    close(fd);
    if (rc) {
        image_error(h, path, err);
        return KZ_ERR;
    }
    return KZ_OK;
}

static SDL_Surface *h_image_load(kz_host *h, const char *path)
{
    uint8_t *px;
    int w, hh;
    char err[PATH_MAX + 300], name[32];
    int fd = media_open(h, path, err, sizeof err);
    if (fd < 0) {
        image_error(h, path, err);
        return NULL;
    }
    fd_name(fd, name, sizeof name);
    int rc = kz_image_load_limited(name, h->env->max_pixels, &px, &w, &hh, err, sizeof err);
    close(fd);
    if (rc) {
        image_error(h, path, err);
        return NULL;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, hh, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s) {
        for (int y = 0; y < hh; y++)
            memcpy((uint8_t *)s->pixels + (size_t)y * s->pitch, px + (size_t)y * w * 4,
                   (size_t)w * 4);
    } else {
        kz_log(h->logname, KZ_LOG_ERROR, "%s: %s", path, SDL_GetError());
    }
    free(px);
    return s;
}

static const char *h_timezone(kz_host *h) { return h->env->timezone; }
static long h_max_pixels(kz_host *h)
{
    return h->env->max_pixels > 0 ? h->env->max_pixels : KZ_MAX_PIXELS_DEFAULT;
}
static kz_us h_item_start(kz_host *h) { return h->slot_start; }
static const char *h_hwdec(kz_host *h) { return h->env->hwdec ? h->env->hwdec : "none"; }
static uint32_t h_missing_glyph(kz_host *h, const char *utf8)
{
    return h->env->fonts ? kz_fonts_missing_glyph(h->env->fonts, utf8) : 0;
}
static int h_text_fit(kz_host *h, const char *utf8, const kz_text_style *style)
{
    return h->env->fonts ? kz_text_fit_px(h->env->fonts, utf8, style) : -1;
}

static int h_fetched(kz_host *h, const char *key, int kind, long poll_s, const char *have,
                     kz_fetched *out)
{
    memset(out, 0, sizeof *out);
    const char *url = h_param(h, key);
    char why[200];
    if (!url || kz_url_check(url, why, sizeof why)) {
        h_param_error(h, key, "%s", url ? why : "missing: an http:// or https:// URL");
        return KZ_ERR;
    }
    if (kind < KZ_FETCHED_FEED || kind > KZ_FETCHED_CSV)
        return KZ_ERR;
    if (h->env->fetcher) /* the same URL from many items is fetched once */
        kz_fetcher_watch(h->env->fetcher, url, kind, poll_s);
    kz_cache_entry e;
    if (kz_cache_read(h->env->cache_dir, url, &e, 0))
        return KZ_NOT_CACHED;
    if (have && !strcmp(have, e.version)) {
        out->fetched_at = e.fetched_at;
        snprintf(out->version, sizeof out->version, "%s", e.version);
        return KZ_OK; /* the caller's copy is current: no body read */
    }
    if (kz_cache_read(h->env->cache_dir, url, &e, 1))
        return KZ_NOT_CACHED;
    out->data = e.body; /* handed over */
    out->len = e.len;
    out->fetched_at = e.fetched_at;
    snprintf(out->version, sizeof out->version, "%s", e.version);
    return KZ_OK;
}

static void h_shown(kz_host *h, const char *what)
{
    snprintf(h->item->shown, sizeof h->item->shown, "%s", what ? what : "");
}

/* The output surface a plugin may write into (ABI minor 7): only where the renderer draws
 * straight onto it pixel for pixel. The software renderer of a window draws into the
 * window's surface; a headless one into env->output. Anything else (a GPU renderer, a render
 * target for a transition or a rotation, a scaled viewport) gets NULL and the plugin draws
 * through the renderer as before. */
static SDL_Surface *h_frame_surface(kz_host *h, SDL_Renderer *r)
{
    SDL_RendererInfo info;
    if (!r || SDL_GetRenderTarget(r) || SDL_GetRendererInfo(r, &info) != 0 ||
        strcmp(info.name, "software") != 0)
        return NULL;
    float sx, sy;
    int lw, lh;
    SDL_RenderGetScale(r, &sx, &sy);
    SDL_RenderGetLogicalSize(r, &lw, &lh);
    if (sx != 1.0f || sy != 1.0f || lw || lh)
        return NULL;
    SDL_Window *win = SDL_RenderGetWindow(r);
    SDL_Surface *s = win ? SDL_GetWindowSurface(win) : h->env->output;
    if (!s || (s->format->format != SDL_PIXELFORMAT_ARGB8888 &&
               s->format->format != SDL_PIXELFORMAT_RGB888))
        return NULL;
    return s;
}

static const kz_host_api host_api = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_host_api),
    .log = h_log,
    .param = h_param,
    .param_double = h_param_double,
    .param_int = h_param_int,
    .param_bool = h_param_bool,
    .param_color = h_param_color,
    .param_enum = h_param_enum,
    .param_error = h_param_error,
    .resolve_media = h_resolve_media,
    .font_path = h_font_path,
    .text_texture = h_text_texture,
    .image_load = h_image_load,
    .timezone = h_timezone,
    .item_start = h_item_start,
    .missing_glyph = h_missing_glyph,
    .text_fit = h_text_fit,
    .hwdec = h_hwdec,
    .max_pixels = h_max_pixels,
    .image_probe = h_image_probe,
    .open_media = h_open_media,
    .fetched = h_fetched,
    .shown = h_shown,
    .frame_surface = h_frame_surface,
};

/* ---- instances ----------------------------------------------------------------------- */

static void loaded_names(const kz_registry *r, char *out, size_t n)
{
    out[0] = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", i ? ", " : "", r->p[i].desc.name);
    }
    if (!r->n)
        snprintf(out, n, "none");
}

/* The item's text keys (type "text..." in the plugin's table) before the plugin sees them:
 * a size limit, valid UTF-8, and ruby markup that closes unless the type is a template
 * ("text with placeholders": its {days} is not markup). A problem is an error with the key's
 * file:line (the line of the value's continuation line holding it) and the item is skipped:
 * the engine would draw replacement characters or stray braces, or lay out a megabyte. */
static int check_texts(const kz_item *it, const kz_loaded_plugin *lp)
{
    const kz_params *p = &it->params;
    for (size_t i = 0; i < p->n; i++) {
        const kz_kv *kv = &p->kv[i];
        const kz_key *k = kz_key_find(lp->desc.keys, kv->key);
        if (!k || !k->type || strncmp(k->type, "text", 4) != 0)
            continue;
        size_t len = strlen(kv->value), at;
        const char *why;
        if (len > KZ_TEXT_MAX_BYTES) {
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: %zu bytes, more than a text may have "
                   "(%d); skipped", p->file, kv->line, p->section, kv->key, len,
                   KZ_TEXT_MAX_BYTES);
            return 1;
        }
        int ruby = strstr(k->type, "placeholder") == NULL;
        if (kz_text_markup_check(kv->value, len, ruby, &at, &why) == 0)
            continue;
        int line = kv->line;
        for (size_t b = 0; b < at; b++)
            line += kv->value[b] == '\n';
        const char *bol = at ? memrchr(kv->value, '\n', at) : NULL;
        size_t col = at - (bol ? (size_t)(bol - kv->value) + 1 : 0) + 1;
        const unsigned char *v = (const unsigned char *)kv->value + at;
        if (*v >= 0x80) { /* invalid UTF-8: show the byte, never copy it into the log */
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: %s: byte 0x%02X at byte %zu of the "
                   "line's value; skipped", p->file, line, p->section, kv->key, why, *v, col);
            return 1;
        }
        size_t n = strcspn((const char *)v, "\n");
        if (n > 24)
            for (n = 24; (v[n] & 0xC0) == 0x80; n--)
                ;
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: %s: \"%.*s\" at byte %zu of the line's "
               "value; skipped", p->file, line, p->section, kv->key, why, (int)n, (const char *)v,
               col);
        return 1;
    }
    return 0;
}

static int attach_one(kz_item *it, const kz_host_env *env, int deep)
{
    const kz_params *p = &it->params;
    const kz_loaded_plugin *lp = kz_registry_find(env->registry, it->plugin);
    if (!lp) {
        char names[300];
        loaded_names(env->registry, names, sizeof names);
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] plugin = %s: unknown plugin (loaded: %s); "
               "skipped", p->file, kz_params_line(p, "plugin"), p->section, it->plugin, names);
        it->playable = 0;
        return 1;
    }
    if (check_texts(it, lp)) {
        it->playable = 0;
        return 1;
    }
    kz_host *h = calloc(1, sizeof *h);
    if (!h) {
        it->playable = 0;
        return 1;
    }
    h->api = &host_api;
    h->item = it;
    h->plugin = lp;
    h->env = env;
    snprintf(h->logname, sizeof h->logname, "%s %s", lp->desc.name, it->id ? it->id : "?");
    it->host = h;
    if (lp->desc.create(h, &h->inst) != KZ_OK || !h->inst) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: the %s plugin refused this item; skipped",
               p->file, p->line, p->section, lp->desc.name);
        it->playable = 0;
        return 1;
    }
    int problems = 0;
    if (deep && lp->desc.check)
        problems += lp->desc.check(h->inst);
    if (it->duration == 0) {
        int logged = kz_log_count(KZ_LOG_ERROR);
        kz_us d = lp->desc.duration ? lp->desc.duration(h->inst) : KZ_DURATION_UNKNOWN;
        if (d > 0) {
            it->duration = it->natural_duration = d;
        } else {
            /* One line per problem: when the plugin already said why (a file it cannot
             * read), that line stands alone. */
            if (kz_log_count(KZ_LOG_ERROR) == logged)
                kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: no duration = and the %s plugin "
                       "cannot tell the item's length; skipped", p->file, p->line, p->section,
                       lp->desc.name);
            it->playable = 0;
            problems++;
        }
    }
    return problems;
}

int kz_host_attach(kz_model *m, const kz_host_env *env, int deep)
{
    int problems = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        if (!it->playable || !it->plugin)
            continue;
        problems += attach_one(it, env, deep);
    }
    return problems;
}

void kz_host_detach(kz_model *m)
{
    for (size_t i = 0; i < m->n_items; i++) {
        kz_host *h = m->items[i].host;
        if (!h)
            continue;
        if (h->inst) {
            if (h->prepared && h->plugin->desc.release)
                h->plugin->desc.release(h->inst);
            h->plugin->desc.destroy(&h->inst);
        }
        free(h);
        m->items[i].host = NULL;
    }
}

int kz_host_prepare(kz_item *it, SDL_Renderer *r)
{
    kz_host *h = it->host;
    if (!h || !h->inst || !it->playable)
        return KZ_ERR;
    if (h->prepared)
        return KZ_OK;
    if (h->plugin->desc.prepare(h->inst, r) != KZ_OK) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: could not be prepared; skipped until the "
               "playlists are reloaded", it->params.file, it->params.line, it->params.section);
        it->playable = 0;
        return KZ_ERR;
    }
    h->prepared = 1;
    return KZ_OK;
}

int kz_host_render(kz_item *it, SDL_Renderer *r, const SDL_Rect *rect, kz_us slot_start,
                   kz_us t)
{
    kz_host *h = it->host;
    if (!h || !h->prepared)
        return KZ_ERR;
    h->slot_start = slot_start;
    int rc = h->plugin->desc.render(h->inst, r, rect, t);
    if (rc < 0) {
        kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s]: failed while on air; skipped until the "
               "playlists are reloaded", it->params.file, it->params.line, it->params.section);
        it->playable = 0;
    }
    return rc;
}

void kz_host_release(kz_item *it)
{
    kz_host *h = it->host;
    if (h && h->prepared && h->plugin->desc.release) {
        h->plugin->desc.release(h->inst);
        h->prepared = 0;
    }
}

int kz_host_opaque(const kz_item *it)
{
    const kz_host *h = it->host;
    return h && h->prepared && h->plugin->desc.opaque && h->plugin->desc.opaque(h->inst);
}

kz_us kz_host_next_change(const kz_item *it, kz_us t)
{
    const kz_host *h = it->host;
    if (!h || !h->prepared || !h->plugin->desc.next_change)
        return t; /* an older plugin: changes every frame */
    kz_us n = h->plugin->desc.next_change(h->inst, t);
    return n > t ? n : t;
}

int kz_host_is_prepared(const kz_item *it)
{
    const kz_host *h = it->host;
    return h && h->prepared;
}

kz_us kz_host_natural_duration(kz_item *it)
{
    kz_host *h = it->host;
    if (it->natural_duration > 0)
        return it->natural_duration;
    if (it->natural_duration < 0)
        return 0;
    if (!h || !h->inst || !h->plugin->desc.duration)
        return 0;
    kz_us d = h->plugin->desc.duration(h->inst);
    it->natural_duration = d > 0 ? d : -1; /* -1: asked, unknown */
    return d > 0 ? d : 0;
}

int kz_host_report_unknown_keys(kz_model *m)
{
    int n = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        kz_item *it = &m->items[i];
        kz_params *p = &it->params;
        kz_host *h = it->host;
        if (!h || !h->inst)
            continue; /* never attached or refused: already reported, keys maybe unread */
        const kz_key *tables[2] = {h->plugin->desc.keys, kz_item_core_keys};
        for (size_t k = 0; k < p->n; k++) {
            if (p->kv[k].used || kz_key_find(kz_item_core_keys, p->kv[k].key))
                continue;
            char near[64], hint[128];
            if (suggest_key(tables, 2, p->kv[k].key, near, sizeof near))
                snprintf(hint, sizeof hint, " (did you mean `%s`?)", near);
            else
                snprintf(hint, sizeof hint, " (its keys: kizuna help %s)", it->plugin);
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [%s] %s: unknown key for plugin %s%s; the item "
                   "is skipped", p->file, p->kv[k].line, p->section, p->kv[k].key, it->plugin,
                   hint);
            it->playable = 0;
            n++;
        }
    }
    return n;
}

int kz_host_report_unused(kz_model *m)
{
    int n = 0;
    const kz_key *tables[1] = {kz_playlist_keys};
    for (size_t i = 0; i < m->n_playlists; i++) {
        kz_params *p = &m->playlists[i].params;
        for (size_t k = 0; k < p->n; k++) {
            if (p->kv[k].used)
                continue;
            char near[64], hint[128] = "";
            if (suggest_key(tables, 1, p->kv[k].key, near, sizeof near))
                snprintf(hint, sizeof hint, " (did you mean `%s`?)", near);
            kz_log(LOG, KZ_LOG_ERROR, "%s:%d: [playlist] %s: unknown key%s; ignored", p->file,
                   p->kv[k].line, p->kv[k].key, hint);
            n++;
        }
    }
    return n;
}
