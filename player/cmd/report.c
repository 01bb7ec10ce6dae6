/* kizuna report LOG... [--config F] [--from T] [--to T] [--by campaign|day|item|hour]
 *                     [--format text|csv|json|png] [--out F] [--size WxH]
 * Proof of play aggregated, set against the plan of the same schedule, with the gaps. */
#include "cmd/report.h"

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/grow.h"
#include "base/log.h"
#include "base/params.h"
#include "base/png.h"
#include "base/textout.h"
#include "base/timeutil.h"
#include "cmd/commands.h"
#include "model/schedule.h"
#include "screen/player.h"

#define LOG "report"
#define KZ_PLAN_MAX_SLOTS 50000000L

static const char *const by_names[] = {"campaign", "day", "item", "hour"};

int kz_report_parse_by(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, by_names[i]))
            return i;
    return -1;
}

/* ---- building --------------------------------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    return strcmp(((const kz_pop_rec *)a)->id, ((const kz_pop_rec *)b)->id);
}

static int cmp_start(const void *a, const void *b)
{
    const kz_pop_rec *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : strcmp(x->id, y->id);
}

static void key_of(int by, const char *campaign, const char *playlist, const char *item,
                   kz_us start, char *out, size_t n)
{
    struct tm tm;
    switch (by) {
    case KZ_BY_CAMPAIGN:
        snprintf(out, n, "%s", campaign && *campaign ? campaign : "(no campaign)");
        break;
    case KZ_BY_ITEM: snprintf(out, n, "%s/%s", playlist, item); break;
    case KZ_BY_DAY:
        kz_local_tm(start, &tm);
        snprintf(out, n, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        break;
    default:
        kz_local_tm(start, &tm);
        snprintf(out, n, "%04d-%02d-%02d %02d:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour);
        break;
    }
}

static kz_report_row *row_get(kz_report *r, const char *key)
{
    for (size_t i = r->n_rows; i-- > 0;)
        if (!strcmp(r->rows[i].key, key))
            return &r->rows[i];
    kz_report_row *nr = realloc(r->rows, (r->n_rows + 1) * sizeof *nr);
    if (!nr)
        return NULL;
    r->rows = nr;
    kz_report_row *row = &nr[r->n_rows++];
    memset(row, 0, sizeof *row);
    snprintf(row->key, sizeof row->key, "%s", key);
    return row;
}

static int name_index(char (**arr)[128], size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*arr)[i], s))
            return (int)i;
    char(*na)[128] = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return -1;
    *arr = na;
    snprintf(na[*n], 128, "%s", s);
    return (int)(*n)++;
}

static int day_index(kz_report *r, kz_us t)
{
    struct tm tm;
    kz_local_tm(t, &tm);
    char d[16];
    snprintf(d, sizeof d, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    for (size_t i = 0; i < r->n_days; i++)
        if (!strcmp(r->days[i], d))
            return (int)i;
    char(*nd)[16] = realloc(r->days, (r->n_days + 1) * sizeof *nd);
    if (!nd)
        return -1;
    r->days = nd;
    memcpy(nd[r->n_days], d, sizeof d);
    return (int)r->n_days++;
}

static kz_report_cell *cell_get(kz_report *r, kz_us t, const char *campaign)
{
    int d = day_index(r, t);
    int c = name_index(&r->campaigns, &r->n_campaigns,
                       campaign && *campaign ? campaign : "(no campaign)");
    if (d < 0 || c < 0)
        return NULL;
    for (size_t i = r->n_cells; i-- > 0;)
        if (r->cells[i].day == d && r->cells[i].campaign == c)
            return &r->cells[i];
    kz_report_cell *nc = realloc(r->cells, (r->n_cells + 1) * sizeof *nc);
    if (!nc)
        return NULL;
    r->cells = nc;
    nc[r->n_cells] = (kz_report_cell){d, c, 0, 0};
    return &nc[r->n_cells++];
}

/* Seconds of [a, b) inside [from, to). */
static double overlap(kz_us a, kz_us b, kz_us from, kz_us to)
{
    kz_us s = a > from ? a : from, e = b < to ? b : to;
    return e > s ? (double)(e - s) / KZ_US_PER_S : 0;
}

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const kz_report_row *)a)->key, ((const kz_report_row *)b)->key);
}

