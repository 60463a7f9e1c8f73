// The Insights panel (SPEC §3.1, §6) in real Chromium, on the hand-made
// fixture tests/fixtures/insights.json served by demo-backend. Every
// expected figure below is worked out by hand (see
// tests/fixtures/insights-expected.md for the derivations), never asked
// from core: the items, their order, their sentences and their data
// attributes; the heat map's cells; and what clicking an item shows.
// The last tests load the usage of a generated queue's runs in batches.

import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openApp, startDemoBackend, FIXTURES, HOUR, TIMEOUT_MS } from './harness.mjs';
import { afterAction, chartView, dragBox, reload, tableRows } from './monitor-helpers.mjs';

const FROM = '2026-11-21T00:00:00Z';
const TO = '2026-11-22T00:00:00Z';
const VIEW = `?queue=insights&from=${FROM}&to=${TO}&tz=utc&bucket=1h&group=user`;
const MIN = 60_000;
/** Saturday 2026-11-21 hh:mm (UTC) as RFC 3339. */
const sat = (hh, mm = 0) => `2026-11-21T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`;

// 1. Idle windows. Busy = the union of the runs in the range:
//    02:10-06:40 (a1 02:10-05:00, e1 03:00-03:30, b1 04:30-06:40),
//    07:00-09:40 (c1, f1), 12:00-13:30 (a2), 15:40-18:00 (b2, f2),
//    18:45-24:00 (c2, g2, g1). Gaps: 00:00-02:10 (130 min, cut by the
//    range's start), 06:40-07:00 (20 min: too short), 09:40-12:00 (140),
//    13:30-15:40 (130), 18:00-18:45 (45). Longest first, ties earlier first.
const IDLE = [
  { start: sat(9, 40), end: sat(12), minutes: 140, text: 'Idle 2 h 20 m on Sat 21 Nov 09:40–12:00: no run held the queue' },
  { start: sat(0), end: sat(2, 10), minutes: 130, text: 'Idle 2 h 10 m on Sat 21 Nov 00:00–02:10: no run held the queue' },
  { start: sat(13, 30), end: sat(15, 40), minutes: 130, text: 'Idle 2 h 10 m on Sat 21 Nov 13:30–15:40: no run held the queue' },
  { start: sat(18), end: sat(18, 45), minutes: 45, text: 'Idle 45 m on Sat 21 Nov 18:00–18:45: no run held the queue' },
];
// 445 idle minutes of 1,440: 30.9 %.
const IDLE_SUMMARY = '4 idle windows of 30 minutes or more: 30.9% of the range';

// 2. Waiting by hour of week: only Saturday's 24 hours are in the range,
//    each covered 60 minutes once. Waiting minutes per hour (idle or queued):
//    00 d1 40 | 01 a1 20 | 02 a1 10 + e1 10 | 03 b1 60 | 04 b1 30 | 05 - |
//    06 c1 20 + f1 10 | 07 f1 10 | 08, 09 - | 10 a2 idle 60 | 11 a2 60 |
//    12-14 - | 15 b2 30 + f2 30 | 16, 17 - | 18 c2 30 | 19 g1 idle 60 |
//    20 g1 60 | 21 g1 60 + g2 60 | 22 g1 60 | 23 g1 30.
const SAT_MINUTES = [40, 20, 20, 60, 30, 0, 30, 10, 0, 0, 60, 60, 0, 0, 0, 60, 0, 0, 30, 60, 60, 120, 60, 30];
// The five highest means, ties earlier in the week first (19, 20 and 22
// also have 1 but come after 15).
const PEAKS = [
  { hour: 21, text: 'Sat 21:00–22:00: 2 jobs waiting on average' },
  { hour: 3, text: 'Sat 03:00–04:00: 1 job waiting on average' },
  { hour: 10, text: 'Sat 10:00–11:00: 1 job waiting on average' },
  { hour: 11, text: 'Sat 11:00–12:00: 1 job waiting on average' },
  { hour: 15, text: 'Sat 15:00–16:00: 1 job waiting on average' },
];

