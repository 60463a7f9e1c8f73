// Backend mode on generated data (demo-backend --seed 7 --jobs 3000): the
// browser's job-status numbers equal what the native core computes for the
// same data and view (core/examples/expected.rs). The hand-made fixture
// test checks the definitions; this one checks that nothing is lost or
// changed on the way through REST, paging, parsing and Plotly.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startDemoBackend, expectedFromCore, xToMs } from './harness.mjs';

const SEED = '7';
const JOBS = '3000';
const QUEUE = 'a100-pool';
// Two days before the demo data's fixed "now" (2026-11-28T09:00:00Z).
const FROM = '2026-11-26T00:00:00Z';
const TO = '2026-11-28T00:00:00Z';

test('backend mode, seed 7, 3000 jobs: job status equals the native core', async (t) => {
  const [api, expected] = await Promise.all([
    startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]),
    expectedFromCore(
      ['job-status', '--seed', SEED, '--jobs', JOBS, '--queue', QUEUE, '--from', FROM, '--to', TO, '--bucket', '1h'],
    ),
  ]);
  const app = await openApp(t, {
    config: { api_base: api },
    query: `?queue=${QUEUE}&from=${FROM}&to=${TO}&bucket=1h&tz=utc`,
  });
  await app.waitForState('ready');

  assert.equal(expected.x.length, 48, 'the core sees 48 one-hour buckets');
  assert.ok(
    expected.traces.some((tr) => tr.y.some((v) => v > 0)),
    'the view is not empty (else this test proves little)',
  );
  const traces = await app.inspect('job-status');
  assert.deepEqual(
    traces.map((tr) => tr.name),
    expected.traces.map((tr) => tr.name),
  );
  for (const [i, tr] of traces.entries()) {
    assert.deepEqual(tr.x.map(xToMs), expected.x, `${tr.name}: bucket starts`);
    assert.deepEqual(tr.y, expected.traces[i].y, `${tr.name}: counts per bucket`);
  }
});
