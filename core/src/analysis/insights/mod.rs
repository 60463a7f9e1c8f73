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
//! failure_spikes   (Prepared, Selection, BucketGrid,
//!                   StatusCounts)                          where did failures spike
//! under_used_gpus  (Prepared, RunIds, Selection, range,
//!                   usage)                                 which runs waste their GPUs
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

pub use gpus::{runs_to_load, under_used_gpus, RunIds, UnderUsed, UnderUsedRun, UsageByRun};
pub use hours::{waiting_by_hour, HourCell, WaitingByHour, HOURS_OF_WEEK};
pub use idle::{idle_windows, IdleWindow, IdleWindows};
pub use spikes::{failure_spikes, FailureSpike, FailureSpikes};
pub use waits::{who_waits, GroupWait};

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

/// The top [`TOP_ITEMS`] of `items` by `order` (O(n) to find them, then a
/// sort of at most [`TOP_ITEMS`]).
fn top<T>(mut items: Vec<T>, order: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    if items.len() > TOP_ITEMS {
        items.select_nth_unstable_by(TOP_ITEMS - 1, &order);
        items.truncate(TOP_ITEMS);
    }
    items.sort_by(order);
    items
}
