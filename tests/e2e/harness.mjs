// Harness of the Queuescope browser tests (run by `node --test`, see
// scripts/test.sh). Everything a test needs, and everything it starts is
// stopped again when the test ends (`t.after`):
//
//   - the reference backend (`target/release/demo-backend`) on a free port,
//     or a fake one answering garbage, or the address of one that is down;
//   - the bridge to real schedulers (`target/release/queuescope-bridge`);
//   - a tiny static server for `dist/` on 127.0.0.1 that answers
//     `/config.json` with the test's own config (or 404: demo mode);
//   - Debian's Chromium through playwright-core, with a fresh profile and
//     temp dir, in UTC (so "local time" in the app is UTC too);
//   - waiting on `html[data-app-state=...]` (SPEC §6), never on a timer;
//   - reading what a chart panel shows through `window.queuescope.inspect`
//     (SPEC §6), and which canvas contexts the page asked for (no WebGL);
//   - page errors (an uncaught exception or a wasm panic) fail the test;
//   - every page is served under SPEC §6's content security policy (CSP
//     below), and any violation of it fails the test.
//
// Only 127.0.0.1 is ever contacted.

import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

/** Repository root (this file is tests/e2e/harness.mjs). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.join(REPO, 'target');
/** The built app as served (`scripts/build.sh` or `scripts/test.sh build`). */
export const DIST = process.env.QUEUESCOPE_DIST ?? path.join(REPO, 'dist');
/** The reference backend, built with `cargo build --release -p demo-backend`. */
export const DEMO_BACKEND = path.join(TARGET, 'release', 'demo-backend');
/** Prints what the native core computes (core/examples/expected.rs). */
export const EXPECTED_BIN = path.join(TARGET, 'release', 'examples', 'expected');
/** Test fixtures. */
export const FIXTURES = path.join(REPO, 'tests', 'fixtures');
/** Screenshots of failed waits go here (git-ignored). */
const OUT = path.join(REPO, 'tests', 'e2e', 'out');

/** Long enough for a cold page on a busy 2-core machine; only hit on failure. */
export const TIMEOUT_MS = Number(process.env.QUEUESCOPE_E2E_TIMEOUT_MS ?? 60_000);

/** Headless flags that keep Chromium off the (closed) network (TOOLCHAIN.md). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// QUEUESCOPE_CHROMIUM_ARGS: more flags, space-separated (a perf experiment's
// `--js-flags=...`, say); none by default.
CHROMIUM_ARGS.push(...(process.env.QUEUESCOPE_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean));

/** One minute, hour, day in milliseconds (the app's `Ms`). */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * SPEC §6: the policy the built dist/ must run under unchanged. Sent with
 * every file the test server answers, in every test.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  'connect-src *',
  'frame-ancestors *',
].join('; ');

/**
 * Runs in the page before its own scripts: reports every CSP violation as a
 * console error the harness recognises (Chromium's own "Refused to ..."
 * message is caught too).
 */
const CSP_WATCH = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
    ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

/** A console error that reports a CSP violation. */
function isCspViolation(text) {
  return text.startsWith('CSP violation:') || text.includes('Content Security Policy');
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Starts an HTTP server on 127.0.0.1 with a free port and registers its
 * closing with `t.after`. Resolves to its base URL (no trailing slash).
 */
async function listen(t, handler) {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => closeServer(server));
  return `http://127.0.0.1:${server.address().port}`;
}

