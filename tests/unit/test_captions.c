/* Captions: SRT and WebVTT through libavformat/libavcodec (times, multi-line cues, overlaps,
 * BOM, CRLF, bad files), the ASS-to-markup conversion (override tags, line breaks, ruby,
 * literal braces), cue lookup by time, loop modulo, and the item keys (captions =, sidecars,
 * captions_mode, off, errors with file:line). Files are written to a temporary directory. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kz_test.h"

#include "model/playlist.h"
#include "screen/captions.h"

#define S KZ_US_PER_S
#define MS (KZ_US_PER_S / 1000)

static char dir[256];

static void write_file(const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, len ? len : strlen(text), f);
    fclose(f);
}

static int load(const char *name, kz_cue_list *l, char *err, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return kz_cues_load(path, l, err, n);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kz-captions-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_markup(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(kz_caption_markup("{\\an8}上の行\\N下の行", out, sizeof out),
                     (int)strlen("上の行\n下の行"));
    assert_string_equal(out, "上の行\n下の行");
    kz_caption_markup("{\\i1}italic{\\i0} and {\\b1}bold", out, sizeof out);
    assert_string_equal(out, "italic and bold");
    /* Ruby stays ruby (SRT gives the braces as written, WebVTT escapes them). */
    kz_caption_markup("{熊本|くまもと}県", out, sizeof out);
    assert_string_equal(out, "{熊本|くまもと}県");
    kz_caption_markup("\\{熊本|くまもと\\}県", out, sizeof out);
    assert_string_equal(out, "{熊本|くまもと}県");
    /* Anything else is drawn as written: braces without one '|', pipes, backslashes. */
    kz_caption_markup("{note} a|b {x|} {|y} {a|b|c} c:\\dir", out, sizeof out);
    assert_string_equal(out, "\\{note\\} a\\|b \\{x\\|\\} \\{\\|y\\} \\{a\\|b\\|c\\} c:\\\\dir");
    /* \h is a no-break space; blank lines at both ends go. */
    kz_caption_markup("\\N\\Na\\hb\\N", out, sizeof out);
    assert_string_equal(out, "a\xc2\xa0" "b");
    /* An unterminated override is text. */
    kz_caption_markup("{\\an8 open", out, sizeof out);
    assert_string_equal(out, "\\{\\\\an8 open");
    /* Too small: -1, still a valid string. */
    char tiny[6];
    assert_int_equal(kz_caption_markup("あいうえお", tiny, sizeof tiny), -1);
    assert_true(strlen(tiny) < sizeof tiny);
    assert_int_equal(kz_caption_markup("", out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void test_lang(void **state)
{
    (void)state;
    char l[16];
    kz_caption_lang("/a/clip.ja.srt", l, sizeof l);
    assert_string_equal(l, "ja");
    kz_caption_lang("clip.zh-Hans.vtt", l, sizeof l);
    assert_string_equal(l, "zh-Hans");
    kz_caption_lang("/a.b/clip.srt", l, sizeof l);
    assert_string_equal(l, "und");
    kz_caption_lang("clip.v2.srt", l, sizeof l);
    assert_string_equal(l, "und");
}

static void test_srt(void **state)
{
    (void)state;
    /* BOM, CRLF, a multi-line cue, cues out of order and overlapping, an index gap. */
    const char *srt = "\xef\xbb\xbf"
                      "1\r\n00:00:01,000 --> 00:00:03,500\r\n熊本県の{漢字|かんじ}です\r\n"
                      "二行目 <i>斜体</i>\r\n\r\n"
                      "3\r\n00:00:10,250 --> 00:00:12,000\r\n最後\r\n\r\n"
                      "2\r\n00:00:03,000 --> 00:00:05,000\r\n重なり {literal}\r\n\r\n";
    write_file("a.ja.srt", srt, 0);
    kz_cue_list l;
    char err[300] = "";
    assert_int_equal(load("a.ja.srt", &l, err, sizeof err), 0);
    assert_string_equal(l.lang, "ja");
    assert_int_equal(l.n, 3);
    assert_int_equal(l.cues[0].start, 1 * S);
    assert_int_equal(l.cues[0].end, 3500 * MS);
    assert_string_equal(l.cues[0].text, "熊本県の{漢字|かんじ}です\n二行目 斜体");
    assert_int_equal(l.cues[1].start, 3 * S);
    assert_string_equal(l.cues[1].text, "重なり \\{literal\\}");
    assert_int_equal(l.cues[2].start, 10250 * MS);
    assert_int_equal(l.cues[2].end, 12 * S);
    /* Lookup: before, inside, overlap, gaps, the end is exclusive. */
    size_t idx[4];
    assert_int_equal(kz_cues_at(&l, 999 * MS, idx, 4), 0);
    assert_int_equal(kz_cues_at(&l, 1 * S, idx, 4), 1);
    assert_int_equal(idx[0], 0);
    assert_int_equal(kz_cues_at(&l, 3200 * MS, idx, 4), 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(kz_cues_at(&l, 3500 * MS, idx, 4), 1);
    assert_int_equal(idx[0], 1);
    assert_int_equal(kz_cues_at(&l, 7 * S, idx, 4), 0);
    assert_int_equal(kz_cues_at(&l, 11 * S, idx, 4), 1);
    assert_int_equal(idx[0], 2);
    assert_int_equal(kz_cues_at(&l, 12 * S, idx, 4), 0);
    assert_int_equal(kz_cues_at(&l, 3200 * MS, idx, 1), 1); /* max respected */
    kz_cues_free(&l);
}

static void test_long_overlap(void **state)
{
    (void)state;
    /* A long cue under many short ones: the lookup must find it far back. */
    char buf[8192] = "1\n00:00:00,000 --> 00:01:00,000\nずっと\n\n";
    for (int i = 0; i < 30; i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%d\n00:00:%02d,000 --> 00:00:%02d,500\n短い%d\n\n",
                 i + 2, i + 1, i + 1, i);
    }
    write_file("long.srt", buf, 0);
    kz_cue_list l;
    char err[300];
    assert_int_equal(load("long.srt", &l, err, sizeof err), 0);
    assert_int_equal(l.n, 31);
    size_t idx[4];
    assert_int_equal(kz_cues_at(&l, 25200 * MS, idx, 4), 2);
    assert_string_equal(l.cues[idx[0]].text, "ずっと");
    assert_string_equal(l.cues[idx[1]].text, "短い24");
    assert_int_equal(kz_cues_at(&l, 25700 * MS, idx, 4), 1);
    assert_string_equal(l.cues[idx[0]].text, "ずっと");
    kz_cues_free(&l);
}

static void test_vtt(void **state)
{
    (void)state;
    const char *vtt = "WEBVTT - a header\n\nNOTE a comment\n\n"
                      "intro\n00:01.000 --> 00:03.500 align:start line:0\n"
                      "{熊本|くまもと}<b>県</b> &amp; {x}\nline two\n\n"
                      "01:00:00.000 --> 01:00:02.000\n<v Bob>hour</v>\n";
    write_file("b.en.vtt", vtt, 0);
    kz_cue_list l;
    char err[300] = "";
    assert_int_equal(load("b.en.vtt", &l, err, sizeof err), 0);
    assert_string_equal(l.lang, "en");
    assert_int_equal(l.n, 2);
    assert_int_equal(l.cues[0].start, 1 * S);
    assert_int_equal(l.cues[0].end, 3500 * MS);
    assert_string_equal(l.cues[0].text, "{熊本|くまもと}県 & \\{x\\}\nline two");
    assert_int_equal(l.cues[1].start, 3600 * S);
    assert_string_equal(l.cues[1].text, "hour");
    kz_cues_free(&l);
}

static void test_bad_files(void **state)
{
    (void)state;
    kz_cue_list l;
    char err[300];
    /* missing */
    err[0] = 0;
    assert_int_equal(load("nope.ja.srt", &l, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
    /* empty, garbage, cue without a time range, wrong extension */
    write_file("empty.srt", "", 0);
    assert_int_equal(load("empty.srt", &l, err, sizeof err), -1);
    write_file("junk.srt", "\x01\x02 not a subtitle at all\n\xff\xfe", 0);
    assert_int_equal(load("junk.srt", &l, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    write_file("backwards.srt", "1\n00:00:05,000 --> 00:00:01,000\nback\n\n", 0);
    assert_int_equal(load("backwards.srt", &l, err, sizeof err), -1);
    write_file("notvtt.vtt", "this is not WEBVTT\n\n00:01.000 --> 00:02.000\nx\n", 0);
    assert_int_equal(load("notvtt.vtt", &l, err, sizeof err), -1);
    write_file("clip.txt", "1\n00:00:01,000 --> 00:00:02,000\nx\n\n", 0);
    assert_int_equal(load("clip.txt", &l, err, sizeof err), -1);
    assert_non_null(strstr(err, ".srt or .vtt"));
    /* Shift-JIS (not UTF-8): refused with a reason, never garbage on screen. */
    write_file("sjis.srt", "1\n00:00:01,000 --> 00:00:02,000\n\x8c\x46\x96\x7b\n\n", 0);
    err[0] = 0;
    assert_int_equal(load("sjis.srt", &l, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
}

static void test_time(void **state)
{
    (void)state;
    assert_int_equal(kz_caption_time(5 * S, 0, 0, 0), 5 * S);
    assert_int_equal(kz_caption_time(5 * S, 2 * S, 10 * S, 0), 7 * S);
    assert_int_equal(kz_caption_time(25 * S, 0, 10 * S, 1), 5 * S);
    assert_int_equal(kz_caption_time(30 * S, 0, 10 * S, 1), 0);
    assert_int_equal(kz_caption_time(9 * S, 3 * S, 10 * S, 1), 2 * S); /* start + loop */
    assert_int_equal(kz_caption_time(25 * S, 0, 0, 1), 25 * S);        /* unknown length */
    assert_int_equal(kz_caption_time(-1, 0, 10 * S, 1), 0);
    assert_int_equal(kz_caption_px(1080), 60);
    assert_int_equal(kz_caption_px(200), KZ_CAPTION_MIN_PX);
}

static kz_item *find_item(kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_items; i++)
        if (!strcmp(m->items[i].id, id))
            return &m->items[i];
    return NULL;
}

static void test_items(void **state)
{
    (void)state;
    char sub[300], root[300];
    snprintf(root, sizeof root, "%s/content", dir);
    mkdir(root, 0755);
    snprintf(sub, sizeof sub, "%s/content/clips", dir);
    mkdir(sub, 0755);
    write_file("outside.srt", "1\n00:00:01,000 --> 00:00:02,000\nout\n\n", 0);
    write_file("content/clips/clip.mp4", "not read here", 0);
    write_file("content/clips/clip.ja.srt", "1\n00:00:01,000 --> 00:00:04,000\n日本語\n\n", 0);
    write_file("content/clips/clip.en.vtt", "WEBVTT\n\n00:02.000 --> 00:06.000\nEnglish\n", 0);
    write_file("content/clips/clipper.ja.srt", "1\n00:00:01,000 --> 00:00:02,000\n別\n\n", 0);
    write_file("content/clips/other.srt", "1\n00:00:01,000 --> 00:00:02,000\nother\n\n", 0);
    write_file("content/clips/bad.ja.srt", "garbage", 0);
    const char *pl = "[auto]\nplugin = video\nfile = clips/clip.mp4\nloop = yes\nstart = 1\n"
                     "\n[alt]\nplugin = video\nfile = clips/clip.mp4\ncaptions_mode = alternate\n"
                     "captions_interval = 2s\n"
                     "\n[explicit]\nplugin = image\nfile = x.png\ncaptions = clips/other.srt\n"
                     "\n[off]\nplugin = video\nfile = clips/clip.mp4\ncaptions = off\n"
                     "\n[bad]\nplugin = video\nfile = clips/clip.mp4\n"
                     "captions = clips/bad.ja.srt, ../outside.srt, clips/missing.srt, "
                     "clips/clip.ja.srt\ncaptions_mode = sideways\n";
    kz_model m;
    memset(&m, 0, sizeof m);
    kz_model_add_string(&m, pl, "caps.ini");
    kz_capture();
    int problems = kz_captions_attach(&m, root);
    /* bad.ja.srt, ../outside.srt, missing.srt, sideways: four lines, each with file:line */
    assert_int_equal(problems, 4);
    assert_logged("caps.ini:26: [bad] captions:");
    assert_logged("bad.ja.srt");
    assert_logged("outside the content directory");
    assert_logged("missing.srt");
    assert_logged("caps.ini:27: [bad] captions_mode: expected stacked or alternate");
    assert_logged("the item plays without these captions");

    kz_item *it = find_item(&m, "caps/auto");
    assert_non_null(it);
    kz_captions *c = it->captions;
    assert_non_null(c);
    assert_int_equal(c->n_langs, 2); /* clip.ja.srt, clip.en.vtt; not clipper, not other */
    assert_string_equal(c->langs[0].lang, "ja"); /* Japanese first */
    assert_string_equal(c->langs[1].lang, "en");
    assert_int_equal(c->mode, KZ_CAPTIONS_STACKED);
    assert_int_equal(c->offset, 1 * S);
    assert_int_equal(c->loop, 1);
    const char *txt[2];
    int lang[2];
    char buf[512];
    /* t = 2 s is media 3 s: both; the second language above, the primary lowest */
    c->natural = 10 * S;
    assert_int_equal(kz_captions_text_at(c, 2 * S, txt, lang, buf, sizeof buf), 2);
    assert_string_equal(txt[0], "English");
    assert_string_equal(txt[1], "日本語");
    assert_int_equal(lang[1], 0);
    /* media 5 s: English only; 12 s into the item is media 3 s again (loop of 10 s) */
    assert_int_equal(kz_captions_text_at(c, 4 * S, txt, lang, buf, sizeof buf), 1);
    assert_string_equal(txt[0], "English");
    assert_int_equal(kz_captions_text_at(c, 12 * S, txt, lang, buf, sizeof buf), 2);
    assert_int_equal(kz_captions_text_at(c, 8 * S, txt, lang, buf, sizeof buf), 0);

    it = find_item(&m, "caps/alt");
    c = it->captions;
    assert_non_null(c);
    assert_int_equal(c->mode, KZ_CAPTIONS_ALTERNATE);
    assert_int_equal(c->interval, 2 * S);
    /* 0-2 s: ja's turn (nothing before 1 s: en has nothing either), 2-4 s: en's turn */
    assert_int_equal(kz_captions_text_at(c, 500 * MS, txt, lang, buf, sizeof buf), 0);
    assert_int_equal(kz_captions_text_at(c, 1500 * MS, txt, lang, buf, sizeof buf), 1);
    assert_string_equal(txt[0], "日本語");
    assert_int_equal(kz_captions_text_at(c, 2500 * MS, txt, lang, buf, sizeof buf), 1);
    assert_string_equal(txt[0], "English");
    assert_int_equal(kz_captions_text_at(c, 4500 * MS, txt, lang, buf, sizeof buf), 1);
    assert_string_equal(txt[0], "English"); /* ja's turn, but ja has ended: en shows */

    it = find_item(&m, "caps/explicit");
    assert_non_null(it->captions);
    assert_string_equal(((kz_captions *)it->captions)->langs[0].lang, "und");
    assert_null(find_item(&m, "caps/off")->captions);
    it = find_item(&m, "caps/bad");
    assert_non_null(it->captions); /* the one good file still loads */
    assert_int_equal(((kz_captions *)it->captions)->n_langs, 1);
    kz_captions_detach(&m);
    assert_null(find_item(&m, "caps/auto")->captions);
    kz_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup),     cmocka_unit_test(test_lang),
        cmocka_unit_test(test_srt),        cmocka_unit_test(test_long_overlap),
        cmocka_unit_test(test_vtt),        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_time),       cmocka_unit_test(test_items),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
