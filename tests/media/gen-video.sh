#!/bin/sh
# Test clips for the video plugin, generated with ffmpeg's lavfi sources (never committed).
# Usage: gen-video.sh OUTDIR. Idempotent: files that exist are kept.
#
#   video-count.mp4      320x240, 25 fps, 4 s, H.264 (crf 12) with B-frames (reordering, as in
#                        real clips), a keyframe every second. The left 80 columns are flat grey
#                        with luma 16 + 4*(N mod 50) for frame N (the encoder's error in flat areas
#                        stays within +-1),
#                        so a rendered pixel tells which frame is on screen.
#   video-4x3.mp4        160x120, 25 fps, 1 s (letterbox / fill / stretch)
#   video-truncated.mp4  video-count.mp4 with the index up front, cut at 40 %
#   video-nomoov.mp4     index at the end, cut at 60 %: the index is missing
#   video-random.mp4     64 KiB of pseudo-random bytes
#   video-empty.mp4      zero bytes
#   video-audio.mp4      AAC only, no video stream
#   video-unsupported.mkv  a Matroska video track whose codec nobody knows
#   video-vp9.webm, video-hevc10.mkv (10-bit), video-av1.mp4, video-h264.ts: 160x120, 25 fps,
#                        1 s each, the other codecs and containers of the campaign clips
#   video-av.mp4         video-count.mp4's picture for 2 s with a 440 Hz tone (AAC)
set -eu
out=${1:?usage: gen-video.sh OUTDIR}
mkdir -p "$out"
ff() { ffmpeg -nostdin -v error -y "$@"; }
have() { [ -s "$out/$1" ]; }

if ! have video-count.mp4; then
    ff -filter_complex "testsrc2=s=320x240:r=25:d=4[a];
        color=c=black:s=80x240:r=25:d=4,format=yuv420p,geq=lum='16+4*mod(N,50)':cb=128:cr=128[b];
        [a][b]overlay=0:0:format=yuv420,format=yuv420p" \
       -c:v libx264 -crf 12 -preset medium -x264-params bframes=2:b-adapt=0 \
       -g 25 -keyint_min 25 -sc_threshold 0 -threads 1 \
       -movflags +faststart "$out/video-count.mp4.tmp.mp4"
    mv "$out/video-count.mp4.tmp.mp4" "$out/video-count.mp4"
fi
if ! have video-4x3.mp4; then
    ff -f lavfi -i "testsrc2=s=160x120:r=25:d=1" -pix_fmt yuv420p -c:v libx264 -threads 1 \
       "$out/video-4x3.tmp.mp4"
    mv "$out/video-4x3.tmp.mp4" "$out/video-4x3.mp4"
fi
cut_file() { # SRC DST PERCENT
    size=$(wc -c <"$1")
    head -c $((size * $3 / 100)) "$1" >"$2.tmp" && mv "$2.tmp" "$2"
}
if ! have video-truncated.mp4; then
    cut_file "$out/video-count.mp4" "$out/video-truncated.mp4" 40
fi
if ! have video-nomoov.mp4; then
    ff -f lavfi -i "testsrc2=s=320x240:r=25:d=2" -pix_fmt yuv420p -c:v libx264 -threads 1 \
       "$out/video-nomoov.tmp.mp4"
    cut_file "$out/video-nomoov.tmp.mp4" "$out/video-nomoov.mp4" 60
    rm -f "$out/video-nomoov.tmp.mp4"
fi
if ! have video-random.mp4; then
    # Deterministic bytes (an LCG), so a failure can be reproduced.
    awk 'BEGIN { x = 12345; for (i = 0; i < 65536; i++) { x = (x * 1103515245 + 12345) % 2147483648;
         printf "%c", int(x / 65536) % 256 } }' LC_ALL=C >"$out/video-random.tmp"
    mv "$out/video-random.tmp" "$out/video-random.mp4"
fi
[ -e "$out/video-empty.mp4" ] || : >"$out/video-empty.mp4"
if ! have video-audio.mp4; then
    ff -f lavfi -i "sine=frequency=440:duration=1" -c:a aac "$out/video-audio.tmp.mp4"
    mv "$out/video-audio.tmp.mp4" "$out/video-audio.mp4"
fi
if ! have video-unsupported.mkv; then
    ff -f lavfi -i "testsrc2=s=160x120:r=25:d=1" -pix_fmt yuv420p -c:v libx264 -threads 1 \
       "$out/video-unsupported.tmp.mkv"
    # Same length, so the Matroska element sizes stay right.
    perl -0777 -pe 's{V_MPEG4/ISO/AVC}{V_KIZUNA/NO/XYZ}' "$out/video-unsupported.tmp.mkv" \
        >"$out/video-unsupported.mkv"
    rm -f "$out/video-unsupported.tmp.mkv"
fi

codec_clip() { # NAME ENCODER-ARGS...
    name=$1; shift
    have "$name" && return 0
    ext=${name##*.}
    ff -f lavfi -i "testsrc2=s=160x120:r=25:d=1" "$@" "$out/$name.tmp.$ext" &&
        mv "$out/$name.tmp.$ext" "$out/$name"
}
codec_clip video-vp9.webm -pix_fmt yuv420p -c:v libvpx-vp9 -deadline realtime -cpu-used 8
codec_clip video-hevc10.mkv -pix_fmt yuv420p10le -c:v libx265 -preset ultrafast \
    -x265-params log-level=error
codec_clip video-av1.mp4 -pix_fmt yuv420p -c:v libaom-av1 -cpu-used 8 -usage realtime
codec_clip video-h264.ts -pix_fmt yuv420p -c:v libx264 -threads 1
if ! have video-av.mp4; then
    ff -f lavfi -i "testsrc2=s=160x120:r=25:d=2" -f lavfi -i "sine=frequency=440:duration=2" \
       -pix_fmt yuv420p -c:v libx264 -threads 1 -c:a aac -shortest "$out/video-av.tmp.mp4" &&
        mv "$out/video-av.tmp.mp4" "$out/video-av.mp4"
fi
