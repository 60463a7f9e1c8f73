import { appendFile } from 'node:fs/promises';

// Chrome's sampling profiler (CDP Profiler) around an action, summarised by
// where the time ran (wasm, glue JS, plotly.js, GC, layout) and the top
// functions: browser.mjs and live.mjs `--profile`.

/** Self time of a CDP CPU profile by where it ran, plus the top functions. */
export function summariseProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const cats = {};
  const fns = new Map();
  for (const [id, t] of self) {
    const { functionName: fn, url } = byId.get(id).callFrame;
    let cat;
    if (fn === '(idle)') cat = 'idle';
    else if (fn === '(garbage collector)') cat = 'GC';
    else if (fn === '(program)') cat = '(program): layout, paint, native';
    else if (url.includes('plotly')) cat = 'plotly.js';
    else if (url.startsWith('wasm://') || url.endsWith('.wasm') || /^\$?(wasm-function|func)/.test(fn)) cat = 'wasm (Rust)';
    else if (url.includes('queuescope') || url.endsWith('.js')) cat = 'wasm-bindgen glue + other JS';
    else cat = `native: ${fn || '(anonymous)'}`;
    cats[cat] = (cats[cat] ?? 0) + t;
    const key = `${fn || '(anonymous)'} ${url ? url.split('/').pop().split('?')[0] : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + t);
  }
  const top = [...fns].sort((a, b) => b[1] - a[1]).slice(0, 25);
  return { categories: Object.fromEntries(Object.entries(cats).sort((a, b) => b[1] - a[1])), top };
}

/** Self and inclusive time (ms) per function of a CDP CPU profile. */
export function byFunction(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Rust's v0 names carry each crate's hash (`queuescope[32c3f3cfcd99bc41]::`): dropped, so
  // names compare across builds and the app's own are found by their path.
  const name = (n) =>
    n.callFrame.functionName.replace(/\[[0-9a-f]{8,16}\]/g, '') || `(anonymous ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber})`;
  const self = new Map();
  const incl = new Map();
  // Each sample under the innermost of the app's own functions in its stack
  // (a component, a memo, the glue), or under plotly.js / the browser.
  const owner = new Map();
  // The samples outside every `qs:` span: stacks without `dom::timed`
  // (visible only in a build where it is not inlined), by owner and inclusive.
  const outside = new Map();
  const outsideIncl = new Map();
  const app = (k) => /^queuescope(_core)?::/.test(k);
  const timed = (k) => k.startsWith('queuescope::dom::timed');
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id);
    if (['(idle)', '(program)', '(root)'].includes(n.callFrame.functionName)) return;
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    let own = null;
    for (let at = id; at !== undefined && !own; at = parent.get(at)) {
      const k = name(byId.get(at)).replace(/::h[0-9a-f]{16}$/, '');
      if (app(k)) own = k.replace(/(::\{\{closure\}\})+/, '::{closure}');
    }
    own ??= n.callFrame.url.includes('plotly') ? '(plotly.js, outside the app)' : `(${name(n)})`;
    owner.set(own, (owner.get(own) ?? 0) + dt);
    const seen = new Set();
    let spanned = false;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = name(byId.get(at));
      spanned ||= timed(k);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
    if (!spanned) {
      outside.set(own, (outside.get(own) ?? 0) + dt);
      for (const k of seen) outsideIncl.set(k, (outsideIncl.get(k) ?? 0) + dt);
    }
  });
  return { self, incl, owner, outside, outsideIncl };
}

/**
 * The summary of a CPU profile of the page while `fn` runs; with
 * `functions`, also its time by function ([`byFunction`]).
 */
export async function withProfile(page, fn, { functions = false } = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await fn();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  // QS_PROFILE_DUMP=FILE: each raw profile appended to FILE (one JSON a line).
  if (process.env.QS_PROFILE_DUMP) await appendFile(process.env.QS_PROFILE_DUMP, JSON.stringify(profile) + '\n');
  const summary = summariseProfile(profile);
  return functions ? { ...summary, functions: byFunction(profile) } : summary;
}

/**
 * Self time (ms) by event name of the renderer main thread's complete events
 * (those that start within `window`, [from, to] in the trace's µs, if given).
 */
export function selfTimes(events, window = null, thread = 'CrRendererMain') {
  // The renderer's main thread: the first one named so. Other threads (a
  // worker's, which each reload starts anew): every one of that name.
  const named = events.filter((e) => e.name === 'thread_name' && e.args?.name === thread);
  const threads = new Set((thread === 'CrRendererMain' ? named.slice(0, 1) : named).map((e) => `${e.pid}:${e.tid}`));
  const mine = events
    .filter((e) => threads.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && e.dur !== undefined)
    .filter((e) => !window || (e.ts >= window[0] && e.ts <= window[1]))
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of mine) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur / 1000);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur / 1000);
    stack.push(e);
  }
  return self;
}

/** The trace events (CDP Tracing, `categories`) of the page while `fn` runs. */
export async function withTrace(page, categories, fn) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: categories.join(','), transferMode: 'ReportEvents' });
  await fn();
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  return events;
}