// 3. Who waits most, by user: waiting minutes in the range, jobs that
//    waited, p95 = the largest wait to run (n <= 19), carol before frank
//    (50 min each, by name); dave (40) and erin (10) are 6th and 7th.
const WHO = [
  { group: 'grace', minutes: 330, jobs: 2, text: 'grace: 5 h 30 m waiting over 2 jobs, p95 wait 4 h 30 m' },
  { group: 'alice', minutes: 150, jobs: 2, text: 'alice: 2 h 30 m waiting over 2 jobs, p95 wait 2 h' },
  { group: 'bob', minutes: 120, jobs: 2, text: 'bob: 2 h waiting over 2 jobs, p95 wait 1 h 30 m' },
  { group: 'carol', minutes: 50, jobs: 2, text: 'carol: 50 m waiting over 2 jobs, p95 wait 30 m' },
  { group: 'frank', minutes: 50, jobs: 2, text: 'frank: 50 m waiting over 2 jobs, p95 wait 30 m' },
];

// 4. Failure spikes: failed + crashed per hour: 09:00 2, 14:00 4, 20:00 3,
//    21:00 1, 20 others 0; median 0, threshold max(3, 0) = 3. Newest first.
const SPIKES = [
  { start: sat(20), end: sat(21), count: 3, text: '3 failures on Sat 21 Nov 20:00–21:00: most by erin (2), launch job eval-nightly:v2 (1)' },
  { start: sat(14), end: sat(15), count: 4, text: '4 failures on Sat 21 Nov 14:00–15:00: most by dave (2), launch job train-llm:v7 (3)' },
];
const SPIKE_SUMMARY = '2 spikes: each a 1h bucket with at least 3 failures (the minimum, as the median is 0)';

// 5. Under-used GPUs over the 11 runs in view (all loaded by the usage
//    charts, which fetch the 50 most recent): mean gpu_util < 20 %, run
//    >= 30 min, by (100 - mean) / 100 x hours: g1 0.97 x 6.5 = 6.305,
//    a1 0.88 x 170/60 = 2.493, c1 0.805 x 160/60 = 2.147, b2 0.9 x 140/60
//    = 2.1, e1 0.95 x 0.5 = 0.475. (a2 is exactly 20 %, f1 ran 29 min.)
const UNDER = [
  { run: 'run-g1', minutes: 390, mean: 3, text: 'run-g1 (train-llm:v7, grace): 3% GPU use over 6 h 30 m, 6.3 GPU-hours unused' },
  { run: 'run-a1', minutes: 170, mean: 12, text: 'run-a1 (train-resnet:v3, alice): 12% GPU use over 2 h 50 m, 2.5 GPU-hours unused' },
  { run: 'run-c1', minutes: 160, mean: 19.5, text: 'run-c1 (sweep-lr:v1, carol): 19.5% GPU use over 2 h 40 m, 2.1 GPU-hours unused' },
  { run: 'run-b2', minutes: 140, mean: 10, text: 'run-b2 (train-llm:v7, bob): 10% GPU use over 2 h 20 m, 2.1 GPU-hours unused' },
  { run: 'run-e1', minutes: 30, mean: 5, text: 'run-e1 (eval-nightly:v2, erin): 5% GPU use over 30 m, 0.5 GPU-hours unused' },
];
const UNDER_SUMMARY =
  '5 runs with mean GPU use under 20% over a run of 30 minutes or more, judged on the 11 of 11 runs in view whose usage is loaded';

/** Every item of the panel, in page order, with its data attributes. */
async function items(page, kind) {
  return page.$$eval(`[data-panel="insights"] [data-insight="${kind}"]`, (els) =>
    els.map((el) => {
      const a = (name) => el.getAttribute(name);
      return {
        // Figures and dates hold no-break spaces (they never wrap apart).
        text: el.innerText.replace(/\u00a0/g, ' ').trim(),
        start: a('data-start'),
        end: a('data-end'),
        group: a('data-group'),
        count: a('data-count'),
        seconds: a('data-seconds'),
        runId: a('data-run-id'),
        mean: a('data-mean'),
      };
    }),
  );
}

/** The line under an insight's heading. */
async function summary(page, list) {
  return plain(await page.locator(`[data-insight-list="${list}"] .qs-insight-sum`).innerText());
}

/** Text as read, no-break spaces as plain ones. */
const plain = (s) => s.replace(/\u00a0/g, ' ').trim();

const none = { start: null, end: null, group: null, count: null, seconds: null, runId: null, mean: null };

async function openFixture(t, query = VIEW) {
  const api = await startDemoBackend(t, ['--fixture', path.join(FIXTURES, 'insights.json')]);
  const app = await openApp(t, { config: { api_base: api }, query });
  await app.waitForState('ready');
  return app;
}

