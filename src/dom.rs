//! Small, total wrappers over the browser APIs the app needs. Every function
//! here tolerates a missing window/document (embedding, tests) instead of
//! panicking.

use crate::notice::StorageError;
use queuescope_core::Ms;
use wasm_bindgen::JsValue;

/// The `<html>` element.
fn html() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// What `<html data-app-state>` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppState {
    /// Data or a draw is on its way.
    Loading,
    /// Every panel shows the current view.
    Ready,
    /// The data could not be loaded.
    Error,
}

impl AppState {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            AppState::Loading => "loading",
            AppState::Ready => "ready",
            AppState::Error => "error",
        }
    }
}

/// Sets `data-app-state` on `<html>` (SPEC §6) and, on `ready`, bumps
/// `data-render-seq` so a test can wait for the *next* ready after an action.
pub fn set_app_state(state: AppState) {
    let state = state.as_str();
    if let Some(el) = html() {
        let previous = el.get_attribute("data-app-state");
        let _ = el.set_attribute("data-app-state", state);
        if state == "ready" && previous.as_deref() != Some("ready") {
            let seq = el
                .get_attribute("data-render-seq")
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0);
            let _ = el.set_attribute("data-render-seq", &(seq + 1).to_string());
        }
    }
}

/// True while `<html data-app-state>` is `loading`.
pub fn app_loading() -> bool {
    html()
        .and_then(|el| el.get_attribute("data-app-state"))
        .as_deref()
        == Some(AppState::Loading.as_str())
}

/// Counts a tick of the refresh timer in `<html data-refresh-ticks>`, for
/// tests that check what a tick did (or did not) ask for.
pub fn count_refresh_tick() {
    if let Some(el) = html() {
        let n = el
            .get_attribute("data-refresh-ticks")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        let _ = el.set_attribute("data-refresh-ticks", &(n + 1).to_string());
    }
}

/// Sets an attribute of `<html>` (a hook for tests, SPEC §6 style).
pub fn set_html_attribute(name: &str, value: &str) {
    if let Some(el) = html() {
        let _ = el.set_attribute(name, value);
    }
}

/// Sets `<html NAME="">` when `on`, removes it otherwise (a flag for tests).
pub fn set_html_flag(name: &str, on: bool) {
    if let Some(el) = html() {
        let _ = match on {
            true => el.set_attribute(name, ""),
            false => el.remove_attribute(name),
        };
    }
}

/// The page is hidden (Page Visibility: another tab, a minimised window).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> Ms {
    js_sys::Date::now() as Ms
}

/// The browser's local offset from UTC at instant `utc`, in ms (positive east).
pub fn local_offset_ms(utc: Ms) -> Ms {
    let d = js_sys::Date::new(&JsValue::from_f64(utc as f64));
    // getTimezoneOffset is UTC minus local, in minutes.
    -(d.get_timezone_offset() as Ms) * 60_000
}

/// Runs `f` once the page is idle (`requestIdleCallback`: after the
/// frame's work, drawing included), or after a zero timeout in a browser
/// without it.
pub fn when_idle(f: impl FnOnce() + 'static) {
    idle_callback(f, None);
}

/// [`when_idle`], but at the latest `deadline_ms` from now: a page kept
/// busy (a live refresh every few seconds at 100k jobs, a long drag) may
/// have no idle period for seconds.
pub fn when_idle_within(deadline_ms: u32, f: impl FnOnce() + 'static) {
    idle_callback(f, Some(deadline_ms));
}

/// `requestIdleCallback(f, {timeout})`, or a zero timeout without it.
fn idle_callback(f: impl FnOnce() + 'static, deadline_ms: Option<u32>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(w) = web_sys::window() else { return };
    let cb = Closure::once_into_js(f);
    let cb: &js_sys::Function = cb.unchecked_ref();
    let has_idle =
        js_sys::Reflect::has(&w, &JsValue::from_str("requestIdleCallback")).unwrap_or(false);
    let asked = has_idle
        && match deadline_ms {
            Some(ms) => {
                let opts = web_sys::IdleRequestOptions::new();
                opts.set_timeout(ms);
                w.request_idle_callback_with_options(cb, &opts).is_ok()
            }
            None => w.request_idle_callback(cb).is_ok(),
        };
    if !asked {
        let _ = w.set_timeout_with_callback(cb);
    }
}

/// A performance mark (read by the browser timing script).
pub fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(name);
    }
}

