// A brush's drag prefetches the usage of the runs under its box (issue #14,
// the brush budget), in real Chromium against demo-backend (seed 7, 3000
// jobs): a drag that lingers before its release has asked for their usage
// already, so the release asks for nothing, and the usage charts then show
// the selected runs, every one of them that has the metric.

import test from 'node:test';
import assert from 'node:assert/strict';
import { WATCH_USAGE_WORKER, openApp, startDemoBackend } from './harness.mjs';
import { JOBS, QUERY, SEED, afterAction, allRows, core, dragBox, showChart } from './monitor-helpers.mjs';

// Every usage metrics request of the page: its run ids, whether it has
// been answered, and the page as it stood when it was sent (the app's
// state and the header's figures). The app sends them through its usage
// worker (`src/api/usage-worker.js`: the request is handed to it with a
// message, answered with one) or, without a worker, with the page's own
// `fetch`: both are watched.
const WATCH = () => {
  window.__qsMetrics = [];
  const record = (url, via) => {
    const rec = {
      via,
      runs: decodeURIComponent(url.split('run_ids=')[1] ?? '').split(','),
      done: false,
      state: document.documentElement.dataset.appState,
      figures: document.querySelector('[data-summary]')?.textContent,
    };
    window.__qsMetrics.push(rec);
    return rec;
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = String(input?.url ?? input);
    if (!url.includes('/metrics?')) return fetch0.call(this, input, init);
    const rec = record(url, 'page');
    return fetch0.call(this, input, init).finally(() => {
      rec.done = true;
    });
  };
  window.__qsUsageSent = (url, m) => Object.assign(record(url, 'worker'), { wait: m.wait, go: false });
  window.__qsUsageGo = (rec) => {
    if (rec) rec.go = true;
  };
  window.__qsUsageAnswered = (rec) => {
    rec.done = true;
  };
};

/** The page's usage metrics requests from the `n`-th on, as recorded. */
const requests = (page, n) => page.evaluate((n) => window.__qsMetrics.slice(n), n);

const USAGE = { 'gpu-util': 'gpu_util', 'cpu-util': 'cpu_util', 'gpu-mem': 'gpu_mem', 'sys-mem': 'sys_mem' };

