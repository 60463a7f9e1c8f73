// What lasts beyond one page view (SPEC §1 external links and saved views,
// SPEC §5 the view in the URL): links per queue in local storage, saved
// views and custom groupings, import and export, the URL round trip with
// Back, other tabs kept in sync, and corrupt storage. Demo mode (no
// api_base): the data is generated in the browser.
//
// Each `openApp` is a fresh browser profile; persistence is checked with a
// reload (or a second tab) inside one test.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp, waitFor, xToMs, HOUR, DAY } from './harness.mjs';

const LINKS_KEY = 'queuescope.v1.links';
const VIEWS_KEY = 'queuescope.v1.views';
const GROUPINGS_KEY = 'queuescope.v1.groupings';
/**
 * Demo mode (a config without `api_base`) with fewer jobs than the default
 * 6000: enough for every check here, and quicker in debug builds.
 */
const DEMO = { demo_jobs: 2000 };
/** The demo's queues, first one first (core/src/demo.rs). */
const [QUEUE_A, QUEUE_B] = ['a100-pool', 'h100-burst'];

// ---------------------------------------------------------------- helpers

/**
 * Runs `action` and waits for its result: the app is `ready` again with a
 * newer `data-render-seq` (every change of the view passes through
 * `loading`), and `until` (a function run in the page with `arg`) holds, so
 * the wait names the result it expects.
 */
async function settle(page, action, until, arg = null) {
  const before = await page.evaluate(() => Number(document.documentElement.dataset.renderSeq ?? 0));
  await action();
  // `until` runs through page.evaluate: the page's CSP (SPEC §6) forbids
  // compiling it from a string inside the page.
  await waitFor(`the view to settle with ${until}`, async () => {
    const ready = await page.evaluate((before) => {
      const html = document.documentElement;
      return (
        html.dataset.appState === 'ready' &&
        Number(html.dataset.renderSeq ?? 0) > before &&
        !html.hasAttribute('data-url-pending')
      );
    }, before);
    return ready && (await page.evaluate(until, arg));
  });
}

/** The query of the address bar as `[key, value]` pairs, decoded. */
function queryPairs(page) {
  return page.evaluate(() => [...new URLSearchParams(location.search)]);
}

/** Pairs grouped by key, values in order: `{state: ['failed', 'killed']}`. */
function byKey(pairs) {
  const out = {};
  for (const [k, v] of pairs) (out[k] ??= []).push(v);
  return out;
}

