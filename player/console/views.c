/* What the console shows without changing files: the preview (kizuna render), the plan
 * (kizuna plan), the key tables (kizuna help keys), proof of play (kizuna report), each run as a
 * child; and the screen live, through the player's control socket. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console/console.h"
#include "console/store.h"
#include "console/util.h"
#include "ops/control.h"

#define PNG_MAX (32 * 1024 * 1024)
#define TEXT_MAX (16 * 1024 * 1024)

/* An argument that goes to a child: times and dates as ISO 8601, nothing that could be taken
 * for an option. */
static int time_arg_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 40 || s[0] == '-')
        return 0;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr("-:T+Z.", *p))
            return 0;
    return 1;
}

/* until= for an interrupt: a time, or +DURATION such as +30m (letters and digits only) */
static int until_ok(const char *s)
{
    if (s[0] != '+')
        return time_arg_ok(s);
    if (!s[1] || strlen(s) > 20)
        return 0;
    for (const char *p = s + 1; *p; p++)
        if (!isalnum((unsigned char)*p))
            return 0;
    return 1;
}

static void child_error(kz_cresp *rs, int st, const char *err)
{
    const char *why = err[0] ? err : "the command failed";
    kz_cresp_errorp(rs, st < 0 ? 504 : 422, "child", json_pack("{s:s}", "detail", why), "%s",
                    why);
}

static void preview(kz_console *c, const kz_creq *rq, kz_cresp *rs)
{
    const char *at = kz_creq_arg(rq, "at"), *orient = kz_creq_arg(rq, "orientation");
    if (!time_arg_ok(at)) {
        kz_cresp_error(rs, 400, "bad_time", "at: expected a date and time such as "
                       "2025-02-03T12:00");
        return;
    }
    int portrait = orient && !strcmp(orient, "portrait");
    char dir[PATH_MAX], out[PATH_MAX + 16], err[4096];
    if (kz_ctmpdir(c, dir, sizeof dir)) {
        kz_cresp_error(rs, 500, "tmp", "cannot make a temporary directory");
        return;
    }
    snprintf(out, sizeof out, "%s/frame.png", dir);
    const char *argv[] = {"render", "--config", c->cfg.path, "--at", at, "--out", out,
                          "--size", portrait ? "540x960" : "960x540", NULL};
    char *so;
    size_t len;
    int st = kz_crun(c, argv, &so, &len, TEXT_MAX, err, sizeof err);
    free(so);
    char *png;
    if (st == 0 && kz_cread(dir, "frame.png", PNG_MAX, &png, &len) == 0)
        kz_cresp_bytes(rs, 200, "image/png", png, len);
    else
        child_error(rs, st, err);
    kz_crmtree(dir);
}

/* GET /api/check?at=TIME: kizuna check of the set as it is, as of that moment (what the
 * preview's "check this moment" shows) */
