#!/bin/sh
# `kizuna plan` gives the same bytes as before its walk was made faster (docs/performance.md,
# "kizuna plan"): a generated set of 6 playlists x 30 items (tools/gen-plan-set.sh) planned over
# a midnight in Asia/Tokyo in every format, and over the spring and autumn changes in
# Europe/Berlin, against the outputs in tests/schedule/plan-same/ (written by the build before
# the change; tools/plan-compare.sh compares two builds over larger sets and the demo).
# PLAN_SAME_WRITE=1 rewrites the references: only from a build known to be right.
set -eu
B=${KZ_BUILD:-build}
export KIZUNA_PLUGINS=$PWD/$B/plugins
REF=tests/schedule/plan-same
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sh tools/gen-plan-set.sh "$tmp/tokyo" 6 30
cp -r "$tmp/tokyo" "$tmp/berlin"
sed -i 's|^timezone = .*|timezone = Europe/Berlin|' "$tmp/berlin/player.ini"

bad=0
one() { # NAME CONFIG FROM TO FORMAT
    "$B/kizuna" plan --config "$tmp/$2/player.ini" --from "$3" --to "$4" --format "$5" \
        --out "$tmp/$1" --quiet 2>/dev/null
    if [ -n "${PLAN_SAME_WRITE:-}" ]; then cp "$tmp/$1" "$REF/$1"; fi
    if cmp -s "$tmp/$1" "$REF/$1"; then
        echo "same: $1 ($(wc -l <"$tmp/$1") lines)"
    else
        echo "DIFFERS: $1: plan --from $3 --to $4 --format $5"
        diff "$REF/$1" "$tmp/$1" | head -10
        bad=1
    fi
}
for f in csv text json html; do
    one tokyo-midnight.$f tokyo 2025-02-03T22:30:00+09:00 2025-02-04T01:30:00+09:00 $f
done
one berlin-spring.csv berlin 2025-03-30T00:30:00+01:00 2025-03-30T04:00:00+02:00 csv
one berlin-autumn.csv berlin 2025-10-26T01:30:00+02:00 2025-10-26T03:30:00+01:00 csv
[ $bad = 0 ] && echo ok
exit $bad
