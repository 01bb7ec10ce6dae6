/* notice: a text slide — title, body (paragraphs, bullet lists), an optional image — in
 * several languages that take turns inside the item's slot.
 *
 *   [helpmark]
 *   plugin    = notice
 *   duration  = 24s
 *   theme     = high-contrast          ; navy, light, cream, red, green
 *   title     = ヘルプマークを知っていますか
 *   body      = 外見からは分からなくても援助を必要としている方が…
 *     - 義足や人工関節を使用している方
 *     .
 *     困っていたら、できる範囲での援助や配慮をお願いします。
 *   title.en  = Do you know the Help Mark?
 *   text_file.vi = text/helpmark.vi.txt   ; first line the title, the rest the body
 *   image     = helpmark.png
 *
 * Text uses the engine's markup (docs/text.md): "|" phrase breaks, {漢字|かんじ} ruby, "- "
 * bullets. In the INI a continuation line holding only "." is an empty line (a paragraph
 * break), since INI files drop blank lines. Everything is laid out and rasterised in
 * prepare(); render() copies textures (and fades between languages). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <kizuna/plugin.h>

#include "reading.h" /* lib/reading.h: the helper library every plugin may link */
#include "regfile.h" /* lib/regfile.h */
#include "text_value.h"
#include "theme.h"

#define MAX_TEXT_FILE (256 * 1024)

static const struct {
    const char *code, *name;
} langs[] = {
    {"ja", "日本語"},      {"en", "English"},   {"zh-Hans", "简体中文"},
    {"zh-Hant", "繁體中文"}, {"ko", "한국어"},      {"vi", "Tiếng Việt"},
    {"pt", "Português"},   {"es", "Español"},   {"tl", "Tagalog"},
    {"id", "Bahasa Indonesia"}, {"fr", "Français"}, {"de", "Deutsch"},
};
#define N_LANGS (sizeof langs / sizeof langs[0])

typedef struct tex {
    SDL_Texture *t;
    int w, h;
} tex;

typedef struct variant {
    int lang;             /* index into langs */
    char *title, *body, *footer; /* owned; NULL when absent */
    char title_key[32], body_key[32], footer_key[32];
    tex title_t, body_t, footer_t, name_t;
    tex comp; /* the whole zone for this language (background, picture, texts), when the
               * renderer can draw into textures; then the pieces above are freed */
    int title_y, rule_y, body_y; /* laid out, relative to the zone */
} variant;

enum { POS_RIGHT, POS_LEFT, POS_TOP, POS_BOTTOM };

typedef struct notice {
    kz_host *host;
    const kz_host_api *api;
    variant v[N_LANGS];
    int nv;
    notice_theme th;
    int align, title_align, valign;
    double margin;     /* percent of the shorter side */
    int image_pos;
    double image_size; /* percent of the width (left/right) or height (top/bottom) */
    int has_image;
    char image_path[PATH_MAX];
    kz_us turn[N_LANGS]; /* how long each language is on air, in the order of v */
    int show_langs;
    long title_px, body_px;
    /* prepared */
    int prepared, pw, ph;
    tex image;
    SDL_Rect image_rect, text_rect;
    int rule_h, bar_y, bar_h;
} notice;

/* ---- parsing --------------------------------------------------------------------------- */

