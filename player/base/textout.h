/* Writing strings into machine-readable output: JSON and CSV, shared by the commands. */
#ifndef KZ_TEXTOUT_H
#define KZ_TEXTOUT_H
#include <stdio.h>

/* A JSON string literal, quotes included; control characters escaped. */
void kz_json_str(FILE *f, const char *s);
/* A CSV field (RFC 4180): quoted only when it holds a comma, quote or line break. */
void kz_csv_str(FILE *f, const char *s);
#endif
