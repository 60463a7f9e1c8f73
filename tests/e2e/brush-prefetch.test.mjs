// A brush's drag prefetches the usage of the runs under its box (issue #14,
// the brush budget), in real Chromium against demo-backend (seed 7, 3000
// jobs): a drag that lingers before its release has asked for their usage
// already, so the release asks for nothing, and the usage charts then show
// the selected runs, every one of them that has the metric.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startDemoBackend } from './harness.mjs';
import { JOBS, QUERY, SEED, afterAction, allRows, core, showChart } from './monitor-helpers.mjs';

// Every usage metrics request of the page: its run ids, and whether it
// has been answered.
const WATCH = () => {
  window.__qsMetrics = [];
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = String(input?.url ?? input);
    if (!url.includes('/metrics?')) return fetch0.call(this, input, init);
    const rec = { runs: decodeURIComponent(url.split('run_ids=')[1] ?? '').split(','), done: false };
    window.__qsMetrics.push(rec);
    return fetch0.call(this, input, init).finally(() => {
      rec.done = true;
    });
  };
};

const USAGE = { 'gpu-util': 'gpu_util', 'cpu-util': 'cpu_util', 'gpu-mem': 'gpu_mem', 'sys-mem': 'sys_mem' };

test('a drag prefetches the usage of the runs under its box', async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY, initScript: WATCH });
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