test('insights on the hand-made fixture: every item in order, its sentence and its data attributes', async (t) => {
  const app = await openFixture(t);
  const { page } = app;

  // Near the top: the first panel of the main column.
  const first = await page.$eval('.qs-main [data-panel]', (el) => el.getAttribute('data-panel'));
  assert.equal(first, 'insights');

  assert.deepEqual(
    await items(page, 'idle-window'),
    IDLE.map((w) => ({ ...none, text: w.text, start: w.start, end: w.end, seconds: String(w.minutes * 60) })),
  );
  assert.equal(await summary(page, 'idle'), IDLE_SUMMARY);

  assert.deepEqual(
    await items(page, 'waiting-hour'),
    PEAKS.map((p) => ({
      ...none,
      text: p.text,
      start: sat(p.hour),
      end: sat(p.hour + 1),
      seconds: String(SAT_MINUTES[p.hour] * 60),
      mean: String(SAT_MINUTES[p.hour] / 60),
    })),
  );

  assert.deepEqual(
    await items(page, 'who-waits'),
    WHO.map((w) => ({ ...none, text: w.text, group: w.group, count: String(w.jobs), seconds: String(w.minutes * 60) })),
  );

  assert.deepEqual(
    await items(page, 'failure-spike'),
    SPIKES.map((s) => ({ ...none, text: s.text, start: s.start, end: s.end, count: String(s.count) })),
  );
  assert.equal(await summary(page, 'spikes'), SPIKE_SUMMARY);

  assert.deepEqual(
    await items(page, 'under-used'),
    UNDER.map((u) => ({ ...none, text: u.text, runId: u.run, seconds: String(u.minutes * 60), mean: String(u.mean) })),
  );
  assert.equal(await summary(page, 'gpus'), UNDER_SUMMARY);
  // Everything in view is loaded: nothing to offer.
  assert.equal(await page.locator('[data-usage-load-rest]').count(), 0);
});

test('the hour-of-week heat map: Saturday filled, the other days empty, hover tells the exact mean', async (t) => {
  const app = await openFixture(t);
  const { page } = app;
  const cells = await page.$$eval('[data-panel="insights"] td[data-weekday]', (tds) =>
    tds.map((td) => ({
      day: Number(td.getAttribute('data-weekday')),
      hour: Number(td.getAttribute('data-hour')),
      mean: td.getAttribute('data-mean'),
      empty: td.classList.contains('qs-heat-empty'),
      fill: td.style.backgroundColor,
    })),
  );
  assert.equal(cells.length, 7 * 24);
  for (const c of cells) {
    const at = `day ${c.day} hour ${c.hour}`;
    if (c.day !== 5) {
      // Monday is 0: only Saturday (5) is in the range.
      assert.deepEqual([c.mean, c.empty, c.fill], [null, true, ''], `${at} is empty, not zero`);
      continue;
    }
    assert.equal(c.empty, false, at);
    assert.ok(Math.abs(Number(c.mean) - SAT_MINUTES[c.hour] / 60) < 1e-12, `${at}: mean ${c.mean}`);
    assert.notEqual(c.fill, '', `${at} is filled`);
  }
  // The scale: 0 is the palest, the peak (2 jobs at 21:00) the deepest.
  const fill = (h) => cells.find((c) => c.day === 5 && c.hour === h).fill;
  assert.equal(fill(5), 'rgb(238, 243, 251)');
  assert.equal(fill(21), 'rgb(24, 74, 160)');

  const readout = page.locator('[data-heat-readout]');
  await page.hover('td[data-weekday="5"][data-hour="0"]');
  await page.waitForFunction(() => document.querySelector('[data-heat-readout]').innerText.replace(/\u00a0/g, ' ').startsWith('Sat 00:00'));
  assert.equal(
    plain(await readout.innerText()),
    'Sat 00:00–01:00: 0.667 jobs waiting on average (40 m of waiting over 1 h of the range)',
  );
  await page.hover('td[data-weekday="2"][data-hour="7"]');
  await page.waitForFunction(() => document.querySelector('[data-heat-readout]').innerText.startsWith('Wed'));
  assert.equal(plain(await readout.innerText()), 'Wed 07:00–08:00: not in this range');
});

