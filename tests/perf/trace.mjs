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

import { openApp, startDemoBackend } from '../e2e/harness.mjs';
import { dists, opt } from './args.mjs';
import { selfTimes, withTrace } from './profile.mjs';

const JOBS = opt('--jobs', '25000').split(',').map(Number);
const REPS = Number(opt('--reps', '3'));
const DISTS = dists();
const QUERY = '?queue=a100-pool&from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z&tz=utc';
const CATEGORIES = ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline'];

/** The page's data-render-seq now. */
const renderSeq = (page) => page.evaluate(() => Number(document.documentElement.dataset.renderSeq ?? 0));

/** Resolves once the page is ready with a render seq above `old`. */
function nextReady(page, old) {
  return page.waitForFunction(
    (old) => document.documentElement.dataset.appState === 'ready' && Number(document.documentElement.dataset.renderSeq) > old,
    old,
    { polling: 'raf', timeout: 120_000 },
  );
}

async function traced(page, act) {
  const old = await renderSeq(page);
  const events = await withTrace(page, CATEGORIES, async () => {
    await act();
    await nextReady(page, old);
  });
  return selfTimes(events);
}

const actions = {
  // As tests/perf/browser.mjs does them: a `change` of the select, a click
  // on the first user's checkbox (on, then off).
  regroup: (page, i) =>
    page.evaluate((value) => {
      const sel = document.querySelector('select[name=group]');
      sel.value = value;
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    }, i % 2 ? 'user' : 'project'),
  filter: (page) => page.evaluate(() => document.querySelector('input[type=checkbox][name=user]').click()),
};

for (const jobs of JOBS) {
  const cleanups = [];
  const t = { after: (f) => cleanups.push(f) };
  try {
    const api = await startDemoBackend(t, ['--seed', '7', '--jobs', String(jobs), '--page-size', '5000']);
    for (const dist of DISTS) {
      const app = await openApp(t, { config: { api_base: api }, query: QUERY, dist: dist.dir });
      await app.waitForState('ready');
      for (const [name, act] of Object.entries(actions)) {
        const sum = new Map();
        for (let i = 0; i < REPS; i++) {
          for (const [k, v] of await traced(app.page, () => act(app.page, i))) sum.set(k, (sum.get(k) ?? 0) + v / REPS);
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
