#!/bin/sh
# Compares `kizuna plan` (every format) and `kizuna check` between two builds: the generated
# 1,000-item set over February 2025, the same set in two DST zones across their spring and
# autumn changes, the shipped demo over January to March 2025, and the schedule test cases.
# Any difference is printed and the script fails. Used when changing the timeline or the plan
# (the outputs must stay byte-identical).
# Usage: tools/plan-compare.sh OLD_KIZUNA NEW_KIZUNA  (plugins from $KIZUNA_PLUGINS or build/)
set -eu
old=$1
new=$2
export KIZUNA_PLUGINS=${KIZUNA_PLUGINS:-$PWD/build/plugins}
tmp=$(mktemp -d /tmp/kizuna-plan-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sh tools/gen-plan-set.sh "$tmp/gen" >/dev/null
for tz in Europe/Berlin America/New_York Australia/Lord_Howe; do
    d=$tmp/gen-$(echo "$tz" | tr / -)
    cp -r "$tmp/gen" "$d"
    sed -i "s|^timezone = .*|timezone = $tz|" "$d/player.ini"
done
sh tools/make-demo-media.sh build/content >/dev/null 2>&1 || true
bad=0
n=0
# one comparison: a config, --from, --to, a format
cmp_plan() {
    for b in old new; do
        eval bin=\$$b
        "$bin" plan --config "$1" --from "$2" --to "$3" --format "$4" --out "$tmp/$b.out" \
            --quiet 2>"$tmp/$b.err" || echo "exit $?" >>"$tmp/$b.out"
    done
    n=$((n + 1))
    if ! cmp -s "$tmp/old.out" "$tmp/new.out"; then
        echo "plan-compare: differs: plan --config $1 --from $2 --to $3 --format $4"
        diff "$tmp/old.out" "$tmp/new.out" | head -5
        bad=1
    fi
}
cmp_check() {
    for b in old new; do
        eval bin=\$$b
        "$bin" check --config "$@" >"$tmp/$b.out" 2>&1 || echo "exit $?" >>"$tmp/$b.out"
    done
    n=$((n + 1))
    cmp -s "$tmp/old.out" "$tmp/new.out" || {
        echo "plan-compare: differs: check --config $*"; diff "$tmp/old.out" "$tmp/new.out" | head -5
        bad=1; }
}
for f in csv text json html; do
    cmp_plan "$tmp/gen/player.ini" 2025-02-01 2025-02-28 $f
done
cmp_plan "$tmp/gen/player.ini" 2025-02-03T12:30:07+09:00 2025-02-05T18:59:59.5+09:00 csv
for d in "$tmp"/gen-*; do
    cmp_plan "$d/player.ini" 2025-03-20 2025-04-10 csv
    cmp_plan "$d/player.ini" 2025-09-25 2025-11-05 csv
    cmp_plan "$d/player.ini" 2025-03-30 2025-04-06 text
done
demo=tests/golden/demo/player.ini
for f in csv text json html; do
    cmp_plan $demo 2025-01-01 2025-03-31 $f
done
cmp_plan $demo 2025-01-27T15:11:00+09:00 2025-01-27T15:40:00+09:00 csv
for c in tests/schedule/kumamoto/player.ini tests/schedule/planrun/player.ini; do
    cmp_plan $c 2025-01-01 2025-03-31 csv
    cmp_plan $c 2025-01-20 2025-02-10 text
done
cmp_check "$tmp/gen/player.ini" --at 2025-02-01
cmp_check "$tmp/gen-Europe-Berlin/player.ini" --at 2025-03-01
cmp_check $demo --at 2025-01-20
cmp_check tests/schedule/kumamoto/player.ini --at 2025-01-20
[ $bad = 0 ] && echo "plan-compare: $n comparisons, all identical ($old vs $new)"
exit $bad