/** `byKey` of the address bar's query, each key's values sorted. */
async function sortedQuery(page) {
  const out = byKey(await queryPairs(page));
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

/** Local storage value of `key`, parsed (null when absent). */
async function stored(page, key) {
  const raw = await page.evaluate((k) => localStorage.getItem(k), key);
  return raw === null ? null : JSON.parse(raw);
}

/** The links the External links panel shows, as a user's browser sees them. */
function shownLinks(page) {
  return page.$$eval('[data-panel="external-links"] a', (as) =>
    as.map((a) => ({
      label: a.textContent.trim(),
      href: a.getAttribute('href'),
      target: a.getAttribute('target'),
      rel: a.getAttribute('rel'),
    })),
  );
}

/** The labels of the rows of the link editor, in DOM order. */
function editorLabels(page) {
  return page.$$eval('[data-link-editor] ol > li .qs-link-label', (xs) => xs.map((x) => x.textContent.trim()));
}

/** Opens the *Manage links* editor (if closed). */
async function openLinkEditor(page) {
  const button = page.locator('button[data-manage-links]');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.locator('[data-link-editor]').waitFor();
}

/** Adds a link through the editor form and waits until the panel shows it. */
async function addLink(page, label, url) {
  await openLinkEditor(page);
  const editor = page.locator('[data-link-editor]');
  await editor.locator('input[name=label]').fill(label);
  await editor.locator('input[name=url]').fill(url);
  await editor.getByRole('button', { name: 'Add', exact: true }).click();
  await page
    .locator('[data-panel="external-links"] a', { hasText: label })
    .first()
    .waitFor();
}

/** Opens the *Saved views* section (if closed). */
async function openSavedViews(page) {
  const details = page.locator('details[data-saved-views]');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').first().click();
}

/** What the controls show: select values, the pressed range, checked filters, search. */
function controls(page) {
  return page.evaluate(() => {
    const val = (sel) => document.querySelector(sel)?.value ?? null;
    const checked = {};
    for (const box of document.querySelectorAll('details[data-filter] input[type=checkbox]:checked')) {
      (checked[box.name] ??= []).push(box.value);
    }
    for (const v of Object.values(checked)) v.sort();
    return {
      queue: val('select[name=queue]'),
      bucket: val('select[name=bucket]'),
      tz: val('select[name=tz]'),
      group: val('select[name=group]'),
      q: val('input[name=q]'),
      pressed: [...document.querySelectorAll('button[data-range][aria-pressed=true]')].map((b) => b.dataset.range),
      customActive: document.querySelector('button[data-range=custom]')?.classList.contains('qs-active') ?? false,
      checked,
    };
  });
}

/** RFC 3339 without milliseconds, as the app writes whole seconds. */
function rfc3339(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

// ------------------------------------------------------------------ links

test('a link added in Manage links shows as a safe new-tab link and survives a reload', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const { page } = app;
  assert.equal(await page.inputValue('select[name=queue]'), QUEUE_A, 'the first demo queue is shown');
  assert.deepEqual(await shownLinks(page), [], 'a fresh profile has no links');

  const url = 'https://grafana.example.com/d/queue?var-queue=a100&from=now-7d';
  await addLink(page, '  Grafana  ', url);
  const check = async (when) => {
    const links = await shownLinks(page);
    assert.equal(links.length, 1, `${when}: one link`);
    assert.equal(links[0].label, 'Grafana', `${when}: label trimmed`);
    assert.equal(links[0].href, url, `${when}: href`);
    assert.equal(links[0].target, '_blank', `${when}: opens in a new tab`);
    const rel = links[0].rel.split(/\s+/);
    assert.ok(rel.includes('noopener') && rel.includes('noreferrer'), `${when}: rel=${links[0].rel}`);
    const store = await stored(page, LINKS_KEY);
    assert.deepEqual(store?.per_queue, { [QUEUE_A]: [{ label: 'Grafana', url }] }, `${when}: ${LINKS_KEY}`);
  };
  await check('after Add');
  // The form is cleared for the next link.
  assert.equal(await page.inputValue('[data-link-editor] input[name=label]'), '');
  assert.equal(await page.inputValue('[data-link-editor] input[name=url]'), '');

  await page.reload();
  await app.waitForState('ready');
  await check('after reload');
});

test('javascript: and data: URLs are refused with a message and nothing is stored', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const { page } = app;
  await openLinkEditor(page);
  const editor = page.locator('[data-link-editor]');
  const bad = [
    'javascript:alert(1)',
    '  JavaScript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example.com/no-scheme',
    'https://',
  ];
  for (const url of bad) {
    await editor.locator('input[name=label]').fill('Trap');
    await editor.locator('input[name=url]').fill(url);
    await editor.getByRole('button', { name: 'Add', exact: true }).click();
    const error = page.locator('[data-link-error]');
    await error.waitFor({ state: 'visible' });
    const text = await error.innerText();
    if (/^\s*(javascript|data|vbscript):/i.test(url)) {
      assert.match(text, /only http:\/\/ and https:\/\//, `${url}: says which links are allowed`);
    } else {
      assert.match(text, /complete web address/, `${url}: says the address is incomplete`);
    }
    assert.deepEqual(await shownLinks(page), [], `${url}: no link shown`);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), LINKS_KEY), null, `${url}: nothing stored`);
    // What was typed stays, so it can be corrected.
    assert.equal(await editor.locator('input[name=url]').inputValue(), url);
  }
  // An empty label is refused as well.
  await editor.locator('input[name=label]').fill('   ');
  await editor.locator('input[name=url]').fill('https://ok.example.com/');
  await editor.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator('[data-link-error]', { hasText: /label/ }).waitFor();
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), LINKS_KEY), null, 'empty label: nothing stored');

  // A good link then goes in and the message goes away.
  await addLink(page, 'Datadog', 'https://app.datadoghq.com/dashboard/abc');
  assert.equal(await page.locator('[data-link-error]').count(), 0, 'the error is gone after a good Add');
  assert.deepEqual((await stored(page, LINKS_KEY)).per_queue[QUEUE_A], [
    { label: 'Datadog', url: 'https://app.datadoghq.com/dashboard/abc' },
  ]);
});

test('links belong to their queue', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const { page } = app;
  await addLink(page, 'A100 Grafana', 'https://grafana.example.com/d/a100');

  await settle(
    page,
    () => page.selectOption('select[name=queue]', QUEUE_B),
    (q) => new URLSearchParams(location.search).get('queue') === q,
    QUEUE_B,
  );
  assert.deepEqual(await shownLinks(page), [], `${QUEUE_B} has no links`);
  assert.deepEqual(await editorLabels(page), [], `${QUEUE_B}'s editor list is empty`);
  await addLink(page, 'H100 console', 'https://console.example.com/h100');
  assert.deepEqual(
    (await shownLinks(page)).map((l) => l.label),
    ['H100 console'],
  );

  await settle(
    page,
    () => page.selectOption('select[name=queue]', QUEUE_A),
    (q) => new URLSearchParams(location.search).get('queue') === q,
    QUEUE_A,
  );
  assert.deepEqual(
    (await shownLinks(page)).map((l) => [l.label, l.href]),
    [['A100 Grafana', 'https://grafana.example.com/d/a100']],
    `back on ${QUEUE_A}: only its link`,
  );
  assert.deepEqual(await stored(page, LINKS_KEY), {
    version: 1,
    per_queue: {
      [QUEUE_A]: [{ label: 'A100 Grafana', url: 'https://grafana.example.com/d/a100' }],
      [QUEUE_B]: [{ label: 'H100 console', url: 'https://console.example.com/h100' }],
    },
  });
});

