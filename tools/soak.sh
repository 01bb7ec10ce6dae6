#!/bin/sh
# make soak: runs every tools/soak-*.sh (long runs, not part of make check).
set -u
rc=0
for s in tools/soak-*.sh; do
    [ -e "$s" ] || continue
    echo "=== $s"; sh "$s" || rc=1
done
exit $rc
