/* Thumbnails of the media list: the first frame of a clip, or the picture, scaled down to fit
 * KZ_THUMB_W x KZ_THUMB_H, as PNG. Made on the first request and kept in
 * <logs>/console/thumbs/ (never in the content root), named by the file's name, size and
 * modification time, so a replaced file gets a new one. The folder is bounded: past
 * KZ_THUMB_CACHE_MAX bytes the oldest thumbnails go. */
#ifndef KZ_CONSOLE_THUMBS_H
#define KZ_CONSOLE_THUMBS_H
#include <stddef.h>
#include <stdint.h>

#include "console/console.h"

#define KZ_THUMB_W 192
#define KZ_THUMB_H 108
#define KZ_THUMB_CACHE_MAX (16L * 1024 * 1024)

/* GET /api/thumbs/NAME: image/png, or an error (bad name, not media, cannot decode). */
void kz_cthumb(kz_console *c, const char *name, kz_cresp *rs);

/* The first picture of a clip or an image file, decoded by libavformat/libavcodec and scaled
 * (libswscale, area averaging) to fit w x h keeping its aspect: a new ARGB8888 buffer
 * (free()) of *ow x *oh. Pictures above max_pixels are refused before decoding. 0 or -1 with
 * a reason in err. */
int kz_thumb_decode(const char *path, long max_pixels, int w, int h, uint8_t **argb, int *ow,
                    int *oh, char *err, size_t errlen);
#endif
