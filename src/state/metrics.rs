//! Usage series for the CPU and GPU charts: fetched lazily for the runs in
//! view (the brushed runs, else the most recent), at most 100 run ids a
//! request, and cached per run until the queue changes. A newer fetch
//! aborts the one in flight; answers are kept only for the queue they were
//! asked for, and only the newest fetch sets or clears the error
//! (issue #10 row 5).

use super::{Analysis, Queues, Readiness, SourceCtx};
use leptos::prelude::*;
use queuescope_core::analysis::RunBar;
use queuescope_core::parse::Series;
use queuescope_core::{Job, SkipReport};
use std::collections::{HashMap, HashSet};

/// Runs shown when no brush is active.
pub const RECENT_RUNS: usize = 50;
/// Most brushed runs shown (one metrics request's worth).
pub const MAX_BRUSHED_RUNS: usize = queuescope_core::contract::MAX_RUN_IDS_PER_REQUEST;

/// Cached series: run id → its series (all metrics).
pub type Cache = HashMap<String, Vec<Series>>;

/// The usage data of the runs in view.
#[derive(Clone, Copy)]
pub struct Metrics {
    /// Series fetched so far, of [`Metrics::queue`]'s runs.
    pub cache: RwSignal<Cache>,
    /// The runs in view: (job index, group), in the order drawn.
    pub in_view: Memo<Vec<(u32, u16)>>,
    /// The newest fetch failed with this message.
    pub error: RwSignal<Option<String>>,
    /// The newest fetch is in flight.
    pub loading: RwSignal<bool>,
    /// Series of this queue skipped as malformed (SPEC §2: reported).
    pub skipped: RwSignal<SkipReport>,
    /// The queue the cache, error and skips belong to.
    queue: StoredValue<Option<String>>,
    /// Fetches started so far: the number of the newest (see [`Metrics::fetch`]).
    newest: StoredValue<u64>,
    /// The newest fetch, to abort when a newer one supersedes it.
    in_flight: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
}

/// The runs in view. Without a brush the [`RECENT_RUNS`] most recent runs;
/// with one, the brushed runs in run-start order, at most
/// [`MAX_BRUSHED_RUNS`] of them (the most recent ones): a brush over a busy
/// day hits 20k runs, whose metrics would be 200 requests and 80k lines.
fn runs_in_view(bars: &[RunBar], brushed: Option<&[u32]>) -> Vec<(u32, u16)> {
    let (mut bars, limit): (Vec<&RunBar>, usize) = match brushed {
        Some(sel) => {
            let wanted: HashSet<u32> = sel.iter().copied().collect();
            let hit = bars.iter().filter(|b| wanted.contains(&b.job));
            (hit.collect(), MAX_BRUSHED_RUNS)
        }
        None => (bars.iter().collect(), RECENT_RUNS),
    };
    // Bars are in start order: the most recent are at the end. Runs that
    // start with the cut-off one join in, so ties on the start time are
    // decided by job index as before.
    let mut cut = bars.len().saturating_sub(limit);
    while cut > 0 && cut < bars.len() && bars[cut - 1].start == bars[cut].start {
        cut -= 1;
    }
    let mut recent = bars.split_off(cut);
    recent.sort_by(|x, y| y.start.cmp(&x.start).then(x.job.cmp(&y.job)));
    recent.truncate(limit);
    if brushed.is_some() {
        // The brushed runs in start order.
        recent.reverse();
    }
    recent.into_iter().map(|b| (b.job, b.group)).collect()
}

