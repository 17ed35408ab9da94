// Drives the Kumiki console (/console) of a running workstation in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core; no browser download) and prints one JSON line about
// what each page showed. The Java test (ConsoleBrowserTest) judges it.
//   KUMIKI_URL=http://127.0.0.1:PORT KUMIKI_VIEWER=token KUMIKI_OPERATOR=token node check.js
// Exit status 1 when a page could not be checked at all (the message says which).
'use strict';
const { chromium } = require('playwright-core');

const URL = process.env.KUMIKI_URL;
const VIEWER = process.env.KUMIKI_VIEWER;
const OPERATOR = process.env.KUMIKI_OPERATOR;
const WAIT = 60000;

async function post(path, body) {
  const r = await fetch(URL + path, {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + OPERATOR, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.text() };
}

async function text(page, selector) {
  await page.waitForSelector(selector, { timeout: WAIT });
  return page.textContent(selector);
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.KUMIKI_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const out = { errors: [], failed: [] };
  let step = 'start';
  try {
    const page = await browser.newPage();
    // Chromium reports each non-2xx answer as a console error without its address: record the answers instead
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource') && out.errors.length < 10) out.errors.push('console: ' + m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) out.failed.push(r.status() + ' ' + r.url().slice(URL.length)); });
    page.on('pageerror', (e) => { if (out.errors.length < 10) out.errors.push('page: ' + e.message); });
    page.on('dialog', (d) => { out.errors.push('dialog: ' + d.message()); d.dismiss(); });
    page.on('request', (r) => { if (!r.url().startsWith(URL)) out.errors.push('request elsewhere: ' + r.url()); });

    step = 'login';
    await page.goto(URL + '/console/', { waitUntil: 'load' });
    await page.waitForSelector('#login-form', { state: 'visible', timeout: WAIT });
    await page.fill('#token', 'not-a-token');
    await page.click('#login-form button');
    await page.waitForFunction(() => document.getElementById('login-error').textContent.length > 0, null, { timeout: WAIT });
    out.badLogin = await page.textContent('#login-error');
    out.badLoginStored = await page.evaluate(() => sessionStorage.getItem('kumiki.token'));
    await page.fill('#token', VIEWER);
    await page.click('#login-form button');
    await page.waitForSelector('#nav', { state: 'visible', timeout: WAIT });
    out.tokenStored = (await page.evaluate(() => sessionStorage.getItem('kumiki.token'))) === VIEWER;
    out.echarts = await page.evaluate(() => (window.echarts ? window.echarts.version : null));

    step = 'hardware';
    await page.waitForSelector('#hardware', { timeout: WAIT });
    out.hardware = await page.textContent('#hardware');
    out.mismatchVerdict = await page.textContent('#mismatch-verdict');

    step = 'tasks';
    await page.click('a[href="#tasks"]');
    await page.waitForFunction(() => { const t = document.getElementById('tasks'); return t && t.textContent.includes('console-probe-task'); }, null, { timeout: WAIT });
    out.tasks = await page.textContent('#tasks');

    step = 'transfers';
    await page.click('a[href="#transfers"]');
    await page.waitForFunction(() => { const t = document.getElementById('transfers'); return t && t.textContent.includes('console-probe-transfer') && t.textContent.includes('100%'); }, null, { timeout: WAIT });
    out.transfers = await page.textContent('#transfers');
    out.progressBars = await page.$$eval('#transfers progress', (ps) => ps.map((p) => p.value / p.max));

    step = 'models';
    await page.click('a[href="#models"]');
    await page.waitForFunction(() => document.getElementById('model-stats') || /not available|error|HTTP/.test(document.getElementById('status').textContent), null, { timeout: WAIT });
    if (process.env.KUMIKI_MODEL) {
      await page.waitForFunction((m) => { const t = document.getElementById('model-stats'); return t && t.textContent.includes(m); }, process.env.KUMIKI_MODEL, { timeout: WAIT });
      out.modelStats = await page.textContent('#model-stats');
      out.modelBars = await page.evaluate(() => {
        const c = window.echarts.getInstanceByDom(document.getElementById('models-chart'));
        return c.getOption().series[0].data.length;
      });
    }
    out.models = (await page.$('#models')) ? await page.textContent('#models') : null;
    out.modelsStatus = await page.textContent('#status');

    step = 'runs';
    await page.click('a[href="#runs"]');
    await page.waitForSelector('#live-chart canvas', { timeout: WAIT });
    await page.waitForTimeout(500); // the live stream is open
    const before = await page.getAttribute('#live-chart', 'data-points');
    const started = post('/api/lab/runs', { plan: 'scan', detectors: ['det1'], motor: 'm1', start: -1, stop: 1, num: 15 });
    const seen = [];
    const t0 = Date.now();
    let ended = false;
    while (Date.now() - t0 < 120000) {
      const n = Number(await page.getAttribute('#live-chart', 'data-points'));
      if (!seen.length || seen[seen.length - 1] !== n) { seen.push(n); }
      const state = await page.textContent('#live-state');
      if (state.startsWith('scan ended')) { ended = true; break; }
      await page.waitForTimeout(40);
    }
    const last = Number(await page.getAttribute('#live-chart', 'data-points')); // the end came after the last sample
    if (seen[seen.length - 1] !== last) { seen.push(last); }
    out.runSubmit = await started;
    out.livePointsBefore = Number(before);
    out.livePointsSeen = seen;
    out.liveEnded = ended;
    out.liveState = await page.textContent('#live-state');
    out.liveSeries = await page.evaluate(() => {
      const c = window.echarts.getInstanceByDom(document.getElementById('live-chart'));
      return c.getOption().series[0].data.length;
    });
    await page.waitForFunction(() => { const t = document.getElementById('runs'); return t && /success/.test(t.textContent); }, null, { timeout: WAIT });
    out.runs = await page.textContent('#runs');

    step = 'campaigns';
    await page.click('a[href="#campaigns"]');
    await page.waitForFunction(() => document.getElementById('campaigns') || /not available|error|HTTP/.test(document.getElementById('status').textContent), null, { timeout: WAIT });
    if (process.env.KUMIKI_CAMPAIGN) {
      await page.waitForFunction((id) => {
        const t = document.getElementById('campaigns');
        const c = document.getElementById('campaign-chart');
        return t && t.textContent.includes(id) && c && Number(c.dataset.points) >= 9;
      }, process.env.KUMIKI_CAMPAIGN, { timeout: 180000 });
      out.campaignPoints = Number(await page.getAttribute('#campaign-chart', 'data-points'));
      out.campaignSeries = await page.evaluate(() => {
        const c = window.echarts.getInstanceByDom(document.getElementById('campaign-chart'));
        return c.getOption().series[0].data.length;
      });
    }
    out.campaigns = (await page.$('#campaigns')) ? await page.textContent('#campaigns') : null;
    out.campaignsStatus = await page.textContent('#status');

    step = 'logout';
    await page.click('#logout');
    await page.waitForSelector('#login-form', { state: 'visible', timeout: WAIT });
    out.tokenAfterLogout = await page.evaluate(() => sessionStorage.getItem('kumiki.token'));
    console.log(JSON.stringify(out));
  } catch (e) {
    console.error('check.js: ' + step + ': ' + String(e.message).split('\n')[0] + ' ' + JSON.stringify(out));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
