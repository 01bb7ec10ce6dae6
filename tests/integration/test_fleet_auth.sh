#!/bin/sh
# A broker that requires credentials and an ACL (the docs/fleet.md example): a screen with its
# password connects and follows a group interrupt from the operator; a screen with a wrong
# password is refused (and says so in its log); a client without credentials cannot send
# commands; a screen's own credentials cannot command other screens (ACL).
set -eu
tmp=$(mktemp -d)
. "$(dirname "$0")/fleet_lib.sh"
trap fleet_cleanup EXIT
PASSWD=$(command -v mosquitto_passwd 2>/dev/null || echo /usr/bin/mosquitto_passwd)
port=$(free_port)
touch "$tmp/passwd"; chmod 600 "$tmp/passwd"
"$PASSWD" -b "$tmp/passwd" operator op-secret
"$PASSWD" -b "$tmp/passwd" auth-ok ok-secret
"$PASSWD" -b "$tmp/passwd" auth-bad bad-secret
cat >"$tmp/acl" <<ACL
# the operator may do everything under kizuna/
user operator
topic readwrite kizuna/#
# every screen: its own topics, and the group commands (read only)
pattern readwrite kizuna/%u/#
pattern read kizuna/group/+/cmd
ACL
broker_start "allow_anonymous false
password_file $tmp/passwd
acl_file $tmp/acl"
url="mqtt://127.0.0.1:$port"
printf 'ok-secret\n' >"$tmp/ok.pw"; chmod 600 "$tmp/ok.pw"
player_ini auth-ok "broker = $url
groups = lobby
username = auth-ok
password_file = $tmp/ok.pw
reconnect_max = 1s"
player_ini auth-bad "broker = $url
groups = lobby
username = auth-bad
password = not-the-password
reconnect_max = 1s"
player_start auth-ok
player_start auth-bad
op() { mosquitto_pub -h 127.0.0.1 -p "$port" -u operator -P op-secret "$@"; }
i=0; until ctl auth-ok status | grep -q '^fleet .*: connected'; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/auth-ok.log"; exit 1; }; sleep 0.1; done
sleep 0.5
ctl auth-bad status | grep '^fleet' | tee "$tmp/bad-status"
grep -q 'not authorised' "$tmp/bad-status"
grep -q 'refused the connection: Connection Refused: not authorised' "$tmp/auth-bad.log"

echo "--- the operator's group interrupt"
signed kizuna/group/lobby/cmd "interrupt
text=避難してください" | op -q 1 -t kizuna/group/lobby/cmd -s
i=0; until ctl auth-ok status | grep -q '^interrupt since'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "auth-ok did not follow"; exit 1; }; sleep 0.02; done
sleep 0.5
ctl auth-bad status | grep -q '^interrupt none$'

echo "--- no credentials: refused by the broker"
if mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t kizuna/auth-ok/cmd -m clear 2>"$tmp/anon"; then
    echo "anonymous publish accepted"; exit 1; fi
cat "$tmp/anon"
grep -qi 'not authori' "$tmp/anon"
echo "--- wrong password: refused by the broker"
if mosquitto_pub -h 127.0.0.1 -p "$port" -u operator -P guess -q 1 -t kizuna/auth-ok/cmd \
    -m clear 2>"$tmp/guess"; then echo "wrong password accepted"; exit 1; fi
echo "--- a screen's credentials cannot command the group (ACL)"
signed kizuna/group/lobby/cmd clear | mosquitto_pub -h 127.0.0.1 -p "$port" -u auth-bad \
    -P bad-secret -q 1 -t kizuna/group/lobby/cmd -s
sleep 0.5
ctl auth-ok status | grep -q '^interrupt since'
echo "--- the operator clears"
signed kizuna/auth-ok/cmd clear | op -q 1 -t kizuna/auth-ok/cmd -s
i=0; until ctl auth-ok status | grep -q '^interrupt none'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "auth-ok did not clear"; exit 1; }; sleep 0.02; done
player_stop auth-ok
player_stop auth-bad
echo ok
