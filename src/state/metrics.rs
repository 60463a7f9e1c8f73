//! Usage for the CPU and GPU charts and the under-used GPUs, cached per
//! run until the queue changes:
//!
//! - the series of the runs in view of the charts (the brushed runs, else
//!   the most recent), fetched lazily, at most 100 run ids a request; a
//!   fetch skips the runs cached or already being fetched, and replaces a
//!   run's series whole, so a run is never fetched twice at once nor its
//!   lines doubled;
//! - the mean `gpu_util` of every run whose usage was ever loaded (by the
//!   charts, or by the insights' batches, which keep only that: the series
//!   of a 100k-run view would not fit in a page).
//!
//! The series are bounded: the runs in view always keep theirs, and of
//! the runs that left the view only the [`KEPT_RUNS`] seen in view most
//! recently do (a brush toggled back redraws at once); the rest are
//! dropped and fetched again if they come back. On a live queue the most
//! recent runs change with every refresh, so without a bound the cache
//! grew by every run ever seen in view (issue #12, an hour left open).
//!
//! Answers are kept only for the queue they were asked for; a queue switch
//! aborts the charts' fetches in flight; a fetch sets or clears the error
//! only if no later fetch has already done so, so a stale failure never
//! covers a newer success (issue #10 row 5). Series skipped as malformed
//! are counted and reported (SPEC §2).
//!
//! During a brush's drag, the usage of the runs under the box so far is
//! prefetched once the box rests ([`Metrics::prefetch`]), so the release finds
//! them answered or in flight: such a fetch is never aborted but by a
//! queue switch, its failure is silent (the runs are asked again once in
//! view), and while runs in view wait on it the page is not `ready`.

use super::live::ReadKind;
use super::{Analysis, DataState, Loaded, Queues, Readiness, Shared, SourceCtx, ViewState};
use crate::api::LoadError;
use crate::render::UsageSeries;
use leptos::prelude::*;
use queuescope_core::analysis::insights::{gpu_means, GpuMeans, UsageByRun};
use queuescope_core::analysis::{brush_select, latest_runs, value_test, Brush, Field, RunBar};
use queuescope_core::{Job, Ms, SkipReport};
use std::collections::{HashMap, HashSet};
use web_sys::{AbortController, AbortSignal};

/// Runs shown when no brush is active.
pub const RECENT_RUNS: usize = 50;
/// Most brushed runs shown (one metrics request's worth).
pub const MAX_BRUSHED_RUNS: usize = queuescope_core::contract::MAX_RUN_IDS_PER_REQUEST;

/// Cached series: run id → its series (all metrics), as the charts draw
/// them (downsampled once, on arrival, and shared by the charts).
pub type Cache = HashMap<String, Vec<UsageSeries>>;

/// How long a drag's box must rest before its runs' usage is prefetched
/// (ms). A box moves at every mouse move and each new box can bring 100
/// other runs (its most recent): prefetching every box of a moving drag
/// (tried: one every 50 ms) made ~4 requests of 0.3-0.9 MB per brush that
/// the release did not need, and the brush no faster (docs/benchmarks.md).
const PREFETCH_REST_MS: u64 = 60;

/// Runs out of view whose series stay cached (about 1 MB at ~300 points
/// a metric).
pub const KEPT_RUNS: usize = 200;

/// Drops cached series down to the runs in view plus the `keep` runs
/// seen in view most recently. `seen` holds when each run was last in
/// view (`tick` is now); it is updated, and forgets the dropped runs.
/// Answers the dropped run ids.
fn prune<V>(
    cache: &HashMap<String, V>,
    seen: &mut HashMap<String, u64>,
    in_view: &[&str],
    tick: u64,
    keep: usize,
) -> Vec<String> {
    for id in in_view {
        seen.insert((*id).to_string(), tick);
    }
    let view: HashSet<&str> = in_view.iter().copied().collect();
    let out: Vec<(u64, &String)> = cache
        .keys()
        .filter(|id| !view.contains(id.as_str()))
        .map(|id| (seen.get(id).copied().unwrap_or(0), id))
        .collect();
    let Some(excess) = out.len().checked_sub(keep).filter(|&n| n > 0) else {
        return Vec::new();
    };
    // The shared sort: `sort_unstable` compiled std's unstable sort for
    // this one element type.
    let dropped: Vec<String> = queuescope_core::sort::sort_vec(out, &|a, b| a.cmp(b))
        .into_iter()
        .take(excess)
        .map(|(_, id)| id.clone())
        .collect();
    for id in &dropped {
        seen.remove(id);
    }
    // Runs never cached (no run id answered) do not pile up either.
    seen.retain(|id, _| cache.contains_key(id) || view.contains(id.as_str()));
    dropped
}

