/* Campaigns: one playlist file each. List (with each one's days on air over a year, for the
 * calendar strip), read, save (check first, then atomic write), remove, switch on and off
 * (NAME.ini <-> NAME.ini.off, which the player does not read), bulk changes, undo. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "console/console.h"
#include "console/store.h"
#include "console/util.h"
#include "model/inidoc.h"
#include "model/rules.h"

#define PLAYLIST_MAX (4 * 1024 * 1024)
#define MAX_FILES 256

static const char *const schedule_keys[] = {"campaign", "dates", "days",  "times",
                                            "priority", "weight", "zone", "interrupt"};

/* NAME.ini or NAME.ini.off, NAME of letters, digits, '-', '_' and '.' */
static int campaign_name_ok(const char *s, int *off)
{
    size_t n = strlen(s);
    *off = n > 8 && !strcmp(s + n - 8, ".ini.off");
    size_t base = n - (*off ? 8 : 4);
    if (n < 5 || n > 120 || (!*off && strcmp(s + n - 4, ".ini")) || !kz_cname_ok(s, 0) ||
        s[0] == '.' || !strcmp(s, "player.ini") || !strcmp(s, "layouts.ini") ||
        !strcmp(s, "player.ini.off") || !strcmp(s, "layouts.ini.off"))
        return 0;
    for (size_t i = 0; i < base; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static int section_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || !strcmp(s, "playlist"))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == '[' || s[i] == ']' || s[i] == ';' ||
            s[i] == '#' || s[i] == '=')
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Days on air in a year from dates and days ('1' or '0' per day), times left aside. */
static char *days_on(const char *dates, const char *days, int year)
{
    kz_rules r;
    memset(&r, 0, sizeof r);
    r.days = KZ_DAYS_ALL;
    char err[256];
    if (dates && kz_parse_dates(dates, &r.dates, &r.n_dates, err, sizeof err))
        return NULL;
    if (days && kz_parse_days(days, &r.days, err, sizeof err)) {
        free(r.dates);
        return NULL;
    }
    int first = kz_days_from_civil(year, 1, 1), last = kz_days_from_civil(year + 1, 1, 1);
    char *s = malloc((size_t)(last - first) + 1);
    for (int d = first; s && d < last; d++)
        s[d - first] = kz_rules_day_ok(&r, d) ? '1' : '0';
    if (s)
        s[last - first] = 0;
    free(r.dates);
    return s;
}

static int load_doc(kz_console *c, const char *name, kz_inidoc **doc, char version[33],
                    char **text, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    *doc = NULL;
    if (kz_cread(c->cfg.playlists, name, PLAYLIST_MAX, &buf, &len)) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        kz_cversion(NULL, 0, version);
        return errno == ENOENT ? 1 : -1;
    }
    kz_cversion(buf, len, version);
    int rc = kz_inidoc_parse(buf, len, name, doc, err, errlen);
    if (text)
        *text = buf;
    else
        free(buf);
    return rc ? -1 : 0;
}

static json_t *section_json(const kz_inidoc *d, const char *sec)
{
    json_t *keys = json_array();
    size_t nk = kz_inidoc_n_keys(d, sec);
    for (size_t k = 0; k < nk; k++) {
        const char *key = kz_inidoc_key_name(d, sec, k);
        const char *v = kz_inidoc_get(d, sec, key);
        json_array_append_new(keys, json_pack("[s,s,i]", key, v ? v : "",
                                              kz_inidoc_key_line(d, sec, key)));
    }
    return keys;
}

