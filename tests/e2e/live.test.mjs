// Issue #12 items 1-2: incremental refresh (SPEC §2 `updated_since`) and
// the cache shown on open, in real Chromium against demo-backend, whose
// control endpoint adds and advances jobs and logs every request it saw.

import test from 'node:test';
import assert from 'node:assert/strict';
import { WATCH_USAGE_WORKER, controlOf, openApp, resourceTimings, startDemoBackend, waitFor, DAY, HOUR, MINUTE } from './harness.mjs';

const QUEUE = 'a100-pool';

/** `ms` as RFC 3339 in whole seconds. */
function rfc3339(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * demo-backend with its clock at this moment (fixed unless moved), and
 * helpers around its control endpoint.
 */
async function liveBackend(t, extra = []) {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const api = await startDemoBackend(t, ['--jobs', '1200', '--days', '2', '--now', rfc3339(now), ...extra]);
  const call = controlOf(api);
  const from = now - DAY;
  const to = now + HOUR;
  return {
    api,
    now,
    call,
    requests: (since = 0) => call('GET', `/requests?since=${since}`),
    /** The app's view of the queue: the last day and the next hour, absolute. */
    query: `?queue=${QUEUE}&from=${rfc3339(from)}&to=${rfc3339(to)}&bucket=1h&tz=utc`,
    /** Every job of the view as the API serves it now. */
    async jobs() {
      const out = [];
      let cursor = null;
      do {
        const c = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const url = `${api}/queues/${QUEUE}/jobs?from=${rfc3339(from)}&to=${rfc3339(to)}${c}`;
        const page = await (await fetch(url)).json();
        out.push(...page.jobs);
        cursor = page.next_cursor;
      } while (cursor);
      return out;
    },
  };
}

/** The backend's log of jobs requests (path and bytes) from `since` on. */
async function jobsRequests(b, since) {
  return (await b.requests(since)).filter((r) => r.path.includes('/jobs?'));
}

/** The ids of every record a logged request's answer held (asked again: the clock did not move). */
async function idsOf(b, path) {
  const base = b.api.replace(/\/api\/v1$/, '');
  const page = await (await fetch(base + path)).json();
  return page.jobs.map((j) => j.id).sort();
}

/** Total of one state's series in Job status. */
async function stateTotal(app, name) {
  const s = (await app.inspect('job-status')).find((x) => x.name === name);
  return s ? s.y.reduce((a, b) => a + b, 0) : 0;
}

/** The header's job count. */
async function jobCount(page) {
  const text = await page.$eval('[data-summary] .qs-figure-value', (e) => e.textContent);
  return Number(text.replace(/[^0-9]/g, ''));
}

/** `<html data-last-read>`: `full` or `incremental:R/A/D`. */
function lastRead(page) {
  return page.evaluate(() => document.documentElement.dataset.lastRead ?? '');
}

test('a job added and a job advanced appear after the next refresh, which transfers only them', async (t) => {
  const b = await liveBackend(t);
  const app = await openApp(t, { config: { api_base: b.api, refresh_seconds: 10 }, query: b.query });
  await app.waitForState('ready');
  const { page } = app;
  assert.equal(await lastRead(page), 'full');
  const failedBefore = await stateTotal(app, 'Failed');
  const jobsBefore = await jobCount(page);
  const held = await b.jobs();
  const running = held.find((j) => j.transitions.at(-1).state === 'running');
  assert.ok(running, 'an unfinished job to advance');
  // A refresh of the data on screen says "Updating…" in the header: no
  // progress notice comes and goes above the panels (moving them all).
  await page.evaluate(() => {
    window.__qsProgressSeen = false;
    new MutationObserver(() => {
      window.__qsProgressSeen ||= document.querySelector('[data-load-progress]') !== null;
    }).observe(document.body, { childList: true, subtree: true });
  });

  // The state filter's `running` row, its box focused: the advance below
  // takes one job off its count. A refresh writes the new count into the
  // same row (keyed by value, the count a signal of its own): the row is
  // not rebuilt, and the focus stays on its box.
  const countOf = (text) => Number(text.replace(/[^0-9]/g, ''));
  const runningRow = page.locator('[data-filter="state"] li:has(input[value="running"])');
  await page.locator('[data-filter="state"] summary').click();
  const runningBefore = countOf(await runningRow.locator('.qs-count').innerText());
  assert.ok(runningBefore >= 2, `${runningBefore} running jobs in the state filter`);
  await runningRow.locator('input').focus();
  await runningRow.evaluate((li) => {
    window.__qsRunningRow = li;
  });

  // The errors page's rows as they stand: an error that stays on the page
  // after the refresh keeps its row (the same element, its text unchanged);
  // the new error on top takes the row freed at the bottom.
  await page.evaluate(() => {
    window.__qsErrorRows = [...document.querySelectorAll('[data-panel="errors"] tbody tr[data-job-id]')].map((tr) => ({
      key: `${tr.dataset.jobId}@${tr.dataset.at}`,
      tr,
      text: tr.innerText,
    }));
  });

  // One second later on the backend's clock a job arrives and another one
  // fails; 30 s later the new job has waited 30 s.
  await b.call('PUT', '/clock', { advance: '1s' });
  const added = await b.call('POST', `/jobs/${QUEUE}`, { id: 'e2e-new', job: 'e2e-arrival', user: 'zz-new' });
  assert.equal(added.job.id, 'e2e-new');
  await b.call('POST', `/jobs/${QUEUE}/${running.id}`, { state: 'failed', error: 'e2e: advanced to failed' });
  const seq = ((await b.requests()).at(-1)?.seq ?? -1) + 1;
  await b.call('PUT', '/clock', { advance: '30s' });

  // The next refresh brings both: the advanced job's error row, one more
  // failure, one more job (waiting).
  const row = page.locator(`[data-panel="errors"] tr[data-job-id="${running.id}"]`);
  await waitFor('the advanced job in the errors table', async () => (await row.count()) > 0, 250);
  await app.waitForState('ready');
  assert.match(await lastRead(page), /^incremental:\d+\/\d+\/0$/);
  assert.equal(await stateTotal(app, 'Failed'), failedBefore + 1);
  assert.equal(await jobCount(page), jobsBefore + 1, 'the new job is counted');
  assert.match(await row.first().innerText(), /e2e: advanced to failed/);
  assert.equal(await page.evaluate(() => window.__qsProgressSeen), false, 'no progress notice during a refresh');
  assert.equal(countOf(await runningRow.locator('.qs-count').innerText()), runningBefore - 1, 'the running count follows the refresh');
  assert.deepEqual(
    await page.evaluate(() => ({
      same: window.__qsRunningRow.isConnected,
      focused: document.activeElement === window.__qsRunningRow.querySelector('input'),
    })),
    { same: true, focused: true },
    'the row whose count moved is the same element, its box still focused',
  );
  const errorRows = await page.evaluate(() => {
    const shown = [...document.querySelectorAll('[data-panel="errors"] tbody tr[data-job-id]')];
    const kept = window.__qsErrorRows.filter((r) => shown.some((tr) => `${tr.dataset.jobId}@${tr.dataset.at}` === r.key));
    return {
      first: shown[0]?.dataset.jobId,
      kept: kept.length,
      moved: kept.filter((r) => !r.tr.isConnected || `${r.tr.dataset.jobId}@${r.tr.dataset.at}` !== r.key).length,
      rewritten: kept.filter((r) => r.tr.innerText !== r.text).length,
    };
  });
  assert.equal(errorRows.first, running.id, 'the new error is on top');
  assert.ok(errorRows.kept >= 20, `most of the page stays (${errorRows.kept} errors)`);
  assert.deepEqual([errorRows.moved, errorRows.rewritten], [0, 0], 'an error that stays keeps its row and text');

  // What went over the wire: every jobs request since the edits carried
  // updated_since; the first one's answer held exactly the two changed
  // records (asked again: the clock has not moved since).
  const log = await jobsRequests(b, seq);
  assert.ok(log.length >= 1, 'a jobs request after the edits');
  for (const r of log) {
    assert.ok(new URL(r.path, 'http://x').searchParams.get('updated_since'), `${r.path} carries updated_since`);
  }
  // Changed since `g`: the two edits, and any job whose own transitions
  // the backend's clock passed over (the demo data has jobs still to
  // advance after its `--now`, so which ones depends on the moment).
  const g = Date.parse(new URL(log[0].path, 'http://x').searchParams.get('updated_since'));
  const changed = (await b.jobs())
    .filter((j) => [...j.transitions, ...(j.errors ?? [])].some((x) => Date.parse(x.at) >= g))
    .map((j) => j.id)
    .sort();
  assert.ok(changed.includes('e2e-new') && changed.includes(running.id), `${changed} holds both edits`);
  assert.ok(changed.length < held.length / 50, `${changed.length} of ${held.length} jobs changed`);
  assert.deepEqual(await idsOf(b, log[0].path), changed, log[0].path);
  const budget = 2_500 * changed.length;
  assert.ok(log[0].bytes < budget, `${log[0].bytes} bytes for ${changed.length} records (the view holds ${held.length})`);
  const full = (await jobsRequests(b, 0)).find((r) => !r.path.includes('updated_since'));
  assert.ok(full.bytes > 50 * log[0].bytes, `a full read was ${full.bytes} bytes`);
});

test('a run that starts is asked for its usage before the panels are computed, once', async (t) => {
  const b = await liveBackend(t);
  const asks = () => {
    window.__qsUsageAsked = [];
    window.__qsUsageSent = (url) => window.__qsUsageAsked.push({ url, at: performance.now() });
  };
  const initScript = [WATCH_USAGE_WORKER, asks];
  const app = await openApp(t, { config: { api_base: b.api, refresh_seconds: 10 }, query: b.query, initScript });
  await app.waitForState('ready');
  const { page } = app;
  const asked = [];
  page.on('request', (r) => {
    if (r.url().includes('/metrics?')) asked.push(new URL(r.url()).searchParams.get('run_ids').split(','));
  });
  // A job that queued 20 s ago and runs now: the most recent run of the
  // view, so the usage charts show it after the next refresh.
  await b.call('PUT', '/clock', { advance: '20s' });
  const at = rfc3339(b.now + 1_000);
  await b.call('POST', `/jobs/${QUEUE}`, {
    id: 'e2e-started',
    job: 'e2e-start',
    run_id: 'e2e-run',
    transitions: [{ state: 'queued', at }, { state: 'running' }],
  });
  await b.call('PUT', '/clock', { advance: '30s' });
  const ours = () => asked.filter((ids) => ids.includes('e2e-run'));
  await waitFor('the usage of the run that started asked for', async () => ours().length > 0, 250);
  await app.waitForState('ready');
  assert.match(await lastRead(page), /^incremental:/);
  assert.equal(ours().length, 1, `asked once: ${JSON.stringify(asked)}`);
  // Asked as the refresh's data was published: before its memo graph
  // (the run lanes) ran over it, not after (it was ~100 ms later at 100k).
  // When the app asked: its hand-off to the usage worker, or the page's own
  // request's resource timing where no worker runs.
  const handed = await page.evaluate(() => window.__qsUsageAsked.find((r) => r.url.includes('e2e-run'))?.at);
  const fetched = (await resourceTimings(page)).find((r) => r.name.includes('e2e-run'))?.startTime;
  const when = await page.evaluate((at) => {
    const data = performance.getEntriesByName('qs-data').filter((m) => m.startTime <= at).at(-1)?.startTime ?? null;
    const lanes = performance.getEntriesByName('qs:run-layout').find((m) => m.startTime >= data)?.startTime ?? null;
    return { at, data, lanes };
  }, handed ?? fetched ?? null);
  assert.ok(when.at !== null && when.data !== null && when.lanes !== null, JSON.stringify(when));
  assert.ok(when.at < when.lanes, `usage asked at ${when.at}, the lanes computed from ${when.lanes} (data at ${when.data})`);
  const gpu = await app.inspect('gpu-util');
  assert.ok(Array.isArray(gpu), 'the usage chart answers for the view');
});

/** `<html data-cache-stored>`: the `generated_at` of the read last stored in the cache. */
function stored(page) {
  return page.evaluate(() => document.documentElement.dataset.cacheStored ?? '');
}

/** The header's figures (jobs, runs, ...) as shown. */
function figures(page) {
  return page.$$eval('[data-summary] .qs-figure-value', (els) => els.map((e) => e.textContent.trim()));
}

/** Overwrites the cached read of `queue` on `api` in the page's IndexedDB with `bytes`. */
function corruptCache(page, api, queue, bytes) {
  return page.evaluate(
    ([key, bytes]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('queuescope-cache');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['reads'], 'readwrite');
          tx.objectStore('reads').put(new Uint8Array(bytes), key);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [`${api}\n${queue}`, bytes],
  );
}

test('a reopen shows the cached data before the jobs request completes, then brings it current', async (t) => {
  const b = await liveBackend(t);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query });
  await app.waitForState('ready');
  const { page } = app;
  const shown = await figures(page);
  const status = await app.inspect('job-status');
  assert.notEqual(shown[0], '—');
  await waitFor('the read stored in the cache', async () => (await stored(page)) !== '', 100);

  // The backend is slow now: the reopened page shows the cached read at
  // once, labelled, while its jobs request is still unanswered.
  await b.call('PUT', '/faults', ['slow:6000@jobs']);
  const seq = ((await b.requests()).at(-1)?.seq ?? -1) + 1;
  await page.reload();
  const badge = page.locator('[data-cached-from]');
  await badge.waitFor();
  assert.match(await badge.innerText(), /^Cached, from \w{3}\s\d{2}\s\d{2}:\d{2} — \d+\s[sm] old, updating…$/);
  await page.locator('[data-panel="job-status"] .qs-chart-box[data-drawn]').first().waitFor();
  assert.deepEqual(await figures(page), shown, 'the cached figures are on screen');
  assert.deepEqual(await app.inspect('job-status'), status, 'the cached job status is on screen');
  await waitFor('the jobs request sent', async () => (await jobsRequests(b, seq)).length > 0, 100);
  // The page's and the fetching worker's resource timings: a jobs answer
  // would be one of them once its body arrived.
  const answered = (await resourceTimings(page)).filter((e) => e.name.includes('/jobs?')).length;
  assert.equal(answered, 0, 'no jobs answer has reached the page yet');
  assert.equal(await lastRead(page), 'cached');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.appState), 'loading');

  // The answer (what changed since the cached read) brings it current.
  await app.waitForState('ready');
  const seen = (await resourceTimings(page)).filter((e) => e.name.includes('/jobs?')).length;
  assert.ok(seen >= 1, 'the jobs answer is seen once it arrived (the check above could fail)');
  assert.match(await lastRead(page), /^incremental:/);
  assert.equal(await badge.count(), 0, 'no cached label once current');
  const log = await jobsRequests(b, seq);
  assert.ok(log.every((r) => new URL(r.path, 'http://x').searchParams.get('updated_since')), 'asked only for changes');
  assert.deepEqual(await figures(page), shown);
});

