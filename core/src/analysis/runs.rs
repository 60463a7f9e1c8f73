//! The "Job runs" timeline (SPEC §3 "Job runs", "Brush"): one bar per run,
//! packed into lanes, and the runs a brush selects.

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
/// greedy packing is optimal, so `lanes` is the peak concurrency. The run
/// order is sorted once in [`Prepared`] and lanes live in a min-tree, so
/// this is O(runs × log lanes).
pub fn run_layout(
    prep: &Prepared,
    sel: &Selection,
    groups: &Groups,
    range: TimeRange,
) -> RunLayout {
    let pos = prep.positions(sel);
    let runs = prep
        .run_order
        .iter()
        .map_while(|&j| {
            let (start, end) = prep.run_span(j as usize)?;
            // Sorted by start: nothing after this can overlap the range.
            (start < range.to).then_some((j, start, end))
        })
        .filter(|&(j, start, end)| {
            range.overlap(start, end) > 0 && pos.get(j as usize).is_some_and(|&k| k != u32::MAX)
        })
        .map(|(j, start, end)| {
            let k = pos.get(j as usize).copied().unwrap_or(0) as usize;
            RunBar {
                job: j,
                start,
                end,
                lane: 0,
                group: groups.of_job.get(k).copied().unwrap_or(0),
            }
        });
    let mut lanes = LaneTree::new(64);
    let bars = runs
        .map(|mut bar| {
            bar.lane = lanes.take(bar.start, bar.end);
            bar
        })
        .collect();
    RunLayout {
        bars,
        lanes: lanes.used,
    }
}

/// The lowest lane whose last run ended at or before a time, in O(log
/// lanes): a min-tree over each lane's end time (never-used lanes hold
/// `Ms::MIN`, so they are free and the lowest free lane is found first).
struct LaneTree {
    /// Leaves (lanes) in the tree; a power of two.
    size: usize,
    /// `tree[1]` is the root; leaves at `size..2 * size`; each node the min of its children.
    tree: Vec<Ms>,
    /// Lanes taken so far (highest lane index + 1).
    used: u32,
}

impl LaneTree {
    fn new(size: usize) -> Self {
        let size = size.next_power_of_two().max(1);
        LaneTree {
            size,
            tree: vec![Ms::MIN; 2 * size],
            used: 0,
        }
    }

    /// Puts a run `[start, end)` in the lowest lane free at `start`; returns the lane.
    fn take(&mut self, start: Ms, end: Ms) -> u32 {
        if self.tree.get(1).is_some_and(|&m| m > start) {
            self.grow();
        }
        // Indices stay inside `1..2 * size` by construction.
        let mut i = 1;
        while i < self.size {
            i = if self.tree[2 * i] <= start {
                2 * i
            } else {
                2 * i + 1
            };
        }
        self.tree[i] = end;
        let lane = u32::try_from(i - self.size).unwrap_or(u32::MAX);
        while i > 1 {
            i /= 2;
            let m = self.tree[2 * i].min(self.tree[2 * i + 1]);
            if self.tree[i] == m {
                break; // the minima above cannot change either
            }
            self.tree[i] = m;
        }
        self.used = self.used.max(lane.saturating_add(1));
        lane
    }

    /// Doubles the lanes, keeping the ends of the used ones.
    fn grow(&mut self) {
        let mut bigger = LaneTree::new(self.size * 2);
        let leaves = self.tree.get(self.size..).unwrap_or(&[]);
        for (k, &end) in leaves.iter().enumerate() {
            bigger.tree[bigger.size + k] = end;
        }
        for i in (1..bigger.size).rev() {
            bigger.tree[i] = bigger.tree[2 * i].min(bigger.tree[2 * i + 1]);
        }
        bigger.used = self.used;
        *self = bigger;
    }
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
