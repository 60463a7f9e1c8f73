// The marks the app draws on its canvases over Plotly's axes, read back
// pixel by pixel and checked against what the native core computes
// (core/examples/expected.rs) for demo-backend --seed 7 --jobs 3000:
//
//   - Job status and Queued time: every bar segment at least 4 pixels
//     tall has its state's or group's colour at its middle, nothing above
//     the stacks; the same after a zoom from the mode bar, a double-click
//     back, and in a narrower window; hover cards name the segment;
//   - a regroup repaints Queued time but leaves Job status alone;
//   - the usage lines: drawn where their samples are, in their run's group
//     colour, below the fold only once scrolled into view; hover card;
//   - one legend: the same colours in every panel, and its gestures
//     (isolate, again to show all, hide with the keyboard, show all)
//     become the URL's filter and change every panel as the core says;
//   - no canvas ever asks for WebGL.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startDemoBackend, HOUR } from './harness.mjs';
import {
  afterAction,
  chartView,
  core,
  hexRgba,
  JOBS,
  legendColours,
  QUERY,
  SEED,
  showChart,
  shortTime,
} from './monitor-helpers.mjs';

const TRANSPARENT = [0, 0, 0, 0];

/** The state key's or the group legend's colours of a panel: name → #rrggbb. */
async function keyColours(page, panel) {
  return page.$$eval(`[data-panel="${panel}"] [data-color]`, (els) =>
    Object.fromEntries(
      els.map((e) => [e.getAttribute('data-legend-state') ?? e.getAttribute('data-legend-group'), e.getAttribute('data-color')]),
    ),
  );
}

/**
 * The middles of the stacked segments of core's `{x, traces}` that are at
 * least 4 device pixels tall in `chart` and whose bucket lies in view:
 * `{name, bucket, at: [x, y], top}`, plus a point 3 pixels above each
 * stack that reaches below the top of the axis.
 */
function segments(expected, chart) {
  const [top, bottom] = chart.y;
  const perRow = (top - bottom) / chart.canvas.height;
  const out = [];
  const above = [];
  for (const [b, start] of expected.x.entries()) {
    const mid = start + HOUR / 2;
    if (start < chart.x[0] || start + HOUR > chart.x[1]) continue;
    let sum = 0;
    for (const tr of expected.traces) {
      const v = tr.y[b];
      if (v / perRow >= 4) out.push({ name: tr.name, bucket: b, at: [mid, sum + v / 2], v });
      sum += v;
    }
    if (sum + 3 * perRow < top) above.push([mid, sum + 3 * perRow]);
  }
  return { out, above };
}

/** Every segment has its colour at its middle, and nothing is drawn above the stacks. */
async function assertBars(chart, expected, colours, what) {
  const { out, above } = segments(expected, chart);
  assert.ok(out.length > 5, `${what}: enough segments to check (${out.length})`);
  const got = await chart.pixels(out.map((s) => s.at));
  for (const [i, s] of out.entries()) {
    assert.deepEqual(got[i], hexRgba(colours[s.name]), `${what}: ${s.name} in bucket ${s.bucket}`);
  }
  const empty = await chart.pixels(above);
  assert.ok(above.length > 0, `${what}: room above some stacks`);
  for (const [i, p] of empty.entries()) assert.deepEqual(p, TRANSPARENT, `${what}: above stack ${above[i]}`);
}

