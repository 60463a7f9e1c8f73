// The last English on the Korean page (issue #15): what the preference
// editors, local storage and the config report, on `?lang=ko`, in real
// Chromium (demo data, 2000 jobs):
//
//   - a refused link (javascript:, an empty label), a saved view's name
//     (empty, taken), a custom grouping's rule (no group, a bad pattern), a
//     refused import file, the import mode labels;
//   - local storage full (`setItem` throws QuotaExceededError): a link, a
//     saved view and the theme choice are "not saved", in Korean;
//   - a store written by a newer Queuescope: the load notice, and an edit
//     refused as read-only;
//   - config.json that is not JSON, and one that answers HTTP 503;
//
// each asserted as the exact Korean sentence, and no English fragment of
// these messages anywhere on the page.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

const DEMO = { demo_jobs: 2000 };
const VIEWS_KEY = 'queuescope.v1.views';

/** English words of the messages this file provokes: none may show on the Korean page. */
const ENGLISH = [
  'not saved',
  'nothing was imported',
  'only http',
  'the label must',
  'a name must',
  'is already used',
  'grouping "',
  'rule 1',
  'give the group',
  'not a valid regular expression',
  'local storage',
  'newer version',
  'Saved “',
  'config.json is not valid',
  'config.json answered',
  'could not read',
  'merge',
  'replace',
  'theme not',
  'outside the range',
];

/** The page's visible text holds none of the English fragments. */
async function noEnglish(page, where) {
  const text = await page.locator('body').innerText();
  const found = ENGLISH.filter((w) => text.toLowerCase().includes(w.toLowerCase()));
  assert.deepEqual(found, [], `${where}: English on the Korean page`);
}

/** Opens the Saved views section (it holds the grouping editor too). */
async function openSavedViews(page) {
  const box = page.locator('[data-saved-views]');
  if (!(await box.evaluate((d) => d.open))) await box.locator('> summary').click();
}

/** The one-off notices' paragraphs. */
function notices(page) {
  return page.locator('[data-url-notice] p').allInnerTexts();
}

/** Throws QuotaExceededError for every store of Queuescope's preferences (run before the page's scripts). */
function fullStorage() {
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (/^queuescope\.v1\.(links|views|groupings|appearance)$/.test(key)) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return setItem.call(this, key, value);
  };
}

const FULL =
  '저장하지 않았습니다: 로컬 저장소가 가득 찼습니다. 더 이상 필요 없는 저장한 보기나 링크를 지우거나, 브라우저에서 이 사이트의 저장 공간을 비우세요';