static int cmp_day(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int kz_report_build(kz_report *r, kz_pop_rec *recs, size_t n, kz_us from, kz_us to, int by,
                    const kz_model *plan, const char *zone)
{
    memset(r, 0, sizeof *r);
    r->by = by;
    if (zone) {
        snprintf(r->zone, sizeof r->zone, "%s", zone);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(recs[i].zone, zone))
                recs[k++] = recs[i];
        n = k;
    }
    /* de-duplicate by line id */
    qsort(recs, n, sizeof *recs, cmp_id);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && !strcmp(recs[m - 1].id, recs[i].id)) {
            r->duplicates++;
            continue;
        }
        recs[m++] = recs[i];
    }
    n = m;
    r->records = (long)n;
    qsort(recs, n, sizeof *recs, cmp_start);
    if (!from && !to && n) {
        from = recs[0].start;
        for (size_t i = 0; i < n; i++)
            to = recs[i].end > to ? recs[i].end : to;
    }
    r->from = from;
    r->to = to;
    /* screens: the id starts with the screen name */
    char screens[8][64];
    for (size_t i = 0; i < n; i++) {
        char s[64];
        snprintf(s, sizeof s, "%.*s", (int)strcspn(recs[i].id, "@"), recs[i].id);
        int found = 0;
        for (int k = 0; k < r->screens && k < 8; k++)
            found |= !strcmp(screens[k], s);
        if (!found) {
            if (r->screens < 8)
                snprintf(screens[r->screens], 64, "%s", s);
            if (!r->screens)
                snprintf(r->screen, sizeof r->screen, "%s", s);
            r->screens++;
        }
    }
    char key[192];
    /* aired */
    for (size_t i = 0; i < n; i++) {
        kz_pop_rec *x = &recs[i];
        double ov = overlap(x->start, x->end, from, to);
        int kind = kz_pop_kind(x);
        if (kind == KZ_POP_STANDBY_KIND) {
            r->standby_s += ov;
            continue;
        }
        if (kind == KZ_POP_INTERRUPT_KIND) {
            r->interrupt_s += ov;
            r->interrupts += ov > 0;
            continue;
        }
        if (ov <= 0 && !(x->start >= from && x->start < to))
            continue;
        kz_us at = x->start > from ? x->start : from;
        key_of(by, x->campaign, x->playlist, x->item, at, key, sizeof key);
        kz_report_row *row = row_get(r, key);
        kz_report_cell *c = cell_get(r, at, x->campaign);
        if (!row || !c)
            return -1;
        if (ov > 0 || (x->start >= from && x->start < to)) { /* any part in the range */
            row->plays++;
            row->completed += x->outcome == KZ_AIRED_COMPLETED;
        }
        row->airtime += ov;
        c->aired += ov;
    }
    /* gaps: no item on air */
    kz_us cursor = from;
    for (size_t i = 0; i <= n; i++) {
        kz_us s = to, e = to;
        if (i < n) {
            if (kz_pop_kind(&recs[i]) != KZ_POP_ITEM || recs[i].end <= from || recs[i].start >= to)
                continue;
            s = recs[i].start;
            e = recs[i].end;
        }
        if (s > to)
            s = to;
        if (s - cursor >= KZ_REPORT_MIN_GAP) {
            kz_report_gap g = {cursor, s, 0, 0};
            for (size_t k = 0; k < n; k++) {
                int kind = kz_pop_kind(&recs[k]);
                if (kind == KZ_POP_STANDBY_KIND)
                    g.standby += overlap(recs[k].start, recs[k].end, g.start, g.end);
                else if (kind == KZ_POP_INTERRUPT_KIND)
                    g.interrupt += overlap(recs[k].start, recs[k].end, g.start, g.end);
            }
            kz_report_gap *ng = realloc(r->gaps, (r->n_gaps + 1) * sizeof *ng);
            if (!ng)
                return -1;
            r->gaps = ng;
            ng[r->n_gaps++] = g;
            double len = (double)(g.end - g.start) / KZ_US_PER_S;
            r->gap_s += len;
            r->off_air_s += len - g.standby - g.interrupt;
        }
        if (e > cursor)
            cursor = e;
    }
    if (r->off_air_s < 0)
        r->off_air_s = 0;
    /* planned: walk the same schedule over the range */
    int n_zones = plan ? kz_schedule_zone_count(plan) : 0;
    int only = zone && plan ? kz_schedule_zone_find(plan, zone) : -1;
    if (zone && plan && only < 0)
        kz_log(LOG, KZ_LOG_WARN, "zone %s: no playlist plays in it; nothing is planned there",
               zone);
    if (zone && plan)
        r->has_plan = 1;
    for (int zi = 0; plan && to > from && zi < (n_zones > 0 ? n_zones : 1); zi++) {
        if (zone && zi != only)
            continue;
        int zone_i = zi;
        r->has_plan = 1;
        kz_slot s, nx;
        kz_schedule_zone_at(plan, zone_i, from, &s);
        for (long k = 0; k < KZ_PLAN_MAX_SLOTS && s.start < to; k++) {
            double ov = overlap(s.start, s.end, from, to);
            if (!s.item) {
                if (zone_i == 0) /* the main zone's standby slide */
                    r->planned_standby_s += ov;
            } else {
                const kz_item *it = s.item;
                const char *camp = kz_item_campaign(plan, it);
                const char *slash = strchr(it->id, '/');
                char pl[128];
                snprintf(pl, sizeof pl, "%.*s", slash ? (int)(slash - it->id) : 0, it->id);
                kz_us at = s.start > from ? s.start : from;
                key_of(by, camp, pl, slash ? slash + 1 : it->id, at, key, sizeof key);
                kz_report_row *row = row_get(r, key);
                kz_report_cell *c = cell_get(r, at, camp);
                if (!row || !c)
                    return -1;
                row->planned_plays += ov > 0; /* like aired lines: any part in range */
                row->planned_airtime += ov;
                c->planned += ov;
            }
            if (kz_schedule_zone_next(plan, zone_i, &s, &nx) || nx.end <= nx.start ||
                nx.start < s.end)
                break;
            s = nx;
        }
    }
    qsort(r->rows, r->n_rows, sizeof *r->rows, cmp_row);
    /* days in order: cells refer to day indexes, so remap after sorting */
    if (r->n_days > 1) {
        char(*sorted)[16] = malloc(r->n_days * sizeof *sorted);
        if (!sorted)
            return -1;
        memcpy(sorted, r->days, r->n_days * sizeof *sorted);
        qsort(sorted, r->n_days, sizeof *sorted, cmp_day);
        for (size_t i = 0; i < r->n_cells; i++)
            for (size_t d = 0; d < r->n_days; d++)
                if (!strcmp(sorted[d], r->days[r->cells[i].day])) {
                    r->cells[i].day = (int)d;
                    break;
                }
        free(r->days);
        r->days = sorted;
    }
    snprintf(r->total.key, sizeof r->total.key, "total");
    for (size_t i = 0; i < r->n_rows; i++) {
        r->total.plays += r->rows[i].plays;
        r->total.completed += r->rows[i].completed;
        r->total.airtime += r->rows[i].airtime;
        r->total.planned_plays += r->rows[i].planned_plays;
        r->total.planned_airtime += r->rows[i].planned_airtime;
    }
    return 0;
}

