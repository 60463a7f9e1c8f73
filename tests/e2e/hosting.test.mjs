// Hosting and embedding (issue #15 item 5), the way a portal or a CDN
// serves the build:
//   - dist/ under a sub-path (/tools/queues/), hashed files long-cached,
//     index.html, config.json and the unhashed loader revalidated
//     (no-cache); plotly.js has a hashed name too; nothing is asked for
//     outside the sub-path;
//   - a host page that mounts the app into its own element with a runtime
//     config and a bearer token, which reaches the backend as
//     `Authorization` (demo-backend's request log); the host's element
//     styles do not leak into the app, nor the app's out;
//   - the app in an <iframe> of a host page;
//   - the build's brotli and gzip copies (scripts/precompress.mjs), sent
//     the way nginx's brotli_static / gzip_static send them: the browser
//     downloads the wasm and plotly.js brotli-compressed and runs them.
// Every answer carries the CSP of SPEC §6 (a violation fails the test).

import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  DIST,
  HASHED,
  LONG_CACHE,
  openApp,
  precompressed,
  resourceTimings,
  serveHosted,
  startDemoBackend,
} from './harness.mjs';

const PREFIX = '/tools/queues/';
const TOKEN = 'tok-embed-1';

/** Every response of the page's own origin: path → cache-control. */
function watchResponses(page, origin) {
  const seen = new Map();
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin) seen.set(u.pathname, { status: r.status(), cache: r.headers()['cache-control'] });
  });
  return seen;
}

/** The app's tags of dist/index.html (stylesheet, plotly.js, loader, preloads), pointed at PREFIX. */
async function appTags() {
  const html = await readFile(path.join(DIST, 'index.html'), 'utf8');
  const tags = html.match(/<link\b[^>]*>|<script\b[^>]*><\/script>/g) ?? [];
  return tags.map((tag) => tag.replaceAll('"./', `"${PREFIX}`)).join('\n');
}

// Element styles of a portal: what must not reach into the app.
const HOST_CSS = `
body { margin: 20px; font-family: serif; color: rgb(10, 20, 30); }
h2 { color: rgb(200, 0, 0); font-size: 40px; text-transform: uppercase; }
button { background: rgb(0, 160, 0); border-radius: 0; }
table td { padding: 30px; }
`;
const HOST_BODY = `
<nav><h2 id="host-title">Portal</h2><button id="host-button">Host button</button>
<table id="host-table"><tr><td>cell</td></tr></table></nav>`;

test('dist/ under a sub-path: hashed files long-cached, index.html and config.json no-cache', async (t) => {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '400']);
  const origin = await serveHosted(t, { config: { api_base: api, title: 'Sub-path' } });
  // A blank start, so that every response of the app's load is seen.
  const app = await openApp(t, { url: `${origin}/blank` });
  const seen = watchResponses(app.page, origin);
  await app.page.goto(`${origin}${PREFIX}?range=7d`);
  await app.waitForState('ready');
  assert.equal(await app.page.locator('.qs-brand h1').innerText(), 'Sub-path', 'config.json read beside index.html');
  assert.ok((await app.inspect('job-status')).length > 0);

  seen.delete('/blank');
  for (const p of seen.keys()) assert.ok(p.startsWith(PREFIX), `${p} is outside ${PREFIX}`);
  assert.deepEqual(seen.get(PREFIX), { status: 200, cache: 'no-cache' }, 'index.html');
  assert.deepEqual(seen.get(`${PREFIX}config.json`), { status: 200, cache: 'no-cache' });
  const names = [...seen.keys()].map((p) => p.slice(PREFIX.length));
  const plotly = names.filter((n) => n.startsWith('plotly'));
  assert.equal(plotly.length, 1);
  assert.match(plotly[0], HASHED, 'plotly.js has a hashed name');
  for (const re of [/^queuescope-\w+\.js$/, /^queuescope-\w+_bg\.wasm$/, /^main-\w+\.css$/]) {
    assert.ok(names.some((n) => re.test(n)), `${re} among ${names}`);
  }
  for (const [p, r] of seen) {
    const hashed = HASHED.test(p);
    assert.equal(r.cache, hashed ? LONG_CACHE : 'no-cache', `${p}`);
    assert.equal(r.status, 200, p);
  }
  assert.ok([...seen.keys()].filter((p) => HASHED.test(p)).length >= 4, 'css, plotly, js, wasm');
});

