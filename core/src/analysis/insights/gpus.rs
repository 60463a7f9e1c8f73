//! Under-used GPUs (SPEC §3.1): runs that held GPUs for a long time and
//! barely used them.

use std::collections::HashMap;

use super::{top, UNDER_USED_MAX_MEAN, UNDER_USED_MIN_RUN};
use crate::analysis::runs::shown_runs;
use crate::analysis::{Prepared, Selection, TimeRange, NONE_NAME};
use crate::model::{Ms, HOUR};
use crate::parse::{Metric, Series};

/// The usage loaded so far: run id → its series (every metric). A run whose
/// usage was asked for and that has none maps to an empty list: loaded,
/// nothing to judge.
pub type UsageByRun = HashMap<String, Vec<Series>>;

/// One under-used run.
#[derive(Debug, Clone, PartialEq)]
pub struct UnderUsedRun {
    /// Job index into [`Prepared`] (the run to select in Job runs).
    pub job: u32,
    /// Run id (`data-run-id`).
    pub run_id: String,
    /// Launch job.
    pub launch_job: String,
    /// User, `(none)` when the job has none.
    pub user: String,
    /// The plain mean of the run's non-null `gpu_util` samples, percent.
    pub mean_gpu: f64,
    /// The run's length in ms, start to end (or to `generated_at` while it
    /// runs), not clipped to the range (`data-seconds` × 1000).
    pub run_len: Ms,
    /// (100 − mean) / 100 × run hours: the GPU-hours it held and did not
    /// use, which orders the list.
    pub unused_hours: f64,
}

/// The under-used runs of a view, and what they were judged on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnderUsed {
    /// The [`super::TOP_ITEMS`] with the most unused GPU-hours, most first,
    /// ties by run id.
    pub runs: Vec<UnderUsedRun>,
    /// How many runs of the view are under-used (shown or not).
    pub count: usize,
    /// Runs of the view whose usage is loaded: the runs judged.
    pub loaded: usize,
    /// Runs of the view that have a run id (only those have usage).
    pub in_view: usize,
}

/// The plain mean of the non-null `gpu_util` samples, if the run has any.
fn mean_gpu(series: &[Series]) -> Option<f64> {
    let s = series.iter().find(|s| s.metric == Metric::GpuUtil)?;
    let (sum, n) =
        s.v.iter()
            .flatten()
            .fold((0.0, 0u32), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// SPEC §3.1 under-used GPUs: of the runs the view shows (selected jobs,
/// run overlapping the range) whose usage is loaded, those that ran at least
/// [`UNDER_USED_MIN_RUN`] with a mean `gpu_util` under
/// [`UNDER_USED_MAX_MEAN`] %, ordered by unused GPU-hours. A run id shared
/// by several jobs is listed once (its largest). O(runs of the view).
pub fn under_used_gpus(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
    usage: &UsageByRun,
) -> UnderUsed {
    let pos = prep.positions(sel);
    let mut out = UnderUsed::default();
    let mut found: Vec<UnderUsedRun> = Vec::new();
    for r in shown_runs(prep, &pos, range) {
        let Some(job) = prep.get(r.job as usize) else {
            continue;
        };
        let Some(run_id) = &job.run_id else { continue };
        out.in_view += 1;
        if usage.is_empty() {
            continue;
        }
        let Some(series) = usage.get(run_id) else {
            continue;
        };
        out.loaded += 1;
        let run_len = r.end - r.start;
        let Some(mean) = mean_gpu(series) else {
            continue;
        };
        if run_len < UNDER_USED_MIN_RUN || mean >= UNDER_USED_MAX_MEAN {
            continue;
        }
        found.push(UnderUsedRun {
            job: r.job,
            run_id: run_id.clone(),
            launch_job: job.job.clone(),
            user: job.user.clone().unwrap_or_else(|| NONE_NAME.to_string()),
            mean_gpu: mean,
            run_len,
            unused_hours: (100.0 - mean) / 100.0 * run_len as f64 / HOUR as f64,
        });
    }
    let order = |a: &UnderUsedRun, b: &UnderUsedRun| {
        b.unused_hours
            .total_cmp(&a.unused_hours)
            .then_with(|| a.run_id.cmp(&b.run_id))
    };
    // One entry per run id: its largest.
    found.sort_by(|a, b| a.run_id.cmp(&b.run_id).then_with(|| order(a, b)));
    found.dedup_by(|later, first| later.run_id == first.run_id);
    out.count = found.len();
    out.runs = top(found, order);
    out
}

/// The runs of the view (as [`under_used_gpus`] counts them in `in_view`)
/// whose usage is not loaded yet, as job indices, most recent start first:
/// what the panel offers to load, in batches of at most 100 run ids. A
/// run id shared by several jobs comes once per job.
pub fn runs_to_load(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
    usage: &UsageByRun,
) -> Vec<u32> {
    let pos = prep.positions(sel);
    let mut out: Vec<u32> = shown_runs(prep, &pos, range)
        .filter(|r| {
            prep.get(r.job as usize)
                .and_then(|j| j.run_id.as_ref())
                .is_some_and(|id| !usage.contains_key(id))
        })
        .map(|r| r.job)
        .collect();
    out.reverse();
    out
}
