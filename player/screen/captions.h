/* Captions: sidecar SRT and WebVTT files, demuxed with libavformat and decoded with
 * libavcodec's subtitle decoders, drawn by the compositor over any item (docs/accessibility.md,
 * "Captions").
 *
 * Loaded once when the model loads (kz_captions_attach), never per frame. A bad or missing
 * caption file is one log line with the file:line of the item key and the reason; the item
 * plays without captions. Each cue's text is rasterised once (a few textures are kept per
 * item), never per frame. */
#ifndef KZ_CAPTIONS_H
#define KZ_CAPTIONS_H
#include <stddef.h>

#include "kizuna/plugin.h"
#include "model/playlist.h"

/* One cue: shown for start <= t < end (media time). text is in the text engine's markup. */
typedef struct kz_cue {
    kz_us start, end;
    char *text; /* owned */
} kz_cue;

/* The cues of one file (one language), sorted by start (then end, then file order). */
typedef struct kz_cue_list {
    char lang[16];   /* from the file name: clip.ja.srt -> "ja"; "und" when it has none */
    char *path;      /* owned, absolute */
    kz_cue *cues;    /* owned */
    size_t n;
    kz_us *max_end;  /* owned: max_end[i] = the latest end among cues[0..i] (lookup bound) */
} kz_cue_list;

/* Load an SRT (.srt) or WebVTT (.vtt) file. Returns 0, or -1 with the reason in err (a file
 * that cannot be read or decoded, or holds no cue). */
int kz_cues_load(const char *path, kz_cue_list *out, char *err, size_t errlen);
/* The same from fd (borrowed; opened beneath the content root): path names it (format,
 * language, messages) and is not opened again. */
int kz_cues_load_fd(const char *path, int fd, kz_cue_list *out, char *err, size_t errlen);
void kz_cues_free(kz_cue_list *l);
/* Indices of the cues shown at t, in list order; returns how many (at most max). */
size_t kz_cues_at(const kz_cue_list *l, kz_us t, size_t *idx, size_t max);

/* The text of a decoded ASS event (the Text field) in the text engine's markup: override
 * blocks {\...} dropped, \N and \n become line breaks, \h a no-break space, \{ \} literal
 * braces. Then a brace pair holding one '|' with text on both sides ({漢字|かんじ}) stays ruby,
 * U+200B stays a preferred break; every other '{', '}', '|' and '\' is escaped so that it is
 * drawn as written. Leading and trailing blank lines are dropped. Returns the length, or -1
 * when out is too small (out then holds a truncated, still valid string). */
int kz_caption_markup(const char *ass, char *out, size_t n);

/* The language of a caption file from its name: "clip.ja.srt" -> "ja", "a/b.zh-Hans.vtt" ->
 * "zh-Hans", "clip.srt" -> "und". */
void kz_caption_lang(const char *path, char *out, size_t n);

/* Media time of item time t: offset + t, taken modulo natural when the item loops (natural
 * > 0). A clip that loops shows its captions again on every pass. */
kz_us kz_caption_time(kz_us t, kz_us offset, kz_us natural, int loop);

enum kz_caption_mode { KZ_CAPTIONS_STACKED = 0, KZ_CAPTIONS_ALTERNATE = 1 };

/* The captions of one item (kz_item.captions). */
typedef struct kz_captions {
    kz_cue_list *langs; /* owned; the first is the primary language (Japanese first) */
    int n_langs;
    int mode;           /* enum kz_caption_mode */
    kz_us interval;     /* alternate: each language this long */
    kz_us offset;       /* media time at item time 0 (a video's start =) */
    int loop;           /* the item loops its media: time modulo the natural length */
    kz_us natural;      /* natural length (0: unknown yet; asked of the plugin when needed) */
    void *cache;        /* rasterised cues (captions.c), owned */
} kz_captions;

/* Load the captions of every item of the model: the `captions` key (files relative to
 * content_root, comma-separated, or "off"), else sidecars beside the item's `file`
 * (<name>.<lang>.srt|vtt). Reads and marks captions, captions_mode, captions_interval.
 * Returns the number of problems (each logged once with file:line). */
int kz_captions_attach(kz_model *m, const char *content_root);
/* Free every item's captions and their textures (before the renderer goes). */
void kz_captions_detach(kz_model *m);

/* The caption text on screen for an item at item time t: up to two strings (stacked: the
 * primary language last, i.e. lowest), NULL when none. Returns how many. For tests and the
 * compositor. */
int kz_captions_text_at(kz_captions *c, kz_us t, const char *out[2], int lang_out[2],
                        char *buf, size_t bufsize);

/* The caption box's geometry and colours (docs/accessibility.md). */
#define KZ_CAPTION_EM_DIVISOR 18   /* largest em: a 18th of the zone's height */
#define KZ_CAPTION_MIN_PX 16       /* smallest em, whatever the zone */
#define KZ_CAPTION_MARGIN_PCT 5    /* safe area: 5 % of the zone on every side (EBU R 95) */
#define KZ_CAPTION_BOX_ALPHA 192   /* black box at 75 % opacity */
/* The largest caption em for a zone height (auto-fit may go down to KZ_CAPTION_MIN_PX). */
int kz_caption_px(int zone_h);

struct kz_player;
/* Draw the captions of item `it` at item time t inside rect (compositor, after the item). */
void kz_captions_draw(struct kz_player *p, kz_item *it, const SDL_Rect *rect, kz_us t);
#endif
