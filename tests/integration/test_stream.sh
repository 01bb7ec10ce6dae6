#!/bin/sh
# Live streams end to end, on loopback only: ffmpeg writes an HLS stream (testsrc2, 1 s
# segments) into a temporary folder that a Python http.server serves on a port the OS picks.
# A headless player plays `stream =` with a fallback picture: live frames arrive (the
# screenshot is neither the fallback nor black, and moves), the server stops -> the fallback
# within the bound, the log says so once however many retries; the server returns -> live
# again. https is verified: a self-signed server is refused, and plays with ca_file. A
# blackholed address (a socket that accepts and never answers) keeps the frame loop running on
# the standby slate. A flashing stream is cut by the live flash analysis.
# `kizuna render` draws the fallback; `kizuna check` errors on a disallowed scheme with
# file:line and only warns about an unreachable stream.
set -eu
. tests/integration/lib.sh
command -v ffmpeg >/dev/null && command -v openssl >/dev/null || { echo "ffmpeg and openssl are needed"; exit 1; }
tmp=$(mktemp -d); pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] && cp -r "$tmp" "$KEEP"; rm -rf "$tmp"; }
trap cleanup EXIT
pl=$tmp/pl
mkdir -p "$tmp/www/live" "$tmp/www/flash" "$tmp/www/near" "$pl"

# pixel (x, y) of a PNG as rrggbb
pixel() { ffmpeg -v error -i "$1" -vf "crop=1:1:$2:$3" -f rawvideo -pix_fmt rgb24 - | od -An -tx1 | tr -d ' \n'; }
# mean luma of a PNG, 0..255
luma() { ffmpeg -v error -i "$1" -vf scale=1:1:flags=area,format=gray -f rawvideo - | od -An -tu1 | tr -d ' \n'; }

hls() { # hls DIR SOURCE: a live HLS stream of SOURCE (lavfi) into DIR, in the background
    (cd "$1" && exec nice ffmpeg -v error -re -f lavfi -i "$2" -c:v libx264 -preset ultrafast \
        -tune zerolatency -g 25 -pix_fmt yuv420p -f hls -hls_time 1 -hls_list_size 4 \
        -hls_flags delete_segments live.m3u8) &
    pids="$pids $!"
}
serve() { # serve PORT: http.server for $tmp/www; its pid in $http, the port in $port
    (cd "$tmp/www" && exec python3 -u -m http.server "$1" --bind 127.0.0.1) >"$tmp/http.out" 2>&1 &
    http=$!; pids="$pids $http"
    i=0; while ! grep -q ' port ' "$tmp/http.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$tmp/http.out")
    [ -n "$port" ] || { cat "$tmp/http.out"; echo "no http server"; exit 1; }
}
hls "$tmp/www/live" "testsrc2=size=320x180:rate=25"
# full-screen black/white, flipping 10 times a second: 10 transitions in every second (the
# default profile fails above 6)
hls "$tmp/www/flash" "color=c=black:s=320x180:r=25,geq=lum='if(mod(floor(T*10),2),235,16)':cb=128:cr=128"
# 5 flips a second: within the one-second limit, but near it (4..6) without a pause: the
# extended-failure budget (4 s within 5 s, default profile) cuts it
hls "$tmp/www/near" "color=c=black:s=320x180:r=25,geq=lum='if(mod(floor(T*5),2),235,16)':cb=128:cr=128"
serve 0
i=0; while [ ! -s "$tmp/www/live/live.m3u8" ] || [ ! -s "$tmp/www/flash/live.m3u8" ]; do
    sleep 0.2; i=$((i + 1)); [ $i -lt 100 ] || { echo "ffmpeg wrote no playlist"; exit 1; }
done
ffmpeg -v error -f lavfi -i "color=c=#ff00ff:s=64x36" -frames:v 1 "$pl/fallback.png"

run() { # run NAME ITEMS...: a player on $pl/NAME.ini in the background ($kz, $log)
    rm -rf "$tmp/logs"
    kz_player_ini "$pl" 320x180 "logs = $tmp/logs"
    "$KZ" run --config "$pl/player.ini" >"$tmp/$1.log" 2>&1 &
    kz=$!; pids="$pids $kz"; log=$tmp/$1.log
    i=0; while [ ! -S "$tmp/logs/control.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S "$tmp/logs/control.sock" ] || { cat "$log"; echo "no control socket"; exit 1; }
}
stop() { kill "$kz"; wait "$kz" 2>/dev/null || true; }
ctl() { "$KZ" ctl --config "$pl/player.ini" "$@"; }
shot() { ctl screenshot "$tmp/$1.png" >/dev/null; }
# wait_for SECONDS CMD...: poll CMD every 0.5 s
wait_for() {
    _n=$(($1 * 2)); shift
    while [ $_n -gt 0 ]; do "$@" && return 0; sleep 0.5; _n=$((_n - 1)); done
    return 1
}
# the fallback's magenta (the PNG went through Y'CbCr: fe00fd)
magenta() { case $1 in f[a-f]0[0-9a-f]f[a-f]) return 0 ;; esac; return 1; }
is_fallback() { shot now; magenta "$(pixel "$tmp/now.png" 160 90)"; }
is_live() { shot now; p=$(pixel "$tmp/now.png" 160 90); ! magenta "$p" && [ "$p" != 1c2a3a ] && [ "$(luma "$tmp/now.png")" -gt 30 ]; }
is_slate() { shot now; [ "$(pixel "$tmp/now.png" 5 5)" = 1c2a3a ]; }

