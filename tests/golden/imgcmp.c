/* imgcmp REF ACTUAL TOL DIFF.png — compare two images for the golden-frame tests.
 * TOL is "exact" (every pixel equal) or "psnr:N" (PSNR over RGB >= N dB). Prints the PSNR,
 * the largest channel difference and the share of differing pixels; on failure writes a
 * diff image (differences amplified 4x on a dimmed copy of the reference). Exit 0 = same. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/png.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: imgcmp REF ACTUAL exact|psnr:N DIFF.png\n");
        return 2;
    }
    uint8_t *a, *b;
    int aw, ah, bw, bh;
    char err[256];
    if (kz_image_load(argv[1], &a, &aw, &ah, err, sizeof err)) {
        fprintf(stderr, "imgcmp: %s: %s\n", argv[1], err);
        return 2;
    }
    if (kz_image_load(argv[2], &b, &bw, &bh, err, sizeof err)) {
        fprintf(stderr, "imgcmp: %s: %s\n", argv[2], err);
        free(a);
        return 2;
    }
    if (aw != bw || ah != bh) {
        fprintf(stderr, "imgcmp: size differs: %dx%d vs %dx%d\n", aw, ah, bw, bh);
        free(a);
        free(b);
        return 1;
    }
    double min_psnr = -1;
    if (strncmp(argv[3], "psnr:", 5) == 0)
        min_psnr = atof(argv[3] + 5);
    else if (strcmp(argv[3], "exact") != 0) {
        fprintf(stderr, "imgcmp: bad tolerance %s\n", argv[3]);
        return 2;
    }
    size_t n = (size_t)aw * ah;
    double se = 0;
    int maxd = 0;
    size_t differing = 0;
    for (size_t i = 0; i < n; i++) {
        int pix_diff = 0;
        for (int c = 0; c < 3; c++) {
            int d = abs((int)a[4 * i + c] - (int)b[4 * i + c]);
            se += (double)d * d;
            if (d > maxd)
                maxd = d;
            pix_diff |= d;
        }
        differing += pix_diff != 0;
    }
    double mse = se / (3.0 * n);
    double psnr = mse == 0 ? INFINITY : 10 * log10(255.0 * 255.0 / mse);
    int ok = min_psnr < 0 ? differing == 0 : psnr >= min_psnr;
    printf("imgcmp: psnr=%.2f dB max_diff=%d differing=%.3f%% -> %s\n", psnr, maxd,
           100.0 * differing / n, ok ? "same" : "DIFFERENT");
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) {
                int d = abs((int)a[4 * i + c] - (int)b[4 * i + c]) * 4 + a[4 * i + c] / 4;
                b[4 * i + c] = (uint8_t)(d > 255 ? 255 : d);
            }
        kz_png_write(argv[4], b, aw, ah, aw * 4);
    }
    free(a);
    free(b);
    return ok ? 0 : 1;
}
