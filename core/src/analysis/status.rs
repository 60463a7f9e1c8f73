//! The "Job status" panel (SPEC §3 "Job status"): per bucket and state, how
//! many distinct jobs were in a non-terminal state, or entered a terminal one.

use super::filter::Selection;
use super::prepared::Prepared;
use super::time::BucketGrid;
use crate::model::{JobState, Ms};

/// Counts per state and bucket, one stacked-bar trace per state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusCounts {
    /// The 9 known states always (fixed colours, stable legend), in display
    /// order, then the unknown states that selected jobs passed through, sorted.
    pub states: Vec<JobState>,
    /// `counts[state][bucket]`, parallel to `states` and the grid.
    pub counts: Vec<Vec<u32>>,
}

/// The buckets a span `[start, end)` overlaps with positive length inside the
/// range, as an inclusive index range; `None` when it has no time inside.
pub(crate) fn span_buckets(grid: &BucketGrid, start: Ms, end: Ms) -> Option<(usize, usize)> {
    let a = start.max(grid.range.from);
    let b = end.min(grid.range.to);
    (a < b && !grid.is_empty()).then(|| (grid.index_in_range(a), grid.index_in_range(b - 1)))
}

/// SPEC §3 job status over the selected jobs. Non-terminal state s in bucket
/// B: jobs whose time in s overlaps B with positive length, each job once
/// however often it re-entered s. Terminal s: jobs whose transition into s
/// lies in B. Cost: O(events of the selection + states × buckets); each
/// span adds to a difference array instead of visiting its buckets.
pub fn job_status(prep: &Prepared, sel: &Selection, grid: &BucketGrid) -> StatusCounts {
    let ns = prep.states.len();
    let nb = grid.len();
    let width = nb + 1;
    let mut diff = vec![0i64; ns * width];
    let mut seen = vec![false; ns];
    // Per state, the bucket range this job is counted in so far, merged so a
    // job re-entering a state within counted buckets is not counted twice.
    let mut open: Vec<Option<(usize, usize)>> = vec![None; ns];
    let mut touched: Vec<usize> = Vec::with_capacity(8);
    let flush = |diff: &mut [i64], s: usize, (f, l): (usize, usize)| {
        if let Some(d) = diff.get_mut(s * width + f) {
            *d += 1;
        }
        if let Some(d) = diff.get_mut(s * width + l + 1) {
            *d -= 1;
        }
    };
    for &j in &sel.0 {
        for ev in prep.events_of(j as usize) {
            let s = ev.state as usize;
            if let Some(x) = seen.get_mut(s) {
                *x = true;
            }
            let hit = if ev.terminal {
                grid.index_of(ev.start).map(|i| (i, i))
            } else {
                span_buckets(grid, ev.start, ev.end)
            };
            let (Some((f, l)), Some(slot)) = (hit, open.get_mut(s)) else {
                continue;
            };
            match *slot {
                Some((of, ol)) if f <= ol + 1 => *slot = Some((of, ol.max(l))),
                Some(prev) => {
                    *slot = Some((f, l));
                    flush(&mut diff, s, prev);
                }
                None => {
                    *slot = Some((f, l));
                    touched.push(s);
                }
            }
        }
        for s in touched.drain(..) {
            if let Some(r) = open.get_mut(s).and_then(Option::take) {
                flush(&mut diff, s, r);
            }
        }
    }
    let mut out = StatusCounts::default();
    for (s, state) in prep.states.iter().enumerate() {
        let known = !matches!(state, JobState::Other(_));
        if !known && !seen.get(s).copied().unwrap_or(false) {
            continue;
        }
        let mut acc = 0i64;
        let row = diff
            .get(s * width..s * width + nb)
            .unwrap_or(&[])
            .iter()
            .map(|d| {
                acc += d;
                u32::try_from(acc).unwrap_or(0)
            })
            .collect();
        out.states.push(state.clone());
        out.counts.push(row);
    }
    out
}
