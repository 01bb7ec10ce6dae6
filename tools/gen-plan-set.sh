#!/bin/sh
# Writes a playlist set for timing and comparing `kizuna plan`: NPL playlists of NITEMS colour
# slides of 10-40 s (default 20 x 50 = 1,000 items), with campaigns, weights, priorities, date
# ranges, day lists, windows and a few interrupts, and DIR/player.ini (Asia/Tokyo).
# Usage: tools/gen-plan-set.sh DIR [NPL [NITEMS]]. The same arguments give the same files.
# (pl00's first item has its times key twice on purpose: the duplicate is reported and
# ignored, as in any operator's file.)
set -eu
dir=$1
npl=${2:-20}
nitems=${3:-50}
mkdir -p "$dir"
cat >"$dir/player.ini" <<INI
[paths]
playlists = .
content = .
fonts = $PWD/fonts/fonts.ini
[player]
timezone = Asia/Tokyo
INI
awk -v dir="$dir" -v npl="$npl" -v nitems="$nitems" 'BEGIN {
    srand(7)
    for (p = 0; p < npl; p++) {
        f = sprintf("%s/pl%02d.ini", dir, p)
        printf "[playlist]\ncampaign = c%02d\n", p % 12 >f
        if (p % 4 == 1) printf "dates = 2025-02-%02d..2025-02-%02d\n", 1 + p % 10, 15 + p % 13 >f
        if (p % 5 == 2) printf "days = mon..fri\n" >f
        if (p % 6 == 3) printf "priority = 1\ntimes = 12:00-13:00, 18:00-19:30\n" >f
        for (i = 0; i < nitems; i++) {
            printf "\n[i%03d]\nplugin = color\ncolor = #%06x\nduration = %d\nweight = %d\n", i,
                int(rand() * 16777215), 10 + int(rand() * 31), 1 + int(rand() * 3) >f
            if (i % 7 == 0) printf "times = %02d:00-%02d:30\n", 6 + i % 12, 14 + i % 9 >f
            if (p == 0 && i < 2) printf "interrupt = yes\ntimes = %02d:00-%02d:05\n", 9 + 6 * i, 9 + 6 * i >f
        }
        close(f)
    }
}'
