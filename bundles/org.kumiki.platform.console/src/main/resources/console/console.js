// Kumiki console: static pages that read /api with the operator's bearer token. Every value from
// the server is put into the page as text (textContent), never as HTML.
'use strict';
(() => {
  const KEY = 'kumiki.token';
  const $ = (id) => document.getElementById(id);
  let active = null; // the shown page: { stop: [functions], charts: [] }
  const state = { campaign: null }; // what stays selected across refreshes

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  const token = () => sessionStorage.getItem(KEY);

  async function api(path, opts) {
    const o = Object.assign({ cache: 'no-store' }, opts || {});
    o.headers = Object.assign({ 'Accept': 'application/json', 'Authorization': 'Bearer ' + token() }, (opts && opts.headers) || {});
    const r = await fetch(path, o);
    const text = await r.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!r.ok) {
      if (r.status === 401) { logout('the token was refused (' + ((body && body.error) || 'HTTP 401') + '): log in again'); }
      throw new ApiError(r.status, (body && body.error) || (path + ': HTTP ' + r.status));
    }
    return body;
  }

  const items = (body) => (Array.isArray(body) ? body : (body && Array.isArray(body.items) ? body.items : []));

  // Server-Sent Events over fetch, so that the Authorization header can be sent (EventSource cannot).
  async function sse(path, onEvent, signal, lastId) {
    const headers = { 'Accept': 'text/event-stream', 'Authorization': 'Bearer ' + token() };
    if (lastId) { headers['Last-Event-ID'] = lastId; }
    const r = await fetch(path, { headers, signal, cache: 'no-store' });
    if (!r.ok) {
      if (r.status === 401) { logout('the token was refused: log in again'); }
      throw new ApiError(r.status, path + ': HTTP ' + r.status);
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) { return; }
      buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = 'message'; let id = null; const data = [];
        for (const line of block.split('\n')) {
          if (line === '' || line.startsWith(':')) { continue; }
          const c = line.indexOf(':');
          const field = c < 0 ? line : line.slice(0, c);
          let v = c < 0 ? '' : line.slice(c + 1);
          if (v.startsWith(' ')) { v = v.slice(1); }
          if (field === 'event') { event = v; } else if (field === 'id') { id = v; } else if (field === 'data') { data.push(v); }
        }
        if (data.length) {
          let d;
          try { d = JSON.parse(data.join('\n')); } catch (e) { d = data.join('\n'); }
          onEvent(event, d, id);
        }
      }
    }
  }

  // ------------------------------------------------------------------ rendering helpers

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function table(id, columns, rows, onRow) {
    const t = el('table');
    t.id = id;
    const head = t.createTHead().insertRow();
    for (const [h] of columns) { head.appendChild(el('th', h)); }
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      for (const [, f] of columns) {
        const td = tr.insertCell();
        const v = f(r);
        if (v instanceof Node) { td.appendChild(v); } else { td.textContent = v === undefined || v === null ? '' : String(v); }
      }
      if (onRow) { onRow(tr, r); }
    }
    if (!rows.length) {
      const td = body.insertRow().insertCell();
      td.colSpan = columns.length;
      td.textContent = 'none';
      td.className = 'empty';
    }
    return t;
  }

  const stateCell = (s) => el('span', s, 'state-' + String(s));
  const time = (ms) => (ms > 0 ? new Date(ms).toLocaleTimeString() : '');
  const seconds = (s) => (s > 0 ? new Date(s * 1000).toLocaleTimeString() : '');
  function bytes(n) {
    if (!(n >= 0)) { return ''; }
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
  }
  const num = (x, d) => (typeof x === 'number' && isFinite(x) ? x.toFixed(d === undefined ? 4 : d) : '');

  function status(text, error) {
    const s = $('status');
    s.textContent = text;
    s.className = error ? 'status error' : 'status';
  }

  function replace(node, ...children) {
    node.replaceChildren(...children);
  }

  function chart(div) {
    const c = echarts.init(div, null, { renderer: 'canvas' });
    active.charts.push(c);
    return c;
  }

  // Runs fn now and every ms while the page is shown; a failure shows as the status line.
  function every(ms, fn) {
    const page = active;
    let timer = null;
    const run = async () => {
      try {
        await fn();
        if (page === active) { status('updated ' + new Date().toLocaleTimeString()); }
      } catch (e) {
        if (page === active) { status(e.status === 404 ? 'not available here: ' + e.message : e.message, true); }
      }
      if (page === active) { timer = setTimeout(run, ms); }
    };
    page.stop.push(() => clearTimeout(timer));
    run();
  }

  // ------------------------------------------------------------------ pages

  const pages = {
    hardware: {
      title: 'Site hardware',
      show(content) {
        every(10000, async () => {
          const h = await api('/api/platform/hardware');
          const dl = el('dl');
          dl.id = 'hardware';
          for (const [k, v] of [['Site', h.site], ['Architecture', h.arch], ['OS', h.os], ['CPU cores', h.cpuCores], ['Memory', bytes(h.memoryBytes)]]) {
            dl.append(el('dt', k), el('dd', v));
          }
          const gpus = table('gpus', [['GPU', (g) => g.index], ['Vendor', (g) => g.vendor], ['Model', (g) => g.model],
            ['Memory', (g) => bytes(g.memoryBytes)], ['Driver', (g) => g.driverVersion]], h.gpus || []);
          const mm = h.mismatches || [];
          const list = el('ul');
          list.id = 'mismatches';
          for (const m of mm) { list.appendChild(el('li', m, 'mismatch')); }
          const verdict = mm.length ? el('p', mm.length + ' mismatch(es) between the declared and the detected hardware:', 'mismatch')
            : el('p', 'no mismatch: the detected hardware matches the site\'s declaration', 'ok');
          verdict.id = 'mismatch-verdict';
          replace(content, dl, el('h3', 'GPUs'), gpus, el('h3', 'Declared'), el('pre', JSON.stringify(h.declared || {}, null, 2)),
            el('h3', 'Mismatches'), verdict, list);
        });
      },
    },

    tasks: {
      title: 'Tasks',
      show(content) {
        every(2000, async () => {
          const tasks = items(await api('/api/scheduler/tasks?limit=200'));
          replace(content, table('tasks', [
            ['Id', (t) => t.id], ['Name', (t) => t.spec && t.spec.name], ['State', (t) => stateCell(t.state)],
            ['Backend', (t) => t.backend], ['Exit', (t) => t.exitCode], ['Attempt', (t) => t.attempt],
            ['Submitted', (t) => time(t.submittedAt)], ['Finished', (t) => time(t.finishedAt)], ['Reason', (t) => t.reason],
          ], tasks));
        });
      },
    },

    transfers: {
      title: 'Transfers',
      show(content) {
        every(1000, async () => {
          const transfers = items(await api('/api/data/transfers?limit=200'));
          replace(content, table('transfers', [
            ['Id', (t) => t.id], ['Label', (t) => t.label], ['State', (t) => stateCell(t.state)],
            ['Files', (t) => t.filesDone + ' / ' + t.filesTotal + (t.filesFailed ? ' (' + t.filesFailed + ' failed)' : '')],
            ['Progress', (t) => {
              const span = el('span');
              const p = el('progress');
              p.max = Math.max(1, t.bytesTotal);
              p.value = Math.min(t.bytesDone, p.max);
              const pct = t.bytesTotal > 0 ? Math.floor((100 * t.bytesDone) / t.bytesTotal) : (t.state === 'SUCCEEDED' ? 100 : 0);
              span.append(p, ' ' + pct + '% of ' + bytes(t.bytesTotal));
              return span;
            }],
            ['Rate', (t) => (t.rate > 0 ? bytes(t.rate) + '/s' : '')], ['Submitted', (t) => time(t.submittedAt)], ['Message', (t) => t.message],
          ], transfers));
        });
      },
    },

    models: {
      title: 'Models',
      show(content) {
        const div = el('div', null, 'chart');
        div.id = 'models-chart';
        const holder = el('div');
        replace(content, holder, el('h3', 'Requests and mean latency per model version'), div);
        const c = chart(div);
        every(3000, async () => {
          const models = items(await api('/api/inference/models?limit=1000'));
          const stats = items(await api('/api/inference/statistics'));
          const key = (s) => s.name + (s.version ? ':' + s.version : '');
          replace(holder, table('models', [
            ['Model', (m) => m.name], ['State', (m) => stateCell(m.state)], ['Versions', (m) => (m.versions || []).join(', ')],
          ], models), el('h3', 'Statistics'), table('model-stats', [
            ['Model', key], ['Requests', (s) => s.requestSuccess], ['Failed', (s) => s.requestFailure],
            ['Inferences', (s) => s.inferenceCount], ['Executions', (s) => s.executionCount],
            ['Mean latency (ms)', (s) => (s.requestSuccess ? num(s.requestNanos / s.requestSuccess / 1e6, 3) : '')],
          ], stats));
          c.setOption({
            tooltip: { trigger: 'axis' },
            legend: { data: ['requests', 'mean latency (ms)'] },
            xAxis: { type: 'category', data: stats.map(key) },
            yAxis: [{ type: 'value', name: 'requests' }, { type: 'value', name: 'ms' }],
            series: [
              { name: 'requests', type: 'bar', data: stats.map((s) => s.requestSuccess) },
              { name: 'mean latency (ms)', type: 'line', yAxisIndex: 1, data: stats.map((s) => (s.requestSuccess ? s.requestNanos / s.requestSuccess / 1e6 : 0)) },
            ],
          });
        });
      },
    },

    runs: {
      title: 'Lab runs',
      show(content) {
        const live = el('p', 'waiting for a scan', 'status');
        live.id = 'live-state';
        const div = el('div', null, 'chart');
        div.id = 'live-chart';
        div.dataset.points = '0';
        const holder = el('div');
        replace(content, el('h3', 'Current scan (live)'), live, div, el('h3', 'Runs'), holder);
        const c = chart(div);
        const scan = { uid: null, x: null, y: null, points: [], seen: new Set() };
        const draw = () => {
          div.dataset.points = String(scan.points.length);
          div.dataset.run = scan.uid || '';
          c.setOption({
            title: { text: scan.title || '', left: 'center', textStyle: { fontSize: 13 } },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'value', name: scan.x || 'seq_num', scale: true },
            yAxis: { type: 'value', name: scan.y || '', scale: true },
            series: [{ name: scan.y || 'value', type: 'line', showSymbol: true, animation: false, data: scan.points }],
          });
        };
        draw();
        const refreshRuns = async () => {
          const runs = items(await api('/api/lab/runs?limit=50'));
          replace(holder, table('runs', [
            ['Run', (r) => r.uid], ['Plan', (r) => r.planName], ['Scan', (r) => r.scanId], ['Status', (r) => stateCell(r.status)],
            ['Events', (r) => Object.values(r.numEvents || {}).reduce((a, b) => a + b, 0)], ['Started', (r) => seconds(r.startTime)],
            ['Reason', (r) => r.reason],
          ], runs));
        };
        const firstNumeric = (data, names) => (names || []).find((n) => typeof data[n] === 'number')
          || Object.keys(data).find((n) => typeof data[n] === 'number');
        const onDoc = (name, doc, id) => {
          if (!doc || typeof doc !== 'object') { return; }
          if (name === 'start') {
            scan.uid = doc.uid;
            scan.motors = Array.isArray(doc.motors) ? doc.motors : [];
            scan.detectors = Array.isArray(doc.detectors) ? doc.detectors : [];
            scan.x = null; scan.y = null; scan.points = []; scan.seen = new Set();
            scan.title = (doc.plan_name || 'run') + ' ' + (doc.scan_id !== undefined ? '#' + doc.scan_id : '') + ' (' + doc.uid + ')';
            live.textContent = 'scan running: ' + scan.title;
            live.className = 'status state-running';
            draw();
            refreshRuns().catch(() => {});
          } else if (name === 'event' && doc.data) {
            const key = (doc.descriptor || '') + ':' + doc.seq_num;
            if (scan.seen.has(key)) { return; }
            scan.seen.add(key);
            if (!scan.y) { scan.y = firstNumeric(doc.data, scan.detectors.filter((d) => !scan.motors.includes(d))); }
            if (scan.x === null) { scan.x = scan.motors.find((m) => typeof doc.data[m] === 'number' && m !== scan.y) || ''; }
            const x = scan.x ? doc.data[scan.x] : doc.seq_num;
            const y = doc.data[scan.y];
            if (typeof x === 'number' && typeof y === 'number') {
              scan.points.push([x, y]);
              live.textContent = 'scan running: ' + scan.title + ': ' + scan.points.length + ' point(s)';
              draw();
            }
          } else if (name === 'stop') {
            live.textContent = 'scan ended (' + doc.exit_status + '): ' + scan.title + ': ' + scan.points.length + ' point(s)';
            live.className = 'status';
            refreshRuns().catch(() => {});
          }
        };
        const ctl = new AbortController();
        const page = active;
        page.stop.push(() => ctl.abort());
        let lastId = null;
        const follow = async () => {
          while (page === active) {
            try {
              await sse('/api/lab/stream', (n, d, id) => { if (id) { lastId = id; } onDoc(n, d, id); }, ctl.signal, lastId);
            } catch (e) {
              if (page !== active || e.name === 'AbortError') { return; }
              status('live stream: ' + e.message, true);
            }
            await new Promise((r) => setTimeout(r, 1000));
          }
        };
        follow();
        every(5000, refreshRuns);
      },
    },

    campaigns: {
      title: 'Campaigns',
      show(content) {
        const holder = el('div');
        const heading = el('h3', 'Convergence');
        const div = el('div', null, 'chart');
        div.id = 'campaign-chart';
        div.dataset.points = '0';
        replace(content, holder, heading, div);
        const c = chart(div);
        every(3000, async () => {
          const list = items(await api('/api/campaign/campaigns?limit=200'));
          if (!state.campaign || !list.some((x) => x.id === state.campaign)) { state.campaign = list.length ? list[0].id : null; }
          replace(holder, table('campaigns', [
            ['Id', (x) => x.id], ['Name', (x) => x.name], ['State', (x) => stateCell(x.state)],
            ['Done', (x) => x.done + ' / ' + x.budget], ['Failed', (x) => x.failed], ['In flight', (x) => x.inFlight],
            ['Best score', (x) => (x.best ? num(x.best.score) : '')], ['Message', (x) => x.message],
          ], list, (tr, x) => {
            tr.className = 'clickable' + (x.id === state.campaign ? ' selected' : '');
            tr.addEventListener('click', () => { state.campaign = x.id; active.refresh(); });
          }));
          if (!state.campaign) {
            heading.textContent = 'Convergence (no campaign yet)';
            div.dataset.points = '0';
            c.clear();
            return;
          }
          const report = await api('/api/campaign/campaigns/' + encodeURIComponent(state.campaign) + '/report');
          const conv = (report.convergence || []).filter((e) => typeof e.bestScore === 'number');
          heading.textContent = 'Convergence of ' + state.campaign + (report.campaign && report.campaign.name ? ' (' + report.campaign.name + ')' : '');
          div.dataset.points = String(conv.length);
          c.setOption({
            tooltip: { trigger: 'axis' },
            legend: { data: ['best so far', 'score'] },
            xAxis: { type: 'value', name: 'evaluations ended', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
            yAxis: { type: 'value', name: 'score', scale: true },
            series: [
              { name: 'best so far', type: 'line', step: 'end', animation: false, data: conv.map((e, i) => [i + 1, e.bestScore]) },
              { name: 'score', type: 'scatter', animation: false, data: conv.map((e, i) => [i + 1, e.score]).filter((p) => typeof p[1] === 'number') }, // x stays the evaluation's place when some have no score
            ],
          });
        });
      },
    },
  };

  // ------------------------------------------------------------------ navigation and login

  function stopPage() {
    if (active) {
      active.stop.forEach((f) => { try { f(); } catch (e) { /* already stopped */ } });
      active.charts.forEach((c) => c.dispose());
    }
    active = null;
  }

  function show() {
    stopPage();
    if (!token()) {
      $('nav').hidden = true;
      $('page').hidden = true;
      $('login').hidden = false;
      $('token').focus();
      return;
    }
    const name = Object.prototype.hasOwnProperty.call(pages, location.hash.slice(1)) ? location.hash.slice(1) : 'hardware';
    $('login').hidden = true;
    $('nav').hidden = false;
    $('page').hidden = false;
    for (const a of document.querySelectorAll('nav a')) { a.classList.toggle('active', a.getAttribute('href') === '#' + name); }
    $('title').textContent = pages[name].title;
    status('loading');
    active = { name, stop: [], charts: [], refresh: show };
    document.body.dataset.page = name;
    pages[name].show($('content'));
  }

  function logout(why) {
    sessionStorage.removeItem(KEY);
    $('login-error').textContent = why || '';
    show();
  }

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    if (!/^[\x21-\x7e]{1,512}$/.test(t)) {
      $('login-error').textContent = 'a token is 1 to 512 printable characters without spaces';
      return;
    }
    sessionStorage.setItem(KEY, t);
    try {
      await api('/api/platform/status');
      $('token').value = '';
      $('login-error').textContent = '';
      show();
    } catch (err) {
      sessionStorage.removeItem(KEY);
      $('login-error').textContent = 'login refused: ' + err.message;
      show();
    }
  });
  $('logout').addEventListener('click', () => logout(''));
  window.addEventListener('hashchange', show);
  window.addEventListener('resize', () => { if (active) { active.charts.forEach((c) => c.resize()); } });
  show();
})();
