//! The jobs loader: one load per (queue, range, reload), keyed on the
//! typed view; a newer load aborts the one in flight. The last good data
//! stays on screen when a reload fails.

use super::{Queues, Shared, SourceCtx, ViewState};
use crate::api::LoadError;
use crate::dom;
use leptos::prelude::*;
use queuescope_core::analysis::Prepared;
use queuescope_core::view::RangeSpec;
use queuescope_core::{Ms, SkipReport};
use std::time::Duration;

/// One load of a queue's jobs, checked and prepared.
pub struct Loaded {
    /// The queue these jobs belong to.
    pub queue: String,
    /// Records of this load that broke the contract and were left out.
    pub skipped: SkipReport,
    /// The jobs, with what is derived once per load (state spans, run spans, search text).
    pub prepared: Prepared,
    /// "Now" of this load: the range a relative view resolves against.
    pub now: Ms,
}

/// The data side: last good data, load status, errors.
#[derive(Clone, Copy)]
pub struct DataState {
    /// The last good data (kept on screen when a reload fails).
    pub loaded: RwSignal<Option<Shared<Loaded>>>,
    /// A load is in flight.
    pub loading: RwSignal<bool>,
    /// The last load failed with this error.
    pub error: RwSignal<Option<LoadError>>,
}

/// What a load is for: the queue and the range.
type LoadKey = (Option<String>, RangeSpec);

impl DataState {
    /// Starts the loader (and the refresh timer of `refresh_seconds`) and
    /// provides the data state.
    pub fn provide(
        source: SourceCtx,
        queues: Queues,
        view: ViewState,
        refresh_seconds: Option<u32>,
    ) -> DataState {
        let data = DataState {
            loaded: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
        };
        let key = Memo::new(move |_| (queues.current.get(), view.with(|v| v.range_spec())));
        let abort = StoredValue::new_local(None::<web_sys::AbortController>);
        let generation = StoredValue::new(0u64);
        Effect::new(move |prev: Option<LoadKey>| {
            queues.reload.track();
            let (queue, range) = key.get();
            // A new queue or range drops the brush; a refresh keeps it.
            if prev.as_ref().is_some_and(|p| *p != (queue.clone(), range)) {
                view.set_brush(None);
            }
            if let Some(q) = queue.clone() {
                if let Some(c) = abort.get_value() {
                    c.abort();
                }
                let ctrl = web_sys::AbortController::new().ok();
                abort.set_value(ctrl.clone());
                generation.update_value(|g| *g += 1);
                let mine = generation.get_value();
                let load = data.load(source, q, range, ctrl);
                leptos::task::spawn_local(async move {
                    let done = load.await;
                    if generation.get_value() == mine {
                        data.finish(done);
                    }
                });
            }
            (queue, range)
        });
        if let Some(secs) = refresh_seconds {
            // `secs` is within core::limits::REFRESH_SECONDS (the config
            // clamps it), which the browser's timer takes.
            if let Ok(handle) = set_interval_with_handle(
                move || {
                    dom::count_refresh_tick();
                    // 401/403: asking again cannot help; wait for Retry.
                    let needs_user =
                        |e: &Option<LoadError>| e.as_ref().is_some_and(LoadError::needs_user);
                    if !data.error.with_untracked(needs_user)
                        && !queues.error.with_untracked(needs_user)
                    {
                        queues.retry();
                    }
                },
                Duration::from_secs(u64::from(secs)),
            ) {
                on_cleanup(move || handle.clear());
            }
        }
        provide_context(data);
        data
    }

    /// Marks a load as started and returns it, to run.
    fn load(
        self,
        source: SourceCtx,
        queue: String,
        range: RangeSpec,
        ctrl: Option<web_sys::AbortController>,
    ) -> impl std::future::Future<Output = Result<Loaded, LoadError>> {
        let now = dom::now_ms();
        let r = range.resolve(now);
        self.loading.set(true);
        let s = source.get();
        async move {
            dom::mark("qs-fetch-start");
            let signal = ctrl.as_ref().map(|c| c.signal());
            let dataset = s.jobs(&queue, r.from, r.to, signal.as_ref()).await?;
            dom::mark("qs-data");
            // The jobs move into Prepared: cloning 100k jobs costs about as
            // much as deriving everything from them.
            let skipped = dataset.skipped.clone();
            let queue = dataset.queue_id.clone();
            let prepared = Prepared::from_dataset(dataset);
            dom::mark("qs-prepared");
            Ok(Loaded {
                queue,
                skipped,
                prepared,
                now,
            })
        }
    }

    /// Publishes the result of the newest load.
    fn finish(self, done: Result<Loaded, LoadError>) {
        match done {
            Ok(l) => {
                self.loaded.set(Some(Shared::new(l)));
                self.error.set(None);
            }
            Err(e) => self.error.set(Some(e)),
        }
        self.loading.set(false);
    }
}
