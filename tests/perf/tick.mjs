// What the page does between refreshes: the 1-second tick of the refresh
// status ("Updated 12s ago · next in 8s"). Not a test: it prints figures.
//
//   QUEUESCOPE_DIST=DIR node tests/perf/tick.mjs [--jobs 225000] [--seconds 4]
//                  [--light] [--init FILE] [--probe] [--layout] [--wrap]
//
// Starts demo-backend --live (as live.mjs --live), opens a100-pool over the
// last 7 days with refresh_seconds 3600 (no refresh in the window), waits for
// the ready and the idle warm-up, then traces `--seconds` of the page: per
// main-thread task of at least 1 ms its length, its CPU time and self time by
// event (script, style, layout, paint), the elements restyled and the layout
// objects laid out: what one tick of the clock costs the main thread.
// `--light`: only the tasks and their CPU (the detailed categories inflate
// layout). `--init FILE`: a script run in the page before the app (a probe
// stylesheet). `--probe`: one text write's cost by where it lands, the
// panels' positions, the filter lists' rows, what `innerText` of the errors
// panel reads with `content-visibility: auto`. `--layout`: a text write and a
// forced layout, by where the text is (with and without a contained box
// round the status line). `--wrap`: the status line in such a box while
// tracing.

import { readFile } from 'node:fs/promises';
import { openApp, startDemoBackend } from '../e2e/harness.mjs';
import { opt } from './args.mjs';
import { selfTimes, withTrace } from './profile.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '225000'));
const SECONDS = Number(opt('--seconds', '4'));
const log = (m) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const t = scope('tick-perf');
try {
  const api = await startDemoBackend(t, ['--seed', '7', '--jobs', String(JOBS), '--page-size', '5000', '--live']);
  const init = opt('--init', null);
  const initScript = init ? await readFile(init, 'utf8') : null;
  const app = await openApp(t, { config: { api_base: api, refresh_seconds: 3600 }, query: '?queue=a100-pool&range=7d&tz=utc', initScript });
  await app.waitForState('ready');
  const { page } = app;
  await page.waitForTimeout(4000); // the idle warm-up and the cache's store
  if (process.argv.includes('--layout')) {
    // A text write then a forced layout, 40 times: the layout one write
    // costs, by where the text is.
    const cost = (sel, wrap) =>
      page.evaluate(([sel, wrap]) => {
        let host = document.querySelector(sel);
        let undo = () => {};
        if (wrap) {
          const box = document.createElement('div');
          box.style.cssText = wrap;
          host.replaceWith(box);
          box.append(host);
          undo = () => { box.replaceWith(host); };
        }
        const w = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
        const node = w.nextNode();
        const was = node.nodeValue;
        document.body.offsetHeight;
        const t0 = performance.now();
        for (let i = 0; i < 40; i++) {
          node.nodeValue = `${was.slice(0, -2)}${i % 10}s`;
          document.body.offsetHeight;
        }
        const t = (performance.now() - t0) / 40;
        node.nodeValue = was;
        undo();
        document.body.offsetHeight;
        return t;
      }, [sel, wrap]);
    for (let rep = 0; rep < 3; rep++) {
      const r = {};
      r.status = await cost('[data-refresh-status] > span', null);
      r.statusStrict = await cost('[data-refresh-status] > span', 'contain: strict; width: 300px; height: 16px; text-align: right; white-space: nowrap');
      r.figure = await cost('[data-summary] .qs-figure-value', null);
      r.errorsCell = await cost('[data-panel="errors"] tbody td', null);
      r.insight = await cost('[data-panel="insights"] [data-insight]', null);
      log(`text write + forced layout, ms: ${Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    }
  }
  if (process.argv.includes('--wrap')) {
    // A probe: the status text in a box of its own size, contained (a
    // relayout boundary): what the tick's frame costs then.
    await page.evaluate(() => {
      const span = document.querySelector('[data-refresh-status] > span');
      const box = document.createElement('div');
      box.style.cssText = 'contain: strict; width: 260px; height: 16px; text-align: right; white-space: nowrap';
      span.replaceWith(box);
      box.append(span);
    });
  }
  if (process.argv.includes('--probe')) {
    // The cost of one text write in the status line, against one in a
    // panel's table.
    const r = await page.evaluate(() => {
      const time = (node) => {
        const was = node.nodeValue;
        const t0 = performance.now();
        for (let i = 0; i < 50; i++) node.nodeValue = `${was} ${i}`;
        const t = performance.now() - t0;
        node.nodeValue = was;
        return t / 50;
      };
      const textIn = (sel) => {
        const w = document.createTreeWalker(document.querySelector(sel), NodeFilter.SHOW_TEXT);
        return w.nextNode();
      };
      return {
        status: time(textIn('[data-refresh-status] span')),
        figures: time(textIn('[data-summary]')),
        errors: time(textIn('[data-panel="errors"] tbody')),
      };
    });
    log(`one nodeValue write, ms: ${JSON.stringify(r)}`);
    const rects = await page.evaluate(() =>
      [...document.querySelectorAll('[data-panel]')].map((e) => {
        const r = e.getBoundingClientRect();
        return `${e.dataset.panel} ${Math.round(r.top)}-${Math.round(r.bottom)} x${Math.round(r.left)}`;
      }),
    );
    log(`panels (viewport 1400x1000): ${rects.join('; ')}`);
    const lists = await page.evaluate(() => [...document.querySelectorAll('[data-filter]')].map((e) => `${e.dataset.filter} ${e.querySelectorAll('li').length}`));
    log(`filter list rows: ${lists.join(', ')}; elements in the page: ${await page.evaluate(() => document.querySelectorAll('*').length)}`);
    const texts = async () => page.evaluate(() => {
      const e = document.querySelector('[data-panel="errors"]');
      const row = e.querySelector('tbody tr');
      return { panel: e.innerText.length, row: row.innerText, rowH: row.getBoundingClientRect().height, visible: row.checkVisibility() };
    });
    const before = await texts();
    await page.evaluate(() => {
      const s = document.createElement('style');
      s.textContent = '.qs-panel:is([data-panel="errors"], [data-panel="external-links"]) { content-visibility: auto; contain-intrinsic-size: auto 1200px; }';
      document.head.append(s);
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const after = await texts();
    log(`errors innerText without/with content-visibility: ${JSON.stringify(before)} / ${JSON.stringify(after)}`);
    await page.locator('[data-panel="errors"] tbody tr').first().waitFor({ state: 'visible', timeout: 5000 });
    log(`playwright: first errors row visible: ${await page.locator('[data-panel="errors"] tbody tr').first().isVisible()}, text: ${(await page.locator('[data-panel="errors"] tbody tr').first().innerText()).slice(0, 60)}`);
  }
  // `--light`: only the tasks (their thread CPU time `tdur`), the figure
  // the tracing itself and the machine's load inflate least.
  const cats = process.argv.includes('--light')
    ? ['toplevel']
    : ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing'];
  const events = await withTrace(page, cats, () => page.waitForTimeout(SECONDS * 1000));
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.dur >= 1000).sort((a, b) => a.ts - b.ts);
  const t0 = tasks[0]?.ts ?? 0;
  let busy = 0;
  let cpu = 0;
  for (const task of tasks) {
    const self = [...selfTimes(events, [task.ts, task.ts + task.dur])].filter(([, v]) => v >= 0.3).sort((a, b) => b[1] - a[1]);
    const inside = onMain.filter((e) => e.ts >= task.ts && e.ts <= task.ts + task.dur);
    const restyled = inside.filter((e) => e.name === 'UpdateLayoutTree').map((e) => e.args?.elementCount ?? '?');
    const layouts = inside.filter((e) => e.name === 'Layout').map((e) => `${e.args?.beginData?.dirtyObjects}/${e.args?.beginData?.totalObjects}`);
    busy += task.dur / 1000;
    cpu += (task.tdur ?? 0) / 1000;
    log(`+${((task.ts - t0) / 1000).toFixed(0)} ms: task ${(task.dur / 1000).toFixed(1)} ms (CPU ${((task.tdur ?? 0) / 1000).toFixed(1)}); restyled ${restyled.join(',') || 0}; layout dirty/total ${layouts.join(',') || '-'}; ${self.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  const all = [...selfTimes(events)].filter(([, v]) => v >= 0.5).sort((a, b) => b[1] - a[1]);
  log(`${SECONDS} s: ${tasks.length} tasks >= 1 ms, ${busy.toFixed(0)} ms busy, ${cpu.toFixed(0)} ms CPU; self ms: ${all.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
} finally {
  await t.close();
}
