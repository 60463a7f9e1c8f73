// Languages, keyboard use, accessibility and layouts that fit (issue #15
// items 2, 3 and 6), in real Chromium against demo-backend (seed 7, 3000
// jobs, the Monitor test's data):
//
//   - `lang=ko`: `<html lang="ko">`, Korean panel and axis titles, date
//     ticks and mode bar tooltips, a duration and a date of the page
//     formatted the Korean way (the same figures as in English);
//   - the language picker switches the page, the URL says so, and a later
//     visit without `lang` keeps the choice; a Korean browser gets Korean;
//   - the "Select span" form, used from the keyboard, brushes Job runs
//     exactly as the mouse box did (the whole `inspect` answer is equal);
//   - axe-core finds no violation of any impact on the Monitor page
//     in English and in Korean;
//   - at 1024 and 1440 px, in both languages, the header is one row (the
//     refresh line and tools beside the figures), no panel is wider than its
//     place, the selection table does not scroll sideways, no header, id,
//     name or time in the selection and errors tables is cut off (a narrow
//     window starts without Launch job), and the custom grouping's pattern
//     field is wide enough to type into.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openApp, REPO, startDemoBackend } from './harness.mjs';
import { afterAction, dragBox, JOBS, QUERY, reload, SEED, showChart } from './monitor-helpers.mjs';

/** Job runs' mode bar tooltips in Korean, by Plotly's English. */
const KO_MODE_BAR = {
  'Download plot as a PNG': '차트를 PNG로 내려받기',
  Zoom: '영역 확대',
  Pan: '이동',
  'Box Select': '상자로 선택',
  'Zoom in': '확대',
  'Zoom out': '축소',
  Autoscale: '자동 맞춤',
  'Reset axes': '축 초기화',
};

/**
 * Plotly's English date tick (its lines joined: "06:00", "00:00Nov 26, 2026",
 * "Nov 26", "Nov 262026") as the Korean locale writes it, or null.
 */
function koTick(en) {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const hours = en.match(/^(\d\d:\d\d)(?:([A-Z][a-z]{2}) (\d{1,2}), (\d{4}))?$/);
  if (hours) {
    const [, hm, mon, day, year] = hours;
    return mon ? `${hm}${year}. ${months.indexOf(mon) + 1}. ${day}.` : hm;
  }
  const days = en.match(/^([A-Z][a-z]{2}) (\d{1,2})(\d{4})?$/);
  if (!days) return null;
  const [, mon, day, year] = days;
  return `${months.indexOf(mon) + 1}월 ${day}일${year ?? ''}`;
}

