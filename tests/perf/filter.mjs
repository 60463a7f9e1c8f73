// Where a filter's time goes, repetition by repetition (issue #14 budgets):
// each toggle of the first user's checkbox (on, off, on, ...) under a light
// Chrome trace (devtools.timeline, user timing), then a few under the
// sampling profiler. Prints, per repetition, the input -> ready time taken
// from the trace (the `change` event's dispatch to the app's `qs-ready`
// mark), the tasks and animation frames in between with their biggest self
// times, GC, and the app's `qs:*` spans; the slow repetitions against the
// fast ones; and the profiled repetitions' time by function (self and
// inclusive, for a build whose wasm keeps its names). Not a test.
//
// Also, per repetition, input -> painted: the end of the main thread's
// first Commit (the frame handed to the compositor) after the input task.
// `ready` is the app's word that every panel is current, which may come
// before the frame that shows it (a change with no Plotly call) or after it
// (a Plotly call deferred to the frame, which the app waits for); painted
// is the same point for both, so builds that differ there compare on it.
// Each dist ends with the median and p95 of both (the first repetition,
// which fetches usage, counted like the rest), and of the main thread's CPU
// time up to that frame (the trace's thread durations of its tasks: the
// figure a loaded machine inflates least). And the rendering phases up to
// that frame with their counts (elements restyled, layout objects found
// dirty), which a loaded machine does not change at all.
//
//   node tests/perf/filter.mjs [--jobs 25000] [--reps 20] [--profile 4]
//                              [--action filter|first-filter|regroup|brush] [--dists NAME=DIR,...] [--ab FILE.css]
//                              [--v8] [--revisit] [--press MS]
//
// Needs a release dist/ (QUEUESCOPE_DIST or --dists) and
// `cargo build --release -p demo-backend`; opens the same view as
// tests/perf/browser.mjs (seed 7, a100-pool, 7 days, 1 h buckets). A dist
// whose wasm has a name section (wasm-bindgen of cargo's own wasm, no
// wasm-opt) names the Rust functions in the profile.

import { appendFile, readFile } from 'node:fs/promises';
import { dists, opt } from './args.mjs';
import { byFunction, selfTimes, withTrace } from './profile.mjs';
import { actions, nextSettled, readyPages, renderSeq, runsDrag } from './ready.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '25000'));
const REPS = Number(opt('--reps', '20'));
const PROFILED = Number(opt('--profile', '4'));
const ACTION = opt('--action', 'filter');
// --blink: Blink's own trace events too (names a `RunTask`'s self time:
// a canvas flush is `CanvasRenderingContext2D::FinalizeFrame`), and the
// app's spans listed by their start.
const BLINK = process.argv.includes('--blink');
// --v8: V8's compile events too (JS functions compiled lazily at their first
// call, wasm functions compiled lazily and tiered up), per repetition: on the
// main thread (its self time by event) and on the others (their time
// within the repetition: background compiles compete for the cores).
const V8 = process.argv.includes('--v8');
const V8_CATEGORIES = ['v8.compile', 'disabled-by-default-v8.compile', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'disabled-by-default-v8.wasm.turbofan'];
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', ...(BLINK ? ['blink'] : []), ...(V8 ? V8_CATEGORIES : [])];
/** A compile event's name (V8's lazy JS compiles, wasm's lazy compiles and tier-ups). */
const COMPILE = /compil|lazy|tier|wasm\./i;

// --action brush: a real drag over Job runs (~1 day, a little further
// each time, as tests/perf/browser.mjs) on even repetitions and the Clear
// button on odd ones; the input is the drag's `pointerup` or the click.
const INPUT = { brush: (i) => (i % 2 ? 'click' : 'pointerup') }[ACTION] ?? (() => 'change');
let act = actions[ACTION];
// --action first-filter: on even repetitions the next user not filtered
// before is turned on (a first toggle: it fetches the usage of the runs
// newly in view), on odd ones the same user off again.
// --press MS: as a mouse does it (the user list opened, the row pressed
// and held MS ms, then released); the time still starts at the `change`.
const PRESS = Number(opt('--press', '0'));
if (ACTION === 'first-filter') {
  act = (page, i) =>
    page.evaluate((k) => document.querySelectorAll('input[type=checkbox][name=user]')[k].click(), 1 + (i >> 1));
  if (PRESS) {
    act = async (page, i) => {
      const list = page.locator('details[data-filter=user]');
      if (!(await list.evaluate((d) => d.open))) await list.locator('summary').click();
      const row = list.locator('li .qs-multi-name').nth(1 + (i >> 1));
      await row.scrollIntoViewIfNeeded();
      const box = await row.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.waitForTimeout(PRESS);
      await page.mouse.up();
    };
  }
}
// --ab FILE: CSS (its rules scoped to `html[data-qs-ab]`) added to each
// page; pairs of repetitions alternate with and without the attribute
// (off, off, on, on, ...: each side gets as many filters on as off), and
// the figures are given for each side. The same page and the same minute
// for both: what a loaded machine's drift cannot tell apart between two
// dists measured one after the other.
const AB = opt('--ab', null);
// --revisit: each dist is measured on a returning user's visit (ready.mjs
// `readyPages`): a first visit in the same browser profile does the
// repetitions untraced, waits REVISIT_WAIT_MS (V8 writes its code cache
// for the wasm a while after its last top-tier compile), and the page is
// opened again. The first repetitions of a fresh browser pay V8's
// compiles (--v8 names them); a returning user's pay what the cache lacks.
const REVISIT = process.argv.includes('--revisit');
const REVISIT_WAIT_MS = 8000;