/* Read a UTF-8 text file: the first non-empty line is the title, the rest the body. */
static int read_text_file(notice *n, const char *key, char **title, char **body)
{
    char path[PATH_MAX];
    if (n->api->resolve_media(n->host, key, path, sizeof path) != KZ_OK)
        return -1;
    int not_regular = 0;
    FILE *f;
    if (KZ_API_HAS(n->api, open_media) && n->api->open_media) {
        /* Beneath the content root, no symlink followed (refusals logged by the host). */
        int fd = n->api->open_media(n->host, path);
        if (fd < 0)
            return -1;
        f = fdopen(fd, "rb");
        if (!f)
            close(fd);
    } else {
        f = kz_fopen_regular(path, &not_regular);
    }
    if (!f) {
        n->api->param_error(n->host, key, "%s: %s", path,
                            not_regular ? KZ_NOT_REGULAR_WHY : strerror(errno));
        return -1;
    }
    char *buf = malloc(MAX_TEXT_FILE + 1);
    size_t len = buf ? fread(buf, 1, MAX_TEXT_FILE + 1, f) : 0;
    fclose(f);
    if (!buf)
        return -1;
    if (len > MAX_TEXT_FILE) {
        n->api->param_error(n->host, key, "%s: longer than %d bytes", path, MAX_TEXT_FILE);
        free(buf);
        return -1;
    }
    buf[len] = 0;
    if (strlen(buf) != len) {
        n->api->param_error(n->host, key, "%s: not a UTF-8 text file (NUL byte)", path);
        free(buf);
        return -1;
    }
    char *p = buf;
    if (!strncmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    /* CR LF -> LF */
    char *w = p;
    for (char *r = p; *r; r++)
        if (!(*r == '\r' && r[1] == '\n'))
            *w++ = *r;
    *w = 0;
    while (*p == '\n' || *p == ' ' || *p == '\t')
        p++;
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = 0;
    *title = *p ? notice_text_dup(p) : NULL;
    *body = nl ? notice_text_dup(nl + 1) : NULL;
    free(buf);
    return 0;
}

static int lang_index(const char *code)
{
    for (size_t i = 0; i < N_LANGS; i++)
        if (!strcasecmp(langs[i].code, code))
            return (int)i;
    return -1;
}

/* Gather title/body/footer of one language: keys "title.en" etc. (or bare "title" for the
 * default language), and text_file(.en). Returns 1 when the language has text, 0 when not,
 * -1 on an error (logged). */
static int load_variant(notice *n, variant *v, int lang, int is_default)
{
    const kz_host_api *api = n->api;
    char k_title[32], k_body[32], k_footer[32], k_file[40];
    const char *sfx = langs[lang].code;
    memset(v, 0, sizeof *v);
    v->lang = lang;
    int found = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0 && !is_default)
            continue;
        if (pass == 0) {
            snprintf(k_title, sizeof k_title, "title");
            snprintf(k_body, sizeof k_body, "body");
            snprintf(k_footer, sizeof k_footer, "footer");
            snprintf(k_file, sizeof k_file, "text_file");
        } else {
            snprintf(k_title, sizeof k_title, "title.%s", sfx);
            snprintf(k_body, sizeof k_body, "body.%s", sfx);
            snprintf(k_footer, sizeof k_footer, "footer.%s", sfx);
            snprintf(k_file, sizeof k_file, "text_file.%s", sfx);
        }
        if (api->param(n->host, k_file)) {
            char *t = NULL, *b = NULL;
            if (read_text_file(n, k_file, &t, &b) < 0)
                return -1;
            if (t && !v->title) {
                v->title = t, t = NULL;
                snprintf(v->title_key, sizeof v->title_key, "%s", k_file);
            }
            if (b && !v->body) {
                v->body = b, b = NULL;
                snprintf(v->body_key, sizeof v->body_key, "%s", k_file);
            }
            free(t);
            free(b);
        }
        const char *t = api->param(n->host, k_title);
        const char *b = api->param(n->host, k_body);
        const char *f = api->param(n->host, k_footer);
        if (t) {
            free(v->title);
            v->title = notice_text_dup(t);
            snprintf(v->title_key, sizeof v->title_key, "%s", k_title);
        }
        if (b) {
            free(v->body);
            v->body = notice_text_dup(b);
            snprintf(v->body_key, sizeof v->body_key, "%s", k_body);
        }
        if (f) {
            free(v->footer);
            v->footer = notice_text_dup(f);
            snprintf(v->footer_key, sizeof v->footer_key, "%s", k_footer);
        }
    }
    found = v->title || v->body;
    if (!found && v->footer) {
        api->param_error(n->host, v->footer_key, "a footer without a title or body");
        free(v->footer);
        v->footer = NULL;
    }
    return found;
}

static void variant_free_text(variant *v)
{
    free(v->title);
    free(v->body);
    free(v->footer);
    v->title = v->body = v->footer = NULL;
}

static void notice_destroy(kz_instance **inst);

