/* kizuna help PLUGIN | help keys: the keys reference, generated from the plugins' own key
 * tables (kz_plugin.keys, include/kizuna/plugin.h) and the core tables of model/playlist.c.
 * `help keys --format md` is docs/keys.md (make keys writes it; make check fails when the
 * committed file differs), so the reference cannot drift from what the plugins read. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/textout.h"
#include "cmd/commands.h"
#include "host/plugin_host.h"
#include "model/config.h"
#include "model/playlist.h"

enum { OUT_TEXT, OUT_MD, OUT_INI, OUT_JSON };

/* How values are written: shared by every table (the type column names these). */
static const char values_md[] =
    "## Writing values\n"
    "\n"
    "- **colour**: `#rgb`, `#rrggbb`, `#rrggbbaa` or a CSS name (`white`, `black`, `red`, ...);\n"
    "  alpha 0 (`#00000000`) draws nothing.\n"
    "- **yes|no**: also `true`/`false`, `on`/`off`, `1`/`0`.\n"
    "- **a|b|c**: one of the words.\n"
    "- **duration**: `15` or `15s`, `1m30s`, `00:01:30`.\n"
    "- **ISO 8601 time**: `2025-01-27T15:10+09:00` (`Z`, seconds and fractions accepted; without\n"
    "  an offset the player's zone; a bare date is its local midnight).\n"
    "- **file**: relative to `[paths] content`; absolute paths and paths leaving it are refused.\n"
    "- **text**: drawn by the shared text engine (docs/text.md). A value spans several lines by\n"
    "  indenting the continuation lines; ` ;` starts a comment, so avoid semicolons in texts.\n"
    "  Markup:\n"
    "  - `{漢字|かな}`: a reading (ruby) — かな is drawn at half size above 漢字, e.g.\n"
    "    `{援助|えんじょ}`;\n"
    "  - `|` (or U+200B): a preferred line break between phrases, not drawn;\n"
    "  - `- ` at the start of a line: a list item; in `notice` a line holding only `.` is an\n"
    "    empty line (a paragraph break);\n"
    "  - `\\` before a character: that character itself (`\\|`, `\\{`, `\\\\`).\n"
    "- **LANG** in a key name: a language code (`ja`, `en`, `zh-Hans`, `zh-Hant`, `ko`, `vi`, `pt`,\n"
    "  `es`, `tl`, `id`, `fr`, `de`): `title.en`.\n";

static const char text_note[] =
    "Text values: {漢字|かな} draws a reading (ruby) above the base, e.g. {援助|えんじょ};\n"
    "| marks a preferred line break; \"- \" starts a list item; \\ escapes. Indent continuation\n"
    "lines for several lines. More: kizuna help keys, docs/keys.md, docs/text.md.\n";

static const char *orna(const char *s) { return s && *s ? s : "—"; }

/* A markdown table cell: | escaped, so "fit|fill" stays one cell. */
static void md_cell(FILE *f, const char *s, int code)
{
    if (!s || !*s) {
        fputs("—", f);
        return;
    }
    if (code)
        fputc('`', f);
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
    if (code)
        fputc('`', f);
}

static void md_table(FILE *f, const kz_key *keys)
{
    fputs("| key | type | default | example | meaning |\n| --- | --- | --- | --- | --- |\n", f);
    for (const kz_key *k = keys; k && k->name; k++) {
        fputs("| ", f);
        md_cell(f, k->name, 1);
        fputs(" | ", f);
        md_cell(f, k->type, 0);
        fputs(" | ", f);
        md_cell(f, k->def, 0);
        fputs(" | ", f);
        md_cell(f, k->example, 1);
        fputs(" | ", f);
        md_cell(f, k->doc, 0);
        fputs(" |\n", f);
    }
}

static void text_table(FILE *f, const kz_key *keys)
{
    for (const kz_key *k = keys; k && k->name; k++) {
        fprintf(f, "  %-18s %s\n", k->name, orna(k->type));
        fprintf(f, "  %-18s default: %s; e.g. %s = %s\n", "", orna(k->def), k->name,
                orna(k->example));
        fprintf(f, "  %-18s %s\n", "", orna(k->doc));
    }
}

