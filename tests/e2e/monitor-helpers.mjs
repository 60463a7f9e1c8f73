// Page helpers for the Monitor interaction tests (monitor.test.mjs,
// marks.test.mjs): wait for the result of an action through
// `data-render-seq`, read the paginated tables, drag a real box on Job
// runs, read back the marks canvas a chart is drawn on, and turn Plotly's
// wall-clock dates into milliseconds the way the app does.
//
// Everything waits on the app's hooks or on the DOM, never on a timer.

import { TIMEOUT_MS, expectedFromCore } from './harness.mjs';

/**
 * The data and view of the Monitor tests (monitor.test.mjs,
 * marks.test.mjs): demo-backend --seed 7 --jobs 3000, queue a100-pool, the
 * two days before the demo data's fixed "now" (2026-11-28T09:00:00Z).
 */
export const SEED = '7';
export const JOBS = '3000';
export const QUEUE = 'a100-pool';
export const FROM = '2026-11-26T00:00:00Z';
export const TO = '2026-11-28T00:00:00Z';
export const QUERY = `?queue=${QUEUE}&from=${FROM}&to=${TO}&bucket=1h&tz=utc`;

/** The core's report `name` for that data and view, plus `extra` options. */
export function core(name, ...extra) {
  return expectedFromCore([
    name,
    ...['--seed', SEED, '--jobs', JOBS, '--queue', QUEUE, '--from', FROM, '--to', TO, '--bucket', '1h'],
    ...extra,
  ]);
}

/** `<html data-render-seq>`: bumped each time the app becomes ready. */
export async function renderSeq(page) {
  return page.evaluate(() => Number(document.documentElement.getAttribute('data-render-seq') ?? 0));
}

/**
 * Runs `action` and waits for its result: `data-app-state="ready"` with a
 * `data-render-seq` above the one before the action. Fails at once if the
 * page throws or panics (`app.crashed`).
 */
export async function afterAction(app, action) {
  const before = await renderSeq(app.page);
  await action();
  await Promise.race([
    app.page.waitForFunction(
      (old) => {
        const html = document.documentElement;
        // The app writes the address bar just after the frame
        // (data-url-pending until then): tests read it after this.
        return (
          html.getAttribute('data-app-state') === 'ready' &&
          Number(html.getAttribute('data-render-seq') ?? 0) > old &&
          !html.hasAttribute('data-url-pending')
        );
      },
      before,
      { timeout: TIMEOUT_MS },
    ),
    app.crashed,
  ]);
}

/** Loads `query` in the same page (a fresh app) and waits until it is ready. */
export async function reload(app, query) {
  await app.page.goto(new URL(query, app.url).href);
  await app.waitForState('ready');
}

/**
 * The rows of the table in `[data-panel=PANEL]` on the page shown: every
 * `tr[data-job-id]` as `{ id, at, cells, title }` (`at`: `data-at` as a
 * number or null; `title`: the `title` attribute of each cell).
 */
export async function tableRows(page, panel) {
  return page.$$eval(`[data-panel="${panel}"] tbody tr[data-job-id]`, (trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-job-id'),
      at: tr.hasAttribute('data-at') ? Number(tr.getAttribute('data-at')) : null,
      cells: Array.from(tr.cells, (td) => td.innerText.trim()),
      titles: Array.from(tr.cells, (td) => td.getAttribute('title')),
    })),
  );
}

/**
 * Every row of a paginated table: reads the page shown, clicks "Next page"
 * while it is enabled (waiting for the first row to change), and comes back
 * with "Previous page" to the first page. Resolves to `{ rows, pages }`.
 */
export async function allRows(page, panel) {
  const next = page.locator(`[data-panel="${panel}"] button[aria-label="Next page"]`);
  const prev = page.locator(`[data-panel="${panel}"] button[aria-label="Previous page"]`);
  const firstId = `[data-panel="${panel}"] tbody tr[data-job-id]`;
  const turn = async (button) => {
    const before = await page.$$eval(firstId, (trs) => trs.map((tr) => tr.outerHTML).join(''));
    await button.click();
    await page.waitForFunction(
      ([sel, old]) => Array.from(document.querySelectorAll(sel), (tr) => tr.outerHTML).join('') !== old,
      [firstId, before],
      { timeout: TIMEOUT_MS },
    );
  };
  const rows = [];
  let pages = 1;
  rows.push(...(await tableRows(page, panel)));
  while (await next.isEnabled()) {
    await turn(next);
    pages += 1;
    rows.push(...(await tableRows(page, panel)));
  }
  while (await prev.isEnabled()) await turn(prev);
  return { rows, pages };
}

