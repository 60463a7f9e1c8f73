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
//!
//! A long first read (nothing of the queue on screen) is drawn as it
//! arrives: after the first page read once [`FIRST_PARTIAL_AFTER_MS`] have
//! passed, then when the pages read have doubled and [`PARTIAL_EVERY_MS`]
//! have passed since the last partial draw (a fast read of 100k jobs is
//! past 20,000 jobs by then and never drawn partially, a slow one at 1, 2,
//! 4... pages), up
//! to `queuescope_core::analysis::SNAPSHOT_MAX_JOBS` jobs read: a partial
//! draw copies the columns read so far and keeps them (and its panels'
//! data) beside the growing read, so draws at 50k and 100k jobs made the
//! load's memory peak (and cost the main thread ~0.3 s each, taken from
//! reading the next pages). It is a load labelled [`ReadKind::Partial`],
//! while `loading` (and `data-app-state`) stays on until the read is
//! complete. A partial load is never the base of an
//! incremental read, never cached, and is dropped when the read fails.
//!
//! Incremental reads and the cache (issue #12, `live.rs`) hook in at three
//! places: `start` asks [`live::base`] whether the read builds on the data
//! on screen (a refresh of the same queue and range of a queue that
//! answers `updated_since`) and, when nothing of the queue is on screen,
//! `load` first shows the cached read ([`live::open_cached`]); `load` then
//! reads incrementally ([`live::refresh`]) or in full; a published read is
//! kept for the next open ([`live::keep`]).

use super::live::{self, ReadKind};
use super::{Cache, Queues, Shared, SourceCtx, ViewState};
use crate::api::{LoadError, Progress};
use crate::dom;
use leptos::prelude::*;
use queuescope_core::analysis::{Prepared, PreparedBuilder};
use queuescope_core::view::RangeSpec;
use queuescope_core::{Ms, SkipReport};
use std::rc::Rc;

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
    /// A full read, an incremental refresh of the previous load, or the
    /// cached read shown until the backend answers.
    pub read: ReadKind,
    /// An incremental refresh's base (the load it was spliced from) and
    /// where the base's jobs went: what is derived per job index (the run
    /// ids' index) is carried over from the base's instead of rebuilt.
    /// `None` for every other read.
    pub remap: Option<live::Carried>,
}

impl Loaded {
    /// Whether a read of `queue` over `range` is a refresh of this load: the
    /// same queue and range, and this load is complete (a full or spliced
    /// read, not the cache shown on open nor a partial draw).
    pub fn is_refreshed_by(&self, queue: &str, range: RangeSpec) -> bool {
        self.queue == queue
            && self.range == range
            && matches!(self.read, ReadKind::Full | ReadKind::Incremental(_))
    }

    /// A whole read of `queue` over `span` (the view's `range` at `now`).
    fn full(
        queue: String,
        (prepared, skipped): (Prepared, SkipReport),
        (now, range, span): (Ms, RangeSpec, (Ms, Ms)),
    ) -> Loaded {
        Loaded {
            queue,
            skipped,
            prepared,
            now,
            range,
            span,
            read: ReadKind::Full,
            remap: None,
        }
    }
}

/// What [`DataState::on_refresh`] registers.
type RefreshHook = Rc<dyn Fn(&Loaded)>;

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
    /// Whether the queue shown answers incremental reads.
    incremental: Memo<Option<bool>>,
    /// The cache of last reads (absent in tests that mount without it).
    cache: Option<Cache>,
    /// What a refresh runs after its splice, run once at the warm-up
    /// after a full read ([`live::warm`]).
    pub warmers: live::Warmers,
    /// Called with an incremental refresh's data just before it is
    /// published ([`DataState::on_refresh`]).
    refreshed: StoredValue<Vec<RefreshHook>, LocalStorage>,
}

/// Least time between two partial draws of a read.
pub const PARTIAL_EVERY_MS: f64 = 2000.0;

