// Where the main thread's time goes in one cold first load (issue #14
// "navigation -> first ready"): a Chrome trace (CDP Tracing) of a reload
// with the cache database deleted (so the open reads the queue in full, as
// a first visit does), split at the app's marks, plus the cost of reading
// one page of jobs as text or as bytes in this browser. Not a test: it
// prints figures for docs/benchmarks.md.
//
//   node tests/perf/load-trace.mjs [--jobs 250000] [--reps 1] [--profile] [--first] [--dists NAME=DIR,...]
//
// Needs a release dist/ (QUEUESCOPE_DIST or --dists) and
// `cargo build --release -p demo-backend`; opens the view of
// tests/perf/browser.mjs (seed 7, a100-pool, 7 days, 1 h buckets).

import { openApp, startDemoBackend } from '../e2e/harness.mjs';
import { dists, opt } from './args.mjs';
import { selfTimes, withProfile, withTrace } from './profile.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '250000'));
const REPS = Number(opt('--reps', '1'));
const DISTS = dists();
// --profile: one more cold reload under the sampling profiler (CDP Profiler).
const PROFILE = process.argv.includes('--profile');
// --first: the browser's HTTP cache (and with it the compiled code cache of
// the wasm and plotly.js) is cleared before each reload too, as on a first
// visit (what tests/perf/browser.mjs's load measures).
const FIRST = process.argv.includes('--first');
const QUERY = '?queue=a100-pool&from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z&tz=utc';
const CATEGORIES = [
  'devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'disabled-by-default-devtools.timeline',
];
const STAGES = ['qs-config', 'qs-fetch-start', 'qs-data', 'qs-ready'];

const ms = (x) => Math.round(x);

/** Self times between each pair of stage marks, the biggest first. */
function split(events) {
  const marks = new Map();
  for (const e of events) {
    if (e.cat?.includes('user_timing') && STAGES.includes(e.name) && !marks.has(e.name)) marks.set(e.name, e.ts);
  }
  const nav = events.find((e) => e.name === 'navigationStart' || e.name === 'markAsMainFrame')?.ts;
  const start = events
    .filter((e) => e.name === 'navigationStart')
    .map((e) => e.ts)
    .sort((a, b) => b - a)[0] ?? nav;
  const bounds = [['navigation', start], ...STAGES.map((s) => [s, marks.get(s)])].filter(([, t]) => t !== undefined);
  const out = [];
  for (let i = 1; i < bounds.length; i++) {
    const [from, a] = bounds[i - 1];
    const [to, b] = bounds[i];
    const self = [...selfTimes(events, [a, b])].filter(([, v]) => v >= 2).sort((x, y) => y[1] - x[1]);
    // The fetching worker's thread (the jobs pages' bodies), busy in the same window.
    const worker = [...selfTimes(events, [a, b], 'DedicatedWorker thread')].reduce((sum, [, v]) => sum + v, 0);
    out.push({ window: `${from} -> ${to}`, wall: (b - a) / 1000, at: (a - start) / 1000, self, worker });
  }
  // The long tasks between the config and the first jobs request.
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const [c, f] = [marks.get('qs-config'), marks.get('qs-fetch-start')];
  const tasks = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask')
    .filter((e) => c && f && e.ts + e.dur >= c && e.ts <= f && e.dur >= 5000)
    .map((e) => ({ at: (e.ts - start) / 1000, dur: e.dur / 1000 }));
  return { out, tasks };
}

/** Reading one page of jobs in the page: text() vs arrayBuffer(), and the UTF-8 encode. */
async function bodyCosts(page, api) {
  return page.evaluate(async (api) => {
    const url = `${api}/queues/a100-pool/jobs?from=2026-11-21T09%3A00%3A00Z&to=2026-11-28T09%3A00%3A00Z`;
    const rows = [];
    for (let i = 0; i < 5; i++) {
      const r1 = await fetch(url);
      await new Promise((r) => setTimeout(r, 50));
      let t = performance.now();
      const text = await r1.text();
      const textMs = performance.now() - t;
      t = performance.now();
      const utf8 = new TextEncoder().encode(text);
      const encodeMs = performance.now() - t;
      const r2 = await fetch(url);
      await new Promise((r) => setTimeout(r, 50));
      t = performance.now();
      const buf = new Uint8Array(await r2.arrayBuffer());
      const bytesMs = performance.now() - t;
      rows.push({ bytes: buf.length, chars: text.length, utf8: utf8.length, textMs, encodeMs, bytesMs });
    }
    return rows;
  }, api);
}

