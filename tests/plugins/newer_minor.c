/* A plugin built against a later minor of ABI 1, whose descriptor has grown a callback this
 * player does not know: it must load (the host copies only what it knows). */
#include <kizuna/plugin.h>

static int create(kz_host *h, kz_instance **out) { (void)h; *out = (void *)1; return 0; }
static int prepare(kz_instance *i, SDL_Renderer *r) { (void)i; (void)r; return 0; }
static int render(kz_instance *i, SDL_Renderer *r, const SDL_Rect *rc, kz_us t)
{
    (void)i; (void)r; (void)rc; (void)t;
    return 0;
}
static void destroy(kz_instance **i) { *i = NULL; }
static void future(void) {}

static const struct {
    kz_plugin base;
    void (*appended_later)(void);
} desc = {
    .base = {.abi_version = KZ_ABI_VERSION + 1, .struct_size = sizeof desc, .name = "newer",
             .create = create, .prepare = prepare, .render = render, .destroy = destroy},
    .appended_later = future,
};
const kz_plugin *kz_plugin_entry(void);
__attribute__((visibility("default"))) const kz_plugin *kz_plugin_entry(void)
{
    return &desc.base;
}