echo "--- live, with a fallback picture"
cat >"$pl/live.ini" <<INI
[lobby]
plugin = video
stream = http://127.0.0.1:$port/live/live.m3u8
fallback = fallback.png
fit = stretch
duration = 10m
INI
run live
wait_for 15 grep -q ': live, 320x180' "$log" || { cat "$log"; echo "never live"; exit 1; }
wait_for 5 is_live || { cp "$tmp/now.png" /tmp/test_stream-live.png; echo "live frame is fallback or black"; exit 1; }
cp "$tmp/now.png" "$tmp/live1.png"; echo "live: luma $(luma "$tmp/live1.png")"
sleep 1; shot live2
cmp -s "$tmp/live1.png" "$tmp/live2.png" && { echo "the live picture does not move"; exit 1; }
echo "live: the picture moves"

echo "--- the server stops: the fallback within the bound"
kill "$http"; wait "$http" 2>/dev/null || true
t0=$(date +%s)
# bound: no picture for 5 s (LIVE_STALL_US), plus what HLS had buffered (4 segments of 1 s)
wait_for 12 is_fallback || { cat "$log"; echo "no fallback within 12 s"; exit 1; }
echo "fallback after $(($(date +%s) - t0)) s"
sleep 4 # a few reconnect attempts fail meanwhile (1 s, 2 s, ...)
[ "$(grep -c 'stream down\|cannot connect' "$log")" = 1 ] || { cat "$log"; echo "the drop is not logged exactly once"; exit 1; }

echo "--- the server returns: live again"
serve "$port"
wait_for 25 is_live || { cat "$log"; echo "not live again within 25 s"; exit 1; }
wait_for 3 grep -q 'live again after .* on the fallback (.* retr' "$log" || { cat "$log"; exit 1; }
grep 'live again' "$log"
ctl status | grep -q '^slot failures 0$' || { ctl status; echo "a slot failed"; exit 1; }
stop
grep -q 'aired: live [0-9.]* s, fallback [0-9.]* s' "$log" || { cat "$log"; echo "no airing summary"; exit 1; }
grep 'aired:' "$log"

