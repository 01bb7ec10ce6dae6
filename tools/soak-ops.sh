#!/bin/sh
# make soak (operations): a month on air in about 20 minutes, then 20 kill -9 and restarts.
#
#  1. Plays the demo playlists (playlists/) headless with an accelerated clock across all of
#     February 2025; samples RSS, open descriptors and the heap figures every 2 s and prints
#     the slope over the whole simulated days after warm-up, with a table per day (target:
#     flat).
#  2. Compares proof of play with the plan of the same schedule (kizuna report), per campaign
#     per day (target: equal within one play).
#  3. Kills the player with SIGKILL at 20 random instants and restarts it each time where the
#     timeline is; checks that every log line parses, no line is doubled or overlaps another,
#     and that nothing but the item on air at each kill was lost.
#
# Shorter runs: SOAK_DAYS=3 (days of February from the 1st), SOAK_SPEED (default: the month in
# 20 minutes), SOAK_KILLS=20, SOAK_KILL_SPEED=20, SOAK_SIZE=640x360, SOAK_DIR (kept after),
# KZ_BUILD (the build directory, default build).
set -eu
cd "$(dirname "$0")/.."
B=${KZ_BUILD:-build}
KZ=$PWD/$B/kizuna
DAYS=${SOAK_DAYS:-28}
SPEED=${SOAK_SPEED:-2016}
KILLS=${SOAK_KILLS:-20}
KSPEED=${SOAK_KILL_SPEED:-20}
SIZE=${SOAK_SIZE:-640x360}
DIR=${SOAK_DIR:-build/soak-ops}
export SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy
rm -rf "$DIR"; mkdir -p "$DIR/logs" "$DIR/kill-logs"
DIR=$(cd "$DIR" && pwd)
fail=0
note() { echo "soak-ops: $*"; }
bad() { echo "soak-ops: FAIL: $*"; fail=1; }

