/* kizuna plan: the exact timeline over a date range (every zone), then airtime and plays per
 * campaign and per day. Text, CSV, JSON, or one self-contained HTML page with a calendar. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/grow.h"
#include "base/log.h"
#include "base/params.h"
#include "base/textout.h"
#include "base/timeutil.h"
#include "cmd/commands.h"
#include "model/rules.h"
#include "model/schedule.h"
#include "screen/player.h"

enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_HTML };

typedef struct prow {
    int zone;
    kz_slot s;
} prow;

typedef struct pstat {
    int zone;
    const char *campaign; /* borrowed; "" = items without a campaign; NULL = standby */
    long plays;
    kz_us airtime;
} pstat;

typedef struct pday {
    int day;
    pstat *c; /* one per campaign index (same order as the totals) */
} pday;

typedef struct plan {
    const kz_model *m;
    kz_us from, to;
    prow *rows;
    size_t n, cap;
    pstat *tot; /* per campaign; index 0 = standby */
    int n_tot;
    pday *days;
    int n_days, day0;
} plan;

static const char *campaign_of(const kz_model *m, const kz_item *it)
{
    kz_sched_info in;
    if (!it)
        return NULL;
    if (kz_schedule_info(m, it, &in) || !in.campaign)
        return "";
    return in.campaign;
}

/* The civil day holding t, with its bounds, remembered: consecutive slots are mostly in the
 * same day, and finding a day costs several localtime_r calls. */
typedef struct dayspan {
    int day;
    kz_us ds, de; /* [ds, de) is day; empty when de <= ds */
} dayspan;

static int day_at(dayspan *c, kz_us t)
{
    if (c->de <= c->ds || t < c->ds || t >= c->de) {
        c->day = kz_schedule_day_of(t);
        c->ds = kz_schedule_wall(c->day, 0);
        c->de = kz_schedule_wall(c->day + 1, 0);
    }
    return c->day;
}

/* Totals are kept per zone and campaign. */
static int stat_index(plan *pl, int zone, const char *campaign)
{
    for (int i = 0; i < pl->n_tot; i++) {
        const char *c = pl->tot[i].campaign;
        if (pl->tot[i].zone == zone &&
            ((!c && !campaign) || (c && campaign && !strcmp(c, campaign))))
            return i;
    }
    pstat *nt = realloc(pl->tot, (size_t)(pl->n_tot + 1) * sizeof *nt);
    if (!nt)
        return -1;
    pl->tot = nt;
    nt[pl->n_tot] = (pstat){zone, campaign, 0, 0};
    for (int d = 0; d < pl->n_days; d++) {
        pstat *nc = realloc(pl->days[d].c, (size_t)(pl->n_tot + 1) * sizeof *nc);
        if (!nc)
            return -1;
        pl->days[d].c = nc;
        nc[pl->n_tot] = (pstat){zone, campaign, 0, 0};
    }
    return pl->n_tot++;
}