/// How long a read goes before its first partial draw: a read that is
/// done by then is never drawn partially (each draw is a few hundred ms of
/// the main thread, taken from reading the next pages).
pub const FIRST_PARTIAL_AFTER_MS: f64 = 1000.0;

/// When a read's next partial draw is due (see the module doc).
struct Pace {
    /// When the read started (ms since the epoch).
    started: f64,
    /// Pages drawn last time (0: none yet).
    drawn: std::cell::Cell<usize>,
    /// When (ms since the epoch).
    at: std::cell::Cell<f64>,
}

impl Pace {
    /// The pace of a read starting at `now`.
    fn new(now: f64) -> Pace {
        Pace {
            started: now,
            drawn: Default::default(),
            at: Default::default(),
        }
    }

    /// Whether to draw at `pages` read, `now`; if so, notes it.
    fn due(&self, pages: usize, now: f64) -> bool {
        let drawn = self.drawn.get();
        let due = pages > 0
            && match drawn {
                0 => now - self.started >= FIRST_PARTIAL_AFTER_MS,
                _ => pages >= drawn * 2 && now - self.at.get() >= PARTIAL_EVERY_MS,
            };
        if due {
            self.drawn.set(pages);
            self.at.set(now);
        }
        due
    }
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
            incremental: queues.incremental,
            cache: use_context::<Cache>(),
            warmers: live::Warmers::default(),
            refreshed: StoredValue::new_local(Vec::new()),
        };
        let key = Memo::new(move |_| (queues.current.get(), view.with(|v| v.range_spec())));
        crate::reactive::effect_with(move |prev: Option<LoadKey>| {
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
        self.drop_partial();
        // A refresh (or Retry) of the data on screen may read only what
        // changed; with nothing of this queue on screen, the cache shows
        // first.
        let on_screen = self.loaded.get_untracked();
        let incremental = self.incremental.get_untracked() == Some(true);
        let base = live::base(on_screen.clone(), incremental, &queue, range);
        let cache = on_screen
            .is_none_or(|l| l.queue != queue)
            .then_some(self.cache)
            .flatten();
        let ctrl = web_sys::AbortController::new().ok();
        self.abort.set_value(ctrl.clone());
        let mine = self.generation.get_value();
        let load = self.load(source, (queue, range), base, cache, ctrl);
        leptos::task::spawn_local(async move {
            let done = load.await;
            if self.generation.get_value() == mine {
                if let Some(l) = self.finish(done) {
                    // Asked now: the queue list may have come during the read.
                    let incremental = self.incremental.get_untracked() == Some(true);
                    let full = matches!(l.read, ReadKind::Full);
                    if incremental && full && self.warmers.wanted() {
                        live::warm(&l, self.warmers);
                    }
                    live::keep(self.cache, source.get(), l);
                }
            }
        });
    }

    /// Takes a partial read (of a read that stopped) off the screen.
    fn drop_partial(self) {
        let partial = self.loaded.with_untracked(|l| {
            l.as_ref()
                .is_some_and(|l| matches!(l.read, ReadKind::Partial(_)))
        });
        if partial {
            self.loaded.set(None);
        }
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
        self.drop_partial();
        self.loading.set(false);
    }

    /// Shows the jobs of a first read so far (see the module doc), when
    /// `pace` says it is time.
    fn show_partial(self, b: &PreparedBuilder, pace: &Pace, l: Loaded) {
        let pages = self
            .progress
            .with_untracked(|p| p.as_ref().map_or(0, |(_, p)| p.pages));
        if !pace.due(pages, js_sys::Date::now()) {
            return;
        }
        // Past `SNAPSHOT_MAX_JOBS` the read only shows its progress.
        let Some(prepared) = dom::timed("qs:partial", || b.snapshot()) else {
            return;
        };
        let l = Loaded {
            skipped: b.skipped().clone(),
            prepared,
            read: ReadKind::Partial(pages),
            remap: None,
            ..l
        };
        dom::mark_memory(&format!("partial-{pages}"));
        dom::set_html_attribute("data-last-read", &l.read.attribute());
        self.loaded.set(Some(Shared::new(l)));
    }

    /// Marks a load as started and returns it, to run.
    fn load(
        self,
        source: SourceCtx,
        (queue, range): (String, RangeSpec),
        mut base: Option<Shared<Loaded>>,
        cache: Option<Cache>,
        ctrl: Option<web_sys::AbortController>,
    ) -> impl std::future::Future<Output = Result<Loaded, LoadError>> {
        let now = dom::now_ms();
        let r = range.resolve(now);
        let span = (r.from, r.to);
        self.loading.set(true);
        self.progress
            .set(Some((queue.clone(), Progress::default())));
        let s = source.get();
        let mine = self.generation.get_value();
        async move {
            if let Some(cache) = cache {
                if let Some(c) = live::open_cached(cache, &s, &queue, range, now).await {
                    let c = Shared::new(c);
                    if self.generation.get_value() == mine {
                        dom::set_html_attribute("data-last-read", &c.read.attribute());
                        self.loaded.set(Some(c.clone()));
                    }
                    if live::can_build_on(&c, live::capability(self.incremental).await, span) {
                        base = Some(c);
                    }
                }
            }
            dom::mark("qs-fetch-start");
            dom::mark_memory_once("fetch-start");
            let signal = ctrl.as_ref().map(|c| c.signal());
            let progress = |p: Progress| {
                if self.generation.get_value() == mine {
                    self.progress
                        .update(|cur| cur.iter_mut().for_each(|(_, x)| *x = p));
                }
            };
            if let Some(base) = base {
                let done = live::refresh(&s, &base, span, now, signal.as_ref(), &progress).await;
                if let Some(done) = done {
                    return done;
                }
            }
            // Each page is folded into the builder as it arrives; what is
            // left for the end is a few sorts. With nothing on screen, the
            // jobs so far are drawn on the way.
            let first = self.loaded.with_untracked(Option::is_none);
            let pace = Pace::new(js_sys::Date::now());
            let partial = |b: &PreparedBuilder| {
                if first && self.generation.get_value() == mine {
                    let l = Loaded::full(queue.clone(), Default::default(), (now, range, span));
                    self.show_partial(b, &pace, l);
                }
            };
            let built = s
                .jobs(&queue, span, None, signal.as_ref(), &progress, &partial)
                .await?;
            dom::mark("qs-data");
            first.then(|| dom::mark_memory("pages-read"));
            let (prepared, skipped) = built.finish();
            dom::mark("qs-prepared");
            first.then(|| dom::mark_memory("prepared"));
            Ok(Loaded::full(queue, (prepared, skipped), (now, range, span)))
        }
    }

    /// Calls `f` with each incremental refresh's data just before it is
    /// published: before the memo graph runs over it, so what `f` starts
    /// (a request) runs beside the graph instead of after it.
    pub fn on_refresh(&self, f: impl Fn(&Loaded) + 'static) {
        self.refreshed.update_value(|v| v.push(Rc::new(f)));
    }

    /// Publishes the result of the newest load (and returns it, when good).
    fn finish(self, done: Result<Loaded, LoadError>) -> Option<Shared<Loaded>> {
        let good = match done {
            Ok(l) => {
                dom::set_html_attribute("data-last-read", &l.read.attribute());
                if matches!(l.read, ReadKind::Incremental(_)) {
                    let hooks = self.refreshed.try_with_value(|v| v.clone());
                    for f in hooks.unwrap_or_default() {
                        f(&l);
                    }
                }
                let l = Shared::new(l);
                self.loaded.set(Some(l.clone()));
                self.error.set(None);
                Some(l)
            }
            Err(e) => {
                self.drop_partial();
                self.error.set(Some(e));
                None
            }
        };
        self.progress.set(None);
        self.loading.set(false);
        good
    }
}
