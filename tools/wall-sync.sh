#!/bin/sh
# Frame lock of a video wall, measured: TILES (2 = a 2x1 wall, 4 = 2x2) headless players on
# this machine play the same playlist (one looping video clip) with their own tile = C,R, each
# writing a presentation log (KIZUNA_VIDEO_LOG: wall time, clip, frame time, item time per
# newly presented frame). tools/wall-sync.py reports the largest frame offset between tiles.
#   [NICE=-10] sh tools/wall-sync.sh [TILES [SECONDS]]   defaults: 2 tiles, 300 s (the full run)
# Target: at most one frame. Loopback only; nothing leaves this machine.
set -eu
TILES=${1:-2}
SECS=${2:-300}
# NICE=-10 (root): let the tiles go first, as on a screen's own machine where the player is
# the main thing running; the default 0 shares the CPUs evenly with everything else.
NICE=${NICE:-0}
# SCHED="chrt -f 10" (root): real-time scheduling for the tiles, to tell scheduling stalls
# from anything else.
SCHED=${SCHED:-}
BUILD=${BUILD:-build}
case $TILES in 2) COLS=2 ROWS=1 ;; 4) COLS=2 ROWS=2 ;; *) echo "TILES: 2 or 4" >&2; exit 2 ;; esac
KZ=$BUILD/kizuna
[ -x "$KZ" ] || { echo "wall-sync: build $KZ first (make)" >&2; exit 2; }
media=build/test-media
mkdir -p "$media" build/bench
clip=$media/wall-sync-30fps.mp4
CLIP_S=20 FPS=30
if [ ! -e "$clip" ]; then
    ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=$FPS" -t $CLIP_S -c:v libx264 \
        -preset veryfast -pix_fmt yuv420p -g $FPS "$clip.tmp.mp4"
    mv "$clip.tmp.mp4" "$clip"
fi
tmp=$(mktemp -d)
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=software \
    KIZUNA_PLUGINS=$PWD/$BUILD/plugins
i=0
for r in $(seq 0 $((ROWS - 1))); do
    for c in $(seq 0 $((COLS - 1))); do
        d=$tmp/tile$i
        mkdir -p "$d"
        cat >"$d/player.ini" <<INI
[display]
size = 320x180
fullscreen = no
wall = ${COLS}x${ROWS}
tile = $c,$r
bezel = 8px
[paths]
plugins = $PWD/$BUILD/plugins
playlists = .
content = $PWD/$media
fonts = $PWD/fonts/fonts.ini
logs = $d/logs
[player]
name = tile-$c-$r
INI
        cat >"$d/wall.ini" <<INI
[testcard]
plugin = video
file = $(basename "$clip")
fit = fill
loop = yes
threads = 1
duration = 1h
INI
        i=$((i + 1))
    done
done
echo "wall-sync: $TILES tiles (${COLS}x${ROWS}), $SECS s, clip $clip (${FPS} fps), nice $NICE${SCHED:+, $SCHED}"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for k in $(seq 0 $((TILES - 1))); do
    KIZUNA_VIDEO_LOG=$tmp/tile$k.log KIZUNA_CONTROL=$tmp/tile$k.sock \
        $SCHED nice -n "$NICE" "$KZ" run --config "$tmp/tile$k/player.ini" --exit-after "$SECS" 2>"$tmp/tile$k.err" &
    pids="$pids $!"
done
for p in $pids; do wait "$p" || { echo "wall-sync: a player failed"; cat "$tmp"/tile*.err; exit 1; }; done
pids=
keep=build/bench/wall-sync-logs-$TILES
rm -rf "$keep"; mkdir -p "$keep"
logs=
for k in $(seq 0 $((TILES - 1))); do cp "$tmp/tile$k.log" "$keep/"; logs="$logs $keep/tile$k.log"; done
# The tiles share this machine's CPUs with everything else on it: a busy machine stalls them.
psi=$(sed -n 's/^some avg10=\([0-9.]*\) avg60=\([0-9.]*\).*/CPU pressure (some) avg10 \1 %, avg60 \2 %/p' /proc/pressure/cpu 2>/dev/null || true)
echo "load average (1, 5, 15 min) at the start: $load0; at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; ${psi:-no PSI}" \
    | tee "build/bench/wall-sync-$TILES.txt"
# shellcheck disable=SC2086
python3 "$(dirname "$0")/wall-sync.py" $CLIP_S $FPS 3 $logs | tee -a "build/bench/wall-sync-$TILES.txt"
