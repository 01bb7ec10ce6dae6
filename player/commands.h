/* Subcommands. Each lives in player/cmd_<name>.c and is called with argv[0] = its name.
 * Optional commands are weak in main.c so that the tree builds while one is missing. */
#ifndef KZ_COMMANDS_H
#define KZ_COMMANDS_H
int kz_cmd_run(int argc, char **argv);
int kz_cmd_render(int argc, char **argv);
int kz_cmd_check(int argc, char **argv);
int kz_cmd_play(int argc, char **argv);   /* video issue */
int kz_cmd_bench(int argc, char **argv);  /* video issue */
int kz_cmd_plan(int argc, char **argv);   /* schedule issue */
int kz_cmd_report(int argc, char **argv); /* operations issue */
int kz_cmd_ctl(int argc, char **argv);    /* operations issue */
int kz_cmd_flash(int argc, char **argv);  /* accessibility issue */

/* Extra checks run by `kizuna check` after the playlists validate (accessibility, glyphs,
 * schedule gaps). Each returns the number of problems found and logs each with file:line.
 * Weak: absent until the issue that brings it lands. */
struct kz_player;
int kz_check_schedule(struct kz_player *p);
int kz_check_media(struct kz_player *p);
int kz_check_legibility(struct kz_player *p); /* contrast, character height, reading time, glyphs */
#endif
