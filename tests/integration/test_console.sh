#!/bin/sh
# kizuna console over real HTTP (curl, loopback, a port the system picks): it refuses to listen
# beyond loopback without a password; with one, a wrong password is refused and logins are rate
# limited; a state-changing request without the CSRF token is refused; a write the player's
# check refuses leaves the file byte for byte as it was; a good write keeps the comments; one
# undo brings the previous bytes back; an upload from someone not logged in is not stored.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/logs" "$tmp/content"
kz_player_ini "$tmp" 640x360 "logs = $tmp/logs"
sed -i 's/^content = .*/content = content/' "$tmp/player.ini"
cat >"$tmp/a.ini" <<'X'
; the barrier-free month (written by hand)
[playlist]
campaign = barrier-free
dates = 2025-02-01..2025-02-28 ; all of February

[notice1]
plugin = notice
duration = 10s
title.ja = バリアフリー月間
X
cp "$tmp/a.ini" "$tmp/a.orig"

# beyond loopback without a password: it does not start
if "$KZ" console --config "$tmp/player.ini" --listen 0.0.0.0:0 >"$tmp/o" 2>"$tmp/e"; then
    echo "listened on 0.0.0.0 without a password"; exit 1
fi
grep -q "needs a password" "$tmp/e"

echo 'correct horse battery' | "$KZ" console --set-password >>"$tmp/player.ini"
grep -q '^password_hash = \$argon2id\$' "$tmp/player.ini"
grep -q 'correct horse' "$tmp/player.ini" && { echo "the password itself was stored"; exit 1; }
"$KZ" check --config "$tmp/player.ini" >/dev/null 2>&1 || { echo "check refuses [console]"; exit 1; }

"$KZ" console --config "$tmp/player.ini" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'http://' "$tmp/out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/err"; exit 1; }; sleep 0.1
done
url=$(sed -n 's|^kizuna console: \(http://127.0.0.1:[0-9]*/\)$|\1|p' "$tmp/out")
echo "console at $url"
J="$tmp/jar"
# code METHOD PATH [curl args...]: prints the HTTP status, the body goes to $tmp/body
code() {
    _m=$1 _p=$2; shift 2
    curl -s -o "$tmp/body" -w '%{http_code}' -b "$J" -c "$J" -X "$_m" "$@" "${url%/}$_p"
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get(sys.argv[2]) or "")' "$tmp/body" "$1"; }

[ "$(code GET /api/campaigns)" = 401 ]
[ "$(code POST /api/login -d '{"password":"wrong"}')" = 403 ]
[ "$(code POST /api/login -d '{"password":"correct horse battery"}')" = 200 ]
grep -q 'kz_session' "$J"
csrf=$(field csrf)
[ ${#csrf} = 64 ]
[ "$(code GET /api/campaigns/a.ini)" = 200 ]
ver=$(field version)

# no CSRF token: refused, nothing changed
[ "$(code POST /api/bulk -d '{"files":["a.ini"],"action":"off"}')" = 403 ]
[ "$(field code)" = csrf ]
cmp "$tmp/a.ini" "$tmp/a.orig"

# hours 25:00: the player's check refuses it, nothing written
bad='{"version":"'$ver'","playlist":{"campaign":"barrier-free","dates":"2025-02-01..2025-02-28","times":"25:00-26:00"},"items":[{"section":"notice1","keys":{"plugin":"notice","duration":"10s","title.ja":"バリアフリー月間"}}]}'
[ "$(code PUT /api/campaigns/a.ini -H "X-CSRF-Token: $csrf" -d "$bad")" = 422 ]
grep -q '"key":"times"' "$tmp/body"
grep -q 'a.ini:5:' "$tmp/body"
cmp "$tmp/a.ini" "$tmp/a.orig"

# a good write: the comments stay, the new key is there
good='{"version":"'$ver'","playlist":{"campaign":"barrier-free","dates":"2025-02-01..2025-02-28","times":"09:00-17:00"},"items":[{"section":"notice1","keys":{"plugin":"notice","duration":"10s","title.ja":"バリアフリー月間"}}]}'
[ "$(code PUT /api/campaigns/a.ini -H "X-CSRF-Token: $csrf" -d "$good")" = 200 ]
grep -q '^; the barrier-free month (written by hand)$' "$tmp/a.ini"
grep -q '^dates = 2025-02-01..2025-02-28 ; all of February$' "$tmp/a.ini"
grep -q '^times = 09:00-17:00$' "$tmp/a.ini"
"$KZ" check --config "$tmp/player.ini" >/dev/null 2>&1
# the same save again: the file changed since that version, refused
[ "$(code PUT /api/campaigns/a.ini -H "X-CSRF-Token: $csrf" -d "$good")" = 409 ]

# one undo: the bytes as they were
[ "$(code POST /api/undo -H "X-CSRF-Token: $csrf")" = 200 ]
cmp "$tmp/a.ini" "$tmp/a.orig"
[ "$(code POST /api/undo -H "X-CSRF-Token: $csrf")" = 409 ]

# uploads: not logged in -> 401 and nothing stored; not media -> 422 and nothing stored
printf 'not a video' >"$tmp/fake.mp4"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$tmp/fake.mp4" "${url}api/media/x.mp4")" = 401 ]
[ "$(code PUT /api/media/x.mp4 -H "X-CSRF-Token: $csrf" --data-binary @"$tmp/fake.mp4")" = 422 ]
[ "$(field code)" = not_media ]
[ -z "$(ls -A "$tmp/content")" ] || { ls -la "$tmp/content"; exit 1; }

# logins are rate limited per address
for n in 1 2 3 4 5; do code POST /api/login -d '{"password":"guess"}' >/dev/null; done
[ "$(code POST /api/login -d '{"password":"correct horse battery"}')" = 429 ]

grep -q 'action=edit file=a.ini' "$tmp/logs/console-audit.log"
grep -q 'action=undo file=a.ini' "$tmp/logs/console-audit.log"
grep -q 'action=login-failed' "$tmp/logs/console-audit.log"

# SIGTERM: it stops cleanly (under ASan: without a leak or an error report)
kill -TERM "$pid"
st=0; wait "$pid" || st=$?
pid=
[ "$st" = 0 ] || { echo "the console ended with $st"; cat "$tmp/err"; exit 1; }
if grep -q 'Sanitizer' "$tmp/err"; then cat "$tmp/err"; exit 1; fi
grep -q 'action=stop' "$tmp/logs/console-audit.log"
echo ok
