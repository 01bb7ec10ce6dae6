/* Media confined to the content root at the moment they are opened, not only when checked:
 * a folder or the file swapped for a symlink to outside after resolve_media (a content
 * editor racing `kizuna check` or the prepare-ahead) is refused when the host opens it, for
 * pictures (image_load, image_probe) and for what plugins open themselves (open_media).
 * The swap is made deterministically between the two steps, so no timing is involved. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/png.h"
#include "host/plugin_host.h"
#include "kz_test.h"
#include "model/playlist.h"
#include "regfile.h" /* lib/regfile.h */

static char dir[] = "/tmp/kz-confine-XXXXXX";
static char root[300], outside[300];

/* ---- a test plugin: create() resolves `file`, duration() opens it through the host -------- */

typedef struct probe {
    kz_host *host;
    char path[4096];
} probe;

static int p_create(kz_host *h, kz_instance **out)
{
    probe *p = calloc(1, sizeof *p);
    p->host = h;
    if (kz_api(h)->resolve_media(h, "file", p->path, sizeof p->path) != KZ_OK) {
        free(p);
        return KZ_ERR;
    }
    *out = p;
    return KZ_OK;
}

/* What was read, as a length: a picture's width in seconds, or the first byte of a text file
 * ('i' inside, 'o' outside) in seconds; unknown when the host refused it. */
static kz_us p_duration(kz_instance *inst)
{
    probe *p = inst;
    const kz_host_api *a = kz_api(p->host);
    if (strstr(p->path, ".png")) {
        if (a->image_probe(p->host, p->path) != KZ_OK)
            return KZ_DURATION_UNKNOWN;
        SDL_Surface *s = a->image_load(p->host, p->path);
        if (!s)
            return KZ_DURATION_UNKNOWN;
        kz_us d = (kz_us)s->w * KZ_US_PER_S;
        SDL_FreeSurface(s);
        return d;
    }
    int fd = a->open_media(p->host, p->path);
    if (fd < 0)
        return KZ_DURATION_UNKNOWN;
    char c = 0;
    ssize_t n = read(fd, &c, 1);
    close(fd);
    return n == 1 ? (kz_us)c * KZ_US_PER_S : KZ_DURATION_UNKNOWN;
}

static int p_prepare(kz_instance *i, SDL_Renderer *r) { (void)i; (void)r; return KZ_OK; }
static int p_render(kz_instance *i, SDL_Renderer *r, const SDL_Rect *rc, kz_us t)
{
    (void)i; (void)r; (void)rc; (void)t;
    return KZ_OK;
}
static void p_destroy(kz_instance **i)
{
    free(*i);
    *i = NULL;
}

static const kz_key p_keys[] = {
    {"file", "path", "", "a/b.png", "the file to open"},
    {NULL, NULL, NULL, NULL, NULL},
};

static kz_loaded_plugin p_plugin = {
    .desc = {.abi_version = KZ_ABI_VERSION, .struct_size = sizeof(kz_plugin), .name = "probe",
             .create = p_create, .prepare = p_prepare, .render = p_render,
             .destroy = p_destroy, .duration = p_duration, .keys = p_keys},
    .path = "probe.so",
};

/* ---- files ---------------------------------------------------------------------------- */

