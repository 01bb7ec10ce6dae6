/* Playlists: every playlists/NAME.ini file, one [section] per item (file order), plus an optional
 * [playlist] section with playlist-wide keys. The model is immutable once loaded and is
 * replaced whole on reload. */
#ifndef KZ_PLAYLIST_H
#define KZ_PLAYLIST_H
#include <stddef.h>

#include "base/params.h"
#include "kizuna/plugin.h"

/* Transitions between items of a zone (item key transition =, or the zone's default). */
enum kz_transition { KZ_TR_CUT = 0, KZ_TR_FADE, KZ_TR_CROSSFADE, KZ_TR_SLIDE, KZ_TR_WIPE };
#define KZ_TRANSITIONS "cut|fade|crossfade|slide|wipe"

typedef struct kz_item {
    char *id;          /* "<playlist>/<section>" */
    char *plugin;      /* value of plugin = */
    kz_params params;  /* every key of the section; core keys are marked used */
    kz_us duration;    /* explicit duration =, else the plugin's natural length; 0 = unknown */
    int playable;      /* 1 after validation succeeded; 0 = skipped (reason logged) */
    int index;         /* position in model->items */
    int playlist;      /* index into model->playlists */
    void *host;        /* the plugin host's per-item state (struct kz_host), owned by it */
    int transition;    /* transition = (enum kz_transition), -1 = the zone's default */
    kz_us transition_time; /* transition_time =, 0 = the zone's default */
    kz_us natural_duration; /* the plugin's duration() (a clip's length); 0 = not asked yet */
    void *captions;    /* struct kz_captions (captions.c), owned by it; NULL = none */
    char shown[48];    /* what the plugin said it shows (kz_host_api.shown): a fetched copy's
                        * version or "fallback"; "" for items that never say */
} kz_item;

typedef struct kz_playlist {
    char *name;        /* file name without .ini, or name = in [playlist] */
    char *file;        /* absolute path */
    kz_params params;  /* the [playlist] section (may be empty) */
} kz_playlist;

typedef struct kz_model {
    kz_playlist *playlists;
    size_t n_playlists;
    kz_item *items;    /* all items of all playlists, playlist by playlist, in file order */
    size_t n_items;
    int errors;        /* problems found while parsing (each logged with file:line) */
    /* Compiled schedule (schedule.c owns its shape): built by kz_schedule_compile() after
     * the plugin host has attached (durations known), freed with sched_free. */
    void *sched;
    void (*sched_free)(void *sched);
} kz_model;

/* The keys every item may have whatever its plugin (plugin, duration, transitions, the
 * schedule, captions, flash safety), and the keys of a [playlist] section; tables in the
 * plugin ABI's form (kz_key), ending with {NULL}. The host treats the item keys as known on
 * every item; `kizuna help` and docs/keys.md list both. */
extern const kz_key kz_item_core_keys[];
extern const kz_key kz_playlist_keys[];

/* Parse every *.ini in dir except player.ini (and dot files, editor back-ups), sorted by
 * name. Bad sections are logged and left out; the model keeps the rest. Returns 0, or -1
 * when the directory cannot be read. */
int kz_model_load_dir(kz_model *m, const char *dir);
/* Parse one playlist from memory (tests and the fuzzer). */
int kz_model_add_string(kz_model *m, const char *text, const char *file);
int kz_model_add_file(kz_model *m, const char *path);
void kz_model_free(kz_model *m);
#endif