test('a link\'s {queue}, {from}, {to}, {from_ms} and {to_ms} are the view on screen, and follow it', async (t) => {
  const board = 'https://board.example.com/q/{queue}?from={from}&to={to}';
  const app = await openApp(t, {
    config: { ...DEMO, default_links: [{ label: 'Queue board', url: board }] },
    query: `?queue=${QUEUE_A}&from=2026-11-26T00:00:00Z&to=2026-11-28T00:00:00Z`,
  });
  await app.waitForState('ready');
  const { page } = app;
  const grafana = 'https://grafana.example.com/d/gpu?var-queue={queue}&from={from_ms}&to={to_ms}&x={other}';
  await addLink(page, 'Grafana', grafana);
  // The editor says what the braces become.
  const hint = await page.locator('[data-link-editor] [data-link-placeholders]').innerText();
  for (const key of ['{queue}', '{from}', '{to}', '{from_ms}', '{to_ms}']) assert.ok(hint.includes(key), `the hint names ${key}`);
  const hrefs = async () => Object.fromEntries((await shownLinks(page)).map((l) => [l.label, l.href]));
  assert.deepEqual(await hrefs(), {
    'Queue board': `https://board.example.com/q/${QUEUE_A}?from=2026-11-26T00%3A00%3A00Z&to=2026-11-28T00%3A00%3A00Z`,
    // 2026-11-26T00:00:00Z and 2026-11-28T00:00:00Z in ms; a brace that is no placeholder stays.
    Grafana: 'https://grafana.example.com/d/gpu?var-queue=a100-pool&from=1795651200000&to=1795824000000&x={other}',
  });
  // What is stored is the template, not one view's address.
  assert.deepEqual((await stored(page, LINKS_KEY)).per_queue[QUEUE_A], [{ label: 'Grafana', url: grafana }]);

  // Another range: the links follow it (24 h ending at the page's now).
  await settle(page, () => page.click('button[data-range="24h"]'), () => location.search.includes('range=24h'));
  const ms = new URL((await hrefs()).Grafana).searchParams;
  const [from, to] = [Number(ms.get('from')), Number(ms.get('to'))];
  assert.equal(to - from, DAY, `24 h: ${from} to ${to}`);
  assert.ok(Math.abs(to - Date.now()) < 5 * 60_000, `ending now: ${to}`);
  const b = new URL((await hrefs())['Queue board']).searchParams;
  assert.deepEqual([Date.parse(b.get('from')), Date.parse(b.get('to'))], [from, to], 'both links name the same range');

  // Another queue: the deployment's link names it.
  await settle(
    page,
    () => page.selectOption('select[name=queue]', QUEUE_B),
    (q) => new URLSearchParams(location.search).get('queue') === q,
    QUEUE_B,
  );
  assert.ok((await hrefs())['Queue board'].startsWith(`https://board.example.com/q/${QUEUE_B}?from=`), 'the queue followed');
});

