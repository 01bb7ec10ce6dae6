#!/bin/sh
# Integration tests: every tests/integration/test_*.sh, run with KZ (the kizuna binary) and
# KZ_BUILD set. Each prints what it checks and exits non-zero on failure.
set -u
pass=0; fail=0; failed=""
for t in tests/integration/test_*.sh; do
    [ -e "$t" ] || continue
    n=$(basename "$t" .sh)
    t0=$(date +%s)
    if sh "$t" >"$KZ_BUILD/$n.log" 2>&1; then
        pass=$((pass + 1)); echo "integration: $n: ok ($(($(date +%s) - t0)) s)"
    else
        fail=$((fail + 1)); failed="$failed $n"
        echo "integration: $n: FAILED ($(($(date +%s) - t0)) s)"; tail -n 30 "$KZ_BUILD/$n.log"
    fi
done
echo "integration: $pass passed, $fail failed"
[ -n "${KZ_RESULTS:-}" ] && echo "$pass $fail" >>"$KZ_RESULTS"
[ $fail = 0 ]
