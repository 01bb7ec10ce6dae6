/* libFuzzer target: player.ini and playlist parsing, including values (durations, sizes,
 * colours, times) and the over-long-line handling on top of inih. The first byte chooses
 * what the rest is parsed as: config, playlist, time, layouts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/params.h"
#include "base/timeutil.h"
#include "model/config.h"
#include "model/layout.h"
#include "model/playlist.h"
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
    char *text = kz_fuzz_text(data, size, 1, 65536);
    if (!text)
        return 0;
    switch (data[0] % 4) {
    case 0: {
        kz_config c;
        kz_config_load_string(&c, text, "fuzz.ini", "/tmp");
        break;
    }
    case 1: {
        kz_model m = {0};
        kz_model_add_string(&m, text, "fuzz.ini");
        for (size_t i = 0; i < m.n_items; i++)
            for (size_t k = 0; k < m.items[i].params.n; k++) {
                const char *v = m.items[i].params.kv[k].value;
                kz_us us;
                double d;
                int w, h;
                unsigned char rgba[4];
                kz_duration_parse(v, &us);
                kz_time_parse(v, &us);
                kz_parse_double(v, &d);
                kz_parse_size(v, &w, &h);
                kz_parse_color(v, rgba);
            }
        kz_model_free(&m);
        break;
    }
    case 3: {
        kz_layouts ls;
        kz_layouts_load_string(&ls, text, "layouts.ini");
        kz_us t = (kz_us)size * 86400 * KZ_US_PER_S;
        kz_layouts_at(&ls, t);
        for (int i = 0; i < ls.n; i++)
            for (int z = 0; z < ls.v[i].n_zones; z++) {
                SDL_Rect r;
                kz_zone_rect(&ls.v[i].zones[z], 1920, 1080, &r);
            }
        kz_layouts_free(&ls);
        break;
    }
    default: {
        kz_us us;
        kz_time_parse(text, &us);
        kz_duration_parse(text, &us);
        break;
    }
    }
    free(text);
    return 0;
}
