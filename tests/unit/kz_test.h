/* Shared by the unit tests: capture what the player logs. */
#ifndef KZ_TEST_H
#define KZ_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/log.h"

static char kz_test_logged[65536];

static void kz_test_sink(const char *line, void *ud)
{
    (void)ud;
    size_t n = strlen(kz_test_logged);
    snprintf(kz_test_logged + n, sizeof kz_test_logged - n, "%s\n", line);
}

/* Start capturing (clears what was captured before). */
static inline void kz_capture(void)
{
    kz_test_logged[0] = 0;
    kz_log_flush_repeats();
    kz_log_set_sink(kz_test_sink, NULL);
}

/* Assert that the captured log contains s (prints the log when it does not). */
#define assert_logged(s)                                                                     \
    do {                                                                                     \
        if (!strstr(kz_test_logged, (s)))                                                    \
            fprintf(stderr, "expected in log: %s\nlog was:\n%s", (s), kz_test_logged);       \
        assert_non_null(strstr(kz_test_logged, (s)));                                        \
    } while (0)
#endif