void kz_report_free(kz_report *r)
{
    free(r->rows);
    free(r->gaps);
    free(r->days);
    free(r->campaigns);
    free(r->cells);
    memset(r, 0, sizeof *r);
}

/* ---- output ----------------------------------------------------------------------------- */

static void fmt_dur(double s, char *out, size_t n)
{
    long t = lround(s);
    if (t >= 3600)
        snprintf(out, n, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
    else if (t >= 60)
        snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, n, "%lds", t);
}

static void text_row(const kz_report *r, const kz_report_row *row, FILE *f)
{
    char a[32], pa[32];
    fmt_dur(row->airtime, a, sizeof a);
    fprintf(f, "%-32s %7ld %9ld %12s", row->key, row->plays, row->completed, a);
    if (r->has_plan) {
        fmt_dur(row->planned_airtime, pa, sizeof pa);
        fprintf(f, " %9ld %12s", row->planned_plays, pa);
        if (row->planned_airtime > 0)
            fprintf(f, " %7.1f%%", 100.0 * row->airtime / row->planned_airtime);
        else
            fprintf(f, " %8s", "-");
    }
    fputc('\n', f);
}

void kz_report_write_text(const kz_report *r, FILE *f)
{
    char a[48], b[48], d[32];
    kz_time_format(r->from, a, sizeof a);
    kz_time_format(r->to, b, sizeof b);
    fprintf(f, "proof of play %s .. %s, %s%s\n", a, b, r->zone[0] ? "zone " : "every zone",
            r->zone);
    fprintf(f, "%ld lines (%ld duplicates dropped, %ld unreadable skipped), %d screen%s%s%s\n",
            r->records, r->duplicates, r->skipped, r->screens, r->screens == 1 ? "" : "s",
            r->screens ? ": " : "", r->screen);
    if (r->screens > 1 && r->has_plan)
        fprintf(f, "note: the plan is for one screen; aired sums %d screens\n", r->screens);
    fprintf(f, "\n%-32s %7s %9s %12s", by_names[r->by], "plays", "completed", "airtime");
    if (r->has_plan)
        fprintf(f, " %9s %12s %8s", "planned", "planned-air", "aired");
    fputc('\n', f);
    for (size_t i = 0; i < r->n_rows; i++)
        text_row(r, &r->rows[i], f);
    text_row(r, &r->total, f);
    fmt_dur(r->gap_s, d, sizeof d);
    fprintf(f, "\ngaps with nothing on air: %zu, %s", r->n_gaps, d);
    fmt_dur(r->standby_s, d, sizeof d);
    fprintf(f, " (standby slide %s", d);
    fmt_dur(r->interrupt_s, d, sizeof d);
    fprintf(f, ", interrupts %ld for %s", r->interrupts, d);
    fmt_dur(r->off_air_s, d, sizeof d);
    fprintf(f, ", player off %s)\n", d);
    if (r->has_plan) {
        fmt_dur(r->planned_standby_s, d, sizeof d);
        fprintf(f, "planned standby (nothing scheduled): %s\n", d);
    }
    size_t shown = 0;
    for (size_t i = 0; i < r->n_gaps && shown < 20; i++) {
        const kz_report_gap *g = &r->gaps[i];
        kz_time_format(g->start, a, sizeof a);
        kz_time_format(g->end, b, sizeof b);
        fmt_dur((double)(g->end - g->start) / KZ_US_PER_S, d, sizeof d);
        double len = (double)(g->end - g->start) / KZ_US_PER_S;
        const char *what = g->interrupt > len / 2  ? "interrupt"
                           : g->standby > len / 2  ? "standby"
                                                   : "player off";
        fprintf(f, "  %s .. %s  %10s  %s\n", a, b, d, what);
        shown++;
    }
    if (r->n_gaps > shown)
        fprintf(f, "  ... %zu more\n", r->n_gaps - shown);
}

