// Browser timings of Queuescope in headless Chromium (issues 4 and 14).
// Not a test (scripts/test.sh does not run it): it prints figures for
// docs/benchmarks.md ("## Browser (headless Chromium)").
//
//   node tests/perf/browser.mjs [--jobs 25000,250000] [--reps 5] [--profile]
//                               [--cap SECONDS] [--json OUT.json] [--no-usage]
//                               [--running-browser] [--revisit] [--press MS]
//                               [--dists NAME=DIR,NAME=DIR]
//
// Needs RELEASE builds of the app as served (debug wasm is 10-50x slower):
//   scripts/build.sh --dist /tmp/dist-perf
//   QUEUESCOPE_DIST=/tmp/dist-perf node tests/perf/browser.mjs
// and `cargo build --release -p demo-backend`. `--dists before=DIR,after=DIR`
// measures several builds in one run, against the same backend, one after
// the other for each job count (so they see the same machine), and ends
// with a table of them side by side.
//
// For each `--jobs N` it starts `demo-backend --seed 7 --jobs N
// --page-size 5000` (N jobs over its three queues), opens the a100-pool
// queue on the 7 days before the data's fixed "now" (absolute from/to, UTC,
// auto buckets = 1 h) and measures:
//
//   load      navigation start -> first ready, split by the app's
//             performance marks (qs-config, qs-source, qs-fetch-start,
//             qs-data, qs-prepared, qs-ready), the resource timings of
//             the jobs pages (network, the gaps between pages) and of the
//             usage metrics requests, and the app's per-page spans
//             (qs:page-envelope, qs:page-records: reading the pages in
//             wasm, overlapping the next page's download);
//   memory    the wasm linear memory (WebAssembly.Memory buffer size, which
//             only ever grows: the high-water mark) after the first ready
//             and after all interactions;
//   regroup   select[name=group] change (project <-> user);
//   filter    one user checkbox on, then off again;
//   brush     a real mouse drag (the app's brush) over ~1 day of Job runs,
//             then "Clear selection";
//   zoom      the mode bar's "Zoom in" on Job runs, then "Autoscale";
//   usage     once, last: the Insights panel's "Load the usage of the
//             other N runs" (batches of 100 run ids) until every run's
//             usage is loaded, with the number of metrics requests.
//
// Each interaction is timed inside the page on performance.now()'s clock
// (with the app's qs:* spans and, as net:metrics, the usage metrics
// requests it had to wait for):
// from the input event's timeStamp (the mouseup of a drag; the event's own
// time, so handlers that run before the script's listener still count) to
// the next data-app-state=ready with a higher data-render-seq, i.e. every
// panel updated. Medians and p95 (nearest rank: the ceil(0.95 n)-th
// smallest) of --reps repetitions. With --profile, a second page load and one
// repetition of each interaction run under Chrome's sampling profiler (CDP
// Profiler.start/stop) and the self time is summed by where it ran
// (wasm, plotly.js, wasm-bindgen glue, GC, layout/paint "(program)").

import os from 'node:os';
import { writeFile } from 'node:fs/promises';
import { launchBrowser, openApp, resourceTimings, serveHosted, startDemoBackend } from '../e2e/harness.mjs';
import { args, dists, opt } from './args.mjs';
import { withProfile } from './profile.mjs';
import { runsDrag } from './ready.mjs';
import { scope } from './scope.mjs';