test('a corrupt cache is dropped with a notice and the queue is read in full', async (t) => {
  const b = await liveBackend(t);
  const app = await openApp(t, { config: { api_base: b.api }, query: b.query });
  await app.waitForState('ready');
  const { page } = app;
  const shown = await figures(page);
  await waitFor('the read stored in the cache', async () => (await stored(page)) !== '', 100);
  // QSCR, format 3 (this one), then nothing that decodes.
  await corruptCache(page, b.api, QUEUE, [81, 83, 67, 82, 3, 0, 255, 255, 255]);

  await page.reload();
  await app.waitForState('ready');
  await page
    .getByText(`The cached data of queue “${QUEUE}” could not be read (damaged:`, { exact: false })
    .waitFor();
  assert.equal(await lastRead(page), 'full');
  assert.deepEqual(await figures(page), shown);
  // The full read is stored again: the next reopen has a cache.
  await waitFor('the read stored again', async () => (await stored(page)) !== '', 100);

  // An entry of format 2 (records, before the prepared columns) is
  // dropped the same way, saying why.
  await corruptCache(page, b.api, QUEUE, [81, 83, 67, 82, 2, 0, 1, 2, 3]);
  await page.reload();
  await app.waitForState('ready');
  await page
    .getByText(`The cached data of queue “${QUEUE}” was written by another version of Queuescope`, { exact: false })
    .waitFor();
  assert.equal(await lastRead(page), 'full');
  assert.deepEqual(await figures(page), shown);
});

