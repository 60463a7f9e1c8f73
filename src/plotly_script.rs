//! Whether plotly.js has run. The app starts without waiting for it
//! (loader.js): the config, the cache lookup and the jobs pages need no
//! Plotly, so the deferred plotly.js downloads, compiles and runs while
//! they go on (issue #14, a first visit). The Plotly glue holds a chart's
//! first draw until [`plotly_settled`] says so; a plotly.js that failed to
//! load settles too, and the glue's call then fails and says so.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// Set once, at the first question (the first draw).
    static SETTLED: ArcRwSignal<bool> = watch();
}

/// True once the page's plotly.js has run or failed, or when there is none
/// to wait for (an embedding page that loads Plotly its own way, the test
/// runner's page). Reactive: an effect that read `false` runs again when
/// it turns true.
pub fn plotly_settled() -> bool {
    SETTLED.with(|s| s.get())
}

fn has_plotly(w: &web_sys::Window) -> bool {
    js_sys::Reflect::get(w, &JsValue::from_str("Plotly"))
        .map(|p| !p.is_undefined() && !p.is_null())
        .unwrap_or(false)
}

/// The plotly.js tag (`script[data-qs-plotly]`, index.html) while it may
/// still run: `Plotly` is not defined yet and the page has not finished
/// loading (scripts hold the page's `load` event).
fn pending_script(w: &web_sys::Window) -> Option<web_sys::Element> {
    if has_plotly(w) {
        return None;
    }
    let doc = w.document()?;
    if doc.ready_state() == "complete" {
        return None;
    }
    doc.query_selector("script[data-qs-plotly]").ok().flatten()
}

/// The signal, false until the script's `load` or `error` event, or the
/// page's `load` (which follows every script: the one that tells when the
/// script failed before anyone listened).
fn watch() -> ArcRwSignal<bool> {
    let script = web_sys::window().and_then(|w| Some((pending_script(&w)?, w)));
    let Some((script, w)) = script else {
        return ArcRwSignal::new(true);
    };
    let settled = ArcRwSignal::new(false);
    let set = settled.clone();
    let done = Closure::<dyn FnMut()>::new(move || {
        if !set.get_untracked() {
            set.set(true);
        }
    });
    let f: &js_sys::Function = done.as_ref().unchecked_ref();
    let _ = script.add_event_listener_with_callback("load", f);
    let _ = script.add_event_listener_with_callback("error", f);
    let _ = w.add_event_listener_with_callback("load", f);
    // Made once a page, and needed until the page's load at most.
    done.forget();
    settled
}