test('clicking an idle window shows it: the URL range, the charts, the insights of that window; Back returns', async (t) => {
  const app = await openFixture(t);
  const { page } = app;
  await afterAction(app, () => page.click('[data-insight="idle-window"] >> nth=0'));

  const url = new URL(page.url());
  assert.equal(url.searchParams.get('from'), sat(9, 40));
  assert.equal(url.searchParams.get('to'), sat(12));
  assert.equal(url.searchParams.get('queue'), 'insights');
  // The rest of the view stays: the bucket (the grouping is the default, user).
  assert.equal(url.searchParams.get('bucket'), '1h');
  // Job runs spans the window; job status has its buckets (the first one
  // holds `from`).
  const { x } = await chartView(app, 'job-runs');
  assert.deepEqual(x, [Date.parse(sat(9, 40)), Date.parse(sat(12))]);
  const status = await app.inspect('job-status');
  assert.deepEqual(status[0].x, [9, 10, 11].map((h) => sat(h)));
  await page.evaluate(() => window.scrollTo(0, 0));
  // Nothing ran in it: the whole window is one idle window now.
  assert.deepEqual(
    (await items(page, 'idle-window')).map((w) => [w.start, w.end, w.seconds]),
    [[sat(9, 40), sat(12), String(140 * 60)]],
  );
  assert.equal(await summary(page, 'idle'), '1 idle window of 30 minutes or more: 100.0% of the range');
  // a2 waits through it, so there are jobs but no run: nothing to judge
  // (not "the 0 of 0 runs"), and the usage charts show none.
  assert.equal(await summary(page, 'gpus'), 'No run in view, so no GPU to judge');
  assert.equal(await page.locator('[data-panel="gpu-util"] .qs-sub').innerText(), 'no runs in view');

  // A spike's bucket is a range too.
  await afterAction(app, () => page.goBack());
  assert.equal(new URL(page.url()).searchParams.get('from'), FROM);
  await afterAction(app, () => page.click('[data-insight="failure-spike"] >> nth=1'));
  const spikeUrl = new URL(page.url());
  assert.deepEqual([spikeUrl.searchParams.get('from'), spikeUrl.searchParams.get('to')], [sat(14), sat(15)]);
  // The errors panel of that hour: the two NCCL timeouts of dave's launch job.
  const errors = await tableRows(page, 'errors');
  assert.deepEqual(errors.map((r) => r.id).sort(), ['i-x3', 'i-x4']);
});

test('clicking a group filters the view to it; clicking an under-used run selects it in Job runs', async (t) => {
  const app = await openFixture(t);
  const { page } = app;
  // The link is the filtered view's address.
  const href = await page.getAttribute('[data-insight="who-waits"] >> nth=0', 'href');
  assert.match(href, /[?&]user=grace(&|$)/);
  await afterAction(app, () => page.click('[data-insight="who-waits"] >> nth=0'));
  assert.deepEqual(new URL(page.url()).searchParams.getAll('user'), ['grace']);
  // Only grace's jobs are left: her two jobs are the only ones waiting.
  assert.deepEqual(
    (await items(page, 'who-waits')).map((w) => [w.group, w.seconds, w.count]),
    [['grace', String(330 * 60), '2']],
  );
  const queued = await app.inspect('queued-time');
  assert.deepEqual(queued.map((tr) => tr.name), ['grace']);

  // Back to everyone, then select the most under-used run.
  await reload(app, VIEW);
  await afterAction(app, () => page.click('[data-insight="under-used"] >> nth=0'));
  const rows = await tableRows(page, 'selection');
  assert.deepEqual(rows.map((r) => r.id), ['i-g1']);
  const gpu = await app.inspect('gpu-util');
  assert.deepEqual(gpu.map((tr) => tr.name), ['run-g1']);
  assert.deepEqual(gpu[0].y, [2, 3, 4]);
});

test('empty answers say so', async (t) => {
  // 02:10-06:40 is one busy stretch (a1, e1, b1) and nothing failed in it.
  const app = await openFixture(t, `?queue=insights&from=${sat(2, 10)}&to=${sat(6, 40)}&tz=utc&bucket=1h&group=user`);
  const { page } = app;
  assert.equal(await page.locator('[data-insight="idle-window"]').count(), 0);
  assert.equal(await summary(page, 'idle'), 'No idle window of 30 minutes or more in this range');
  assert.equal(await page.locator('[data-insight="failure-spike"]').count(), 0);
  assert.match(await summary(page, 'spikes'), /^No failure spike in this range/);
  // a1 and e1 ran here and are under-used; b1 is busy.
  assert.deepEqual(
    (await items(page, 'under-used')).map((u) => u.runId),
    ['run-a1', 'run-e1'],
  );
});

