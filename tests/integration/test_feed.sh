#!/bin/sh
# Fetched content end to end, on loopback only: a local server (feed_server.py, a port the OS
# picks) serves RSS, Atom, JSON, CSV and bad documents. kizuna check warns (never errs) about
# the malformed, the huge (size limit) and the slow (timeout) ones; a running player fetches
# into its cache, asks again with If-None-Match and keeps its copy on 304; with the server
# stopped the screen still shows the cached text; past max_age (an accelerated clock) the
# fallback; a restart offline shows the cached text at once. Screens are compared with what
# `kizuna render` draws from the same cache; ctl status and proof of play say which copy aired.
set -eu
. tests/integration/lib.sh
CMP=${KZ_BUILD:-build}/tools/imgcmp
tmp=$(mktemp -d); pid=; srv=
tlssrv=
cleanup() {
    for p in $pid $tlssrv $srv; do kill "$p" 2>/dev/null || true; done
    if [ -n "${KZ_KEEP:-}" ]; then mkdir -p "$KZ_KEEP"; cp "$tmp"/*.png "$KZ_KEEP"/ || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_feed: $*"; exit 1; }

python3 tests/integration/feed_server.py "$tmp/port" "$tmp/requests" &
srv=$!
i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
U="http://127.0.0.1:$port"

echo "--- check: every URL asked once, problems are warnings"
kz_player_ini "$tmp/chk" 320x180 "logs = $tmp/chk/logs" "cache = $tmp/chk/cache"
n=0
for f in rss.xml atom.xml bad.xml huge.xml huge-chunked.xml slow.xml; do
    n=$((n + 1))
    printf '[t%d]\nplugin = ticker\nduration = 10s\nfeed = %s/%s\ntext = 予備\n' $n "$U" $f
done >"$tmp/chk/tickers.ini"
printf '[d1]\nplugin = notice\nduration = 10s\ntitle = 行事\ndata = %s/data.json\ndata_field = events.1.title\n[d2]\nplugin = notice\nduration = 10s\ntitle = 行事\ndata = %s/events.csv\ndata_field = date=today.title\n' "$U" "$U" >"$tmp/chk/data.ini"
printf '[bad-url]\nplugin = ticker\nduration = 10s\nfeed = file:///etc/passwd\ntext = x\n' >"$tmp/chk/badurl.ini"
printf '[r1]\nplugin = ticker\nduration = 10s\nfeed = %s/redirect.xml\ntext = x\n[r2]\nplugin = ticker\nduration = 10s\nfeed = %s/redirect-file.xml\ntext = x\n' "$U" "$U" >"$tmp/chk/redirect.ini"
# TLS is verified: a server with a self-signed certificate is refused
(cd "$tmp" && openssl req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.pem -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null)
python3 tests/integration/feed_server.py "$tmp/tlsport" "$tmp/tlsrequests" "$tmp/tls.pem" "$tmp/tls.key" &
tlssrv=$!
i=0; while [ ! -s "$tmp/tlsport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
T="https://127.0.0.1:$(cat "$tmp/tlsport")"
printf '[tls]\nplugin = ticker\nduration = 10s\nfeed = %s/rss.xml\ntext = x\n' "$T" >"$tmp/chk/tls.ini"
t0=$(date +%s)
rc=0; "$KZ" check --config "$tmp/chk/player.ini" >"$tmp/check.out" 2>&1 || rc=$?
t1=$(date +%s)
cat "$tmp/check.out" | grep -E 'check\]|badurl|error' || true
[ $rc = 1 ] || fail "check: exit $rc, expected 1 (the file:// URL is an error)"
grep -q 'badurl.ini:4: \[bad-url\] feed = file:///etc/passwd: only http:// and https://' "$tmp/check.out" \
    || fail "check: the file:// URL is not refused with file:line"
for f in rss.xml atom.xml data.json events.csv; do
    grep -q "check\] warning: $U/$f" "$tmp/check.out" && fail "check: $f warned"
    grep -q "$U/$f: reachable and well-formed" "$tmp/check.out" || fail "check: $f not reachable"
done
grep -q "warning: $U/bad.xml: malformed: not well-formed XML" "$tmp/check.out" || fail "bad.xml"
grep -q "warning: $U/huge.xml: larger than 2097152 bytes: refused" "$tmp/check.out" || fail "huge"
grep -q "warning: $U/huge-chunked.xml: larger than 2097152 bytes: refused" "$tmp/check.out" \
    || fail "huge-chunked: the write callback did not stop it"
grep -q "warning: $U/slow.xml: .*[Tt]imeout\|warning: $U/slow.xml: .*timed out" "$tmp/check.out" \
    || fail "slow.xml: no timeout"
[ $((t1 - t0)) -lt 19 ] || fail "check took $((t1 - t0)) s: the timeout did not apply"
grep -q "$U/redirect.xml: reachable and well-formed" "$tmp/check.out" || fail "redirect not followed"
grep -q "warning: $U/redirect-file.xml: .*[Pp]rotocol" "$tmp/check.out" || fail "redirect to file:// not refused"
grep -q "warning: $T/rss.xml: .*SSL certificate problem" "$tmp/check.out" || fail "a self-signed certificate was accepted"
kill "$tlssrv" 2>/dev/null || true; tlssrv=
[ ! -e "$tmp/chk/cache" ] || fail "check wrote the cache"
echo "check: warnings as expected in $((t1 - t0)) s"

echo "--- the screen: a data notice above a feed ticker"
d=$tmp/pl
kz_player_ini "$d" 320x180 "logs = $d/logs" "cache = $d/cache" "[player]" "name = feed-test"
cat >"$d/layouts.ini" <<INI
[layout l]
[zone l/main]
rect = 0, 0, 100%, 75%
[zone l/band]
rect = 0, 75%, 100%, 25%
z = 1
INI
cat >"$d/main.ini" <<INI
[playlist]
zone = main
[today]
plugin = notice
duration = 30s
title = 今日の行事
data = $U/data.json
data_field = events.date=today.title
max_age = 60
body = ただいま準備中です
INI
cat >"$d/band.ini" <<INI
[playlist]
zone = band
[news]
plugin = ticker
duration = 30s
feed = $U/rss.xml
max_age = 60
text = 県政ニュースは準備中です
INI
ctl() { "$KZ" ctl --config "$d/player.ini" "$@"; }
start() { # start [ARGS...]: a player in the background, until its control socket answers
    rm -f "$d/logs/control.sock"
    "$KZ" run --config "$d/player.ini" "$@" 2>>"$tmp/player.log" &
    pid=$!
    i=0; while [ ! -S "$d/logs/control.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S "$d/logs/control.sock" ] || { cat "$tmp/player.log"; fail "no control socket"; }
}
stop() { # the player quits cleanly on SIGTERM, and the sanitizers found nothing
    kill "$pid"; prc=0; wait "$pid" || prc=$?; pid=
    if [ $prc != 0 ] || grep -q 'Sanitizer\|runtime error' "$tmp/player.log"; then
        tail -n 40 "$tmp/player.log"; fail "the player exited with $prc"
    fi
}
main_zone() { ffmpeg -v error -y -i "$1" -vf crop=320:135:0:0 "$2"; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
render() { # render INSTANT OUT: what the cache draws at INSTANT (never fetches), main zone
    "$KZ" render --config "$d/player.ini" --at "$1" --size 320x180 --out "$tmp/r.png" >/dev/null 2>>"$tmp/render.log"
    main_zone "$tmp/r.png" "$2"
}
cache_field() { # cache_field URL KEY: a header value of URL's cache file
    f=$(python3 -c 'import hashlib,sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=16).hexdigest())' "$1")
    sed -n "s/^$2 //p" "$d/cache/$f.cache" | head -n 1
}

start
i=0; while [ "$(ls "$d/cache" 2>/dev/null | grep -c '\.cache$')" -lt 2 ] && [ $i -lt 150 ]; do
    sleep 0.1; i=$((i + 1)); done
[ "$(ls "$d/cache" | grep -c '\.cache$')" = 2 ] || { cat "$tmp/player.log"; fail "nothing cached"; }
stop
grep -q '^/rss.xml 200 -$' "$tmp/requests" || fail "the first request was not unconditional"
v1=$(cache_field "$U/rss.xml" version); at1=$(cache_field "$U/rss.xml" fetched_at)
echo "cached: rss $v1 at $at1"

echo "--- restart while online: If-None-Match, 304, the copy stays and is renewed"
sleep 1
start
i=0; while ! grep -q '^/rss.xml 304 "r1"$' "$tmp/requests" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q '^/rss.xml 304 "r1"$' "$tmp/requests" || { cat "$tmp/requests"; fail "no conditional request"; }
grep -q '^/data.json 304 "d1"$' "$tmp/requests" || sleep 1
grep -q '^/data.json 304 "d1"$' "$tmp/requests" || fail "data.json: no conditional request"
sleep 0.5
v2=$(cache_field "$U/rss.xml" version); at2=$(cache_field "$U/rss.xml" fetched_at)
[ "$v2" = "$v1" ] || fail "304 changed the copy ($v1 -> $v2)"
[ "$at2" -gt "$at1" ] || fail "304 did not renew fetched_at ($at1, $at2)"
now=$(date +%s)
render "$(iso "$now")" "$tmp/fresh.png"
render "$(iso $((now + 3600)))" "$tmp/stale.png"
if "$CMP" "$tmp/fresh.png" "$tmp/stale.png" psnr:30 "$tmp/d.png" >/dev/null 2>&1; then
    fail "the fresh and the stale frames are alike: the data does not show"
fi
grep -q 'ticker l.*fallback\|band/news.*fallback text airs' "$tmp/render.log" || fail "render: stale ticker without fallback"
ctl status >"$tmp/status"
cat "$tmp/status" | grep -E '^zone|^fetch'
grep -Eq '^zone main: main/today since .*, showing [0-9a-f]{32}$' "$tmp/status" || fail "status: notice"
grep -Eq "^zone band: band/news since .*, showing $v1\$" "$tmp/status" || fail "status: ticker"
grep -q "^fetch $U/rss.xml: ok, last good" "$tmp/status" || fail "status: fetcher"
ctl screenshot "$tmp/s1.png" >/dev/null
main_zone "$tmp/s1.png" "$tmp/s1m.png"
"$CMP" "$tmp/fresh.png" "$tmp/s1m.png" psnr:30 "$tmp/d1.png" || fail "the screen is not the cached data"

echo "--- the server stops: the cached text stays on screen"
kill "$srv"; wait "$srv" 2>/dev/null || true; srv=
sleep 1
ctl screenshot "$tmp/s2.png" >/dev/null
main_zone "$tmp/s2.png" "$tmp/s2m.png"
"$CMP" "$tmp/fresh.png" "$tmp/s2m.png" psnr:30 "$tmp/d2.png" || fail "offline: the cached data left"
ctl status | grep -Eq "^zone band: band/news since .*, showing $v1\$" || fail "offline: status"
stop
grep -Eq "	band	band	news		(completed|interrupted)	$v1\$" "$d"/logs/pop-*.tsv \
    || { cat "$d"/logs/pop-*.tsv; fail "proof of play: no version"; }

echo "--- offline, an accelerated clock past max_age: the fallback"
# The clock starts 58 s after the copy was fetched (fresh) and runs ten times as fast.
start --clock "$(iso $((at2 / 1000000 + 58)))" --speed 10
sleep 2.5
ctl status >"$tmp/status"
grep -Eq '^zone main: main/today since .*, showing fallback$' "$tmp/status" || { cat "$tmp/status"; fail "stale: notice"; }
grep -Eq '^zone band: band/news since .*, showing fallback$' "$tmp/status" || fail "stale: ticker"
ctl screenshot "$tmp/s3.png" >/dev/null
main_zone "$tmp/s3.png" "$tmp/s3m.png"
"$CMP" "$tmp/stale.png" "$tmp/s3m.png" psnr:30 "$tmp/d3.png" || fail "stale: not the fallback"
stop
# The band's line that aired the copy and then the fallback ("V>fallback"), or, when a slot
# boundary fell between the two, a line ending with the copy followed by one with the fallback.
awk -F '\t' -v v="$v1" '$5 == "band" { if ($10 == v ">fallback" || (prev == v && $10 == "fallback")) ok = 1; prev = $10 }
    END { exit !ok }' "$d"/logs/pop-*.tsv || { cat "$d"/logs/pop-*.tsv; fail "proof of play: no change to fallback"; }
grep -q 'the cached copy is older than max_age: the fallback body airs' "$tmp/player.log" \
    || fail "log: staleness not said"

echo "--- restart offline: the cached text at once"
start
ctl screenshot "$tmp/s4.png" >/dev/null
main_zone "$tmp/s4.png" "$tmp/s4m.png"
"$CMP" "$tmp/fresh.png" "$tmp/s4m.png" psnr:30 "$tmp/d4.png" || fail "restart offline: not the cache"
sleep 0.5
ctl status >"$tmp/status"
grep -Eq "^zone band: band/news since .*, showing $v1\$" "$tmp/status" || fail "restart: status"
grep -q "^fetch $U/rss.xml: failing since" "$tmp/status" || { cat "$tmp/status"; fail "restart: fetcher state"; }
stop
grep -q "rss.xml: .*the cached copy (if any) stays on air" "$tmp/player.log" || fail "log: no fetch failure"
echo "--- fetched text no font can draw, or too long to read in its turn: not aired"
g=$tmp/gl
kz_player_ini "$g" 320x180 "logs = $g/logs" "cache = $g/cache"
python3 -c 'import json; print(json.dumps({"a": "熊本\ue000", "b": "県" * 400, "c": "熊本城"}))' >"$tmp/doc.json"
python3 tools/cache-put.py "$g/cache" https://data.example.jp/d.json "$tmp/doc.json" now >/dev/null
for f in a b c; do
    printf '[n]\nplugin = notice\nduration = 10s\ntitle = お知らせ\ndata = https://data.example.jp/d.json\ndata_field = %s\nbody = 予備の本文\n' $f >"$g/n.ini"
    "$KZ" render --config "$g/player.ini" --at "$(iso "$(date +%s)")" --size 320x180 --out "$tmp/g-$f.png" >/dev/null 2>"$tmp/g-$f.log"
done
printf '[n]\nplugin = notice\nduration = 10s\ntitle = お知らせ\nbody = 予備の本文\n' >"$g/n.ini"
"$KZ" render --config "$g/player.ini" --at "$(iso "$(date +%s)")" --size 320x180 --out "$tmp/g-fallback.png" >/dev/null 2>&1
grep -q 'a: U+E000 is in no font of the chain: not aired' "$tmp/g-a.log" || { cat "$tmp/g-a.log"; fail "glyph"; }
grep -q 'b: needs [0-9.]* s to read, the notice is on air 10.0 s: not aired' "$tmp/g-b.log" || { cat "$tmp/g-b.log"; fail "too long"; }
for f in a b; do
    grep -q 'no usable field: the fallback body airs' "$tmp/g-$f.log" || fail "$f: no fallback said"
    "$CMP" "$tmp/g-fallback.png" "$tmp/g-$f.png" exact "$tmp/gd.png" || fail "$f: the fetched text aired"
done
grep -q 'c of copy' "$tmp/g-c.log" || { cat "$tmp/g-c.log"; fail "c: the good field did not air"; }
if "$CMP" "$tmp/g-fallback.png" "$tmp/g-c.png" exact "$tmp/gd.png" >/dev/null 2>&1; then fail "c: drew the fallback"; fi
echo "--- feed_filter and feed_max_items (the golden fixture's cache: 4 headlines)"
f=$tmp/flt
kz_player_ini "$f" 320x180 "logs = $f/logs" "cache = $PWD/tests/golden/feed/cache"
for case in "野焼き|3|2" "くまモン|ボランティア|10|4" "ABSENT|10|0" "|2|4" "|10|8"; do
    want=${case##*|}; rest=${case%|*}; max=${rest##*|}; filter=${rest%|*}
    printf '[t]\nplugin = ticker\nduration = 60s\nfeed = https://news.example.jp/kensei/rss.xml\nfeed_max_items = %s\nmax_age = 3600\ntext = 予備\n' "$max" >"$f/t.ini"
    [ -n "$filter" ] && printf 'feed_filter = %s\n' "$filter" >>"$f/t.ini"
    "$KZ" render --verbose --config "$f/player.ini" --at 2025-03-10T00:00:05+09:00 --size 320x180 \
        --out "$tmp/flt.png" >/dev/null 2>"$tmp/flt.log"
    if [ "$want" = 0 ]; then
        grep -q 'none of the 4 headlines matches feed_filter = ABSENT' "$tmp/flt.log" || fail "filter: no match not said"
        grep -q 'the fallback text airs' "$tmp/flt.log" || fail "filter: no match, no fallback"
    else
        grep -q "\] debug: $want pieces at" "$tmp/flt.log" || { cat "$tmp/flt.log"; fail "filter '$filter', max $max: expected $want pieces"; }
    fi
done
echo "test_feed: ok"
