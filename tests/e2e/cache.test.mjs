// The cache of last reads (issue #12): the header's "Clear cache" control
// empties the browser's IndexedDB cache and says what it removed.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

/** Runs `body(db)` on the app's cache database in the page; returns its result. */
function inCache(page, body, arg) {
  return page.evaluate(
    ([source, arg]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('queuescope-cache', 1);
        open.onupgradeneeded = () => {
          open.result.createObjectStore('reads');
          open.result.createObjectStore('meta');
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = async () => {
          const db = open.result;
          try {
            resolve(await new Function('db', 'arg', source)(db, arg));
          } catch (e) {
            reject(e);
          } finally {
            db.close();
          }
        };
      }),
    [body, arg],
  );
}

const PUT = `
  const tx = db.transaction(['reads', 'meta'], 'readwrite');
  for (const [i, queue] of arg.entries()) {
    const key = 'http://127.0.0.1:9/api/v1\\n' + queue;
    tx.objectStore('reads').put(new Uint8Array(1_500_000), key);
    tx.objectStore('meta').put(
      { backend: 'http://127.0.0.1:9/api/v1', queue, bytes: 1_500_000, stored_at: 1000 + i, generated_at: 0 },
      key,
    );
  }
  return new Promise((ok, fail) => { tx.oncomplete = () => ok(); tx.onerror = () => fail(tx.error); });
`;

const COUNT = `
  const tx = db.transaction(['reads', 'meta'], 'readonly');
  const count = (name) => new Promise((ok) => { const r = tx.objectStore(name).count(); r.onsuccess = () => ok(r.result); });
  return Promise.all([count('reads'), count('meta')]);
`;

test('Clear cache empties the cache and says what it removed', async (t) => {
  const app = await openApp(t, { query: '?tz=utc' });
  await app.waitForState('ready');
  await inCache(app.page, PUT, ['a100-pool', 'h100-pool']);
  assert.deepEqual(await inCache(app.page, COUNT), [2, 2]);

  const button = app.page.getByRole('button', { name: 'Clear cache' });
  await button.click();
  await app.page.getByText('Cache cleared: 2 queues (3.0 MB).').waitFor();
  assert.deepEqual(await inCache(app.page, COUNT), [0, 0]);

  await app.page.getByRole('button', { name: 'Dismiss' }).click();
  await button.click();
  await app.page.getByText('The cache was already empty.').waitFor();
});
