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
}

impl Readiness {
    /// Starts deciding `data-app-state` and provides the tracker.
    pub fn provide(view: ViewState, data: DataState, queues: Queues) -> Readiness {
        let r = Readiness {
            pending: RwSignal::new(0),
        };
        Effect::new(move |_| {
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
        if started {
            self.pending.update(|n| *n += 1);
        } else {
            self.pending.update(|n| *n = (*n - 1).max(0));
        }
    }

    /// [`Readiness::busy`] as a callback, for the Plotly glue.
    pub fn on_busy(&self) -> Callback<bool> {
        let r = *self;
        Callback::new(move |started| r.busy(started))
    }
}
