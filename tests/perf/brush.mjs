// Where one brush's time goes (issue #14 budgets): a real mouse drag over
// Job runs, as tests/perf/browser.mjs does it, timed from the mouseup to
// the next ready, with a timeline of what ran in between. Not a test: it
// prints figures for docs/benchmarks.md.
//
//   node tests/perf/brush.mjs [--jobs 25000] [--reps 8] [--rest MS] [--filter] [--dists NAME=DIR,...]
//
// `--filter`: instead of a brush, the first toggle of a user filter (the
// i-th user's checkbox on, timed from its `change`, then off again, not
// timed): each repetition a user not filtered on before, so each one asks
// for the usage of the runs newly in view, as the first toggle of a run of
// tests/perf/browser.mjs does.
//
// `--rest MS`: the mouse rests MS ms at the end of the drag before the
// release (a user who stops on the span before letting go; browser.mjs's
// drag releases at once).
//
// Per brush, relative to the mouseup's timeStamp (ms):
//   - the usage metrics requests (`fetch` wrapped): sent, headers in, body
//     read (`Response.text()` resolved), and the resource timing's
//     requestStart / responseEnd;
//   - the Long Animation Frame entries' scripts (invoker, start, duration,
//     forced style and layout): the release's handlers (the app's
//     `pointerup`; builds before branch brush2: Plotly's select tool's
//     `mouseup` with its forced style and layout), the
//     `Response.text.then` continuation (the metrics parse and what the
//     brush recomputes), the frames' style and layout;
//   - the app's qs:* spans (analysis, charts, insights, the metrics parse
//     where the build has that span).
// Needs a release dist/ (QUEUESCOPE_DIST or --dists) and demo-backend.

import { WATCH_USAGE_WORKER, openApp, startDemoBackend } from '../e2e/harness.mjs';
import { dists, opt } from './args.mjs';
import { armNextReady } from './ready.mjs';

const JOBS = opt('--jobs', '25000').split(',').map(Number);
const REPS = Number(opt('--reps', '8'));
const REST = Number(opt('--rest', '0'));
const FILTER = process.argv.includes('--filter');
const DISTS = dists();
const QUERY = '?queue=a100-pool&from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z&tz=utc';

// Installed before the app: the metrics requests and the long frames.
const PROBE = () => {
  window.__qsNet = [];
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = String(input?.url ?? input);
    if (!url.includes('/metrics?')) return fetch0.call(this, input, init);
    const rec = { url, sent: performance.now(), runs: (url.split('run_ids=')[1] ?? '').split(',').length };
    window.__qsNet.push(rec);
    return fetch0.call(this, input, init).then((resp) => {
      rec.headers = performance.now();
      // The app reads bodies as bytes (`arrayBuffer`); builds before that
      // read them as text: time whichever the build calls.
      for (const read of ['arrayBuffer', 'text']) {
        const read0 = resp[read].bind(resp);
        resp[read] = () =>
          read0().then((b) => {
            rec.body = performance.now();
            rec.bytes = b.byteLength ?? b.length;
            return b;
          });
      }
      return resp;
    });
  };
  // Builds with the usage worker (branch brush7) hand the request to it
  // and get the answer read (`body`: the answer's message; no headers).
  window.__qsUsageSent = (url) => {
    const rec = { url, sent: performance.now(), runs: (url.split('run_ids=')[1] ?? '').split(',').length, worker: true };
    window.__qsNet.push(rec);
    return rec;
  };
  window.__qsUsageAnswered = (rec) => {
    rec.body = performance.now();
  };
  window.__qsLoaf = [];
  try {
    new PerformanceObserver((l) => window.__qsLoaf.push(...l.getEntries().map((e) => e.toJSON()))).observe({
      type: 'long-animation-frame',
      buffered: true,
    });
  } catch {
    // No LoAF in this browser: the timeline has no scripts.
  }
};