const JOBS = opt('--jobs', '25000,250000').split(',').map(Number);
const REPS = Number(opt('--reps', '5'));
const PROFILE = args.includes('--profile');
// --no-usage: skip the last step (loading every run's usage: 1-2 min at 100k).
const USAGE = !args.includes('--no-usage');
const JSON_OUT = opt('--json', null);
const DISTS = dists();
const CAP_S = Number(opt('--cap', '120'));
// --running-browser: each build's load is a first visit (a new context: no
// HTTP cache, compiled code or IndexedDB) in a Chromium started before and
// used for a page that is not the app (the demo backend's /queues), as when
// a user opens the dashboard in a browser already running. Default: a
// freshly started Chromium per load, whose own start is part of the load.
const RUNNING_BROWSER = args.includes('--running-browser');
// --revisit: a returning user. dist/ is served as a host serves it (hashed
// files cached for good), a first visit in the same browser profile does
// every step twice untimed and waits REVISIT_WAIT_MS (V8 writes the code
// it compiled for the wasm into the HTTP cache a while after its last
// top-tier compile), then the same address is opened again and measured.
// Without it every load is a browser's first visit of this build: the
// first repetition of each kind pays V8's lazy compiles of the code it
// runs first (filter.mjs --v8 names them).
const REVISIT = args.includes('--revisit');
// --press MS: filter toggles are a mouse's press on the user's row, held MS
// ms (a person's click holds ~80-120 ms), instead of a script's click().
const PRESS = Number(opt('--press', '0'));
const REVISIT_WAIT_MS = 8000;
const log = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const SEED = '7';
const QUEUE = 'a100-pool';
// The demo data's fixed "now" is 2026-11-28T09:00:00Z: the 7 days before it.
const FROM = '2026-11-21T09:00:00Z';
const TO = '2026-11-28T09:00:00Z';
const QUERY = `?queue=${QUEUE}&from=${FROM}&to=${TO}&tz=utc`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank p95: the ceil(0.95 n)-th smallest. */
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1];
const ms = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : `${Math.round(x)} ms`);
const mb = (x) => (x === undefined || x === null ? '—' : `${(x / 1e6).toFixed(1)} MB`);

/**
 * Runs in the page before its scripts: keeps the wasm instance's exports
 * trunk's loader announces (`TrunkApplicationStarted`), for the memory size.
 */
const MEMORY_HOOK = `addEventListener('TrunkApplicationStarted', (e) => { window.__qsWasm = e.detail?.wasm; });`;

/** Bytes of the app's wasm linear memory now (null when not found). */
function wasmMemory(page) {
  return page.evaluate(() => window.__qsWasm?.memory?.buffer?.byteLength ?? null);
}

/**
 * Installs, inside the page, a promise for the next ready after the current
 * data-render-seq (window.__qsNext resolves to performance.now() then), and
 * a one-shot capture listener that takes the timeStamp of the next `event`
 * (window.__qsT0), so the clock starts at the input event itself.
 */
