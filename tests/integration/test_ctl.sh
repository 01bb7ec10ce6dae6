#!/bin/sh
# The control socket end to end, headless: a player in the background; kizuna ctl status,
# interrupt (the screenshot is the interrupt's red), clear, skip, reload, screenshot; the
# socket is owner-only; every proof-of-play line parses and the interrupt is in it.
set -eu
KZ=${KZ_BUILD:-build}/kizuna
export KIZUNA_PLUGINS=${KZ_BUILD:-build}/plugins SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=software
tmp=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/pl"
cat >"$tmp/pl/player.ini" <<INI
[display]
size = 320x180
fullscreen = no
[paths]
plugins = $PWD/$KIZUNA_PLUGINS
playlists = .
content = .
fonts = $PWD/fonts/fonts.ini
logs = $tmp/logs
[player]
name = ctl-test
INI
cat >"$tmp/pl/loop.ini" <<INI
[green]
plugin = color
color = #00ff00
duration = 60s
[blue]
plugin = color
color = #0000ff
duration = 60s
INI
ctl() { "$KZ" ctl --config "$tmp/pl/player.ini" "$@"; }
# pixel (x, y) of a PNG as rrggbb
pixel() { ffmpeg -v error -i "$1" -vf "crop=1:1:$2:$3" -f rawvideo -pix_fmt rgb24 - | od -An -tx1 | tr -d ' \n'; }

"$KZ" run --config "$tmp/pl/player.ini" --clock 2025-02-03T09:00:00+09:00 --speed 1 \
    2>"$tmp/log" &
pid=$!
i=0; while [ ! -S "$tmp/logs/control.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/logs/control.sock" ] || { cat "$tmp/log"; echo "no socket"; exit 1; }
mode=$(stat -c %a "$tmp/logs/control.sock")
echo "socket mode $mode"; [ "$mode" = 600 ]
sleep 0.5

echo "--- status"
ctl status | tee "$tmp/status"
grep -q '^screen ctl-test$' "$tmp/status"
grep -Eq '^zone main: loop/(green|blue) since 2025-02-03T09:0' "$tmp/status"
grep -Eq '^memory [0-9.]+ MiB$' "$tmp/status"
grep -q '^interrupt none$' "$tmp/status"

echo "--- interrupt"
ctl interrupt --text "地震が発生しました
落ち着いて行動してください" --until +1h | tee "$tmp/intr"
grep -q 'interrupt on air since' "$tmp/intr"
ctl screenshot "$tmp/shot.png"
p=$(pixel "$tmp/shot.png" 2 2); echo "corner $p"; [ "$p" = 9a0000 ]
p=$(pixel "$tmp/shot.png" 317 177); echo "corner $p"; [ "$p" = 9a0000 ]
ctl status | grep -q '^interrupt since .*地震が発生しました'
ctl status | grep -q '^zone main: (interrupt)'

echo "--- clear"
ctl clear | grep -q 'interrupt cleared'
ctl screenshot "$tmp/shot2.png"
p=$(pixel "$tmp/shot2.png" 2 2); echo "corner $p"; [ "$p" = 00ff00 ] || [ "$p" = 0000ff ]
ctl status | grep -q '^interrupt none$'

echo "--- skip, reload, errors"
ctl skip | tee "$tmp/skip"
grep -q 'the standby slide shows until' "$tmp/skip"
ctl screenshot "$tmp/shot3.png"
p=$(pixel "$tmp/shot3.png" 2 2); echo "corner $p"; [ "$p" = 1c2a3a ] # the standby slate
ctl reload | grep -q 'playlists reloaded'
if ctl interrupt --text x --until 2000-01-01T00:00:00Z 2>"$tmp/err"; then exit 1; fi
grep -q 'is not after the player' "$tmp/err"
if ctl frobnicate 2>/dev/null; then exit 1; fi
if "$KZ" ctl --socket "$tmp/nowhere.sock" status 2>"$tmp/err"; then exit 1; fi
grep -q 'is the player running' "$tmp/err"

echo "--- a second player on display 1 with the same configuration"
"$KZ" run --config "$tmp/pl/player.ini" --display 1 --clock 2025-02-03T09:00:00+09:00 \
    2>"$tmp/log1" &
pid1=$!
i=0; while [ ! -S "$tmp/logs/control-d1.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ctl --display 1 status | grep -q '^screen ctl-test-d1$'
ctl status | grep -q '^screen ctl-test$'
kill -TERM $pid1; wait $pid1
[ ! -e "$tmp/logs/control-d1.sock" ]
grep -q '^ctl-test-d1@' "$tmp"/logs/pop-*.tsv

echo "--- kill -9 leaves a stale socket; the next player replaces it"
kill -KILL $pid; wait $pid 2>/dev/null || true
[ -S "$tmp/logs/control.sock" ]
if ctl status 2>/dev/null; then echo "a dead player answered"; exit 1; fi
"$KZ" run --config "$tmp/pl/player.ini" --clock 2025-02-03T09:00:30+09:00 2>"$tmp/log2" &
pid=$!
i=0; while ! ctl status >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ctl status | grep -q '^zone main: loop/green'
[ "$(stat -c %a "$tmp/logs/control.sock")" = 600 ]

kill -TERM $pid; wait $pid; pid=
[ ! -e "$tmp/logs/control.sock" ]
echo "--- proof of play"
cat "$tmp"/logs/pop-*.tsv
"$KZ" report "$tmp/logs" --no-plan --format json >"$tmp/report.json"
grep -q '"skipped":0' "$tmp/report.json"
grep -q '"screens":2' "$tmp/report.json"
grep -q '"interrupts":1' "$tmp/report.json"
grep -q "$(printf '\t(interrupt)\t\tcompleted')" "$tmp"/logs/pop-*.tsv
grep -q "$(printf '\t(standby)\t')" "$tmp"/logs/pop-*.tsv
awk -F'\t' '!/^#/ && NF != 9 { print "bad line " NR; bad = 1 } END { exit bad }' "$tmp"/logs/pop-*.tsv
echo ok
