//! The "Job runs" timeline (SPEC §3 "Job runs", "Brush"): one bar per run,
//! packed into lanes, and the runs a brush selects.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::filter::Selection;
use super::group::Groups;
use super::prepared::Prepared;
use super::time::TimeRange;
use crate::model::Ms;

/// One run's bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunBar {
    /// Job index into [`Prepared`].
    pub job: u32,
    /// First transition into `running` (not clipped to the range).
    pub start: Ms,
    /// Terminal transition, or `generated_at` while it runs (not clipped).
    pub end: Ms,
    /// Lane, from 0 (y position of the bar).
    pub lane: u32,
    /// Group id (index into [`Groups::names`]), for the colour.
    pub group: u16,
}

/// The timeline: bars in run-start order (ties by job id), and the number of lanes used.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunLayout {
    /// The bars, sorted by (start, job id).
    pub bars: Vec<RunBar>,
    /// Lanes used (= the peak number of runs overlapping at once).
    pub lanes: u32,
}

/// SPEC §3 runs and lanes, over the runs shown: selected jobs whose run
/// overlaps the range with positive length (a zero-length run has no
/// visible bar and is left out). Sorted by (start, job id), each run takes
/// the lowest lane whose previous run ended at or before its start; this
/// greedy packing is optimal, so `lanes` is the peak concurrency.
/// O(n log n) with two heaps.
pub fn run_layout(
    prep: &Prepared,
    sel: &Selection,
    groups: &Groups,
    range: TimeRange,
) -> RunLayout {
    let mut runs: Vec<(Ms, u32, RunBar)> = sel
        .0
        .iter()
        .enumerate()
        .filter_map(|(k, &j)| {
            let (start, end) = prep.run_span(j as usize)?;
            (range.overlap(start, end) > 0).then(|| {
                let rank = prep.id_rank.get(j as usize).copied().unwrap_or(0);
                let group = groups.of_job.get(k).copied().unwrap_or(0);
                (
                    start,
                    rank,
                    RunBar {
                        job: j,
                        start,
                        end,
                        lane: 0,
                        group,
                    },
                )
            })
        })
        .collect();
    runs.sort_unstable_by_key(|r| (r.0, r.1));
    let mut free: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
    let mut busy: BinaryHeap<Reverse<(Ms, u32)>> = BinaryHeap::new();
    let mut lanes = 0u32;
    let bars = runs
        .into_iter()
        .map(|(_, _, mut bar)| {
            while let Some(&Reverse((end, lane))) = busy.peek() {
                if end > bar.start {
                    break;
                }
                busy.pop();
                free.push(Reverse(lane));
            }
            bar.lane = match free.pop() {
                Some(Reverse(l)) => l,
                None => {
                    lanes += 1;
                    lanes - 1
                }
            };
            busy.push(Reverse((bar.end, bar.lane)));
            bar
        })
        .collect();
    RunLayout { bars, lanes }
}

/// A brush on the timeline: the time span `[from, to)` and, when the user
/// also dragged vertically, the lane span (in lane units, as Plotly reports
/// the y range; either order).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Brush {
    /// Start of the brushed span.
    pub from: Ms,
    /// End (exclusive).
    pub to: Ms,
    /// `(y0, y1)`: a bar is in when `min <= lane <= max` (inclusive).
    pub lanes: Option<(f64, f64)>,
}

/// SPEC §3 brush: the jobs of the runs overlapping `[from, to)` with positive
/// length (and in the brushed lanes), in run-start order. Bars are sorted by
/// start, so only the prefix starting before `to` is scanned: O(that prefix).
pub fn brush_select(layout: &RunLayout, brush: &Brush) -> Vec<u32> {
    let end = layout.bars.partition_point(|b| b.start < brush.to);
    let lanes = brush.lanes.map(|(a, b)| (a.min(b), a.max(b)));
    let span = TimeRange {
        from: brush.from,
        to: brush.to,
    };
    layout
        .bars
        .get(..end)
        .unwrap_or(&[])
        .iter()
        .filter(|b| span.overlap(b.start, b.end) > 0)
        .filter(|b| lanes.is_none_or(|(lo, hi)| (lo..=hi).contains(&f64::from(b.lane))))
        .map(|b| b.job)
        .collect()
}
