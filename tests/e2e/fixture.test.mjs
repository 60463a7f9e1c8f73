// Backend mode on a hand-made fixture (tests/fixtures/small.json, served
// by demo-backend --fixture): every job-status number of a 6 h view is
// written out below by hand, from SPEC §3, and compared exactly; then the
// bars drawn at device pixel ratio 2 are read back against the same counts.

import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openApp, startDemoBackend, xToMs, FIXTURES, STATE_TRACES } from './harness.mjs';
import { chartView, hexRgba } from './monitor-helpers.mjs';

const FROM = '2026-11-21T06:00:00Z';
const TO = '2026-11-21T12:00:00Z';
const VIEW = `?queue=q1&from=${FROM}&to=${TO}&bucket=1h&tz=utc`;

// Buckets: 06:00 07:00 08:00 09:00 10:00 11:00 (UTC, 2026-11-21).
// generated_at ("now") is 12:30, after the range: unfinished jobs last
// until then and are clipped at 12:00.
//
// The jobs (times are hh:mm on 2026-11-21):
//   j1 queued 06:10, pending 06:20, starting 06:25, running 06:30,
//      finished 08:00 (exactly on a boundary: running does not touch the
//      08:00 bucket, the finish counts in it)
//   j2 queued 07:50, running 09:00 (on a boundary), still running
//   j3 queued 06:00 (= from), pending 06:30, running 08:10, requeued
//      08:20, running 08:40, failed 10:15 (two runs in the 08:00 bucket
//      count once: distinct jobs)
//   j4 queued 09:10, then "preempted" 09:40, a state the client does not
//      know: its own trace, non-terminal, so it lasts until now
//   j5 idle 05:00 (before the range: clipped), queued 06:30, killed 07:00
//   j6 queued 04:00, running 05:00 (both before the range), crashed 06:45
//   j7 queued 10:30, running 11:00, finished 12:00 (= to: outside [from, to))
//   bad-order (transitions out of order) and bad-time (unparsable time) are
//   skipped and reported.
const EXPECTED = {
  //          06 07 08 09 10 11  (bucket start, hour)
  Idle:      [1, 0, 0, 0, 0, 0], // j5 05:00-06:30
  Queued:    [3, 1, 2, 1, 1, 0], // 06: j1, j3, j5; 07: j2; 08: j2, j3 (requeued); 09: j4; 10: j7
  Pending:   [2, 1, 1, 0, 0, 0], // j1 06:20-06:25; j3 06:30-08:10
  Starting:  [1, 0, 0, 0, 0, 0], // j1 06:25-06:30
  Running:   [2, 1, 1, 2, 2, 2], // 06: j1, j6; 07: j1; 08: j3 (two runs, one job); 09, 10: j2, j3; 11: j2, j7
  Finished:  [0, 0, 1, 0, 0, 0], // j1 at 08:00; j7 at 12:00 is outside the range
  Failed:    [0, 0, 0, 0, 1, 0], // j3 at 10:15
  Crashed:   [1, 0, 0, 0, 0, 0], // j6 at 06:45
  Killed:    [0, 1, 0, 0, 0, 0], // j5 at 07:00 (on a boundary: the later bucket)
  preempted: [0, 0, 0, 1, 1, 1], // j4 09:40 until now, clipped at 12:00
};

test('backend mode, hand-made fixture: exact job-status counts, unknown state, skipped records', async (t) => {
  const api = await startDemoBackend(t, ['--fixture', path.join(FIXTURES, 'small.json')]);
  const app = await openApp(t, { config: { api_base: api }, query: VIEW });
  await app.waitForState('ready');

  const traces = await app.inspect('job-status');
  // Known states first, in display order, then the unknown one.
  assert.deepEqual(
    traces.map((tr) => tr.name),
    [...STATE_TRACES, 'preempted'],
  );
  const starts = ['06', '07', '08', '09', '10', '11'].map((h) => Date.parse(`2026-11-21T${h}:00:00Z`));
  for (const tr of traces) {
    assert.deepEqual(tr.x.map(xToMs), starts, `${tr.name}: x values are the bucket starts`);
    assert.deepEqual(tr.y, EXPECTED[tr.name], `${tr.name}: counts per bucket`);
  }

  const notice = app.page.locator('[data-skip-notice]').filter({ visible: true });
  assert.ok((await notice.count()) > 0, 'a visible [data-skip-notice]');
  assert.match(await notice.first().innerText(), /2 jobs skipped/);
});

test('at device pixel ratio 2 the bars are drawn sharp, where the hand-made counts say', async (t) => {
  const api = await startDemoBackend(t, ['--fixture', path.join(FIXTURES, 'small.json')]);
  const app = await openApp(t, { config: { api_base: api }, query: VIEW, deviceScaleFactor: 2 });
  await app.waitForState('ready');
  const chart = await chartView(app, 'job-status');
  assert.equal(chart.dpr, 2);
  assert.equal(chart.canvas.width, Math.round(chart.box.width * 2), 'two canvas pixels a CSS pixel across');
  assert.equal(chart.canvas.height, Math.round(chart.box.height * 2), 'and down');
  const colours = await app.page.$$eval('[data-panel="job-status"] [data-legend-state]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-legend-state'), e.getAttribute('data-color')])),
  );
  const starts = ['06', '07', '08', '09', '10', '11'].map((h) => Date.parse(`2026-11-21T${h}:00:00Z`));
  // The middle of every segment, stacked in the states' order.
  const order = [...STATE_TRACES, 'preempted'];
  const points = [];
  starts.forEach((start, b) => {
    let sum = 0;
    for (const name of order) {
      const v = EXPECTED[name][b];
      if (v > 0) points.push({ name, b, at: [start + 1_800_000, sum + v / 2] });
      sum += v;
    }
  });
  const got = await chart.pixels(points.map((p) => p.at));
  for (const [i, p] of points.entries()) {
    assert.deepEqual(got[i], hexRgba(colours[p.name]), `${p.name} in bucket ${p.b}`);
  }
  // The hover at DPR 2 finds the same segments.
  const p = points.find((q) => q.name === 'preempted');
  await app.page.mouse.move(...chart.at(...p.at));
  const card = app.page.locator(`.qs-tip[data-bar-tip="${p.b}:${order.indexOf('preempted')}"]`);
  assert.equal((await card.innerText()).split('\n')[0], 'preempted');
});
