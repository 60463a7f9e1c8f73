// A user's first visit at ~100k jobs (issue #14 "navigation -> first
// ready"), load by load: each load is a new browser context (a new renderer
// process: no HTTP cache, no compiled code, no IndexedDB) of one running
// Chromium, or with --fresh a Chromium started for that load. The builds of
// --dists are alternated load by load (b, a, b, a, ...), so they see the
// same machine. Not a test: it prints figures for docs/benchmarks.md.
//
//   node tests/perf/first-visit.mjs [--jobs 250000] [--reps 5] [--fresh] [--trace]
//                                   [--dists before=/work/dist-main,after=dist]
//                                   [--hosted NAME[:ENC+ENC],...] [--net MBPS,RTT_MS]
//                                   [--gzip-jobs]
//
// A dist is served as a plain static host serves it (serveDist: every file
// as it is), or, when its name is in --hosted, as a CDN or nginx with the
// build's precompressed copies does (serveHosted: brotli to Chromium;
// `NAME:gzip` sends only the gzip copies, as nginx without ngx_brotli). The
// same folder may be given under several names (`--dists plain=dist,
// gz=dist,br=dist --hosted gz:gzip,br`). --net emulates the browser's link (CDP
// Network.emulateNetworkConditions: MBPS megabits a second each way and
// RTT_MS of latency) for every request, the jobs pages too. --gzip-jobs
// has demo-backend send the jobs pages gzip-compressed (its `gzip` fault:
// as queuescope-bridge and compressing proxies send them).
//
// Per load, ms from navigation start (the page's clock): plotly.js's
// response end and, with --trace, when its script ran (start+duration on
// the main thread), the wasm's response end, the app's marks (qs-config,
// qs-fetch-start, qs-data, qs-ready), and with --trace the app renderer's
// main-thread busy time per stage with its biggest self times (CDP Tracing
// of the whole browser, cut to the app's renderer process). Then medians
// per build. Needs a release dist/ and target/release/demo-backend.

import os from 'node:os';
import { launchBrowser, serveDist, serveHosted, startDemoBackend } from '../e2e/harness.mjs';
import { args, dists, opt } from './args.mjs';
import { selfTimes } from './profile.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '250000'));
const REPS = Number(opt('--reps', '5'));
const FRESH = args.includes('--fresh');
const TRACE = args.includes('--trace');
const DISTS = dists();
/** Dist name -> the encodings its host sends (br and gzip unless named). */
const HOSTED = new Map(
  (opt('--hosted', '') || '')
    .split(',')
    .filter(Boolean)
    .map((h) => {
      const [name, encs] = h.split(':');
      return [name, encs ? encs.split('+') : ['br', 'gzip']];
    }),
);
const NET = opt('--net', null)?.split(',').map(Number) ?? null;
const GZIP_JOBS = args.includes('--gzip-jobs');
const QUERY = '?queue=a100-pool&from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z&tz=utc';
const STAGES = ['qs-config', 'qs-fetch-start', 'qs-data', 'qs-ready'];
const CATEGORIES = [
  'devtools.timeline',
  'v8.execute',
  'v8',
  'v8.wasm',
  'blink.user_timing',
  'loading',
  'disabled-by-default-devtools.timeline',
];
const TIMEOUT = 120_000;

const ms = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : String(Math.round(x)));
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!s.length) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** What the page knows of its load: marks and resource ends, ms since navigation. */
async function pageTimings(page) {
  return page.evaluate((stages) => {
    const mark = (n) => performance.getEntriesByName(n, 'mark')[0]?.startTime;
    const res = performance.getEntriesByType('resource');
    const end = (test) => res.find((r) => test(r.name))?.responseEnd;
    const data = mark('qs-data');
    const ready = performance
      .getEntriesByName('qs-ready', 'mark')
      .map((m) => m.startTime)
      .find((t) => t >= (data ?? 0));
    const out = Object.fromEntries(stages.map((s) => [s, mark(s)]));
    out['qs-ready'] = ready;
    out.plotlyLoaded = end((n) => n.includes('plotly'));
    out.wasmLoaded = end((n) => n.endsWith('.wasm'));
    out.firstJobs = res.find((r) => r.name.includes('/jobs?'))?.startTime;
    // The app's own files as they came over the wire (the page's origin).
    out.appKB = res.filter((r) => r.name.startsWith(location.origin)).reduce((n, r) => n + r.encodedBodySize, 0) / 1000;
    return out;
  }, STAGES);
}