test('a range without jobs: every chart says so, the usage captions say no runs, no empty legend card', async (t) => {
  const app = await openFixture(t, '?queue=insights&from=2026-11-19T00:00:00Z&to=2026-11-20T00:00:00Z&tz=utc&bucket=1h&group=user');
  const { page } = app;
  for (const panel of ['job-status', 'queued-time', 'job-runs', 'gpu-util', 'sys-mem']) {
    assert.equal(await page.locator(`[data-panel="${panel}"] .qs-overlay`).innerText(), 'No jobs in this range', panel);
  }
  for (const panel of ['gpu-util', 'cpu-util', 'gpu-mem', 'sys-mem']) {
    assert.equal(await page.locator(`[data-panel="${panel}"] .qs-sub`).innerText(), 'no runs in view', panel);
  }
  // The legend above the usage charts is a card of its own: with no group
  // to list it is not drawn (an empty box before).
  const legend = page.locator('.qs-usage [data-legend="groups"]');
  assert.equal(await legend.count(), 1);
  assert.equal(await legend.isVisible(), false);

  // A day with runs: the legend is back; a box where no run ran selects none.
  await reload(app, VIEW);
  assert.equal(await legend.isVisible(), true);
  assert.match(await page.locator('[data-panel="gpu-util"] .qs-sub').innerText(), /^the \d+ most recent runs in view/);
  // 13:30-15:40 is idle (no run held the queue): a box over 14:00-15:20.
  await afterAction(app, () => dragBox(app, 'job-runs', [14 / 24, 0.05], [15.33 / 24, 0.95]));
  assert.deepEqual(await tableRows(page, 'selection'), []);
  assert.equal(await page.locator('[data-panel="gpu-util"] .qs-sub').innerText(), 'no runs selected on Job runs');
});

// --- loading the usage of the other runs, on a generated queue ------------

/** The demo backend's jobs of `queue` in [from, to), read like any client. */
async function fetchJobs(api, queue, from, to) {
  const jobs = [];
  let cursor = null;
  do {
    const u = new URL(`${api}/queues/${queue}/jobs`);
    u.searchParams.set('from', from);
    u.searchParams.set('to', to);
    if (cursor) u.searchParams.set('cursor', cursor);
    const body = await (await fetch(u)).json();
    jobs.push(...body.jobs);
    cursor = body.next_cursor;
    jobs.generatedAt = body.generated_at;
  } while (cursor);
  return jobs;
}

/**
 * Runs in view with a run id, by SPEC §3 (not by core): a job's run spans
 * from its first `running` to its terminal transition (or `now`); it is in
 * view when that overlaps [from, to) with positive length.
 */
function runsInView(jobs, from, to, now) {
  const terminal = new Set(['finished', 'failed', 'crashed', 'killed']);
  return jobs.filter((j) => {
    if (!j.run_id) return false;
    const tr = j.transitions;
    const i = tr.findIndex((x) => x.state === 'running');
    if (i < 0) return false;
    const start = Date.parse(tr[i].at);
    const end = tr.slice(i).find((x) => terminal.has(x.state));
    const stop = end ? Date.parse(end.at) : now;
    return Math.min(stop, to) - Math.max(start, from) > 0;
  }).length;
}

async function openGenerated(t) {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '3000']);
  const first = await (await fetch(`${api}/queues`)).json();
  const queue = first.queues[0].id;
  // A fixed range: the two days before the backend's "now".
  const probe = await (await fetch(`${api}/queues/${queue}/jobs?from=2000-01-01T00:00:00Z&to=2000-01-01T00:00:01Z`)).json();
  const now = Date.parse(probe.generated_at);
  const to = new Date(Math.floor(now / HOUR) * HOUR).toISOString().replace('.000Z', 'Z');
  const from = new Date(Date.parse(to) - 48 * HOUR).toISOString().replace('.000Z', 'Z');
  const jobs = await fetchJobs(api, queue, from, to);
  const total = runsInView(jobs, Date.parse(from), Date.parse(to), now);
  const app = await openApp(t, { config: { api_base: api }, query: `?queue=${queue}&from=${from}&to=${to}&tz=utc` });
  const requests = [];
  app.page.on('request', (r) => {
    if (r.url().includes('/metrics?')) requests.push(new URL(r.url()).searchParams.get('run_ids').split(','));
  });
  await app.waitForState('ready');
  return { app, total, requests };
}