const fmt = (m, min = 0.5) =>
  [...m]
    .filter(([, v]) => v >= min)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');

/** One repetition's trace: input -> ready and where it went. */
function summarise(events, type) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid);
  const input = mine.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === type);
  if (!input) return null;
  const t0 = input.ts;
  const ready = mine.filter((e) => e.name === 'qs-ready' && e.ts >= t0).sort((a, b) => a.ts - b.ts)[0];
  const t1 = ready ? ready.ts : Math.max(...mine.map((e) => e.ts));
  const xs = mine.filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts + e.dur >= t0 && e.ts <= t1);
  const tasks = xs
    .filter((e) => e.name === 'RunTask' && e.dur >= 500)
    .sort((a, b) => a.ts - b.ts)
    .map((task) => {
      const self = selfTimes(events, [task.ts, task.ts + task.dur]);
      const top = [...self].filter(([, v]) => v >= 0.7).sort((a, b) => b[1] - a[1]).slice(0, 7);
      return { at: (task.ts - t0) / 1000, ms: task.dur / 1000, top };
    });
  const self = selfTimes(events, [t0, t1]);
  const gc = [...self].filter(([k]) => /GC|Scavenge|MarkCompact|Sweep/i.test(k)).reduce((n, [, v]) => n + v, 0);
  const spans = new Map();
  const starts = [];
  for (const e of mine.filter((e) => e.cat?.includes('blink.user_timing') && e.name.startsWith('qs:') && e.ph === 'b')) {
    const end = mine.find((f) => f.ph === 'e' && f.name === e.name && f.id2?.local === e.id2?.local && f.ts >= e.ts);
    if (end && e.ts >= t0 && e.ts <= t1) {
      spans.set(e.name, (spans.get(e.name) ?? 0) + (end.ts - e.ts) / 1000);
      starts.push(`${e.name.slice(3)}@${((e.ts - t0) / 1000).toFixed(1)}`);
    }
  }
  const frames = mine.filter((e) => e.name === 'FireAnimationFrame' && e.ts >= t0 && e.ts <= t1).length;
  // The task of the input, and the first frame committed after it.
  const task = mine.find((e) => e.name === 'RunTask' && e.ph === 'X' && e.ts <= t0 && e.ts + e.dur >= t0);
  const after = task ? task.ts + task.dur : t0;
  const commit = mine
    .filter((e) => e.name === 'Commit' && e.ph === 'X' && e.ts >= after)
    .sort((a, b) => a.ts - b.ts)[0];
  const painted = commit ? (commit.ts + commit.dur - t0) / 1000 : NaN;
  // The main thread's CPU time (trace `tdur`: the thread's own time, not
  // the time it waited for a core) in the tasks from the input's to that
  // frame's: what a busy machine inflates least.
  const end = commit ? commit.ts + commit.dur : t1;
  const cpu =
    mine
      .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.tdur !== undefined && e.ts + e.dur >= t0 && e.ts <= end)
      .reduce((n, e) => n + e.tdur, 0) / 1000;
  // The rendering phases up to that frame, with what each covered: style
  // updates and the elements they recalculated, layouts and the objects
  // they found dirty (of all), pre-paint, paint, layerize. Counts are what a
  // loaded machine does not inflate at all.
  const phase = (name) => mine.filter((e) => e.name === name && e.ph === 'X' && e.ts >= t0 && e.ts <= end);
  // Thread time where the trace has it (as `cpu` above).
  const ms = (xs) => xs.reduce((n, e) => n + (e.tdur ?? e.dur), 0) / 1000;
  const layouts = phase('Layout');
  const styles = phase('UpdateLayoutTree');
  const render = {
    style: ms(styles),
    elements: styles.reduce((n, e) => n + (e.args?.elementCount ?? e.args?.endData?.elementCount ?? 0), 0),
    layout: ms(layouts),
    dirty: layouts.reduce((n, e) => n + (e.args?.beginData?.dirtyObjects ?? 0), 0),
    total: Math.max(0, ...layouts.map((e) => e.args?.beginData?.totalObjects ?? 0)),
    prePaint: ms(phase('PrePaint')),
    paint: ms(phase('Paint')),
    layerize: ms(phase('Layerize')),
  };
  // --v8: compile time on the main thread (self, by event name) and on
  // the other threads of the renderer (by name, whole events in the window).
  const compile = new Map([...self].filter(([k, v]) => COMPILE.test(k) && v > 0));
  const others = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || !COMPILE.test(e.name) || (main && e.tid === main.tid)) continue;
    if (!main || e.pid !== main.pid || e.ts + e.dur < t0 || e.ts > t1) continue;
    const k = `${e.name} (other threads)`;
    others.set(k, (others.get(k) ?? 0) + (Math.min(e.ts + e.dur, t1) - Math.max(e.ts, t0)) / 1000);
  }
  return { ms: (t1 - t0) / 1000, painted, cpu, render, tasks, self, gc, spans, starts, frames, compile, others };
}

