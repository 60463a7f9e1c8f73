//! Headline numbers of a view, each defined exactly so they can be tested.

use super::filter::Selection;
use super::prepared::Prepared;
use super::runs::shown_runs;
use super::time::TimeRange;
use crate::model::{JobState, Ms, HOUR, SECOND};

/// The summary line above the panels.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Selected jobs (filters passed, lifetime overlaps the range).
    pub jobs: usize,
    /// Selected jobs whose run overlaps the range with positive length (the
    /// bars of the timeline).
    pub runs: usize,
    /// Hours the selected jobs spent `idle` or `queued` inside the range
    /// (the queued-time panel's total, in hours).
    pub queued_hours: f64,
    /// Median wait of the selected jobs that started running inside the
    /// range: seconds from their first transition to their first `running`.
    /// Even counts average the two middle values. `None` when no job started.
    pub median_wait_secs: Option<f64>,
    /// 95th percentile of the same waits, nearest rank: the
    /// `ceil(0.95 n)`-th smallest.
    pub p95_wait_secs: Option<f64>,
    /// Of the selected jobs whose terminal transition lies in the range, the
    /// share that `failed` or `crashed` (`killed` is a decision, not a
    /// failure). `None` when none ended in the range.
    pub failure_rate: Option<f64>,
    /// Share of the range during which no selected job was running (no run
    /// span covers the instant): how idle the hardware was. 0 for an empty range.
    pub idle_share: f64,
}

/// Computes the [`Summary`] of a view: O(selection + runs), no sorting
/// (runs come in start order from [`Prepared`], percentiles by selection).
pub fn summary(prep: &Prepared, sel: &Selection, range: TimeRange) -> Summary {
    let mut waits: Vec<Ms> = Vec::new();
    let mut queued: Ms = 0;
    let (mut ended, mut failed) = (0usize, 0usize);
    for &j in &sel.0 {
        let i = j as usize;
        waits.extend(wait_to_run(prep, i, range));
        queued += waiting_in(prep, i, range);
        if let Some(at) = prep.ended(i) {
            if range.contains(at) {
                ended += 1;
                let state = prep.states.get(usize::from(prep.current(i)));
                if matches!(state, Some(JobState::Failed | JobState::Crashed)) {
                    failed += 1;
                }
            }
        }
    }
    let secs = |ms: Ms| ms as f64 / SECOND as f64;
    let median = median_x2(&mut waits).map(|m2| secs(m2) / 2.0);
    let p95 = p95(&mut waits).map(secs);
    let (runs, spans) = busy_spans(prep, sel, range);
    let busy: Ms = spans.iter().map(|&(s, e)| e - s).sum();
    Summary {
        jobs: sel.len(),
        runs,
        queued_hours: queued as f64 / HOUR as f64,
        median_wait_secs: median,
        p95_wait_secs: p95,
        failure_rate: (ended > 0).then(|| failed as f64 / ended as f64),
        idle_share: if range.is_empty() {
            0.0
        } else {
            1.0 - busy as f64 / range.len() as f64
        },
    }
}

/// The wait of SPEC §3 (the header's median and p95, and "who waits
/// most"): for job `i` whose run started inside the range, the ms from its
/// first transition to its first `running`; `None` for other jobs.
pub(crate) fn wait_to_run(prep: &Prepared, i: usize, range: TimeRange) -> Option<Ms> {
    let (s, _) = prep.run_span(i)?;
    range.contains(s).then(|| s - prep.lifetime(i).0)
}

/// Job `i`'s `idle` and `queued` ms inside the range: its share of the
/// queued-time panel's total.
pub(crate) fn waiting_in(prep: &Prepared, i: usize, range: TimeRange) -> Ms {
    prep.waiting_spans(i)
        .map(|(s, e)| range.overlap(s, e))
        .sum()
}

/// The k-th smallest of `v` (0-based; reorders `v`; O(n)).
pub(crate) fn kth_smallest<T: Ord + Copy>(v: &mut [T], k: usize) -> Option<T> {
    if k >= v.len() {
        return None;
    }
    let (_, x, _) = v.select_nth_unstable(k);
    Some(*x)
}

/// The 95th percentile by nearest rank, the `ceil(0.95 n)`-th smallest
/// (SPEC §3, the header's p95 wait); `None` for no values. Reorders `v`.
pub(crate) fn p95<T: Ord + Copy>(v: &mut [T]) -> Option<T> {
    kth_smallest(v, (v.len() * 95).div_ceil(100).saturating_sub(1))
}

/// Twice the median (the sum of the two middle values for an even count,
/// so it stays an exact integer); `None` for no values. Reorders `v`.
pub(crate) fn median_x2(v: &mut [Ms]) -> Option<Ms> {
    let n = v.len();
    let hi = kth_smallest(v, n / 2)?;
    if n % 2 == 1 {
        return Some(2 * hi);
    }
    kth_smallest(v, n / 2 - 1).map(|lo| lo + hi)
}

/// The number of shown runs (selected, positive overlap with the range)
/// and the union of their spans clipped to the range: disjoint, sorted,
/// separated by gaps of positive length. Its complement in the range is
/// the idle time (the summary's idle share, the idle windows).
pub(crate) fn busy_spans(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
) -> (usize, Vec<(Ms, Ms)>) {
    let pos = prep.positions(sel);
    let mut count = 0usize;
    let mut out: Vec<(Ms, Ms)> = Vec::new();
    for r in shown_runs(prep, &pos, range) {
        count += 1;
        // Clipped starts keep the start order, so the union merges in one pass.
        let (s, e) = (r.start.max(range.from), r.end.min(range.to));
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    (count, out)
}
