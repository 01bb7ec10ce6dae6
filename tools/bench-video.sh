#!/bin/sh
# Video benchmarks (make bench): kizuna against mpv, ffplay and raw ffmpeg decoding, on the
# same generated clips and the same SDL software renderer (framebuffer acceleration off); the
# peers decode with 2 threads, kizuna with its default (threads = auto), and real-time CPU is
# also set beside raw decoding at 1 and at 2 threads. Every figure is printed with the exact command behind it; pairs
# run alternately BENCH_RUNS times (default 3) and the medians of the ratios are reported.
# Results: build/bench/video/. docs/performance.md explains the figures.
#
# Uses what is installed; a missing mpv/ffplay is reported and its comparison skipped.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(pwd)
KZ=$ROOT/build/kizuna
OUT=$ROOT/build/bench/video
RUNS=${BENCH_RUNS:-3}
THREADS=2
mkdir -p "$OUT/gap"

export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 SDL_AUDIODRIVER=dummy

have() { command -v "$1" >/dev/null 2>&1; }
missing=""
for c in ffmpeg ffplay mpv; do have "$c" || missing="$missing $c"; done
[ -x /usr/bin/time ] || missing="$missing /usr/bin/time(package time)"
[ -x "$KZ" ] || { echo "bench-video: $KZ missing (make first)"; exit 1; }
have ffmpeg || { echo "bench-video: ffmpeg is needed to make the clips"; exit 1; }
[ -z "$missing" ] || echo "bench-video: not installed:$missing (those comparisons are skipped)"

# --- clips -------------------------------------------------------------------------------
CLIP=$OUT/clip20.mp4
if [ ! -s "$CLIP" ]; then
    echo "making $CLIP (testsrc2 1920x1080 30 fps H.264, 20 s)"
    ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 20 \
        -c:v libx264 -preset veryfast -pix_fmt yuv420p "$CLIP.tmp.mp4" && mv "$CLIP.tmp.mp4" "$CLIP"
fi
if [ ! -s "$OUT/gap/g50.mp4" ]; then
    echo "making 50 clips of 2 s in $OUT/gap (testsrc2 1920x1080 30 fps H.264)"
    ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 100 \
        -c:v libx264 -preset ultrafast -g 60 -keyint_min 60 -pix_fmt yuv420p \
        -f segment -segment_time 2 -reset_timestamps 1 -segment_start_number 1 \
        "$OUT/gap/g%02d.mp4"
fi
FRAMES=600

