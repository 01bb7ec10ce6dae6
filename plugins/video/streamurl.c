/* The `stream` source's URL rules and back-off schedule (see streamurl.h). */
#include "streamurl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *prefix;
    int scheme;
} schemes[] = {
    {"http://", VS_HTTP},
    {"https://", VS_HTTPS},
    {"rtsp://", VS_RTSP},
    {"rtmp://", VS_RTMP},
};

int vs_url_check(const char *url, char *err, size_t errlen)
{
    size_t n = url ? strlen(url) : 0;
    if (n == 0) {
        snprintf(err, errlen, "empty: a rtsp://, rtmp://, http:// or https:// URL");
        return -1;
    }
    if (n > VS_URL_MAX) {
        snprintf(err, errlen, "URL of %zu bytes is longer than the limit of %d", n, VS_URL_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c >= 0x7f) {
            snprintf(err, errlen, "character %zu is a space, control or non-ASCII byte "
                     "(percent-encode it)", i + 1);
            return -1;
        }
    }
    int scheme = 0;
    size_t plen = 0;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        plen = strlen(schemes[i].prefix);
        if (n >= plen && strncasecmp(url, schemes[i].prefix, plen) == 0) {
            scheme = schemes[i].scheme;
            break;
        }
    }
    if (!scheme) {
        const char *colon = strchr(url, ':');
        int len = colon ? (int)(colon - url) : 0;
        if (len > 16)
            len = 16;
        if (colon)
            snprintf(err, errlen, "scheme \"%.*s:\" is not allowed: only rtsp://, rtmp://, "
                     "http:// and https:// streams are played", len, url);
        else
            snprintf(err, errlen, "not a URL: only rtsp://, rtmp://, http:// and https:// "
                     "streams are played");
        return -1;
    }
    const char *host = url + plen;
    const char *at = host + strcspn(host, "/?#");
    const char *user = memchr(host, '@', (size_t)(at - host));
    if (user)
        host = user + 1;
    if (host >= at || *host == ':') {
        snprintf(err, errlen, "no host after \"//\"");
        return -1;
    }
    return scheme;
}

const char *vs_url_whitelist(int scheme)
{
    switch (scheme) {
    case VS_HTTP: return "http,tcp,crypto";
    case VS_HTTPS: return "https,tls,tcp,crypto";
    case VS_RTSP: return "rtsp,rtp,srtp,tcp,udp";
    case VS_RTMP: return "rtmp,tcp";
    default: return "none";
    }
}

void vs_url_redact(const char *url, char *out, size_t n)
{
    if (!n)
        return;
    const char *s = strstr(url, "://");
    const char *host = s ? s + 3 : url;
    const char *end = host + strcspn(host, "/?#");
    const char *at = memchr(host, '@', (size_t)(end - host));
    const char *q = strchr(host, '?');
    int pre = (int)(host - url);
    const char *rest = at ? at + 1 : host;
    int body = q ? (int)(q - rest) : (int)strlen(rest);
    snprintf(out, n, "%.*s%.*s%s", pre, url, body, rest, q ? "?…" : "");
}

int64_t vs_backoff_us(int attempt, uint32_t rnd)
{
    int64_t d = VS_BACKOFF_FIRST_US;
    for (int i = 1; i < attempt && d < VS_BACKOFF_MAX_US; i++)
        d *= 2;
    if (d > VS_BACKOFF_MAX_US)
        d = VS_BACKOFF_MAX_US;
    /* rnd / 2^32 in [0, 1) -> a factor in [0.8, 1.2) */
    int64_t span = d * 2 / 5;
    return d - d / 5 + (int64_t)((uint64_t)span * rnd >> 32);
}