/// The usage data of the runs in view.
#[derive(Clone, Copy)]
pub struct Metrics {
    /// Series fetched so far for the charts, of the current queue's runs.
    pub cache: RwSignal<Cache>,
    /// The mean `gpu_util` of every run whose usage is loaded.
    pub gpu_means: RwSignal<GpuMeans>,
    /// The runs in view: (job index, group), in the order drawn.
    pub in_view: Memo<Vec<(u32, u16)>>,
    /// A run in view has no series yet and no failure was reported: its
    /// fetch is about to start or in flight, so the charts keep what they
    /// show until it answers (one frame, not one without the new lines
    /// and one with them).
    pub waiting: Memo<bool>,
    /// The charts' latest settled fetch failed so.
    pub error: RwSignal<Option<LoadError>>,
    /// A fetch for the charts is in flight.
    pub loading: RwSignal<bool>,
    /// Series of this queue skipped as malformed (SPEC §2: reported).
    pub skipped: RwSignal<SkipReport>,
    /// When each cached run was last in view ([`prune`]), and the tick.
    seen: StoredValue<(HashMap<String, u64>, u64)>,
    /// (queue, run id) of the charts' fetches in flight.
    in_flight: StoredValue<HashSet<(String, String)>>,
    /// The charts' fetches in flight, and the number of the newest started
    /// and of the newest that set or cleared the error.
    fetches: StoredValue<Fetches>,
    /// Aborts every fetch of the current queue (replaced on a switch).
    abort: StoredValue<Option<AbortController>, LocalStorage>,
    /// Prefetches in flight.
    prefetching: RwSignal<usize>,
    /// A run in view waits on a prefetch: the page is not ready, the
    /// panel says *Loading*.
    pub prefetch_pending: Memo<bool>,
    /// The timer of the next prefetch (the drag's box at rest).
    rest: StoredValue<Option<TimeoutHandle>>,
    /// What `<html data-usage-prefetch>` says.
    flagged: StoredValue<bool>,
    queues: Queues,
    a: Analysis,
    source: SourceCtx,
    ready: Readiness,
}

/// Bookkeeping of the charts' fetches.
#[derive(Default)]
struct Fetches {
    running: usize,
    started: u64,
    settled: u64,
}

/// The runs in view. Without a brush the [`RECENT_RUNS`] most recent runs;
/// with one, the brushed runs in run-start order, at most
/// [`MAX_BRUSHED_RUNS`] of them (the most recent ones): a brush over a busy
/// day hits 20k runs, whose metrics would be 200 requests and 80k lines.
fn runs_in_view(bars: &[RunBar], brushed: Option<&[u32]>) -> Vec<(u32, u16)> {
    let limit = if brushed.is_some() {
        MAX_BRUSHED_RUNS
    } else {
        RECENT_RUNS
    };
    let mut recent = latest_runs(bars, brushed, limit);
    if brushed.is_some() {
        // The brushed runs in start order.
        recent.reverse();
    }
    recent.into_iter().map(|b| (b.job, b.group)).collect()
}

/// [`Metrics::waiting`]: a run in view with a run id has no series in
/// `cache` and `error` is clear.
fn waiting_memo(
    a: Analysis,
    in_view: Memo<Vec<(u32, u16)>>,
    (cache, error): (RwSignal<Cache>, RwSignal<Option<LoadError>>),
) -> Memo<bool> {
    Memo::new(move |_| {
        if error.with(Option::is_some) {
            return false;
        }
        let Some(l) = a.prepared.get() else {
            return false;
        };
        cache.with(|c| {
            in_view.with(|v| {
                v.iter().any(|(j, _)| {
                    l.prepared
                        .get(*j as usize)
                        .and_then(|job| job.run_id)
                        .is_some_and(|id| !c.contains_key(id))
                })
            })
        })
    })
}

