#!/bin/sh
# The operator console (kizuna console), three figures, on a copy of the demo configuration
# (1920x1080 screen) with the console on a port the OS picks:
#   1. preview: GET /api/preview of 2025-02-03 12:00, landscape and portrait, RUNS times each
#      (median; target 0.5 s), and where the time goes: `kizuna render` run directly at the
#      same size (the child the console starts), at full 1920x1080, and `kizuna --version`
#      (process start alone); and in chromium (tests/browser/preview-bench.js): from pressing
#      the preview button until the new picture has loaded on the page, RUNS times each;
#   2. 100 API clients at once (GET /api/campaigns and /api/media, each its own connection):
#      how many answers were not 200;
#   3. the player's frames beside it: `kizuna run` of a looping 1080p clip for SECONDS_EACH
#      seconds, alone and while the console draws previews and answers API clients without
#      pause, alternating PAIRS times; frames delivered and CPU per frame as ratios.
# Timed figures on a shared machine are noisy: medians and ratios of alternating runs only.
set -u
B=${KZ_BUILD:-build}
KZ=$PWD/$B/kizuna
RUNS=${RUNS:-7}
S=${SECONDS_EACH:-6}
PAIRS=${PAIRS:-3}
OUT=build/bench/console.txt
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy} KIZUNA_PLUGINS=$PWD/$B/plugins
mkdir -p build/bench
tmp=$(mktemp -d) console= load=
cleanup() {
    [ -n "$load" ] && kill $load 2>/dev/null
    [ -n "$console" ] && kill "$console" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
command -v curl >/dev/null || { echo "bench-console: needs curl"; exit 1; }

cp -r playlists "$tmp/pl"
sh tools/make-demo-media.sh "$tmp/content" >"$tmp/media.log" 2>&1 || { cat "$tmp/media.log"; exit 1; }
ini=$tmp/pl/player.ini
sed -i -e "s|^plugins *=.*|plugins = $KIZUNA_PLUGINS|" -e "s|^content *=.*|content = $tmp/content|" \
    -e "s|^logs *=.*|logs = $tmp/logs|" -e "s|^fonts *=.*|fonts = $PWD/fonts/fonts.ini|" \
    -e "s|^fullscreen *=.*|fullscreen = no|" "$ini"
"$KZ" check --config "$ini" >/dev/null 2>&1 # fills the flash cache, as on a screen in service

KIZUNA_WWW=$PWD/player/console/www "$KZ" console --config "$ini" --listen 127.0.0.1:0 \
    >"$tmp/console.out" 2>"$tmp/console.log" &
console=$!
i=0; while ! grep -q '^kizuna console: http' "$tmp/console.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=$(sed -n 's/^kizuna console: \(http[^ ]*\)$/\1/p' "$tmp/console.out"); url=${url%/}
[ -n "$url" ] || { cat "$tmp/console.log"; echo "the console printed no address"; exit 1; }
jar=$tmp/cookies
curl -s -c "$jar" -b "$jar" -X POST -H 'Content-Type: application/json' -d '{}' "$url/api/login" >/dev/null

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# seconds of wall time of a command, RUNS times, median
time_cmd() {
    for _ in $(seq "$RUNS"); do
        a=$(date +%s.%N); "$@" >/dev/null 2>&1; b=$(date +%s.%N)
        echo "$a $b" | awk '{ printf "%.4f\n", $2 - $1 }'
    done | median
}
preview() { curl -s -o "$tmp/p.png" -w '%{http_code}' -b "$jar" "$url/api/preview?at=2025-02-03T12:00:00&orientation=$1" >"$tmp/code"; }
render() { "$KZ" render --config "$ini" --at 2025-02-03T12:00:00 --out "$tmp/r.png" --size "$1"; }
{
echo "# 1. preview of 2025-02-03 12:00 (median of $RUNS; target 0.5 s)"
for o in landscape portrait; do
    preview "$o"; [ "$(cat "$tmp/code")" = 200 ] || { echo "preview $o: HTTP $(cat "$tmp/code")"; exit 1; }
    printf 'GET /api/preview %-9s  %6.3f s\n' "$o" "$(time_cmd preview "$o")"
done
# the same preview timed in the browser, from the click until the picture is on the page
CHROMIUM=${KZ_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ] && command -v node >/dev/null 2>&1 &&
    [ -f tests/browser/node_modules/playwright-core/package.json ]; then
    KZ_URL=$url KZ_CHROMIUM=$CHROMIUM RUNS=$RUNS NODE_PATH=$PWD/tests/browser/node_modules \
        timeout 600 node tests/browser/preview-bench.js || echo "browser preview: the measurement failed"
else
    echo "browser preview: skipped (needs $CHROMIUM, node and make deps' playwright-core)"
fi
printf 'kizuna render 960x540      %6.3f s   (the child the console runs)\n' "$(time_cmd render 960x540)"
printf 'kizuna render 540x960      %6.3f s\n' "$(time_cmd render 540x960)"
printf 'kizuna render 1920x1080    %6.3f s   (full size: scaling and PNG size)\n' "$(time_cmd render 1920x1080)"
printf 'kizuna --version           %6.3f s   (process start alone)\n' "$(time_cmd "$KZ" --version)"
echo "(commands: curl '$url/api/preview?at=2025-02-03T12:00:00&orientation=O';"
echo " $KZ render --config player.ini --at 2025-02-03T12:00:00 --out F.png --size WxH)"

echo
echo "# 2. 100 API clients at once"
seq 100 | xargs -P 100 -I{} sh -c 'p=/api/campaigns; [ $(({} % 2)) = 0 ] && p=/api/media
    curl -s -o /dev/null -w "%{http_code}\n" -b "$1" "$2$p"' _ "$jar" "$url" >"$tmp/codes" 2>&1
ok=$(grep -c '^200$' "$tmp/codes"); bad=$(grep -vc '^200$' "$tmp/codes")
echo "100 clients (50 GET /api/campaigns, 50 GET /api/media): $ok answered 200, $bad other"
grep -v '^200$' "$tmp/codes" | sort | uniq -c | sed 's/^/  /'

echo
echo "# 3. the player's frames with and without the console working (ratio B/A; $PAIRS pairs of ${S} s)"
mkdir -p "$tmp/play"
sed -e "s|^playlists *=.*|playlists = $tmp/play|" -e "s|^logs *=.*|logs = $tmp/plogs|" \
    -e "s|^size *=.*|size = 1920x1080|" "$ini" >"$tmp/play/player.ini"
printf '[clip]\nplugin = video\nfile = barrier-free-month.mp4\nloop = yes\nduration = 1h\n' >"$tmp/play/clip.ini"
"$KZ" check --config "$tmp/play/player.ini" >"$tmp/play.check" 2>&1 ||
    { cat "$tmp/play.check"; echo "the clip playlist does not check"; exit 1; }
run_player() { # name -> "frames cpu_s"
    /usr/bin/time -f "%U %S" -o "$tmp/$1.time" "$KZ" run --config "$tmp/play/player.ini" \
        --clock 2025-02-03T12:00:00+09:00 --exit-after "$S" --windowed >"$tmp/$1.log" 2>&1
    f=$(sed -n 's/.*: \([0-9]*\) frames.*/\1/p' "$tmp/$1.log" | tail -1)
    awk -v f="${f:-0}" '{ print f, $1 + $2 }' "$tmp/$1.time"
}
busy() { # the console at work: previews one after the other, and 10 API clients in a loop
    while :; do preview landscape; done &
    load=$!
    while :; do seq 10 | xargs -P 10 -I{} curl -s -o /dev/null -b "$jar" "$url/api/campaigns"; done &
    load="$load $!"
}
: >"$tmp/pairs"
for k in $(seq "$PAIRS"); do
    a=$(run_player alone)
    busy
    b=$(run_player busy)
    kill $load 2>/dev/null; wait $load 2>/dev/null; load=
    echo "$a $b" >>"$tmp/pairs"
    echo "$a $b" | awk -v k="$k" '{ printf "pair %d: alone %d frames %.3f ms CPU/frame; console busy %d frames %.3f ms CPU/frame\n", k, $1, 1000 * $2 / $1, $3, 1000 * $4 / $3 }'
done
awk '{ print $3 / $1 }' "$tmp/pairs" | median | awk '{ printf "frames delivered, busy / alone: %.3f (median of the pairs)\n", $1 }'
awk '{ print ($4 / $3) / ($2 / $1) }' "$tmp/pairs" | median | awk '{ printf "CPU per frame,    busy / alone: %.3f\n", $1 }'
echo "(command: $KZ run --config clip/player.ini --clock 2025-02-03T12:00:00+09:00 --exit-after $S --windowed; 1920x1080 software renderer, 2 cores shared with the console and its children)"
} | tee "$OUT"