/** The under-used section's "judged on the X of N runs" figures. */
async function judged(page) {
  const m = /judged on the ([\d,]+) of ([\d,]+) runs/.exec(await summary(page, 'gpus'));
  assert.ok(m, 'the summary says how many runs are judged');
  return [m[1], m[2]].map((s) => Number(s.replace(/,/g, '')));
}

test('under-used GPUs: load the usage of the other runs in batches of at most 100, with progress to the full count', async (t) => {
  const { app, total, requests } = await openGenerated(t);
  const { page } = app;
  assert.ok(total > 300, `a queue with many runs in view (${total})`);
  // The usage charts loaded the 50 most recent runs: the insight says so.
  const [loaded, inView] = await judged(page);
  assert.equal(inView, total);
  assert.ok(loaded >= 50 && loaded < total, `${loaded} runs loaded at first`);
  const rest = total - loaded;
  const button = page.locator('[data-usage-load-rest]');
  assert.equal((await button.innerText()).trim(), `Load the usage of the other ${rest.toLocaleString('en-US')} runs`);

  requests.length = 0;
  await afterAction(app, () => button.click());
  const progress = page.locator('[data-usage-progress]');
  assert.equal(await progress.getAttribute('data-usage-progress'), 'done');
  assert.equal(Number(await progress.getAttribute('data-total')), rest);
  assert.equal(Number(await progress.getAttribute('data-done')), rest);
  assert.equal(Number(await page.locator('[data-usage-progress] progress').getAttribute('value')), rest);
  // The count is of the runs the button named, not of every run in view (the summary's).
  assert.equal(
    (await progress.innerText()).trim(),
    `Loaded the usage of the other ${rest.toLocaleString('en-US')} runs`,
  );
  assert.deepEqual(await judged(page), [total, total]);
  assert.equal(await button.count(), 0, 'nothing left to load');
  // One request a batch, none over 100 run ids, every run asked once.
  assert.equal(requests.length, Math.ceil(rest / 100));
  assert.ok(requests.every((ids) => ids.length <= 100));
  assert.equal(new Set(requests.flat()).size, rest);
});

test('under-used GPUs: cancel stops the batches after the one in flight; the rest can be loaded later', async (t) => {
  const { app, total } = await openGenerated(t);
  const { page } = app;
  const [loaded] = await judged(page);
  const rest = total - loaded;
  // Hold every metrics request after the first, so the load is caught mid-way.
  let passed = 0;
  const held = [];
  await page.route(/\/metrics\?/, (route) => {
    passed += 1;
    if (passed === 1) return route.continue();
    held.push(route);
    return undefined;
  });
  await page.click('[data-usage-load-rest]');
  await page.waitForFunction(
    () => document.querySelector('[data-usage-progress]')?.getAttribute('data-done') === '100',
    null,
    { timeout: TIMEOUT_MS },
  );
  assert.equal(await page.getAttribute('[data-usage-progress]', 'data-usage-progress'), 'running');
  await page.waitForFunction(() => document.querySelector('[data-usage-cancel]') !== null);
  await afterAction(app, async () => {
    await page.click('[data-usage-cancel]');
    for (const r of held) await r.abort().catch(() => {});
  });
  const progress = page.locator('[data-usage-progress]');
  assert.equal(await progress.getAttribute('data-usage-progress'), 'cancelled');
  assert.equal(Number(await progress.getAttribute('data-done')), 100);
  assert.match(await progress.innerText(), new RegExp(`Stopped: loaded the usage of 100 of the other ${rest.toLocaleString('en-US')} runs`));
  assert.deepEqual(await judged(page), [loaded + 100, total]);
  const left = rest - 100;
  assert.equal(
    (await page.locator('[data-usage-load-rest]').innerText()).trim(),
    `Load the usage of the other ${left.toLocaleString('en-US')} runs`,
  );
  // The usage charts were not touched: still their 50 most recent runs.
  assert.equal((await app.inspect('gpu-util')).length, 50);
});