static int notice_create(kz_host *host, kz_instance **out)
{
    const kz_host_api *api = kz_api(host);
    notice *n = calloc(1, sizeof *n);
    if (!n)
        return KZ_ERR_NOMEM;
    n->host = host;
    n->api = api;
    int bad = 0, theme = 0;
    bad |= api->param_enum(host, "theme", NOTICE_THEME_CHOICES, &theme);
    n->th = notice_themes[theme];
    bad |= api->param_color(host, "background", &n->th.background);
    bad |= api->param_color(host, "color", &n->th.text);
    bad |= api->param_color(host, "title_color", &n->th.title);
    bad |= api->param_color(host, "accent", &n->th.accent);
    n->align = KZ_ALIGN_START;
    bad |= api->param_enum(host, "align", "start|center|end", &n->align);
    n->title_align = n->align;
    bad |= api->param_enum(host, "title_align", "start|center|end", &n->title_align);
    n->valign = 1;
    bad |= api->param_enum(host, "valign", "top|center", &n->valign);
    n->margin = 6;
    bad |= api->param_double(host, "margin", 0, 25, &n->margin);
    n->image_pos = POS_RIGHT;
    bad |= api->param_enum(host, "image_position", "right|left|top|bottom", &n->image_pos);
    n->image_size = 35;
    bad |= api->param_double(host, "image_size", 5, 70, &n->image_size);
    bad |= api->param_int(host, "title_size", 0, 2000, &n->title_px);
    bad |= api->param_int(host, "body_size", 0, 2000, &n->body_px);
    if (api->param(host, "image")) {
        if (api->resolve_media(host, "image", n->image_path, sizeof n->image_path) == KZ_OK)
            n->has_image = 1;
        else
            bad = 1;
    }

    /* languages: the default one (bare keys) first, then the others in table order, or in
     * the order of languages = ... */
    const char *deflang = api->param(host, "language");
    int def = lang_index(deflang ? deflang : "ja");
    if (def < 0) {
        api->param_error(host, "language", "unknown language \"%s\"", deflang);
        bad = 1;
        def = 0;
    }
    int order[N_LANGS], no = 0;
    const char *list = api->param(host, "languages");
    if (list) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", list);
        for (char *save = NULL, *tok = strtok_r(buf, ", \n", &save); tok;
             tok = strtok_r(NULL, ", \n", &save)) {
            int li = lang_index(tok);
            if (li < 0) {
                api->param_error(host, "languages", "unknown language \"%s\"", tok);
                bad = 1;
                continue;
            }
            if (no < (int)N_LANGS)
                order[no++] = li;
        }
    } else {
        order[no++] = def;
        for (int i = 0; i < (int)N_LANGS; i++)
            if (i != def)
                order[no++] = i;
    }
    /* every language's keys are read (so none is reported as unknown), in table order */
    variant all[N_LANGS];
    int has[N_LANGS];
    for (int i = 0; i < (int)N_LANGS; i++) {
        has[i] = load_variant(n, &all[i], i, i == def);
        if (has[i] < 0)
            bad = 1;
    }
    for (int k = 0; k < no; k++) {
        int li = order[k];
        if (has[li] > 0) {
            n->v[n->nv++] = all[li];
            memset(&all[li], 0, sizeof all[li]);
            has[li] = 0;
        } else if (list) {
            api->param_error(host, "languages", "no text for language %s", langs[li].code);
        }
    }
    for (int i = 0; i < (int)N_LANGS; i++)
        variant_free_text(&all[i]); /* languages left out of languages = */
    if (n->nv == 0 && !bad) {
        api->param_error(host, "title",
                         "a notice needs a title or a body (title =, body = or text_file =)");
        bad = 1;
    }

    /* languages take turns: language_interval, else the item's duration shared in
     * proportion to each language's reading time (player/reading.h, as kizuna check grades
     * it); without a duration 8 s a language */
    kz_us slot = 0, interval = 0, d;
    const char *dur = api->param(host, "duration");
    if (dur && notice_parse_duration(dur, &d) == 0)
        slot = d;
    const char *iv = api->param(host, "language_interval");
    if (iv) {
        if (notice_parse_duration(iv, &d) < 0 || d < KZ_US_PER_S) {
            api->param_error(host, "language_interval", "expected a duration of 1s or more");
            bad = 1;
        } else {
            interval = d;
        }
    }
    if (n->nv > 0) {
        double need[N_LANGS];
        for (int i = 0; i < n->nv; i++)
            need[i] = kz_notice_reading_seconds(n->v[i].title, n->v[i].body);
        kz_notice_turns(slot, interval, n->nv, need, n->turn);
    }
    n->show_langs = n->nv > 1;
    bad |= api->param_bool(host, "show_languages", &n->show_langs);
    /* Contrast is graded by kizuna check (player/check_legibility.c): below 4.5:1 an error,
     * below 7:1 a warning, with the key's file:line. */
    if (bad) {
        kz_instance *i = n;
        notice_destroy(&i);
        return KZ_ERR;
    }
    *out = n;
    return KZ_OK;
}