void kz_report_write_csv(const kz_report *r, FILE *f)
{
    fprintf(f, "%s,plays,completed,airtime_s,planned_plays,planned_airtime_s\n", by_names[r->by]);
    for (size_t i = 0; i <= r->n_rows; i++) {
        const kz_report_row *row = i < r->n_rows ? &r->rows[i] : &r->total;
        kz_csv_str(f, row->key);
        fprintf(f, ",%ld,%ld,%.3f,", row->plays, row->completed, row->airtime);
        if (r->has_plan)
            fprintf(f, "%ld,%.3f\n", row->planned_plays, row->planned_airtime);
        else
            fputs(",\n", f);
    }
    fputs("\ngap_start,gap_end,seconds,standby_s,interrupt_s\n", f);
    for (size_t i = 0; i < r->n_gaps; i++) {
        char a[48], b[48];
        kz_time_format(r->gaps[i].start, a, sizeof a);
        kz_time_format(r->gaps[i].end, b, sizeof b);
        fprintf(f, "%s,%s,%.3f,%.3f,%.3f\n", a, b,
                (double)(r->gaps[i].end - r->gaps[i].start) / KZ_US_PER_S, r->gaps[i].standby,
                r->gaps[i].interrupt);
    }
}

static void json_row(const kz_report *r, const kz_report_row *row, FILE *f)
{
    fputs("{\"key\":", f);
    kz_json_str(f, row->key);
    fprintf(f, ",\"plays\":%ld,\"completed\":%ld,\"airtime_s\":%.3f", row->plays, row->completed,
            row->airtime);
    if (r->has_plan)
        fprintf(f, ",\"planned_plays\":%ld,\"planned_airtime_s\":%.3f", row->planned_plays,
                row->planned_airtime);
    fputc('}', f);
}

