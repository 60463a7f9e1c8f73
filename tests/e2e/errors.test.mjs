// A backend that is down or answers garbage: the app says so (SPEC §2,
// "Errors and bad data"), with a Retry button, and Retry recovers.

import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  openApp,
  startDemoBackend,
  startFakeBackend,
  startSwitchableBackend,
  downBackendUrl,
  FIXTURES,
} from './harness.mjs';

/** Waits for the error state and checks what a user sees: a message and Retry. */
async function expectErrorScreen(app, message) {
  await app.waitForState('error');
  const retry = app.page.getByRole('button', { name: 'Retry' }).filter({ visible: true });
  assert.ok((await retry.count()) > 0, 'a visible Retry button');
  const shown = app.page.getByText(message).filter({ visible: true });
  assert.ok((await shown.count()) > 0, `a visible message matching ${message}`);
  return retry.first();
}

// Wording is the app's; these only ask that it names the problem.
const CANNOT_LOAD = /could ?n[o']t|cannot|can't|failed|unreachable|error|not respond/i;

test('backend down: error state, a message and Retry', async (t) => {
  const app = await openApp(t, { config: { api_base: await downBackendUrl() } });
  await expectErrorScreen(app, CANNOT_LOAD);
});

test('backend answers HTML instead of JSON: error state, a message and Retry', async (t) => {
  const api = await startFakeBackend(t, 200, '<html><body>Sign in first</body></html>');
  const app = await openApp(t, { config: { api_base: api } });
  await expectErrorScreen(app, /JSON/i);
});

test('backend answers 500 with an error body: the message is shown', async (t) => {
  const api = await startFakeBackend(
    t,
    500,
    JSON.stringify({ error: 'queue store unavailable' }),
    'application/json',
  );
  const app = await openApp(t, { config: { api_base: api } });
  await expectErrorScreen(app, /queue store unavailable/);
});

test('Retry after the backend recovers: the data shows', async (t) => {
  const real = await startDemoBackend(t, ['--fixture', path.join(FIXTURES, 'small.json')]);
  const { url, control } = await startSwitchableBackend(t, real);
  const app = await openApp(t, {
    config: { api_base: url },
    query: '?queue=q1&from=2026-11-21T06:00:00Z&to=2026-11-21T12:00:00Z&bucket=1h&tz=utc',
  });
  const retry = await expectErrorScreen(app, /JSON/i);

  control.broken = false;
  await retry.click();
  await app.waitForState('ready');
  const traces = await app.inspect('job-status');
  const running = traces.find((tr) => tr.name === 'Running');
  assert.deepEqual(running?.y, [2, 1, 1, 2, 2, 2], 'the fixture data after Retry');
});