/**
 * Everything the panels show that a refresh changes: every chart panel's
 * series (`window.queuescope.inspect`), the header's figures, the errors
 * table's rows and the insights' text.
 */
async function shown(app) {
  const { page } = app;
  const panels = await page.$$eval('[data-panel]', (els) => els.map((e) => e.dataset.panel));
  const series = {};
  // The usage charts show what the usage requests brought so far (their own
  // fetches, not the refresh's analysis): left out.
  for (const p of panels.filter((p) => !['cpu-util', 'gpu-util', 'gpu-mem', 'sys-mem'].includes(p))) {
    const answer = await page.evaluate((p) => window.queuescope?.inspect(p)?.series ?? null, p);
    if (answer) series[p] = answer;
  }
  return {
    series,
    figures: await figures(page),
    errors: await page.$$eval('[data-panel="errors"] tbody tr', (rows) => rows.map((r) => r.innerText)),
    // Under-used GPUs are judged on the runs whose usage is loaded: a page
    // that was open before the refresh has also loaded the usage of runs
    // that have since left the usage charts' most recent ones (so it says
    // "judged on the 50 of 397", a fresh page "49"): left out like the
    // usage charts.
    insights: (await page.$eval('[data-panel="insights"]', (e) => e.innerText)).replace(
      /Under-used GPUs[\s\S]*?(?=Waiting by hour of week)/,
      '',
    ),
  };
}

