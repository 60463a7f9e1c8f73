//! `window.queuescope.inspect(panel)` (SPEC §6): what a chart panel shows,
//! as `{"series": [{"name", "x", "y", ...}]}`, read from the same memos
//! the panel draws from, so it answers for the view on screen whenever
//! `data-app-state` is `ready`. Each chart panel registers its answer
//! while it is mounted; the answers themselves are built in
//! [`crate::render`] (natively tested).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A panel's answer: its JSON, or `None` before there is data.
type Answer = Rc<dyn Fn() -> Option<String>>;

thread_local! {
    static PANELS: RefCell<HashMap<&'static str, Answer>> = RefCell::new(HashMap::new());
}

/// Registers the answer of `panel` (a `data-panel` name) until the
/// calling component is cleaned up.
pub fn register(panel: &'static str, answer: impl Fn() -> Option<String> + 'static) {
    PANELS.with(|p| p.borrow_mut().insert(panel, Rc::new(answer)));
    leptos::prelude::on_cleanup(move || {
        PANELS.with(|p| p.borrow_mut().remove(panel));
    });
}

/// The answer for `panel` as JSON: its series, `{"series":[]}` before its
/// data arrives, `None` for a name that is no mounted chart panel. The
/// hook and the panel's *Inspect* dialog both read it.
pub fn answer(panel: &str) -> Option<String> {
    let answer = PANELS.with(|p| p.borrow().get(panel).cloned())?;
    Some(answer().unwrap_or_else(|| r#"{"series":[]}"#.to_string()))
}

/// The hook: [`answer`] parsed, `null` for a name that is no chart panel.
fn inspect(panel: JsValue) -> JsValue {
    let panel = panel.as_string().unwrap_or_default();
    match answer(&panel) {
        Some(json) => js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    }
}

/// Puts `inspect` on `window.queuescope` (creating the object if needed).
pub fn install() {
    let Some(w) = web_sys::window() else { return };
    let key = JsValue::from_str("queuescope");
    let hook = match js_sys::Reflect::get(&w, &key) {
        Ok(v) if v.is_object() => v,
        _ => {
            let o: JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(&w, &key, &o);
            o
        }
    };
    let f = Closure::<dyn Fn(JsValue) -> JsValue>::new(inspect);
    let _ = js_sys::Reflect::set(&hook, &JsValue::from_str("inspect"), f.as_ref());
    // The hook lives as long as the page.
    f.forget();
}
