// The usage answers' worker (issue #14, the brush's budget; branch brush7).
//
// One file, two roles. In the page it is a module of the app's build (a
// wasm-bindgen snippet, src/api/usage_worker.rs, trunk copies it into
// dist/snippets/): `qs_usage_start` starts a dedicated worker from this very
// file (`import.meta.url`: found next to the app's own script wherever dist/
// is served, a portal's sub-folder included; a same-origin file, as SPEC
// §6's `script-src 'self'` asks, which `worker-src` falls back to), and
// `qs_usage_get` hands it one usage metrics request. In the worker it
// fetches, reads the body, decodes it and reads it with `JSON.parse` into
// flat columns (`qs_metrics_columns`, below), and transfers the columns'
// typed arrays back (no copy). So the answer is read on another thread,
// beside the frame of the change that asked for it (a brush's 50 new rows)
// where a core is free, right after that frame on two cores (`afterFrame`):
// the main thread gets the columns in one message, where it ran the
// response's headers, its body and the parse (~10-20 ms at 10k jobs) after
// that frame.
//
// SPEC §2 across the message boundary: the page keeps the request's signal
// (the caller's abort, `request_timeout_seconds`) and tells the worker to
// abort; status and body come back as sent; credentials and the bearer
// token are the page's. Every answer resolves (never rejects):
//   {status, cols}      a 2xx answer read into columns
//   {status, body}      any other answer, or one the columns cannot carry
//                       (the page reads it as before: its error body, serde)
//   {error: "TypeError: ..."}   the fetch failed (network, abort, timeout)
//   {limit, declared?}  the body broke the page's byte limit (`limit`, as
//                       decoded; `declared` when its Content-Length did):
//                       its download was stopped
//   {fallback: true}    no worker: the caller fetches in the page
// No worker (module workers unsupported, the file missing or blocked by a
// content security policy): every request falls back, and
// <html data-usage-worker> says "off" (else "on" once the worker answered).

const IN_WORKER = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

// A metrics answer as columns, or null when it is not exactly
// {"series": [{"run_id": string, "metric": string, "t": [finite number],
// "v": [finite number | null]}, ...]} (the caller then reads it with serde).
// Every t, then every v (null as NaN), in one array each; lens holds each
// series' t and v lengths.
// JSON.parse keeps the last of two equal keys where serde refuses them (a
// series skipped for its duplicate field, a body with two "series"), and a
// key may be spelled with escapes: a body with any backslash, or whose keys
// read here are not each exactly once per series, goes to serde (a string
// value equal to a key's name only sends it there too).
// How many string tokens of the text are each of the keys read here
// (series, run_id, metric, t, v). Called once JSON.parse read the text and
// it has no backslash: then every quote opens or closes a string, and each
// occurrence of a quoted key is such a string (after a closing quote comes
// , : ] } or a space, never a letter), so this equals counting each quoted
// key with indexOf, in one walk over the quotes instead of five over the
// whole text (0.6-1 MB: ~1 ms against ~0.1 in V8, branch brush4).
function qs_keys(text) {
  const c = { series: 0, run_id: 0, metric: 0, t: 0, v: 0 };
  for (let i = text.indexOf('"'); i !== -1; ) {
    const j = text.indexOf('"', i + 1);
    if (j === -1) break;
    const len = j - i - 1;
    if (len === 1) {
      const ch = text.charCodeAt(i + 1);
      if (ch === 116) c.t++;
      else if (ch === 118) c.v++;
    } else if (len === 6) {
      if (text.startsWith('run_id', i + 1)) c.run_id++;
      else if (text.startsWith('metric', i + 1)) c.metric++;
      else if (text.startsWith('series', i + 1)) c.series++;
    }
    i = text.indexOf('"', j + 1);
  }
  return c;
}
export function qs_metrics_columns(text) {
  if (text.indexOf('\\') !== -1) return null;
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return null;
  }
  const list = body !== null && typeof body === 'object' ? body.series : undefined;
  if (!Array.isArray(list)) return null;
  const n = list.length;
  const ids = new Array(n);
  const metrics = new Array(n);
  const lens = new Uint32Array(2 * n);
  let tn = 0;
  let vn = 0;
  for (let i = 0; i < n; i++) {
    const s = list[i];
    if (s === null || typeof s !== 'object') return null;
    const { run_id, metric, t, v } = s;
    if (typeof run_id !== 'string' || typeof metric !== 'string' || !Array.isArray(t) || !Array.isArray(v)) return null;
    ids[i] = run_id;
    metrics[i] = metric;
    lens[2 * i] = t.length;
    lens[2 * i + 1] = v.length;
    tn += t.length;
    vn += v.length;
  }
  const keys = qs_keys(text);
  if (keys.series !== 1 || keys.run_id !== n || keys.metric !== n || keys.t !== n || keys.v !== n) return null;
  const ts = new Float64Array(tn);
  const vs = new Float64Array(vn);
  let ti = 0;
  let vi = 0;
  for (let i = 0; i < n; i++) {
    const { t, v } = list[i];
    for (let k = 0; k < t.length; k++) {
      const x = t[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) return null;
      ts[ti++] = x;
    }
    for (let k = 0; k < v.length; k++) {
      const x = v[k];
      if (x === null) vs[vi++] = NaN;
      else if (typeof x === 'number' && Number.isFinite(x)) vs[vi++] = x;
      else return null;
    }
  }
  return { ids, metrics, lens, ts, vs };
}

// ------------------------------------------------------------- the worker

/**
 * One request: the answer, and what to transfer. A 2xx body is read once
 * `go` has settled (see `qs_usage_get`).
 */
