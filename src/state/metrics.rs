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

use super::{Analysis, Queues, Readiness, SourceCtx};
use crate::api::LoadError;
use leptos::prelude::*;
use queuescope_core::analysis::insights::{gpu_means, GpuMeans};
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
    /// Series fetched so far for the charts.
    pub cache: RwSignal<Cache>,
    /// The mean `gpu_util` of every run whose usage is loaded.
    pub gpu_means: RwSignal<GpuMeans>,
    /// The runs in view: (job index, group), in the order drawn.
    pub in_view: Memo<Vec<(u32, u16)>>,
    /// The charts' last fetch failed with this message.
    pub error: RwSignal<Option<String>>,
    /// A fetch for the charts is in flight.
    pub loading: RwSignal<bool>,
    /// (queue, run id) of the charts' fetches in flight.
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
            gpu_means: RwSignal::new(GpuMeans::new()),
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
            m.gpu_means.set(GpuMeans::new());
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
            match self.load_series(source, &queue, missing).await {
                Ok(()) => self.error.set(None),
                Err(e) => self.error.set(Some(e.to_string())),
            }
            self.loading.set(false);
            ready.busy(false);
        });
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
    /// cache and their means into [`Metrics::gpu_means`].
    async fn load_series(
        self,
        source: SourceCtx,
        queue: &str,
        runs: Vec<Job>,
    ) -> Result<(), LoadError> {
        let runs = self.missing(queue, runs);
        let keys: Vec<(String, String)> = runs
            .iter()
            .filter_map(|j| Some((queue.to_string(), j.run_id.clone()?)))
            .collect();
        self.in_flight
            .update_value(|f| f.extend(keys.iter().cloned()));
        let answer = series_of(source, queue, &runs, None).await;
        self.in_flight.update_value(|f| {
            for k in &keys {
                f.remove(k);
            }
        });
        let by_run = answer?;
        if self.store_means(queue, gpu_means(&by_run)) {
            // Whole runs replace what was there: a run fetched twice never
            // doubles its lines.
            self.cache.update(|c| c.extend(by_run));
        }
        Ok(())
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
        Ok(gpu_means(&series_of(source, queue, runs, abort).await?))
    }

    /// Adds means fetched for `queue`; dropped (false) when another queue
    /// is shown by now.
    pub fn store_means(self, queue: &str, means: GpuMeans) -> bool {
        let current = self.queues.current.get_untracked().as_deref() == Some(queue);
        if current && !means.is_empty() {
            self.gpu_means.update(|m| m.extend(means));
        }
        current
    }
}

/// The usage of `runs` by run id (the source batches them, at most 100 run
/// ids a request); a run asked for and not answered maps to no series:
/// loaded, no usage.
async fn series_of(
    source: SourceCtx,
    queue: &str,
    runs: &[Job],
    abort: Option<&AbortSignal>,
) -> Result<Cache, LoadError> {
    let mut by_run: Cache = runs
        .iter()
        .filter_map(|j| Some((j.run_id.clone()?, Vec::new())))
        .collect();
    if by_run.is_empty() {
        return Ok(by_run);
    }
    let (series, _skipped) = source.get().metrics(queue, runs, abort).await?;
    for s in series {
        by_run.entry(s.run_id.clone()).or_default().push(s);
    }
    Ok(by_run)
}
