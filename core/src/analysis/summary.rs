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

/// Computes the [`Summary`] of a view. O(selection log selection).
pub fn summary(prep: &Prepared, sel: &Selection, range: TimeRange) -> Summary {
    let mut runs: Vec<(Ms, Ms)> = Vec::new();
    let mut waits: Vec<Ms> = Vec::new();
    let mut queued: Ms = 0;
    let (mut ended, mut failed) = (0usize, 0usize);
    for &j in &sel.0 {
        let i = j as usize;
        if let Some((s, e)) = prep.run_span(i) {
            if range.overlap(s, e) > 0 {
                runs.push((s.max(range.from), e.min(range.to)));
            }
            if range.contains(s) {
                let enq = prep.lifetime.get(i).map_or(s, |l| l.0);
                waits.push(s - enq);
            }
        }
        queued += prep
            .waiting_spans(i)
            .map(|(s, e)| range.overlap(s, e))
            .sum::<Ms>();
        if let Some(at) = prep.ended.get(i).copied().flatten() {
            if range.contains(at) {
                ended += 1;
                let state = prep.get(i).map(|j| j.current_state());
                if matches!(state, Some(JobState::Failed | JobState::Crashed)) {
                    failed += 1;
                }
            }
        }
    }
    waits.sort_unstable();
    let n = waits.len();
    let at = |k: usize| waits.get(k).map(|&w| w as f64 / SECOND as f64);
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => at(n / 2),
        _ => at(n / 2 - 1).zip(at(n / 2)).map(|(a, b)| (a + b) / 2.0),
    };
    let p95 = (n > 0)
        .then(|| at((n * 95).div_ceil(100).saturating_sub(1)))
        .flatten();
    let busy = union_len(&mut runs);
    Summary {
        jobs: sel.len(),
        runs: runs.len(),
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

/// Total length covered by the union of intervals (sorts them in place;
/// the count of intervals is unchanged).
fn union_len(spans: &mut [(Ms, Ms)]) -> Ms {
    spans.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(Ms, Ms)> = None;
    for &(s, e) in spans.iter() {
        cur = match cur {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    total + cur.map_or(0, |(s, e)| e - s)
}
