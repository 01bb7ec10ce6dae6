/* Photosensitive flash and red-flash analysis. The rules, their sources and where we simplify
 * are in docs/accessibility.md; the short version:
 *
 *   per cell of a small RGB grid: relative luminance Y (sRGB decoded to linear) and red
 *   saturation S = (R - G - B) * 320 where R / (R + G + B) >= 0.8, else 0;
 *   per cell: a zig-zag (hysteresis) tracker against the last extreme: a rising change is
 *   Y - valley >= 0.1 with the valley below 0.8; a falling change is peak - Y >= 0.1 with Y
 *   below 0.8; S the same with 20 and no darkness condition;
 *   per frame: a transition when the cells that changed the same way within the last
 *   `concurrent` seconds (and not yet counted) cover >= 25 % of the grid, and its direction
 *   differs from the previous frame-level transition (a flash is a pair of opposing changes);
 *   per window: > 6 transitions in any one second fails, >= 4 warns, near-limit flashing
 *   for 4 s of any 5 s fails (extended failure). */
#include "flashscan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const kz_flash_profile kz_flash_profile_default = {
    .name = "default",
    .lum_delta = 0.1,
    .lum_dark = 0.8,
    .red_delta = 20.0,
    .area = 0.25,
    .fail_over = 6,
    .warn_from = 4,
    .red_fail_over = 6,
    .red_warn_from = 4,
    .ext_window = 5.0,
    .ext_seconds = 4.0,
    .concurrent = 0.1,
    .pair_window = 1.0 / 3,
    .pattern_area = 0.25,
    .pattern_pairs = 5,
    .pattern_seconds = 0.5,
};

/* After NHK / JBA (民放連) 「アニメーション等の映像手法に関するガイドライン」: a luminance
 * change of 10 % counts whatever the darker state (no 0.8 exemption), vivid red flashing is
 * treated with particular care (fail from 2 red flashes a second), and near-limit flashing
 * may not go on for more than 2 s in a row. */
const kz_flash_profile kz_flash_profile_jp = {
    .name = "jp",
    .lum_delta = 0.1,
    .lum_dark = 2.0,
    .red_delta = 20.0,
    .area = 0.25,
    .fail_over = 6,
    .warn_from = 4,
    .red_fail_over = 3,
    .red_warn_from = 2,
    .ext_window = 2.0,
    .ext_seconds = 2.0,
    .concurrent = 0.1,
    .pair_window = 1.0 / 3,
    .pattern_area = 0.25,
    .pattern_pairs = 5,
    .pattern_seconds = 0.5,
};

const kz_flash_profile *kz_flash_profile_find(const char *name)
{
    if (!name || !strcmp(name, "default"))
        return &kz_flash_profile_default;
    if (!strcmp(name, "jp"))
        return &kz_flash_profile_jp;
    return NULL;
}

const char *kz_flash_verdict_name(int verdict)
{
    switch (verdict) {
    case KZ_FLASH_PASS: return "pass";
    case KZ_FLASH_WARN: return "warn";
    default: return "fail";
    }
}

/* ---- pixels ---- */

static float srgb_lut[256];
static int srgb_lut_ready;