test('edit, reorder and remove links: the list follows, in the DOM and in storage', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const { page } = app;
  for (const name of ['Alpha', 'Bravo', 'Charlie']) {
    await addLink(page, name, `https://${name.toLowerCase()}.example.com/`);
  }
  const rows = page.locator('[data-link-editor] ol > li');
  const order = async () => (await shownLinks(page)).map((l) => l.label);
  const storedOrder = async () => (await stored(page, LINKS_KEY)).per_queue[QUEUE_A].map((l) => l.label);
  const expectOrder = async (want, when) => {
    await page.waitForFunction(
      (want) =>
        JSON.stringify(
          [...document.querySelectorAll('[data-panel="external-links"] a')].map((a) => a.textContent.trim()),
        ) === JSON.stringify(want),
      want,
    );
    assert.deepEqual(await order(), want, `${when}: panel`);
    assert.deepEqual(await editorLabels(page), want, `${when}: editor`);
    assert.deepEqual(await storedOrder(), want, `${when}: storage`);
  };
  await expectOrder(['Alpha', 'Bravo', 'Charlie'], 'added');
  assert.ok(await rows.nth(0).getByRole('button', { name: 'Move up' }).isDisabled(), 'first row cannot move up');
  assert.ok(await rows.nth(2).getByRole('button', { name: 'Move down' }).isDisabled(), 'last row cannot move down');

  // Edit the second: the form is prefilled, Save replaces it in place.
  await rows.nth(1).getByRole('button', { name: 'Edit' }).click();
  const editor = page.locator('[data-link-editor]');
  assert.equal(await editor.locator('input[name=label]').inputValue(), 'Bravo');
  assert.equal(await editor.locator('input[name=url]').inputValue(), 'https://bravo.example.com/');
  await editor.locator('input[name=label]').fill('Bravo 2');
  await editor.locator('input[name=url]').fill('https://bravo.example.com/v2');
  await editor.getByRole('button', { name: 'Save', exact: true }).click();
  await expectOrder(['Alpha', 'Bravo 2', 'Charlie'], 'edited');
  assert.equal(
    (await shownLinks(page))[1].href,
    'https://bravo.example.com/v2',
    'the edited link points to the new URL',
  );
  assert.equal(
    await editor.getByRole('button', { name: 'Add', exact: true }).count(),
    1,
    'after Save the form adds again',
  );

  await rows.nth(2).getByRole('button', { name: 'Move up' }).click();
  await expectOrder(['Alpha', 'Charlie', 'Bravo 2'], 'Charlie moved up');
  await rows.nth(0).getByRole('button', { name: 'Move down' }).click();
  await expectOrder(['Charlie', 'Alpha', 'Bravo 2'], 'Alpha moved down');
  await rows.nth(1).getByRole('button', { name: 'Remove' }).click();
  await expectOrder(['Charlie', 'Bravo 2'], 'Alpha removed');

  await page.reload();
  await app.waitForState('ready');
  assert.deepEqual(await order(), ['Charlie', 'Bravo 2'], 'the order survives a reload');
  await openLinkEditor(page);
  await rows.nth(1).getByRole('button', { name: 'Remove' }).click();
  await rows.nth(0).getByRole('button', { name: 'Remove' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-panel="external-links"] a').length === 0);
  assert.deepEqual(await stored(page, LINKS_KEY), { version: 1, per_queue: {} }, 'no empty lists are stored');
});

// ------------------------------------------------------------ saved views

test('a saved view restores the range, bucket, grouping and filters, and the same charts', async (t) => {
  const app = await openApp(t, { config: DEMO });
  const { page } = app;
  // A fixed clock: the demo data and the relative range end at the same
  // "now" each time, so the charts of the two views can be compared exactly.
  await page.clock.setFixedTime(new Date('2026-11-28T09:07:30Z'));
  await page.reload();
  await app.waitForState('ready');
  const defaults = await controls(page);
  assert.deepEqual(defaults.pressed, ['7d']);
  assert.equal(defaults.bucket, 'auto');

  await settle(
    page,
    () => page.click('button[data-range="24h"]'),
    () => location.search.includes('range=24h'),
  );
  await settle(
    page,
    () => page.selectOption('select[name=bucket]', '15m'),
    () => location.search.includes('bucket=15m'),
  );
  await settle(
    page,
    () => page.selectOption('select[name=group]', 'project'),
    () => location.search.includes('group=project'),
  );
  await page.locator('details[data-filter=state] summary').click();
  const states = await page.$$eval('details[data-filter=state] input[type=checkbox]', (xs) => xs.map((x) => x.value));
  const state = states.includes('failed') ? 'failed' : states[0];
  assert.ok(state, 'the state filter offers values');
  await settle(
    page,
    () => page.check(`details[data-filter=state] input[value="${state}"]`),
    (s) => new URLSearchParams(location.search).getAll('state').includes(s),
    state,
  );
  const savedQuery = await page.evaluate(() => location.search);
  assert.deepEqual(byKey(await queryPairs(page)), {
    range: ['24h'],
    bucket: ['15m'],
    group: ['project'],
    state: [state],
  });
  const savedControls = await controls(page);
  const savedTraces = await app.inspect('job-status');
  const savedGroups = (await app.inspect('queued-time')).map((tr) => tr.name);
  // 24 h in 15 m buckets: 96, or 97 when now is not on a boundary.
  assert.equal(savedTraces[0].x.length, 97);
  assert.ok(
    savedTraces.some((tr) => tr.y.some((y) => y > 0)),
    'the saved view shows jobs',
  );

  await openSavedViews(page);
  await page.fill('input[name=view-name]', ' mine ');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.locator('[data-saved-message]', { hasText: 'Saved “mine”' }).waitFor();
  await page.locator('li[data-saved-view="mine"]').waitFor();
  const views = (await stored(page, VIEWS_KEY)).views;
  assert.deepEqual(
    views.map((v) => [v.name, `?${v.query}`]),
    [['mine', savedQuery]],
    `${VIEWS_KEY} holds the view as its query`,
  );

  // Everything back by hand, with the controls.
  await settle(page, () => page.click('button[data-clear-filters]'), () => !location.search.includes('state='));
  await settle(page, () => page.selectOption('select[name=group]', 'user'), () => !location.search.includes('group='));
  await settle(page, () => page.selectOption('select[name=bucket]', 'auto'), () => !location.search.includes('bucket='));
  await settle(page, () => page.click('button[data-range="7d"]'), () => location.search === '?range=7d');
  assert.notDeepEqual(await app.inspect('job-status'), savedTraces, 'the 7 d view differs');

  const apply = () => page.locator('li[data-saved-view="mine"] button').first().click();
  await settle(page, apply, (q) => location.search === q, savedQuery);
  // The selects too, though the user picked other options in them since
  // (a select that follows only <option selected> stays on the old one).
  assert.deepEqual(await controls(page), savedControls, 'the controls show the saved view');
  assert.deepEqual(await app.inspect('job-status'), savedTraces, 'job status as when saved');
  assert.deepEqual(
    (await app.inspect('queued-time')).map((tr) => tr.name),
    savedGroups,
    'queued time grouped by project again',
  );

  // And after a reload with no query at all (the saved view is in storage).
  await page.goto(new URL('/', page.url()).href);
  await app.waitForState('ready');
  assert.deepEqual((await controls(page)).pressed, ['7d']);
  await openSavedViews(page);
  await settle(page, apply, (q) => location.search === q, savedQuery);
  assert.deepEqual(await controls(page), savedControls, 'after a reload: the controls show the saved view');
  assert.deepEqual(await app.inspect('job-status'), savedTraces, 'after a reload: job status as when saved');
});

