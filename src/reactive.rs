//! The one way the app makes its effects: Leptos compiles
//! [`Effect::new`]'s task (an async loop, its spawn and its drop) once per
//! closure type it is given, ~1.5 kB of wasm each (docs/design.md, branch
//! types5). Every effect of the app goes through [`effect`], which hands
//! Leptos one closure type (the app's closure behind a `Box<dyn FnMut>`),
//! so the task exists once. It runs and tracks exactly as `Effect::new`
//! does: on the next tick, then again when what it read changes.

use leptos::prelude::*;

/// [`Effect::new`] of a closure that needs nothing from its last run.
pub fn effect(f: impl FnMut() + 'static) {
    let mut f: Box<dyn FnMut()> = Box::new(f);
    Effect::new(move |_: Option<()>| f());
}

/// [`Effect::new`] of a closure that is handed what it returned the last
/// time (`None` on its first run), as `Effect::new`'s argument is.
pub fn effect_with<T: 'static>(mut f: impl FnMut(Option<T>) -> T + 'static) {
    let mut last = None;
    effect(move || last = Some(f(last.take())));
}
