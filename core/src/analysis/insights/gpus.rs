//! Under-used GPUs (SPEC §3.1): runs that held GPUs for a long time and
//! barely used them.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use super::{top, UNDER_USED_MAX_MEAN, UNDER_USED_MIN_RUN};
use crate::analysis::runs::shown_runs;
use crate::analysis::{Prepared, Remap, RunLayout, Selection, TimeRange, NONE_NAME};
use crate::model::{Ms, HOUR};
use crate::parse::{Metric, Series};

/// The usage loaded so far: run id → its series (every metric). A run whose
/// usage was asked for and that has none maps to an empty list: loaded,
/// nothing to judge.
pub type UsageByRun = HashMap<String, Vec<Series>>;

/// What the insight needs of the loaded usage: run id → the mean of its
/// `gpu_util` ([`mean_gpu_util`]; `None`: loaded, no sample to judge). A
/// few bytes a run where its series are kilobytes, so the usage of every
/// run of a large view fits in a page ([`gpu_means`] reduces the series).
pub type GpuMeans = HashMap<String, Option<f64>>;

/// The [`GpuMeans`] of some usage.
pub fn gpu_means(usage: &UsageByRun) -> GpuMeans {
    usage
        .iter()
        .map(|(id, series)| (id.clone(), mean_gpu_util(series)))
        .collect()
}

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

