#!/bin/sh
# kizuna check and a configuration file that is not a regular file: a FIFO named *.ini in the
# playlist folder must not hang check (nobody will ever write into it). It is refused with
# file:0 and a reason, and the other playlist is still checked; a FIFO as player.ini is
# refused the same way.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
kz_player_ini "$tmp/pl" 1280x720 "logs = $tmp/logs"
# The other playlist has a mistake of its own, so its being checked shows in the log.
cat >"$tmp/pl/a.ini" <<'INI'
[hello]
plugin   = notice
duration = 10s
title    = お知らせ
body     = 県庁は本日休みです。
no_such_key = 1
INI
mkfifo "$tmp/pl/b.ini"

run() { # expected exit code, config; the log goes to $tmp/log
    set +e
    timeout 20 "$KZ" check --config "$2" >"$tmp/out" 2>"$tmp/log"
    rc=$?
    set -e
    if [ "$rc" = 124 ]; then echo "check hung on a FIFO (killed after 20 s)"; exit 1; fi
    if [ "$rc" != "$1" ]; then echo "exit $rc, expected $1"; cat "$tmp/out" "$tmp/log"; exit 1; fi
}
expect() { grep -F -- "$1" "$tmp/log" >/dev/null || { echo "missing in log: $1"; cat "$tmp/log"; exit 1; }; }

# 1. A FIFO playlist: refused with its name, the real playlist still read.
run 1 "$tmp/pl/player.ini"
expect "$tmp/pl/b.ini:0: not a regular file (a FIFO"
expect "a.ini:6"
echo "ok: a FIFO playlist is refused without waiting, the other playlist is checked"

# 2. A FIFO as player.ini.
mkdir "$tmp/cf"
mkfifo "$tmp/cf/player.ini"
run 1 "$tmp/cf/player.ini"
expect "player.ini:0: not a regular file (a FIFO"
echo "ok: a FIFO player.ini is refused without waiting"

# 3. Media that is a FIFO: a notice's text_file and an image. Refused with the playlist's
# file:line and the reason, without waiting.
mkdir "$tmp/md"
kz_player_ini "$tmp/md" 1280x720 "logs = $tmp/logs"
mkfifo "$tmp/md/msg.txt" "$tmp/md/pic.png"
cat >"$tmp/md/m.ini" <<'INI'
[text]
plugin    = notice
duration  = 10s
text_file = msg.txt

[pic]
plugin   = image
duration = 10s
file     = pic.png
INI
run 1 "$tmp/md/player.ini"
expect "m.ini:4"
expect "msg.txt: not a regular file (a FIFO"
expect "m.ini:9"
expect "pic.png: not a regular file (a FIFO"
echo "ok: media that is a FIFO is refused with file:line, without waiting"

# 4. run with a FIFO playlist: the player starts and airs the real playlist.
cat >"$tmp/pl/a.ini" <<'INI'
[a]
plugin   = color
color    = #0050a0
duration = 1
INI
set +e
timeout 30 "$KZ" run --config "$tmp/pl/player.ini" --aired "$tmp/aired.tsv" --exit-after 3 \
    2>"$tmp/log"
rc=$?
set -e
if [ "$rc" = 124 ]; then echo "run hung on a FIFO playlist (killed after 30 s)"; exit 1; fi
expect "$tmp/pl/b.ini:0: not a regular file (a FIFO"
grep -q "	a/a	main$" "$tmp/aired.tsv" || { echo "run aired nothing"; cat "$tmp/log"; exit 1; }
echo "ok: run with a FIFO playlist airs the other playlist"

# 5. reload: a FIFO appears while playing and a real edit triggers a reload; the reload
# refuses it, the player keeps airing and still answers the next reload.
rm "$tmp/pl/b.ini" "$tmp/aired.tsv"
"$KZ" run --config "$tmp/pl/player.ini" --aired "$tmp/aired.tsv" --exit-after 30 \
    2>"$tmp/log" &
pid=$!
wait_for() { # PATTERN FILE SECONDS
    i=0
    while ! grep -q "$1" "$2" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le $(($3 * 10)) ] || { echo "timed out waiting for '$1' in $2"; cat "$tmp/log"; exit 1; }
        sleep 0.1
    done
}
wait_for "watching .* for playlist changes" "$tmp/log" 15
mkfifo "$tmp/pl/b.ini"
printf '[a]\nplugin = color\ncolor = #d7263d\nduration = 1\n' >"$tmp/pl/a.ini"
wait_for "b.ini:0: not a regular file (a FIFO" "$tmp/log" 10
n1=$(wc -l <"$tmp/aired.tsv"); sleep 2.5; n2=$(wc -l <"$tmp/aired.tsv")
[ "$n2" -gt "$n1" ] || { echo "nothing aired after the reload met a FIFO"; cat "$tmp/log"; exit 1; }
kill -0 $pid
rm "$tmp/pl/b.ini"
printf '[c]\nplugin = color\ncolor = #1b998b\nduration = 1\n' >"$tmp/pl/c.ini"
wait_for "	c/c	main$" "$tmp/aired.tsv" 10
kill $pid; wait $pid 2>/dev/null || true; pid=
echo "ok: a reload that meets a FIFO does not hang; the next reload is taken"