test('Korean: the editors’ errors, a refused import, and their English never shows', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?lang=ko&tz=utc' });
  await app.waitForState('ready');
  const { page } = app;
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');

  await t.test('links: a javascript: link and an empty label', async () => {
    await page.locator('[data-manage-links]').click();
    const form = page.locator('[data-link-editor] form');
    const error = page.locator('[data-link-error]');
    await form.locator('input[name=label]').fill('Grafana');
    await form.locator('input[name=url]').fill('javascript:alert(1)');
    await form.locator('button[type=submit]').click();
    assert.equal(await error.innerText(), 'http://와 https:// 링크만 쓸 수 있습니다');
    await form.locator('input[name=label]').fill('  ');
    await form.locator('input[name=url]').fill('https://grafana.example.com/d/q');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-link-error]', { hasText: '링크 이름' }).waitFor();
    assert.equal(await error.innerText(), '링크 이름은 1~60자여야 합니다');
    await form.locator('input[name=url]').fill('grafana.example.com');
    await form.locator('input[name=label]').fill('Grafana');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-link-error]', { hasText: '완전한' }).waitFor();
    assert.equal(
      await error.innerText(),
      '완전한 웹 주소가 아닙니다. https://grafana.example.com/d/queue처럼 전체 주소를 쓰세요',
    );
    await noEnglish(page, 'link editor');
  });

  await t.test('saved views: an empty name, a saved one, a taken name', async () => {
    await openSavedViews(page);
    const name = page.locator('input[name=view-name]');
    const message = page.locator('[data-saved-message]');
    await name.fill('   ');
    await name.press('Enter');
    await message.waitFor();
    assert.equal(await message.innerText(), '이름은 1~80자여야 합니다');
    await name.fill('mine');
    await name.press('Enter');
    await page.locator('[data-saved-message]', { hasText: 'mine' }).waitFor();
    assert.equal(await message.innerText(), '“mine”을(를) 저장했습니다.');
    await name.fill('other');
    await name.press('Enter');
    await page.locator('li[data-saved-view="other"]').waitFor();
    await page.locator('li[data-saved-view="other"]').getByRole('button', { name: '이름 바꾸기' }).click();
    const rename = page.locator('li[data-saved-view="other"] input[name=rename]');
    await rename.fill('mine');
    await rename.press('Enter');
    await page.locator('[data-saved-message]', { hasText: '이미' }).waitFor();
    assert.equal(
      await message.innerText(),
      '이름 "mine"은(는) 이미 쓰고 있습니다. 다른 이름을 고르거나 그것을 먼저 지우세요',
    );
    await noEnglish(page, 'saved views');
  });

  await t.test('custom grouping: no group name, then a pattern that does not compile', async () => {
    const editor = page.locator('[data-grouping-editor]');
    await editor.locator('input[name=grouping-name]').fill('teams');
    const rule = editor.locator('.qs-rule').first();
    await rule.locator('input[name=rule-match]').fill('alice, bob');
    await rule.locator('input[name=rule-match]').blur();
    const problem = editor.locator('[data-grouping-problem]');
    await editor.locator('[data-grouping-problem]', { hasText: '그룹 이름' }).waitFor();
    assert.equal(await problem.innerText(), '묶음 "teams": 규칙 1: 그룹 이름을 쓰세요');
    await rule.locator('input[name=rule-group]').fill('team-a');
    await rule.locator('input[name=rule-group]').blur();
    await rule.locator('input[name=rule-match]').fill('/sweep-(/');
    await rule.locator('input[name=rule-match]').blur();
    await editor.locator('[data-grouping-problem]', { hasText: '정규식' }).waitFor();
    // regex-lite's own reason (library text) follows in parentheses.
    assert.match(
      await problem.innerText(),
      /^묶음 "teams": 규칙 1: 패턴 "sweep-\("은\(는\) 올바른 정규식이 아닙니다\([^]+\)$/,
    );
    await noEnglish(page, 'grouping editor');
  });

  await t.test('import: the mode labels and a file that is not an export', async () => {
    await page.locator('[data-saved-views] .qs-saved-io button').nth(1).click();
    const box = page.locator('.qs-import');
    assert.deepEqual(
      (await box.locator('label').allInnerTexts()).map((s) => s.trim()),
      ['합치기', '바꾸기'],
    );
    await box.locator('textarea[name=import]').fill('{"links": {}}');
    await box.locator('button').last().click();
    const message = page.locator('[data-saved-message]', { hasText: '가져오지' });
    await message.waitFor();
    assert.equal(
      await message.innerText(),
      '아무것도 가져오지 않았습니다: Queuescope 내보내기 파일이 아닙니다("queuescope_export" 표시가 없습니다)',
    );
    await box.locator('textarea[name=import]').fill('{"queuescope_export": 1, "views": {"version": 3, "views": []}}');
    await box.locator('button').last().click();
    await page.locator('[data-saved-message]', { hasText: '형식 3' }).waitFor();
    assert.equal(
      await page.locator('[data-saved-message]').innerText(),
      '아무것도 가져오지 않았습니다: views 부분이 형식 3(으)로, 더 새로운 버전의 Queuescope가 만든 것입니다',
    );
    await noEnglish(page, 'import');
  });
});

