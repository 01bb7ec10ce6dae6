/* Stable codes for what the console says, so that the page says it in the reader's language
 * (www/i18n.js: srv.CODE for the console's own answers, chk.CODE for kizuna check's lines).
 *
 * kizuna check speaks English in its log; the console reads those lines (store.c). The most
 * common ones, those the campaign editor's fields produce (a bad time window, a bad date, a
 * key the plugin does not know, a clip that fails the flash analysis, a campaign that is
 * over), are recognised here by their exact wording and get a code and their values as
 * parameters; every other line gets the code "other" with the parser's own text as the
 * parameter "message", which the page puts, as it is, inside a sentence of its language.
 * tests/unit/test_console_messages.c runs the real parser on each kind, so a change of
 * wording shows up as a failing test, not as an English line on a Japanese page. */
#ifndef KZ_CONSOLE_MESSAGES_H
#define KZ_CONSOLE_MESSAGES_H
#include <jansson.h>

/* The message of one check line after its "file:line: " (text) -> "code" and "params" set on
 * problem (a JSON object). Always sets a code. */
void kz_cmsg_classify(json_t *problem, const char *text);

/* Matches text against a template with {name} holes (each hole at least one character,
 * the shortest that lets the rest match); the holes' values go into params when it matches.
 * 1 on a match, 0 otherwise. Exposed for the tests. */
int kz_cmsg_match(const char *tmpl, const char *text, json_t *params);
#endif
