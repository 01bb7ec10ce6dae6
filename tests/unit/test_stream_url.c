/* The live stream source's pure rules: which URLs are played, what libavformat may open for
 * each, what a log line shows of a URL, and the reconnect back-off schedule. Also the live
 * flash window: the analyser fed frame by frame (lib/flashscan) finds the transitions the
 * video plugin counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/video/streamurl.h"
#include "flashscan.h"

static void test_allowed_schemes(void **state)
{
    (void)state;
    char e[200];
    assert_int_equal(vs_url_check("rtsp://192.0.2.10:554/lobby", e, sizeof e), VS_RTSP);
    assert_int_equal(vs_url_check("rtmp://live.example.jp/app/key", e, sizeof e), VS_RTMP);
    assert_int_equal(vs_url_check("http://127.0.0.1:8080/live.m3u8", e, sizeof e), VS_HTTP);
    assert_int_equal(vs_url_check("HTTPS://cam.example.jp/a.m3u8?token=x", e, sizeof e),
                     VS_HTTPS);
    assert_int_equal(vs_url_check("rtsp://user:pw@cam/x", e, sizeof e), VS_RTSP);
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "file:///etc/passwd", "pipe:0", "concat:a.ts|b.ts", "data:video/mp4;base64,AAAA",
        "subfile:,start,0,end,1,:/etc/shadow", "udp://0.0.0.0:1234", "tcp://x:1", "ftp://x/y",
        "rtmps://x/y", "hls+http://x/a.m3u8", "crypto:http://x", "/abs/path.m3u8",
        "clips/a.mp4", "http://", "http:///path", "http://:80/x", "http://a b/c",
        "http://x/\x01", "http://例え.jp/a", "", NULL,
    };
    for (int i = 0; bad[i] || i == 0; i++) {
        char e[200] = "";
        assert_int_equal(vs_url_check(bad[i], e, sizeof e), -1);
        assert_true(e[0] != 0);
        if (!bad[i])
            break;
    }
    char e[200];
    assert_int_equal(vs_url_check("file:///etc/passwd", e, sizeof e), -1);
    assert_non_null(strstr(e, "\"file:\" is not allowed"));
    char long_url[VS_URL_MAX + 16] = "http://x/";
    memset(long_url + 9, 'a', VS_URL_MAX);
    long_url[VS_URL_MAX + 9] = 0;
    assert_int_equal(vs_url_check(long_url, e, sizeof e), -1);
    assert_non_null(strstr(e, "longer than the limit"));
}

static void test_whitelists(void **state)
{
    (void)state;
    /* nothing that reads local files or runs through another container of URLs */
    const int schemes[] = {VS_HTTP, VS_HTTPS, VS_RTSP, VS_RTMP};
    for (int i = 0; i < 4; i++) {
        const char *w = vs_url_whitelist(schemes[i]);
        assert_null(strstr(w, "file"));
        assert_null(strstr(w, "pipe"));
        assert_null(strstr(w, "concat"));
        assert_null(strstr(w, "data"));
        assert_null(strstr(w, "subfile"));
    }
    /* https never falls back to plain http (",http," or a leading "http,") */
    const char *w = vs_url_whitelist(VS_HTTPS);
    assert_int_not_equal(strncmp(w, "http,", 5), 0);
    assert_null(strstr(w, ",http,"));
    assert_string_equal(vs_url_whitelist(0), "none");
}

static void test_redact(void **state)
{
    (void)state;
    char o[256];
    vs_url_redact("rtsp://admin:secret@192.0.2.10/lobby", o, sizeof o);
    assert_string_equal(o, "rtsp://192.0.2.10/lobby");
    vs_url_redact("https://cam.example.jp/a.m3u8?token=abc", o, sizeof o);
    assert_string_equal(o, "https://cam.example.jp/a.m3u8?…");
    vs_url_redact("http://127.0.0.1:8080/live.m3u8", o, sizeof o);
    assert_string_equal(o, "http://127.0.0.1:8080/live.m3u8");
}

static void test_backoff(void **state)
{
    (void)state;
    /* without jitter's spread (rnd = 2^31: the middle) the schedule is 1, 2, 4, 8, 16, 30 s */
    const int64_t mid[] = {1000000, 2000000, 4000000, 8000000, 16000000, 30000000, 30000000};
    for (int a = 1; a <= 7; a++)
        assert_int_equal(vs_backoff_us(a, 0x80000000u), mid[a - 1]);
    assert_int_equal(vs_backoff_us(1000, 0x80000000u), VS_BACKOFF_MAX_US);
    /* jitter stays within plus or minus 20 % */
    for (int a = 1; a <= 8; a++) {
        int64_t base = vs_backoff_us(a, 0x80000000u);
        assert_true(vs_backoff_us(a, 0) >= base * 8 / 10);
        assert_true(vs_backoff_us(a, 0xffffffffu) < base * 12 / 10);
        assert_true(vs_backoff_us(a, 0) < vs_backoff_us(a, 0xffffffffu));
    }
}

/* Full-screen black / white alternation: every change is a frame-level transition that
 * kz_flash_last reports right after its push, with bounded memory (kz_flash_forget). */
static void test_live_flash_frames(void **state)
{
    (void)state;
    enum { W = 16, H = 9 };
    uint8_t rgb[W * H * 3];
    kz_flash *f = kz_flash_new(&kz_flash_profile_default, W, H);
    assert_non_null(f);
    assert_null(kz_flash_last(f));
    int transitions = 0;
    for (int i = 0; i < 50; i++) { /* 25 fps, colour flips every 2 frames: 12.5 changes/s */
        memset(rgb, (i / 2) % 2 ? 255 : 0, sizeof rgb);
        assert_int_equal(kz_flash_push(f, rgb, W * 3, i / 25.0), 0);
        const kz_flash_frame *k = kz_flash_last(f);
        assert_non_null(k);
        transitions += k->lum_tr != 0;
        kz_flash_forget(f);
        assert_null(kz_flash_last(f));
    }
    assert_in_range(transitions, 20, 25);
    /* a still picture: none */
    kz_flash *g = kz_flash_new(&kz_flash_profile_default, W, H);
    memset(rgb, 128, sizeof rgb);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(kz_flash_push(g, rgb, W * 3, i / 25.0), 0);
        assert_int_equal(kz_flash_last(g)->lum_tr, 0);
        kz_flash_forget(g);
    }
    kz_flash_free(&f);
    kz_flash_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed_schemes), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_whitelists),      cmocka_unit_test(test_redact),
        cmocka_unit_test(test_backoff),         cmocka_unit_test(test_live_flash_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
