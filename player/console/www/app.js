/* kizuna console: the page. Plain JavaScript, no build step; every word shown comes from the
 * catalogue in i18n.js (t()). The views follow the hash: #/campaigns, #/edit/FILE, #/new,
 * #/media, #/preview, #/plan, #/report, #/screen; #/login when there is no session.
 * The server (player/console/, docs/console.md) checks everything again: what the page
 * checks is only there to say it sooner. */
'use strict';

const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

/* el('button', {class: 'x', onclick: f}, 'text', child...) */
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'value') e.value = v;
    else if (k === 'checked') e.checked = !!v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

const state = { session: null };

function flash(kind, msg) {
  const f = $('#flash');
  f.replaceChildren(el('div', { class: kind }, msg));
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => f.replaceChildren(), kind === 'ok' ? 5000 : 15000);
}

/* What the server said, in the page's language: every answer of the server carries a stable
 * code and its values (player/console/messages.h); srv.CODE of i18n.js says it. A code the
 * catalogue lacks is an error on the page (t() reports it; the browser test fails on it). */
function serverText(d) {
  if (d && typeof d === 'object' && d.code) return t('srv.' + d.code, d.params || {});
  if (d && typeof d === 'object' && d.error) return d.error;
  return null;
}

/* An API error as one line: the server's message, or the status when there is none. */
function errText(r) {
  const m = serverText(r.data);
  if (m) return m;
  if (r.status === 0) return t('err.network');
  return t('err.status', { status: r.status });
}

function where(p) {
  return p.file ? el('span', { class: 'where' }, p.file + ':' + p.line) : null;
}

/* a problem of kizuna check: file:line in its own tag, then the sentence of its code (the
 * parser's English line when it has none) */
function problemLine(p) {
  const head = p.file + ':' + p.line + ': ';
  const m = p.code ? t('chk.' + p.code, p.params || {})
                   : p.message.startsWith(head) ? p.message.slice(head.length) : p.message;
  return el('div', { class: p.severity === 'error' ? 'err' : 'warnmsg', 'data-code': p.code || '' },
            where(p), ' ', m);
}

function pad(n) { return String(n).padStart(2, '0'); }
function isoDate(d) { return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); }

/* ---- languages -------------------------------------------------------------------------- */

function applyStatic() {
  document.documentElement.lang = KZ_LANG();
  $$('[data-t]').forEach((e) => { e.textContent = t(e.dataset.t); });
  $('#lang').textContent = t('lang.switch');
  document.title = t('app.title');
}

/* ---- login ------------------------------------------------------------------------------ */

function viewLogin(v) {
  const need = state.session && state.session.need_password;
  const pw = el('input', { type: 'password', id: 'password', autocomplete: 'current-password' });
  const msg = el('div', { class: 'err', id: 'login-error' });
  const go = async (ev) => {
    ev.preventDefault();
    const r = await KZ_API.post('/api/login', need ? { password: pw.value } : {});
    if (!r.ok) {
      msg.textContent = errText(r);
      return;
    }
    state.session = r.data;
    KZ_API.setCsrf(r.data.csrf);
    location.hash = '#/campaigns';
    route();
  };
  v.append(el('form', { class: 'panel login', onsubmit: go },
    el('h1', {}, t('login.title')),
    el('p', { class: 'hint' }, need ? t('login.need_password') : t('login.loopback')),
    need ? el('div', {}, el('label', { for: 'password' }, t('login.password')), pw) : null,
    el('p', {}, el('button', { class: 'primary', type: 'submit', id: 'login-button' },
                   t('login.button'))),
    msg));
  if (need) pw.focus();
}

/* ---- campaigns list --------------------------------------------------------------------- */

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/* The same campaign name gets the same colour in the strip, the timeline and the legend. */
function colourOf(name) {
  if (!name) return '#8a9bb0';
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) % 360;
  return 'hsl(' + h + ',62%,45%)';
}

function drawStrip(canvas, daysOn, colour, year) {
  const n = daysOn ? daysOn.length : 365;
  canvas.width = n;
  canvas.height = 14;
  const g = canvas.getContext('2d');
  g.fillStyle = '#eef0f3';
  g.fillRect(0, 0, n, 14);
  g.fillStyle = colour;
  for (let i = 0; daysOn && i < n; i++) if (daysOn[i] === '1') g.fillRect(i, 0, 1, 14);
  const today = new Date();
  if (today.getFullYear() !== year) return; /* the mark of today only in this year's strip */
  const d = Math.floor((today - new Date(year, 0, 1)) / 86400000);
  g.fillStyle = '#000';
  g.fillRect(d, 0, 1, 14);
}

function monthsRuler() {
  return el('div', { class: 'months' }, t('months').map((m) => el('span', {}, m)));
}

function problemsList(problems) {
  return el('div', { class: 'problems' }, (problems || []).map(problemLine));
}