void kz_report_write_json(const kz_report *r, FILE *f)
{
    char a[48], b[48];
    kz_time_format(r->from, a, sizeof a);
    kz_time_format(r->to, b, sizeof b);
    fputs("{\"zone\":", f);
    kz_json_str(f, r->zone[0] ? r->zone : "*");
    fprintf(f, ",\"from\":\"%s\",\"to\":\"%s\",\"by\":\"%s\",\"lines\":%ld,\"duplicates\":%ld,"
               "\"skipped\":%ld,\"screens\":%d,\"has_plan\":%s,\n\"rows\":[",
            a, b, by_names[r->by], r->records, r->duplicates, r->skipped, r->screens,
            r->has_plan ? "true" : "false");
    for (size_t i = 0; i < r->n_rows; i++) {
        fputs(i ? ",\n" : "\n", f);
        json_row(r, &r->rows[i], f);
    }
    fputs("],\n\"total\":", f);
    json_row(r, &r->total, f);
    fprintf(f, ",\n\"gaps\":{\"count\":%zu,\"seconds\":%.3f,\"standby_s\":%.3f,"
               "\"interrupt_s\":%.3f,\"interrupts\":%ld,\"off_air_s\":%.3f",
            r->n_gaps, r->gap_s, r->standby_s, r->interrupt_s, r->interrupts, r->off_air_s);
    if (r->has_plan)
        fprintf(f, ",\"planned_standby_s\":%.3f", r->planned_standby_s);
    fputs(",\"list\":[", f);
    for (size_t i = 0; i < r->n_gaps; i++) {
        kz_time_format(r->gaps[i].start, a, sizeof a);
        kz_time_format(r->gaps[i].end, b, sizeof b);
        fprintf(f, "%s{\"start\":\"%s\",\"end\":\"%s\",\"standby_s\":%.3f,\"interrupt_s\":%.3f}",
                i ? "," : "", a, b, r->gaps[i].standby, r->gaps[i].interrupt);
    }
    fputs("]}}\n", f);
}

/* ---- the chart -------------------------------------------------------------------------- */

static const SDL_Color palette[] = {
    {0x1f, 0x77, 0xb4, 255}, {0xff, 0x7f, 0x0e, 255}, {0x2c, 0xa0, 0x2c, 255},
    {0xd6, 0x27, 0x28, 255}, {0x94, 0x67, 0xbd, 255}, {0x8c, 0x56, 0x4b, 255},
    {0xe3, 0x77, 0xc2, 255}, {0x7f, 0x7f, 0x7f, 255}, {0xbc, 0xbd, 0x22, 255},
    {0x17, 0xbe, 0xcf, 255},
};
#define N_PALETTE (sizeof palette / sizeof palette[0])

/* Draw utf8 at (x, y); anchor 0 left, 1 centre, 2 right. Returns the width drawn. */
static int label(SDL_Renderer *ren, kz_fonts *fonts, const char *s, int px, int bold, int x,
                 int y, int anchor, SDL_Color col)
{
    if (!fonts || !*s)
        return 0;
    kz_text_style st = {.struct_size = sizeof st, .px = px, .bold = bold,
                        .color = {col.r, col.g, col.b, 255}};
    SDL_Surface *surf = kz_text_render(fonts, s, &st);
    if (!surf)
        return 0;
    SDL_Texture *t = SDL_CreateTextureFromSurface(ren, surf);
    SDL_Rect d = {x - (anchor == 1 ? surf->w / 2 : anchor == 2 ? surf->w : 0), y, surf->w,
                  surf->h};
    if (t) {
        SDL_RenderCopy(ren, t, NULL, &d);
        SDL_DestroyTexture(t);
    }
    int w = surf->w;
    SDL_FreeSurface(surf);
    return w;
}

