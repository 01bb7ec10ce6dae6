#!/bin/sh
# make bench: the fleet under load. One mosquitto broker on a free loopback port, N simulated
# screens (default 200) in one process, each running the real fleet client (player/ops/fleet.c:
# its own libmosquitto network thread, polled once per 60 Hz frame), and an operator that
# publishes a group interrupt (then a clear) ROUNDS times and times until the last screen's
# reply arrives. Prints those times, and the CPU time of the broker and of the screens.
#   SCREENS=200 ROUNDS=5 WALL_SECONDS=30 sh tools/bench-fleet.sh
# Then a 2x1 wall for WALL_SECONDS (tools/wall-sync.sh).
set -eu
N=${SCREENS:-200}
ROUNDS=${ROUNDS:-5}
BUILD=${BUILD:-build}
MOSQ=$(command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto)
[ -x "$MOSQ" ] || { echo "bench-fleet: mosquitto is not installed (make deps)"; exit 1; }
make -s --no-print-directory "$BUILD/tools/fleet-sim" >/dev/null
SIM=$BUILD/tools/fleet-sim
out=build/bench/fleet.txt
mkdir -p build/bench
tmp=$(mktemp -d)
bpid=; spid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    wait 2>/dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/mosq.conf" <<CONF
listener $port 127.0.0.1
user $(id -un)
allow_anonymous true
persistence false
log_dest none
max_queued_messages 0
set_tcp_nodelay true
CONF
"$MOSQ" -c "$tmp/mosq.conf" 2>"$tmp/mosq.err" &
bpid=$!
# CPU seconds (user + system) of a process, from /proc/PID/stat
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
i=0; until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "bench-fleet: no broker"; exit 1; }; sleep 0.1; done
ulimit -n 4096 2>/dev/null || true
# commands are signed, as in service: an operator key and the screens' key file
"$BUILD/kizuna" fleet keygen bench-operator "$tmp/op.key" >"$tmp/fleet-keys"
export FLEET_SIM_KEYS="$tmp/fleet-keys" FLEET_SIM_SECRET="$tmp/op.key"
"$SIM" screens "$N" "$port" >"$tmp/screens.out" 2>"$tmp/screens.err" &
spid=$!
t_start=$(date +%s.%N)
"$SIM" control "$N" "$port" "$ROUNDS" | tee "$tmp/control.out"
b_busy=$(cpu "$bpid"); s_busy=$(cpu "$spid")
t_busy=$(date +%s.%N)
# idle: N connected screens, keepalives and heartbeats only
sleep 5
b_idle=$(cpu "$bpid"); s_idle=$(cpu "$spid")
t_idle=$(date +%s.%N)
kill -TERM "$spid"; wait "$spid" || true; spid=
cat "$tmp/screens.err" >&2
python3 - "$N" "$tmp/control.out" "$t_start" "$t_busy" "$t_idle" "$b_busy" "$s_busy" "$b_idle" "$s_idle" <<'PY' | tee "$out"
import re, sys, statistics
n = int(sys.argv[1])
rounds = [l for l in open(sys.argv[2]) if l.startswith("round")]
ms = [float(re.search(r"after ([0-9.]+) ms", l).group(1)) for l in rounds if "%d/%d" % (n, n) in l]
t0, t1, t2 = map(float, sys.argv[3:6])
bb, sb, bi, si = map(float, sys.argv[6:10])
print("fleet: %d simulated screens (real client code), one mosquitto broker, loopback" % n)
print("group command -> last of %d replies: median %.1f ms, worst %.1f ms over %d commands "
      "(%d fully acknowledged)" % (n, statistics.median(ms) if ms else -1, max(ms) if ms else -1,
                                   len(rounds), len(ms)))
busy = t1 - t0; idle = t2 - t1
print("CPU while connecting %d screens and running the commands (%.1f s): broker %.2f s (%.0f%% of one core), screens %.2f s (%.0f%%)"
      % (n, busy, bb, 100 * bb / busy, sb, 100 * sb / busy))
print("CPU idle, %d screens connected (%.1f s): broker %.3f s (%.1f%%), screens %.3f s (%.1f%%: %d network threads + one 60 Hz poll loop)"
      % (n, idle, bi - bb, 100 * (bi - bb) / idle, si - sb, 100 * (si - sb) / idle, n))
print("commands: SCREENS=%d ROUNDS=%d sh tools/bench-fleet.sh" % (n, len(rounds) // 2))
PY
trap - EXIT; cleanup
# The wall: a 2x1 wall of headless tiles, largest frame offset (WALL_SECONDS=0 skips it; the
# full run is sh tools/wall-sync.sh 2 300).
if [ "${WALL_SECONDS:-30}" != 0 ]; then
    sh "$(dirname "$0")/wall-sync.sh" 2 "${WALL_SECONDS:-30}" || echo "wall-sync: target missed (above)"
fi