async function armNextReady(page, event) {
  await page.evaluate(([event, capMs]) => {
    const html = document.documentElement;
    const old = Number(html.getAttribute('data-render-seq') ?? 0);
    window.__qsT0 = undefined;
    if (event) {
      window.addEventListener(event, (e) => (window.__qsT0 = e.timeStamp), {
        capture: true,
        once: true,
      });
    }
    window.__qsNext = new Promise((resolve, reject) => {
      const check = () => {
        if (html.getAttribute('data-app-state') === 'ready' && Number(html.getAttribute('data-render-seq')) > old) {
          obs.disconnect();
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      const obs = new MutationObserver(check);
      obs.observe(html, { attributes: true });
      const timer = setTimeout(() => {
        obs.disconnect();
        reject(new Error(`no ready after seq ${old} within ${capMs / 1000} s`));
      }, capMs);
    });
    // Awaited by elapsed(); this keeps a timeout from counting as a page error too.
    window.__qsNext.catch(() => {});
  }, [event, CAP_S * 1000]);
}

/**
 * Milliseconds from the armed input event to the next ready; also files
 * the app's `qs:*` measures (dom::timed spans) taken in between under
 * `spans[name]`, summed per span name.
 */
async function elapsed(page) {
  const { t0, t1, spans } = await page.evaluate(async () => {
    const t1 = await window.__qsNext;
    const t0 = window.__qsT0;
    const spans = {};
    for (const m of performance.getEntriesByType('measure')) {
      if (m.name.startsWith('qs:') && m.startTime >= t0 && m.startTime <= t1) {
        spans[m.name] = (spans[m.name] ?? 0) + m.duration;
      }
    }
    return { t0, t1, spans };
  });
  lastSpans = spans;
  lastWindow = { t0, t1 };
  return t1 - t0;
}
/** The page-clock window (`t0`, `t1`) of the last timed interaction. */
let lastWindow = { t0: 0, t1: 0 };

/**
 * Files the usage metrics the last interaction had to fetch (runs not
 * cached yet) with its spans: request to response end, and when the last
 * answer came. They go through the usage worker (src/api/usage-worker.js)
 * where it runs, so the page's and its workers' timings are read, on the
 * page's clock.
 */
async function netSpans(page) {
  const { t0, t1 } = lastWindow;
  for (const r of await metricsTimings(page)) {
    if (r.startTime >= t0 && r.startTime <= t1) {
      lastSpans['qs:net:metrics'] = (lastSpans['qs:net:metrics'] ?? 0) + (r.responseEnd - r.startTime);
      lastSpans['qs:net:metrics-done-at'] = Math.max(lastSpans['qs:net:metrics-done-at'] ?? 0, r.responseEnd - t0);
    }
  }
}

/**
 * The usage metrics requests' resource timings, the page's and its
 * workers' (`harness.resourceTimings`), with every buffer made large
 * enough for a whole run first (the default holds 250 entries).
 */
async function metricsTimings(page) {
  const grow = () => performance.setResourceTimingBufferSize(10_000);
  await Promise.all([page.evaluate(grow), ...page.workers().map((w) => w.evaluate(grow).catch(() => {}))]);
  return (await resourceTimings(page)).filter((r) => r.name.includes('/metrics?'));
}
/** The spans of the last timed interaction. */
let lastSpans = {};

/**
 * The renderer's own accounting (CDP `Performance.getMetrics`, cumulative
 * seconds): style recalculation, layout, script and all tasks. One session
 * per page, enabled on first use.
 */
const perfSessions = new WeakMap();
async function rendererMetrics(page) {
  let cdp = perfSessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    perfSessions.set(page, cdp);
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}
/** Renderer time between two `rendererMetrics` readings, as `qs:renderer-*` spans (ms). */
function rendererSpans(a, b) {
  const d = (name) => Math.max(0, (b[name] - a[name]) * 1000);
  return {
    'qs:renderer-style': d('RecalcStyleDuration'),
    'qs:renderer-layout': d('LayoutDuration'),
    'qs:renderer-script': d('ScriptDuration'),
    'qs:renderer-tasks': d('TaskDuration'),
  };
}

/**
 * Runs `act` (which fires `event` in the page) and times it to the next
 * ready; the renderer's style, layout, script and task time around it
 * (from before the action to after the ready, so a little wider than the
 * timed span) join the app's spans as `qs:renderer-*`.
 */
async function timed(page, event, act) {
  await armNextReady(page, event);
  const before = await rendererMetrics(page);
  await act();
  const dt = await elapsed(page);
  Object.assign(lastSpans, rendererSpans(before, await rendererMetrics(page)));
  await netSpans(page);
  return dt;
}

/** Changes select[name=group] to `value` (a real `change` event). */
function regroup(page, value) {
  return timed(page, 'change', () =>
    page.evaluate((value) => {
      const sel = document.querySelector('select[name=group]');
      sel.value = value;
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    }, value),
  );
}

/**
 * Toggles the user checkbox `value` (click → change). With `--press MS`, as
 * a mouse does: the user list opened first (untimed), then a press on the
 * value's row held MS ms and released (the click, whose `change` starts the
 * clock as before: what happens at the press is the app's head start).
 */
async function toggleUser(page, value) {
  if (!PRESS) {
    return timed(page, 'change', () =>
      page.evaluate((value) => {
        document.querySelector(`input[type=checkbox][name=user][value="${CSS.escape(value)}"]`).click();
      }, value),
    );
  }
  const list = page.locator('details[data-filter=user]');
  if (!(await list.evaluate((d) => d.open))) await list.locator('summary').click();
  const row = list.locator(`li:has(input[value="${value}"]) .qs-multi-name`);
  await row.scrollIntoViewIfNeeded();
  const box = await row.boundingBox();
  return timed(page, 'change', async () => {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(PRESS);
    await page.mouse.up();
  });
}

/**
 * Drags a select box over Job runs from fraction f0 to f1 of the plot width,
 * over the full lane height (Plotly's select drag: down, moves, up).
 */
async function brush(page, f0, f1) {
  return timed(page, 'mouseup', await runsDrag(page, f0, f1));
}

function clearBrush(page) {
  return timed(page, 'click', () => page.click('button[data-clear-brush]'));
}

/** Clicks a button of Job runs' mode bar ("Zoom in", "Autoscale"). */
function modeBar(page, title) {
  const button = page.locator(`[data-panel="job-runs"] .modebar-btn[data-title="${title}"]`);
  return timed(page, 'click', async () => {
    await button.hover();
    await button.click();
  });
}

/** The load's marks and resource timings, as numbers since navigation start. */
async function loadTimings(page) {
  const t = await page.evaluate(() => {
    const marks = {};
    for (const m of performance.getEntriesByType('mark')) {
      (marks[m.name] ??= []).push(m.startTime);
    }
    const nav = performance.getEntriesByType('navigation')[0];
    return { marks, domContentLoaded: nav?.domContentLoadedEventEnd };
  });
  // The page's and the fetching worker's (the jobs pages).
  const res = (await resourceTimings(page)).map((r) => ({
    name: r.name,
    start: r.startTime,
    requestStart: r.requestStart,
    responseStart: r.responseStart,
    end: r.responseEnd,
    bytes: r.encodedBodySize,
  }));
  return { ...t, res };
}

function summariseLoad(t, spans = {}) {
  const first = (name) => t.marks[name]?.[0];
  const data = first('qs-data');
  const ready = (t.marks['qs-ready'] ?? []).find((x) => x >= (data ?? 0));
  const pages = t.res.filter((r) => r.name.includes('/jobs?')).sort((a, b) => a.start - b.start);
  let network = 0;
  let between = 0;
  pages.forEach((p, i) => {
    network += p.end - p.start;
    between += (pages[i + 1]?.start ?? data) - p.end;
  });
  const metrics = t.res.filter((r) => r.name.includes('/metrics?'));
  const wasm = t.res.find((r) => r.name.endsWith('.wasm'));
  const plotly = t.res.find((r) => r.name.includes('plotly'));
  const lastPage = pages.at(-1)?.end;
  const reading = (spans['qs:page-envelope'] ?? 0) + (spans['qs:page-records'] ?? 0);
  return {
    total: ready,
    wasmLoaded: wasm?.end,
    plotlyLoaded: plotly?.end,
    config: first('qs-config'),
    fetchStart: first('qs-fetch-start'),
    pages: pages.length,
    network,
    parse: between,
    // Reading the pages in wasm (the app's spans; 0 before they existed).
    reading,
    // First page requested -> last page's response end: the download,
    // with whatever reading did not overlap it.
    pagesWall: pages.length ? lastPage - pages[0].start : undefined,
    data,
    prepared: first('qs-prepared'),
    lastPage,
    metricsRequests: metrics.length,
    metricsTime: metrics.reduce((s, m) => s + (m.end - m.start), 0),
    dataToReady: ready - data,
    dataToPrepared: first('qs-prepared') ? first('qs-prepared') - data : undefined,
    lastPageToReady: ready - lastPage,
    preparedToReady: first('qs-prepared') ? ready - first('qs-prepared') : undefined,
  };
}

/** The timed interactions, in pairs of kinds, each `[name, act(i)]`. */
const steps = (page, user) => [
  [['regroup', () => regroup(page, 'project')], ['ungroup', () => regroup(page, 'user')]],
  [['filterOn', () => toggleUser(page, user)], ['filterOff', () => toggleUser(page, user)]],
  // Brushes move a little each time, so no two draws are identical.
  [['brush', (i) => brush(page, 0.4 + 0.02 * i, 0.4 + 0.02 * i + 1 / 7)], ['clearBrush', () => clearBrush(page)]],
  [['zoomIn', () => modeBar(page, 'Zoom in')], ['zoomOut', () => modeBar(page, 'Autoscale')]],
];

async function scenario(jobs, api, dist, browser = null) {
  const t = scope(`perf-${jobs}-${dist.name}`);
  const out = { jobs, dist: dist.name, loadavg: os.loadavg() };
  try {
    const app = REVISIT
      ? await openApp(t, {
          url: `${await serveHosted(t, { config: { api_base: api }, dist: dist.dir })}/tools/queues/${QUERY}`,
          initScript: MEMORY_HOOK,
          browser,
        })
      : await openApp(t, {
          config: { api_base: api },
          query: QUERY,
          dist: dist.dir,
          initScript: MEMORY_HOOK,
          browser,
        });
    await app.waitForState('ready');
    if (REVISIT) {
      // The earlier visit: every step twice, untimed, then a wait for V8's
      // code cache, then the same address again in the same profile.
      const user = await app.page.evaluate(() => document.querySelector('input[type=checkbox][name=user]')?.value);
      for (const pair of steps(app.page, user)) {
        for (let i = 0; i < 2; i++) for (const [, act] of pair) await act(i);
      }
      await app.page.waitForTimeout(REVISIT_WAIT_MS);
      await app.page.goto(app.url);
      await app.waitForState('ready');
      log(`${jobs}: revisited`);
    }
    log(`${jobs}: loaded`);
    const { page } = app;
    out.memory = { afterReady: await wasmMemory(page) };
    // The cache store runs when the page is idle after the first ready;
    // its encoding counts towards the high-water mark too.
    out.memory.stored = await page
      .waitForSelector('html[data-cache-stored]', { state: 'attached', timeout: 20000 })
      .then(() => true, () => false);
    out.memory.afterStore = await wasmMemory(page);
    // The app's `qs-mem:<stage>:<bytes>` marks, in order.
    out.memory.stages = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('qs-mem:'))
        .map((m) => {
          const [, stage, bytes] = m.name.split(':');
          return { stage, bytes: Number(bytes), at: m.startTime };
        }),
    );
    out.loadSpans = await page.evaluate(() => {
      const spans = {};
      for (const m of performance.getEntriesByType('measure')) {
        if (m.name.startsWith('qs:')) spans[m.name] = (spans[m.name] ?? 0) + m.duration;
      }
      return spans;
    });
    out.load = summariseLoad(await loadTimings(page), out.loadSpans);
    out.view = await page.evaluate(() => ({
      summary: [...document.querySelectorAll('[data-summary] .qs-figure')].map((f) => f.innerText.replace(/\s+/g, ' ')),
      runs: document.querySelector('[data-panel="job-runs"] .qs-sub')?.innerText,
      users: [...document.querySelectorAll('input[type=checkbox][name=user]')].map((c) => c.value),
    }));
    const user = out.view.users[0];

    // One kind of interaction after the other, the brush last: an action
    // that does not settle within --cap seconds ends the scenario (the page
    // is still busy with it, so later figures would be wrong).
    const rep = { regroup: [], ungroup: [], filterOn: [], filterOff: [], brush: [], clearBrush: [], zoomIn: [], zoomOut: [] };
    out.reps = rep;
    out.spans = {};
    let stopped = false;
    for (const pair of steps(page, user)) {
      for (let i = 0; i < REPS && !stopped; i++) {
        for (const [name, act] of pair) {
          try {
            rep[name].push(await act(i));
          } catch (e) {
            out.stopped = `${name} #${i + 1}: ${e.message}`;
            stopped = true;
            break;
          }
          (out.spans[name] ??= []).push(lastSpans);
          log(`${jobs}: ${name} #${i + 1} ${Math.round(rep[name].at(-1))} ms`);
          if (name === 'brush' && i === 0) {
            out.brushed = await page.evaluate(() => document.querySelector('[data-panel="job-runs"] .qs-sub')?.innerText);
          }
        }
      }
    }
    out.memory.afterAll = await wasmMemory(page);
    if (USAGE && !stopped && (await page.locator('[data-usage-load-rest]').count()) > 0) {
      // Once: loading every run's usage for the under-used GPUs.
      const before = (await metricsTimings(page)).length;
      try {
        rep.usage = [await timed(page, 'click', () => page.click('[data-usage-load-rest]'))];
        (out.spans.usage ??= []).push(lastSpans);
        out.usage = {
          progress: await page.evaluate(() => document.querySelector('[data-usage-progress]')?.innerText),
          requests: (await metricsTimings(page)).length - before,
        };
        log(`${jobs}: usage ${Math.round(rep.usage[0])} ms, ${out.usage.requests} requests`);
      } catch (e) {
        out.stopped = `usage: ${e.message}`;
        stopped = true;
      }
    }
    out.median = Object.fromEntries(Object.entries(rep).filter(([, v]) => v.length).map(([k, v]) => [k, median(v)]));
    out.p95 = Object.fromEntries(Object.entries(rep).filter(([, v]) => v.length).map(([k, v]) => [k, p95(v)]));
    out.loadavgAfter = os.loadavg();

    if (PROFILE && !stopped) {
      out.profile = {};
      out.profile.load = await withProfile(page, async () => {
        await armNextReady(page, null);
        await page.reload();
        await app.waitForState('ready');
      });
      out.profile.regroup = await withProfile(page, () => regroup(page, 'project'));
      out.profile.filter = await withProfile(page, () => toggleUser(page, user));
      await toggleUser(page, user);
      out.profile.brush = await withProfile(page, () => brush(page, 0.4, 0.4 + 1 / 7));
    }
  } finally {
    await t.close();
  }
  return out;
}

