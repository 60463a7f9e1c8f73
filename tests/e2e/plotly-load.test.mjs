// plotly.js and the app's start (issue #14, a first visit): loader.js starts
// the app without waiting for plotly.js, so the config, the cache lookup and
// the jobs pages go on while it downloads and runs; each chart's first draw
// waits for it, and the page is not ready before every chart on screen has
// drawn. A plotly.js that does not load leaves the data and the tables in
// place, and every chart on screen says it cannot draw.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, serveDist, startDemoBackend } from './harness.mjs';

const QUERY = '?queue=a100-pool&from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z&tz=utc';

/** The app against `api`, its plotly.js request answered by `route` (a Playwright route handler). */
async function openWithPlotly(t, api, route) {
  const base = await serveDist(t, { api_base: api });
  const app = await openApp(t, { url: 'about:blank' });
  await app.page.route(/\/plotly[^/]*\.js$/, route);
  // Not waiting for the page's load event, which a held plotly.js holds.
  await app.page.goto(`${base}/${QUERY}`, { waitUntil: 'commit' });
  return app;
}

/**
 * The charts on screen, or within the 150 px below it where the app draws
 * them already (those further down draw when they scroll in): panel,
 * whether Plotly drew its graph, and the chart's error message.
 */
const chartsOnScreen = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.qs-chart-wrap')]
      .filter((w) => w.getBoundingClientRect().top < innerHeight + 150)
      .map((w) => ({
        panel: w.closest('[data-panel]')?.dataset.panel,
        drawn: w.querySelector('.js-plotly-plot') !== null,
        error: w.querySelector('.qs-chart-error')?.innerText ?? null,
      })),
  );

const appState = (page) => page.evaluate(() => document.documentElement.getAttribute('data-app-state'));

test('the jobs are read while plotly.js is held back; the charts draw once it runs, and only then is the page ready', async (t) => {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '3000']);
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let asked = false;
  const app = await openWithPlotly(t, api, async (route) => {
    asked = true;
    await held;
    await route.continue();
  });
  const { page } = app;
  // The whole read and its analysis, with no Plotly on the page.
  await page.waitForFunction(() => performance.getEntriesByName('qs-data', 'mark').length > 0);
  assert.ok(asked, 'the page asked for plotly.js');
  // Two frames and a task: every effect of the data has run.
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))),
  );
  assert.equal(await page.evaluate(() => typeof window.Plotly), 'undefined', 'plotly.js is still held back');
  assert.equal(await appState(page), 'loading', 'the charts wait for plotly.js: the page is not ready');
  assert.equal(await page.locator('.js-plotly-plot').count(), 0, 'no chart drawn yet');
  assert.equal(await page.locator('.qs-chart-error').count(), 0, 'no chart gave up');

  release();
  await app.waitForState('ready');
  const shown = await chartsOnScreen(page);
  assert.ok(shown.length >= 1, `charts on screen: ${JSON.stringify(shown)}`);
  for (const c of shown) assert.deepEqual(c, { ...c, drawn: true, error: null }, `${c.panel} drawn`);
  assert.ok((await app.inspect('job-status')).length > 0, 'Job status shows the data');
});

test('a plotly.js that does not load: the data and the tables are there, and every chart on screen says it cannot draw', async (t) => {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', '3000']);
  const app = await openWithPlotly(t, api, (route) =>
    route.fulfill({ status: 404, contentType: 'text/plain', body: 'not here' }),
  );
  await app.waitForState('ready');
  const { page } = app;
  const shown = await chartsOnScreen(page);
  assert.ok(shown.length >= 1, `charts on screen: ${JSON.stringify(shown)}`);
  for (const c of shown) {
    assert.deepEqual(c, { ...c, drawn: false, error: 'Plotly.js did not load: charts cannot be drawn' }, c.panel);
  }
  assert.equal(await page.locator('.js-plotly-plot').count(), 0);
  assert.ok((await page.locator('[data-panel="errors"] tr[data-job-id]').count()) > 0, 'the errors table is filled');
  assert.ok((await app.inspect('job-status')).length > 0, 'the analysis ran');
});
