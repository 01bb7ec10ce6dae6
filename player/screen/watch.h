/* Hot reload: watch the playlists directory with inotify and ask the player to reload when
 * a change has settled. Editor temp files and dot files are ignored; a file still being
 * written (modified but not yet closed) holds the reload back, so a half-written playlist
 * is never loaded. The player swaps models only if the new one loads (kz_player_reload). */
#ifndef KZ_WATCH_H
#define KZ_WATCH_H
#include "kizuna/plugin.h"

struct kz_player;
typedef struct kz_watch kz_watch;

/* Quiet time after the last event before a reload is due. */
#define KZ_WATCH_SETTLE (300 * 1000)

/* Start watching dir. Returns NULL (logged) when it cannot be watched; the player then
 * runs without hot reload (SIGHUP still reloads). Owned by the caller: kz_watch_close. */
kz_watch *kz_watch_open(const char *dir, kz_us settle_us);
void kz_watch_close(kz_watch **w);
int kz_watch_fd(const kz_watch *w);

/* Read what happened, without blocking. Returns 1 once when a reload is due at mono time now
 * (a relevant file was closed after writing, moved in, moved out or deleted, nothing relevant
 * is still open for writing, and settle_us passed since the last event); 0 otherwise. */
int kz_watch_poll(kz_watch *w, kz_us now_mono);

/* Once a frame from the run loop: poll, and when a reload is due set p->reload at the next
 * item boundary (when the slot on air ends), so no item is cut by an edit; at once when an
 * interrupt of the new playlists is eligible before that boundary. */
void kz_watch_frame(kz_watch *w, struct kz_player *p);

/* Whether a file name in the playlists directory is a playlist: *.ini, not player.ini, not a
 * dot file (.#x.ini, .x.ini.swp), not an editor back-up or temp file (x.ini~, #x.ini#,
 * x.ini.tmp, x.ini.swp, 4913). */
int kz_watch_relevant(const char *name);
#endif
