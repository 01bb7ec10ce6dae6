/* The compositor: the layout on screen at `now`, each zone's on-air item from the schedule,
 * transitions computed from time, the standby slide, the operator's interrupt, rotation and
 * overscan. Everything drawn is a function of (model, layouts, now). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "screen/captions.h"
#include "screen/player.h"

#define LOG "compositor"
/* The next item is prepared this long before it is due (open, decode the first frame). */
#define KZ_PREPARE_AHEAD (2 * KZ_US_PER_S)

/* ---- standby and interrupt ---------------------------------------------------------------- */

/* Never black: a calm slate background and the standby message, fitted into rect. */
static void draw_standby(kz_player *p, const SDL_Rect *rect)
{
    SDL_Renderer *r = p->renderer;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, 0x1c, 0x2a, 0x3a, 255);
    SDL_RenderFillRect(r, rect);
    if (!p->standby_tex && p->fonts) {
        int small = p->w < p->h ? p->w : p->h;
        kz_text_style st = {.struct_size = sizeof st, .px = small / 14 > 12 ? small / 14 : 12,
                            .align = KZ_ALIGN_CENTER, .box_w = p->w * 9 / 10,
                            .color = {0xf0, 0xf4, 0xf8, 255}};
        SDL_Surface *s = kz_text_render(p->fonts, p->cfg.standby_text, &st);
        if (s) {
            p->standby_tex = SDL_CreateTextureFromSurface(r, s);
            p->standby_w = s->w;
            p->standby_h = s->h;
            SDL_FreeSurface(s);
        }
    }
    if (!p->standby_tex)
        return;
    int w = p->standby_w, h = p->standby_h;
    if (w > rect->w * 9 / 10) { /* a small zone: scale the message down to fit */
        h = h * (rect->w * 9 / 10) / w;
        w = rect->w * 9 / 10;
    }
    if (h > rect->h * 8 / 10) {
        w = w * (rect->h * 8 / 10) / (h ? h : 1);
        h = rect->h * 8 / 10;
    }
    SDL_Rect band = {rect->x, rect->y + (rect->h - h) / 2 - h / 4, rect->w, h + h / 2};
    SDL_SetRenderDrawColor(r, 0x2e, 0x44, 0x5c, 255);
    SDL_RenderFillRect(r, &band);
    SDL_Rect dst = {rect->x + (rect->w - w) / 2, rect->y + (rect->h - h) / 2, w, h};
    SDL_RenderCopy(r, p->standby_tex, NULL, &dst);
}

/* The operator's interrupt: white on deep red, as large as fits, over everything. */
static void draw_interrupt(kz_player *p)
{
    SDL_Renderer *r = p->renderer;
    SDL_RenderSetClipRect(r, NULL);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, 0x9a, 0x00, 0x00, 255);
    SDL_RenderFillRect(r, NULL);
    if (!p->intr.tex && p->fonts) {
        kz_text_style st = {.struct_size = sizeof st, .px = 0, .min_px = 16, .bold = 1,
                            .align = KZ_ALIGN_CENTER, .box_w = p->w * 88 / 100,
                            .box_h = p->h * 80 / 100, .color = {255, 255, 255, 255}};
        SDL_Surface *s = kz_text_render(p->fonts, p->intr.text, &st);
        if (s) {
            p->intr.tex = SDL_CreateTextureFromSurface(r, s);
            p->intr.tex_w = s->w;
            p->intr.tex_h = s->h;
            SDL_FreeSurface(s);
        }
    }
    if (p->intr.tex) {
        SDL_Rect dst = {(p->w - p->intr.tex_w) / 2, (p->h - p->intr.tex_h) / 2, p->intr.tex_w,
                        p->intr.tex_h};
        SDL_RenderCopy(r, p->intr.tex, NULL, &dst);
    }
}

void kz_player_interrupt(kz_player *p, const char *text, kz_us until, kz_us now)
{
    if (p->intr.tex)
        SDL_DestroyTexture(p->intr.tex);
    p->intr.tex = NULL;
    if (!text) {
        if (p->intr.active)
            kz_log(LOG, KZ_LOG_INFO, "interrupt cleared");
        p->intr.active = 0;
        return;
    }
    snprintf(p->intr.text, sizeof p->intr.text, "%s", text);
    p->intr.active = 1;
    p->intr.since = now;
    p->intr.until = until;
    kz_log(LOG, KZ_LOG_INFO, "interrupt on air: %.80s", text);
}

