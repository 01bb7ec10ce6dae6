/* Media in the content root: the list, and uploads. An upload arrives (server.c) as a hidden
 * temporary file inside the content root; here its type is found by probing it with
 * libavformat (never by the extension), a video gets the flash analysis (kizuna flash, the
 * same analysis the player's gate uses), and only then is it given its name, which must be a
 * plain file name (no '/', no "..") that is not taken yet. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libavformat/avformat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/console.h"
#include "console/thumbs.h"
#include "console/util.h"

#define MEDIA_LIST_MAX 2000
#define FLASH_OUT_MAX (64 * 1024 * 1024)

/* "video", "image" or NULL (not media, or truncated past reading). Reason in why, its code
 * (srv.CODE of www/i18n.js) in *code. */
static const char *probe(const char *path, char *why, size_t n, const char **code)
{
    *code = "not_media";
    AVFormatContext *fc = NULL;
    int rc = avformat_open_input(&fc, path, NULL, NULL);
    if (rc < 0) {
        char e[128];
        av_strerror(rc, e, sizeof e);
        snprintf(why, n, "not a picture or video that kizuna can read (%s)", e);
        return NULL;
    }
    const char *kind = NULL;
    if (avformat_find_stream_info(fc, NULL) < 0) {
        snprintf(why, n, "the file could not be read to the end of its header (truncated?)");
        *code = "not_media_truncated";
        goto out;
    }
    int v = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (v < 0) {
        snprintf(why, n, "no picture in it (only sound, or not media)");
        *code = "not_media_no_picture";
        goto out;
    }
    const AVStream *st = fc->streams[v];
    if (st->codecpar->width <= 0 || st->codecpar->height <= 0) {
        snprintf(why, n, "the picture has no size (damaged file?)");
        *code = "not_media_no_size";
        goto out;
    }
    /* the image demuxers (png_pipe, jpeg_pipe, image2, webp_pipe...) mean a still picture */
    const char *fmt = fc->iformat->name;
    kind = strstr(fmt, "_pipe") || !strcmp(fmt, "image2") ? "image" : "video";
out:
    avformat_close_input(&fc);
    return kind;
}

static json_t *flash_verdict(kz_console *c, const char *path)
{
    const char *argv[] = {"flash", path, "--format", "json", NULL};
    char *out = NULL, err[2048];
    size_t len;
    int st = kz_crun(c, argv, &out, &len, FLASH_OUT_MAX, err, sizeof err);
    json_error_t je;
    json_t *res = st >= 0 && out ? json_loads(out, 0, &je) : NULL;
    free(out);
    const char *verdict = NULL, *reason = NULL;
    if (res)
        json_unpack(res, "{s?s,s?s}", "verdict", &verdict, "reason", &reason);
    json_t *o = json_pack("{s:s,s:s}", "verdict", verdict ? verdict : "unknown", "reason",
                          reason ? reason : (err[0] ? err : "the analysis did not answer"));
    json_decref(res);
    return o;
}

static void upload(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who)
{
    const char *name = rq->path + strlen("/api/media/");
    char why[300];
    if (!rq->upload) {
        kz_cresp_error(rs, 400, "no_file", "no file in the request");
        return;
    }
    if (!kz_cname_ok(name, 0) || name[0] == '.') {
        kz_cresp_errorp(rs, 400, "bad_name", json_pack("{s:s}", "name", name),
                        "'%s' is not a usable file name (no '/', no leading '.')", name);
        return;
    }
    if (rq->upload_len == 0) {
        kz_cresp_error(rs, 422, "empty", "the file is empty");
        return;
    }
    const char *code;
    const char *kind = probe(rq->upload, why, sizeof why, &code);
    if (!kind) {
        kz_caudit(c, who, "upload-refused", name, why);
        kz_cresp_errorp(rs, 422, code, json_pack("{s:s,s:s}", "name", name, "detail", why),
                        "%s: %s; nothing was stored", name, why);
        return;
    }
    json_t *flash = !strcmp(kind, "video") ? flash_verdict(c, rq->upload) : json_null();
    char dst[PATH_MAX * 2];
    snprintf(dst, sizeof dst, "%s/%s", c->cfg.content, name);
    /* link() never replaces: an existing file of that name stays as it is */
    if (link(rq->upload, dst)) {
        int e = errno;
        json_decref(flash);
        if (e == EEXIST)
            kz_cresp_errorp(rs, 409, "exists", json_pack("{s:s}", "name", name),
                            "%s already exists in the content folder: choose another name",
                            name);
        else
            kz_cresp_errorp(rs, 500, "write", json_pack("{s:s++}", "detail", name, ": ",
                                                        strerror(e)),
                            "%s: %s", name, strerror(e));
        return;
    }
    chmod(dst, 0644);
    unlink(rq->upload);
    const char *verdict = json_is_object(flash)
                              ? json_string_value(json_object_get(flash, "verdict"))
                              : "-";
    char detail[200];
    snprintf(detail, sizeof detail, "%s, %lld bytes, flash %s", kind, rq->upload_len, verdict);
    kz_caudit(c, who, "upload", name, detail);
    json_t *o = json_pack("{s:s,s:s,s:I,s:o}", "file", name, "kind", kind, "size",
                          (json_int_t)rq->upload_len, "flash", flash);
    kz_cresp_json(rs, 201, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(kz_console *c, kz_cresp *rs)
{
    DIR *d = opendir(c->cfg.content);
    char *names[MEDIA_LIST_MAX];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < MEDIA_LIST_MAX)
        if (e->d_name[0] != '.' && kz_cname_ok(e->d_name, 0))
            names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        char p[PATH_MAX * 2];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", c->cfg.content, names[i]);
        if (names[i] && !lstat(p, &st) && S_ISREG(st.st_mode))
            json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", "file", names[i], "size",
                                                 (json_int_t)st.st_size, "mtime",
                                                 (json_int_t)st.st_mtime));
        free(names[i]);
    }
    json_t *o = json_pack("{s:o,s:I}", "media", arr, "upload_max",
                          (json_int_t)c->cfg.console.upload_max);
    kz_cresp_json(rs, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

int kz_console_media(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who)
{
    if (!strcmp(rq->path, "/api/media") && !strcmp(rq->method, "GET"))
        list(c, rs);
    else if (!strncmp(rq->path, "/api/media/", 11) && !strcmp(rq->method, "PUT"))
        upload(c, rq, rs, who);
    else if (!strncmp(rq->path, "/api/thumbs/", 12) && !strcmp(rq->method, "GET"))
        kz_cthumb(c, rq->path + 12, rs);
    else
        return 1;
    return 0;
}
