/* Fetched content: the RSS/Atom reader and the text clean-up (lib/feedparse.c), the JSON/CSV
 * field picker (lib/datapick.c), the cache's atomic files and checked reads and the URL rule
 * (player/fetch/cache.c). Everything here is offline: no request is made. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kz_test.h"

#include "datapick.h"
#include "feedparse.h"
#include "fetch/cache.h"
#include "fetch/fetcher.h"

static const char rss[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\"><channel><title>県政ニュース</title>"
    "<item><title>くまモン誕生祭</title><link>https://x/1</link></item>"
    "<item><description>no title: skipped</description></item>"
    "<item><title><![CDATA[阿蘇 &amp; <b>野焼き</b>]]></title></item>"
    "<item><title><![CDATA[tab\there &#1; and  spaces]]></title></item>"
    "</channel></rss>";

static void test_rss_in_document_order(void **state)
{
    (void)state;
    kz_feed_items it;
    char why[200];
    assert_int_equal(kz_feed_parse(rss, sizeof rss - 1, &it, why, sizeof why), 0);
    assert_int_equal(it.n, 3);
    assert_string_equal(it.text[0], "くまモン誕生祭");
    /* CDATA keeps markup as text; it is never interpreted: the tag goes, the entity is
     * decoded once */
    assert_string_equal(it.text[1], "阿蘇 & 野焼き");
    assert_string_equal(it.text[2], "tab here &#1; and spaces"); /* no control character */
    kz_feed_items_free(&it);
}