async function get(m, ctrl, go) {
  let resp;
  let body;
  try {
    resp = await fetch(m.url, { credentials: m.credentials, headers: m.headers, signal: ctrl.signal });
    const declared = Number(resp.headers.get('content-length') ?? NaN);
    if (declared > m.limit) {
      ctrl.abort();
      return [{ limit: m.limit, declared }, []];
    }
    body = await capped(resp, m.limit);
    if (body === null) {
      ctrl.abort();
      return [{ limit: m.limit }, []];
    }
  } catch (e) {
    // What gloo's error says for the page's own fetch: `TypeError: Failed to fetch`.
    return [{ error: String(e) }, []];
  }
  const status = resp.status;
  if (status >= 200 && status < 300) {
    await go;
    // As core's `body_text`: a leading BOM dropped, bytes that are not
    // UTF-8 as U+FFFD.
    const cols = qs_metrics_columns(new TextDecoder().decode(body));
    if (cols) return [{ status, cols }, [cols.lens.buffer, cols.ts.buffer, cols.vs.buffer]];
  }
  return [{ status, body }, [body]];
}

/**
 * The body of `resp`, counted as it is decoded (a compressed answer
 * declares its compressed length), or null once past `limit` bytes (the
 * read is cancelled there): as the page's own reads (src/api.rs
 * `read_body`), so a hostile answer cannot fill the worker's memory.
 */
async function capped(resp, limit) {
  if (!resp.body) return new ArrayBuffer(0);
  const reader = resp.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0].buffer.slice(chunks[0].byteOffset, chunks[0].byteOffset + total);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

function serve() {
  /** Requests in flight: id -> their AbortController. */
  const running = new Map();
  /** Requests whose read waits for the page's word: id -> what gives it. */
  const waiting = new Map();
  self.onmessage = async ({ data: m }) => {
    if (m.abort !== undefined) {
      running.get(m.abort)?.abort();
      running.delete(m.abort);
      waiting.get(m.abort)?.();
      waiting.delete(m.abort);
      return;
    }
    if (m.go !== undefined) {
      waiting.get(m.go)?.();
      waiting.delete(m.go);
      return;
    }
    const ctrl = new AbortController();
    running.set(m.id, ctrl);
    const go = m.wait ? new Promise((r) => waiting.set(m.id, r)) : null;
    const [answer, transfer] = await get(m, ctrl, go);
    running.delete(m.id);
    waiting.delete(m.id);
    self.postMessage({ id: m.id, answer }, transfer);
  };
}

if (IN_WORKER) serve();

// --------------------------------------------------------------- the page

/** The page's side: the worker, the answers awaited (id -> settle). */
let usage = null;

/** Says on <html> whether usage answers come through the worker. */
function flag(state) {
  if (document.documentElement.dataset.usageWorker !== state) document.documentElement.dataset.usageWorker = state;
}

/** The worker cannot serve: every request waiting and to come falls back. */
function stop(u) {
  if (u.dead) return;
  u.dead = true;
  u.worker.terminate();
  flag('off');
  for (const settle of [...u.pending.values()]) settle({ fallback: true });
}

/**
 * Starts the worker (once per page; later calls keep the first). False
 * when it cannot start here (then every request falls back).
 */
export function qs_usage_start() {
  if (IN_WORKER) return false;
  if (usage) return !usage.dead;
  try {
    const worker = new Worker(new URL(import.meta.url), { type: 'module', name: 'queuescope-usage' });
    const u = { worker, pending: new Map(), next: 1, dead: false };
    worker.onmessage = ({ data }) => {
      flag('on');
      u.pending.get(data.id)?.(data.answer);
    };
    // The file missing or not a script, a policy that forbids it, a browser
    // without module workers: the worker never runs.
    worker.onerror = (e) => {
      e.preventDefault();
      stop(u);
    };
    worker.onmessageerror = () => stop(u);
    usage = u;
  } catch (e) {
    usage = { dead: true, pending: new Map() };
    flag('off');
  }
  return !usage.dead;
}

/**
 * One usage request through the worker: `url` (resolved against the page,
 * as the page's own fetch would), `credentials` (omit, same-origin,
 * include), `token` (the bearer token or undefined), `signal` (aborting it
 * aborts the request), `limit` (the most bytes its body may have). A
 * promise of one of the answers above.
 */
export function qs_usage_get(url, credentials, token, signal, limit) {
  const u = usage;
  if (!u || u.dead) return Promise.resolve({ fallback: true });
  if (signal.aborted) return Promise.resolve({ error: String(signal.reason) });
  const id = u.next++;
  const headers = { Accept: 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return new Promise((resolve) => {
    const onAbort = () => {
      if (!u.dead) u.worker.postMessage({ abort: id });
      settle({ error: String(signal.reason) });
    };
    const settle = (answer) => {
      if (!u.pending.delete(id)) return;
      signal.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    u.pending.set(id, settle);
    signal.addEventListener('abort', onAbort);
    const wait = (navigator.hardwareConcurrency ?? 4) <= 2;
    u.worker.postMessage({ id, url: new URL(url, document.baseURI).href, credentials, headers, wait, limit });
    if (wait) afterFrame(() => u.pending.has(id) && !u.dead && u.worker.postMessage({ go: id }));
  });
}

/**
 * Runs `f` once the page has drawn its next frame (a zero timeout after the
 * next animation frame), at the latest after 100 ms, and at once on a hidden
 * page (which draws no frames). On a machine with two cores or fewer the
 * worker reads a 2xx answer only then: read at once, its `JSON.parse` ran
 * beside the frame of the change that asked (a brush's 50 new rows) and made
 * it later (docs/design.md, branch brush7); after the frame it runs while
 * the main thread waits for it anyway.
 */
function afterFrame(f) {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      f();
    }
  };
  if (document.visibilityState === 'hidden') return once();
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 100);
}