impl Metrics {
    /// Starts fetching what the runs in view lack, and provides the state.
    pub fn provide(
        source: SourceCtx,
        (queues, data): (Queues, DataState),
        a: Analysis,
        ready: Readiness,
    ) -> Metrics {
        // Compared by value, so a change that leaves the same runs in view
        // (a filter on another user's jobs) fetches and redraws nothing.
        let in_view = Memo::new(move |_| {
            let brushed = a.brushed.get();
            a.runs
                .with(|r| runs_in_view(&r.bars, brushed.as_ref().map(|b| b.as_slice())))
        });
        let cache = RwSignal::new(Cache::new());
        let error = RwSignal::new(None::<LoadError>);
        let waiting = waiting_memo(a, in_view, (cache, error));
        let prefetching = RwSignal::new(0usize);
        let prefetch_pending = Memo::new(move |_| prefetching.get() > 0 && waiting.get());
        let m = Metrics {
            cache,
            gpu_means: RwSignal::new(GpuMeans::new()),
            in_view,
            waiting,
            error,
            loading: RwSignal::new(false),
            skipped: RwSignal::new(SkipReport::default()),
            seen: StoredValue::new((HashMap::new(), 0)),
            in_flight: StoredValue::new(HashSet::new()),
            fetches: StoredValue::new(Fetches::default()),
            abort: StoredValue::new_local(None),
            prefetching,
            prefetch_pending,
            rest: StoredValue::new(None),
            flagged: StoredValue::new(false),
            queues,
            a,
            source,
            ready,
        };
        // Runs in view answered by a prefetch still in flight: no fetch of
        // the view holds the page, so this does.
        crate::reactive::effect_with(move |held: Option<bool>| {
            let wait = prefetch_pending.get();
            if held.unwrap_or(false) != wait {
                ready.busy(wait);
            }
            wait
        });
        // Another queue: what was fetched, failed or skipped was the old
        // queue's, and so is any fetch in flight.
        crate::reactive::effect_with(move |shown: Option<Option<String>>| {
            let q = queues.current.get();
            if shown.as_ref() != Some(&q) {
                if let Some(c) = m.abort.get_value() {
                    c.abort();
                }
                m.abort.set_value(AbortController::new().ok());
                m.cache.set(Cache::new());
                m.seen.set_value((HashMap::new(), 0));
                m.gpu_means.set(GpuMeans::new());
                m.skipped.set(SkipReport::default());
                m.error.set(None);
            }
            q
        });
        crate::reactive::effect(move || {
            a.prepared.track();
            queues.current.track();
            in_view.track();
            m.fetch_in_view(true);
        });
        data.on_refresh(move |l| m.prefetch_started(l));
        if let Some(view) = use_context::<ViewState>() {
            view.before_filter(Callback::new(move |()| m.fetch_soon()));
        }
        provide_context(m);
        m
    }

    /// Fetches what the runs in view lack (untracked); `bound`: the view
    /// is new, bound the cache for it first ([`Metrics::bound`]; not after
    /// a prefetch, whose runs it would drop before they come into view).
    fn fetch_in_view(self, bound: bool) {
        if let Some(fetch) = self.fetch_of_view(bound) {
            leptos::task::spawn_local(fetch);
        }
    }

    /// Before a filter changes: a task queued ahead of the effects the
    /// change wakes, which reads the runs the new selection shows (pulling
    /// the memos those effects would compute next anyway) and sends their
    /// usage request in its first poll. From the memo graph's effect the
    /// request left ~16 ms after the input at 10k jobs, behind the
    /// selection's DOM writes; the effect then finds the runs in flight.
    fn fetch_soon(self) {
        leptos::task::spawn_local(async move {
            if let Some(fetch) = self.fetch_of_view(true) {
                fetch.await;
            }
        });
    }

    /// [`Metrics::fetch_in_view`]'s fetch, not started: `None` when the
    /// runs in view lack nothing. The busy count and the bookkeeping are
    /// done now; the request is sent at the future's first poll.
    fn fetch_of_view(self, bound: bool) -> Option<impl std::future::Future<Output = ()>> {
        let (l, queue) = self.fetchable()?;
        let runs = self
            .in_view
            .with_untracked(|v| l.prepared.jobs_at(v.iter().map(|&(j, _)| j as usize)));
        if bound {
            self.bound(&runs);
        }
        let missing = self.missing(&queue, runs);
        (!missing.is_empty()).then(|| self.fetch(self.source, self.ready, queue, missing))
    }