/** Korean panel titles, by `data-panel`. */
const KO_TITLES = {
  'job-status': '작업 상태',
  'queued-time': '대기 시간',
  'job-runs': '작업 실행',
  selection: '선택한 실행',
  errors: '오류',
  'external-links': '외부 링크',
  'gpu-util': '작업별 GPU 사용률',
};
const EN_TITLES = {
  'job-status': 'Job status',
  'queued-time': 'Queued time',
  'job-runs': 'Job runs',
  selection: 'Selected runs',
  errors: 'Errors',
  'external-links': 'External links',
  'gpu-util': 'GPU use by job',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 26 08:05` as the Korean page writes it: `11월 26일 08:05`. */
function koDate(en) {
  const m = /^([A-Z][a-z]{2}) (\d\d) (\d\d:\d\d)$/.exec(en);
  assert.ok(m, `an English short date: ${en}`);
  return `${MONTHS.indexOf(m[1]) + 1}월 ${Number(m[2])}일 ${m[3]}`;
}

/** `3h 07m` as the Korean page writes it: `3시간 07분`. */
function koDuration(en) {
  const units = { d: '일', h: '시간', m: '분', s: '초' };
  return en.replace(/(\d+)([dhms])/g, (_, n, u) => `${n}${units[u]}`);
}

/** Panel titles on screen, by `data-panel`. */
/**
 * The charts' words Plotly writes, each chart scrolled into view and
 * drawn: every y axis title by `data-panel`, Job status' x tick labels, and
 * Job runs' mode bar tooltips.
 */
async function axisWords(app) {
  const titles = {};
  for (const panel of ['job-status', 'queued-time', 'job-runs', 'gpu-util']) {
    await showChart(app, panel);
    titles[panel] = await app.page.locator(`[data-panel="${panel}"] .js-plotly-plot .ytitle`).textContent();
  }
  const ticks = await app.page.$$eval('[data-panel="job-status"] .xtick text', (els) => els.map((e) => e.textContent));
  const modeBar = await app.page.$$eval('[data-panel="job-runs"] .modebar-btn', (els) => els.map((e) => e.getAttribute('data-title')));
  return { titles, ticks, modeBar };
}

async function titles(page) {
  return page.$$eval('[data-panel]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.panel, el.querySelector('h2')?.textContent ?? ''])),
  );
}

/** The header's figures: `{label: value}`. */
async function figures(page) {
  return page.$$eval('[data-summary] .qs-figure', (els) =>
    els.map((el) => [el.querySelector('.qs-figure-label').textContent, el.querySelector('.qs-figure-value').textContent]),
  );
}

/** The first row's time and the errors table's first time cell. */
async function firstErrorTime(page) {
  return page.locator('[data-panel="errors"] tbody tr').first().locator('td').first().innerText();
}

/** Runs axe-core on the page; returns its violations and a summary by impact. */
async function axe(page) {
  const source = await readFile(path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })),
    ),
  );
  const summary = {};
  for (const v of result) summary[v.impact] = (summary[v.impact] ?? 0) + v.nodes.length;
  return { all: result, summary };
}

/**
 * Lines of the insights, the panels' subtitles and the usage notes that
 * break inside a Korean word (between two Hangul syllables or a figure and
 * a syllable, with no space): each as "before|after".
 */
async function brokenWords(page) {
  return page.$$eval('.qs-insight li, .qs-insight-sum, .qs-sub', (els) => {
    const word = /[\p{Script=Hangul}0-9]/u;
    const out = [];
    for (const el of els) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let prev = null;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.data.length; i++) {
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const rect = r.getClientRects()[0];
          if (!rect) continue;
          const ch = n.data[i];
          if (prev && rect.top > prev.top + 2 && word.test(prev.ch) && word.test(ch)) {
            out.push(`${n.data.slice(Math.max(0, i - 6), i)}|${n.data.slice(i, i + 6)}`);
          }
          prev = { top: rect.top, ch };
        }
      }
    }
    return out;
  });
}

/** Elements wider than their place: panels past their column, tables scrolling sideways, a page wider than the window. */
async function overflows(page) {
  return page.evaluate(() => {
    const out = [];
    const main = document.querySelector('.qs-main').getBoundingClientRect();
    for (const el of document.querySelectorAll('[data-panel]')) {
      const r = el.getBoundingClientRect();
      if (r.right > main.right + 1 || el.scrollWidth > el.clientWidth + 1) {
        out.push(`${el.dataset.panel}: right ${r.right} > ${main.right} or scroll ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    for (const el of document.querySelectorAll('.qs-table-wrap')) {
      if (el.scrollWidth > el.clientWidth + 1) {
        out.push(`${el.closest('[data-panel]').dataset.panel} table scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) out.push(`the page scrolls sideways: ${doc.scrollWidth}`);
    return out;
  });
}

test('Korean and English, keyboard, axe, layouts (seed 7, 3000 jobs)', async (t) => {
  const api = await startDemoBackend(t, ['--seed', SEED, '--jobs', JOBS]);
  const app = await openApp(t, { config: { api_base: api }, query: QUERY });
  await app.waitForState('ready');
  const { page } = app;

  // English figures, to compare the Korean page with.
  const enFigures = await figures(page);
  const enErrorTime = await firstErrorTime(page);

  await t.test('lang=ko: Korean titles, <html lang="ko">, Korean dates and durations', async () => {
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const english = await titles(page);
    for (const [panel, title] of Object.entries(EN_TITLES)) assert.equal(english[panel], title, panel);
    const en = await axisWords(app);
    assert.deepEqual(en.titles, { 'job-status': 'jobs', 'queued-time': 'seconds waiting', 'job-runs': 'lanes', 'gpu-util': '%' });
    // Plotly's date ticks: "06:00", with "Nov 26, 2026" under a day's first.
    assert.ok(en.ticks.length >= 3, `ticks: ${en.ticks}`);
    assert.ok(en.ticks.every((t) => koTick(t) !== null), `English ticks: ${en.ticks}`);
    assert.ok(en.modeBar.includes('Reset axes') && en.modeBar.includes('Box Select'), `${en.modeBar}`);
    await reload(app, `${QUERY}&lang=ko`);
    assert.equal(await page.getAttribute('html', 'lang'), 'ko');
    const shown = await titles(page);
    for (const [panel, title] of Object.entries(KO_TITLES)) assert.equal(shown[panel], title, panel);
    // The charts' words too: Job status' and Job runs' axis titles, the
    // date ticks and the mode bar were English on a Korean page.
    const ko = await axisWords(app);
    assert.deepEqual(ko.titles, { 'job-status': '작업 수', 'queued-time': '대기(초)', 'job-runs': '레인', 'gpu-util': '%' });
    // The same ticks, "06:00" over "2026. 11. 26." (a tick's lines are one text's tspans).
    assert.deepEqual(ko.ticks, en.ticks.map(koTick));
    assert.deepEqual(
      ko.modeBar,
      en.modeBar.map((e) => KO_MODE_BAR[e]),
      'the mode bar in Korean',
    );
    const koFigures = await figures(page);
    // The same figures: jobs and runs as numbers, the median wait as a Korean duration.
    assert.equal(koFigures[0][1], enFigures[0][1], 'jobs');
    assert.match(enFigures[3][1], /^\d+[dhms]/, 'the English median wait is a duration');
    assert.equal(koFigures[3][1], koDuration(enFigures[3][1]), 'the median wait in Korean');
    assert.equal(koFigures[3][0], '대기 중앙값');
    assert.equal(await firstErrorTime(page), koDate(enErrorTime), 'an error time in Korean');
    // The refresh line too ("3초 전 갱신", not "Updated 3초 ago").
    assert.match(await page.locator('[data-refresh-status]').innerText(), /전 갱신/);
  });

  await t.test('the language picker switches the page and is remembered', async () => {
    await reload(app, QUERY);
    // Nothing is stored yet (lang=ko came from the URL): the browser's English.
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await afterAction(app, () => page.locator('[data-lang-picker]').selectOption('ko'));
    await page.waitForFunction(() => document.documentElement.lang === 'ko');
    assert.equal((await titles(page))['job-status'], '작업 상태');
    assert.match(page.url(), /[?&]lang=ko(&|$)/, 'the URL holds the language');
    // A visit without lang keeps the user's choice.
    await reload(app, QUERY);
    assert.equal(await page.getAttribute('html', 'lang'), 'ko');
    assert.equal((await titles(page))['queued-time'], '대기 시간');
    await afterAction(app, () => page.locator('[data-lang-picker]').selectOption('en'));
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal((await titles(page))['job-status'], 'Job status');
  });

  await t.test('a Korean browser gets Korean', async (t2) => {
    const ko = await openApp(t2, { config: { api_base: api }, query: QUERY, locale: 'ko-KR' });
    await ko.waitForState('ready');
    assert.equal(await ko.page.getAttribute('html', 'lang'), 'ko');
    assert.equal((await titles(ko.page))['job-runs'], '작업 실행');
  });

  await t.test('the keyboard span form brushes Job runs exactly like a mouse box', async () => {
    await reload(app, `${QUERY}&lang=en`);
    await afterAction(app, () => dragBox(app, 'job-runs', [0.3, 0.1], [0.5, 0.6]));
    const byMouse = await page.evaluate(() => window.queuescope.inspect('job-runs'));
    assert.ok(byMouse.brush, 'the mouse brushed');
    const selected = await page.locator('[data-panel="selection"] .qs-sub').innerText();
    await afterAction(app, () => page.locator('[data-panel="job-runs"] button[data-clear-brush]').click());
    assert.equal((await page.evaluate(() => window.queuescope.inspect('job-runs'))).brush, null);

    // Keyboard only: focus the button, open the form, type, press Enter.
    await page.locator('[data-panel="job-runs"] button[data-select-span]').focus();
    await page.keyboard.press('Enter');
    const form = page.locator('[data-span-form]');
    await form.waitFor();
    // The view is in UTC (tz=utc): the wall clock is the RFC 3339 time without its zone.
    const wall = (iso) => iso.replace(/Z$/, '');
    await form.locator('input[name="span-from"]').fill(wall(byMouse.brush.from));
    await form.locator('input[name="span-to"]').fill(wall(byMouse.brush.to));
    await form.locator('input[name="span-lane-from"]').fill(String(byMouse.brush.lanes[0]));
    await form.locator('input[name="span-lane-to"]').fill(String(byMouse.brush.lanes[1]));
    await afterAction(app, () => form.locator('input[name="span-lane-to"]').press('Enter'));
    const byKeys = await page.evaluate(() => window.queuescope.inspect('job-runs'));
    assert.deepEqual(byKeys, byMouse, 'the same brush and the same runs brushed');
    assert.equal(await page.locator('[data-panel="selection"] .qs-sub').innerText(), selected);
  });

  await t.test('axe: no violation, in English and in Korean, light and dark', async () => {
    for (const scheme of ['light', 'dark']) {
      // The theme follows the (emulated) system scheme.
      await page.emulateMedia({ colorScheme: scheme });
      for (const lang of ['en', 'ko']) {
        await reload(app, `${QUERY}&lang=${lang}`);
        assert.equal(await page.getAttribute('.qs-app', 'data-theme'), scheme);
        const { all, summary } = await axe(page);
        t.diagnostic(`axe ${scheme} ${lang}: ${all.length} rules violated, nodes by impact ${JSON.stringify(summary)}`);
        // Minor ones too: the heat map's empty corner header (axe's
        // empty-table-header) went unseen for sessions behind a
        // serious-only check.
        assert.deepEqual(all, [], `${scheme}, ${lang}: axe violations`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await t.test('every panel fits its width at 1024 and 1440 px, in English and Korean', async () => {
    for (const width of [1024, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      for (const lang of ['en', 'ko']) {
        await reload(app, `${QUERY}&lang=${lang}`);
        // No brush yet: the hint's lines sit between the table's head and its pager (they ran over both).
        assert.deepEqual(await hintOverlaps(page, 'selection'), [], `${width} px, ${lang}: the empty table's hint`);
        // Every run of the view selected (the span form starts at the view's range), so the table is full.
        await page.locator('[data-panel="job-runs"] button[data-select-span]').click();
        // The span form's fields: one height and frame for the times and the lanes (the lanes' were
        // the browser's bare number inputs), and times wide enough for their milliseconds and the
        // calendar button ("11/25/2026, 10:58:11.523 AM" was cut at "10:58:11.5").
        const fields = await page.$$eval('[data-span-form] input', (inputs) =>
          inputs.map((i) => ({ type: i.type, height: i.offsetHeight, width: i.offsetWidth, radius: getComputedStyle(i).borderRadius })),
        );
        assert.equal(new Set(fields.map((f) => `${f.height} ${f.radius}`)).size, 1, `${width} px, ${lang}: ${JSON.stringify(fields)}`);
        const rem = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
        for (const f of fields.filter((f) => f.type === 'datetime-local')) {
          assert.ok(f.width >= 16 * rem, `${width} px, ${lang}: a time field is ${f.width} px wide`);
        }
        assert.equal(await laneRows(page), 1, `${width} px, ${lang}: the lane fields share a row`);
        await afterAction(app, () => page.locator('[data-span-form] button[type="submit"]').click());
        assert.notEqual(await page.locator('[data-panel="selection"] tbody tr').count(), 0, 'rows in the table');
        assert.deepEqual(await overflows(page), [], `${width} px, ${lang}`);
        await headerIsOneRow(page, `${width} px, ${lang}`);
        // The columns that matter are on screen.
        const visible = await page.$$eval('[data-panel="selection"] thead th', (ths) =>
          ths.filter((th) => th.offsetParent !== null).map((th) => th.querySelector('button').dataset.sort),
        );
        for (const col of ['Job id', 'Run', 'User', 'State', 'Started', 'Queued', 'Run time']) {
          assert.ok(visible.includes(col), `${width} px, ${lang}: column ${col} shows`);
        }
        // A narrow window starts without Launch job (the chooser has it), a wide one with it.
        assert.equal(visible.includes('Launch job'), width > 1200, `${width} px, ${lang}: Launch job shows`);
        // Every header, id, name, time and duration shows whole in both tables (long names wrap).
        assert.deepEqual(await clippedCells(page), [], `${width} px, ${lang}: cells cut off`);
        // Korean lines break between words: "1시간" and "100개" never across lines.
        assert.deepEqual(await brokenWords(page), [], `${width} px, ${lang}: words broken across lines`);
        // The custom grouping's pattern field takes the editor's width.
        await page.locator('[data-saved-views] > summary').click();
        const field = await page.locator('input[name="rule-match"]').first().boundingBox();
        assert.ok(field.width >= 200, `${width} px, ${lang}: the pattern field is ${field.width} px wide`);
      }
    }
  });

  await t.test('the Select span form keeps its lane fields together at 800 px', async () => {
    // At 800 px the form wraps; "Lanes to" went to a row of its own, away from "Lanes from".
    await page.setViewportSize({ width: 800, height: 900 });
    await reload(app, `${QUERY}&lang=en`);
    await page.locator('[data-panel="job-runs"] button[data-select-span]').click();
    assert.equal(await laneRows(page), 1);
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  await t.test('Launch job follows the window\'s width until the user picks columns', async () => {
    const shown = () =>
      page.$$eval('[data-panel="selection"] thead th', (ths) =>
        ths.filter((th) => th.offsetParent !== null).map((th) => th.querySelector('button').dataset.sort),
      );
    // A change of the window's width class is a media query's change event:
    // the table follows it in a task of its own.
    const resize = async (width) => {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction((w) => window.innerWidth === w && matchMedia('(max-width: 1200px)').matches === w <= 1200, width);
    };
    await page.setViewportSize({ width: 1440, height: 900 });
    await reload(app, `${QUERY}&lang=en`);
    await page.locator('[data-panel="job-runs"] button[data-select-span]').click();
    await afterAction(app, () => page.locator('[data-span-form] button[type="submit"]').click());
    assert.ok((await shown()).includes('Launch job'), 'opened wide: Launch job shows');
    await resize(1024);
    await page.waitForFunction(() => document.querySelector('[data-panel="selection"] table').className.includes('qs-hide-2'));
    assert.ok(!(await shown()).includes('Launch job'), 'made narrow: Launch job hides');
    assert.deepEqual(await clippedCells(page), [], 'made narrow: no cell cut off');
    await resize(1440);
    await page.waitForFunction(() => !document.querySelector('[data-panel="selection"] table').className.includes('qs-hide-2'));
    assert.ok((await shown()).includes('Launch job'), 'wide again: Launch job shows');
    // The user's own choice stays, whatever the width.
    await page.locator('[data-column-chooser] > summary').click();
    await page.locator('input[data-column="Launch job"]').uncheck();
    assert.ok(!(await shown()).includes('Launch job'), 'unticked: Launch job hides');
    await resize(1024);
    await resize(1440);
    assert.ok(!(await shown()).includes('Launch job'), 'the choice holds across widths');
    await page.locator('input[data-column="Launch job"]').check();
    await resize(1024);
    assert.ok((await shown()).includes('Launch job'), 'ticked: it shows in a narrow window too');
  });
});

