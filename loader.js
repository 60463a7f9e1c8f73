// Starts the app: loads the wasm-bindgen module and its .wasm, whose hashed
// names trunk writes into this script's tag (Trunk.toml `pattern_script`).
// A file instead of trunk's inline loader, so that dist/ runs unchanged under
// the content security policy of SPEC §6 (script-src 'self'
// 'wasm-unsafe-eval': no inline script, no eval).
//
// The first screen waits on three things that need not wait on each other
// (issue #14, "navigation -> first ready"): this tag is `async` and
// plotly.js `defer`red, so the wasm is compiled (streaming, off the main
// thread) and config.json read (`<link rel=preload>` in index.html) while
// plotly.js downloads and runs; the app itself starts once both the module
// and the global `Plotly` (which the plotly crate calls) are there.
const tag = document.querySelector('script[data-qs-js]');
const wasmUrl = tag.dataset.qsWasm;

// The preload link trunk wrote has the file's integrity: fetching with the
// same one lets the browser use the preloaded bytes instead of a second
// download.
const preload = [...document.querySelectorAll('link[rel=preload][as=fetch]')].find((l) =>
  l.href.endsWith(wasmUrl.replace(/^\.\//, '/')),
);
const compiled =
  typeof WebAssembly.compileStreaming === 'function'
    ? WebAssembly.compileStreaming(
        fetch(wasmUrl, { integrity: preload?.integrity ?? '', credentials: 'same-origin' }),
      ).catch(() => wasmUrl) // a host serving another MIME type: wasm-bindgen's own fallback
    : Promise.resolve(wasmUrl);

/** Resolves once plotly.js ran (the deferred script's load, or at once). */
const plotly = new Promise((resolve) => {
  if (window.Plotly) return resolve();
  const script = document.querySelector('script[data-qs-plotly]');
  if (!script) return resolve();
  script.addEventListener('load', resolve, { once: true });
  // A plotly.js that fails to load: the app starts anyway and says so
  // where a chart would be.
  script.addEventListener('error', resolve, { once: true });
});

const [bindings, module] = await Promise.all([import(tag.dataset.qsJs), compiled, plotly]);
const wasm = await bindings.default({ module_or_path: module });
// What trunk's own loader provides: the exports (`mount_queuescope`) for a
// host page, and the event that says the app started.
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
