/* The text layout as a pure function: made-up widths (ideographs and kana one em, everything
 * else half an em), so every expected line below can be worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host/text.h"

static int fake_advance(void *ctx, int font, uint32_t cp, int px, int bold)
{
    (void)ctx, (void)font, (void)bold;
    return cp >= 0x2E80 ? px : px / 2;
}

static const kz_text_measure fake = {NULL, NULL, fake_advance};

/* Lay out at px with box_w and compare the lines with the '/'-separated expectation. */
static void expect_lines(const char *text, int px, int box_w, const char *expected)
{
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out(text, px, box_w, 0, 0, &fake, &l), 0);
    char got[1024] = "";
    for (size_t i = 0; i < l.n_lines; i++) {
        char line[256];
        assert_true(kz_text_layout_line(&l, i, line, sizeof line) >= 0);
        if (i)
            strcat(got, "/");
        strcat(got, line);
        if (box_w > 0)
            assert_true(l.lines[i].width <= box_w);
    }
    if (strcmp(got, expected) != 0)
        print_error("text \"%s\" at %d px in %d px:\n  got      %s\n  expected %s\n", text, px,
                    box_w, got, expected);
    assert_string_equal(got, expected);
    kz_text_layout_free(&l);
}

static void no_line_starts_with_closing_mark(void **state)
{
    (void)state;
    /* 5 ideographs fit; the full stop would start line 2, so "お" goes with it */
    expect_lines("あいうえお。かきくけこ", 10, 50, "あいうえ/お。かきく/けこ");
    expect_lines("あいうえ」かきくけこ", 10, 40, "あいう/え」かき/くけこ");
    expect_lines("あいうえ、かきくけこ", 10, 40, "あいう/え、かき/くけこ");
}

static void no_line_starts_with_small_kana_or_long_vowel(void **state)
{
    (void)state;
    expect_lines("あいうえっと", 10, 40, "あいう/えっと");
    expect_lines("コーヒーです", 10, 30, "コー/ヒーで/す");
    expect_lines("チョコレート", 10, 20, "チョ/コ/レー/ト");
}

static void no_line_ends_with_opening_bracket(void **state)
{
    (void)state;
    expect_lines("あいう「えお」", 10, 40, "あいう/「えお」");
    expect_lines("あいう（えお）", 10, 40, "あいう/（えお）");
}

static void latin_words_break_at_spaces(void **state)
{
    (void)state;
    /* Latin letters are 5 px at 10 px */
    expect_lines("Kumamoto Prefecture", 10, 60, "Kumamoto/Prefecture");
    expect_lines("Help Mark means help", 10, 60, "Help Mark/means help");
    /* spaces at a break are dropped from both lines */
    expect_lines("ab   cd", 10, 15, "ab/cd");
}

static void mixed_japanese_and_latin(void **state)
{
    (void)state;
    expect_lines("熊本県Kumamoto", 10, 50, "熊本県/Kumamoto");
    expect_lines("ヘルプマークHelp Markです", 10, 100, "ヘルプマークHelp/Markです");
    /* Korean breaks between words, at spaces */
    expect_lines("한국어 안내 문장입니다", 10, 60, "한국어 안내/문장입니다");
    /* Vietnamese is Latin with diacritics: whole words */
    expect_lines("Tiếng Việt dễ đọc", 10, 45, "Tiếng/Việt dễ/đọc");
}

static void numbers_stay_whole(void **state)
{
    (void)state;
    /* "2025" would straddle the edge at 45 px: it moves down whole */
    expect_lines("開催は2025年1月27日です", 10, 45, "開催は/2025年1月/27日です");
    expect_lines("時間は15:10から", 10, 40, "時間は/15:10か/ら");
    expect_lines("約1,000人", 10, 30, "約/1,000/人");
    /* an en dash does not start a line */
    expect_lines("15:10–15:30", 10, 30, "15:10–/15:30");
}

static void long_words_are_forced(void **state)
{
    (void)state;
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out("Supercalifragilistic", 10, 50, 0, 0, &fake, &l), 0);
    assert_true(l.forced >= 1);
    assert_int_equal(l.n_lines, 2);
    for (size_t i = 0; i < l.n_lines; i++)
        assert_true(l.lines[i].width <= 50);
    kz_text_layout_free(&l);
    /* an ordinary text is never forced */
    assert_int_equal(kz_text_lay_out("あいう えお", 10, 30, 0, 0, &fake, &l), 0);
    assert_int_equal(l.forced, 0);
    kz_text_layout_free(&l);
}

