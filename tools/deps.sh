#!/bin/sh
# Install what kizuna needs on Debian 12: reads tools/deps.list, checks each entry with
# pkg-config / command -v / a file test, and installs the missing packages with apt-get.
# Run as root (or with sudo); otherwise prints the command to run and fails.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/deps.list"
missing=""
while read -r pkg check; do
    case "$pkg" in ''|'#'*) continue ;; esac
    kind=${check%%:*}; what=${check#*:}
    ok=1
    case "$kind" in
        pc)   pkg-config --exists "$what" 2>/dev/null || ok=0 ;;
        cmd)  command -v "$what" >/dev/null 2>&1 || ok=0 ;;
        file) set +f; found=0; for f in $what; do [ -e "$f" ] && found=1; done; [ $found = 1 ] || ok=0 ;;
        *)    echo "deps.list: unknown check '$check' for $pkg" >&2; exit 2 ;;
    esac
    [ $ok = 1 ] || missing="$missing $pkg"
done < "$list"
if [ -z "$missing" ]; then
    echo "deps: everything in tools/deps.list is installed"
    exit 0
fi
echo "deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=sudo
    else
        echo "deps: not root. Install them with:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
        echo "then run make again." >&2
        exit 1
    fi
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# several builds may install at once (parallel clones): wait for the dpkg lock, do not fail
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -q
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $missing
