// The dashboard on a REAL Slurm (Debian 12's 22.05, single node on
// 127.0.0.1, started by scripts/slurm-local.sh) through queuescope-bridge:
// real sbatch jobs that run, fail and get cancelled, and job-status counts
// in Chromium equal to what Slurm's own `squeue --json` says for the same
// window. Then the bridge is killed in the middle of a poll and restarted,
// and loses no transition.
//
// Run by the `bridge-slurm` layer of scripts/test.sh (needs root, dist/ and
// target/release/queuescope-bridge). Where the Slurm packages cannot be
// installed, every test is skipped with a SKIP line saying so.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openApp, startBridge, startSwitchableBackend, waitFor, REPO } from './harness.mjs';
import { expectedStatus, assertStatus, viewQuery, caughtUp, MINUTE } from './bridge-helpers.mjs';

const run = promisify(execFile);
const SCRIPT = path.join(REPO, 'scripts', 'slurm-local.sh');

let dir;
let slurm; // { SLURM_CONF, SLURMRESTD_URL, SLURM_JWT_FILE }
let skip = null;

test.before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'queuescope-slurm-'));
  // munged and slurmrestd run as other users and must reach their files.
  await chmod(dir, 0o755);
  try {
    await run('bash', [SCRIPT, 'start', path.join(dir, 'slurm')], { maxBuffer: 1 << 24 });
  } catch (e) {
    if (e.code === 3) {
      skip = (e.stderr.match(/SKIP: .*/) ?? ['SKIP: Slurm cannot be installed here'])[0];
      console.log(skip);
      return;
    }
    throw new Error(`Slurm did not start: ${e.stderr}`);
  }
  const env = await readFile(path.join(dir, 'slurm', 'env'), 'utf8');
  slurm = Object.fromEntries(env.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
});