int kz_report_write_png(const kz_report *r, kz_fonts *fonts, const char *path, int w, int h)
{
    int rc = -1;
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    double *stack_a = calloc(r->n_days + 1, sizeof *stack_a);
    double *stack_p = calloc(r->n_days + 1, sizeof *stack_p);
    if (!ren || !stack_a || !stack_p) {
        kz_log(LOG, KZ_LOG_ERROR, "chart: cannot create a %dx%d canvas: %s", w, h,
               SDL_GetError());
        goto fail;
    }
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ren, 0xfb, 0xfb, 0xf8, 255);
    SDL_RenderClear(ren);
    const SDL_Color ink = {0x22, 0x2a, 0x33, 255}, grey = {0x80, 0x88, 0x90, 255};
    int fs = h / 40 > 11 ? h / 40 : 11;
    char a[48], b[48], title[256];
    kz_time_format(r->from, a, sizeof a);
    kz_time_format(r->to > r->from ? r->to - 1 : r->to, b, sizeof b); /* the last day shown */
    snprintf(title, sizeof title, "Airtime per day by campaign — %s, %s%s — %.10s .. %.10s",
             r->screen[0] ? r->screen : "kizuna", r->zone[0] ? "zone " : "all zones",
             r->zone, a, b);
    label(ren, fonts, title, fs * 3 / 2, 1, w / 2, fs / 2, 1, ink);
    /* legend */
    int lx = fs * 4, ly = fs * 5 / 2 + fs;
    for (size_t c = 0; c < r->n_campaigns; c++) {
        SDL_Color col = palette[c % N_PALETTE];
        int tw = fonts ? 0 : 80;
        char name[140];
        snprintf(name, sizeof name, "%s", r->campaigns[c]);
        /* measure by drawing off-canvas first would cost a render; estimate instead */
        SDL_Rect sw = {lx, ly + fs / 4, fs, fs};
        SDL_SetRenderDrawColor(ren, col.r, col.g, col.b, 255);
        SDL_RenderFillRect(ren, &sw);
        tw = label(ren, fonts, name, fs, 0, lx + fs * 3 / 2, ly, 0, ink);
        lx += fs * 3 + (tw ? tw : 80);
        if (lx > w - fs * 12) {
            lx = fs * 4;
            ly += fs * 2;
        }
    }
    if (r->has_plan) {
        SDL_Rect sw = {lx, ly + fs / 4, fs, fs};
        SDL_SetRenderDrawColor(ren, ink.r, ink.g, ink.b, 255);
        SDL_RenderDrawRect(ren, &sw);
        label(ren, fonts, "planned (outline)", fs, 0, lx + fs * 3 / 2, ly, 0, ink);
    }
    /* plot area */
    int x0 = fs * 5, x1 = w - fs * 2, y0 = ly + fs * 3, y1 = h - fs * 3;
    double ymax = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        stack_a[r->cells[i].day] += r->cells[i].aired;
        stack_p[r->cells[i].day] += r->cells[i].planned;
    }
    for (size_t d = 0; d < r->n_days; d++) {
        ymax = stack_a[d] > ymax ? stack_a[d] : ymax;
        ymax = stack_p[d] > ymax ? stack_p[d] : ymax;
    }
    double hours = ymax / 3600;
    /* about five to eight grid lines: steps of minutes or hours */
    static const double steps[] = {1.0 / 60, 5.0 / 60, 10.0 / 60, 0.25, 0.5, 1, 2, 4, 6, 12};
    double step = 12;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if ((hours > 0 ? hours : 1.0 / 60) / steps[i] <= 8) {
            step = steps[i];
            break;
        }
    double ytop = ceil((hours > 0 ? hours : 1.0 / 60) / step) * step;
    SDL_SetRenderDrawColor(ren, 0xdd, 0xe0, 0xe4, 255);
    for (double v = 0; v <= ytop + 1e-9; v += step) {
        int y = y1 - (int)((y1 - y0) * v / ytop);
        SDL_RenderDrawLine(ren, x0, y, x1, y);
        char t[32];
        if (step < 1)
            snprintf(t, sizeof t, "%.0f min", v * 60);
        else
            snprintf(t, sizeof t, "%.0f h", v);
        label(ren, fonts, t, fs * 4 / 5, 0, x0 - fs / 3, y - fs / 2, 2, grey);
        SDL_SetRenderDrawColor(ren, 0xdd, 0xe0, 0xe4, 255);
    }
    size_t nd = r->n_days ? r->n_days : 1;
    double slot = (double)(x1 - x0) / nd;
    int bw = (int)(slot * 0.7) > 1 ? (int)(slot * 0.7) : 1;
    if (bw > fs * 6)
        bw = fs * 6;
    int every = fonts ? (int)ceil(fs * 2.5 / slot) : 1;
    for (size_t d = 0; d < r->n_days; d++) {
        int bx = x0 + (int)(slot * d + (slot - bw) / 2);
        double acc_a = 0, acc_p = 0;
        for (size_t c = 0; c < r->n_campaigns; c++) {
            for (size_t i = 0; i < r->n_cells; i++) {
                const kz_report_cell *cell = &r->cells[i];
                if ((size_t)cell->day != d || (size_t)cell->campaign != c)
                    continue;
                SDL_Color col = palette[c % N_PALETTE];
                int ya = y1 - (int)((y1 - y0) * (acc_a + cell->aired) / 3600 / ytop);
                int yb = y1 - (int)((y1 - y0) * acc_a / 3600 / ytop);
                SDL_Rect bar = {bx, ya, bw, yb - ya};
                SDL_SetRenderDrawColor(ren, col.r, col.g, col.b, 255);
                SDL_RenderFillRect(ren, &bar);
                acc_a += cell->aired;
                if (r->has_plan && cell->planned > 0) {
                    int pa = y1 - (int)((y1 - y0) * (acc_p + cell->planned) / 3600 / ytop);
                    int pb = y1 - (int)((y1 - y0) * acc_p / 3600 / ytop);
                    SDL_Rect pr = {bx - 1, pa, bw + 2, pb - pa + 1};
                    SDL_SetRenderDrawColor(ren, ink.r, ink.g, ink.b, 255);
                    SDL_RenderDrawRect(ren, &pr);
                }
                acc_p += cell->planned;
            }
        }
        if (every < 1 || d % (size_t)every == 0)
            label(ren, fonts, r->days[d] + 5, fs * 4 / 5, 0, bx + bw / 2, y1 + fs / 3, 1, grey);
    }
    SDL_SetRenderDrawColor(ren, ink.r, ink.g, ink.b, 255);
    SDL_RenderDrawLine(ren, x0, y1, x1, y1);
    SDL_RenderDrawLine(ren, x0, y0, x0, y1);
    SDL_RenderPresent(ren);
    rc = kz_png_write(path, surf->pixels, surf->w, surf->h, surf->pitch);
