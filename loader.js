// Starts the app: loads the wasm-bindgen module and its .wasm, whose hashed
// names trunk writes into this script's tag (Trunk.toml `pattern_script`).
// A file instead of trunk's inline loader, so that dist/ runs unchanged under
// the content security policy of SPEC §6 (script-src 'self'
// 'wasm-unsafe-eval': no inline script, no eval).
//
// Nothing here waits for plotly.js (issue #14, a first visit): this tag is
// `async`, so the wasm is compiled (streaming, off the main thread) and
// config.json read (`<link rel=preload>` in index.html) while the
// `defer`red plotly.js downloads and runs, and the app starts as soon as its
// module is there: the config, the cache lookup and the jobs pages need no
// Plotly. The Plotly glue holds each chart's first draw until plotly.js has
// run (src/plotly_script.rs), or failed to load, which the chart then says.
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

const [bindings, module] = await Promise.all([import(tag.dataset.qsJs), compiled]);
const wasm = await bindings.default({ module_or_path: module });
// What trunk's own loader provides: the exports (`mount_queuescope`) for a
// host page, and the event that says the app started.
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
