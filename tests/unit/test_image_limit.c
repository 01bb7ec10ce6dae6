/* The pixel limit: picture sizes read from headers (PNG, GIF, JPEG, WebP, BMP) without
 * decoding, refusal above the limit with the size in the reason, and a real decode within. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/png.h"
#include "kz_test.h"

static char dir[] = "/tmp/kz-imglimit-XXXXXX";

static const char *put(const char *name, const void *bytes, size_t n)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return path;
}

static void size_of(const char *path, long w, long h)
{
    long gw = 0, gh = 0;
    assert_int_equal(kz_image_header_size(path, &gw, &gh), 0);
    assert_int_equal(gw, w);
    assert_int_equal(gh, h);
}

static void test_headers(void **state)
{
    (void)state;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                  'I', 'H', 'D', 'R', 0, 0, 0x3e, 0x80, 0, 0, 0x3e, 0x81,
                                  8, 2, 0, 0, 0};
    size_of(put("a.png", png, sizeof png), 16000, 16001);
    static const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x20, 0x4e, 0x10, 0x27, 0, 0};
    size_of(put("a.gif", gif, sizeof gif), 20000, 10000);
    /* JPEG: SOI, an APP0 segment of 16 bytes, fill bytes, then SOF2 (progressive) */
    static const uint8_t jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1,
                                  0, 0, 1, 0, 1, 0, 0, 0xff, 0xff, 0xc2, 0, 17, 8, 0x27,
                                  0x10, 0x4e, 0x20, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    size_of(put("a.jpg", jpg, sizeof jpg), 20000, 10000);
    /* WebP extended: canvas 1 + 0x3e7f = 16000 by 1 + 0x2ee0 = 12001 */
    static const uint8_t webp[] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P',
                                   'V', 'P', '8', 'X', 10, 0, 0, 0, 0, 0, 0, 0,
                                   0x7f, 0x3e, 0, 0xe0, 0x2e, 0, 0, 0};
    size_of(put("a.webp", webp, sizeof webp), 16000, 12001);
    uint8_t bmp[30] = {'B', 'M'};
    bmp[18] = 0x40; /* 64 wide, -32 high (top-down) */
    bmp[22] = 0xe0; bmp[23] = 0xff; bmp[24] = 0xff; bmp[25] = 0xff;
    size_of(put("a.bmp", bmp, sizeof bmp), 64, 32);
    /* unknown or short: no size, so the decoder's own limit applies */
    long w, h;
    assert_int_equal(kz_image_header_size(put("a.txt", "hello", 5), &w, &h), -1);
    assert_int_equal(kz_image_header_size(put("short.png", png, 20), &w, &h), -1);
    static const uint8_t badjpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 1};
    assert_int_equal(kz_image_header_size(put("bad.jpg", badjpg, sizeof badjpg), &w, &h), -1);
}

static void test_limit(void **state)
{
    (void)state;
    char err[256];
    uint8_t *px = NULL;
    int w, h;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                  'I', 'H', 'D', 'R', 0, 0, 0x3e, 0x80, 0, 0, 0x3e, 0x80,
                                  8, 2, 0, 0, 0};
    const char *bomb = put("bomb.png", png, sizeof png);
    assert_int_equal(kz_image_check_header(bomb, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "16000x16000 (256.0 Mpx) is above the pixel limit of 40.0 Mpx"));
    assert_int_equal(kz_image_load(bomb, &px, &w, &h, err, sizeof err), -1);
    assert_null(px);
    assert_non_null(strstr(err, "above the pixel limit"));
    /* a real picture: decodes within the limit, refused below its size */
    uint32_t argb[64 * 36];
    for (int i = 0; i < 64 * 36; i++)
        argb[i] = 0xff2060a0u;
    char path[256];
    snprintf(path, sizeof path, "%s/real.png", dir);
    assert_int_equal(kz_png_write(path, argb, 64, 36, 64 * 4), 0);
    assert_int_equal(kz_image_load_limited(path, 1000000, &px, &w, &h, err, sizeof err), 0);
    assert_int_equal(w, 64);
    assert_int_equal(h, 36);
    assert_int_equal(px[0], 0xa0); /* B G R A */
    assert_int_equal(px[3], 0xff);
    free(px);
    px = NULL;
    assert_int_equal(kz_image_load_limited(path, 2000, &px, &w, &h, err, sizeof err), -1);
    assert_null(px);
    assert_non_null(strstr(err, "64x36 (0.0 Mpx) is above the pixel limit of 0.0 Mpx"));
    /* a zero-sized header is refused too */
    static const uint8_t zero[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                   'I', 'H', 'D', 'R', 0, 0, 0, 0, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    assert_int_equal(kz_image_check_header(put("zero.png", zero, sizeof zero), 0, err,
                                           sizeof err), -1);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_limit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
