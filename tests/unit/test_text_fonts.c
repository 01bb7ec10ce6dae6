/* The font chain of fonts/fonts.ini (BIZ UD Gothic, Noto Sans CJK, DejaVu Sans from Debian
 * packages): glyph fallback per run, missing glyphs, rasterising. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/text.h"
#include "model/playlist.h"

static kz_fonts *fonts;

static int setup(void **state)
{
    (void)state;
    if (SDL_Init(0) < 0)
        return -1;
    return kz_fonts_load("fonts/fonts.ini", &fonts);
}

static int teardown(void **state)
{
    (void)state;
    kz_fonts_free(&fonts);
    assert_null(fonts);
    SDL_Quit();
    return 0;
}

static void chain_order(void **state)
{
    (void)state;
    assert_int_equal(kz_fonts_count(fonts, 0), 3);
    assert_int_equal(kz_fonts_count(fonts, 1), 3);
    assert_non_null(strstr(kz_fonts_path(fonts, "regular"), "BIZUDGothic-Regular"));
    assert_non_null(strstr(kz_fonts_path(fonts, "bold"), "BIZUDGothic-Bold"));
    assert_non_null(strstr(kz_fonts_file(fonts, 0, 1), "NotoSansCJK"));
    assert_non_null(strstr(kz_fonts_file(fonts, 0, 2), "DejaVuSans"));
    assert_null(kz_fonts_file(fonts, 0, 3));
}

/* The font index the layout gave each glyph of a one-line text. */
static void fonts_of(const char *text, int *out, size_t n)
{
    kz_text_measure m;
    kz_fonts_measure(fonts, &m);
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out(text, 40, 0, 0, 0, &m, &l), 0);
    assert_int_equal(l.n_lines, 1);
    assert_int_equal(l.lines[0].count, n);
    for (size_t i = 0; i < n; i++) {
        out[i] = l.glyphs[i].font;
        assert_true(l.glyphs[i].w > 0);
    }
    kz_text_layout_free(&l);
}

static void fallback_per_run(void **state)
{
    (void)state;
    int f[16];
    /* kanji and kana from BIZ UD Gothic; Hangul is not in it: Noto Sans CJK */
    fonts_of("熊本 한국", f, 5);
    assert_int_equal(f[0], 0);
    assert_int_equal(f[1], 0);
    assert_int_equal(f[3], 1);
    assert_int_equal(f[4], 1);
    /* simplified Chinese: BIZ UD Gothic lacks some characters, so the whole run moves to
     * the first font that has them all */
    fonts_of("帮助标记。", f, 5);
    assert_true(f[0] > 0);
    for (int i = 1; i < 5; i++)
        assert_int_equal(f[i], f[0]);
    /* a Japanese run stays in the first font */
    fonts_of("ヘルプマーク、県庁", f, 9);
    for (int i = 0; i < 9; i++)
        assert_int_equal(f[i], 0);
    /* a Vietnamese phrase is drawn in one font, whichever first has every letter */
    fonts_of("Tiếng Việt", f, 10);
    for (int i = 1; i < 10; i++)
        assert_int_equal(f[i], f[0]);
    /* ASCII stays in the first font */
    fonts_of("Help Mark", f, 9);
    for (int i = 0; i < 9; i++)
        assert_int_equal(f[i], 0);
}

static void missing_glyphs_are_reported(void **state)
{
    (void)state;
    assert_int_equal(kz_fonts_missing_glyph(fonts, "令和7年(2025)1月27日(月) 県庁本館1階ロビー"), 0);
    assert_int_equal(kz_fonts_missing_glyph(fonts, "Help Mark 헬프마크 帮助标记 Dấu hiệu"), 0);
    /* markup is not text */
    assert_int_equal(kz_fonts_missing_glyph(fonts, "{漢字|かんじ}|\xE2\x80\x8B\n- 項目"), 0);
    /* a private-use code point no font has, also inside a reading */
    assert_int_equal(kz_fonts_missing_glyph(fonts, "あ\xF4\x8F\xBF\xBDい"), 0x10FFFD);
    assert_int_equal(kz_fonts_missing_glyph(fonts, "{字|\xF4\x8F\xBF\xBD}"), 0x10FFFD);
}