/**
 * Milliseconds of a Plotly wall-clock date (`2026-11-27 10:23:45.1234`),
 * read as UTC and cut to whole milliseconds as the app's
 * `parse_wall_clock` does (chrono's `timestamp_millis`).
 */
export function wallClockMs(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?$/.exec(String(s).trim());
  if (!m) throw new Error(`not a wall-clock date: ${JSON.stringify(s)}`);
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m;
  const ms = Number((frac + '000').slice(0, 3));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) + ms;
}

/**
 * Drags a box with the real mouse across the plot area of the graph in
 * `[data-panel=PANEL]`, from fractions `(fx0, fy0)` to `(fx1, fy1)` of the
 * plot area, and resolves to the box the app then shows over the plot area
 * (its own brush layer: Plotly's select tool is not used), in axis units:
 * `{ x: [a, b], y: [top, bottom] }`, x in wall-clock ms on a time axis.
 */
export async function dragBox(app, panel, [fx0, fy0], [fx1, fy1]) {
  const { page } = app;
  // Charts below the fold are drawn when they scroll into view: bring the
  // panel on screen first, then wait for its plot.
  await page.locator(`[data-panel="${panel}"]`).scrollIntoViewIfNeeded();
  const graph = page.locator(`[data-panel="${panel}"] .js-plotly-plot`);
  await graph.scrollIntoViewIfNeeded();
  const box = await graph.locator('.nsewdrag').first().boundingBox();
  if (!box) throw new Error(`no plot area in [data-panel=${panel}]`);
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(fx0, fy0));
  await page.mouse.down();
  await page.mouse.move(...at(fx1, fy1), { steps: 12 });
  await page.mouse.up();
  const shown = await brushBox(page, panel);
  if (!shown) throw new Error(`no brush box shown on [data-panel=${panel}] after the drag`);
  return shown;
}

/**
 * The brush box shown over the plot area of `[data-panel=PANEL]`, in axis
 * units as in {@link dragBox}, or `null` when none is shown.
 */
export async function brushBox(page, panel) {
  const seen = await page.locator(`[data-panel="${panel}"] .js-plotly-plot`).evaluate((el) => {
    const shown = el.querySelector('.qs-brush-box');
    if (!shown || getComputedStyle(shown).display === 'none') return null;
    const rect = (e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const fl = el._fullLayout;
    return { xr: fl.xaxis.range, yr: fl.yaxis.range, area: rect(el.querySelector('.nsewdrag')), r: rect(shown) };
  });
  if (!seen) return null;
  const { xr, yr, area, r } = seen;
  const [x0, x1] = xr.map((v) => (typeof v === 'number' ? v : wallClockMs(v)));
  const [bottom, top] = yr;
  const x = (px) => x0 + ((px - area.left) / (area.right - area.left)) * (x1 - x0);
  const y = (py) => top + ((py - area.top) / (area.bottom - area.top)) * (bottom - top);
  return { x: [x(r.left), x(r.right)], y: [y(r.top), y(r.bottom)] };
}

/** Seconds of a duration as the tables show it (`59s`, `12m 05s`, `3h 07m`, `2d 4h`). */
export function durationSecs(text) {
  const units = { d: 86_400, h: 3_600, m: 60, s: 1 };
  const parts = [...String(text).matchAll(/(\d+)([dhms])/g)];
  if (parts.length === 0) return null;
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * units[u], 0);
}

/**
 * Scrolls the chart of `[data-panel=PANEL]` into view and waits until its
 * marks are drawn for the axes on screen (the chart box's `data-drawn`)
 * and the app is ready: charts below the fold draw only when they come
 * into view.
 */
