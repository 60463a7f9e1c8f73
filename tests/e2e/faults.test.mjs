// Issue #10: the data path under faults and attack. One case per row of the
// fault matrix (README "Faults and attacks"), each in real Chromium against
// demo-backend with its fault modes switched through the control endpoint
// (`/_control/faults`), asserting what a user sees. Every test of every e2e
// file also runs under SPEC §6's content security policy (the harness
// serves dist/ with it and fails a test on any violation, row 7).
//
// Rows 1-4 (timeouts, refresh aborting a read, paging limits, stale data
// under the wrong queue) belong to the jobs loader's rewrite: they are
// listed below as todo cases with the fault that will drive them
// (`core::limits::ReadGuard` holds their limits and messages already).

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { controlOf, openApp, startDemoBackend, waitFor, DAY } from './harness.mjs';
import { afterAction } from './monitor-helpers.mjs';

const [QUEUE_A, QUEUE_B] = ['a100-pool', 'h100-burst'];
const DIST = path.resolve(import.meta.dirname, '../../dist');

// ---------------------------------------------------------------- helpers

/** `ms` as RFC 3339 in whole seconds. */
function rfc3339(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * demo-backend with its data around this moment (so the browser's clock
 * agrees with the backend's unless a test skews it), and `faults` from the
 * start. Resolves to `{ api, now, setFaults(list), requests(since), query }`.
 */
async function faultyBackend(t, faults = [], extra = []) {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const args = ['--jobs', '1200', '--days', '2', '--now', rfc3339(now), ...extra];
  for (const f of faults) args.push('--fault', f);
  const api = await startDemoBackend(t, args);
  const call = controlOf(api);
  const from = now - DAY;
  return {
    api,
    now,
    from,
    setFaults: (list) => call('PUT', '/faults', list),
    requests: (since = 0) => call('GET', `/requests?since=${since}`),
    /** The app's query for `queue` over the last day. */
    query: (queue) => `?queue=${queue}&from=${rfc3339(from)}&to=${rfc3339(now)}&bucket=1h&tz=utc`,
  };
}

/** Every job of `queue` in [from, to], read through the API as the app reads it. */
async function allJobs(api, queue, from, to) {
  const jobs = [];
  let cursor = null;
  let generatedAt = null;
  do {
    const url = `${api}/queues/${queue}/jobs?from=${rfc3339(from)}&to=${rfc3339(to)}${
      cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    }`;
    const page = await (await fetch(url)).json();
    jobs.push(...page.jobs);
    generatedAt ??= Date.parse(page.generated_at);
    cursor = page.next_cursor;
  } while (cursor);
  return { jobs, generatedAt };
}

/** The visible text of the first element matching `selector`, once it is there. */
async function textOf(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor();
  return (await el.innerText()).trim();
}

/** Texts of the one-off notices (config limits, storage) shown under the header. */
async function messages(page) {
  return page.$$eval('[data-url-notice] li, [data-url-notice] p', (els) => els.map((e) => e.textContent.trim()));
}

/** The metrics requests in the backend's log: `{ queue, runIds, status }`. */
function metricsRequests(log) {
  return log
    .filter((r) => r.path.includes('/metrics?'))
    .map((r) => {
      const u = new URL(r.path, 'http://x');
      return {
        queue: decodeURIComponent(u.pathname.split('/').at(-2)),
        runIds: (u.searchParams.get('run_ids') ?? '').split(',').filter(Boolean),
        status: r.status,
        path: r.path,
      };
    });
}

// ------------------------------------------------------------ row 1-4 (todo)

test.todo('row 1: a hung backend times out after request_timeout_seconds with Retry (fault hang)');
test.todo('row 2: a backend slower than refresh_seconds still shows data (fault slow:MS)');
test.todo('row 3: a looping cursor, an endless chain, a huge page stop with a limit message (loop-cursor, endless, huge)');
test.todo('row 4: after a queue switch the old queue\'s data never shows under the new name (slow@jobs/QUEUE)');

// ------------------------------------------------------------------ row 5

test('row 5: a queue switch mid-fetch never asks B for A\'s runs, and A\'s late error never shows', async (t) => {
  const b = await faultyBackend(t, ['hang@metrics/' + QUEUE_A]);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE_A) });
  const { page } = app;
  // A's usage request is in flight (the backend holds it)...
  await waitFor('a usage request of queue A in flight', async () =>
    metricsRequests(await b.requests()).find((r) => r.queue === QUEUE_A && r.status === null),
  );
  // ...when the user picks queue B.
  await page.selectOption('select[name=queue]', QUEUE_B);
  await app.waitForState('ready');
  assert.ok(
    metricsRequests(await b.requests()).some((r) => r.queue === QUEUE_B && r.status === 200),
    'queue B\'s usage arrived',
  );
  // A's request fails late: once the fault is off, the backend has answered
  // it 503 before the switch returns. Then the user changes the bucket: by
  // the time that settles, a late error would have been on screen.
  await b.setFaults([]);
  const buckets = await page.$$eval('select[name=bucket] option', (os) => os.map((o) => o.value));
  const other = buckets.find((v) => v !== '1h' && v !== 'auto') ?? buckets[0];
  await afterAction(app, () => page.selectOption('select[name=bucket]', other));
  for (const panel of ['gpu-util', 'cpu-util', 'gpu-mem', 'sys-mem']) {
    const overlays = await page.$$eval(`[data-panel="${panel}"] .qs-overlay`, (els) =>
      els.map((e) => e.textContent.trim()),
    );
    assert.deepEqual(overlays, [], `${panel}: no error or loading overlay after A's late failure`);
  }
  // Every run id asked of B is one of B's runs.
  const { jobs } = await allJobs(b.api, QUEUE_B, b.from, b.now);
  const bRuns = new Set(jobs.map((j) => j.run_id).filter(Boolean));
  const asked = metricsRequests(await b.requests()).filter((r) => r.queue === QUEUE_B);
  assert.ok(asked.length > 0);
  for (const r of asked) {
    const foreign = r.runIds.filter((id) => !bRuns.has(id));
    assert.deepEqual(foreign, [], `queue B was asked for run ids that are not B's: ${r.path.slice(0, 200)}`);
  }
});