static void check_finds_missing_glyphs_in_any_key(void **state)
{
    (void)state;
    kz_model m;
    memset(&m, 0, sizeof m);
    assert_int_equal(kz_model_add_string(&m,
                                         "[a]\nplugin = notice\ntitle = 熊本 Kumamoto 한국\n"
                                         "body = {援助|えんじょ}\n"
                                         "[b]\nplugin = ticker\ntext = ok\n  \xF4\x8F\xBF\xBD\n"
                                         "[c]\nplugin = qr\ncaption = \xF4\x8F\xBF\xBD\n",
                                         "check.ini"),
                     0);
    assert_int_equal(kz_text_check_model(fonts, &m), 2);
    kz_model_free(&m);
}

static long alpha_sum(SDL_Surface *s, int x0, int y0, int x1, int y1)
{
    long sum = 0;
    for (int y = y0; y < y1 && y < s->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch);
        for (int x = x0; x < x1 && x < s->w; x++)
            sum += row[x] >> 24;
    }
    return sum;
}

static void render_and_fit(void **state)
{
    (void)state;
    kz_text_style st = {.struct_size = sizeof st, .box_w = 600, .box_h = 200,
                        .color = {255, 255, 0, 255}};
    const char *text = "2月1日～2月28日は|やさしいまちづくり月間です";
    int px = kz_text_fit_px(fonts, text, &st);
    assert_true(px > 20 && px <= 200);
    SDL_Surface *s = kz_text_render(fonts, text, &st);
    assert_non_null(s);
    assert_int_equal(s->format->format, SDL_PIXELFORMAT_ARGB8888);
    assert_true(s->w > 200 && s->w <= 600);
    assert_true(s->h <= 200);
    /* every pixel carries the colour; coverage is in alpha */
    const uint32_t *p = s->pixels;
    assert_int_equal(p[0] & 0xFFFFFF, 0xFFFF00);
    assert_true(alpha_sum(s, 0, 0, s->w, s->h) > 0);
    SDL_FreeSurface(s);

    /* the surface is as wide as the widest line; a short line is centred under it */
    kz_text_style c = {.struct_size = sizeof c, .px = 40, .box_w = 800, .align = KZ_ALIGN_CENTER,
                       .color = {255, 255, 255, 255}};
    s = kz_text_render(fonts, "県庁\n熊本県庁本館ロビー", &c);
    assert_non_null(s);
    assert_int_equal(s->w, 360); /* nine ideographs and kana of one em */
    assert_int_equal(s->h, 100); /* two lines of 1.25 em */
    assert_int_equal(alpha_sum(s, 0, 0, 130, 50), 0); /* 県庁 spans 140..220 */
    assert_int_equal(alpha_sum(s, 230, 0, 360, 50), 0);
    assert_true(alpha_sum(s, 150, 0, 210, 50) > 0);
    assert_true(alpha_sum(s, 0, 50, 40, 100) > 0);
    SDL_FreeSurface(s);
    c.align = KZ_ALIGN_END;
    s = kz_text_render(fonts, "県庁\n熊本県庁本館ロビー", &c);
    assert_non_null(s);
    assert_int_equal(alpha_sum(s, 0, 0, 270, 50), 0);
    assert_true(alpha_sum(s, 285, 0, 360, 50) > 0);
    SDL_FreeSurface(s);

    /* ruby: the readings' band is inked, above the base */
    kz_text_style r = {.struct_size = sizeof r, .px = 60, .color = {255, 255, 255, 255}};
    s = kz_text_render(fonts, "{選手|せんしゅ}", &r);
    assert_non_null(s);
    kz_text_layout l;
    kz_text_measure m;
    kz_fonts_measure(fonts, &m);
    assert_int_equal(kz_text_lay_out("{選手|せんしゅ}", 60, 0, 0, 0, &m, &l), 0);
    assert_int_equal(s->h, l.height);
    int band = l.lines[0].baseline_off;
    assert_true(alpha_sum(s, 0, 0, s->w, band) > 0);
    assert_true(alpha_sum(s, 0, band, s->w, s->h) > alpha_sum(s, 0, 0, s->w, band));
    kz_text_layout_free(&l);
    SDL_FreeSurface(s);

    /* an old plugin's shorter style (no max_px) still works; max_px caps the fit */
    kz_text_style old = {.struct_size = offsetof(kz_text_style, max_px), .box_w = 1000,
                         .box_h = 1000, .max_px = 999};
    int old_px = kz_text_fit_px(fonts, "あ", &old);
    assert_true(old_px > 700 && old_px <= 800); /* 1.25 x px of line height within 1000 */
    kz_text_style capped = {.struct_size = sizeof capped, .box_w = 1000, .box_h = 1000,
                            .max_px = 50};
    assert_int_equal(kz_text_fit_px(fonts, "あ", &capped), 50);
}