impl Metrics {
    /// Starts fetching what the runs in view lack, and provides the state.
    pub fn provide(source: SourceCtx, queues: Queues, a: Analysis, ready: Readiness) -> Metrics {
        // Compared by value, so a change that leaves the same runs in view
        // (a filter on another user's jobs) fetches and redraws nothing.
        let in_view = Memo::new(move |_| {
            let brushed = a.brushed.get();
            a.runs
                .with(|r| runs_in_view(&r.bars, brushed.as_ref().map(|b| b.as_slice())))
        });
        let m = Metrics {
            cache: RwSignal::new(Cache::new()),
            in_view,
            error: RwSignal::new(None),
            loading: RwSignal::new(false),
            skipped: RwSignal::new(SkipReport::default()),
            queue: StoredValue::new(None),
            newest: StoredValue::new(0),
            in_flight: StoredValue::new_local(None),
        };
        // Another queue: what was fetched, failed or skipped was the old
        // queue's, and so is any fetch in flight.
        Effect::new(move |_| {
            let q = queues.current.get();
            if m.queue.with_value(|old| *old != q) {
                m.supersede();
                m.queue.set_value(q);
                m.cache.set(Cache::new());
                m.skipped.set(SkipReport::default());
                m.error.set(None);
                m.loading.set(false);
            }
        });
        Effect::new(move |_| {
            let Some(l) = a.prepared.get() else { return };
            let Some(queue) = queues.current.get() else {
                return;
            };
            // Until the new queue's jobs arrive, the runs on screen are the
            // old queue's: never ask this queue for their run ids.
            if l.queue != queue {
                return;
            }
            let missing: Vec<Job> = in_view.with(|v| {
                m.cache.with_untracked(|c| {
                    v.iter()
                        .filter_map(|(j, _)| l.prepared.get(*j as usize))
                        .filter(|job| job.run_id.as_ref().is_some_and(|id| !c.contains_key(id)))
                        .cloned()
                        .collect()
                })
            });
            if !missing.is_empty() {
                m.fetch(source, ready, queue, missing);
            }
        });
        provide_context(m);
        m
    }

    /// Aborts the fetch in flight and makes every earlier fetch stale.
    fn supersede(self) {
        if let Some(c) = self.in_flight.get_value() {
            c.abort();
        }
        self.in_flight.set_value(None);
        self.newest.update_value(|n| *n += 1);
    }

    /// Fetches the series of `missing` (of `queue`) into the cache. It
    /// supersedes the fetch in flight: the runs that one asked for are
    /// still missing from the cache, so `missing` asks for them again.
    /// What comes back is kept only for the queue it was asked for; an
    /// answer to a superseded fetch may still fill the cache (its series
    /// are right for their runs) but never sets the error or clears it,
    /// so a stale failure never covers a newer success, and its skipped
    /// series are counted by the newer fetch.
    fn fetch(self, source: SourceCtx, ready: Readiness, queue: String, missing: Vec<Job>) {
        self.supersede();
        let mine = self.newest.get_value();
        let ctrl = web_sys::AbortController::new().ok();
        self.in_flight.set_value(ctrl.clone());
        let s = source.get();
        self.loading.set(true);
        ready.busy(true);
        leptos::task::spawn_local(async move {
            let signal = ctrl.as_ref().map(|c| c.signal());
            let result = s.metrics(&queue, &missing, signal.as_ref()).await;
            let same_queue = self
                .queue
                .with_value(|q| q.as_deref() == Some(queue.as_str()));
            let newest = self.newest.get_value() == mine;
            match result {
                Ok((series, skipped)) if same_queue => {
                    self.cache.update(|c| {
                        for id in missing.iter().filter_map(|j| j.run_id.clone()) {
                            c.entry(id).or_default();
                        }
                        for s in series {
                            c.entry(s.run_id.clone()).or_default().push(s);
                        }
                    });
                    // Only the newest fetch counts skipped series: it asked
                    // again for every run a superseded one had not cached,
                    // so counting both would count a series twice.
                    if newest {
                        if !skipped.is_empty() {
                            self.skipped.update(|k| k.merge(skipped));
                        }
                        self.error.set(None);
                    }
                }
                Err(e) if same_queue && newest => self.error.set(Some(e.to_string())),
                _ => {}
            }
            if newest {
                self.in_flight.set_value(None);
                self.loading.set(false);
            }
            ready.busy(false);
        });
    }
}
