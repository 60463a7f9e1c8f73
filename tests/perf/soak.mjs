// Soak run of Queuescope (issue #10 "Soak", issue #12 budget "open for an
// hour"): the page left open on `refresh_seconds` against demo-backend,
// optionally with faults switched on and off during the run. Not a test
// (scripts/test.sh does not run it): it prints figures for
// docs/benchmarks.md ("## Soak") and exits non-zero when the page broke.
//
//   node tests/perf/soak.mjs [--minutes 10] [--refresh 10] [--faults] [--live]
//                            [--jobs 3000] [--range 24h] [--json OUT.json] [--snapshots 3,15]
//                            [--memory]
//
// Needs the release build (`scripts/test.sh build`: dist/ and
// target/release/demo-backend). Run it niced in the background:
//   nice -n 19 node tests/perf/soak.mjs --minutes 10 --faults > soak.log &
//
// What it does: starts demo-backend (`--live`: its live mode, where jobs
// keep arriving and advancing with the clock; else data up to now, fixed),
// opens the a100-pool queue on the last 24 h (`range=24h`, or `--range 7d`:
// ~90k jobs in view with `--jobs 225000`; relative, so every refresh reads
// up to the new now) with `refresh_seconds` and
// `request_timeout_seconds: 5`, and every minute, after a forced garbage
// collection (CDP `HeapProfiler.collectGarbage`), samples the JS heap
// (`Runtime.getHeapUsage`), the wasm linear memory (it only grows: its
// high-water mark), the DOM size, the refresh ticks and the requests the
// backend saw.
//
// With `--faults` it cycles through a list of faults: each is switched on
// for 40 s, then off; after each, the page must recover (data-app-state
// ready, no load error, a jobs read answered 200 after the fault was
// cleared) within 150 s (the back-off after 40 s of failures waits at
// most 40 s more). A fault the page does not recover from fails the run.
//
// With `--memory` each minute's line is followed by where the wasm memory
// grew since the previous one: the `qs` span (mark or measure) first seen
// after each `memory.grow`, with the growth (a span's measure comes at its
// end, so the name is the span that grew it or the one just after).
//
// With `--snapshots M,N,...` it takes a CDP heap snapshot
// (`HeapProfiler.takeHeapSnapshot`, after the minute's sample) at each of
// those minutes and prints, between the first and each later one, the
// constructors (objects by constructor, closures by function, the
// browser's own objects by class, e.g. `native:PerformanceMeasure` or
// `native:Detached`, everything else by node type) whose live count or size grew most: what a slow rise
// of the JS heap is made of.
//
// Verdict (exit code 1 on failure): every recovery happened; the page
// never threw or panicked; the JS heap after the 3rd minute never exceeds
// 1.5x its 3rd-minute sample plus 5 MB (a leak grows without bound; the
// data itself is the same size from refresh to refresh).

import { openApp, startDemoBackend, waitFor } from '../e2e/harness.mjs';
import { writeFile } from 'node:fs/promises';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);
const MINUTES = Number(opt('minutes', '10'));
const REFRESH = Number(opt('refresh', '10'));
const JOBS = opt('jobs', '3000');
const RANGE = opt('range', '24h');
const FAULTS = flag('faults');
const LIVE = flag('live');
const JSON_OUT = opt('json', null);
const MEMORY = flag('memory');
const SNAPSHOTS = (opt('snapshots', '') || '').split(',').filter(Boolean).map(Number);
const QUEUE = 'a100-pool';

/** The faults cycled through with --faults (each on for 40 s). */
const FAULT_CYCLE = [
  'status:500@jobs',
  'hang@jobs',
  'slow:15000@jobs',
  'truncated@jobs',
  'status:503@queues',
  'html@jobs',
  'loop-cursor@jobs',
];
const FAULT_ON_MS = 40_000;
const RECOVER_MS = 150_000;

/**
 * Takes a heap snapshot over `cdp` and counts its nodes by what made them:
 * `{ key: [count, selfSize] }`, the key an object's constructor
 * (`object:Foo`), a closure's function name (`closure:bar`), a native
 * object's class (`native:HTMLDivElement`; detached DOM nodes as
 * `native:Detached`), or the node
 * type in parentheses for the rest (strings, arrays, code, ...).
 */
async function heapCensus(cdp) {
  const chunks = [];
  const onChunk = (e) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join(''));
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const typeNames = types[0];
  const out = {};
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = typeNames[snap.nodes[i + typeAt]];
    const name = snap.strings[snap.nodes[i + nameAt]];
    const key = ['object', 'closure', 'native'].includes(type) ? `${type}:${name.split(' ')[0]}` : `(${type})`;
    const c = (out[key] ??= [0, 0]);
    c[0] += 1;
    c[1] += snap.nodes[i + sizeAt];
  }
  return out;
}