static void phrase_marks_are_preferred_and_not_drawn(void **state)
{
    (void)state;
    /* (っ may not start a line: げっ stay together) */
    expect_lines("やさしいまちづくりげっかん", 10, 100, "やさしいまちづくり/げっかん");
    expect_lines("やさしい|まちづくり月間", 10, 100, "やさしい/まちづくり月間");
    expect_lines("やさしい\xE2\x80\x8Bまちづくり月間", 10, 100, "やさしい/まちづくり月間");
    /* a mark too early in the line is not worth a short line */
    expect_lines("あ|いうえおかきくけこさ", 10, 100, "あいうえおかきくけこ/さ");
    /* kinsoku wins over a mark */
    expect_lines("あいうえおかきくけ|。", 10, 90, "あいうえおかきく/け。");
    /* a mark that fits on one line changes nothing */
    expect_lines("やさしい|まち", 10, 100, "やさしいまち");
}

static void phrase_boundaries_are_preferred(void **state)
{
    (void)state;
    /* a break before an opening bracket (at 105 of 150 px) beats one inside 延長 */
    expect_lines("子が1歳に達する月まで（9か月延長）", 10, 150, "子が1歳に達する月まで/（9か月延長）");
    /* punctuation beats a kana-to-kanji boundary further on: 月、|三つ子 rather than 三つ|子 */
    expect_lines("双子の場合は子が2歳に達する月、三つ子以上の場合", 10, 200,
                 "双子の場合は子が2歳に達する月、/三つ子以上の場合");
    /* a boundary too early in the line (under 60 %) is not worth the short line */
    expect_lines("あいう漢字のかなかなかなかな", 10, 100, "あいう漢字のかなかな/かなかな");
    /* kana to kanji: 駐車場の|適正利用, and 月の|予定 rather than 予|定 */
    expect_lines("障がい者等用駐車場の適正利用", 10, 100, "障がい者等用駐車場の/適正利用");
    expect_lines("今月の予定", 10, 40, "今月の/予定");
    /* お and ご before kanji are a prefix: the phrase starts before them */
    expect_lines("配慮をお願いします", 10, 40, "配慮を/お願いし/ます");
    /* a katakana word stays whole when the line can end before it half full */
    expect_lines("電子申請ホームページ", 10, 80, "電子申請/ホームページ");
    expect_lines("あホームページ", 10, 40, "あホーム/ページ"); /* too early: break inside */
}

static void escapes(void **state)
{
    (void)state;
    expect_lines("a\\|b \\{x\\}", 10, 0, "a|b {x}");
}

static void newlines_and_paragraphs(void **state)
{
    (void)state;
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out("あ\nい\n\n\nう", 20, 0, 1.5, 0, &fake, &l), 0);
    assert_int_equal(l.n_lines, 3);
    assert_int_equal(l.pitch, 30);
    assert_int_equal(l.lines[0].para, 0);
    assert_int_equal(l.lines[1].para, 0);
    assert_int_equal(l.lines[2].para, 1);
    assert_int_equal(l.lines[1].top - l.lines[0].top, 30);
    assert_int_equal(l.lines[2].top - l.lines[1].top, 30 + 15); /* half a line between paragraphs */
    assert_int_equal(l.height, 3 * 30 + 15);
    kz_text_layout_free(&l);
    /* CR LF and leading blank lines */
    expect_lines("\n\nab\r\ncd", 10, 0, "ab/cd");
}

static void ruby_is_centred_above_its_base(void **state)
{
    (void)state;
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out("{漢字|かんじ}です", 20, 0, 0, 0, &fake, &l), 0);
    assert_int_equal(l.n_lines, 1);
    assert_int_equal(l.ruby_px, 10);
    const kz_text_line *ln = &l.lines[0];
    int bx0 = -1, bx1 = 0, rx0 = -1, rx1 = 0, nr = 0;
    for (size_t i = 0; i < ln->count; i++) {
        const kz_text_glyph *g = &l.glyphs[ln->first + i];
        if (g->kind == KZ_GLYPH_RUBY) {
            if (rx0 < 0)
                rx0 = g->x;
            rx1 = g->x + g->w;
            nr++;
        } else if (g->cp == 0x6F22 || g->cp == 0x5B57) { /* 漢, 字 */
            if (bx0 < 0)
                bx0 = g->x;
            bx1 = g->x + g->w;
        }
    }
    assert_int_equal(nr, 3);
    assert_int_equal(bx0, 0);
    assert_int_equal(bx1, 40);
    assert_int_equal(rx1 - rx0, 30);
    assert_int_equal(rx0 + rx1, bx0 + bx1); /* same centre */
    /* readings sit in a band above the base text, inside the line box */
    assert_true(l.ruby_band > 0);
    assert_true(ln->ruby_top >= 0);
    assert_true(ln->ruby_top + l.ruby_px <= ln->baseline_off);
    assert_int_equal(l.height, l.ruby_band + l.pitch);
    char line[64];
    kz_text_layout_line(&l, 0, line, sizeof line);
    assert_string_equal(line, "漢字です");
    kz_text_layout_free(&l);

    /* a reading wider than its base widens the group; the base is centred under it */
    assert_int_equal(kz_text_lay_out("{字|かんじ}あ", 20, 0, 0, 0, &fake, &l), 0);
    ln = &l.lines[0];
    const kz_text_glyph *g = l.glyphs + ln->first;
    assert_int_equal(g[0].cp, 0x5B57);
    assert_int_equal(g[0].x, 5);
    assert_int_equal(g[1].x, 30); /* あ after the 30 px group */
    assert_int_equal(ln->width, 50);
    kz_text_layout_free(&l);

    /* no ruby: no band */
    assert_int_equal(kz_text_lay_out("漢字", 20, 0, 0, 0, &fake, &l), 0);
    assert_int_equal(l.ruby_band, 0);
    kz_text_layout_free(&l);
}

