#!/bin/sh
# make demo without a display (README): no window is opened and nothing fails; it says how to
# play headless and renders four moments of the demo playlists to PNG files.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER DEMO_OUT="$tmp/demo" sh tools/demo.sh \
    >"$tmp/out" 2>&1 || { cat "$tmp/out"; echo "demo.sh failed without a display"; exit 1; }
grep -q 'no display here' "$tmp/out" || { cat "$tmp/out"; echo "no 'no display' notice"; exit 1; }
grep -q 'SDL_VIDEODRIVER=offscreen' "$tmp/out" || { echo "no headless hint"; exit 1; }
n=$(ls "$tmp/demo"/*.png | wc -l)
[ "$n" -eq 4 ] || { echo "expected 4 frames, got $n"; exit 1; }
# A frame of the demo is a picture, not an empty or black file: PNGs of a blank 1280x720
# frame compress to a few kB, the demo's slides with Japanese text to far more.
for f in "$tmp/demo"/*.png; do
    s=$(wc -c <"$f")
    [ "$s" -gt 20000 ] || { echo "$f: only $s bytes: a blank frame?"; exit 1; }
done
grep -q 'wrote 4 frames' "$tmp/out" || { cat "$tmp/out"; exit 1; }
echo "demo headless: 4 frames, notice and hint printed"

# With a (headless) display: the player plays and the console answers beside it, and stops
# with it.
. tests/integration/fleet_lib.sh
port=$(free_port)
SDL_VIDEODRIVER=dummy DEMO_CONSOLE=127.0.0.1:$port \
    DEMO_ARGS="--windowed --size 640x360 --exit-after 6 --clock 2025-02-03T12:00:00+09:00" \
    sh tools/demo.sh >"$tmp/play" 2>&1 &
dpid=$!
ok=0; i=0
while [ $i -lt 50 ]; do
    if curl -fsS "http://127.0.0.1:$port/" -o "$tmp/page" 2>/dev/null; then ok=1; break; fi
    sleep 0.2; i=$((i + 1))
done
wait $dpid || { cat "$tmp/play"; echo "demo.sh with a display failed"; exit 1; }
[ $ok = 1 ] && grep -qi '<html' "$tmp/page" || { cat "$tmp/play"; echo "no console page on port $port"; exit 1; }
grep -q "console at http://127.0.0.1:$port/" "$tmp/play" || { cat "$tmp/play"; exit 1; }
sleep 0.5
! curl -fsS "http://127.0.0.1:$port/" -o /dev/null 2>/dev/null || { echo "console still running after the demo"; exit 1; }
echo "demo with a display: player played, console answered on $port and stopped with it"
