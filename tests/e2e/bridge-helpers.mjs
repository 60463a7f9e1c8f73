// Helpers of the real-scheduler browser tests (bridge-slurm.real.mjs,
// bridge-ray.real.mjs): the expected job-status counts of a view, computed
// from the scheduler's own output (never from the bridge), and the
// comparison with what the dashboard shows.

import assert from 'node:assert/strict';
import { xToMs, STATE_TRACES, waitFor } from './harness.mjs';

export const MINUTE = 60_000;

/**
 * SPEC §3 job status for buckets of `bucketMs` (UTC multiples) over
 * [from, to), from plain intervals: each job is
 * `{ spans: [{ trace, start, end }], end: { trace, at } | null }` where a
 * span is a stretch in a non-terminal state (counted once per bucket it
 * overlaps with positive length) and `end` the terminal event (counted in
 * the bucket that holds it). Returns `{ starts: [ms...], counts: {trace: [n...]} }`.
 */
export function expectedStatus(jobs, from, to, bucketMs) {
  const starts = [];
  for (let b = Math.floor(from / bucketMs) * bucketMs; b < to; b += bucketMs) starts.push(b);
  const counts = {};
  const row = (trace) => (counts[trace] ??= starts.map(() => 0));
  for (const trace of STATE_TRACES) row(trace);
  starts.forEach((b, i) => {
    const lo = Math.max(b, from);
    const hi = Math.min(b + bucketMs, to);
    for (const job of jobs) {
      const seen = new Set();
      for (const s of job.spans) {
        if (Math.min(s.end, hi) > Math.max(s.start, lo)) seen.add(s.trace);
      }
      for (const trace of seen) row(trace)[i] += 1;
      if (job.end && job.end.at >= lo && job.end.at < hi) row(job.end.trace)[i] += 1;
    }
  });
  return { starts, counts };
}

/**
 * Asserts that the job-status series (inspect) equal `expected` (from
 * `expectedStatus`): every trace the app draws, every bucket. Traces the
 * expectation lacks must be all zero.
 */
export function assertStatus(traces, expected, what) {
  assert.ok(traces.length > 0, `${what}: the job-status chart has traces`);
  for (const tr of traces) {
    assert.deepEqual(tr.x.map(xToMs), expected.starts, `${what}: ${tr.name}: bucket starts`);
    const want = expected.counts[tr.name] ?? expected.starts.map(() => 0);
    assert.deepEqual(tr.y, want, `${what}: ${tr.name}: counts per bucket`);
  }
  for (const [name, counts] of Object.entries(expected.counts)) {
    if (counts.some((n) => n > 0)) {
      assert.ok(
        traces.some((tr) => tr.name === name),
        `${what}: a ${name} trace (expected ${JSON.stringify(counts)})`,
      );
    }
  }
}

/** The view query for `queue` over [from, to) with `bucket`, in UTC. */
export function viewQuery(queue, from, to, bucket) {
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return `?queue=${encodeURIComponent(queue)}&from=${iso(from)}&to=${iso(to)}&bucket=${bucket}&tz=utc`;
}

/** The time of source `sourceId`'s last successful poll, once it is after `ms`. */
async function okAfter(bridge, sourceId, ms) {
  return waitFor(`a poll of ${sourceId} after ${new Date(ms).toISOString()}`, async () => {
    const h = await (await fetch(`${bridge.url}/healthz`)).json();
    const s = h.sources.find((x) => x.id === sourceId);
    const ok = s?.state === 'ok' ? Date.parse(s.last_ok) : NaN;
    return ok > ms ? ok : undefined;
  });
}

/**
 * Waits until the bridge has surely seen the source as it is now: two
 * successful polls after this moment (the first may have asked before it;
 * the second asked after the first ended).
 */
export async function caughtUp(bridge, sourceId) {
  const first = await okAfter(bridge, sourceId, Date.now());
  await okAfter(bridge, sourceId, first);
}
