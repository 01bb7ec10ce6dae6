#!/bin/sh
# kizuna check, legibility: a low-contrast notice is an error (exit 1) with its file:line, a
# borderline one a warning, a notice with too much text for its time a warning (exit 0 when
# nothing else is wrong), text too small for the viewing distance a warning, a character no
# font has an error; a bad caption file is an error naming the item key; a notice's languages
# share its duration by reading time; the shipped demo passes with no reading-time warning.
set -eu
KZ=${KZ_BUILD:-build}/kizuna
export KIZUNA_PLUGINS=${KZ_BUILD:-build}/plugins SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} SDL_RENDER_DRIVER=software
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pl" "$tmp/content"
ini() { # extra [display] lines
    cat >"$tmp/pl/player.ini" <<INI
[display]
size = 1920x1080
$1
[paths]
plugins = $PWD/$KIZUNA_PLUGINS
playlists = .
content = $tmp/content
fonts = $PWD/fonts/fonts.ini
logs = $tmp/logs
INI
}
check() { # expected exit code; the log goes to $tmp/log
    set +e
    "$KZ" check --config "$tmp/pl/player.ini" >"$tmp/out" 2>"$tmp/log"
    rc=$?
    set -e
    cat "$tmp/out"
    if [ "$rc" != "$1" ]; then echo "exit $rc, expected $1"; cat "$tmp/log"; exit 1; fi
}
expect() { grep -F -- "$1" "$tmp/log" >/dev/null || { echo "missing in log: $1"; cat "$tmp/log"; exit 1; }; }
absent() { ! grep -F -- "$1" "$tmp/log" >/dev/null || { echo "unexpected in log: $1"; exit 1; }; }

# 1. Readable and short: no legibility problem at all. languages = ja: the long English text
#    never airs, and Japanese has the whole 10 s (13 characters need 3.25 s).
ini ""
cat >"$tmp/pl/a.ini" <<'INI'
[fine]
plugin    = notice
duration  = 10s
title     = お知らせ
body      = 県庁は本日休みです。
languages = ja
title.en  = Notice
body.en   = The prefectural office is closed today, and this sentence is far too long to be read in the five seconds it would get if English took its turn on the screen.
INI
check 0
expect "legibility: 0 errors, 0 warnings"

# 2. Grey on white (2.8:1): an error at the color key's line; 4.6:1 is a warning.
cat >"$tmp/pl/a.ini" <<'INI'
[grey]
plugin     = notice
duration   = 10s
theme      = light
title      = お知らせ
body       = 県庁は本日休みです。
color      = #999999

[borderline]
plugin      = notice
duration    = 10s
background  = #ffffff
color       = #111111
title_color = #767676
title       = お知らせ
body        = 県庁は本日休みです。
INI
check 1
expect "a.ini:7: [grey] color: text colour #999999 on #ffffff has a contrast of 2.84:1; text needs at least 4.5:1"
expect "a.ini:14: [borderline] title_color: title colour #767676 on #ffffff has a contrast of 4.54:1; signage should reach 7:1"
expect "legibility: 1 errors, 1 warnings"

# 3. Too much text for the time (exit 0: a warning), text too small for 12 m.
ini "screen_height_m = 0.68
viewing_distance_m = 12"
cat >"$tmp/pl/a.ini" <<'INI'
[long]
plugin   = notice
duration = 5s
title    = ヘルプマークを知っていますか
body     = 外見からは分からなくても{援助|えんじょ}を必要としている方々が、周囲の方に配慮を必要としていることを知らせるためのマークです。
INI
check 0
# 71 Japanese characters (the reading of the ruby not counted) / 4 a second = 17.75 s
expect "a.ini:5: [long] body: needs about 18 s to read"
expect "but is shown for 5.0 s"
# 16' at 12 m = 55.9 mm; / 0.78 (capital height in em) / 0.68 m * 1080 px = 113.7 -> 114 px
expect "[long] body: the body text: about"
expect "legible text needs 16' (ISO 9241-303): at least 114 px"

# 3b. Two languages share the slot by reading time: Japanese 14 characters (3.5 s), English
#     7 words (2.625 s). In 6.5 s they get 3.71 s and 2.79 s: both fit (an equal share, 3.25 s,
#     would be too short for the Japanese). In 6 s both are short, and the sum is named.
ini ""
cat >"$tmp/pl/a.ini" <<'INI'
[two]
plugin   = notice
duration = 6.5s
title    = お知らせ
body     = 県庁は本日休みです。
title.en = Notice
body.en  = The prefectural office is closed today.
INI
check 0
absent "to read"
sed -i 's/^duration = 6.5s/duration = 6s/' "$tmp/pl/a.ini"
check 0
expect "a.ini:5: [two] body: needs about 4 s to read (4 Japanese characters or 2.7 words a second) but is shown for 3.4 s (its share of the 6.0 s duration; its 2 languages need 6.2 s together)"
expect "a.ini:7: [two] body.en: needs about 3 s to read"
expect "but is shown for 2.6 s"

# 4. A ticker with a character no font has (an error), a clock in dark blue on black.
ini ""
printf '[band]\nplugin = ticker\nduration = 10s\ntext = 点字ブロック \360\220\214\260 の上に物を置かないで\n\n[clock]\nplugin = clock\nduration = 10s\ncolor = #000080\n' >"$tmp/pl/a.ini"
check 1
expect "a.ini:4: [band] text: U+10330"
expect "a.ini:9: [clock] color: text colour #000080 on #000000 has a contrast of 1.3"

# 5. Captions: a bad file named on an item is an error naming the key, the item still plays;
#    a cue too fast to read is a warning.
ini ""
printf 'not subtitles' >"$tmp/content/bad.ja.srt"
printf '1\n00:00:01,000 --> 00:00:02,000\n外見からは分からなくても援助を必要としている方々がいます。\n\n' >"$tmp/content/clip.ja.srt"
cat >"$tmp/pl/a.ini" <<'INI'
[card]
plugin   = color
color    = #203040
duration = 10s
captions = bad.ja.srt

[card2]
plugin   = color
color    = #203040
duration = 10s
captions = clip.ja.srt
INI
check 1
expect "a.ini:5: [card] captions: "
expect "bad.ja.srt: "
expect "the item plays without these captions"
expect "a.ini:11: [card2] captions: clip.ja.srt: 1 of 1 cues hold more text than can be read"
grep -q "2 playable" "$tmp/out"

# 6. The shipped demo passes.
[ -d build/content ] || sh tools/make-demo-media.sh build/content >/dev/null
set +e
"$KZ" check --config playlists/player.ini >"$tmp/out" 2>"$tmp/log"
rc=$?
set -e
cat "$tmp/out"
[ "$rc" = 0 ] || { grep error "$tmp/log"; exit 1; }
# ... and every notice language can be read in its turn (docs/accessibility.md, "Demo status")
! grep -F "to read" "$tmp/log" || { echo "reading-time warnings in the demo"; exit 1; }
echo "legibility checks ok"
