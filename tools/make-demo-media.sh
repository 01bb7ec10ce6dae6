#!/bin/sh
# Demo media, generated (never committed): sh tools/make-demo-media.sh OUTDIR
set -eu
out=$1; mkdir -p "$out"
[ -s "$out/testsrc.png" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=1" \
    -frames:v 1 -update 1 "$out/testsrc.png"