static int notice_check(kz_instance *inst)
{
    notice *n = inst;
    int problems = 0;
    if (!KZ_API_HAS(n->api, missing_glyph))
        return problems;
    for (int i = 0; i < n->nv; i++) {
        variant *v = &n->v[i];
        const char *texts[3] = {v->title, v->body, v->footer};
        const char *keys[3] = {v->title_key, v->body_key, v->footer_key};
        for (int k = 0; k < 3; k++) {
            /* INI values are checked by kizuna check itself; texts from files here */
            if (!texts[k] || strncmp(keys[k], "text_file", 9) != 0)
                continue;
            uint32_t cp = n->api->missing_glyph(n->host, texts[k]);
            if (cp) {
                n->api->param_error(n->host, keys[k],
                                    "U+%04X is in no font of the chain (fonts/fonts.ini): it "
                                    "would be missing on screen",
                                    (unsigned)cp);
                problems++;
            }
        }
    }
    return problems;
}

/* ---- layout ---------------------------------------------------------------------------- */

static void tex_free(tex *t)
{
    if (t->t)
        SDL_DestroyTexture(t->t);
    t->t = NULL;
    t->w = t->h = 0;
}

static kz_text_style make_style(int px, int min_px, int max_px, int bold, int align, int box_w,
                                int box_h, kz_color c, double spacing)
{
    kz_text_style st;
    memset(&st, 0, sizeof st);
    st.struct_size = sizeof st;
    st.px = px;
    st.min_px = min_px;
    st.max_px = max_px;
    st.bold = bold;
    st.align = align;
    st.box_w = box_w;
    st.box_h = box_h;
    st.color = c;
    st.line_spacing = spacing;
    return st;
}

static int make_text(notice *n, SDL_Renderer *r, tex *out, const char *s, int px, int min_px,
                     int max_px, int bold, int align, int box_w, int box_h, kz_color c,
                     double spacing)
{
    kz_text_style st = make_style(px, min_px, max_px, bold, align, box_w, box_h, c, spacing);
    out->t = n->api->text_texture(n->host, r, s, &st, &out->w, &out->h);
    return out->t ? 0 : -1;
}

/* The size the title will get, so that the body stays smaller; 0 when unknown. */
static int title_px(notice *n, const char *s, int max_px, int min_px, int align, int box_w,
                    int box_h, kz_color c)
{
    if (n->title_px > 0)
        return (int)n->title_px;
    if (!KZ_API_HAS(n->api, text_fit))
        return 0;
    kz_text_style st = make_style(0, min_px, max_px, 1, align, box_w, box_h, c, 1.2);
    int px = n->api->text_fit(n->host, s, &st);
    return px > 0 ? px : 0;
}

static void release_textures(notice *n)
{
    for (int i = 0; i < n->nv; i++) {
        tex_free(&n->v[i].comp);
        tex_free(&n->v[i].title_t);
        tex_free(&n->v[i].body_t);
        tex_free(&n->v[i].footer_t);
        tex_free(&n->v[i].name_t);
    }
    n->prepared = 0;
}

static void compose(notice *n, SDL_Renderer *r);