/* ---- zones -------------------------------------------------------------------------------- */

static void zone_release(kz_zone_state *z)
{
    if (z->on_air)
        kz_host_release(z->on_air);
    if (z->prev_air && z->prev_air != z->on_air)
        kz_host_release(z->prev_air);
    for (int i = 0; i < 2; i++)
        if (z->tgt[i])
            SDL_DestroyTexture(z->tgt[i]);
    memset(z, 0, sizeof *z);
}

void kz_compositor_reset(kz_player *p)
{
    p->drawn.valid = 0; /* the zones are gone: the next frame is drawn in full */
    for (int i = 0; i < p->n_zones; i++)
        zone_release(&p->zones[i]);
    p->n_zones = 0;
    p->layout = NULL;
}

static void setup_layout(kz_player *p, const kz_layout *l)
{
    kz_compositor_reset(p);
    p->layout = l;
    for (int i = 0; i < l->n_zones && i < KZ_MAX_ZONES; i++) {
        kz_zone_state *z = &p->zones[p->n_zones++];
        z->def = &l->zones[i];
        z->sched_zone = kz_schedule_zone_find(&p->model, z->def->name);
        /* A video wall lays the zones out over the whole wall (tiles plus bezels) and each
         * tile shows its own part: the zone moves by the tile's origin and is clipped. */
        const kz_config *c = &p->cfg;
        int wall_w = c->wall_cols * p->w + (c->wall_cols - 1) * c->bezel_px;
        int wall_h = c->wall_rows * p->h + (c->wall_rows - 1) * c->bezel_px;
        kz_zone_rect(z->def, wall_w, wall_h, &z->rect);
        z->rect.x -= c->tile_col * (p->w + c->bezel_px);
        z->rect.y -= c->tile_row * (p->h + c->bezel_px);
        SDL_Rect frame = {0, 0, p->w, p->h};
        if (!SDL_IntersectRect(&z->rect, &frame, &z->clip))
            z->clip = (SDL_Rect){0, 0, 0, 0};
    }
    kz_log(LOG, KZ_LOG_INFO, "layout %s on screen (%d zones)", l->name, p->n_zones);
}

static void zone_slot_at(kz_player *p, const kz_zone_state *z, kz_us t, kz_slot *s)
{
    if (z->sched_zone < 0) {
        s->item = NULL;
        s->start = t;
        s->end = t + KZ_US_PER_S;
        return;
    }
    kz_schedule_zone_at(&p->model, z->sched_zone, t, s);
}

static void record_slot(kz_player *p, kz_zone_state *z, const kz_slot *s, kz_us now)
{
    if (p->opts.ops && p->opts.ops->slot) {
        int outcome = !z->cur.item               ? KZ_AIRED_COMPLETED
                      : !z->cur.item->playable   ? KZ_AIRED_FAILED
                      : now < z->cur.end         ? KZ_AIRED_INTERRUPTED
                                                 : KZ_AIRED_COMPLETED;
        p->opts.ops->slot(p, z->def->name, &z->cur, outcome, s, now);
    }
    if (p->aired && s->item) {
        char a[40], b[40];
        kz_time_format(s->start, a, sizeof a);
        kz_time_format(s->end, b, sizeof b);
        fprintf(p->aired, "%s\t%s\t%s\t%s\n", a, b, s->item->id, z->def->name);
        fflush(p->aired);
    }
    p->slots_started++;
}

static SDL_Texture *zone_target(kz_player *p, kz_zone_state *z, int i)
{
    if (!z->tgt[i]) {
        z->tgt[i] = SDL_CreateTexture(p->renderer, SDL_PIXELFORMAT_ARGB8888,
                                      SDL_TEXTUREACCESS_TARGET, z->rect.w, z->rect.h);
        if (z->tgt[i])
            SDL_SetTextureBlendMode(z->tgt[i], SDL_BLENDMODE_BLEND);
        else
            kz_log(LOG, KZ_LOG_WARN, "zone %s: no render target (%s): cutting instead of a "
                   "transition", z->def->name, SDL_GetError());
    }
    return z->tgt[i];
}

