#!/bin/sh
# Hot reload while playing (inotify, no signal): editor temp files do nothing; a broken edit
# keeps the last good playlists on air and logs file:line; a half-written file is not loaded
# until it is closed; good edits are picked up at the next item boundary, interrupts at once.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
kz_player_ini "$tmp/pl" 160x90
printf '[a]\nplugin = color\ncolor = #0050a0\nduration = 1\n' >"$tmp/pl/a.ini"

# wait_for PATTERN FILE SECONDS
wait_for() {
    i=0
    while ! grep -q "$1" "$2" 2>/dev/null; do
        i=$((i + 1)); [ $i -le $(($3 * 10)) ] || { echo "timed out waiting for '$1' in $2"; return 1; }
        sleep 0.1
    done
}
reloads() { grep -c "reloading playlists" "$tmp/log" || true; }

"$KZ" run --config "$tmp/pl/player.ini" --aired "$tmp/aired.tsv" --exit-after 30 2>"$tmp/log" &
pid=$!
wait_for "	a/a	main$" "$tmp/aired.tsv" 10
wait_for "watching .* for playlist changes" "$tmp/log" 5

echo "1. editor files: no reload"
printf 'junk' >"$tmp/pl/.a.ini.swp"; printf 'junk' >"$tmp/pl/a.ini~"; printf 'junk' >"$tmp/pl/#a.ini#"
printf 'junk' >"$tmp/pl/a.ini.tmp"; printf 'junk' >"$tmp/pl/4913"
sleep 1.5
[ "$(reloads)" = 0 ] || { echo "an editor file caused a reload"; cat "$tmp/log"; exit 1; }

echo "2. broken edit: logged with file:line, the last good model stays on air"
printf '[b]\nplugin = color\ndates = 2025-02-30\nduration = 1\n' >"$tmp/pl/b.ini"
wait_for "b.ini:3: dates: 2025-02-30 is not a date" "$tmp/log" 5
wait_for "the last good playlists stay on air" "$tmp/log" 5
n1=$(wc -l <"$tmp/aired.tsv"); sleep 2.5; n2=$(wc -l <"$tmp/aired.tsv")
[ "$n2" -gt "$n1" ] || { echo "nothing aired after the broken edit"; exit 1; }
kill -0 $pid
! grep -q "	b/b	main$" "$tmp/aired.tsv"

echo "3. the fix is picked up"
printf '[b]\nplugin = color\ncolor = #d7263d\ndates = 2025-02-28..2099-12-31\nduration = 1\n' >"$tmp/pl/b.ini"
wait_for "	b/b	main$" "$tmp/aired.tsv" 6

echo "4. a half-written file is not loaded before it is closed"
before=$(reloads)
exec 3>"$tmp/pl/c.ini"
printf '[c]\nplugin = color\n' >&3
sleep 2
[ "$(reloads)" = "$before" ] || { echo "reloaded a file still being written"; cat "$tmp/log"; exit 1; }
printf 'color = #1b998b\nduration = 1\n' >&3
exec 3>&-
wait_for "	c/c	main$" "$tmp/aired.tsv" 6
[ "$(reloads)" = $((before + 1)) ] || { echo "expected exactly one reload for c.ini"; exit 1; }

echo "5. an interrupt added by an edit pre-empts at once, not at the end of the item on air"
before=$(reloads)
rm "$tmp/pl/b.ini" "$tmp/pl/c.ini"
printf '[a]\nplugin = color\ncolor = #0050a0\nduration = 10m\n' >"$tmp/pl/a.ini"
i=0; while [ "$(reloads)" = "$before" ]; do i=$((i + 1)); [ $i -le 60 ] || exit 1; sleep 0.1; done
sleep 0.5
printf '[i]\nplugin = color\ncolor = #ffd700\ninterrupt = yes\ntimes = 00:00-24:00\nduration = 1\n' \
    >"$tmp/pl/i.ini"
wait_for "	i/i	main$" "$tmp/aired.tsv" 3
grep -q "playlists changed: reloading now" "$tmp/log"

echo "6. every aired slot is well formed (a reload may start mid-slot: the timeline is pure)"
awk -F'\t' '$2 <= $1 || NF < 3 { print "bad line " NR ": " $0; bad = 1 } END { exit bad }' "$tmp/aired.tsv"
kill -TERM $pid; wait $pid; pid=
grep -q "stopped after" "$tmp/log"
! grep -q "AddressSanitizer" "$tmp/log"
echo ok
