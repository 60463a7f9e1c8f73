// One Chrome performance trace (CDP Tracing, devtools.timeline) per kind of
// interaction, summed by trace event name: where the time of an input ->
// ready goes outside the app's own spans (style, layout, paint, history,
// GC, Plotly, wasm). Not a test: it prints figures for docs/benchmarks.md.
//
//   node tests/perf/trace.mjs [--jobs 25000] [--reps 3] [--dists NAME=DIR,...]
//
// Needs a release dist/ (QUEUESCOPE_DIST or --dists) and
// `cargo build --release -p demo-backend`; opens the same view as
// tests/perf/browser.mjs (seed 7, a100-pool, 7 days, 1 h buckets).

import { dists, opt } from './args.mjs';
import { selfTimes, withTrace } from './profile.mjs';
import { actions, nextSettled, readyPages, renderSeq } from './ready.mjs';

const JOBS = opt('--jobs', '25000').split(',').map(Number);
const REPS = Number(opt('--reps', '3'));
const DISTS = dists();
const CATEGORIES = ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline'];

async function traced(page, act) {
  const old = await renderSeq(page);
  const events = await withTrace(page, CATEGORIES, async () => {
    await act();
    await nextSettled(page, old);
  });
  return selfTimes(events);
}

for (const jobs of JOBS) {
  const cleanups = [];
  const t = { after: (f) => cleanups.push(f) };
  try {
    for await (const { dist, page } of readyPages(t, jobs, DISTS)) {
      for (const [name, act] of Object.entries(actions)) {
        const sum = new Map();
        for (let i = 0; i < REPS; i++) {
          for (const [k, v] of await traced(page, () => act(page, i))) sum.set(k, (sum.get(k) ?? 0) + v / REPS);
        }
        const top = [...sum].filter(([, v]) => v >= 0.5).sort((a, b) => b[1] - a[1]).slice(0, 14);
        console.log(`${dist.name} ${jobs} ${name} (mean of ${REPS}, self ms): ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
      }
    }
  } finally {
    for (const f of cleanups.reverse()) await f().catch(() => {});
  }
}
process.exit(0);
