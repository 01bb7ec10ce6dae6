#!/bin/sh
# Run every unit-test executable given; print a cmocka-style summary and fail on any failure.
pass=0; fail=0; failed=""
for t in "$@"; do
    if "$t" >"$t.log" 2>&1; then
        pass=$((pass + 1))
        grep -E '^\[  PASSED  \]' "$t.log" | sed "s|^|$(basename "$t"): |"
    else
        fail=$((fail + 1)); failed="$failed $(basename "$t")"
        cat "$t.log"
    fi
done
echo "unit: $pass passed, $fail failed"
[ -n "${KZ_RESULTS:-}" ] && echo "$pass $fail" >>"$KZ_RESULTS"
[ $fail = 0 ] || { echo "unit: failed:$failed"; exit 1; }
