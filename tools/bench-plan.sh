#!/bin/sh
# kizuna plan over 28 days with 1,000 items (tools/gen-plan-set.sh: colour slides of 10-40 s
# in 20 playlists, with campaigns, weights, priorities, date ranges, day lists, windows and a
# few interrupts). BENCH_RUNS (default 5, at least 3) alternating runs of:
#   the plan:   kizuna plan --config DIR/player.ini --from 2025-02-01 --to 2025-02-28
#               --format csv --out DIR/plan.csv --quiet
#   the floor:  kizuna --version (the same executable and libraries, no work: what starting a
#               process linked with FFmpeg and SDL costs on this box)
#   a reference build, when BENCH_PLAN_REF=/path/to/old/kizuna is set: the same plan, whose
#               output must be byte-identical (the bench fails otherwise)
# Prints the medians (wall and user+sys CPU), the plan minus the floor, and the median of the
# per-run ratios plan / reference. Results also in build/bench/plan.txt.
set -eu
B=${KZ_BUILD:-build}
KZ=$B/kizuna
REF=${BENCH_PLAN_REF:-}
RUNS=${BENCH_RUNS:-5}
[ "$RUNS" -ge 3 ] || RUNS=3
export KIZUNA_PLUGINS=$B/plugins
dir=${BENCH_DIR:-$(mktemp -d)}; [ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT; mkdir -p "$dir"
sh tools/gen-plan-set.sh "$dir" >/dev/null
items=$(grep -c '^\[i' "$dir"/pl*.ini | awk -F: '{ n += $2 } END { print n }')
: >"$dir/times"
timed() { # KIND CMD...: one line "KIND wall cpu" into $dir/times
    kind=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$dir/t" "$@" >/dev/null 2>"$dir/err" ||
        { cat "$dir/err"; echo "bench-plan: $kind failed"; exit 1; }
    awk -v k="$kind" '{ printf "%s %s %.3f\n", k, $1, $2 + $3 }' "$dir/t" >>"$dir/times"
}
plan() { # BIN OUT
    timed "$3" "$1" plan --config "$dir/player.ini" --from 2025-02-01 --to 2025-02-28 \
        --format csv --out "$2" --quiet
}
r=0
while [ $r -lt "$RUNS" ]; do
    # rotate the order so that no kind always runs first after a pause
    case $((r % 3)) in
    0) plan "$KZ" "$dir/plan.csv" plan; timed floor "$KZ" --version
       [ -z "$REF" ] || plan "$REF" "$dir/ref.csv" ref ;;
    1) timed floor "$KZ" --version; [ -z "$REF" ] || plan "$REF" "$dir/ref.csv" ref
       plan "$KZ" "$dir/plan.csv" plan ;;
    2) [ -z "$REF" ] || plan "$REF" "$dir/ref.csv" ref; plan "$KZ" "$dir/plan.csv" plan
       timed floor "$KZ" --version ;;
    esac
    if [ -n "$REF" ] && ! cmp -s "$dir/plan.csv" "$dir/ref.csv"; then
        echo "bench-plan: the plan differs from the reference build's ($REF)"; exit 1
    fi
    r=$((r + 1))
done
slots=$(awk -F, 'NR > 1 && $0 == "" { exit } NR > 1 { n++ } END { print n }' "$dir/plan.csv")
mkdir -p build/bench
awk -v items="$items" -v slots="$slots" -v runs="$RUNS" -v ref="$REF" '
function sort(v, n,   i, j, t) {
    for (i = 1; i <= n; i++)
        for (j = i + 1; j <= n; j++)
            if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
}
function med(kind, col,   n, i, v) {
    n = 0
    for (i = 1; i <= NR; i++)
        if (k[i] == kind) v[++n] = (col == 2 ? w[i] : c[i])
    sort(v, n)
    return n ? v[int((n + 1) / 2)] : 0
}
{ k[NR] = $1; w[NR] = $2; c[NR] = $3 }
END {
    pw = med("plan", 2); pc = med("plan", 3); fw = med("floor", 2); fc = med("floor", 3)
    printf "bench-plan: %d items, 28 days, %d slots, %d runs: ", items, slots, runs
    printf "kizuna plan median %.2f s wall, %.2f CPU-s\n", pw, pc
    printf "bench-plan: start-up floor (kizuna --version) median %.2f s wall, %.2f CPU-s\n",
        fw, fc
    printf "bench-plan: the plan above the floor: %.2f s wall, %.2f CPU-s ", pw - fw, pc - fc
    printf "(target: the whole command < 0.1 s)\n"
    if (ref == "") exit
    # per-run ratios: the i-th plan run against the i-th reference run
    np = nr = 0
    for (i = 1; i <= NR; i++) {
        if (k[i] == "plan") { np++; pwv[np] = w[i]; pcv[np] = c[i] }
        if (k[i] == "ref") { nr++; rwv[nr] = w[i]; rcv[nr] = c[i] }
    }
    for (i = 1; i <= np; i++) {
        rw[i] = rwv[i] > 0 ? pwv[i] / rwv[i] : 0
        rc[i] = rcv[i] > 0 ? pcv[i] / rcv[i] : 0
    }
    sort(rw, np); sort(rc, np)
    printf "bench-plan: reference %s median %.2f s wall, %.2f CPU-s; ", ref, med("ref", 2),
        med("ref", 3)
    printf "plan / reference (median of per-run ratios): %.2fx wall, %.2fx CPU; same output\n",
        rw[int((np + 1) / 2)], rc[int((np + 1) / 2)]
}' "$dir/times" | tee build/bench/plan.txt
echo "bench-plan: command: $KZ plan --config DIR/player.ini --from 2025-02-01" \
    "--to 2025-02-28 --format csv --out DIR/plan.csv (DIR: tools/gen-plan-set.sh)"
