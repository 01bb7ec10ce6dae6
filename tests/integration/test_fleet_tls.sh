#!/bin/sh
# mqtts:// end to end: a throw-away certificate authority signs the broker's certificate
# (for 127.0.0.1) and a screen's client certificate; the broker requires both. A screen with
# ca, cert and key connects and follows a command; one without a client certificate, and one
# that trusts another authority, do not connect.
set -eu
tmp=$(mktemp -d)
. "$(dirname "$0")/fleet_lib.sh"
trap fleet_cleanup EXIT
command -v openssl >/dev/null 2>&1 || { echo "SKIP: openssl is not installed (make deps)"; exit 0; }
port=$(free_port)
cd "$tmp"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj /CN=kizuna-test-ca 2>/dev/null
key other.key
openssl req -x509 -new -key other.key -out other.pem -days 2 -subj /CN=someone-else 2>/dev/null
for who in broker screen; do
    key $who.key
    openssl req -new -key $who.key -out $who.csr -subj "/CN=$who" 2>/dev/null
    printf 'subjectAltName = IP:127.0.0.1\n' >$who.ext
    openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem \
        -days 2 -extfile $who.ext 2>/dev/null
done
chmod 644 ./*.key
cd - >/dev/null
broker_start "allow_anonymous true
cafile $tmp/ca.pem
certfile $tmp/broker.pem
keyfile $tmp/broker.key
require_certificate true"
url="mqtts://127.0.0.1:$port"
player_ini tls-ok "broker = $url
ca = $tmp/ca.pem
cert = $tmp/screen.pem
key = $tmp/screen.key
reconnect_max = 1s"
player_ini tls-nocert "broker = $url
ca = $tmp/ca.pem
reconnect_max = 1s"
player_ini tls-wrongca "broker = $url
ca = $tmp/other.pem
cert = $tmp/screen.pem
key = $tmp/screen.key
reconnect_max = 1s"
player_start tls-ok
player_start tls-nocert
player_start tls-wrongca
i=0; until ctl tls-ok status | grep -q '^fleet .*: connected'; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/tls-ok.log"; exit 1; }; sleep 0.1; done
signed kizuna/tls-ok/cmd "interrupt
text=TLS" | mosquitto_pub -h 127.0.0.1 -p "$port" --cafile "$tmp/ca.pem" \
    --cert "$tmp/screen.pem" --key "$tmp/screen.key" -q 1 -t kizuna/tls-ok/cmd -s
i=0; until ctl tls-ok status | grep -q '^interrupt since'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "tls-ok did not follow"; exit 1; }; sleep 0.02; done
sleep 1
for s in tls-nocert tls-wrongca; do
    ctl $s status | grep '^fleet' | tee "$tmp/$s.st"
    if grep -q ': connected' "$tmp/$s.st"; then echo "$s connected"; exit 1; fi
    grep "fleet.*mqtts" "$tmp/$s.log" | tail -n 2
done
# the reason reaches the log (the next attempt at the latest)
i=0; until grep -Eq 'certificate required|Protocol error|connection failed' "$tmp/tls-nocert.log"; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/tls-nocert.log"; exit 1; }; sleep 0.1; done
i=0; until grep -q 'certificate verify failed' "$tmp/tls-wrongca.log"; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/tls-wrongca.log"; exit 1; }; sleep 0.1; done
player_stop tls-ok
player_stop tls-nocert
player_stop tls-wrongca
echo ok