test.after(async () => {
  if (dir) {
    await run('bash', [SCRIPT, 'stop', path.join(dir, 'slurm')]).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

/** Runs a Slurm command against our cluster. */
async function slurmCmd(cmd, args) {
  const { stdout } = await run(cmd, args, {
    env: { ...process.env, SLURM_CONF: slurm.SLURM_CONF },
    maxBuffer: 1 << 26,
  });
  return stdout;
}

/** sbatch ... --wrap CMD; resolves to the job id. */
async function submit(name, partition, wrap, extra = []) {
  const out = await slurmCmd('sbatch', [
    '--parsable', '-J', name, '-p', partition, '-o', '/dev/null', ...extra, '--wrap', wrap,
  ]);
  return out.trim().split(';')[0];
}

/** Slurm's own view: `squeue --json --states=all`, the jobs in `ids`. */
async function squeue(ids) {
  const all = JSON.parse(await slurmCmd('squeue', ['--json', '--states=all'])).jobs;
  return all.filter((j) => ids.includes(String(j.job_id)));
}

const TERMINAL = {
  COMPLETED: 'Finished',
  FAILED: 'Failed',
  CANCELLED: 'Killed',
  TIMEOUT: 'Killed',
  PREEMPTED: 'Killed',
  OUT_OF_MEMORY: 'Crashed',
  NODE_FAIL: 'Crashed',
};

/**
 * A Slurm record as the intervals of SPEC §3, read straight from Slurm's
 * fields (seconds): waiting from submit (held until eligible when Slurm
 * says so: eligible_time 0 or later than submit), running from start to
 * end when it ran, the end state at end_time.
 */
function intervals(j) {
  const s = (v) => v * 1000;
  const end = TERMINAL[j.job_state] ? s(j.end_time) : null;
  const ran = j.start_time > 0 && (end === null ? j.job_state === 'RUNNING' : j.start_time < j.end_time);
  const waitEnd = ran ? s(j.start_time) : end;
  const spans = [];
  if (j.eligible_time === 0 || j.eligible_time > j.submit_time) {
    const eligible = j.eligible_time === 0 ? waitEnd : s(j.eligible_time);
    spans.push({ trace: 'held', start: s(j.submit_time), end: eligible });
    if (eligible < waitEnd) spans.push({ trace: 'Queued', start: eligible, end: waitEnd });
  } else {
    spans.push({ trace: 'Queued', start: s(j.submit_time), end: waitEnd });
  }
  if (ran) spans.push({ trace: 'Running', start: s(j.start_time), end });
  return { spans, end: end === null ? null : { trace: TERMINAL[j.job_state], at: end } };
}

/** The same record as the contract's transitions (state, RFC 3339). */
function transitionsOf(j) {
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const { spans, end } = intervals(j);
  const list = spans.map((sp) => [sp.trace.toLowerCase(), iso(sp.start)]);
  if (end) list.push([{ Finished: 'finished', Failed: 'failed', Killed: 'killed', Crashed: 'crashed' }[end.trace], iso(end.at)]);
  return list;
}

/** Waits until Slurm reports every job in `ids` terminal; returns the records. */
async function allTerminal(ids) {
  return waitFor(`Slurm jobs ${ids} to end`, async () => {
    const jobs = await squeue(ids);
    return jobs.length === ids.length && jobs.every((j) => TERMINAL[j.job_state]) ? jobs : undefined;
  }, 250);
}

function bridgeConfig(url) {
  return `
store = "bridge.sqlite"
poll_seconds = 0.5
cors_origins = ["*"]

[[source]]
id = "hpc"
kind = "slurm"
url = "${url}"
api_version = "v0.0.38"
user = "root"
token = { file = "${slurm.SLURM_JWT_FILE}" }
partitions = ["cpu", "gpu"]
`;
}

/** The window of a set of Slurm records: whole minutes around them. */
function windowOf(jobs) {
  const from = Math.floor(Math.min(...jobs.map((j) => j.submit_time * 1000)) / MINUTE) * MINUTE;
  const last = Math.max(...jobs.map((j) => j.end_time * 1000));
  return { from, to: (Math.floor(last / MINUTE) + 2) * MINUTE };
}

/** Opens the dashboard on `queue` and checks job status against Slurm's records. */
async function checkDashboard(t, bridge, queue, jobs) {
  const { from, to } = windowOf(jobs);
  const expected = expectedStatus(jobs.map(intervals), from, to, MINUTE);
  const app = await openApp(t, {
    config: { api_base: bridge.apiBase },
    query: viewQuery(queue, from, to, '1m'),
  });
  await app.waitForState('ready');
  const nonzero = Object.entries(expected.counts).filter(([, c]) => c.some((n) => n > 0));
  t.diagnostic(`${queue}, 1m buckets from ${new Date(from).toISOString()}: ${JSON.stringify(Object.fromEntries(nonzero))}`);
  assertStatus(await app.inspect('job-status'), expected, `queue ${queue}`);
  return app;
}

test('a real Slurm partition in the dashboard: job-status counts equal squeue --json', async (t) => {
  if (skip) return t.skip(skip);
  const work = await mkdtemp(path.join(dir, 'bridge-'));
  const bridge = await startBridge(t, work, bridgeConfig(slurm.SLURMRESTD_URL));

  // One job at a time fits the node, so the later ones wait in the queue.
  const ok = await submit('etl-ok', 'cpu', 'sleep 3');
  const fail = await submit('train-fail', 'cpu', 'sleep 2; exit 3');
  const long = await submit('serve-cancelled', 'cpu', 'sleep 300');
  const held = await submit('held-cancelled', 'cpu', 'sleep 1', ['--hold']);
  // Cancelled after it has run for a while (Slurm dates to the second: a
  // cancel within the start's second would look like it never ran).
  await waitFor('the long job to run for 2 s', async () => {
    const [j] = await squeue([long]);
    return j?.job_state === 'RUNNING' && Date.now() / 1000 - j.start_time >= 2;
  }, 250);
  await slurmCmd('scancel', [long]);
  await slurmCmd('scancel', [held]);
  const ids = [ok, fail, long, held];
  const jobs = await allTerminal(ids);
  await caughtUp(bridge, 'hpc');

  const states = Object.fromEntries(jobs.map((j) => [String(j.job_id), j.job_state]));
  assert.deepEqual(states, { [ok]: 'COMPLETED', [fail]: 'FAILED', [long]: 'CANCELLED', [held]: 'CANCELLED' });
  const app = await checkDashboard(t, bridge, 'cpu', jobs);

  // The failure is in the errors table, as Slurm reported it.
  const row = app.page.locator(`[data-panel="errors"] tr[data-job-id="${fail}"]`);
  assert.equal(await row.count(), 1, 'the failed job has an error row');
  assert.match(await row.innerText(), /FAILED: exit code 3/);
  assert.ok(!bridge.log().includes((await readFile(slurm.SLURM_JWT_FILE, 'utf8')).trim()), 'no JWT in the log');
});

test('the bridge killed in the middle of a poll and restarted loses no transition', async (t) => {
  if (skip) return t.skip(skip);
  // A proxy in front of slurmrestd that can hold the jobs request: the
  // bridge is killed while it waits for the answer.
  const { url: via, control } = await startSwitchableBackend(t, slurm.SLURMRESTD_URL, { broken: false });
  const work = await mkdtemp(path.join(dir, 'restart-'));
  const config = bridgeConfig(via);
  const first = await startBridge(t, work, config);

  const a = await submit('a-ok', 'gpu', 'sleep 3');
  const b = await submit('b-fail', 'gpu', 'sleep 3; exit 5');
  const c = await submit('c-ok', 'gpu', 'sleep 2');
  const ids = [a, b, c];
  // Once the first bridge has recorded job a running, hold its next poll
  // and kill it there.
  await waitFor('job a to run', async () => (await squeue([a]))[0]?.job_state === 'RUNNING', 250);
  await caughtUp(first, 'hpc');
  const arrived = new Promise((resolve) => (control.onHold = resolve));
  control.hold = (req) => req.url.includes('/jobs');
  await arrived;
  await first.kill();
  control.hold = () => false;
  for (const res of control.held) res.destroy();

  const second = await startBridge(t, work, config);
  const jobs = await allTerminal(ids);
  await caughtUp(second, 'hpc');
  const { from, to } = windowOf(jobs);
  const iso = (ms) => new Date(ms).toISOString();
  const page = await (await fetch(`${second.apiBase}/queues/gpu/jobs?from=${iso(from)}&to=${iso(to)}`)).json();
  for (const j of jobs) {
    const got = page.jobs.find((x) => x.id === String(j.job_id));
    assert.ok(got, `job ${j.job_id} is served`);
    assert.deepEqual(
      got.transitions.map((tr) => [tr.state, tr.at]),
      transitionsOf(j),
      `job ${j.job_id}: every transition Slurm knows, each once`,
    );
  }
  await checkDashboard(t, second, 'gpu', jobs);
});