async function viewCampaigns(v, year) {
  year = year || Number(sessionStorage.getItem('kz-year')) || new Date().getFullYear();
  sessionStorage.setItem('kz-year', year);
  const r = await KZ_API.get('/api/campaigns?year=' + year);
  if (!r.ok) { v.append(el('p', { class: 'err' }, errText(r))); return; }
  const list = r.data.campaigns;
  const boxes = [];
  const bulkOut = el('div', { id: 'bulk-result' });
  const selected = () => boxes.filter((b) => b.checked).map((b) => b.value);
  const bulk = async (body) => {
    const files = selected();
    if (!files.length) { flash('bad', t('bulk.none')); return; }
    const res = await KZ_API.post('/api/bulk', Object.assign({ files }, body));
    if (res.ok) {
      flash('ok', res.data.written === false ? t('bulk.nothing') : t('bulk.done', { n: files.length }));
      route();
    } else {
      bulkOut.replaceChildren(el('p', { class: 'err' }, errText(res)),
                              problemsList(res.data && res.data.problems));
    }
  };
  const setPanel = el('form', { class: 'panel', id: 'bulk-set', hidden: true });
  const setFields = {};
  for (const k of ['dates', 'days', 'times', 'priority', 'weight', 'duration']) {
    setFields[k] = el('input', { name: k, placeholder: t('ph.' + k) });
    setPanel.append(el('label', {}, t('field.' + k), ' ', setFields[k]));
  }
  setPanel.append(el('button', { class: 'primary', type: 'submit' }, t('bulk.apply')),
                  el('p', { class: 'hint' }, t('bulk.set_hint')));
  setPanel.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const set = {};
    for (const [k, inp] of Object.entries(setFields)) if (inp.value.trim()) set[k] = inp.value.trim();
    if (!Object.keys(set).length) { flash('bad', t('bulk.empty')); return; }
    bulk({ action: 'set', set });
  });
  const undoBtn = el('button', { id: 'undo', disabled: !r.data.undo, title: r.data.undo || '',
    onclick: async () => {
      const u = await KZ_API.post('/api/undo');
      if (u.ok) { flash('ok', t('undo.done')); route(); } else flash('bad', errText(u));
    } }, t('undo.button'));
  v.append(
    el('h1', {}, t('campaigns.title')),
    el('div', { class: 'toolbar' },
      el('button', { class: 'primary', id: 'new-campaign', onclick: () => { location.hash = '#/new'; } },
         t('campaigns.new')),
      el('span', { class: 'spacer' }),
      el('button', { id: 'year-prev', onclick: () => { sessionStorage.setItem('kz-year', year - 1); route(); } }, '◀'),
      el('strong', { id: 'year' }, String(r.data.year)),
      el('button', { onclick: () => { sessionStorage.setItem('kz-year', year + 1); route(); } }, '▶'),
      el('span', {}, '　'),
      undoBtn, r.data.undo ? el('span', { class: 'hint', id: 'undo-what' }, r.data.undo) : null),
    el('div', { class: 'toolbar' },
      el('span', {}, t('bulk.selected')),
      el('button', { id: 'bulk-on', onclick: () => bulk({ action: 'on' }) }, t('bulk.on')),
      el('button', { id: 'bulk-off', onclick: () => bulk({ action: 'off' }) }, t('bulk.off')),
      el('button', { id: 'bulk-dates', onclick: () => { setPanel.hidden = !setPanel.hidden; } },
         t('bulk.set'))),
    setPanel, bulkOut);
  const all = el('input', { type: 'checkbox', title: t('bulk.all'),
    onchange: () => boxes.forEach((b) => { b.checked = all.checked; }) });
  const table = el('table', { class: 'list', id: 'campaigns' },
    el('tr', {}, el('th', {}, all), ['col.on', 'col.file', 'col.campaign', 'col.dates',
      'col.days', 'col.times', 'col.priority', 'col.weight', 'col.zone', 'col.items']
      .map((k) => el('th', {}, t(k))), el('th', {}, t('col.calendar'), monthsRuler())));
  for (const c of list) {
    const pl = c.playlist || {};
    const box = el('input', { type: 'checkbox', value: c.file, 'aria-label': c.file });
    boxes.push(box);
    const strip = el('canvas', { class: 'strip' });
    drawStrip(strip, c.days_on, colourOf(pl.campaign || c.file), r.data.year);
    const times = pl.times || t('all_day');
    table.append(el('tr', { class: c.on ? '' : 'off', 'data-file': c.file },
      el('td', {}, box),
      el('td', {}, c.on ? t('on') : t('off')),
      el('td', {}, el('a', { href: '#/edit/' + encodeURIComponent(c.file) }, c.file),
         c.error ? el('div', { class: 'err' }, c.error) : null),
      el('td', {}, pl.campaign || ''),
      el('td', {}, pl.dates || t('every_date')),
      el('td', {}, pl.days || t('every_day')),
      el('td', {}, times, crossesMidnight(pl.times) ? el('div', { class: 'hint' }, t('midnight')) : null),
      el('td', {}, pl.priority || '0'),
      el('td', {}, pl.weight || '1'),
      el('td', {}, pl.zone || 'main'),
      el('td', {}, String((c.items || []).length)),
      el('td', {}, strip)));
  }
  v.append(table);
}

function crossesMidnight(times) {
  if (!times) return false;
  return times.split(',').some((w) => {
    const m = w.trim().match(/^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/);
    return m && (Number(m[3]) * 60 + Number(m[4])) < (Number(m[1]) * 60 + Number(m[2]));
  });
}

/* ---- campaign editor -------------------------------------------------------------------- */

const FORM_KEYS = ['campaign', 'dates', 'days', 'times', 'priority', 'weight', 'zone', 'interrupt'];
const LANGS = ['.ja', '.en', '.zh-Hans', '.ko', '.vi'];
const MAIN_KEYS = { notice: ['title', 'body'], video: ['file'], image: ['file'], qr: ['text'],
                    ticker: ['text'], countdown: ['target', 'before'], color: ['color'], clock: [] };

/* "2025-02-01..2025-02-28" or yearly "02-01..02-28" from the two pickers */
function datesValue(from, to, yearly) {
  if (!from) return '';
  const f = yearly ? from.slice(5) : from, e = to ? (yearly ? to.slice(5) : to) : '';
  return e && e !== f ? f + '..' + e : f;
}

function parseDates(v) {
  const m = (v || '').trim().match(/^((\d{4})-)?(\d{2}-\d{2})(\.\.((\d{4})-)?(\d{2}-\d{2}))?$/);
  if (!m) return null;
  const y = m[2] || String(new Date().getFullYear());
  return { from: y + '-' + m[3], to: m[7] ? (m[6] || y) + '-' + m[7] : y + '-' + m[3], yearly: !m[2] };
}