/* Draw one item into the current target at rect. Returns the plugin's code. */
static int draw_item(kz_player *p, kz_zone_state *z, kz_item *it, const kz_slot *s,
                     const SDL_Rect *rect, kz_us now)
{
    SDL_Renderer *r = p->renderer;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    if (z->def->background.a) {
        SDL_SetRenderDrawColor(r, z->def->background.r, z->def->background.g,
                               z->def->background.b, z->def->background.a);
        SDL_RenderFillRect(r, rect);
    }
    int rc = kz_host_render(it, r, rect, s->start, now - s->start);
    if (rc == KZ_FINISHED)
        draw_standby(p, rect); /* ended early: standby until the slot ends, never black */
    else if (rc >= 0 && it->captions)
        kz_captions_draw(p, it, rect, now - s->start); /* over the item, in its zone */
    return rc;
}

/* Render `it` into one of the zone's targets (zone-local coordinates). */
static int into_target(kz_player *p, kz_zone_state *z, int i, kz_item *it, const kz_slot *s,
                       kz_us now, SDL_Texture *frame)
{
    SDL_Texture *t = zone_target(p, z, i);
    if (!t)
        return -1;
    SDL_SetRenderTarget(p->renderer, t);
    SDL_RenderSetClipRect(p->renderer, NULL);
    SDL_SetRenderDrawColor(p->renderer, 0, 0, 0, 255);
    SDL_RenderClear(p->renderer);
    SDL_Rect local = {0, 0, z->rect.w, z->rect.h};
    int rc = it ? draw_item(p, z, it, s, &local, now) : 0;
    if (!it)
        draw_standby(p, &local);
    SDL_SetRenderTarget(p->renderer, frame);
    return rc;
}

static void compose(kz_player *p, kz_zone_state *z, int kind, double k)
{
    SDL_Renderer *r = p->renderer;
    const SDL_Rect *R = &z->rect;
    SDL_Texture *out = z->tgt[0], *in = z->tgt[1];
    Uint8 a = (Uint8)(k * 255 + 0.5);
    SDL_SetTextureAlphaMod(out, 255);
    SDL_SetTextureAlphaMod(in, 255);
    switch (kind) {
    case KZ_TR_FADE: /* through black: out fades down, then in fades up */
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderFillRect(r, R);
        if (k < 0.5) {
            SDL_SetTextureAlphaMod(out, (Uint8)((1 - 2 * k) * 255 + 0.5));
            SDL_RenderCopy(r, out, NULL, R);
        } else {
            SDL_SetTextureAlphaMod(in, (Uint8)((2 * k - 1) * 255 + 0.5));
            SDL_RenderCopy(r, in, NULL, R);
        }
        break;
    case KZ_TR_SLIDE: { /* the new item pushes the old one out to the left */
        int dx = (int)(k * R->w + 0.5);
        SDL_Rect so = {dx, 0, R->w - dx, R->h}, dout = {R->x, R->y, R->w - dx, R->h};
        SDL_Rect si = {0, 0, dx, R->h}, din = {R->x + R->w - dx, R->y, dx, R->h};
        if (so.w > 0)
            SDL_RenderCopy(r, out, &so, &dout);
        if (si.w > 0)
            SDL_RenderCopy(r, in, &si, &din);
        break;
    }
    case KZ_TR_WIPE: { /* an edge moves left to right uncovering the new item */
        int dx = (int)(k * R->w + 0.5);
        SDL_RenderCopy(r, out, NULL, R);
        SDL_Rect si = {0, 0, dx, R->h}, din = {R->x, R->y, dx, R->h};
        if (dx > 0)
            SDL_RenderCopy(r, in, &si, &din);
        break;
    }
    default: /* crossfade */
        SDL_RenderCopy(r, out, NULL, R);
        SDL_SetTextureAlphaMod(in, a);
        SDL_RenderCopy(r, in, NULL, R);
        break;
    }
}

/* The slot before s in this zone, if it holds a different item. */
static int previous_slot(kz_player *p, const kz_zone_state *z, const kz_slot *s, kz_slot *prev)
{
    zone_slot_at(p, z, s->start - 1, prev);
    return prev->item && prev->item != s->item;
}

/* Until when the item drawn at now in slot s keeps its picture: the plugin's next_change
 * (item-relative, from t alone), never past the slot's end. Captions are redrawn with every
 * frame (they sit mostly over video, which changes with every frame anyway). */
static kz_us item_until(const kz_item *it, const kz_slot *s, kz_us now, int rc)
{
    if (rc == KZ_FINISHED)
        return s->end; /* the standby slide until the slot ends */
    if (it->captions)
        return now;
    kz_us rel = kz_host_next_change(it, now - s->start);
    if (rel == KZ_CHANGE_NEVER || rel >= s->end - s->start)
        return s->end;
    return s->start + rel;
}

