// The dashboard on a REAL Ray head node (Ray 2.60.0 from PyPI) through
// queuescope-bridge: jobs submitted to Ray's Jobs API that succeed, fail and
// are stopped, and job-status counts in Chromium equal to what Ray's own
// Jobs API reports for the same window.
//
// Run by scripts/bridge-ray.sh (the `bridge-ray` layer), which starts Ray in
// a private network namespace (`unshare -n`: only 127.0.0.1 exists there)
// and runs this file, the bridge and Chromium inside it; QUEUESCOPE_RAY_ENV
// names the file with RAY_ADDRESS.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openApp, startBridge, waitFor, DAY } from './harness.mjs';
import { expectedStatus, assertStatus, viewQuery, caughtUp, MINUTE } from './bridge-helpers.mjs';

const TERMINAL = { SUCCEEDED: 'Finished', FAILED: 'Failed', STOPPED: 'Killed' };

/**
 * A JSON request to Ray with node:http. (Ray's dashboard refuses POSTs
 * that look like a browser's, and node's fetch sends `Sec-Fetch-Mode`.)
 */
function rayRequest(method, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('a real Ray cluster in the dashboard: job-status counts equal Ray\'s Jobs API', async (t) => {
  const envFile = process.env.QUEUESCOPE_RAY_ENV;
  if (!envFile) {
    return t.skip('SKIP: run by scripts/bridge-ray.sh, which starts Ray in its own network namespace');
  }
  const env = Object.fromEntries(
    (await readFile(envFile, 'utf8')).trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  const ray = env.RAY_ADDRESS;
  const work = await mkdtemp(path.join(os.tmpdir(), 'queuescope-ray-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const bridge = await startBridge(
    t,
    work,
    `store = "bridge.sqlite"
poll_seconds = 0.5
cors_origins = ["*"]

[[source]]
id = "ray-local"
kind = "ray"
url = "${ray}"
queue = "ray"
name = "Ray (local)"
`,
  );

  const prefix = `e2e-${Date.now()}`;
  const submit = async (id, entrypoint, metadata) => {
    await rayRequest('POST', `${ray}/api/jobs/`, { entrypoint, submission_id: `${prefix}-${id}`, metadata });
    return `${prefix}-${id}`;
  };
  const ids = [
    await submit('ok', 'python -c "import time; time.sleep(3)"', { job_name: 'etl', user: 'alice' }),
    await submit('fail', 'python -c "import time, sys; time.sleep(3); sys.exit(3)"', { job_name: 'train', user: 'bob' }),
    await submit('stop', 'python -c "import time; time.sleep(120)"', { job_name: 'serve', user: 'carol' }),
  ];
  const [, , stopId] = ids;

  // Follow Ray's own answers: which jobs it reported RUNNING, and when the
  // one to stop runs, stop it.
  const seenRunning = new Map(); // submission id -> first time seen RUNNING
  let stopped = false;
  const records = await waitFor('every Ray job to end', async () => {
    const list = await rayRequest('GET', `${ray}/api/jobs/`);
    const mine = list.filter((j) => ids.includes(j.submission_id));
    for (const j of mine) {
      if (j.status === 'RUNNING' && !seenRunning.has(j.submission_id)) seenRunning.set(j.submission_id, Date.now());
    }
    // Stopped once it has run for 2 s (the bridge polls every 0.5 s).
    if (!stopped && Date.now() - (seenRunning.get(stopId) ?? Infinity) >= 2000) {
      stopped = true;
      await rayRequest('POST', `${ray}/api/jobs/${stopId}/stop`);
    }
    return mine.length === ids.length && mine.every((j) => TERMINAL[j.status]) ? mine : undefined;
  }, 200);
  const lastEnd = Math.max(...records.map((j) => j.end_time));
  await caughtUp(bridge, 'ray-local');
  assert.deepEqual(
    Object.fromEntries(records.map((j) => [j.submission_id, j.status])),
    { [ids[0]]: 'SUCCEEDED', [ids[1]]: 'FAILED', [ids[2]]: 'STOPPED' },
  );

  // Ray keeps no time for the start of a run, so the view is one bucket (a
  // UTC day): each job counts once as queued, once as running if Ray
  // reported it RUNNING, and its end by Ray's end_time.
  const from = Math.floor(Math.min(...records.map((j) => j.start_time)) / MINUTE) * MINUTE;
  const to = (Math.floor(lastEnd / MINUTE) + 2) * MINUTE;
  if (Math.floor(from / DAY) !== Math.floor((to - 1) / DAY)) {
    return t.skip('SKIP: the window crosses midnight UTC, where a one-bucket view is two buckets');
  }
  const jobs = records.map((j) => ({
    spans: [
      { trace: 'Queued', start: j.start_time, end: j.start_time + 1 },
      ...(seenRunning.has(j.submission_id) ? [{ trace: 'Running', start: j.end_time - 1, end: j.end_time }] : []),
    ],
    end: { trace: TERMINAL[j.status], at: j.end_time },
  }));
  assert.equal(seenRunning.size, 3, 'Ray reported every job RUNNING at some point');
  const served = await (await fetch(`${bridge.apiBase}/queues/ray/jobs?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`)).json();
  for (const j of served.jobs) {
    t.diagnostic(`${j.id}: ${j.transitions.map((tr) => `${tr.state}@${tr.at}`).join(' ')}`);
  }
  const expected = expectedStatus(jobs, from, to, DAY);
  const app = await openApp(t, {
    config: { api_base: bridge.apiBase },
    query: viewQuery('ray', from, to, '1d'),
  });
  await app.waitForState('ready');
  assertStatus(await app.inspect('job-status'), expected, 'Ray');

  // The failure and its message as Ray reported it.
  const row = app.page.locator(`[data-panel="errors"] tr[data-job-id="${ids[1]}"]`);
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /exit code 3/);
});