static int layout(notice *n, SDL_Renderer *r, int w, int h)
{
    release_textures(n);
    int shorter = w < h ? w : h;
    int m = (int)lround(shorter * n->margin / 100.0);
    SDL_Rect content = {m, m, w - 2 * m, h - 2 * m};
    if (content.w < 16 || content.h < 16) {
        n->api->log(n->host, KZ_LOG_ERROR, "zone %dx%d is too small for a notice", w, h);
        return -1;
    }
    int gap = shorter / 40 > 2 ? shorter / 40 : 2;

    /* the bottom bar: footer on the left, language names on the right */
    int any_footer = 0;
    for (int i = 0; i < n->nv; i++)
        any_footer |= n->v[i].footer != NULL;
    int bar_px = h / 32 > 10 ? h / 32 : 10;
    n->bar_h = 0;
    if (n->show_langs || any_footer) {
        n->bar_h = (int)lround(bar_px * 1.25);
        n->bar_y = content.y + content.h - n->bar_h;
        content.h -= n->bar_h + gap;
    }

    SDL_Rect text = content;
    n->image_rect = (SDL_Rect){0, 0, 0, 0};
    if (n->has_image) {
        if (n->image_pos == POS_LEFT || n->image_pos == POS_RIGHT) {
            int iw = (int)lround(content.w * n->image_size / 100.0);
            text.w = content.w - iw - 2 * gap;
            n->image_rect = (SDL_Rect){n->image_pos == POS_LEFT ? content.x
                                                                : content.x + content.w - iw,
                                       content.y, iw, content.h};
            if (n->image_pos == POS_LEFT)
                text.x = content.x + iw + 2 * gap;
        } else {
            int ih = (int)lround(content.h * n->image_size / 100.0);
            text.h = content.h - ih - gap;
            n->image_rect = (SDL_Rect){content.x,
                                       n->image_pos == POS_TOP ? content.y
                                                               : content.y + content.h - ih,
                                       content.w, ih};
            if (n->image_pos == POS_TOP)
                text.y = content.y + ih + gap;
        }
        /* fit the picture inside its box, keeping its aspect */
        if (n->image.t && n->image.w > 0 && n->image.h > 0) {
            SDL_Rect b = n->image_rect;
            double s = fmin((double)b.w / n->image.w, (double)b.h / n->image.h);
            int iw = (int)(n->image.w * s), ih = (int)(n->image.h * s);
            n->image_rect = (SDL_Rect){b.x + (b.w - iw) / 2, b.y + (b.h - ih) / 2, iw, ih};
        }
    }
    n->text_rect = text;
    n->rule_h = h / 200 > 2 ? h / 200 : 2;

    int title_max = h / 9, body_max = h / 13;
    int title_min = h / 36 > 12 ? h / 36 : 12, body_min = h / 45 > 10 ? h / 45 : 10;
    for (int i = 0; i < n->nv; i++) {
        variant *v = &n->v[i];
        int y = text.y, avail = text.h;
        /* The title gets 30 % of the area first. If title and body then leave much of the
         * area empty (a short body), the title's box grows into half of the free room, at
         * most to half the area, and both are laid out again: once. */
        int title_box = v->body ? avail * 30 / 100 : avail, used = 0;
        for (int pass = 0; pass < 2; pass++) {
            int body_cap = body_max;
            if (v->title && v->body) {
                /* the body's lines stay at most 85 % of the title's */
                int tp = title_px(n, v->title, title_max, title_min, n->title_align, text.w,
                                  title_box, n->th.title);
                if (tp > 0 && tp * 85 / 100 < body_cap)
                    body_cap = tp * 85 / 100 > body_min ? tp * 85 / 100 : body_min;
            }
            tex_free(&v->title_t);
            tex_free(&v->body_t);
            if (v->title && make_text(n, r, &v->title_t, v->title, (int)n->title_px, title_min,
                                      v->body ? title_max : h / 6, 1, n->title_align, text.w,
                                      title_box, n->th.title, 1.2) < 0)
                goto fail;
            used = v->title_t.h + (v->title && v->body ? 2 * gap + n->rule_h : 0);
            if (v->body) {
                int box_h = avail - used;
                if (box_h < body_min)
                    box_h = body_min;
                if (make_text(n, r, &v->body_t, v->body, (int)n->body_px, body_min, body_cap, 0,
                              n->align, text.w, box_h, n->th.text, 1.45) < 0)
                    goto fail;
            }
            int free_h = avail - used - v->body_t.h;
            if (pass > 0 || !v->title || !v->body || n->title_px > 0 || free_h < avail / 5 ||
                title_box >= avail / 2)
                break;
            title_box += free_h / 2;
            if (title_box > avail / 2)
                title_box = avail / 2;
        }
        int block = used + v->body_t.h;
        if (n->valign == 1 && block < avail)
            y += (avail - block) / 2;
        v->title_y = y;
        v->rule_y = y + v->title_t.h + gap;
        v->body_y = v->title ? v->rule_y + n->rule_h + gap : y;
        if (n->show_langs && make_text(n, r, &v->name_t, langs[v->lang].name, bar_px, 0, 0, 0,
                                       KZ_ALIGN_START, 0, 0, (kz_color){255, 255, 255, 255},
                                       1.0) < 0)
            goto fail;
    }
    /* footers share the bar with the language names: at most the bar's size, shrunk to fit
     * the room the names leave */
    int names_w = 0;
    if (n->show_langs)
        for (int i = 0; i < n->nv; i++)
            names_w += n->v[i].name_t.w + n->v[i].name_t.h / 2;
    int footer_w = content.w - names_w - gap;
    for (int i = 0; i < n->nv; i++) {
        variant *v = &n->v[i];
        if (!v->footer)
            continue;
        if (footer_w < content.w / 5) {
            n->api->log(n->host, KZ_LOG_WARN, "%s: no room for the footer beside the language "
                        "names at %dx%d; not shown", v->footer_key, w, h);
            continue;
        }
        if (make_text(n, r, &v->footer_t, v->footer, 0, 8, bar_px, 0, KZ_ALIGN_START, footer_w,
                      n->bar_h, n->th.text, 1.0) < 0)
            goto fail;
    }
    n->pw = w, n->ph = h;
    compose(n, r);
    n->prepared = 1;
    return 0;
fail:
    release_textures(n);
    return -1;
}