/** The app renderer's main thread in a whole-browser trace, split at the app's marks. */
function traceSummary(events, t) {
  const config = events.find((e) => e.name === 'qs-config' && e.cat?.includes('user_timing'));
  if (!config) return null;
  const pid = config.pid;
  const mine = events.filter((e) => e.pid === pid);
  // Trace µs -> the page's ms: the qs-config mark is on both clocks.
  const toPage = (ts) => (ts - config.ts) / 1000 + t['qs-config'];
  const fromPage = (x) => (x - t['qs-config']) * 1000 + config.ts;
  const evalPlotly = mine.find((e) => e.name === 'EvaluateScript' && e.args?.data?.url?.includes('plotly'));
  const bounds = [['navigation', 0], ...STAGES.map((s) => [s, t[s]])].filter(([, x]) => x !== undefined);
  const windows = [];
  for (let i = 1; i < bounds.length; i++) {
    const self = [...selfTimes(mine, [fromPage(bounds[i - 1][1]), fromPage(bounds[i][1])])]
      .filter(([, v]) => v >= 3)
      .sort((a, b) => b[1] - a[1]);
    const busy = self.reduce((s, [, v]) => s + v, 0);
    windows.push({ window: `${bounds[i - 1][0]} -> ${bounds[i][0]}`, busy, top: self.slice(0, 8) });
  }
  // The main thread's tasks of 10 ms or more between qs-config and qs-fetch-start,
  // each with the longest event inside it.
  const main = mine.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = mine.filter((e) => main && e.tid === main.tid && e.ph === 'X');
  const [c, f] = [fromPage(t['qs-config']), fromPage(t['qs-fetch-start'])];
  const tasks = onMain
    .filter((e) => e.name === 'RunTask' && e.dur >= 10000 && e.ts + e.dur >= c && e.ts <= f)
    .map((e) => {
      const inner = onMain
        .filter((x) => x !== e && x.ts >= e.ts && x.ts + x.dur <= e.ts + e.dur && x.name !== 'RunTask')
        .sort((a, b) => b.dur - a.dur)[0];
      const what = inner ? `${inner.name}${inner.args?.data?.url ? ` ${inner.args.data.url.split('/').pop().slice(0, 24)}` : ''}` : '';
      return `${ms(toPage(e.ts))}+${ms(e.dur / 1000)} ${what}`;
    });
  return {
    plotlyRan: evalPlotly ? [toPage(evalPlotly.ts), evalPlotly.dur / 1000] : null,
    windows,
    tasks,
  };
}

async function oneLoad(browser, base) {
  const s = scope('load');
  try {
    let b = browser;
    if (FRESH) b = await launchBrowser(s);
    const context = await b.newContext({ timezoneId: 'UTC', locale: 'en-US', viewport: { width: 1400, height: 1000 } });
    s.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    if (NET) {
      const net = await context.newCDPSession(page);
      const bytes = (NET[0] * 1e6) / 8;
      await net.send('Network.enable');
      await net.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: NET[1] ?? 0,
        downloadThroughput: bytes,
        uploadThroughput: bytes,
      });
    }
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let cdp = null;
    const events = [];
    let done = null;
    if (TRACE) {
      cdp = await b.newBrowserCDPSession();
      cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
      done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.start', { categories: CATEGORIES.join(','), transferMode: 'ReportEvents' });
    }
    await page.goto(`${base}/${QUERY}`);
    await page.waitForSelector('html[data-app-state="ready"]:not([data-url-pending])', { state: 'attached', timeout: TIMEOUT });
    const t = await pageTimings(page);
    if (cdp) {
      await cdp.send('Tracing.end');
      await done;
      await cdp.detach();
      t.trace = traceSummary(events, t);
    }
    if (errors.length) t.errors = errors;
    return t;
  } finally {
    await s.close();
  }
}