/** Two pages' panels (see `shown`) are the same. */
function assertSameShown(refreshed, reloaded) {
  assert.deepEqual(Object.keys(refreshed.series).sort(), Object.keys(reloaded.series).sort());
  for (const p of Object.keys(reloaded.series)) assert.deepEqual(refreshed.series[p], reloaded.series[p], p);
  assert.deepEqual(refreshed.figures, reloaded.figures);
  assert.deepEqual(refreshed.errors, reloaded.errors);
  assert.deepEqual(refreshed.insights, reloaded.insights);
}

test("an incremental refresh's panels equal a fresh page's full read of the same data", async (t) => {
  const b = await liveBackend(t);
  const app = await openApp(t, { config: { api_base: b.api, refresh_seconds: 10 }, query: b.query });
  await app.waitForState('ready');
  const { page } = app;
  const held = await b.jobs();
  const running = held.filter((j) => j.transitions.at(-1).state === 'running');
  const waiting = held.filter((j) => ['queued', 'idle', 'pending'].includes(j.transitions.at(-1).state));
  assert.ok(running.length >= 2, `running jobs to change (${running.length})`);

  // A live refresh's kind of change: errors on held jobs, one finished,
  // one failed, one started (if one waits), two arrivals; the clock moves
  // a little.
  await b.call('PUT', '/clock', { advance: '1s' });
  for (const j of held.filter((_, k) => k % 97 === 0)) {
    await b.call('POST', `/jobs/${QUEUE}/${j.id}`, { error: 'e2e: noted' });
  }
  await b.call('POST', `/jobs/${QUEUE}/${running[0].id}`, { state: 'finished' });
  await b.call('POST', `/jobs/${QUEUE}/${running[1].id}`, { state: 'failed', error: 'e2e: failed' });
  if (waiting.length > 0) await b.call('POST', `/jobs/${QUEUE}/${waiting[0].id}`, { state: 'running' });
  await b.call('POST', `/jobs/${QUEUE}`, { id: 'e2e-a', job: 'e2e-arrival', user: 'zz-a' });
  await b.call('POST', `/jobs/${QUEUE}`, { id: 'e2e-b', job: 'e2e-arrival', user: 'zz-b' });
  await b.call('PUT', '/clock', { advance: '2s' });

  await waitFor('an incremental refresh', async () => /^incremental:/.test(await lastRead(page)), 250);
  await app.waitForState('ready');
  // The refresh timer keeps running: pause it so the page holds still.
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await app.waitForState('ready');
  assert.match(await lastRead(page), /^incremental:\d+\/2\/0$/);
  const refreshed = await shown(app);

  // The same data read in full by a fresh page (the clock has not moved).
  const fresh = await openApp(t, { config: { api_base: b.api, refresh_seconds: 10 }, query: b.query });
  await fresh.waitForState('ready');
  assert.equal(await lastRead(fresh.page), 'full');
  const reloaded = await shown(fresh);
  assert.ok(Object.keys(reloaded.series).includes('job-status'), 'job status inspected');
  assert.ok(reloaded.errors.some((r) => r.includes('e2e: failed')), 'the new error is listed');
  assertSameShown(refreshed, reloaded);
});