function keyRow(item, key, value) {
  const plugin = () => (item.querySelector('.plugin') || {}).value;
  const k = el('input', { class: 'key', value: key, list: 'keys-' + (plugin() || 'any'),
                          'aria-label': t('item.key') });
  const val = el('textarea', { class: 'val', rows: Math.min(6, (value.match(/\n/g) || []).length + 1),
                               'aria-label': key });
  val.value = value;
  const row = el('div', { class: 'kvrow', 'data-key': key, style: 'display:contents' },
    k, val, el('button', { type: 'button', title: t('item.remove_key'), onclick: () => row.remove() }, '✕'));
  k.addEventListener('input', () => { row.dataset.key = k.value; val.setAttribute('aria-label', k.value); });
  return row;
}

/* The keys each plugin accepts, and those of every item, as kizuna help keys gives them
 * (GET /api/keys): {plugin: [{name, example, doc}]}; NAME.LANG stands for one key per
 * language. Loaded once a session. */
let pluginKeys = null;
async function loadKeys() {
  if (pluginKeys) return true;
  const r = await KZ_API.get('/api/keys');
  if (!r.ok || !r.data || !Array.isArray(r.data.plugins)) return false;
  pluginKeys = {};
  for (const p of r.data.plugins) pluginKeys[p.name] = (r.data.item || []).concat(p.keys || []);
  return true;
}

function keyDatalists() {
  const lists = [];
  for (const [plugin, keys] of Object.entries(pluginKeys)) {
    const opts = new Map();
    for (const k of keys) {
      if (k.name === 'plugin') continue;
      const label = k.doc || '';
      if (k.name.endsWith('.LANG')) {
        const base = k.name.slice(0, -5);
        LANGS.forEach((l) => opts.set(base + l, label));
      } else {
        opts.set(k.name, label);
      }
    }
    lists.push(el('datalist', { id: 'keys-' + plugin },
      [...opts].map(([n, label]) => el('option', { value: n, label }))));
  }
  return lists;
}

function exampleOf(plugin, key) {
  const hit = (pluginKeys[plugin] || []).find((k) => k.name === key);
  return hit && hit.example ? hit.example : '';
}

function itemCard(list, section, keys, fromName) {
  const pluginKey = keys.find(([k]) => k === 'plugin');
  const plugin = pluginKey ? pluginKey[1] : '';
  const card = el('div', { class: 'item', draggable: 'true', 'data-sec': section,
                           'data-from': fromName || '' });
  const name = el('input', { class: 'section', value: section, 'aria-label': t('item.name'), size: 18 });
  const sel = el('select', { class: 'plugin', 'aria-label': t('item.plugin') },
    Object.keys(pluginKeys).map((p) => el('option', { value: p, selected: p === plugin }, pluginName(p))));
  if (!pluginKeys[plugin]) sel.append(el('option', { value: plugin, selected: true }, plugin));
  const kv = el('div', { class: 'kv' });
  for (const [k, v] of keys) if (k !== 'plugin') kv.append(keyRow(card, k, v));
  const move = (d) => {
    const sib = d < 0 ? card.previousElementSibling : card.nextElementSibling;
    if (sib && d < 0) list.insertBefore(card, sib);
    else if (sib) list.insertBefore(sib, card);
  };
  sel.addEventListener('change', () => $$('.key', kv).forEach((k) => k.setAttribute('list', 'keys-' + sel.value)));
  card.append(
    el('div', { class: 'head' },
      el('span', { class: 'handle', title: t('item.drag') }, '⠿'),
      el('input', { type: 'checkbox', class: 'pick', 'aria-label': t('item.select') }),
      name, sel,
      el('button', { type: 'button', class: 'up', title: t('item.up'), onclick: () => move(-1) }, '↑'),
      el('button', { type: 'button', class: 'down', title: t('item.down'), onclick: () => move(1) }, '↓'),
      el('button', { type: 'button', title: t('item.remove'), onclick: () => card.remove() }, t('item.remove'))),
    el('div', { class: 'errs' }),
    kv,
    el('button', { type: 'button', class: 'add-key', onclick: () => {
      const row = keyRow(card, '', '');
      kv.append(row);
      row.querySelector('.key').focus();
    } }, t('item.add_key')));
  card.addEventListener('dragstart', (e) => { card.classList.add('dragging'); e.dataTransfer.setData('text/plain', section); });
  card.addEventListener('dragend', () => card.classList.remove('dragging'));
  card.addEventListener('dragover', (e) => { e.preventDefault(); card.classList.add('over'); });
  card.addEventListener('dragleave', () => card.classList.remove('over'));
  card.addEventListener('drop', (e) => {
    e.preventDefault();
    card.classList.remove('over');
    const from = $('.item.dragging', list);
    if (!from || from === card) return;
    const after = [...list.children].indexOf(from) < [...list.children].indexOf(card);
    list.insertBefore(from, after ? card.nextSibling : card);
  });
  return card;
}

/* A clip that fails the flash analysis airs only with flash_override = <reason>
 * (docs/accessibility.md): the button beside the refusal adds that key, empty, for the
 * reason to be written; the server checks again that it is not empty. */
function overrideButton(card, fileRow) {
  return el('button', { type: 'button', class: 'add-override', onclick: (ev) => {
    let row = $$('.kvrow', card).find((r) => $('.key', r).value === 'flash_override');
    if (!row) {
      row = keyRow(card, 'flash_override', '');
      $('.val', row).placeholder = t('flash.override_hint');
      $('.val', row).rows = 2;
      fileRow.after(row);
    }
    ev.target.remove();
    $('.val', row).focus();
  } }, t('flash.override_add'));
}