static void test_atom(void **state)
{
    (void)state;
    static const char atom[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
        "<entry><title>一つ目</title></entry>"
        "<entry><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">二つ<i>目"
        "</i></div></title></entry></feed>";
    kz_feed_items it;
    char why[200];
    assert_int_equal(kz_feed_parse(atom, sizeof atom - 1, &it, why, sizeof why), 0);
    assert_int_equal(it.n, 2);
    assert_string_equal(it.text[0], "一つ目");
    assert_string_equal(it.text[1], "二つ目");
    kz_feed_items_free(&it);
}

static void test_refused_documents(void **state)
{
    (void)state;
    kz_feed_items it;
    char why[200];
    static const char laughs[] =
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><rss><channel><item><title>&b;</title>"
        "</item></channel></rss>";
    assert_int_equal(kz_feed_parse(laughs, sizeof laughs - 1, &it, why, sizeof why), -1);
    assert_non_null(strstr(why, "entities"));
    static const char external[] =
        "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"file:///etc/passwd\">"
        "<rss><channel><item><title>x</title></item></channel></rss>";
    assert_int_equal(kz_feed_parse(external, sizeof external - 1, &it, why, sizeof why), 0);
    assert_string_equal(it.text[0], "x"); /* the DTD is never loaded */
    kz_feed_items_free(&it);
    static const char broken[] = "<rss><channel><item><title>x</item></rss>";
    assert_int_equal(kz_feed_parse(broken, sizeof broken - 1, &it, why, sizeof why), -1);
    assert_non_null(strstr(why, "not well-formed"));
    static const char html[] = "<html><body>hello</body></html>";
    assert_int_equal(kz_feed_parse(html, sizeof html - 1, &it, why, sizeof why), -1);
    assert_non_null(strstr(why, "neither RSS"));
    assert_int_equal(kz_feed_parse("", 0, &it, why, sizeof why), -1);
}

static void test_limits(void **state)
{
    (void)state;
    /* 150 items: 100 kept; one 2000-byte title: cut to KZ_FEED_MAX_TEXT at a character */
    char *doc = malloc(200000);
    size_t n = (size_t)sprintf(doc, "<rss><channel>");
    for (int i = 0; i < 150; i++)
        n += (size_t)sprintf(doc + n, "<item><title>見出し%d</title></item>", i);
    n += (size_t)sprintf(doc + n, "</channel></rss>");
    kz_feed_items it;
    char why[200];
    assert_int_equal(kz_feed_parse(doc, n, &it, why, sizeof why), 0);
    assert_int_equal(it.n, KZ_FEED_MAX_ITEMS);
    assert_string_equal(it.text[99], "見出し99");
    kz_feed_items_free(&it);
    n = (size_t)sprintf(doc, "<rss><channel><item><title>");
    for (int i = 0; i < 700; i++)
        n += (size_t)sprintf(doc + n, "県");
    n += (size_t)sprintf(doc + n, "</title></item></channel></rss>");
    assert_int_equal(kz_feed_parse(doc, n, &it, why, sizeof why), 0);
    assert_true(strlen(it.text[0]) <= KZ_FEED_MAX_TEXT);
    assert_int_equal(strlen(it.text[0]) % 3, 0); /* whole characters */
    kz_feed_items_free(&it);
    free(doc);
}

static void test_plain_text_and_markup(void **state)
{
    (void)state;
    const char *in = "&lt;a&gt; &#x718A;&#26412; &bogus; &#0; \xff ok";
    char *t = kz_feed_plain_text(in, strlen(in), 400);
    assert_string_equal(t, "<a> 熊本 &bogus; &#0; ok");
    free(t);
    in = "<script>x</script>y<unterminated";
    t = kz_feed_plain_text(in, strlen(in), 400);
    assert_string_equal(t, "x y");
    free(t);
    char *e = kz_feed_escape_markup("- {熊|くま}\\");
    assert_string_equal(e, "\\- \\{熊\\|くま\\}\\\\");
    free(e);
}

static void test_json_paths(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"events\":[{\"date\":\"2025-03-09\",\"title\":\"前日\"},"
        "{\"date\":\"2025-03-10\",\"title\":\"手形除幕式\",\"n\":3}],\"count\":2}";
    char *out, why[200];
    assert_int_equal(kz_data_pick(KZ_DATA_JSON, doc, sizeof doc - 1, "events.0.title", NULL,
                                  &out, why, sizeof why), 0);
    assert_string_equal(out, "前日");
    free(out);
    assert_int_equal(kz_data_pick(KZ_DATA_JSON, doc, sizeof doc - 1, "events.date=today.title",
                                  "2025-03-10", &out, why, sizeof why), 0);
    assert_string_equal(out, "手形除幕式");
    free(out);
    assert_int_equal(kz_data_pick(KZ_DATA_JSON, doc, sizeof doc - 1, "events.1.n", NULL, &out,
                                  why, sizeof why), 0);
    assert_string_equal(out, "3");
    free(out);
    assert_int_equal(kz_data_pick(KZ_DATA_JSON, doc, sizeof doc - 1, "events.date=today.title",
                                  "2025-03-11", &out, why, sizeof why), -1);
    assert_non_null(strstr(why, "2025-03-11"));
    assert_int_equal(kz_data_pick(KZ_DATA_JSON, doc, sizeof doc - 1, "events", NULL, &out, why,
                                  sizeof why), -1);
    assert_non_null(strstr(why, "not a string"));
    assert_int_equal(kz_data_pick(KZ_DATA_JSON, "{\"a\":1,\"a\":2}", 13, "a", NULL, &out, why,
                                  sizeof why), -1); /* duplicate keys: which one is meant? */
    assert_int_equal(kz_data_path_check(KZ_DATA_JSON, "a..b", why, sizeof why), -1);
    assert_int_equal(kz_data_path_check(KZ_DATA_JSON, "=x", why, sizeof why), -1);
}

static void test_csv(void **state)
{
    (void)state;
    static const char doc[] = "\xEF\xBB\xBF" "date,title,place\r\n"
                              "2025-03-09,前日,県庁\r\n"
                              "2025-03-10,\"手形除幕式, \"\"本館\"\"\nロビー\",県庁\r\n";
    char *out, why[200];
    assert_int_equal(kz_data_valid(KZ_DATA_CSV, doc, sizeof doc - 1, why, sizeof why), 0);
    assert_int_equal(kz_data_pick(KZ_DATA_CSV, doc, sizeof doc - 1, "date=today.title",
                                  "2025-03-10", &out, why, sizeof why), 0);
    assert_string_equal(out, "手形除幕式, \"本館\"\nロビー");
    free(out);
    assert_int_equal(kz_data_pick(KZ_DATA_CSV, doc, sizeof doc - 1, "0.place", NULL, &out, why,
                                  sizeof why), 0);
    assert_string_equal(out, "県庁");
    free(out);
    assert_int_equal(kz_data_pick(KZ_DATA_CSV, doc, sizeof doc - 1, "0.nothing", NULL, &out,
                                  why, sizeof why), -1);
    assert_non_null(strstr(why, "no column"));
    assert_int_equal(kz_data_path_check(KZ_DATA_CSV, "title", why, sizeof why), -1);
    assert_int_equal(kz_data_path_check(KZ_DATA_CSV, "0.1", why, sizeof why), -1);
    assert_int_equal(kz_data_valid(KZ_DATA_CSV, "a,b\n\"x,y\n", 9, why, sizeof why), -1);
    assert_non_null(strstr(why, "never closes"));
    assert_int_equal(kz_data_valid(KZ_DATA_CSV, "a,b\nx\"y,z\n", 10, why, sizeof why), -1);
    /* more columns than the limit */
    char wide[1024];
    size_t n = 0;
    for (int i = 0; i < KZ_CSV_MAX_COLUMNS + 1; i++)
        n += (size_t)sprintf(wide + n, "c%d,", i);
    wide[n - 1] = '\n';
    assert_int_equal(kz_data_valid(KZ_DATA_CSV, wide, n, why, sizeof why), -1);
    assert_non_null(strstr(why, "columns"));
    assert_int_equal(kz_data_valid(KZ_DATA_CSV, "", 0, why, sizeof why), -1);
}

static void test_url_rule(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(kz_url_check("https://www.pref.kumamoto.jp/rss.xml", why, sizeof why), 0);
    assert_int_equal(kz_url_check("http://127.0.0.1:8080/a", why, sizeof why), 0);
    assert_int_equal(kz_url_check("file:///etc/passwd", why, sizeof why), -1);
    assert_int_equal(kz_url_check("ftp://x/y", why, sizeof why), -1);
    assert_int_equal(kz_url_check("gopher://x", why, sizeof why), -1);
    assert_int_equal(kz_url_check("https://", why, sizeof why), -1);
    assert_int_equal(kz_url_check("https://a b", why, sizeof why), -1);
    assert_int_equal(kz_url_check("", why, sizeof why), -1);
    char longu[KZ_URL_MAX + 10];
    memset(longu, 'a', sizeof longu - 1);
    memcpy(longu, "https://", 8);
    longu[sizeof longu - 1] = 0;
    assert_int_equal(kz_url_check(longu, why, sizeof why), -1);
    /* the fetcher refuses the same URLs before any request */
    kz_fetch_result r;
    assert_int_equal(kz_fetch_get("file:///etc/passwd", NULL, NULL, NULL, &r, why, sizeof why),
                     -1);
    assert_null(r.body);
}

static void test_cache_round_trip(void **state)
{
    (void)state;
    char dir[] = "/tmp/kz-test-cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[300];
    snprintf(sub, sizeof sub, "%s/cache", dir); /* created by the first write */
    const char *url = "https://news.example.jp/rss.xml";
    kz_cache_entry e, r;
    assert_int_equal(kz_cache_read(sub, url, &r, 1), -1); /* nothing yet */
    memset(&e, 0, sizeof e);
    snprintf(e.url, sizeof e.url, "%s", url);
    e.fetched_at = 1741532400000000;
    snprintf(e.etag, sizeof e.etag, "\"v1\"\r\nX-Injected: 1"); /* never a second line */
    char body[] = "<rss>\n\n本文</rss>";
    e.body = body;
    e.len = strlen(body);
    assert_int_equal(kz_cache_write(sub, &e), 0);
    assert_int_equal(strlen(e.version), 32);
    assert_int_equal(kz_cache_read(sub, url, &r, 1), 0);
    assert_string_equal(r.body, body);
    assert_int_equal(r.len, strlen(body));
    assert_true(r.fetched_at == e.fetched_at);
    assert_string_equal(r.version, e.version);
    assert_null(strchr(r.etag, '\n'));
    kz_cache_entry_free(&r);
    assert_int_equal(kz_cache_read(sub, url, &r, 0), 0); /* header only */
    assert_null(r.body);
    assert_int_equal(kz_cache_read(sub, "https://other.example.jp/", &r, 1), -1);
    /* a flipped byte in the body: the version no longer matches, the copy is refused */
    char path[400];
    assert_int_equal(kz_cache_path(sub, url, path, sizeof path), 0);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, -3, SEEK_END);
    fputc('X', f);
    fclose(f);
    kz_capture();
    assert_int_equal(kz_cache_read(sub, url, &r, 1), -2);
    assert_non_null(strstr(kz_test_logged, "corrupt"));
    /* a truncated file (a torn copy made by hand): refused from its size */
    assert_int_equal(truncate(path, 40), 0);
    assert_int_equal(kz_cache_read(sub, url, &r, 0), -2);
    unlink(path);
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    kz_log_set_level(KZ_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss_in_document_order),
        cmocka_unit_test(test_atom),
        cmocka_unit_test(test_refused_documents),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_plain_text_and_markup),
        cmocka_unit_test(test_json_paths),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_url_rule),
        cmocka_unit_test(test_cache_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
