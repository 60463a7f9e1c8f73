//! Failure spikes (SPEC §3.1): the buckets where far more jobs failed than
//! usual, and whose launch job was behind them.

use std::collections::HashMap;

use super::{top, SPIKE_FACTOR, SPIKE_MIN_FAILURES};
use crate::analysis::prepared::NO_VALUE;
use crate::analysis::summary::median_x2;
use crate::analysis::{BucketGrid, Field, Prepared, Selection, StatusCounts, NONE_NAME};
use crate::model::{JobState, Ms};

/// One bucket with a failure spike.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FailureSpike {
    /// Index of the bucket in the grid.
    pub bucket: usize,
    /// The bucket clipped to the range, `[start, end)` (`data-start`/`data-end`;
    /// the range a link to it sets).
    pub start: Ms,
    /// See `start`.
    pub end: Ms,
    /// Jobs that entered `failed` plus jobs that entered `crashed` in the
    /// bucket: the bucket's Failed and Crashed bars of job status (`data-count`).
    pub count: u32,
    /// The user with the most of those failures (ties by name; `(none)` for
    /// jobs without a user).
    pub user: String,
    /// Their failures in the bucket.
    pub user_failures: u32,
    /// The launch job with the most of those failures (ties by name).
    pub job: String,
    /// Its failures in the bucket.
    pub job_failures: u32,
}

/// The failure spikes of a view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FailureSpikes {
    /// The newest [`super::TOP_ITEMS`] spikes, newest first.
    pub spikes: Vec<FailureSpike>,
    /// How many buckets of the range are spikes (shown or not).
    pub count: usize,
    /// The median failures per bucket over all buckets of the range.
    pub median: f64,
    /// The least count that is a spike: max(3, 3 × median), rounded up.
    pub threshold: u32,
}

impl FailureSpikes {
    /// The floor of [`SPIKE_MIN_FAILURES`] set the threshold: 3 × the
    /// median is fewer (a quiet range, whose median bucket has no or one
    /// failure), so "3 × the median" does not explain it.
    pub fn at_floor(&self) -> bool {
        self.threshold == SPIKE_MIN_FAILURES
            && (SPIKE_FACTOR as f64) * self.median < f64::from(SPIKE_MIN_FAILURES)
    }
}

/// SPEC §3.1 failure spikes: the buckets whose count of transitions into
/// `failed` or `crashed` is at least max(3, 3 × the median of that count
/// over all buckets of the range), newest first, with the user and launch
/// job behind most of each. The counts are job status's (`status`, for the
/// same selection and grid), so a spike is exactly the Failed + Crashed
/// bars a user sees; only the spikes shown go back to the jobs, to name
/// the user and launch job. O(buckets) without a spike.
pub fn failure_spikes(
    prep: &Prepared,
    sel: &Selection,
    grid: &BucketGrid,
    status: &StatusCounts,
) -> FailureSpikes {
    let row = |s: JobState| status.states.iter().position(|x| *x == s);
    let rows: Vec<&Vec<u32>> = [row(JobState::Failed), row(JobState::Crashed)]
        .into_iter()
        .flatten()
        .filter_map(|r| status.counts.get(r))
        .collect();
    let counts: Vec<u32> = (0..grid.len())
        .map(|b| rows.iter().map(|r| r.get(b).copied().unwrap_or(0)).sum())
        .collect();
    let mut sorted: Vec<Ms> = counts.iter().map(|&c| Ms::from(c)).collect();
    let m2 = median_x2(&mut sorted).unwrap_or(0);
    // count >= 3 m  <=>  count >= ceil(3 m2 / 2), all in integers.
    let threshold = u32::try_from((SPIKE_FACTOR * m2 + 1) / 2)
        .unwrap_or(u32::MAX)
        .max(SPIKE_MIN_FAILURES);
    let all: Vec<usize> = (0..counts.len())
        .filter(|&b| counts[b] >= threshold)
        .collect();
    let count = all.len();
    let newest = top(all, |a, b| b.cmp(a));
    let names = blame(prep, sel, grid, &newest);
    let spikes = newest
        .iter()
        .zip(names)
        .map(|(&b, ((user, user_failures), (job, job_failures)))| {
            let (start, end) = grid.bucket(b);
            FailureSpike {
                bucket: b,
                start,
                end,
                count: counts[b],
                user,
                user_failures,
                job,
                job_failures,
            }
        })
        .collect();
    FailureSpikes {
        spikes,
        count,
        median: m2 as f64 / 2.0,
        threshold,
    }
}

/// Per bucket of `buckets`: the user and the launch job with the most
/// failures there (each with its count, ties by name), counting as job
/// status does (a job once per terminal state and bucket).
fn blame(
    prep: &Prepared,
    sel: &Selection,
    grid: &BucketGrid,
    buckets: &[usize],
) -> Vec<((String, u32), (String, u32))> {
    let id = |s: JobState| prep.states.iter().position(|x| *x == s);
    let failing: Vec<u16> = [id(JobState::Failed), id(JobState::Crashed)]
        .into_iter()
        .flatten()
        .filter_map(|i| u16::try_from(i).ok())
        .collect();
    let slot: HashMap<usize, usize> = buckets.iter().enumerate().map(|(k, &b)| (b, k)).collect();
    let lo = buckets.iter().map(|&b| grid.bucket(b).0).min().unwrap_or(0);
    let hi = buckets.iter().map(|&b| grid.bucket(b).1).max().unwrap_or(0);
    // (spike, user id, job id) per counted failure.
    let mut hits: Vec<(usize, u32, u32)> = Vec::new();
    let mut seen: Vec<(u16, usize)> = Vec::new();
    let users = prep.field_column(Field::User);
    let launches = prep.field_column(Field::Job);
    let value = |col: Option<&crate::analysis::prepared::Column>, i: usize| {
        col.and_then(|c| c.value(i)).unwrap_or(NO_VALUE)
    };
    for &j in &sel.0 {
        let i = j as usize;
        // Events start at the transitions, in time order: skip jobs with
        // none in the spikes' span.
        let times = prep.transition_times(i);
        match (times.first(), times.last()) {
            (Some(&f), Some(&l)) if f < hi && l >= lo => {}
            _ => continue,
        }
        let events = prep.events_of(i);
        seen.clear();
        for ev in events {
            if !ev.terminal || !failing.contains(&ev.state) {
                continue;
            }
            let Some(b) = grid.index_of(ev.start) else {
                continue;
            };
            let Some(&k) = slot.get(&b) else { continue };
            if seen.contains(&(ev.state, b)) {
                continue;
            }
            seen.push((ev.state, b));
            hits.push((k, value(users, i), value(launches, i)));
        }
    }
    let name = |col: Option<&crate::analysis::prepared::Column>, id: u32| -> String {
        col.and_then(|c| c.names.get(id as usize))
            .map_or(NONE_NAME, String::as_str)
            .to_string()
    };
    (0..buckets.len())
        .map(|k| {
            let most = |pick: fn(&(usize, u32, u32)) -> u32, col| {
                let mut tally: HashMap<u32, u32> = HashMap::new();
                for h in hits.iter().filter(|h| h.0 == k) {
                    *tally.entry(pick(h)).or_insert(0) += 1;
                }
                tally
                    .into_iter()
                    .map(|(id, n)| (name(col, id), n))
                    .min_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)))
                    .unwrap_or_else(|| (NONE_NAME.to_string(), 0))
            };
            (most(|h| h.1, users), most(|h| h.2, launches))
        })
        .collect()
}
