//! The "Job status" panel (SPEC §3 "Job status"): per bucket and state, how
//! many distinct jobs were in a non-terminal state, or entered a terminal one.

use super::filter::Selection;
use super::prepared::{Prepared, Remap, Slide};
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
    for &j in &sel.0 {
        let mut add = |s: usize, r| flush(&mut diff, width, s, r, 1);
        job_runs(
            prep,
            j,
            grid,
            (&mut open, &mut touched),
            &mut seen,
            &mut add,
        );
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

/// A run of buckets, first and last (inclusive).
type Buckets = (usize, usize);

/// Adds `sign` to the difference array of state `s` over buckets `f..=l`.
fn flush(diff: &mut [i64], width: usize, s: usize, (f, l): (usize, usize), sign: i64) {
    if let Some(d) = diff.get_mut(s * width + f) {
        *d += sign;
    }
    if let Some(d) = diff.get_mut(s * width + l + 1) {
        *d -= sign;
    }
}

/// Job `j`'s part of [`job_status`]: per state, the runs of buckets it
/// counts in (each bucket once however often it re-entered the state),
/// given to `emit`; the states it passed through marked in `seen`.
/// `open`/`touched` are scratch space (one slot a state, empty on return).
fn job_runs(
    prep: &Prepared,
    j: u32,
    grid: &BucketGrid,
    (open, touched): (&mut [Option<Buckets>], &mut Vec<usize>),
    seen: &mut [bool],
    emit: &mut impl FnMut(usize, (usize, usize)),
) {
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
                emit(s, prev);
            }
            None => {
                *slot = Some((f, l));
                touched.push(s);
            }
        }
    }
    for s in touched.drain(..) {
        if let Some(r) = open.get_mut(s).and_then(Option::take) {
            emit(s, r);
        }
    }
}

/// [`job_status`] of `new` after an incremental read, from `old`'s (the
/// counts of `old.1` over `old.0`, the data the read was spliced into, on
/// `old.2`): the jobs that went take their counts away, the changed ones
/// add theirs, and the held jobs count as before. `grid` may have slid
/// forward from the old one (a relative range at a refresh): the buckets
/// it shares with it keep their counts (those that left at the start go,
/// new ones at the end start empty), and the held jobs that start before
/// its start ([`Slide::edge`]) are counted again. When the new
/// `generated_at` lies in a later bucket than the old one (a read across
/// a bucket's edge), the held jobs still going count in their current
/// state in the buckets their open span reaches now. Exact, and `None`
/// (compute it afresh) whenever that does not hold:
///
/// - unknown states in the data (the states shown depend on every job);
/// - the held selected jobs are not exactly the old selection's kept jobs,
///   in order (a filter or the range treats them differently now);
/// - a held selected job's last transition is at or after the previous
///   `generated_at` (its spans may have changed);
/// - the grids are not the same buckets shifted ([`slid_by`]), or the
///   range moved otherwise than forward ([`Slide::new`]).
pub fn job_status_updated(
    counts: &StatusCounts,
    old: (&Prepared, &Selection, &BucketGrid),
    new: (&Prepared, &Selection),
    remap: &Remap,
    grid: &BucketGrid,
) -> Option<StatusCounts> {
    let ((op, os, og), (np, ns)) = (old, new);
    let known = JobState::KNOWN.len();
    let nb = grid.len();
    let same_shape = op.states.len() == known
        && np.states.len() == known
        && counts.states.len() == known
        && counts.counts.iter().all(|row| row.len() == og.len());
    if !same_shape || nb == 0 {
        return None;
    }
    let slide = Slide::new(og.range, grid.range, op.generated_at())?;
    let d = slid_by(og, grid)?;
    // Open spans end at generated_at: in bucket `l0` before (on the new
    // grid), in `l1` now.
    let (g0, g1) = (slide.base, np.generated_at().min(grid.range.to));
    if g0 <= grid.range.from.max(og.range.from) || g1 < g0 {
        return None;
    }
    let l0 = og.index_in_range(g0 - 1).checked_sub(d)?;
    let l1 = grid.index_in_range(g1 - 1);
    if l1 < l0 {
        return None;
    }
    let held = remap.held_selected(op, os, ns, &slide)?;
    let width = nb + 1;
    let mut diff = vec![0i64; known * width];
    if l1 > l0 {
        // The read crossed a bucket's edge: a held job still going (not
        // one at a slid start, counted again below) is in its current
        // state in the buckets after `l0` too. Its other spans end before
        // its last transition, so it was in none of them before.
        let mut edge = held.edge.iter().map(|&(_, m)| m).peekable();
        for &m in remap.split(ns).0 {
            if edge.next_if_eq(&m).is_some() || np.ended(m as usize).is_some() {
                continue;
            }
            let s = usize::from(np.current(m as usize));
            flush(&mut diff, width, s, (l0 + 1, l1), 1);
        }
    }
    let mut open: Vec<Option<(usize, usize)>> = vec![None; known];
    let mut touched: Vec<usize> = Vec::with_capacity(8);
    let mut seen = vec![false; known];
    let old_jobs = held.gone.iter().chain(held.edge.iter().map(|(i, _)| i));
    for &j in old_jobs {
        // Old buckets, shifted onto the new grid; those that left skipped.
        let mut sub = |s: usize, (f, l): (usize, usize)| {
            if l >= d {
                flush(&mut diff, width, s, (f.max(d) - d, l - d), -1);
            }
        };
        job_runs(op, j, og, (&mut open, &mut touched), &mut seen, &mut sub);
    }
    let (_, came) = remap.split(ns);
    for &j in came.iter().chain(held.edge.iter().map(|(_, m)| m)) {
        let mut add = |s: usize, r| flush(&mut diff, width, s, r, 1);
        job_runs(np, j, grid, (&mut open, &mut touched), &mut seen, &mut add);
    }
    let mut out = StatusCounts {
        states: counts.states.clone(),
        counts: Vec::with_capacity(known),
    };
    for (s, row) in counts.counts.iter().enumerate() {
        let carried = row.get(d..).unwrap_or(&[]).iter().copied();
        let mut acc = 0i64;
        let new_row = carried
            .chain(std::iter::repeat(0))
            .take(nb)
            .enumerate()
            .map(|(b, c)| {
                acc += diff.get(s * width + b).copied().unwrap_or(0);
                u32::try_from(i64::from(c) + acc).ok()
            })
            .collect::<Option<Vec<u32>>>()?;
        out.counts.push(new_row);
    }
    Some(out)
}

/// How many buckets left `old` at the start to make `new`, when `new`'s
/// buckets are `old`'s from there on (the same starts; more may follow at
/// the end): the grid of a range that slid forward. `None` otherwise.
pub(crate) fn slid_by(old: &BucketGrid, new: &BucketGrid) -> Option<usize> {
    let first = *new.starts.first()?;
    let d = old.starts.partition_point(|&s| s < first);
    let rest = old.starts.get(d..)?;
    (new.width == old.width && new.starts.get(..rest.len())? == rest).then_some(d)
}
