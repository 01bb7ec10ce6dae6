#!/bin/sh
# kizuna plan --format html, opened in headless Chromium (Debian package chromium): writes
# build/plan/plan.html and build/plan/plan.png for a person to look at, and fails when the
# page refers to anything outside itself (it must open offline, from a mail attachment).
# Not part of make check (Chromium is large); run it by hand:
#     sh tests/schedule/plan-html-screenshot.sh [FROM TO]
# (the demo playlists: make demo-media, then PLAN_CONFIG=playlists/player.ini sh ...)
set -eu
B=${KZ_BUILD:-build}
FROM=${1:-2025-01-20}
TO=${2:-2025-02-28}
CONFIG=${PLAN_CONFIG:-tests/schedule/kumamoto/player.ini}   # PLAN_CONFIG=playlists/player.ini: the demo
OUT=build/plan
mkdir -p "$OUT"
export KIZUNA_PLUGINS="$B/plugins"
"$B/kizuna" plan --config "$CONFIG" --from "$FROM" --to "$TO" \
    --format html --out "$OUT/plan.html" --quiet
# Self-contained: no links, scripts, images, fonts or stylesheets from elsewhere.
if grep -Eio '(src|href)=|url\(|@import|<script|<link' "$OUT/plan.html" | head -n 3 | grep -q .; then
    echo "plan-html: $OUT/plan.html refers to external assets:" >&2
    grep -Eion '(src|href)=|url\(|@import|<script|<link' "$OUT/plan.html" | head -n 5 >&2
    exit 1
fi
command -v chromium >/dev/null 2>&1 || { echo "plan-html: install chromium to take the screenshot"; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
    --screenshot="$OUT/plan.png" "file://$(pwd)/$OUT/plan.html" >"$OUT/chromium.log" 2>&1
[ -s "$OUT/plan.png" ] || { echo "plan-html: no screenshot (see $OUT/chromium.log)"; exit 1; }
echo "plan-html: $OUT/plan.html -> $OUT/plan.png"