/// SPEC §3.1's mean GPU use of a run: the plain mean of the non-null
/// `gpu_util` samples of its series, if it has any.
pub fn mean_gpu_util(series: &[Series]) -> Option<f64> {
    let s = series.iter().find(|s| s.metric == Metric::GpuUtil)?;
    let (sum, n) =
        s.v.iter()
            .flatten()
            .fold((0.0, 0u32), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// The jobs of each run id, derived once per data load (next to
/// [`Prepared`]). Run ids are strings on the jobs: looking one up for each
/// of a view's runs costs two cache misses and a hash per run (40 ms at
/// 85k runs), while the usage loaded is a few hundred runs. With this, a
/// view reads one byte per run and looks up only the loaded run ids.
///
/// Keyed by a hash of the run id (seeded per index, so a backend cannot
/// pick colliding ids) with the jobs of one hash chained, so building it
/// copies no strings; a lookup compares the real ids along its chain.
#[derive(Debug, Clone, Default)]
pub struct RunIds {
    hasher: RandomState,
    /// Hash of a run id → the first job with it.
    first: HashMap<u64, u32>,
    /// Per job: the next job whose run id has the same hash (`u32::MAX`: none).
    next: Vec<u32>,
    /// Per job: whether it has a run id (only those can have usage).
    has_id: Vec<bool>,
}

impl RunIds {
    /// Indexes the run ids of every job: O(jobs), no string copies.
    pub fn new(prep: &Prepared) -> RunIds {
        let n = prep.len();
        let mut out = RunIds {
            hasher: RandomState::new(),
            first: HashMap::with_capacity(n),
            next: vec![u32::MAX; n],
            has_id: vec![false; n],
        };
        // Backwards, so each chain lists its jobs in dataset order.
        for i in (0..n).rev() {
            let (Some(id), Ok(j)) = (prep.run_id(i), u32::try_from(i)) else {
                continue;
            };
            out.has_id[i] = true;
            let head = out.first.entry(out.hasher.hash_one(id)).or_insert(u32::MAX);
            out.next[i] = *head;
            *head = j;
        }
        out
    }

    /// The index of `new`, an update of the [`Prepared`] this index was
    /// built from ([`Prepared::updated_remap`]), without hashing the held
    /// jobs' run ids again: their chains are carried over through `remap`
    /// (the jobs that went are skipped), and only the changed jobs, which
    /// follow the held ones, are hashed and appended to their chains. The
    /// same lookups as [`RunIds::new`] of `new`, in the same order (the
    /// property tests check it). `None` when `remap` is not of this index's
    /// data (another job count).
    pub fn updated(&self, new: &Prepared, remap: &Remap) -> Option<RunIds> {
        if remap.old.len() != self.next.len() {
            return None;
        }
        let mapped = |i: u32| remap.old.get(i as usize).copied().unwrap_or(u32::MAX);
        // The first kept job of the chain from `i` on, as its new index.
        let kept_from = |mut i: u32| {
            while i != u32::MAX {
                let m = mapped(i);
                if m != u32::MAX {
                    return m;
                }
                i = self.next.get(i as usize).copied().unwrap_or(u32::MAX);
            }
            u32::MAX
        };
        let n = new.len();
        let mut out = RunIds {
            hasher: self.hasher.clone(),
            first: self.first.clone(),
            next: vec![u32::MAX; n],
            has_id: vec![false; n],
        };
        for (i, (&to, &next)) in (0u32..).zip(remap.old.iter().zip(&self.next)) {
            if to == u32::MAX {
                continue;
            }
            if let Some(slot) = out.next.get_mut(to as usize) {
                *slot = kept_from(next);
            }
            if let Some(h) = out.has_id.get_mut(to as usize) {
                *h = self.has_id(i);
            }
        }
        out.first.retain(|_, head| {
            *head = kept_from(*head);
            *head != u32::MAX
        });
        // The changed jobs, in order, each at the end of its chain.
        for i in remap.kept..n {
            let (Some(id), Ok(j)) = (new.run_id(i), u32::try_from(i)) else {
                continue;
            };
            if let Some(h) = out.has_id.get_mut(i) {
                *h = true;
            }
            let head = out.first.entry(out.hasher.hash_one(id)).or_insert(j);
            let mut tail = *head;
            while tail != j {
                match out.next.get(tail as usize).copied() {
                    Some(next) if next != u32::MAX => tail = next,
                    _ => {
                        if let Some(slot) = out.next.get_mut(tail as usize) {
                            *slot = j;
                        }
                        break;
                    }
                }
            }
        }
        Some(out)
    }

    /// The jobs with this run id (job indices into `prep`, the [`Prepared`]
    /// this index was built from), in dataset order.
    pub fn jobs<'a>(
        &'a self,
        prep: &'a Prepared,
        run_id: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        let head = self
            .first
            .get(&self.hasher.hash_one(run_id))
            .copied()
            .unwrap_or(u32::MAX);
        std::iter::successors(Some(head), |&j| self.next.get(j as usize).copied())
            .take_while(|&j| j != u32::MAX)
            .filter(move |&j| {
                prep.get(j as usize)
                    .is_some_and(|job| job.run_id == Some(run_id))
            })
    }

    /// Whether job `i` has a run id.
    fn has_id(&self, i: u32) -> bool {
        self.has_id.get(i as usize).copied().unwrap_or(false)
    }
}

/// The loaded GPU means by job of one [`Prepared`]: what
/// [`under_used_gpus`] and [`runs_to_load`] read, one slot a job, so a view
/// costs a pass over its runs however many runs are loaded. Built once per
/// data load or change of the loaded means ([`JobMeans::new`], one run-id
/// lookup per loaded run), not per selection, range or grouping.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobMeans {
    /// Per job: `None` without a run id, else [`Usage`].
    slots: Vec<Option<Usage>>,
}

/// The usage of a job's run as far as the insight knows it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Usage {
    /// Not loaded yet.
    Unknown,
    /// Loaded: the mean `gpu_util`, `None` without samples.
    Loaded(Option<f64>),
}

impl JobMeans {
    /// The means of `means` on the jobs of `prep` (`ids` is
    /// [`RunIds::new`] of `prep`). O(jobs + loaded runs).
    pub fn new(prep: &Prepared, ids: &RunIds, means: &GpuMeans) -> JobMeans {
        let mut slots: Vec<Option<Usage>> = (0..prep.len())
            .map(|j| ids.has_id(j as u32).then_some(Usage::Unknown))
            .collect();
        for (run_id, &mean) in means {
            for j in ids.jobs(prep, run_id) {
                if let Some(slot) = slots.get_mut(j as usize) {
                    *slot = Some(Usage::Loaded(mean));
                }
            }
        }
        JobMeans { slots }
    }

    fn get(&self, job: u32) -> Option<Usage> {
        self.slots.get(job as usize).copied().flatten()
    }
}

