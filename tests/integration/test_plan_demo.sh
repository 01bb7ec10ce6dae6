#!/bin/sh
# The shipped demo playlists against the seed's dates, through `kizuna plan` (the plan is what
# the player airs, see test_plan_run.sh): the barrier-free town month is on air in zone main on
# every day of 1-28 February 2025 and not on 1 March; nothing of the handprint unveiling airs
# after 2025-01-27 15:30 JST, and its ceremony notice (an interrupt) is on air 15:10-15:30.
set -eu
B=${KZ_BUILD:-build}
export KIZUNA_PLUGINS=$B/plugins
sh tools/make-demo-media.sh build/content >/dev/null
CFG=tests/golden/demo/player.ini
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$B/kizuna" plan --config "$CFG" --from 2025-02-01 --to 2025-03-01 --format csv --quiet >"$tmp/feb.csv"
# the per-day section: day,zone,campaign,plays,airtime_s
days=$(awk -F, '/^day,zone,campaign/ { s = 1; next } s && $2 == "main" && $3 == "barrier-free-month" && $4 > 0 { print $1 }' \
    "$tmp/feb.csv" | sort -u)
n=$(echo "$days" | grep -c '^2025-02-')
echo "barrier-free-month on air in zone main on $n days of February"
[ "$n" = 28 ] || { echo "$days"; exit 1; }
! echo "$days" | grep -q '^2025-03-01' || { echo "barrier-free-month on 1 March"; exit 1; }

"$B/kizuna" plan --config "$CFG" --from 2025-01-20 --to 2025-01-31 --format csv --quiet >"$tmp/jan.csv"
awk -F, '$0 == "" { exit } NR > 1 && $6 == "handprint-unveiling" { n++; if ($2 > last) last = $2 }
    END { print n " handprint-unveiling slots, the last ends " last
          exit !(n > 0 && last == "2025-01-27T15:30:00+09:00") }' "$tmp/jan.csv"
# the ceremony: from 15:10:00 sharp to 15:30:00 only interrupts of the campaign in zone main
awk -F, '$0 == "" { exit }
    NR > 1 && $3 == "main" && $1 < "2025-01-27T15:30:00+09:00" && $2 > "2025-01-27T15:10:00+09:00" {
        if ($6 != "handprint-unveiling" || $1 < "2025-01-27T15:10:00+09:00") { print "during the ceremony: " $0; bad = 1 } }
    END { exit bad }' "$tmp/jan.csv"
grep -q '^2025-01-27T15:10:00+09:00,[^,]*,main,10-handprint-unveiling,' "$tmp/jan.csv"

# the other formats: JSON parses and has the same slots; the HTML page stands alone
"$B/kizuna" plan --config "$CFG" --from 2025-01-27 --to 2025-01-27 --format json --quiet >"$tmp/day.json"
"$B/kizuna" plan --config "$CFG" --from 2025-01-27 --to 2025-01-27 --format csv --quiet >"$tmp/day.csv"
if command -v python3 >/dev/null 2>&1; then
    want=$(awk -F, '$0 == "" { exit } NR > 1 { n++ } END { print n }' "$tmp/day.csv")
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); n = len(d["slots"]); \
print("json:", n, "slots"); sys.exit(n != int(sys.argv[2]) or d["timezone"] != "Asia/Tokyo")' \
        "$tmp/day.json" "$want"
fi
"$B/kizuna" plan --config "$CFG" --from 2025-01-27 --to 2025-02-02 --format html --out "$tmp/p.html" --quiet
grep -q '<table class="cal">' "$tmp/p.html"
! grep -Eiq '(src|href)=|url\(|@import|<script|<link' "$tmp/p.html"
echo ok
