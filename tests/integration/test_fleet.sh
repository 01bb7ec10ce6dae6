#!/bin/sh
# The fleet over MQTT, end to end: a private broker on a free loopback port, two headless
# players in group "lobby". Retained "online" status and a heartbeat; a group interrupt
# published with mosquitto_pub is on both screens within one second (status and screenshot),
# both answer on their reply topic; a screen command reaches one screen only; a repeated
# request id runs once; clear; new content is picked up and a group reload answers; a player
# stopped cleanly says "offline", one killed says it through its Last Will.
set -eu
tmp=$(mktemp -d)
. "$(dirname "$0")/fleet_lib.sh"
trap fleet_cleanup EXIT
port=$(free_port)
broker_start
url="mqtt://127.0.0.1:$port"
for s in tile-a tile-b; do
    player_ini $s "broker = $url
groups = lobby, kumamoto-city
heartbeat = 1s
reconnect_max = 1s"
done
# a screen name that is no topic level is refused with file:line
player_ini bad "broker = $url
screen = a/b
colour = red"
if "$KZ" check --config "$tmp/bad/player.ini" >"$tmp/bad.out" 2>&1; then exit 1; fi
grep -q 'player.ini:14: \[fleet\] screen = a/b' "$tmp/bad.out"
grep -q 'player.ini:15: \[fleet\] colour = red: unknown key' "$tmp/bad.out"

player_start tile-a
player_start tile-b
sub() { mosquitto_sub -h 127.0.0.1 -p "$port" "$@"; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$port" "$@"; }

echo "--- retained status, heartbeat"
[ "$(sub -t kizuna/tile-a/status -C 1 -W 5)" = online ]
[ "$(sub -t kizuna/tile-b/status -C 1 -W 5)" = online ]
sub -t kizuna/tile-a/heartbeat -C 1 -W 5 | tee "$tmp/hb"; echo
python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
assert h["screen"] == "tile-a" and h["interrupt"] is None, h
assert h["zones"][0]["zone"] == "main" and h["zones"][0]["item"].startswith("loop/"), h
' "$tmp/hb"
sleep 0.3

echo "--- group interrupt"
sub -t 'kizuna/+/reply' -C 2 -W 5 -v >"$tmp/replies" &
subpid=$!
sleep 0.3
t0=$(now_ms)
spub kizuna/group/lobby/cmd "interrupt
id=e1
text=地震です 落ち着いて行動してください"
seen_a=; seen_b=
while :; do
    t=$(( $(now_ms) - t0 ))
    [ -z "$seen_a" ] && ctl tile-a status | grep -q '^interrupt since' && seen_a=$t
    [ -z "$seen_b" ] && ctl tile-b status | grep -q '^interrupt since' && seen_b=$t
    [ -n "$seen_a" ] && [ -n "$seen_b" ] && break
    [ $t -lt 3000 ] || break
    sleep 0.02
done
echo "tile-a shows it after ${seen_a:-never} ms, tile-b after ${seen_b:-never} ms (upper bounds: publish + polling)"
[ -n "$seen_a" ] && [ -n "$seen_b" ] && [ "$seen_a" -le 1000 ] && [ "$seen_b" -le 1000 ]
for s in tile-a tile-b; do
    ctl $s screenshot "$tmp/$s.png" >/dev/null
    p=$(pixel "$tmp/$s.png" 2 2); echo "$s corner $p"; [ "$p" = 9a0000 ]
done
wait $subpid
cat "$tmp/replies"
grep -q '^kizuna/tile-a/reply id=e1' "$tmp/replies"
grep -q '^kizuna/tile-b/reply id=e1' "$tmp/replies"
[ "$(grep -c '^ok$' "$tmp/replies")" = 2 ]

echo "--- one screen"
spub kizuna/tile-b/cmd clear
i=0; while ctl tile-b status | grep -q '^interrupt since'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "tile-b kept the interrupt"; exit 1; }; sleep 0.02; done
ctl tile-a status | grep -q '^interrupt since'
ctl tile-a status | grep -q "^fleet $url as tile-a: connected"
echo "--- a request id seen before is answered, not run again (QoS 1 may deliver twice)"
sub -t kizuna/tile-a/reply -C 1 -W 5 >"$tmp/again" &
subpid=$!; sleep 0.3
spub kizuna/tile-a/cmd "clear
id=e1"
wait $subpid
cat "$tmp/again"
grep -q 'already done' "$tmp/again"
ctl tile-a status | grep -q '^interrupt since'
echo "--- screenshot over the network: into <logs>/screenshots/ under the player's own name"
sub -t kizuna/tile-a/reply -C 2 -W 5 >"$tmp/shots" &
subpid=$!; sleep 0.3
spub kizuna/tile-a/cmd screenshot
spub kizuna/tile-a/cmd "screenshot $tmp/elsewhere.png"
wait $subpid
cat "$tmp/shots"
grep -Eq "^$tmp/tile-a/logs/screenshots/screenshot-[0-9]{8}-[0-9]{6}\.[0-9]{3}\.png \(320x180\)" \
    "$tmp/shots"
grep -q "^error: screenshot takes no file name" "$tmp/shots"
[ ! -e "$tmp/elsewhere.png" ]
net=$(grep -o "^$tmp/tile-a/logs/screenshots/[^ ]*" "$tmp/shots")
p=$(pixel "$net" 2 2); echo "network screenshot corner $p"; [ "$p" = 9a0000 ]
echo "--- a bad command is answered, not run"
sub -t kizuna/tile-a/reply -C 1 -W 5 >"$tmp/bad-reply" &
subpid=$!; sleep 0.3
spub kizuna/tile-a/cmd frobnicate
wait $subpid
grep -q "^error: unknown command 'frobnicate'" "$tmp/bad-reply"

echo "--- content: a playlist moved into place is picked up (hot reload); a group reload answers"
mkdir -p "$tmp/server"
printf '[red]\nplugin = color\ncolor = #ff0000\nduration = 4s\n' >"$tmp/server/loop.ini"
for s in tile-a tile-b; do   # what rsync --delay-updates does: a dot file, renamed into place
    cp "$tmp/server/loop.ini" "$tmp/$s/.loop.ini.part" && mv "$tmp/$s/.loop.ini.part" "$tmp/$s/loop.ini"
done
i=0; until ctl tile-b status | grep -q '^zone main: loop/red'; do
    i=$((i + 1)); [ $i -lt 100 ] || { ctl tile-b status; echo "tile-b kept the old playlist"; exit 1; }; sleep 0.05; done
sub -t 'kizuna/+/reply' -C 2 -W 5 >"$tmp/reload" &
subpid=$!; sleep 0.3
spub kizuna/group/kumamoto-city/cmd "reload
id=content-1"
wait $subpid
cat "$tmp/reload"
[ "$(grep -c '^playlists reloaded' "$tmp/reload")" = 2 ]

echo "--- offline: clean stop, and the Last Will"
player_stop tile-a
[ "$(sub -t kizuna/tile-a/status -C 1 -W 5)" = offline ]
pb=$(player_pid tile-b)
sub -t kizuna/tile-b/status -C 2 -W 5 >"$tmp/will" &
subpid=$!; sleep 0.3
kill -KILL "$pb"; wait "$pb" 2>/dev/null || true
pids=
wait $subpid
cat "$tmp/will"
[ "$(tail -n 1 "$tmp/will")" = offline ]
echo ok