const backend = scope('backend');
const api = await startDemoBackend(backend, ['--seed', '7', '--jobs', String(JOBS), '--page-size', '5000']);
for (const dist of DISTS) {
  for (let rep = 0; rep < REPS; rep++) {
    const t = scope(`trace-${dist.name}`);
    try {
      const app = await openApp(t, { config: { api_base: api }, query: QUERY, dist: dist.dir });
      await app.waitForState('ready');
      const { page } = app;
      await page.waitForSelector('html[data-cache-stored]', { state: 'attached', timeout: 30000 }).catch(() => {});
      const forget = async () => {
        await page.evaluate(
          () =>
            new Promise((resolve) => {
              const r = indexedDB.deleteDatabase('queuescope-cache');
              r.onsuccess = r.onerror = r.onblocked = () => resolve();
            }),
        );
        if (FIRST) {
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Network.clearBrowserCache');
          await cdp.detach();
        }
      };
      await forget();
      const events = await withTrace(page, CATEGORIES, async () => {
        await page.reload();
        await app.waitForState('ready');
      });
      const marks = await page.evaluate(() =>
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('qs-') && !m.name.startsWith('qs-mem'))
          .map((m) => `${m.name} ${Math.round(m.startTime)}`),
      );
      const spans = await page.evaluate(() => {
        const sum = {};
        for (const m of performance.getEntriesByType('measure')) {
          if (m.name.startsWith('qs:page-') || m.name === 'qs:partial') sum[m.name] = (sum[m.name] ?? 0) + m.duration;
        }
        return Object.entries(sum).map(([k, v]) => `${k} ${Math.round(v)}`);
      });
      const { out, tasks } = split(events);
      if (process.env.QS_THREADS) console.log(`threads: ${[...new Set(events.filter((e) => e.name === 'thread_name').map((e) => e.args?.name))].join(', ')}`);
      console.log(`\n=== ${dist.name} #${rep + 1}: cold reload (cache deleted${FIRST ? ', HTTP and code cache cleared' : ''}), ${JOBS} jobs`);
      console.log(`marks: ${marks.join(', ')}`);
      console.log(`app spans (ms, summed): ${spans.join(', ')}`);
      for (const w of out) {
        const top = w.self.slice(0, 14).map(([n, v]) => `${n} ${ms(v)}`).join(', ');
        // The main thread's busy time in the window: its tasks' self times summed.
        const busy = w.self.reduce((sum, [, v]) => sum + v, 0);
        console.log(`${w.window} (from ${ms(w.at)} ms, ${ms(w.wall)} ms wall, main thread busy ${ms(busy)} ms, worker ${ms(w.worker)} ms): ${top}`);
      }
      console.log(`tasks >= 5 ms between qs-config and qs-fetch-start: ${tasks.map((x) => `${ms(x.at)}+${ms(x.dur)}`).join(', ')}`);
      if (PROFILE) {
        await page.waitForSelector('html[data-cache-stored]', { state: 'attached', timeout: 30000 }).catch(() => {});
        await forget();
        const p = await withProfile(page, async () => {
          await page.reload();
          await app.waitForState('ready');
        });
        const cats = Object.entries(p.categories).slice(0, 8).map(([k, v]) => `${k} ${ms(v)}`);
        console.log(`profile of a cold reload (ms): ${cats.join(', ')}`);
        for (const [name, t] of p.top) console.log(`  ${String(ms(t)).padStart(6)} ms  ${name}`);
      }
      if (rep === 0) {
        const rows = await bodyCosts(page, api);
        const med = (k) => [...rows.map((r) => r[k])].sort((x, y) => x - y)[2].toFixed(1);
        console.log(
          `one page (${rows[0].bytes} bytes, ${rows[0].chars} chars): text() ${med('textMs')} ms, ` +
            `TextEncoder.encode ${med('encodeMs')} ms, arrayBuffer() ${med('bytesMs')} ms (medians of 5)`,
        );
      }
    } finally {
      await t.close();
    }
  }
}
// The backend is a child process: process.exit would leave it running.
await backend.close();
process.exit(0);