export async function showChart(app, panel) {
  const { page } = app;
  await page.locator(`[data-panel="${panel}"] .qs-chart-box`).scrollIntoViewIfNeeded();
  await Promise.race([
    page.waitForFunction(
      (p) => {
        const el = document.querySelector(`[data-panel="${p}"] .js-plotly-plot`);
        const fl = el?._fullLayout;
        const c = el?.querySelector('canvas.qs-marks');
        // After a window resize Plotly follows (debounced) while the app
        // may still say ready: wait until the graph fits its element and
        // the canvas was painted for its plot area at this size.
        const fits =
          fl &&
          c &&
          Math.abs(fl.width - el.clientWidth) <= 1 &&
          c.width === Math.round(fl._size.w * Math.min(Math.max(window.devicePixelRatio, 1), 2)) &&
          Math.abs(c.getBoundingClientRect().width - fl._size.w) < 1;
        return (
          fits &&
          document.querySelector(`[data-panel="${p}"] .qs-chart-box`)?.getAttribute('data-drawn') === 'true' &&
          document.documentElement.getAttribute('data-app-state') === 'ready'
        );
      },
      panel,
      { timeout: TIMEOUT_MS },
    ),
    app.crashed,
  ]);
}

/**
 * A chart as the user sees it, once drawn: the plot area on the page
 * (`box`, CSS px), the axis ranges shown (`x`: wall-clock ms on a time
 * axis, else axis units; `y` as [top, bottom]), the marks canvas' size and
 * place, and `pixel(x, y)`, the RGBA the canvas shows at axis point (x, y)
 * (read back from the canvas the app draws on), and `at(x, y)`, the page
 * coordinates of that point.
 */
export async function chartView(app, panel) {
  await showChart(app, panel);
  const { page } = app;
  const graph = page.locator(`[data-panel="${panel}"] .js-plotly-plot`);
  const box = await graph.locator('.nsewdrag').first().boundingBox();
  const info = await graph.evaluate((el) => {
    const fl = el._fullLayout;
    const c = el.querySelector('canvas.qs-marks');
    const r = c.getBoundingClientRect();
    return {
      x: fl.xaxis.range,
      date: fl.xaxis.type === 'date',
      y: [fl.yaxis.range[1], fl.yaxis.range[0]],
      canvas: { width: c.width, height: c.height, css: { x: r.x, y: r.y, width: r.width, height: r.height } },
      dpr: window.devicePixelRatio,
    };
  });
  const x = info.x.map((v) => (typeof v === 'number' ? v : wallClockMs(v)));
  const frac = (v, [a, b]) => (v - a) / (b - a);
  const pixel = (xv, yv) =>
    graph.evaluate(
      (el, [fx, fy]) => {
        const c = el.querySelector('canvas.qs-marks');
        const col = Math.floor(fx * c.width);
        const row = Math.floor(fy * c.height);
        return Array.from(c.getContext('2d').getImageData(col, row, 1, 1).data);
      },
      [frac(xv, x), frac(yv, info.y)],
    );
  /** The RGBA of many points at once: `[[x, y], ...]` in axis units. */
  const pixels = (points) =>
    graph.evaluate((el, fs) => {
      const c = el.querySelector('canvas.qs-marks');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return fs.map(([fx, fy]) => {
        const col = Math.floor(fx * c.width);
        const row = Math.floor(fy * c.height);
        if (col < 0 || row < 0 || col >= c.width || row >= c.height) return null;
        const i = (row * c.width + col) * 4;
        return [data[i], data[i + 1], data[i + 2], data[i + 3]];
      });
    }, points.map(([xv, yv]) => [frac(xv, x), frac(yv, info.y)]));
  const at = (xv, yv) => [box.x + frac(xv, x) * box.width, box.y + frac(yv, info.y) * box.height];
  return { box, x, y: info.y, canvas: info.canvas, dpr: info.dpr, pixel, pixels, at };
}

/** The legend's groups of `[data-panel=PANEL]` (or `[data-legend]` in the usage row): name → `#rrggbb`. */
export async function legendColours(page, scope) {
  return page.$$eval(`${scope} [data-legend-group]`, (lis) =>
    Object.fromEntries(lis.map((li) => [li.getAttribute('data-legend-group'), li.getAttribute('data-color')])),
  );
}

/** `#4e79a7` as `[r, g, b, 255]`. */
export function hexRgba(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).concat(255);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `Nov 26 17:45` of UTC milliseconds, as the app's `short_time` in UTC. */
export function shortTime(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}