/** The i-th user's first filter on, measured as a brush's release. */
async function filterOnce(page, i) {
  await page.waitForSelector('html[data-app-state="ready"]');
  await arm(page, 'change');
  await armNextReady(page);
  await toggleUser(page, i);
  return measured(page);
}

/** A click on the i-th user's checkbox (in a list that may be folded, as ready.mjs's filter). */
const toggleUser = (page, i) => page.evaluate((i) => document.querySelectorAll('input[type=checkbox][name=user]')[i].click(), i);

/** Clears the probe's records; `event` (capture, once) is the input. */
function arm(page, event) {
  return page.evaluate((event) => {
    window.__qsNet.length = 0;
    window.__qsLoaf.length = 0;
    window.__qsT0 = undefined;
    window.__qsDown = performance.now();
    window.addEventListener(event, (e) => (window.__qsT0 = e.timeStamp), { capture: true, once: true });
  }, event);
}

async function brushOnce(page, f0, f1) {
  await page.locator('[data-panel="job-runs"]').scrollIntoViewIfNeeded();
  const area = page.locator('[data-panel="job-runs"] .nsewdrag').first();
  await area.waitFor();
  await page.waitForSelector('[data-panel="job-runs"] .qs-chart-box[data-drawn="true"]');
  await page.waitForSelector('html[data-app-state="ready"]');
  const box = await area.boundingBox();
  await page.evaluate(() => {
    window.__qsNet.length = 0;
    window.__qsLoaf.length = 0;
    window.__qsT0 = undefined;
    window.__qsDown = undefined;
    window.addEventListener('mousedown', (e) => (window.__qsDown = e.timeStamp), { capture: true, once: true });
    window.addEventListener('mouseup', (e) => (window.__qsT0 = e.timeStamp), { capture: true, once: true });
  });
  await armNextReady(page);
  const x0 = box.x + box.width * f0;
  const x1 = box.x + box.width * f1;
  const y0 = box.y + 2;
  const y1 = box.y + box.height - 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  if (REST > 0) await page.waitForTimeout(REST);
  await page.mouse.up();
  return measured(page);
}

/** What happened from the input (`__qsT0`) to the next ready. */
function measured(page) {
  return page.evaluate(async () => {
    const t1 = await window.__qsNext;
    // The frame after the ready ends its LoAF entry: wait for it.
    await new Promise((r) => setTimeout(r, 300));
    const t0 = window.__qsT0;
    const rel = (x) => (x === undefined ? undefined : Math.round((x - t0) * 10) / 10);
    const spans = performance
      .getEntriesByType('measure')
      .filter((m) => m.name.startsWith('qs:') && m.startTime >= window.__qsDown && m.startTime <= t1)
      .map((m) => ({ name: m.name, at: rel(m.startTime), ms: Math.round(m.duration * 10) / 10 }));
    const res = performance
      .getEntriesByType('resource')
      .filter((r) => r.name.includes('/metrics?') && r.startTime >= window.__qsDown)
      .map((r) => ({ start: rel(r.startTime), requestStart: rel(r.requestStart), responseStart: rel(r.responseStart), end: rel(r.responseEnd) }));
    const net = window.__qsNet.map((n) => ({ runs: n.runs, bytes: n.bytes, sent: rel(n.sent), headers: rel(n.headers), body: rel(n.body) }));
    const frames = window.__qsLoaf
      .filter((f) => f.startTime + f.duration >= window.__qsDown && f.startTime <= t1 + 50)
      .map((f) => ({
        at: rel(f.startTime),
        ms: Math.round(f.duration),
        blocking: Math.round(f.blockingDuration),
        render: rel(f.renderStart),
        styleLayout: rel(f.styleAndLayoutStart),
        end: rel(f.startTime + f.duration),
        scripts: f.scripts.map((s) => ({
          invoker: s.invoker,
          at: rel(s.startTime),
          ms: Math.round(s.duration),
          forced: Math.round(s.forcedStyleAndLayoutDuration),
          fn: s.sourceFunctionName,
        })),
      }));
    return { total: t1 - t0, down: rel(window.__qsDown), spans, res, net, frames };
  });
}

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : undefined;
};

