//! Whether an element is on screen (or about to be), from an
//! `IntersectionObserver`: charts below the fold are computed but drawn
//! only when they scroll into view.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How far (px) above or below the viewport an element already counts as
/// in view, so a chart is drawn just before it scrolls in.
pub const IN_VIEW_MARGIN_PX: f64 = 150.0;

/// True while `node` is within [`IN_VIEW_MARGIN_PX`] of the viewport. Until the
/// observer's first answer (it comes asynchronously) the page is kept
/// busy through `on_busy`, so `data-app-state="ready"` never comes before
/// every chart on screen knows it is on screen and has drawn. Without
/// `IntersectionObserver` everything counts as in view.
pub fn use_in_view(node: NodeRef<Div>, on_busy: Callback<bool>) -> Signal<bool> {
    let seen = RwSignal::new(false);
    let answered = StoredValue::new(false);
    type Observer = (
        web_sys::IntersectionObserver,
        Closure<dyn FnMut(js_sys::Array)>,
    );
    let observer = StoredValue::new_local(None::<Observer>);
    crate::reactive::effect(move || {
        let Some(el) = node.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        on_busy.run(true);
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The latest entry of this one element is its state now.
            if let Some(e) = entries
                .iter()
                .filter_map(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                .next_back()
            {
                let now = e.is_intersecting();
                if seen.get_untracked() != now {
                    seen.set(now);
                }
            }
            if !answered.get_value() {
                answered.set_value(true);
                on_busy.run(false);
            }
        });
        let init = web_sys::IntersectionObserverInit::new();
        init.set_root_margin(&format!("{IN_VIEW_MARGIN_PX}px 0px"));
        match web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &init,
        ) {
            Ok(obs) => {
                obs.observe(&el);
                observer.set_value(Some((obs, callback)));
            }
            Err(_) => {
                seen.set(true);
                answered.set_value(true);
                on_busy.run(false);
            }
        }
    });
    on_cleanup(move || {
        if let Some((obs, _)) = observer.try_update_value(Option::take).flatten() {
            obs.disconnect();
        }
    });
    seen.into()
}

/// Marks `node` `data-settling` from each change that `track` sees (not
/// the first run) until the page is no longer `loading` (checked after
/// each frame), and `data-off-screen` while it is not within
/// [`IN_VIEW_MARGIN_PX`] of the viewport. The stylesheet skips such a box's
/// rendering (`.qs-settle`: its style, layout and paint) while the page is
/// `loading`: off screen, a change of its content is laid out after `ready`,
/// not in the frames before it (a first filter toggle's usage answer
/// waited behind that layout when it came in the frame after the change's),
/// and never at `ready`. Only when its content changed: skipped and shown
/// again, an unchanged box would be laid out anew in the frame.
pub fn use_settling(node: NodeRef<Div>, on_busy: Callback<bool>, track: impl Fn() + 'static) {
    let near = use_in_view(node, on_busy);
    crate::reactive::effect_with(move |first: Option<()>| {
        track();
        if let (Some(()), Some(el)) = (first, node.get_untracked()) {
            mark_settling(&el, || false);
        }
    });
    crate::reactive::effect(move || {
        let off = !near.get();
        if let Some(el) = node.get() {
            let _ = el.toggle_attribute_with_force("data-off-screen", off);
        }
    });
}

/// Marks `el` `data-settling` (its content has just changed) until the
/// first frame at which the page is no longer `loading`, or at which
/// `near` says that content it holds skipped has come near the screen (a
/// user scrolled while the page loads). The stylesheet skips such content
/// off screen while the page is `loading` (the errors table through
/// [`use_settling`], the selection table's rows). One check runs until the
/// page is ready: a change while it runs is covered by it (`near` reads
/// the content as it is then).
pub fn mark_settling(el: &web_sys::Element, near: impl Fn() -> bool + 'static) {
    if !el.has_attribute("data-settling") {
        let _ = el.set_attribute("data-settling", "");
        settled_when_ready(el.clone(), std::rc::Rc::new(near));
    }
}

/// Drops `data-settling` from `el` after the first frame at which the page
/// is no longer `loading` or `near()` holds (at once after a frame of a
/// hidden page, which draws none).
fn settled_when_ready(el: web_sys::Element, near: std::rc::Rc<dyn Fn() -> bool>) {
    crate::dom::after_next_frame(move || {
        if crate::dom::app_loading() && !crate::dom::page_hidden() && !near() {
            settled_when_ready(el, near);
        } else {
            let _ = el.remove_attribute("data-settling");
        }
    });
}