static void put_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void put_png(const char *path, int w)
{
    static uint32_t argb[64 * 8];
    for (int i = 0; i < 64 * 8; i++)
        argb[i] = 0xff2060a0u;
    assert_int_equal(kz_png_write(path, argb, w, 8, w * 4), 0);
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
    char cmd[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

/* root/media/{pic.png 64 wide, note.txt "inside"}; outside/media/{pic.png 32 wide, note.txt
 * "outside"}: the same names, so a swapped folder reads as the same path. */
static int setup(void **state)
{
    (void)state;
    /* the root itself stays: a test may hold a descriptor of it */
    run("mkdir -p %s && rm -rf %s/* %s && mkdir -p %s/media %s/media %s/real", root, root,
        outside, root, outside, root);
    char p[400];
    snprintf(p, sizeof p, "%s/media/pic.png", root);
    put_png(p, 64);
    snprintf(p, sizeof p, "%s/media/note.txt", root);
    put_text(p, "inside");
    snprintf(p, sizeof p, "%s/media/pic.png", outside);
    put_png(p, 32);
    snprintf(p, sizeof p, "%s/media/note.txt", outside);
    put_text(p, "outside");
    return 0;
}

/* ---- lib/regfile: kz_open_beneath ----------------------------------------------------- */

typedef int (*open_fn)(int, const char *);

static void beneath(open_fn open_at)
{
    setup(NULL);
    int rfd = kz_host_open_root(root);
    assert_true(rfd >= 3);
    char buf[16] = {0};
    int fd = open_at(rfd, "media/note.txt");
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, sizeof buf - 1), 6);
    assert_string_equal(buf, "inside");
    close(fd);
    fd = open_at(rfd, "/media/./note.txt"); /* a leading "/" and "." are harmless */
    assert_true(fd >= 0);
    close(fd);
    errno = 0;
    assert_int_equal(open_at(rfd, "media/../media/note.txt"), -1);
    assert_int_equal(errno, EXDEV);
    assert_int_equal(open_at(rfd, "media"), KZ_NOT_REGULAR);
    assert_int_equal(open_at(rfd, "media/none.txt"), -1);
    assert_int_equal(errno, ENOENT);
    /* a FIFO is refused without waiting for a writer */
    run("mkfifo %s/media/fifo.txt", root);
    assert_int_equal(open_at(rfd, "media/fifo.txt"), KZ_NOT_REGULAR);
    /* the last component a symlink, even one that stays inside */
    run("ln -s note.txt %s/media/link.txt", root);
    assert_int_equal(open_at(rfd, "media/link.txt"), -1);
    assert_int_equal(errno, ELOOP);
    /* a folder on the way swapped for a symlink to outside */
    run("mv %s/media %s/real/media && ln -s %s/media %s/media", root, root, outside, root);
    assert_int_equal(open_at(rfd, "media/note.txt"), -1);
    assert_int_equal(errno, ELOOP);
    /* ... and a relative one */
    run("rm %s/media && ln -s ../outside/media %s/media", root, root);
    assert_int_equal(open_at(rfd, "media/note.txt"), -1);
    assert_int_equal(errno, ELOOP);
    close(rfd);
}

static void test_open_beneath(void **state)
{
    (void)state;
    beneath(kz_open_beneath);
}

/* What kernels before 5.6 (or a seccomp filter that refuses openat2) get. */
static void test_open_beneath_walk(void **state)
{
    (void)state;
    beneath(kz_open_beneath_walk);
}

/* ---- the host: resolved, then swapped, then opened -------------------------------------- */

/* Capture from here on; a line of its own first, so that the log's repeat folding does not
 * swallow a refusal identical to the previous case's. */
static void capture(const char *what)
{
    kz_capture();
    kz_log("test", KZ_LOG_WARN, "--- %s", what);
}

static kz_host_env env;
static kz_registry reg = {&p_plugin, 1};

static kz_item *attach(kz_model *m, const char *file)
{
    char text[300];
    snprintf(text, sizeof text, "[a]\nplugin = probe\nfile = %s\n", file);
    memset(m, 0, sizeof *m);
    assert_int_equal(kz_model_add_string(m, text, "t.ini"), 0);
    kz_host_attach(m, &env, 0);
    assert_int_equal(m->n_items, 1);
    assert_int_equal(m->items[0].playable, 1);
    return &m->items[0];
}

/* attach asked the plugin's duration() already (and the host keeps the answer): ask again,
 * as the compositor's prepare-ahead opens the file again later. */
static kz_us ask_again(kz_item *it)
{
    it->natural_duration = 0;
    return kz_host_natural_duration(it);
}