for (const jobs of JOBS) {
  const t = { cleanups: [], after(fn) { this.cleanups.push(fn); }, async close() { for (const f of this.cleanups.reverse()) await f(); } };
  try {
    const api = await startDemoBackend(t, ['--seed', '7', '--jobs', String(jobs), '--page-size', '5000']);
    for (const dist of DISTS) {
      const app = await openApp(t, { config: { api_base: api }, query: QUERY, dist: dist.dir, initScript: [WATCH_USAGE_WORKER, PROBE] });
      await app.waitForState('ready');
      const rows = [];
      for (let i = 0; i < REPS; i++) {
        const r = FILTER ? await filterOnce(app.page, i) : await brushOnce(app.page, 0.4 + 0.02 * i, 0.4 + 0.02 * i + 1 / 7);
        rows.push(r);
        const old = await app.page.evaluate(() => document.documentElement.dataset.renderSeq);
        if (FILTER) await toggleUser(app.page, i);
        else await app.page.click('button[data-clear-brush]');
        await app.page.waitForFunction((old) => document.documentElement.dataset.appState === 'ready' && document.documentElement.dataset.renderSeq !== old, old);
        console.log(`\n--- ${dist.name} ${jobs} ${FILTER ? 'filter' : 'brush'} #${i + 1}: ${r.total.toFixed(1)} ms (mousedown at ${r.down})`);
        for (const n of r.net) console.log(`  metrics fetch: ${n.runs} runs, ${n.bytes} bytes (chars if read as text): sent ${n.sent}, headers ${n.headers}, body ${n.body}`);
        for (const x of r.res) console.log(`  resource: start ${x.start}, requestStart ${x.requestStart}, responseStart ${x.responseStart}, end ${x.end}`);
        for (const f of r.frames) {
          console.log(`  frame at ${f.at}, ${f.ms} ms (blocking ${f.blocking}), style+layout from ${f.styleLayout}, end ${f.end}`);
          for (const s of f.scripts) console.log(`    script ${s.invoker} ${s.fn ?? ''} at ${s.at}: ${s.ms} ms, forced style+layout ${s.forced}`);
        }
        for (const s of r.spans) console.log(`  span ${s.name} at ${s.at}: ${s.ms}`);
      }
      const tot = rows.map((r) => r.total);
      const body = rows.map((r) => Math.max(...r.net.map((n) => n.body ?? -1)));
      const sent = rows.map((r) => Math.min(...r.net.map((n) => n.sent ?? Infinity)));
      const release = (s) => /mouseup|pointerup/.test(s.invoker ?? '');
      const upMs = rows.map((r) => r.frames.flatMap((f) => f.scripts).filter(release).reduce((a, s) => a + s.ms, 0));
      const forced = rows.map((r) => r.frames.flatMap((f) => f.scripts).filter(release).reduce((a, s) => a + s.forced, 0));
      const then = rows.map((r) => r.frames.flatMap((f) => f.scripts).filter((s) => s.invoker?.includes('then')).reduce((a, s) => a + s.ms, 0));
      console.log(`\n=== ${dist.name} ${jobs}: median total ${median(tot)?.toFixed(1)}, metrics sent ${median(sent)}, body read ${median(body)}, release scripts ${median(upMs)} (forced ${median(forced)}), promise continuations ${median(then)}`);
      const spanNames = [...new Set(rows.flatMap((r) => r.spans.map((s) => s.name)))];
      for (const n of spanNames) {
        console.log(`  span ${n}: median ${median(rows.map((r) => r.spans.filter((s) => s.name === n).reduce((a, s) => a + s.ms, 0)))}`);
      }
    }
  } finally {
    await t.close();
  }
}
