// Opens a campaign report in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download) and prints one JSON line about what rendered:
//   node check.js REPORT.html
// The Java test (BrowserReportTest) judges it. Exit status 1 when the page could not be checked.
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

(async () => {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node check.js REPORT.html');
    process.exit(2);
  }
  const browser = await chromium.launch({
    executablePath: process.env.KUMIKI_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    const push = errors.push.bind(errors);
    errors.push = (e) => (errors.length < 10 ? push(e) : errors.length); // the first ten tell enough
    page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.on('pageerror', (e) => errors.push('page: ' + e.message));
    page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push('request: ' + r.url()); });
    await page.goto('file://' + path.resolve(file), { waitUntil: 'load' });
    await page.waitForFunction(() => window.kumikiReport && window.kumikiReport.ready, null, { timeout: 60000 });
    const result = await page.evaluate(() => {
      const chart = (id) => echarts.getInstanceByDom(document.getElementById(id));
      const conv = chart('convergence');
      const par = chart('parameters');
      const series = (c, id) => {
        if (!c) return -1;
        const s = c.getOption().series.find((x) => x.id === id);
        return s ? s.data.length : -1;
      };
      const painted = (id) => {
        const canvas = document.querySelector('#' + id + ' canvas');
        if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++;
        return n;
      };
      return {
        echarts: typeof echarts === 'undefined' ? null : echarts.version,
        best: series(conv, 'best'),
        values: series(conv, 'values'),
        baseline: series(conv, 'baseline'),
        parameters: series(par, 'points'),
        parallelAxes: par ? par.getOption().parallelAxis.map((a) => a.name) : [],
        paintedConvergence: painted('convergence'),
        paintedParameters: painted('parameters'),
        pwned: window.__pwned === true,
        images: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        text: document.body.innerText,
      };
    });
    result.errors = errors;
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error('check.js: ' + (e && e.message ? e.message.split('\n')[0] : e));
  process.exit(1);
});
