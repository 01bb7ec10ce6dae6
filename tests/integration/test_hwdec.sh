#!/bin/sh
# player.ini [video] hwdec (docs/video.md): on a box without a decoding device (as CI is), each
# hardware path falls back to software with one log line per process saying why, and the
# frame is the same as with hwdec = none. A value kizuna does not know is a file:line error.
# On a box with VA-API or V4L2 the same test checks that the device path draws the frame
# within a small PSNR of software (a hardware decoder is not bit-exact).
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -t 3 -c:v libx264 -pix_fmt yuv420p \
    "$tmp/clip.mp4"
# two items of the same clip: the fallback is said once, not once per airing
printf '[a]\nplugin = video\nfile = clip.mp4\n[b]\nplugin = video\nfile = clip.mp4\n' >"$tmp/v.ini"
at=2025-02-03T12:00:01+09:00
for h in none auto vaapi drm v4l2m2m; do
    mkdir -p "$tmp/$h"
    cp "$tmp/v.ini" "$tmp/clip.mp4" "$tmp/$h/"
    kz_player_ini "$tmp/$h" 320x180 "logs = logs" "[video]" "hwdec = $h"
    # render draws one moment; run airs both items (a then b) for the log-once rule
    "$KZ" render --config "$tmp/$h/player.ini" --at $at --out "$tmp/$h.png" 2>"$tmp/$h.render"
    "$KZ" run --config "$tmp/$h/player.ini" --clock $at --speed 4 --exit-after 2.5 \
        2>"$tmp/$h.run" >/dev/null
    n=$(grep -c "hwdec $h:" "$tmp/$h.run" || true)
    if [ $h = none ]; then
        [ "$n" = 0 ] || { echo "hwdec none logged:"; cat "$tmp/$h.run"; exit 1; }
        continue
    fi
    [ "$n" = 1 ] || { echo "hwdec $h: $n lines about it in one run, want 1:"; cat "$tmp/$h.run"; exit 1; }
    line=$(grep "hwdec $h:" "$tmp/$h.run")
    case $line in
    *"decoding h264 in software")
        # the fallback names every path it tried and why
        for p in vaapi drm v4l2m2m; do
            { [ $h = auto ] || [ $h = $p ]; } || continue
            echo "$line" | grep -q "$p: " || { echo "no reason for $p: $line"; exit 1; }
        done
        if [ $h = auto ]; then level=info; else level=warning; fi
        echo "$line" | grep -q "\] $level: hwdec" || { echo "want a $level line: $line"; exit 1; }
        cmp -s "$tmp/none.png" "$tmp/$h.png" ||
            { echo "hwdec $h fell back to software but drew another frame"; exit 1; }
        echo "hwdec $h: one line, software, same frame: ${line#*hwdec $h: }" ;;
    *"decoding h264 on "*)
        psnr=$(ffmpeg -v error -i "$tmp/none.png" -i "$tmp/$h.png" -lavfi psnr -f null - 2>&1 |
            sed -n 's/.*average:\([0-9.inf]*\).*/\1/p')
        echo "hwdec $h: $line (PSNR $psnr dB against software)"
        awk -v p="$psnr" 'BEGIN { exit !(p == "inf" || p + 0 >= 35) }' ||
            { echo "hwdec $h frame differs from software: PSNR $psnr"; exit 1; } ;;
    *) echo "unexpected: $line"; exit 1 ;;
    esac
done
mkdir -p "$tmp/bad"
cp "$tmp/v.ini" "$tmp/clip.mp4" "$tmp/bad/"
kz_player_ini "$tmp/bad" 320x180 "logs = logs" "[video]" "hwdec = cuda"
rc=0; "$KZ" check --config "$tmp/bad/player.ini" >"$tmp/bad.out" 2>&1 || rc=$?
[ $rc != 0 ] && grep -q "player.ini:[0-9]*: \[video\] hwdec = cuda: expected none, auto, vaapi, drm or v4l2m2m" "$tmp/bad.out" ||
    { echo "hwdec = cuda (exit $rc):"; cat "$tmp/bad.out"; exit 1; }
echo "hwdec = cuda: refused with file:line"
echo ok
