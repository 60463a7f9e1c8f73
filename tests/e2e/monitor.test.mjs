// The Monitor page's interactions in real Chromium against demo-backend
// (seed 7, 3000 jobs), each checked against what the native core computes
// for the same data and view (core/examples/expected.rs):
//
//   - usage charts without a brush: the 50 most recent runs;
//   - Job runs: the longest runs are drawn in their lanes in their group's
//     colour (read back from the canvas the app draws on), also zoomed in
//     and in a narrower window, and hovering one shows its card;
//   - errors: newest first, every page equal to the core's list;
//   - grouping: queued-time traces per project and per label:team;
//   - a real mouse box on Job runs: the selection table lists exactly the
//     runs the core's brush selects (time span and lanes of the box the app
//     draws, which is where the mouse went); the box follows a zoom, a
//     double-click clears it, and the mode bar's Zoom hands the drag to
//     Plotly;
//   - a brush skips the selection rows below the screen while the page
//     loads (never one on screen), and at ready every row has its text,
//     the core's, its columns where the header's are; rows scrolled to
//     while the brush loads are shown before ready;
//   - sorting by Run time and the CSV download;
//   - usage charts after a brush: only the selected runs;
//   - a filter from the URL and the same filter set with the checkboxes.
//
// One backend and one browser page serve every step (a step that needs a
// fresh app loads a new URL in the same page), so the file runs in well
// under the per-file budget.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp, startDemoBackend, xToMs } from './harness.mjs';
import {
  afterAction,
  allRows,
  brushBox,
  dragBox,
  durationSecs,
  chartView,
  core,
  FROM,
  hexRgba,
  JOBS,
  legendColours,
  QUERY,
  reload,
  SEED,
  shortTime,
  tableRows,
  TO,
} from './monitor-helpers.mjs';

/** The two users of the filter step (checked to be in the data). */
const USERS = ['alice', 'bob'];
/** The usage panels and the metric each one plots. */
const USAGE = { 'gpu-util': 'gpu_util', 'cpu-util': 'cpu_util', 'gpu-mem': 'gpu_mem', 'sys-mem': 'sys_mem' };

/** The chart's series (inspect) equal the core's `{x, traces: [{name, y}]}`, names, x and y. */
function assertTraces(actual, expected, what) {
  assert.deepEqual(
    actual.map((tr) => tr.name),
    expected.traces.map((tr) => tr.name),
    `${what}: trace names`,
  );
  for (const [i, tr] of actual.entries()) {
    assert.deepEqual(tr.x.map(xToMs), expected.x, `${what}, ${tr.name}: bucket starts`);
    assert.deepEqual(tr.y, expected.traces[i].y, `${what}, ${tr.name}: values per bucket`);
  }
}

/** Trace names of every usage panel: `{ 'gpu-util': [...], ... }`. */
async function usageNames(app) {
  const out = {};
  for (const panel of Object.keys(USAGE)) {
    out[panel] = (await app.inspect(panel)).map((tr) => tr.name);
  }
  return out;
}

/** Run ids of `runs` (core rows) that have `metric`, sorted. */
function withMetric(runs, metric) {
  return runs
    .filter((r) => r.metrics.includes(metric))
    .map((r) => r.run_id)
    .sort();
}

const sorted = (xs) => [...xs].sort();

