#!/bin/sh
# make bench: runs every tools/bench-*.sh in name order. Each prints its figures as ratios
# with the exact commands behind them. Results also go to build/bench/.
set -u
mkdir -p build/bench
rc=0
for b in tools/bench-*.sh; do
    [ -e "$b" ] || continue
    echo "=== $b"
    sh "$b" || { echo "bench: $b failed"; rc=1; }
done
exit $rc
