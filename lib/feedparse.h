/* lib/: RSS 2.0 and Atom headlines out of a fetched document (libxml2, no network, no DTD, no
 * entity expansion), and the text clean-up every fetched string goes through. */
#ifndef KZ_FEEDPARSE_H
#define KZ_FEEDPARSE_H
#include <stddef.h>

#define KZ_FEED_MAX_ITEMS 100  /* headlines kept from one document */
#define KZ_FEED_MAX_TEXT 400   /* bytes of one headline (cut at a character boundary) */

typedef struct kz_feed_items {
    char **text; /* owned: n headlines in document order, plain UTF-8 text */
    int n;
} kz_feed_items;

/* Parse buf as RSS 2.0 (<rss><channel><item><title>) or Atom (<feed><entry><title>).
 * Returns 0 with the headlines (possibly none), or -1 with a reason in why. */
int kz_feed_parse(const char *buf, size_t len, kz_feed_items *out, char *why, size_t why_n);
void kz_feed_items_free(kz_feed_items *it);
/* libxml2's one-time set-up; call on the main thread before any other thread parses. */
void kz_feed_init(void);

/* Fetched markup is never interpreted: tags are dropped, the five XML entities and numeric
 * references decoded, control characters and runs of white space become one space, and the
 * result is cut to max bytes at a UTF-8 boundary. Returns a new string (owned) or NULL. */
char *kz_feed_plain_text(const char *s, size_t len, size_t max);
/* plain (from kz_feed_plain_text) with the text engine's markup characters escaped (\ { } |
 * and a leading "-"): a fetched string is drawn as the characters it holds, never as ruby,
 * breaks or a list (docs/text.md). A new string (owned) or NULL. */
char *kz_feed_escape_markup(const char *plain);
#endif
