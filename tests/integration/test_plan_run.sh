#!/bin/sh
# Plan = run: the player runs headless over a whole day with an accelerated clock and what it
# aired (--aired) is compared with `kizuna plan`, item by item: every aired slot is a planned
# slot (same start, end and item), and every planned slot long enough to be seen at this speed
# (4 frames) within the run was aired. Case: tests/schedule/planrun (weights, a campaign, a
# priority window cut mid-item, an interrupt, a window across midnight, a second zone).
set -eu
B=${KZ_BUILD:-build}
KZ=$B/kizuna
export KIZUNA_PLUGINS=$B/plugins SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=software
CASE=tests/schedule/planrun/player.ini
SPEED=2160          # a day in 40 s
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$KZ" run --config "$CASE" --clock 2025-02-03T00:00:00+09:00 --speed $SPEED --exit-after 41 \
    --aired "$tmp/aired.tsv" 2>"$tmp/run.log" || { tail -n 20 "$tmp/run.log"; exit 1; }
"$KZ" plan --config "$CASE" --from 2025-02-03 --to 2025-02-04 --format csv --quiet >"$tmp/plan.csv"

# planned slots as "start<TAB>end<TAB>item<TAB>zone" (the --aired format), standby left out
awk -F, 'NR > 1 && $0 == "" { exit } NR > 1 && $5 != "" { print $1 "\t" $2 "\t" $5 "\t" $3 }' \
    "$tmp/plan.csv" >"$tmp/plan.tsv"
n_aired=$(wc -l <"$tmp/aired.tsv"); n_plan=$(wc -l <"$tmp/plan.tsv")
echo "aired $n_aired slots; planned $n_plan slots over two days"
[ "$n_aired" -ge 200 ] || { echo "too few slots aired"; tail -n 20 "$tmp/run.log"; exit 1; }

# 1. every aired slot is in the plan, exactly
if grep -Fxv -f "$tmp/plan.tsv" "$tmp/aired.tsv" >"$tmp/extra"; then
    echo "aired but not planned:"; head -n 10 "$tmp/extra"; exit 1
fi

# 2. every planned slot between the first and the last aired start, lasting at least 4 frames
#    of real time at this speed, was aired (shorter ones may fall between two frames)
first=$(head -n 1 "$tmp/aired.tsv" | cut -f1); last=$(tail -n 1 "$tmp/aired.tsv" | cut -f1)
min=$((4 * SPEED / 60))
awk -F'\t' -v first="$first" -v last="$last" -v min="$min" '
    function secs(t) { # 2025-02-03T09:05:00+09:00 -> seconds, days counted from the 3rd
        return (substr(t, 9, 2) - 3) * 86400 + substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + substr(t, 18, 2)
    }
    $1 >= first && $1 <= last && secs($2) - secs($1) >= min { print }' "$tmp/plan.tsv" >"$tmp/must"
if grep -Fxv -f "$tmp/aired.tsv" "$tmp/must" >"$tmp/missing"; then
    echo "planned (>= $min s) but not aired:"; head -n 10 "$tmp/missing"; exit 1
fi
echo "first $first, last $last: $(wc -l <"$tmp/must") planned slots of >= $min s, all aired"
case "$first" in 2025-02-03T00:0*) ;; *) echo "the run started late: $first"; exit 1 ;; esac
case "$last" in 2025-02-04T*) ;; *) echo "the run did not reach the next day: $last"; exit 1 ;; esac
# the interrupt started at once, the priority window was cut at its end
grep -q "^2025-02-03T11:11:00+09:00	2025-02-03T11:21:00+09:00	notice/drill	main$" "$tmp/aired.tsv"
grep -q "	2025-02-03T17:07:00+09:00	campaign/library-panel	main$" "$tmp/aired.tsv"
echo ok