static void check_at(kz_console *c, const kz_creq *rq, kz_cresp *rs)
{
    const char *at = kz_creq_arg(rq, "at");
    if (!time_arg_ok(at)) {
        kz_cresp_error(rs, 400, "bad_time", "at: expected a date and time such as "
                       "2025-02-03T12:00");
        return;
    }
    json_t *problems = NULL;
    int errors = 0;
    char err[600];
    if (kz_store_check_at(c, at, &problems, &errors, err, sizeof err)) {
        kz_cresp_errorp(rs, 500, "check_failed", json_pack("{s:s}", "detail", err), "%s", err);
        return;
    }
    json_t *o = json_pack("{s:s,s:i,s:o}", "at", at, "errors", errors, "problems", problems);
    kz_cresp_json(rs, 200, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

static void plan(kz_console *c, const kz_creq *rq, kz_cresp *rs)
{
    const char *from = kz_creq_arg(rq, "from"), *to = kz_creq_arg(rq, "to");
    const char *fmt = kz_creq_arg(rq, "format");
    if (!fmt)
        fmt = "json";
    if (!time_arg_ok(from) || !time_arg_ok(to) || (strcmp(fmt, "json") && strcmp(fmt, "html"))) {
        kz_cresp_error(rs, 400, "bad_request", "from and to: dates such as 2025-02-01; format "
                       "json or html");
        return;
    }
    const char *argv[] = {"plan", "--config", c->cfg.path, "--from", from, "--to", to,
                          "--format", fmt, NULL};
    char *so, err[4096];
    size_t len;
    int st = kz_crun(c, argv, &so, &len, TEXT_MAX, err, sizeof err);
    if (st != 0) {
        free(so);
        child_error(rs, st, err);
        return;
    }
    kz_cresp_bytes(rs, 200, strcmp(fmt, "html") ? "application/json; charset=utf-8"
                                                : "text/html; charset=utf-8", so, len);
}

static void report(kz_console *c, const kz_creq *rq, kz_cresp *rs)
{
    const char *from = kz_creq_arg(rq, "from"), *to = kz_creq_arg(rq, "to");
    const char *by = kz_creq_arg(rq, "by"), *fmt = kz_creq_arg(rq, "format");
    if (!by)
        by = "campaign";
    if (!fmt)
        fmt = "json";
    static const char *const bys[] = {"campaign", "day", "item", "hour"};
    static const char *const fmts[] = {"json", "csv", "png"};
    int ok_by = 0, ok_fmt = 0;
    for (int i = 0; i < 4; i++)
        ok_by |= !strcmp(by, bys[i]);
    for (int i = 0; i < 3; i++)
        ok_fmt |= !strcmp(fmt, fmts[i]);
    if (!ok_by || !ok_fmt || (from && !time_arg_ok(from)) || (to && !time_arg_ok(to))) {
        kz_cresp_error(rs, 400, "bad_request", "by campaign|day|item|hour, format json|csv|png, "
                       "from and to as dates");
        return;
    }
    char dir[PATH_MAX], out[PATH_MAX + 16], err[4096];
    if (kz_ctmpdir(c, dir, sizeof dir)) {
        kz_cresp_error(rs, 500, "tmp", "cannot make a temporary directory");
        return;
    }
    snprintf(out, sizeof out, "%s/report.png", dir);
    const char *argv[16];
    int n = 0;
    argv[n++] = "report";
    argv[n++] = c->cfg.logs;
    argv[n++] = "--config";
    argv[n++] = c->cfg.path;
    argv[n++] = "--by";
    argv[n++] = by;
    argv[n++] = "--format";
    argv[n++] = fmt;
    if (from)
        argv[n++] = "--from", argv[n++] = from;
    if (to)
        argv[n++] = "--to", argv[n++] = to;
    if (!strcmp(fmt, "png"))
        argv[n++] = "--out", argv[n++] = out;
    argv[n] = NULL;
    char *so;
    size_t len;
    int st = kz_crun(c, argv, &so, &len, TEXT_MAX, err, sizeof err);
    if (st != 0) {
        free(so);
        child_error(rs, st, err);
    } else if (!strcmp(fmt, "png")) {
        free(so);
        char *png;
        if (kz_cread(dir, "report.png", PNG_MAX, &png, &len) == 0)
            kz_cresp_bytes(rs, 200, "image/png", png, len);
        else
            kz_cresp_error(rs, 500, "child", "kizuna report wrote no picture");
    } else {
        kz_cresp_bytes(rs, 200, !strcmp(fmt, "csv") ? "text/csv; charset=utf-8"
                                                    : "application/json; charset=utf-8",
                       so, len);
        if (!strcmp(fmt, "csv"))
            snprintf(rs->disposition, sizeof rs->disposition,
                     "attachment; filename=\"proof-of-play-%s.csv\"", by);
    }
    kz_crmtree(dir);
}

/* The key tables of the core and of every plugin the player loads (kizuna help keys), for
 * the item editor: one source, so the page offers exactly the keys check accepts. */
static void keys(kz_console *c, kz_cresp *rs)
{
    const char *argv[] = {"help", "keys", "--config", c->cfg.path, "--format", "json", NULL};
    char *so, err[4096];
    size_t len;
    int st = kz_crun(c, argv, &so, &len, TEXT_MAX, err, sizeof err);
    if (st != 0) {
        free(so);
        child_error(rs, st, err);
        return;
    }
    kz_cresp_bytes(rs, 200, "application/json; charset=utf-8", so, len);
}

/* ---- the screen live --------------------------------------------------------------------- */

static int ctl(kz_console *c, const char *req, char **answer, kz_cresp *rs)
{
    char err[512];
    if (!c->ctl[0]) {
        kz_cresp_error(rs, 503, "no_socket", "no control socket for this configuration");
        return -1;
    }
    if (kz_ctl_request(c->ctl, req, answer, 5000, err, sizeof err)) {
        kz_cresp_errorp(rs, 503, "no_player", json_pack("{s:s}", "detail", err),
                        "the player does not answer (%s): is it running?", err);
        return -1;
    }
    if (strncmp(*answer, "ok", 2)) {
        kz_cresp_errorp(rs, 422, "player", json_pack("{s:s}", "detail", *answer), "%s",
                        *answer);
        free(*answer);
        return -1;
    }
    return 0;
}

static void answer_text(kz_cresp *rs, char *answer)
{
    const char *body = answer + (answer[2] == '\n' ? 3 : 2);
    json_t *o = json_pack("{s:s}", "text", body);
    free(answer);
    kz_cresp_json(rs, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
}

static void screen(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who)
{
    const char *what = rq->path + strlen("/api/screen/");
    int get = !strcmp(rq->method, "GET");
    char *answer = NULL;
    if (get && !strcmp(what, "status")) {
        if (!ctl(c, "status\n", &answer, rs))
            answer_text(rs, answer);
    } else if (get && !strcmp(what, "screenshot")) {
        /* The player writes its own file in <logs>/screenshots/ and answers "PATH (WxH)";
         * it never takes a name from a caller. */
        char *png;
        size_t len;
        if (!ctl(c, "screenshot\n", &answer, rs)) {
            char path[PATH_MAX];
            /* "ok\nPATH (WxH)\n" */
            const char *body = answer ? strchr(answer, '\n') : NULL;
            body = body ? body + 1 : answer;
            const char *sp = body ? strstr(body, " (") : NULL;
            size_t n = sp ? (size_t)(sp - body) : 0;
            char *slash = NULL;
            if (n > 0 && n < sizeof path) {
                memcpy(path, body, n);
                path[n] = 0;
                slash = strrchr(path, '/');
            }
            if (slash) {
                *slash = 0;
                if (kz_cread(path, slash + 1, PNG_MAX, &png, &len) == 0)
                    kz_cresp_bytes(rs, 200, "image/png", png, len);
                else
                    kz_cresp_errorp(rs, 500, "no_screenshot",
                                    json_pack("{s:s}", "detail", strerror(errno)),
                                    "the player wrote no screenshot (%s)", strerror(errno));
            } else {
                kz_cresp_errorp(rs, 500, "player",
                                json_pack("{s:s%}", "detail", answer ? answer : "", (size_t)200),
                                "unexpected answer to screenshot: %.200s", answer ? answer : "");
            }
            free(answer);
        }
    } else if (!get && (!strcmp(what, "skip") || !strcmp(what, "clear"))) {
        char req[16];
        snprintf(req, sizeof req, "%s\n", what);
        if (!ctl(c, req, &answer, rs)) {
            kz_caudit(c, who, what, NULL, "the screen");
            answer_text(rs, answer);
        }
    } else if (!get && !strcmp(what, "interrupt")) {
        json_error_t je;
        json_t *in = rq->body_len ? json_loadb(rq->body, rq->body_len, 0, &je) : NULL;
        const char *text = NULL, *until = NULL;
        int confirmed = 0;
        if (in)
            json_unpack(in, "{s?s,s?s,s?b}", "text", &text, "until", &until, "confirm",
                        &confirmed);
        if (!text || !*text || strlen(text) > 2000) {
            kz_cresp_error(rs, 400, "text", "the interrupt needs a text (at most 2000 bytes)");
        } else if (until && *until && !until_ok(until)) {
            kz_cresp_error(rs, 400, "until", "until: a time such as 2025-02-03T13:00 or +30m");
        } else if (!confirmed) {
            kz_cresp_error(rs, 428, "confirm", "an interrupt takes over the whole screen: "
                           "confirm it");
        } else {
            char *req = NULL;
            int has_until = until && *until;
            if (asprintf(&req, "interrupt\n%s%s%stext=%s", has_until ? "until=" : "",
                         has_until ? until : "", has_until ? "\n" : "", text) < 0) {
                kz_cresp_error(rs, 500, "internal", "out of memory");
            } else if (!ctl(c, req, &answer, rs)) {
                kz_caudit(c, who, "interrupt", NULL, text);
                answer_text(rs, answer);
            }
            free(req);
        }
        json_decref(in);
    } else {
        kz_cresp_errorp(rs, 404, "not_found",
                        json_pack("{s:s++}", "detail", rq->method, " ", rq->path),
                        "%s %s: no such API", rq->method, rq->path);
    }
}

int kz_console_views(kz_console *c, const kz_creq *rq, kz_cresp *rs, const char *who)
{
    int get = !strcmp(rq->method, "GET");
    if (get && !strcmp(rq->path, "/api/preview"))
        preview(c, rq, rs);
    else if (get && !strcmp(rq->path, "/api/check"))
        check_at(c, rq, rs);
    else if (get && !strcmp(rq->path, "/api/plan"))
        plan(c, rq, rs);
    else if (get && !strcmp(rq->path, "/api/keys"))
        keys(c, rs);
    else if (get && !strcmp(rq->path, "/api/report"))
        report(c, rq, rs);
    else if (!strncmp(rq->path, "/api/screen/", 12))
        screen(c, rq, rs, who);
    else
        return 1;
    return 0;
}