    /// The data and the queue whose runs' usage may be asked for now
    /// (untracked).
    fn fetchable(&self) -> Option<(Shared<Loaded>, String)> {
        let l = self.a.prepared.get_untracked()?;
        let queue = self.queues.current.get_untracked()?;
        // Until the new queue's jobs arrive, the runs on screen are the
        // old queue's: never ask this queue for their run ids. The first
        // pages of a read are not worth their usage either.
        (l.queue == queue && !matches!(l.read, ReadKind::Partial(_))).then_some((l, queue))
    }

    /// Prefetches the usage of the runs a drag's box so far would show
    /// (the brushed runs in view of [`runs_in_view`]) once the box has
    /// rested [`PREFETCH_REST_MS`]; every new box restarts the wait, and
    /// `None` (the release) drops it: the brush's own fetch asks for what
    /// is still missing.
    pub fn prefetch(self, brush: Option<Brush>) {
        self.rest.update_value(|timer| {
            if let Some(t) = timer.take() {
                t.clear();
            }
            *timer = brush.and_then(|b| {
                set_timeout_with_handle(
                    move || {
                        self.rest.set_value(None);
                        self.prefetch_now(&b);
                        self.flag_prefetch();
                    },
                    std::time::Duration::from_millis(PREFETCH_REST_MS),
                )
                .ok()
            });
        });
        self.flag_prefetch();
    }

    /// `<html data-usage-prefetch>` while a prefetch is due or in flight,
    /// so a test can wait for a drag's prefetches to settle.
    fn flag_prefetch(&self) {
        let due = self.rest.with_value(Option::is_some);
        let on = due || self.prefetching.get_untracked() > 0;
        // Written when it changes, not at every mouse move.
        if self.flagged.try_update_value(|f| std::mem::replace(f, on)) != Some(on) {
            crate::dom::set_html_flag("data-usage-prefetch", on);
        }
    }

    /// Starts fetching the usage the runs under `brush` lack (now: a
    /// box that rested, or the release of a drag before the brush is set);
    /// the answer fills the cache like any fetch's, a failure is left to
    /// the fetch of the view.
    pub fn prefetch_now(self, brush: &Brush) {
        let Some((l, queue)) = self.fetchable() else {
            return;
        };
        let runs: Vec<Job> = self.a.runs.with_untracked(|r| {
            let sel = crate::dom::timed("qs:brush-prefetch", || brush_select(r, brush));
            let in_view = runs_in_view(&r.bars, Some(sel.as_slice()));
            l.prepared
                .jobs_at(in_view.into_iter().map(|(j, _)| j as usize))
        });
        self.prefetch_runs(queue, runs);
    }

    /// At a press on `value` of a filter `field` that has no value set yet
    /// (the click that follows adds it): starts fetching the usage of the
    /// runs the view will then show, as a drag's prefetch does. A first
    /// value on a field only narrows the selection (core `value_test`), so
    /// those runs are the [`RECENT_RUNS`] most recent of the bars shown now
    /// whose job passes it: the same runs the change's own fetch would ask
    /// for, which then finds them in flight or cached (no request more).
    /// The press comes ~50-150 ms before a mouse's click, and the request
    /// then leaves before the click's change, not in its task: the first
    /// toggle's round trip overlaps the press. Not with a brush (the runs
    /// in view are then the brushed ones, which the filter changes).
    pub fn prefetch_narrowed(self, field: Field, value: &str) {
        if self.a.brushed.try_with_untracked(Option::is_some) != Some(false) {
            return;
        }
        let Some((l, queue)) = self.fetchable() else {
            return;
        };
        let runs: Vec<Job> = self.a.runs.with_untracked(|r| {
            crate::dom::timed("qs:filter-prefetch", || {
                let pass = value_test(&l.prepared, field, value);
                let passing: Vec<u32> = r
                    .bars
                    .iter()
                    .map(|b| b.job)
                    .filter(|&j| pass(j as usize))
                    .collect();
                let latest = latest_runs(&r.bars, Some(&passing), RECENT_RUNS);
                l.prepared
                    .jobs_at(latest.into_iter().map(|b| b.job as usize))
            })
        });
        self.prefetch_runs(queue, runs);
        self.flag_prefetch();
    }