test('a host page mounts the app into its element with a runtime config and a bearer token', async (t) => {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '400']);
  const hostJs = `
window.queuescopeManualMount = true;
addEventListener('TrunkApplicationStarted', () => {
  window.wasmBindings.mount_queuescope(document.getElementById('dash'),
    { api_base: ${JSON.stringify(api)}, bearer_token: ${JSON.stringify(TOKEN)}, title: 'Queues in the portal' });
});`;
  const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Portal</title>
<link rel="stylesheet" href="/portal/host.css"><script src="/portal/host.js"></script>
${await appTags()}</head><body>${HOST_BODY}<div id="dash"></div></body></html>`;
  const origin = await serveHosted(t, {
    pages: {
      '/portal/': { type: 'text/html', body: page },
      '/portal/host.js': { type: 'text/javascript', body: hostJs },
      '/portal/host.css': { type: 'text/css', body: HOST_CSS },
    },
  });
  const app = await openApp(t, { url: `${origin}/portal/` });
  await app.waitForState('ready');
  const { page: p } = app;
  assert.equal(await p.locator('#dash > .qs-app .qs-brand h1').innerText(), 'Queues in the portal');
  assert.ok((await app.inspect('job-status')).length > 0);

  // The token reached the backend on every API read.
  const log = await (await fetch(new URL('/_control/requests', api))).json();
  const reads = log.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/queues'));
  assert.ok(reads.some((r) => r.path.includes('/jobs?')), 'jobs were read');
  for (const r of reads) assert.equal(r.authorization, `Bearer ${TOKEN}`, r.path);

  const styles = await p.evaluate(() => {
    const s = (sel, ...props) => {
      const c = getComputedStyle(document.querySelector(sel));
      return Object.fromEntries(props.map((k) => [k, c.getPropertyValue(k)]));
    };
    return {
      appTitle: s('[data-panel="job-status"] h2', 'color', 'font-size', 'text-transform', 'font-family'),
      appButton: s('.qs-app [data-inspect="job-status"]', 'background-color', 'border-top-left-radius'),
      appText: getComputedStyle(document.querySelector('.qs-app')).color,
      hostTitle: s('#host-title', 'color', 'font-size', 'text-transform', 'font-family'),
      hostButton: s('#host-button', 'background-color', 'border-top-left-radius'),
      hostCell: s('#host-table td', 'padding-top'),
      body: s('body', 'margin-top', 'font-family'),
    };
  });
  // Host styles do not leak in ...
  assert.equal(styles.appTitle.color, styles.appText, "the app's heading keeps the app's colour");
  assert.notEqual(styles.appTitle['font-size'], '40px');
  assert.equal(styles.appTitle['text-transform'], 'none');
  assert.match(styles.appTitle['font-family'], /^Inter/);
  assert.notEqual(styles.appButton['background-color'], 'rgb(0, 160, 0)');
  assert.notEqual(styles.appButton['border-top-left-radius'], '0px');
  // ... and the app's do not leak out.
  assert.deepEqual(styles.hostTitle, {
    color: 'rgb(200, 0, 0)',
    'font-size': '40px',
    'text-transform': 'uppercase',
    'font-family': 'serif',
  });
  assert.deepEqual(styles.hostButton, { 'background-color': 'rgb(0, 160, 0)', 'border-top-left-radius': '0px' });
  assert.equal(styles.hostCell['padding-top'], '30px');
  assert.deepEqual(styles.body, { 'margin-top': '20px', 'font-family': 'serif' });
});

test('the app in an <iframe> of a host page', async (t) => {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '400']);
  const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Portal</title>
<link rel="stylesheet" href="/portal/host.css"></head><body>${HOST_BODY}
<iframe id="frame" title="Queues" src="${PREFIX}?range=7d" style="width: 1280px; height: 900px; border: 0"></iframe>
</body></html>`;
  const origin = await serveHosted(t, {
    config: { api_base: api, title: 'Framed' },
    pages: { '/portal/': { type: 'text/html', body: page }, '/portal/host.css': { type: 'text/css', body: HOST_CSS } },
  });
  const app = await openApp(t, { url: `${origin}/portal/` });
  const frame = await (await app.page.waitForSelector('#frame')).contentFrame();
  await Promise.race([frame.waitForSelector('html[data-app-state="ready"]', { state: 'attached' }), app.crashed]);
  assert.equal(await frame.locator('.qs-brand h1').innerText(), 'Framed');
  const series = await frame.evaluate(() => window.queuescope.inspect('job-status').series);
  assert.ok(series.some((s) => s.y.some((v) => v > 0)), 'Job status has jobs');
  assert.equal(await frame.evaluate(() => getComputedStyle(document.querySelector('[data-panel="job-status"] h2')).color), 'rgb(31, 35, 41)');
  assert.equal(await app.page.evaluate(() => getComputedStyle(document.querySelector('#host-title')).color), 'rgb(200, 0, 0)');
});

