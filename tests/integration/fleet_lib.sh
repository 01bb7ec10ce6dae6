# Shared by tests/integration/test_fleet*.sh (sourced): a private mosquitto broker on a free
# loopback port, and players configured for it. Needs $tmp (a fresh directory).
KZ=${KZ_BUILD:-build}/kizuna
export KIZUNA_PLUGINS=${KZ_BUILD:-build}/plugins SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} \
    SDL_RENDER_DRIVER=software
MOSQ=$(command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto)
if [ ! -x "$MOSQ" ] || ! command -v mosquitto_pub >/dev/null 2>&1; then
    echo "SKIP: mosquitto / mosquitto-clients are not installed (make deps installs them)"
    exit 0
fi
bpid=
pids=

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# broker_start [EXTRA CONFIG LINES]: a broker on 127.0.0.1:$port only, persistence in $tmp.
broker_start() {
    mkdir -p "$tmp/mosq"
    {
        echo "listener $port 127.0.0.1"
        echo "user $(id -un)"
        echo "persistence true"
        echo "persistence_location $tmp/mosq/"
        echo "log_dest file $tmp/mosq.log"
        echo "max_queued_messages 0"
        echo "set_tcp_nodelay true"
        printf '%s\n' "${1:-allow_anonymous true}"
    } >"$tmp/mosq.conf"
    "$MOSQ" -c "$tmp/mosq.conf" >>"$tmp/mosq.out" 2>&1 &
    bpid=$!
    i=0
    while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" \
        2>/dev/null; do
        i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/mosq.out" "$tmp/mosq.log"; echo "no broker"; exit 1; }
        sleep 0.1
    done
}

broker_stop() {
    [ -n "$bpid" ] && kill -TERM "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
    bpid=
}

fleet_cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    broker_stop
    rm -rf "$tmp"
}

# fleet_keys: an operator's secret key $tmp/op.key and the screens' public key file
# $tmp/fleet-keys (player_ini names it in [fleet] command_keys). Commands must be signed.
fleet_keys() {
    [ -f "$tmp/op.key" ] && return 0
    "$KZ" fleet keygen operator "$tmp/op.key" >"$tmp/fleet-keys"
}

# signed TOPIC COMMAND: the signed message for COMMAND on TOPIC (kizuna fleet sign).
signed() { "$KZ" fleet sign --key "$tmp/op.key" --topic "$1" "$2"; }
# spub TOPIC COMMAND [mosquitto_pub options]: sign COMMAND for TOPIC and publish it, QoS 1.
spub() {
    t=$1; c=$2; shift 2
    signed "$t" "$c" | mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "$t" -s "$@"
}

# player_ini NAME FLEETLINES [PLAYLIST-TEXT]: $tmp/NAME/player.ini and a playlist.
player_ini() {
    fleet_keys
    mkdir -p "$tmp/$1"
    cat >"$tmp/$1/player.ini" <<INI
[display]
size = 320x180
fullscreen = no
[paths]
plugins = $PWD/$KIZUNA_PLUGINS
playlists = .
content = .
fonts = $PWD/fonts/fonts.ini
logs = $tmp/$1/logs
[player]
name = $1
[fleet]
$2
command_keys = $tmp/fleet-keys
INI
    printf '%s\n' "${3:-[green]
plugin = color
color = #00ff00
duration = 4s
[blue]
plugin = color
color = #0000ff
duration = 4s}" >"$tmp/$1/loop.ini"
}

# player_start NAME [kizuna run options]: in the background, waits for its control socket.
player_start() {
    n=$1; shift
    "$KZ" run --config "$tmp/$n/player.ini" "$@" 2>"$tmp/$n.log" &
    pids="$pids $!"
    eval "pid_$(echo "$n" | tr -c 'A-Za-z0-9_\n' _)=$!"
    i=0
    while [ ! -S "$tmp/$n/logs/control.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S "$tmp/$n/logs/control.sock" ] || { cat "$tmp/$n.log"; echo "$n: no socket"; exit 1; }
}

player_pid() { eval "echo \$pid_$(echo "$1" | tr -c 'A-Za-z0-9_\n' _)"; }
player_stop() {
    p=$(player_pid "$1")
    kill -TERM "$p"
    # a clean stop exits 0; anything else (a sanitizer report at exit) fails the test
    if ! wait "$p"; then tail -n 30 "$tmp/$1.log"; echo "$1: exit status not 0"; exit 1; fi
    pids=$(echo "$pids" | sed "s/ $p\b//")
}

ctl() { n=$1; shift; "$KZ" ctl --config "$tmp/$n/player.ini" "$@"; }
# pixel (x, y) of a PNG as rrggbb
pixel() { ffmpeg -v error -i "$1" -vf "crop=1:1:$2:$3" -f rawvideo -pix_fmt rgb24 - | od -An -tx1 | tr -d ' \n'; }
now_ms() { date +%s%3N; }
