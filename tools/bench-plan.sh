#!/bin/sh
# kizuna plan over 28 days with 1,000 items (colour slides of 10-40 s in 20 playlists, with
# campaigns, weights, priorities, date ranges, day lists, windows and a few interrupts).
# Prints the wall time and the timeline entries (slots) written per second; results also in
# build/bench/plan.txt. Exact command: kizuna plan --config DIR/player.ini --from 2025-02-01
# --to 2025-02-28 --format csv --out /dev/null
set -eu
B=${KZ_BUILD:-build}
KZ=$B/kizuna
export KIZUNA_PLUGINS=$B/plugins
dir=${BENCH_DIR:-$(mktemp -d)}; [ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT; mkdir -p "$dir"
cat >"$dir/player.ini" <<INI
[paths]
playlists = .
content = .
fonts = $PWD/fonts/fonts.ini
[player]
timezone = Asia/Tokyo
INI
awk -v dir="$dir" 'BEGIN {
    srand(7)
    for (p = 0; p < 20; p++) {
        f = sprintf("%s/pl%02d.ini", dir, p)
        printf "[playlist]\ncampaign = c%02d\n", p % 12 >f
        if (p % 4 == 1) printf "dates = 2025-02-%02d..2025-02-%02d\n", 1 + p % 10, 15 + p % 13 >f
        if (p % 5 == 2) printf "days = mon..fri\n" >f
        if (p % 6 == 3) printf "priority = 1\ntimes = 12:00-13:00, 18:00-19:30\n" >f
        for (i = 0; i < 50; i++) {
            printf "\n[i%03d]\nplugin = color\ncolor = #%06x\nduration = %d\nweight = %d\n", i,
                int(rand() * 16777215), 10 + int(rand() * 31), 1 + int(rand() * 3) >f
            if (i % 7 == 0) printf "times = %02d:00-%02d:30\n", 6 + i % 12, 14 + i % 9 >f
            if (p == 0 && i < 2) printf "interrupt = yes\ntimes = %02d:00-%02d:05\n", 9 + 6 * i, 9 + 6 * i >f
        }
        close(f)
    }
}'
items=$(grep -c '^\[i' "$dir"/pl*.ini | awk -F: '{ n += $2 } END { print n }')
start=$(date +%s.%N)
"$KZ" plan --config "$dir/player.ini" --from 2025-02-01 --to 2025-02-28 --format csv \
    --out "$dir/plan.csv" --quiet
end=$(date +%s.%N)
slots=$(awk -F, 'NR > 1 && $0 == "" { exit } NR > 1 { n++ } END { print n }' "$dir/plan.csv")
mkdir -p build/bench
awk -v s="$start" -v e="$end" -v n="$slots" -v items="$items" 'BEGIN {
    t = e - s
    printf "plan: %d items, 28 days: %d slots in %.2f s: %.0f slots/s (%.0f item-days/s)\n",
        items, n, t, n / t, items * 28 / t
}' | tee build/bench/plan.txt
