/* Pure rules of the live `stream` source (no I/O, no clock; tests/unit/test_stream_url.c):
 * which URLs are accepted, which protocols libavformat may open for each, what a log line
 * may show of a URL, and the reconnect back-off schedule. */
#ifndef KZ_VIDEO_STREAMURL_H
#define KZ_VIDEO_STREAMURL_H
#include <stddef.h>
#include <stdint.h>

#define VS_URL_MAX 2048 /* longest accepted URL, bytes */

enum vs_scheme { VS_HTTP = 1, VS_HTTPS, VS_RTSP, VS_RTMP };

/* Check a `stream =` value: rtsp://, rtmp://, http:// or https:// (scheme in any case), a
 * host after "//", printable ASCII only (no spaces, no control bytes: percent-encode them),
 * at most VS_URL_MAX bytes. Returns the scheme (> 0), or -1 with the reason in err. */
int vs_url_check(const char *url, char *err, size_t errlen);

/* libavformat's protocol_whitelist for a scheme: what the URL itself and everything it leads
 * to (an HLS playlist's segments and keys, RTSP's RTP) may open. An https stream never falls
 * back to plain http; nothing may open file:, pipe:, concat:, data:, subfile: or any other. */
const char *vs_url_whitelist(int scheme);

/* The URL as a log line may show it: user:password@ removed, the query string replaced by
 * "?…" (tokens), cut to fit out. */
void vs_url_redact(const char *url, char *out, size_t n);

/* Delay before reconnect attempt number `attempt` (1 = the first retry): 1 s doubling up to
 * 30 s, then plus or minus 20 % jitter from `rnd` (any 32-bit value; the caller draws it), so
 * that a fleet of screens that lost the same camera do not reconnect in step. In us. */
#define VS_BACKOFF_FIRST_US 1000000
#define VS_BACKOFF_MAX_US 30000000
int64_t vs_backoff_us(int attempt, uint32_t rnd);
#endif