static void swap_media_folder(void)
{
    run("mv %s/media %s/real/media && ln -s %s/media %s/media", root, root, outside, root);
}

static void host_case(int hold_fd)
{
    kz_model m;
    setup(NULL);
    env = (kz_host_env){.registry = &reg, .content_root = root, .timezone = "Asia/Tokyo"};
    env.content_fd = hold_fd ? kz_host_open_root(root) : 0;
    capture("host, swapped folder");

    /* untouched: the picture inside is read */
    kz_item *it = attach(&m, "media/pic.png");
    assert_int_equal(kz_host_natural_duration(it), 64 * KZ_US_PER_S);
    kz_host_detach(&m);
    kz_model_free(&m);

    /* the folder swapped after resolve_media: refused, not the picture outside */
    it = attach(&m, "media/pic.png");
    swap_media_folder();
    assert_int_equal(ask_again(it), 0);
    assert_logged("t.ini:3: [a] file = media/pic.png: ");
    assert_logged("refused: a symbolic link on the way now");
    kz_host_detach(&m);
    kz_model_free(&m);

    /* the same for a file a plugin opens itself */
    setup(NULL);
    capture("host, open_media");
    it = attach(&m, "media/note.txt");
    assert_int_equal(kz_host_natural_duration(it), 'i' * KZ_US_PER_S);
    swap_media_folder();
    assert_int_equal(ask_again(it), 0);
    assert_logged("refused: a symbolic link on the way now");
    kz_host_detach(&m);
    kz_model_free(&m);

    /* the file itself swapped for a symlink to outside */
    setup(NULL);
    capture("host, swapped file");
    it = attach(&m, "media/note.txt");
    char p[400];
    snprintf(p, sizeof p, "rm %s/media/note.txt && ln -s %s/media/note.txt %s/media/note.txt",
             root, outside, root);
    run("%s", p);
    assert_int_equal(ask_again(it), 0);
    assert_logged("refused: a symbolic link on the way now");
    kz_host_detach(&m);
    kz_model_free(&m);

    if (env.content_fd > 0)
        close(env.content_fd);
}

static void test_host_refuses_swap(void **state)
{
    (void)state;
    host_case(1);
}

/* Without a held descriptor (tests, a root missing at start) the same holds. */
static void test_host_refuses_swap_no_fd(void **state)
{
    (void)state;
    host_case(0);
}

/* Symlinks that stay inside the root, in place when the item is resolved, keep working:
 * resolve_media resolves them, the open then walks the real folders. */
static void test_inside_symlinks_allowed(void **state)
{
    (void)state;
    kz_model m;
    setup(NULL);
    run("mkdir -p %s/campaigns/2026 && mv %s/media/pic.png %s/campaigns/2026/spring.png && "
        "ln -s ../campaigns/2026/spring.png %s/media/pic.png && ln -s campaigns %s/current",
        root, root, root, root, root);
    env = (kz_host_env){.registry = &reg, .content_root = root, .timezone = "Asia/Tokyo",
                        .content_fd = kz_host_open_root(root)};
    kz_capture();
    kz_item *it = attach(&m, "media/pic.png");
    assert_int_equal(kz_host_natural_duration(it), 64 * KZ_US_PER_S);
    kz_host_detach(&m);
    kz_model_free(&m);
    it = attach(&m, "current/2026/spring.png");
    assert_int_equal(kz_host_natural_duration(it), 64 * KZ_US_PER_S);
    kz_host_detach(&m);
    kz_model_free(&m);
    close(env.content_fd);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    snprintf(root, sizeof root, "%s/root", dir);
    snprintf(outside, sizeof outside, "%s/outside", dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_beneath),
        cmocka_unit_test(test_open_beneath_walk),
        cmocka_unit_test(test_host_refuses_swap),
        cmocka_unit_test(test_host_refuses_swap_no_fd),
        cmocka_unit_test(test_inside_symlinks_allowed),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