test('a drag prefetches the usage of the runs under its box', async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY, initScript: [WATCH_USAGE_WORKER, WATCH] });
  await app.waitForState('ready');
  const { page } = app;
  await showChart(app, 'job-runs');
  const box = await page.locator('[data-panel="job-runs"] .nsewdrag').first().boundingBox();
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  const seen = await page.evaluate(() => window.__qsMetrics.length);

  // Plotly's draws, by panel: the release must not draw the usage charts
  // the selection table's new rows push far below the fold (branch rows5).
  await page.evaluate(() => {
    window.__qsDraws = [];
    for (const name of ['newPlot', 'react', 'relayout']) {
      const f = window.Plotly[name];
      window.Plotly[name] = function (gd, ...rest) {
        window.__qsDraws.push(gd.closest('[data-panel]')?.getAttribute('data-panel'));
        return f.call(this, gd, ...rest);
      };
    }
  });
  const top = (panel) =>
    page.evaluate((p) => document.querySelector(`[data-panel="${p}"]`).getBoundingClientRect().top - innerHeight, panel);
  assert.ok((await top('gpu-util')) < 150, 'GPU use is in view (within the margin) before the release');

  await page.mouse.move(...at(0.3, 0.1));
  await page.mouse.down();
  await page.mouse.move(...at(0.5, 0.6), { steps: 12 });
  // The user stops on the span before releasing: once the box has rested,
  // the usage of its runs is prefetched; wait until that has settled.
  await page.waitForFunction(() => !document.documentElement.hasAttribute('data-usage-prefetch'));
  const during = await page.evaluate((n) => window.__qsMetrics.slice(n), seen);
  assert.ok(during.length > 0, 'the drag asked for usage before the release');
  assert.ok(during.every((r) => r.done), 'and was answered');
  assert.equal(await page.locator('[data-panel="job-runs"] [data-clear-brush]').isDisabled(), true, 'no brush yet');

  await afterAction(app, () => page.mouse.up());
  const after = await page.evaluate((n) => window.__qsMetrics.slice(n), seen + during.length);
  assert.deepEqual(after, [], 'the release asks for nothing: the runs under the box were prefetched');
  assert.ok((await top('gpu-util')) > 300, 'the selection rows pushed GPU use far below the fold');
  const drawn = await page.evaluate(() => window.__qsDraws.splice(0));
  assert.ok(!drawn.some((p) => p in USAGE), `the release drew no usage chart: ${drawn}`);
  // Scrolled to, the chart draws the new runs' frame (its observer answers
  // after a frame: wait for the draw, then for the page to settle).
  await showChart(app, 'gpu-util');
  await page.waitForFunction(() => window.__qsDraws.includes('gpu-util'), null, { timeout: 5000 });
  await showChart(app, 'gpu-util');

  // The usage charts show the selected runs (the core's for the app's
  // brush, as the selection table lists them), every one with the metric.
  const { brush } = await page.evaluate(() => window.queuescope.inspect('job-runs'));
  const span = `${Date.parse(brush.from)},${Date.parse(brush.to)}`;
  const expected = await core('brush', '--brush', span, '--lanes', brush.lanes.join(','));
  const selected = expected.rows.map((r) => r.run_id).sort();
  assert.ok(selected.length > 5 && selected.length <= 100, `${selected.length} runs selected`);
  const { rows } = await allRows(page, 'selection');
  assert.deepEqual(rows.map((r) => r.titles[1]).sort(), selected, 'the selection table lists them');
  for (const [panel, metric] of Object.entries(USAGE)) {
    const names = (await app.inspect(panel)).map((tr) => tr.name).sort();
    const want = expected.rows.filter((r) => r.metrics.includes(metric)).map((r) => r.run_id).sort();
    assert.ok(want.length > 0, `${metric}: runs with it`);
    assert.deepEqual(names, want, `${panel}: the selected runs with ${metric}`);
  }
  const prefetched = new Set(during.flatMap((r) => r.runs));
  assert.ok(selected.every((id) => prefetched.has(id)), 'every selected run was asked for during the drag');
});

// The first toggle of a filter brings runs into view whose usage is not
// loaded (issue #14: filter on at 10k within 50 ms; its round trip was the
// p95). Their request is sent from a task queued ahead of the change's
// effects, so it leaves before any panel is touched, not behind the
// selection's DOM writes.
test("a filter's usage request leaves before the change's effects", async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY, initScript: [WATCH_USAGE_WORKER, WATCH] });
  await app.waitForState('ready');
  const { page } = app;
  const seen = await page.evaluate(() => window.__qsMetrics.length);
  const figures = await page.locator('[data-summary]').textContent();
  const user = await page.evaluate(() => document.querySelector('input[type=checkbox][name=user]').value);
  await afterAction(app, () => page.evaluate(() => document.querySelector('input[type=checkbox][name=user]').click()));

  const sent = await requests(page, seen);
  assert.equal(sent.length, 1, `one request for the runs the filter brings into view: ${JSON.stringify(sent)}`);
  assert.notEqual(await page.locator('[data-summary]').textContent(), figures, 'the filter changes the figures');
  assert.equal(sent[0].figures, figures, 'sent before the header was rewritten');
  assert.equal(sent[0].state, 'ready', 'sent before the page went to loading');

  // It asked for runs the charts show (the user's most recent) that no
  // earlier request had, and the charts draw every one with the metric.
  const { runs } = await core('recent-runs', '--user', user);
  assert.ok(runs.length > 5, `${runs.length} runs of ${user} in view`);
  const inView = new Set(runs.map((r) => r.run_id));
  assert.ok(sent[0].runs.length > 0 && sent[0].runs.every((id) => inView.has(id)), 'only runs in view were asked for');
  const before = new Set((await requests(page, 0)).slice(0, seen).flatMap((r) => r.runs));
  assert.ok(sent[0].runs.every((id) => !before.has(id)), 'none asked before');
  const asked = new Set([...before, ...sent[0].runs]);
  assert.ok(runs.every((r) => asked.has(r.run_id)), 'every run in view is asked for');
  for (const [panel, metric] of Object.entries(USAGE)) {
    const names = (await app.inspect(panel)).map((tr) => tr.name).sort();
    const want = runs.filter((r) => r.metrics.includes(metric)).map((r) => r.run_id).sort();
    assert.deepEqual(names, want, `${panel}: ${user}'s runs with ${metric}`);
  }
});

