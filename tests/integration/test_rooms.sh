#!/bin/sh
# tools/check-rooms.py (run by make check) passes on the tree and fails, with file:line, on a
# copy into which a wrong-way include, a weak symbol and an included .c file were put.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 tools/check-rooms.py
cp -r player lib plugins "$tmp/"
printf '#include "ops/pop.h"\n' >>"$tmp/player/model/rules.h"
printf '__attribute__((weak)) int kz_nothing(void);\n' >>"$tmp/player/screen/watch.c"
printf '#include "../clock/clock.c"\n' >>"$tmp/plugins/countdown/phase.c"
if python3 tools/check-rooms.py --root "$tmp" >"$tmp/out"; then
    echo "FAIL: check-rooms accepted a broken tree"; cat "$tmp/out"; exit 1
fi
cat "$tmp/out"
grep -q '^player/model/rules.h:[0-9]*: "ops/pop.h": room model may not include room ops' "$tmp/out"
grep -q '^player/screen/watch.c:[0-9]*: weak symbol' "$tmp/out"
grep -q '^plugins/countdown/phase.c:[0-9]*: includes a source file' "$tmp/out"
grep -q '^check-rooms: 3 problem(s)' "$tmp/out"
echo "ok: check-rooms refuses each kind of problem"