test('row 5: usage series with NaN are skipped, counted and reported; the others draw', async (t) => {
  const b = await faultyBackend(t, ['nan@metrics']);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE_A) });
  await app.waitForState('ready');
  // What the backend sent: series 0, 2, 4 ... of each answer carry NaN.
  let bad = 0;
  let good = 0;
  for (const r of metricsRequests(await b.requests()).filter((r) => r.status === 200)) {
    const text = await (await fetch(new URL(r.path, b.api).href)).text();
    const body = JSON.parse(text.replace(/-?Infinity|NaN/g, '"not a number"'));
    for (const s of body.series) {
      if (JSON.stringify(s).includes('not a number')) bad += 1;
      else good += 1;
    }
  }
  assert.ok(bad > 0 && good > 0, `the fault hit some series (${bad} bad, ${good} good)`);
  const notice = await textOf(app.page, '[data-skip-notice] p');
  assert.equal(notice, `${bad} usage series skipped: ${bad} × a value that is not a number`);
  const overlays = await app.page.$$eval('[data-panel="cpu-util"] .qs-overlay', (els) => els.length);
  assert.equal(overlays, 0, 'the CPU chart draws the good series');
});

// ------------------------------------------------------------------ row 7

test('row 7: dist/ has no inline script, and a violation of the policy is caught', async (t) => {
  const html = (await readFile(path.join(DIST, 'index.html'), 'utf8')).replace(/<!--[\s\S]*?-->/g, '');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length >= 2, 'plotly and the loader');
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc=/, `a script without src: ${attrs}`);
    assert.equal(body.trim(), '', 'no inline code');
  }
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');

  const app = await openApp(t, { config: { demo_jobs: 500 } });
  await app.waitForState('ready');
  // The harness's watch works: an inline script and code from a string are
  // refused and reported (page.evaluate itself runs as the debugger, which
  // the policy does not cover, so the string goes through a timer).
  await app.page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    setTimeout('window.__stringRan = true', 0); // eslint-disable-line no-implied-eval
  });
  await waitFor('the violations reported', () => app.cspViolations.length >= 2);
  const ran = await app.page.evaluate(() => ({ inline: window.__inlineRan === true, string: window.__stringRan === true }));
  assert.deepEqual(ran, { inline: false, string: false }, 'the policy is in force');
  assert.match(app.cspViolations.join('\n'), /script-src/);
  // These two were this test's own doing.
  app.cspViolations.length = 0;
});

