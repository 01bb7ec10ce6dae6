#!/bin/sh
# Memory over days: `kizuna ctl status` says what the memory is (heap in use, free in the
# arenas, mapped blocks), and the player gives the arenas' free pages back once a day, at the
# first frame after midnight (docs/performance.md "Memory over days") — not before it.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
kz_player_ini "$tmp/pl" 320x180 "logs = $tmp/logs" "[player]" "name = trim-test" \
    "timezone = Asia/Tokyo"
cat >"$tmp/pl/loop.ini" <<INI
[green]
plugin = color
color = #00ff00
duration = 5s
[blue]
plugin = color
color = #0000ff
duration = 5s
INI
ctl() { "$KZ" ctl --config "$tmp/pl/player.ini" "$@"; }
trims() { ctl status | tee "$tmp/status" | sed -n 's/^heap .*; \([0-9]*\) trims (longest \([0-9.]*\) ms)$/\1/p'; }

# 20 s before midnight at 10x: midnight comes 2 s after the start
"$KZ" run --config "$tmp/pl/player.ini" --clock 2025-02-03T23:59:40+09:00 --speed 10 \
    2>"$tmp/log" &
pid=$!
i=0; while ! ctl status >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
n=$(trims); cat "$tmp/status"
grep -Eq '^heap [0-9.]+ MiB in use, [0-9.]+ MiB free in arenas, [0-9.]+ MiB mapped; ' "$tmp/status"
now=$(awk '$1 == "now" { print $2 }' "$tmp/status")
case "$now" in
2025-02-03T*) [ "$n" = 0 ] || { echo "trimmed before midnight ($now): $n"; exit 1; } ;;
*) echo "the player started too late to see the day before ($now): not judged"; exit 0 ;;
esac
i=0; while [ "$(trims)" = 0 ] && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
n=$(trims); now=$(awk '$1 == "now" { print $2 }' "$tmp/status")
echo "after midnight ($now): $n trims"
case "$now" in 2025-02-04T*) ;; *) echo "midnight not reached: $now"; exit 1 ;; esac
[ "$n" = 1 ] || { cat "$tmp/status"; echo "expected one trim after midnight, got $n"; exit 1; }
kill -TERM $pid; wait $pid; pid=
echo "ok"
