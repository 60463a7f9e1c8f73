//! `data-app-state` (SPEC §6): `loading`, then `ready` once every panel
//! shows the current data, or `error`. Draws and fetches in flight register
//! here ([`Readiness::busy`]); the state is decided after every effect of a
//! change has run, so a test never sees `ready` before the charts got the
//! new figures: in a zero timeout queued by the change, which most changes'
//! frames come before (ready is not announced ahead of the pixels it stands
//! for), and already after the change's effects when nothing was written on
//! screen since the last frame began (`screen.js`: a brush's usage answer
//! writes only the usage panels below the fold and the insights above Job
//! runs; docs/design.md, branch answer9).

use super::{DataState, Queues, ViewState};
use crate::dom::{self, AppState};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/src/state/screen.js")]
extern "C" {
    fn qs_screen_quiet() -> bool;
    fn qs_screen_drawn();
    #[cfg(test)]
    fn qs_screen_watched() -> u32;
}

/// A canvas was painted on screen (a chart's marks drawn in view): a
/// write the page's DOM watch cannot see, which a frame must show before
/// `ready`.
pub fn drawn_on_screen() {
    qs_screen_drawn();
}

/// Work in flight that the page must wait for (draws, usage fetches).
#[derive(Clone, Copy)]
pub struct Readiness {
    pending: RwSignal<i32>,
    /// [`Readiness::busy`] as a callback, made once with the tracker: owned
    /// by the app's root like the count, so a draw that ends in a promise
    /// or a timeout after its chart's owner is gone still finds it (a
    /// callback made by the chart would be disposed with it, and running a
    /// disposed callback panics).
    on_busy: Callback<bool>,
}

/// Counts work started (`true`) or ended (`false`) in `pending`.
fn count(pending: RwSignal<i32>, started: bool) {
    if started {
        pending.update(|n| *n += 1);
    } else {
        pending.update(|n| *n = (*n - 1).max(0));
    }
}

impl Readiness {
    /// Starts deciding `data-app-state` and provides the tracker.
    pub fn provide(view: ViewState, data: DataState, queues: Queues) -> Readiness {
        let r = Readiness::new();
        // A check after the effects is due (the effect runs at every change
        // of the busy count: one check after them all sees what each would).
        let due = StoredValue::new(false);
        crate::reactive::effect(move || {
            data.loading.track();
            data.error.track();
            data.loaded.track();
            queues.error.track();
            view.track();
            r.pending.track();
            // Every change goes through `loading`, so each settled view is a
            // new `ready` (and a new data-render-seq) even when no chart redraws.
            dom::set_app_state(AppState::Loading);
            set_timeout(
                move || dom::set_app_state(r.decide(data, queues)),
                Duration::ZERO,
            );
            // Queued first, as before: deciding only after the effects put
            // the timeout behind the zero timeouts they queue (a clear
            // brush's ready 2-4 ms later). The timeout decides again: the
            // same state, or `loading` if work started meanwhile.
            if due.try_update_value(|d| std::mem::replace(d, true)) != Some(false) {
                return;
            }
            dom::after_effects(move || {
                due.try_set_value(false);
                if qs_screen_quiet() {
                    // Nothing on screen awaits a frame: the screen already
                    // shows this state.
                    dom::mark("qs-ready-quiet");
                    dom::set_app_state(r.decide(data, queues));
                }
            });
        });
        provide_context(r);
        r
    }

    /// A count at 0 and its callback, owned by the current owner.
    fn new() -> Readiness {
        let pending = RwSignal::new(0);
        Readiness {
            pending,
            on_busy: Callback::new(move |started| count(pending, started)),
        }
    }

    /// The state once the effects of a change have run.
    fn decide(self, data: DataState, queues: Queues) -> AppState {
        if data.loading.get_untracked() || self.pending.get_untracked() > 0 {
            AppState::Loading
        } else if data.error.with_untracked(Option::is_some)
            || queues.error.with_untracked(Option::is_some)
        {
            AppState::Error
        } else if data.loaded.with_untracked(Option::is_some) {
            dom::mark("qs-ready");
            dom::mark_memory_once("ready");
            AppState::Ready
        } else {
            AppState::Loading
        }
    }

    /// Work started (`true`) or ended (`false`, well or not).
    pub fn busy(&self, started: bool) {
        count(self.pending, started);
    }