// ------------------------------------------------------------------ row 8

test('row 8: refresh_seconds and request_timeout_seconds outside their limits: clamped, with notices', async (t) => {
  const b = await faultyBackend(t);
  const app = await openApp(t, {
    config: { api_base: b.api, refresh_seconds: 3_000_000, request_timeout_seconds: 3600 },
    query: b.query(QUEUE_A),
  });
  await app.waitForState('ready');
  const shown = await messages(app.page);
  assert.ok(
    shown.includes(
      'refresh_seconds is 3000000 in config.json, outside 10 to 86,400: the data refreshes every 86,400 seconds',
    ),
    JSON.stringify(shown),
  );
  assert.ok(
    shown.includes(
      'request_timeout_seconds is 3600 in config.json, outside 1 to 600: requests time out after 30 seconds',
    ),
    JSON.stringify(shown),
  );
});

test('row 8: thousands of unknown states are folded into "(other states)" with a notice', async (t) => {
  const b = await faultyBackend(t, ['unknown-states:200@jobs']);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE_A) });
  await app.waitForState('ready');
  const { jobs } = await allJobs(b.api, QUEUE_A, b.from, b.now);
  const unknown = new Map();
  for (const j of jobs) {
    for (const tr of j.transitions) {
      if (tr.state.startsWith('mystery-')) unknown.set(tr.state, (unknown.get(tr.state) ?? 0) + 1);
    }
  }
  assert.ok(unknown.size > 32, `the fault made more unknown states than are named (${unknown.size})`);
  const notice = await textOf(app.page, '[data-state-fold-notice]');
  const m = notice.match(/^(\d+) more unknown states \((\d+) transitions\) are shown as “\(other states\)”$/);
  assert.ok(m, notice);
  assert.equal(Number(m[1]), unknown.size - 32, 'all but the 32 named');
  const folded = [...unknown.values()].reduce((a, n) => a + n, 0);
  assert.ok(Number(m[2]) > 0 && Number(m[2]) < folded, `${m[2]} of ${folded} transitions folded`);
});

// ------------------------------------------------------------------ row 9

const VIEWS_KEY = 'queuescope.v1.views';
const DEMO = { demo_jobs: 500 };

/** Opens *Saved views* and saves the current view as `name`; resolves to the message shown. */
async function saveView(page, name) {
  const details = page.locator('details[data-saved-views]');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').first().click();
  const message = page.locator('[data-saved-message]');
  const before = (await message.count()) > 0 ? await message.innerText() : null;
  await page.locator('input[name=view-name]').fill(name);
  await page.getByRole('button', { name: 'Save view' }).click();
  return waitFor('the saved-views message', async () => {
    if ((await message.count()) === 0) return null;
    const now = (await message.innerText()).trim();
    return now !== before ? now : null;
  });
}