static json_t *summary(kz_console *c, const char *name, int year)
{
    kz_inidoc *d;
    char ver[33], err[300];
    int off;
    campaign_name_ok(name, &off);
    json_t *o = json_pack("{s:s,s:b}", "file", name, "on", !off);
    if (load_doc(c, name, &d, ver, NULL, err, sizeof err)) {
        json_object_set_new(o, "error", json_string(err));
        return o;
    }
    json_object_set_new(o, "version", json_string(ver));
    json_t *pl = json_object();
    for (size_t i = 0; i < sizeof schedule_keys / sizeof schedule_keys[0]; i++) {
        const char *v = kz_inidoc_get(d, "playlist", schedule_keys[i]);
        if (v)
            json_object_set_new(pl, schedule_keys[i], json_string(v));
    }
    json_object_set_new(o, "playlist", pl);
    char *on = days_on(kz_inidoc_get(d, "playlist", "dates"), kz_inidoc_get(d, "playlist", "days"),
                       year);
    json_object_set_new(o, "days_on", on ? json_string(on) : json_null());
    free(on);
    json_t *items = json_array();
    size_t ns = kz_inidoc_n_sections(d);
    for (size_t i = 0; i < ns; i++) {
        const char *sec = kz_inidoc_section_name(d, i);
        if (!strcmp(sec, "playlist"))
            continue;
        const char *plug = kz_inidoc_get(d, sec, "plugin");
        const char *dur = kz_inidoc_get(d, sec, "duration");
        json_array_append_new(items, json_pack("{s:s,s:s?,s:s?}", "section", sec, "plugin",
                                               plug, "duration", dur));
    }
    json_object_set_new(o, "items", items);
    kz_inidoc_free(&d);
    return o;
}

static int list_names(kz_console *c, char **names, int max)
{
    DIR *d = opendir(c->cfg.playlists);
    int n = 0, off;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max)
        if (campaign_name_ok(e->d_name, &off))
            names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    return n;
}

