// Style, layout and script of a brush, traced (issue #14 budgets): the
// brush of tests/perf/browser.mjs (a real mouse drag over Job runs, then
// "Clear selection", untraced), each under a light Chrome trace from the
// mousedown to the next settled ready. Prints per build the medians of the
// elements restyled (UpdateLayoutTree's elementCount, summed), the style
// and layout self time, the script (FunctionCall, EvaluateScript, v8 and
// wasm run tasks), and the mutations of the selection panel (a
// MutationObserver: elements added, attributes and texts written).
// Counts do not depend on the machine's load; times do (traced, inflated).
// Not a test.
//
//   node tests/perf/brush-style.mjs [--jobs 25000] [--reps 10] [--dists NAME=DIR,...]

import { dists, opt } from './args.mjs';
import { selfTimes, withTrace } from './profile.mjs';
import { nextSettled, readyPages, renderSeq, runsDrag } from './ready.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '25000'));
const REPS = Number(opt('--reps', '10'));
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function summarise(events) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const up = mine.find((e) => e.name === 'EventDispatch' && ['mouseup', 'pointerup'].includes(e.args?.data?.type));
  if (!up) return null;
  const ready = events.filter((e) => e.name === 'qs-ready' && e.ts >= up.ts).sort((a, b) => a.ts - b.ts)[0];
  const t1 = ready ? ready.ts : Math.max(...mine.map((e) => e.ts + (e.dur ?? 0)));
  const inWin = mine.filter((e) => e.ts >= up.ts && e.ts <= t1);
  const elements = inWin.filter((e) => e.name === 'UpdateLayoutTree').reduce((n, e) => n + (e.args?.elementCount ?? 0), 0);
  const self = selfTimes(events, [up.ts, t1]);
  const sum = (re) => [...self].filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
  return {
    ms: (t1 - up.ts) / 1000,
    elements,
    style: sum(/^UpdateLayoutTree$/),
    layout: sum(/^Layout$/),
    paint: sum(/^(Paint|PrePaint|Layerize|Commit)$/),
    script: sum(/^(FunctionCall|EvaluateScript|v8\.|RunMicrotasks|V8\.|TimerFire|FireAnimationFrame|EventDispatch)/),
  };
}

const t = scope('brush-style');
const rows = [];
try {
  for await (const { dist, page } of readyPages(t, JOBS, dists())) {
    const reps = [];
    for (let i = 0; i < REPS; i++) {
      await page.evaluate(() => {
        const panel = document.querySelector('[data-panel="selection"]');
        window.__qsMut = { added: 0, attrs: 0, texts: 0 };
        window.__qsObs?.disconnect();
        window.__qsObs = new MutationObserver((list) => {
          for (const m of list) {
            if (m.type === 'childList') m.addedNodes.forEach((n) => (window.__qsMut.added += n.nodeType === 1 ? 1 + n.querySelectorAll('*').length : 0));
            else if (m.type === 'attributes') window.__qsMut.attrs += 1;
            else window.__qsMut.texts += 1;
          }
        });
        window.__qsObs.observe(panel, { subtree: true, childList: true, attributes: true, characterData: true });
      });
      const old = await renderSeq(page);
      const events = await withTrace(page, CATEGORIES, async () => {
        await (await runsDrag(page, 0.4 + 0.02 * i, 0.4 + 0.02 * i + 1 / 7))();
        await nextSettled(page, old);
      });
      const s = summarise(events);
      const mut = await page.evaluate(() => window.__qsMut);
      const old2 = await renderSeq(page);
      await page.click('button[data-clear-brush]');
      await nextSettled(page, old2);
      if (!s) continue;
      Object.assign(s, mut);
      reps.push(s);
      console.log(`${dist.name} #${i}: ${JSON.stringify(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
    }
    const keys = ['ms', 'elements', 'style', 'layout', 'paint', 'script', 'added', 'attrs', 'texts'];
    rows.push([dist.name, ...keys.map((k) => median(reps.map((r) => r[k])).toFixed(k === 'ms' || k.length > 6 ? 1 : 1))]);
    console.log(`== ${dist.name} medians: ${keys.map((k, j) => `${k} ${rows.at(-1)[j + 1]}`).join(', ')}`);
  }
} finally {
  await t.close();
}
