#!/bin/sh
# `kizuna check --at DATE` judges the schedule as of that day, and "its dates are all in the
# past" is one line per campaign, not one per item (docs/playlists.md, "kizuna check"). The
# demo playlists (handprint unveiling 20-27 January 2025; barrier-free month every February,
# two of its items with 2025 dates; Heartful Pass February 2025):
#  - as of 2025-01-20, the demo's first day: no past-dates warning;
#  - as of 2025-02-03: one, for handprint-unveiling (over on 2025-01-27), naming its 6 items;
#  - as of today (after February 2025): one line for each of the three campaigns, none per item;
#    --verbose adds the detail, one line per item (11).
set -eu
B=${KZ_BUILD:-build}
export KIZUNA_PLUGINS=$B/plugins
sh tools/make-demo-media.sh build/content >/dev/null
CFG=tests/golden/demo/player.ini
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check() { # OUT ARGS...: stdout and stderr of kizuna check into OUT; its status in OUT.rc
    out=$1; shift
    rc=0; "$B/kizuna" check --config "$CFG" "$@" >"$out" 2>&1 || rc=$?
    echo $rc >"$out.rc"
}
past() { grep -F "all in the past" "$1" || true; }

check "$tmp/jan" --at 2025-01-20
[ -z "$(past "$tmp/jan")" ] || { echo "as of 2025-01-20:"; past "$tmp/jan"; exit 1; }
grep -q "(the schedule as of 2025-01-20T00:00:00+09:00)$" "$tmp/jan" ||
    { tail -n 3 "$tmp/jan"; exit 1; }
echo "as of 2025-01-20: no past-dates warning"

check "$tmp/feb" --at 2025-02-03
past "$tmp/feb" >"$tmp/feb.past"
[ "$(wc -l <"$tmp/feb.past")" = 1 ] &&
    grep -q "10-handprint-unveiling.ini:[0-9]*: campaign 'handprint-unveiling': its dates are all in the past (last day 2025-01-27; 6 items)$" \
        "$tmp/feb.past" || { echo "as of 2025-02-03:"; cat "$tmp/feb.past"; exit 1; }
[ "$(cat "$tmp/feb.rc")" = 0 ] || { echo "check --at 2025-02-03 failed"; tail "$tmp/feb"; exit 1; }
echo "as of 2025-02-03: $(cut -d' ' -f3- "$tmp/feb.past")"

check "$tmp/now"
past "$tmp/now" >"$tmp/now.past"
sed -n "s/.*: campaign '\([^']*\)': .*/\1/p" "$tmp/now.past" | sort >"$tmp/now.names"
printf '%s\n' barrier-free-month handprint-unveiling heartful-pass >"$tmp/want"
[ "$(wc -l <"$tmp/now.past")" = 3 ] && cmp -s "$tmp/now.names" "$tmp/want" ||
    { echo "as of today:"; cat "$tmp/now.past"; exit 1; }
grep -q "campaign 'barrier-free-month': 2 of its 9 items have dates all in the past (last day 2025-02-27): \[panels\], \[panels-library\]$" \
    "$tmp/now.past" || { cat "$tmp/now.past"; exit 1; }
echo "as of today: one line each for $(tr '\n' ' ' <"$tmp/now.names")"

check "$tmp/verbose" --verbose
n=$(grep -c "\]: its dates are all in the past (last day 2025-0" "$tmp/verbose" || true)
[ "$n" = 11 ] || { echo "--verbose: $n item lines, want 11"; exit 1; }
echo "--verbose: the 11 items, one line each"

"$B/kizuna" check --config "$CFG" --at 2025-02-03 --format json --quiet >"$tmp/j" 2>/dev/null
grep -q '"at":"2025-02-03T00:00:00+09:00"}$' "$tmp/j" || { cat "$tmp/j"; exit 1; }
for bad in 2025-02-30 tomorrow; do
    check "$tmp/bad" --at $bad
    [ "$(cat "$tmp/bad.rc")" = 2 ] && grep -q "^kizuna check: --at $bad: " "$tmp/bad" ||
        { echo "--at $bad:"; cat "$tmp/bad"; exit 1; }
done
echo ok
