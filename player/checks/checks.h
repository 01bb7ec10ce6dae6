/* The checks a command runs on a loaded player. Each returns the number of problems found and
 * logs each with file:line. kizuna check runs all three after the playlists validate; the
 * flash gate is a kz_model_gate (screen/player.h) that every command opening a player wires in,
 * so that run, render, plan and check agree on which clips may air. */
#ifndef KZ_CHECKS_H
#define KZ_CHECKS_H
#include "screen/player.h"

int kz_check_schedule(kz_player *p, kz_us at); /* as of at: the year from its day */
int kz_check_media(kz_player *p);
int kz_check_legibility(kz_player *p); /* contrast, character height, reading time, glyphs */
/* Warns when [paths] content is / or contains player.ini, the playlists or the logs. */
int kz_check_paths(kz_player *p);
/* Refuses items whose clip fails the flash analysis unless they carry flash_override =
 * <reason> (cached by path, size and mtime). */
int kz_flash_gate(kz_player *p, kz_model *m);
/* Fetched content (check_fetch.c): each URL an item fetches is asked once, KZ_CHECK_FETCH_S
 * seconds at most; unreachable, refused or malformed is a warning. Returns the count. */
#define KZ_CHECK_FETCH_S 5
int kz_check_fetch(kz_player *p);
#endif