static int target_size(SDL_Renderer *r, int *w, int *h)
{
    SDL_Texture *t = SDL_GetRenderTarget(r);
    if (t)
        return SDL_QueryTexture(t, NULL, NULL, w, h);
    return SDL_GetRendererOutputSize(r, w, h);
}

static int notice_prepare(kz_instance *inst, SDL_Renderer *r)
{
    notice *n = inst;
    if (n->has_image && !n->image.t) {
        SDL_Surface *s = n->api->image_load(n->host, n->image_path);
        if (!s)
            return KZ_ERR;
        n->image.t = SDL_CreateTextureFromSurface(r, s);
        n->image.w = s->w, n->image.h = s->h;
        SDL_FreeSurface(s);
        if (!n->image.t) {
            n->api->log(n->host, KZ_LOG_ERROR, "image texture: %s", SDL_GetError());
            return KZ_ERR;
        }
        SDL_SetTextureBlendMode(n->image.t, SDL_BLENDMODE_BLEND);
    }
    int w = 0, h = 0;
    if (target_size(r, &w, &h) < 0 || w <= 0 || h <= 0)
        return KZ_OK; /* laid out at the first render, when the zone's size is known */
    return layout(n, r, w, h) < 0 ? KZ_ERR : KZ_OK;
}

static void copy(SDL_Renderer *r, const tex *t, int x, int y, uint8_t alpha)
{
    if (!t->t)
        return;
    SDL_Rect d = {x, y, t->w, t->h};
    SDL_SetTextureAlphaMod(t->t, alpha);
    SDL_RenderCopy(r, t->t, NULL, &d);
}

/* x of a block of width w aligned in the text column */
static int align_x(const notice *n, int align, int w)
{
    int free_w = n->text_rect.w - w > 0 ? n->text_rect.w - w : 0;
    return n->text_rect.x + (align == KZ_ALIGN_CENTER ? free_w / 2
                             : align == KZ_ALIGN_END  ? free_w
                                                      : 0);
}

static void draw_variant(notice *n, SDL_Renderer *r, const variant *v, int ox, int oy,
                         uint8_t a)
{
    copy(r, &v->title_t, ox + align_x(n, n->title_align, v->title_t.w), oy + v->title_y, a);
    if (v->title && v->body) {
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(r, n->th.accent.r, n->th.accent.g, n->th.accent.b, a);
        SDL_Rect rule = {ox + n->text_rect.x, oy + v->rule_y, n->text_rect.w, n->rule_h};
        SDL_RenderFillRect(r, &rule);
    }
    copy(r, &v->body_t, ox + align_x(n, n->align, v->body_t.w), oy + v->body_y, a);
    if (v->footer_t.t)
        copy(r, &v->footer_t, ox + n->text_rect.x, oy + n->bar_y, a);
}

static void draw_background(notice *n, SDL_Renderer *r, const SDL_Rect *rect)
{
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, n->th.background.r, n->th.background.g, n->th.background.b, 255);
    SDL_RenderFillRect(r, rect);
    if (n->image.t && n->image_rect.w > 0) {
        SDL_Rect d = n->image_rect;
        d.x += rect->x, d.y += rect->y;
        SDL_SetTextureAlphaMod(n->image.t, 255);
        SDL_RenderCopy(r, n->image.t, NULL, &d);
    }
}

/* Draw each language's whole slide once into a texture of the zone's size, so that a frame
 * is one opaque copy (two blended ones during a crossfade). Without render-target support
 * the pieces stay and are drawn each frame. The renderer's target, viewport and clip are
 * restored. */
