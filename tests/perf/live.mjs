// Browser figures of issue #12's budgets (docs/benchmarks.md, "Incremental
// refresh and the cache"). Not a test: it prints figures.
//
//   node tests/perf/live.mjs [--jobs 225000] [--reps 5] [--relative | --live]
//                            [--trace] [--profile [N]] [--mutations] [--init FILE]
//                            [--memory] [--cpu | --cpu-detail] [--errors K]
//
// Needs a RELEASE dist/ (or QUEUESCOPE_DIST) and
// `cargo build --release -p demo-backend`. Starts `demo-backend --seed 7
// --jobs N --page-size 5000` with its clock fixed at the data's "now" and
// opens a100-pool (45 % of the jobs: ~100k at 225000) over the 7 days
// before it, refresh_seconds 10. With --relative the view's range is `7d`
// (the default, what a wall display uses): the backend's data ends at the
// real now, its clock is set to the real time before and after each
// refresh's edits, and the range slides with the browser's clock at every
// refresh (runs leave at its start). With --live (implies --relative) the
// backend runs in its live mode: its clock is the real time and ticks on
// its own, so each answer's generated_at lies after the range's end the
// page asked for (as with any live backend), and its own jobs keep
// arriving and advancing beside the 100 edited records. Then:
//
//   full      the first read: bytes of the jobs pages, response end of the
//             last page -> ready (what every refresh cost before: a
//             refresh re-read all of it);
//   refresh   --reps times: the clock moves 1 s, 80 jobs get an error
//             (K with --errors K, and 80 - K more arrive) and 20 new ones arrive (100 changed records, through the
//             control endpoint); the next refresh's jobs request: bytes
//             (the backend's log) and its response end -> the next ready
//             (every panel updated);
//             Per refresh also `spans-union` (the time covered by some
//             `qs:` span) and `outside-spans` (the rest of response end ->
//             ready: the view's own work, the frame, GC); with
//             --mutations the DOM writes from the response to the ready by
//             region (panel, header, filter) and kind;
//   profile   with --profile [N], N more refreshes (1 by default) under the
//             sampling profiler, by function, and outside every span (a
//             dist whose wasm keeps its name section names the Rust
//             functions; QS_PROFILE_DUMP=FILE keeps the raw profiles);
//   trace     with --trace, one more refresh under a Chrome trace;
//   reopen    the page reloaded with the cache filled and the jobs endpoint
//             held 10 s (`slow`): navigation start -> the cached data read
//             (`qs-cached`) and -> every chart of the first screen drawn
//             with it (the cached label shown, charts `data-drawn`).
//
// `--init FILE`: a script run in the page before the app (a probe, e.g. a
// style that hides something, to see what its updates cost).
//
// `--memory`: per refresh, the wasm memory's size at the response end and
// at the ready, and the `qs` marks and spans at whose end it had grown
// (a `memory.grow` gives the page fresh pages to fault in).
//
// `--cpu`: each timed refresh under a light Chrome trace, and the main
// thread's CPU time (`tdur`) of its tasks from `qs-data` to `qs-ready`:
// a figure that a loaded machine's waits for a core inflate far less than
// the wall clock's.