static int build(plan *pl)
{
    const kz_model *m = pl->m;
    pl->day0 = kz_schedule_day_of(pl->from);
    pl->n_days = kz_schedule_day_of(pl->to - 1) - pl->day0 + 1;
    if (pl->n_days < 1)
        pl->n_days = 1;
    pl->days = calloc((size_t)pl->n_days, sizeof *pl->days);
    if (!pl->days)
        return -1;
    for (int d = 0; d < pl->n_days; d++)
        pl->days[d].day = pl->day0 + d;
    int nz = kz_schedule_zone_count(m);
    dayspan dc = {0};
    for (int z = 0; z < nz; z++) {
        if (stat_index(pl, z, NULL) < 0) /* standby first */
            return -1;
        kz_slot s;
        kz_schedule_zone_at(m, z, pl->from, &s);
        while (s.start < pl->to) {
            if (kz_grow(&pl->rows, &pl->cap, pl->n + 1, sizeof *pl->rows, 1024))
                return -1;
            kz_us a = s.start > pl->from ? s.start : pl->from;
            kz_us b = s.end < pl->to ? s.end : pl->to;
            /* The row shows the part inside the range: a slot that began before --from (or
             * runs past --to) is clipped, as the totals are. s itself stays whole: the next
             * slot is found from it. */
            pl->rows[pl->n++] = (prow){z, {s.item, a, b}};
            int ci = stat_index(pl, z, campaign_of(m, s.item));
            if (ci < 0)
                return -1;
            /* a play belongs to the range its slot starts in: consecutive plans add up */
            pl->tot[ci].plays += s.item && s.start >= pl->from;
            pl->tot[ci].airtime += b - a;
            /* per day: plays on the day the slot starts (within range), airtime split */
            for (kz_us t = a; t < b;) {
                int d = day_at(&dc, t) - pl->day0;
                kz_us e = b < dc.de ? b : dc.de;
                if (d >= 0 && d < pl->n_days) {
                    pl->days[d].c[ci].airtime += e - t;
                    if (t == a && s.item && s.start >= pl->from)
                        pl->days[d].c[ci].plays++;
                }
                t = e;
            }
            if (s.end <= s.start)
                break;
            kz_schedule_walk_next(m, z, &s, &s); /* nothing is dropped while we walk */
        }
    }
    return 0;
}

static void plan_free(plan *pl)
{
    for (int d = 0; d < pl->n_days; d++)
        free(pl->days[d].c);
    free(pl->days);
    free(pl->tot);
    free(pl->rows);
}

/* --- formatting helpers ------------------------------------------------------------------ */