/* An item with every key of the plugin set to its example: what `kizuna check` must accept
 * (tests/integration/test_keys.sh). LANG becomes en. A key without an example is left out:
 * it belongs to another form of the item (video's stream, fallback and ca_file replace file;
 * their example would also make check probe a network address). */
static void ini_example(FILE *f, const kz_plugin *d)
{
    fprintf(f, "[example-%s]\nplugin = %s\nduration = 10s\n", d->name, d->name);
    for (const kz_key *k = d->keys; k && k->name; k++) {
        size_t n = strlen(k->name);
        if (!k->example)
            continue;
        if (n > 5 && !strcmp(k->name + n - 5, ".LANG"))
            fprintf(f, "%.*s.en = %s\n", (int)(n - 5), k->name, k->example ? k->example : "");
        else
            fprintf(f, "%s = %s\n", k->name, k->example ? k->example : "");
    }
}

static int has_text(const kz_key *keys)
{
    for (const kz_key *k = keys; k && k->name; k++)
        if (k->type && strstr(k->type, "text"))
            return 1;
    return 0;
}

/* A key table as a JSON array (the console's item editor reads it: /api/keys). */
static void json_table(FILE *f, const kz_key *keys)
{
    fputc('[', f);
    for (const kz_key *k = keys; k && k->name; k++) {
        const char *field[][2] = {{"name", k->name}, {"type", k->type}, {"default", k->def},
                                  {"example", k->example}, {"doc", k->doc}};
        fputs(k == keys ? "{" : ",{", f);
        for (size_t i = 0; i < sizeof field / sizeof field[0]; i++) {
            fprintf(f, "%s\"%s\":", i ? "," : "", field[i][0]);
            if (field[i][1])
                kz_json_str(f, field[i][1]);
            else
                fputs("null", f);
        }
        fputc('}', f);
    }
    fputc(']', f);
}

static void json_plugin(FILE *f, const kz_plugin *d)
{
    fputs("{\"name\":", f);
    kz_json_str(f, d->name);
    fputs(",\"version\":", f);
    kz_json_str(f, d->version ? d->version : "");
    fputs(",\"description\":", f);
    kz_json_str(f, d->description ? d->description : "");
    fputs(",\"keys\":", f);
    json_table(f, d->keys);
    fputc('}', f);
}

static void plugin_out(FILE *f, const kz_plugin *d, int fmt)
{
    if (fmt == OUT_INI) {
        ini_example(f, d);
        return;
    }
    if (fmt == OUT_JSON) {
        json_plugin(f, d);
        fputc('\n', f);
        return;
    }
    if (fmt == OUT_MD) {
        fprintf(f, "## %s\n\n%s (plugin version %s). `plugin = %s`; `kizuna help %s` prints "
                   "this.\n\n", d->name, d->description ? d->description : "",
                d->version ? d->version : "?", d->name, d->name);
        if (!d->keys) {
            fputs("This plugin has no key table.\n\n", f);
            return;
        }
        md_table(f, d->keys);
        fputs("\n", f);
        return;
    }
    fprintf(f, "%s %s — %s\n\nkeys (plugin = %s):\n", d->name, d->version ? d->version : "?",
            d->description ? d->description : "", d->name);
    if (!d->keys) {
        fputs("  (this plugin has no key table)\n", f);
        return;
    }
    text_table(f, d->keys);
    fputs("\nEvery item also takes plugin, duration, transition, transition_time, dates, days, "
          "times,\ncampaign, priority, weight, interrupt, captions, captions_mode, "
          "captions_interval,\nflash_profile and flash_override (kizuna help keys).\n", f);
    if (has_text(d->keys))
        fprintf(f, "\n%s", text_note);
}

