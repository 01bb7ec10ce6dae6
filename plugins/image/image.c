/* image: a still picture (PNG, JPEG, WebP, ...) decoded by the host with libavcodec.
 *
 *   [helpmark]
 *   plugin     = image
 *   file       = helpmark.png        (relative to the content directory)
 *   fit        = fit | fill | stretch (default fit: whole picture, letterboxed)
 *   background = #000000             (letterbox colour)
 *   duration   = 10s
 *
 * The decode never runs on the main (frame) thread: prepare() starts a worker that decodes
 * into a surface while the previous item is on air; the first render() makes the texture
 * (waiting for the worker only when the prepare-ahead was shorter than the decode). A picture
 * above the host's pixel limit is refused from its header, in create().
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kizuna/plugin.h>

enum { FIT_FIT, FIT_FILL, FIT_STRETCH };

typedef struct image_inst {
    kz_host *host;
    char path[4096];
    int fit;
    kz_color bg;
    SDL_Texture *tex;
    int w, h;
    /* The decode worker: started by prepare(), joined by the first render() or release().
     * Under mu: surf (owned, handed to the main thread when done), done, failed. */
    pthread_t worker;
    int running; /* main thread only: the worker was started and not yet joined */
    pthread_mutex_t mu;
    SDL_Surface *surf;
    int done, failed;
} image_inst;

static int image_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    image_inst *im = calloc(1, sizeof *im);
    if (!im)
        return KZ_ERR_NOMEM;
    im->host = host;
    pthread_mutex_init(&im->mu, NULL);
    im->bg = (kz_color){0, 0, 0, 255};
    if (api->resolve_media(host, "file", im->path, sizeof im->path) ||
        api->param_enum(host, "fit", "fit|fill|stretch", &im->fit) ||
        api->param_color(host, "background", &im->bg) ||
        (KZ_API_HAS(api, image_probe) && api->image_probe &&
         api->image_probe(host, im->path))) {
        pthread_mutex_destroy(&im->mu);
        free(im);
        return KZ_ERR;
    }
    *out = im;
    return KZ_OK;
}

/* kizuna check: the file must decode (image_load reports why not, with file:line). */
static int image_check(kz_instance *inst)
{
    image_inst *im = inst;
    SDL_Surface *s = kz_api(im->host)->image_load(im->host, im->path);
    if (!s)
        return 1;
    SDL_FreeSurface(s);
    return 0;
}

static void *decode_worker(void *arg)
{
    image_inst *im = arg;
    SDL_Surface *s = kz_api(im->host)->image_load(im->host, im->path); /* logs a failure */
    pthread_mutex_lock(&im->mu);
    im->surf = s;
    im->failed = !s;
    im->done = 1;
    pthread_mutex_unlock(&im->mu);
    return NULL;
}

/* Start decoding on a worker; render() picks the picture up. */
static int image_prepare(kz_instance *inst, SDL_Renderer *r)
{
    image_inst *im = inst;
    (void)r;
    if (im->tex || im->running)
        return KZ_OK;
    im->done = im->failed = 0;
    if (pthread_create(&im->worker, NULL, decode_worker, im) != 0) {
        kz_api(im->host)->log(im->host, KZ_LOG_ERROR, "%s: cannot start the decoder thread",
                              im->path);
        return KZ_ERR;
    }
    im->running = 1;
    return KZ_OK;
}

/* On the main thread: the texture from the worker's surface. 0, or KZ_ERR when the picture
 * failed (logged by image_load). The picture is due now: when the prepare-ahead was too short
 * for the decode (the first item after start, kizuna render), wait for the worker rather than
 * show something the timeline does not say; the wait is bounded by the pixel limit. */