static void draw_zone(kz_player *p, kz_zone_state *z, kz_us now, SDL_Texture *frame)
{
    SDL_Renderer *r = p->renderer;
    const int is_main = z == &p->zones[0] || !strcmp(z->def->name, "main");
    z->until = now; /* unless this frame finds out better: changes with every frame */
    for (int attempt = 0; attempt < 4; attempt++) {
        kz_slot s;
        zone_slot_at(p, z, now, &s);
        z->until = s.end;
        if (s.item != z->cur.item || s.start != z->cur.start) {
            record_slot(p, z, &s, now);
            z->cur = s;
            if (z->sched_zone >= 0)
                kz_schedule_zone_next(&p->model, z->sched_zone, &z->cur, &z->next);
            else
                memset(&z->next, 0, sizeof z->next);
        }
        kz_item *it = (kz_item *)s.item;
        if (z->clip.w <= 0 || z->clip.h <= 0)
            break; /* on another tile of the wall: only the slot's end matters */
        SDL_RenderSetClipRect(r, &z->clip);
        if (z->uncleared && it && it != z->covers) {
            /* The frame was not cleared for an item that then failed: clear now. */
            SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
            SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
            SDL_RenderFillRect(r, &z->clip);
            z->uncleared = 0;
        }
        /* kizuna ctl skip: the main zone's slot shows the standby until it ends */
        int skipped = is_main && it && it == p->skipped.item && s.start == p->skipped.start;
        if (!it || skipped) {
            if (z->on_air)
                kz_host_release(z->on_air);
            z->on_air = NULL;
            if (is_main)
                draw_standby(p, &z->rect);
            else if (z->def->background.a) {
                SDL_SetRenderDrawColor(r, z->def->background.r, z->def->background.g,
                                       z->def->background.b, z->def->background.a);
                SDL_RenderFillRect(r, &z->rect);
            }
            break;
        }
        if (kz_host_prepare(it, r) != KZ_OK) {
            p->slot_failures++;
            kz_schedule_compile(&p->model); /* the item left the rotation */
            continue;
        }
        if (z->on_air != it) {
            if (z->prev_air && z->prev_air != it)
                kz_host_release(z->prev_air);
            z->prev_air = z->on_air;
            z->on_air = it;
        }
        /* A transition at the start of the slot, computed from time alone. */
        int kind = it->transition >= 0 ? it->transition : z->def->transition;
        kz_us T = it->transition_time > 0 ? it->transition_time : z->def->transition_time;
        kz_slot prev;
        int rc = 0;
        if (kind != KZ_TR_CUT && T > 0 && now - s.start < T && previous_slot(p, z, &s, &prev) &&
            kz_host_prepare((kz_item *)prev.item, r) == KZ_OK &&
            into_target(p, z, 0, (kz_item *)prev.item, &prev, now, frame) >= 0 &&
            (rc = into_target(p, z, 1, it, &s, now, frame)) >= 0) {
            SDL_RenderSetClipRect(r, &z->clip);
            compose(p, z, kind, (double)(now - s.start) / (double)T);
            z->until = now; /* a transition moves with every frame */
        } else {
            SDL_RenderSetClipRect(r, &z->clip);
            rc = draw_item(p, z, it, &s, &z->rect, now);
            if (rc >= 0)
                z->until = item_until(it, &s, now, rc);
            if (z->prev_air && z->prev_air != it) { /* transition over: let the old one go */
                kz_host_release(z->prev_air);
                z->prev_air = NULL;
            }
        }
        if (rc < 0) {
            p->slot_failures++;
            kz_schedule_compile(&p->model);
            continue;
        }
        break;
    }
    SDL_RenderSetClipRect(r, NULL);
    /* Gapless: prepare what comes next while the current item plays. */
    kz_item *nx = (kz_item *)z->next.item;
    if (nx && nx != z->on_air && z->next.start - now <= KZ_PREPARE_AHEAD)
        kz_host_prepare(nx, r);
    else if (nx && nx != z->on_air && z->next.start - KZ_PREPARE_AHEAD < z->until)
        z->until = z->next.start - KZ_PREPARE_AHEAD; /* wake up in time to prepare it */
    if (z->until < now)
        z->until = now;
}

/* Whether rects r[0..n) together cover the w x h frame: cut the frame into cells along every
 * rect edge and look for a cell that no rect contains. n <= KZ_MAX_ZONES, so this is cheap. */