import { readFile } from 'node:fs/promises';
import { controlOf, openApp, resourceTimings, startDemoBackend } from '../e2e/harness.mjs';
import { args, opt } from './args.mjs';
import { selfTimes, withProfile, withTrace } from './profile.mjs';
import { armNextReady } from './ready.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '225000'));
const REPS = Number(opt('--reps', '5'));
// More refreshes after the timed ones under Chrome's sampling profiler
// (from the edits to the ready): the renderer's work outside the spans, by
// function (`--profile [N]`, N refreshes, 1 by default; a dist whose wasm
// keeps its name section names the Rust functions, see filter.mjs).
const PROFILE = args.includes('--profile');
const PROFILED = PROFILE ? Number(/^\d+$/.test(opt('--profile', '')) ? opt('--profile', '1') : 1) : 0;
// One more refresh under a Chrome trace: self time by trace event (script,
// GC, style, layout, paint, timers, frames) from the data read (`qs-data`)
// to the ready.
const TRACE = args.includes('--trace');
// Per refresh, the DOM writes from the response to the ready (a
// MutationObserver), by where they land (the panel, the header, the left
// panel) and kind: which panels' effects rebuilt what.
const MUTATIONS = args.includes('--mutations');
// A range `7d` that slides with the real clock, instead of an absolute one.
const LIVE = args.includes('--live');
const RELATIVE = args.includes('--relative') || LIVE;
const MEMORY = args.includes('--memory');
// Each timed refresh under a light Chrome trace: the main thread's CPU
// time from the data read to the ready (see below).
const CPU = args.includes('--cpu') || args.includes('--cpu-detail');
// With --cpu-detail, also the trace's self time by event (v8 and timeline
// categories: GC, compile, script, style, layout).
const CPU_DETAIL = args.includes('--cpu-detail');
// The wasm memory's size after each `qs` mark and measure (see --memory).
const MEMORY_PROBE = `(() => {
  const log = (window.__qsMemLog = []);
  addEventListener('TrunkApplicationStarted', (e) => { window.__qsMem = e.detail?.wasm?.memory; });
  for (const k of ['mark', 'measure']) {
    const orig = Performance.prototype[k];
    Performance.prototype[k] = function (name, ...rest) {
      const r = orig.call(this, name, ...rest);
      const m = window.__qsMem;
      if (m && typeof name === 'string' && name.startsWith('qs')) log.push([performance.now(), name, m.buffer.byteLength]);
      return r;
    };
  }
})();`;
// `--errors K`: only K of the 80 edited records get an error (all 80 by
// default), the other 80 - K arrive instead (100 records still change). A
// live queue's few new errors a refresh: the errors page shifts by K rows
// instead of being replaced (80 new errors fill a 25-row page).
const ERRORS = Number(opt('--errors', '80'));
const QUEUE = 'a100-pool';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const NOW = RELATIVE ? iso(Date.now()) : '2026-11-28T09:00:00Z';
const FROM = RELATIVE ? iso(Date.parse(NOW) - 7 * 86_400_000) : '2026-11-21T09:00:00Z';
const TO = RELATIVE ? NOW : '2026-11-28T10:00:00Z';
const QUERY = RELATIVE ? `?queue=${QUEUE}&range=7d&tz=utc` : `?queue=${QUEUE}&from=${FROM}&to=${TO}&tz=utc`;
const log = (m) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The app's `qs:*` measures (dom::timed spans) that started in [t0, t1]
 * (performance.now() clock), summed per name: where a refresh's time went.
 */
function spansBetween(page, t0, t1) {
  return page.evaluate(([a, b]) => {
    const spans = {};
    // The union of the `qs:` spans (they nest: a recount inside its memo's
    // span), so the time outside every span is the window less it.
    const cover = [];
    for (const m of performance.getEntriesByType('measure')) {
      if (m.startTime >= a && m.startTime <= b) {
        spans[m.name] = (spans[m.name] ?? 0) + m.duration;
        if (m.name.startsWith('qs:')) cover.push([m.startTime, Math.min(b, m.startTime + m.duration)]);
      }
    }
    cover.sort((x, y) => x[0] - y[0]);
    let union = 0;
    let reach = -Infinity;
    for (const [s, e] of cover) {
      if (e > reach) {
        union += e - Math.max(s, reach);
        reach = e;
      }
    }
    spans['spans-union'] = union;
    spans['outside-spans'] = b - a - union;
    return spans;
  }, [t0, t1]);
}

/** Starts recording the page's DOM writes (see MUTATIONS). */
function watchMutations(page) {
  return page.evaluate(() => {
    const where = (n) => {
      const e = n.nodeType === 1 ? n : n.parentElement;
      const p = e?.closest('[data-panel],[data-filter],.qs-header,.qs-controls,.qs-notices');
      if (!p) return e === document.documentElement ? 'html' : 'other';
      return p.dataset.panel ?? (p.dataset.filter ? `filter:${p.dataset.filter}` : p.className.split(' ')[0]);
    };
    const seen = [];
    window.__qsMutations?.disconnect();
    window.__qsMutations = new MutationObserver((records) => {
      const at = performance.now();
      for (const r of records) {
        // A write of the value already there counts apart (`=`): a DOM
        // write that changed nothing.
        const same =
          r.type === 'attributes' ? r.oldValue === r.target.getAttribute(r.attributeName) : r.type === 'characterData' && r.oldValue === r.target.nodeValue;
        const kind = (r.type === 'attributes' ? `@${r.attributeName}` : r.type === 'childList' ? `+${r.addedNodes.length}-${r.removedNodes.length}` : 'text') + (same ? '=' : '');
        seen.push([at, where(r.target), kind]);
      }
    });
    window.__qsMutations.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true, attributeOldValue: true, characterDataOldValue: true });
    window.__qsMutationLog = seen;
  });
}