function newItem(list, plugin) {
  let n = 1;
  while ($$('.section', list).some((s) => s.value === plugin + '-' + n)) n++;
  const keys = [['plugin', plugin], ['duration', exampleOf(plugin, 'duration') || '10s']];
  for (const k of MAIN_KEYS[plugin] || []) keys.push([k, '']);
  const card = itemCard(list, plugin + '-' + n, keys, '');
  list.append(card);
  const first = $('.val', card);
  if (first) first.focus();
}

/* a plugin the catalogue has no word for (a new one) is shown by its own name */
function pluginName(p) {
  return KZ_STRINGS[KZ_LANG()]['plugin.' + p] || p;
}

async function viewEdit(v, file) {
  if (!await loadKeys()) { v.append(el('p', { class: 'err' }, t('edit.no_keys'))); return; }
  let doc = { file: '', version: 'none', playlist: [], items: [], text: '', on: true };
  if (file) {
    const r = await KZ_API.get('/api/campaigns/' + encodeURIComponent(file));
    if (!r.ok) { v.append(el('p', { class: 'err' }, errText(r))); return; }
    doc = r.data;
  }
  const pl = Object.fromEntries(doc.playlist.map(([k, val]) => [k, val]));
  const fileIn = el('input', { id: 'file', value: doc.file, placeholder: '40-example.ini', readonly: !!file, size: 32 });
  const f = {};
  for (const k of FORM_KEYS) f[k] = el('input', { id: 'f-' + k, name: k, value: pl[k] || '', placeholder: t('ph.' + k) });
  f.dates.size = 34;
  f.priority.type = 'number'; f.weight.type = 'number'; f.weight.min = 1;
  f.interrupt = el('select', { id: 'f-interrupt' }, ['', 'no', 'yes'].map((o) =>
    el('option', { value: o, selected: (pl.interrupt || '') === o }, o ? t('interrupt.' + o) : t('default'))));
  /* the date range picker writes the dates key; the key can also be typed (lists, yearly) */
  const d0 = parseDates(pl.dates) || { from: '', to: '', yearly: false };
  const dFrom = el('input', { type: 'date', id: 'date-from', value: d0.from });
  const dTo = el('input', { type: 'date', id: 'date-to', value: d0.to });
  const yearly = el('input', { type: 'checkbox', id: 'yearly', checked: d0.yearly });
  const syncDates = () => { f.dates.value = datesValue(dFrom.value, dTo.value, yearly.checked); };
  [dFrom, dTo, yearly].forEach((e) => e.addEventListener('change', syncDates));
  const dayBoxes = DAYS.map((d) => el('input', { type: 'checkbox', value: d, id: 'day-' + d }));
  const daysFrom = (s) => {
    const on = new Set();
    const words = { weekdays: DAYS.slice(0, 5), weekends: DAYS.slice(5) };
    for (const part of (s || '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
      if (words[part]) words[part].forEach((d) => on.add(d));
      const m = part.match(/^(\w{3})\.\.(\w{3})$/);
      if (m && DAYS.includes(m[1]) && DAYS.includes(m[2]))
        for (let i = DAYS.indexOf(m[1]); ; i = (i + 1) % 7) { on.add(DAYS[i]); if (DAYS[i] === m[2]) break; }
      if (DAYS.includes(part)) on.add(part);
    }
    dayBoxes.forEach((b) => { b.checked = on.has(b.value); });
  };
  daysFrom(pl.days);
  dayBoxes.forEach((b) => b.addEventListener('change', () => {
    const on = dayBoxes.filter((x) => x.checked).map((x) => x.value);
    f.days.value = on.length === 7 || on.length === 0 ? '' : on.join(',');
  }));
  f.days.addEventListener('change', () => daysFrom(f.days.value));
  const midnight = el('span', { class: 'hint', id: 'midnight' });
  const showMidnight = () => { midnight.textContent = crossesMidnight(f.times.value) ? t('midnight') : ''; };
  f.times.addEventListener('input', showMidnight);
  showMidnight();

  const field = (key, label, ...controls) => el('div', { style: 'display:contents' },
    el('label', { for: 'f-' + key }, label),
    el('div', { class: 'field', 'data-sec': 'playlist', 'data-key': key }, ...controls, el('div', { class: 'errs' })));
  const items = el('div', { id: 'items' });
  for (const it of doc.items) items.append(itemCard(items, it.section, it.keys, it.section));
  const addSel = el('select', { id: 'add-plugin' }, Object.keys(pluginKeys).map((p) =>
    el('option', { value: p }, pluginName(p))));
  const general = el('div', { id: 'general-errors' });
  const itemDur = el('input', { id: 'items-duration', placeholder: '15s', size: 6 });

  const collect = () => {
    const playlist = {};
    for (const [k, val] of doc.playlist) if (!FORM_KEYS.includes(k)) playlist[k] = val;
    for (const k of FORM_KEYS) if (f[k].value.trim() !== '') playlist[k] = f[k].value.trim();
    const out = [];
    for (const card of $$('.item', items)) {
      const keys = { plugin: $('.plugin', card).value };
      for (const row of $$('.kvrow', card)) {
        const k = $('.key', row).value.trim();
        if (k) keys[k] = $('.val', row).value;
      }
      const section = $('.section', card).value.trim();
      const it = { section, keys };
      if (card.dataset.from && card.dataset.from !== section) it.renamed_from = card.dataset.from;
      out.push(it);
    }
    return { version: doc.version, playlist, items: out };
  };
  const clearErrors = () => {
    $$('.errs', v).forEach((e) => e.replaceChildren());
    $$('.bad', v).forEach((e) => e.classList.remove('bad'));
    general.replaceChildren();
  };
  /* each problem beside the field it came from: [playlist] keys, an item's key row or its
   * header; the rest above the form */
  const showProblems = (problems, name) => {
    /* the check's own verdict line says again what the refusal beside the file says */
    const refused = new Set(problems.filter((p) => p.code === 'flash_fail').map((p) => p.file + ':' + p.line));
    problems = problems.filter((p) => !(p.code === 'flash_result' && refused.has(p.file + ':' + p.line)));
    const aside = problems.filter((p) => p.file !== name && p.severity !== 'error');
    if (aside.length)
      general.append(el('details', {}, el('summary', { class: 'hint' }, t('edit.other_warnings', { n: aside.length })),
        aside.map(problemLine)));
    for (const p of problems.filter((x) => !aside.includes(x))) {
      const line = problemLine(p);
      let spot = null;
      if (p.file === name && p.section === 'playlist' && p.key) {
        spot = $('.field[data-key="' + CSS.escape(p.key) + '"]', v);
        if (spot) {
          $$('input,select', spot).forEach((i) => i.classList.add('bad'));
          spot = $('.errs', spot);
        }
      } else if (p.file === name && p.section) {
        const card = $$('.item', items).find((c) => $('.section', c).value === p.section);
        if (card && p.key) {
          const row = $$('.kvrow', card).find((r) => $('.key', r).value === p.key);
          if (row && p.code === 'flash_fail') line.append(' ', overrideButton(card, row));
          if (row) { $('.val', row).classList.add('bad'); row.after(line); continue; }
        }
        if (card) spot = $('.errs', card);
      }
      (spot || general).append(line);
    }
  };
  const save = async () => {
    clearErrors();
    let name = fileIn.value.trim();
    if (!name) { general.append(el('div', { class: 'err' }, t('edit.need_file'))); return; }
    if (!/\.ini(\.off)?$/.test(name)) name += '.ini';
    const body = collect();
    const r = await KZ_API.put('/api/campaigns/' + encodeURIComponent(name), body);
    if (r.ok) {
      flash('ok', t('edit.saved', { file: name }));
      (r.data.problems || []).length && showProblems(r.data.problems, name);
      location.hash = '#/edit/' + encodeURIComponent(name);
      if (file === name) route();
      return;
    }
    const msg = el('div', { class: 'err', id: 'save-error' }, errText(r));
    $('#flash').replaceChildren();
    general.prepend(msg);
    if (r.status === 422 && r.data.problems) showProblems(r.data.problems, name);
    if (r.status === 409 && r.data.code === 'conflict')
      general.append(el('p', {}, t('edit.conflict')), el('div', { class: 'diff' },
        el('div', {}, el('strong', {}, t('edit.theirs')), el('pre', {}, r.data.their_text || t('edit.deleted'))),
        el('div', {}, el('strong', {}, t('edit.yours')), el('pre', {}, JSON.stringify(body, null, 1)))),
        el('button', { type: 'button', onclick: () => route() }, t('edit.reload')));
    general.scrollIntoView({ block: 'center' });
  };
  const remove = async () => {
    if (!confirm(t('edit.remove_confirm', { file: doc.file }))) return;
    const r = await KZ_API.del('/api/campaigns/' + encodeURIComponent(doc.file) + '?version=' + doc.version);
    if (r.ok) { flash('ok', t('edit.removed', { file: doc.file })); location.hash = '#/campaigns'; }
    else { clearErrors(); general.append(el('div', { class: 'err' }, errText(r))); }
  };

  v.append(
    el('h1', {}, file ? t('edit.title', { file }) : t('edit.new_title')),
    ...keyDatalists(),
    general,
    el('div', { class: 'panel grid', id: 'schedule' },
      el('label', { for: 'file' }, t('field.file')), el('div', {}, fileIn,
        file ? null : el('div', { class: 'hint' }, t('edit.file_hint'))),
      field('campaign', t('field.campaign'), f.campaign),
      field('dates', t('field.dates'), dFrom, ' → ', dTo, ' ', el('label', {}, yearly, t('field.yearly')),
        el('div', {}, f.dates, el('span', { class: 'hint' }, ' ', t('hint.dates')))),
      field('days', t('field.days'), el('div', { class: 'days' }, dayBoxes.map((b, i) =>
        el('label', {}, b, t('days')[i]))), f.days),
      field('times', t('field.times'), f.times, ' ', midnight, el('div', { class: 'hint' }, t('hint.times'))),
      field('priority', t('field.priority'), f.priority, el('span', { class: 'hint' }, ' ', t('hint.priority'))),
      field('weight', t('field.weight'), f.weight, el('span', { class: 'hint' }, ' ', t('hint.weight'))),
      field('zone', t('field.zone'), f.zone, el('span', { class: 'hint' }, ' ', t('hint.zone'))),
      field('interrupt', t('field.interrupt'), f.interrupt)),
    el('h2', {}, t('edit.items')),
    el('div', { class: 'toolbar' },
      addSel, el('button', { type: 'button', id: 'add-item', onclick: () => newItem(items, addSel.value) }, t('item.add')),
      el('span', { class: 'spacer' }),
      el('span', {}, t('item.selected')), itemDur,
      el('button', { type: 'button', id: 'items-set-duration', onclick: () => {
        for (const card of $$('.item', items).filter((c) => $('.pick', c).checked)) {
          const row = $$('.kvrow', card).find((r) => $('.key', r).value === 'duration');
          if (row) $('.val', row).value = itemDur.value;
          else $('.kv', card).append(keyRow(card, 'duration', itemDur.value));
        }
      } }, t('item.set_duration')),
      el('button', { type: 'button', onclick: () => $$('.item', items).filter((c) => $('.pick', c).checked).forEach((c) => c.remove()) },
         t('item.remove_selected'))),
    items,
    el('div', { class: 'toolbar' },
      el('button', { class: 'primary', id: 'save', type: 'button', onclick: save }, t('edit.save')),
      el('a', { href: '#/campaigns' }, t('edit.back')),
      el('span', { class: 'spacer' }),
      file ? el('button', { class: 'danger', type: 'button', onclick: remove }, t('edit.remove')) : null),
    el('p', { class: 'hint' }, t('edit.check_hint')));
}

/* ---- media ------------------------------------------------------------------------------ */

function size(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : n >= 1024 ? Math.round(n / 1024) + ' KiB' : n + ' B';
}

/* One file of the content folder: its thumbnail (made by the server from the first frame,
 * GET /api/thumbs/NAME; ?v= changes when the file does), name and size. A file that is not
 * a picture or video has no thumbnail: a dash. */
function mediaRow(m) {
  const img = el('img', { class: 'thumb', loading: 'lazy', alt: m.file, 'data-file': m.file,
    src: '/api/thumbs/' + encodeURIComponent(m.file) + '?v=' + m.size + '-' + m.mtime });
  img.addEventListener('error', () => img.replaceWith(el('span', { class: 'hint nothumb' }, '—')));
  return el('tr', { 'data-file': m.file }, el('td', { class: 'thumbcell' }, img), el('td', {}, m.file),
            el('td', {}, size(m.size)));
}

async function viewMedia(v) {
  const r = await KZ_API.get('/api/media');
  if (!r.ok) { v.append(el('p', { class: 'err' }, errText(r))); return; }
  const uploads = el('div', { id: 'uploads' });
  const input = el('input', { type: 'file', multiple: true, id: 'media-file' });
  const send = async (file) => {
    const bar = el('progress', { max: 1, value: 0 });
    const what = el('span', { class: 'hint' }, t('media.uploading'));
    const row = el('div', { class: 'panel upload', 'data-file': file.name }, el('strong', {}, file.name), ' ', size(file.size), ' ', bar, ' ', what);
    uploads.prepend(row);
    if (file.size > r.data.upload_max) {
      what.replaceWith(el('span', { class: 'err' }, t('media.too_big', { max: size(r.data.upload_max) })));
      return;
    }
    const res = await KZ_API.upload(file.name, file, (p) => {
      bar.value = p;
      if (p >= 1) { bar.removeAttribute('value'); what.textContent = t('media.analysing'); }
    });
    bar.max = 1; bar.value = 1;
    if (!res.ok) { row.classList.add('done'); what.replaceWith(el('span', { class: 'err result' }, errText(res))); return; }
    const fl = res.data.flash && res.data.flash.verdict
      ? { verdict: res.data.flash.verdict.toUpperCase(), reason: res.data.flash.reason } : null;
    row.classList.add('done');
    $('#media').append(mediaRow({ file: res.data.file, size: res.data.size, mtime: Date.now() }));
    what.replaceWith(el('span', { class: 'result' }, t('media.kind.' + res.data.kind), ' ',
      fl ? el('span', { class: 'verdict ' + fl.verdict }, fl.verdict) : t('media.no_flash'), ' ',
      fl ? el('span', { class: 'hint' }, fl.reason) : null,
      fl && fl.verdict === 'FAIL' ? el('div', { class: 'err' }, t('media.fail_hint')) : null));
  };
  const drop = el('div', { class: 'drop', id: 'drop' }, t('media.drop'), el('br'), input);
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    [...e.dataTransfer.files].forEach(send);
  });
  input.addEventListener('change', () => [...input.files].forEach(send));
  v.append(el('h1', {}, t('media.title')),
    el('p', { class: 'hint' }, t('media.hint', { max: size(r.data.upload_max) })),
    drop, uploads,
    el('h2', {}, t('media.list')),
    el('table', { class: 'list', id: 'media' },
      el('tr', {}, el('th', {}, t('col.thumb')), el('th', {}, t('col.file')), el('th', {}, t('col.size'))),
      r.data.media.map(mediaRow)));
}

