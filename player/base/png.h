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
/* The default pixel limit ([player] max_pixels): about 40 Mpx, 8K UHD (7680 x 4320 = 33 Mpx)
 * fits, and one picture at the limit is 160 MB as ARGB, bounded on a 1 GB screen. */
#define KZ_MAX_PIXELS_DEFAULT 40000000L
/* The size a picture's header declares (PNG, JPEG, GIF, WebP, BMP), read from its first bytes
 * without decoding anything. 0 and *w, *h; -1 when the format is not one of these or the
 * header is short (the decoder's own limit then applies, see kz_image_load_limited). */
int kz_image_header_size(const char *path, long *w, long *h);
/* -1 with a reason in err when the header declares a picture above max_pixels (<= 0: the
 * default) or more than 16384 on a side; 0 when it is within or the format is not known. */
int kz_image_check_header(const char *path, long max_pixels, char *err, size_t errlen);
/* Decode any image libavformat/libavcodec can open (PNG, JPEG, WebP, ...) into a new
 * tightly packed ARGB8888 buffer (free with free()). 0 or -1 with a reason in err.
 * A picture above max_pixels (w * h; <= 0: KZ_MAX_PIXELS_DEFAULT) is refused from its header
 * before anything is decoded; the decoder gets the same limit for formats without one. */
int kz_image_load_limited(const char *path, long max_pixels, uint8_t **argb, int *w, int *h,
                          char *err, size_t errlen);
/* kz_image_load_limited with the default limit. */
int kz_image_load(const char *path, uint8_t **argb, int *w, int *h, char *err, size_t errlen);
#endif