function closeServer(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Serves `dist/` the way a plain static host would, except `/config.json`:
 * `config` is an object (sent as JSON), a string (sent as is), null (404,
 * so the app runs in demo mode) or SPA_FALLBACK (no config.json, and the
 * host answers index.html for it, as hosts with an SPA fallback do).
 * Unknown paths fall back to index.html.
 */
export async function serveDist(t, config, dist = DIST) {
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html is missing: run \`scripts/build.sh\` (or \`scripts/test.sh build\`) first`);
  }
  return listen(t, async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/config.json' && config !== SPA_FALLBACK) {
      if (config === null || config === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain', 'content-security-policy': CSP }).end('no config.json: demo mode');
      } else {
        const body = typeof config === 'string' ? config : JSON.stringify(config);
        res.writeHead(200, { 'content-type': 'application/json', 'content-security-policy': CSP }).end(body);
      }
      return;
    }
    try {
      // normalize() of an absolute path cannot climb above "/": stays in dist/.
      let file = path.join(dist, path.normalize(decodeURIComponent(url.pathname)));
      if (url.pathname.endsWith('/') || !existsSync(file)) {
        file = path.join(dist, 'index.html');
      }
      const body = await readFile(file);
      const type = MIME[path.extname(file)] ?? 'application/octet-stream';
      res
        .writeHead(200, { 'content-type': type, 'cache-control': 'no-store', 'content-security-policy': CSP })
        .end(body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    }
  });
}

/** A file name trunk hashed (`queuescope-9babdfd0c6c3bb78_bg.wasm`, `main-5bb6dfacc048511.css`). */
export const HASHED = /-[0-9a-f]{12,16}(_bg)?\.(js|wasm|css)$/;
/** What a CDN-friendly host sends: hashed files forever, the rest revalidated. */
export const LONG_CACHE = 'public, max-age=31536000, immutable';

/**
 * The encodings an `Accept-Encoding` header accepts (a q of 0 refuses).
 */
export function acceptedEncodings(header = '') {
  const out = new Set();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) out.add(name);
  }
  return out;
}

/**
 * What a host with precompressed copies sends for `file` (nginx
 * `brotli_static` and `gzip_static`, scripts/precompress.mjs): the `.br`
 * copy when the request accepts br and there is one, else the `.gz` one
 * for gzip, else the file. `{ file, encoding }` (encoding undefined for
 * the file itself), and whether any copy exists (the answer then varies).
 */
export function precompressed(file, acceptEncoding, encodings = ['br', 'gzip']) {
  const accepted = acceptedEncodings(acceptEncoding);
  const copies = [
    ['br', `${file}.br`],
    ['gzip', `${file}.gz`],
  ].filter(([encoding, f]) => encodings.includes(encoding) && existsSync(f));
  const pick = copies.find(([encoding]) => accepted.has(encoding));
  return { file: pick?.[1] ?? file, encoding: pick?.[0], varies: copies.length > 0 };
}

/**
 * Serves `dist/` the way a portal or CDN hosts it: under the sub-path
 * `prefix` (`/tools/queues/`), hashed files with `LONG_CACHE`,
 * `index.html`, `config.json` and every unhashed file with `no-cache`,
 * the build's brotli or gzip copy of a file when the browser accepts it
 * (`precompressed`), nothing outside `prefix` but the host's own `pages`
 * (path → `{type, body}`), every answer under the CSP. No SPA fallback: a
 * missing file is a 404. `encodings`: the copies the host sends (`['gzip']`
 * is nginx without ngx_brotli, `[]` a host that sends files as they are).
 * Returns the origin (`http://127.0.0.1:PORT`).
 */
export async function serveHosted(
  t,
  { config = null, prefix = '/tools/queues/', pages = {}, dist = DIST, encodings = ['br', 'gzip'] } = {},
) {
  const send = (res, status, type, cache, body, more = {}) =>
    res
      .writeHead(status, { 'content-type': type, 'cache-control': cache, 'content-security-policy': CSP, ...more })
      .end(body);
  return listen(t, async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const page = pages[url.pathname];
    if (page) return send(res, 200, page.type, 'no-cache', page.body);
    if (!url.pathname.startsWith(prefix)) return send(res, 404, 'text/plain', 'no-cache', 'not here');
    const rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    if (rel === 'config.json') {
      return config === null
        ? send(res, 404, 'text/plain', 'no-cache', 'no config.json')
        : send(res, 200, 'application/json', 'no-cache', JSON.stringify(config));
    }
    const file = path.join(dist, path.normalize(`/${rel}`));
    if (!existsSync(file)) return send(res, 404, 'text/plain', 'no-cache', 'missing');
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    const sent = precompressed(file, req.headers['accept-encoding'], encodings);
    const more = {
      ...(sent.encoding ? { 'content-encoding': sent.encoding } : {}),
      ...(sent.varies ? { vary: 'Accept-Encoding' } : {}),
    };
    send(res, 200, type, HASHED.test(file) ? LONG_CACHE : 'no-cache', await readFile(sent.file), more);
  });
}

