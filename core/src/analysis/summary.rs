//! Headline numbers of a view, each defined exactly so they can be tested.

use super::filter::Selection;
use super::prepared::{Prepared, Remap, Slide};
use super::runs::{shown_runs, RunLayout};
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

/// Computes the [`Summary`] of a view: O(selection log selection + runs)
/// (runs come in start order from [`Prepared`]; the waits are sorted).
pub fn summary(prep: &Prepared, sel: &Selection, range: TimeRange) -> Summary {
    summary_of(
        &summary_parts(prep, sel, range),
        busy_spans(prep, sel, range),
        range,
    )
}

/// [`summary`] of the view whose per-job parts are `parts`
/// ([`summary_parts`]) and whose run lanes are `layout` (its bars are the
/// view's shown runs): the runs and the busy time from its bars. O(bars).
pub fn summary_in(parts: &SummaryParts, layout: &RunLayout, range: TimeRange) -> Summary {
    summary_of(parts, busy_spans_of(layout, range), range)
}

/// What a [`Summary`] sums over the selected jobs, kept so that a refresh
/// can carry it over ([`summary_parts_updated`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SummaryParts {
    /// Selected jobs.
    jobs: usize,
    /// The waits to run ([`wait_to_run`]), sorted.
    waits: Vec<Ms>,
    /// Waiting ms inside the range.
    queued: Ms,
    /// Jobs that ended inside the range, and those of them that failed.
    ended: (usize, usize),
}

/// Job `i`'s part of [`SummaryParts`]: its wait to run, its waiting ms in
/// the range, and whether it ended in the range (and failed).
fn job_part(prep: &Prepared, i: usize, range: TimeRange) -> (Option<Ms>, Ms, (usize, usize)) {
    let ended = match prep.ended(i) {
        Some(at) if range.contains(at) => {
            let state = prep.states.get(usize::from(prep.current(i)));
            let failed = matches!(state, Some(JobState::Failed | JobState::Crashed));
            (1, usize::from(failed))
        }
        _ => (0, 0),
    };
    (
        wait_to_run(prep, i, range),
        waiting_in(prep, i, range),
        ended,
    )
}

/// The [`SummaryParts`] of a view: O(selection log selection).
pub fn summary_parts(prep: &Prepared, sel: &Selection, range: TimeRange) -> SummaryParts {
    let mut p = SummaryParts {
        jobs: sel.len(),
        ..SummaryParts::default()
    };
    for &j in &sel.0 {
        let (wait, queued, ended) = job_part(prep, j as usize, range);
        p.waits.extend(wait);
        p.queued += queued;
        p.ended = (p.ended.0 + ended.0, p.ended.1 + ended.1);
    }
    p.waits.sort_unstable();
    p
}

/// [`summary_parts`] of `new` after an incremental read, from `parts`,
/// those of `old` over `ranges.0` (the data the read was spliced into, and
/// the same view's selection of it), for `ranges.1`: the same range or one
/// that slid forward ([`Slide::new`]). The jobs that went take their part
/// away, the changed ones and the held ones at a slid start
/// ([`Slide::edge`]) are counted again, and another held job waiting now
/// adds the time from the old `generated_at` to the new one inside the
/// range (its wait to run and end do not change: its record did not).
/// `None` (compute afresh) when [`Remap::held_selected`] or the slide
/// refuses or the new `generated_at` is earlier. O(selection).
pub fn summary_parts_updated(
    parts: &SummaryParts,
    (op, os): (&Prepared, &Selection),
    (np, ns): (&Prepared, &Selection),
    remap: &Remap,
    (old_range, range): (TimeRange, TimeRange),
) -> Option<SummaryParts> {
    let (g0, g1) = (op.generated_at(), np.generated_at());
    if g1 < g0 || parts.jobs != os.len() {
        return None;
    }
    let slide = Slide::new(old_range, range, g0)?;
    let held = remap.held_selected(op, os, ns, &slide)?;
    let (mut out, mut add) = (Vec::new(), Vec::new());
    let mut p = SummaryParts {
        jobs: ns.len(),
        waits: Vec::new(),
        ..*parts
    };
    for &i in held.gone.iter().chain(held.edge.iter().map(|(i, _)| i)) {
        let (wait, queued, ended) = job_part(op, i as usize, old_range);
        out.extend(wait);
        p.queued -= queued;
        p.ended = (
            p.ended.0.checked_sub(ended.0)?,
            p.ended.1.checked_sub(ended.1)?,
        );
    }
    // The held jobs still waiting: their open span grew.
    let grew = range.overlap(slide.base, g1);
    if grew > 0 {
        p.queued += grew * Ms::try_from(held.waiting_not_edge().count()).ok()?;
    }
    // Those at a moved start and the changed ones (after the held ones):
    // counted again.
    let (_, came) = remap.split(ns);
    for &j in held.edge.iter().map(|(_, m)| m).chain(came) {
        let (wait, queued, ended) = job_part(np, j as usize, range);
        add.extend(wait);
        p.queued += queued;
        p.ended = (p.ended.0 + ended.0, p.ended.1 + ended.1);
    }
    p.waits = merge_waits(&parts.waits, out, add)?;
    Some(p)
}