/// SPEC §3.1 under-used GPUs: of the runs the view shows (selected jobs,
/// run overlapping the range) whose usage is loaded (see [`JobMeans`]),
/// those that ran at least [`UNDER_USED_MIN_RUN`] with a mean `gpu_util`
/// under [`UNDER_USED_MAX_MEAN`] %, ordered by unused GPU-hours. A run id
/// shared by several jobs is listed once (its largest, the first in
/// dataset order among equals). O(runs of the view); strings are touched
/// only for the under-used runs.
pub fn under_used_gpus(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
    means: &JobMeans,
) -> UnderUsed {
    let pos = prep.positions(sel);
    let runs = shown_runs(prep, &pos, range).map(|r| (r.job, r.start, r.end));
    judge_runs(prep, runs, means)
}

/// [`under_used_gpus`] of the view whose run lanes are `layout` (its bars
/// are the view's shown runs, in the same order): no run looked up again.
pub fn under_used_gpus_in(prep: &Prepared, layout: &RunLayout, means: &JobMeans) -> UnderUsed {
    judge_runs(
        prep,
        layout.bars.iter().map(|b| (b.job, b.start, b.end)),
        means,
    )
}

/// [`under_used_gpus`] over the shown runs `runs` (job, start, end).
fn judge_runs(
    prep: &Prepared,
    runs: impl Iterator<Item = (u32, Ms, Ms)>,
    means: &JobMeans,
) -> UnderUsed {
    let mut out = UnderUsed::default();
    // Per run id, its largest under-used run.
    let mut found: HashMap<&str, Judged> = HashMap::new();
    for (job, start, end) in runs {
        let Some(usage) = means.get(job) else {
            continue;
        };
        out.in_view += 1;
        let Usage::Loaded(mean) = usage else {
            continue;
        };
        out.loaded += 1;
        let run_len = end - start;
        let (Some(m), Some(run_id)) = (mean, prep.get(job as usize).and_then(|j| j.run_id)) else {
            continue;
        };
        if run_len < UNDER_USED_MIN_RUN || m >= UNDER_USED_MAX_MEAN {
            continue;
        }
        let judged = Judged {
            job,
            mean: m,
            run_len,
            unused_hours: (100.0 - m) / 100.0 * run_len as f64 / HOUR as f64,
        };
        let best = found.entry(run_id).or_insert(judged);
        if judged.unused_hours > best.unused_hours
            || (judged.unused_hours == best.unused_hours && judged.job < best.job)
        {
            *best = judged;
        }
    }
    out.count = found.len();
    let order = |(a_id, a): &(&str, Judged), (b_id, b): &(&str, Judged)| {
        b.unused_hours
            .total_cmp(&a.unused_hours)
            .then_with(|| a_id.cmp(b_id))
    };
    out.runs = top(found, order)
        .into_iter()
        .filter_map(|(run_id, b)| {
            let job = prep.get(b.job as usize)?;
            Some(UnderUsedRun {
                job: b.job,
                run_id: run_id.to_string(),
                launch_job: job.job.to_string(),
                user: job.user.unwrap_or(NONE_NAME).to_string(),
                mean_gpu: b.mean,
                run_len: b.run_len,
                unused_hours: b.unused_hours,
            })
        })
        .collect();
    out
}

/// An under-used run as judged, before it is listed.
#[derive(Clone, Copy)]
struct Judged {
    job: u32,
    mean: f64,
    run_len: Ms,
    unused_hours: f64,
}

/// The runs of the view (as [`under_used_gpus`] counts them in `in_view`)
/// whose usage is not loaded yet, as job indices, most recent start first:
/// what the panel offers to load, in batches of at most 100 run ids. A
/// run id shared by several jobs comes once per job.
pub fn runs_to_load(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
    means: &JobMeans,
) -> Vec<u32> {
    let pos = prep.positions(sel);
    let mut out: Vec<u32> = shown_runs(prep, &pos, range)
        .filter(|r| means.get(r.job) == Some(Usage::Unknown))
        .map(|r| r.job)
        .collect();
    out.reverse();
    out
}
