/* The operator console in a real browser (Debian's chromium driven by playwright-core), the way
 * a PR officer uses it: log in, put a campaign for 1-28 February with a Japanese notice on the
 * screens, see it in the preview at 2025-02-03 12:00 and in the plan on 3 February, get a
 * clear error for hours 25:00 with nothing written, switch it off and undo that, send an
 * interrupt to the running player. Run by tests/integration/test_console_browser.sh, which
 * starts the console and the player and passes:
 *   KZ_URL       the console's address          KZ_PASSWORD  its password
 *   KZ_PLAYLISTS the playlist folder it edits   KZ_OUT       where screenshots go
 *   KZ_MEDIA     files to drop on the media page KZ_CONTENT  the content folder
 * Exit status 0 when every step passed; the first failure is printed and exits 1. */
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const URL = process.env.KZ_URL, PW = process.env.KZ_PASSWORD;
const MEDIA = process.env.KZ_MEDIA, CONTENT = process.env.KZ_CONTENT;
const PL = process.env.KZ_PLAYLISTS, OUT = process.env.KZ_OUT || 'build/browser';
const FILE = '40-browser-month.ini';
const TITLE = '点字ブロックの上に|物を置かないでください';
const FLASH_FILE = '41-browser-flash.ini';
const OVERRIDE = '2025-05-20 県の担当者が確認。前に点滅の注意スライドを入れる';
const INTERRUPT = '訓練：これはブラウザ試験の割り込み表示です';