const top = scope('first-visit');
try {
  const api = await startDemoBackend(top, [
    ...['--seed', '7', '--jobs', String(JOBS), '--page-size', '5000'],
    ...(GZIP_JOBS ? ['--fault', 'gzip@jobs'] : []),
  ]);
  const bases = [];
  for (const d of DISTS) {
    const config = { api_base: api };
    bases.push(
      HOSTED.has(d.name)
        ? `${await serveHosted(top, { config, dist: d.dir, encodings: HOSTED.get(d.name) })}/tools/queues`
        : await serveDist(top, config, d.dir),
    );
  }
  let browser = null;
  if (!FRESH) {
    // A Chromium already running, used for a page that is not the app.
    browser = await launchBrowser(top);
    const c = await browser.newContext();
    await (await c.newPage()).goto(`${api}/queues`);
    await c.close();
  }
  console.log(
    `dists ${DISTS.map((d) => `${d.name}=${d.dir}`).join(', ')}; ${FRESH ? 'a freshly started browser' : 'a new context of a running browser'} per load; ` +
      `${HOSTED.size ? `served with the build's copies: ${[...HOSTED].map(([n, e]) => `${n} (${e.join(', ')})`).join(', ')}; ` : ''}` +
      `${NET ? `link ${NET[0]} Mbit/s, ${NET[1] ?? 0} ms latency; ` : ''}` +
      `${GZIP_JOBS ? 'jobs pages in gzip; ' : ''}` +
      `${JOBS} jobs; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  );
  const all = Object.fromEntries(DISTS.map((d) => [d.name, []]));
  for (let rep = 0; rep < REPS; rep++) {
    for (const [i, d] of DISTS.entries()) {
      const t = await oneLoad(browser, bases[i]);
      all[d.name].push(t);
      const la = os.loadavg()[0].toFixed(1);
      console.log(
        `${d.name} #${rep + 1} (load ${la}): plotly loaded ${ms(t.plotlyLoaded)}` +
          (t.trace?.plotlyRan ? ` ran ${ms(t.trace.plotlyRan[0])}+${ms(t.trace.plotlyRan[1])}` : '') +
          `, wasm loaded ${ms(t.wasmLoaded)}, config ${ms(t['qs-config'])}, fetch start ${ms(t['qs-fetch-start'])}, ` +
          `data ${ms(t['qs-data'])}, READY ${ms(t['qs-ready'])}` +
          (t.errors ? `  ERRORS ${t.errors.join(' | ')}` : ''),
      );
      if (t.trace?.tasks?.length) console.log(`    tasks >= 10 ms, qs-config -> qs-fetch-start: ${t.trace.tasks.join(', ')}`);
      for (const w of t.trace?.windows ?? []) {
        console.log(`    ${w.window}: busy ${ms(w.busy)}: ${w.top.map(([n, v]) => `${n} ${ms(v)}`).join(', ')}`);
      }
    }
  }
  console.log(`\nmedians of ${REPS} (ms from navigation; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const rows = [
    ['app files, kB sent', (t) => t.appKB],
    ['plotly.js loaded', (t) => t.plotlyLoaded],
    ['wasm loaded', (t) => t.wasmLoaded],
    ['qs-config', (t) => t['qs-config']],
    ['qs-fetch-start', (t) => t['qs-fetch-start']],
    ['qs-data', (t) => t['qs-data']],
    ['qs-ready', (t) => t['qs-ready']],
    ['config -> fetch start', (t) => t['qs-fetch-start'] - t['qs-config']],
    ['fetch start -> data', (t) => t['qs-data'] - t['qs-fetch-start']],
    ['data -> ready', (t) => t['qs-ready'] - t['qs-data']],
  ];
  console.log(`  ${''.padEnd(24)} ${DISTS.map((d) => d.name.padEnd(10)).join(' ')}`);
  for (const [name, f] of rows) {
    console.log(`  ${name.padEnd(24)} ${DISTS.map((d) => ms(median(all[d.name].map(f))).padEnd(10)).join(' ')}`);
  }
  console.log(`  each READY: ${DISTS.map((d) => `${d.name} ${all[d.name].map((t) => ms(t['qs-ready'])).join(', ')}`).join('; ')}`);
} finally {
  await top.close();
}
process.exit(0);