# --- configuration: the demo playlists, logs into the soak directory ----------------------
# A snapshot of the playlists: edits (or a git checkout) during the run must not change what
# the player and the plan see.
PL=$DIR/playlists
if ls playlists/*.ini 2>/dev/null | grep -qv '/player.ini$'; then
    cp -R playlists "$PL"
else
    note "playlists/ has no playlists yet: using the built-in February set"
    mkdir -p "$PL"
    cat >"$PL/20-barrier-free-month.ini" <<'INI'
; やさしいまちづくり月間 (February)
[playlist]
campaign = barrier-free-month
[help-mark]
plugin = color
color = #d7263d
duration = 15s
[parking]
plugin = color
color = #1b998b
duration = 15s
INI
    cat >"$PL/30-heartful-pass.ini" <<'INI'
[playlist]
campaign = heartful-pass
[revision]
plugin = color
color = #2e86ab
duration = 20s
INI
    cat >"$PL/90-filler.ini" <<'INI'
[kumamon]
plugin = color
color = #222222
duration = 10s
INI
fi
note "demo media (tools/make-demo-media.sh, skips what exists)"
sh tools/make-demo-media.sh build/content >"$DIR/media.log" 2>&1 || bad "demo media: see $DIR/media.log"
CFG=$DIR/player.ini
cat >"$CFG" <<INI
[display]
size = $SIZE
fullscreen = no
vsync = no
renderer = software
[paths]
plugins = $PWD/$B/plugins
playlists = $PL
content = $PWD/build/content
fonts = $PWD/fonts/fonts.ini
logs = $DIR/logs
[player]
timezone = Asia/Tokyo
name = soak
INI

# --- 1. a month on air ---------------------------------------------------------------------
START=2025-02-01T00:00:00+09:00
SIM=$((DAYS * 86400))
REAL=$(awk -v s=$SIM -v x=$SPEED 'BEGIN { printf "%.0f", s / x + 3 }')
note "phase 1: $DAYS days of February 2025 at ${SPEED}x: about $REAL s"
"$KZ" run --config "$CFG" --clock $START --speed $SPEED --exit-after $REAL \
    2>"$DIR/run.log" &
pid=$!
# Every 2 s: RSS and descriptors from /proc; the player's clock and its heap figures from
# `kizuna ctl status` (heap in use, free in the arenas, mapped blocks: docs/performance.md).
t0=$(date +%s); : >"$DIR/samples.tsv"
SCFG=$CFG
while kill -0 $pid 2>/dev/null; do
    t=$(($(date +%s) - t0))
    rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
    fds=$(ls /proc/$pid/fd 2>/dev/null | wc -l)
    st=$("$KZ" ctl --config "$SCFG" --timeout 1000 status 2>/dev/null | awk -v s0=$START '
        $1 == "now" { now = $2 }
        $1 == "heap" { h = $2 "\t" $6 "\t" $11 }
        END { if (now == "" || h == "") exit
              cmd = "date -d " now " +%s.%N"; cmd | getline a; close(cmd)
              cmd = "date -d " s0 " +%s"; cmd | getline b; close(cmd)
              printf "%.0f\t%s", a - b, h }' || true)
    # fds: the ctl connection itself is one more while it is open; taken before it
    [ -n "$rss" ] && [ -n "$st" ] && printf '%s\t%s\t%s\t%s\n' $t "$rss" "$fds" "$st" \
        >>"$DIR/samples.tsv"
    sleep 2
done
wait $pid || bad "the player exited with status $? (see $DIR/run.log)"
# Judged over whole simulated days after the warm-up: the demo's clip airs from 09:00 to
# 21:00 only, and a decoder's frames (about 15 MiB at 720p) are mapped while it plays, so RSS
# is a daily square wave; a line through a part of a day measures where the run stopped in
# that wave, not growth. The fit over the unaligned samples is printed beside it.
awk -F'\t' '
    { t[NR] = $1; r[NR] = $2; f[NR] = $3; s[NR] = $4; hu[NR] = $5; hf[NR] = $6; hm[NR] = $7 }
    function fit(a, b,   i, n, st, sr, sf, stt, str, stf, d) {
        n = 0; st = sr = sf = stt = str = stf = 0
        for (i = a; i <= b; i++) { n++; st += t[i]; sr += r[i]; sf += f[i]; stt += t[i] * t[i]
                                   str += t[i] * r[i]; stf += t[i] * f[i] }
        d = n * stt - st * st; if (d == 0) d = 1
        BR = (n * str - st * sr) / d; BF = (n * stf - st * sf) / d; MEAN = sr / n
    }
    END {
        if (NR < 4) { print "soak-ops: too few samples for a slope"; exit }
        # warm-up: the first fifth of the run, and at least its first minute
        wt = t[NR] / 5; if (wt < 60) wt = 60
        w = 1; while (w < NR && t[w] < wt) w++
        # whole days: from the first simulated midnight after the warm-up to the last one
        d0 = int(s[w] / 86400) + 1; d1 = int(s[NR] / 86400)
        a = w; while (a < NR && s[a] < d0 * 86400) a++
        b = NR; while (b > a && s[b] >= d1 * 86400) b--
        if (d1 - d0 < 1 || t[b] - t[a] < 120) {
            printf "soak-ops: %d samples; RSS %d -> %d KiB, fds %d -> %d\n", NR, r[1], r[NR], f[1], f[NR]
            print "soak-ops: under one whole simulated day (or 2 minutes) after warm-up: memory not judged"
            exit 0
        }
        fit(w, NR); rawgrow = BR * (t[NR] - t[w])
        fit(a, b); span = t[b] - t[a]; br = BR; bf = BF; mean = MEAN
        lo = hi = r[a]; for (i = a; i <= b; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
        print "soak-ops: day  samples  RSS mean  RSS floor  heap in use  free in arenas  mapped (MiB)"
        for (i = a; i <= b; i++) { k = int(s[i] / 86400); n[k]++; m[k] += r[i]; hu2[k] += hu[i]
            hf2[k] += hf[i]; hm2[k] += hm[i]; if (!(k in fl) || r[i] < fl[k]) fl[k] = r[i] }
        for (k = d0; k < d1; k++) if (n[k])
            printf "soak-ops: %3d  %7d  %8.1f  %9.1f  %11.1f  %14.1f  %6.1f\n", k + 1, n[k],
                   m[k] / n[k] / 1024, fl[k] / 1024, hu2[k] / n[k], hf2[k] / n[k], hm2[k] / n[k]
        printf "soak-ops: %d samples; whole days %d..%d (%d samples): RSS %d -> %d KiB (between %d and %d, mean %.0f), fds %d -> %d\n", NR, d0 + 1, d1, b - a + 1, r[a], r[b], lo, hi, mean, f[a], f[b]
        printf "soak-ops: slope over whole days: RSS %+.2f KiB/min (%+.0f KiB over %d s), fds %+.3f/min\n", br * 60, br * span, span, bf * 60
        printf "soak-ops: (over all samples after warm-up, not cut to whole days: %+.0f KiB)\n", rawgrow
        # flat: the growth fitted over the whole run after warm-up is under 2 MiB or 3 %% of
        # the mean (decoders open and close per airing and make RSS breathe by a few MiB),
        # and no descriptor leaks.
        grow = br * span
        flat = (grow < 2048 || grow < mean * 0.03) && (bf * span < 1)
        print "soak-ops: memory and descriptors " (flat ? "flat" : "GROWING")
        exit flat ? 0 : 1
    }' "$DIR/samples.tsv" || bad "memory or descriptors grow"
grep -c . "$DIR/samples.tsv" >/dev/null

# --- 2. aired against planned -------------------------------------------------------------
TO=$(printf '2025-02-%02d' $DAYS)
"$KZ" report "$DIR/logs" --config "$CFG" --from 2025-02-01 --to $TO --by campaign 2>/dev/null \
    | tee "$DIR/report.txt" | sed 's/^/  /' | head -n 20
"$KZ" report "$DIR/logs" --config "$CFG" --from 2025-02-01 --to $TO --zone main --format png \
    --out "$DIR/airtime.png" \
    2>/dev/null && note "chart: $DIR/airtime.png"
# whole days only (the last one may be cut short by the run's end)
last=$(tail -q -n 1 "$DIR"/logs/pop-*.tsv | cut -f3 | sort | tail -n 1)
worst=0; days=0
d=1
while [ $d -le $DAYS ]; do
    day=$(printf '2025-02-%02d' $d)
    next=$(date -d "$day + 1 day" +%Y-%m-%d)
    if [ "$(printf '%s\n%s\n' "${next}T00:00:00+09:00" "$last" | sort | tail -n 1)" != "$last" ]; then
        break
    fi
    "$KZ" report "$DIR/logs" --config "$CFG" --from $day --to $day --format csv 2>/dev/null \
        | awk -F, -v day=$day 'NR > 1 && $1 != "" && $1 !~ /^"total"/ && $5 != "" {
              d = $2 - $5; if (d < 0) d = -d
              if (d > 1) printf "soak-ops: %s %s: aired %d plays, planned %d\n", day, $1, $2, $5
              if (d > m) m = d }
          /^$/ { exit } END { print m + 0 }' >"$DIR/day.txt"
    w=$(tail -n 1 "$DIR/day.txt"); head -n -1 "$DIR/day.txt"
    [ "$w" -gt "$worst" ] && worst=$w
    days=$((days + 1)); d=$((d + 1))
done
note "plan against aired: $days whole days, largest difference $worst play(s) per campaign per day"
[ $days -ge 1 ] || bad "not one whole day aired"
[ "$worst" -le 1 ] || bad "aired differs from the plan by more than one play"

if [ "$KILLS" -eq 0 ]; then
    note "phase 3 skipped (SOAK_KILLS=0)"
else
# --- 3. kill -9 at random instants -----------------------------------------------------------
sed -i "s|^logs = .*|logs = $DIR/kill-logs|" "$CFG"
ctl() { "$KZ" ctl --config "$CFG" "$@"; }
clock=2025-02-10T08:00:00+09:00
: >"$DIR/kills.tsv"
k=1
while [ $k -le $KILLS ]; do
    "$KZ" run --config "$CFG" --clock $clock --speed $KSPEED 2>>"$DIR/kill-run.log" &
    pid=$!
    i=0; while ! ctl status >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", 0.5 + (s % 300) / 100 }')"
    now=$(ctl status 2>/dev/null | awk '$1 == "now" { print $2 }')
    kill -KILL $pid; wait $pid 2>/dev/null || true
    [ -n "$now" ] || { bad "kill $k: no status before the kill"; now=$clock; }
    printf '%s\t%s\n' "$clock" "$now" >>"$DIR/kills.tsv"
    clock=$now
    k=$((k + 1))
done
# every line parses, no duplicates, no overlaps; loss at each kill at most the item on air
"$KZ" report "$DIR/kill-logs" --no-plan --format json >"$DIR/kill-report.json" 2>"$DIR/kill-report.err" || true
grep -q '"skipped":0,' "$DIR/kill-report.json" || bad "unparsable lines after the kills: $(cat "$DIR/kill-report.err")"
grep -q '"duplicates":0,' "$DIR/kill-report.json" || bad "duplicate lines after the kills"
cat "$DIR"/kill-logs/pop-*.tsv | grep -v '^#' | sort -t"$(printf '\t')" -k2,2 >"$DIR/kill-lines.tsv"
longest=$(awk -F'\t' '$9 == "completed" && $4 > m { m = $4 } END { print m + 0 }' "$DIR/kill-lines.tsv")
python3 - "$DIR/kill-lines.tsv" "$DIR/kills.tsv" "$longest" "$KSPEED" <<'PY' || fail=1
import sys, datetime as dt
def t(s): return dt.datetime.fromisoformat(s).timestamp()
lines = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
kills = [l.rstrip('\n').split('\t') for l in open(sys.argv[2]) if l.strip()]
longest, speed = float(sys.argv[3]), float(sys.argv[4])
bad = 0
iv = sorted((t(l[1]), t(l[2])) for l in lines)
for a, b in zip(iv, iv[1:]):
    if b[0] < a[1] - 1e-6:
        print("soak-ops: overlapping lines at", a, b); bad = 1
losses = []
for start, killed in kills:
    s, k = t(start), t(killed)
    mine = [x for x in iv if s - 1e-6 <= x[0] < k]
    if not mine:
        print("soak-ops: run from", start, "left no line"); losses.append(k - s); continue
    # coverage of the run up to its last line: no holes
    end = s
    for a, b in mine:
        if a - end > 0.5 + speed * 0.05:
            print("soak-ops: hole of %.1f s in the run from %s" % (a - end, start)); bad = 1
        end = max(end, b)
    losses.append(k - end)
slack = speed * 0.2  # status -> kill latency, in simulated seconds
worst = max(losses)
print("soak-ops: %d kills; lost at each kill: max %.1f s, mean %.1f s (longest item %.1f s)"
      % (len(kills), worst, sum(losses) / len(losses), longest))
if worst > longest + slack:
    print("soak-ops: FAIL: more than the item on air was lost"); bad = 1
sys.exit(bad)
PY
fi
[ $fail = 0 ] && note "passed" || note "FAILED"
exit $fail