function report(r) {
  const l = r.load;
  const la = (x) => x.map((v) => v.toFixed(2)).join(' ');
  console.log(`\n=== ${r.dist}: demo-backend --seed ${SEED} --jobs ${r.jobs}: ${QUEUE} ${FROM} .. ${TO}`);
  console.log(`load average before ${la(r.loadavg)}, after ${la(r.loadavgAfter ?? os.loadavg())}`);
  console.log(`view: ${r.view.summary.join(' | ')}`);
  console.log(`runs: ${r.view.runs}`);
  console.log(
    `load: total ${ms(l.total)} from navigation start; wasm loaded ${ms(l.wasmLoaded)}, config ${ms(l.config)}, ` +
      `fetch start ${ms(l.fetchStart)}`,
  );
  console.log(
    `      ${l.pages} job pages: first request -> last response ${ms(l.pagesWall)}; network ${ms(l.network)} summed, ` +
      `gaps between/after pages ${ms(l.parse)}, reading in wasm ${ms(l.reading)} (qs:page-* spans); ` +
      `qs-data ${ms(l.data)}, qs-prepared ${ms(l.prepared)}`,
  );
  console.log(
    `      data -> ready ${ms(l.dataToReady)} (data -> prepared ${ms(l.dataToPrepared)}, prepared -> ready ${ms(l.preparedToReady)}; ` +
      `last page's response -> ready ${ms(l.lastPageToReady)}); ` +
      `${l.metricsRequests} metrics requests (${ms(l.metricsTime)} summed)`,
  );
  console.log(
    `memory: wasm linear memory ${mb(r.memory?.afterReady)} after the first ready, ` +
      `${mb(r.memory?.afterStore)} after the cache store${r.memory?.stored ? '' : ' (not seen)'}, ` +
      `${mb(r.memory?.afterAll)} after the interactions`,
  );
  if (r.memory?.stages?.length) {
    console.log(`        by stage: ${r.memory.stages.map((s) => `${s.stage} ${mb(s.bytes)} at ${ms(s.at)}`).join(', ')}`);
  }
  console.log(`brush selects: ${r.brushed}`);
  if (r.usage) console.log(`usage: ${r.usage.progress} in ${r.usage.requests} metrics requests`);
  if (r.stopped) console.log(`STOPPED at ${r.stopped}`);
  const spanText = (spans) =>
    Object.entries(spans)
      .filter(([, t]) => t >= 1)
      .sort((a, b) => b[1] - a[1])
      .map(([n, t]) => `${n.slice(3)} ${Math.round(t)}`)
      .join(', ');
  console.log(`  app spans of the load (ms): ${spanText(r.loadSpans ?? {})}`);
  for (const [k, v] of Object.entries(r.median)) {
    console.log(`  ${k.padEnd(10)} median ${ms(v)}  p95 ${ms(r.p95[k])}   [${r.reps[k].map((x) => Math.round(x)).join(', ')}]`);
    // Span medians over the repetitions.
    const names = new Set((r.spans[k] ?? []).flatMap((s) => Object.keys(s)));
    const med = Object.fromEntries([...names].map((n) => [n, median(r.spans[k].map((s) => s[n] ?? 0))]));
    if (names.size) console.log(`             app spans, median ms: ${spanText(med)}`);
  }
  if (r.profile) {
    for (const [what, p] of Object.entries(r.profile)) {
      console.log(`  profile ${what}: ` + Object.entries(p.categories).map(([c, t]) => `${c} ${Math.round(t)}`).join(', '));
      for (const [f, t] of p.top.slice(0, 12)) console.log(`      ${Math.round(t).toString().padStart(6)} ms  ${f}`);
    }
  }
}