static void list(kz_console *c, const kz_creq *rq, kz_cresp *rs)
{
    const char *ys = kz_creq_arg(rq, "year");
    int year = ys ? atoi(ys) : 0;
    if (year < 1970 || year > 9999) {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        year = tm.tm_year + 1900;
    }
    char *names[MAX_FILES];
    int n = list_names(c, names, MAX_FILES);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_array_append_new(arr, summary(c, names[i], year));
        free(names[i]);
    }
    char *undo = kz_store_undo_describe(c);
    json_t *o = json_pack("{s:o,s:i,s:s?}", "campaigns", arr, "year", year, "undo", undo);
    free(undo);
    kz_cresp_json(rs, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

static void get_one(kz_console *c, const char *name, kz_cresp *rs)
{
    kz_inidoc *d;
    char ver[33], err[300], *text = NULL;
    int rc = load_doc(c, name, &d, ver, &text, err, sizeof err);
    if (rc) {
        free(text);
        kz_cresp_errorp(rs, rc == 1 ? 404 : 422, rc == 1 ? "not_found" : "parse",
                        json_pack("{s:s,s:s}", "file", name, "detail", err), "%s", err);
        return;
    }
    json_t *items = json_array();
    size_t ns = kz_inidoc_n_sections(d);
    for (size_t i = 0; i < ns; i++) {
        const char *sec = kz_inidoc_section_name(d, i);
        if (strcmp(sec, "playlist"))
            json_array_append_new(items, json_pack("{s:s,s:i,s:o}", "section", sec, "line",
                                                   kz_inidoc_section_line(d, sec), "keys",
                                                   section_json(d, sec)));
    }
    int off;
    campaign_name_ok(name, &off);
    json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:o,s:o}", "file", name, "version", ver, "text",
                          text, "on", !off, "playlist", section_json(d, "playlist"), "items",
                          items);
    free(text);
    kz_inidoc_free(&d);
    kz_cresp_json(rs, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

/* Put a section's keys to exactly what the page sent: keys it did not send go, keys it sent
 * are set (an unchanged value is left alone, so a multi-line value survives as written). */
static int apply_keys(kz_inidoc *d, const char *sec, json_t *keys, char *err, size_t errlen)
{
    if (!json_is_object(keys)) {
        snprintf(err, errlen, "[%s]: keys must be an object", sec);
        return -1;
    }
    for (size_t k = kz_inidoc_n_keys(d, sec); k-- > 0;) {
        const char *key = kz_inidoc_key_name(d, sec, k);
        if (!json_object_get(keys, key)) {
            char keep[128];
            snprintf(keep, sizeof keep, "%s", key);
            kz_inidoc_unset(d, sec, keep);
        }
    }
    const char *key;
    json_t *v;
    json_object_foreach(keys, key, v) {
        char num[64];
        const char *s = json_string_value(v);
        if (json_is_integer(v) || json_is_real(v)) {
            snprintf(num, sizeof num, "%g", json_number_value(v));
            s = num;
        }
        if (!s) {
            snprintf(err, errlen, "[%s] %s: the value must be text", sec, key);
            return -1;
        }
        int bad = !*key || strlen(key) > 63;
        for (const char *p = key; *p && !bad; p++)
            bad = (unsigned char)*p <= 0x20 || strchr("=;#[]", *p) != NULL;
        if (bad) {
            snprintf(err, errlen, "[%s] '%s' is not a key name", sec, key);
            return -1;
        }
        /* the INI reader trims values, so a value is written trimmed: "  " is empty, as the
         * player reads it (an empty flash_override is no reason, docs/accessibility.md) */
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        char *val = strndup(s, n);
        if (!val) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        const char *cur = kz_inidoc_get(d, sec, key);
        int rc = 0;
        if (cur && !strcmp(cur, val)) {
            rc = 0;
        } else if (strchr(val, '\n') || strchr(val, '\r')) {
            snprintf(err, errlen, "[%s] %s: a value on several lines cannot be edited here; "
                     "edit the file", sec, key);
            rc = -1;
        } else if (kz_inidoc_set(d, sec, key, val)) {
            snprintf(err, errlen, "[%s] %s: cannot be set", sec, key);
            rc = -1;
        }
        free(val);
        if (rc)
            return rc;
    }
    return 0;
}

/* The page's campaign applied to the document (new when the file does not exist). */
static int build(kz_inidoc *d, json_t *in, char *err, size_t errlen)
{
    json_t *pl = json_object_get(in, "playlist"), *items = json_object_get(in, "items");
    if (!json_is_array(items)) {
        snprintf(err, errlen, "items must be a list");
        return -1;
    }
    if (pl) {
        if (!kz_inidoc_section_line(d, "playlist")) {
            kz_inidoc_add_section(d, "playlist", NULL);
            if (kz_inidoc_n_sections(d) > 1)
                kz_inidoc_move_section(d, "playlist", 0);
        }
        if (apply_keys(d, "playlist", pl, err, errlen))
            return -1;
    }
    /* sections the page no longer lists go; renamed ones keep their comments */
    size_t n = json_array_size(items);
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(items, i);
        const char *sec = json_string_value(json_object_get(it, "section"));
        const char *from = json_string_value(json_object_get(it, "renamed_from"));
        if (!sec || !section_name_ok(sec)) {
            snprintf(err, errlen, "item %zu: '%s' is not a usable item name (1-63 characters, "
                     "no [ ] ; # =)", i + 1, sec ? sec : "");
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sec, json_string_value(json_object_get(json_array_get(items, j),
                                                               "section")))) {
                snprintf(err, errlen, "two items are called '%s'", sec);
                return -1;
            }
        if (from && strcmp(from, sec) && kz_inidoc_section_line(d, from) &&
            !kz_inidoc_section_line(d, sec))
            kz_inidoc_rename_section(d, from, sec);
    }
    for (size_t s = kz_inidoc_n_sections(d); s-- > 0;) {
        const char *sec = kz_inidoc_section_name(d, s);
        int wanted = !strcmp(sec, "playlist");
        for (size_t i = 0; i < n && !wanted; i++)
            wanted = !strcmp(sec, json_string_value(json_object_get(json_array_get(items, i),
                                                                    "section")));
        if (!wanted) {
            char keep[128];
            snprintf(keep, sizeof keep, "%s", sec);
            kz_inidoc_remove_section(d, keep);
        }
    }
    size_t base = kz_inidoc_section_line(d, "playlist") ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(items, i);
        const char *sec = json_string_value(json_object_get(it, "section"));
        if (!kz_inidoc_section_line(d, sec) && kz_inidoc_add_section(d, sec, NULL)) {
            snprintf(err, errlen, "[%s]: cannot be added", sec);
            return -1;
        }
        if (apply_keys(d, sec, json_object_get(it, "keys"), err, errlen))
            return -1;
        kz_inidoc_move_section(d, sec, base + i);
    }
    return 0;
}

/* Problems of the file being saved get the section and key of their line, so that the page
 * shows each beside its field. */
