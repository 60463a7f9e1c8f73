// The jobs pages' fetching worker (src/api/fetch-worker.js, issue #14
// "navigation -> first ready"): the pages come through a dedicated worker
// of the dist (no request of the page's own), and where the worker cannot
// start the app fetches them in the page as before. SPEC §2's rules across
// the worker's boundary (timeouts, byte caps, status and error bodies,
// Cancel, the queue switch, the paging limits) are the fault tests'
// (faults.test.mjs), which now run through the worker; the bearer token
// through it is hosting.test.mjs's.

import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { CSP, openApp, resourceTimings, serveDist } from './harness.mjs';
import { allJobs, faultyBackend, loadError } from './fault-helpers.mjs';

const QUEUE = 'a100-pool';

/** Resource timings of the jobs pages: in the page, and in its workers. */
async function jobsTimings(page) {
  const own = await page.evaluate(() =>
    performance.getEntriesByType('resource').filter((e) => e.name.includes('/jobs?')).length,
  );
  const all = (await resourceTimings(page)).filter((e) => e.name.includes('/jobs?')).length;
  return { page: own, workers: all - own };
}

/** The jobs requests in the backend's log. */
async function jobsAsked(b) {
  return (await b.requests()).filter((r) => r.path.includes('/jobs?'));
}

/** The header's jobs figure, the app's worker flag, and the pages seen where. */
async function outcome(app, b) {
  const { page } = app;
  await app.waitForState('ready');
  const asked = (await jobsAsked(b)).length; // before the test's own reads below
  const { jobs } = await allJobs(b.api, QUEUE, b.from, b.now);
  const figure = await page
    .locator('[data-summary] .qs-figure')
    .filter({ has: page.locator('.qs-figure-label', { hasText: /^jobs$/ }) })
    .locator('.qs-figure-value')
    .innerText();
  return {
    expected: jobs.length,
    shown: Number(figure.replace(/,/g, '')),
    flag: await page.evaluate(() => document.documentElement.dataset.fetchWorker ?? null),
    timings: await jobsTimings(page),
    asked,
  };
}

test('the jobs pages come through the fetching worker, every one of them', async (t) => {
  const b = await faultyBackend(t, [], ['--page-size', '200']);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE) });
  const o = await outcome(app, b);
  assert.ok(o.asked >= 3, `several pages (${o.asked})`);
  assert.equal(o.shown, o.expected, 'every job read');
  assert.equal(o.flag, 'on');
  assert.deepEqual(o.timings, { page: 0, workers: o.asked }, 'no jobs page fetched by the page itself');
  const workers = app.page.workers().map((w) => w.url());
  assert.equal(workers.length, 1, `one worker: ${workers}`);
  assert.match(workers[0], /\/snippets\/[^/]+\/src\/api\/fetch-worker\.js$/, 'the worker is a file of the dist');
});

/**
 * dist/ as the test server serves it, except that the browser's request
 * for a worker's script (`Sec-Fetch-Dest: worker`) is answered 404: the
 * page's own import of the same file still works, the worker never runs.
 */
async function distWithoutWorkers(t, config) {
  const base = await serveDist(t, config);
  const server = http.createServer(async (req, res) => {
    if (req.headers['sec-fetch-dest'] === 'worker') {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-security-policy': CSP }).end('no worker here');
      return;
    }
    const r = await fetch(new URL(req.url, base));
    res.writeHead(r.status, Object.fromEntries(r.headers)).end(Buffer.from(await r.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${server.address().port}`;
}

test('a worker whose file does not load: the pages are fetched in the page, the same jobs', async (t) => {
  const b = await faultyBackend(t, [], ['--page-size', '200']);
  const origin = await distWithoutWorkers(t, { api_base: b.api });
  const app = await openApp(t, { url: `${origin}/${b.query(QUEUE)}` });
  const o = await outcome(app, b);
  assert.equal(o.shown, o.expected, 'every job read');
  assert.equal(o.flag, 'off');
  assert.deepEqual(o.timings, { page: o.asked, workers: 0 });
});

test('a browser without workers: the pages are fetched in the page, the same jobs', async (t) => {
  const b = await faultyBackend(t, [], ['--page-size', '200']);
  const initScript = 'delete window.Worker;';
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE), initScript });
  const o = await outcome(app, b);
  assert.equal(await app.page.evaluate(() => typeof Worker), 'undefined', 'the init script ran');
  assert.equal(o.shown, o.expected, 'every job read');
  assert.equal(o.flag, 'off');
  assert.deepEqual(o.timings, { page: o.asked, workers: 0 });
});

/**
 * The load error a user sees with `faults` on the jobs requests, through
 * the worker and in the page (Worker deleted before the app runs).
 */
async function errorBothWays(t, faults, config = {}) {
  const shown = {};
  for (const [way, initScript] of [['worker', null], ['page', 'delete window.Worker;']]) {
    const b = await faultyBackend(t, faults);
    const app = await openApp(t, { config: { api_base: b.api, ...config }, query: b.query(QUEUE), initScript });
    await app.waitForState('error');
    const flag = await app.page.evaluate(() => document.documentElement.dataset.fetchWorker);
    assert.equal(flag, way === 'worker' ? 'on' : 'off');
    // The backend's port and its clock differ from one run to the other.
    const text = (await loadError(app.page)).text;
    shown[way] = text.replace(/127\.0\.0\.1:\d+/g, 'HOST').replace(/\?from=[^ )]+/g, '?RANGE');
  }
  assert.equal(shown.worker, shown.page, 'the same message both ways');
  return shown.worker;
}

test('through the worker, a failed page says what the backend said, as in the page', async (t) => {
  const text = await errorBothWays(t, ['status:503@jobs']);
  assert.match(text, /503/);
});

test('through the worker, a timed-out page says so, as in the page', async (t) => {
  const text = await errorBothWays(t, ['hang@jobs'], { request_timeout_seconds: 1 });
  assert.match(text, /request_timeout_seconds/);
});

test('through the worker, pages sent without their length are read whole', async (t) => {
  const b = await faultyBackend(t, ['chunked@jobs'], ['--page-size', '200']);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE) });
  const o = await outcome(app, b);
  assert.equal(o.shown, o.expected, 'every job read');
  assert.equal(o.flag, 'on');
  assert.deepEqual(o.timings, { page: 0, workers: o.asked });
});
