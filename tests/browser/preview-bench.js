/* The preview timed in a real browser (make bench only, never make check): Debian's chromium
 * driven by playwright-core, launched as console.test.js does. It logs in (the console listens
 * on loopback without a password), opens #/preview at 2025-02-03 12:00 and, RUNS times for
 * landscape and then portrait, presses the preview button and times, in the page, from the
 * click until the <img> holds the new picture (a new src, complete, naturalWidth > 0).
 * Prints one line per orientation: the median and every run, in seconds. Run by
 * tools/bench-console.sh, which passes KZ_URL (the console), KZ_CHROMIUM and RUNS. */
'use strict';
const { chromium } = require('playwright-core');

const URL = process.env.KZ_URL, RUNS = Number(process.env.RUNS || 7);

function median(v) {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.KZ_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--lang=ja'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'ja-JP' });
    await page.goto(URL);
    await page.waitForSelector('#login-button');
    await page.click('#login-button');
    await page.waitForSelector('#campaigns', { timeout: 30000 });
    await page.goto(URL + '#/preview');
    await page.waitForSelector('#at-date');
    await page.fill('#at-date', '2025-02-03');
    await page.fill('#at-time', '12:00:00');
    for (const o of ['landscape', 'portrait']) {
      await page.selectOption('#orientation', o);
      const runs = [];
      for (let k = 0; k <= RUNS; k++) {
        const r = await page.evaluate(() => new Promise((resolve, reject) => {
          const img = document.querySelector('#preview-img'), old = img.src;
          const t0 = performance.now();
          const done = () => {
            if (img.src === old || !img.complete || img.naturalWidth === 0) return;
            img.removeEventListener('load', done);
            clearTimeout(timer);
            resolve({ ms: performance.now() - t0, w: img.naturalWidth, h: img.naturalHeight });
          };
          const timer = setTimeout(() => reject(new Error('no new preview within 60 s')), 60000);
          img.addEventListener('load', done);
          document.querySelector('#show').click();
        }));
        if (k === 0) continue; /* the first one warms the page up; not counted */
        if ((o === 'portrait') !== (r.h > r.w)) throw new Error(o + ': the picture is ' + r.w + 'x' + r.h);
        runs.push(r.ms / 1000);
        runs.size = r.w + 'x' + r.h;
      }
      console.log('browser preview %s  %s s   (click to picture on the page, %s, median of %d: %s)',
                  o.padEnd(9), median(runs).toFixed(3), runs.size, runs.length,
                  runs.map((s) => s.toFixed(3)).join(' '));
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error('preview-bench: ' + e.message); process.exit(1); });
