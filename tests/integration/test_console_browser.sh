#!/bin/sh
# The operator console in a real browser (tests/browser/console.test.js): kizuna console on a
# port the OS picks, against a copy of the demo configuration with a password set, beside a
# headless player whose control socket takes the interrupt. Screenshots go to build/browser/.
# Skips (and says so) only when chromium or node is not installed; playwright-core missing
# is a failure (make deps installs it from tests/browser/package-lock.json).
set -eu
. tests/integration/lib.sh
CHROMIUM=${KZ_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null 2>&1; then
    echo "SKIP: test_console_browser needs chromium ($CHROMIUM) and node (apt-get install chromium nodejs)"
    exit 0
fi
[ -f tests/browser/node_modules/playwright-core/package.json ] ||
    { echo "playwright-core is not installed: run make deps (npm ci in tests/browser)"; exit 1; }
OUT=${KZ_BROWSER_OUT:-$PWD/build/browser}
tmp=$(mktemp -d) player= console=
cleanup() {
    [ -n "$console" ] && kill "$console" 2>/dev/null
    [ -n "$player" ] && kill "$player" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# a copy of the demo: its playlists, fresh demo media, a small window, a password
cp -r playlists "$tmp/pl"
sh tools/make-demo-media.sh "$tmp/content" >"$tmp/media.log" 2>&1 ||
    { cat "$tmp/media.log"; echo "demo media could not be made"; exit 1; }
ini=$tmp/pl/player.ini
sed -i -e "s|^plugins *=.*|plugins = $PWD/$KIZUNA_PLUGINS|" -e "s|^content *=.*|content = $tmp/content|" \
    -e "s|^logs *=.*|logs = $tmp/logs|" -e "s|^fonts *=.*|fonts = $PWD/fonts/fonts.ini|" \
    -e "s|^size *=.*|size = 640x360|" -e "s|^fullscreen *=.*|fullscreen = no|" "$ini"
password=kizuna-browser-test
printf '%s\n' "$password" | "$KZ" console --set-password >"$tmp/hash" ||
    { cat "$tmp/hash"; echo "kizuna console --set-password failed"; exit 1; }
{ echo; cat "$tmp/hash"; } >>"$ini"
"$KZ" check --config "$ini" >"$tmp/check" 2>&1 || { cat "$tmp/check"; echo "the copied demo does not check"; exit 1; }

"$KZ" run --config "$ini" --clock 2025-02-03T12:00:00+09:00 --speed 1 2>"$tmp/player.log" &
player=$!
i=0; while [ ! -S "$tmp/logs/control.sock" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/logs/control.sock" ] || { cat "$tmp/player.log"; echo "the player made no control socket"; exit 1; }

# the page from this tree, wherever the binary under test was built (build/, build/asan/)
KIZUNA_WWW=$PWD/player/console/www "$KZ" console --config "$ini" --listen 127.0.0.1:0 >"$tmp/console.out" 2>"$tmp/console.log" &
console=$!
i=0; while ! grep -q '^kizuna console: http' "$tmp/console.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=$(sed -n 's/^kizuna console: \(http[^ ]*\)$/\1/p' "$tmp/console.out")
[ -n "$url" ] || { cat "$tmp/console.out" "$tmp/console.log"; echo "the console printed no address"; exit 1; }
echo "console at $url"

# what the media page gets dropped on it: a picture, a calm clip, a clip flashing 5 times a
# second over the whole frame (docs/accessibility.md), and text that calls itself a PNG
mkdir -p "$tmp/drop"
ffmpeg -v error -f lavfi -i "color=c=0x2060a0:s=320x180" -frames:v 1 "$tmp/drop/still.png"
ffmpeg -v error -f lavfi -i "color=c=0x2060a0:s=320x180:r=30:d=2" -pix_fmt yuv420p "$tmp/drop/calm.mp4"
ffmpeg -v error -f lavfi -i "color=c=black:s=320x180:r=30:d=3" \
    -vf "geq=lum='if(mod(floor(N/3),2),235,16)':cb=128:cr=128" -pix_fmt yuv420p "$tmp/drop/flashing.mp4"
echo "this is not a picture" >"$tmp/drop/fake.png"

rm -rf "$OUT" && mkdir -p "$OUT"
KZ_MEDIA=$tmp/drop KZ_CONTENT=$tmp/content KZ_URL=$url KZ_PASSWORD=$password KZ_PLAYLISTS=$tmp/pl KZ_OUT=$OUT KZ_CHROMIUM=$CHROMIUM \
    NODE_PATH=$PWD/tests/browser/node_modules timeout 300 node tests/browser/console.test.js ||
    { echo "--- console log"; tail -20 "$tmp/console.log"; echo "--- player log"; tail -20 "$tmp/player.log"
      echo "the browser test failed (screenshots in $OUT)"; exit 1; }

# The preview is kizuna render's picture, and the new notice is in it: the same moment drawn
# without the new campaign is a different picture.
"$KZ" render --config "$ini" --at 2025-02-03T12:00:00 --out "$tmp/with.png" --size 960x540 2>/dev/null
cmp -s "$tmp/with.png" "$OUT/preview-frame.png" ||
    { echo "the browser's preview is not kizuna render's frame of that moment"; exit 1; }
mv "$tmp/pl/40-browser-month.ini" "$tmp/40-browser-month.ini"
"$KZ" render --config "$ini" --at 2025-02-03T12:00:00 --out "$tmp/without.png" --size 960x540 2>/dev/null
! cmp -s "$tmp/with.png" "$tmp/without.png" || { echo "the preview does not change with the new campaign"; exit 1; }
# the player shows the interrupt: the corner of its screenshot is the interrupt's red
"$KZ" ctl --config "$ini" status >"$tmp/status"
! grep -q '^interrupt none' "$tmp/status" || { cat "$tmp/status"; echo "the player shows no interrupt"; exit 1; }
corner=$(ffmpeg -v error -i "$OUT/player-screenshot.png" -vf "crop=1:1:2:2" -f rawvideo -pix_fmt rgb24 - |
    od -An -tx1 | tr -d ' \n')
[ "$corner" = 9a0000 ] || { echo "the player's screenshot corner is $corner, not the interrupt's red"; exit 1; }
grep -q 'interrupt' "$tmp/logs/console-audit.log" || { echo "the interrupt is not in the audit log"; exit 1; }
# both stop cleanly, and under ASan/UBSan (KZ_BUILD=build/asan) they reported nothing
kill "$console" "$player"; wait "$console" || { echo "the console did not stop cleanly"; exit 1; }
wait "$player" || true; console= player=
if grep -E 'Sanitizer|runtime error' "$tmp/console.log" "$tmp/player.log"; then
    echo "sanitizer reports above"; exit 1
fi
echo "console browser test: $(ls "$OUT"/*.png | wc -l) pictures in $OUT"