test('Korean: local storage full — a link, a view and the theme are not saved', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?lang=ko', initScript: fullStorage });
  await app.waitForState('ready');
  const { page } = app;

  await page.locator('[data-manage-links]').click();
  const form = page.locator('[data-link-editor] form');
  await form.locator('input[name=label]').fill('Grafana');
  await form.locator('input[name=url]').fill('https://grafana.example.com/d/q');
  await form.locator('button[type=submit]').click();
  await page.locator('[data-link-error]').waitFor();
  assert.equal(await page.locator('[data-link-error]').innerText(), FULL);
  assert.equal(await page.locator('[data-panel="external-links"] a', { hasText: 'Grafana' }).count(), 0);

  await openSavedViews(page);
  await page.locator('input[name=view-name]').fill('mine');
  await page.locator('input[name=view-name]').press('Enter');
  await page.locator('[data-saved-message]').waitFor();
  assert.equal(await page.locator('[data-saved-message]').innerText(), FULL);

  await page.locator('select[data-theme-choice]').selectOption('dark');
  await page.locator('[data-url-notice]').waitFor();
  assert.deepEqual(await notices(page), [
    '테마를 저장하지 않았습니다: 로컬 저장소가 가득 찼습니다. 더 이상 필요 없는 저장한 보기나 링크를 지우거나, 브라우저에서 이 사이트의 저장 공간을 비우세요',
  ]);
  await noEnglish(page, 'storage full');
});

test('Korean: saved views from a newer Queuescope — the notice and a read-only store', async (t) => {
  const app = await openApp(t, { config: DEMO, query: '?lang=ko' });
  await app.waitForState('ready');
  const { page } = app;
  await page.evaluate((k) => localStorage.setItem(k, '{"version": 9, "views": [{"name": "x"}]}'), VIEWS_KEY);
  await page.reload();
  await app.waitForState('ready');
  await page.locator('[data-url-notice]').waitFor();
  assert.deepEqual(await notices(page), [
    '저장한 보기는 더 새로운 버전의 Queuescope가 저장한 것입니다(형식 9). 이 버전은 보여 줄 수 없어 그대로 두며, 여기서 바꾼 내용은 저장되지 않습니다',
  ]);
  await openSavedViews(page);
  await page.locator('input[name=view-name]').fill('mine');
  await page.locator('input[name=view-name]').press('Enter');
  await page.locator('[data-saved-message]').waitFor();
  assert.equal(
    await page.locator('[data-saved-message]').innerText(),
    '저장하지 않았습니다: 이 브라우저의 저장한 보기는 더 새로운 버전의 Queuescope가 저장한 것이라 이 버전은 건드리지 않습니다',
  );
  assert.equal(
    await page.evaluate((k) => localStorage.getItem(k), VIEWS_KEY),
    '{"version": 9, "views": [{"name": "x"}]}',
    'the newer data is left untouched',
  );
  await noEnglish(page, 'newer store');
});

test('Korean: config.json that is not JSON, then one that answers HTTP 503', async (t) => {
  const app = await openApp(t, { config: 'not json', query: '?lang=ko' });
  await app.waitForState('error');
  const { page } = app;
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  const message = page.locator('[data-config-error] p');
  // serde_json's reason (library text) follows the Korean lead-in.
  assert.equal(await message.innerText(), 'config.json이 올바르지 않습니다: expected ident at line 1 column 2');
  await noEnglish(page, 'config not JSON');
  await page.route('**/config.json', (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.locator('[data-config-error] button').click();
  await page.locator('[data-config-error] p', { hasText: '503' }).waitFor();
  assert.equal(await message.innerText(), 'config.json이 HTTP 503(으)로 응답했습니다');
  assert.equal(await page.locator('[data-config-error] button').innerText(), '다시 시도');
  await noEnglish(page, 'config 503');
});
