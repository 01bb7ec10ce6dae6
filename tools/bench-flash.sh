#!/bin/sh
# Flash analysis speed (make bench): CPU time (user+sys) of `kizuna flash` on a 20 s 1080p30
# H.264 clip (testsrc2, libx264 medium crf 23), against decoding the same clip with ffmpeg:
#   plain:  ffmpeg -threads 0 -i clip -f null -          (what a player's decoder does)
#   floor:  the same with kizuna's decoder settings (no loop filter, fast flags): what the
#           analysis cannot go below, since it looks at every frame
# The three run alternately BENCH_RUNS times (default 3); the medians of the per-run ratios
# are reported. -threads 0 is the automatic count, the one kizuna's decoder uses. Targets:
# <= 1.3 CPU s for the clip (issue 16), >= 10x real time (wall). Raw figures:
# build/bench/flash/runs.txt. docs/performance.md explains the figures.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(pwd)
KZ=${KZ:-$ROOT/build/kizuna}
OUT=$ROOT/build/bench/flash
RUNS=${BENCH_RUNS:-3}
SECONDS_OF_VIDEO=20
TARGET_CPU=1.3
mkdir -p "$OUT"
[ -x "$KZ" ] || { echo "bench-flash: $KZ is missing (make first)"; exit 1; }
command -v ffmpeg >/dev/null || { echo "bench-flash: ffmpeg is needed"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-flash: /usr/bin/time (package time) is needed"; exit 1; }

CLIP=$OUT/clip20-1080p30.mp4
if [ ! -s "$CLIP" ]; then
    echo "bench-flash: making $CLIP (20 s 1920x1080 30 fps testsrc2, libx264 medium crf 23)"
    ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=20 \
        -c:v libx264 -preset medium -crf 23 -pix_fmt yuv420p "$CLIP.tmp.mp4" &&
        mv "$CLIP.tmp.mp4" "$CLIP"
fi

median() {
    sort -g | awk '{ a[NR] = $1 }
        END { if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2];
              else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# COMMAND...: prints "cpu wall" (user+sys and elapsed seconds) of one run
timed() {
    /usr/bin/time -f "%U %S %e" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/err.txt"
    local rc=$?
    # kizuna flash exits 0 pass, 1 fail, 3 warn: all are finished analyses
    if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
        echo "bench-flash: failed ($rc): $*" >&2
        cat "$OUT/err.txt" >&2
        return 1
    fi
    tail -n 1 "$OUT/time.txt" | awk '{ printf "%.3f %.3f", $1 + $2, $3 }'
}

KZ_CMD=("$KZ" flash "$CLIP")
PLAIN=(ffmpeg -nostdin -loglevel error -threads 0 -i "$CLIP" -f null -)
FLOOR=(ffmpeg -nostdin -loglevel error -threads 0 -skip_loop_filter all -flags2 fast
       -i "$CLIP" -f null -)

echo "Machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS alternating runs"
echo "   kizuna: ${KZ_CMD[*]}"
echo "   plain:  ${PLAIN[*]}"
echo "   floor:  ${FLOOR[*]}"
: >"$OUT/runs.txt" # per run: kizuna cpu, wall; plain cpu, wall; floor cpu, wall
for i in $(seq "$RUNS"); do
    k=$(timed "${KZ_CMD[@]}") || exit 1
    p=$(timed "${PLAIN[@]}") || exit 1
    f=$(timed "${FLOOR[@]}") || exit 1
    echo "$k $p $f" >>"$OUT/runs.txt"
    echo "   run $i: CPU s kizuna ${k% *}, plain ${p% *}, floor ${f% *}" \
        "(wall ${k#* }, ${p#* }, ${f#* })"
done

col() { awk -v c="$1" '{ print $c }' "$OUT/runs.txt" | median; }
rat() { awk -v a="$1" -v b="$2" '{ if ($b > 0) print $a / $b }' "$OUT/runs.txt" | median; }
kcpu=$(col 1)
kwall=$(col 2)
r_plain=$(rat 1 3)
r_floor=$(rat 1 5)
fcpu=$(col 5)
verdict=$(awk -v c="$kcpu" -v t="$TARGET_CPU" 'BEGIN { print (c <= t) ? "met" : "missed" }')
printf '   => kizuna flash CPU: median %.2f s for %d s of video (target <= %.1f s: %s)\n' \
    "$kcpu" "$SECONDS_OF_VIDEO" "$TARGET_CPU" "$verdict"
printf '   => CPU kizuna / plain decode: median %.2fx; kizuna / decode floor: median %.2fx\n' \
    "$r_plain" "$r_floor"
printf '   => decode floor alone: median %.2f s CPU (the analysis cannot go below it)\n' "$fcpu"
printf '   => wall: median %.2f s = %.1fx real time (target >= 10x)\n' "$kwall" \
    "$(awk -v w="$kwall" -v s="$SECONDS_OF_VIDEO" 'BEGIN { print (w > 0) ? s / w : 0 }')"
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$RUNS" "$kcpu" "$r_plain" "$r_floor" \
    "$kwall" >>"$OUT/history.tsv"