test('Monitor interactions equal the native core (seed 7, 3000 jobs)', async (t) => {
  const [api, facets] = await Promise.all([
    startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]),
    core('facets'),
  ]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY });
  await app.waitForState('ready');
  const { page } = app;

  await t.test('without a brush the usage charts show the 50 most recent runs', async () => {
    const { runs } = await core('recent-runs');
    assert.equal(runs.length, 50, 'the view has more than 50 runs (else this proves little)');
    const names = await usageNames(app);
    for (const [panel, metric] of Object.entries(USAGE)) {
      assert.ok(names[panel].length <= 50, `${panel}: at most 50 lines, got ${names[panel].length}`);
      assert.deepEqual(sorted(names[panel]), withMetric(runs, metric), `${panel}: the most recent runs`);
    }
    assert.equal(names['cpu-util'].length, 50, 'every run has a CPU series');
    const subtitle = await page.locator('[data-panel="cpu-util"] .qs-sub').innerText();
    assert.match(subtitle, /the 50 most recent runs/);
  });

  await t.test('Job runs draws each run where the core lays it out, and hovering shows it', async () => {
    const { runs, lanes } = await core('runs', '--limit', '6');
    const chart = await chartView(app, 'job-runs');
    const colors = await legendColours(page, '[data-panel="job-runs"]');
    // The canvas lies exactly over the plot area, one pixel a CSS pixel here.
    assert.deepEqual(
      [chart.canvas.css.x, chart.canvas.css.y, chart.canvas.css.width, chart.canvas.css.height],
      [chart.box.x, chart.box.y, chart.box.width, chart.box.height],
      'the marks canvas covers the plot area',
    );
    assert.equal(chart.canvas.width, Math.round(chart.box.width), 'one column a CSS pixel');
    // The y axis runs from 0 (top) to 1: lane k of n is centred at (k + 0.5) / n.
    assert.deepEqual(chart.y, [0, 1], 'the lanes from the top down');
    const laneY = (lane) => (lane + 0.5) / lanes;
    assert.deepEqual(chart.x, [Date.parse(FROM), Date.parse(TO)], 'the whole range');
    // The middle of what the range shows of a run.
    const mid = (r) => (Math.max(r.start, Date.parse(FROM)) + Math.min(r.end, Date.parse(TO))) / 2;
    // The middle of each of the longest runs has its group's legend colour.
    for (const r of runs) {
      assert.ok(colors[r.group], `a legend entry for ${r.group}`);
      assert.deepEqual(await chart.pixel(mid(r), laneY(r.lane)), hexRgba(colors[r.group]), `${r.job_id} in lane ${r.lane}`);
    }
    // Hovering the longest run shows its card.
    const r = runs[0];
    const [px, py] = chart.at(mid(r), laneY(r.lane));
    await page.mouse.move(px, py);
    const card = page.locator(`[data-panel="job-runs"] .qs-tip[data-run-tip="${r.job_id}"]`);
    await card.waitFor();
    // 14 px below the pointer and beside it (to its left on the right part
    // of the window), in viewport pixels: the card is placed in its chart's
    // box (the panel's layout is contained), not against the viewport.
    const at = await card.boundingBox();
    const width = await page.evaluate(() => window.innerWidth);
    const side = px > width * 0.6 ? at.x + at.width + 14 : at.x - 14;
    assert.ok(Math.abs(side - px) < 1 && Math.abs(at.y - 14 - py) < 1, `card at ${JSON.stringify(at)} for the pointer at ${px}, ${py}`);
    const lines = (await card.innerText()).split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      `${r.run_name ?? '(unnamed run)'} · ${r.run_id}`,
      `launch job: ${r.job}`,
      `user: ${r.user ?? '(none)'}`,
    ]);
    assert.ok(lines[3].startsWith(`${shortTime(r.start)} → ${shortTime(r.end)} (`), lines[3]);
    // Off the plot, the card goes.
    await page.mouse.move(chart.box.x - 30, chart.box.y - 30);
    await page.locator('[data-panel="job-runs"] .qs-tip').waitFor({ state: 'detached' });

    // Zoomed in with the mode bar's "Zoom in" (a user's zoom, which
    // Plotly keeps across redraws), the runs are redrawn for the new
    // window, not stretched: the long runs in view still have their colour
    // at their middle.
    const graph = page.locator('[data-panel="job-runs"] .js-plotly-plot');
    await afterAction(app, () => graph.locator('.modebar-btn[data-title="Zoom in"]').click());
    const zoomed = await chartView(app, 'job-runs');
    const span = Date.parse(TO) - Date.parse(FROM);
    assert.ok(Math.abs(zoomed.x[1] - zoomed.x[0] - span / 2) < 1000, `half the range in view: ${zoomed.x}`);
    const inView = runs.filter(
      (r) => mid(r) > zoomed.x[0] && mid(r) < zoomed.x[1] && laneY(r.lane - 1) > zoomed.y[0] && laneY(r.lane + 1) < zoomed.y[1],
    );
    assert.ok(inView.length > 0, 'some of the longest runs are in the zoomed window');
    for (const r of inView) {
      assert.deepEqual(await zoomed.pixel(mid(r), laneY(r.lane)), hexRgba(colors[r.group]), `zoomed: ${r.job_id}`);
    }
    // "Autoscale" brings the whole range back; then a narrower window: the
    // canvas follows the plot area's new width (one canvas pixel a CSS
    // pixel at this density).
    await afterAction(app, () => graph.locator('.modebar-btn[data-title="Autoscale"]').click());
    assert.deepEqual((await chartView(app, 'job-runs')).x, [Date.parse(FROM), Date.parse(TO)], 'autoscale: the whole range');
    const viewport = page.viewportSize();
    const sizes = () =>
      graph.evaluate((el) => ({
        plot: Math.round(el._fullLayout._size.w),
        canvas: el.querySelector('canvas.qs-marks').width,
      }));
    const wide = await sizes();
    assert.equal(wide.canvas, wide.plot, 'the canvas has one column a pixel of the plot area');
    await page.setViewportSize({ width: 1100, height: viewport.height });
    await page.waitForFunction(
      (w) => {
        const el = document.querySelector('[data-panel="job-runs"] .js-plotly-plot');
        return (
          el._fullLayout._size.w < w &&
          el.querySelector('canvas.qs-marks').width === Math.round(el._fullLayout._size.w) &&
          document.documentElement.getAttribute('data-app-state') === 'ready'
        );
      },
      wide.plot,
    );
    const narrow = await chartView(app, 'job-runs');
    assert.ok(narrow.canvas.width < wide.plot, `the plot area shrank (${wide.plot} -> ${narrow.canvas.width} px)`);
    for (const r of runs) {
      assert.deepEqual(await narrow.pixel(mid(r), laneY(r.lane)), hexRgba(colors[r.group]), `narrow: ${r.job_id}`);
    }
    await page.setViewportSize(viewport);
    await page.waitForFunction((w) => {
      const el = document.querySelector('[data-panel="job-runs"] .js-plotly-plot');
      return Math.round(el._fullLayout._size.w) === w && document.documentElement.getAttribute('data-app-state') === 'ready';
    }, wide.plot);
  });

  await t.test('errors are newest first and equal the core, page by page', async () => {
    const expected = await core('errors');
    assert.ok(expected.total > 25, `more than one page of errors (${expected.total})`);
    const first = await tableRows(page, 'errors');
    assert.equal(first.length, 25, 'a full first page');
    const { rows, pages } = await allRows(page, 'errors');
    assert.equal(pages, Math.ceil(expected.total / 25));
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i].at <= rows[i - 1].at, `row ${i} (${rows[i].at}) is not newer than row ${i - 1}`);
    }
    assert.deepEqual(
      rows.map((r) => [r.id, r.at]),
      expected.rows.map((r) => [r.job_id, r.at]),
      'job ids and times of every error',
    );
    assert.deepEqual(
      first.map((r) => r.cells[4]),
      expected.rows.slice(0, 25).map((r) => r.message.slice(0, 140) + (r.message.length > 140 ? '…' : '')),
      'messages of the first page',
    );
    const subtitle = await page.locator('[data-panel="errors"] .qs-sub').innerText();
    assert.match(subtitle, new RegExp(`^${expected.total} errors in the range, newest first`));
    // A long message unfolds to its whole text once: the summary then names it, not its first 140
    // characters again above it.
    const k = expected.rows.slice(0, 25).findIndex((r) => r.message.length > 140);
    assert.ok(k >= 0, 'a long message on the first page');
    const cell = page.locator('[data-panel="errors"] tbody tr[data-job-id]').nth(k).locator('td').nth(4);
    await cell.locator('summary').click();
    assert.equal(await cell.innerText(), `Whole message\n${expected.rows[k].message}`);
    await cell.locator('summary').click();
    assert.equal(await cell.innerText(), first[k].cells[4], 'folded again');
  });

  // The errors page's rows are made once and rewritten in place: what a
  // filter leaves in them must be what a fresh page of that view shows.
  await t.test('errors rows rewritten by a filter equal a fresh page of the same view', async () => {
    const before = await tableRows(page, 'errors');
    const slots = () =>
      page.$$eval('[data-panel="errors"] tbody tr', (trs) =>
        trs.map((tr) => ({ hidden: tr.hidden, id: tr.getAttribute('data-job-id'), at: tr.getAttribute('data-at') })),
      );
    const toggle = () => page.evaluate(() => document.querySelector('input[type=checkbox][name=user]').click());
    await afterAction(app, toggle);
    const filtered = await tableRows(page, 'errors');
    assert.ok(filtered.length > 0, 'the first user has errors');
    assert.notDeepEqual(filtered, before, 'the filter changes the page');
    // Rows without an error are hidden and carry no data-job-id or data-at.
    const shown = await slots();
    assert.equal(shown.filter((s) => !s.hidden).length, filtered.length);
    for (const s of shown.filter((s) => s.hidden)) assert.deepEqual([s.id, s.at], [null, null]);
    const fresh = await openApp(t, { config: { api_base: api }, query: new URL(page.url()).search });
    await fresh.waitForState('ready');
    assert.deepEqual(filtered, await tableRows(fresh.page, 'errors'), 'every id, time, cell text and title');
    await fresh.page.close();
    await afterAction(app, toggle);
    assert.deepEqual(await tableRows(page, 'errors'), before, 'the filter off: the first page again');
  });

  // Off screen, a change of the errors rows is laid out after the frame
  // that paints the change (style/main.css `.qs-settle`): skipped
  // (`content-visibility: hidden`) from the change, at its last size, and
  // never at ready, when its rows' text is there. A change that leaves the
  // rows alone (a regroup) does not skip it; on screen it is never skipped.
  await t.test('the errors table off screen is skipped in the frame of a filter, whole at ready; on screen never', async () => {
    const wrap = '[data-panel="errors"] .qs-settle';
    const toggle = () => page.evaluate(() => document.querySelector('input[type=checkbox][name=user]').click());
    // [data-app-state, the wrapper's content-visibility, its height] at each state change.
    const watched = async (action) => {
      await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        const html = document.documentElement;
        window.__qsSeen = [];
        window.__qsObs = new MutationObserver(() =>
          window.__qsSeen.push([html.dataset.appState, getComputedStyle(el).contentVisibility, el.getBoundingClientRect().height]),
        );
        window.__qsObs.observe(html, { attributes: true, attributeFilter: ['data-app-state'] });
      }, wrap);
      await afterAction(app, action);
      return page.evaluate(() => {
        window.__qsObs.disconnect();
        return window.__qsSeen;
      });
    };
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForSelector(`${wrap}[data-off-screen]`, { state: 'attached' });
    const height = await page.$eval(wrap, (el) => el.getBoundingClientRect().height);
    const before = await tableRows(page, 'errors');
    const seen = await watched(toggle);
    const skipped = seen.filter(([, shown]) => shown === 'hidden');
    assert.ok(skipped.length > 0, `skipped in the change: ${JSON.stringify(seen)}`);
    for (const s of skipped) assert.deepEqual(s, ['loading', 'hidden', height], `skipped only while loading, at its last size: ${JSON.stringify(seen)}`);
    assert.deepEqual(seen.at(-1).slice(0, 2), ['ready', 'visible'], 'laid out at ready');
    const filtered = await tableRows(page, 'errors');
    assert.ok(filtered.length > 0 && filtered.every((r) => r.cells.every((c) => c !== '')), 'every cell has its text at ready');
    assert.notDeepEqual(filtered, before, 'the filter changed the rows');
    await afterAction(app, toggle);
    assert.deepEqual(await tableRows(page, 'errors'), before, 'the filter off: the first page again');

    const regroup = (value) => () =>
      page.evaluate((value) => {
        const sel = document.querySelector('select[name=group]');
        sel.value = value;
        sel.dispatchEvent(new Event('change', { bubbles: true }));
      }, value);
    const group = await page.$eval('select[name=group]', (sel) => sel.value);
    const regrouped = await watched(regroup(group === 'project' ? 'user' : 'project'));
    assert.ok(regrouped.length > 0 && regrouped.every(([, shown]) => shown === 'visible'), `a regroup leaves it: ${JSON.stringify(regrouped)}`);
    await afterAction(app, regroup(group));

    await page.locator('[data-panel="errors"]').scrollIntoViewIfNeeded();
    await page.waitForFunction((sel) => !document.querySelector(sel).hasAttribute('data-off-screen'), wrap);
    const onScreen = await watched(toggle);
    assert.ok(onScreen.length > 0 && onScreen.every(([, shown]) => shown === 'visible'), `on screen, never skipped: ${JSON.stringify(onScreen)}`);
    await afterAction(app, toggle);
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await t.test('grouping by project, then by label:team, regroups queued time as the core does', async () => {
    const before = await app.inspect('queued-time');
    const byUser = await core('queued-time', '--group', 'user');
    assertTraces(before, byUser, 'group=user (default)');
    for (const key of ['project', 'label:team']) {
      const expected = await core('queued-time', '--group', key);
      assert.ok(expected.traces.length > 1, `${key}: several groups`);
      await afterAction(app, () => page.selectOption('select[name="group"]', key));
      assertTraces(await app.inspect('queued-time'), expected, `group=${key}`);
      // The usage lines take their run's group colour (as in Job runs' legend).
      const { runs } = await core('recent-runs', '--group', key);
      const colors = await legendColours(page, '[data-panel="job-runs"]');
      const lines = Object.fromEntries((await app.inspect('cpu-util')).map((d) => [d.name, d.color]));
      assert.deepEqual(
        lines,
        Object.fromEntries(runs.filter((r) => r.metrics.includes('cpu_util')).map((r) => [r.run_id, colors[r.group]])),
        `group=${key}: usage line colours`,
      );
      assert.equal(new URL(page.url()).searchParams.get('group'), key, 'the URL follows');
    }
    const teams = facets.labels.team.map(([v]) => v);
    assert.deepEqual(
      sorted((await app.inspect('queued-time')).map((tr) => tr.name)),
      sorted(teams),
      'one trace per team',
    );
  });

  // Filled by the brush step, read by the sort, CSV and usage steps.
  let brush;
  let table;

  await t.test('a mouse box on Job runs lists exactly the runs the core selects', async () => {
    let box;
    // A box over the first afternoon and the upper lanes: 81 runs, more
    // than one page of the table (50 rows) and fewer than the runs of one
    // metrics request (100), and fewer than the same span without the lane
    // limit selects.
    await afterAction(app, async () => {
      box = await dragBox(app, 'job-runs', [0.3, 0.1], [0.5, 0.6]);
    });
    // The app takes the box at the mouse's release: the brush is where the
    // mouse went and where the box is drawn, to within a pixel. Job runs'
    // y axis runs 0-1 over the lanes: y * lanes - 0.5 is the lane
    // coordinate. The zone is UTC, so wall-clock ms are instants.
    const runs = await page.evaluate(() => window.queuescope.inspect('job-runs'));
    const { brush: taken, lanes } = runs;
    const plot = await page.locator('[data-panel="job-runs"] .nsewdrag').first().boundingBox();
    const span = Date.parse(TO) - Date.parse(FROM);
    const [a, b] = [Date.parse(taken.from), Date.parse(taken.to)];
    const msPerPx = span / plot.width;
    const mouse = [0.3, 0.5].map((f) => Date.parse(FROM) + f * span);
    assert.ok(Math.abs(a - mouse[0]) <= msPerPx && Math.abs(b - mouse[1]) <= msPerPx, `brush ${[a, b]} ~ the mouse ${mouse}`);
    const [pa, pb] = [...box.x].sort((x, y) => x - y);
    assert.ok(Math.abs(a - pa) <= msPerPx && Math.abs(b - pb) <= msPerPx, `brush ${[a, b]} ~ the box drawn ${[pa, pb]}`);
    const lanesPerPx = lanes / plot.height;
    // The mouse's fractions of the plot area on the y axis shown (an
    // earlier step's autoscale left it padded).
    const [bottom, top] = await page
      .locator('[data-panel="job-runs"] .js-plotly-plot')
      .evaluate((el) => el._fullLayout.yaxis.range);
    const mouseY = [0.1, 0.6].map((f) => top + f * (bottom - top));
    for (const [name, ys] of [['the mouse', mouseY], ['the box drawn', box.y]]) {
      const want = ys.map((y) => y * lanes - 0.5).sort((x, y) => x - y);
      assert.ok(
        taken.lanes.every((l, i) => Math.abs(l - want[i]) <= lanesPerPx),
        `brush lanes ${taken.lanes} ~ ${name} ${want}`,
      );
    }
    brush = ['--group', 'label:team', '--brush', `${a},${b}`, '--lanes', taken.lanes.join(',')];
    const expected = await core('brush', ...brush);
    assert.ok(expected.rows.length > 0, 'the box selects runs');
    assert.ok(expected.rows.length > 50, 'more than one page of the table');
    const timeOnly = await core('brush', '--brush', `${a},${b}`);
    assert.ok(timeOnly.rows.length > expected.rows.length, 'the lanes limit the selection');

    const subtitle = await page.locator('[data-panel="selection"] .qs-sub').innerText();
    assert.equal(subtitle, `${expected.rows.length} runs selected`);
    const runsSub = await page.locator('[data-panel="job-runs"] .qs-sub').innerText();
    assert.equal(
      runsSub,
      `${expected.runs} runs in ${expected.lanes} lanes · ${expected.rows.length} selected by the brush`,
    );
    table = (await allRows(page, 'selection')).rows;
    // Default order: by start time, ascending.
    assert.deepEqual(
      table.map((r) => r.id),
      expected.rows.map((r) => r.job_id),
      'the selected runs, in start order',
    );
    assert.deepEqual(
      table.map((r) => r.titles[1]),
      expected.rows.map((r) => r.run_id),
      'their run ids',
    );
  });

  await t.test('Run time sorts the rows (twice: descending) and the CSV holds the same rows', async () => {
    assert.ok(brush, 'needs the brush step');
    const runTime = page.locator('[data-panel="selection"] button[data-sort="Run time"]');
    const th = (dir) => `[data-panel="selection"] th[aria-sort="${dir}"] button[data-sort="Run time"]`;
    await runTime.click();
    await page.waitForSelector(th('ascending'));
    const asc = (await allRows(page, 'selection')).rows;
    await runTime.click();
    await page.waitForSelector(th('descending'));
    const { rows: desc } = await allRows(page, 'selection');

    const col = 10; // "Run time"
    const secs = (rows) => rows.map((r) => durationSecs(r.cells[col]));
    const shown = secs(desc);
    assert.ok(
      shown.every((s) => s !== null),
      'every selected run has a run time',
    );
    for (let i = 1; i < shown.length; i++) {
      assert.ok(shown[i] <= shown[i - 1], `row ${i}: ${desc[i].cells[col]} after ${desc[i - 1].cells[col]}`);
    }
    const ascShown = secs(asc);
    for (let i = 1; i < ascShown.length; i++) {
      assert.ok(ascShown[i] >= ascShown[i - 1], `ascending row ${i}: ${asc[i].cells[col]}`);
    }
    assert.ok(shown[0] > shown.at(-1), 'the run times differ (else the order proves little)');

    const expected = await core('brush', ...brush, '--sort', 'run-time', '--order', 'desc');
    assert.deepEqual(
      desc.map((r) => r.id),
      expected.rows.map((r) => r.job_id),
      'the core order by run time, descending',
    );
    assert.deepEqual(sorted(desc.map((r) => r.id)), sorted(table.map((r) => r.id)), 'the same runs');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-panel="selection"] button[data-download-csv]').click(),
    ]);
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.split('\r\n');
    assert.equal(lines.at(-1), '', 'CRLF after the last line');
    lines.pop();
    assert.equal(lines[0].split(',')[0], 'job_id', 'a header line');
    assert.equal(lines.length, desc.length + 1, 'header + one line per selected run');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
      desc.map((r) => r.id),
      'the table rows, in the table order',
    );
    assert.equal(text, expected.csv, 'the core CSV, byte for byte');
  });

  await t.test('after the brush the usage charts show only the selected runs', async () => {
    assert.ok(table, 'needs the brush step');
    const expected = await core('brush', ...brush);
    const names = await usageNames(app);
    const tableRuns = sorted(table.map((r) => r.titles[1]));
    assert.deepEqual(sorted(names['cpu-util']), tableRuns, 'cpu-util: the runs of the selection table');
    for (const [panel, metric] of Object.entries(USAGE)) {
      assert.deepEqual(sorted(names[panel]), withMetric(expected.rows, metric), `${panel}: selected runs with ${metric}`);
      assert.ok(names[panel].every((n) => tableRuns.includes(n)), `${panel}: no run outside the selection`);
    }
    const subtitle = await page.locator('[data-panel="gpu-util"] .qs-sub').innerText();
    assert.equal(subtitle, `the ${table.length} runs selected on Job runs`);

    // Clearing the brush brings back the most recent runs.
    await afterAction(app, () => page.locator('[data-panel="job-runs"] button[data-clear-brush]').click());
    const recent = await core('recent-runs', '--group', 'label:team');
    const after = await usageNames(app);
    assert.deepEqual(sorted(after['cpu-util']), withMetric(recent.runs, 'cpu_util'), 'the 50 most recent again');
    assert.equal(await tableRows(page, 'selection').then((r) => r.length), 0, 'the selection table is empty');
  });

  await t.test('"Clear selection" also removes the box drawn on Job runs', async () => {
    assert.equal(await brushBox(page, 'job-runs'), null, 'no brush box left on the chart');
  });

  // The selection rows are grid rows (style/main.css, branch rows8): the
  // rows a brush writes below the screen are skipped (`content-visibility:
  // hidden`) while the page loads, and laid out at ready, when every row
  // has its text. Main's table rows are never skipped (containment does not
  // apply to table rows).
  await t.test('a brush skips the selection rows below the screen while loading; at ready every row has its text, in line', async () => {
    // At each state change and after the frame that follows it: the state,
    // and per row whether it is skipped, on screen, its cells' text.
    await page.evaluate(() => {
      const html = document.documentElement;
      const look = (when) => {
        const rows = [...document.querySelectorAll('[data-panel="selection"] tbody tr[data-job-id]')];
        window.__qsRows.push({
          when,
          state: html.dataset.appState,
          rows: rows.map((tr) => {
            const r = tr.getBoundingClientRect();
            return {
              skipped: getComputedStyle(tr).contentVisibility === 'hidden',
              onScreen: r.top < innerHeight && r.bottom > 0,
              height: r.height,
              text: tr.cells[0].innerText,
            };
          }),
        });
      };
      window.__qsRows = [];
      window.__qsRowsObs = new MutationObserver(() => {
        look('change');
        requestAnimationFrame(() => setTimeout(() => look('frame'), 0));
      });
      window.__qsRowsObs.observe(html, { attributes: true, attributeFilter: ['data-app-state'] });
    });
    // A span whose runs' usage no earlier step loaded: the page loads it.
    await afterAction(app, () => dragBox(app, 'job-runs', [0.55, 0.1], [0.75, 0.6]));
    const seen = await page.evaluate(() => {
      window.__qsRowsObs.disconnect();
      return window.__qsRows;
    });
    const full = seen.filter((s) => s.rows.length === 50);
    const skipping = full.filter((s) => s.rows.some((r) => r.skipped));
    assert.ok(skipping.length > 0, `rows skipped while loading: ${JSON.stringify(seen.map((s) => [s.when, s.state, s.rows.filter((r) => r.skipped).length]))}`);
    for (const s of skipping) {
      assert.equal(s.state, 'loading', 'skipped only while loading');
      const skipped = s.rows.filter((r) => r.skipped);
      assert.ok(skipped.every((r) => !r.onScreen && r.text === ''), 'a skipped row is below the screen (and has no text yet)');
      assert.ok(s.rows.filter((r) => r.onScreen).every((r) => !r.skipped && r.text !== ''), 'every row on screen is shown with its text');
      assert.ok(skipped.length >= 20, `most of the page is skipped: ${skipped.length} of 50`);
      const line = Math.min(...s.rows.filter((r) => !r.skipped).map((r) => r.height));
      assert.ok(skipped.every((r) => Math.abs(r.height - line) < 0.05), `a skipped row stands at a one-line row's height (${line})`);
    }
    assert.equal(seen.at(-1).state, 'ready');
    assert.ok(seen.at(-1).rows.every((r) => !r.skipped && r.text !== ''), 'at ready no row is skipped');

    // At ready: every row with its cells' text, the core's rows, and every
    // row's columns where the header's are.
    // In the order the sort step left: by run time, descending.
    assert.equal(await page.locator('[data-panel="selection"] th[aria-sort="descending"] button').getAttribute('data-sort'), 'Run time');
    const { brush: taken } = await page.evaluate(() => window.queuescope.inspect('job-runs'));
    const expected = await core(
      'brush',
      ...['--group', 'label:team', '--brush', `${Date.parse(taken.from)},${Date.parse(taken.to)}`],
      ...['--lanes', taken.lanes.join(','), '--sort', 'run-time', '--order', 'desc'],
    );
    assert.ok(expected.rows.length > 50, 'more than a page selected');
    const rows = await tableRows(page, 'selection');
    assert.deepEqual(
      rows.map((r) => [r.id, r.cells[0], r.titles[1]]),
      expected.rows.slice(0, 50).map((r) => [r.job_id, r.job_id, r.run_id]),
      'the page of the core, with its text',
    );
    const shown = await page.$$eval('[data-panel="selection"] thead th', (ths) => ths.map((th) => getComputedStyle(th).display !== 'none'));
    assert.ok(rows.every((r) => r.cells.every((c, i) => !shown[i] || c !== '')), 'every shown cell has its text');
    const columns = await page.$$eval('[data-panel="selection"] tr', (trs) =>
      trs.map((tr) =>
        [...tr.cells]
          .filter((c) => getComputedStyle(c).display !== 'none')
          .map((c) => {
            const r = c.getBoundingClientRect();
            return `${r.left.toFixed(2)}-${r.right.toFixed(2)}`;
          })
          .join(' '),
      ),
    );
    assert.equal(columns.length, 51, 'the header and 50 rows');
    assert.equal(columns[0].split(' ').length, shown.filter(Boolean).length, 'a header cell per shown column');
    assert.deepEqual(new Set(columns).size, 1, `every row's columns are the header's: ${[...new Set(columns)].join(' | ')}`);
    await afterAction(app, () => page.locator('[data-panel="job-runs"] button[data-clear-brush]').click());
  });

  // A user who scrolls to the rows while the brush loads sees them: the
  // skip ends once a skipped row comes near the screen (checked after each
  // frame), not at ready.
  await t.test('selection rows skipped while a brush loads are shown when scrolled to before ready', async () => {
    const held = [];
    const hold = (route) => {
      held.push(route);
    };
    await page.route(/\/metrics\?/, hold);
    try {
      await dragBox(app, 'job-runs', [0.6, 0.1], [0.8, 0.6]);
      await page.waitForFunction(() => document.querySelectorAll('[data-panel="selection"] tbody tr[data-off-screen]').length > 0);
      const rows = '[data-panel="selection"] tbody tr[data-job-id]';
      const skipped = () => page.$$eval(rows, (trs) => trs.filter((tr) => getComputedStyle(tr).contentVisibility === 'hidden').length);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.appState), 'loading', 'the usage answer is held');
      assert.ok((await skipped()) > 0, 'rows below the screen are skipped');
      await page.$eval(`${rows}:last-child`, (tr) => tr.scrollIntoView({ block: 'end' }));
      // Two frames: the after-frame check, then the frame that lays them out.
      await page.waitForFunction(() => document.documentElement.dataset.appState !== 'loading' || !document.querySelector('[data-panel="selection"] tbody[data-settling]'));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const seen = await page.$$eval(rows, (trs) =>
        trs
          .filter((tr) => {
            const r = tr.getBoundingClientRect();
            return r.top < innerHeight && r.bottom > 0;
          })
          .map((tr) => [getComputedStyle(tr).contentVisibility, tr.cells[0].innerText]),
      );
      assert.equal(await page.evaluate(() => document.documentElement.dataset.appState), 'loading', 'still loading');
      assert.ok(seen.length > 5, `rows on screen: ${seen.length}`);
      assert.ok(seen.every(([cv, text]) => cv !== 'hidden' && text !== ''), `every row on screen is shown: ${JSON.stringify(seen)}`);
    } finally {
      await page.unroute(/\/metrics\?/, hold);
      // Unrouting lets the held requests go on (Playwright continues them).
      for (const route of held) await route.continue().catch(() => {});
    }
    await page.waitForSelector('html[data-app-state="ready"]');
    await afterAction(app, () => page.locator('[data-panel="job-runs"] button[data-clear-brush]').click());
  });

  await t.test('a drag that starts inside the last box brushes anew; the box follows a zoom; a double-click clears', async () => {
    const graph = page.locator('[data-panel="job-runs"] .js-plotly-plot');
    const plot = await graph.locator('.nsewdrag').first().boundingBox();
    const span = Date.parse(TO) - Date.parse(FROM);
    const msPerPx = span / plot.width;
    await afterAction(app, () => dragBox(app, 'job-runs', [0.3, 0.1], [0.5, 0.6]));
    // Pressed inside the first box (x 0.3-0.5, y 0.1-0.6 of the plot).
    let box;
    await afterAction(app, async () => {
      box = await dragBox(app, 'job-runs', [0.4, 0.3], [0.7, 0.9]);
    });
    const { brush: taken } = await page.evaluate(() => window.queuescope.inspect('job-runs'));
    const [a, b] = [Date.parse(taken.from), Date.parse(taken.to)];
    const want = [0.4, 0.7].map((f) => Date.parse(FROM) + f * span);
    assert.ok(
      Math.abs(a - want[0]) <= 2 * msPerPx && Math.abs(b - want[1]) <= 2 * msPerPx,
      `the app's brush ${taken.from}..${taken.to} is the second drag`,
    );
    const [pa, pb] = [...box.x].sort((x, y) => x - y);
    assert.ok(Math.abs(a - pa) <= msPerPx && Math.abs(b - pb) <= msPerPx, `the box drawn ${box.x} is the app's brush`);
    assert.equal(await graph.locator('.qs-brush-box').count(), 1, 'one box on the chart');
    assert.equal(
      await graph.evaluate((el) => (el._fullLayout.selections ?? []).length),
      0,
      "Plotly's select tool made no selection of its own",
    );

    // Zoomed in from the mode bar, the box stays on the brush: the same
    // times at the new scale (half the range in view: twice the pixels).
    await afterAction(app, () => graph.locator('.modebar-btn[data-title="Zoom in"]').click());
    const zoomed = await brushBox(page, 'job-runs');
    assert.ok(zoomed, 'the box is still shown');
    const [za, zb] = [...zoomed.x].sort((x, y) => x - y);
    assert.ok(
      Math.abs(za - a) <= msPerPx / 2 + 1 && Math.abs(zb - b) <= msPerPx / 2 + 1,
      `zoomed: the box ${zoomed.x} is still the brush ${[a, b]}`,
    );
    await afterAction(app, () => graph.locator('.modebar-btn[data-title="Autoscale"]').click());

    // A double-click on the plot clears the brush and its box (what
    // Plotly's select mode did). Where the plot is now: the drags scrolled.
    const now = await graph.locator('.nsewdrag').first().boundingBox();
    await afterAction(app, () => page.mouse.dblclick(now.x + 0.9 * now.width, now.y + 0.5 * now.height));
    assert.equal((await page.evaluate(() => window.queuescope.inspect('job-runs'))).brush, null, 'the brush is cleared');
    assert.equal(await brushBox(page, 'job-runs'), null, 'and its box');
    assert.equal(await page.locator('[data-panel="job-runs"] [data-clear-brush]').isDisabled(), true, 'nothing to clear');
  });

  await t.test("with the mode bar's Zoom picked, a drag on Job runs zooms (Plotly's) and brushes nothing; Box Select brushes again", async () => {
    const graph = page.locator('[data-panel="job-runs"] .js-plotly-plot');
    await graph.scrollIntoViewIfNeeded();
    const plot = await graph.locator('.nsewdrag').first().boundingBox();
    await graph.locator('.modebar-btn[data-title="Zoom"]').click();
    await page.waitForFunction(
      () => getComputedStyle(document.querySelector('[data-panel="job-runs"] .qs-brush')).pointerEvents === 'none',
    );
    const span = Date.parse(TO) - Date.parse(FROM);
    await afterAction(app, async () => {
      await page.mouse.move(plot.x + 0.2 * plot.width, plot.y + 0.5 * plot.height);
      await page.mouse.down();
      await page.mouse.move(plot.x + 0.6 * plot.width, plot.y + 0.52 * plot.height, { steps: 8 });
      await page.mouse.up();
    });
    const zoomed = await chartView(app, 'job-runs');
    const want = [0.2, 0.6].map((f) => Date.parse(FROM) + f * span);
    const msPerPx = span / plot.width;
    assert.ok(
      Math.abs(zoomed.x[0] - want[0]) <= 2 * msPerPx && Math.abs(zoomed.x[1] - want[1]) <= 2 * msPerPx,
      `Plotly zoomed to the drag: ${zoomed.x} ~ ${want}`,
    );
    assert.equal((await page.evaluate(() => window.queuescope.inspect('job-runs'))).brush, null, 'no brush');
    // Plotly's double-click resets the axes in zoom mode.
    await afterAction(app, () => page.mouse.dblclick(plot.x + 0.5 * plot.width, plot.y + 0.5 * plot.height));
    assert.deepEqual((await chartView(app, 'job-runs')).x, [Date.parse(FROM), Date.parse(TO)], 'reset: the whole range');
    // The mode bar's Box Select hands the drag back to the brush.
    await graph.locator('.modebar-btn[data-title="Box Select"]').click();
    await page.waitForFunction(
      () => getComputedStyle(document.querySelector('[data-panel="job-runs"] .qs-brush')).pointerEvents === 'auto',
    );
    await afterAction(app, () => dragBox(app, 'job-runs', [0.3, 0.1], [0.5, 0.6]));
    const { brush } = await page.evaluate(() => window.queuescope.inspect('job-runs'));
    assert.ok(brush, 'a brush again');
    assert.ok(Math.abs(Date.parse(brush.from) - (Date.parse(FROM) + 0.3 * span)) <= 2 * msPerPx, `from ${brush.from}`);
    await afterAction(app, () => page.locator('[data-panel="job-runs"] button[data-clear-brush]').click());
  });

  await t.test('a user filter from the checkboxes and from the URL gives the same charts', async () => {
    const users = new Map(facets.user);
    for (const u of USERS) assert.ok(users.get(u) > 0, `${u} has jobs in the range`);
    const userArgs = USERS.flatMap((u) => ['--user', u]);
    const [status, queued, statusAll, queuedAll] = await Promise.all([
      core('job-status', ...userArgs),
      core('queued-time', ...userArgs),
      core('job-status'),
      core('queued-time'),
    ]);

    // Unfiltered, grouped by user again.
    await afterAction(app, () => page.selectOption('select[name="group"]', 'user'));
    const plainStatus = await app.inspect('job-status');
    const plainQueued = await app.inspect('queued-time');
    const plainRuns = await app.inspect('job-runs');
    assertTraces(plainStatus, statusAll, 'unfiltered job status');
    assertTraces(plainQueued, queuedAll, 'unfiltered queued time');

    // The filter through the control.
    await page.locator('details[data-filter="user"] > summary').click();
    for (const u of USERS) {
      const box = page.locator(`details[data-filter="user"] input[type="checkbox"][name="user"][value="${u}"]`);
      await afterAction(app, () => box.check());
      assert.ok(await box.isChecked(), `${u} is checked`);
    }
    assert.deepEqual(sorted(new URL(page.url()).searchParams.getAll('user')), sorted(USERS), 'the URL holds the filter');
    const ctlStatus = await app.inspect('job-status');
    const ctlQueued = await app.inspect('queued-time');
    assertTraces(ctlStatus, status, 'job status, filter from the checkboxes');
    assertTraces(ctlQueued, queued, 'queued time, filter from the checkboxes');
    assert.deepEqual(
      sorted(ctlQueued.map((tr) => tr.name)),
      sorted(USERS),
      'grouped by user: one trace per filtered user',
    );

    // The filter off again: the unfiltered figures come back (the app
    // keeps them for the unfiltered view instead of computing them anew).
    await afterAction(app, () => page.click('button[data-clear-filters]'));
    assert.deepEqual(new URL(page.url()).searchParams.getAll('user'), [], 'the URL holds no filter');
    assert.deepEqual(
      await page.$$eval('details[data-filter="user"] input[name="user"]:checked', (els) => els.map((e) => e.value)),
      [],
      'the boxes follow the cleared filter',
    );
    // Every control opts out of the form state Chromium saves with each
    // history entry (a replaceState, at every interaction, measured 2-7 ms
    // with the dashboard's controls saved, 0.8-2 ms without).
    assert.deepEqual(
      await page.$$eval('input, select, textarea', (els) =>
        els.filter((e) => e.getAttribute('autocomplete') !== 'off').map((e) => e.outerHTML.slice(0, 80)),
      ),
      [],
      'no control keeps its state in the history',
    );
    assertTraces(await app.inspect('job-status'), statusAll, 'job status, filter cleared');
    assertTraces(await app.inspect('queued-time'), queuedAll, 'queued time, filter cleared');
    assert.deepEqual(await app.inspect('job-runs'), plainRuns, 'job runs, filter cleared: the same lanes');

    // The same filter given in the URL, in a fresh app.
    await reload(app, QUERY + USERS.map((u) => `&user=${u}`).join(''));
    const urlStatus = await app.inspect('job-status');
    const urlQueued = await app.inspect('queued-time');
    assert.deepEqual(urlStatus, ctlStatus, 'job status: URL = control');
    assert.deepEqual(urlQueued, ctlQueued, 'queued time: URL = control');
    const checked = await page.$$eval('details[data-filter="user"] input[name="user"]:checked', (els) =>
      els.map((e) => e.value),
    );
    assert.deepEqual(sorted(checked), sorted(USERS), 'the checkboxes show the filter from the URL');
    assert.notDeepEqual(urlStatus, plainStatus, 'the filter changes job status');
    assert.notDeepEqual(urlQueued, plainQueued, 'the filter changes queued time');
  });
});
