#!/bin/sh
# Known-answer clips for the flash analysis (docs/accessibility.md, "Test clips").
#   sh tests/media/gen-flash.sh OUTDIR
# Small (160x90, 30 fps, a few seconds), made with ffmpeg lavfi; files that exist are kept.
# Expected answers with the default profile (tests/unit/test_flash_clips.c checks them):
#   flash-2hz.mp4        full screen black/white, 2 flashes/s  -> warn (4 transitions/s:
#                        at the warning level, under the limit; 3 s is too short for the
#                        extended-failure rule)
#   flash-1hz.mp4        full screen, 1 flash/s                 -> pass
#   flash-3_5hz.mp4      full screen, 3.5 flashes/s             -> fail (7 transitions/s)
#   flash-5hz-20pct.mp4  5 flashes/s over 20 % of the screen    -> pass (under 25 %)
#   flash-5hz-30pct.mp4  5 flashes/s over 30 % of the screen    -> fail
#   flash-red.mp4        saturated red <-> grey of the same luminance, 5/s -> fail on red only
#   flash-fade.mp4       black -> white -> black over 6 s       -> pass (2 transitions)
#   flash-cuts.mp4       8 hard cuts within one second between two busy scenes of about the
#                        same mean luminance (testsrc2, mandelbrot) -> fail: at every cut
#                        ~40 % of the screen brightens and ~35 % darkens by more than 0.1, so
#                        every cut is a transition (8 > 6) although the mean hardly moves
#   flash-cuts-slow.mp4  the same scenes, 2 cuts in that second -> pass
#   flash-cuts-720.mp4, flash-5hz-30pct-720.mp4, flash-red-720-full.mp4: three of the above
#                        at 1280x720 (the last full range) -> the same answers
set -eu
out=${1:?usage: gen-flash.sh OUTDIR}
mkdir -p "$out"
command -v ffmpeg >/dev/null || { echo "gen-flash: ffmpeg is missing" >&2; exit 1; }

S=160x90
R=30
ENC="-c:v libx264 -preset veryfast -crf 4 -pix_fmt yuv420p -g 30 -an"

make() { # NAME SECONDS FILTERGRAPH-ON-rgb24
    f="$out/$1"
    [ -s "$f" ] && return 0
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "color=black:s=$S:r=$R:d=$2,format=rgb24" \
        -vf "$3,format=yuv420p" $ENC "$f.tmp.mp4"
    mv "$f.tmp.mp4" "$f"
}

# Square waves: on for the first half of each period. N is the frame number, so every
# clip has exact, encoder-independent switching frames.
make flash-1hz.mp4 3 "geq=r='255*lt(mod(N,30),15)':g='255*lt(mod(N,30),15)':b='255*lt(mod(N,30),15)'"
make flash-2hz.mp4 3 "geq=r='255*lt(mod(N,15),7.5)':g='255*lt(mod(N,15),7.5)':b='255*lt(mod(N,15),7.5)'"
on35='lt(mod(N*3.5/30,1),0.5)'
make flash-3_5hz.mp4 3 "geq=r='255*$on35':g='255*$on35':b='255*$on35'"
# 5 Hz (period 6 frames) inside a centred box: 80x36 = 20 % and 96x45 = 30 % of 160x90.
box20='between(X,40,119)*between(Y,27,62)'
box30='between(X,32,127)*between(Y,22,66)'
on5='lt(mod(N,6),3)'
make flash-5hz-20pct.mp4 3 "geq=r='255*$on5*$box20':g='255*$on5*$box20':b='255*$on5*$box20'"
make flash-5hz-30pct.mp4 3 "geq=r='255*$on5*$box30':g='255*$on5*$box30':b='255*$on5*$box30'"
# Red (255,0,0) has relative luminance 0.2126; grey 127 has 0.2122: no luminance flash.
make flash-red.mp4 3 "geq=r='if($on5,255,127)':g='if($on5,0,127)':b='if($on5,0,127)'"
fade='255*if(lt(T,3),T/3,(6-T)/3)'
make flash-fade.mp4 6 "geq=r='$fade':g='$fade':b='$fade'"

# Hard cuts between two "scenes", testsrc2 and mandelbrot, inside 1 s <= T < 2 s: the
# second is split into CUTS segments, odd ones show mandelbrot.
cuts() { # NAME CUTS-PER-SECOND
    f="$out/$1"
    [ -s "$f" ] && return 0
    ffmpeg -nostdin -loglevel error -y \
        -f lavfi -i "testsrc2=s=$S:r=$R:d=3" -f lavfi -i "mandelbrot=s=$S:r=$R,trim=duration=3" \
        -filter_complex "[0:v]format=yuv420p[a];[1:v]format=yuv420p,setpts=PTS-STARTPTS[b];\
[a][b]blend=all_expr='if(between(T,1,1.999)*eq(mod(floor((T-1)*$2),2),1),B,A)'" \
        $ENC "$f.tmp.mp4"
    mv "$f.tmp.mp4" "$f"
}
cuts flash-cuts.mp4 8
cuts flash-cuts-slow.mp4 3

# The same answers at 1280x720, where every analysis cell averages 8x8 decoded pixels: the
# fast path (cell means straight from the Y'CbCr planes) must agree frame by frame with the
# exact one (libswscale). The red clip is full range (yuvj420p), the others limited range.
big() { # NAME SOURCE PIX_FMT
    f="$out/$1"
    [ -s "$f" ] && return 0
    ffmpeg -nostdin -loglevel error -y -i "$out/$2" -vf "scale=1280:720:flags=bicubic" \
        -c:v libx264 -preset veryfast -crf 12 -pix_fmt "$3" -g 30 -an "$f.tmp.mp4"
    mv "$f.tmp.mp4" "$f"
}
big flash-cuts-720.mp4 flash-cuts.mp4 yuv420p
big flash-5hz-30pct-720.mp4 flash-5hz-30pct.mp4 yuv420p
big flash-red-720-full.mp4 flash-red.mp4 yuvj420p