static void ruby_groups_do_not_break(void **state)
{
    (void)state;
    expect_lines("あ{漢字|かんじ}", 10, 20, "あ/漢字");
    /* a brace without a reading is literal text */
    expect_lines("{あ}", 10, 0, "{あ}");
}

static void bullets_hang(void **state)
{
    (void)state;
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out("- あいうえおかきく\n本文", 10, 60, 0, 0, &fake, &l), 0);
    assert_int_equal(l.n_lines, 3);
    const kz_text_glyph *g0 = &l.glyphs[l.lines[0].first];
    assert_int_equal(g0->kind, KZ_GLYPH_BULLET);
    assert_int_equal(g0->x, 0);
    /* text of the item starts at the indent on both lines */
    assert_int_equal(l.glyphs[l.lines[0].first + 1].x, 10);
    assert_int_equal(l.glyphs[l.lines[1].first].x, 10);
    assert_int_equal(l.glyphs[l.lines[1].first].kind, KZ_GLYPH_BASE);
    /* the plain line after it has no indent */
    assert_int_equal(l.glyphs[l.lines[2].first].x, 0);
    char line[64];
    kz_text_layout_line(&l, 0, line, sizeof line);
    assert_string_equal(line, "\xE2\x80\xA2あいうえお");
    kz_text_layout_free(&l);
}

/* The fit is the largest size that fits: fit fits, fit + 1 does not. */
static void check_fit(const char *text, int w, int h, int min_px, int max_px)
{
    int px = kz_text_fit(text, w, h, min_px, max_px, 0, 0, &fake);
    assert_true(px >= min_px && px <= max_px);
    kz_text_layout l;
    assert_int_equal(kz_text_lay_out(text, px, w, 0, 0, &fake, &l), 0);
    assert_true(l.height <= h);
    assert_int_equal(l.forced, 0);
    kz_text_layout_free(&l);
    if (px < max_px) {
        assert_int_equal(kz_text_lay_out(text, px + 1, w, 0, 0, &fake, &l), 0);
        assert_true(l.height > h || l.forced > 0 || l.width > w);
        kz_text_layout_free(&l);
    }
}

static void auto_fit(void **state)
{
    (void)state;
    /* worked by hand: at 33 px three kana a line, two lines of 41 px = 82 <= 100; at 34 px
     * two a line, three lines = 129 > 100 */
    assert_int_equal(kz_text_fit("あいうえお", 100, 100, 8, 200, 0, 0, &fake), 33);
    check_fit("あいうえお", 100, 100, 8, 200);
    check_fit("やさしいまちづくり月間", 400, 120, 8, 300);
    check_fit("Kumamoto Prefecture Help Mark", 300, 200, 4, 200);
    /* a single long word shrinks until it fits the width */
    assert_int_equal(kz_text_fit("Supercalifragilistic", 100, 500, 2, 200, 0, 0, &fake), 11);
    /* the ceiling is respected, and the floor when nothing fits */
    assert_int_equal(kz_text_fit("あ", 1000, 1000, 8, 64, 0, 0, &fake), 64);
    assert_int_equal(kz_text_fit("あいうえおかきくけこ", 20, 20, 8, 64, 0, 0, &fake), 8);
}

static void kinsoku_classes(void **state)
{
    (void)state;
    const char *starts = "、。，．・：；？！ー」』）］｝〉》】ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ";
    size_t i = 0, n = strlen(starts);
    while (i < n) {
        uint32_t cp = 0;
        unsigned char c = (unsigned char)starts[i];
        /* all of these are three-byte sequences */
        assert_int_equal(c & 0xF0, 0xE0);
        cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(starts[i + 1] & 0x3F) << 6) |
             (uint32_t)(starts[i + 2] & 0x3F);
        if (!kz_text_no_start(cp))
            print_error("U+%04X should not start a line\n", (unsigned)cp);
        assert_true(kz_text_no_start(cp));
        i += 3;
    }
    const uint32_t ends[] = {0x300C, 0x300E, 0xFF08, 0xFF3B, 0xFF5B, 0x3008, 0x300A, 0x3010};
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++)
        assert_true(kz_text_no_end(ends[k]));
    assert_false(kz_text_no_start(0x3042)); /* あ */
    assert_false(kz_text_no_end(0x3042));
}

