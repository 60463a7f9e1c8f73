// Starts the app: loads the wasm-bindgen module and its .wasm, whose hashed
// names trunk writes into this script's tag (Trunk.toml `pattern_script`).
// A file instead of trunk's inline loader, so that dist/ runs unchanged under
// the content security policy of SPEC §6 (script-src 'self'
// 'wasm-unsafe-eval': no inline script, no eval).
const tag = document.querySelector('script[data-qs-js]');
const bindings = await import(tag.dataset.qsJs);
const wasm = await bindings.default({ module_or_path: tag.dataset.qsWasm });
// What trunk's own loader provides: the exports (`mount_queuescope`) for a
// host page, and the event that says the app started.
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
