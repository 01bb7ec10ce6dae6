#!/bin/sh
# kizuna run, headless, with an accelerated clock: what it puts on air follows the timeline
# (rotation from local midnight), broken entries are reported with file:line while the rest
# plays, SIGHUP reloads, SIGTERM exits cleanly.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
kz_player_ini "$tmp/pl" 320x180
cat >"$tmp/pl/loop.ini" <<INI
[red]
plugin = color
color = red
duration = 2s
[broken]
plugin = image
file = missing.png
duration = 2s
[blue]
plugin = color
color = blue
duration = 3s
INI
# 20x speed from midnight for 1.5 s of real time: about 30 s of timeline, 6 cycles of 5 s
"$KZ" run --config "$tmp/pl/player.ini" --clock 2025-02-03T00:00:00+09:00 --speed 20 \
    --exit-after 1.5 --aired "$tmp/aired.tsv" 2>"$tmp/log" || { cat "$tmp/log"; exit 1; }
cat "$tmp/aired.tsv"
grep -q "loop.ini:7: \[broken\] file = missing.png: cannot open" "$tmp/log"
first=$(head -n 1 "$tmp/aired.tsv")
[ "$first" = "$(printf '2025-02-03T00:00:00+09:00\t2025-02-03T00:00:02+09:00\tloop/red\tmain')" ]
lines=$(wc -l <"$tmp/aired.tsv")
[ "$lines" -ge 8 ] || { echo "only $lines slots aired"; exit 1; }
# strictly alternating red (2 s) and blue (3 s), each starting where the last ended
awk -F'\t' 'NR > 1 && $1 != prev_end { print "gap or overlap at line " NR; bad = 1 }
    { if ($3 == "loop/red") want = "loop/blue"; else want = "loop/red" }
    NR > 1 && $3 == last { print "same item twice at line " NR; bad = 1 }
    { prev_end = $2; last = $3 } END { exit bad }' "$tmp/aired.tsv"
grep -qv 'loop/broken' "$tmp/aired.tsv"
# SIGHUP reloads (a broken edit keeps the last good playlists); SIGTERM ends cleanly.
"$KZ" run --config "$tmp/pl/player.ini" --size 320x180 2>"$tmp/log2" &
pid=$!
sleep 1
printf '[x]\nplugin = color\nduration = ten\n' >"$tmp/pl/zz-bad.ini"
kill -HUP $pid; sleep 0.7
kill -TERM $pid
wait $pid
grep -q "zz-bad.ini:3: \[x\] duration = ten" "$tmp/log2"
grep -q "the last good playlists stay on air" "$tmp/log2"
grep -q "stopped after" "$tmp/log2"
echo "ok"
