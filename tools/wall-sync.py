#!/usr/bin/env python3
"""Frame offset between the tiles of a wall, from their presentation logs.

Each log (KIZUNA_VIDEO_LOG of one tile) has one line per newly presented video frame:
    WALL_US CLIP INSTANCE FRAME_PTS_US ITEM_T_US
At every instant when any tile presents a frame, each tile is showing the last frame it
presented at or before that instant. The offset between two tiles at that instant is the
difference of those frames, in frames of the clip. The report gives the largest offset
between any two tiles over the run (after a warm-up), its distribution, and where it happened.

usage: wall-sync.py CLIP_SECONDS FPS WARMUP_S LOG...
"""
import bisect
import sys


def load(path, clip_s):
    ev = []
    for line in open(path):
        f = line.split()
        if len(f) != 5:
            continue
        wall, clip, _inst, pts, t = int(f[0]), f[1], f[2], int(f[3]), int(f[4])
        # the clip loops: put the frame on the item's own time line (pts + whole passes)
        if clip_s > 0:
            passes = round((t - pts) / clip_s)
            pts += passes * clip_s
        ev.append((wall, clip, pts))
    ev.sort()
    return ev


def main():
    clip_s = int(float(sys.argv[1]) * 1e6)
    fps = float(sys.argv[2])
    warm = int(float(sys.argv[3]) * 1e6)
    logs = sys.argv[4:]
    frame = 1e6 / fps
    tiles = [load(p, clip_s) for p in logs]
    for p, t in zip(logs, tiles):
        if len(t) < 2:
            print("wall-sync: %s: no frames logged" % p)
            return 2
    start = max(t[0][0] for t in tiles) + warm
    end = min(t[-1][0] for t in tiles)
    if end <= start:
        print("wall-sync: the run is shorter than the warm-up")
        return 2
    walls = [[e[0] for e in t] for t in tiles]
    instants = sorted(set(w for t in tiles for (w, _, _) in t if start <= w <= end))
    hist = {}
    worst = (0.0, 0, None)
    other_item = 0
    for w in instants:
        shown = []
        for k, t in enumerate(tiles):
            i = bisect.bisect_right(walls[k], w) - 1
            shown.append(t[i])
        clips = set(s[1] for s in shown)
        if len(clips) > 1:
            other_item += 1
            continue
        pts = [s[2] for s in shown]
        off = (max(pts) - min(pts)) / frame
        b = int(round(off))
        hist[b] = hist.get(b, 0) + 1
        if off > worst[0]:
            worst = (off, w, pts)
    n = len(instants)
    dur = (end - start) / 1e6
    frames = [len([e for e in t if start <= e[0] <= end]) for t in tiles]
    print("tiles %d, %.1f s measured (after %.0f s warm-up), %d instants, frames presented per tile %s"
          % (len(tiles), dur, warm / 1e6, n, frames))
    print("frame offset between tiles (frames of %.3g fps): %s"
          % (fps, ", ".join("%d: %d instants (%.2f%%)" % (k, v, 100.0 * v / n)
                            for k, v in sorted(hist.items()))))
    if other_item:
        print("instants with tiles on different items: %d" % other_item)
    print("largest offset: %.2f frames%s" % (worst[0], "" if worst[1] == 0 else
          " at wall time %d us (frame times %s)" % (worst[1], worst[2])))
    # Per frame: how far apart in wall time the tiles first presented it (the phase of each
    # tile's own 60 Hz loop; under one frame period means never more than one frame apart).
    first = []
    for t in tiles:
        d = {}
        for (w, clip, pts) in t:
            if start <= w <= end:
                d.setdefault((clip, pts), w)
        first.append(d)
    # frames presented near the ends of the window may fall outside it on one tile
    edge = 100000
    inner = set(k for d in first for k in d if start + edge <= d[k] <= end - edge)
    common = set(first[0])
    for d in first[1:]:
        common &= set(d)
    missing_inner = len(inner - common)
    spread = sorted(max(d[k] for d in first) - min(d[k] for d in first) for k in common)
    missing = missing_inner
    if spread:
        print("per frame, first presentation on the last tile minus the first: median %.1f ms, "
              "p99 %.1f ms, max %.1f ms (frame period %.1f ms); frames not shown by every tile: %d"
              % (spread[len(spread) // 2] / 1e3, spread[int(len(spread) * 0.99)] / 1e3,
                 spread[-1] / 1e3, frame / 1e3, missing))
    # pts are whole microseconds: a 30 fps frame is 33333 or 33334 us
    ok = worst[0] <= 1.01 and other_item == 0
    print("target (at most one frame): %s" % ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