static int rects_cover(const SDL_Rect *r, int n, int w, int h)
{
    int xs[2 * KZ_MAX_ZONES + 2], ys[2 * KZ_MAX_ZONES + 2], nx = 0, ny = 0;
    xs[nx++] = 0;
    xs[nx++] = w;
    ys[ny++] = 0;
    ys[ny++] = h;
    for (int i = 0; i < n; i++) {
        xs[nx++] = r[i].x;
        xs[nx++] = r[i].x + r[i].w;
        ys[ny++] = r[i].y;
        ys[ny++] = r[i].y + r[i].h;
    }
    for (int a = 0; a < nx; a++)
        for (int b = 0; b < ny; b++) {
            int x = xs[a], y = ys[b]; /* the cell starting at this corner, if inside */
            if (x < 0 || y < 0 || x >= w || y >= h)
                continue;
            int in = 0;
            for (int i = 0; i < n && !in; i++)
                in = x >= r[i].x && x < r[i].x + r[i].w && y >= r[i].y && y < r[i].y + r[i].h;
            if (!in)
                return 0;
        }
    return 1;
}

/* Clearing a 1080p frame costs about a millisecond on the software renderer: skip it when
 * the zones whose drawing this frame is opaque (the standby slide, or an item whose plugin
 * says so) cover the whole output. Each such zone clears itself if its item then fails. */
static int skip_clear(kz_player *p, kz_us now)
{
    SDL_Rect opaque[KZ_MAX_ZONES];
    int n = 0;
    for (int i = 0; i < p->n_zones; i++)
        p->zones[i].uncleared = 0;
    if (!p->n_zones || p->rot_target || p->inset.x || p->inset.y || p->intr.active)
        return 0;
    for (int i = 0; i < p->n_zones; i++) {
        kz_zone_state *z = &p->zones[i];
        if (z->clip.w <= 0 || z->clip.h <= 0)
            continue;
        kz_slot s;
        zone_slot_at(p, z, now, &s);
        int standby = !s.item && (i == 0 || !strcmp(z->def->name, "main"));
        if (standby || (s.item && kz_host_opaque(s.item))) {
            z->covers = s.item;
            z->uncleared = 1;
            opaque[n++] = z->clip;
        }
    }
    if (rects_cover(opaque, n, p->w, p->h))
        return 1;
    for (int i = 0; i < p->n_zones; i++)
        p->zones[i].uncleared = 0;
    return 0;
}

/* Whether zone z draws every pixel of its rectangle at now: the standby slide of the main
 * zone, an opaque background, or an item whose plugin says so. */
static int zone_opaque(kz_player *p, int i, kz_us now)
{
    kz_zone_state *z = &p->zones[i];
    kz_slot s;
    zone_slot_at(p, z, now, &s);
    if (z->def->background.a == 255)
        return 1;
    if (!s.item)
        return i == 0 || !strcmp(z->def->name, "main");
    return kz_host_opaque(s.item);
}

/* Which zones a frame must draw when the output still holds the last frame (keeps_output):
 * those whose picture changed (now past their `until`), and every zone above one of those
 * that overlaps it (it is drawn over the new pixels). Only opaque zones can be drawn over
 * their old pixels: a translucent one would blend onto its own last picture. Returns the
 * number of zones to draw (z->redraw set), or -1 when the whole frame must be drawn. */
static int partial_set(kz_player *p, kz_us now)
{
    const kz_drawn *d = &p->drawn;
    if (!p->keeps_output || !d->valid || now < d->at || d->layout != p->layout ||
        p->intr.active || d->intr_active || p->skipped.item != d->skipped.item ||
        p->skipped.start != d->skipped.start)
        return -1;
    int n = 0;
    for (int i = 0; i < p->n_zones; i++) {
        kz_zone_state *z = &p->zones[i];
        z->redraw = z->clip.w > 0 && z->clip.h > 0 && now >= z->until;
    }
    for (int changed = 1; changed;) { /* zones above a redrawn one that overlap it */
        changed = 0;
        for (int i = 0; i < p->n_zones; i++)
            for (int j = i + 1; p->zones[i].redraw && j < p->n_zones; j++)
                if (!p->zones[j].redraw && p->zones[j].clip.w > 0 &&
                    SDL_HasIntersection(&p->zones[i].clip, &p->zones[j].clip))
                    p->zones[j].redraw = changed = 1;
    }
    for (int i = 0; i < p->n_zones; i++)
        if (p->zones[i].redraw) {
            if (!zone_opaque(p, i, now))
                return -1;
            n++;
        }
    return n;
}