test('over a sliding range, an incremental refresh carries the panels over and equals a fresh page read then', async (t) => {
  // The view's range is relative (`1d`): it slides with the page's clock,
  // fixed here (timers still run) so a fresh page can resolve the same
  // range. The backend's data ends 2 minutes into an hour (a fixed one:
  // the demo data's shape depends on the hour, and jobs must end in the
  // 55 minutes the start moves); the page reads it a second later, and
  // again 55 minutes later (the same hour: open spans end in the same
  // bucket), the range's start 55 minutes on.
  const now = Date.parse('2026-11-30T10:02:00Z');
  await slidingRefresh(t, now, [now + 1000, now + 55 * MINUTE]);
});

test("over a sliding range, a backend clock ahead of the browser's still carries every panel over", async (t) => {
  // Live data: each answer's generated_at is after the page's now (the
  // range's end), as when the backend answers later than the page asked,
  // or its clock runs ahead. The figures of a read are then those of its
  // data as of the range's end, and the next refresh carries them over
  // (it recounted every memo before).
  const now = Date.parse('2026-11-30T10:02:00Z');
  await slidingRefresh(t, now, [now - 1000, now + 55 * MINUTE - MINUTE / 2 - 1000]);
});

/**
 * A page on a relative range reads demo-backend (clock at `now`) with its
 * own clock at `clocks[0]`, then refreshes once with its clock at
 * `clocks[1]` after the backend's clock moved to 30 s before `now` + 55
 * minutes (errors added, a run finished, a job arrived, jobs left at the
 * start): no memo but Queued time (its groups changed) is counted again,
 * and the panels equal a fresh page's full read at `clocks[1]`.
 */