/* ---- preview ---------------------------------------------------------------------------- */

function localIso(s) { return s.slice(0, 19); } /* plan times carry the screen's offset */

async function viewPreview(v) {
  const saved = sessionStorage.getItem('kz-at') || isoDate(new Date()) + 'T12:00:00';
  const day = el('input', { type: 'date', id: 'at-date', value: saved.slice(0, 10) });
  const time = el('input', { type: 'time', id: 'at-time', step: 1, value: saved.slice(11, 19) });
  const orient = el('select', { id: 'orientation' },
    el('option', { value: 'landscape' }, t('preview.landscape')),
    el('option', { value: 'portrait' }, t('preview.portrait')));
  orient.value = sessionStorage.getItem('kz-orient') || 'landscape';
  const img = el('img', { id: 'preview-img', alt: t('preview.alt') });
  const box = el('div', { class: 'preview' }, img);
  const info = el('p', { id: 'preview-info', class: 'hint' });
  const onAir = el('p', { id: 'on-air' });
  const strip = el('div', { class: 'timeline', id: 'timeline' });
  /* kizuna check --at that moment: the warnings and errors of the set as of then */
  const checkOut = el('div', { id: 'check-result' });
  const checkAt = async () => {
    checkOut.replaceChildren(el('p', { class: 'hint' }, t('preview.checking')));
    const r = await KZ_API.get('/api/check?at=' + encodeURIComponent(at()));
    if (!r.ok) { checkOut.replaceChildren(el('p', { class: 'err' }, errText(r))); return; }
    const ps = r.data.problems || [];
    checkOut.replaceChildren(el('p', { class: 'hint', id: 'check-summary' },
      t('preview.checked', { at: r.data.at, errors: r.data.errors, n: ps.length })), problemsList(ps));
  };
  let slots = [], slotDay = null, shown = 0;
  const at = () => day.value + 'T' + (time.value.length === 5 ? time.value + ':00' : time.value);
  const setAt = (s) => { day.value = s.slice(0, 10); time.value = s.slice(11, 19); };
  const loadDay = async () => {
    if (slotDay === day.value) return;
    const r = await KZ_API.get('/api/plan?from=' + day.value + '&to=' + day.value);
    slots = r.ok && r.data.slots ? r.data.slots.filter((s) => s.zone === 'main') : [];
    slotDay = day.value;
    strip.replaceChildren();
    const start = new Date(day.value + 'T00:00:00').getTime();
    for (const s of slots) {
      const a = new Date(localIso(s.start)).getTime(), b = new Date(localIso(s.end)).getTime();
      strip.append(el('div', { title: localIso(s.start).slice(11) + ' ' + s.item,
        style: 'width:' + ((b - a) / 864000) + '%;background:' + colourOf(s.campaign) }));
    }
    if (!slots.length && start) strip.append(el('div', { style: 'width:100%;background:#eee' }));
  };
  const current = () => slots.findIndex((s) => localIso(s.start) <= at() && at() < localIso(s.end));
  const show = async () => {
    sessionStorage.setItem('kz-at', at());
    sessionStorage.setItem('kz-orient', orient.value);
    box.className = 'preview ' + orient.value;
    info.textContent = t('preview.drawing');
    const t0 = performance.now(), seq = ++shown;
    const url = '/api/preview?at=' + encodeURIComponent(at()) + '&orientation=' + orient.value;
    const r = await KZ_API.get(url, { raw: true });
    if (seq !== shown) return; /* a later request replaces this one */
    if (!r.ok) {
      let m = t('err.status', { status: r.status });
      try { m = serverText(JSON.parse(await r.data.text())) || m; } catch (e) { /* not JSON */ }
      info.replaceChildren(el('span', { class: 'err' }, m));
      return;
    }
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(r.data);
    img.dataset.src = url;
    info.textContent = t('preview.drawn', { at: at(), ms: Math.round(performance.now() - t0) });
    await loadDay();
    const i = current();
    $$('div', strip).forEach((d, j) => d.classList.toggle('cur', j === i));
    onAir.textContent = i >= 0 ? t('preview.on_air', { item: slots[i].item, from: localIso(slots[i].start).slice(11),
      to: localIso(slots[i].end).slice(11), campaign: slots[i].campaign || t('none') }) : t('preview.no_slot');
  };
  const step = async (d) => {
    await loadDay();
    const i = current();
    if (d > 0 && i >= 0) setAt(localIso(slots[i].end));
    else if (d < 0 && i > 0) setAt(localIso(slots[i - 1].start));
    else if (d < 0 && i === 0) {
      const prev = new Date(new Date(day.value + 'T00:00:00').getTime() - 1000);
      setAt(isoDate(prev) + 'T23:59:59');
    }
    await show();
  };
  day.addEventListener('change', () => { slotDay = null; });
  v.append(el('h1', {}, t('preview.title')),
    el('div', { class: 'toolbar' }, day, time, orient,
      el('button', { class: 'primary', id: 'show', onclick: show }, t('preview.show')),
      el('button', { id: 'prev-slot', onclick: () => step(-1) }, t('preview.prev')),
      el('button', { id: 'next-slot', onclick: () => step(1) }, t('preview.next')),
      el('button', { id: 'check-at', onclick: checkAt }, t('preview.check'))),
    info, onAir, el('div', { class: 'hint' }, t('preview.timeline')), strip, checkOut, box);
  show();
}

