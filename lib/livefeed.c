/* The plugin side of fetched content (livefeed.h). */
#include "livefeed.h"

#include <stdlib.h>
#include <string.h>

int kzw_live_keys(kz_host *host, kzw_live *l, const char *key, int kind)
{
    const kz_host_api *api = kz_api(host);
    memset(l, 0, sizeof *l);
    l->key = key;
    l->kind = kind;
    l->poll_s = 300;
    l->looked = -1;
    double age = 86400;
    int bad = 0;
    bad |= api->param_int(host, "poll", 30, 86400, &l->poll_s);
    bad |= api->param_double(host, "max_age", 1, 365.0 * 86400, &age);
    l->max_age = (kz_us)(age * KZ_US_PER_S);
    if (!KZ_API_HAS(api, fetched)) {
        api->param_error(host, key, "this player cannot fetch (plugin ABI before 1.6)");
        return KZ_ERR;
    }
    kz_fetched f;
    int rc = api->fetched(host, key, kind, l->poll_s, NULL, &f); /* checks the URL, registers */
    if (rc == KZ_ERR)
        return KZ_ERR;
    free(f.data);
    return bad ? KZ_ERR : KZ_OK;
}

int kzw_live_poll(kz_host *host, kzw_live *l, kz_us now, int force, char **data, size_t *len)
{
    const kz_host_api *api = kz_api(host);
    *data = NULL;
    *len = 0;
    kz_us sec = now / KZ_US_PER_S;
    if (!force && sec == l->looked)
        return 0;
    l->looked = sec;
    if (!KZ_API_HAS(api, fetched))
        return KZ_ERR;
    kz_fetched f;
    int rc = api->fetched(host, l->key, l->kind, l->poll_s, l->have ? l->version : NULL, &f);
    if (rc != KZ_OK)
        return 0; /* nothing cached: keep what is held (none, or a copy since removed) */
    l->fetched_at = f.fetched_at;
    if (!f.data)
        return 0;
    l->have = 1;
    memcpy(l->version, f.version, sizeof l->version);
    *data = f.data;
    *len = f.len;
    return 1;
}

int kzw_live_fresh(const kzw_live *l, kz_us now)
{
    return l->have && now - l->fetched_at <= l->max_age;
}