now() { local t=$EPOCHREALTIME; echo "${t/./}"; } # microseconds
median() {
    sort -g | awk '{ a[NR] = $1 }
        END { if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2];
              else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
wall_us() { local t0 t1; t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); echo $((t1 - t0)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }'; }
# /usr/bin/time: "user sys maxrss_kb" into a file
timed() { local f=$1; shift; /usr/bin/time -f "%U %S %M" -o "$f" "$@" >/dev/null 2>"$f.err"; }
cpu_of() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
rss_of() { awk '{ print $3 }' "$1"; }

echo
echo "Machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); SDL $SDL_VIDEODRIVER driver,"
echo "software renderer, SDL_FRAMEBUFFER_ACCELERATION=0; $THREADS decoder threads for the peers;"
echo "kizuna at its default threads = auto (one per core untimed; by the clip in real time)."

# --- 1. untimed throughput ----------------------------------------------------------------
KZ_UNTIMED=("$KZ" bench --untimed "$CLIP" --size 1920x1080)
MPV_UNTIMED=(mpv --no-config --vo=sdl --sdl-sw --untimed --no-audio --vd-lavc-threads=$THREADS
             --really-quiet "$CLIP")
RAW=(ffmpeg -nostdin -v error -threads $THREADS -i "$CLIP" -f null -)
echo
echo "1. Untimed throughput, $FRAMES frames 1080p, fps = frames / wall time of the process"
echo "   kizuna: ${KZ_UNTIMED[*]}"
have mpv && echo "   mpv:    SDL_RENDER_DRIVER=software ${MPV_UNTIMED[*]}"
echo "   raw:    ${RAW[*]}"
: >"$OUT/untimed.txt"
for i in $(seq "$RUNS"); do
    k=$(wall_us "${KZ_UNTIMED[@]}")
    m=0; have mpv && m=$(wall_us "${MPV_UNTIMED[@]}")
    r=$(wall_us "${RAW[@]}")
    echo "$k $m $r" >>"$OUT/untimed.txt"
    printf "   run %d: kizuna %.1f fps, mpv %.1f fps, raw decode %.1f fps\n" "$i" \
        "$(ratio $((FRAMES * 1000000)) "$k")" "$(ratio $((FRAMES * 1000000)) "$m")" \
        "$(ratio $((FRAMES * 1000000)) "$r")"
done
"${KZ_UNTIMED[@]}" 2>/dev/null | tail -n 1 | sed 's/^/   kizuna bench says: /'
r_mpv=$(awk '{ if ($1 > 0 && $2 > 0) print $2 / $1 }' "$OUT/untimed.txt" | median)
r_raw=$(awk '{ if ($1 > 0) print $3 / $1 }' "$OUT/untimed.txt" | median)
have mpv && printf "   => kizuna / mpv fps: median %.2fx (target >= 1.5x)\n" "$r_mpv"
printf "   => kizuna / raw decode fps: median %.2fx (target >= 0.6x)\n" "$r_raw"

# --- 2 + 3. real-time playback: CPU and peak RSS ------------------------------------------
KZ_PLAY=("$KZ" play --size 1920x1080 --stats "$CLIP")
# Raw decoding at kizuna's own thread count (threads = auto picks 1 for 1080p30 H.264,
# plugins/video/vplan.c) and at the peers' 2: the CPU floor of real-time playback.
RAW1=(ffmpeg -nostdin -v error -threads 1 -i "$CLIP" -f null -)
FFPLAY=(ffplay -autoexit -an -loglevel error -threads $THREADS -x 1920 -y 1080 "$CLIP")
MPV_PLAY=(mpv --no-config --vo=sdl --sdl-sw --no-audio --vd-lavc-threads=$THREADS --really-quiet
          --geometry=1920x1080 "$CLIP")
echo
echo "2/3. Real-time playback of the 20 s clip: CPU seconds (user+sys) and peak RSS (/usr/bin/time)"
echo "   kizuna: ${KZ_PLAY[*]}   (threads = auto)"
echo "   raw:    ${RAW1[*]}   and   ${RAW[*]}"
have ffplay && echo "   ffplay: ${FFPLAY[*]}"
have mpv && echo "   mpv:    ${MPV_PLAY[*]}"
: >"$OUT/realtime.txt"
drops=0
for i in $(seq "$RUNS"); do
    timed "$OUT/rt-kz.time" "${KZ_PLAY[@]}"
    d=$(grep -o 'dropped late [0-9]*' "$OUT/rt-kz.time.err" | awk '{ s += $3 } END { print s + 0 }')
    drops=$((drops + d))
    fc=0; fr=0; mc=0; mr=0; fd=0
    if have ffplay; then timed "$OUT/rt-ffplay.time" "${FFPLAY[@]}"
        fc=$(cpu_of "$OUT/rt-ffplay.time"); fr=$(rss_of "$OUT/rt-ffplay.time")
        # ffplay's status line (stderr, \r-separated) counts frames it dropped: fd=
        fd=$(tr '\r' '\n' <"$OUT/rt-ffplay.time.err" | grep -o 'fd= *[0-9]*' | tail -n 1 |
             tr -dc 0-9)
        fd=${fd:-0}; fi
    if have mpv; then timed "$OUT/rt-mpv.time" "${MPV_PLAY[@]}"
        mc=$(cpu_of "$OUT/rt-mpv.time"); mr=$(rss_of "$OUT/rt-mpv.time"); fi
    timed "$OUT/rt-raw1.time" "${RAW1[@]}"; r1=$(cpu_of "$OUT/rt-raw1.time")
    timed "$OUT/rt-raw2.time" "${RAW[@]}"; r2=$(cpu_of "$OUT/rt-raw2.time")
    kc=$(cpu_of "$OUT/rt-kz.time"); kr=$(rss_of "$OUT/rt-kz.time")
    th=$(grep -o 'decoder threads [0-9]*' "$OUT/rt-kz.time.err" | tail -n 1 | tr -dc 0-9)
    echo "$kc $fc $mc $kr $fr $mr $r1 $r2" >>"$OUT/realtime.txt"
    echo "   run $i: CPU s kizuna $kc (${th:-?} decoder threads), ffplay $fc, mpv $mc," \
         "raw decode $r1 (1 thread) / $r2 (2); peak RSS MB kizuna $((kr / 1024))," \
         "ffplay $((fr / 1024)), mpv $((mr / 1024)); dropped frames kizuna $d, ffplay $fd"
done
r_cpu=$(awk '{ if ($2 > 0) print $1 / $2 }' "$OUT/realtime.txt" | median)
r_cpu_mpv=$(awk '{ if ($3 > 0) print $1 / $3 }' "$OUT/realtime.txt" | median)
r_rss=$(awk '{ if ($5 > 0) print $4 / $5 }' "$OUT/realtime.txt" | median)
r_raw1=$(awk '{ if ($7 > 0) print $1 / $7 }' "$OUT/realtime.txt" | median)
r_raw2=$(awk '{ if ($8 > 0) print $1 / $8 }' "$OUT/realtime.txt" | median)
r_rss_mpv=$(awk '{ if ($6 > 0) print $4 / $6 }' "$OUT/realtime.txt" | median)
have ffplay && printf "   => CPU kizuna / ffplay: median %.2fx (target <= 0.6x); %s %d %s\n" \
    "$r_cpu" "kizuna dropped" "$drops" "frames (target 0)"
have mpv && printf "   => CPU kizuna / mpv: median %.2fx\n" "$r_cpu_mpv"
printf "   => CPU kizuna / raw decode: median %.2fx at 1 thread, %.2fx at 2 (target <= 1.4x)\n" \
    "$r_raw1" "$r_raw2"
have ffplay && printf "   => peak RSS kizuna / ffplay: median %.2fx (target <= 0.55x)\n" "$r_rss"
have mpv && printf "   => peak RSS kizuna / mpv: median %.2fx\n" "$r_rss_mpv"

# --- 4. gapless ---------------------------------------------------------------------------
PLOG=$OUT/present.log
rm -f "$PLOG"
GAP=(env KIZUNA_VIDEO_LOG="$PLOG" "$KZ" play --size 1920x1080 "$OUT"/gap/g*.mp4)
echo
echo "4. Gapless: 50 clips of 2 s played in a row; presentation log (wall time per new frame)"
echo "   env KIZUNA_VIDEO_LOG=$PLOG $KZ play --size 1920x1080 $OUT/gap/g*.mp4"
"${GAP[@]}" >/dev/null 2>"$OUT/gap.err"
awk -v fi=33333 '
    { if (NR > 1) { d = $1 - pw
                    if ($2 != pc) { tr++; x = d - fi
                                    if (x > maxx) { maxx = x; at = pc " -> " $2 } }
                    else if (d > maxin) maxin = d }
      pw = $1; pc = $2; n++ }
    END { printf "   frames presented %d (expected 3000), clip changes %d (expected 49)\n", n, tr;
          printf "   => largest extra gap at a clip change: %.1f ms (%s) = %.2f frame intervals",
                 maxx / 1000, at, maxx / fi;
          printf " (target <= 1)\n";
          printf "      (for scale: the largest interval between two frames inside a clip:";
          printf " %.1f ms)\n", maxin / 1000 }' "$PLOG"

# --- 5. time to first frame ---------------------------------------------------------------
FIRST=$OUT/gap/g01.mp4
echo
echo "5. Time from process start to the first frame (kizuna: its presentation log; ffplay: the"
echo "   showinfo filter's first line, i.e. the first frame decoded and handed to display)"
echo "   kizuna: KIZUNA_VIDEO_LOG=F $KZ play --size 1920x1080 $FIRST"
FF_FIRST=(ffplay -autoexit -an -nostats -threads $THREADS -x 1920 -y 1080 -vf showinfo "$FIRST")
echo "   ffplay: ${FF_FIRST[*]}"
echo "   (each starts cold of its own caches but with the files in the page cache)"
: >"$OUT/first.txt"
for i in $(seq $((RUNS + 2))); do
    f=$OUT/first.log; rm -f "$f"
    t0=$(now)
    KIZUNA_VIDEO_LOG="$f" "$KZ" play --size 1920x1080 "$FIRST" >/dev/null 2>&1
    k=$(( $(head -n 1 "$f" | cut -d' ' -f1) - t0 ))
    p=0
    if have ffplay; then
        t0=$(now)
        t1=$("${FF_FIRST[@]}" 2>&1 |
             while IFS= read -r line; do
                 case $line in *showinfo*" n:"*) now; break ;; esac
             done)
        p=$((t1 - t0))
    fi
    echo "$k $p" >>"$OUT/first.txt"
    printf "   run %d: kizuna %.1f ms, ffplay %.1f ms\n" "$i" "$(ratio "$k" 1000)" \
        "$(ratio "$p" 1000)"