/* ---- plan ------------------------------------------------------------------------------- */

function viewPlan(v) {
  const month = el('input', { type: 'month', id: 'month',
    value: sessionStorage.getItem('kz-month') || isoDate(new Date()).slice(0, 7) });
  const frame = el('iframe', { class: 'plan', id: 'plan-frame', title: t('plan.title') });
  const load = () => {
    const [y, m] = month.value.split('-').map(Number);
    if (!y || !m) return;
    sessionStorage.setItem('kz-month', month.value);
    const last = new Date(y, m, 0).getDate();
    frame.src = '/api/plan?from=' + month.value + '-01&to=' + month.value + '-' + pad(last) + '&format=html';
  };
  month.addEventListener('change', load);
  v.append(el('h1', {}, t('plan.title')), el('div', { class: 'toolbar' }, month,
    el('button', { onclick: load }, t('plan.show'))), el('p', { class: 'hint' }, t('plan.hint')), frame);
  load();
}

/* ---- proof of play ---------------------------------------------------------------------- */

function table(rows) {
  if (!Array.isArray(rows) || !rows.length) return el('p', { class: 'hint empty' }, t('report.empty'));
  const cols = Object.keys(rows[0]);
  return el('table', { class: 'list', id: 'report-table' }, el('tr', {}, cols.map((c) => el('th', {}, c))),
    rows.map((r) => el('tr', {}, cols.map((c) => el('td', {}, typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c])))));
}