static void bad_input_does_not_crash(void **state)
{
    (void)state;
    kz_text_layout l;
    const char *bad[] = {"", "\xff\xfe\xfd", "\xe3\x81", "{|}", "{", "{a|", "|||", "\\",
                         "- ", "-", "\n\n\n", "{{a|b}|c}", "a\tb"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(kz_text_lay_out(bad[i], 10, 30, 0, 0, &fake, &l), 0);
        kz_text_layout_free(&l);
        assert_int_equal(kz_text_lay_out(bad[i], 10, 0, 0, 0, NULL, &l), 0);
        kz_text_layout_free(&l);
    }
    expect_lines("\xff" "a", 10, 0, "\xEF\xBF\xBD" "a");
}

/* What the host refuses in a text key before the engine sees it. */
static void markup_check(void **state)
{
    (void)state;
    const char *good[] = {"", "お知らせ", "{熊本|くまもと}の{援助|えんじょ}", "\\{ and \\}",
                          "a|b", "一行目\n{漢字|かんじ}", "{a}b|c}", "\xF0\x9F\x98\x80",
                          "\xEF\xBF\xBD"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t at = 99;
        const char *why = NULL;
        if (kz_text_markup_check(good[i], strlen(good[i]), 1, &at, &why))
            fprintf(stderr, "refused: %s (%s)\n", good[i], why);
        assert_int_equal(kz_text_markup_check(good[i], strlen(good[i]), 1, &at, &why), 0);
    }
    static const struct {
        const char *s;
        size_t at;
        const char *why;
    } bad[] = {
        {"\xe7\x86\x8a\xff", 3, "invalid UTF-8"},
        {"\xe3\x81", 0, "invalid UTF-8"},            /* cut short */
        {"\xc0\xaf", 0, "invalid UTF-8"},            /* overlong '/' */
        {"\xed\xa0\x80", 0, "invalid UTF-8"},        /* a surrogate */
        {"\xf4\x90\x80\x80", 0, "invalid UTF-8"},    /* above U+10FFFF */
        {"{漢字かな", 0, "'{' starts a ruby"},
        {"あ{漢字|かな", 3, "'{' starts a ruby"},
        {"{漢字|かな\n}", 0, "'{' starts a ruby"},   /* the close is on the next line */
        {"{a{b|c}", 0, "'{' starts a ruby"},
        {"{|かな}", 0, "empty base or reading"},
        {"{漢字|}", 0, "empty base or reading"},
        {"お知らせ}", 12, "'}' closes no ruby"},
        {"{a|b}}", 5, "'}' closes no ruby"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t at = 99;
        const char *why = NULL;
        assert_int_equal(kz_text_markup_check(bad[i].s, strlen(bad[i].s), 1, &at, &why), -1);
        assert_int_equal(at, bad[i].at);
        assert_non_null(strstr(why, bad[i].why));
        /* a template ({days}) is checked for UTF-8 only */
        int utf8 = strstr(bad[i].why, "UTF-8") != NULL;
        assert_int_equal(kz_text_markup_check(bad[i].s, strlen(bad[i].s), 0, &at, &why),
                         utf8 ? -1 : 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_line_starts_with_closing_mark),
        cmocka_unit_test(no_line_starts_with_small_kana_or_long_vowel),
        cmocka_unit_test(no_line_ends_with_opening_bracket),
        cmocka_unit_test(latin_words_break_at_spaces),
        cmocka_unit_test(mixed_japanese_and_latin),
        cmocka_unit_test(numbers_stay_whole),
        cmocka_unit_test(long_words_are_forced),
        cmocka_unit_test(phrase_marks_are_preferred_and_not_drawn),
        cmocka_unit_test(phrase_boundaries_are_preferred),
        cmocka_unit_test(escapes),
        cmocka_unit_test(newlines_and_paragraphs),
        cmocka_unit_test(ruby_is_centred_above_its_base),
        cmocka_unit_test(ruby_groups_do_not_break),
        cmocka_unit_test(bullets_hang),
        cmocka_unit_test(auto_fit),
        cmocka_unit_test(kinsoku_classes),
        cmocka_unit_test(bad_input_does_not_crash),
        cmocka_unit_test(markup_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
