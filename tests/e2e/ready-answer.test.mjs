// Where a brush's `ready` lands once its usage answer is in (issue #14, the
// brush's budget; branch answer9), in real Chromium against demo-backend
// (seed 7, 3000 jobs). The answer's task writes the usage panels and the
// insights; when all of them are out of view, no frame has anything to
// show, and `ready` is decided in that same task. When a usage chart is on
// screen, its new lines are painted by the next frame, and `ready` is not
// announced before it: it comes in a later task, as before.
//
// The usage answer is held (page.route) until the release's frame is drawn,
// so the answer never lands before the rows it follows are on screen. A
// watch installed before the app marks the answer's task: the usage
// worker's message is seen by a listener the page added before the app's
// (harness WATCH_USAGE_WORKER), which sets a flag and clears it in a zero
// timeout queued then, ahead of any the app queues; the state `ready` is
// recorded with the flag as it stood.

import test from 'node:test';
import assert from 'node:assert/strict';
import { WATCH_USAGE_WORKER, openApp, startDemoBackend } from './harness.mjs';
import { JOBS, QUERY, SEED, afterAction, core, showChart } from './monitor-helpers.mjs';

const WATCH = () => {
  window.__qsInAnswer = false;
  window.__qsReadyIn = [];
  window.__qsUsageSent = () => ({});
  window.__qsUsageAnswered = () => {
    window.__qsInAnswer = true;
    setTimeout(() => {
      window.__qsInAnswer = false;
    }, 0);
  };
  // Before <html> exists: the document is watched, for <html>'s attribute.
  // Each turn to `ready` (a state written again unchanged is no turn).
  let last = null;
  new MutationObserver(() => {
    const now = document.documentElement.dataset.appState;
    if (now === 'ready' && last !== 'ready') window.__qsReadyIn.push(window.__qsInAnswer);
    last = now;
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-app-state'] });
};

/**
 * A brush over Job runs whose usage answer is held until the release's
 * frame is drawn; resolves once the page is ready after it, with whether
 * `ready` came in the answer's task.
 */
async function brushHeld(app) {
  const { page } = app;
  // Every usage request is held until the release's frame is drawn (a
  // drag's prefetch too, if one leaves), then let go.
  const routes = [];
  let open = false;
  let first;
  const held = new Promise((r) => (first = r));
  const hold = async (route) => {
    if (open) return route.continue();
    routes.push(route);
    first();
  };
  await page.route(/\/metrics\?/, hold);
  try {
    const graph = page.locator('[data-panel="job-runs"] .js-plotly-plot');
    const box = await graph.locator('.nsewdrag').first().boundingBox();
    const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
    await page.evaluate(() => (window.__qsReadyIn.length = 0));
    await afterAction(app, async () => {
      await page.mouse.move(...at(0.3, 0.1));
      await page.mouse.down();
      await page.mouse.move(...at(0.5, 0.6), { steps: 12 });
      await page.mouse.up();
      await held;
      // The release's frame, and one more.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.equal(await page.evaluate(() => document.documentElement.dataset.appState), 'loading', 'the answer is awaited');
      open = true;
      for (const route of routes.splice(0)) await route.continue();
    });
  } finally {
    await page.unroute(/\/metrics\?/, hold);
  }
  return page.evaluate(() => window.__qsReadyIn.at(-1));
}

/** The usage panels' runs as `inspect` gives them, and the core's for the brush. */
async function usageRuns(app) {
  const { brush } = await app.page.evaluate(() => window.queuescope.inspect('job-runs'));
  const span = `${Date.parse(brush.from)},${Date.parse(brush.to)}`;
  const expected = await core('brush', '--brush', span, '--lanes', brush.lanes.join(','));
  const want = expected.rows.filter((r) => r.metrics.includes('gpu_util')).map((r) => r.run_id).sort();
  const shown = (await app.inspect('gpu-util')).map((s) => s.name).sort();
  return { want, shown };
}

/** Where a panel is: its top and bottom relative to the viewport. */
const place = (page, panel) =>
  page.evaluate((p) => {
    const r = document.querySelector(`[data-panel="${p}"]`).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: innerHeight };
  }, panel);

test("a brush whose usage answer writes only panels out of view is ready in the answer's task", async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY, initScript: [WATCH_USAGE_WORKER, WATCH] });
  await app.waitForState('ready');
  await showChart(app, 'job-runs');
  // Job runs at the top of the window: the insights well above it.
  await app.page.evaluate(() => {
    const r = document.querySelector('[data-panel="job-runs"]').getBoundingClientRect();
    window.scrollBy(0, r.top - 8);
  });
  await showChart(app, 'job-runs');
  const inAnswer = await brushHeld(app);
  const insights = await place(app.page, 'insights');
  const usage = await place(app.page, 'gpu-util');
  assert.ok(insights.bottom < -150, `the insights are out of view above: ${JSON.stringify(insights)}`);
  assert.ok(usage.top > usage.height + 150, `the usage panels are out of view below: ${JSON.stringify(usage)}`);
  assert.equal(inAnswer, true, "ready is decided in the answer's task");
  // Data current at ready: the out-of-view usage chart's inspect is the core's.
  const { want, shown } = await usageRuns(app);
  assert.ok(want.length > 5 && want.length <= 100, `${want.length} runs`);
  assert.deepEqual(shown, want, 'GPU use lists the brushed runs with the metric');
  // Scrolled into view, it draws them.
  await showChart(app, 'gpu-util');
  assert.deepEqual((await usageRuns(app)).shown, want);
});

test('a brush whose usage answer draws a chart on screen is ready after it, in a later task', async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  // A window tall enough for Job runs and the usage charts at once.
  const app = await openApp(t, {
    config: { api_base: api },
    query: QUERY,
    viewport: { width: 1400, height: 6000 },
    initScript: [WATCH_USAGE_WORKER, WATCH],
  });
  await app.waitForState('ready');
  await showChart(app, 'job-runs');
  await showChart(app, 'gpu-util');
  const inAnswer = await brushHeld(app);
  const usage = await place(app.page, 'gpu-util');
  assert.ok(usage.bottom < usage.height, `GPU use is on screen: ${JSON.stringify(usage)}`);
  assert.equal(inAnswer, false, "ready waits for a task after the answer's: a frame paints the new lines first");
  const { want, shown } = await usageRuns(app);
  assert.deepEqual(shown, want, 'GPU use shows the brushed runs with the metric');
  assert.equal(
    await app.page.evaluate(() => document.querySelector('[data-panel="gpu-util"] .qs-chart-box').getAttribute('data-drawn')),
    'true',
  );
});
