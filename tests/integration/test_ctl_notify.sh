#!/bin/sh
# The systemd notify protocol, without systemd: a datagram socket stands in for the service
# manager. The player says READY=1 once it has drawn a frame, and WATCHDOG=1 at least every
# WatchdogSec/2 while frames go on; STOPPING=1 on the way out.
set -eu
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 0; }
KZ=${KZ_BUILD:-build}/kizuna
export KIZUNA_PLUGINS=${KZ_BUILD:-build}/plugins SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=software
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pl"
cat >"$tmp/pl/player.ini" <<INI
[display]
size = 160x90
[paths]
plugins = $PWD/$KIZUNA_PLUGINS
playlists = .
fonts = $PWD/fonts/fonts.ini
logs = $tmp/logs
INI
printf '[a]\nplugin = color\ncolor = red\nduration = 5s\n' >"$tmp/pl/a.ini"
python3 - "$tmp/notify.sock" "$tmp/got" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(0.2)
out = open(sys.argv[2], "w"); t0 = time.monotonic()
while time.monotonic() - t0 < 6:
    try:
        m = s.recv(4096).decode()
    except socket.timeout:
        continue
    for line in m.split("\n"):
        out.write("%.2f %s\n" % (time.monotonic() - t0, line)); out.flush()
PY
lpid=$!
i=0; while [ ! -S "$tmp/notify.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# WatchdogSec=1: pings at least every 0.5 s
NOTIFY_SOCKET=$tmp/notify.sock WATCHDOG_USEC=1000000 "$KZ" run --config "$tmp/pl/player.ini" \
    --exit-after 3 2>"$tmp/log"
wait $lpid
cat "$tmp/got"
grep -q ' READY=1$' "$tmp/got"
grep -q ' STOPPING=1$' "$tmp/got"
n=$(grep -c ' WATCHDOG=1$' "$tmp/got")
echo "watchdog pings in 3 s: $n"
[ "$n" -ge 4 ] && [ "$n" -le 8 ]
# no gap between pings longer than half the watchdog time (plus scheduling slack)
awk '/WATCHDOG=1$/ { if (last != "" && $1 - last > 0.7) { print "gap " $1 - last; bad = 1 }
     last = $1 } END { exit bad }' "$tmp/got"
echo ok