/** How many rows the Select span form's two lane fields take. */
async function laneRows(page) {
  const tops = await page.$$eval('[data-span-form] input[type=number]', (is) => is.map((i) => Math.round(i.getBoundingClientRect().top)));
  assert.equal(tops.length, 2, 'two lane fields');
  return new Set(tops).size;
}

/** What the empty-table hint of `panel` runs over: its head row or its pager (their names), or that it has no hint. */
async function hintOverlaps(page, panel) {
  return page.$eval(`[data-panel="${panel}"]`, (el) => {
    const hint = el.querySelector('.qs-overlay.qs-empty');
    if (!hint) return ['no hint'];
    const range = document.createRange();
    range.selectNodeContents(hint);
    const text = range.getBoundingClientRect();
    const over = [];
    if (text.top < el.querySelector('thead').getBoundingClientRect().bottom) over.push('head');
    if (text.bottom > el.querySelector('.qs-pager').getBoundingClientRect().top) over.push('pager');
    return over;
  });
}

/** The table headers and cells (and the name spans in them) whose text is cut off, as "panel column: text". */
async function clippedCells(page) {
  return page.evaluate(() => {
    const out = [];
    for (const table of document.querySelectorAll('[data-panel="selection"] table, [data-panel="errors"] table')) {
      const panel = table.closest('[data-panel]').dataset.panel;
      const heads = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
      for (const cell of table.querySelectorAll('th, td')) {
        if (cell.offsetParent === null) continue;
        for (const el of [cell, ...cell.querySelectorAll('.qs-cell')]) {
          if (el.scrollWidth > el.clientWidth + 1 || textPastContent(el)) {
            out.push(`${panel} ${heads[cell.cellIndex]}: ${el.textContent}`);
          }
        }
      }
    }
    return out.slice(0, 8);

    // Whether a one-line text ends past the element's content box: a cell
    // ending in an ellipsis keeps its scrollWidth at its clientWidth in
    // Chromium, so only the text's extent shows it ("finish…" in a 5rem
    // State column at 1440 px passed the scrollWidth check). Text that
    // wraps (names, messages) is not clipped so.
    function textPastContent(el) {
      const style = getComputedStyle(el);
      if (style.whiteSpace !== 'nowrap') return false;
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      const right = box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
      return text.width > 0 && text.right > right + 0.05;
    }
  });
}

/** Asserts the header is one row: the refresh line and the tools beside the figures, not under them. */
async function headerIsOneRow(page, what) {
  const row = await page.evaluate(() => {
    const box = (s) => document.querySelector(s).getBoundingClientRect();
    return { figures: box('[data-summary]'), side: box('.qs-header-side') };
  });
  assert.ok(
    row.side.top < row.figures.bottom && row.side.left >= row.figures.right,
    `${what}: the header tools wrap (${JSON.stringify(row)})`,
  );
}

test('the demo page keeps the header one row at 1024 px (its badge under the name), in English and Korean', async (t) => {
  for (const lang of ['en', 'ko']) {
    const app = await openApp(t, { query: `lang=${lang}`, viewport: { width: 1024, height: 768 } });
    await app.waitForState('ready');
    assert.equal(await app.page.locator('[data-demo-badge]').count(), 1, 'demo mode');
    await headerIsOneRow(app.page, `demo, ${lang}`);
  }
});
