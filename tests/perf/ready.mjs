// The next `ready` of the page, on the page's own clock (live.mjs, brush.mjs).

/** Resolves (in the page) to performance.now() at the next ready after the current render. */
export function armNextReady(page) {
  return page.evaluate(() => {
    const html = document.documentElement;
    const old = Number(html.getAttribute('data-render-seq') ?? 0);
    window.__qsNext = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (html.getAttribute('data-app-state') === 'ready' && Number(html.getAttribute('data-render-seq')) > old) {
          obs.disconnect();
          resolve(performance.now());
        }
      });
      obs.observe(html, { attributes: true });
    });
  });
}
