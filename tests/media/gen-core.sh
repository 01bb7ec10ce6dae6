#!/bin/sh
# Media for the core golden frames: a wide 4:1 picture with known geometry.
set -eu
out=$1; mkdir -p "$out"
f="$out/core-wide.png"
[ -s "$f" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=400x100:rate=1:duration=1" \
    -frames:v 1 -update 1 "$f"
f="$out/core-corrupt.png"
[ -s "$f" ] || head -c 3000 /dev/urandom | { printf '\211PNG\r\n\032\n'; cat; } >"$f"