double kz_srgb_to_linear(int v)
{
    double c = (v < 0 ? 0 : v > 255 ? 255 : v) / 255.0;
    /* 0.04045 is the IEC 61966-2-1 breakpoint (WCAG 2.x prints 0.03928; no 8-bit code
     * value lies between the two, so both give the same table). */
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static void lut_init(void)
{
    if (srgb_lut_ready)
        return;
    for (int i = 0; i < 256; i++)
        srgb_lut[i] = (float)kz_srgb_to_linear(i);
    srgb_lut_ready = 1; /* idempotent: racing initialisers write the same values */
}

double kz_relative_luminance(int r, int g, int b)
{
    return 0.2126 * kz_srgb_to_linear(r) + 0.7152 * kz_srgb_to_linear(g) +
           0.0722 * kz_srgb_to_linear(b);
}

static inline float red_sat(float r, float g, float b)
{
    float sum = r + g + b;
    if (sum <= 0.0f || r < 0.8f * sum)
        return 0.0f;
    float s = (r - g - b) * 320.0f;
    return s > 0.0f ? s : 0.0f;
}

double kz_red_saturation(int r, int g, int b)
{
    return red_sat((float)kz_srgb_to_linear(r), (float)kz_srgb_to_linear(g),
                   (float)kz_srgb_to_linear(b));
}

/* ---- the analyser ---- */

/* One zig-zag tracker per cell and quantity (luminance, red). */
typedef struct track {
    float *lo, *hi;     /* valley and peak since the last change of direction */
    float *when;        /* time of the cell's last counted change */
    float *prev;        /* time of the change before it (the opposite direction) */
    int8_t *dir;        /* +1 last change rising, -1 falling, 0 none yet */
    double delta, dark; /* thresholds */
    double fired_up, fired_down; /* time of the last frame-level rising / falling transition */
    int last;           /* direction of the last frame-level transition */
} track;

/* Per-cell flags of one frame, for the window maxima of the area rules. */
enum { F_LU = 1, F_LD = 2, F_LP = 4, F_RU = 8, F_RD = 16, F_RP = 32, F_PAT = 64 };

struct kz_flash {
    const kz_flash_profile *prof;
    int w, h;
    size_t n;           /* cells */
    int fw, fh;         /* the area window (the grid, or the 10° field) */
    track lum, red;
    float *y, *yprev;   /* this and the previous frame's luminance per cell */
    uint8_t *flags;     /* F_* of this frame */
    uint32_t *sat;      /* (w + 1) * (h + 1) summed-area table, scratch */
    int *edges;         /* pattern scan scratch: max(w, h) */
    kz_flash_frame *frames; /* owned until kz_flash_finish moves them out */
    size_t n_frames, cap;
    double last_t;
    double pattern_moved; /* time a regular pattern last moved or flashed */
};

static int track_init(track *k, size_t n, double delta, double dark)
{
    memset(k, 0, sizeof *k);
    k->lo = malloc(n * sizeof *k->lo);
    k->hi = malloc(n * sizeof *k->hi);
    k->when = malloc(n * sizeof *k->when);
    k->prev = malloc(n * sizeof *k->prev);
    k->dir = calloc(n, 1);
    if (!k->lo || !k->hi || !k->when || !k->prev || !k->dir)
        return -1;
    k->delta = delta;
    k->dark = dark;
    k->fired_up = k->fired_down = -1e30;
    return 0;
}

static void track_free(track *k)
{
    free(k->lo);
    free(k->hi);
    free(k->when);
    free(k->prev);
    free(k->dir);
    memset(k, 0, sizeof *k);
}

kz_flash *kz_flash_new(const kz_flash_profile *prof, int w, int h)
{
    if (!prof || w <= 0 || h <= 0 || w > 8192 || h > 8192)
        return NULL;
    lut_init();
    kz_flash *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->prof = prof;
    f->w = w;
    f->h = h;
    f->fw = w;
    f->fh = h;
    f->n = (size_t)w * h;
    f->last_t = -1e30;
    f->pattern_moved = -1e30;
    f->y = malloc(f->n * sizeof *f->y);
    f->yprev = malloc(f->n * sizeof *f->yprev);
    f->flags = malloc(f->n);
    f->sat = malloc((size_t)(w + 1) * (h + 1) * sizeof *f->sat);
    f->edges = malloc((size_t)(w > h ? w : h) * sizeof *f->edges);
    if (!f->y || !f->yprev || !f->flags || !f->sat || !f->edges ||
        track_init(&f->lum, f->n, prof->lum_delta, prof->lum_dark) < 0 ||
        track_init(&f->red, f->n, prof->red_delta, 1e30) < 0) {
        kz_flash_free(&f);
        return NULL;
    }
    return f;
}

int kz_flash_set_field(kz_flash *f, int fw, int fh)
{
    if (!f || f->last_t > -1e29 || fw <= 0 || fh <= 0)
        return -1; /* frames were pushed already */
    f->fw = fw < f->w ? fw : f->w;
    f->fh = fh < f->h ? fh : f->h;
    return 0;
}

int kz_flash_field_cells(double screen_h_m, double distance_m, int grid_w, int grid_h, int *fw,
                         int *fh)
{
    *fw = grid_w;
    *fh = grid_h;
    if (!(screen_h_m > 0) || !(distance_m > 0) || grid_w <= 0 || grid_h <= 0)
        return 0;
    const double deg = 3.14159265358979323846 / 180;
    double cell_m = screen_h_m / grid_h; /* the grid keeps the display aspect: square cells */
    double w_m = 2 * distance_m * tan(5 * deg), h_m = 2 * distance_m * tan(3.75 * deg);
    long x = lround(w_m / cell_m), y = lround(h_m / cell_m);
    *fw = (int)(x < 1 ? 1 : x > grid_w ? grid_w : x);
    *fh = (int)(y < 1 ? 1 : y > grid_h ? grid_h : y);
    return 1;
}

void kz_flash_free(kz_flash **pf)
{
    if (!pf || !*pf)
        return;
    kz_flash *f = *pf;
    track_free(&f->lum);
    track_free(&f->red);
    free(f->y);
    free(f->yprev);
    free(f->flags);
    free(f->sat);
    free(f->edges);
    free(f->frames);
    free(f);
    *pf = NULL;
}

/* Update cell i of k with value v at time t (first: the first frame). The cell's dir / when /
 * prev say whether and when it changed. */
static inline void cell_update(track *k, size_t i, float v, float t, int first)
{
    if (first) {
        k->lo[i] = k->hi[i] = v;
        k->dir[i] = 0;
        k->when[i] = k->prev[i] = -1e30f;
        return;
    }
    float lo = k->lo[i], hi = k->hi[i];
    int d = 0;
    switch (k->dir[i]) {
    case 0:
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
        if (v - lo >= k->delta && lo < k->dark)
            d = 1;
        else if (hi - v >= k->delta && v < k->dark)
            d = -1;
        break;
    case 1:
        if (v > hi)
            hi = v;
        else if (hi - v >= k->delta && v < k->dark)
            d = -1;
        break;
    default:
        if (v < lo)
            lo = v;
        else if (v - lo >= k->delta && lo < k->dark)
            d = 1;
        break;
    }
    if (d) {
        k->dir[i] = (int8_t)d;
        k->prev[i] = k->when[i];
        k->when[i] = t;
        if (d > 0)
            hi = v;
        else
            lo = v;
    }
    k->lo[i] = lo;
    k->hi[i] = hi;
}

/* The flags of cell i for one quantity: a recent rising / falling change not yet counted, and
 * whether that change completes a flash (its opposite change came within pair seconds). */
static inline int cell_flags(const track *k, size_t i, float since, float pair, int up_bit)
{
    float w = k->when[i];
    if (w < since)
        return 0;
    int fl = 0;
    if (k->dir[i] > 0 && w > k->fired_up)
        fl = up_bit;
    else if (k->dir[i] < 0 && w > k->fired_down)
        fl = up_bit << 1;
    if (fl && k->prev[i] >= w - pair)
        fl |= up_bit << 2;
    return fl;
}

/* The most cells with `bit` set inside any fw x fh window of the flags: a summed-area table,
 * so every window costs four look-ups. */
static size_t window_max(kz_flash *f, int bit, size_t total)
{
    if ((f->fw == f->w && f->fh == f->h) || !total)
        return total;
    int w = f->w, h = f->h, sw = w + 1;
    uint32_t *s = f->sat;
    memset(s, 0, (size_t)sw * sizeof *s);
    for (int y = 0; y < h; y++) {
        uint32_t row = 0;
        const uint8_t *fl = f->flags + (size_t)y * w;
        uint32_t *up = s + (size_t)y * sw, *cur = up + sw;
        cur[0] = 0;
        for (int x = 0; x < w; x++) {
            row += (fl[x] & bit) != 0;
            cur[x + 1] = up[x + 1] + row;
        }
    }
    uint32_t best = 0;
    for (int y = 0; y + f->fh <= h; y++) {
        const uint32_t *a = s + (size_t)y * sw, *b = s + (size_t)(y + f->fh) * sw;
        for (int x = 0; x + f->fw <= w; x++) {
            uint32_t c = b[x + f->fw] - b[x] - a[x + f->fw] + a[x];
            if (c > best)
                best = c;
        }
    }
    return best;
}

/* Frame-level decision for one quantity; returns the transition (+1, -1, 0).
 * up, down: the largest window fractions that changed that way; pair: the largest combined
 * area of changes that complete a flash (both directions: two regions flashing in opposite
 * phase are concurrent flashes, and WCAG 2.x adds their areas); pair_up / pair_down: whether
 * there are such changes in each direction anywhere. */
static int track_fire(track *k, double up, double down, double pair, int pair_up,
                      int pair_down, double area, double t)
{
    int can_up = up >= area && k->last != 1;
    int can_down = down >= area && k->last != -1;
    int d = 0;
    if (can_up && can_down)
        d = up >= down ? 1 : -1;
    else if (can_up)
        d = 1;
    else if (can_down)
        d = -1;
    else if (pair >= area) {
        /* Opposite-phase flashing: the direction alternates with the previous transition. */
        d = k->last ? -k->last : pair_up ? 1 : -1;
        if (!(d > 0 ? pair_up : pair_down))
            d = 0;
    }
    if (d) {
        /* One event, one transition: a cut that brightens one part of the screen and darkens
         * another is counted once, so the cells that changed the other way are used up too. */
        k->fired_up = k->fired_down = t;
        k->last = d;
    }
    return d;
}

/* Regular patterns along one line of n cells (v[j * step]): alternating light and dark stripes
 * whose luminance differs by the flash threshold (darker side below lum_dark), with regular
 * widths (each stripe between half and twice the one before). Cells of runs of more than
 * `pairs` light-dark pairs get F_PAT (mark[j * step]). Returns the most pairs in one run. */
static int pattern_line(kz_flash *f, const float *v, size_t step, int n, uint8_t *mark)
{
    const double delta = f->prof->lum_delta, dark = f->prof->lum_dark;
    int *e = f->edges, ne = 0, dir = 0;
    float lo = v[0], hi = v[0];
    /* The spatial twin of cell_update(): an edge where the line has gone the threshold from
     * the extreme of the stripe before. */
    for (int j = 1; j < n; j++) {
        float x = v[(size_t)j * step];
        int d = 0;
        if (dir == 0) {
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            if (x - lo >= delta && lo < dark)
                d = 1;
            else if (hi - x >= delta && x < dark)
                d = -1;
        } else if (dir > 0) {
            if (x > hi)
                hi = x;
            else if (hi - x >= delta && x < dark)
                d = -1;
        } else {
            if (x < lo)
                lo = x;
            else if (x - lo >= delta && lo < dark)
                d = 1;
        }
        if (d) {
            dir = d;
            e[ne++] = j;
            lo = hi = x;
        }
    }
    int best = 0;
    for (int a = 0; a + 1 < ne;) {
        int b = a + 1;
        while (b + 1 < ne) {
            int w0 = e[b] - e[b - 1], w1 = e[b + 1] - e[b];
            if (2 * w1 < w0 || w1 > 2 * w0)
                break;
            b++;
        }
        /* Edges a..b bound b - a stripes, with one more stripe outside each end. */
        int pairs = (b - a + 2) / 2;
        if (pairs > best)
            best = pairs;
        if (pairs > f->prof->pattern_pairs) {
            int from = e[a] - (e[a + 1] - e[a]), to = e[b] + (e[b] - e[b - 1]);
            from = from < 0 ? 0 : from;
            to = to > n ? n : to;
            for (int j = from; j < to; j++)
                mark[(size_t)j * step] |= F_PAT;
        }
        a = b;
    }
    return best;
}

int kz_flash_push(kz_flash *f, const uint8_t *rgb, int stride, double t)
{
    if (!f || !rgb || t < f->last_t)
        return -1;
    if (f->n_frames == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 1024;
        kz_flash_frame *grown = realloc(f->frames, cap * sizeof *grown);
        if (!grown)
            return -1;
        f->frames = grown;
        f->cap = cap;
    }
    const kz_flash_profile *pr = f->prof;
    int first = f->last_t < -1e29; /* not n_frames: kz_flash_forget empties the frames */
    float ft = (float)t;
    /* Cells count as concurrent when they changed within the profile's window; a small
     * slack absorbs rounding of frame times. */
    float since = (float)(t - pr->concurrent - 1e-4);
    float pair = (float)(pr->pair_window + 1e-4);
    double sum_y = 0, sum_s = 0;
    size_t c[7] = {0}; /* cells per flag bit */
    size_t i = 0;
    float *tmp = f->yprev;
    f->yprev = f->y;
    f->y = tmp;
    for (int y = 0; y < f->h; y++) {
        const uint8_t *p = rgb + (size_t)y * stride;
        for (int x = 0; x < f->w; x++, i++, p += 3) {
            float r = srgb_lut[p[0]], g = srgb_lut[p[1]], b = srgb_lut[p[2]];
            float yl = 0.2126f * r + 0.7152f * g + 0.0722f * b;
            float s = red_sat(r, g, b);
            f->y[i] = yl;
            sum_y += yl;
            sum_s += s;
            cell_update(&f->lum, i, yl, ft, first);
            cell_update(&f->red, i, s, ft, first);
            int fl = 0;
            if (!first)
                fl = cell_flags(&f->lum, i, since, pair, F_LU) |
                     cell_flags(&f->red, i, since, pair, F_RU);
            f->flags[i] = (uint8_t)fl;
            c[0] += fl & 1;
            c[1] += fl >> 1 & 1;
            c[2] += fl >> 2 & 1;
            c[3] += fl >> 3 & 1;
            c[4] += fl >> 4 & 1;
            c[5] += fl >> 5 & 1;
        }
    }
    /* Paired changes by direction, for the direction of an opposite-phase transition. */
    size_t lpu = 0, lpd = 0, rpu = 0, rpd = 0;
    if (c[2] || c[5]) {
        for (size_t k = 0; k < f->n; k++) {
            int fl = f->flags[k];
            lpu += (fl & (F_LP | F_LU)) == (F_LP | F_LU);
            lpd += (fl & (F_LP | F_LD)) == (F_LP | F_LD);
            rpu += (fl & (F_RP | F_RU)) == (F_RP | F_RU);
            rpd += (fl & (F_RP | F_RD)) == (F_RP | F_RD);
        }
    }

    /* Regular patterns: rows and columns cross stripes of every orientation. */
    int pairs = 0;
    for (int y = 0; y < f->h && f->w > 2; y++) {
        int p = pattern_line(f, f->y + (size_t)y * f->w, 1, f->w, f->flags + (size_t)y * f->w);
        pairs = p > pairs ? p : pairs;
    }
    for (int x = 0; x < f->w && f->h > 2; x++) {
        int p = pattern_line(f, f->y + x, (size_t)f->w, f->h, f->flags + x);
        pairs = p > pairs ? p : pairs;
    }
    double moving = 0;
    for (size_t k = 0; k < f->n; k++) {
        if (f->flags[k] & F_PAT) {
            c[6]++;
            if (!first)
                moving += fabsf(f->y[k] - f->yprev[k]);
        }
    }

    kz_flash_frame *fr = &f->frames[f->n_frames++];
    memset(fr, 0, sizeof *fr);
    double n = (double)f->n, nw = (double)f->fw * f->fh;
    fr->t = t;
    fr->lum = (float)(sum_y / n);
    fr->red = (float)(sum_s / n);
    double lu = (double)window_max(f, F_LU, c[0]) / nw, ld = (double)window_max(f, F_LD, c[1]) / nw;
    double lp = (double)window_max(f, F_LP, c[2]) / nw;
    double ru = (double)window_max(f, F_RU, c[3]) / nw, rd = (double)window_max(f, F_RD, c[4]) / nw;
    double rp = (double)window_max(f, F_RP, c[5]) / nw;
    fr->lum_up = (float)lu;
    fr->lum_down = (float)ld;
    fr->red_up = (float)ru;
    fr->red_down = (float)rd;
    fr->lum_area = (float)(lu > ld ? (lu > lp ? lu : lp) : (ld > lp ? ld : lp));
    fr->red_area = (float)(ru > rd ? (ru > rp ? ru : rp) : (rd > rp ? rd : rp));
    fr->lum_tr = (int8_t)track_fire(&f->lum, lu, ld, lp, lpu > 0, lpd > 0, pr->area, ft);
    fr->red_tr = (int8_t)track_fire(&f->red, ru, rd, rp, rpu > 0, rpd > 0, pr->area, ft);
    fr->pattern_pairs = (uint8_t)(pairs > 255 ? 255 : pairs);
    fr->pattern_area = (float)((double)window_max(f, F_PAT, c[6]) / nw);
    if (fr->pattern_area > pr->pattern_area) {
        /* Moving, flashing or reversing stripes change their cells from frame to frame;
         * static ones only by coding noise (well under 0.01 on average). A slow pattern may
         * step only every few frames: it counts as moving for pattern_seconds after a step. */
        if (c[6] && moving / (double)c[6] >= 0.01)
            f->pattern_moved = t;
        fr->pattern = t - f->pattern_moved <= pr->pattern_seconds + 1e-6 ? 2 : 1;
    }
    f->last_t = t;
    return 0;
}

/* ---- window rules ---- */

static int window_cmp(const void *a, const void *b)
{
    const kz_flash_window *x = a, *y = b;
    if (x->verdict != y->verdict)
        return y->verdict - x->verdict;
    int mx = x->lum > x->red ? x->lum : x->red, my = y->lum > y->red ? y->lum : y->red;
    if (mx != my)
        return my - mx;
    double dx = x->end - x->start, dy = y->end - y->start;
    if (dx != dy)
        return dy > dx ? 1 : -1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static const char *RULE_LUM = "general flash: more transitions in one second than allowed";
static const char *RULE_RED = "red flash: more transitions in one second than allowed";
static const char *RULE_EXT = "extended failure: near-limit flashing held too long";
static const char *RULE_PAT_MOVE = "regular pattern: moving or flashing stripes over the area "
                                   "limit";
static const char *RULE_PAT = "regular pattern: static stripes over the area limit";
static const char *RULE_WARN = "near the limit: flashing close to the allowed rate";

/* Extended failure of one budget: near[i] says frame i is near the limit; sets ext[i] where
 * the near-limit time within the window reaches the limit, sum[i] to that time. Returns the
 * most near-limit time in one window. */
static double extended(const kz_flash_frame *fr, const double *dur, size_t n,
                       const kz_flash_profile *pr, const uint8_t *near, uint8_t *ext,
                       float *sum)
{
    const double eps = 1e-6;
    size_t a = 0;
    double s = 0, most = 0;
    for (size_t i = 0; i < n; i++) {
        if (near[i])
            s += dur[i];
        while (fr[a].t <= fr[i].t - pr->ext_window + eps) {
            if (near[a])
                s -= dur[a];
            a++;
        }
        most = s > most ? s : most;
        sum[i] = (float)s;
        ext[i] = near[i] && s >= pr->ext_seconds - 1e-3;
    }
    return most;
}

int kz_flash_finish(kz_flash *f, kz_flash_report *out)
{
    if (!f || !out)
        return -1;
    const kz_flash_profile *pr = f->prof;
    memset(out, 0, sizeof *out);
    out->profile = pr;
    out->grid_w = f->w;
    out->grid_h = f->h;
    out->field_w = f->fw;
    out->field_h = f->fh;
    out->area_rule = f->fw == f->w && f->fh == f->h ? "whole screen" : "10-degree field";
    out->n_frames = f->n_frames;
    out->frames = f->frames;
    f->frames = NULL;
    f->n_frames = f->cap = 0;
    out->verdict = KZ_FLASH_PASS;
    out->reason = "no harmful flashing found";
    size_t n = out->n_frames;
    kz_flash_frame *fr = out->frames;
    if (!n)
        return 0;

    /* Frame durations: to the next frame; the last repeats the one before. */
    double *dur = malloc(n * sizeof *dur);
    uint8_t *near = malloc(2 * n);
    if (!dur || !near) {
        free(dur);
        free(near);
        return -1;
    }
    for (size_t i = 0; i + 1 < n; i++)
        dur[i] = fr[i + 1].t - fr[i].t;
    dur[n - 1] = n > 1 ? dur[n - 2] : 1.0 / 30;
    out->duration = fr[n - 1].t - fr[0].t + dur[n - 1];

    /* One-second windows (t - 1, t]: two pointers. */
    const double eps = 1e-6;
    size_t a = 0;
    int cl = 0, cr = 0;
    for (size_t i = 0; i < n; i++) {
        cl += fr[i].lum_tr != 0;
        cr += fr[i].red_tr != 0;
        out->lum_transitions += fr[i].lum_tr != 0;
        out->red_transitions += fr[i].red_tr != 0;
        while (fr[a].t <= fr[i].t - 1.0 + eps) {
            cl -= fr[a].lum_tr != 0;
            cr -= fr[a].red_tr != 0;
            a++;
        }
        fr[i].lum_count = (uint8_t)(cl > 255 ? 255 : cl);
        fr[i].red_count = (uint8_t)(cr > 255 ? 255 : cr);
        if (cl > out->max_lum) {
            out->max_lum = cl;
            out->max_lum_at = fr[i].t;
        }
        if (cr > out->max_red) {
            out->max_red = cr;
            out->max_red_at = fr[i].t;
        }
    }

    /* Extended failure: near-limit time inside (t - ext_window, t], luminance and red as two
     * budgets (docs/accessibility.md, "Extended failure: two budgets"). Near the limit:
     * warn_from..fail_over transitions in the last second (the luminance band for red too:
     * jp's earlier red warning is not "sustained flashing at the limit"). */
    uint8_t *nl = near, *nr = near + n;
    for (size_t i = 0; i < n; i++) {
        nl[i] = fr[i].lum_count >= pr->warn_from && fr[i].lum_count <= pr->fail_over;
        nr[i] = fr[i].red_count >= pr->warn_from && fr[i].red_count <= pr->fail_over;
    }
    float *sum = malloc(n * sizeof *sum);
    uint8_t *ext = malloc(n);
    if (!sum || !ext) {
        free(sum);
        free(ext);
        free(dur);
        free(near);
        return -1;
    }
    out->max_lum_extended = extended(fr, dur, n, pr, nl, ext, sum);
    for (size_t i = 0; i < n; i++) {
        fr[i].lum_extended = ext[i];
        fr[i].lum_near = sum[i];
    }
    out->max_red_extended = extended(fr, dur, n, pr, nr, ext, sum);
    for (size_t i = 0; i < n; i++) {
        fr[i].red_extended = ext[i];
        fr[i].red_near = sum[i];
        fr[i].extended = fr[i].lum_extended || fr[i].red_extended;
    }
    out->max_extended = out->max_lum_extended > out->max_red_extended ? out->max_lum_extended
                                                                      : out->max_red_extended;
    free(sum);
    free(ext);
    free(near);

    /* Regular patterns: runs shorter than pattern_seconds are not reported (a cut through a
     * striped scene is a question for the flash rules). */
    for (size_t i = 0; i < n;) {
        if (!fr[i].pattern) {
            i++;
            continue;
        }
        size_t j = i;
        double len = 0;
        for (; j < n && fr[j].pattern; j++)
            len += dur[j];
        if (len < pr->pattern_seconds - 1e-3)
            for (size_t k = i; k < j; k++)
                fr[k].pattern = 0;
        i = j;
    }
    free(dur);

    for (size_t i = 0; i < n; i++) {
        kz_flash_frame *x = &fr[i];
        x->lum_verdict = x->lum_count > pr->fail_over || x->lum_extended ? KZ_FLASH_FAIL
                         : x->lum_count >= pr->warn_from                 ? KZ_FLASH_WARN
                                                                         : KZ_FLASH_PASS;
        x->red_verdict = x->red_count > pr->red_fail_over || x->red_extended ? KZ_FLASH_FAIL
                         : x->red_count >= pr->red_warn_from                 ? KZ_FLASH_WARN
                                                                             : KZ_FLASH_PASS;
        x->pattern_verdict = x->pattern == 2 ? KZ_FLASH_FAIL
                             : x->pattern    ? KZ_FLASH_WARN
                                             : KZ_FLASH_PASS;
        int v = x->lum_verdict > x->red_verdict ? x->lum_verdict : x->red_verdict;
        x->verdict = (uint8_t)(x->pattern_verdict > v ? x->pattern_verdict : v);
        if (x->pattern) {
            out->pattern_frames++;
            if (x->pattern_area > out->max_pattern_area)
                out->max_pattern_area = x->pattern_area;
        }
    }

    /* Runs of frames at warn or worse become the reported windows. */
    kz_flash_window *all = NULL;
    size_t n_all = 0, cap_all = 0;
    for (size_t i = 0; i < n;) {
        if (fr[i].verdict == KZ_FLASH_PASS) {
            i++;
            continue;
        }
        kz_flash_window w = {0};
        size_t j = i;
        int lum_fail = 0, red_fail = 0, in_ext = 0, pat = 0, flashing = 0;
        for (; j < n && fr[j].verdict != KZ_FLASH_PASS; j++) {
            if (fr[j].verdict > w.verdict)
                w.verdict = fr[j].verdict;
            if (fr[j].lum_count > w.lum)
                w.lum = fr[j].lum_count;
            if (fr[j].red_count > w.red)
                w.red = fr[j].red_count;
            lum_fail |= fr[j].lum_count > pr->fail_over;
            red_fail |= fr[j].red_count > pr->red_fail_over;
            in_ext |= fr[j].extended;
            pat = fr[j].pattern > pat ? fr[j].pattern : pat;
            flashing |= fr[j].lum_verdict || fr[j].red_verdict;
        }
        /* The stretch begins at the first transition of the first window that reached the
         * state (up to one second before frame i); a pattern where it was first seen. */
        size_t k = i;
        if (flashing) {
            while (k > 0 && fr[k - 1].t > fr[i].t - 1.0 + eps)
                k--;
            while (k < i && !fr[k].lum_tr && !fr[k].red_tr)
                k++;
        }
        w.start = fr[k].t;
        w.end = fr[j - 1].t;
        w.rule = lum_fail   ? RULE_LUM
                 : red_fail ? RULE_RED
                 : in_ext   ? RULE_EXT
                 : pat == 2 ? RULE_PAT_MOVE
                 : pat      ? RULE_PAT
                            : RULE_WARN;
        if (n_all == cap_all) {
            size_t cap = cap_all ? cap_all * 2 : 16;
            kz_flash_window *nw = realloc(all, cap * sizeof *nw);
            if (!nw) {
                free(all);
                return -1;
            }
            all = nw;
            cap_all = cap;
        }
        all[n_all++] = w;
        if (w.verdict > out->verdict) {
            out->verdict = w.verdict;
            out->reason = w.rule;
        }
        i = j;
    }
    if (n_all) {
        qsort(all, n_all, sizeof *all, window_cmp);
        out->n_windows = n_all > KZ_FLASH_MAX_WINDOWS ? KZ_FLASH_MAX_WINDOWS : (int)n_all;
        memcpy(out->windows, all, (size_t)out->n_windows * sizeof *all);
        if (out->verdict != KZ_FLASH_PASS)
            out->reason = out->windows[0].rule;
    }
    free(all);
    return 0;
}

void kz_flash_report_free(kz_flash_report *r)
{
    if (!r)
        return;
    free(r->frames);
    r->frames = NULL; /* n_frames keeps the count */
}


const kz_flash_frame *kz_flash_last(const kz_flash *f)
{
    return f && f->n_frames ? &f->frames[f->n_frames - 1] : NULL;
}

void kz_flash_forget(kz_flash *f)
{
    if (f)
        f->n_frames = 0; /* the buffer stays for the next frames; cells keep their history */
}