// A press on a filter value, before its click lands (issue #14: the first
// toggle's round trip was the p95 of filter on): a first value on a field
// only narrows the view, so the runs the click will bring into view are the
// most recent of those shown now whose job has the value, and their usage
// is asked for at the press. The click then asks for nothing more, and the
// usage charts show the user's runs. The press alone changes nothing: the
// page stays ready with the same figures. Space on a box asks as a press
// does. A right-button press, a press on a value already set, or one with
// a value of the field set asks nothing.
test('a press on a filter value asks for the usage its click will bring into view', async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY, initScript: [WATCH_USAGE_WORKER, WATCH] });
  await app.waitForState('ready');
  const { page } = app;
  await page.click('details[data-filter=user] > summary');
  const users = await page.evaluate(() => [...document.querySelectorAll('input[type=checkbox][name=user]')].map((c) => c.value));
  const row = (u) => page.locator(`details[data-filter=user] li:has(input[value="${u}"]) .qs-multi-name`);
  const press = async (u, button = 'left') => {
    await row(u).scrollIntoViewIfNeeded();
    const box = await row(u).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down({ button });
  };
  // A right-button press asks nothing (and a press is not a click: released
  // off the row, it changes nothing).
  const settled = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  const first = (await requests(page, 0)).length;
  await press(users[0], 'right');
  await settled();
  assert.equal((await requests(page, 0)).length, first, 'no request at a right-button press');
  await page.mouse.up({ button: 'right' });
  await page.keyboard.press('Escape');

  // Space on a box (it toggles when the key is released) asks too: one
  // request for the key and the change together. Space again (the value
  // is set: its release removes it) asks nothing.
  const box1 = `details[data-filter=user] input[type=checkbox][value="${users[1]}"]`;
  const k0 = (await requests(page, 0)).length;
  await page.focus(box1);
  await page.keyboard.down('Space');
  await page
    .waitForFunction((n) => window.__qsMetrics.length > n, k0, { timeout: 5000 })
    .catch(() => assert.fail('no usage request at Space'));
  await afterAction(app, () => page.keyboard.up('Space'));
  assert.ok(await page.isChecked(box1), 'the key set the filter');
  await afterAction(app, () => page.keyboard.press('Space'));
  assert.ok(!(await page.isChecked(box1)), 'and took it off again');
  assert.equal((await requests(page, 0)).length, k0 + 1, 'one request for both');

  const figures = await page.locator('[data-summary]').textContent();
  const seen = (await requests(page, 0)).length;
  await press(users[0]);
  await page
    .waitForFunction((n) => window.__qsMetrics.length > n, seen, { timeout: 5000 })
    .catch(() => assert.fail('no usage request at the press'));
  const [asked] = await requests(page, seen);
  assert.equal(asked.state, 'ready', 'asked while the page is ready');
  assert.equal(asked.figures, figures, 'asked before any figure changed');
  // The answer is in before the click lands, as a slow press would let it be.
  await page.waitForFunction((n) => window.__qsMetrics[n].done, seen);
  assert.equal(await page.locator('[data-summary]').textContent(), figures, 'the press alone changes no figure');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.appState), 'ready', 'nor the state');
  await afterAction(app, () => page.mouse.up());

  const sent = await requests(page, seen);
  assert.equal(sent.length, 1, `the click asks for nothing more: ${JSON.stringify(sent.map((r) => r.runs.length))}`);
  assert.ok(await page.isChecked(`input[type=checkbox][name=user][value="${users[0]}"]`), 'the click set the filter');
  const { runs } = await core('recent-runs', '--user', users[0]);
  assert.ok(runs.length > 5, `${runs.length} runs of ${users[0]} in view`);
  const inView = new Set(runs.map((r) => r.run_id));
  assert.ok(sent[0].runs.every((id) => inView.has(id)), 'only runs the click brought into view were asked for');
  const before = new Set((await requests(page, 0)).slice(0, seen).flatMap((r) => r.runs));
  assert.ok(runs.every((r) => before.has(r.run_id) || sent[0].runs.includes(r.run_id)), 'every run in view was asked for');
  for (const [panel, metric] of Object.entries(USAGE)) {
    const names = (await app.inspect(panel)).map((tr) => tr.name).sort();
    const want = runs.filter((r) => r.metrics.includes(metric)).map((r) => r.run_id).sort();
    assert.deepEqual(names, want, `${panel}: ${users[0]}'s runs with ${metric}`);
  }

  // With a value of the field set, a press asks for nothing: on another
  // value (its click widens the view; the click's own fetch asks) or on the
  // value set (its click removes it).
  for (const u of [users[1], users[0]]) {
    const n = (await requests(page, 0)).length;
    await press(u);
    await settled();
    assert.equal((await requests(page, 0)).length, n, `no request at a press on ${u}`);
    await afterAction(app, () => page.mouse.up());
  }
});

