// Where a style recalculation's time goes (issue #14 budgets): one Chrome
// trace per filter toggle with Blink's selector statistics
// (`disabled-by-default-blink.debug`: a `SelectorStats` event per style
// update) and invalidation tracking
// (`disabled-by-default-devtools.timeline.invalidationTracking`). Prints,
// per toggle, each style update (elements, ms), the selectors that cost
// the most, and what invalidated which elements. Not a test.
//
//   node tests/perf/style.mjs [--jobs 25000] [--reps 2] [--dists NAME=DIR,...] [--dump FILE.json]
//
// Needs a release dist/ (QUEUESCOPE_DIST or --dists) and
// `cargo build --release -p demo-backend`; opens the same view as
// tests/perf/browser.mjs (seed 7, a100-pool, 7 days, 1 h buckets).

import { writeFile } from 'node:fs/promises';
import { dists, opt } from './args.mjs';
import { selfTimes, withTrace } from './profile.mjs';
import { actions, nextSettled, readyPages, renderSeq } from './ready.mjs';

const JOBS = Number(opt('--jobs', '25000'));
const REPS = Number(opt('--reps', '2'));
const DUMP = opt('--dump', null);
// --light: the timeline alone (selector statistics and invalidation
// tracking slow the style update they measure several times over).
const CATEGORIES = process.argv.includes('--light') ? ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] : [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.invalidationTracking',
  'disabled-by-default-blink.debug',
];

const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);

function summarise(events) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid);
  const updates = mine
    .filter((e) => e.name === 'UpdateLayoutTree' && e.ph === 'X')
    .map((e) => ({ ms: e.dur / 1000, elements: e.args?.elementCount ?? e.args?.endData?.elementCount }));
  const selectors = new Map();
  for (const e of mine.filter((e) => e.name === 'SelectorStats')) {
    for (const s of e.args?.selector_stats?.selector_timings ?? []) {
      const v = selectors.get(s.selector) ?? { us: 0, attempts: 0, matches: 0, fastRejects: 0 };
      v.us += s.elapsed ?? s['elapsed (us)'] ?? 0;
      v.attempts += s.match_attempts ?? 0;
      v.matches += s.match_count ?? 0;
      v.fastRejects += s.fast_reject_count ?? 0;
      selectors.set(s.selector, v);
    }
  }
  const invalidations = new Map();
  for (const e of mine.filter((e) => /InvalidationTracking$/.test(e.name))) {
    const d = e.args?.data ?? {};
    const what = d.changedAttribute
      ? `attr ${d.changedAttribute}`
      : d.changedClass
        ? `class .${d.changedClass}`
        : d.changedPseudo
          ? `pseudo ${d.changedPseudo}`
          : (d.reason ?? d.invalidationList?.map((i) => `${i.classes ?? ''}${i.attributes ?? ''}${i.tagNames ?? ''}`).join(' ') ?? '');
    const key = `${e.name.replace('InvalidationTracking', '')}: ${what} on ${d.nodeName ?? '?'}`;
    invalidations.set(key, (invalidations.get(key) ?? 0) + 1);
  }
  // Each UpdateLayoutTree / Layout with what runs it (a forced one inside script or the frame's own).
  const xs = mine.filter((e) => e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const styleLayout = xs
    .filter((e) => e.name === 'UpdateLayoutTree' || e.name === 'Layout')
    .filter((e) => e.dur >= 1000)
    .map((e) => {
      const outer = xs.filter((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && /FunctionCall|FireAnimationFrame|EventDispatch|TimerFire|v8.callFunction|AnimationFrame::StyleAndLayout|UpdateLayoutTree|Layout|ParseHTML|RunMicrotasks/.test(o.name));
      const n = e.args?.elementCount ?? e.args?.beginData?.dirtyObjects ?? '';
      return `${e.name === 'Layout' ? 'L' : 'S'} ${(e.dur / 1000).toFixed(1)}ms/${n} in ${outer.map((o) => o.name).join('>') || 'task'}`;
    })
    .join('; ');
  // The tasks of the interaction, each with its biggest self times.
  const tasks = xs.filter((e) => e.name === 'RunTask' && e.dur >= 1000).map((task) => {
    const self = selfTimes(events, [task.ts, task.ts + task.dur]);
    const top = [...self].filter(([, v]) => v >= 0.5).sort((a, b) => b[1] - a[1]).slice(0, 8);
    return `${((task.ts - xs[0].ts) / 1000).toFixed(0)}+${(task.dur / 1000).toFixed(1)}ms: ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`;
  });
  return { tasks, styleLayout, updates, selectors, invalidations, eventNames: [...new Set(mine.map((e) => e.name))] };
}

const cleanups = [];
const t = { after: (f) => cleanups.push(f) };
const dumps = [];
try {
  for await (const { dist, page } of readyPages(t, JOBS, dists())) {
    console.log(`${dist.name}: ${await page.evaluate(() => document.getElementsByTagName('*').length)} elements, ${await page.evaluate(() => [...document.styleSheets].reduce((n, s) => n + (s.cssRules?.length ?? 0), 0))} CSS rules`);
    for (let i = 0; i < REPS * 2; i++) {
      const old = await renderSeq(page);
      const events = await withTrace(page, CATEGORIES, async () => {
        await actions.filter(page);
        await nextSettled(page, old);
      });
      if (DUMP) dumps.push(events);
      const s = summarise(events);
      console.log(`\n== ${dist.name} filter ${i % 2 ? 'off' : 'on'}: style updates ${s.updates.map((u) => `${u.ms.toFixed(1)} ms/${u.elements} el`).join(', ')}`);
      console.log(`  style+layout in the trace: ${s.styleLayout}`);
      for (const task of s.tasks) console.log(`  task ${task}`);
      console.log('  selectors (total us, attempts, matches, fast rejects):');
      for (const [sel, v] of [...s.selectors].sort((a, b) => b[1].us - a[1].us).slice(0, 25)) {
        console.log(`    ${(v.us / 1000).toFixed(2)} ms  ${v.attempts} ${v.matches} ${v.fastRejects}  ${sel}`);
      }
      const totalSel = [...s.selectors.values()].reduce((n, v) => n + v.us, 0) / 1000;
      console.log(`    (all selectors: ${totalSel.toFixed(1)} ms over ${s.selectors.size} selectors)`);
      console.log('  invalidations (count):');
      for (const [k, n] of top(s.invalidations, 30)) console.log(`    ${n}  ${k}`);
      if (i === 0) console.log(`  trace events: ${s.eventNames.filter((n) => /Style|Selector|Invalid|Layout/.test(n)).join(', ')}`);
    }
  }
} finally {
  for (const f of cleanups.reverse()) await f().catch(() => {});
}
if (DUMP) await writeFile(DUMP, JSON.stringify(dumps));
process.exit(0);
