/* An allocation census for the soak: preloaded beside libasan into the ASan build of the
 * player, it prints ASan's live-heap profile (bytes and allocations per call stack) every
 * KZ_PROF_EVERY seconds to stderr, so that what grows over simulated days shows as a stack
 * whose bytes rise from one profile to the next (docs/performance.md "Memory over days").
 * Started from SDL_Init, when the sanitizer runtime is up. Not built by make:
 *
 *   cc -O1 -shared -fPIC -o /tmp/heap-census.so tools/heap-census.c -ldl -lpthread
 *   KZ_PROF_EVERY=30 ASAN_OPTIONS=detect_leaks=0:malloc_context_size=10 \
 *   LD_PRELOAD="$(gcc -print-file-name=libasan.so) /tmp/heap-census.so" \
 *       build/asan/kizuna run --config C --clock 2025-02-01T00:00:00+09:00 --speed 4032 \
 *       --exit-after 250 2>census.log
 *   grep 'Live Heap' census.log
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

static void *census(void *arg)
{
    (void)arg;
    int every = atoi(getenv("KZ_PROF_EVERY"));
    if (every <= 0)
        return NULL;
    for (int i = 1;; i++) {
        sleep((unsigned)every);
        fprintf(stderr, "=== PROFILE %d at %d s\n", i, i * every);
        __sanitizer_print_memory_profile(100, 80);
        fprintf(stderr, "=== END PROFILE %d\n", i);
    }
    return NULL;
}

int SDL_Init(uint32_t flags)
{
    static int started;
    int (*real)(uint32_t);
    *(void **)&real = dlsym(RTLD_NEXT, "SDL_Init");
    if (!started && getenv("KZ_PROF_EVERY")) {
        pthread_t t;
        started = 1;
        if (pthread_create(&t, NULL, census, NULL) == 0)
            pthread_detach(t);
    }
    return real ? real(flags) : -1;
}