/// The sorted `waits` without `out` (each value once per time it is in
/// `out`) and with `add`, sorted: how a refresh carries a sorted list of
/// waits over. `None` when some of `out` is not in `waits` (the list was
/// not what the caller thought). O(waits + out log out + add log add).
pub(crate) fn merge_waits(waits: &[Ms], mut out: Vec<Ms>, mut add: Vec<Ms>) -> Option<Vec<Ms>> {
    out.sort_unstable();
    add.sort_unstable();
    let (mut out, mut add) = (out.into_iter().peekable(), add.into_iter().peekable());
    let mut merged = Vec::with_capacity(waits.len() + add.len());
    for &w in waits {
        if out.next_if_eq(&w).is_some() {
            continue;
        }
        while let Some(a) = add.next_if(|&a| a < w) {
            merged.push(a);
        }
        merged.push(w);
    }
    if out.next().is_some() {
        return None;
    }
    merged.extend(add);
    Some(merged)
}

/// The [`Summary`] of `parts` with the shown runs' count and busy spans.
fn summary_of(
    parts: &SummaryParts,
    (runs, spans): (usize, Vec<(Ms, Ms)>),
    range: TimeRange,
) -> Summary {
    let secs = |ms: Ms| ms as f64 / SECOND as f64;
    let w = &parts.waits;
    let n = w.len();
    // Twice the median (the two middle values' sum for an even count).
    let median_x2 = match n {
        0 => None,
        _ if n % 2 == 1 => w.get(n / 2).map(|m| 2 * m),
        _ => w.get(n / 2 - 1).zip(w.get(n / 2)).map(|(a, b)| a + b),
    };
    let p95 = p95_sorted(w);
    let busy: Ms = spans.iter().map(|&(s, e)| e - s).sum();
    let (ended, failed) = parts.ended;
    Summary {
        jobs: parts.jobs,
        runs,
        queued_hours: parts.queued as f64 / HOUR as f64,
        median_wait_secs: median_x2.map(|m2| secs(m2) / 2.0),
        p95_wait_secs: p95.map(secs),
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

/// The 95th percentile by nearest rank of the sorted `v`, its
/// `ceil(0.95 n)`-th smallest (SPEC §3, the header's p95 wait, and who
/// waits most's); `None` for no values.
pub(crate) fn p95_sorted<T: Copy>(v: &[T]) -> Option<T> {
    v.get((v.len() * 95).div_ceil(100).saturating_sub(1))
        .copied()
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
    union_in(
        shown_runs(prep, &pos, range).map(|r| (r.start, r.end)),
        range,
    )
}

/// [`busy_spans`] from the bars of the view's [`RunLayout`] (they are its
/// shown runs, in the same start order): O(bars), no run span looked up.
pub(crate) fn busy_spans_of(layout: &RunLayout, range: TimeRange) -> (usize, Vec<(Ms, Ms)>) {
    union_in(layout.bars.iter().map(|b| (b.start, b.end)), range)
}

/// How many spans (in start order) there are, and their union clipped to `range`.
fn union_in(spans: impl Iterator<Item = (Ms, Ms)>, range: TimeRange) -> (usize, Vec<(Ms, Ms)>) {
    let mut count = 0usize;
    let mut out: Vec<(Ms, Ms)> = Vec::new();
    for (start, end) in spans {
        count += 1;
        // Clipped starts keep the start order, so the union merges in one pass.
        let (s, e) = (start.max(range.from), end.min(range.to));
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    (count, out)
}