static void keys_out(FILE *f, const kz_registry *r, int fmt)
{
    if (fmt == OUT_JSON) {
        fputs("{\"item\":", f);
        json_table(f, kz_item_core_keys);
        fputs(",\"playlist\":", f);
        json_table(f, kz_playlist_keys);
        fputs(",\"plugins\":[", f);
        for (size_t i = 0; i < r->n; i++) {
            fputs(i ? "," : "", f);
            json_plugin(f, &r->p[i].desc);
        }
        fputs("]}\n", f);
        return;
    }
    if (fmt == OUT_INI) {
        for (size_t i = 0; i < r->n; i++) {
            fputs(i ? "\n" : "", f);
            ini_example(f, &r->p[i].desc);
        }
        return;
    }
    if (fmt == OUT_TEXT) {
        fputs("keys of every item:\n", f);
        text_table(f, kz_item_core_keys);
        fputs("\nkeys of a [playlist] section:\n", f);
        text_table(f, kz_playlist_keys);
        for (size_t i = 0; i < r->n; i++) {
            fputs("\n", f);
            plugin_out(f, &r->p[i].desc, fmt);
        }
        return;
    }
    fputs("<!-- Generated by `make keys` (build/kizuna help keys --format md) from the key tables "
          "of the plugins\n     (kz_plugin.keys) and of player/model/playlist.c. Do not edit: "
          "make check fails when it\n     is stale. -->\n"
          "# Keys reference\n\n"
          "Every item of a playlist is one `[section]`: `plugin =` names the plugin that draws "
          "it, the other keys\nare the plugin's own or the keys every item has. A key that is "
          "neither is an error in\n`kizuna check` with the closest known key, e.g.\n\n"
          "    file:line: [item] fitt: unknown key for plugin image (did you mean `fit`?); "
          "the item is skipped\n\n"
          "and `kizuna run` leaves that item out (the rest keeps playing): a misspelt key is "
          "often a schedule\nkey, and the item would otherwise air on days it was never meant "
          "for. `kizuna help PLUGIN` prints\none plugin's table. How each key behaves in detail: "
          "docs/plugins.md, docs/text.md, docs/video.md,\ndocs/playlists.md, "
          "docs/accessibility.md.\n\n", f);
    fputs(values_md, f);
    fputs("\n## Keys of every item\n\n", f);
    md_table(f, kz_item_core_keys);
    fputs("\n## Keys of a `[playlist]` section\n\nThe schedule keys apply to every item of "
          "the file; an item's `dates`, `days` and `times` narrow them,\nits other schedule "
          "keys replace them.\n\n", f);
    md_table(f, kz_playlist_keys);
    fputs("\n", f);
    for (size_t i = 0; i < r->n; i++)
        plugin_out(f, &r->p[i].desc, fmt);
}

int kz_cmd_help(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'F'},
        {0, 0, 0, 0},
    };
    const char *config = NULL, *format = "text";
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'F': format = optarg; break;
        default:
            fprintf(stderr, "kizuna help: unknown option %s\n", argv[optind - 1]);
            return 2;
        }
    }
    int fmt = !strcmp(format, "md") ? OUT_MD : !strcmp(format, "ini") ? OUT_INI
              : !strcmp(format, "json") ? OUT_JSON
              : !strcmp(format, "text") ? OUT_TEXT : -1;
    if (fmt < 0 || optind + 1 != argc) {
        fprintf(stderr,
                "usage: kizuna help PLUGIN|keys [--config F] [--format text|md|ini|json]\n");
        return 2;
    }
    const char *what = argv[optind];
    /* Only the plugin directory matters here; a config with other problems still names it. */
    int level = kz_log_level();
    kz_log_set_level(KZ_LOG_ERROR);
    kz_config cfg;
    kz_config_load(&cfg, kz_config_default_path(config));
    kz_log_set_level(level);
    kz_registry r;
    memset(&r, 0, sizeof r);
    if (kz_registry_load_dir(&r, cfg.plugins) < 0)
        return 1;
    int rc = 0;
    if (!strcmp(what, "keys")) {
        keys_out(stdout, &r, fmt);
    } else {
        const kz_loaded_plugin *lp = kz_registry_find(&r, what);
        if (lp) {
            plugin_out(stdout, &lp->desc, fmt);
        } else {
            fprintf(stderr, "kizuna help: no plugin named '%s' in %s (loaded:", what,
                    cfg.plugins);
            for (size_t i = 0; i < r.n; i++)
                fprintf(stderr, " %s", r.p[i].desc.name);
            fprintf(stderr, "); kizuna help keys lists every key\n");
            rc = 2;
        }
    }
    kz_registry_free(&r);
    return rc;
}
