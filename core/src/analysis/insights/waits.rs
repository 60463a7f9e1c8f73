//! Who waits most (SPEC §3.1): the groups of the current grouping whose
//! jobs spent the most time waiting in the range.

use super::top;
use crate::analysis::summary::{p95, wait_to_run, waiting_in};
use crate::analysis::{Groups, Prepared, Selection, TimeRange};
use crate::model::Ms;

/// One group's waiting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupWait {
    /// The group's name (`data-group`; the filter a link to it sets).
    pub group: String,
    /// Ms the group's selected jobs spent `idle` or `queued` inside the range
    /// (its queued-time bars summed; `data-seconds` × 1000).
    pub waiting: Ms,
    /// How many of the group's selected jobs waited inside the range
    /// (positive waiting time in it; `data-count`).
    pub jobs: usize,
    /// The p95 wait of the header's rule, over the group's jobs that
    /// started running inside the range: the `ceil(0.95 n)`-th smallest
    /// of their waits (first transition to first `running`), in ms.
    /// `None` when none of them started in the range.
    pub p95_wait: Option<Ms>,
    /// That `n`: the group's jobs that started running inside the range.
    pub started: usize,
}

/// SPEC §3.1 who waits most: per group of `groups` (the current grouping
/// of `sel`, before folding, so no group hides in `(other)`), the waiting
/// ms inside the range, the jobs that waited and their p95 wait; the
/// [`super::TOP_ITEMS`] groups with the most waiting, ties by name. Groups
/// that did not wait at all are left out. O(selection).
pub fn who_waits(
    prep: &Prepared,
    sel: &Selection,
    groups: &Groups,
    range: TimeRange,
) -> Vec<GroupWait> {
    let n = groups.names.len();
    let mut waiting = vec![0 as Ms; n];
    let mut jobs = vec![0usize; n];
    for (&j, &g) in sel.0.iter().zip(&groups.of_job) {
        let w = waiting_in(prep, j as usize, range);
        if let (true, Some(total), Some(count)) = (
            w > 0,
            waiting.get_mut(usize::from(g)),
            jobs.get_mut(usize::from(g)),
        ) {
            *total += w;
            *count += 1;
        }
    }
    let name = |g: usize| groups.names.get(g).map_or("", String::as_str);
    let best = top(
        (0..n).filter(|&g| waiting[g] > 0),
        |&a: &usize, &b: &usize| waiting[b].cmp(&waiting[a]).then(name(a).cmp(name(b))),
    );
    // The waits to run, only for the groups shown.
    let mut slot = vec![usize::MAX; n];
    for (k, &g) in best.iter().enumerate() {
        slot[g] = k;
    }
    let mut waits: Vec<Vec<Ms>> = vec![Vec::new(); best.len()];
    for (&j, &g) in sel.0.iter().zip(&groups.of_job) {
        if let Some(w) = slot.get(usize::from(g)).and_then(|&k| waits.get_mut(k)) {
            w.extend(wait_to_run(prep, j as usize, range));
        }
    }
    best.iter()
        .zip(&mut waits)
        .map(|(&g, w)| GroupWait {
            group: name(g).to_string(),
            waiting: waiting[g],
            jobs: jobs[g],
            p95_wait: p95(w),
            started: w.len(),
        })
        .collect()
}
