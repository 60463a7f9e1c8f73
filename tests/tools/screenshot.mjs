// Screenshots of the whole page for a look by eye (not a test):
//
//   node tests/tools/screenshot.mjs [OUT_DIR] [QUERY] [WIDTHxHEIGHT ...]
//
// Serves dist/ in demo mode (or with a demo-backend when DEMO_BACKEND_ARGS is
// set, e.g. "--seed 7 --jobs 3000", or against a running API when
// QUEUESCOPE_API_BASE is, e.g. a queuescope-bridge's
// "http://127.0.0.1:8090/api/v1"), waits for data-app-state="ready" and
// writes one full-page PNG per viewport size (default 1440x900 and 1024x768).
import path from 'node:path';
import { openApp, startDemoBackend } from '../e2e/harness.mjs';

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
  const app = await openApp(t, { config, query });
  await app.waitForState('ready');
  for (const [width, height] of viewports) {
    await app.page.setViewportSize({ width, height });
    // Plotly follows window resizes (debounced): wait until every graph
    // fits its panel again and the app is ready.
    await app.page.waitForFunction(
      () =>
        document.documentElement.getAttribute('data-app-state') === 'ready' &&
        [...document.querySelectorAll('.js-plotly-plot')].every(
          (el) => el._fullLayout && Math.abs(el._fullLayout.width - el.clientWidth) <= 1,
        ),
    );
    const file = path.join(outDir, `page-${width}x${height}.png`);
    await app.page.screenshot({ path: file, fullPage: true });
    const viewportFile = path.join(outDir, `view-${width}x${height}.png`);
    await app.page.screenshot({ path: viewportFile, fullPage: false });
    console.log(file, viewportFile);
  }
} finally {
  for (const fn of cleanups.reverse()) await fn().catch((e) => console.error(String(e)));
}
