# plugin-keys.js from `kizuna help keys --format ini` (stdin): each plugin's keys with an example
import sys, json, re
plugins = {}; cur = None
for line in sys.stdin:
    line = line.rstrip('\n')
    m = re.match(r'^\[example-(.+)\]$', line)
    if m: cur = m.group(1); plugins[cur] = []; continue
    m = re.match(r'^([A-Za-z0-9_.-]+) = (.*)$', line)
    if cur and m: plugins[cur].append([m.group(1), m.group(2)])
print("/* The keys each plugin accepts, with an example value each: exactly what `kizuna help keys\n"
      " * --format ini` prints (tests/integration/test_console_browser.sh fails when they differ). */")
print("'use strict';\nconst KZ_PLUGIN_KEYS = {")
for k, v in plugins.items():
    print(" " + json.dumps(k) + ": " + json.dumps(v, ensure_ascii=False) + ",")
print("};")
