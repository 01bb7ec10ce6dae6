#!/bin/sh
# Proof of play across a broker restart: a player on an accelerated clock (20x, 1 s items:
# about 20 lines a second) sends its proof of play at QoS 1 to a private broker; the broker is
# stopped while lines accumulate in the spool, then started again. A reader with a persistent
# session receives every line of the player's proof-of-play files, by id: none missing, none
# unknown, first arrivals in the order they were written; the spool ends empty.
set -eu
tmp=$(mktemp -d)
. "$(dirname "$0")/fleet_lib.sh"
rpid=
trap '[ -n "$rpid" ] && kill $rpid 2>/dev/null; fleet_cleanup' EXIT
port=$(free_port)
broker_start
url="mqtt://127.0.0.1:$port"
player_ini spool-a "broker = $url
heartbeat = 0
reconnect_max = 1s" "[a]
plugin = color
color = #203040
duration = 1s
[b]
plugin = color
color = #405060
duration = 1s
[c]
plugin = color
color = #607080
duration = 1s"
# The reader: a persistent session (-c), so what arrives while it reconnects is kept for it.
reader() {
    mosquitto_sub -h 127.0.0.1 -p "$port" -c -i kz-test-reader -q 1 -t kizuna/spool-a/pop \
        >>"$tmp/got" 2>>"$tmp/reader.err" &
    rpid=$!
}
reader
sleep 0.5
player_start spool-a --clock 2025-02-03T10:00:00+09:00 --speed 20
sleep 2
echo "--- broker stopped"
broker_stop
sleep 2.5
ctl spool-a status | grep '^fleet' | tee "$tmp/st"
pending=$(sed -n 's/.*spool \([0-9]*\) pending.*/\1/p' "$tmp/st")
echo "pending while the broker is away: $pending"
[ "$pending" -ge 10 ]
echo "--- broker back"
broker_start
sleep 2.5
ctl spool-a status | grep '^fleet'
player_stop spool-a
sleep 1
kill $rpid 2>/dev/null; wait $rpid 2>/dev/null || true; rpid=
grep -hv '^#' "$tmp"/spool-a/logs/pop-*.tsv | cut -f1 >"$tmp/written"
cut -f1 "$tmp/got" >"$tmp/received"
# First arrival of each id, in arrival order.
awk '!seen[$0]++' "$tmp/received" >"$tmp/first"
w=$(wc -l <"$tmp/written"); r=$(wc -l <"$tmp/received"); u=$(wc -l <"$tmp/first")
echo "written $w, received $r messages, $u distinct ids, $((r - u)) duplicates (QoS 1 may repeat; ids make it harmless)"
[ "$w" -ge 60 ]
if ! cmp -s "$tmp/written" "$tmp/first"; then
    echo "missing or out of order:"; diff "$tmp/written" "$tmp/first" | head -20; exit 1
fi
# Every received line is exactly a line of the proof-of-play files.
sort -u "$tmp/got" >"$tmp/got.sorted"
grep -hv '^#' "$tmp"/spool-a/logs/pop-*.tsv | sort -u >"$tmp/pop.sorted"
cmp "$tmp/got.sorted" "$tmp/pop.sorted"
# kizuna report reads the collected lines and drops the repeats by id.
"$KZ" report "$tmp/got" --no-plan --format json >"$tmp/report.json"
grep -q "\"lines\":$u," "$tmp/report.json"
grep -q "\"duplicates\":$((r - u))," "$tmp/report.json"
# Nothing left in the spool.
if grep -qv '^#ack' "$tmp/spool-a/logs/fleet-spool-spool-a.tsv" 2>/dev/null; then
    echo "spool not empty:"; head "$tmp/spool-a/logs/fleet-spool-spool-a.tsv"; exit 1
fi
echo ok
