#!/bin/sh
# The keys reference and unknown keys (docs/keys.md):
# - docs/keys.md is what `kizuna help keys --format md` prints from the built plugins' own key
#   tables: a key added to a plugin without `make keys` fails here;
# - every plugin's table is true: an item with every key set to its table's example passes
#   `kizuna check` with no error or warning (and no "reads the key ... does not list");
# - `kizuna help PLUGIN` prints the plugin's keys (and the {漢字|かな} reading syntax for text);
# - a misspelt key (fitt = fill) is an error in `kizuna check` (exit 1) with "did you mean
#   `fit`?", and the item is skipped while the rest of the playlist airs (kizuna plan).
set -eu
. tests/integration/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sh tools/make-demo-media.sh build/content >/dev/null

"$KZ" help keys --format md --config /dev/null >"$tmp/keys.md"
if ! cmp -s "$tmp/keys.md" docs/keys.md; then
    diff -u docs/keys.md "$tmp/keys.md" | head -40
    echo "docs/keys.md is stale: run make keys and commit it"; exit 1
fi
echo "docs/keys.md matches the plugins' key tables"
for p in clock color countdown image notice qr ticker video; do
    grep -q "^## $p\$" docs/keys.md || { echo "docs/keys.md has no section for $p"; exit 1; }
done
grep -qF '`{漢字|かな}`' docs/keys.md

# every example is accepted
kz_player_ini "$tmp/ex" 640x360
sed -i "s|^content = .*|content = $PWD/build/content|" "$tmp/ex/player.ini"
"$KZ" help keys --format ini --config "$tmp/ex/player.ini" >"$tmp/ex/examples.ini"
n=$(grep -c '^\[example-' "$tmp/ex/examples.ini")
# --no-fetch: the examples' feed and data URLs are not asked (loopback only; test_feed.sh
# covers the fetching check)
"$KZ" check --no-fetch --config "$tmp/ex/player.ini" >"$tmp/ex.out" 2>"$tmp/ex.err" || {
    cat "$tmp/ex.err"; echo "the examples of the key tables do not pass kizuna check"; exit 1; }
grep "playable: 0 errors, 0 warnings" "$tmp/ex.out" || { cat "$tmp/ex.out" "$tmp/ex.err"; exit 1; }
grep -q "$n items, $n playable" "$tmp/ex.out"
echo "$n example items, every key of every table: accepted"

# help PLUGIN
"$KZ" help image >"$tmp/image.txt"
grep -q '^  fit  *fit|fill|stretch$' "$tmp/image.txt"
grep -q 'default: fit; e.g. fit = fill' "$tmp/image.txt"
"$KZ" help notice | grep -qF '{漢字|かな}'
if "$KZ" help nosuch 2>"$tmp/nosuch.err"; then echo "help nosuch succeeded"; exit 1; fi
grep -q "no plugin named 'nosuch'" "$tmp/nosuch.err"

# a misspelt key
kz_player_ini "$tmp/typo" 320x180
cat >"$tmp/typo/feb.ini" <<'INI'
[typo]
plugin   = image
file     = helpmark.png
fitt     = fill
duration = 10s
[fine]
plugin   = color
duration = 10s
INI
cp build/content/helpmark.png "$tmp/typo/"
rc=0; "$KZ" check --config "$tmp/typo/player.ini" >"$tmp/typo.out" 2>"$tmp/typo.err" || rc=$?
cat "$tmp/typo.err"
[ "$rc" = 1 ] || { echo "check exited $rc, expected 1"; exit 1; }
grep -qF 'feb.ini:4: [typo] fitt: unknown key for plugin image (did you mean `fit`?); the item is skipped' \
    "$tmp/typo.err"
"$KZ" plan --config "$tmp/typo/player.ini" --from 2025-02-01 --to 2025-02-01 --format csv \
    --quiet 2>/dev/null >"$tmp/typo.csv"
awk -F, '$0 == "" { exit } NR > 1 { print $5 }' "$tmp/typo.csv" | sort -u >"$tmp/aired"
[ "$(cat "$tmp/aired")" = "feb/fine" ] || { echo "aired:"; cat "$tmp/aired"; exit 1; }
echo "the misspelt item is skipped, feb/fine airs all day"
echo ok
