#include "textbox.h"

#include <string.h>

int kzw_text_box(const kzw_text_keys *k, const SDL_Rect *rect, int *box_w, int *box_h)
{
    int margin = (int)k->margin;
    if (margin < 0)
        margin = (rect->w < rect->h ? rect->w : rect->h) / 20;
    *box_w = rect->w - 2 * margin;
    *box_h = rect->h - 2 * margin;
    if (*box_w < 1 || *box_h < 1) {
        margin = 0;
        *box_w = rect->w;
        *box_h = rect->h;
    }
    return margin;
}

kz_text_style kzw_text_style(const kzw_text_keys *k, int px)
{
    kz_text_style s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    s.px = px;
    s.min_px = (int)k->min_size;
    s.bold = k->bold;
    s.align = k->align;
    s.color = k->color;
    return s;
}

void kzw_draw_textbox(SDL_Renderer *r, const SDL_Rect *rect, kz_color background,
                      SDL_Texture *tex, int tex_w, int tex_h, int align, int margin)
{
    if (background.a) {
        SDL_SetRenderDrawBlendMode(r, background.a == 255 ? SDL_BLENDMODE_NONE
                                                          : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(r, background.r, background.g, background.b, background.a);
        SDL_RenderFillRect(r, rect);
    }
    if (!tex)
        return;
    SDL_Rect dst = {0, rect->y + (rect->h - tex_h) / 2, tex_w, tex_h};
    if (align == KZ_ALIGN_START)
        dst.x = rect->x + margin;
    else if (align == KZ_ALIGN_END)
        dst.x = rect->x + rect->w - margin - tex_w;
    else
        dst.x = rect->x + (rect->w - tex_w) / 2;
    SDL_RenderCopy(r, tex, NULL, &dst);
}

int kzw_text_keys_read(kz_host *host, kzw_text_keys *k)
{
    const kz_host_api *api = kz_api(host);
    *k = (kzw_text_keys){.color = {255, 255, 255, 255}, .background = {0, 0, 0, 255},
                         .margin = -1, .bold = 1, .align = KZ_ALIGN_CENTER};
    int bad = 0;
    bad |= api->param_color(host, "color", &k->color);
    bad |= api->param_color(host, "background", &k->background);
    bad |= api->param_int(host, "size", 0, 2000, &k->size);
    bad |= api->param_int(host, "min_size", 0, 2000, &k->min_size);
    bad |= api->param_int(host, "margin", 0, 2000, &k->margin);
    bad |= api->param_bool(host, "bold", &k->bold);
    bad |= api->param_enum(host, "align", "start|center|end", &k->align);
    return bad;
}