function check(cond, what) {
  if (!cond) throw new Error(what);
  console.log('ok - ' + what);
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.KZ_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--lang=ja'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'ja-JP' });
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  /* refused requests (wrong password, check errors) are part of the test: only script errors count */
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push('console: ' + m.text());
  });
  const shot = (name) => page.screenshot({ path: path.join(OUT, name + '.png'), fullPage: true });
  /* the page asks for things after a click; wait for what it shows */
  const waitText = (sel, text, timeout) =>
    page.waitForFunction(([s, x]) => { const e = document.querySelector(s); return e && e.textContent.includes(x); },
                         [sel, text], { timeout: timeout || 20000 });
  try {
    /* 1. login: Japanese by default, the password field because a hash is configured */
    await page.goto(URL);
    await page.waitForSelector('#login-button');
    check((await page.textContent('h1')) === 'ログイン', 'the login page is in Japanese');
    await page.fill('#password', 'wrong-password');
    await page.click('#login-button');
    await waitText('#login-error', 'パスワードが違います');
    check(true, 'a wrong password is refused on the page');
    await shot('01-login');
    await page.fill('#password', PW);
    await page.click('#login-button');
    await page.waitForSelector('#campaigns');
    const before = await page.$$eval('#campaigns tr[data-file]', (rs) => rs.length);
    check(before >= 5, 'the campaigns list shows the demo playlists (' + before + ')');
    check(await page.$$eval('#campaigns canvas.strip', (c) => c.length) === before,
          'every campaign has its calendar strip');
    /* the demo's campaigns are in 2025: the calendar strips of that year */
    while (Number(await page.textContent('#year')) > 2025) {
      const y = await page.textContent('#year');
      await page.click('#year-prev');
      await page.waitForFunction((p) => document.querySelector('#year') && document.querySelector('#year').textContent !== p, y);
    }
    await page.waitForSelector('#campaigns');
    await shot('02-campaigns');

    /* 2. a new campaign for 1-28 February with a Japanese notice */
    await page.click('#new-campaign');
    await page.waitForSelector('#f-campaign');
    await page.fill('#file', FILE.replace(/\.ini$/, ''));
    await page.fill('#f-campaign', 'browser-month');
    await page.fill('#date-from', '2025-02-01');
    await page.fill('#date-to', '2025-02-28');
    check((await page.inputValue('#f-dates')) === '2025-02-01..2025-02-28',
          'the date range picker writes dates = 2025-02-01..2025-02-28');
    await page.fill('#f-times', '09:00-21:00');
    await page.fill('#f-priority', '20');
    await page.selectOption('#add-plugin', 'notice');
    await page.click('#add-item');
    await page.selectOption('#add-plugin', 'clock');
    await page.click('#add-item');
    const notice = page.locator('.item').nth(0), clock = page.locator('.item').nth(1);
    await notice.locator('.kvrow[data-key="title"] .val').fill(TITLE);
    await notice.locator('.kvrow[data-key="body"] .val').fill('通路の点字ブロックは、目の不自由な方の大切な道しるべです。');
    await notice.locator('.kvrow[data-key="duration"] .val').fill('30s');
    /* reorder by button: clock up, then back down */
    await clock.locator('button.up').click();
    check(await page.locator('.item').nth(0).locator('.plugin').inputValue() === 'clock', 'an item moves up by its button');
    await page.locator('.item').nth(0).locator('button.down').click();
    check(await page.locator('.item').nth(0).locator('.plugin').inputValue() === 'notice', 'and down again');
    await page.locator('.item').nth(1).locator('button', { hasText: '削除' }).click();
    await shot('03-editor-new');
    await page.click('#save');
    await page.waitForFunction((f) => location.hash === '#/edit/' + f, FILE, { timeout: 30000 });
    await page.waitForSelector('#f-times');
    const written = fs.readFileSync(path.join(PL, FILE), 'utf8');
    check(/dates\s*=\s*2025-02-01\.\.2025-02-28/.test(written) && written.includes(TITLE),
          'the file is written with the dates and the notice');
    await shot('04-editor-saved');

    /* 3. hours 25:00: the parser's error beside the field, with file:line, nothing written */
    await page.fill('#f-times', '25:00-26:00');
    await page.click('#save');
    await page.waitForSelector('.field[data-key="times"] .errs .err', { timeout: 30000 });
    const err = await page.textContent('.field[data-key="times"] .errs');
    check(new RegExp(FILE.replace('.', '\\.') + ':\\d+').test(err), 'the hours error says file:line: ' + err.trim());
    check(await page.$eval('#f-times', (e) => e.classList.contains('bad')), 'the hours field is marked');
    check(err.includes('時間帯として読めません'), 'the hours error is said in Japanese');
    check((await page.textContent('#save-error')).includes('何も書き込んでいません'), 'the page says nothing was written');
    check(fs.readFileSync(path.join(PL, FILE), 'utf8') === written, 'the file on disk is unchanged');
    await page.locator('.field[data-key="times"]').scrollIntoViewIfNeeded();
    await shot('05-error-25h');

    /* 4. the preview at 2025-02-03 12:00 shows the notice; +1 slot moves on */
    await page.goto(URL + '#/preview');
    await page.waitForSelector('#at-date');
    await page.fill('#at-date', '2025-02-03');
    await page.fill('#at-time', '12:00:00');
    await page.click('#show');
    await waitText('#preview-info', '2025-02-03T12:00:00', 60000);
    await waitText('#on-air', '40-browser-month/', 60000);
    check(true, 'the preview at 2025-02-03 12:00 has the new notice on air: ' + (await page.textContent('#on-air')));
    const png = await page.evaluate(async () => {
      const b = await (await fetch(document.querySelector('#preview-img').dataset.src)).arrayBuffer();
      return Array.from(new Uint8Array(b));
    });
    fs.writeFileSync(path.join(OUT, 'preview-frame.png'), Buffer.from(png));
    const natural = await page.$eval('#preview-img', (i) => [i.naturalWidth, i.naturalHeight]);
    check(natural[0] === 960 && natural[1] === 540, 'the landscape preview is a 960x540 picture');
    /* check --at from the preview: the demo as of 3 February has the handprint unveiling over */
    await page.click('#check-at');
    await page.waitForSelector('#check-summary', { timeout: 60000 });
    check((await page.textContent('#check-summary')).includes('2025-02-03T12:00:00'), 'the check runs as of the preview\'s moment: ' +
          (await page.textContent('#check-summary')).trim());
    check(await page.$('#check-result [data-code="campaign_past"]') !== null, 'and says, in Japanese, which campaign is over: ' +
          (await page.textContent('#check-result [data-code="campaign_past"]')).trim());
    await shot('06-preview');
    const at = await page.inputValue('#at-time');
    await page.click('#next-slot');
    await page.waitForFunction((a) => document.querySelector('#at-time').value !== a &&
      document.querySelector('#preview-info').textContent.includes(document.querySelector('#at-time').value), at);
    check(true, '+1 slot moves the preview to ' + (await page.inputValue('#at-time')));
    await page.selectOption('#orientation', 'portrait');
    await page.click('#show');
    await page.waitForFunction(() => document.querySelector('#preview-img').naturalHeight === 960, null, { timeout: 60000 });
    check(true, 'the portrait preview is 540x960');
    await shot('07-preview-portrait');

    /* 5. the month plan lists it on 3 February */
    await page.goto(URL + '#/plan');
    await page.waitForSelector('#month');
    await page.fill('#month', '2025-02');
    await page.click('text=表示');
    const frame = page.frameLocator('#plan-frame');
    const feb3 = frame.locator('td', { has: frame.locator('div.dn', { hasText: /^3 2月$/ }) });
    await feb3.waitFor({ timeout: 60000 });
    check((await feb3.textContent()).includes('browser-month'), 'the plan lists browser-month on 3 February');
    await shot('08-plan');

    /* 6. bulk: switch it off (the file becomes .ini.off), then undo */
    await page.goto(URL + '#/campaigns');
    await page.waitForSelector('#campaigns');
    await page.check('#campaigns tr[data-file="' + FILE + '"] input[type=checkbox]');
    await page.click('#bulk-off');
    await page.waitForSelector('#campaigns tr[data-file="' + FILE + '.off"]', { timeout: 30000 });
    check(fs.existsSync(path.join(PL, FILE + '.off')) && !fs.existsSync(path.join(PL, FILE)),
          'switched off in bulk: the file is now ' + FILE + '.off');
    await shot('09-bulk-off');
    await page.click('#undo');
    await page.waitForSelector('#campaigns tr[data-file="' + FILE + '"]', { timeout: 30000 });
    check(fs.readFileSync(path.join(PL, FILE), 'utf8') === written, 'undo brings the file back as it was');

    /* 7. media by drag and drop: a picture, a calm clip, a flashing clip, a file that is not media */
    await page.goto(URL + '#/media');
    await page.waitForSelector('#drop');
    const files = fs.readdirSync(MEDIA).sort().map((n) => ({ name: n, bytes: Array.from(fs.readFileSync(path.join(MEDIA, n))) }));
    const dt = await page.evaluateHandle((fl) => {
      const d = new DataTransfer();
      for (const f of fl) d.items.add(new File([new Uint8Array(f.bytes)], f.name));
      return d;
    }, files);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
    await page.waitForFunction((n) => document.querySelectorAll('.upload.done').length === n, files.length, { timeout: 120000 });
    const result = async (n) => (await page.textContent('.upload[data-file="' + n + '"] .result')).trim();
    check((await result('still.png')).startsWith('画像'), 'a dropped picture is stored as a picture: ' + await result('still.png'));
    check((await result('calm.mp4')).includes('PASS'), 'a calm clip passes the flash analysis: ' + await result('calm.mp4'));
    check((await result('flashing.mp4')).includes('FAIL'), 'a flashing clip fails it, and the page says so: ' + await result('flashing.mp4'));
    check((await result('fake.png')).includes('保存していません') && !fs.existsSync(path.join(CONTENT, 'fake.png')),
          'a file that is not media is refused and not stored: ' + await result('fake.png'));
    check(fs.existsSync(path.join(CONTENT, 'calm.mp4')), 'the calm clip is in the content folder');
    /* thumbnails: the server's picture of the first frame, for what was just stored and for
     * the demo's media already there */
    const thumbOk = (n) => page.waitForFunction((f) => {
      const i = document.querySelector('img.thumb[data-file="' + f + '"]');
      return i && i.complete && i.naturalWidth > 0;
    }, n, { timeout: 60000 });
    for (const n of ['calm.mp4', 'still.png', 'flashing.mp4']) await thumbOk(n);
    const dims = await page.$eval('img.thumb[data-file="calm.mp4"]', (i) => [i.naturalWidth, i.naturalHeight]);
    check(dims[0] === 192 && dims[1] === 108, 'the calm clip has its 192x108 thumbnail');
    const listed = await page.$$eval('#media tr[data-file]', (rs) => rs.length);
    await page.waitForFunction(() => [...document.querySelectorAll('#media tr[data-file]')]
      .every((r) => r.querySelector('.nothumb') || (r.querySelector('img.thumb') || {}).complete), null, { timeout: 60000 });
    const shown = await page.$$eval('#media img.thumb', (is) => is.filter((i) => i.naturalWidth > 0).length);
    check(shown >= 3, 'thumbnails in the media list: ' + shown + ' of ' + listed + ' files');
    const thumb = await page.evaluate(async () => {
      const r = await fetch(document.querySelector('img.thumb[data-file="calm.mp4"]').src);
      return [r.headers.get('Content-Type'), Array.from(new Uint8Array(await r.arrayBuffer()))];
    });
    check(thumb[0] === 'image/png', 'served as image/png');
    fs.writeFileSync(path.join(OUT, 'thumb-calm.png'), Buffer.from(thumb[1]));
    await shot('11-media');

    /* 7b. the failing clip in a campaign (June, away from the moments tested above): refused
     * beside its file key with nothing written, then saved with flash_override = <reason> */
    await page.goto(URL + '#/new');
    await page.waitForSelector('#f-campaign');
    await page.fill('#file', FLASH_FILE.replace(/\.ini$/, ''));
    await page.fill('#f-campaign', 'browser-flash');
    await page.fill('#date-from', '2025-06-01');
    await page.fill('#date-to', '2025-06-30');
    await page.selectOption('#add-plugin', 'video');
    await page.click('#add-item');
    const clip = page.locator('.item').nth(0);
    await clip.locator('.kvrow[data-key="file"] .val').fill('flashing.mp4');
    await page.click('#save');
    await page.waitForSelector('.item .err[data-code="flash_fail"]', { timeout: 60000 });
    const refusal = await page.textContent('.item .err[data-code="flash_fail"]');
    check(/41-browser-flash\.ini:\d+/.test(refusal) && refusal.includes('光過敏の基準を満たしません'),
          'a failing clip is refused beside its file, in Japanese, with file:line: ' + refusal.trim());
    check(!fs.existsSync(path.join(PL, FLASH_FILE)), 'and nothing is written');
    await shot('15-flash-refused');
    await page.click('.item .add-override');
    await clip.locator('.kvrow[data-key="flash_override"] .val').fill(OVERRIDE);
    await page.click('#save');
    await page.waitForFunction((f) => location.hash === '#/edit/' + f, FLASH_FILE, { timeout: 60000 });
    await page.waitForSelector('#f-times');
    const withReason = fs.readFileSync(path.join(PL, FLASH_FILE), 'utf8');
    check(withReason.includes('flash_override = ' + OVERRIDE), 'with the reason written it is saved: flash_override = ' + OVERRIDE);
    await shot('16-flash-override');

    /* 8. the screen live: an interrupt behind a confirmation */
    await page.goto(URL + '#/screen');
    await waitText('#status', 'screen', 20000);
    await page.fill('#interrupt-text', INTERRUPT);
    await page.fill('#interrupt-until', '+10m');
    await page.click('#interrupt');
    await page.waitForSelector('#confirm-yes');
    await shot('10-interrupt-confirm');
    await page.click('#confirm-no');
    check(await page.$('#confirm-yes') === null, 'cancelling the confirmation sends nothing');
    await page.click('#interrupt');
    await page.click('#confirm-yes');
    await waitText('#screen-msg', 'interrupt on air', 20000);
    check(true, 'the player took the interrupt: ' + (await page.textContent('#screen-msg')).trim());
    await page.waitForFunction(() => !document.querySelector('#status').textContent.includes('interrupt none'),
                               null, { timeout: 20000 });
    await page.waitForTimeout(800);
    await page.click('text=更新');
    await page.waitForTimeout(1500);
    await shot('12-screen');
    const shotPng = await page.evaluate(async () => {
      const r = await fetch('/api/screen/screenshot');
      return Array.from(new Uint8Array(await r.arrayBuffer()));
    });
    fs.writeFileSync(path.join(OUT, 'player-screenshot.png'), Buffer.from(shotPng));

    /* 9. proof of play of that day, by campaign: the player's log so far */
    await page.goto(URL + '#/report');
    await page.waitForSelector('#by');
    await page.fill('#report-from', '2025-02-03');
    await page.fill('#report-to', '2025-02-03');
    await page.click('#report-go');
    await page.waitForSelector('#report-table, #report .err, #report .empty', { timeout: 30000 });
    check(await page.$('#report .err') === null, 'proof of play by campaign answers without an error');
    check(await page.$('#report a[href*="format=csv"]') !== null, 'with a CSV download');
    await page.waitForFunction(() => { const i = document.querySelector('#report-chart'); return i && i.complete && i.naturalWidth > 0; },
                               null, { timeout: 30000 });
    check(true, 'and the chart (kizuna report --format png)');
    await shot('14-report');

    /* 10. English by the switch */
    await page.click('#lang');
    await waitText('#nav', 'Campaigns');
    check((await page.textContent('h1')) === 'Proof of play', 'the switch puts the page in English');
    await page.goto(URL + '#/campaigns');
    await page.waitForSelector('#campaigns');
    await shot('13-english');

    check(problems.length === 0, 'no script errors on the page' + (problems.length ? ': ' + problems.join('; ') : ''));
  } catch (e) {
    console.log('FAIL: ' + e.message.split('\n')[0]);
    if (problems.length) console.log(problems.join('\n'));
    await shot('failure').catch(() => {});
    await browser.close();
    process.exit(1);
  }
  await browser.close();
}

main().catch((e) => { console.log('FAIL: ' + e.message); process.exit(1); });
