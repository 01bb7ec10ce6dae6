#!/bin/sh
# Confinement edges: a content root that is / or holds the configuration or the logs is a
# warning of kizuna check; a playlist that is a symlink to a file outside the playlist folder
# is refused with a message and never read (its lines are not quoted into the log), while a
# symlink within the folder is read.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/media" "$tmp/outside"
printf '[blue]\nplugin = color\ncolor = blue\nduration = 2s\n' >"$tmp/media/ok.part"
# content = / : confinement is off
kz_player_ini "$tmp/a" 320x180 "logs = $tmp/a/logs"
sed -i "s|^content = .*|content = /|" "$tmp/a/player.ini"
printf '[red]\nplugin = color\ncolor = red\nduration = 2s\n' >"$tmp/a/loop.ini"
"$KZ" check --config "$tmp/a/player.ini" >"$tmp/a.out" 2>&1 || true
grep -q "content = /: the root of the file system: items can show any file the player can read" \
    "$tmp/a.out" || { cat "$tmp/a.out"; exit 1; }
grep -q "1 warnings" "$tmp/a.out" || { cat "$tmp/a.out"; exit 1; }
# content = the folder of player.ini and the logs
kz_player_ini "$tmp/b" 320x180 "logs = $tmp/b/logs"
cp "$tmp/a/loop.ini" "$tmp/b/"
"$KZ" check --config "$tmp/b/player.ini" >"$tmp/b.out" 2>&1 || true
grep -q "content = $tmp/b contains the configuration (player.ini)" "$tmp/b.out" ||
    { cat "$tmp/b.out"; exit 1; }
grep -q "contains the logs (proof of play" "$tmp/b.out" || { cat "$tmp/b.out"; exit 1; }
# a content folder of its own: no warning
kz_player_ini "$tmp/c" 320x180 "logs = $tmp/c-logs"
sed -i "s|^content = .*|content = $tmp/media|" "$tmp/c/player.ini"
cp "$tmp/a/loop.ini" "$tmp/c/"
# ... and a playlist symlinked to a file outside, one to a file inside
printf '[secret]\nplugin = color\npassword = hunter2-not-for-the-log\n' >"$tmp/outside/secret.txt"
ln -s "$tmp/outside/secret.txt" "$tmp/c/leak.ini"
cp "$tmp/media/ok.part" "$tmp/c/inner.part"
ln -s inner.part "$tmp/c/inner.ini"
rc=0
"$KZ" check --config "$tmp/c/player.ini" >"$tmp/c.out" 2>&1 || rc=$?
cat "$tmp/c.out"
[ "$rc" -ne 0 ] || { echo "check accepted a playlist linked outside"; exit 1; }
grep -q "leak.ini: a symbolic link to $tmp/outside/secret.txt, outside the playlist folder" \
    "$tmp/c.out"
if grep -q "hunter2" "$tmp/c.out"; then echo "the linked file was read"; exit 1; fi
if grep -q "\[paths\] content" "$tmp/c.out"; then echo "a warning for a good root"; exit 1; fi
grep -q "2 playlists, 2 items, 2 playable" "$tmp/c.out"
# run refuses it too and plays the rest
"$KZ" run --config "$tmp/c/player.ini" --clock 2025-02-03T00:00:00+09:00 --speed 10 \
    --exit-after 1 --aired "$tmp/aired.tsv" >"$tmp/run.out" 2>&1 || { cat "$tmp/run.out"; exit 1; }
grep -q "leak.ini: a symbolic link to" "$tmp/run.out"
if grep -q "hunter2" "$tmp/run.out"; then echo "the linked file was read"; exit 1; fi
grep -q "inner/blue" "$tmp/aired.tsv"
grep -q "loop/red" "$tmp/aired.tsv"
echo "ok"