// ------------------------------------------------------------ URL round trip

test('every SPEC §5 parameter survives the URL round trip; Back returns to the previous range', async (t) => {
  // An absolute day two days back, on whole hours (demo data covers 8 days).
  const from = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
  const to = from + DAY;
  const FILTER_KEYS = ['user', 'job', 'project', 'entity', 'state', 'label'];
  const given = {
    queue: [QUEUE_B],
    from: [rfc3339(from)],
    to: [rfc3339(to)],
    bucket: ['1h'],
    tz: ['utc'],
    group: ['label:team'],
    user: ['alice', 'bob'],
    job: ['train-resnet:v3'],
    project: ['vision'],
    entity: ['vision-lab'],
    state: ['failed', 'finished'],
    label: ['team:perception'],
    q: ['resnet v3'],
  };
  const search = new URLSearchParams(Object.entries(given).flatMap(([k, vs]) => vs.map((v) => [k, v])));
  const app = await openApp(t, { config: DEMO, query: `?${search}` });
  await app.waitForState('ready');
  const { page } = app;
  assert.equal(await page.locator('[data-url-notice]').count(), 0, 'no parameter was ignored');

  const expectControls = async (when) => {
    const c = await controls(page);
    assert.equal(c.queue, QUEUE_B, `${when}: queue`);
    assert.equal(c.bucket, '1h', `${when}: bucket`);
    assert.equal(c.tz, 'utc', `${when}: tz`);
    assert.equal(c.group, 'label:team', `${when}: group`);
    assert.equal(c.q, 'resnet v3', `${when}: search`);
    assert.deepEqual(c.pressed, [], `${when}: no preset is pressed`);
    assert.ok(c.customActive, `${when}: custom range is active`);
    assert.deepEqual(
      c.checked,
      Object.fromEntries(FILTER_KEYS.map((k) => [k, [...given[k]].sort()])),
      `${when}: checked filter values`,
    );
    // The custom range inputs hold from and to in the view's zone (UTC).
    assert.equal(await page.inputValue('input[name=from]'), rfc3339(from).slice(0, 16), `${when}: from input`);
    assert.equal(await page.inputValue('input[name=to]'), rfc3339(to).slice(0, 16), `${when}: to input`);
    // The charts show that day in 1 h UTC buckets.
    const xs = (await app.inspect('job-status'))[0].x.map(xToMs);
    assert.equal(xs.length, 24, `${when}: 24 buckets`);
    assert.equal(xs[0], from, `${when}: first bucket starts at from`);
  };
  await expectControls('opened');

  // Make the app write the address bar (a zone change and back), then
  // compare: every parameter is still there with the same values.
  await settle(page, () => page.selectOption('select[name=tz]', 'local'), () => !location.search.includes('tz='));
  await settle(page, () => page.selectOption('select[name=tz]', 'utc'), () => location.search.includes('tz=utc'));
  const written = await sortedQuery(page);
  const want = structuredClone(given);
  for (const k of Object.keys(want)) want[k].sort();
  assert.deepEqual(written, want, 'the rewritten query carries every parameter');
  await expectControls('rewritten');

  // A range change is a history entry: Back restores the absolute range.
  const historyBefore = await page.evaluate(() => history.length);
  await settle(
    page,
    () => page.click('button[data-range="24h"]'),
    () => location.search.includes('range=24h'),
  );
  assert.equal(await page.evaluate(() => history.length), historyBefore + 1, 'one history entry');
  const after = byKey(await queryPairs(page));
  assert.deepEqual(after.range, ['24h']);
  assert.equal(after.from, undefined, 'a preset drops from');
  assert.deepEqual((await controls(page)).pressed, ['24h']);
  const n = (await app.inspect('job-status'))[0].x.length;
  assert.ok(n === 24 || n === 25, `24 h ending now in 1 h buckets: ${n}`);

  await settle(
    page,
    () => page.goBack(),
    (f) => new URLSearchParams(location.search).get('from') === f,
    rfc3339(from),
  );
  await expectControls('after Back');
  assert.deepEqual(await sortedQuery(page), want, 'after Back: the previous query');
});

