/* A plugin without its required render callback: refused with the callback's name. */
#include <kizuna/plugin.h>

static int create(kz_host *h, kz_instance **out) { (void)h; *out = (void *)1; return 0; }
static int prepare(kz_instance *i, SDL_Renderer *r) { (void)i; (void)r; return 0; }
static void destroy(kz_instance **i) { *i = NULL; }

static const kz_plugin desc = {
    .abi_version = KZ_ABI_VERSION, .struct_size = sizeof(kz_plugin), .name = "norender",
    .create = create, .prepare = prepare, .destroy = destroy,
};
KZ_PLUGIN_EXPORT(desc)
