// The next `ready` of the page, on the page's own clock (live.mjs, brush.mjs), and
// what the traced scripts (trace.mjs, style.mjs, filter.mjs) wait on and do.

import { openApp, serveHosted, startDemoBackend } from '../e2e/harness.mjs';

/** Resolves (in the page) to performance.now() at the next ready after the current render. */
export function armNextReady(page) {
  return page.evaluate(() => {
    const html = document.documentElement;
    const old = Number(html.getAttribute('data-render-seq') ?? 0);
    window.__qsNext = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (html.getAttribute('data-app-state') === 'ready' && Number(html.getAttribute('data-render-seq')) > old) {
          obs.disconnect();
          resolve(performance.now());
        }
      });
      obs.observe(html, { attributes: true });
    });
  });
}

/** The page's data-render-seq now. */
export const renderSeq = (page) => page.evaluate(() => Number(document.documentElement.dataset.renderSeq ?? 0));

/**
 * Resolves once the page is ready with a render seq above `old` and the
 * address bar written (no `data-url-pending`).
 */
export function nextSettled(page, old) {
  return page.waitForFunction(
    (old) =>
      document.documentElement.dataset.appState === 'ready' &&
      Number(document.documentElement.dataset.renderSeq) > old &&
      !document.documentElement.hasAttribute('data-url-pending'),
    old,
    { polling: 'raf', timeout: 120_000 },
  );
}

/**
 * The traced scripts' interactions, as tests/perf/browser.mjs does them: a
 * `change` of select[name=group] (project, user, project, ...), a click on
 * the first user's checkbox (on, off, on, ...).
 */
export const actions = {
  regroup: (page, i) =>
    page.evaluate((value) => {
      const sel = document.querySelector('select[name=group]');
      sel.value = value;
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    }, i % 2 ? 'user' : 'project'),
  filter: (page) => page.evaluate(() => document.querySelector('input[type=checkbox][name=user]').click()),
};

/** The benchmark's view: a100-pool, the 7 days before the demo data's fixed "now", UTC (1 h buckets). */
export const BENCH_QUERY = '?queue=a100-pool&from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z&tz=utc';

/**
 * Starts `demo-backend --seed 7 --jobs N` and yields, for each dist in
 * turn, `{ dist, page }` with the benchmark view open and ready.
 */
export async function* readyPages(t, jobs, dists, { revisit = null } = {}) {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', String(jobs), '--page-size', '5000']);
  for (const dist of dists) {
    if (!revisit) {
      const app = await openApp(t, { config: { api_base: api }, query: BENCH_QUERY, dist: dist.dir });
      await app.waitForState('ready');
      yield { dist, page: app.page };
      continue;
    }
    // A returning user: dist/ served as a host serves it (hashed files
    // cached for good, serveHosted), a first visit in the browser's own
    // profile that `revisit(page)` uses, then the same address opened again
    // in that profile: the wasm from the HTTP cache with the code V8 cached
    // for it (the functions it had compiled with its top tier by then).
    const origin = await serveHosted(t, { config: { api_base: api }, dist: dist.dir });
    const app = await openApp(t, { url: `${origin}/tools/queues/${BENCH_QUERY}` });
    await app.waitForState('ready');
    await revisit(app.page);
    await app.page.goto(app.url);
    await app.waitForState('ready');
    yield { dist, page: app.page };
  }
}

/**
 * Job runs on screen, drawn and ready, and a function that drags the app's
 * brush over it from fraction f0 to f1 of the plot width, over the full
 * lane height (down, 4 + 4 moves, up: tests/perf/browser.mjs's brush).
 */
export async function runsDrag(page, f0, f1) {
  // Charts below the fold are drawn when they scroll into view: bring the
  // panel on screen, wait for its plot and the ready after its draw.
  await page.locator('[data-panel="job-runs"]').scrollIntoViewIfNeeded();
  const area = page.locator('[data-panel="job-runs"] .nsewdrag').first();
  await area.waitFor();
  await area.scrollIntoViewIfNeeded();
  await page.waitForSelector('[data-panel="job-runs"] .qs-chart-box[data-drawn="true"]');
  await page.waitForSelector('html[data-app-state="ready"]');
  const box = await area.boundingBox();
  const y0 = box.y + 2;
  const y1 = box.y + box.height - 2;
  const x0 = box.x + box.width * f0;
  const x1 = box.x + box.width * f1;
  return async () => {
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
    await page.mouse.move(x1, y1, { steps: 4 });
    await page.mouse.up();
  };
}
