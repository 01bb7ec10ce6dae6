/* Software renderer: what a zone kept in its own target texture costs per composed frame
 * (issue: keep each zone in a texture and compose the cached ones; docs/performance.md,
 * "zones in their own textures"). Built and run by tools/bench-zone-target.sh.
 * 1920x1080 output, a 1651x929 zone (the three-zone layout's main zone), N frames each:
 *  direct:  the plugin's way today: RenderCopy of its streaming texture 1:1 into the zone
 *  cached:  compose from a cached zone target: RenderCopy of a TARGET texture 1:1
 *  redraw:  draw into the zone target (copy the streaming texture in) then compose it
 *  clock:   a 365x130 zone: fill + blend a text-sized texture directly vs from its target */
#include <SDL2/SDL.h>
#include <stdio.h>
static double now(void)
{
    return (double)SDL_GetPerformanceCounter() / SDL_GetPerformanceFrequency();
}
int main(int argc, char **argv)
{
    int N = argc > 1 ? atoi(argv[1]) : 300;
    SDL_Init(SDL_INIT_VIDEO);
    SDL_Window *w = SDL_CreateWindow("t", 0, 0, 1920, 1080, 0);
    SDL_Renderer *r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE);
    SDL_Texture *st =
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, 1651, 929);
    SDL_Texture *tg =
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, 1651, 929);
    SDL_Texture *txt =
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, 300, 90);
    SDL_Texture *ctg =
        SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, 365, 130);
    void *px;
    int pitch;
    SDL_LockTexture(st, NULL, &px, &pitch);
    memset(px, 0x80, (size_t)pitch * 929);
    SDL_UnlockTexture(st);
    SDL_LockTexture(txt, NULL, &px, &pitch);
    memset(px, 0x7f, (size_t)pitch * 90);
    SDL_UnlockTexture(txt);
    SDL_SetTextureBlendMode(txt, SDL_BLENDMODE_BLEND);
    SDL_SetTextureBlendMode(ctg, SDL_BLENDMODE_BLEND);
    SDL_Rect zr = {0, 0, 1651, 929}, cr = {1497, 32, 365, 130}, tr = {1530, 52, 300, 90},
             tl = {33, 20, 300, 90};
    double t0, d[6] = {0};
    for (int pass = 0; pass < 2; pass++) { /* pass 0 warms up */
        t0 = now();
        for (int i = 0; i < N; i++) {
            SDL_SetTextureBlendMode(st, SDL_BLENDMODE_NONE);
            SDL_RenderCopy(r, st, NULL, &zr);
        }
        d[0] = now() - t0;
        t0 = now();
        for (int i = 0; i < N; i++) {
            SDL_SetTextureBlendMode(tg, SDL_BLENDMODE_NONE);
            SDL_RenderCopy(r, tg, NULL, &zr);
        }
        d[1] = now() - t0;
        t0 = now();
        for (int i = 0; i < N; i++) {
            SDL_SetRenderTarget(r, tg);
            SDL_RenderCopy(r, st, NULL, NULL);
            SDL_SetRenderTarget(r, NULL);
            SDL_RenderCopy(r, tg, NULL, &zr);
        }
        d[2] = now() - t0;
        t0 = now();
        for (int i = 0; i < N; i++) {
            SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(r, 0, 0, 0, 0xc0);
            SDL_RenderFillRect(r, &cr);
            SDL_RenderCopy(r, txt, NULL, &tr);
        }
        d[3] = now() - t0;
        t0 = now();
        for (int i = 0; i < N; i++)
            SDL_RenderCopy(r, ctg, NULL, &cr);
        d[4] = now() - t0;
        t0 = now();
        for (int i = 0; i < N; i++) {
            SDL_SetRenderTarget(r, ctg);
            SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
            SDL_SetRenderDrawColor(r, 0, 0, 0, 0xc0);
            SDL_RenderClear(r);
            SDL_RenderCopy(r, txt, NULL, &tl);
            SDL_SetRenderTarget(r, NULL);
            SDL_RenderCopy(r, ctg, NULL, &cr);
        }
        d[5] = now() - t0;
        SDL_RenderPresent(r);
    }
    printf("per frame, us: main zone direct %.0f, from cache %.0f, redraw via target %.0f; "
           "clock direct %.0f, from cache %.0f, redraw via target %.0f\n",
           1e6 * d[0] / N, 1e6 * d[1] / N, 1e6 * d[2] / N, 1e6 * d[3] / N, 1e6 * d[4] / N,
           1e6 * d[5] / N);
    return 0;
}
