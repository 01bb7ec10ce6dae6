/* libFuzzer target: the schedule keys and the timeline. The input is a playlist (every item
 * made playable with the duration it names, else 10 s), compiled, then asked about a few
 * instants around DST changes and midnights in Europe/Berlin; the slots must tile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "model/playlist.h"
#include "model/rules.h"
#include "model/schedule.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        kz_log_set_level(-1);
        kz_tz_set("Europe/Berlin");
        once = 1;
    }
    char *text = kz_fuzz_text(data, size, 0, 16384);
    if (!text)
        return 0;
    kz_model m = {0};
    kz_model_add_string(&m, text, "fuzz.ini");
    for (size_t i = 0; i < m.n_items; i++) {
        m.items[i].playable = 1;
        if (m.items[i].duration <= 0)
            m.items[i].duration = 10 * KZ_US_PER_S;
    }
    kz_schedule_compile(&m);
    static const int64_t at[] = {1743296400, 1761440400}; /* the Berlin DST nights of 2025 */
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        kz_slot s;
        kz_schedule_at(&m, at[k] * KZ_US_PER_S, &s);
        for (int n = 0; n < 20; n++) {
            kz_slot nx;
            kz_schedule_next(&m, &s, &nx);
            if (nx.start != s.end || nx.end <= nx.start)
                abort(); /* the timeline must tile */
            s = nx;
        }
    }
    kz_model_free(&m);
    free(text);
    return 0;
}
