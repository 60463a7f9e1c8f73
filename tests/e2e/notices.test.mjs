// Issue #15: what core and the loader report (skipped records, load
// errors, read limits, the clock skew, ignored URL parameters, config
// notices) is typed and worded by the page, so on `?lang=ko` it is Korean,
// figures and all, and the language picker words the same notices again in
// English. Real Chromium against demo-backend with its fault modes (see
// fault-helpers.mjs); the English texts are asserted in faults.test.mjs.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, DAY } from './harness.mjs';
import { allJobs, faultyBackend, loadError, messages, textOf } from './fault-helpers.mjs';

const QUEUE = 'a100-pool';

/**
 * English fragments of the notices and errors these tests raise; none may
 * be on the Korean page (data names such as users and queues may).
 */
const ENGLISH = [
  'skipped',
  'duplicate id',
  'did not answer',
  'answered',
  'choose a shorter range',
  'Could not load',
  'ignored ',
  'unknown parameter',
  'use user, job',
  "backend's clock",
  'transitions after',
  'outside 10 to',
  'refreshes every',
  'Retry',
  'Dismiss',
];

/** Fails when the page's visible text holds any of [`ENGLISH`]. */
async function assertNoEnglish(page, state) {
  const text = await page.evaluate(() => document.body.innerText);
  const found = ENGLISH.filter((f) => text.includes(f));
  assert.deepEqual(found, [], `English on the Korean page (${state})`);
}

/** `1,234` as both languages write counts. */
const n = (x) => x.toLocaleString('en-US');

/** Switches the language with the picker and waits for the page to follow. */
async function pick(page, lang) {
  await page.locator('[data-lang-picker]').selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

test('ko: a timeout and an HTTP error are Korean, with the seconds, the status and the URL', async (t) => {
  const b = await faultyBackend(t, ['hang@jobs']);
  const app = await openApp(t, {
    config: { api_base: b.api, request_timeout_seconds: 1 },
    query: `${b.query(QUEUE)}&lang=ko`,
  });
  const { page } = app;
  await app.waitForState('error');
  const url = String.raw`http:\/\/127\.0\.0\.1:\d+\/api\/v1\/queues\/a100-pool\/jobs\?from=[^ ]+`;
  const timeout = await loadError(page);
  assert.match(
    timeout.text,
    new RegExp(
      '^큐 데이터를 불러오지 못했습니다\\. ' +
        '큐 API가 1초 안에 응답하지 않았습니다\\(request_timeout_seconds\\)\\. 다시 시도하거나 더 짧은 기간을 고르세요 ' +
        `\\(${url}\\) 다시 시도$`,
    ),
  );
  await assertNoEnglish(page, 'timeout');

  await b.setFaults(['status:503@jobs']);
  await page.getByRole('button', { name: '다시 시도' }).click();
  await page.waitForFunction(() => document.querySelector('[data-load-error]')?.textContent.includes('503'));
  const http = await loadError(page);
  assert.match(http.text, new RegExp(`^큐 데이터를 불러오지 못했습니다\\. 큐 API가 ${url}에 503\\(으\\)로 응답했습니다: .+ 다시 시도$`));
  await assertNoEnglish(page, 'HTTP 503');
  // The panels' overlays say it in Korean too.
  const overlay = await textOf(page, '[data-panel="job-status"] .qs-overlay');
  assert.match(overlay, new RegExp(`^큐 API가 ${url}에 503\\(으\\)로 응답했습니다: `));

  // The same error, worded again in English by the picker.
  await pick(page, 'en');
  const en = await loadError(page);
  assert.match(en.text, new RegExp(`^Could not load the queue data\\. the queue API answered 503 for ${url}: .+ Retry$`));
});

test('ko: skipped records and the clock skew are Korean, with their counts; English after the picker', async (t) => {
  const b = await faultyBackend(t, ['skew:-2d@jobs', 'duplicate-ids@jobs']);
  const app = await openApp(t, { config: { api_base: b.api }, query: `${b.query(QUEUE)}&lang=ko` });
  const { page } = app;
  await app.waitForState('ready');
  const { jobs, generatedAt } = await allJobs(b.api, QUEUE, b.from, b.now);
  assert.equal(generatedAt, b.now - 2 * DAY);
  const unique = new Map(jobs.map((j) => [j.id, j]));
  assert.equal(jobs.length, 2 * unique.size, 'every job came twice');
  const dup = unique.size;
  const after = [...unique.values()].filter((j) => Date.parse(j.transitions.at(-1).at) > generatedAt).length;
  assert.ok(after > 0 && dup > 100, `${after} jobs after generated_at, ${dup} duplicates`);

  assert.equal(await textOf(page, '[data-skip-notice] p'), `작업 ${n(dup)}개 건너뜀: 중복된 ID ${n(dup)}건`);
  assert.equal(
    await textOf(page, '[data-clock-notice]'),
    '백엔드의 시계가 이 브라우저보다 2일 0시간 느립니다. 실행 중인 작업은 백엔드의 “현재”까지 그립니다. ' +
      `작업 ${n(after)}개에 백엔드의 “현재”(generated_at) 이후의 상태 전이가 있어, 마지막 상태가 그 시각에 끝납니다.`,
  );
  await assertNoEnglish(page, 'skipped records and clock skew');

  await pick(page, 'en');
  assert.equal(await textOf(page, '[data-skip-notice] p'), `${n(dup)} jobs skipped: ${n(dup)} × duplicate id`);
  assert.equal(
    await textOf(page, '[data-clock-notice]'),
    `The backend's clock is 2 d 0 h behind this browser's: running jobs are drawn until its “now”. ` +
      `${n(after)} jobs have transitions after the backend's “now” (generated_at): their last state ends there.`,
  );
});

test('ko: ignored URL parameters and config notices are Korean; the picker words them again in English', async (t) => {
  const b = await faultyBackend(t);
  const app = await openApp(t, {
    config: { api_base: b.api, refresh_seconds: 3_000_000 },
    query: `${b.query(QUEUE)}&group=color&foo=bar&lang=ko`,
  });
  const { page } = app;
  await app.waitForState('ready');
  assert.deepEqual(await messages(page), [
    'config.json의 refresh_seconds 3000000이(가) 10~86,400 범위 밖입니다: 데이터를 86,400초마다 새로 고칩니다',
    'group=color 무시됨: user, job, project, entity, state, label:KEY, custom:NAME 중 하나를 쓰세요',
    'foo=bar 무시됨: 알 수 없는 매개변수입니다',
  ]);
  await assertNoEnglish(page, 'URL and config notices');

  await pick(page, 'en');
  assert.deepEqual(await messages(page), [
    'refresh_seconds is 3000000 in config.json, outside 10 to 86,400: the data refreshes every 86,400 seconds',
    'ignored group=color: use user, job, project, entity, state, label:KEY or custom:NAME',
    'ignored foo=bar: unknown parameter',
  ]);
});

test('ko: an unknown queue in the URL is a Korean notice', async (t) => {
  const b = await faultyBackend(t);
  const app = await openApp(t, { config: { api_base: b.api }, query: '?queue=nope&lang=ko' });
  const { page } = app;
  await app.waitForState('ready');
  await page.waitForFunction(() => document.querySelector('[data-url-notice]'));
  assert.deepEqual(await messages(page), ['queue=nope 무시됨: 그런 큐가 없어 첫 번째 큐를 보여 줍니다']);
  await assertNoEnglish(page, 'unknown queue');
});
