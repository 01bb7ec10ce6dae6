#!/bin/sh
# Demo media, generated (never committed): sh tools/make-demo-media.sh OUTDIR
#
# Everything the demo playlists (playlists/*.ini) show besides text is drawn here with ffmpeg's
# lavfi sources, geq and drawtext, so the repository holds no binaries:
#   helpmark.png        a stand-in for the Help Mark: a red card with a white cross and heart.
#                       (The real mark is a design of the Tokyo Metropolitan Government; the
#                       demo does not reproduce the official artwork.)
#   parking.png         a blue sign: P and the wheelchair symbol, 障がい者等用駐車場
#   barrier-free-month.mp4  a 12 s clip announcing やさしいまちづくり月間 (2月1日～2月28日)
#   testsrc.png         a test picture
#   text/*.txt          notice texts kept in files (copied from playlists/text/)
# Idempotent: a file that exists is kept (delete it to make it again).
set -eu
out=${1:?usage: sh tools/make-demo-media.sh OUTDIR}
mkdir -p "$out/text"
here=$(cd "$(dirname "$0")/.." && pwd)
bold=/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Bold.ttf
regular=/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf
dejavu=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
for f in "$bold" "$regular" "$dejavu"; do
    [ -f "$f" ] || { echo "make-demo-media: $f missing (make deps installs the fonts)" >&2; exit 1; }
done
command -v ffmpeg >/dev/null || { echo "make-demo-media: ffmpeg missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ff() { ffmpeg -nostdin -v error -y "$@"; }

# drawtext reads UTF-8 from files: no quoting of colons, tildes or Japanese in filter strings
printf '%s' 'P' >"$tmp/p.txt"
printf '%s' '♿' >"$tmp/wheelchair.txt"
printf '%s' '障がい者等用駐車場' >"$tmp/parking-caption.txt"
printf '%s' 'やさしいまちづくり月間' >"$tmp/month.txt"
printf '%s' '2月1日～2月28日' >"$tmp/dates.txt"
printf '%s' '熊本県' >"$tmp/pref.txt"
printf '%s' '心のバリアフリーの推進' >"$tmp/theme1.txt"
printf '%s' '障がい者等用駐車場の適正利用の推進' >"$tmp/theme2.txt"

if [ ! -s "$out/testsrc.png" ]; then
    ff -f lavfi -i "testsrc2=size=1280x720:rate=1" -frames:v 1 -update 1 "$out/testsrc.png"
fi

# The Help Mark stand-in, 600x840: rounded red card; a white cross (two boxes) above a white
# heart, the curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0 around (300, 600).
if [ ! -s "$out/helpmark.png" ]; then
    heart='lte(pow(pow((X-300)/150,2)+pow((600-Y)/150,2)-1,3)-pow((X-300)/150,2)*pow((600-Y)/150,3),0)'
    cross='between(X,240,360)*between(Y,90,390)+between(X,150,450)*between(Y,180,300)'
    white="gt($heart+$cross,0)"
    corner='gt(pow(max(0,abs(X-299.5)-240),2)+pow(max(0,abs(Y-419.5)-360),2),3600)'
    ff -f lavfi -i "color=c=white:s=600x840,format=rgba" -frames:v 1 -vf \
        "geq=r='if($white,255,230)':g='if($white,255,0)':b='if($white,255,18)':a='if($corner,0,255)'" \
        -update 1 "$out/helpmark.png"
fi

# Accessible parking sign, 720x720: rounded blue square, P and the wheelchair symbol.
if [ ! -s "$out/parking.png" ]; then
    corner='gt(pow(max(0,abs(X-359.5)-300),2)+pow(max(0,abs(Y-359.5)-300),2),3600)'
    ff -f lavfi -i "color=c=0x0047AB:s=720x720,format=rgba" -frames:v 1 -vf \
        "drawtext=fontfile=$bold:textfile=$tmp/p.txt:fontsize=400:fontcolor=white:x=50:y=70,\
drawtext=fontfile=$dejavu:textfile=$tmp/wheelchair.txt:fontsize=400:fontcolor=white:x=330:y=110,\
drawtext=fontfile=$bold:textfile=$tmp/parking-caption.txt:fontsize=64:fontcolor=white:x=(w-text_w)/2:y=580,\
geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if($corner,0,255)'" \
        -update 1 "$out/parking.png"
fi

# A 12 s announcement clip, 1280x720 at 30 fps: a slow colour gradient, the month's name
# and dates fading in, then the two themes. Gentle on purpose: no flashing, slow fades.
# The same bytes on every machine, because golden frames show it: the gradient's seed is fixed
# (its default is random) and x264 encodes with one thread (its output depends on the count).
if [ ! -s "$out/barrier-free-month.mp4" ]; then
    ff -f lavfi -i "gradients=s=1280x720:r=30:c0=0x0A2342:c1=0x12507A:x0=0:y0=0:x1=1280:y1=720:speed=0.01:d=12:seed=1" \
        -vf "drawtext=fontfile=$regular:textfile=$tmp/pref.txt:fontsize=40:fontcolor=white:x=60:y=50,\
drawtext=fontfile=$bold:textfile=$tmp/month.txt:fontsize=100:fontcolor=0xFFD23F:x=(w-text_w)/2:y=200:alpha='min(1,t/1.5)',\
drawtext=fontfile=$bold:textfile=$tmp/dates.txt:fontsize=80:fontcolor=white:x=(w-text_w)/2:y=340:alpha='min(1,max(0,(t-1)/1.5))',\
drawtext=fontfile=$regular:textfile=$tmp/theme1.txt:fontsize=48:fontcolor=white:x=(w-text_w)/2:y=500:alpha='min(1,max(0,(t-4)/1.5))',\
drawtext=fontfile=$regular:textfile=$tmp/theme2.txt:fontsize=48:fontcolor=white:x=(w-text_w)/2:y=580:alpha='min(1,max(0,(t-6)/1.5))'" \
        -c:v libx264 -threads 1 -preset veryfast -crf 26 -pix_fmt yuv420p -movflags +faststart \
        "$tmp/clip.mp4"
    mv "$tmp/clip.mp4" "$out/barrier-free-month.mp4"
fi

# Notice texts kept in files (text_file = text/NAME.txt in the playlists)
for f in "$here"/playlists/text/*.txt; do
    [ -e "$f" ] || continue
    cmp -s "$f" "$out/text/$(basename "$f")" 2>/dev/null || cp "$f" "$out/text/"
done
echo "make-demo-media: $out ready"
