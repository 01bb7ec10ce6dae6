#!/bin/sh
# make demo: play the demo playlists full screen. Without a display, say how to run headless
# and render a few moments of the demo to PNG files instead of failing.
set -u
KZ=${KZ_BUILD:-build}/kizuna
OUT=${DEMO_OUT:-build/demo} # where the frames go without a display
CFG=playlists/player.ini
if [ -n "${SDL_VIDEODRIVER:-}" ] || [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    echo "demo: playing playlists/ full screen (Esc or q quits)"
    exec "$KZ" run --config "$CFG" ${DEMO_ARGS:-}
fi
cat <<MSG
demo: no display here (neither DISPLAY nor WAYLAND_DISPLAY is set).
  To play headless, without a screen:
    SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software $KZ run --config $CFG --size 1920x1080
  To look at any moment of the demo:
    $KZ render --config $CFG --at 2025-02-03T12:00:00+09:00 --out frame.png
  Rendering a few moments of the demo into $OUT/ now:
MSG
mkdir -p "$OUT"
rc=0
for at in 2025-01-20T10:00:00+09:00 2025-01-27T15:15:00+09:00 2025-02-03T12:00:00+09:00 \
          2025-02-03T20:30:00+09:00; do
    out="$OUT/demo-$(echo "$at" | cut -c1-16 | tr ':T' '-_').png"
    "$KZ" render --config "$CFG" --at "$at" --size 1280x720 --out "$out" 2>>"$OUT/render.log" \
        || rc=1
done
echo "demo: wrote $(ls "$OUT"/*.png 2>/dev/null | wc -l) frames (log: $OUT/render.log)"
exit $rc
