#!/bin/sh
# The video plugin converts a new frame straight into the output surface when the software
# renderer draws onto it 1:1 (host frame_surface, ABI minor 7; docs/video.md "One pass per
# frame"). That path must draw exactly what the texture path draws: every golden case with a
# clip on screen (captions over video among them), and a frame drawn again without a new one (the
# picture then lives only on the output, so the repeat must convert it once more) are
# rendered both ways and compared byte for byte. A window's player must take the path too.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KIZUNA_VIDEO_STATS=1
grep -h -v -E '^[[:space:]]*(#|$)' tests/golden/*.cases >"$tmp/cases"
n=0; direct=0
while read -r name dir at size tol; do
    for mode in direct texture; do
        v=1; [ $mode = texture ] && v=0
        KIZUNA_VIDEO_DIRECT=$v "$KZ" render --config "tests/golden/$dir/player.ini" --at "$at" \
            --size "$size" --out "$tmp/$name.$mode.png" 2>"$tmp/$name.$mode.log" ||
            { echo "$name: render ($mode) failed:"; cat "$tmp/$name.$mode.log"; exit 1; }
    done
    cmp -s "$tmp/$name.direct.png" "$tmp/$name.texture.png" ||
        { echo "$name: straight onto the output differs from through the texture"; exit 1; }
    grep -q 'straight onto the output' "$tmp/$name.direct.log" || continue # no clip on screen
    if grep -q '([1-9][0-9]* straight onto the output)' "$tmp/$name.direct.log"; then
        direct=$((direct + 1))
    fi
    grep -q '(0 straight onto the output)' "$tmp/$name.texture.log" ||
        { echo "$name: KIZUNA_VIDEO_DIRECT=0 still drew straight onto the output"; exit 1; }
    n=$((n + 1))
done <"$tmp/cases"
echo "video direct: $n golden cases with a clip identical both ways, $direct of them drawn" \
     "straight onto the output"
# All but video-fill: its crop is rounded to whole chroma samples and reaches past the zone's
# edge by 3 pixels, which only the texture path's clipped copy can show.
[ "$n" -ge 10 ] && [ "$direct" -ge 9 ] || { echo "too few cases took the direct path"; exit 1; }

# A letterboxed clip whose rows start off a 16-byte boundary: the demo's clip fitted into its
# main zone on a full-HD screen (1689 px wide at x = 115) and on 1280x1024 (x = 0, y = 112 of
# a 1280 x 720 picture in a 1280 x 901 zone). libswscale writes the same pixels to an
# unaligned row; it must, and the path must be taken.
for sz in 1920x1080 1280x1024; do
    for v in 1 0; do
        KIZUNA_VIDEO_DIRECT=$v "$KZ" render --config tests/golden/demo/player.ini \
            --at 2025-02-03T09:02:05.020+09:00 --size $sz --out "$tmp/lb.$v.png" 2>"$tmp/lb.$v.log"
    done
    cmp -s "$tmp/lb.1.png" "$tmp/lb.0.png" ||
        { echo "letterboxed $sz: straight onto the output differs from through the texture"; exit 1; }
    grep -q '(1 straight onto the output)' "$tmp/lb.1.log" ||
        { echo "letterboxed $sz: not drawn straight onto the output:"; cat "$tmp/lb.1.log"; exit 1; }
done
echo "video direct: the letterboxed demo clip at 1920x1080 and 1280x1024 identical both ways"

# A repeat: the captions force a redraw at 2.05 s while the 10 fps clip still shows the frame
# of 2.0 s, which went straight onto the output at 2.02 s.
cfg=tests/golden/captions/player.ini
KIZUNA_VIDEO_DIRECT=0 "$KZ" render --config $cfg --at 2025-02-03T00:00:02.05+09:00 \
    --size 480x270 --out "$tmp/cold.png" 2>"$tmp/cold.log"
"$KZ" render --config $cfg --at 2025-02-03T00:00:02.05+09:00 --size 480x270 \
    --warm 2025-02-03T00:00:02.02+09:00 --out "$tmp/warm.png" 2>"$tmp/warm.log"
grep -q 'frames presented 1 (1 straight onto the output)' "$tmp/warm.log" ||
    { echo "repeat: the first frame did not go straight onto the output:"; cat "$tmp/warm.log"; exit 1; }
cmp -s "$tmp/cold.png" "$tmp/warm.png" ||
    { echo "repeat: a frame drawn again differs from the texture path's"; exit 1; }

# A window (SDL's dummy driver, software renderer): kizuna play takes the path for a clip
# alone on screen, and KIZUNA_VIDEO_DIRECT=0 turns it off.
ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -t 1 -c:v libx264 -pix_fmt yuv420p \
    "$tmp/clip.mp4"
"$KZ" play --size 320x180 --stats "$tmp/clip.mp4" >/dev/null 2>"$tmp/play.log"
grep -q 'frames presented 25 (25 straight onto the output)' "$tmp/play.log" ||
    { echo "play: not every frame went straight onto the output:"; cat "$tmp/play.log"; exit 1; }
KIZUNA_VIDEO_DIRECT=0 "$KZ" play --size 320x180 --stats "$tmp/clip.mp4" >/dev/null 2>"$tmp/play0.log"
grep -q 'frames presented 25 (0 straight onto the output)' "$tmp/play0.log" ||
    { echo "play, KIZUNA_VIDEO_DIRECT=0:"; cat "$tmp/play0.log"; exit 1; }
echo "video direct: repeat identical; play 25 of 25 frames straight onto the output"
