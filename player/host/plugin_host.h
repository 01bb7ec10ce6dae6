/* Loading plugins (dlopen) and hosting their instances: the host API given to plugins. */
#ifndef KZ_PLUGIN_HOST_H
#define KZ_PLUGIN_HOST_H
#include "host/text.h"
#include "kizuna/plugin.h"
#include "model/playlist.h"

typedef struct kz_loaded_plugin {
    kz_plugin desc;  /* copied from the plugin, zero-extended to this ABI's size */
    void *dl;        /* dlopen handle */
    char *path;
} kz_loaded_plugin;

typedef struct kz_registry {
    kz_loaded_plugin *p;
    size_t n;
} kz_registry;

/* dlopen every *.so in dir (sorted). A plugin that fails to load, was built for another
 * ABI major, or lacks a required callback is refused with a one-line reason; the rest load.
 * Returns the number loaded, or -1 when the directory cannot be read. */
int kz_registry_load_dir(kz_registry *r, const char *dir);
int kz_registry_load_file(kz_registry *r, const char *path);
const kz_loaded_plugin *kz_registry_find(const kz_registry *r, const char *name);
void kz_registry_free(kz_registry *r);

/* What the host shares between all instances. Borrowed pointers, they outlive the model. */
typedef struct kz_host_env {
    const kz_registry *registry;
    kz_fonts *fonts;
    const char *content_root; /* absolute */
    const char *timezone;
    const char *hwdec;        /* player.ini [video] hwdec; NULL reads as "none" */
    long max_pixels;          /* [player] max_pixels: larger pictures and videos are refused */
    /* A descriptor of content_root (kz_host_open_root), owned by whoever fills the env, held
     * so that media are opened beneath it (kz_open_beneath, lib/regfile.h). 0 when unset
     * (tests): each open then opens content_root for itself. */
    int content_fd;
    const char *cache_dir;    /* [paths] cache: fetched content, read by fetched() */
    struct kz_fetcher *fetcher; /* the player's fetcher (fetch/fetcher.h): URLs are registered
                                 * with it; only `play` starts its thread. NULL: none */
    SDL_Surface *output;      /* headless: the surface the software renderer draws into (a
                               * window's renderer draws into the window's surface); NULL */
} kz_host_env;

/* An O_PATH descriptor of the directory dir (close-on-exec, numbered 3 or above so that 0 can
 * mean unset in kz_host_env), or -1 (errno set). */
int kz_host_open_root(const char *dir);
/* Open abs, an absolute path inside the directory root that the caller resolved and checked
 * (realpath: no symlink left in it), beneath root with no symlink followed (kz_open_beneath):
 * whatever was swapped for a symlink since the check is refused with ELOOP. root_fd: a
 * descriptor of root held by the caller, or 0 to open root now. A read-only descriptor (the
 * caller closes), -1 with errno (EXDEV: abs is not inside root), or KZ_NOT_REGULAR. */
int kz_media_open_beneath(const char *root, int root_fd, const char *abs);
/* The message for a failed kz_media_open_beneath (rc and its errno). */
const char *kz_media_open_why(int rc, int err);

/* Create an instance for every item of the model (plugin create(), unknown-key check,
 * duration). Items that fail are marked unplayable (logged with file:line). deep: also
 * run the plugin's check() (kizuna check). Returns the number of problems. */
int kz_host_attach(kz_model *m, const kz_host_env *env, int deep);
/* Destroy every instance of the model (before kz_model_free). */
void kz_host_detach(kz_model *m);

/* Per-item operations used by the compositor. */
int kz_host_prepare(kz_item *it, SDL_Renderer *r);     /* idempotent while prepared */
int kz_host_render(kz_item *it, SDL_Renderer *r, const SDL_Rect *rect, kz_us slot_start,
                   kz_us t);
void kz_host_release(kz_item *it);
int kz_host_is_prepared(const kz_item *it);
/* The prepared item's plugin says render() covers its rect with opaque pixels. */
int kz_host_opaque(const kz_item *it);
/* Until which item-relative instant the prepared item's picture stays what it is at t (the
 * plugin's next_change); t when it may change every frame or the plugin does not say,
 * KZ_CHANGE_NEVER when it never changes. Never less than t. */
kz_us kz_host_next_change(const kz_item *it, kz_us t);
/* The item's natural length from the plugin's duration() (asked once, then kept in
 * it->natural_duration); 0 when the plugin cannot tell. */
kz_us kz_host_natural_duration(kz_item *it);
/* Report every key of an attached item that its plugin did not read and that is not one of
 * the keys every item may have (kz_item_core_keys), with file:line and the closest key of the
 * plugin's table ("did you mean `fit`?"). Such an item is skipped: a misspelt key is often a
 * schedule key (`dats =`), and airing the item without it could put a campaign on air on
 * days it was never meant for. Call after attach (and the media gate, which reads the flash
 * keys), before the schedule is compiled. Returns the count. */
int kz_host_report_unknown_keys(kz_model *m);
/* Report every key of a [playlist] section nobody read (the schedule has compiled by then),
 * with file:line and the closest playlist key; the key is ignored. Returns the count. */
int kz_host_report_unused(kz_model *m);

/* Key tables (kz_key, include/kizuna/plugin.h). Whether k stands for key ("title.LANG"
 * stands for title.ja, title.en, ...); the entry of table that stands for key, or NULL. */
int kz_key_matches(const kz_key *k, const char *key);
const kz_key *kz_key_find(const kz_key *table, const char *key);
#endif
