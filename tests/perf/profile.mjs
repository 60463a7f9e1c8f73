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

export async function withProfile(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await fn();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return summariseProfile(profile);
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