test('bars, lines and the legend the app draws are where the core says, in their colours', async (t) => {
  const [api, status, queued] = await Promise.all([
    startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]),
    core('job-status'),
    core('queued-time'),
  ]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY });
  await app.waitForState('ready');
  const { page } = app;

  await t.test('charts below the fold are computed at once but drawn when scrolled into view', async () => {
    const usage = page.locator('[data-panel="gpu-util"] .qs-chart-box');
    assert.equal(await usage.getAttribute('data-drawn'), 'false', 'not drawn while out of view');
    assert.equal(
      await page.$eval('[data-panel="gpu-util"] .qs-chart', (el) => el._fullLayout === undefined),
      true,
      'Plotly has not drawn its frame either',
    );
    assert.ok((await app.inspect('gpu-util')).length > 0, 'its data is current all the same');
    await showChart(app, 'gpu-util');
    assert.equal(await usage.getAttribute('data-drawn'), 'true');
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await t.test('Job status and Queued time: each segment in its colour, also zoomed and narrower', async () => {
    const stateColours = await keyColours(page, 'job-status');
    const groupColours = await keyColours(page, 'queued-time');
    for (const [panel, expected, colours] of [
      ['job-status', status, stateColours],
      ['queued-time', queued, groupColours],
    ]) {
      // The colours of the key are the colours inspect reports.
      for (const s of await app.inspect(panel)) assert.equal(s.color, colours[s.name], `${panel}: ${s.name}`);
      const chart = await chartView(app, panel);
      assert.deepEqual(
        [chart.canvas.css.x, chart.canvas.css.y, chart.canvas.css.width, chart.canvas.css.height],
        [chart.box.x, chart.box.y, chart.box.width, chart.box.height],
        `${panel}: the canvas covers the plot area`,
      );
      assert.deepEqual(chart.x, [expected.x[0], expected.x.at(-1) + HOUR], `${panel}: whole buckets across`);
      await assertBars(chart, expected, colours, panel);

      // Zoom in from the mode bar (time only: y is the app's), then a
      // double-click on the plot back to the whole range.
      const graph = page.locator(`[data-panel="${panel}"] .js-plotly-plot`);
      await afterAction(app, () => graph.locator('.modebar-btn[data-title="Zoom in"]').click());
      const zoomed = await chartView(app, panel);
      assert.ok(zoomed.x[1] - zoomed.x[0] < (chart.x[1] - chart.x[0]) * 0.6, `${panel}: zoomed in (${zoomed.x})`);
      assert.deepEqual(zoomed.y, chart.y, `${panel}: y stays`);
      await assertBars(zoomed, expected, colours, `${panel} zoomed`);
      await afterAction(app, () => page.mouse.dblclick(...zoomed.at((zoomed.x[0] + zoomed.x[1]) / 2, zoomed.y[0] * 0.98)));
      assert.deepEqual((await chartView(app, panel)).x, chart.x, `${panel}: double-click: the whole range`);
    }
    // A narrower window: the canvases follow the plot areas.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 1100, height: viewport.height });
    for (const [panel, expected, colours] of [
      ['job-status', status, stateColours],
      ['queued-time', queued, groupColours],
    ]) {
      await page.waitForFunction((p) => {
        const el = document.querySelector(`[data-panel="${p}"] .js-plotly-plot`);
        const c = el.querySelector('canvas.qs-marks');
        return c.width === Math.round(el._fullLayout._size.w) && el._fullLayout._size.w < 1000;
      }, panel);
      await assertBars(await chartView(app, panel), expected, colours, `${panel} narrow`);
    }
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await t.test('hovering a bar shows its state or group, bucket, value and share', async () => {
    for (const [panel, expected, value] of [
      ['job-status', status, (v) => `${v} job${v === 1 ? '' : 's'}`],
      ['queued-time', queued, null],
    ]) {
      const chart = await chartView(app, panel);
      const { out } = segments(expected, chart);
      const s = out.reduce((a, b) => (b.v > a.v ? b : a));
      await page.mouse.move(...chart.at(...s.at));
      const series = expected.traces.findIndex((tr) => tr.name === s.name);
      const card = page.locator(`.qs-tip[data-bar-tip="${s.bucket}:${series}"]`);
      await card.waitFor();
      const lines = (await card.innerText()).split('\n');
      const start = expected.x[s.bucket];
      assert.equal(lines[0], s.name);
      assert.equal(lines[1], `${shortTime(start)} – ${shortTime(start + HOUR)}`);
      if (value) assert.equal(lines[2], value(s.v));
      else assert.match(lines[2], /waiting$/);
      const total = expected.traces.reduce((sum, tr) => sum + tr.y[s.bucket], 0);
      const share = Number(lines[3].match(/^([\d.]+)% of the bar$/)[1]);
      assert.ok(Math.abs(share - (100 * s.v) / total) <= 0.051, `${lines[3]} ~ ${(100 * s.v) / total}`);
      await page.mouse.move(5, 5);
      await page.locator('.qs-tip').waitFor({ state: 'detached' });
    }
  });

  await t.test('a regroup repaints Queued time and leaves Job status alone', async () => {
    const count = () =>
      page.evaluate(() =>
        Object.fromEntries(
          ['qs:marks:job-status', 'qs:plotly:job-status', 'qs:marks:queued-time'].map((n) => [
            n,
            performance.getEntriesByName(n).length,
          ]),
        ),
      );
    const before = await count();
    await afterAction(app, () => page.selectOption('select[name="group"]', 'project'));
    const after = await count();
    assert.equal(after['qs:marks:job-status'], before['qs:marks:job-status'], 'job status not repainted');
    assert.equal(after['qs:plotly:job-status'], before['qs:plotly:job-status'], 'nor its frame redrawn');
    assert.ok(after['qs:marks:queued-time'] > before['qs:marks:queued-time'], 'queued time repainted');
    const byProject = await core('queued-time', '--group', 'project');
    assert.deepEqual((await app.inspect('queued-time')).map((s) => s.name), byProject.traces.map((tr) => tr.name));
    await assertBars(await chartView(app, 'queued-time'), byProject, await keyColours(page, 'queued-time'), 'by project');
    await afterAction(app, () => page.selectOption('select[name="group"]', 'user'));
  });

  await t.test('usage lines are drawn on their samples in their group colour, and hover names the run', async () => {
    const { runs } = await core('recent-runs');
    const byRun = new Map(runs.map((r) => [r.run_id, r]));
    const colours = await legendColours(page, '[data-panel="job-runs"]');
    const chart = await chartView(app, 'gpu-util');
    const lines = await app.inspect('gpu-util');
    // The colour of every line is its run's group's, as in the legend.
    for (const l of lines) assert.equal(l.color, colours[byRun.get(l.name).group], `${l.name}'s colour`);
    // Canvas pixels of the samples: take a line (the later drawn first)
    // with samples that no other line comes within 5 px of.
    const px = ([x, y]) => [
      ((x - chart.x[0]) / (chart.x[1] - chart.x[0])) * chart.canvas.width,
      ((y - chart.y[0]) / (chart.y[1] - chart.y[0])) * chart.canvas.height,
    ];
    const points = (l) => l.x.map((x, i) => [x, l.y[i]]);
    // The drawn segments of a line, in canvas pixels.
    const segs = (l) =>
      points(l)
        .map((p, i, ps) => (i > 0 && p[1] !== null && ps[i - 1][1] !== null ? [px(ps[i - 1]), px(p)] : null))
        .filter(Boolean);
    const dist = ([a, b], [[x0, y0], [x1, y1]]) => {
      const [dx, dy] = [x1 - x0, y1 - y0];
      const k = Math.max(0, Math.min(1, ((a - x0) * dx + (b - y0) * dy) / (dx * dx + dy * dy || 1)));
      return Math.hypot(a - (x0 + k * dx), b - (y0 + k * dy));
    };
    const alone = (k) => {
      const others = lines.filter((_, j) => j !== k).flatMap(segs);
      const l = lines[k];
      return points(l)
        .filter(([x, y], i) => y !== null && i > 0 && l.y[i - 1] !== null && x > chart.x[0] && x < chart.x[1])
        // Off the plot's edges (the pointer lands on whole pixels).
        .filter((p) => px(p).every((v, j) => v > 3 && v < [chart.canvas.width, chart.canvas.height][j] - 3))
        .filter((p) => others.every((sg) => dist(px(p), sg) > 5))
        .slice(0, 6);
    };
    let k = lines.length - 1;
    let lonely = alone(k);
    while (lonely.length === 0 && k > 0) lonely = alone(--k);
    assert.ok(lonely.length > 0, 'some samples of a line stand apart');
    const top = lines[k];
    const own = points(top);
    for (const p of lonely) {
      // The most opaque pixel around the sample carries the line's colour.
      const around = await chart.pixels(
        [-1, 0, 1].flatMap((dx) =>
          [-1, 0, 1].map((dy) => [
            p[0] + (dx * (chart.x[1] - chart.x[0])) / chart.canvas.width,
            p[1] + (dy * (chart.y[1] - chart.y[0])) / chart.canvas.height,
          ]),
        ),
      );
      const best = around.filter(Boolean).reduce((a, b) => (b[3] > a[3] ? b : a));
      assert.ok(best[3] > 128, `an opaque pixel at sample ${p}: ${best}`);
      const want = hexRgba(top.color);
      assert.ok(best.slice(0, 3).every((c, i) => Math.abs(c - want[i]) <= 3), `${best} ~ ${want} at ${p}`);
    }
    // Hover on one of them: the run, its project and launch job, the sample.
    const [x, y] = lonely[0];
    await page.mouse.move(...chart.at(x, y));
    const card = page.locator(`.qs-tip[data-line-tip="${top.name}"]`);
    await card.waitFor();
    const run = byRun.get(top.name);
    const text = (await card.innerText()).split('\n');
    assert.deepEqual(text.slice(0, 3), [`run ${top.name}`, `project: ${run.project ?? '(none)'}`, `launch job: ${run.job}`]);
    // The sample nearest the pointer (which lands on a whole pixel): one
    // of the line's within 3 px of it.
    const [, secs, pct] = text[3].match(/^([\d,]+) s since start: ([\d.]+)%$/);
    const [a, b] = px([x, y]);
    const sample = own.find(
      ([sx, sy]) =>
        sy !== null &&
        Math.trunc(sx).toLocaleString('en-US') === secs &&
        Math.abs(Number(pct) - sy) <= 0.051 &&
        Math.hypot(px([sx, sy])[0] - a, px([sx, sy])[1] - b) <= 3,
    );
    assert.ok(sample, `${text[3]}: a sample of ${top.name} near the pointer`);
    await page.mouse.move(5, 5);
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await t.test('one legend: the same colours in every panel; isolate, hide, show all', async () => {
    const queuedLegend = await legendColours(page, '[data-panel="queued-time"]');
    assert.deepEqual(await legendColours(page, '[data-panel="job-runs"]'), queuedLegend, 'Job runs = Queued time');
    assert.deepEqual(await legendColours(page, '[data-legend].qs-legend-row'), queuedLegend, 'usage row = Queued time');
    const runsSeries = Object.fromEntries(
      (await page.evaluate(() => window.queuescope.inspect('job-runs').series)).map((s) => [s.name, s.color]),
    );
    assert.deepEqual(runsSeries, queuedLegend, 'inspect(job-runs) has the legend colours');

    // Isolate a user (a click on the name in Job runs' legend): a filter in the URL.
    const pick = queued.traces.find((tr, i) => i > 0 && tr.name !== '(other)').name;
    const entry = (scope, name) => page.locator(`${scope} [data-legend-group="${name}"]`);
    await afterAction(app, () => entry('[data-panel="job-runs"]', pick).locator('.qs-legend-item').click());
    assert.deepEqual(new URL(page.url()).searchParams.getAll('user'), [pick]);
    assert.deepEqual((await app.inspect('queued-time')).map((s) => s.name), [pick]);
    const alone = await core('job-status', '--user', pick);
    assert.deepEqual((await app.inspect('job-status')).map((s) => s.y), alone.traces.map((tr) => tr.y), `job status of ${pick}`);
    const item = entry('[data-panel="queued-time"]', pick).locator('.qs-legend-item');
    assert.equal(await item.getAttribute('aria-pressed'), 'true');
    // Again: every group back.
    await afterAction(app, () => item.click());
    assert.deepEqual(new URL(page.url()).searchParams.getAll('user'), []);
    assert.deepEqual(
      (await app.inspect('queued-time')).map((s) => s.name),
      queued.traces.map((tr) => tr.name),
      'all groups again',
    );

    // Hide the first group with the keyboard (its × in the usage row):
    // the filter keeps every other user of the range.
    const first = queued.traces[0].name;
    const hide = entry('[data-legend].qs-legend-row', first).locator('.qs-legend-hide');
    await hide.focus();
    await afterAction(app, () => page.keyboard.press('Enter'));
    const { user } = await core('facets');
    const rest = user.map(([u]) => u).filter((u) => u !== first).sort();
    assert.deepEqual(new URL(page.url()).searchParams.getAll('user').sort(), rest, `every user but ${first}`);
    assert.ok(!(await app.inspect('queued-time')).some((s) => s.name === first), `${first} is gone`);
    const others = await core('job-status', ...rest.flatMap((u) => ['--user', u]));
    assert.deepEqual((await app.inspect('job-status')).map((s) => s.y), others.traces.map((tr) => tr.y), 'job status without them');

    // "Show all" drops the filter.
    await afterAction(app, () => page.locator('[data-panel="queued-time"] [data-legend-show-all]').click());
    assert.deepEqual(new URL(page.url()).searchParams.getAll('user'), []);
    assert.deepEqual((await app.inspect('job-status')).map((s) => s.y), status.traces.map((tr) => tr.y));
  });

  await t.test('no canvas asked for WebGL', async () => {
    const contexts = await page.evaluate(() => window.__qsContexts);
    assert.ok(contexts.length > 0, 'the app drew on canvases');
    assert.deepEqual([...new Set(contexts)], ['2d']);
  });
});