    /// At a refresh, before the memo graph runs over its data `l`: starts
    /// fetching the usage of the runs that began since the data it was
    /// spliced into was read. Without a brush the charts show the most
    /// recent runs, and a run that began then is more recent than every
    /// run held (those began before), so it comes into view (unless a
    /// filter hides it: a request too many). The graph's own fetch would
    /// ask for it only once the graph has run and the frame is drawn
    /// (~100 ms after the response at 100k jobs); asked now, its answer is
    /// back by then. While it is in flight the page is not `ready`, as
    /// for a brush's prefetch.
    fn prefetch_started(self, l: &Loaded) {
        let Some(base) = l.remap.as_ref().and_then(|c| c.base.upgrade()) else {
            return;
        };
        let brushed = self.a.brushed.try_with_untracked(Option::is_some);
        if brushed != Some(false) || !self.is_current(&l.queue) {
            return;
        }
        let Some(kept) = l.remap.as_ref().map(|c| c.remap.kept) else {
            return;
        };
        // Since the instant the base's figures reach (its `generated_at`,
        // or its range's end when earlier: what the refresh asked from).
        let (from, to) = (super::live::since(&base), l.span.1);
        let began: Vec<(Ms, usize)> = (kept..l.prepared.len())
            .filter_map(|j| {
                let (s, e) = l.prepared.run_span(j)?;
                (s >= from && e > s && s < to).then_some((s, j))
            })
            .collect();
        if began.is_empty() {
            return;
        }
        // The shared sort (a new `sort_by` compiles another copy of std's).
        let began = queuescope_core::sort::sort_vec(began, &|a, b| b.cmp(a));
        let runs = l
            .prepared
            .jobs_at(began.into_iter().take(RECENT_RUNS).map(|(_, j)| j));
        crate::dom::mark("qs-usage-early");
        self.prefetch_runs(l.queue.clone(), runs);
    }

    /// Prefetches the usage of `runs` (those not cached nor in flight) of
    /// `queue` (see [`Metrics::prefetch_now`]).
    fn prefetch_runs(self, queue: String, runs: Vec<Job>) {
        let missing = self.missing(&queue, runs);
        if missing.is_empty() {
            return;
        }
        let abort = self.abort.get_value();
        leptos::task::spawn_local(async move {
            let signal = abort.as_ref().map(|c| c.signal());
            let result = self
                .load_series(self.source, &queue, missing, signal.as_ref())
                .await;
            let aborted = signal.as_ref().is_some_and(|s| s.aborted());
            if let Ok(skipped) = result {
                if !aborted && self.is_current(&queue) && !skipped.is_empty() {
                    self.skipped.update(|k| k.merge(skipped));
                }
            }
            // Runs in view it did not answer (it failed) are asked again,
            // by a fetch that reports its failure; started before the
            // count drops, so the page stays busy throughout.
            self.fetch_in_view(false);
            self.prefetching.update(|n| *n = n.saturating_sub(1));
            self.flag_prefetch();
        });
        // After the task is queued (it runs no sooner): the count wakes
        // the effect that holds the page busy, and that effect computes
        // the runs in view; queued first, the task asks before it does.
        self.prefetching.update(|n| *n += 1);
    }

    /// Bounds the cache for a new set of runs in view ([`prune`]).
    fn bound(&self, runs: &[Job]) {
        let ids: Vec<&str> = runs.iter().filter_map(|j| j.run_id.as_deref()).collect();
        let dropped = self.seen.try_update_value(|(seen, tick)| {
            *tick += 1;
            self.cache
                .with_untracked(|c| prune(c, seen, &ids, *tick, KEPT_RUNS))
        });
        if let Some(dropped) = dropped.filter(|d| !d.is_empty()) {
            // Runs out of view: no chart or memo shows them.
            self.cache.update_untracked(|c| {
                for id in &dropped {
                    c.remove(id);
                }
            });
        }
    }