function viewReport(v) {
  const by = el('select', { id: 'by' }, ['campaign', 'day', 'item', 'hour'].map((b) =>
    el('option', { value: b }, t('report.by.' + b))));
  const from = el('input', { type: 'date', id: 'report-from' });
  const to = el('input', { type: 'date', id: 'report-to' });
  const out = el('div', { id: 'report' });
  const q = () => 'by=' + by.value + (from.value ? '&from=' + from.value : '') + (to.value ? '&to=' + to.value : '');
  const load = async () => {
    out.replaceChildren(el('p', { class: 'hint' }, t('report.loading')));
    const r = await KZ_API.get('/api/report?' + q() + '&format=json');
    if (!r.ok) { out.replaceChildren(el('p', { class: 'err' }, errText(r))); return; }
    const d = r.data;
    const rows = Array.isArray(d) ? d : d.rows || d.groups || d.campaigns || d.days || d.items || d.hours ||
      Object.values(d).find(Array.isArray);
    out.replaceChildren(
      el('div', { class: 'toolbar' },
        el('a', { href: '/api/report?' + q() + '&format=csv', download: 'proof-of-play-' + by.value + '.csv' }, t('report.csv')),
        el('a', { href: '/api/report?' + q() + '&format=png', download: 'proof-of-play-' + by.value + '.png' }, t('report.png'))),
      el('img', { src: '/api/report?' + q() + '&format=png', id: 'report-chart', alt: t('report.chart'), style: 'max-width:100%' }),
      table(rows));
  };
  v.append(el('h1', {}, t('report.title')), el('p', { class: 'hint' }, t('report.hint')),
    el('div', { class: 'toolbar' }, by, t('report.from'), from, t('report.to'), to,
      el('button', { class: 'primary', id: 'report-go', onclick: load }, t('report.show'))), out);
}

