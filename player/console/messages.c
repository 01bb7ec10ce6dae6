/* Codes and parameters for kizuna check's lines (messages.h). */
#include "console/messages.h"

#include <string.h>

/* The parser's wording, exactly as it logs it (player/model/rules.c, player/model/schedule.c,
 * player/host/plugin_host.c, player/checks/check_media.c). More specific templates first. */
static const struct {
    const char *code, *tmpl;
} kinds[] = {
    {"flash_fail", "[{section}] file = {path} fails the flash analysis ({reason}, {from}-{to}, "
                   "profile {profile}); not aired. Fix the clip, or write the reason to air it "
                   "anyway as flash_override = <reason>"},
    {"flash_override", "[{section}] file = {path} fails the flash analysis ({reason}, "
                       "{from}-{to}, profile {profile}) and airs anyway: flash_override = "
                       "{override}"},
    {"flash_result", "[{section}] file = {path}: flash {verdict} (profile {profile}; {detail})"},
    {"flash_unreadable", "[{section}] file = {path}: cannot be analysed for flashing; not aired"},
    {"bad_window", "{key}: '{value}' is not a window HH:MM-HH:MM"},
    {"bad_day_in_month", "{key}: {value} is not a date (month {month} has {days} days)"},
    {"bad_day", "{key}: {value} is not a date ({month} has {days} days)"},
    {"bad_date", "{key}: '{value}' is not a date (YYYY-MM-DD or MM-DD)"},
    {"unknown_key_near", "[{section}] {key}: unknown key for plugin {plugin} (did you mean "
                         "`{near}`?); the item is skipped"},
    {"unknown_key", "[{section}] {key}: unknown key for plugin {plugin} (its keys: kizuna "
                    "help {help}); the item is skipped"},
    {"unknown_playlist_key_near", "[playlist] {key}: unknown key (did you mean `{near}`?); "
                                  "ignored"},
    {"unknown_playlist_key", "[playlist] {key}: unknown key; ignored"},
    {"no_duration", "[{section}]: no duration = and the {plugin} plugin cannot tell the item's "
                    "length; skipped"},
    {"campaign_past", "campaign '{campaign}': its dates are all in the past (last day {day}; "
                      "{n} item{plural})"},
    {"campaign_past", "campaign '{campaign}': its dates are all in the past (last day {day}; "
                      "{n} item)"},
    {"campaign_partly_past", "campaign '{campaign}': {n} of its {total} items have dates all "
                             "in the past (last day {day}): {items}"},
    {"item_past", "[{section}]: its dates are all in the past (last day {day})"},
};

/* one hole's value: at most this long (a path, a reason) */
#define HOLE_MAX 1024

static int match_at(const char *t, const char *s, json_t *params)
{
    while (*t && *t != '{') {
        if (*t != *s)
            return 0;
        t++, s++;
    }
    if (!*t)
        return !*s;
    const char *close = strchr(t, '}');
    if (!close || close - t - 1 >= 32)
        return 0;
    char name[32];
    memcpy(name, t + 1, (size_t)(close - t - 1));
    name[close - t - 1] = 0;
    const char *rest = close + 1;
    size_t len = strlen(s);
    for (size_t n = 1; n <= len && n <= HOLE_MAX; n++) {
        /* a literal that follows must start right after the hole: skip what cannot match */
        if (*rest && *rest != '{' && s[n] != *rest)
            continue;
        if (match_at(rest, s + n, params)) {
            if (params)
                json_object_set_new(params, name, json_stringn(s, n));
            return 1;
        }
    }
    return 0;
}

int kz_cmsg_match(const char *tmpl, const char *text, json_t *params)
{
    return match_at(tmpl, text, params);
}

void kz_cmsg_classify(json_t *problem, const char *text)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        json_t *params = json_object();
        if (params && kz_cmsg_match(kinds[i].tmpl, text, params)) {
            json_object_set_new(problem, "code", json_string(kinds[i].code));
            json_object_set_new(problem, "params", params);
            return;
        }
        json_decref(params);
    }
    json_object_set_new(problem, "code", json_string("other"));
    json_object_set_new(problem, "params", json_pack("{s:s}", "message", text));
}