/** Prints what grew from census `a` to `b` (top 25 by added bytes, then by count). */
function censusDiff(label, a, b) {
  const rows = Object.keys({ ...a, ...b }).map((k) => {
    const [n0, s0] = a[k] ?? [0, 0];
    const [n1, s1] = b[k] ?? [0, 0];
    return { k, n0, n1, dn: n1 - n0, ds: s1 - s0 };
  });
  const total = (c) => Object.values(c).reduce((s, [, x]) => s + x, 0);
  console.log(`heap snapshot diff ${label}: ${mb(total(a))} -> ${mb(total(b))} MB in nodes' own sizes`);
  const show = (r) =>
    console.log(`  ${r.k.slice(0, 60).padEnd(60)} count ${String(r.n0).padStart(7)} -> ${String(r.n1).padStart(7)} (${r.dn >= 0 ? '+' : ''}${r.dn})  bytes ${r.ds >= 0 ? '+' : ''}${r.ds}`);
  console.log('  by added bytes:');
  rows.sort((x, y) => y.ds - x.ds).slice(0, 25).forEach(show);
  console.log('  by added count:');
  rows.sort((x, y) => y.dn - x.dn).slice(0, 15).forEach(show);
}

/** A minimal stand-in for node:test's `t`: the harness registers cleanups on it. */
const hooks = [];
const t = { name: 'soak', after: (f) => hooks.push(f) };

// Records each growth of the wasm memory with the first `qs` mark or
// measure after it (bounded: a growth is rare).
const MEMORY_PROBE = `(() => {
  let last = 0;
  const grew = (window.__qsGrew = []);
  for (const k of ['mark', 'measure']) {
    const orig = Performance.prototype[k];
    Performance.prototype[k] = function (name, ...rest) {
      const r = orig.call(this, name, ...rest);
      const m = window.__qsWasm?.memory;
      if (m && typeof name === 'string' && name.startsWith('qs')) {
        const b = m.buffer.byteLength;
        if (b !== last) {
          if (last && grew.length < 10000) grew.push([name, b - last]);
          last = b;
        }
      }
      return r;
    };
  }
})();`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (b) => (b == null ? '—' : (b / 1e6).toFixed(1));

