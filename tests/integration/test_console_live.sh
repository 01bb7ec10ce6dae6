#!/bin/sh
# The console and a running headless player: status, the emergency interrupt (refused without
# confirmation, then on air as the player's status and screenshot show), clear, and a campaign
# saved through the console that the player's hot reload puts on air.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d)
cpid= ppid_=
cleanup() {
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null
    [ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null
    wait 2>/dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/logs"
kz_player_ini "$tmp" 640x360 "logs = $tmp/logs"
cat >"$tmp/a.ini" <<'X'
[notice1]
plugin = notice
duration = 10s
title.ja = バリアフリー月間
X
"$KZ" run --config "$tmp/player.ini" --clock 2025-02-03T12:00:00+09:00 --exit-after 60 \
    >"$tmp/run.log" 2>&1 &
ppid_=$!
"$KZ" console --config "$tmp/player.ini" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
cpid=$!
i=0
while ! grep -q 'http://' "$tmp/out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/err"; exit 1; }; sleep 0.1
done
url=$(sed -n 's|^kizuna console: \(http://127.0.0.1:[0-9]*\)/$|\1|p' "$tmp/out")
J="$tmp/jar"
code() {
    _m=$1 _p=$2; shift 2
    curl -s -o "$tmp/body" -w '%{http_code}' -b "$J" -c "$J" -X "$_m" "$@" "$url$_p"
}
[ "$(code POST /api/login -d '{}')" = 200 ]
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$tmp/body")
# the player's control socket comes up once it runs
i=0
until [ "$(code GET /api/screen/status)" = 200 ]; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/body"; tail "$tmp/run.log"; exit 1; }; sleep 0.2
done
grep -q 'interrupt none' "$tmp/body"

[ "$(code POST /api/screen/interrupt -H "X-CSRF-Token: $csrf" -d '{"text":"避難訓練中です","until":"+5m"}')" = 428 ]
[ "$(code POST /api/screen/interrupt -H "X-CSRF-Token: $csrf" -d '{"text":"避難訓練中です","until":"+5m","confirm":true}')" = 200 ]
[ "$(code GET /api/screen/status)" = 200 ]
grep -q 'interrupt since' "$tmp/body"
sleep 0.5
[ "$(code GET /api/screen/screenshot)" = 200 ]
cp "$tmp/body" "${KZ_BUILD:-build}/console-live-interrupt.png"
# the interrupt is white on red: the picture is mostly red
python3 - "$tmp/body" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w, h, ct = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, _, ct = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ct]
raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
red = sum(1 for r in rows for x in range(0, stride, bpp) if r[x] > 120 and r[x + 1] < 60 and r[x + 2] < 60)
print(f"screenshot {w}x{h}: {100 * red // (w * h)}% red")
assert red > w * h // 2, "the interrupt is not on the screen"
PY
[ "$(code POST /api/screen/clear -H "X-CSRF-Token: $csrf")" = 200 ]
[ "$(code GET /api/screen/status)" = 200 ]
grep -q 'interrupt none' "$tmp/body"

# a new campaign saved through the console: the player reloads it and it goes on air
body='{"version":"none","playlist":{"campaign":"drill"},"items":[{"section":"drill","keys":{"plugin":"notice","duration":"30s","title.ja":"訓練のお知らせ"}}]}'
[ "$(code PUT /api/campaigns/b.ini -H "X-CSRF-Token: $csrf" -d "$body")" = 200 ]
[ "$(code POST /api/bulk -H "X-CSRF-Token: $csrf" -d '{"files":["a.ini"],"action":"off"}')" = 200 ]
i=0
until [ "$(code GET /api/screen/status)" = 200 ] && grep -q 'zone main: b/drill' "$tmp/body"; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/body"; tail "$tmp/run.log"; exit 1; }; sleep 0.2
done
echo "the player airs b/drill after the console saved it"
grep -q 'action=interrupt' "$tmp/logs/console-audit.log"
echo ok