fail:
    free(stack_a);
    free(stack_p);
    if (ren)
        SDL_DestroyRenderer(ren);
    if (surf)
        SDL_FreeSurface(surf);
    return rc;
}

/* ---- the command ------------------------------------------------------------------------ */

typedef struct recvec {
    kz_pop_rec *v;
    size_t n, cap;
} recvec;

static int collect(const kz_pop_rec *r, void *ud)
{
    recvec *rv = ud;
    if (kz_grow(&rv->v, &rv->cap, rv->n + 1, sizeof *rv->v, 1024))
        return -1;
    rv->v[rv->n++] = *r;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or a directory of pop-*.tsv files (read in name order). */
static int read_log_arg(const char *arg, recvec *rv, int *skipped)
{
    struct stat st;
    if (stat(arg, &st)) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: no such file or directory", arg);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return kz_pop_read_file(arg, collect, rv, skipped) < 0 ? -1 : 0;
    DIR *d = opendir(arg);
    if (!d) {
        kz_log(LOG, KZ_LOG_ERROR, "%s: cannot read the directory", arg);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (strncmp(e->d_name, "pop-", 4) || l < 8 || strcmp(e->d_name + l - 4, ".tsv"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn)
            break;
        names = nn;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", arg, names[i]);
        if (names[i] && kz_pop_read_file(p, collect, rv, skipped) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    if (!n)
        kz_log(LOG, KZ_LOG_WARN, "%s: no pop-*.tsv files", arg);
    return rc;
}

int kz_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"by", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'F'}, {"out", required_argument, NULL, 'o'},
        {"size", required_argument, NULL, 's'},   {"no-plan", no_argument, NULL, 'n'},
        {"zone", required_argument, NULL, 'z'},
        {0, 0, 0, 0},
    };
    const char *config = NULL, *from_s = NULL, *to_s = NULL, *by_s = "campaign",
               *format = "text", *out = NULL, *zone = NULL;
    int w = 1280, h = 720, no_plan = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'f': from_s = optarg; break;
        case 't': to_s = optarg; break;
        case 'b': by_s = optarg; break;
        case 'F': format = optarg; break;
        case 'o': out = optarg; break;
        case 'n': no_plan = 1; break;
        case 'z': zone = optarg; break;
        case 's':
            if (kz_parse_size(optarg, &w, &h) || w < 320 || h < 200 || w > 8192 || h > 8192) {
                fprintf(stderr, "kizuna report: --size %s: expected WxH from 320x200\n", optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "kizuna report: unknown option or missing value: %s\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    int by = kz_report_parse_by(by_s);
    if (by < 0) {
        fprintf(stderr, "kizuna report: --by %s: expected campaign, day, item or hour\n", by_s);
        return 2;
    }
    int fmt = !strcmp(format, "text") ? 0 : !strcmp(format, "csv") ? 1
              : !strcmp(format, "json") ? 2 : !strcmp(format, "png") ? 3 : -1;
    if (fmt < 0) {
        fprintf(stderr, "kizuna report: --format %s: expected text, csv, json or png\n", format);
        return 2;
    }
    if (fmt == 3 && !out) {
        fprintf(stderr, "kizuna report: --format png needs --out F.png\n");
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: kizuna report LOG... [--config F] [--from TIME] [--to TIME] "
                        "[--by campaign|day|item|hour] [--format text|csv|json|png] [--out F] "
                        "[--size WxH] [--zone Z] [--no-plan]\n  LOG: pop-*.tsv files or directories of "
                        "them ([paths] logs)\n");
        return 2;
    }
    /* The plan: the same configuration and schedule the player runs. */
    kz_player p;
    int have_player = 0;
    kz_player_opts po = {.config = config, .headless = 1};
    kz_cmd_wire(&po, 0);
    int level = kz_log_level();
    kz_log_set_level(KZ_LOG_ERROR);
    if (!no_plan && kz_player_open(&p, &po) == 0)
        have_player = 1;
    kz_log_set_level(level);
    if (!have_player) {
        if (!no_plan)
            fprintf(stderr, "kizuna report: no configuration: planned airtime is left out "
                            "(give --config F)\n");
        kz_tz_set(getenv("TZ") && *getenv("TZ") ? getenv("TZ") : "Asia/Tokyo");
    }
    int rc = 1;
    recvec rv = {0};
    kz_report r;
    memset(&r, 0, sizeof r);
    kz_us from = 0, to = 0;
    if (from_s && kz_time_parse(from_s, &from)) {
        fprintf(stderr, "kizuna report: --from %s: expected a date or ISO 8601 time\n", from_s);
        rc = 2;
        goto done;
    }
    if (to_s) {
        if (kz_time_parse(to_s, &to)) {
            fprintf(stderr, "kizuna report: --to %s: expected a date or ISO 8601 time\n", to_s);
            rc = 2;
            goto done;
        }
        if (strlen(to_s) == 10) /* a bare date includes that day */
            to = kz_local_day_next(to);
    }
    int skipped = 0;
    for (int i = optind; i < argc; i++)
        read_log_arg(argv[i], &rv, &skipped);
    if (!rv.n && !(from && to)) {
        fprintf(stderr, "kizuna report: no proof-of-play lines read\n");
        goto done;
    }
    if ((from || to) && !(from && to)) {
        /* one end given: the other from the records */
        kz_us lo = 0, hi = 0;
        for (size_t i = 0; i < rv.n; i++) {
            lo = (!lo || rv.v[i].start < lo) ? rv.v[i].start : lo;
            hi = rv.v[i].end > hi ? rv.v[i].end : hi;
        }
        from = from ? from : lo;
        to = to ? to : hi;
    }
    if (from && to && to <= from) {
        fprintf(stderr, "kizuna report: --to must be after --from\n");
        rc = 2;
        goto done;
    }
    if (kz_report_build(&r, rv.v, rv.n, from, to, by, have_player ? &p.model : NULL, zone)) {
        fprintf(stderr, "kizuna report: out of memory\n");
        goto done;
    }
    r.skipped = skipped;
    if (fmt == 3) {
        rc = kz_report_write_png(&r, have_player ? p.fonts : NULL, out, w, h) ? 1 : 0;
        if (!rc)
            fprintf(stderr, "kizuna report: wrote %s (%dx%d)\n", out, w, h);
        goto done;
    }
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "kizuna report: %s: cannot write\n", out);
        goto done;
    }
    if (fmt == 0)
        kz_report_write_text(&r, f);
    else if (fmt == 1)
        kz_report_write_csv(&r, f);
    else
        kz_report_write_json(&r, f);
    rc = (out ? fclose(f) : fflush(f)) ? 1 : 0;
done:
    kz_report_free(&r);
    free(rv.v);
    if (have_player)
        kz_player_close(&p);
    return rc;
}
