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

/// Runs `fut` up to its first wait at once and the rest as a local task,
/// then hands its output to `done`, as a `LocalResource` runs its fetcher's
/// future: a future that is ready at once (the demo's) is done before this
/// returns. The app reads its data this way rather than through
/// `LocalResource`, whose async machinery (an async derived value, its
/// locks and channels) is ~15 kB of wasm (docs/design.md, "Wasm size, fifth
/// round").
pub fn run_now<T: 'static>(
    fut: impl std::future::Future<Output = T> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    use std::task::{Context, Poll, Waker};
    let mut fut = Box::pin(fut);
    // The waker of a later poll is the one that counts (the Future
    // contract), and the task below polls again at once.
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => done(v),
        Poll::Pending => leptos::task::spawn_local(async move { done(fut.await) }),
    }
}

/// [`run_now`] for a read that a later one may overtake (a reload, a
/// retry): `reads` counts the reads, and `done` gets this one's output only
/// if no read was started after it; an overtaken answer is dropped.
pub fn run_latest<T: 'static>(
    reads: RwSignal<u32>,
    fut: impl std::future::Future<Output = T> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    let this = reads.get_untracked();
    run_now(fut, move |v| {
        if reads.try_get_untracked() == Some(this) {
            done(v);
        }
    });
}
