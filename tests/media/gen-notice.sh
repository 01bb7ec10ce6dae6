#!/bin/sh
# Media for the notice golden frames: a small stand-in mark (red card, white cross) and a UTF-8
# text file (title line, then the body) for text_file.
set -eu
out=$1; mkdir -p "$out"
f="$out/notice-mark.png"
[ -s "$f" ] || ffmpeg -v error -y -f lavfi -i "color=c=0xE60012:s=120x168" -frames:v 1 -vf \
    "drawbox=x=48:y=18:w=24:h=60:color=white:t=fill,drawbox=x=30:y=36:w=60:h=24:color=white:t=fill" \
    -update 1 "$f"
f="$out/notice-vi.txt"
[ -s "$f" ] || printf '%s\n' \
    'Bạn có biết Help Mark không?' \
    '' \
    'Nếu thấy người đeo Help Mark gặp khó khăn, xin hãy giúp đỡ.' >"$f"
