//! The jobs loader: one load per (queue, range, reload), keyed on the
//! typed view.
//!
//! The lifecycle, in the order a trigger goes through it:
//!
//! - [`DataState::start`] decides what to read next: a new queue or range,
//!   or Retry, aborts the load in flight and starts one; a new queue drops
//!   the old queue's data first (it never shows under the new queue's
//!   name, issue #10 row 4).
//! - The refresh (`refresh.rs`) never aborts a read in flight: a refresh
//!   due during a read is skipped (issue #10 row 2).
//! - [`DataState::load`] reads (every request has `request_timeout_seconds`
//!   and SPEC §2's limits, see `api.rs`), publishing [`Progress`] per page.
//! - [`DataState::finish`] publishes the result of the newest load only;
//!   a failure keeps the last good data of the same queue on screen.
//! - [`DataState::cancel`] stops a read at the user's request.

use super::{Queues, Shared, SourceCtx, ViewState};
use crate::api::{LoadError, Progress};
use crate::dom;
use leptos::prelude::*;
use queuescope_core::analysis::Prepared;
use queuescope_core::view::RangeSpec;
use queuescope_core::{Ms, SkipReport};

/// One load of a queue's jobs, checked and prepared.
pub struct Loaded {
    /// The queue these jobs belong to.
    pub queue: String,
    /// Records of this load that broke the contract and were left out.
    pub skipped: SkipReport,
    /// The jobs, compact, with what is derived once per load (run and error orders).
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
    /// The load in flight: its queue and how far it has come.
    pub progress: RwSignal<Option<(String, Progress)>>,
    /// Aborts the load in flight.
    abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    /// Number of the newest load: only it may publish.
    generation: StoredValue<u64>,
}

/// What a load is for: the queue and the range.
type LoadKey = (Option<String>, RangeSpec);

impl DataState {
    /// Starts the loader and provides the data state.
    pub fn provide(source: SourceCtx, queues: Queues, view: ViewState) -> DataState {
        let data = DataState {
            loaded: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            progress: RwSignal::new(None),
            abort: StoredValue::new_local(None),
            generation: StoredValue::new(0),
        };
        let key = Memo::new(move |_| (queues.current.get(), view.with(|v| v.range_spec())));
        Effect::new(move |prev: Option<LoadKey>| {
            queues.reload.track();
            let (queue, range) = key.get();
            // A new queue or range drops the brush; a refresh keeps it.
            if prev.as_ref().is_some_and(|p| *p != (queue.clone(), range)) {
                view.set_brush(None);
            }
            if let Some(q) = queue.clone() {
                data.start(source, q, range);
            }
            (queue, range)
        });
        provide_context(data);
        data
    }

    /// Decides what to read next for (queue, range): aborts the load in
    /// flight and starts this one. A queue other than the one on screen
    /// drops the data on screen first: the old queue's charts never sit
    /// under the new queue's name, neither while loading nor after a
    /// failure.
    fn start(self, source: SourceCtx, queue: String, range: RangeSpec) {
        self.stop();
        let other_queue = self
            .loaded
            .with_untracked(|l| l.as_ref().is_some_and(|l| l.queue != queue));
        if other_queue {
            self.loaded.set(None);
            self.error.set(None);
        }
        let ctrl = web_sys::AbortController::new().ok();
        self.abort.set_value(ctrl.clone());
        let mine = self.generation.get_value();
        let load = self.load(source, queue, range, ctrl);
        leptos::task::spawn_local(async move {
            let done = load.await;
            if self.generation.get_value() == mine {
                self.finish(done);
            }
        });
    }

    /// Aborts the load in flight (if any); its result will not be published.
    fn stop(self) {
        if let Some(c) = self.abort.get_value() {
            c.abort();
        }
        self.abort.set_value(None);
        self.generation.update_value(|g| *g += 1);
    }

    /// Cancel, at the user's request: stops the read in flight. The last
    /// good data stays; without any, the panels say the load was cancelled
    /// (Retry loads again).
    pub fn cancel(self) {
        if !self.loading.get_untracked() {
            return;
        }
        let read = self.progress.get_untracked();
        self.stop();
        let (queue, p) = read.unwrap_or_default();
        self.error.set(Some(LoadError::Cancelled {
            queue,
            pages: p.pages,
            jobs: p.jobs,
        }));
        self.progress.set(None);
        self.loading.set(false);
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
        self.progress
            .set(Some((queue.clone(), Progress::default())));
        let s = source.get();
        let mine = self.generation.get_value();
        async move {
            dom::mark("qs-fetch-start");
            let signal = ctrl.as_ref().map(|c| c.signal());
            let progress = |p: Progress| {
                if self.generation.get_value() == mine {
                    self.progress
                        .update(|cur| cur.iter_mut().for_each(|(_, x)| *x = p));
                }
            };
            // Each page is folded into the builder as it arrives; what is
            // left for the end is a few sorts.
            let built = s
                .jobs(&queue, r.from, r.to, signal.as_ref(), &progress)
                .await?;
            dom::mark("qs-data");
            let (prepared, skipped) = built.finish();
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
        self.progress.set(None);
        self.loading.set(false);
    }
}
