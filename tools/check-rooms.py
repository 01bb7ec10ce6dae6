#!/usr/bin/env python3
"""Keep the tree's layout true (run by make check; player/README.md explains the rooms).

- player/<room>/ may include its own room and the rooms its README names on the line
  "may include: ..."; lib/ and kizuna/ from anywhere; a bare "x.h" only from its own folder;
- plugins/<name>/ include their own folder, lib/ and kizuna/ only (never another plugin);
- lib/ includes only itself and kizuna/;
- no file anywhere includes a .c file, and no declaration is weak.
Prints one line per violation with file:line and exits 1 if there was any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if len(sys.argv) == 3 and sys.argv[1] == "--root":  # another tree (the script's own test)
    ROOT = os.path.abspath(sys.argv[2])
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
WEAK = re.compile(r'__attribute__\s*\(\(\s*weak|#\s*pragma\s+weak')
GENERATED = {"kz_version.h"}  # written into the build directory by the Makefile


def rooms():
    allowed = {}
    base = os.path.join(ROOT, "player")
    for name in sorted(os.listdir(base)):
        readme = os.path.join(base, name, "README.md")
        if not os.path.isfile(readme):
            continue
        line = next((l for l in open(readme, encoding="utf-8") if l.startswith("may include:")), None)
        if line is None:
            sys.exit(f"player/{name}/README.md:1: no 'may include:' line")
        words = line.split(":", 1)[1].replace("—", " ").split()
        allowed[name] = set(words) | {name}
    return allowed


def sources(top):
    for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.join(dirpath, f)


def main():
    allowed = rooms()
    problems = []
    lib = set(os.listdir(os.path.join(ROOT, "lib")))

    def bad(path, n, why):
        problems.append(f"{os.path.relpath(path, ROOT)}:{n}: {why}")

    for top in ("player", "plugins", "lib", "include", "tests", "tools"):
        if not os.path.isdir(os.path.join(ROOT, top)):
            continue
        for path in sources(top):
            rel = os.path.relpath(path, ROOT).split(os.sep)
            here = os.path.dirname(path)
            for n, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                if WEAK.search(line) and top != "tools":
                    bad(path, n, "weak symbol: wire the call explicitly")
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                if inc.endswith(".c"):
                    bad(path, n, f'includes a source file "{inc}": link its object instead')
                    continue
                if inc.startswith("kizuna/") or inc in GENERATED:
                    continue
                local = os.path.exists(os.path.join(here, inc)) and "/" not in inc
                if top == "player":
                    room = rel[1]
                    first = inc.split("/")[0]
                    if local or (inc in lib and "/" not in inc):
                        continue
                    if "/" not in inc or first not in allowed:
                        bad(path, n, f'"{inc}": name the room (e.g. "model/schedule.h")')
                    elif first not in allowed[room]:
                        bad(path, n, f'"{inc}": room {room} may not include room {first} '
                                     f'(player/{room}/README.md)')
                elif top in ("plugins", "lib"):
                    if local or (inc in lib and "/" not in inc):
                        continue
                    bad(path, n, f'"{inc}": a {top[:-1] if top == "plugins" else "lib"} file '
                                 "includes its own folder, lib/ and kizuna/ only")
    for p in problems:
        print(p)
    if problems:
        print(f"check-rooms: {len(problems)} problem(s)")
        return 1
    print("check-rooms: every include goes the allowed way")
    return 0


if __name__ == "__main__":
    sys.exit(main())
