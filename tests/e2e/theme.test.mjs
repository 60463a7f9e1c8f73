// The dark theme (issue #15 item 1, SPEC §4 `theme`), the way a user sees
// it: the page, Job status' Plotly frame (tick text, grid) and the marks
// the app paints on its canvas change colour; `auto` follows the system's
// colour scheme live (emulated); the user's choice wins over the config's
// and is remembered across a reload.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';
import { afterAction, showChart } from './monitor-helpers.mjs';

// The tokens of style/main.css that the assertions expect.
const LIGHT = { surface: 'rgb(255, 255, 255)', text: 'rgb(43, 47, 54)', font: '#2b2f36', grid: '#eceff3' };
const DARK = { surface: 'rgb(27, 32, 40)', text: 'rgb(211, 217, 225)', font: '#d3d9e1', grid: '#29303a' };
const QUEUED = { light: '#bc800c', dark: '#f2b134' };

/**
 * What Job status looks like: the theme, the panel's background, the
 * colour of its y tick labels and of Plotly's font and grid, the series'
 * colours (`inspect`), and how many canvas pixels show each colour.
 */
async function look(app) {
  await showChart(app, 'job-status');
  return app.page.evaluate(() => {
    const panel = document.querySelector('[data-panel="job-status"]');
    const gd = panel.querySelector('.js-plotly-plot');
    const c = gd.querySelector('canvas.qs-marks');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const pixels = {};
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] !== 255) continue;
      const hex = '#' + [d[i], d[i + 1], d[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('');
      pixels[hex] = (pixels[hex] ?? 0) + 1;
    }
    const series = window.queuescope.inspect('job-status').series;
    return {
      theme: document.querySelector('.qs-app').getAttribute('data-theme'),
      surface: getComputedStyle(panel).backgroundColor,
      text: getComputedStyle(gd.querySelector('.ytick text')).fill,
      font: gd._fullLayout.font.color,
      grid: gd._fullLayout.yaxis.gridcolor,
      colours: Object.fromEntries(series.map((s) => [s.name, s.color])),
      pixels,
    };
  });
}

/** The colours that fill most of the canvas (at least 500 pixels each). */
function painted(l) {
  return Object.entries(l.pixels)
    .filter(([, n]) => n >= 500)
    .map(([hex]) => hex)
    .sort();
}

function assertScheme(l, scheme) {
  const want = scheme === 'dark' ? DARK : LIGHT;
  assert.equal(l.theme, scheme);
  assert.equal(l.surface, want.surface, 'panel background');
  assert.equal(l.text, want.text, 'tick label colour');
  assert.equal(l.font, want.font, "Plotly's font");
  assert.equal(l.grid, want.grid, "Plotly's grid");
  assert.equal(l.colours.Queued, QUEUED[scheme], 'the Queued series');
  // What the canvas shows is the series' colours of this scheme.
  const series = new Set(Object.values(l.colours));
  const big = painted(l);
  assert.ok(big.length >= 3, `several states painted: ${JSON.stringify(l.pixels).slice(0, 300)}`);
  for (const hex of big) assert.ok(series.has(hex), `${hex} painted, but it is no series colour of ${scheme}`);
}

test('switching the theme recolours the page, the Plotly frame and the canvas marks', async (t) => {
  const app = await openApp(t);
  await app.waitForState('ready');
  const light = await look(app);
  assertScheme(light, 'light');
  const ys = () => app.page.evaluate(() => window.queuescope.inspect('job-status').series.map((s) => s.y));
  const before = await ys();

  await afterAction(app, () => app.page.selectOption('[data-theme-choice]', 'dark'));
  const dark = await look(app);
  assertScheme(dark, 'dark');
  assert.equal(
    await app.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
    'rgb(18, 22, 27)',
  );
  // Every state changed colour, and none of the light ones is left on the canvas.
  for (const [name, hex] of Object.entries(light.colours)) {
    assert.notEqual(dark.colours[name], hex, `${name} kept its light colour`);
  }
  for (const hex of painted(light)) assert.equal(dark.pixels[hex] ?? 0, 0, `${hex} still painted`);
  // The same bars: only the colours changed.
  assert.deepEqual(await ys(), before);

  await afterAction(app, () => app.page.selectOption('[data-theme-choice]', 'light'));
  assertScheme(await look(app), 'light');
});

test('auto follows the system colour scheme live', async (t) => {
  const app = await openApp(t);
  await app.waitForState('ready');
  assertScheme(await look(app), 'light');
  await afterAction(app, () => app.page.emulateMedia({ colorScheme: 'dark' }));
  assertScheme(await look(app), 'dark');
  await afterAction(app, () => app.page.emulateMedia({ colorScheme: 'light' }));
  assertScheme(await look(app), 'light');
});

test("the user's choice wins over the config's theme and is remembered across a reload", async (t) => {
  const app = await openApp(t, { config: { theme: 'dark' } });
  await app.waitForState('ready');
  assertScheme(await look(app), 'dark');
  assert.equal(await app.page.inputValue('[data-theme-choice]'), 'dark');

  await afterAction(app, () => app.page.selectOption('[data-theme-choice]', 'light'));
  assertScheme(await look(app), 'light');
  assert.equal(
    await app.page.evaluate(() => localStorage.getItem('queuescope.v1.appearance')),
    '{"version":1,"theme":"light"}',
  );
  await app.page.reload();
  await app.waitForState('ready');
  assertScheme(await look(app), 'light');
  assert.equal(await app.page.inputValue('[data-theme-choice]'), 'light');

  // "System" follows the (emulated) system, over the config's dark.
  // (Light to light: nothing to redraw, so no render to wait for.)
  await app.page.emulateMedia({ colorScheme: 'light' });
  await app.page.selectOption('[data-theme-choice]', 'auto');
  await app.page.waitForFunction(
    () => localStorage.getItem('queuescope.v1.appearance') === '{"version":1,"theme":"auto"}',
  );
  assertScheme(await look(app), 'light');
  await afterAction(app, () => app.page.emulateMedia({ colorScheme: 'dark' }));
  assertScheme(await look(app), 'dark');
});
