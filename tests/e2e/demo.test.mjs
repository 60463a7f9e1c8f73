// Demo mode: no config.json (404), so the app shows its built-in demo data,
// says so, and the default view is the last 7 days in 1 h buckets.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, xToMs, HOUR, DAY, STATE_TRACES, SPA_FALLBACK } from './harness.mjs';

test('demo mode: built-in data, a "Demo data" badge, job status per hour over 7 days', async (t) => {
  const before = Date.now();
  const app = await openApp(t, { config: null });
  await app.waitForState('ready');
  const after = Date.now();

  const badge = app.page.locator('[data-demo-badge]').filter({ visible: true });
  assert.ok((await badge.count()) > 0, 'a visible [data-demo-badge] element');
  assert.match(await badge.first().innerText(), /demo data/i);

  const traces = await app.inspect('job-status');
  // One trace per known state, in display order (SPEC §6); the demo data has
  // no unknown states.
  assert.deepEqual(
    traces.map((tr) => tr.name),
    STATE_TRACES,
  );

  // Every trace is on the same grid of bucket starts.
  const xs = traces[0].x.map(xToMs);
  for (const tr of traces) {
    assert.deepEqual(tr.x.map(xToMs), xs, `${tr.name}: same x values as ${traces[0].name}`);
    assert.equal(tr.y.length, xs.length, `${tr.name}: one y per bucket`);
  }

  // 7 days with auto width is 1 h buckets (SPEC §3): boundaries on whole
  // hours (the browser runs in UTC, so local hours are UTC hours), 1 h
  // apart; 168 of them, or 169 when `now` is not on a whole hour.
  assert.ok(xs.length === 7 * 24 || xs.length === 7 * 24 + 1, `168 or 169 buckets, got ${xs.length}`);
  for (const [i, x] of xs.entries()) {
    assert.equal(x % HOUR, 0, `bucket ${i} starts on a whole hour`);
    if (i > 0) assert.equal(x - xs[i - 1], HOUR, `bucket ${i} is 1 h after bucket ${i - 1}`);
  }
  // The relative range ends at now: the last bucket holds the instant just
  // before now, the first one holds now - 7 d.
  const last = xs.at(-1);
  assert.ok(last <= after && last + HOUR > before - 1, `last bucket ${new Date(last).toISOString()} holds now`);
  assert.ok(xs[0] <= after - 7 * DAY && xs[0] + HOUR > before - 7 * DAY, 'first bucket holds now - 7 d');

  // The demo shows a busy queue, not an empty chart.
  const running = traces.find((tr) => tr.name === 'Running');
  assert.ok(
    running.y.some((v) => v > 0),
    'some job runs in the demo week',
  );
});

test('a host that answers index.html for the missing config.json (trunk serve, SPA CDNs): still demo mode', async (t) => {
  const app = await openApp(t, { config: SPA_FALLBACK });
  await app.waitForState('ready');
  const badge = app.page.locator('[data-demo-badge]').filter({ visible: true });
  assert.ok((await badge.count()) > 0, 'the demo badge, not a config error');
  const running = (await app.inspect('job-status')).find((tr) => tr.name === 'Running');
  assert.ok(running.y.some((v) => v > 0), 'the demo data is drawn');
});