int kz_player_draw(kz_player *p, kz_us now)
{
    SDL_Renderer *r = p->renderer;
    SDL_Texture *frame = p->rot_target; /* NULL: straight onto the output */
    kz_layouts_set_portrait(&p->layouts, p->h > p->w);
    const kz_layout *l = kz_layouts_at(&p->layouts, now);
    if (l != p->layout)
        setup_layout(p, l);
    SDL_SetRenderTarget(r, frame);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    /* A partial frame: the output still shows the last frame, and only the zones that
     * changed (and what lies over them) are drawn again — a ticker moving beside a video
     * does not make the video's zone be copied again. Each such zone is opaque, so it
     * replaces its rectangle whole; the frame is the one a whole redraw gives (the warm
     * golden frames compare them). Should an item fail while drawing, the frame is drawn
     * again whole. */
    long failures = p->slot_failures;
    int partial = partial_set(p, now);
    if (partial >= 0) {
        if (!frame)
            SDL_RenderSetViewport(r, &p->inset);
        for (int i = 0; i < p->n_zones; i++) {
            kz_zone_state *z = &p->zones[i];
            z->uncleared = z->redraw; /* opaque: a failed item clears its zone (draw_zone) */
            if (z->redraw) {
                kz_slot s;
                zone_slot_at(p, z, now, &s);
                z->covers = s.item;
                draw_zone(p, z, now, frame);
            }
        }
        if (p->slot_failures != failures) {
            p->drawn.valid = 0;
            return kz_player_draw(p, now);
        }
    } else {
        for (int i = 0; i < p->n_zones; i++)
            p->zones[i].redraw = 1;
        partial = p->n_zones;
        if (!skip_clear(p, now)) {
            if (!frame) { /* black overscan margins, then draw inside them */
                SDL_RenderSetViewport(r, NULL);
                SDL_RenderClear(r);
                SDL_RenderSetViewport(r, &p->inset);
            } else {
                SDL_RenderClear(r);
            }
        } else if (!frame) {
            SDL_RenderSetViewport(r, &p->inset);
        }
        for (int i = 0; i < p->n_zones; i++)
            draw_zone(p, &p->zones[i], now, frame);
    }
    p->zones_redrawn = partial;
    kz_us until = KZ_CHANGE_NEVER;
    for (int i = 0; i < p->n_zones; i++)
        if (p->zones[i].until < until)
            until = p->zones[i].until;
    if (p->intr.active && p->intr.until && now >= p->intr.until)
        kz_player_interrupt(p, NULL, 0, now);
    if (p->intr.active) {
        draw_interrupt(p);
        if (p->intr.until && p->intr.until < until)
            until = p->intr.until;
    }
    /* What this frame depends on besides time (kz_player_changed compares it). */
    p->drawn.valid = 1;
    p->drawn.at = now;
    p->drawn.until = until;
    p->drawn.layout = p->layout;
    p->drawn.intr_active = p->intr.active;
    p->drawn.intr_since = p->intr.since;
    p->drawn.skipped = p->skipped;
    if (frame) {
        SDL_SetRenderTarget(r, NULL);
        SDL_RenderSetViewport(r, NULL);
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderClear(r);
        /* rotated about the centre of the inset area; w/h are the unrotated texture's */
        SDL_Rect dst = {p->inset.x + (p->inset.w - p->w) / 2, p->inset.y + (p->inset.h - p->h) / 2,
                        p->w, p->h};
        SDL_RenderCopyEx(r, frame, NULL, &dst, p->cfg.rotation, NULL, SDL_FLIP_NONE);
    } else {
        SDL_RenderSetViewport(r, NULL);
    }
    p->frames++;
    return 0;
}

int kz_player_changed(kz_player *p, kz_us now)
{
    const kz_drawn *d = &p->drawn;
    if (!d->valid || now < d->at || now >= d->until)
        return 1;
    if (p->intr.active != d->intr_active || (p->intr.active && p->intr.since != d->intr_since))
        return 1;
    if (p->skipped.item != d->skipped.item || p->skipped.start != d->skipped.start)
        return 1;
    kz_layouts_set_portrait(&p->layouts, p->h > p->w);
    return kz_layouts_at(&p->layouts, now) != d->layout;
}

const kz_slot *kz_player_zone_slot(const kz_player *p, const char *zone)
{
    for (int i = 0; i < p->n_zones; i++)
        if (!zone || !strcmp(p->zones[i].def->name, zone))
            return &p->zones[i].cur;
    return NULL;
}
