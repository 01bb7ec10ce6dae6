#!/bin/sh
# make demo: play the demo playlists full screen. Without a display, say how to run headless
# and render a few moments of the demo to PNG files instead of failing.
set -u
KZ=${KZ_BUILD:-build}/kizuna
OUT=${DEMO_OUT:-build/demo} # where the frames go without a display
CFG=playlists/player.ini
if [ -n "${SDL_VIDEODRIVER:-}" ] || [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    # The operator console beside the player, on loopback (no password needed there); it
    # edits the same playlists, and the player picks its changes up by hot reload.
    CONSOLE=${DEMO_CONSOLE:-127.0.0.1:8080}
    "$KZ" console --config "$CFG" --listen "$CONSOLE" &
    cpid=$!
    trap 'kill $cpid 2>/dev/null' EXIT INT TERM
    echo "demo: console at http://$CONSOLE/ (stops with the player)"
    echo "demo: playing playlists/ full screen (Esc or q quits)"
    "$KZ" run --config "$CFG" ${DEMO_ARGS:-}
    exit $?
fi
cat <<MSG
demo: no display here (neither DISPLAY nor WAYLAND_DISPLAY is set).
  To play headless, without a screen:
    SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software $KZ run --config $CFG --size 1920x1080
  The operator console (a browser page on the same playlists):
    $KZ console --config $CFG        # then open http://127.0.0.1:8080/
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