// The usage answers are read off the main thread (branch brush7): the
// request goes to the usage worker, which fetches it and reads the answer
// into columns, on two cores once the page has drawn its next frame (the
// page tells it `go`), with more cores at once (this machine has two: the
// at-once mode is shown by a page that reports eight); a page where no
// worker can run fetches and reads it itself. A brush's usage is the same
// in all three.
test('usage answers come through the usage worker, at once or after the frame, and through the page without one', async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const eight = () => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 8 });
  const noWorker = () => delete window.Worker;
  const shown = {};
  for (const [name, via, init] of [['after the frame', 'worker', null], ['at once', 'worker', eight], ['page', 'page', noWorker]]) {
    const app = await openApp(t, { config: { api_base: api }, query: QUERY, initScript: [init, WATCH_USAGE_WORKER, WATCH] });
    await app.waitForState('ready');
    const { page } = app;
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const seen = (await requests(page, 0)).length;
    await afterAction(app, () => dragBox(app, 'job-runs', [0.3, 0.1], [0.5, 0.9]));
    const all = await requests(page, 0);
    const asked = all.slice(seen);
    assert.ok(seen > 0 && asked.length > 0, `${name}: the recent runs' usage, then the brushed runs', was asked for`);
    assert.deepEqual([...new Set(all.map((r) => r.via))], [via], `${name}: every usage request went through the ${via}`);
    assert.ok(all.every((r) => r.done), `${name}: and was answered`);
    const flag = await page.evaluate(() => document.documentElement.dataset.usageWorker);
    assert.equal(flag, via === 'worker' ? 'on' : 'off', `${name}: <html data-usage-worker>`);
    if (via === 'worker') {
      const wait = cores <= 2;
      assert.equal(name === 'at once', !wait, `${name}: ${cores} cores`);
      assert.ok(all.every((r) => r.wait === wait), `${name}: every request ${wait ? 'waits for the frame' : 'is read at once'}`);
      assert.ok(all.every((r) => r.go === wait), `${name}: the page ${wait ? 'said go to each' : 'never said go'}`);
    }
    shown[name] = {};
    for (const panel of Object.keys(USAGE)) shown[name][panel] = await app.inspect(panel);
    assert.ok(shown[name]['gpu-util'].length > 0, `${name}: GPU use shows the brushed runs`);
  }
  assert.deepEqual(shown['at once'], shown['after the frame'], 'the same usage read at once or after the frame');
  assert.deepEqual(shown.page, shown['after the frame'], 'the same usage read in the page');
});