async function slidingRefresh(t, now, [c0, c1]) {
  const api = await startDemoBackend(t, ['--jobs', '6000', '--days', '3', '--page-size', '5000', '--now', rfc3339(now)]);
  const call = controlOf(api);
  const query = `?queue=${QUEUE}&range=1d&bucket=1h&tz=utc`;
  const config = { api_base: api, refresh_seconds: 10 };
  const t1 = now + 55 * MINUTE;
  const app = await openApp(t, { config, query, clock: c0 });
  await app.waitForState('ready');
  const { page } = app;
  const held = await (await fetch(`${api}/queues/${QUEUE}/jobs?from=${rfc3339(now - DAY)}&to=${rfc3339(now)}`)).json();
  assert.equal(held.next_cursor, null);
  const running = held.jobs.filter((j) => j.transitions.at(-1).state === 'running');
  assert.ok(running.length >= 1, `a running job to finish (${running.length})`);
  // Memos computed afresh on refreshed data (`<html data-recounts>`; the
  // `qs:recount:*` spans are not recorded under a faked clock).
  const recounts = () => page.evaluate(() => Number(document.documentElement.dataset.recounts ?? 0));
  const before = await recounts();
  const groups = async () => (await app.inspect('queued-time')).map((x) => x.name);
  const groupsBefore = await groups();

  await call('PUT', '/clock', { to: rfc3339(t1 - MINUTE) });
  for (const j of held.jobs.filter((_, k) => k % 37 === 0)) {
    await call('POST', `/jobs/${QUEUE}/${j.id}`, { error: 'e2e: slid' });
  }
  await call('POST', `/jobs/${QUEUE}/${running[0].id}`, { state: 'finished' });
  await call('POST', `/jobs/${QUEUE}`, { id: 'e2e-slid', job: 'e2e-arrival', user: 'zz-slid' });
  await call('PUT', '/clock', { to: rfc3339(t1 - MINUTE / 2) });
  // Later by the page's clock: the next tick refreshes, once.
  await page.clock.setFixedTime(c1);
  await waitFor('an incremental refresh', async () => /^incremental:/.test(await lastRead(page)), 250);
  await app.waitForState('ready');
  // Some jobs left at the range's start (dropped), one arrived.
  assert.match(await lastRead(page), /^incremental:\d+\/1\/[1-9]\d*$/);
  // The slide moved a user out of Queued time's top 11 (the jobs that
  // left at the start): its folded groups changed, so it alone is counted
  // afresh; every other memo carried over.
  assert.notDeepEqual(await groups(), groupsBefore, "Queued time's groups changed");
  const last = await page.evaluate(() => document.documentElement.dataset.lastRecount ?? '');
  assert.equal(await recounts(), before + 1, `only Queued time was counted again (last: ${last})`);
  assert.equal(last, 'qs:recount:queued-time');
  const refreshed = await shown(app);
  // The count is live: a regroup of the refreshed data computes Queued
  // time (and who waits most) afresh.
  await page.selectOption('select[name=group]', 'project');
  await app.waitForState('ready');
  assert.ok((await recounts()) > before, 'a regroup recounts');

  const fresh = await openApp(t, { config, query, clock: c1 });
  await fresh.waitForState('ready');
  assert.equal(await lastRead(fresh.page), 'full');
  const reloaded = await shown(fresh);
  assert.ok(reloaded.errors.some((r) => r.includes('e2e: slid')), 'the new errors are listed');
  assertSameShown(refreshed, reloaded);
}

test('the idle warm-up after a full read runs only when a refresh timer is set', async (t) => {
  const b = await liveBackend(t);
  /** The app's memory marks of the warm-up's splice (`qs-mem:warm-spliced:<bytes>`). */
  const spliced = (page) =>
    page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('qs-mem:warm-spliced:')).length);
  for (const [refresh_seconds, want] of [[undefined, 0], [3600, 1]]) {
    const config = { api_base: b.api, ...(refresh_seconds ? { refresh_seconds } : {}) };
    const app = await openApp(t, { config, query: b.query });
    await app.waitForState('ready');
    // Both wait for the page to be idle: the warm-up's splice was asked
    // for first, so it has run (or not) once the cache store is done.
    await waitFor('the cache store', async () => (await stored(app.page)) !== '', 100);
    assert.equal(await spliced(app.page), want, `refresh_seconds ${refresh_seconds}: warm-up splices`);
  }
});
