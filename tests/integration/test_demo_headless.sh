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
