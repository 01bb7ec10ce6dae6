#!/bin/sh
# `kizuna plan` rows are clipped to the asked range (docs/playlists.md, "kizuna plan"), in text,
# csv and json alike: no row starts before --from or ends after --to, each zone's first row
# starts at --from and its last ends at --to, and rows touch. Two ranges of the demo playlists:
#  - 10 January 2025, a whole day: zone ticker has been on standby since 2025-01-08 and stays
#    so until 2025-02-01; that slot is listed once, from 00:00 to the next 00:00;
#  - 2025-02-01 10:00:03 .. 11:00:07, times that fall inside items, clipped at both ends.
set -eu
B=${KZ_BUILD:-build}
export KIZUNA_PLUGINS=$B/plugins
sh tools/make-demo-media.sh build/content >/dev/null
CFG=tests/golden/demo/player.ini
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# check_range ARG_FROM ARG_TO FROM TO: FROM and TO are the instants as the plan prints them
check_range() {
    for fmt in text csv json; do
        "$B/kizuna" plan --config "$CFG" --from "$1" --to "$2" --format $fmt --quiet \
            >"$tmp/p.$fmt"
    done
    # all three as "start end zone" lines, csv and json with the item (the demo is in
    # Asia/Tokyo, no DST: the strings compare as times). The text timeline is the block under
    # its "start end" header.
    awk '$1 == "start" && $2 == "end" { s = 1; next } s && $0 == "" { exit }
         s { print $1, $2, $3 }' "$tmp/p.text" >"$tmp/text.rows"
    awk -F, 'NR > 1 && $0 == "" { exit }
             NR > 1 { print $1, $2, $3, ($5 == "" ? "(standby)" : $5) }' \
        "$tmp/p.csv" >"$tmp/csv.rows"
    python3 -c 'import json, sys
for s in json.load(open(sys.argv[1]))["slots"]:
    print(s["start"], s["end"], s["zone"], s["item"] or "(standby)")' "$tmp/p.json" \
        >"$tmp/json.rows"
    for fmt in text csv json; do
        awk -v from="$3" -v to="$4" -v fmt=$fmt '
            { n++ }
            $1 < from || $2 > to || $1 >= $2 { print fmt ": outside the range: " $0; bad = 1 }
            !($3 in last) && $1 != from { print fmt ": zone " $3 " starts at " $1; bad = 1 }
            ($3 in last) && last[$3] != $1 { print fmt ": gap or overlap before " $0; bad = 1 }
            { last[$3] = $2 }
            END { for (z in last) { nz++
                      if (last[z] != to) { print fmt ": zone " z " ends at " last[z]; bad = 1 } }
                  print fmt ": " n " rows in " nz " zones" (bad ? "" : ", all within " from " .. " to)
                  exit bad || n < 2 || nz != 3 }' "$tmp/$fmt.rows"
    done
    cut -d' ' -f1-3 "$tmp/csv.rows" | cmp -s "$tmp/text.rows" - || { echo "text and csv rows differ"; exit 1; }
    cmp -s "$tmp/csv.rows" "$tmp/json.rows" || { echo "csv and json rows differ"; exit 1; }
}

check_range 2025-01-10 2025-01-10 2025-01-10T00:00:00+09:00 2025-01-11T00:00:00+09:00
grep -qx '2025-01-10T00:00:00+09:00 2025-01-11T00:00:00+09:00 ticker (standby)' "$tmp/csv.rows" ||
    { echo "ticker's standby slot is not listed as the whole of 10 January"; exit 1; }
check_range 2025-02-01T10:00:03+09:00 2025-02-01T11:00:07+09:00 \
    2025-02-01T10:00:03+09:00 2025-02-01T11:00:07+09:00

# Plays belong to the range their slot starts in (the part cut off by --from was counted by the
# plan before it): the plays of two adjacent ranges add up to those of the whole, per zone and
# campaign, and each total is the sum of its days.
plays() { # FROM TO -> "zone|campaign plays" lines of the totals, sorted
    "$B/kizuna" plan --config "$CFG" --from "$1" --to "$2" --format csv --quiet >"$tmp/t.csv"
    awk -F, '/^day,zone,campaign/ { d = 1; next } /^zone,campaign,plays/ { t = 1; next }
             $0 == "" { t = 0 }
             t { k = $1 "|" $2; gsub(/ /, "_", k); tot[k] = $3 }
             d { k = $2 "|" $3; gsub(/ /, "_", k); day[k] += $4 }
             END { for (k in tot) { print k, tot[k]
                   if (tot[k] != day[k] + 0) {
                       print k ": total " tot[k] " != days " day[k] > "/dev/stderr"; exit 1 } } }' \
        "$tmp/t.csv" | sort
}
A=2025-02-01T10:00:03+09:00 M=2025-02-01T10:31:07+09:00 Z=2025-02-01T12:00:00+09:00
plays $A $M >"$tmp/a"; plays $M $Z >"$tmp/b"; plays $A $Z >"$tmp/whole"
sort "$tmp/a" "$tmp/b" | awk '{ n[$1] += $NF } END { for (k in n) print k, n[k] }' |
    sort >"$tmp/sum"
cmp -s "$tmp/sum" "$tmp/whole" || { echo "plays of $A..$M and $M..$Z:"; cat "$tmp/sum";
    echo "plays of $A..$Z:"; cat "$tmp/whole"; exit 1; }
echo "plays: $A..$M + $M..$Z = $A..$Z:" $(awk '$NF > 0' "$tmp/whole" | tr '\n' ';')
echo ok
