/* The keys of one INI section, in file order, with the line of each (for file:line). */
#ifndef KZ_PARAMS_H
#define KZ_PARAMS_H
#include <stddef.h>

typedef struct kz_kv {
    char *key;
    char *value;
    int line;
    int used; /* set when something read the key: unread keys are "unknown key" errors */
    size_t len, cap; /* of value: continuations grow it geometrically, not piece by piece */
} kz_kv;

struct kz_params {
    char *file;    /* owned */
    char *section; /* owned */
    int line;      /* line of the [section] header */
    kz_kv *kv;
    size_t n, cap;
};
typedef struct kz_params kz_params;

int kz_params_init(kz_params *p, const char *file, const char *section, int line);
void kz_params_free(kz_params *p);
/* Append or, for a repeated key, continue a multi-line value (inih calls again with the same
 * key for indented continuation lines): the value gets "\n" + the new part. */
int kz_params_add(kz_params *p, const char *key, const char *value, int line);
kz_kv *kz_params_find(const kz_params *p, const char *key);
/* Value or NULL; marks the key used. */
const char *kz_params_get(const kz_params *p, const char *key);
/* Line of a key, or the section's line when absent. */
int kz_params_line(const kz_params *p, const char *key);

/* Typed parsers shared by the config, playlists and the plugin host API. They only parse;
 * callers report errors with file:line. 0 ok, -1 bad. */
int kz_parse_double(const char *s, double *out);
int kz_parse_long(const char *s, long *out);
int kz_parse_bool(const char *s, int *out);
int kz_parse_size(const char *s, int *w, int *h); /* "1920x1080" */
int kz_parse_color(const char *s, unsigned char rgba[4]);
int kz_parse_enum(const char *s, const char *choices, int *out); /* "a|b|c" */
#endif