/** `serveDist`'s config for a host without config.json that answers index.html instead. */
export const SPA_FALLBACK = Symbol('spa-fallback');

/** Where demo-backend serves the API below the URL it prints (`api::BASE`). */
const DEMO_API_PATH = '/api/v1';

/**
 * Starts `demo-backend --port 0` with `args` (e.g. `['--seed', '7',
 * '--jobs', '3000']` or `['--fixture', file]`) and resolves to its
 * `api_base`: the URL of its first stdout line (`listening on URL`) plus
 * `/api/v1`. Stopped by `t.after`.
 */
/**
 * An init script (openApp's `initScript`, before the test's own): the app
 * sends its usage metrics requests through its usage worker
 * (src/api/usage-worker.js: a request handed over in a message, answered in
 * one), which the page's `fetch` never sees. For each one it calls
 * `window.__qsUsageSent(url, message)` when it is handed over,
 * `window.__qsUsageGo(sent)` (with what the first call returned) when the
 * page tells the worker to read the answer (on two cores, after a frame),
 * and `window.__qsUsageAnswered(sent)` when the answer comes back, where the
 * test's script defines them.
 */
export const WATCH_USAGE_WORKER = () => {
  const Worker0 = window.Worker;
  if (!Worker0) return;
  window.Worker = class extends Worker0 {
    constructor(...args) {
      super(...args);
      this.watched = new Map();
      // Registered before the app's `onmessage`: runs first.
      this.addEventListener('message', ({ data }) => {
        const sent = this.watched.get(data?.id);
        if (sent !== undefined) window.__qsUsageAnswered?.(sent);
      });
    }
    postMessage(m, ...rest) {
      if (typeof m?.url === 'string' && m.url.includes('/metrics?')) this.watched.set(m.id, window.__qsUsageSent?.(m.url, m));
      if (m?.go !== undefined) window.__qsUsageGo?.(this.watched.get(m.go));
      return super.postMessage(m, ...rest);
    }
  };
};

export async function startDemoBackend(t, args) {
  if (!existsSync(DEMO_BACKEND)) {
    throw new Error(`${DEMO_BACKEND} is missing: run \`cargo build --release -p demo-backend\` first`);
  }
  const proc = spawn(DEMO_BACKEND, ['--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = [];
  proc.stderr.on('data', (d) => stderr.push(d));
  const exited = once(proc, 'exit');
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await exited;
    }
  });
  const lines = readline.createInterface({ input: proc.stdout });
  const first = await withTimeout(
    Promise.race([
      once(lines, 'line').then(([line]) => line),
      exited.then(([code]) => {
        throw new Error(`demo-backend exited (${code}) before printing its URL: ${Buffer.concat(stderr)}`);
      }),
    ]),
    TIMEOUT_MS,
    'demo-backend did not print its URL',
  );
  // Keep draining stdout so the backend never blocks on a full pipe.
  lines.on('line', () => {});
  const url = first.match(/https?:\/\/\S+/)?.[0];
  if (!url) throw new Error(`demo-backend's first line has no URL: ${first}`);
  return url.replace(/\/$/, '') + DEMO_API_PATH;
}

/**
 * A caller of demo-backend's control endpoint (`/_control`, next to the
 * API at `api`): `call(method, path, body?)` resolves to the JSON answer
 * and fails the test on a non-2xx one.
 */