    /// [`Readiness::busy`] as a callback, for the Plotly glue.
    pub fn on_busy(&self) -> Callback<bool> {
        self.on_busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen::JsCast;

    /// Resolves at the next animation frame's callbacks.
    async fn next_frame() {
        let frame = js_sys::Promise::new(&mut |done, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(&done);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    }

    /// Waits for frames until nothing on screen awaits one (the page's
    /// other writes settle), at most 60, and one frame more (the
    /// intersection observer answers after a frame's layout).
    async fn settled() -> bool {
        for _ in 0..60 {
            next_frame().await;
            if qs_screen_quiet() {
                next_frame().await;
                return qs_screen_quiet();
            }
        }
        false
    }

    /// Resolves at the first answer of a new intersection observer of `els`.
    async fn observed(els: &[&web_sys::Element]) {
        let answered = js_sys::Promise::new(&mut |done, _| {
            let obs = web_sys::IntersectionObserver::new(&done).expect("an observer");
            for el in els {
                obs.observe(el);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(answered).await;
    }

    /// A panel box at `top` px (absolute) in the body.
    fn panel(doc: &web_sys::Document, top: u32) -> web_sys::Element {
        let el = doc.create_element("section").expect("a section");
        let style = format!("position: absolute; left: 0; top: {top}px; width: 40px; height: 40px");
        el.set_attribute("style", &style).expect("style");
        el.set_attribute("data-panel", "probe").expect("data-panel");
        doc.body()
            .expect("a body")
            .append_child(&el)
            .expect("append");
        el
    }

    /// What `ready` waits a frame for: a write in a panel within the
    /// viewport's margin, outside every panel, or a canvas painted in view,
    /// until the next frame begins; a write in a panel far below the fold
    /// or to `<html>`'s own attributes is not on screen.
    #[wasm_bindgen_test::wasm_bindgen_test]
    async fn only_what_is_written_on_screen_waits_for_a_frame() {
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        let (near, far) = (panel(&doc, 0), panel(&doc, 40_000));
        // The watch may have started in an earlier test, before these
        // panels were made. It learns a panel at the first write it sees
        // there, and it does not watch while a write awaits its frame (a
        // batch's first on-screen write ends the batch's reading), so each
        // panel is written once, apart, while the watch is quiet. An
        // observer made after the watch's answers after it in the same
        // rendering step: then the watch knows where the panel is.
        qs_screen_quiet();
        for el in [&near, &far] {
            assert!(settled().await, "quiet before the panel's first write");
            el.set_text_content(Some("a"));
            observed(&[el]).await;
        }
        assert!(settled().await, "quiet once the frames drew the writes");
        far.set_text_content(Some("b"));
        assert!(qs_screen_quiet(), "a panel far below the fold");
        let html = doc.document_element().expect("<html>");
        html.set_attribute("data-probe", "1").expect("attribute");
        assert!(qs_screen_quiet(), "<html>'s own attributes");
        near.set_text_content(Some("b"));
        assert!(!qs_screen_quiet(), "a panel on screen");
        assert!(settled().await, "drawn by the next frame");
        let loose = doc.create_element("p").expect("a p");
        far.append_child(&loose).expect("append");
        assert!(qs_screen_quiet(), "a child added far below");
        doc.body()
            .expect("a body")
            .append_child(&loose)
            .expect("move");
        assert!(!qs_screen_quiet(), "outside every panel");
        assert!(settled().await);
        drawn_on_screen();
        assert!(!qs_screen_quiet(), "a canvas painted in view");
        assert!(settled().await);
        // Panels taken out of the page are let go at the next frame.
        let watched = qs_screen_watched();
        for el in [near, far, loose.unchecked_into()] {
            el.remove();
        }
        assert!(!qs_screen_quiet(), "panels taken out of the page");
        assert!(settled().await);
        assert_eq!(
            qs_screen_watched(),
            watched - 2,
            "the removed panels' observations"
        );
        html.remove_attribute("data-probe").expect("attribute");
    }

    /// A chart takes the busy callback in its own owner and may end its
    /// draw (a promise, a timeout) after that owner is gone: the callback
    /// still counts, it does not panic as a disposed one would.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn the_busy_callback_outlives_the_chart_that_took_it() {
        let root = Owner::new();
        root.with(|| {
            let r = Readiness::new();
            let chart = root.child();
            let on_busy = chart.with(|| r.on_busy());
            on_busy.run(true);
            assert_eq!(r.pending.get_untracked(), 1);
            chart.unset_with_forced_cleanup();
            on_busy.run(false);
            assert_eq!(r.pending.get_untracked(), 0);
        });
    }
}
