#!/bin/sh
# kizuna console over HTTPS ([console] tls_cert, tls_key) with a self-signed certificate made
# here, on a loopback port the system picks: curl trusting that certificate gets the login page
# and the API's answers; plain http to that port and curl without the CA get nothing; a
# missing or unreadable file, or only one of the two keys, stops the start with player.ini:line;
# a password is still needed beyond loopback, and with one set the API still wants a login.
set -eu
. tests/integration/lib.sh
command -v openssl >/dev/null || { echo "SKIP: test_console_tls needs openssl"; exit 0; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/logs" "$tmp/content"
kz_player_ini "$tmp" 640x360 "logs = $tmp/logs"
sed -i 's/^content = .*/content = content/' "$tmp/player.ini"
printf '[playlist]\ncampaign = tls\n\n[n]\nplugin = notice\nduration = 10s\ntitle.ja = TLS\n' >"$tmp/a.ini"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log" || { cat "$tmp/openssl.log"; exit 1; }
printf '\n[console]\ntls_cert = cert.pem\ntls_key = key.pem\n' >>"$tmp/player.ini"
cert_line=$(grep -n '^tls_cert' "$tmp/player.ini" | cut -d: -f1)
key_line=$(grep -n '^tls_key' "$tmp/player.ini" | cut -d: -f1)
"$KZ" check --config "$tmp/player.ini" >"$tmp/check" 2>&1 || { cat "$tmp/check"; echo "check refuses tls_cert/tls_key"; exit 1; }

# start CONFIG: the console in the background; url= its address (https://...)
start() {
    "$KZ" console --config "$1" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    i=0
    while ! grep -q '://' "$tmp/out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 150 ] || { cat "$tmp/err"; exit 1; }; sleep 0.1
    done
    url=$(sed -n 's|^kizuna console: \(https://127.0.0.1:[0-9]*/\)$|\1|p' "$tmp/out")
    [ -n "$url" ] || { cat "$tmp/out"; echo "no https:// address"; exit 1; }
}
stop() {
    kill -TERM "$pid"; st=0; wait "$pid" || st=$?; pid=
    [ "$st" = 0 ] || { echo "the console ended with $st"; cat "$tmp/err"; exit 1; }
    if grep -qE 'Sanitizer|runtime error' "$tmp/err"; then cat "$tmp/err"; exit 1; fi
}
start "$tmp/player.ini"
echo "console at $url"
C="$tmp/cert.pem" J="$tmp/jar"
[ "$(curl -s --cacert "$C" -o "$tmp/page" -w '%{http_code}' "$url")" = 200 ]
grep -qi '<html' "$tmp/page"
# loopback without a password: a login without one gives a session, and a Secure cookie
[ "$(curl -s --cacert "$C" -c "$J" -b "$J" -o "$tmp/body" -w '%{http_code}' -X POST -d '{}' "${url}api/login")" = 200 ]
grep -q 'kz_session' "$J"
grep -q '^#HttpOnly_127.0.0.1	FALSE	/	TRUE' "$J" || { cat "$J"; echo "the session cookie is not Secure over HTTPS"; exit 1; }
[ "$(curl -s --cacert "$C" -b "$J" -o "$tmp/body" -w '%{http_code}' "${url}api/campaigns")" = 200 ]
grep -q 'a.ini' "$tmp/body"
# plain http to the TLS port: no HTTP answer
plain=$(echo "$url" | sed 's|^https:|http:|')
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$plain" 2>/dev/null || true)
[ "$code" = 000 ] || { echo "plain http to the TLS port answered $code"; exit 1; }
# without the CA: curl refuses the self-signed certificate (exit 60: peer certificate)
st=0; curl -s -m 5 -o /dev/null "$url" || st=$?
[ "$st" = 60 ] || { echo "curl without the CA: exit $st, expected 60"; exit 1; }
stop

mkdir -p "$tmp/v"
# a missing file, an unreadable one, a key without a certificate: a clear error with file:line
expect_refused() { # CONFIG PATTERN
    if "$KZ" console --config "$1" --listen 127.0.0.1:0 >"$tmp/o" 2>"$tmp/e"; then
        echo "started with $2 expected"; exit 1
    fi
    grep -q "$2" "$tmp/e" || { cat "$tmp/e"; echo "expected: $2"; exit 1; }
    if grep -qE 'Sanitizer|runtime error' "$tmp/e"; then cat "$tmp/e"; exit 1; fi
    ! grep -q '://' "$tmp/o" || { echo "it printed an address"; exit 1; }
}
sed -e "s|^tls_key = key.pem|tls_key = $tmp/nokey.pem|" -e "s|^tls_cert = cert.pem|tls_cert = $tmp/cert.pem|" -e "s|^playlists = .|playlists = $tmp|" -e "s|^content = content|content = $tmp/content|" "$tmp/player.ini" >"$tmp/v/missing.ini"
expect_refused "$tmp/v/missing.ini" "missing.ini:$key_line: \[console\] tls_key = $tmp/nokey.pem: cannot read: No such file"
if [ "$(id -u)" != 0 ]; then # root reads a mode 000 file anyway
    cp "$tmp/cert.pem" "$tmp/locked.pem"; chmod 000 "$tmp/locked.pem"
    sed -e "s|^tls_cert = cert.pem|tls_cert = $tmp/locked.pem|" -e "s|^tls_key = key.pem|tls_key = $tmp/key.pem|" -e "s|^playlists = .|playlists = $tmp|" -e "s|^content = content|content = $tmp/content|" "$tmp/player.ini" >"$tmp/v/locked.ini"
    expect_refused "$tmp/v/locked.ini" "locked.ini:$cert_line: \[console\] tls_cert = .*: cannot read: Permission denied"
fi
grep -v '^tls_cert' "$tmp/player.ini" | sed -e "s|^tls_key = key.pem|tls_key = $tmp/key.pem|" -e "s|^playlists = .|playlists = $tmp|" -e "s|^content = content|content = $tmp/content|" >"$tmp/v/half.ini"
expect_refused "$tmp/v/half.ini" "half.ini:$((key_line - 1)): \[console\] tls_key is given without tls_cert"
# the files swapped: readable, but not what MHD wants
sed -e "s|^tls_cert = cert.pem|tls_cert = $tmp/key.pem|" -e "s|^tls_key = key.pem|tls_key = $tmp/cert.pem|" -e "s|^playlists = .|playlists = $tmp|" -e "s|^content = content|content = $tmp/content|" "$tmp/player.ini" >"$tmp/v/swapped.ini"
expect_refused "$tmp/v/swapped.ini" "swapped.ini:$cert_line: \[console\] cannot start HTTPS"

# beyond loopback TLS is no substitute for a password: it does not start
if "$KZ" console --config "$tmp/player.ini" --listen 0.0.0.0:0 >"$tmp/o" 2>"$tmp/e"; then
    echo "listened on 0.0.0.0 without a password"; exit 1
fi
grep -q "needs a password" "$tmp/e"
# with a password: over HTTPS the API still wants the login
echo 'correct horse battery' | "$KZ" console --set-password | sed 1d >"$tmp/hash"
sed -i "/^\[console\]/r $tmp/hash" "$tmp/player.ini"
start "$tmp/player.ini"
rm -f "$J"
[ "$(curl -s --cacert "$C" -o /dev/null -w '%{http_code}' "${url}api/campaigns")" = 401 ]
[ "$(curl -s --cacert "$C" -c "$J" -b "$J" -o /dev/null -w '%{http_code}' -X POST -d '{"password":"wrong"}' "${url}api/login")" = 403 ]
[ "$(curl -s --cacert "$C" -c "$J" -b "$J" -o /dev/null -w '%{http_code}' -X POST -d '{"password":"correct horse battery"}' "${url}api/login")" = 200 ]
[ "$(curl -s --cacert "$C" -b "$J" -o /dev/null -w '%{http_code}' "${url}api/campaigns")" = 200 ]
stop
echo ok
