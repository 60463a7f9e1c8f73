// The jobs pages' fetching worker (issue #14 "navigation -> first ready").
//
// One file, two roles. In the page it is a module of the app's build (a
// wasm-bindgen snippet, `src/api/worker.rs`): `qs_fetcher_start` starts a
// dedicated worker from this very file (`import.meta.url`: found next to the
// app's own script wherever dist/ is served, a portal's sub-folder included;
// a same-origin file, as SPEC §6's `script-src 'self'` asks), and
// `qs_fetcher_get` hands it one request. In the worker it fetches, reads the
// body off the page's main thread and transfers the body's ArrayBuffer (no
// copy), so the main thread no longer runs the body's data pipe and its
// assembly, and reads the last page while the next one downloads.
//
// SPEC §2 across the message boundary: the page keeps the request's signal
// (the caller's abort, `request_timeout_seconds`, the request's own) and
// tells the worker to abort; the worker stops a body past `cap` (the read
// guard's room: a declared length is refused unread, an undeclared one is
// counted as it arrives) and says so, and the page's guard names the limit;
// status and body come back as they are; credentials and the bearer token
// are the page's (the Referer is the worker's file, of the page's origin). Every answer resolves (never rejects):
//   {status, declared, body}   the body (declared: Content-Length as sent)
//   {status, declared, over: true, arrived}   stopped past cap
//   {error: "TypeError: ..."}  the fetch failed (network, abort, timeout)
//   {fallback: true}           no worker: the caller fetches in the page
// No worker (module workers unsupported, the file missing or blocked by a
// content security policy): every request falls back, and
// <html data-fetch-worker> says "off" (else "on" once the worker answered).

const IN_WORKER = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

/**
 * A thrown value as the app shows a failed request (`TypeError: Failed to
 * fetch`): its `toString()`, what gloo's error says for the page's fetch.
 */
function errorText(e) {
  return String(e);
}

/**
 * A Content-Length as the app reads it (Rust's `trim().parse::<u64>()`):
 * a number, or null when absent or not a u64.
 */
function declaredLength(text) {
  if (text === null) return null;
  const t = text.trim().replace(/^\+/, '');
  if (!/^[0-9]+$/.test(t) || BigInt(t) > 18446744073709551615n) return null;
  return Number(t);
}

// ------------------------------------------------------------- the worker

/** One request: the answer, and the body to transfer. */
async function get(m, ctrl) {
  let resp;
  try {
    resp = await fetch(m.url, {
      credentials: m.credentials,
      headers: m.headers,
      signal: ctrl.signal,
    });
  } catch (e) {
    return { error: errorText(e) };
  }
  const status = resp.status;
  const declared = resp.headers.get('content-length');
  const length = declaredLength(declared);
  try {
    if (length !== null) {
      if (length > m.cap) {
        ctrl.abort(); // refused unread: its download stops here
        return { status, declared, over: true, arrived: null };
      }
      return { status, declared, body: await resp.arrayBuffer() };
    }
    // No declared length (chunked, or compressed on the way): counted as
    // it arrives, given up past the cap.
    const reader = resp.body?.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const step = reader ? await reader.read() : { done: true };
      if (step.done) break;
      size += step.value.length;
      if (size > m.cap) {
        reader.cancel().catch(() => {});
        ctrl.abort();
        return { status, declared, over: true, arrived: size };
      }
      chunks.push(step.value);
    }
    const body = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
    return { status, declared, body: body.buffer };
  } catch (e) {
    return { error: errorText(e) };
  }
}

function serve() {
  /** Requests in flight: id -> their AbortController. */
  const running = new Map();
  self.onmessage = async ({ data: m }) => {
    if (m.abort !== undefined) {
      running.get(m.abort)?.abort();
      running.delete(m.abort);
      return;
    }
    const ctrl = new AbortController();
    running.set(m.id, ctrl);
    const answer = await get(m, ctrl);
    running.delete(m.id);
    self.postMessage({ id: m.id, answer }, answer.body ? [answer.body] : []);
  };
}

if (IN_WORKER) serve();

// --------------------------------------------------------------- the page

/** The page's side: the worker, the answers awaited (id -> settle). */
let fetcher = null;

/** Says on <html> whether the jobs pages come through the worker. */
function flag(state) {
  if (document.documentElement.dataset.fetchWorker !== state) document.documentElement.dataset.fetchWorker = state;
}

/** The worker cannot serve: every request waiting and to come falls back. */
function stop(f) {
  if (f.dead) return;
  f.dead = true;
  f.worker.terminate();
  flag('off');
  for (const settle of [...f.pending.values()]) settle({ fallback: true });
}

/**
 * Starts the worker (once per page; later calls keep the first). False
 * when it cannot start here (then every request falls back).
 */
export function qs_fetcher_start() {
  if (IN_WORKER) return false;
  if (fetcher) return !fetcher.dead;
  try {
    const worker = new Worker(new URL(import.meta.url), { type: 'module', name: 'queuescope-fetch' });
    const f = { worker, pending: new Map(), next: 1, dead: false };
    worker.onmessage = ({ data }) => {
      flag('on');
      f.pending.get(data.id)?.(data.answer);
    };
    // The file missing or not a script, a policy that forbids it, a browser
    // without module workers: the worker never runs.
    worker.onerror = (e) => {
      e.preventDefault();
      stop(f);
    };
    worker.onmessageerror = () => stop(f);
    fetcher = f;
  } catch (e) {
    fetcher = { dead: true, pending: new Map() };
    flag('off');
  }
  return !fetcher.dead;
}

/**
 * One GET through the worker: `url` (resolved against the page, as the
 * page's own fetch would), `credentials` (omit, same-origin, include),
 * `token` (the bearer token or undefined), `cap` (the most bytes the body
 * may have), `signal` (aborting it aborts the request). A promise of one of
 * the answers above.
 */
export function qs_fetcher_get(url, credentials, token, cap, signal) {
  const f = fetcher;
  if (!f || f.dead) return Promise.resolve({ fallback: true });
  if (signal.aborted) return Promise.resolve({ error: errorText(signal.reason) });
  const id = f.next++;
  const headers = { Accept: 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return new Promise((resolve) => {
    const onAbort = () => {
      if (!f.dead) f.worker.postMessage({ abort: id });
      settle({ error: errorText(signal.reason) });
    };
    const settle = (answer) => {
      if (!f.pending.delete(id)) return;
      signal.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    f.pending.set(id, settle);
    signal.addEventListener('abort', onAbort);
    f.worker.postMessage({
      id,
      url: new URL(url, document.baseURI).href,
      credentials,
      headers,
      cap,
    });
  });
}
