#!/bin/sh
# Flash analysis speed: real-time factor of `kizuna flash` on a 20 s 1080p30 H.264 clip
# (testsrc2), next to plain decoding by ffmpeg on the same clip. Target: >= 10x real time.
# Two runs each, the faster counts (the machine is shared; see docs/accessibility.md).
set -eu
KZ=${KZ:-build/kizuna}
OUT=build/bench
CLIP=$OUT/flash-1080p30.mp4
mkdir -p "$OUT"
[ -x "$KZ" ] || { echo "bench-flash: $KZ is missing (make first)"; exit 1; }
if [ ! -s "$CLIP" ]; then
    echo "bench-flash: making $CLIP (20 s 1920x1080 30 fps testsrc2, libx264 crf 23)"
    ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=20 \
        -c:v libx264 -preset medium -crf 23 -pix_fmt yuv420p "$CLIP.tmp.mp4"
    mv "$CLIP.tmp.mp4" "$CLIP"
fi
SECONDS_OF_VIDEO=20

now() { date +%s.%N; }
best() { # COMMAND...: prints the faster of two wall-clock runs, in seconds
    b=""
    for i in 1 2; do
        t0=$(now)
        "$@" >/dev/null 2>&1 || true
        t1=$(now)
        t=$(awk "BEGIN { print $t1 - $t0 }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    echo "$b"
}

kz=$(best "$KZ" flash "$CLIP")
ff=$(best ffmpeg -nostdin -loglevel error -threads 2 -i "$CLIP" -f null -)
rt=$(awk "BEGIN { print $SECONDS_OF_VIDEO / $kz }")
ratio=$(awk "BEGIN { print $ff / $kz }")
printf 'flash analysis:  %s flash %s\n' "$KZ" "$CLIP"
printf '                 %.2f s for %d s of video = %.1fx real time (target >= 10x)\n' \
    "$kz" "$SECONDS_OF_VIDEO" "$rt"
printf 'plain decode:    ffmpeg -threads 2 -i %s -f null -\n' "$CLIP"
printf '                 %.2f s; kizuna flash runs at %.2fx the speed of plain decoding\n' \
    "$ff" "$ratio"
printf '%s\t%.3f\t%.2f\t%.3f\n' "$(date -u +%FT%TZ)" "$kz" "$rt" "$ff" >>"$OUT/flash.tsv"
# Wall time depends on what else runs on the machine; CPU time much less. Two idle cores
# could at best run the analysis in CPU / 2.
if [ -x /usr/bin/time ]; then
    cpu=$(/usr/bin/time -f '%U %S' "$KZ" flash "$CLIP" 2>&1 >/dev/null | tail -n 1 |
          awk '{ print $1 + $2 }')
    printf 'CPU time:        %.2f s user+sys; on 2 idle cores at best %.1fx real time\n' \
        "$cpu" "$(awk "BEGIN { print $SECONDS_OF_VIDEO / ($cpu / 2) }")"
    printf '                 (load average now: %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
fi