    /// Fetches the series of `missing` into the cache, for the charts (the
    /// page is busy from now; the request leaves at the first poll).
    fn fetch(
        self,
        source: SourceCtx,
        ready: Readiness,
        queue: String,
        missing: Vec<Job>,
    ) -> impl std::future::Future<Output = ()> {
        let mine = self.fetches.try_update_value(|f| {
            f.running += 1;
            f.started += 1;
            f.started
        });
        self.loading.set(true);
        ready.busy(true);
        let abort = self.abort.get_value();
        async move {
            let signal = abort.as_ref().map(|c| c.signal());
            let result = self
                .load_series(source, &queue, missing, signal.as_ref())
                .await;
            // An aborted fetch was the old queue's, even if that queue is
            // shown again by now.
            let aborted = signal.as_ref().is_some_and(|s| s.aborted());
            let current = !aborted && self.is_current(&queue);
            let settles = self.fetches.try_update_value(|f| {
                f.running = f.running.saturating_sub(1);
                let settles = current && mine.is_some_and(|n| n > f.settled);
                if settles {
                    f.settled = mine.unwrap_or(f.settled);
                }
                (settles, f.running == 0)
            });
            let (settles, idle) = settles.unwrap_or((false, true));
            match result {
                Ok(skipped) if current => {
                    if !skipped.is_empty() {
                        self.skipped.update(|k| k.merge(skipped));
                    }
                    if settles {
                        self.error.set(None);
                    }
                }
                Err(e) if settles => self.error.set(Some(e)),
                _ => {}
            }
            if idle {
                self.loading.set(false);
            }
            ready.busy(false);
        }
    }

    /// Whether `queue` is the queue shown now (untracked).
    fn is_current(&self, queue: &str) -> bool {
        self.queues.current.get_untracked().as_deref() == Some(queue)
    }

    /// The runs of `runs` with a run id that `known` lacks and that no
    /// fetch for the charts has in flight (untracked).
    fn lacking<V>(
        &self,
        known: RwSignal<HashMap<String, V>>,
        queue: &str,
        runs: Vec<Job>,
    ) -> Vec<Job>
    where
        V: Send + Sync + 'static,
    {
        known.with_untracked(|c| {
            self.in_flight.with_value(|f| {
                runs.into_iter()
                    .filter(|job| {
                        job.run_id.as_ref().is_some_and(|id| {
                            !c.contains_key(id) && !f.contains(&(queue.to_string(), id.clone()))
                        })
                    })
                    .collect()
            })
        })
    }

    /// The runs of `runs` whose series the charts still need.
    fn missing(&self, queue: &str, runs: Vec<Job>) -> Vec<Job> {
        self.lacking(self.cache, queue, runs)
    }

    /// The runs of `runs` whose mean GPU use is not known yet (a run that
    /// a chart is fetching counts as known: its mean comes with it).
    pub fn without_mean(&self, queue: &str, runs: Vec<Job>) -> Vec<Job> {
        self.lacking(self.gpu_means, queue, runs)
    }

    /// Fetches the series of `runs` (not cached, not in flight) into the
    /// cache and their means into [`Metrics::gpu_means`]; answers the
    /// series skipped as malformed.
    async fn load_series(
        self,
        source: SourceCtx,
        queue: &str,
        runs: Vec<Job>,
        abort: Option<&AbortSignal>,
    ) -> Result<SkipReport, LoadError> {
        let runs = self.missing(queue, runs);
        let keys: Vec<(String, String)> = runs
            .iter()
            .filter_map(|j| Some((queue.to_string(), j.run_id.clone()?)))
            .collect();
        self.in_flight
            .update_value(|f| f.extend(keys.iter().cloned()));
        let answer = series_of(source, queue, &runs, abort).await;
        self.in_flight.update_value(|f| {
            for k in &keys {
                f.remove(k);
            }
        });
        let (by_run, skipped) = answer?;
        // An answer for runs none of which is in view now (a drag's
        // prefetch, or a view left since) is stored silently: no chart or
        // insight recomputes for it, and the page's `ready` does not move
        // while a drag is under way. They read it when the runs come into
        // view.
        let shown = self.shows_any(&by_run);
        if self.store_means_so(queue, gpu_means(&by_run), shown) {
            let by_run: Cache = crate::dom::timed("qs:usage-downsample", || {
                by_run
                    .into_iter()
                    .map(|(id, series)| (id, series.iter().map(UsageSeries::of).collect()))
                    .collect()
            });
            // Whole runs replace what was there: a run fetched twice never
            // doubles its lines.
            match shown {
                true => self.cache.update(|c| c.extend(by_run)),
                false => self.cache.update_untracked(|c| c.extend(by_run)),
            }
        }
        Ok(skipped)
    }

