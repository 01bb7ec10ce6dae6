/* The console's JSON API (docs/console.md): one fetch wrapper that sends the session's CSRF
 * token with every state-changing request and turns answers into {status, ok, data}. */
'use strict';
const KZ_API = (() => {
  let csrf = null;
  async function call(method, path, body, opts) {
    const headers = {};
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
    const type = r.headers.get('Content-Type') || '';
    let data = null;
    if (opts && opts.raw) data = await r.blob();
    else if (type.startsWith('application/json')) data = await r.json();
    else data = await r.text();
    if (r.status === 401 && !(opts && opts.noRedirect)) window.dispatchEvent(new Event('kz-login'));
    return { status: r.status, ok: r.ok, data };
  }
  /* PUT /api/media/NAME with the raw file as body; XMLHttpRequest for the progress events */
  function upload(name, file, onProgress) {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('PUT', '/api/media/' + encodeURIComponent(name));
      if (csrf) x.setRequestHeader('X-CSRF-Token', csrf);
      x.setRequestHeader('Content-Type', 'application/octet-stream');
      x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      x.upload.onload = () => onProgress(1);
      x.onload = () => {
        let data = null;
        try { data = JSON.parse(x.responseText); } catch (e) { data = { error: x.responseText }; }
        resolve({ status: x.status, ok: x.status >= 200 && x.status < 300, data });
      };
      x.onerror = () => resolve({ status: 0, ok: false, data: { error: 'network' } });
      x.send(file);
    });
  }
  return {
    setCsrf: (t) => { csrf = t; },
    get: (p, o) => call('GET', p, undefined, o),
    post: (p, b) => call('POST', p, b === undefined ? {} : b),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call('DELETE', p),
    upload,
  };
})();