/// Marks a stage of a load with the wasm linear memory's size then: a
/// performance mark `qs-mem:<stage>:<bytes>` (the size only grows, so the
/// first stage whose size jumps is where the high-water mark was made;
/// `tests/perf/browser.mjs` prints them).
pub fn mark_memory(stage: &str) {
    use wasm_bindgen::JsCast;
    let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
    let bytes = memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    mark(&format!("qs-mem:{stage}:{bytes}"));
}

/// [`mark_memory`] the first time `stage` is reached on this page only
/// (a stage every interaction passes, as the ready).
pub fn mark_memory_once(stage: &'static str) {
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let first = SEEN.with(|s| {
        let mut s = s.borrow_mut();
        let first = !s.contains(&stage);
        if first {
            s.push(stage);
        }
        first
    });
    if first {
        mark_memory(stage);
    }
}

thread_local! {
    /// Marks and measures recorded since the timeline was last cleared.
    static ENTRIES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// At most this many of the app's marks and measures stay in the
/// performance timeline: at the next one it is cleared and starts again.
/// A page left open for days with a refresh timer must not grow it
/// forever: a refresh adds ~40 entries (~130 bytes each of the page's
/// heap, outside the wasm memory), which was the hour-long soak's slow
/// rise of the JS heap (+0.7 MB, then flat at the former cap of 20,000
/// measures; the marks had no cap at all). A load or an interaction makes
/// a few hundred, so what a test or the timing script reads is there.
const MAX_ENTRIES: u32 = 5_000;

/// The page's `performance`, counting one more entry against [`MAX_ENTRIES`].
fn performance() -> Option<web_sys::Performance> {
    make_room();
    web_sys::window().and_then(|w| w.performance())
}

/// Counts one more entry against [`MAX_ENTRIES`], and clears the timeline
/// first when it is full (the only time `performance` is fetched here:
/// each fetch is a call into JS and an externref table entry).
fn make_room() {
    let n = ENTRIES.with(|e| e.get());
    let full = n >= MAX_ENTRIES;
    ENTRIES.with(|e| e.set(if full { 1 } else { n + 1 }));
    if full {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            p.clear_marks();
            p.clear_measures();
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
// The clock of the performance timeline (0 without one).
export function qs_now() {
  return typeof performance === 'undefined' ? 0 : performance.now();
}
// One measure `name` from `start` (qs_now() when the span began) to now:
// one call from wasm per span, no start mark to make, find and clear.
export function qs_measure(name, start) {
  try {
    performance.measure(name, { start, end: performance.now() });
  } catch (e) {
    // No timeline, or a clock that went back (a test's fake clock).
  }
}
"#)]
extern "C" {
    fn qs_now() -> f64;
    fn qs_measure(name: &str, start: f64);
}

/// Runs `f` and records its duration as a performance measure `name`
/// (`performance.getEntriesByName(name)`), for the browser timing script
/// (tests/perf/browser.mjs). Two calls into JS a span (the clock, then
/// one measure given both ends): the start mark made, measured from and
/// cleared by name was six calls and four strings encoded, ~60 µs a span,
/// ~2.7 ms of a live refresh's ~45 spans. Never inlined, so
/// that a CPU profile of a build that keeps its names tells the samples in
/// a span from those outside every span (tests/perf/live.mjs `--profile`).
#[inline(never)]
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let start = qs_now();
    let out = f();
    make_room();
    qs_measure(name, start);
    out
}

/// The page's query string (with its `?`), or empty.
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

thread_local! {
    /// The address bar's next query and whether it is a new history entry
    /// (see [`set_location_search_soon`]).
    static PENDING_URL: std::cell::RefCell<Option<(String, bool)>> =
        const { std::cell::RefCell::new(None) };
}

/// How long after the frame the address waits for the page to be idle
/// at most (ms).
const URL_DEADLINE_MS: u32 = 250;

/// Writes the query string into the address bar once the next frame is
/// drawn and the page is idle, off the path from an input to `ready`:
/// `history.replaceState` recalculates the page's style when the DOM has
/// just changed (20-60 ms on the dashboard after a filter), and after the
/// frame that style is clean. Not in the task right after that frame: a
/// filter's usage answer then waited behind it (5-8 ms at 10k, under
/// load). At the latest [`URL_DEADLINE_MS`] after the frame, so a page
/// kept busy still shows the view's address soon (a user copies it).
/// Writes asked for before then fold into one (a new history entry if any
/// of them was one). `<html data-url-pending>` is set in between, so a
/// test that reads the address waits for it to go.
pub fn set_location_search_soon(query: String, push: bool) {
    let first = PENDING_URL.with(|p| {
        let mut p = p.borrow_mut();
        let push = push || p.as_ref().is_some_and(|(_, was)| *was);
        let first = p.is_none();
        *p = Some((query, push));
        first
    });
    if first {
        set_html_attribute("data-url-pending", "");
        after_next_frame(|| match page_hidden() {
            true => flush_location(),
            false => when_idle_within(URL_DEADLINE_MS, flush_location),
        });
    }
}

/// Forgets an address not written yet (the user went Back or Forward: the
/// address bar is already the view).
pub fn drop_pending_location() {
    take_pending_location();
}

fn flush_location() {
    if let Some((query, push)) = take_pending_location() {
        set_location_search(&query, push);
    }
}

/// The address not written yet, if any, now no longer pending.
fn take_pending_location() -> Option<(String, bool)> {
    let pending = PENDING_URL.with(|p| p.borrow_mut().take());
    if let (Some(_), Some(el)) = (&pending, html()) {
        let _ = el.remove_attribute("data-url-pending");
    }
    pending
}

/// Most microtask turns [`after_effects`] waits for the effects to settle
/// before it falls back to a zero timeout (an effect chain is a few turns;
/// a queue that never empties must not starve the page).
const EFFECT_TURNS: u32 = 64;

/// Runs `f` once every effect the current change woke has run, in the same
/// task: before the browser may render a frame, where a zero timeout is a
/// task later (and often a frame later). Leptos' effects run in
/// wasm-bindgen-futures' queue, one microtask a turn, and an effect woken
/// during a turn runs in the next one, so a microtask queued from an effect
/// may run before effects the change wakes later. So `f` waits in
/// microtasks until a turn finds the queue idle: a microtask queued before
/// a marker task is spawned runs after that marker only if a turn of the
/// queue was already pending (the marker joined it); finding the marker
/// not run, the queue was empty. Effects woken after that (by a promise
/// settling) belong to async work that holds `ready` itself.
pub fn after_effects(f: impl FnOnce() + 'static) {
    queue_microtask(move || settle_effects(f, EFFECT_TURNS));
}

/// [`after_effects`]' wait: probes the queue, `turns` more at most.
fn settle_effects(f: impl FnOnce() + 'static, turns: u32) {
    if turns == 0 {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
        return;
    }
    let ran = std::rc::Rc::new(std::cell::Cell::new(false));
    let marker = ran.clone();
    queue_microtask(move || match ran.get() {
        true => settle_effects(f, turns - 1),
        false => f(),
    });
    wasm_bindgen_futures::spawn_local(async move { marker.set(true) });
}

/// `queueMicrotask(f)`, or a zero timeout where it is missing.
fn queue_microtask(f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let cb = wasm_bindgen::closure::Closure::once_into_js(f);
    let has = js_sys::Reflect::has(&w, &JsValue::from_str("queueMicrotask")).unwrap_or(false);
    match has {
        true => w.queue_microtask(cb.unchecked_ref()),
        false => {
            let _ = w.set_timeout_with_callback(cb.unchecked_ref());
        }
    }
}

/// Runs `f` in a task after the next frame is drawn (a zero timeout from a
/// `requestAnimationFrame`); at once in a zero timeout when the page is
/// hidden, as hidden pages draw no frames.
pub fn after_next_frame(f: impl FnOnce() + 'static) {
    in_next_frame(move || leptos::prelude::set_timeout(f, std::time::Duration::ZERO));
}

/// Runs `f` in the next animation frame's callback (before the frame's
/// style and layout), or at once when the page is hidden and draws no
/// frames.
pub fn in_next_frame(f: impl FnOnce() + 'static) {
    if page_hidden() {
        f();
    } else {
        leptos::prelude::request_animation_frame(f);
    }
}

/// Writes the query string into the address bar now: a new history entry
/// when `push`, else a replacement (no entry per keystroke).
pub fn set_location_search(query: &str, push: bool) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let path = w.location().pathname().unwrap_or_default();
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

/// Sets `<html lang>` (screen readers and fonts follow it).
pub fn set_html_lang(lang: queuescope_core::view::Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.as_str());
    }
}