/** GET `url` with `Accept-Encoding: accept`: the encoding and the body as sent. */
function getRaw(url, accept) {
  return new Promise((resolve, reject) => {
    const headers = accept === null ? {} : { 'accept-encoding': accept };
    http
      .get(url, { headers }, (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () =>
          resolve({ encoding: res.headers['content-encoding'], vary: res.headers.vary, body: Buffer.concat(parts) }),
        );
      })
      .on('error', reject);
  });
}

test("the build's brotli and gzip copies: the browser downloads them and runs them", async (t) => {
  // The copies are this build's: each one decodes to its file, and every
  // compressible file of 1 kB or more has both (the Trunk hook ran).
  const files = (await readdir(DIST, { recursive: true })).filter((f) => /\.(wasm|js|css|html)$/.test(f));
  const decode = { br: zlib.brotliDecompressSync, gz: zlib.gunzipSync };
  for (const f of files) {
    const body = await readFile(path.join(DIST, f));
    if (body.length < 1024) continue;
    for (const ext of ['br', 'gz']) {
      const copy = await readFile(path.join(DIST, `${f}.${ext}`)).catch(() => null);
      assert.ok(copy, `${f}.${ext} is missing: the build did not precompress`);
      assert.ok(copy.length < body.length, `${f}.${ext} is smaller`);
      assert.ok(decode[ext](copy).equals(body), `${f}.${ext} decodes to ${f} (a copy of another build?)`);
    }
  }

  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '400']);
  const origin = await serveHosted(t, { config: { api_base: api } });
  const app = await openApp(t, { url: `${origin}/blank` });
  const encodings = new Map();
  app.page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin) encodings.set(u.pathname.slice(PREFIX.length), r.headers()['content-encoding']);
  });
  await app.page.goto(`${origin}${PREFIX}?range=7d`);
  await app.waitForState('ready');
  assert.ok((await app.inspect('job-status')).length > 0, 'the app ran');

  // What went over the wire, per file: the brotli copy's bytes, decoded to the file's.
  const timings = await resourceTimings(app.page);
  const heavy = files.filter((f) => /(_bg\.wasm|^plotly.*\.js|^main-.*\.css)$/.test(f));
  assert.equal(heavy.length, 3, `the wasm, plotly.js and the stylesheet among ${files}`);
  for (const f of heavy) {
    assert.equal(encodings.get(f), 'br', `${f} sent brotli-compressed`);
    const sizes = timings
      .filter((e) => new URL(e.name).pathname === `${PREFIX}${f}` && e.encodedBodySize > 0)
      .map((e) => [e.encodedBodySize, e.decodedBodySize]);
    const [br, raw] = [(await readFile(path.join(DIST, `${f}.br`))).length, (await readFile(path.join(DIST, f))).length];
    assert.ok(sizes.length > 0, `${f} in the resource timings`);
    for (const s of sizes) assert.deepEqual(s, [br, raw], `${f}: downloaded its ${br} B copy for ${raw} B`);
  }

  // A client without brotli gets the gzip copy; one that accepts nothing, the file.
  const wasm = heavy.find((f) => f.endsWith('.wasm'));
  const raw = await readFile(path.join(DIST, wasm));
  const url = `${origin}${PREFIX}${wasm}`;
  const gz = await getRaw(url, 'gzip, deflate');
  assert.equal(gz.encoding, 'gzip');
  assert.equal(gz.vary, 'Accept-Encoding');
  assert.ok(zlib.gunzipSync(gz.body).equals(raw));
  for (const accept of [null, 'identity', 'br;q=0, gzip;q=0']) {
    const plain = await getRaw(url, accept);
    assert.equal(plain.encoding, undefined, `Accept-Encoding: ${accept}`);
    assert.ok(plain.body.equals(raw));
  }
  assert.equal(precompressed(path.join(DIST, wasm), 'gzip;q=1, br;q=0.5').encoding, 'br', 'brotli first when both go');
});