test('an invalid URL parameter is ignored with a notice, the rest still applies', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?bucket=7x&range=24h&group=nonsense&tz=utc' });
  await app.waitForState('ready');
  const { page } = app;
  const notice = page.locator('[data-url-notice]');
  await notice.waitFor({ state: 'visible' });
  const text = await notice.innerText();
  assert.match(text, /bucket=7x/, 'names the bad bucket');
  assert.match(text, /group=nonsense/, 'names the bad group');
  const c = await controls(page);
  assert.equal(c.bucket, 'auto', 'bucket falls back to auto');
  assert.equal(c.group, 'user', 'group falls back to user');
  assert.deepEqual(c.pressed, ['24h'], 'the valid range applies');
  assert.equal(c.tz, 'utc', 'the valid zone applies');
  // 24 h with auto width: 15 m buckets (SPEC §3).
  const xs = (await app.inspect('job-status'))[0].x.map(xToMs);
  assert.ok(xs.length === 96 || xs.length === 97, `96 or 97 buckets, got ${xs.length}`);
  assert.equal(xs[1] - xs[0], 15 * 60_000);
});

// ---------------------------------------------------------- import/export

test('import refuses bad files without changing anything; a real export imports with merge', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const { page } = app;
  await addLink(page, 'Grafana', 'https://grafana.example.com/d/a100');
  await openSavedViews(page);
  await page.fill('input[name=view-name]', 'default week');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.locator('li[data-saved-view="default week"]').waitFor();

  const snapshot = () =>
    page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)), [LINKS_KEY, VIEWS_KEY, GROUPINGS_KEY]);
  const before = await snapshot();

  // Export: the download is the documented shape with what we have.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export…' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'queuescope-views.json');
  const exportPath = await download.path();
  const exported = JSON.parse(await readFile(exportPath, 'utf8'));
  assert.equal(exported.queuescope_export, 1);
  assert.deepEqual(exported.links.per_queue, {
    [QUEUE_A]: [{ label: 'Grafana', url: 'https://grafana.example.com/d/a100' }],
  });
  assert.deepEqual(
    exported.views.views.map((v) => v.name),
    ['default week'],
  );

  await page.getByRole('button', { name: 'Import…' }).click();
  const textarea = page.locator('textarea[name=import]');
  const importButton = page.getByRole('button', { name: 'Import', exact: true });
  const message = page.locator('[data-saved-message]');
  const refused = async (text, pattern, what) => {
    await textarea.fill(text);
    await page.check('input[name=import-mode][value=merge]');
    await importButton.click();
    await message.filter({ hasText: pattern }).waitFor();
    assert.match(await message.innerText(), /nothing was imported/, `${what}: says nothing was imported`);
    assert.deepEqual(await snapshot(), before, `${what}: storage unchanged`);
    assert.deepEqual(
      (await shownLinks(page)).map((l) => l.label),
      ['Grafana'],
      `${what}: links unchanged`,
    );
  };
  await refused('this is not JSON {', /not valid JSON/, 'not JSON');
  await refused('{"links": {"version": 1, "per_queue": {}}}', /not a Queuescope export/, 'no marker');
  const evil = structuredClone(exported);
  evil.links.per_queue[QUEUE_A].push({ label: 'Click me', url: 'javascript:alert(1)' });
  evil.views.views.push({ name: 'other', query: 'range=1h', saved_at: 0 });
  await refused(JSON.stringify(evil), /only http:\/\/ and https:\/\//, 'a javascript: link');
  assert.equal(await page.locator('li[data-saved-view="other"]').count(), 0, 'no view of a refused file');

  // Now change what we have, then import the real export with merge.
  await openLinkEditor(page);
  await page.locator('[data-link-editor] ol > li').first().getByRole('button', { name: 'Remove' }).click();
  await addLink(page, 'Datadog', 'https://app.datadoghq.com/dashboard/q');
  await page.locator('li[data-saved-view="default week"]').getByRole('button', { name: 'Delete' }).click();
  await page.locator('li[data-saved-view="default week"]').waitFor({ state: 'detached' });

  // Through the file picker, as a user would.
  await page.setInputFiles('.qs-import input[type=file]', exportPath);
  await page.waitForFunction(() => document.querySelector('textarea[name=import]').value.includes('queuescope_export'));
  await page.check('input[name=import-mode][value=merge]');
  await importButton.click();
  await message.filter({ hasText: 'Imported.' }).waitFor();
  assert.deepEqual(
    (await shownLinks(page)).map((l) => l.label),
    ['Datadog', 'Grafana'],
    'merge keeps the new link and adds the exported one after it',
  );
  await page.locator('li[data-saved-view="default week"]').waitFor();
  assert.deepEqual((await stored(page, LINKS_KEY)).per_queue[QUEUE_A].map((l) => l.label), ['Datadog', 'Grafana']);
  assert.deepEqual(
    (await stored(page, VIEWS_KEY)).views.map((v) => v.name),
    ['default week'],
  );
});

