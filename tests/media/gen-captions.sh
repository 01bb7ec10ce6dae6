#!/bin/sh
# Test media for captions (tests/golden/captions, tests/integration): a calm 8 s clip and its
# caption files. Usage: gen-captions.sh OUTDIR. Idempotent: the clip is kept when it exists;
# the caption files are rewritten only when their text changed.
#
#   captions-clip.mp4        320x180, 10 fps, 8 s: testsrc2 (bright colours and white areas,
#                            so the box has to carry the contrast)
#   captions-clip.ja.srt     its automatic Japanese sidecar: a long line that must break with
#                            kinsoku (no line starts with 、 or 。), then a line with ruby
#   captions-extra.en.vtt    English WebVTT, named on an item with captions = (stacked case)
set -eu
out=${1:?usage: gen-captions.sh OUTDIR}
mkdir -p "$out"
if [ ! -s "$out/captions-clip.mp4" ]; then
    ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=s=320x180:r=10:d=8" -pix_fmt yuv420p \
        -c:v libx264 -threads 1 "$out/captions-clip.tmp.mp4"
    mv "$out/captions-clip.tmp.mp4" "$out/captions-clip.mp4"
fi
put() { # NAME: stdin to OUTDIR/NAME when different
    cat >"$out/$1.tmp"
    if cmp -s "$out/$1.tmp" "$out/$1"; then rm -f "$out/$1.tmp"; else mv "$out/$1.tmp" "$out/$1"; fi
}
{ printf '\357\273\277'; printf '%s\r\n' \
    '1' \
    '00:00:00,500 --> 00:00:04,000' \
    'ヘルプマークは、外見からは分からなくても{援助|えんじょ}を必要としている方々が、周囲の方に配慮を必要としていることを知らせるためのマークです。' \
    '' \
    '2' \
    '00:00:04,000 --> 00:00:07,500' \
    '{熊本県|くまもとけん}からのお知らせ' \
    '(2月は やさしいまちづくり月間)' \
    ''; } | put captions-clip.ja.srt
cat <<'VTT' | put captions-extra.en.vtt
WEBVTT

00:00.500 --> 00:04.000
The Help Mark tells people around that its wearer needs consideration, even when it cannot be seen.

00:04.000 --> 00:07.500 align:start
A notice from Kumamoto Prefecture
VTT
