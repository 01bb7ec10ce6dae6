#!/bin/sh
# A decompression bomb (a 16000x16000 PNG of under 1 MB) is refused from its header by
# kizuna check and kizuna run, with file:line and the pixel limit; the run keeps airing the
# rest and its peak memory stays far below what decoding the bomb takes (768 MB as RGB).
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
kz_player_ini "$tmp/pl" 320x180 "logs = $tmp/logs"
python3 tests/bad-input/gen-image-bomb.py "$tmp/pl/bomb.png"
[ "$(wc -c <"$tmp/pl/bomb.png")" -lt 2000000 ]
ffmpeg -v error -f lavfi -i color=c=0x2060a0:s=64x36 -frames:v 1 "$tmp/pl/good.png"
cat >"$tmp/pl/loop.ini" <<INI
[good]
plugin = image
file = good.png
duration = 2s
[bomb]
plugin = image
file = bomb.png
duration = 2s
[blue]
plugin = color
color = blue
duration = 2s
INI
# check: the bomb is an error with file:line and the limit, the rest is fine.
rc=0
/usr/bin/time -v "$KZ" check --config "$tmp/pl/player.ini" >"$tmp/check" 2>"$tmp/check.err" || rc=$?
cat "$tmp/check" "$tmp/check.err"
[ "$rc" -ne 0 ] || { echo "check passed a bomb"; exit 1; }
grep -q 'loop.ini:7: \[bomb\] file.*16000x16000 (256.0 Mpx) is above the pixel limit of 40.0 Mpx' \
    "$tmp/check" "$tmp/check.err"
peak() { awk '/Maximum resident set size/ { print $NF }' "$1"; }
# Limits: the player refusing the bomb peaks at about 50 MB (335 MB under ASan, whose shadow
# memory inflates RSS); decoding the bomb takes more than 768 MB (2.0 GB measured before).
limit_kb=500000
[ "$(peak "$tmp/check.err")" -lt "$limit_kb" ] || { echo "check peak RSS too high"; exit 1; }
# A smaller limit in player.ini refuses the good picture too (the key is read).
kz_player_ini "$tmp/small" 320x180 "[player]" "max_pixels = 1000000"
cp "$tmp/pl/loop.ini" "$tmp/pl/good.png" "$tmp/small/"
python3 tests/bad-input/gen-image-bomb.py "$tmp/small/big.png" 1200 1000
sed -i 's/bomb.png/big.png/' "$tmp/small/loop.ini"
"$KZ" check --config "$tmp/small/player.ini" >"$tmp/check2" 2>&1 && { cat "$tmp/check2"; exit 1; }
grep -q 'loop.ini:7: \[bomb\] file.*1200x1000 (1.2 Mpx) is above the pixel limit of 1.0 Mpx' \
    "$tmp/check2" || { cat "$tmp/check2"; exit 1; }
# run: 10x speed for 2 s of real time (20 s of timeline): good and blue air, the bomb never.
/usr/bin/time -v "$KZ" run --config "$tmp/pl/player.ini" --clock 2025-02-03T00:00:00+09:00 \
    --speed 10 --exit-after 2 --aired "$tmp/aired.tsv" 2>"$tmp/log" || { cat "$tmp/log"; exit 1; }
cat "$tmp/aired.tsv"
grep -q "loop.ini:7: \[bomb\] file = bomb.png: 16000x16000 (256.0 Mpx) is above the pixel" "$tmp/log" ||
    { cat "$tmp/log"; exit 1; }
grep -q 'loop/good' "$tmp/aired.tsv"
grep -q 'loop/blue' "$tmp/aired.tsv"
if grep -q 'loop/bomb' "$tmp/aired.tsv"; then echo "the bomb aired"; exit 1; fi
[ "$(wc -l <"$tmp/aired.tsv")" -ge 6 ] || { echo "too few slots aired"; exit 1; }
echo "peak RSS: check $(peak "$tmp/check.err") kB, run $(peak "$tmp/log") kB"
[ "$(peak "$tmp/log")" -lt "$limit_kb" ] || { echo "run peak RSS too high"; exit 1; }
echo "ok"
