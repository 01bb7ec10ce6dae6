/* Subcommands. Each lives in player/cmd/<name>.c and is called with argv[0] = its name; main.c
 * holds the one table of them. */
#ifndef KZ_COMMANDS_H
#define KZ_COMMANDS_H
#include "screen/player.h"

int kz_cmd_run(int argc, char **argv);
int kz_cmd_render(int argc, char **argv);
int kz_cmd_check(int argc, char **argv);
int kz_cmd_play(int argc, char **argv);
int kz_cmd_bench(int argc, char **argv);
int kz_cmd_plan(int argc, char **argv);
int kz_cmd_report(int argc, char **argv);
int kz_cmd_ctl(int argc, char **argv);
int kz_cmd_flash(int argc, char **argv);
int kz_cmd_console(int argc, char **argv);
int kz_cmd_fleet(int argc, char **argv);
int kz_cmd_help(int argc, char **argv);

/* The in-memory playlist of kizuna play for files (play.c; bench uses it too): one section
 * per file, the plugin its type calls for, extra keys for videos. malloc'd; NULL on error
 * (logged). */
char *kz_play_playlist(int n, char **files, const char *extra_video_keys);
/* The configuration play and bench use: arg (--config) if given, else a temporary one
 * written to out (empty when none was needed). 0 or -1. */
int kz_play_config(const char *arg, char *out, size_t n);

/* A date on the command line, after the config is read (the player's zone): `2025-02-01` is
 * that day's local midnight (the next one when end: --to includes the day), else an ISO 8601
 * time. 0, or 2 (a usage error, written to stderr as "kizuna CMD: OPT S: reason"). plan.c. */
int kz_cmd_parse_date(const char *cmd, const char *opt, const char *s, int end, kz_us *out);

/* Wire the rooms into a player's options (wiring.c): the flash gate always, the operations
 * driver when on_air (run, play). */
void kz_cmd_wire(kz_player_opts *o, int on_air);
#endif
