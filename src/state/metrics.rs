//! Usage series for the CPU and GPU charts and the under-used GPUs:
//! fetched lazily for the runs in view (the brushed runs, else the most
//! recent), at most 100 run ids a request, and cached per run until the
//! queue changes. Every fetch goes through [`Metrics::load`], which skips
//! runs cached or in flight and replaces a run's series whole, so the
//! charts' loads and the insights' batches never fetch a run twice at once
//! nor duplicate its lines.

use super::{Analysis, Queues, Readiness, SourceCtx};
use crate::api::LoadError;
use leptos::prelude::*;
use queuescope_core::analysis::RunBar;
use queuescope_core::parse::Series;
use queuescope_core::Job;
use std::collections::{HashMap, HashSet};
use web_sys::AbortSignal;

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
    /// The charts' last fetch failed with this message.
    pub error: RwSignal<Option<String>>,
    /// A fetch for the charts is in flight.
    pub loading: RwSignal<bool>,
    /// (queue, run id) of every fetch in flight, the charts' and others'.
    in_flight: StoredValue<HashSet<(String, String)>>,
    queues: Queues,
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
            in_flight: StoredValue::new(HashSet::new()),
            queues,
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
            let runs: Vec<Job> = in_view.with(|v| {
                v.iter()
                    .filter_map(|(j, _)| l.prepared.get(*j as usize))
                    .cloned()
                    .collect()
            });
            let missing = m.missing(&queue, runs);
            if !missing.is_empty() {
                m.fetch(source, ready, queue, missing);
            }
        });
        provide_context(m);
        m
    }

    /// Fetches the series of `missing` into the cache, for the charts.
    fn fetch(self, source: SourceCtx, ready: Readiness, queue: String, missing: Vec<Job>) {
        self.loading.set(true);
        ready.busy(true);
        leptos::task::spawn_local(async move {
            match self.load(source, &queue, missing, None).await {
                Ok(()) => self.error.set(None),
                Err(e) => self.error.set(Some(e.to_string())),
            }
            self.loading.set(false);
            ready.busy(false);
        });
    }

    /// The runs of `runs` that have a run id whose usage is neither cached
    /// nor being fetched (untracked).
    fn missing(&self, queue: &str, runs: Vec<Job>) -> Vec<Job> {
        self.cache.with_untracked(|c| {
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

    /// Fetches the usage of those of `runs` that are neither cached nor in
    /// flight into the cache (the source batches them, at most 100 run ids
    /// a request). A run asked for and not answered is cached as empty:
    /// loaded, no usage. The answer is dropped when the queue changed
    /// meanwhile. `abort` cancels this fetch only.
    pub async fn load(
        self,
        source: SourceCtx,
        queue: &str,
        runs: Vec<Job>,
        abort: Option<&AbortSignal>,
    ) -> Result<(), LoadError> {
        let runs = self.missing(queue, runs);
        if runs.is_empty() {
            return Ok(());
        }
        let keys: Vec<(String, String)> = runs
            .iter()
            .filter_map(|j| Some((queue.to_string(), j.run_id.clone()?)))
            .collect();
        self.in_flight
            .update_value(|f| f.extend(keys.iter().cloned()));
        let answer = source.get().metrics(queue, &runs, abort).await;
        self.in_flight.update_value(|f| {
            for k in &keys {
                f.remove(k);
            }
        });
        let (series, _skipped) = answer?;
        if self.queues.current.get_untracked().as_deref() != Some(queue) {
            return Ok(());
        }
        let mut by_run: Cache = keys.into_iter().map(|(_, id)| (id, Vec::new())).collect();
        for s in series {
            by_run.entry(s.run_id.clone()).or_default().push(s);
        }
        // Whole runs replace what was there: a run fetched twice (by a
        // load that started before the other landed) never doubles.
        self.cache.update(|c| c.extend(by_run));
        Ok(())
    }
}
