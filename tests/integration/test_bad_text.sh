#!/bin/sh
# kizuna check and text keys that cannot be drawn as written: a title of a megabyte, bytes
# that are not UTF-8, ruby markup that does not close. Each is refused with the key's
# file:line and the item is skipped; the good item beside them stays playable. The same
# playlist is run for a moment: the good item airs, the player does not stall.
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
kz_player_ini "$tmp/pl" 640x360 "logs = $tmp/logs"
{
    printf '[good]\nplugin = notice\nduration = 5s\ntitle = {熊本|くまもと}のお知らせ\n'
    printf 'body = 一行目\n  \\{括弧\\} は文字\n\n'                                  # 1-7
    printf '[ruby]\nplugin = notice\nduration = 5s\ntitle = お知らせ\nbody = 一行目\n'
    printf '  {漢字かな の説明\n\n'                                                    # 8-14
    printf '[close]\nplugin = notice\nduration = 5s\ntitle = お知らせ}\n\n'            # 15-19
    printf '[utf8]\nplugin = notice\nduration = 5s\ntitle = \347\206\212\377\376\n\n' # 20-24
    printf '[big]\nplugin = notice\nduration = 5s\ntitle = '                          # 25-28
    head -c 1048576 /dev/zero | tr '\0' 'x'
    printf '\n'
} >"$tmp/pl/t.ini"

set +e
timeout 60 "$KZ" check --config "$tmp/pl/player.ini" >"$tmp/out" 2>"$tmp/log"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "check exit $rc, expected 1"; cat "$tmp/out" "$tmp/log" | cut -c1-300; exit 1; }
expect() { grep -F -- "$1" "$tmp/log" >/dev/null || { echo "missing in log: $1"; cut -c1-300 "$tmp/log"; exit 1; }; }
expect "t.ini:13: [ruby] body: '{' starts a ruby with no '|reading}' after it on its line"
expect "t.ini:18: [close] title: '}' closes no ruby"
expect "t.ini:23: [utf8] title: invalid UTF-8 (save the file as UTF-8): byte 0xFF"
expect "t.ini:28: [big] title: 1048576 bytes, more than a text may have (65536); skipped"
grep -q "5 items, 1 playable" "$tmp/out" || { echo "expected only [good] playable"; cat "$tmp/out"; exit 1; }
! grep -F "[good]" "$tmp/log" | grep -q error || { echo "[good] was refused"; cat "$tmp/log"; exit 1; }
echo "ok: bad texts are refused with file:line, the good item stays playable"

set +e
timeout 60 "$KZ" run --config "$tmp/pl/player.ini" --aired "$tmp/aired.tsv" --exit-after 2 \
    2>"$tmp/log"
rc=$?
set -e
[ "$rc" != 124 ] || { echo "run hung"; exit 1; }
grep -q "	t/good	main$" "$tmp/aired.tsv" || { echo "the good item did not air"; cut -c1-300 "$tmp/log"; exit 1; }
! grep -q "	t/big	" "$tmp/aired.tsv" || { echo "the megabyte title aired"; exit 1; }
echo "ok: run airs the good item, never the refused ones"