export function controlOf(api) {
  const control = api.replace(/\/api\/v1$/, '/_control');
  return async (method, p, body) => {
    const res = await fetch(control + p, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
}

/** The bridge to real schedulers, built with `cargo build --release -p queuescope-bridge`. */
export const BRIDGE = path.join(TARGET, 'release', 'queuescope-bridge');

/**
 * Starts `queuescope-bridge` with `config` (TOML text, written to
 * `dir/bridge.toml`; relative paths in it, such as the store, live in
 * `dir`) on a free port. Resolves to `{ url, apiBase, proc, kill(), log() }`;
 * `kill()` is a SIGKILL (no goodbye), and the process is stopped by
 * `t.after` in any case.
 */
export async function startBridge(t, dir, config, env = {}) {
  if (!existsSync(BRIDGE)) {
    throw new Error(`${BRIDGE} is missing: run \`cargo build --release -p queuescope-bridge\` first`);
  }
  const { writeFile } = await import('node:fs/promises');
  const file = path.join(dir, 'bridge.toml');
  await writeFile(file, config);
  const proc = spawn(BRIDGE, ['--config', file, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const stderr = [];
  proc.stderr.on('data', (d) => stderr.push(d));
  const exited = once(proc, 'exit');
  const kill = async (signal = 'SIGKILL') => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(signal);
      await exited;
    }
  };
  t.after(() => kill('SIGTERM'));
  const lines = readline.createInterface({ input: proc.stdout });
  const first = await withTimeout(
    Promise.race([
      once(lines, 'line').then(([line]) => line),
      exited.then(([code]) => {
        throw new Error(`the bridge exited (${code}) before printing its URL: ${Buffer.concat(stderr)}`);
      }),
    ]),
    TIMEOUT_MS,
    'the bridge did not print its URL',
  );
  lines.on('line', () => {});
  const url = first.match(/https?:\/\/\S+/)?.[0];
  if (!url) throw new Error(`the bridge's first line has no URL: ${first}`);
  return { url, apiBase: `${url}/api/v1`, proc, kill, log: () => Buffer.concat(stderr).toString() };
}

/**
 * Waits until `check()` resolves to something other than undefined/false,
 * asking every `everyMs` (a condition, not a timer: it fails after
 * TIMEOUT_MS with `what`).
 */
export async function waitFor(what, check, everyMs = 100) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Answers with CORS headers, so the app sees the body, not a CORS failure. */
function answer(res, status, body, contentType) {
  res.writeHead(status, { 'content-type': contentType, 'access-control-allow-origin': '*' }).end(body);
}

/** A backend that answers every request with `status` and `body`. */
export async function startFakeBackend(t, status, body, contentType = 'text/html') {
  return listen(t, (req, res) => answer(res, status, body, contentType));
}

/**
 * A backend in front of `target` (e.g. a demo-backend URL) that can be
 * broken: while `control.broken` is true it answers every request with an
 * HTML page (not JSON), else it passes requests through. While
 * `control.hold(req)` is true for a request, that request is held without
 * an answer: it lands in `control.held` (destroy them to let go) and
 * `control.onHold` is called. Resolves to `{ url, control }`;
 * `control.requests` counts what it received. `broken` is where it starts.
 */
export async function startSwitchableBackend(t, target, { broken = true } = {}) {
  const to = new URL(target);
  const control = { broken, requests: 0, hold: () => false, held: [], onHold: () => {} };
  const base = await listen(t, (req, res) => {
    control.requests += 1;
    if (control.broken) {
      answer(res, 200, '<html><body>Down for maintenance</body></html>', 'text/html');
      return;
    }
    if (control.hold(req)) {
      control.held.push(res);
      control.onHold(req);
      return;
    }
    const upstream = http.request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => answer(res, 502, JSON.stringify({ error: String(e) }), 'application/json'));
    req.pipe(upstream);
  });
  return { url: base + to.pathname.replace(/\/$/, ''), control };
}

/** The URL of a backend that is down: a port that was free a moment ago. */
export async function downBackendUrl() {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

/** How Chromium is launched; its own scratch folders land in `tmp`. */
function launchOptions(tmp) {
  return {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, TMPDIR: tmp },
  };
}

/**
 * Opens the app: serves dist/ (or `dist`) with `config` (null: demo mode), launches
 * Chromium with a fresh profile, and loads `index.html` + `query` (e.g.
 * `?queue=q1&tz=utc`), after `initScript` (a function or source, run in
 * the page before its own scripts) if given; `locale` is the browser's
 * language (navigator.language), `viewport` its size. Does not wait: use
 * `app.waitForState(...)`.
 *
 * With `browser` (from `launchBrowser`), the page opens in a new context
 * of that running browser instead (a fresh profile all the same: no HTTP
 * cache, compiled code or IndexedDB of its own).
 *
 * The returned `app` has `page`, `consoleErrors` (strings), `pageErrors`
 * (uncaught exceptions) and `url`. Every page error fails the test when it
 * ends, even if the test did not look.
 */
export async function openApp(
  t,
  {
    config = null,
    query = '',
    deviceScaleFactor = 1,
    dist = DIST,
    initScript = null,
    locale = 'en-US',
    viewport = { width: 1400, height: 1000 },
    url = null,
    browser = null,
    clock = null,
  } = {},
) {
  // `url`: a page served elsewhere (serveHosted); else dist/ at a root.
  const base = url ? null : await serveDist(t, config, dist);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'queuescope-e2e-'));
  const options = { timezoneId: 'UTC', locale, viewport, deviceScaleFactor };
  // A launch that fails still leaves the temp dir to remove.
  const context = await (
    browser
      ? browser.newContext(options)
      : chromium.launchPersistentContext(path.join(tmp, 'profile'), { ...launchOptions(tmp), ...options })
  ).catch(async (e) => {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  });
  // Every canvas context the page asks for lands in window.__qsContexts:
  // the app must never need WebGL (it runs with --disable-gpu).
  await context.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    window.__qsContexts = [];
    HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
      window.__qsContexts.push(String(type));
      return getContext.call(this, type, ...rest);
    };
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT_MS);
  const app = { page, context, url: url ?? `${base}/${query}`, consoleErrors: [], pageErrors: [] };
  let crash;
  app.crashed = new Promise((_, reject) => {
    crash = reject;
  });
  app.crashed.catch(() => {});
  app.cspViolations = [];
  await context.addInitScript(CSP_WATCH);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    app.consoleErrors.push(msg.text());
    // console_error_panic_hook logs Rust panics as console errors.
    if (msg.text().includes('panicked at')) crash(new Error(`the app panicked: ${msg.text()}`));
    if (isCspViolation(msg.text())) {
      app.cspViolations.push(msg.text());
      crash(new Error(`the page broke the content security policy: ${msg.text()}`));
    }
  });
  page.on('pageerror', (err) => {
    app.pageErrors.push(err);
    crash(new Error(`the page threw: ${err.stack ?? err}`));
  });
  // Hooks run in the order they were registered: this one comes after the
  // servers' and the backend's, and throws (failing the test) only last.
  t.after(async () => {
    await context.close();
    await rm(tmp, { recursive: true, force: true });
    const panics = app.consoleErrors.filter((m) => m.includes('panicked at'));
    if (app.pageErrors.length > 0 || panics.length > 0) {
      throw new Error(
        `the page threw ${app.pageErrors.length} error(s):\n` +
          [...app.pageErrors.map((e) => e.stack ?? String(e)), ...panics].join('\n'),
      );
    }
    if (app.cspViolations.length > 0) {
      throw new Error(`the page broke the content security policy (SPEC §6):\n${app.cspViolations.join('\n')}`);
    }
  });
  app.waitForState = (state) => waitForState(t, app, state);
  app.inspect = (panel) => inspectSeries(page, panel);
  // Scripts to run in the page before its own (the perf script's hooks):
  // one, or a list run in order.
  for (const script of [initScript].flat()) if (script) await context.addInitScript(script);
  // `clock`: the page's Date.now fixed at this time (ms) from the start,
  // timers still running (a relative range resolves against it).
  if (clock !== null) await page.clock.setFixedTime(clock);
  await page.goto(app.url);
  return app;
}

