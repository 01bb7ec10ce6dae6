/* A plugin built for a future ABI major: the loader must refuse it and go on. */
#include <kizuna/plugin.h>

static int create(kz_host *h, kz_instance **out) { (void)h; *out = (void *)1; return 0; }
static int prepare(kz_instance *i, SDL_Renderer *r) { (void)i; (void)r; return 0; }
static int render(kz_instance *i, SDL_Renderer *r, const SDL_Rect *rc, kz_us t)
{
    (void)i; (void)r; (void)rc; (void)t;
    return 0;
}
static void destroy(kz_instance **i) { *i = NULL; }

static const kz_plugin desc = {
    .abi_version = (2u << 16) | 0, .struct_size = sizeof(kz_plugin), .name = "future",
    .create = create, .prepare = prepare, .render = render, .destroy = destroy,
};
KZ_PLUGIN_EXPORT(desc)
