/* PNG in and out with libavcodec (no extra library). */
#ifndef KZ_PNG_H
#define KZ_PNG_H
#include <stddef.h>
#include <stdint.h>

/* Write w x h pixels of ARGB8888 (SDL_PIXELFORMAT_ARGB8888, i.e. BGRA bytes on little-endian)
 * with the given pitch as an RGB24 PNG. 0 or -1 (logged). */
int kz_png_write(const char *path, const void *argb, int w, int h, int pitch);
/* The same into an open descriptor (the caller opened it, and closes it); name is only for
 * messages. 0 or -1 (logged). */
int kz_png_write_fd(int fd, const char *name, const void *argb, int w, int h, int pitch);
/* Decode any image libavformat/libavcodec can open (PNG, JPEG, WebP, ...) into a new
 * tightly packed ARGB8888 buffer (free with free()). 0 or -1 with a reason in err. */
int kz_image_load(const char *path, uint8_t **argb, int *w, int *h, char *err, size_t errlen);
#endif