/** A repetition's rendering phases in one line. */
const phases = (r) =>
  `style ${r.style.toFixed(1)} ms / ${r.elements} elements, layout ${r.layout.toFixed(1)} ms / ${r.dirty} dirty of ${r.total} objects, ` +
  `pre-paint ${r.prePaint.toFixed(1)}, paint ${r.paint.toFixed(1)}, layerize ${r.layerize.toFixed(1)}`;

const add = (into, from, k = 1) => {
  for (const [key, v] of from) into.set(key, (into.get(key) ?? 0) + v * k);
};

const t = scope('filter-probe');
try {
  const revisit = async (page) => {
    const warm = ACTION === 'brush' ? (p, i) => (i % 2 ? p.click('button[data-clear-brush]') : runsDrag(p, 0.4, 0.4 + 1 / 7).then((d) => d())) : act;
    for (let i = 0; i < REPS; i++) {
      const old = await renderSeq(page);
      await warm(page, i);
      await nextSettled(page, old);
    }
    await page.waitForTimeout(REVISIT_WAIT_MS);
  };
  for await (const { dist, page } of readyPages(t, JOBS, dists(), { revisit: REVISIT ? revisit : null })) {
    const reps = [];
    if (AB) await page.addStyleTag({ content: await readFile(AB, 'utf8') });
    if (ACTION === 'brush') {
      const drags = [];
      for (let k = 0; k < REPS; k++) drags.push(await runsDrag(page, 0.4 + 0.02 * (k % 10), 0.4 + 0.02 * (k % 10) + 1 / 7));
      act = (page, i) => (i % 2 ? page.click('button[data-clear-brush]') : drags[i >> 1]());
    }
    for (let i = 0; i < REPS; i++) {
      const ab = Boolean(AB) && i % 4 >= 2;
      if (AB) {
        // The switch restyles the page: done, and two frames past, before the trace.
        await page.evaluate(async (on) => {
          document.documentElement.toggleAttribute('data-qs-ab', on);
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        }, ab);
      }
      const old = await renderSeq(page);
      const events = await withTrace(page, CATEGORIES, async () => {
        await act(page, i);
        await nextSettled(page, old);
      });
      const s = summarise(events, INPUT(i));
      if (!s) continue;
      s.i = i;
      s.ab = ab;
      reps.push(s);
      console.log(
        `\n== ${dist.name}${ab ? '+ab' : ''} ${ACTION} #${i} (${i % 2 ? 'off' : 'on'}): ${s.ms.toFixed(1)} ms, painted ${s.painted.toFixed(1)} ms, ${s.frames} animation frame(s), GC ${s.gc.toFixed(1)}`,
      );
      console.log(`  cpu ${s.cpu.toFixed(1)} ms; ${phases(s.render)}`);
      console.log(`  spans: ${fmt(s.spans, 0.3)}`);
      if (BLINK) console.log(`  span starts: ${s.starts.join(' ')}`);
      if (V8) console.log(`  compile, main thread: ${fmt(s.compile, 0.1) || 'none'}; other threads: ${fmt(s.others, 0.1) || 'none'}`);
      for (const task of s.tasks) {
        console.log(`  task +${task.at.toFixed(1)} ${task.ms.toFixed(1)} ms: ${task.top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
      }
    }
    const stat = (xs) => {
      const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
      const at = (q) => v[Math.max(0, Math.ceil(q * v.length) - 1)];
      return v.length ? `median ${at(0.5).toFixed(1)}, p95 ${at(0.95).toFixed(1)} (n ${v.length})` : 'none';
    };
    let sides = AB ? [[dist.name, reps.filter((r) => !r.ab)], [`${dist.name}+ab`, reps.filter((r) => r.ab)]] : [[dist.name, reps]];
    // A brush and its clearing are two interactions.
    if (ACTION === 'brush') sides = sides.flatMap(([n, xs]) => [[`${n} (brush)`, xs.filter((r) => r.i % 2 === 0)], [`${n} (clear)`, xs.filter((r) => r.i % 2)]]);
    if (ACTION === 'first-filter') sides = sides.flatMap(([n, xs]) => [[`${n} (first on)`, xs.filter((r) => r.i % 2 === 0)], [`${n} (off)`, xs.filter((r) => r.i % 2)]]);
    for (const [name, side] of sides) {
      console.log(
        `\n${name} ${ACTION}: input -> ready ${stat(side.map((r) => r.ms))}; input -> painted ${stat(side.map((r) => r.painted))}; main thread CPU to painted ${stat(side.map((r) => r.cpu))}`,
      );
      const keys = [['style', 'style ms'], ['elements', 'elements restyled'], ['layout', 'layout ms'], ['dirty', 'dirty layout objects'], ['total', 'layout objects'], ['prePaint', 'pre-paint ms'], ['paint', 'paint ms'], ['layerize', 'layerize ms']];
      for (const [k, label] of keys) console.log(`  ${name} ${label}: ${stat(side.map((r) => r.render[k]))}`);
    }
    // The slowest quarter against the rest, self time by trace event.
    const sorted = [...reps].sort((a, b) => a.ms - b.ms);
    const cut = Math.floor(sorted.length * 0.75);
    for (const [label, group] of [['fastest 3/4', sorted.slice(0, cut)], ['slowest 1/4', sorted.slice(cut)]]) {
      const mean = new Map();
      for (const r of group) add(mean, r.self, 1 / group.length);
      const spans = new Map();
      for (const r of group) add(spans, r.spans, 1 / group.length);
      const ms = group.reduce((n, r) => n + r.ms, 0) / group.length;
      const tasks = group.reduce((n, r) => n + r.tasks.length, 0) / group.length;
      const gc = group.reduce((n, r) => n + r.gc, 0) / group.length;
      console.log(`\n${dist.name} ${label} (${group.length}: ${group.map((r) => `#${r.i} ${r.ms.toFixed(0)}`).join(' ')}): mean ${ms.toFixed(1)} ms, ${tasks.toFixed(1)} tasks, GC ${gc.toFixed(1)}`);
      console.log(`  self: ${fmt(mean)}`);
      console.log(`  spans: ${fmt(spans, 0.3)}`);
    }
    if (PROFILED > 0) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      const self = new Map();
      const incl = new Map();
      const owner = new Map();
      for (let i = 0; i < PROFILED; i++) {
        const old = await renderSeq(page);
        await cdp.send('Profiler.start');
        // A first filter's profiled toggles go on past the traced ones' users (each on a
        // user not filtered before); the other actions repeat theirs.
        await act(page, ACTION === 'first-filter' ? REPS + i : i);
        await nextSettled(page, old);
        const { profile } = await cdp.send('Profiler.stop');
        // QS_PROFILE_DUMP=FILE: each raw profile appended to FILE (one JSON a line).
        if (process.env.QS_PROFILE_DUMP) await appendFile(process.env.QS_PROFILE_DUMP, JSON.stringify(profile) + '\n');
        const f = byFunction(profile);
        add(self, f.self, 1 / PROFILED);
        add(incl, f.incl, 1 / PROFILED);
        add(owner, f.owner, 1 / PROFILED);
      }
      await cdp.detach();
      const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
      console.log(`\n${dist.name} profile, mean of ${PROFILED} ${ACTION} toggles (100 us sampling), self ms:`);
      for (const [k, v] of top(self, 40)) console.log(`  ${v.toFixed(2)}  ${k}`);
      console.log(`${dist.name} by the innermost app function in the stack, ms:`);
      for (const [k, v] of top(owner, 45)) console.log(`  ${v.toFixed(2)}  ${k}`);
      console.log(`${dist.name} inclusive ms:`);
      for (const [k, v] of top(incl, 60)) console.log(`  ${v.toFixed(2)}  ${k}`);
      console.log(`${dist.name} inclusive ms of the app's own functions and plotly.js' named ones:`);
      for (const [k, v] of top(incl, 100000).filter(([k, v]) => v >= 0.3 && /^queuescope|^Qe\.|^Be\.|^[A-Za-z]+\.[a-z]/.test(k))) {
        console.log(`  ${v.toFixed(2)}  ${k}`);
      }
    }
  }
} finally {
  await t.close();
}
process.exit(0);
