// A chart panel's Inspect action (issue #15 item 4): the dialog's table
// and the CSV a user downloads hold exactly the series of
// `window.queuescope.inspect(panel)` (SPEC §6), one row a point; the
// button works from the keyboard and the dialog closes with Escape.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp } from './harness.mjs';

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF) to rows of strings. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

/** inspect(panel) as the rows the table should have: [series, x, y] a point. */
async function expectedRows(page, panel) {
  const series = await page.evaluate((p) => window.queuescope.inspect(p).series, panel);
  return series.flatMap((s) => s.x.map((x, i) => [s.name, x, s.y[i]]));
}

/** A cell back to the value inspect holds (numbers as numbers, empty as null). */
function value(cell, number) {
  if (cell === '') return null;
  return number ? Number(cell) : cell;
}

for (const panel of ['job-status', 'queued-time']) {
  test(`Inspect on ${panel}: the table and the CSV equal inspect()`, async (t) => {
    const app = await openApp(t);
    await app.waitForState('ready');
    const { page } = app;
    const want = await expectedRows(page, panel);
    assert.ok(want.length > 100, `${panel} has data (${want.length} points)`);

    // Keyboard: focus the button, Enter opens the dialog.
    await page.focus(`[data-inspect="${panel}"]`);
    await page.keyboard.press('Enter');
    const dialog = page.locator(`dialog[data-inspect-dialog="${panel}"]`);
    await dialog.waitFor({ state: 'visible' });
    assert.deepEqual(await dialog.locator('thead th').allInnerTexts(), ['series', 'x', 'y']);
    const shown = await dialog.locator('tr[data-inspect-row]').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((td) => td.textContent)),
    );
    assert.equal(shown.length, Math.min(100, want.length), 'the first page');
    assert.deepEqual(
      shown.map(([s, x, y]) => [s, x, value(y, true)]),
      want.slice(0, shown.length),
    );
    assert.match(await dialog.locator('.qs-dialog-sub').innerText(), new RegExp(`^${want.length.toLocaleString('en-US')} rows in \\d+ series$`));

    const [download] = await Promise.all([page.waitForEvent('download'), dialog.locator('[data-inspect-csv]').click()]);
    assert.equal(download.suggestedFilename(), `queuescope-${panel}.csv`);
    const csv = parseCsv(await readFile(await download.path(), 'utf8'));
    assert.deepEqual(csv[0], ['series', 'x', 'y']);
    const rows = csv.slice(1).map(([s, x, y]) => [s.replace(/^'(?=[=+\-@\t\r])/, ''), x, value(y, true)]);
    assert.deepEqual(rows, want, 'the CSV is inspect(), row for row');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
}

test('Inspect on Job runs lists every run with its lane, end and job id', async (t) => {
  const app = await openApp(t);
  await app.waitForState('ready');
  const { page } = app;
  const series = await page.evaluate(() => window.queuescope.inspect('job-runs').series);
  await page.click('[data-inspect="job-runs"]');
  const dialog = page.locator('dialog[data-inspect-dialog="job-runs"]');
  await dialog.waitFor({ state: 'visible' });
  assert.deepEqual(await dialog.locator('thead th').allInnerTexts(), ['series', 'x', 'y', 'brushed', 'end', 'job_id']);
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.locator('[data-inspect-csv]').click()]);
  const csv = parseCsv(await readFile(await download.path(), 'utf8')).slice(1);
  const want = series.flatMap((s) => s.x.map((x, i) => [s.name, x, s.y[i], String(s.brushed[i]), s.end[i], s.job_id[i]]));
  assert.ok(want.length > 10);
  assert.deepEqual(
    csv.map(([s, x, y, b, e, j]) => [s, x, Number(y), b, e, j]),
    want,
  );
  await dialog.locator('[data-inspect-close]').click();
  await dialog.waitFor({ state: 'hidden' });
});