done
r_first=$(awk '{ if ($2 > 0) print $1 / $2 }' "$OUT/first.txt" | median)
have ffplay &&
    printf "   => time to first frame kizuna / ffplay: median %.2fx (target <= 1x)\n" "$r_first"

# --- 6. GL renderer (llvmpipe here) against software, same clip ------------------------------
# SDL's offscreen driver gives an EGL context; without a GPU Mesa's llvmpipe runs the GL
# pipeline on the CPU. kizuna then uploads YUV textures and lets "the GPU" convert.
echo
echo "6. Renderer: OpenGL (SDL offscreen driver + EGL; Mesa llvmpipe without a GPU) against"
echo "   software, the same 20 s clip in real time, CPU s and peak RSS; alternating runs"
r_gl=nan
if SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=opengl "$KZ" play --size 320x180 --stats \
        "$OUT/gap/g01.mp4" 2>&1 | grep -q 'renderer opengl'; then
    : >"$OUT/gl.txt"
    for i in $(seq "$RUNS"); do
        SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=opengl timed "$OUT/gl.time" "${KZ_PLAY[@]}"
        SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software timed "$OUT/sw.time" "${KZ_PLAY[@]}"
        g=$(cpu_of "$OUT/gl.time"); w=$(cpu_of "$OUT/sw.time")
        echo "$g $w" >>"$OUT/gl.txt"
        echo "   run $i: CPU s opengl $g, software $w; peak RSS MB opengl" \
             "$(( $(rss_of "$OUT/gl.time") / 1024 )), software $(( $(rss_of "$OUT/sw.time") / 1024 ))"
    done
    r_gl=$(awk '{ if ($2 > 0) print $1 / $2 }' "$OUT/gl.txt" | median)
    printf "   => CPU opengl / software: median %.2fx (llvmpipe does on the CPU what a GPU would)\n" \
        "$r_gl"
else
    echo "   no OpenGL renderer here (SDL offscreen + EGL): skipped"
fi

echo
echo "summary: untimed vs mpv ${r_mpv}x, vs raw ${r_raw}x; CPU vs ffplay ${r_cpu}x," \
     "vs raw decode ${r_raw1}x (1 thread) ${r_raw2}x (2);" \
     "RSS vs ffplay ${r_rss}x; dropped $drops; first frame vs ffplay ${r_first}x;" \
     "opengl (llvmpipe) vs software ${r_gl}x"
