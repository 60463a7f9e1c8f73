//! Usage series for the CPU and GPU charts: fetched lazily for the runs in
//! view (the brushed runs, else the most recent), at most 100 run ids a
//! request, and cached per run until the queue changes.

use super::{Analysis, Queues, Readiness, SourceCtx};
use leptos::prelude::*;
use queuescope_core::analysis::RunBar;
use queuescope_core::parse::Series;
use queuescope_core::Job;
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
    /// Series fetched so far.
    pub cache: RwSignal<Cache>,
    /// The runs in view: (job index, group), in the order drawn.
    pub in_view: Memo<Vec<(u32, u16)>>,
    /// The last fetch failed with this message.
    pub error: RwSignal<Option<String>>,
    /// A fetch is in flight.
    pub loading: RwSignal<bool>,
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
    let recent = bars.split_off(cut);
    let mut recent = queuescope_core::sort::sort_vec(recent, &|x, y| {
        y.start.cmp(&x.start).then(x.job.cmp(&y.job))
    });
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
        };
        // A new queue empties the cache.
        Effect::new(move |_| {
            queues.current.track();
            m.cache.set(Cache::new());
        });
        Effect::new(move |_| {
            let Some(l) = a.prepared.get() else { return };
            let Some(queue) = queues.current.get() else {
                return;
            };
            let missing: Vec<Job> = in_view.with(|v| {
                m.cache.with_untracked(|c| {
                    v.iter()
                        .filter_map(|(j, _)| l.prepared.get(*j as usize))
                        .filter(|job| job.run_id.is_some_and(|id| !c.contains_key(id)))
                        .map(|job| job.to_job())
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

    /// Fetches the series of `missing` into the cache.
    fn fetch(self, source: SourceCtx, ready: Readiness, queue: String, missing: Vec<Job>) {
        let s = source.get();
        self.loading.set(true);
        ready.busy(true);
        leptos::task::spawn_local(async move {
            match s.metrics(&queue, &missing, None).await {
                Ok((series, _skipped)) => {
                    self.cache.update(|c| {
                        for id in missing.iter().filter_map(|j| j.run_id.clone()) {
                            c.entry(id).or_default();
                        }
                        for s in series {
                            c.entry(s.run_id.clone()).or_default().push(s);
                        }
                    });
                    self.error.set(None);
                }
                Err(e) => self.error.set(Some(e.to_string())),
            }
            self.loading.set(false);
            ready.busy(false);
        });
    }
}
