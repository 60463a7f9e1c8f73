// Helpers of the fault tests (faults.test.mjs, notices.test.mjs):
// demo-backend with faults switched through its control endpoint, and what
// the page shows of them.

import { controlOf, startDemoBackend, DAY } from './harness.mjs';

/** `ms` as RFC 3339 in whole seconds. */
export function rfc3339(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * demo-backend with its data around this moment (so the browser's clock
 * agrees with the backend's unless a test skews it), and `faults` from the
 * start. Resolves to `{ api, now, setFaults(list), requests(since), query }`.
 */
export async function faultyBackend(t, faults = [], extra = []) {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const args = ['--jobs', '1200', '--days', '2', '--now', rfc3339(now), ...extra];
  for (const f of faults) args.push('--fault', f);
  const api = await startDemoBackend(t, args);
  const call = controlOf(api);
  const from = now - DAY;
  return {
    api,
    now,
    from,
    setFaults: (list) => call('PUT', '/faults', list),
    requests: (since = 0) => call('GET', `/requests?since=${since}`),
    /** The app's query for `queue` over the last day. */
    query: (queue) => `?queue=${queue}&from=${rfc3339(from)}&to=${rfc3339(now)}&bucket=1h&tz=utc`,
  };
}

/** Every job of `queue` in [from, to], read through the API as the app reads it. */
export async function allJobs(api, queue, from, to) {
  const jobs = [];
  let cursor = null;
  let generatedAt = null;
  do {
    const url = `${api}/queues/${queue}/jobs?from=${rfc3339(from)}&to=${rfc3339(to)}${
      cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    }`;
    const page = await (await fetch(url)).json();
    jobs.push(...page.jobs);
    generatedAt ??= Date.parse(page.generated_at);
    cursor = page.next_cursor;
  } while (cursor);
  return { jobs, generatedAt };
}

/** The visible text of the first element matching `selector`, once it is there. */
export async function textOf(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor();
  return (await el.innerText()).trim();
}

/** Texts of the one-off notices (config limits, storage) shown under the header. */
export async function messages(page) {
  return page.$$eval('[data-url-notice] li, [data-url-notice] p', (els) => els.map((e) => e.textContent.trim()));
}


/** The load error as the user sees it, and whether it says refresh is paused. */
export async function loadError(page) {
  const el = page.locator('[data-load-error]');
  await el.waitFor();
  return { text: (await el.innerText()).replace(/\s+/g, ' ').trim(), paused: await el.getAttribute('data-refresh-paused') };
}