/** Fills local storage until it refuses; resolves to the number of filler keys. */
function fillStorage(page) {
  return page.evaluate(() => {
    let n = 0;
    for (const size of [1 << 20, 1 << 16, 1 << 10, 64, 1]) {
      const chunk = 'x'.repeat(size);
      for (;;) {
        try {
          localStorage.setItem(`filler-${n}`, chunk);
          n += 1;
        } catch {
          break;
        }
      }
    }
    return n;
  });
}

test('row 9: a full local storage says "not saved" for a view and an import, and nothing changes', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?tz=utc' });
  await app.waitForState('ready');
  const { page } = app;
  assert.match(await saveView(page, 'before'), /^Saved “before”\.$/);
  const storedBefore = await page.evaluate((k) => localStorage.getItem(k), VIEWS_KEY);
  const fillers = await fillStorage(page);
  assert.ok(fillers > 0);

  const refused = await saveView(page, 'too much');
  assert.match(refused, /^not saved: local storage is full; delete saved views or links you no longer need/);
  assert.equal(await page.locator('li[data-saved-view="too much"]').count(), 0, 'the view is not listed');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), VIEWS_KEY), storedBefore);

  // An import of a valid export: refused as a whole.
  await page.getByRole('button', { name: 'Import…' }).click();
  const doc = {
    queuescope_export: 1,
    views: { version: 1, views: [{ name: 'imported', query: 'range=24h', saved_at: 0 }] },
    links: { version: 1, per_queue: { 'a100-pool': [{ label: 'Wiki', url: 'https://wiki.example/q' }] } },
  };
  await page.locator('textarea[name=import]').fill(JSON.stringify(doc));
  await page.check('input[name=import-mode][value=merge]');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const message = page.locator('[data-saved-message]');
  await message.filter({ hasText: 'nothing was imported' }).waitFor();
  assert.match(await message.innerText(), /^nothing was imported: not saved: local storage is full/);
  assert.equal(await page.locator('li[data-saved-view="imported"]').count(), 0);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), VIEWS_KEY), storedBefore);
  assert.equal(await page.evaluate(() => localStorage.getItem('queuescope.v1.links')), null);

  // Space freed: the same save works.
  await page.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('filler-')) localStorage.removeItem(k);
  });
  assert.match(await saveView(page, 'too much'), /^Saved “too much”\.$/);
  await page.locator('li[data-saved-view="too much"]').waitFor();
});

test('row 9: views saved by a newer Queuescope are left untouched, with a notice', async (t) => {
  const newer = JSON.stringify({ version: 7, views: [{ name: 'from the future', query: 'range=1h' }], extra: 1 });
  const app = await openApp(t, { config: DEMO, query: '?tz=utc' });
  await app.waitForState('ready');
  const { page } = app;
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [VIEWS_KEY, newer]);
  await page.reload();
  await app.waitForState('ready');
  const shown = await messages(page);
  assert.ok(
    shown.includes(
      'saved views were saved by a newer version of Queuescope (format 7): this version cannot show them and leaves them untouched; changes to them here are not saved',
    ),
    JSON.stringify(shown),
  );
  assert.equal(
    await saveView(page, 'mine'),
    'not saved: the saved views in this browser were saved by a newer version of Queuescope, and this one leaves them untouched',
  );
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), VIEWS_KEY), newer, 'the newer data is intact');
});

test('row 9: an imported file over 1 MB is refused unread, with its size', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?tz=utc' });
  await app.waitForState('ready');
  const { page } = app;
  const details = page.locator('details[data-saved-views]');
  await details.locator('summary').first().click();
  await page.getByRole('button', { name: 'Import…' }).click();
  await page.setInputFiles('.qs-import input[type=file]', {
    name: 'big.json',
    mimeType: 'application/json',
    buffer: Buffer.alloc(1_200_000, ' '),
  });
  const message = page.locator('[data-saved-message]');
  await message.waitFor();
  assert.equal(
    (await message.innerText()).trim(),
    'nothing was imported: the file is 1,200 KB, more than the 1,000 KB a Queuescope export can be',
  );
  assert.equal(await page.locator('textarea[name=import]').inputValue(), '', 'the file was not read');
});