// ------------------------------------------------------- custom groupings

test('a custom grouping from the editor groups queued time by its rules', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?tz=utc' });
  await app.waitForState('ready');
  const { page } = app;
  await openSavedViews(page);
  const editor = page.locator('[data-grouping-editor]');
  await editor.locator('input[name=grouping-name]').fill('teams');
  // A name typed first is no mistake yet: nothing is said of the untouched rule.
  assert.equal(await editor.locator('[data-grouping-problem]').count(), 0, 'no problem before a rule is written');
  const rule = editor.locator('.qs-rule').first();
  await rule.locator('select[name=rule-field]').selectOption('user');
  // The values commit on change (blur): they are rewritten as parsed.
  await rule.locator('input[name=rule-match]').fill('alice, bob');
  await rule.locator('input[name=rule-match]').blur();
  // The rule has no group yet: the editor says so.
  assert.match(await editor.locator('[data-grouping-problem]').innerText(), /rule 1: give the group a name/);
  // The group is read as typed: the preview shows it and the problem is gone
  // while the field still has the focus (it stood until the field lost it).
  await rule.locator('input[name=rule-group]').pressSequentially('team-a');
  await editor.locator('[data-grouping-preview] li', { hasText: 'team-a' }).waitFor();
  assert.equal(await editor.locator('[data-grouping-problem]').count(), 0, 'no problem once the group is named');
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'rule-group', 'the field kept the focus');
  await settle(
    page,
    () => editor.getByRole('button', { name: 'Save grouping' }).click(),
    () => location.search.includes('group=custom:teams'),
  );
  assert.deepEqual((await stored(page, GROUPINGS_KEY)).groupings, [
    { name: 'teams', rules: [{ field: 'user', values: ['alice', 'bob'], regex: null, group: 'team-a' }] },
  ]);
  const options = await page.$$eval('select[name=group] option', (os) => os.map((o) => o.value));
  assert.ok(options.includes('custom:teams'), `select[name=group] offers custom:teams (${options})`);

  // Choose another grouping, then the custom one from the select.
  await settle(page, () => page.selectOption('select[name=group]', 'user'), () => !location.search.includes('group='));
  await settle(
    page,
    () => page.selectOption('select[name=group]', 'custom:teams'),
    () => location.search.includes('group=custom:teams'),
  );
  assert.equal(await page.inputValue('select[name=group]'), 'custom:teams');
  const custom = await app.inspect('queued-time');
  assert.deepEqual(custom.map((tr) => tr.name).sort(), ['(other)', 'team-a']);
  const teamA = custom.find((tr) => tr.name === 'team-a');
  assert.ok(teamA.y.some((y) => y > 0), 'alice and bob waited in the last 7 days');

  // The legend on a custom grouping (no filterable field): hiding (other)
  // is a view setting, not a URL filter, and leaves team-a's jobs, which
  // are alice's and bob's, in every panel (checked against the user
  // filter below).
  const queryBefore = await page.evaluate(() => location.search);
  await settle(
    page,
    () => page.locator('[data-panel="queued-time"] [data-legend-group="(other)"] .qs-legend-hide').click(),
    () => document.querySelectorAll('[data-panel="queued-time"] [data-legend-group]').length === 1,
  );
  assert.equal(await page.evaluate(() => location.search), queryBefore, 'the URL is unchanged');
  assert.deepEqual((await app.inspect('queued-time')).map((tr) => tr.name), ['team-a']);
  assert.deepEqual((await app.inspect('queued-time'))[0].y, teamA.y, "team-a's waiting is unchanged");
  const teamAStatus = await app.inspect('job-status');
  await settle(
    page,
    () => page.locator('[data-panel="queued-time"] [data-legend-show-all]').click(),
    () => document.querySelectorAll('[data-panel="queued-time"] [data-legend-group]').length === 2,
  );

  // team-a's queued seconds are alice's plus bob's, bucket by bucket (same
  // loaded data: grouping and filters do not reload).
  await settle(page, () => page.selectOption('select[name=group]', 'user'), () => !location.search.includes('group='));
  await page.locator('details[data-filter=user] summary').click();
  for (const user of ['alice', 'bob']) {
    await settle(
      page,
      () => page.check(`details[data-filter=user] input[value="${user}"]`),
      (u) => new URLSearchParams(location.search).getAll('user').includes(u),
      user,
    );
  }
  const users = await app.inspect('queued-time');
  assert.deepEqual(users.map((tr) => tr.name).sort(), ['alice', 'bob']);
  assert.deepEqual(await app.inspect('job-status'), teamAStatus, 'job status: team-a alone = alice and bob');
  assert.deepEqual(users[0].x, teamA.x, 'same buckets');
  for (const [i, y] of teamA.y.entries()) {
    const sum = users.reduce((s, tr) => s + (tr.y[i] ?? 0), 0);
    assert.ok(Math.abs(sum - y) < 1e-6, `bucket ${i}: team-a ${y} = alice + bob ${sum}`);
  }
});