/* ---- the screen, live ------------------------------------------------------------------- */

function confirmModal(title, body) {
  return new Promise((resolve) => {
    const close = (ok) => { back.remove(); resolve(ok); };
    const back = el('div', { class: 'modal-back' }, el('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true' },
      el('h2', {}, title), el('p', {}, body),
      el('div', { class: 'toolbar' },
        el('button', { class: 'danger', id: 'confirm-yes', onclick: () => close(true) }, t('screen.confirm_yes')),
        el('button', { id: 'confirm-no', onclick: () => close(false) }, t('cancel')))));
    document.body.append(back);
    $('#confirm-no', back).focus();
  });
}

async function viewScreen(v) {
  const status = el('pre', { class: 'status', id: 'status' }, t('screen.asking'));
  const shot = el('img', { id: 'shot', alt: t('screen.shot'), style: 'max-width:100%;border:1px solid #333' });
  const msg = el('div', { id: 'screen-msg' });
  const refresh = async () => {
    const r = await KZ_API.get('/api/screen/status');
    status.textContent = r.ok ? r.data.text : errText(r);
    const s = await KZ_API.get('/api/screen/screenshot', { raw: true });
    if (s.ok) { if (shot.src) URL.revokeObjectURL(shot.src); shot.src = URL.createObjectURL(s.data); }
  };
  const act = async (what, body) => {
    const r = await KZ_API.post('/api/screen/' + what, body);
    msg.replaceChildren(el('p', { class: r.ok ? 'hint' : 'err' }, r.ok ? (r.data.text || t('screen.done')) : errText(r)));
    if (r.ok) setTimeout(refresh, 600);
    return r;
  };
  const text = el('textarea', { id: 'interrupt-text', rows: 3, cols: 50, placeholder: t('ph.interrupt') });
  const until = el('input', { id: 'interrupt-until', placeholder: '+30m', size: 22 });
  v.append(el('h1', {}, t('screen.title')),
    el('div', { class: 'toolbar' },
      el('button', { onclick: refresh }, t('screen.refresh')),
      el('button', { id: 'skip', onclick: () => act('skip') }, t('screen.skip'))),
    status, shot,
    el('h2', {}, t('screen.interrupt')),
    el('div', { class: 'panel' },
      el('p', { class: 'hint' }, t('screen.interrupt_hint')),
      el('div', {}, text), el('label', {}, t('screen.until'), ' ', until, el('span', { class: 'hint' }, ' ', t('hint.until'))),
      el('div', { class: 'toolbar' },
        el('button', { class: 'danger', id: 'interrupt', onclick: async () => {
          if (!text.value.trim()) { msg.replaceChildren(el('p', { class: 'err' }, t('screen.need_text'))); return; }
          if (!await confirmModal(t('screen.confirm_title'), t('screen.confirm_body', { text: text.value })))
            return;
          act('interrupt', { text: text.value, until: until.value.trim(), confirm: true });
        } }, t('screen.send')),
        el('button', { id: 'clear', onclick: () => act('clear') }, t('screen.clear'))),
      msg));
  refresh();
}

/* ---- routing ---------------------------------------------------------------------------- */

async function route() {
  applyStatic();
  const gen = ++routeGen;
  const v = el('div');
  const hash = location.hash || '#/campaigns';
  if (!state.session || !state.session.logged_in) {
    const r = await KZ_API.get('/api/session', { noRedirect: true });
    state.session = r.ok ? r.data : { logged_in: false, need_password: true };
    if (state.session.csrf) KZ_API.setCsrf(state.session.csrf);
  }
  const logged = state.session.logged_in;
  $('#nav').hidden = !logged;
  $('#logout').hidden = !logged;
  $('#screen-name').textContent = state.session.screen ? t('screen.name', { name: state.session.screen }) : '';
  const show = () => { if (gen === routeGen) $('#view').replaceChildren(v); };
  if (!logged) { viewLogin(v); show(); return; }
  const [, page, arg] = hash.match(/^#\/([a-z]*)\/?(.*)$/) || [];
  $$('#nav a').forEach((a) => a.classList.toggle('on', a.getAttribute('href') === '#/' + (page === 'edit' || page === 'new' ? 'campaigns' : page)));
  const views = { campaigns: viewCampaigns, media: viewMedia, preview: viewPreview, plan: viewPlan,
                  report: viewReport, screen: viewScreen };
  /* the view is built aside and shown when ready, so a route started later wins */
  if (page === 'edit') await viewEdit(v, decodeURIComponent(arg));
  else if (page === 'new') await viewEdit(v, null);
  else await (views[page] || viewCampaigns)(v);
  show();
}
let routeGen = 0;

window.addEventListener('hashchange', route);
window.addEventListener('kz-login', () => { state.session = null; route(); });
$('#lang').addEventListener('click', () => { KZ_SET_LANG(KZ_LANG() === 'ja' ? 'en' : 'ja'); route(); });
$('#logout').addEventListener('click', async () => {
  await KZ_API.post('/api/logout');
  state.session = null;
  location.hash = '#/login';
  route();
});
route();
