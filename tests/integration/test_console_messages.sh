#!/bin/sh
# Every code the console answers with (srv.CODE) and every code it gives kizuna check's lines
# (chk.CODE, player/console/messages.c) has its sentence in every language of the page's
# catalogue (player/console/www/i18n.js): otherwise a Japanese reader would see ⟦srv.x⟧.
# The browser test fails on a missing key it meets; this one covers the codes it never meets.
set -eu
python3 - <<'PY'
import glob, re, sys
src = {p: re.sub(r'\s+', ' ', open(p, encoding='utf-8').read()) for p in glob.glob('player/console/*.c')}
srv, chk = set(), set()
for p, s in src.items():
    for m in re.finditer(r'kz_cresp_errorp?\(&?rs, [^,]+, (?:[^,"]*\? )?"([a-z_]+)"(?: : "([a-z_]+)")?', s):
        srv.update(x for x in m.groups() if x)
    srv.update(re.findall(r'\*code = "([a-z_]+)"', s))
    srv.update(re.findall(r'"code", "([a-z_]+)"', s))
    srv.update(re.findall(r'\\"code\\":\\"([a-z_]+)\\"', s))
chk.update(re.findall(r'\{"([a-z_]+)", "', src['player/console/messages.c']))
chk.add('other')
js = open('player/console/www/i18n.js', encoding='utf-8').read()
ja, en = js.index('\n  ja: {'), js.index('\n  en: {')
langs = {'ja': js[ja:en], 'en': js[en:]}
missing = []
for lang, block in langs.items():
    have = set(re.findall(r"'((?:srv|chk)\.[a-z_]+)':", block))
    for k in sorted({'srv.' + c for c in srv} | {'chk.' + c for c in chk}):
        if k not in have:
            missing.append(lang + ': ' + k)
# the extraction itself must have found the codes (a pattern gone blind passes nothing)
for must in ('srv.not_found', 'srv.check', 'srv.conflict', 'srv.not_media_truncated', 'srv.internal',
             'srv.rate_limited', 'chk.flash_fail', 'chk.bad_window', 'chk.unknown_key_near'):
    if must[4:] not in (srv if must.startswith('srv') else chk):
        missing.append('extraction: ' + must + ' was not found in the sources')
if missing:
    print('codes without a sentence in player/console/www/i18n.js:\n  ' + '\n  '.join(missing))
    sys.exit(1)
print('console messages: %d server codes and %d check codes, each in %s'
      % (len(srv), len(chk), ' and '.join(langs)))
PY
