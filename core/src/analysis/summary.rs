//! Headline numbers of a view, each defined exactly so they can be tested.

use super::filter::Selection;
use super::prepared::Prepared;
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
        if let Some((s, _)) = prep.run_span(i) {
            if range.contains(s) {
                let enq = prep.lifetime(i).0;
                waits.push(s - enq);
            }
        }
        queued += prep
            .waiting_spans(i)
            .map(|(s, e)| range.overlap(s, e))
            .sum::<Ms>();
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
    let n = waits.len();
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => nth(&mut waits, n / 2),
        _ => nth(&mut waits, n / 2)
            .zip(nth(&mut waits, n / 2 - 1))
            .map(|(a, b)| (a + b) / 2.0),
    };
    let p95 = nth(&mut waits, (n * 95).div_ceil(100).saturating_sub(1));
    let (runs, busy) = runs_and_busy(prep, sel, range);
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

/// The k-th smallest wait in seconds (reorders `v`; O(n)).
fn nth(v: &mut [Ms], k: usize) -> Option<f64> {
    if k >= v.len() {
        return None;
    }
    let (_, x, _) = v.select_nth_unstable(k);
    Some(*x as f64 / SECOND as f64)
}

/// The number of shown runs (selected, positive overlap with the range)
/// and the length of the union of their spans inside the range.
fn runs_and_busy(prep: &Prepared, sel: &Selection, range: TimeRange) -> (usize, Ms) {
    let pos = prep.positions(sel);
    let (mut count, mut busy) = (0usize, 0 as Ms);
    let mut cur: Option<(Ms, Ms)> = None;
    for &j in &prep.run_order {
        let Some((s, e)) = prep.run_span(j as usize) else {
            continue;
        };
        if s >= range.to {
            break;
        }
        if range.overlap(s, e) <= 0 || pos.get(j as usize).is_none_or(|&k| k == u32::MAX) {
            continue;
        }
        count += 1;
        // Clipped starts keep the start order, so the union merges in one pass.
        let (s, e) = (s.max(range.from), e.min(range.to));
        cur = match cur {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                busy += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    (count, busy + cur.map_or(0, |(s, e)| e - s))
}
