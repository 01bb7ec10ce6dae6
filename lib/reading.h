/* Reading time as pure functions: how long a text takes to read, and how a notice's languages
 * share the item's slot. Both `kizuna check` (check_legibility.c) and the notice plugin
 * (plugins/notice, which compiles reading.c in) use them, so the check grades exactly the
 * times the plugin shows. docs/accessibility.md gives the rule, docs/text.md the sharing. */
#ifndef KZ_READING_H
#define KZ_READING_H
#include <stddef.h>

#include "kizuna/plugin.h"

/* Reading speed. Japanese (kana, kanji, full-width forms and CJK punctuation) is read in
 * characters a second, other scripts in words a minute. */
typedef struct kz_reading_rate {
    double cjk_per_second;   /* 4: the Japanese subtitle convention */
    double words_per_minute; /* 160: the low end of Ofcom's 160-180 for subtitles */
    double lead_in;          /* seconds to notice the text before reading it (default 0) */
} kz_reading_rate;
extern const kz_reading_rate kz_reading_default;

/* Counts in UTF-8 text (invalid bytes are skipped, never read past the end). */
void kz_text_count(const char *utf8, int *cjk_chars, int *words);
/* Seconds needed to read utf8 at rate (NULL: kz_reading_default). */
double kz_reading_seconds(const char *utf8, const kz_reading_rate *rate);
/* KZ_GRADE_WARN (1) when the text needs longer than shown_seconds, else 0; *need (may be
 * NULL) receives the seconds needed. */
int kz_reading_grade(const char *utf8, double shown_seconds, const kz_reading_rate *rate,
                     double *need);

/* The text a reader reads: ruby readings, marked breaks and escapes of the engine's markup
 * removed ({漢字|かんじ} -> 漢字). out may be markup itself (in place). */
void kz_text_plain(const char *markup, char *out, size_t n);

/* Seconds needed to read one language of a notice at the default rate: its title and body
 * (either may be NULL) as plain text; INI paragraph dots ("." lines) are not read. */
double kz_notice_reading_seconds(const char *title, const char *body);

/* A language is weighted as needing at least this long, so that a short title still gets a
 * turn long enough to be seen. */
#define KZ_TURN_MIN_WEIGHT_S 1.0
/* Language turns without language_interval and without a duration: this long a language. */
#define KZ_TURN_DEFAULT_US (8 * KZ_US_PER_S)

/* How the n languages of a notice take turns (turn[i] in microseconds, in the order they air).
 * interval > 0 (language_interval): every turn is that long, the languages repeat. Otherwise
 * slot (the item's duration; <= 0: n * KZ_TURN_DEFAULT_US) is shared in proportion to each
 * language's reading time need[i] (seconds; at least KZ_TURN_MIN_WEIGHT_S), the turns summing
 * to exactly slot, so every language gets the same share of what it needs. 0, or -1 when
 * n < 1. */
int kz_notice_turns(kz_us slot, kz_us interval, int n, const double *need, kz_us *turn);

/* The turn on air at item time t (< 0 counts as 0) when the turns repeat: its index; *since
 * (may be NULL) receives the time since it began. A pure function of t. */
int kz_turn_at(const kz_us *turn, int n, kz_us t, kz_us *since);
#endif