echo "--- a blackholed address: the frame loop keeps running on the standby slate"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(600)' >"$tmp/bh.port" &
pids="$pids $!"
i=0; while [ ! -s "$tmp/bh.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
bh=$(cat "$tmp/bh.port")
rm -f "$pl/live.ini"
cat >"$pl/hole.ini" <<INI
[hole]
plugin = video
stream = http://127.0.0.1:$bh/live.m3u8
duration = 10m
INI
run hole
sleep 1
f1=$(ctl status | sed -n 's/^frames //p'); sleep 2; f2=$(ctl status | sed -n 's/^frames //p')
echo "frames $f1 -> $f2 while connecting"
[ "$f2" -gt $((f1 + 60)) ] || { echo "the frame loop stalled while connecting"; exit 1; }
is_slate || { cp "$tmp/now.png" /tmp/test_stream-hole.png; echo "not the standby slate"; exit 1; }
[ "$(luma "$tmp/now.png")" -gt 20 ] # never black
# the read timeout (5 s) or the connect bound (8 s) gives up on the silent server: logged once
wait_for 12 grep -q 'cannot connect (.*\(timed out\|no answer within\)' "$log" || { cat "$log"; echo "the connect bound did not fire"; exit 1; }
f3=$(ctl status | sed -n 's/^frames //p'); [ "$f3" -gt "$f2" ]
t0=$(date +%s%N); stop; t1=$(date +%s%N)
echo "stopped in $(((t1 - t0) / 1000000)) ms while connecting"
[ $(((t1 - t0) / 1000000)) -lt 3000 ] || { echo "destroy waited for the connection"; exit 1; }

echo "--- a flashing stream is cut by the live flash analysis"
rm -f "$pl/hole.ini"
cat >"$pl/flash.ini" <<INI
[strobe]
plugin = video
stream = http://127.0.0.1:$port/flash/live.m3u8
fallback = fallback.png
fit = stretch
duration = 10m
INI
run flash
wait_for 30 grep -q "flash safety: general flash" "$log" || { grep -v "^t=" "$log"; grep "^t=" "$log" | head -40; echo "no flash cut"; exit 1; }
grep 'flash safety' "$log"
grep -q 'flash safety: .* at 20[0-9-]*T[0-9:.]*[+-][0-9]*: cut to the fallback picture' "$log"
wait_for 3 is_fallback || { echo "the cut does not show the fallback"; exit 1; }
sleep 2; is_fallback || { echo "the cut did not hold"; exit 1; }
stop
sed -i "s|/flash/live.m3u8|/near/live.m3u8|" "$pl/flash.ini"
run near
wait_for 30 grep -q "flash safety: extended flashing" "$log" || { cat "$log"; echo "no cut for extended flashing"; exit 1; }
grep -q "flash safety: general flash" "$log" && { echo "5 flips a second counted as a general flash"; exit 1; }
grep 'flash safety' "$log"
wait_for 3 is_fallback
stop

echo "--- https: the certificate is verified (a self-signed server is refused; ca_file trusts it)"
rm -f "$pl/flash.ini"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key.pem" -out "$pl/ca.pem" 2>/dev/null
python3 -u -c '
import http.server, os, ssl, sys
os.chdir(sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[2], sys.argv[3])
s.socket = c.wrap_socket(s.socket, server_side=True)
print("port", s.server_address[1], flush=True); s.serve_forever()' "$tmp/www" "$pl/ca.pem" "$tmp/key.pem" >"$tmp/https.out" 2>&1 &
pids="$pids $!"
i=0; while ! grep -q '^port ' "$tmp/https.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sport=$(sed -n 's/^port //p' "$tmp/https.out")
printf '[untrusted]\nplugin = video\nstream = https://127.0.0.1:%s/live/live.m3u8\nduration = 10m\n' "$sport" >"$pl/tls.ini"
run untrusted
wait_for 10 grep -q 'untrusted.*cannot connect' "$log" || { cat "$log"; echo "a self-signed https stream was not refused"; exit 1; }
sleep 2; grep -q ': live, ' "$log" && { cat "$log"; echo "an unverified https stream played"; exit 1; }
is_slate
stop
printf '[trusted]\nplugin = video\nstream = https://127.0.0.1:%s/live/live.m3u8\nca_file = ca.pem\nduration = 10m\n' "$sport" >"$pl/tls.ini"
run trusted
wait_for 15 grep -q 'trusted.*: live, 320x180' "$log" || { cat "$log"; echo "https with ca_file did not play"; exit 1; }
wait_for 5 is_live
stop
rm -f "$pl/tls.ini"
echo "https: refused without the CA, live with ca_file"

echo "--- render --at draws the fallback; check"
rm -f "$pl/flash.ini"
cat >"$pl/live.ini" <<INI
[lobby]
plugin = video
stream = http://127.0.0.1:$port/live/live.m3u8
fallback = fallback.png
fit = stretch
duration = 10m
INI
kz_player_ini "$pl" 320x180 "logs = $tmp/logs"
"$KZ" render --config "$pl/player.ini" --at 2026-01-05T10:00:00+09:00 --out "$tmp/r.png" >/dev/null 2>"$tmp/render.log" || { cat "$tmp/render.log"; exit 1; }
p=$(pixel "$tmp/r.png" 160 90); echo "render: $p"; magenta "$p"
"$KZ" plan --config "$pl/player.ini" --from 2026-01-05 --to 2026-01-05 --format csv >"$tmp/plan" 2>"$tmp/plan.log" || { cat "$tmp/plan.log"; exit 1; }
head -3 "$tmp/plan"
grep -q 'lobby' "$tmp/plan" || { cat "$tmp/plan"; echo "plan has no stream slot"; exit 1; }
"$KZ" check --config "$pl/player.ini" >"$tmp/check.out" 2>"$tmp/check.log" || { cat "$tmp/check.log"; echo "check fails on a reachable stream"; exit 1; }
gone=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$pl/more.ini" <<INI
[off_camera]
plugin = video
stream = rtsp://127.0.0.1:$gone/lobby
duration = 30s
INI
"$KZ" check --config "$pl/player.ini" >"$tmp/check.out" 2>"$tmp/check.log" || { cat "$tmp/check.log"; echo "an unreachable stream is an error"; exit 1; }
grep -q 'warning: rtsp://127.0.0.1:[0-9]*/lobby: unreachable now' "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
printf '[bad]\nplugin = video\nstream = file:///etc/passwd\nduration = 30s\n' >"$pl/bad.ini"
rc=0; "$KZ" check --config "$pl/player.ini" >"$tmp/check.out" 2>"$tmp/check.log" || rc=$?
[ $rc != 0 ] || { echo "check accepts file:"; exit 1; }
grep -q 'bad.ini:3: .*stream.*"file:" is not allowed' "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
grep 'not allowed' "$tmp/check.log"
echo "ok"
