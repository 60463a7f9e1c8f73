//! The insights of SPEC §3.1: the questions the dashboard exists to
//! answer, for the current view.
//!
//! One function per insight, each over only what it depends on, so the app
//! memoises each on its own inputs and a control that does not concern an
//! insight does not recompute it:
//!
//! ```text
//! idle_windows     (Prepared, Selection, range)            when is the queue idle
//! waiting_by_hour  (Prepared, Selection, range, Zone)      when does demand peak
//! who_waits        (Prepared, Selection, Groups, range)    who suffers from waiting
//!                  (carried over a refresh: who_waits_updated)
//! failure_spikes   (Prepared, Selection, BucketGrid,
//!                   StatusCounts)                          where did failures spike
//! under_used_gpus  (Prepared, Selection, range, JobMeans)  which runs waste their GPUs
//! ```
//!
//! They reuse the rules the panels already follow (run spans and waiting
//! spans of [`Prepared`](super::Prepared), the header's p95 wait, the job
//! status counts, the bucket grid), so an insight can never disagree with
//! the chart that shows it. Results carry raw figures (ms, counts, names,
//! job indices); formatting is the app's.

mod gpus;
mod hours;
mod idle;
mod spikes;
mod waits;

pub use gpus::{
    gpu_means, mean_gpu_util, runs_to_load, under_used_gpus, under_used_gpus_in, GpuMeans,
    JobMeans, RunIds, UnderUsed, UnderUsedRun, UsageByRun,
};
pub use hours::{waiting_by_hour, waiting_by_hour_updated, HourCell, WaitingByHour, HOURS_OF_WEEK};
pub use idle::{idle_windows, idle_windows_in, IdleWindow, IdleWindows};
pub use spikes::{failure_spikes, FailureSpike, FailureSpikes};
pub use waits::{who_waits, who_waits_of, who_waits_parts, who_waits_updated, GroupWait, WhoParts};

use crate::model::{Ms, MINUTE};

/// Every list of the panel shows at most this many items (SPEC §3.1).
pub const TOP_ITEMS: usize = 5;

/// The shortest idle window (SPEC §3.1): 30 minutes.
pub const MIN_IDLE: Ms = 30 * MINUTE;

/// A failure spike needs at least this many failures in its bucket, and at
/// least [`SPIKE_FACTOR`] times the median bucket.
pub const SPIKE_MIN_FAILURES: u32 = 3;

/// See [`SPIKE_MIN_FAILURES`].
pub const SPIKE_FACTOR: i64 = 3;

/// Runs shorter than this are not judged on their GPU use (SPEC §3.1).
pub const UNDER_USED_MIN_RUN: Ms = 30 * MINUTE;

/// A run whose mean `gpu_util` is under this (percent) is under-used.
pub const UNDER_USED_MAX_MEAN: f64 = 20.0;

/// The first [`TOP_ITEMS`] of `items` in `order` (equal items keep their
/// order), in one pass that keeps the best few sorted: O(n) comparisons
/// against the last kept, and no sorting machinery per item type in the
/// wasm.
fn top<T>(
    items: impl IntoIterator<Item = T>,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    use std::cmp::Ordering::Greater;
    let mut best: Vec<T> = Vec::with_capacity(TOP_ITEMS + 1);
    for x in items {
        if best.len() == TOP_ITEMS
            && best
                .last()
                .is_some_and(|last| order(&x, last) != std::cmp::Ordering::Less)
        {
            continue;
        }
        let at = best.partition_point(|b| order(b, &x) != Greater);
        best.insert(at, x);
        best.truncate(TOP_ITEMS);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_keeps_the_first_few_in_order_and_ties_in_arrival_order() {
        let by_first = |a: &(i32, char), b: &(i32, char)| b.0.cmp(&a.0);
        let items = [
            (1, 'a'),
            (5, 'b'),
            (3, 'c'),
            (5, 'd'),
            (2, 'e'),
            (9, 'f'),
            (3, 'g'),
        ];
        assert_eq!(
            top(items, by_first),
            [(9, 'f'), (5, 'b'), (5, 'd'), (3, 'c'), (3, 'g')]
        );
        assert_eq!(top([(1, 'a')], by_first), [(1, 'a')]);
        assert!(top(Vec::<(i32, char)>::new(), by_first).is_empty());
    }
}