static void compose(notice *n, SDL_Renderer *r)
{
    if (!SDL_RenderTargetSupported(r))
        return;
    SDL_Texture *old = SDL_GetRenderTarget(r);
    SDL_Rect vp, clip;
    SDL_RenderGetViewport(r, &vp);
    int clipped = SDL_RenderIsClipEnabled(r);
    SDL_RenderGetClipRect(r, &clip);
    SDL_Rect all = {0, 0, n->pw, n->ph};
    for (int i = 0; i < n->nv; i++) {
        variant *v = &n->v[i];
        v->comp.t = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                      n->pw, n->ph);
        if (!v->comp.t || SDL_SetRenderTarget(r, v->comp.t) < 0) {
            tex_free(&v->comp);
            continue;
        }
        v->comp.w = n->pw, v->comp.h = n->ph;
        draw_background(n, r, &all);
        draw_variant(n, r, v, 0, 0, 255);
    }
    SDL_SetRenderTarget(r, old);
    SDL_RenderSetViewport(r, &vp);
    SDL_RenderSetClipRect(r, clipped ? &clip : NULL);
    for (int i = 0; i < n->nv; i++) {
        variant *v = &n->v[i];
        if (!v->comp.t)
            continue;
        tex_free(&v->title_t);
        tex_free(&v->body_t);
        tex_free(&v->footer_t);
    }
}