/**
 * The resource timings (`name`, `startTime`, `responseEnd`, `encodedBodySize`)
 * of the page and of its workers, on the page's clock: the jobs pages come
 * through the app's fetching worker (src/api/fetch-worker.js), whose
 * timeline is its own (`timeOrigin` when the worker started).
 */
export async function resourceTimings(page) {
  const read = () => ({
    origin: performance.timeOrigin,
    entries: performance.getEntriesByType('resource').map((r) => r.toJSON()),
  });
  const own = await page.evaluate(read);
  const out = own.entries;
  for (const w of page.workers()) {
    const theirs = await w.evaluate(read).catch(() => null);
    if (!theirs) continue; // a worker that ended meanwhile
    const shift = theirs.origin - own.origin;
    for (const e of theirs.entries) {
      // Instants (0: not measured) move to the page's clock; sizes and durations stay.
      for (const k of Object.keys(e)) if (k === 'startTime' || (k.endsWith('Start') || k.endsWith('End')) && e[k] > 0) e[k] += shift;
      out.push(e);
    }
  }
  return out.sort((a, b) => a.startTime - b.startTime);
}

/**
 * One headless Chromium (the flags `openApp` launches with), closed when `t`
 * ends: `openApp(t2, { browser })` opens pages in new contexts of it.
 */