// ----------------------------------------------------------------- row 10

/** The load error as the user sees it, and whether it says refresh is paused. */
async function loadError(page) {
  const el = page.locator('[data-load-error]');
  await el.waitFor();
  return { text: (await el.innerText()).replace(/\s+/g, ' ').trim(), paused: await el.getAttribute('data-refresh-paused') };
}

/** `<html data-refresh-ticks>`: ticks of the refresh timer so far. */
function ticks(page) {
  return page.evaluate(() => Number(document.documentElement.dataset.refreshTicks ?? 0));
}

test('row 10: 401 says to sign in and pauses the refresh until Retry, which recovers', async (t) => {
  const b = await faultyBackend(t, ['status:401']);
  const app = await openApp(t, { config: { api_base: b.api, refresh_seconds: 10 }, query: b.query(QUEUE_A) });
  await app.waitForState('error');
  const { page } = app;
  const e = await loadError(page);
  assert.match(e.text, /the queue API asks you to sign in \(401 for http:\/\/127\.0\.0\.1:\d+\/api\/v1\/queues/);
  assert.match(e.text, /Sign in to the site that serves the queue API/);
  assert.match(e.text, /Automatic refresh is paused until you press Retry\./);
  assert.equal(e.paused, '');

  // A tick of the refresh timer passes without a request.
  const seq = (await b.requests()).at(-1).seq;
  await waitFor('a refresh tick', async () => (await ticks(page)) >= 1, 500);
  assert.deepEqual(await b.requests(seq + 1), [], 'no request while paused');

  // Signed in again: Retry loads the data, and the refresh asks again.
  await b.setFaults([]);
  await page.getByRole('button', { name: 'Retry' }).click();
  await app.waitForState('ready');
  assert.equal(await page.locator('[data-load-error]').count(), 0);
  const after = (await b.requests()).at(-1).seq;
  const t0 = await ticks(page);
  await waitFor('the next refresh tick', async () => (await ticks(page)) > t0, 500);
  await waitFor('the refresh to ask again', async () =>
    (await b.requests(after + 1)).some((r) => r.path.endsWith('/queues')),
  );
});

test('row 10: 403 on one queue says to ask for access', async (t) => {
  const b = await faultyBackend(t, [`status:403@jobs/${QUEUE_A}`]);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE_A) });
  await app.waitForState('error');
  const e = await loadError(app.page);
  assert.match(e.text, /you have no access to this queue's data \(403 for http:\/\/127\.0\.0\.1:\d+\/api\/v1\/queues\/a100-pool\/jobs/);
  assert.match(e.text, /Ask the queue's owners for access/);
  assert.equal(e.paused, null, 'no refresh configured: nothing to pause');
});

test('row 10: a backend clock two days behind: a notice, with the jobs it cuts short counted', async (t) => {
  const b = await faultyBackend(t, ['skew:-2d@jobs']);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query(QUEUE_A) });
  await app.waitForState('ready');
  const { jobs, generatedAt } = await allJobs(b.api, QUEUE_A, b.from, b.now);
  assert.equal(generatedAt, b.now - 2 * DAY);
  const after = jobs.filter((j) => Date.parse(j.transitions.at(-1).at) > generatedAt).length;
  assert.ok(after > 0);
  const notice = await textOf(app.page, '[data-clock-notice]');
  assert.equal(
    notice,
    `The backend's clock is 2 d 0 h behind this browser's: running jobs are drawn until its “now”. ` +
      `${after} jobs have transitions after the backend's “now” (generated_at): their last state ends there.`,
  );
  // Without the fault the clocks agree: no notice.
  await b.setFaults([]);
  await app.page.reload();
  await app.waitForState('ready');
  assert.equal(await app.page.locator('[data-clock-notice]').count(), 0);
});