static void fmt_dur(kz_us us, char *out, size_t n)
{
    long long s = (long long)((us + KZ_US_PER_S / 2) / KZ_US_PER_S);
    snprintf(out, n, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

static void fmt_day(int day, char *out, size_t n)
{
    int y, mo, d;
    kz_civil_from_days(day, &y, &mo, &d);
    snprintf(out, n, "%04d-%02d-%02d", y, mo, d);
}

static const char *playlist_of(const kz_model *m, const kz_item *it)
{
    if (!it || it->playlist < 0 || (size_t)it->playlist >= m->n_playlists)
        return "";
    return m->playlists[it->playlist].name;
}

static const char *cname(const pstat *st)
{
    return !st->campaign ? "(standby)" : !*st->campaign ? "(no campaign)" : st->campaign;
}

static void html_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* --- text, CSV, JSON ----------------------------------------------------------------------- */

static void row_fields(kz_time_memo *tm, const prow *r, char *a, char *b, size_t n)
{
    kz_time_format_memo(tm, r->s.start, a, n);
    kz_time_format_memo(tm, r->s.end, b, n);
}

static int same_campaign(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

static int cmp_span(const void *x, const void *y)
{
    const kz_slot *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* The time campaign c is on screen in any zone: the union of its rows (a campaign shown in
 * two zones at once is on screen once). tmp has room for every row. */
static kz_us on_screen(const plan *pl, const char *c, kz_slot *tmp)
{
    size_t n = 0;
    for (size_t i = 0; i < pl->n; i++)
        if (pl->rows[i].s.item && same_campaign(campaign_of(pl->m, pl->rows[i].s.item), c))
            tmp[n++] = pl->rows[i].s;
    qsort(tmp, n, sizeof *tmp, cmp_span);
    kz_us total = 0, a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && tmp[i].start <= b) {
            if (tmp[i].end > b)
                b = tmp[i].end;
            continue;
        }
        total += b - a;
        a = tmp[i].start;
        b = tmp[i].end;
    }
    return total + (b - a);
}

/* The text opens with one line per campaign: the days it is on air in the range (and the
 * first and last of them), its plays in all zones and its time on screen. Thousands of slots
 * are for looking things up; this is what a reader wants first. Standby is left to the
 * per-zone table. */
static void out_summary(const plan *pl, FILE *f)
{
    char d[32], first[16], last[16];
    kz_slot *tmp = malloc((pl->n ? pl->n : 1) * sizeof *tmp);
    if (!tmp) {
        kz_log("plan", KZ_LOG_ERROR, "out of memory: the summary is left out");
        return;
    }
    fprintf(f, "\n# campaigns: days on air, plays (all zones), airtime (on screen in any zone)\n"
               "%-32s  %5s  %-22s  %8s  %12s\n", "campaign", "days", "on air", "plays",
            "airtime");
    for (int i = 0; i < pl->n_tot; i++) {
        const char *c = pl->tot[i].campaign;
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = same_campaign(pl->tot[k].campaign, c);
        if (!c || seen)
            continue; /* standby, or a campaign whose line is written */
        long plays = 0, days = 0;
        kz_us air = 0;
        int d0 = -1, d1 = -1;
        for (int k = i; k < pl->n_tot; k++) {
            if (!same_campaign(pl->tot[k].campaign, c))
                continue;
            plays += pl->tot[k].plays;
            air += pl->tot[k].airtime;
        }
        if (air)
            air = on_screen(pl, c, tmp);
        for (int day = 0; day < pl->n_days; day++) {
            kz_us on = 0;
            for (int k = i; k < pl->n_tot; k++)
                if (same_campaign(pl->days[day].c[k].campaign, c))
                    on += pl->days[day].c[k].airtime;
            if (!on)
                continue;
            days++;
            if (d0 < 0)
                d0 = day;
            d1 = day;
        }
        if (!air && !plays)
            continue;
        fmt_dur(air, d, sizeof d);
        char span[40] = "-";
        if (d0 >= 0) {
            fmt_day(pl->days[d0].day, first, sizeof first);
            fmt_day(pl->days[d1].day, last, sizeof last);
            snprintf(span, sizeof span, "%s..%s", first, last);
        }
        fprintf(f, "%-32s  %5ld  %-22s  %8ld  %12s\n", cname(&pl->tot[i]), days, span, plays, d);
    }
    fputc('\n', f);
    free(tmp);
}

static void out_text(const plan *pl, FILE *f)
{
    char a[48], b[48], d[32];
    kz_time_memo tm = {0};
    kz_time_format(pl->from, a, sizeof a);
    kz_time_format(pl->to, b, sizeof b);
    fprintf(f, "# kizuna plan %s .. %s (%s), %zu slots\n", a, b, kz_tz_name(), pl->n);
    out_summary(pl, f);
    fputs("# timeline\n", f);
    fprintf(f, "%-25s  %-25s  %-8s  %-20s  %-32s  %s\n", "start", "end", "zone", "playlist",
            "item", "campaign");
    for (size_t i = 0; i < pl->n; i++) {
        const prow *r = &pl->rows[i];
        row_fields(&tm, r, a, b, sizeof a);
        const char *c = campaign_of(pl->m, r->s.item);
        fprintf(f, "%-25s  %-25s  %-8s  %-20s  %-32s  %s\n", a, b,
                kz_schedule_zone_name(pl->m, r->zone), playlist_of(pl->m, r->s.item),
                r->s.item ? r->s.item->id : "(standby)", c ? c : "");
    }
    fprintf(f, "\n# per campaign (share: of the zone's time)\n%-8s  %-32s  %8s  %12s  %6s\n",
            "zone", "campaign", "plays", "airtime", "share");
    kz_us span = pl->to - pl->from;
    for (int i = 0; i < pl->n_tot; i++) {
        if (!pl->tot[i].airtime && !pl->tot[i].plays)
            continue;
        fmt_dur(pl->tot[i].airtime, d, sizeof d);
        fprintf(f, "%-8s  %-32s  %8ld  %12s  %5.1f%%\n",
                kz_schedule_zone_name(pl->m, pl->tot[i].zone), cname(&pl->tot[i]),
                pl->tot[i].plays, d,
                span > 0 ? 100.0 * (double)pl->tot[i].airtime / (double)span : 0.0);
    }
    fprintf(f, "\n# per day\n%-10s  %-8s  %-32s  %8s  %12s\n", "day", "zone", "campaign", "plays",
            "airtime");
    for (int k = 0; k < pl->n_days; k++) {
        char day[16];
        fmt_day(pl->days[k].day, day, sizeof day);
        for (int i = 0; i < pl->n_tot; i++) {
            const pstat *st = &pl->days[k].c[i];
            if (!st->airtime && !st->plays)
                continue;
            fmt_dur(st->airtime, d, sizeof d);
            fprintf(f, "%-10s  %-8s  %-32s  %8ld  %12s\n", day,
                    kz_schedule_zone_name(pl->m, st->zone), cname(st), st->plays, d);
        }
    }
}

static void out_csv(const plan *pl, FILE *f)
{
    char a[48], b[48];
    kz_time_memo tm = {0};
    fputs("start,end,zone,playlist,item,campaign\n", f);
    for (size_t i = 0; i < pl->n; i++) {
        const prow *r = &pl->rows[i];
        row_fields(&tm, r, a, b, sizeof a);
        const char *c = campaign_of(pl->m, r->s.item);
        fprintf(f, "%s,%s,", a, b);
        kz_csv_str(f, kz_schedule_zone_name(pl->m, r->zone));
        fputc(',', f);
        kz_csv_str(f, playlist_of(pl->m, r->s.item));
        fputc(',', f);
        kz_csv_str(f, r->s.item ? r->s.item->id : "");
        fputc(',', f);
        kz_csv_str(f, c ? c : "");
        fputc('\n', f);
    }
    fputs("\nzone,campaign,plays,airtime_s\n", f);
    for (int i = 0; i < pl->n_tot; i++) {
        kz_csv_str(f, kz_schedule_zone_name(pl->m, pl->tot[i].zone));
        fputc(',', f);
        kz_csv_str(f, cname(&pl->tot[i]));
        fprintf(f, ",%ld,%.3f\n", pl->tot[i].plays, (double)pl->tot[i].airtime / KZ_US_PER_S);
    }
    fputs("\nday,zone,campaign,plays,airtime_s\n", f);
    for (int k = 0; k < pl->n_days; k++) {
        char day[16];
        fmt_day(pl->days[k].day, day, sizeof day);
        for (int i = 0; i < pl->n_tot; i++) {
            const pstat *st = &pl->days[k].c[i];
            if (!st->airtime && !st->plays)
                continue;
            fprintf(f, "%s,", day);
            kz_csv_str(f, kz_schedule_zone_name(pl->m, st->zone));
            fputc(',', f);
            kz_csv_str(f, cname(st));
            fprintf(f, ",%ld,%.3f\n", st->plays, (double)st->airtime / KZ_US_PER_S);
        }
    }
}

static void out_json(const plan *pl, FILE *f)
{
    char a[48], b[48];
    kz_time_memo tm = {0};
    kz_time_format(pl->from, a, sizeof a);
    kz_time_format(pl->to, b, sizeof b);
    fprintf(f, "{\"from\":\"%s\",\"to\":\"%s\",\"timezone\":", a, b);
    kz_json_str(f, kz_tz_name());
    fputs(",\"slots\":[", f);
    for (size_t i = 0; i < pl->n; i++) {
        const prow *r = &pl->rows[i];
        row_fields(&tm, r, a, b, sizeof a);
        const char *c = campaign_of(pl->m, r->s.item);
        fprintf(f, "%s\n{\"start\":\"%s\",\"end\":\"%s\",\"zone\":", i ? "," : "", a, b);
        kz_json_str(f, kz_schedule_zone_name(pl->m, r->zone));
        fputs(",\"playlist\":", f);
        kz_json_str(f, playlist_of(pl->m, r->s.item));
        fputs(",\"item\":", f);
        if (r->s.item)
            kz_json_str(f, r->s.item->id);
        else
            fputs("null", f);
        fputs(",\"campaign\":", f);
        if (c && *c)
            kz_json_str(f, c);
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputs("],\n\"campaigns\":[", f);
    for (int i = 0; i < pl->n_tot; i++) {
        fputs(i ? ",\n{\"zone\":" : "\n{\"zone\":", f);
        kz_json_str(f, kz_schedule_zone_name(pl->m, pl->tot[i].zone));
        fputs(",\"campaign\":", f);
        kz_json_str(f, cname(&pl->tot[i]));
        fprintf(f, ",\"plays\":%ld,\"airtime_s\":%.3f}", pl->tot[i].plays,
                (double)pl->tot[i].airtime / KZ_US_PER_S);
    }
    fputs("],\n\"days\":[", f);
    int first = 1;
    for (int k = 0; k < pl->n_days; k++) {
        char day[16];
        fmt_day(pl->days[k].day, day, sizeof day);
        for (int i = 0; i < pl->n_tot; i++) {
            const pstat *st = &pl->days[k].c[i];
            if (!st->airtime && !st->plays)
                continue;
            fprintf(f, "%s\n{\"day\":\"%s\",\"zone\":", first ? "" : ",", day);
            kz_json_str(f, kz_schedule_zone_name(pl->m, st->zone));
            fputs(",\"campaign\":", f);
            kz_json_str(f, cname(st));
            fprintf(f, ",\"plays\":%ld,\"airtime_s\":%.3f}", st->plays,
                    (double)st->airtime / KZ_US_PER_S);
            first = 0;
        }
    }
    fputs("]}\n", f);
}

/* --- HTML: one page, inline CSS, no scripts or external assets ----------------------------- */

static void campaign_color(const pstat *st, char *out, size_t n)
{
    if (!st->campaign) {
        snprintf(out, n, "#c8c8c8");
        return;
    }
    if (!*st->campaign) {
        snprintf(out, n, "#8a9bb0");
        return;
    }
    uint32_t h = 2166136261u; /* FNV-1a: a stable colour per campaign name */
    for (const unsigned char *p = (const unsigned char *)st->campaign; *p; p++)
        h = (h ^ *p) * 16777619u;
    snprintf(out, n, "hsl(%u,62%%,%u%%)", (unsigned)(h % 360), 38u + (unsigned)(h >> 16) % 14);
}

static void out_html(const plan *pl, FILE *f)
{
    char a[48], b[48], d[32], col[40];
    kz_time_memo tm = {0};
    kz_time_format(pl->from, a, sizeof a);
    kz_time_format(pl->to, b, sizeof b);
    fputs("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>kizuna plan</title>\n<style>\n"
          "body{font-family:'BIZ UDGothic','Noto Sans CJK JP',sans-serif;margin:24px;"
          "color:#1b1b1b;background:#fafafa}\n"
          "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}\n"
          ".sub{color:#555;margin-bottom:16px}\n"
          ".legend span{display:inline-block;margin:0 14px 6px 0;white-space:nowrap}\n"
          ".chip{display:inline-block;width:14px;height:14px;border-radius:3px;"
          "vertical-align:-2px;margin-right:6px}\n"
          "table.cal{border-collapse:collapse;table-layout:fixed;width:100%;max-width:1200px}\n"
          ".cal th{font-weight:600;padding:4px;background:#e9ecef;font-size:13px}\n"
          ".cal td{border:1px solid #d0d4d9;vertical-align:top;height:118px;padding:4px;"
          "background:#fff;font-size:11px}\n"
          ".cal td.out{background:#f0f0f0;color:#aaa}\n"
          ".dn{font-weight:700;font-size:13px}.mo{color:#666;font-weight:400}\n"
          ".strip{display:flex;height:10px;margin:4px 0 2px;border-radius:2px;overflow:hidden}\n"
          ".hours{display:flex;height:22px;margin:2px 0 4px}\n"
          ".hours div{flex:1;border-right:1px solid #fff}\n"
          ".c{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;line-height:14px}\n"
          ".n2{color:#555;padding-left:15px;margin-bottom:2px}\n"
          "table.t{border-collapse:collapse;font-size:13px}\n"
          ".t td,.t th{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}\n"
          ".t td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
          "</style></head><body>\n<h1>kizuna plan</h1>\n<div class=\"sub\">", f);
    html_str(f, a);
    fputs(" – ", f);
    html_str(f, b);
    fputs(" (", f);
    html_str(f, kz_tz_name());
    fprintf(f, "), %zu slots</div>\n<div class=\"legend\">", pl->n);
    for (int i = 0; i < pl->n_tot; i++) {
        if (pl->tot[i].zone != 0 || (!pl->tot[i].airtime && !pl->tot[i].plays))
            continue;
        campaign_color(&pl->tot[i], col, sizeof col);
        fmt_dur(pl->tot[i].airtime, d, sizeof d);
        fprintf(f, "<span><i class=\"chip\" style=\"background:%s\"></i>", col);
        html_str(f, cname(&pl->tot[i]));
        fprintf(f, " — %s, %ld plays</span>", d, pl->tot[i].plays);
    }
    fputs("</div>\n<h2>Calendar (zone main)</h2>\n<p class=\"sub\">Each day: the bar is the "
          "share of the day per campaign; the 24 blocks below it are the hours 0–23, coloured "
          "by the campaign with the most airtime in that hour. Other zones: see the totals "
          "below.</p>\n", f);

    /* Hourly dominant campaign for zone 0, per day. */
    int nh = pl->n_days * 24;
    int *hour_c = malloc((size_t)nh * sizeof *hour_c);
    kz_us *hour_best = calloc((size_t)nh * (size_t)(pl->n_tot ? pl->n_tot : 1), sizeof *hour_best);
    if (hour_c && hour_best) {
        dayspan dc = {0};
        for (size_t i = 0; i < pl->n; i++) {
            const prow *r = &pl->rows[i];
            if (r->zone != 0)
                continue;
            const char *c = campaign_of(pl->m, r->s.item);
            int ci = 0;
            for (int k = 0; k < pl->n_tot; k++)
                if (pl->tot[k].zone == 0 &&
                    ((!c && !pl->tot[k].campaign) ||
                     (c && pl->tot[k].campaign && !strcmp(c, pl->tot[k].campaign))))
                    ci = k;
            kz_us t = r->s.start > pl->from ? r->s.start : pl->from;
            kz_us e = r->s.end < pl->to ? r->s.end : pl->to;
            while (t < e) {
                int day = day_at(&dc, t);
                kz_us ds = dc.ds, de = dc.de;
                int h = (int)((t - ds) / (3600 * KZ_US_PER_S));
                if (h > 23)
                    h = 23;
                kz_us he = ds + (kz_us)(h + 1) * 3600 * KZ_US_PER_S;
                if (h == 23 || he > de)
                    he = de;
                kz_us x = e < he ? e : he;
                int idx = (day - pl->day0) * 24 + h;
                if (idx >= 0 && idx < nh)
                    hour_best[(size_t)idx * (size_t)pl->n_tot + (size_t)ci] += x - t;
                t = x;
            }
        }
        for (int i = 0; i < nh; i++) {
            hour_c[i] = -1;
            kz_us best = 0;
            for (int k = 0; k < pl->n_tot; k++)
                if (hour_best[(size_t)i * (size_t)pl->n_tot + (size_t)k] > best) {
                    best = hour_best[(size_t)i * (size_t)pl->n_tot + (size_t)k];
                    hour_c[i] = k;
                }
        }
    }

    /* Weeks from the Monday on or before the first day to the Sunday after the last. */
    int first = pl->day0 - kz_weekday(pl->day0);
    int last = pl->day0 + pl->n_days - 1;
    last += 6 - kz_weekday(last);
    static const char *wd[7] = {"月 Mon", "火 Tue", "水 Wed", "木 Thu", "金 Fri", "土 Sat",
                                "日 Sun"};
    fputs("<table class=\"cal\"><tr>", f);
    for (int i = 0; i < 7; i++)
        fprintf(f, "<th>%s</th>", wd[i]);
    fputs("</tr>\n", f);
    for (int day = first; day <= last; day++) {
        if (kz_weekday(day) == 0)
            fputs("<tr>", f);
        int y, mo, dd, k = day - pl->day0;
        kz_civil_from_days(day, &y, &mo, &dd);
        if (k < 0 || k >= pl->n_days) {
            fprintf(f, "<td class=\"out\"><div class=\"dn\">%d <span class=\"mo\">%d月</span>"
                       "</div></td>", dd, mo);
        } else {
            const pday *pd = &pl->days[k];
            kz_us total = 0;
            for (int i = 0; i < pl->n_tot; i++)
                if (pd->c[i].zone == 0)
                    total += pd->c[i].airtime;
            fprintf(f, "<td><div class=\"dn\">%d <span class=\"mo\">%d月</span></div>"
                       "<div class=\"strip\">", dd, mo);
            for (int i = 0; i < pl->n_tot; i++) {
                if (!pd->c[i].airtime || !total || pd->c[i].zone != 0)
                    continue;
                campaign_color(&pd->c[i], col, sizeof col);
                fprintf(f, "<div style=\"width:%.2f%%;background:%s\"></div>",
                        100.0 * (double)pd->c[i].airtime / (double)total, col);
            }
            fputs("</div><div class=\"hours\">", f);
            for (int h = 0; h < 24; h++) {
                int ci = hour_c ? hour_c[k * 24 + h] : -1;
                if (ci >= 0)
                    campaign_color(&pl->tot[ci], col, sizeof col);
                else
                    snprintf(col, sizeof col, "#eee");
                fprintf(f, "<div style=\"background:%s\" title=\"%02d:00\"></div>", col, h);
            }
            fputs("</div>", f);
            for (int i = 0; i < pl->n_tot; i++) {
                const pstat *st = &pd->c[i];
                if (!st->campaign || !st->airtime || st->zone != 0)
                    continue;
                campaign_color(st, col, sizeof col);
                long long mins = (long long)((st->airtime + 30 * KZ_US_PER_S) / (60 * KZ_US_PER_S));
                fprintf(f, "<div class=\"c\"><i class=\"chip\" style=\"background:%s;"
                           "width:9px;height:9px\"></i>", col);
                html_str(f, cname(st));
                fprintf(f, "</div><div class=\"c n2\">%lld:%02lld h · %ld plays</div>", mins / 60,
                        mins % 60, st->plays);
            }
            fputs("</td>", f);
        }
        if (kz_weekday(day) == 6)
            fputs("</tr>\n", f);
    }
    fputs("</table>\n<h2>Per zone and campaign</h2>\n<table class=\"t\"><tr><th>zone</th>"
          "<th>campaign</th><th>plays</th><th>airtime</th></tr>\n", f);
    for (int i = 0; i < pl->n_tot; i++) {
        campaign_color(&pl->tot[i], col, sizeof col);
        fmt_dur(pl->tot[i].airtime, d, sizeof d);
        fputs("<tr><td>", f);
        html_str(f, kz_schedule_zone_name(pl->m, pl->tot[i].zone));
        fprintf(f, "</td><td><i class=\"chip\" style=\"background:%s\"></i>", col);
        html_str(f, cname(&pl->tot[i]));
        fprintf(f, "</td><td class=\"n\">%ld</td><td class=\"n\">%s</td></tr>\n",
                pl->tot[i].plays, d);
    }
    fputs("</table>\n", f);
    if (pl->n <= 5000) {
        fputs("<h2>Timeline</h2>\n<table class=\"t\"><tr><th>start</th><th>end</th>"
              "<th>zone</th><th>item</th><th>campaign</th></tr>\n", f);
        for (size_t i = 0; i < pl->n; i++) {
            const prow *r = &pl->rows[i];
            row_fields(&tm, r, a, b, sizeof a);
            const char *c = campaign_of(pl->m, r->s.item);
            fprintf(f, "<tr><td>%s</td><td>%s</td><td>", a, b);
            html_str(f, kz_schedule_zone_name(pl->m, r->zone));
            fputs("</td><td>", f);
            html_str(f, r->s.item ? r->s.item->id : "(standby)");
            fputs("</td><td>", f);
            html_str(f, c ? c : "");
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    } else {
        fprintf(f, "<p class=\"sub\">%zu slots: the full timeline is in "
                   "<code>kizuna plan --format csv</code>.</p>\n", pl->n);
    }
    fputs("</body></html>\n", f);
    free(hour_c);
    free(hour_best);
}

/* --- the command ------------------------------------------------------------------------- */

int kz_cmd_parse_date(const char *cmd, const char *opt, const char *s, int end, kz_us *out)
{
    int y, mo, d;
    if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
        if (mo < 1 || mo > 12 || d < 1 || d > kz_days_in_month(y, mo)) {
            fprintf(stderr, "kizuna %s: %s %s: not a date\n", cmd, opt, s);
            return 2;
        }
        *out = kz_schedule_wall(kz_days_from_civil(y, mo, d) + (end ? 1 : 0), 0);
        return 0;
    }
    if (kz_time_parse(s, out)) {
        fprintf(stderr, "kizuna %s: %s %s: expected a date (2025-02-01) or an ISO 8601 "
                        "time\n", cmd, opt, s);
        return 2;
    }
    return 0;
}

int kz_cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},  {"to", required_argument, NULL, 't'},
        {"config", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'F'},
        {"out", required_argument, NULL, 'o'},   {"quiet", no_argument, NULL, 'q'},
        {0, 0, 0, 0},
    };
    const char *from_s = NULL, *to_s = NULL, *out_path = NULL;
    int fmt = FMT_TEXT, c, rc;
    kz_player_opts o;
    memset(&o, 0, sizeof o);
    kz_cmd_wire(&o, 0);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f': from_s = optarg; break;
        case 't': to_s = optarg; break;
        case 'c': o.config = optarg; break;
        case 'o': out_path = optarg; break;
        case 'q': kz_log_set_level(KZ_LOG_ERROR); break;
        case 'F':
            if (kz_parse_enum(optarg, "text|csv|json|html", &fmt)) {
                fprintf(stderr, "kizuna plan: --format %s: expected text, csv, json or html\n",
                        optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "kizuna plan: unknown option %s\n", argv[optind - 1]);
            return 2;
        }
    }
    if (!from_s || !to_s || optind < argc) {
        fprintf(stderr, "usage: kizuna plan --from DATE --to DATE [--config F] "
                        "[--format text|csv|json|html] [--out FILE]\n");
        return 2;
    }
    o.headless = 1;
    kz_player p;
    if ((rc = kz_player_open(&p, &o)))
        return rc;
    plan pl;
    memset(&pl, 0, sizeof pl);
    pl.m = &p.model;
    if ((rc = kz_cmd_parse_date("plan", "--from", from_s, 0, &pl.from)) ||
        (rc = kz_cmd_parse_date("plan", "--to", to_s, 1, &pl.to)))
        goto done;
    if (pl.to <= pl.from) {
        fprintf(stderr, "kizuna plan: --to must be after --from\n");
        rc = 2;
        goto done;
    }
    if (build(&pl) < 0) {
        kz_log("plan", KZ_LOG_ERROR, "out of memory");
        rc = 1;
        goto done;
    }
    FILE *f = stdout;
    if (out_path && !(f = fopen(out_path, "w"))) {
        kz_log("plan", KZ_LOG_ERROR, "%s: cannot write: %m", out_path);
        rc = 1;
        goto done;
    }
    switch (fmt) {
    case FMT_TEXT: out_text(&pl, f); break;
    case FMT_CSV: out_csv(&pl, f); break;
    case FMT_JSON: out_json(&pl, f); break;
    case FMT_HTML: out_html(&pl, f); break;
    }
    if (f != stdout && fclose(f)) {
        kz_log("plan", KZ_LOG_ERROR, "%s: write failed", out_path);
        rc = 1;
    } else if (f == stdout) {
        fflush(stdout);
    }
done:
    plan_free(&pl);
    kz_player_close(&p);
    return rc;
}