// --------------------------------------------------------- tabs, corruption

test('a link added in one tab shows in another tab of the same browser', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const other = await app.context.newPage();
  const otherErrors = [];
  other.on('pageerror', (e) => otherErrors.push(e));
  await other.goto(app.url);
  await other.waitForSelector('html[data-app-state="ready"]', { state: 'attached' });
  assert.deepEqual(await shownLinks(other), []);

  await addLink(app.page, 'Grafana', 'https://grafana.example.com/d/a100');
  await other.locator('[data-panel="external-links"] a', { hasText: 'Grafana' }).waitFor();
  assert.deepEqual(await shownLinks(other), await shownLinks(app.page), 'both tabs show the same links');

  // And back: a view saved in the other tab lists in the first.
  await openSavedViews(other);
  await other.fill('input[name=view-name]', 'from tab 2');
  await other.getByRole('button', { name: 'Save view' }).click();
  await openSavedViews(app.page);
  await app.page.locator('li[data-saved-view="from tab 2"]').waitFor();
  // The first tab's later edit keeps the link the second tab knows about.
  await openLinkEditor(other);
  await other.locator('[data-link-editor] ol > li').first().getByRole('button', { name: 'Remove' }).click();
  await app.page.waitForFunction(() => document.querySelectorAll('[data-panel="external-links"] a').length === 0);
  assert.deepEqual(otherErrors, [], 'the second tab threw nothing');
});

test('corrupt or unsafe stored links: a notice, the page still works, nothing unsafe in an href', async (t) => {
  const app = await openApp(t, { config: DEMO });
  await app.waitForState('ready');
  const { page } = app;

  await page.evaluate((k) => localStorage.setItem(k, '{"version": 1, "per_queue": {"a100-pool": [tru'), LINKS_KEY);
  await page.reload();
  await app.waitForState('ready');
  const notice = page.locator('[data-url-notice]');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.innerText(), /saved links were unreadable and have been reset/);
  assert.deepEqual(await shownLinks(page), []);
  assert.ok((await app.inspect('job-status')).length > 0, 'the charts still draw');
  await addLink(page, 'Fresh', 'https://fresh.example.com/');
  assert.deepEqual((await stored(page, LINKS_KEY)).per_queue, {
    [QUEUE_A]: [{ label: 'Fresh', url: 'https://fresh.example.com/' }],
  });

  // Well-formed JSON with a javascript: link (edited by hand, or another app).
  await page.evaluate(
    ([k, q]) =>
      localStorage.setItem(
        k,
        JSON.stringify({
          version: 1,
          per_queue: {
            [q]: [
              { label: 'Evil', url: 'javascript:alert(1)' },
              { label: 'Fine', url: 'https://fine.example.com/' },
            ],
          },
        }),
      ),
    [LINKS_KEY, QUEUE_A],
  );
  await page.reload();
  await app.waitForState('ready');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.innerText(), /saved links broke the rules/);
  const links = await shownLinks(page);
  assert.deepEqual(
    links.map((l) => [l.label, l.href]),
    [['Fine', 'https://fine.example.com/']],
  );
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(!hrefs.some((h) => /^\s*javascript:/i.test(h)), 'no javascript: href anywhere');
});