async function main() {
  const backendArgs = ['--jobs', JOBS, '--seed', '7'];
  if (LIVE) backendArgs.push('--live');
  else backendArgs.push('--now', new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z'));
  const api = await startDemoBackend(t, backendArgs);
  const control = api.replace(/\/api\/v1$/, '/_control');
  const call = async (method, p, body) => {
    const res = await fetch(control + p, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const requests = (since = 0) => call('GET', `/requests?since=${since}`);
  // The wasm memory, from trunk's loader event (as tests/perf/browser.mjs).
  const initScript = `addEventListener('TrunkApplicationStarted', (e) => { window.__qsWasm = e.detail?.wasm; });
    ${MEMORY ? MEMORY_PROBE : ''}`;
  const app = await openApp(t, {
    config: { api_base: api, refresh_seconds: REFRESH, request_timeout_seconds: 5 },
    query: `?queue=${QUEUE}&range=${RANGE}&tz=utc`,
    initScript,
  });
  const { page } = app;
  await app.waitForState('ready');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');

  const start = Date.now();
  const samples = [];
  const censuses = [];
  const recoveries = [];
  let broken = null;
  app.crashed.catch((e) => {
    broken = e;
  });

  const sample = async (minute) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const info = await page.evaluate(() => ({
      wasm: window.__qsWasm?.memory?.buffer?.byteLength ?? null,
      nodes: document.getElementsByTagName('*').length,
      ticks: Number(document.documentElement.dataset.refreshTicks ?? 0),
      state: document.documentElement.getAttribute('data-app-state'),
      jobs: document.querySelector('[data-summary] .qs-figure-value')?.textContent ?? null,
      grew: window.__qsGrew?.splice(0) ?? [],
    }));
    const log = await requests();
    const s = {
      minute,
      heapUsed: heap.usedSize,
      heapTotal: heap.totalSize,
      ...info,
      requests: log.length,
      jobsRequests: log.filter((r) => r.path.includes('/jobs?')).length,
    };
    samples.push(s);
    console.log(
      `min ${String(minute).padStart(3)}  heap ${mb(s.heapUsed)} MB (total ${mb(s.heapTotal)})  wasm ${mb(s.wasm)} MB  ` +
        `DOM ${s.nodes}  ticks ${s.ticks}  requests ${s.requests} (jobs ${s.jobsRequests})  ${s.state}  jobs on screen ${s.jobs}`,
    );
    if (MEMORY && s.grew.length) console.log(`  wasm grew in: ${s.grew.map(([n, b]) => `${n} +${mb(b)}`).join(', ')}`);
  };

  /** Switches `fault` on for FAULT_ON_MS, off, and waits for the page to recover. */
  const faultRound = async (fault) => {
    await call('PUT', '/faults', [fault]);
    await sleep(FAULT_ON_MS);
    await call('PUT', '/faults', []);
    const cleared = (await requests()).at(-1)?.seq ?? 0;
    const t0 = Date.now();
    try {
      await Promise.race([
        waitFor(`recovery from ${fault}`, async () => {
          const ok = (await requests(cleared + 1)).some((r) => r.path.includes('/jobs?') && r.status === 200);
          if (!ok) return false;
          return page.evaluate(
            () =>
              document.documentElement.getAttribute('data-app-state') === 'ready' &&
              !document.querySelector('[data-load-error]'),
          );
        }, 500),
        sleep(RECOVER_MS).then(() => {
          throw new Error(`no recovery within ${RECOVER_MS / 1000} s`);
        }),
      ]);
      recoveries.push({ fault, seconds: (Date.now() - t0) / 1000, ok: true });
      console.log(`  fault ${fault}: recovered ${((Date.now() - t0) / 1000).toFixed(1)} s after it was cleared`);
    } catch (e) {
      recoveries.push({ fault, ok: false, error: String(e.message ?? e) });
      console.log(`  fault ${fault}: NOT RECOVERED: ${e.message ?? e}`);
    }
  };

  await sample(0);
  const end = start + MINUTES * 60_000;
  // Samples on whole minutes, while the fault rounds run beside them.
  const sampler = (async () => {
    for (let m = 1; m <= MINUTES && !broken; m += 1) {
      await sleep(Math.max(0, start + m * 60_000 - Date.now()));
      await sample(m);
      if (SNAPSHOTS.includes(m)) {
        const census = await heapCensus(cdp);
        censuses.push({ minute: m, census });
        console.log(`  heap snapshot at minute ${m}`);
        if (censuses.length > 1) {
          censusDiff(`minute ${censuses[0].minute} -> ${m}`, censuses[0].census, census);
        }
      }
    }
  })();
  for (let f = 0; FAULTS && !broken && Date.now() + FAULT_ON_MS + RECOVER_MS < end; f += 1) {
    await faultRound(FAULT_CYCLE[f % FAULT_CYCLE.length]);
    // A clean minute between faults.
    await sleep(Math.min(60_000, Math.max(0, end - Date.now())));
  }
  await sampler;
  await call('PUT', '/faults', []);

  // Verdict.
  const failures = [];
  if (broken) failures.push(`the page broke: ${broken.message}`);
  for (const r of recoveries.filter((x) => !x.ok)) failures.push(`no recovery from ${r.fault}: ${r.error}`);
  const base = samples.find((s) => s.minute === 3) ?? samples.at(-1);
  const later = samples.filter((s) => s.minute > 3);
  const peak = Math.max(base.heapUsed, ...later.map((s) => s.heapUsed));
  if (peak > base.heapUsed * 1.5 + 5e6) {
    failures.push(`the JS heap grew from ${mb(base.heapUsed)} MB (minute 3) to ${mb(peak)} MB`);
  }
  const summary = {
    minutes: MINUTES,
    refresh: REFRESH,
    live: LIVE,
    faults: FAULTS,
    heapMinute3: base.heapUsed,
    heapPeakAfter3: peak,
    heapLast: samples.at(-1).heapUsed,
    wasmFirst: samples[0].wasm,
    wasmLast: samples.at(-1).wasm,
    ticks: samples.at(-1).ticks,
    requests: samples.at(-1).requests,
    recoveries,
    failures,
  };
  console.log(
    `\nsummary: ${MINUTES} min, refresh ${REFRESH} s${LIVE ? ', live' : ''}${FAULTS ? `, ${recoveries.length} fault rounds` : ''}: ` +
      `JS heap ${mb(base.heapUsed)} MB at minute 3, peak ${mb(peak)} MB after, ${mb(summary.heapLast)} MB at the end; ` +
      `wasm ${mb(summary.wasmFirst)} -> ${mb(summary.wasmLast)} MB; ${summary.ticks} refresh ticks, ${summary.requests} requests; ` +
      `recoveries ${recoveries.filter((r) => r.ok).length}/${recoveries.length}` +
      (recoveries.length ? ` (slowest ${Math.max(0, ...recoveries.filter((r) => r.ok).map((r) => r.seconds)).toFixed(1)} s)` : ''),
  );
  if (JSON_OUT) await writeFile(JSON_OUT, JSON.stringify({ summary, samples }, null, 2));
  return failures;
}

let failures;
try {
  failures = await main();
} catch (e) {
  failures = [`the run stopped: ${e.stack ?? e}`];
}
for (const h of hooks) {
  try {
    await h();
  } catch (e) {
    failures.push(String(e.message ?? e));
  }
}
if (failures.length) {
  console.log(`FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('OK');
