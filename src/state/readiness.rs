//! `data-app-state` (SPEC §6): `loading`, then `ready` once every panel
//! shows the current data, or `error`. Draws and fetches in flight register
//! here ([`Readiness::busy`]); the state is decided after every effect of a
//! change has run (a zero timeout runs after the microtasks that run
//! effects), so a test never sees `ready` before the charts got the new
//! figures.

use super::{DataState, Queues, ViewState};
use crate::dom::{self, AppState};
use leptos::prelude::*;
use std::time::Duration;

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
