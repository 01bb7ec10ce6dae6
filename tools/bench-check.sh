#!/bin/sh
# kizuna check against playlists of many one-second items (issue: 300 items took 22 s, the
# timeline walk scanned every candidate for each of a day's 86,400 picks). Generates
# playlists of BENCH_CHECK_SIZES items (default 300 1000 10000) of 1 s and prints the median
# of BENCH_RUNS (default 3) wall-clock times of `kizuna check` for each, and the ratio to the
# smallest. Linear work gives a ratio near the size ratio or below (start-up is fixed).
set -eu
cd "$(dirname "$0")/.."
B=${KZ_BUILD:-build}
KZ=$PWD/$B/kizuna
SIZES=${BENCH_CHECK_SIZES:-300 1000 10000}
RUNS=${BENCH_RUNS:-3}
DIR=$(mktemp -d /tmp/kizuna-bench-check.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
first=
for n in $SIZES; do
    mkdir -p "$DIR/$n"
    cat >"$DIR/$n/player.ini" <<INI
[display]
size = 640x360
[paths]
plugins = $PWD/$B/plugins
playlists = .
content = $DIR
fonts = $PWD/fonts/fonts.ini
logs = $DIR/logs
INI
    awk -v n=$n 'BEGIN { for (i = 0; i < n; i++)
        printf "[c%d]\nplugin = color\ncolor = #%06x\nduration = 1s\n\n", i, (i * 997) % 16777215 }' \
        >"$DIR/$n/short.ini"
    : >"$DIR/times"
    r=0
    while [ $r -lt $RUNS ]; do
        /usr/bin/time -f %e -o "$DIR/t" "$KZ" check --config "$DIR/$n/player.ini" >/dev/null 2>&1 || true
        cat "$DIR/t" >>"$DIR/times"; r=$((r + 1))
    done
    med=$(sort -n "$DIR/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    [ -n "$first" ] || first=$med
    echo "bench-check: $n items of 1 s: kizuna check median ${med} s over $RUNS runs" \
         "(x$(awk -v a=$med -v b=$first 'BEGIN { printf "%.1f", a / b }') of the first size)"
done
echo "bench-check: command: $KZ check --config DIR/player.ini (DIR/short.ini: N items, duration = 1s)"