/** The builds side by side for one job count: p95 (median) of each figure. */
function compare(rs) {
  const rows = [
    ['navigation → first ready', (r) => [r.load.total]],
    ['data arrival → ready', (r) => [r.load.dataToReady]],
    ...Object.keys(rs[0].reps).map((k) => [k, (r) => [r.p95?.[k], r.median?.[k]]]),
  ];
  console.log(`\n=== ${rs[0].jobs} jobs: ${rs.map((r) => r.dist).join(' | ')} (p95 (median) of ${REPS})`);
  for (const [name, f] of rows) {
    const cells = rs.map((r) => {
      const [a, b] = f(r);
      return b === undefined ? ms(a) : `${ms(a)} (${ms(b)})`;
    });
    console.log(`  ${name.padEnd(26)} ${cells.map((c) => c.padEnd(22)).join(' ')}`);
  }
  for (const [name, k] of [['wasm memory, first ready', 'afterReady'], ['wasm memory, cache stored', 'afterStore']]) {
    console.log(`  ${name.padEnd(26)} ${rs.map((r) => mb(r.memory?.[k]).padEnd(22)).join(' ')}`);
  }
}

/** A Chromium started and used for a page that is not the app (`--running-browser`). */
async function runningBrowser(t, api) {
  const browser = await launchBrowser(t);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${api}/queues`);
  await context.close();
  return browser;
}

const results = [];
const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(
  `dists ${DISTS.map((d) => `${d.name}=${d.dir}`).join(', ')}; ` +
    `${REVISIT ? 'returning visits' : RUNNING_BROWSER ? 'first visits in a running browser' : 'first visits in a freshly started browser'}; ` +
    `${os.cpus().length} cores, load average before: ${load}`,
);
for (const jobs of JOBS) {
  const t = scope(`backend-${jobs}`);
  try {
    const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', String(jobs), '--page-size', '5000']);
    const rs = [];
    for (const dist of DISTS) {
      const b = scope(`browser-${jobs}-${dist.name}`);
      let r;
      try {
        r = await scenario(jobs, api, dist, RUNNING_BROWSER ? await runningBrowser(b, api) : null);
      } finally {
        await b.close();
      }
      report(r);
      rs.push(r);
      results.push(r);
    }
    compare(rs);
  } finally {
    await t.close();
  }
}
console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (JSON_OUT) await writeFile(JSON_OUT, JSON.stringify({ load, results }, null, 2));
