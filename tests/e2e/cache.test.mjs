// The cache of last reads (issue #12): the header's "Clear cache" control
// empties the browser's IndexedDB cache and says what it removed.

import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

/**
 * In the page, on the app's cache database (`queuescope-cache`, stores
 * `reads` and `meta`): `put` fills an entry of 1.5 MB per queue in `queues`
 * (as the app writes them), `count` answers the records of both stores.
 * One function, no code built from strings (the page runs under a strict CSP).
 */
function inCache(page, op, queues = []) {
  return page.evaluate(
    ([op, queues]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('queuescope-cache', 1);
        open.onupgradeneeded = () => {
          open.result.createObjectStore('reads');
          open.result.createObjectStore('meta');
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['reads', 'meta'], op === 'put' ? 'readwrite' : 'readonly');
          const counts = [];
          if (op === 'put') {
            const backend = 'http://127.0.0.1:9/api/v1';
            queues.forEach((queue, i) => {
              const key = `${backend}\n${queue}`;
              tx.objectStore('reads').put(new Uint8Array(1_500_000), key);
              const meta = { backend, queue, bytes: 1_500_000, stored_at: 1000 + i, generated_at: 0 };
              tx.objectStore('meta').put(meta, key);
            });
          } else {
            for (const [i, name] of ['reads', 'meta'].entries()) {
              const r = tx.objectStore(name).count();
              r.onsuccess = () => (counts[i] = r.result);
            }
          }
          tx.oncomplete = () => {
            db.close();
            resolve(counts);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [op, queues],
  );
}

test('Clear cache empties the cache and says what it removed', async (t) => {
  const app = await openApp(t, { query: '?tz=utc' });
  await app.waitForState('ready');
  await inCache(app.page, 'put', ['a100-pool', 'h100-pool']);
  assert.deepEqual(await inCache(app.page, 'count'), [2, 2]);

  const button = app.page.getByRole('button', { name: 'Clear cache' });
  await button.click();
  await app.page.getByText('Cache cleared: 2 queues (3.0 MB).').waitFor();
  assert.deepEqual(await inCache(app.page, 'count'), [0, 0]);

  await app.page.getByRole('button', { name: 'Dismiss' }).click();
  await button.click();
  await app.page.getByText('The cache was already empty.').waitFor();
});
