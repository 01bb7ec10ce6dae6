#!/bin/sh
# dist/kizuna.service as `make install` writes it: runs as the unprivileged `kizuna` account
# of dist/kizuna.sysusers, sandboxed; `systemd-analyze security` rates it 2.0 or better (the
# unit without User= and sandboxing was 9.6 UNSAFE).
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
b=${KZ_BUILD:-build}; san=0; [ "$b" = build/asan ] && san=1
make -s install DESTDIR="$tmp/stage" PREFIX=/usr BUILD="$b" SAN=$san >/dev/null
unit=$tmp/stage/usr/lib/systemd/system/kizuna.service
users=$tmp/stage/usr/lib/sysusers.d/kizuna.conf
[ -f "$unit" ] && [ -f "$users" ]
grep -q '^User=kizuna$' "$unit"
grep -q '^ExecStart=/usr/bin/kizuna run --config /etc/kizuna/player.ini$' "$unit"
grep -q '^u kizuna ' "$users"
for k in ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes \
    'ReadWritePaths=/var/log/kizuna' CapabilityBoundingSet=; do
    grep -q "^$k" "$unit" || { echo "missing $k"; exit 1; }
done
if ! command -v systemd-analyze >/dev/null; then
    echo "systemd-analyze missing: exposure not measured"; exit 1
fi
systemd-analyze security --offline=yes "$unit" >"$tmp/sec" 2>&1 || true
tail -n 1 "$tmp/sec"
score=$(sed -n 's/.*Overall exposure level for kizuna.service: \([0-9.]*\).*/\1/p' "$tmp/sec")
[ -n "$score" ] || { cat "$tmp/sec"; exit 1; }
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || { echo "exposure $score > 2.0"; exit 1; }
if command -v systemd-sysusers >/dev/null; then
    systemd-sysusers --dry-run "$users" >"$tmp/users" 2>&1 || { cat "$tmp/users"; exit 1; }
fi
echo "ok"
