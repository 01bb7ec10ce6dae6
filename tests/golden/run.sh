#!/bin/sh
# Golden frames: every line of tests/golden/*.cases is
#     NAME  CASEDIR  TIME  WxH  TOL
# CASEDIR (under tests/golden/) holds a player.ini and its playlists; TIME is ISO 8601 with an
# offset; TOL is "exact" (every pixel equal) or "psnr:N" (PSNR >= N dB, for text, whose
# rasterising may differ between FreeType versions). The reference is tests/ref/NAME.png.
# GEN=1 rewrites the references (review their diff like code). A failure leaves the actual
# frame and a diff image in $KZ_BUILD/golden/.
set -u
B=${KZ_BUILD:-build}
KZ=$B/kizuna
CMP=$B/tools/imgcmp
OUT=$B/golden
MEDIA=build/test-media
mkdir -p "$OUT" "$MEDIA"
for g in tests/media/gen-*.sh; do
    [ -e "$g" ] || continue
    sh "$g" "$MEDIA" || { echo "golden: $g failed"; exit 1; }
done
export KIZUNA_PLUGINS="$B/plugins"
pass=0; fail=0; failed=""
cases=$(mktemp); trap 'rm -f "$cases"' EXIT
cat tests/golden/*.cases 2>/dev/null | grep -v '^[[:space:]]*#' | grep -v '^[[:space:]]*$' >"$cases"
while read -r name dir at size tol; do
    act="$OUT/$name.png"; ref="tests/ref/$name.png"
    if ! "$KZ" render --config "tests/golden/$dir/player.ini" --at "$at" --size "$size" \
            --out "$act" >"$OUT/$name.log" 2>&1; then
        echo "golden: $name: render failed:"; cat "$OUT/$name.log"
        fail=$((fail + 1)); failed="$failed $name"; continue
    fi
    if [ "${GEN:-}" = 1 ]; then
        cp "$act" "$ref"; echo "golden: $name: reference written"; pass=$((pass + 1)); continue
    fi
    if [ ! -f "$ref" ]; then
        echo "golden: $name: no reference $ref (make check GEN=1 writes it)"
        fail=$((fail + 1)); failed="$failed $name"; continue
    fi
    if "$CMP" "$ref" "$act" "$tol" "$OUT/$name.diff.png"; then
        pass=$((pass + 1))
    else
        echo "golden: $name: differs from $ref; see $act and $OUT/$name.diff.png"
        fail=$((fail + 1)); failed="$failed $name"
    fi
done <"$cases"
# Warm cache (tests/golden/warm.list): the same frame as the cold render above, exactly.
grep -v '^[[:space:]]*#' tests/golden/warm.list | grep -v '^[[:space:]]*$' >"$cases"
while read -r name case expect warm; do
    line=$(cat tests/golden/*.cases | grep -v '^[[:space:]]*#' | awk -v c="$case" '$1 == c')
    set -- $line
    dir=$2; at=$3; size=$4
    act="$OUT/$name.png"; cold="$OUT/$case.png"
    if ! "$KZ" render --config "tests/golden/$dir/player.ini" --at "$at" --size "$size" \
            --warm "$warm" --out "$act" >"$OUT/$name.log" 2>&1; then
        echo "golden: $name: render failed:"; cat "$OUT/$name.log"
        fail=$((fail + 1)); failed="$failed $name"; continue
    fi
    # draw: the whole frame drawn again; part: only some zones (the output kept the rest)
    got=draw; grep -q "(unchanged since the last moment drawn)" "$OUT/$name.log" && got=reuse
    if [ $got = draw ] && grep -q "(drawn: [0-9]* of [0-9]* zones)" "$OUT/$name.log"; then
        n=$(sed -n 's/.*(drawn: \([0-9]*\) of \([0-9]*\) zones).*/\1 \2/p' "$OUT/$name.log")
        [ "${n% *}" -lt "${n#* }" ] && got=part
    fi
    if [ "$got" != "$expect" ]; then
        echo "golden: $name: expected the frame to $expect, it did $got"
        fail=$((fail + 1)); failed="$failed $name"
    elif "$CMP" "$cold" "$act" exact "$OUT/$name.diff.png"; then
        pass=$((pass + 1))
    else
        echo "golden: $name: differs from the cold render $cold; see $OUT/$name.diff.png"
        fail=$((fail + 1)); failed="$failed $name"
    fi
done <"$cases"
echo "golden: $pass passed, $fail failed"
[ -n "${KZ_RESULTS:-}" ] && echo "$pass $fail" >>"$KZ_RESULTS"
[ $fail = 0 ] || { echo "golden: failed:$failed"; exit 1; }
