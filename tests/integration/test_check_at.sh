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
# The ceremony's notice and countdown are two interrupts of one campaign sharing 15:10-15:30:
# a planned rotation, a warning; the demo passes its own check as of its own dates.
[ "$(cat "$tmp/jan.rc")" = 0 ] || { echo "the demo fails check --at 2025-01-20:"; grep error "$tmp/jan"; exit 1; }
grep -q "\[live\]: interrupt takes turns with the interrupt \[live-countdown\] (.*) of the same campaign 'handprint-unveiling' from 2025-01-27T15:10:00+09:00$" \
    "$tmp/jan" || { echo "no take-turns warning"; grep -i interrupt "$tmp/jan"; exit 1; }
echo "as of 2025-01-20: exit 0, the ceremony's two interrupts take turns (warning)"
# Interrupts of two campaigns in one window compete for the screen: an error.
mkdir -p "$tmp/two"
cat >"$tmp/two/player.ini" <<INI
[paths]
plugins = $PWD/$B/plugins
playlists = $tmp/two
content = $PWD/build/content
fonts = $PWD/fonts/fonts.ini
logs = $tmp/two/logs
INI
for c in a b; do
    printf '[playlist]\ncampaign = %s\n[alert-%s]\nplugin = color\ncolor = red\nduration = 5s\ndates = 2025-03-01\ntimes = 10:00-11:00\ninterrupt = yes\n' $c $c >"$tmp/two/$c.ini"
done
rc=0; "$B/kizuna" check --config "$tmp/two/player.ini" --at 2025-03-01 >"$tmp/two.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "a.ini:[0-9]*: \[alert-a\]: interrupt overlaps the interrupt \[alert-b\] (.*b.ini:[0-9]*) from 2025-03-01T10:00:00" "$tmp/two.out" ||
    { echo "two campaigns' interrupts (exit $rc):"; cat "$tmp/two.out"; exit 1; }
echo "two campaigns' interrupts in one window: error, exit 1"

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
