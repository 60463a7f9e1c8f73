//! The jobs loader: one load per (queue, range, reload), keyed on the
//! typed view; a newer load aborts the one in flight. The last good data
//! stays on screen when a reload fails.

use super::live::{self, ReadKind};
use super::{Cache, Queues, Shared, SourceCtx, ViewState};
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
    /// The jobs, compact, with what is derived once per load (run and error orders).
    pub prepared: Prepared,
    /// "Now" of this load: the range a relative view resolves against.
    pub now: Ms,
    /// The view's range this load is for.
    pub range: RangeSpec,
    /// The range read ([from, to), `range` resolved at `now`).
    pub span: (Ms, Ms),
    /// A full read, or an incremental refresh of the previous load.
    pub read: ReadKind,
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
        let cache_ctx = use_context::<Cache>();
        let incremental = queues.incremental;
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
                // A refresh of the same queue and range builds on the data
                // on screen when the queue answers incremental reads.
                let same = prev.as_ref().is_some_and(|p| *p == (queue.clone(), range));
                let base = same
                    .then(|| {
                        let incremental = incremental.get_untracked() == Some(true);
                        live::base(data.loaded.get_untracked(), incremental, &q, range)
                    })
                    .flatten();
                // A new queue or range (or the first load) shows the cached
                // read first, if there is one.
                let cache = if same {
                    None
                } else {
                    cache_ctx.map(|c| (c, incremental))
                };
                let still_mine = move || generation.get_value() == mine;
                let load = data.load(source, (q, range), base, cache, ctrl, still_mine);
                leptos::task::spawn_local(async move {
                    let done = load.await;
                    if still_mine() {
                        if let Some(l) = data.finish(done) {
                            live::keep(cache_ctx, source.get(), l);
                        }
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
        (queue, range): (String, RangeSpec),
        mut base: Option<Shared<Loaded>>,
        cache: Option<(Cache, Memo<Option<bool>>)>,
        ctrl: Option<web_sys::AbortController>,
        still_mine: impl Fn() -> bool + 'static,
    ) -> impl std::future::Future<Output = Result<Loaded, LoadError>> {
        let now = dom::now_ms();
        let r = range.resolve(now);
        let span = (r.from, r.to);
        self.loading.set(true);
        let s = source.get();
        async move {
            if let Some((cache, incremental)) = cache {
                if let Some(c) = live::open_cached(cache, &s, &queue, range, now).await {
                    let c = Shared::new(c);
                    if still_mine() {
                        dom::set_html_attribute("data-last-read", &c.read.attribute());
                        self.loaded.set(Some(c.clone()));
                    }
                    let incremental = live::capability(incremental).await;
                    if live::can_build_on(&c, incremental, span) {
                        base = Some(c);
                    }
                }
            }
            dom::mark("qs-fetch-start");
            let signal = ctrl.as_ref().map(|c| c.signal());
            if let Some(base) = base {
                if let Some(done) = live::refresh(&s, &base, span, now, signal.as_ref()).await {
                    return done;
                }
            }
            // Each page is folded into the builder as it arrives; what is
            // left for the end is a few sorts.
            let built = s.jobs(&queue, span, None, signal.as_ref()).await?;
            dom::mark("qs-data");
            let (prepared, skipped) = built.finish();
            dom::mark("qs-prepared");
            Ok(Loaded {
                queue,
                skipped,
                prepared,
                now,
                range,
                span,
                read: ReadKind::Full,
            })
        }
    }

    /// Publishes the result of the newest load (and returns it, when good).
    fn finish(self, done: Result<Loaded, LoadError>) -> Option<Shared<Loaded>> {
        let good = match done {
            Ok(l) => {
                dom::set_html_attribute("data-last-read", &l.read.attribute());
                let l = Shared::new(l);
                self.loaded.set(Some(l.clone()));
                self.error.set(None);
                Some(l)
            }
            Err(e) => {
                self.error.set(Some(e));
                None
            }
        };
        self.loading.set(false);
        good
    }
}
