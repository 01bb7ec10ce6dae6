#!/usr/bin/env python3
"""The integration tests' feed server (tests/integration/test_feed.sh): 127.0.0.1 on a port
the OS picks (written to PORTFILE), one line per request in LOG ("PATH STATUS If-None-Match").

    feed_server.py PORTFILE LOG [CERT KEY]

With CERT and KEY it speaks TLS (a self-signed certificate the player must refuse).

/rss.xml and /atom.xml answer 304 to If-None-Match with their ETag; /bad.xml is malformed;
/huge.xml is 3 MiB (over the player's 2 MiB limit) with a Content-Length, /huge-chunked.xml
the same without one; /slow.xml answers after 20 s; /data.json and /events.csv are data;
/redirect.xml redirects to /rss.xml, /redirect-file.xml to file:///etc/passwd.
"""
import datetime
import http.server
import socketserver
import sys
import time
import zoneinfo

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>県政ニュース</title>
<item><title>くまモン誕生祭を開催します</title></item>
<item><title>阿蘇の草原で野焼きボランティアを募集</title></item>
</channel></rss>""".encode()
ATOM = """<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>熊本城の特別公開</title></entry></feed>""".encode()
DATA = '{"events":[{"date":"2000-01-01","title":"昔の行事"},{"date":"TODAY","title":"手形除幕式"}]}'
CSV = "date,title\n2000-01-01,昔の行事\nTODAY,県民の日の催し\n"

# "Today" as the player sees it: its clock runs in its [player] timezone, Asia/Tokyo unless
# set, not in this machine's zone (between 15:00 and 24:00 UTC the two dates differ).
TODAY = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d")

FILES = {
    "/rss.xml": (RSS, '"r1"', "application/rss+xml"),
    "/atom.xml": (ATOM, '"a1"', "application/atom+xml"),
    "/bad.xml": (b"<rss><channel><item><title>unclosed</channel>", None, "text/xml"),
    "/data.json": (DATA.replace("TODAY", TODAY).encode(), '"d1"',
                   "application/json"),
    "/events.csv": (CSV.replace("TODAY", TODAY).encode(), None, "text/csv"),
}
HUGE = b"<rss><channel>" + b"<item><title>x</title></item>" * 110000 + b"</channel></rss>"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def note(self, status):
        with open(sys.argv[2], "a") as f:
            f.write(f"{self.path} {status} {self.headers.get('If-None-Match', '-')}\n")

    def do_GET(self):
        if self.path == "/slow.xml":
            time.sleep(20)
        if self.path in ("/huge.xml", "/huge-chunked.xml"):
            self.note(200)
            self.send_response(200)
            if self.path == "/huge.xml":
                self.send_header("Content-Length", str(len(HUGE)))
                self.end_headers()
                self.wfile.write(HUGE)
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for i in range(0, len(HUGE), 65536):
                        c = HUGE[i:i + 65536]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the player hung up at its limit
            return
        if self.path in ("/redirect.xml", "/redirect-file.xml"):
            self.note(302)
            self.send_response(302)
            self.send_header("Location", "/rss.xml" if self.path == "/redirect.xml"
                             else "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        f = FILES.get(self.path)
        if not f:
            self.note(404)
            self.send_error(404)
            return
        body, etag, ctype = f
        if etag and self.headers.get("If-None-Match") == etag:
            self.note(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.note(200)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up (at its size limit, its timeout) is expected here


s = Server(("127.0.0.1", 0), Handler)
if len(sys.argv) == 5:
    import ssl  # noqa: E402
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os  # noqa: E402
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
