/* kizuna report: proof of play aggregated and set against the plan (the same schedule the
 * player runs). The pieces are functions so the tests can call them on a fixed log. */
#ifndef KZ_REPORT_H
#define KZ_REPORT_H
#include <stdio.h>

#include "host/text.h"
#include "model/playlist.h"
#include "ops/pop.h"

enum kz_report_by { KZ_BY_CAMPAIGN = 0, KZ_BY_DAY, KZ_BY_ITEM, KZ_BY_HOUR };

typedef struct kz_report_row {
    char key[192];
    long plays;            /* lines with any part in the range */
    long completed;        /* of those, outcome completed */
    double airtime;        /* seconds on air inside the range */
    long planned_plays;    /* slots of the plan with any part in the range */
    double planned_airtime;
} kz_report_row;

typedef struct kz_report_gap {
    kz_us start, end;
    double standby, interrupt; /* seconds of it filled by the standby slide / an interrupt */
} kz_report_gap;

/* Airtime per local day per campaign, for the chart. */
typedef struct kz_report_cell {
    int day, campaign; /* indexes into days / campaigns */
    double aired, planned;
} kz_report_cell;

typedef struct kz_report {
    kz_us from, to;
    int by;
    int has_plan;
    kz_report_row *rows; /* sorted by key */
    size_t n_rows;
    kz_report_row total;
    /* gaps: stretches of at least KZ_REPORT_MIN_GAP with no item on air */
    kz_report_gap *gaps; /* chronological */
    size_t n_gaps;
    double gap_s, standby_s, interrupt_s, off_air_s, planned_standby_s;
    long interrupts;
    /* chart data */
    char (*days)[16];     /* "2025-02-01" */
    size_t n_days;
    char (*campaigns)[128];
    size_t n_campaigns;
    kz_report_cell *cells;
    size_t n_cells;
    /* input */
    long records, duplicates, skipped;
    int screens;
    char screen[64];      /* the first screen seen */
    char zone[32];        /* the zone reported on; "" = every zone */
} kz_report;

#define KZ_REPORT_MIN_GAP KZ_US_PER_S

int kz_report_parse_by(const char *s);
/* Aggregate recs (any order, duplicates allowed: de-duplicated by id) over [from, to);
 * from == to == 0 takes the span of the records. plan may be NULL (no planned columns).
 * zone: only that zone's lines and plan; NULL = every zone.
 * Returns 0 or -1 (out of memory). recs is sorted in place. */
int kz_report_build(kz_report *r, kz_pop_rec *recs, size_t n, kz_us from, kz_us to, int by,
                    const kz_model *plan, const char *zone);
void kz_report_free(kz_report *r);
void kz_report_write_text(const kz_report *r, FILE *f);
void kz_report_write_csv(const kz_report *r, FILE *f);
void kz_report_write_json(const kz_report *r, FILE *f);
/* Bar chart of airtime per day per campaign (planned as outlines). fonts may be NULL (no
 * labels). 0 or -1 (logged). */
int kz_report_write_png(const kz_report *r, kz_fonts *fonts, const char *path, int w, int h);

#endif
