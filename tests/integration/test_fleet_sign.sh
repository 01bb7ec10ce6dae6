#!/bin/sh
# Signed fleet commands (docs/fleet.md) on a broker that lets anonymous clients in, the
# mistake that made any publisher a screen's operator: an unsigned interrupt is refused,
# logged and answered, and nothing changes on screen; a signed one runs; the same signed
# message published again is refused as a replay; a message signed for another screen, one
# altered after signing, one signed by an unknown key and a stale one are refused; status
# and heartbeat keep flowing. Screenshots: `screenshot pop-YYYY-MM-DD.tsv` (network and
# control socket) leaves that day's proof of play intact; the player writes only into
# <logs>/screenshots/ under its own names.
set -eu
tmp=$(mktemp -d)
. "$(dirname "$0")/fleet_lib.sh"
trap fleet_cleanup EXIT
port=$(free_port)
broker_start "allow_anonymous true"
url="mqtt://127.0.0.1:$port"
player_ini sig-a "broker = $url
groups = lobby
heartbeat = 1s
reconnect_max = 1s"
player_start sig-a
sub() { mosquitto_sub -h 127.0.0.1 -p "$port" "$@"; }
anon() { mosquitto_pub -h 127.0.0.1 -p "$port" "$@"; }
i=0; until ctl sig-a status | grep -q '^fleet .*: connected'; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/sig-a.log"; exit 1; }; sleep 0.1; done
grep -q "fleet commands: 1 key from $tmp/fleet-keys, window 300 s" "$tmp/sig-a.log"
sleep 0.3
ctl sig-a screenshot "$tmp/before.png" >/dev/null
before=$(pixel "$tmp/before.png" 2 2); echo "before: corner $before"
[ "$before" = 00ff00 ] || [ "$before" = 0000ff ]

# expect_refused TOPIC WHY-REGEX: publish stdin anonymously on TOPIC and see it refused
# (answer and log line), with no interrupt on screen.
expect_refused() {
    sub -t kizuna/sig-a/reply -C 1 -W 5 >"$tmp/refusal" &
    sp=$!; sleep 0.3
    anon -q 1 -t "$1" -s
    wait $sp
    cat "$tmp/refusal"
    grep -Eq "^error: refused: $2" "$tmp/refusal"
    i=0; until grep -Eq "refused a command on $1.*$2" "$tmp/sig-a.log"; do
        i=$((i + 1)); [ $i -lt 50 ] || { tail "$tmp/sig-a.log"; echo "not logged"; exit 1; }
        sleep 0.05; done
    ctl sig-a status | grep -q '^interrupt none$'
    sleep 1.1 # refusals are told at most once a second
}

echo "--- an anonymous, unsigned interrupt: refused, logged, nothing changes on screen"
printf 'interrupt\ntext=偽の避難指示' | expect_refused kizuna/group/lobby/cmd 'not signed'
ctl sig-a screenshot "$tmp/unsigned.png" >/dev/null
p=$(pixel "$tmp/unsigned.png" 2 2); echo "after the unsigned interrupt: corner $p"
[ "$p" != 9a0000 ]
ctl sig-a status | grep -q '^interrupt none$'

echo "--- a signed interrupt runs"
signed kizuna/group/lobby/cmd "interrupt
id=s1
text=地震です 落ち着いて行動してください" >"$tmp/s1.msg"
sub -t kizuna/sig-a/reply -C 1 -W 5 >"$tmp/ok" &
sp=$!; sleep 0.3
anon -q 1 -t kizuna/group/lobby/cmd -f "$tmp/s1.msg"
wait $sp
cat "$tmp/ok"
grep -q '^ok' "$tmp/ok"
i=0; until ctl sig-a status | grep -q '^interrupt since'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "the signed interrupt did not run"; exit 1; }; sleep 0.02; done
ctl sig-a screenshot "$tmp/signed.png" >/dev/null
p=$(pixel "$tmp/signed.png" 2 2); echo "after the signed interrupt: corner $p"; [ "$p" = 9a0000 ]
grep -q 'command from the broker, signed by operator: interrupt' "$tmp/sig-a.log"
signed kizuna/sig-a/cmd clear | anon -q 1 -t kizuna/sig-a/cmd -s
i=0; until ctl sig-a status | grep -q '^interrupt none$'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "the signed clear did not run"; exit 1; }; sleep 0.02; done
sleep 1.1

echo "--- the same signed message again: a replay, refused"
expect_refused kizuna/group/lobby/cmd 'replayed' <"$tmp/s1.msg"