static void locate(json_t *problems, const char *name, const kz_inidoc *d)
{
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        if (strcmp(json_string_value(json_object_get(p, "file")), name))
            continue;
        int line = (int)json_integer_value(json_object_get(p, "line"));
        size_t ns = kz_inidoc_n_sections(d);
        for (size_t s = 0; s < ns; s++) {
            const char *sec = kz_inidoc_section_name(d, s);
            if (kz_inidoc_section_line(d, sec) == line)
                json_object_set_new(p, "section", json_string(sec));
            size_t nk = kz_inidoc_n_keys(d, sec);
            for (size_t k = 0; k < nk; k++) {
                const char *key = kz_inidoc_key_name(d, sec, k);
                if (kz_inidoc_key_line(d, sec, key) == line) {
                    json_object_set_new(p, "section", json_string(sec));
                    json_object_set_new(p, "key", json_string(key));
                }
            }
        }
    }
}

/* Check the set with these changes and write them only if it has no error. */
static void check_and_apply(kz_console *c, const kz_change *ch, int n, const char *who,
                            const char *action, kz_cresp *rs, json_t *extra)
{
    json_t *problems = NULL;
    int errors = 0;
    char err[600];
    if (kz_store_check(c, ch, n, &problems, &errors, err, sizeof err)) {
        kz_cresp_errorp(rs, 500, "check_failed", json_pack("{s:s}", "detail", err), "%s", err);
        json_decref(extra);
        return;
    }
    for (int i = 0; i < n; i++)
        if (ch[i].doc)
            locate(problems, ch[i].name, ch[i].doc);
    if (errors) {
        json_t *o = json_pack("{s:s,s:s,s:{s:i},s:i,s:o}", "error",
                              "kizuna check found problems: nothing was written", "code",
                              "check", "params", "errors", errors, "errors", errors, "problems",
                              problems);
        kz_cresp_json(rs, 422, json_dumps(o, JSON_COMPACT));
        json_decref(o);
        json_decref(extra);
        return;
    }
    if (kz_store_apply(c, ch, n, who, action, err, sizeof err)) {
        json_decref(problems);
        json_decref(extra);
        kz_cresp_errorp(rs, 500, "write", json_pack("{s:s}", "detail", err), "%s", err);
        return;
    }
    json_t *o = extra ? extra : json_object();
    json_object_set_new(o, "written", json_true());
    json_object_set_new(o, "problems", problems); /* warnings only */
    kz_cresp_json(rs, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

static json_t *parse_body(const kz_creq *rq, kz_cresp *rs)
{
    json_error_t je;
    json_t *in = rq->body_len ? json_loadb(rq->body, rq->body_len, 0, &je) : NULL;
    if (!json_is_object(in)) {
        json_decref(in);
        kz_cresp_error(rs, 400, "bad_request", "expected a JSON object");
        return NULL;
    }
    return in;
}

static void conflict(kz_console *c, const char *name, const char *yours, kz_cresp *rs)
{
    char *text = NULL;
    size_t len = 0;
    char ver[33];
    if (kz_cread(c->cfg.playlists, name, PLAYLIST_MAX, &text, &len))
        text = NULL;
    kz_cversion(text, len, ver);
    json_t *o = json_pack("{s:s,s:s,s:{s:s},s:s,s:s,s:s?}", "error",
                          "someone else changed this file after you opened it: nothing was "
                          "written", "code", "conflict", "params", "file", name,
                          "your_version", yours, "their_version", ver, "their_text", text);
    free(text);
    kz_cresp_json(rs, 409, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

static void save(kz_console *c, const char *name, const kz_creq *rq, kz_cresp *rs,
                 const char *who)
{
    json_t *in = parse_body(rq, rs);
    if (!in)
        return;
    const char *yours = json_string_value(json_object_get(in, "version"));
    kz_inidoc *d = NULL;
    char ver[33], err[600];
    int rc = load_doc(c, name, &d, ver, NULL, err, sizeof err);
    if (rc < 0) {
        kz_cresp_errorp(rs, 422, "parse", json_pack("{s:s,s:s}", "file", name, "detail", err),
                        "%s", err);
    } else if (!yours || strcmp(yours, ver)) {
        conflict(c, name, yours ? yours : "", rs);
    } else if (rc == 1 && kz_inidoc_parse("", 0, name, &d, err, sizeof err)) {
        kz_cresp_errorp(rs, 500, "internal", json_pack("{s:s}", "detail", err), "%s", err);
    } else if (build(d, in, err, sizeof err)) {
        kz_cresp_errorp(rs, 400, "bad_request", json_pack("{s:s}", "detail", err), "%s", err);
    } else {
        size_t len;
        char *text = kz_inidoc_text(d, &len);
        char nv[33];
        kz_cversion(text, len, nv);
        free(text);
        kz_change ch = {name, d, NULL};
        check_and_apply(c, &ch, 1, who, rc == 1 ? "create" : "edit", rs,
                        json_pack("{s:s}", "version", nv));
    }
    kz_inidoc_free(&d);
    json_decref(in);
}

static void remove_one(kz_console *c, const char *name, const kz_creq *rq, kz_cresp *rs,
                       const char *who)
{
    const char *yours = kz_creq_arg(rq, "version");
    kz_inidoc *d = NULL;
    char ver[33], err[600];
    int rc = load_doc(c, name, &d, ver, NULL, err, sizeof err);
    kz_inidoc_free(&d);
    if (rc == 1) {
        kz_cresp_errorp(rs, 404, "not_found", json_pack("{s:s}", "detail", name), "%s", err);
    } else if (!yours || strcmp(yours, ver)) {
        conflict(c, name, yours ? yours : "", rs);
    } else {
        kz_change ch = {name, NULL, NULL};
        check_and_apply(c, &ch, 1, who, "remove", rs, NULL);
    }
}

/* POST /api/bulk {files:[...], action:"on"|"off"|"set", set:{dates,days,times,priority,
 * weight,duration}}: every file changes, or none (one check for the whole set). */
static void bulk(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who)
{
    json_t *in = parse_body(rq, rs);
    if (!in)
        return;
    json_t *files = json_object_get(in, "files"), *set = json_object_get(in, "set");
    const char *action = json_string_value(json_object_get(in, "action"));
    size_t n = json_array_size(files);
    kz_change ch[KZ_STORE_MAX_FILES];
    kz_inidoc *docs[KZ_STORE_MAX_FILES] = {0};
    char renamed[KZ_STORE_MAX_FILES][130];
    char err[600] = "";
    int bad = 0;
    if (!action || (strcmp(action, "on") && strcmp(action, "off") && strcmp(action, "set")) ||
        !n || n > KZ_STORE_MAX_FILES || (!strcmp(action, "set") && !json_is_object(set))) {
        snprintf(err, sizeof err, "expected files (1..%d), action on, off or set, and set "
                 "{key: value} for set", KZ_STORE_MAX_FILES);
        bad = 1;
    }
    for (size_t i = 0; i < n && !bad; i++) {
        const char *name = json_string_value(json_array_get(files, i));
        int off;
        if (!name || !campaign_name_ok(name, &off)) {
            snprintf(err, sizeof err, "'%s' is not a campaign file", name ? name : "");
            bad = 1;
            break;
        }
        ch[i] = (kz_change){name, NULL, NULL};
        if (!strcmp(action, "set")) {
            char ver[33];
            if (load_doc(c, name, &docs[i], ver, NULL, err, sizeof err)) {
                bad = 1;
                break;
            }
            const char *key;
            json_t *v;
            json_object_foreach(set, key, v) {
                const char *s = json_string_value(v);
                if (!s || strchr(s, '\n')) {
                    snprintf(err, sizeof err, "%s: the value must be text on one line", key);
                    bad = 1;
                    break;
                }
                if (!strcmp(key, "duration")) { /* every item's */
                    for (size_t k = 0; k < kz_inidoc_n_sections(docs[i]); k++) {
                        const char *sec = kz_inidoc_section_name(docs[i], k);
                        if (strcmp(sec, "playlist"))
                            kz_inidoc_set(docs[i], sec, "duration", s);
                    }
                    continue;
                }
                int known = 0;
                for (size_t k = 0; k < sizeof schedule_keys / sizeof schedule_keys[0]; k++)
                    known |= !strcmp(key, schedule_keys[k]);
                if (!known) {
                    snprintf(err, sizeof err, "%s: not a schedule key", key);
                    bad = 1;
                    break;
                }
                if (!kz_inidoc_section_line(docs[i], "playlist")) {
                    kz_inidoc_add_section(docs[i], "playlist", NULL);
                    kz_inidoc_move_section(docs[i], "playlist", 0);
                }
                if (*s)
                    kz_inidoc_set(docs[i], "playlist", key, s);
                else
                    kz_inidoc_unset(docs[i], "playlist", key);
            }
            ch[i].doc = docs[i];
        } else {
            int want_off = !strcmp(action, "off");
            if (want_off == off)
                continue; /* already so: a no-op entry */
            size_t len = strlen(name);
            if (want_off)
                snprintf(renamed[i], sizeof renamed[i], "%s.off", name);
            else
                snprintf(renamed[i], sizeof renamed[i], "%.*s", (int)(len - 4), name);
            char to[PATH_MAX * 2];
            struct stat st;
            snprintf(to, sizeof to, "%s/%s", c->cfg.playlists, name);
            if (lstat(to, &st) || !S_ISREG(st.st_mode)) {
                snprintf(err, sizeof err, "%s: no such campaign file", name);
                bad = 1;
                break;
            }
            snprintf(to, sizeof to, "%s/%s", c->cfg.playlists, renamed[i]);
            if (lstat(to, &st) == 0) {
                snprintf(err, sizeof err, "%s and %s both exist: remove one first", name,
                         renamed[i]);
                bad = 1;
                break;
            }
            ch[i].rename_to = renamed[i];
        }
    }
    if (bad) {
        kz_cresp_errorp(rs, 400, "bad_request", json_pack("{s:s}", "detail", err), "%s", err);
    } else {
        /* drop no-op entries (already on / off) */
        int m = 0;
        for (size_t i = 0; i < n; i++)
            if (ch[i].doc || ch[i].rename_to)
                ch[m++] = ch[i];
        if (!m)
            kz_cresp_json(rs, 200, strdup("{\"written\":false}"));
        else
            check_and_apply(c, ch, m, who, action, rs, NULL);
    }
    for (size_t i = 0; i < KZ_STORE_MAX_FILES; i++)
        kz_inidoc_free(&docs[i]);
    json_decref(in);
}

int kz_console_campaigns(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who)
{
    const char *m = rq->method;
    int rc = 0;
    if (!strcmp(rq->path, "/api/campaigns") && !strcmp(m, "GET")) {
        pthread_mutex_lock(&c->lock);
        list(c, rq, rs);
    } else if (!strncmp(rq->path, "/api/campaigns/", 15)) {
        const char *name = rq->path + 15;
        int off;
        pthread_mutex_lock(&c->lock);
        if (!campaign_name_ok(name, &off))
            kz_cresp_errorp(rs, 400, "bad_name", json_pack("{s:s}", "name", name),
                            "'%s' is not a campaign file name (letters, digits, - and _, "
                            "ending in .ini)", name);
        else if (!strcmp(m, "GET"))
            get_one(c, name, rs);
        else if (!strcmp(m, "PUT"))
            save(c, name, rq, rs, who);
        else if (!strcmp(m, "DELETE"))
            remove_one(c, name, rq, rs, who);
        else
            kz_cresp_errorp(rs, 405, "method", json_pack("{s:s}", "detail", m), "%s: not allowed", m);
    } else if (!strcmp(rq->path, "/api/bulk") && !strcmp(m, "POST")) {
        pthread_mutex_lock(&c->lock);
        bulk(c, rq, rs, who);
    } else if (!strcmp(rq->path, "/api/undo") && !strcmp(m, "POST")) {
        char err[600];
        pthread_mutex_lock(&c->lock);
        int u = kz_store_undo(c, who, err, sizeof err);
        if (u == 1)
            kz_cresp_error(rs, 409, "nothing", "there is nothing to undo");
        else if (u)
            kz_cresp_errorp(rs, 500, "write", json_pack("{s:s}", "detail", err), "%s", err);
        else
            kz_cresp_json(rs, 200, strdup("{\"undone\":true}"));
    } else {
        return 1;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}