static int take_picture(image_inst *im, SDL_Renderer *r)
{
    if (im->tex)
        return 0;
    if (!im->running)
        return KZ_ERR;
    pthread_join(im->worker, NULL);
    im->running = 0;
    pthread_mutex_lock(&im->mu);
    int failed = im->failed;
    SDL_Surface *s = im->surf;
    im->surf = NULL;
    pthread_mutex_unlock(&im->mu);
    if (failed)
        return KZ_ERR;
    im->tex = SDL_CreateTextureFromSurface(r, s);
    im->w = s->w;
    im->h = s->h;
    SDL_FreeSurface(s);
    if (!im->tex) {
        kz_api(im->host)->log(im->host, KZ_LOG_ERROR, "%s: texture: %s", im->path,
                              SDL_GetError());
        return KZ_ERR;
    }
    SDL_SetTextureBlendMode(im->tex, SDL_BLENDMODE_BLEND);
    return 0;
}

static int image_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    image_inst *im = inst;
    (void)t;
    if (take_picture(im, r) < 0)
        return KZ_ERR;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, im->bg.r, im->bg.g, im->bg.b, 255);
    SDL_RenderFillRect(r, rect);
    SDL_Rect dst = *rect;
    SDL_Rect src = {0, 0, im->w, im->h};
    /* Compare aspect ratios in integers: w1/h1 vs w2/h2. */
    long long lhs = (long long)im->w * rect->h, rhs = (long long)rect->w * im->h;
    if (im->fit == FIT_FIT) {
        if (lhs > rhs) { /* image wider: full width, bars above and below */
            dst.h = (int)((long long)rect->w * im->h / im->w);
            dst.y = rect->y + (rect->h - dst.h) / 2;
        } else {
            dst.w = (int)((long long)rect->h * im->w / im->h);
            dst.x = rect->x + (rect->w - dst.w) / 2;
        }
    } else if (im->fit == FIT_FILL) {
        if (lhs > rhs) { /* image wider: crop left and right */
            src.w = (int)((long long)im->h * rect->w / rect->h);
            src.x = (im->w - src.w) / 2;
        } else {
            src.h = (int)((long long)im->w * rect->h / rect->w);
            src.y = (im->h - src.h) / 2;
        }
    }
    SDL_RenderCopy(r, im->tex, &src, &dst);
    return KZ_OK;
}

static void image_release(kz_instance *inst)
{
    image_inst *im = inst;
    if (im->running) { /* waits for a decode in progress: bounded by the pixel limit */
        pthread_join(im->worker, NULL);
        im->running = 0;
    }
    if (im->surf)
        SDL_FreeSurface(im->surf);
    im->surf = NULL;
    im->done = 0;
    if (im->tex)
        SDL_DestroyTexture(im->tex);
    im->tex = NULL;
}

static void image_destroy(kz_instance **inst)
{
    if (!*inst)
        return;
    image_release(*inst);
    pthread_mutex_destroy(&((image_inst *)*inst)->mu);
    free(*inst);
    *inst = NULL;
}

/* The picture and its letterbox fill (drawn without blending) cover the zone. */
static int image_opaque(kz_instance *inst)
{
    (void)inst;
    return 1;
}

/* The picture never changes while on air (a still picture). */
static kz_us image_next_change(kz_instance *inst, kz_us t)
{
    (void)inst;
    (void)t;
    return KZ_CHANGE_NEVER;
}

/* The keys, for `kizuna help image`, docs/keys.md and the "did you mean" of a typo. */
static const kz_key image_keys[] = {
    {"file", "file", "required", "helpmark.png",
     "the picture (PNG, JPEG, WebP, ...), relative to the content directory"},
    {"fit", "fit|fill|stretch", "fit", "fill",
     "fit: the whole picture, letterboxed; fill: cover the zone, cropped; stretch: distorted"},
    {"background", "colour", "black", "#1c2a3a", "colour of the letterbox bars"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin image_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "image",
    .version = "1.0",
    .description = "still image: PNG, JPEG, WebP; fit, fill or stretch",
    .create = image_create,
    .check = image_check,
    .prepare = image_prepare,
    .render = image_render,
    .release = image_release,
    .destroy = image_destroy,
    .next_change = image_next_change,
    .keys = image_keys,
    .opaque = image_opaque,
};

KZ_PLUGIN_EXPORT(image_plugin)