static void copy_comp(SDL_Renderer *r, const tex *c, const SDL_Rect *rect, uint8_t a)
{
    SDL_SetTextureBlendMode(c->t, a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(c->t, a);
    SDL_RenderCopy(r, c->t, NULL, rect);
}

static int notice_render(kz_instance *inst, SDL_Renderer *r, const SDL_Rect *rect, kz_us t)
{
    notice *n = inst;
    if (!n->prepared || n->pw != rect->w || n->ph != rect->h) {
        if (layout(n, r, rect->w, rect->h) < 0)
            return KZ_ERR;
    }
    if (t < 0)
        t = 0;
    int cur = 0, prev = -1;
    uint8_t a = 255;
    if (n->nv > 1) {
        /* the language on air is a function of t; the new one fades in over the first
         * 0.5 s of its turn (an eighth of a short turn), except at the item's start */
        kz_us since;
        cur = kz_turn_at(n->turn, n->nv, t, &since);
        kz_us fade = n->turn[cur] / 8 < KZ_US_PER_S / 2 ? n->turn[cur] / 8 : KZ_US_PER_S / 2;
        if (t > since && since < fade) {
            prev = (cur + n->nv - 1) % n->nv;
            a = (uint8_t)(255 * since / fade);
        }
    }
    if (n->v[cur].comp.t && (prev < 0 || n->v[prev].comp.t)) {
        if (prev >= 0)
            copy_comp(r, &n->v[prev].comp, rect, 255);
        copy_comp(r, &n->v[cur].comp, rect, a);
    } else {
        draw_background(n, r, rect);
        if (prev >= 0)
            draw_variant(n, r, &n->v[prev], rect->x, rect->y, (uint8_t)(255 - a));
        draw_variant(n, r, &n->v[cur], rect->x, rect->y, a);
    }

    if (n->show_langs && n->nv > 1) {
        /* language names, right-aligned; the one on air in the accent colour, underlined */
        int sp = n->v[0].name_t.h / 2;
        int x = rect->x + n->text_rect.x + n->text_rect.w;
        if (n->has_image && n->image_pos == POS_RIGHT)
            x = rect->x + n->pw - (int)lround((n->pw < n->ph ? n->pw : n->ph) * n->margin / 100);
        for (int i = n->nv - 1; i >= 0; i--) {
            const tex *nt = &n->v[i].name_t;
            x -= nt->w;
            kz_color c = i == cur ? n->th.accent : n->th.text;
            SDL_SetTextureColorMod(nt->t, c.r, c.g, c.b);
            copy(r, nt, x, rect->y + n->bar_y, 255);
            if (i == cur) {
                SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
                SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
                SDL_Rect u = {x, rect->y + n->bar_y + nt->h, nt->w, n->rule_h};
                SDL_RenderFillRect(r, &u);
            }
            x -= sp;
        }
    }
    return KZ_OK;
}

static void notice_release(kz_instance *inst)
{
    notice *n = inst;
    release_textures(n);
    tex_free(&n->image);
}

static void notice_destroy(kz_instance **inst)
{
    notice *n = *inst;
    if (!n)
        return;
    notice_release(n);
    for (int i = 0; i < n->nv; i++)
        variant_free_text(&n->v[i]);
    free(n);
    *inst = NULL;
}

/* The slide's background is always drawn opaque over the whole zone. */
static int notice_opaque(kz_instance *inst)
{
    (void)inst;
    return 1;
}

/* One language: the slide never changes. Several: it stays until the next language's turn
 * begins, and changes every frame while the new one fades in (the same arithmetic as
 * notice_render, from t alone). */
static kz_us notice_next_change(kz_instance *inst, kz_us t)
{
    notice *n = inst;
    if (n->nv <= 1)
        return KZ_CHANGE_NEVER;
    if (t < 0)
        return 0; /* drawn as t = 0 until then */
    kz_us since;
    int cur = kz_turn_at(n->turn, n->nv, t, &since);
    kz_us fade = n->turn[cur] / 8 < KZ_US_PER_S / 2 ? n->turn[cur] / 8 : KZ_US_PER_S / 2;
    if (t > since && since < fade)
        return t;
    kz_us next = t - since + n->turn[cur];
    return next > t ? next : t;
}

/* The keys, for `kizuna help notice`, docs/keys.md and the "did you mean" of a typo. LANG is
 * one of the codes of langs[] above. */
static const kz_key notice_keys[] = {
    {"title", "text", "", "ヘルプマークを|知っていますか", "the title in the default language"},
    {"body", "text", "", "{援助|えんじょ}を必要としている方々が…",
     "the body: paragraphs (a line holding only . is an empty line) and - bullets"},
    {"footer", "text", "", "熊本県 健康福祉政策課", "the footer in the bottom bar"},
    {"text_file", "file (UTF-8 text)", "", "text/handprint-unveiling.txt",
     "first non-empty line the title, the rest the body; title and body keys win over it"},
    {"title.LANG", "text", "", "Do you know the Help Mark?", "the title in language LANG"},
    {"body.LANG", "text", "", "The Help Mark tells others that its wearer needs help.",
     "the body in language LANG"},
    {"footer.LANG", "text", "", "Kumamoto Prefecture", "the footer in language LANG"},
    {"text_file.LANG", "file (UTF-8 text)", "", "text/handprint-unveiling.en.txt",
     "title and body of language LANG from a file"},
    {"language", "ja|en|zh-Hans|zh-Hant|ko|vi|pt|es|tl|id|fr|de", "ja", "ja",
     "the language of the keys without a suffix"},
    {"languages", "list of language codes", "all that have text", "ja, en",
     "the order of the turns"},
    {"language_interval", "duration (1s or more)", "by reading time", "12s",
     "how long each language stays"},
    {"show_languages", "yes|no", "yes with two or more languages", "yes",
     "the language names in the bottom bar"},
    {"theme", NOTICE_THEME_CHOICES, "high-contrast", "navy", "colour theme"},
    {"background", "colour", "the theme's", "#000000", "background colour"},
    {"color", "colour", "the theme's", "#ffffff", "body text colour"},
    {"title_color", "colour", "the theme's", "#ffd400", "title colour"},
    {"accent", "colour", "the theme's", "#ffd400", "rule and language underline colour"},
    {"align", "start|center|end", "start", "center", "alignment of the body"},
    {"title_align", "start|center|end", "= align", "center", "alignment of the title"},
    {"valign", "top|center", "center", "top", "where the title and body sit in their area"},
    {"margin", "number 0-25 (% of the shorter side)", "6", "8", "space around everything"},
    {"image", "file", "", "helpmark.png", "a picture (PNG, JPEG, WebP) beside the text"},
    {"image_position", "right|left|top|bottom", "right", "left", "where the picture goes"},
    {"image_size", "number 5-70 (%)", "35", "40",
     "share of the zone's width (left/right) or height (top/bottom)"},
    {"title_size", "integer 0-2000 (px)", "0: fit", "72", "title font size"},
    {"body_size", "integer 0-2000 (px)", "0: fit", "44", "body font size"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const kz_plugin notice_plugin = {
    .abi_version = KZ_ABI_VERSION,
    .struct_size = sizeof(kz_plugin),
    .name = "notice",
    .version = "1.0",
    .description = "Japanese-first text slides: title, body, bullets, image, language variants",
    .create = notice_create,
    .check = notice_check,
    .prepare = notice_prepare,
    .render = notice_render,
    .release = notice_release,
    .destroy = notice_destroy,
    .next_change = notice_next_change,
    .keys = notice_keys,
    .opaque = notice_opaque,
};

KZ_PLUGIN_EXPORT(notice_plugin)