/// Local storage, if the browser allows it (it may not, in private modes or
/// sandboxed frames).
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a local-storage value.
pub fn storage_get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Writes a local-storage value; the error says why it failed (quota,
/// storage switched off), worded by the catalogue.
pub fn storage_set(key: &str, value: &str) -> Result<(), StorageError> {
    let s = storage().ok_or(StorageError::Unavailable)?;
    s.set_item(key, value).map_err(|e| {
        let detail = e.as_string().or_else(|| {
            js_sys::Reflect::get(&e, &JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.as_string())
        });
        match detail {
            Some(d) if d == "QuotaExceededError" => StorageError::Full,
            d => StorageError::Refused(d),
        }
    })
}

/// Puts a local-storage value back as it was (`None`: absent), undoing a
/// write; best effort, since it only ever frees space.
pub fn storage_restore(key: &str, old: Option<&str>) {
    let Some(s) = storage() else { return };
    let _ = match old {
        Some(v) => s.set_item(key, v),
        None => s.remove_item(key),
    };
}

/// Offers `text` as a file download named `filename`.
pub fn download(filename: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Removes `parent`'s child nodes past the first `keep` (a list written in
/// place drops the items it no longer shows).
pub fn keep_children(parent: &web_sys::Element, keep: usize) {
    while parent.child_nodes().length() as usize > keep {
        match parent.last_child() {
            Some(last) => {
                let _ = parent.remove_child(&last);
            }
            None => break,
        }
    }
}

/// The viewport's height in CSS pixels (`None` without a window).
pub fn viewport_height() -> Option<f64> {
    web_sys::window()?.inner_height().ok()?.as_f64()
}

/// The position of `child` among `parent`'s child nodes (a list written
/// in place finds the item a click landed on so).
pub fn child_index(parent: &web_sys::Element, child: &web_sys::Element) -> Option<usize> {
    let nodes = parent.child_nodes();
    (0..nodes.length())
        .find(|&k| nodes.item(k).is_some_and(|n| n.is_same_node(Some(child))))
        .map(|k| k as usize)
}

#[cfg(test)]
mod tests {
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;
    use wasm_bindgen_test::*;

    type Log = Rc<RefCell<Vec<String>>>;

    /// Six signals, each copied into the next by its own effect (each woken
    /// in a later turn of the queue), and a first effect on the input that
    /// queues the three waits when it turns 1, each logging the last value.
    fn chain(log: Log) -> RwSignal<u32> {
        let chain: Vec<RwSignal<u32>> = (0..6).map(|_| RwSignal::new(0)).collect();
        let (first, last) = (chain[0], chain[5]);
        let say = move |log: &Log, what: &str| {
            log.borrow_mut()
                .push(format!("{what} {}", last.get_untracked()))
        };
        crate::reactive::effect(move || {
            if first.get() == 1 {
                let (a, b, c) = (log.clone(), log.clone(), log.clone());
                super::after_effects(move || say(&a, "after"));
                super::queue_microtask(move || say(&b, "microtask"));
                set_timeout(move || say(&c, "timeout"), Duration::ZERO);
            }
        });
        for k in 0..5 {
            let (from, to) = (chain[k], chain[k + 1]);
            crate::reactive::effect(move || to.set(from.get()));
        }
        first
    }

    /// A change whose effects wake one another: `after_effects` queued by
    /// the first effect sees the last one's write, a plain microtask queued
    /// with it does not (why the wait exists), and both run before a zero
    /// timeout queued with them: in the same task.
    #[wasm_bindgen_test]
    async fn after_effects_waits_for_the_whole_chain_in_the_same_task() {
        let log: Log = Rc::default();
        let input = Rc::new(RefCell::new(None));
        let (l, i) = (log.clone(), input.clone());
        let _mounted = leptos::mount::mount_to(crate::wasm_tests::host(), move || {
            *i.borrow_mut() = Some(chain(l.clone()));
            view! { <p></p> }
        });
        // The effects' first runs, then the change.
        gloo_timers::future::sleep(Duration::from_millis(20)).await;
        if let Some(first) = *input.borrow() {
            first.set(1);
        }
        for _ in 0..100 {
            if log.borrow().len() == 3 {
                break;
            }
            gloo_timers::future::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            *log.borrow(),
            ["microtask 0", "after 1", "timeout 1"],
            "a plain microtask runs before the chain ends; after_effects after it, before the timeout"
        );
    }
}