/** The DOM writes recorded in [t0, t1], counted by region and kind. */
function mutationsBetween(page, t0, t1) {
  return page.evaluate(([a, b]) => {
    window.__qsMutations?.disconnect();
    const out = {};
    for (const [at, where, kind] of window.__qsMutationLog ?? []) {
      if (at < a || at > b) continue;
      const k = kind.startsWith('+') ? 'nodes' : kind;
      out[where] ??= {};
      out[where][k] = (out[where][k] ?? 0) + (kind.startsWith('+') ? kind.slice(1).split('-').map(Number).reduce((x, y) => x + y, 0) : 1);
    }
    return out;
  }, [t0, t1]);
}

/** The renderer's cumulative accounting (CDP `Performance.getMetrics`, seconds). */
async function rendererMetrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/**
 * Response end of the last jobs request the page made (performance.now()
 * clock; the jobs pages come through the app's fetching worker).
 */
async function lastJobsResponseEnd(page) {
  const r = (await resourceTimings(page)).filter((e) => e.name.includes('/jobs?'));
  return r.length ? r.at(-1).responseEnd : null;
}

const t = scope('live-perf');
try {
  // Live: the clock starts at the real now (not NOW, whole seconds: that
  // would run up to a second behind the browser's and hide the skew).
  const backendArgs = ['--seed', '7', '--jobs', String(JOBS), '--page-size', '5000'];
  const api = await startDemoBackend(t, LIVE ? [...backendArgs, '--live'] : [...backendArgs, '--now', NOW]);
  const call = controlOf(api);
  const seqNow = async () => ((await call('GET', '/requests')).at(-1)?.seq ?? -1) + 1;
  const jobsLog = async (since) => (await call('GET', `/requests?since=${since}`)).filter((r) => r.path.includes('/jobs?'));

  // Jobs to change, read as the app reads them.
  const ids = [];
  let cursor = null;
  do {
    const c = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await (await fetch(`${api}/queues/${QUEUE}/jobs?from=${FROM}&to=${TO}${c}`)).json();
    for (const j of page.jobs) ids.push(j.id);
    cursor = page.next_cursor;
  } while (cursor);
  log(`${ids.length} jobs in the view`);

  const seq0 = await seqNow();
  const init = opt('--init', null);
  const probes = [MEMORY ? MEMORY_PROBE : '', init ? await readFile(init, 'utf8') : ''].filter(Boolean);
  const initScript = probes.length ? probes.join('\n') : null;
  const app = await openApp(t, { config: { api_base: api, refresh_seconds: 10 }, query: QUERY, initScript });
  await app.waitForState('ready');
  const { page } = app;
  const full = await jobsLog(seq0);
  const fullBytes = full.reduce((a, r) => a + (r.bytes ?? 0), 0);
  const fullReady = await page.evaluate(() => performance.getEntriesByName('qs-ready').at(-1)?.startTime ?? null);
  const fullEnd = await lastJobsResponseEnd(page);
  const jobsShown = await page.$eval('[data-summary] .qs-figure-value', (e) => e.textContent.trim());
  log(`full read: ${full.length} requests, ${fullBytes} bytes, response end -> ready ${Math.round(fullReady - fullEnd)} ms; ${jobsShown} jobs in view`);

  if (MEMORY) {
    // The wasm memory after the full read's ready, and what ran since.
    const since = await page.evaluate((t0) => (window.__qsMemLog ?? []).filter((e) => e[0] >= t0), fullReady);
    const sizes = since.filter(([, name]) => !name.startsWith('qs:chart') && !name.startsWith('qs:marks'));
    log(`  wasm memory after the full read: ${sizes.map(([at, name, b]) => `${name}@${Math.round(at - fullReady)} ${(b / 1048576).toFixed(1)}`).join(', ')}`);
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const refresh = [];
  const breakdowns = [];
  let next = 0;
  let clock = Date.parse(NOW);
  /** The backend's records change, the next refresh reads them: its figures. */
  async function refreshOnce(rep) {
    // Edits are dated by the clock: move it on before and after them, so
    // they lie strictly between two reads' generated_at (a record changed
    // exactly at a read's generated_at is sent again by the next one, SPEC
    // §2's "at or after").
    // Relative: the clock follows the real time (the browser's, which the
    // range slides with), forward only.
    const tick = () => {
      if (LIVE) return Promise.resolve();
      clock = Math.max(Date.now(), clock + 1000);
      return call('PUT', '/clock', RELATIVE ? { to: iso(clock) } : { advance: '1s' });
    };
    await tick();
    for (let k = 0; k < 80; k++) {
      if (k >= ERRORS) {
        await call('POST', `/jobs/${QUEUE}`, { id: `perf-${rep}-e${k}`, job: 'perf-arrival' });
        continue;
      }
      // Spread over the view; an error changes a record, ended or not.
      const id = ids[Math.floor((next++ * 7919) % ids.length)];
      await call('POST', `/jobs/${QUEUE}/${id}`, { error: `perf: rep ${rep}` });
    }
    for (let k = 0; k < 20; k++) await call('POST', `/jobs/${QUEUE}`, { id: `perf-${rep}-${k}`, job: 'perf-arrival' });
    await tick();
    const seq = await seqNow();
    const m0 = await rendererMetrics(cdp);
    if (MUTATIONS) await watchMutations(page);
    await armNextReady(page);
    // The next ready that follows a jobs request made after the edits.
    let ready;
    for (;;) {
      ready = await page.evaluate(() => window.__qsNext);
      if ((await jobsLog(seq)).length > 0) break;
      await armNextReady(page);
    }
    const m1 = await rendererMetrics(cdp);
    const reqs = await jobsLog(seq);
    const end = await lastJobsResponseEnd(page);
    const spans = await spansBetween(page, end, ready);
    // The usage the refresh asked for (a run that started comes into the
    // usage charts' view): when, after the jobs' response end.
    const usage = (await resourceTimings(page)).filter((e) => e.name.includes('/metrics?') && e.startTime >= end && e.startTime <= ready);
    if (usage.length) {
      const at = (x) => Math.round(x - end);
      log(`  usage asked: ${usage.map((e) => `${at(e.startTime)} -> ${at(e.responseEnd)} ms (${e.encodedBodySize} B)`).join(', ')}`);
    }
    if (MEMORY) {
      const mem = await page.evaluate(([a, b]) => {
        const log = window.__qsMemLog ?? [];
        const before = log.filter((e) => e[0] <= a).at(-1)?.[2] ?? null;
        const grew = [];
        let last = before;
        for (const [at, name, bytes] of log) {
          if (at < a || at > b) continue;
          if (last !== null && bytes > last) grew.push(`${name} +${((bytes - last) / 1048576).toFixed(1)}`);
          last = bytes;
        }
        return { before, after: last, grew };
      }, [end, ready]);
      const mb = (b) => (b === null ? '?' : (b / 1048576).toFixed(1));
      log(`  wasm memory: ${mb(mem.before)} MB at the response, ${mb(mem.after)} MB at the ready; grown in: ${mem.grew.join(', ') || 'none'}`);
    }
    if (MUTATIONS) {
      const writes = await mutationsBetween(page, end, ready);
      const text = Object.entries(writes).map(([w, k]) => `${w} {${Object.entries(k).map(([a, n]) => `${a} ${n}`).join(', ')}}`);
      log(`  DOM writes: ${text.join('; ')}`);
    }
    // Renderer time from the edits to the ready (the refresh's read and
    // draw; the 1 s clock ticks of the status line are a few ms of it).
    const d = (k) => Math.round(1000 * ((m1[k] ?? 0) - (m0[k] ?? 0)));
    spans['renderer-script'] = d('ScriptDuration');
    spans['renderer-style'] = d('RecalcStyleDuration');
    spans['renderer-layout'] = d('LayoutDuration');
    spans['renderer-tasks'] = d('TaskDuration');
    breakdowns.push(spans);
    const kind = await page.evaluate(() => document.documentElement.dataset.lastRead);
    const bytes = reqs.reduce((a, r) => a + (r.bytes ?? 0), 0);
    const update = await page.evaluate(() => performance.getEntriesByName('qs:update').at(-1)?.duration ?? null);
    refresh.push({ bytes, ms: ready - end, update, kind, requests: reqs.length });
    log(`refresh ${rep + 1}: ${kind}, ${reqs.length} request(s), ${bytes} bytes, response end -> ready ${Math.round(ready - end)} ms (splice ${Math.round(update)} ms)`);
    log(`  spans: ${Object.entries(spans).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`);
  }
  const cpu = [];
  for (let rep = 0; rep < REPS; rep++) {
    if (!CPU) {
      await refreshOnce(rep);
      continue;
    }
    // The main thread's CPU time (trace `tdur`) of the tasks from the data
    // read (`qs-data`) to the ready: what a loaded machine's waits for the
    // CPU do not inflate.
    const cats = ['toplevel', 'blink.user_timing', ...(CPU_DETAIL ? ['devtools.timeline', 'v8', 'v8.execute'] : [])];
    const events = await withTrace(page, cats, () => refreshOnce(rep));
    const marks = (name) => events.filter((e) => e.name === name && String(e.cat).includes('user_timing')).map((e) => e.ts);
    const from = marks('qs-data').at(-1);
    const to = marks('qs-ready').filter((ts) => ts >= from).at(0);
    const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    // The main thread's outermost `toplevel` events (tasks, and the
    // microtask checkpoints that run outside a task) in the window.
    const tops = events
      .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && String(e.cat).includes('toplevel'))
      .filter((e) => e.ts + e.dur >= from && e.ts <= to)
      .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const tasks = [];
    for (const e of tops) {
      const last = tasks.at(-1);
      if (!last || e.ts >= last.ts + last.dur) tasks.push(e);
    }
    const ms = (us) => Math.round(us / 100) / 10;
    const c = { wall: ms(to - from), cpu: ms(tasks.reduce((a, e) => a + (e.tdur ?? 0), 0)), tasks: tasks.length };
    cpu.push(c);
    log(`  main thread, qs-data -> qs-ready: ${c.wall} ms wall, ${c.cpu} ms CPU in ${c.tasks} tasks`);
    if (CPU_DETAIL) {
      const self = [...selfTimes(events, [from, to])].filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]);
      log(`    self ms: ${self.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    }
  }
  let profile = null;
  if (PROFILE) {
    const sum = { categories: {}, self: new Map(), incl: new Map(), owner: new Map(), outside: new Map(), outsideIncl: new Map() };
    for (let k = 0; k < PROFILED; k++) {
      const p = await withProfile(page, () => refreshOnce(REPS + k), { functions: true });
      // Its figures are not the timed ones (the profiler slows the page).
      refresh.pop();
      breakdowns.pop();
      for (const [c, v] of Object.entries(p.categories)) sum.categories[c] = (sum.categories[c] ?? 0) + v / PROFILED;
      for (const key of ['self', 'incl', 'owner', 'outside', 'outsideIncl']) {
        for (const [f, v] of p.functions[key]) sum[key].set(f, (sum[key].get(f) ?? 0) + v / PROFILED);
      }
    }
    const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([f, v]) => [f, Math.round(10 * v) / 10]);
    profile = {
      categories: sum.categories,
      self: top(sum.self, 40),
      owner: top(sum.owner, 45),
      incl: top(sum.incl, 150),
      outside: top(sum.outside, 60),
      outsideIncl: top(sum.outsideIncl, 200),
    };
    log(`profile (mean of ${PROFILED}): ${Object.entries(profile.categories).map(([c, v]) => `${c} ${Math.round(v)}`).join(', ')}`);
    log('self ms:');
    for (const [f, v] of profile.self) log(`  ${v} ${f}`);
    log('by the innermost app function in the stack, ms:');
    for (const [f, v] of profile.owner) log(`  ${v} ${f}`);
    log('inclusive ms:');
    for (const [f, v] of profile.incl) log(`  ${v} ${f}`);
    log('outside the qs: spans, by the innermost app function (needs `dom::timed` not inlined), ms:');
    for (const [f, v] of profile.outside) log(`  ${v} ${f}`);
  }
  let trace = null;
  if (TRACE) {
    const cats = ['devtools.timeline', 'v8.execute', 'v8', 'blink.user_timing', 'disabled-by-default-devtools.timeline'];
    const events = await withTrace(page, cats, () => refreshOnce(REPS + 1));
    refresh.pop();
    breakdowns.pop();
    const marks = (name) => events.filter((e) => e.name === name && String(e.cat).includes('user_timing')).map((e) => e.ts);
    const from = marks('qs-data').at(-1);
    const to = marks('qs-ready').filter((ts) => ts >= from).at(0);
    const self = [...selfTimes(events, [from, to])].filter(([, v]) => v >= 0.5).sort((a, b) => b[1] - a[1]);
    // The main thread's tasks in the window, in time order (ms after
    // `qs-data`, length, their longest child event): where the gaps are.
    const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
    const tasks = onMain
      .filter((e) => e.name === 'RunTask' && e.ts + e.dur >= from && e.ts <= to && e.dur >= 1000)
      .map((t) => {
        const inner = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.name !== 'RunTask');
        const top = inner.sort((a, b) => b.dur - a.dur)[0];
        return [Math.round((t.ts - from) / 100) / 10, Math.round(t.dur / 100) / 10, top?.name ?? ''];
      });
    trace = { window: (to - from) / 1000, self: Object.fromEntries(self.map(([k, v]) => [k, Math.round(10 * v) / 10])), tasks };
    log(`trace tasks (ms after qs-data, ms, longest event): ${tasks.map((t) => t.join(' ')).join('; ')}`);
    // The frame's work by size: elements restyled, layout objects dirty
    // of those in the layout root's subtree (the whole page when a change
    // reaches the root), ms each.
    const frame = onMain
      .filter((e) => e.ts >= from && e.ts <= to && ['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Commit', 'Layerize'].includes(e.name))
      .map((e) => `${e.name}${e.name === 'UpdateLayoutTree' ? ` ${e.args?.elementCount ?? '?'} el` : ''}${e.name === 'Layout' ? ` ${e.args?.beginData?.dirtyObjects}/${e.args?.beginData?.totalObjects}` : ''} ${(e.dur / 1000).toFixed(1)}`);
    trace.frame = frame;
    log(`trace frame events: ${frame.join('; ')}`);
    log(`trace qs-data -> qs-ready ${Math.round(trace.window)} ms, self: ${self.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }

  // Reopen with the cache filled (stored after the full read; what storing
  // 100k jobs blocked the page for).
  await page.waitForFunction(() => document.documentElement.dataset.cacheStored, null, { timeout: 120_000 });
  const encode = await page.evaluate(() => performance.getEntriesByName('qs:cache-encode').at(-1)?.duration ?? null);
  log(`storing the full read: ${Math.round(encode)} ms to encode it`);
  await call('PUT', '/faults', ['slow:10000@jobs']);
  await page.reload();
  await page.locator('[data-cached-from]').waitFor({ timeout: 60_000 });
  await page.locator('[data-panel="job-status"] .qs-chart-box[data-drawn]').first().waitFor({ timeout: 60_000 });
  const reopen = await page.evaluate(() => ({
    asked: performance.getEntriesByName('qs-cache-asked').at(-1)?.startTime ?? null,
    read: performance.getEntriesByName('qs-cache-read').at(-1)?.startTime ?? null,
    cached: performance.getEntriesByName('qs-cached').at(-1)?.startTime ?? null,
    drawn: performance.now(),
    // Format 2 (records) folded them into columns after decoding; format 3
    // decodes the columns (and checks them).
    fold: performance.getEntriesByName('qs:cache-fold').at(-1)?.duration ?? null,
    decode: performance.getEntriesByName('qs:cache-decode').at(-1)?.duration ?? null,
  }));
  log(
    `reopen: cache asked at ${Math.round(reopen.asked)} ms, read (IndexedDB + decode) by ${Math.round(reopen.read)} ms, ` +
      `prepared by ${Math.round(reopen.cached)} ms (decode ${Math.round(reopen.decode)} ms, fold ${Math.round(reopen.fold)} ms); charts drawn by ${Math.round(reopen.drawn)} ms`,
  );
  await call('PUT', '/faults', []);

  // The median of each span over the refreshes (0 where a refresh lacked it).
  const names = [...new Set(breakdowns.flatMap((b) => Object.keys(b)))];
  const breakdown = Object.fromEntries(
    names.map((n) => [n, Math.round(10 * median(breakdowns.map((b) => b[n] ?? 0))) / 10]).sort((a, b) => b[1] - a[1]),
  );
  log(`median breakdown: ${JSON.stringify(breakdown)}`);
  const ms = refresh.map((r) => r.ms);
  console.log(JSON.stringify({ relative: RELATIVE, jobs: jobsShown, encode, full: { bytes: fullBytes, requests: full.length, responseToReady: fullReady - fullEnd }, refresh, breakdown, refreshMedian: median(ms), refreshP95: p95(ms), cpu, reopen, profile, trace }, null, 2));
} finally {
  await t.close();
}
