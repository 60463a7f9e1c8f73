//! A CSS media query followed live ([`use_media`]): the system's colour
//! scheme, the window's width class.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whether the media query `query` matches now, kept current by its
/// `change` event until the calling owner is cleaned up. `false` where the
/// page cannot evaluate it.
pub fn use_media(query: &str) -> ReadSignal<bool> {
    let media = web_sys::window().and_then(|w| w.match_media(query).ok().flatten());
    let (matches, set) = signal(media.as_ref().is_some_and(|m| m.matches()));
    if let Some(m) = media {
        let changed = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
            move |e: web_sys::MediaQueryListEvent| {
                let _ = set.try_set(e.matches());
            },
        );
        let _ = m.add_event_listener_with_callback("change", changed.as_ref().unchecked_ref());
        let bound = SendWrapper::new((m, changed));
        on_cleanup(move || {
            let (m, f) = &*bound;
            let _ = m.remove_event_listener_with_callback("change", f.as_ref().unchecked_ref());
        });
    }
    matches
}