static void bold_and_empty(void **state)
{
    (void)state;
    kz_text_style b = {.struct_size = sizeof b, .px = 30, .bold = 1, .color = {0, 0, 0, 128}};
    SDL_Surface *s = kz_text_render(fonts, "熊本 Kumamoto", &b);
    assert_non_null(s);
    /* colour alpha scales coverage: nothing above 128 */
    long max = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            uint32_t a = ((const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch))[x] >> 24;
            if ((long)a > max)
                max = a;
        }
    assert_true(max > 64 && max <= 128);
    SDL_FreeSurface(s);
    s = kz_text_render(fonts, "", &b);
    assert_non_null(s);
    SDL_FreeSurface(s);
    s = kz_text_render(fonts, NULL, NULL);
    assert_non_null(s);
    SDL_FreeSurface(s);
}

/* Faces open when first needed: none after loading, the first regular one for Latin and kana
 * (BIZ UD Gothic has them), the bold one for bold text; a face that cannot be opened is
 * skipped then, and the next one draws. */
static void faces_open_when_needed(void **state)
{
    (void)state;
    char dir[] = "/tmp/kz-test-lazy-XXXXXX", ini[64], bad[64];
    assert_non_null(mkdtemp(dir));
    snprintf(ini, sizeof ini, "%s/fonts.ini", dir);
    snprintf(bad, sizeof bad, "%s/broken.ttf", dir);
    FILE *fp = fopen(bad, "w");
    assert_non_null(fp);
    fputs("not a font at all", fp);
    fclose(fp);
    fp = fopen(ini, "w");
    assert_non_null(fp);
    fprintf(fp, "[chain]\nregular = broken.ttf, %s\nbold = %s\n",
            "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf",
            "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Bold.ttf");
    fclose(fp);
    kz_fonts *f = NULL;
    assert_int_equal(kz_fonts_load(ini, &f), 0);
    assert_int_equal(kz_fonts_count(f, 0), 2);
    assert_int_equal(kz_fonts_open_count(f), 0);
    kz_text_style st = {.struct_size = sizeof st, .px = 30, .color = {255, 255, 255, 255}};
    SDL_Surface *s = kz_text_render(f, "Kumamoto くまもと", &st);
    assert_non_null(s);
    assert_true(s->w > 100);
    SDL_FreeSurface(s);
    assert_int_equal(kz_fonts_open_count(f), 1); /* broken.ttf failed, BIZ UD Gothic drew */
    st.bold = 1;
    s = kz_text_render(f, "Kumamoto", &st);
    assert_non_null(s);
    SDL_FreeSurface(s);
    assert_int_equal(kz_fonts_open_count(f), 2);
    kz_fonts_free(&f);
    assert_int_equal(kz_fonts_load("fonts/fonts.ini", &f), 0);
    s = kz_text_render(f, "熊本 Kumamoto", &st);
    assert_non_null(s);
    SDL_FreeSurface(s);
    assert_int_equal(kz_fonts_open_count(f), 1); /* the fallbacks are never opened */
    kz_fonts_free(&f);
    unlink(bad);
    unlink(ini);
    rmdir(dir);
}

static void bad_chains(void **state)
{
    (void)state;
    kz_fonts *f = (kz_fonts *)1;
    assert_int_equal(kz_fonts_load("/nonexistent/fonts.ini", &f), -1);
    assert_null(f);
    char path[] = "/tmp/kz-test-fonts-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs("[chain]\nregular = /nonexistent.ttf, missing.ttf#1\n", fp);
    fclose(fp);
    f = (kz_fonts *)1;
    assert_int_equal(kz_fonts_load(path, &f), -1);
    assert_null(f);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_order),
        cmocka_unit_test(fallback_per_run),
        cmocka_unit_test(missing_glyphs_are_reported),
        cmocka_unit_test(check_finds_missing_glyphs_in_any_key),
        cmocka_unit_test(render_and_fit),
        cmocka_unit_test(bold_and_empty),
        cmocka_unit_test(faces_open_when_needed),
        cmocka_unit_test(bad_chains),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
