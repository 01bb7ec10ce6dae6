#!/bin/sh
# `kizuna plan` text opens with one line per campaign (docs/playlists.md, "kizuna plan"): days
# on air (first..last), plays in all zones, airtime on screen in any zone; then the timeline.
# The demo playlists over 2025-01-26..2025-02-02 (the handprint unveiling ends, the barrier-free
# month's panels start on 27 January, Heartful Pass on 1 February); each figure is recomputed
# here from the JSON plan (its slots and per-day totals) and compared.
set -eu
B=${KZ_BUILD:-build}
export KIZUNA_PLUGINS=$B/plugins
sh tools/make-demo-media.sh build/content >/dev/null
CFG=tests/golden/demo/player.ini
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for fmt in text json; do
    "$B/kizuna" plan --config "$CFG" --from 2025-01-26 --to 2025-02-02 --format $fmt --quiet \
        >"$tmp/p.$fmt"
done
python3 - "$tmp/p.text" "$tmp/p.json" <<'PY'
import json, sys
from datetime import datetime

text = open(sys.argv[1]).read().split("\n")
plan = json.load(open(sys.argv[2]))
# the summary: the lines under "campaign days on air plays airtime", up to the blank line,
# all before the timeline's "start end" header
head = next(i for i, l in enumerate(text) if l.split()[:2] == ["campaign", "days"])
timeline = next(i for i, l in enumerate(text) if l.split()[:2] == ["start", "end"])
assert text[0].startswith("# kizuna plan ") and head < timeline, (head, timeline)
got = {}
for l in text[head + 1:]:
    if not l:
        break
    f = l.rsplit(None, 4)  # name (may hold a space), days, first..last, plays, airtime
    assert f[0] not in got, "campaign listed twice: " + f[0]
    got[f[0]] = (int(f[1]), f[2], int(f[3]), f[4])

def name(c): return c if c else "(no campaign)"
t = lambda s: datetime.fromisoformat(s).timestamp()
want = {}
for c in {name(s["campaign"]) for s in plan["slots"] if s["item"]}:
    spans = sorted((t(s["start"]), t(s["end"])) for s in plan["slots"]
                   if s["item"] and name(s["campaign"]) == c)
    air, a, b = 0, None, None
    for s, e in spans:  # union: on screen in any zone
        if b is not None and s <= b:
            b = max(b, e)
            continue
        if b is not None:
            air += b - a
        a, b = s, e
    air += b - a
    days = sorted({d["day"] for d in plan["days"] if d["campaign"] == c and d["airtime_s"] > 0})
    plays = sum(x["plays"] for x in plan["campaigns"] if x["campaign"] == c)
    sec = round(air)
    want[c] = (len(days), days[0] + ".." + days[-1], plays,
               "%d:%02d:%02d" % (sec // 3600, sec // 60 % 60, sec % 60))
for c in sorted(set(got) | set(want)):
    print("%-22s text %-50s recomputed %s" % (c, got.get(c), want.get(c)))
assert got == want, "the summary differs from the slots"
assert set(want) == {"(no campaign)", "handprint-unveiling", "barrier-free-month",
                     "heartful-pass"}, want
# the campaign shown in two zones at once (barrier-free month: main and ticker) is on screen
# less than its zones added
bf = sum(x["airtime_s"] for x in plan["campaigns"] if x["campaign"] == "barrier-free-month")
h, m, s = map(int, got["barrier-free-month"][3].split(":"))
assert h * 3600 + m * 60 + s < bf, (got["barrier-free-month"], bf)
print("summary: %d campaigns, before line %d (the timeline)" % (len(got), timeline + 1))
PY
echo ok
