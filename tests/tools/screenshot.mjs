// Screenshots of the whole page for a look by eye (not a test):
//
//   node tests/tools/screenshot.mjs [OUT_DIR] [QUERY] [WIDTHxHEIGHT ...]
//
// Serves dist/ in demo mode (or with a demo-backend when DEMO_BACKEND_ARGS is
// set, e.g. "--seed 7 --jobs 3000", or against a running API when
// QUEUESCOPE_API_BASE is, e.g. a queuescope-bridge's
// "http://127.0.0.1:8090/api/v1"; QUEUESCOPE_DIST picks another build),
// waits for data-app-state="ready" and every chart drawn, and writes one
// full-page and one viewport PNG per viewport size (default 1440x900 and
// 1024x768). With SCREENSHOT_PANEL=NAME it also writes the panel
// `[data-panel=NAME]` alone (panel-NAME-WxH.png); with
// SCREENSHOT_CLICK=SELECTOR it clicks that element first and waits for the
// app to be ready again (e.g. '[data-usage-load-rest]' to show the
// insights over every run's usage). SCREENSHOT_BRUSH=F0,F1 brushes Job
// runs with a real mouse drag from fraction F0 to F1 of its plot width
// (e.g. 0.3,0.5: the selection table and the runs' usage charts fill).
// SCREENSHOT_THEME=dark (or light) emulates that system colour scheme,
// which the app follows.
import path from 'node:path';
import { openApp, startDemoBackend } from '../e2e/harness.mjs';
import { afterAction, dragBox } from '../e2e/monitor-helpers.mjs';

const [outDir = 'tests/e2e/out', query = '', ...sizes] = process.argv.slice(2);
const viewports = (sizes.length ? sizes : ['1440x900', '1024x768']).map((s) => s.split('x').map(Number));
const cleanups = [];
const t = { name: 'screenshot', after: (fn) => cleanups.push(fn) };
try {
  let config = null;
  if (process.env.QUEUESCOPE_API_BASE) {
    config = { api_base: process.env.QUEUESCOPE_API_BASE };
  } else if (process.env.DEMO_BACKEND_ARGS) {
    const api = await startDemoBackend(t, process.env.DEMO_BACKEND_ARGS.split(' '));
    config = { api_base: api };
  }
  // Opened at the first size: what the app lays out once (the selection
  // table's first columns) follows the window it starts in.
  const [width0, height0] = viewports[0];
  const app = await openApp(t, { config, query, viewport: { width: width0, height: height0 } });
  await app.waitForState('ready');
  if (process.env.SCREENSHOT_THEME) {
    // The system's colour scheme, which the app follows under theme auto.
    await app.page.emulateMedia({ colorScheme: process.env.SCREENSHOT_THEME });
    await app.page.waitForFunction(
      (s) =>
        document.querySelector('.qs-app')?.getAttribute('data-theme') === s &&
        document.documentElement.getAttribute('data-app-state') === 'ready',
      process.env.SCREENSHOT_THEME,
    );
  }
  if (process.env.SCREENSHOT_CLICK) {
    await app.page.click(process.env.SCREENSHOT_CLICK);
    await app.page.waitForFunction(
      () =>
        document.documentElement.getAttribute('data-app-state') === 'ready' &&
        !document.querySelector('[data-usage-progress="running"]'),
    );
    // The pointer off the page: no hover state in the pictures.
    await app.page.mouse.move(0, 0);
  }
  if (process.env.SCREENSHOT_BRUSH) {
    const [f0, f1] = process.env.SCREENSHOT_BRUSH.split(',').map(Number);
    await afterAction(app, () => dragBox(app, 'job-runs', [f0, 0.02], [f1, 0.98]));
    await app.page.mouse.move(0, 0);
  }
  for (const [width, height] of viewports) {
    await app.page.setViewportSize({ width, height });
    // Plotly follows window resizes (debounced): wait until every graph
    // fits its panel. Charts draw when they come into view: scroll to each
    // and wait until its canvas is painted for its plot area at this size,
    // then back to the top.
    const page = app.page;
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.js-plotly-plot')].every(
        (el) => el._fullLayout && Math.abs(el._fullLayout.width - el.clientWidth) <= 1,
      ),
    );
    for (const box of await page.locator('.qs-chart-box').all()) {
      await box.scrollIntoViewIfNeeded();
      await box.evaluate((b) =>
        new Promise((resolve) => {
          const done = () => {
            const el = b.querySelector('.js-plotly-plot');
            const c = el?.querySelector('canvas.qs-marks');
            const dpr = Math.min(Math.max(window.devicePixelRatio, 1), 2);
            return (
              b.getAttribute('data-drawn') === 'true' &&
              document.documentElement.getAttribute('data-app-state') === 'ready' &&
              c &&
              c.width === Math.round(el._fullLayout._size.w * dpr)
            );
          };
          const poll = () => (done() ? resolve() : requestAnimationFrame(poll));
          poll();
        }),
      );
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => document.documentElement.getAttribute('data-app-state') === 'ready');
    const file = path.join(outDir, `page-${width}x${height}.png`);
    await app.page.screenshot({ path: file, fullPage: true });
    const viewportFile = path.join(outDir, `view-${width}x${height}.png`);
    await app.page.screenshot({ path: viewportFile, fullPage: false });
    console.log(file, viewportFile);
    const panel = process.env.SCREENSHOT_PANEL;
    if (panel) {
      const panelFile = path.join(outDir, `panel-${panel}-${width}x${height}.png`);
      // Clipped from the whole page, so the sticky header does not cover it.
      await app.page.evaluate(() => window.scrollTo(0, 0));
      const clip = await app.page.locator(`[data-panel="${panel}"]`).boundingBox();
      await app.page.screenshot({ path: panelFile, fullPage: true, clip });
      console.log(panelFile);
    }
  }
} finally {
  for (const fn of cleanups.reverse()) await fn().catch((e) => console.error(String(e)));
}