    /// Whether a run of `by_run` is in view now (untracked).
    fn shows_any(&self, by_run: &UsageByRun) -> bool {
        let Some(l) = self.a.prepared.get_untracked() else {
            return false;
        };
        self.in_view.with_untracked(|v| {
            v.iter().any(|(j, _)| {
                l.prepared
                    .get(*j as usize)
                    .and_then(|job| job.run_id)
                    .is_some_and(|id| by_run.contains_key(id))
            })
        })
    }

    /// Fetches the mean GPU use of `runs` (their series are not kept).
    /// `abort` cancels this fetch only.
    pub async fn fetch_means(
        self,
        source: SourceCtx,
        queue: &str,
        runs: &[Job],
        abort: Option<&AbortSignal>,
    ) -> Result<GpuMeans, LoadError> {
        let (by_run, _skipped) = series_of(source, queue, runs, abort).await?;
        Ok(gpu_means(&by_run))
    }

    /// Adds means fetched for `queue`; dropped (false) when another queue
    /// is shown by now.
    pub fn store_means(self, queue: &str, means: GpuMeans) -> bool {
        self.store_means_so(queue, means, true)
    }

    /// [`Metrics::store_means`], telling the insights (`notify`) or not.
    fn store_means_so(self, queue: &str, means: GpuMeans, notify: bool) -> bool {
        let current = self.is_current(queue);
        if current && !means.is_empty() {
            match notify {
                true => self.gpu_means.update(|m| m.extend(means)),
                false => self.gpu_means.update_untracked(|m| m.extend(means)),
            }
        }
        current
    }
}

/// The usage of `runs` by run id (the source batches them, at most 100 run
/// ids a request), and the series skipped as malformed; a run asked for and
/// not answered maps to no series: loaded, no usage.
async fn series_of(
    source: SourceCtx,
    queue: &str,
    runs: &[Job],
    abort: Option<&AbortSignal>,
) -> Result<(UsageByRun, SkipReport), LoadError> {
    let mut by_run: UsageByRun = runs
        .iter()
        .filter_map(|j| Some((j.run_id.clone()?, Vec::new())))
        .collect();
    if by_run.is_empty() {
        return Ok((by_run, SkipReport::default()));
    }
    let (series, skipped) = source.get().metrics(queue, runs, abort).await?;
    for s in series {
        by_run.entry(s.run_id.clone()).or_default().push(s);
    }
    Ok((by_run, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    fn ids(n: std::ops::Range<usize>) -> Vec<String> {
        n.map(|i| format!("run-{i}")).collect()
    }

    /// A live queue: every refresh brings new recent runs into view. The
    /// cache holds the runs in view plus `keep` others, the most recently
    /// seen, however long it runs.
    #[wasm_bindgen_test]
    fn the_cache_keeps_the_view_and_the_most_recent_others() {
        let mut cache: HashMap<String, u32> = HashMap::new();
        let mut seen = HashMap::new();
        for tick in 0..100u64 {
            // 50 runs in view, moving on by 5 runs a refresh.
            let start = tick as usize * 5;
            let view = ids(start..start + 50);
            let refs: Vec<&str> = view.iter().map(String::as_str).collect();
            let dropped = prune(&cache, &mut seen, &refs, tick + 1, 20);
            for id in &dropped {
                assert!(!view.contains(id), "{id} is in view");
                cache.remove(id);
            }
            for id in &view {
                cache.insert(id.clone(), 0);
            }
            assert!(cache.len() <= 50 + 20 + 5, "{} at {tick}", cache.len());
            assert!(seen.len() <= cache.len() + 50);
        }
        // The last view, and the 20 runs that left it last.
        let mut kept: Vec<usize> = cache.keys().map(|k| k[4..].parse().unwrap()).collect();
        kept.sort_unstable();
        let want: Vec<usize> = (495 - 20..495 + 50).collect();
        assert_eq!(kept, want);
        // A run back in view is never dropped, however old.
        let back = ["run-0"];
        cache.insert("run-0".into(), 0);
        let dropped = prune(&cache, &mut seen, &back, 1000, 0);
        assert!(!dropped.contains(&"run-0".to_string()));
        assert_eq!(dropped.len(), cache.len() - 1);
    }
}
