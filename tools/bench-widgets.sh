#!/bin/sh
# Cost of the widget plugins per frame: `kizuna run` for a few seconds at 1920x1080 with each
# golden case's playlist (clock, countdown, ticker, qr) and with a solid colour as the baseline;
# prints CPU time per frame and the ratio to the baseline. The figures show that the widgets
# only copy textures per frame (ratio close to 1); text is rasterised when it changes.
#   SECONDS_EACH (default 5) sets the length of each run.
set -u
B=${KZ_BUILD:-build}
KZ=$B/kizuna
S=${SECONDS_EACH:-5}
OUT=build/bench/widgets.txt
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export KIZUNA_PLUGINS="$B/plugins"
mkdir -p build/bench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Baseline: the same player with one solid colour item.
mkdir -p "$tmp/base"
cp tests/golden/widgets-clock/player.ini "$tmp/base/player.ini"
sed -i "s|\.\./\.\./\.\./fonts|$(pwd)/fonts|; s|\.\./\.\./\.\./build|$(pwd)/build|" "$tmp/base/player.ini"
printf '[solid]\nplugin = color\ncolor = #003366\nduration = 1h\n' >"$tmp/base/solid.ini"
run() { # name config at
    /usr/bin/time -f "%U %S" -o "$tmp/$1.time" "$KZ" run --config "$2" --clock "$3" \
        --exit-after "$S" --size 1920x1080 --windowed >"$tmp/$1.log" 2>&1 || {
        echo "bench-widgets: $1 failed:"; tail -5 "$tmp/$1.log"; return 1; }
    frames=$(sed -n 's/.*: \([0-9]*\) frames.*/\1/p' "$tmp/$1.log" | tail -1)
    cpu=$(awk '{print $1 + $2}' "$tmp/$1.time")
    awk -v n="$1" -v f="$frames" -v c="$cpu" 'BEGIN { printf "%-10s %5d frames  %6.2f CPU-s  %7.3f ms/frame\n", n, f, c, 1000 * c / f }'
    echo "$1 $frames $cpu" >>"$tmp/all"
}
{
    echo "widgets: ${S} s each at 1920x1080, $SDL_VIDEODRIVER/$SDL_RENDER_DRIVER"
    run solid "$tmp/base/player.ini" 2025-02-03T12:00:00+09:00
    run clock tests/golden/widgets-clock/player.ini 2025-02-01T10:20:55+09:00
    run countdown tests/golden/widgets-countdown/player.ini 2025-01-27T14:58:55+09:00
    run ticker tests/golden/widgets-ticker/player.ini 2025-02-03T12:00:00+09:00
    run qr tests/golden/widgets-qr/player.ini 2025-02-03T12:00:00+09:00
    awk 'NR == 1 { base = $3 / $2 } { printf "%-10s %.2fx the solid colour per frame\n", $1, ($3 / $2) / base }' "$tmp/all"
    echo "(command: $KZ run --config CASE --clock TIME --exit-after $S --size 1920x1080 --windowed)"
} | tee "$OUT"