export async function launchBrowser(t) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'queuescope-browser-'));
  const browser = await chromium.launch(launchOptions(tmp)).catch(async (e) => {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  });
  t.after(async () => {
    await browser.close();
    await rm(tmp, { recursive: true, force: true });
  });
  return browser;
}

/**
 * Waits until `<html data-app-state="STATE">`, failing at once if the page
 * throws, and with a screenshot and the page's errors if it never comes.
 */
async function waitForState(t, app, state) {
  try {
    await Promise.race([
      // `ready` also waits for the address bar, which the app writes just
      // after the frame (`data-url-pending` until then).
      app.page.waitForSelector(
        state === 'ready' ? 'html[data-app-state="ready"]:not([data-url-pending])' : `html[data-app-state="${state}"]`,
        { state: 'attached', timeout: TIMEOUT_MS },
      ),
      app.crashed,
    ]);
  } catch (e) {
    const now = await app.page
      .evaluate(() => document.documentElement.getAttribute('data-app-state'))
      .catch(() => '(page gone)');
    let shot = '';
    try {
      await mkdir(OUT, { recursive: true });
      shot = path.join(OUT, `${t.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
      await app.page.screenshot({ path: shot, fullPage: true });
    } catch {
      shot = '(no screenshot)';
    }
    throw new Error(
      `waiting for data-app-state="${state}" (it is "${now}"): ${e.message}\n` +
        `console errors: ${JSON.stringify(app.consoleErrors)}\nscreenshot: ${shot}`,
    );
  }
}

/**
 * The series of a chart panel as `window.queuescope.inspect(PANEL)`
 * returns them (SPEC §6): `{name, x, y, color, ...}` each, for the view on
 * screen. Call it when the app is ready.
 */
export async function inspectSeries(page, panel) {
  return page.evaluate((p) => {
    const answer = window.queuescope?.inspect(p);
    if (!answer) throw new Error(`inspect(${JSON.stringify(p)}) answered ${JSON.stringify(answer)}`);
    return answer.series;
  }, panel);
}

/**
 * An x value as milliseconds since the epoch: a number (ms), an RFC 3339
 * string (inspect's bucket starts), or a wall-clock string without an
 * offset, read as UTC (the browser runs in UTC and the tests use tz=utc).
 */
export function xToMs(x) {
  if (typeof x === 'number') return x;
  const s = String(x).trim();
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/.test(s);
  const iso = s.replace(' ', 'T');
  const ms = Date.parse(hasZone ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new Error(`not a date: ${JSON.stringify(x)}`);
  return ms;
}

/**
 * Runs `target/release/examples/expected ARGS...` (the native core's
 * numbers for a view) and parses the JSON it prints.
 */
export async function expectedFromCore(args) {
  if (!existsSync(EXPECTED_BIN)) {
    throw new Error(
      `${EXPECTED_BIN} is missing: run \`cargo build --release -p queuescope-core --example expected\` first`,
    );
  }
  const { stdout } = await promisify(execFile)(EXPECTED_BIN, args, { maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The job states in display order, as the job-status traces are named. */
export const STATE_TRACES = [
  'Idle',
  'Queued',
  'Pending',
  'Starting',
  'Running',
  'Finished',
  'Failed',
  'Crashed',
  'Killed',
];
