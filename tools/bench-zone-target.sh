#!/bin/sh
# Whether keeping a zone in its own SDL_TEXTUREACCESS_TARGET texture pays on the software
# renderer (make bench): builds tools/bench-zone-target.c into build/bench/ and runs it
# BENCH_RUNS (default 3) times; each run prints microseconds per frame for the main zone of
# the three-zone layout (1651x929) drawn directly, composed from its cached target, and
# redrawn through the target, and the same for the clock corner (365x130, translucent).
set -eu
RUNS=${BENCH_RUNS:-3}
mkdir -p build/bench
cc -O2 -o build/bench/zone-target tools/bench-zone-target.c $(pkg-config --cflags --libs sdl2)
r=0
while [ $r -lt "$RUNS" ]; do
    SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software build/bench/zone-target 300
    r=$((r + 1))
done
echo "bench-zone-target: command: SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software build/bench/zone-target 300"