echo "--- signed for the group, published on the screen's own topic: refused"
expect_refused kizuna/sig-a/cmd 'bad signature' <"$tmp/s1.msg"

echo "--- altered after signing: refused"
signed kizuna/sig-a/cmd "interrupt
text=本物" | sed 's/本物/偽物/' | expect_refused kizuna/sig-a/cmd 'bad signature'

echo "--- an unknown key: refused"
"$KZ" fleet keygen intruder "$tmp/intruder.key" >/dev/null
"$KZ" fleet sign --key "$tmp/intruder.key" --screen sig-a "interrupt
text=x" | expect_refused kizuna/sig-a/cmd "key 'intruder' is not in this screen's key file"

echo "--- stale (signed 10 minutes ago, window 5 minutes): refused"
"$KZ" fleet sign --key "$tmp/op.key" --screen sig-a --time $(( $(now_ms) - 600000 )) \
    "interrupt
text=x" | expect_refused kizuna/sig-a/cmd 'stale'

echo "--- the secret key is refused when others may read it"
cp "$tmp/op.key" "$tmp/open.key"; chmod 644 "$tmp/open.key"
if "$KZ" fleet sign --key "$tmp/open.key" --screen sig-a clear 2>"$tmp/open.err"; then
    echo "a world-readable secret key was used"; exit 1; fi
grep -q 'others may read this secret key' "$tmp/open.err"

echo "--- status and heartbeat keep flowing; refusals are counted"
[ "$(sub -t kizuna/sig-a/status -C 1 -W 5)" = online ]
sub -t kizuna/sig-a/heartbeat -C 1 -W 5 | grep -q '"screen"'
ctl sig-a status | grep '^fleet' | tee "$tmp/fleet-status"
grep -q ' 6 refused,' "$tmp/fleet-status"

echo "--- screenshot pop-YYYY-MM-DD.tsv leaves proof of play intact"
i=0; day=
while [ -z "$day" ] && [ $i -lt 100 ]; do
    day=$(ls "$tmp/sig-a/logs" | grep -E '^pop-[0-9]{4}-[0-9]{2}-[0-9]{2}\.tsv$' | head -n 1) || :
    [ -n "$day" ] || sleep 0.1; i=$((i + 1))
done
[ -n "$day" ] || { ls -la "$tmp/sig-a/logs"; echo "no proof-of-play file"; exit 1; }
cp "$tmp/sig-a/logs/$day" "$tmp/pop.before"
sub -t kizuna/sig-a/reply -C 3 -W 5 >"$tmp/shots" &
sp=$!; sleep 0.3
for name in "$day" "../$day" "fleet-spool-sig-a.tsv"; do
    signed kizuna/sig-a/cmd "screenshot $name" | anon -q 1 -t kizuna/sig-a/cmd -s
done
wait $sp
cat "$tmp/shots"
[ "$(grep -c '^error: screenshot takes no file name' "$tmp/shots")" = 3 ]
# the control socket too: the request names no file, whatever ctl is given
printf 'screenshot %s\n' "$tmp/sig-a/logs/$day" |
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR); print(s.recv(4096).decode())' "$tmp/sig-a/logs/control.sock" |
    tee "$tmp/local"
grep -q '^error: screenshot takes no file name' "$tmp/local"
# the file only grew (the player keeps appending), its beginning is what it was, it is no PNG
size0=$(wc -c <"$tmp/pop.before")
cmp -n "$size0" "$tmp/pop.before" "$tmp/sig-a/logs/$day"
if head -c 8 "$tmp/sig-a/logs/$day" | grep -q PNG; then echo "proof of play became a PNG"; exit 1; fi
head -n 2 "$tmp/sig-a/logs/$day"
# ctl screenshot F copies the player's own file to F, as the user who ran ctl
ctl sig-a screenshot "$tmp/copy.png" | tee "$tmp/copy.out"
grep -q "^$tmp/copy.png (320x180)" "$tmp/copy.out"
ls "$tmp/sig-a/logs/screenshots" | tee "$tmp/shots.ls"
if grep -Ev '^screenshot-[0-9]{8}-[0-9]{6}\.[0-9]{3}(-[0-9]+)?\.png$' "$tmp/shots.ls"; then
    echo "a file the player did not name"; exit 1; fi
cmp "$tmp/copy.png" "$tmp/sig-a/logs/screenshots/$(tail -n 1 "$tmp/shots.ls")"

player_stop sig-a
echo ok
