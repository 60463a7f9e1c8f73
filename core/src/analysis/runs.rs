//! The "Job runs" timeline (SPEC §3 "Job runs", "Brush"): one bar per run,
//! packed into lanes, and the runs a brush selects.

use super::filter::Selection;
use super::geometry::{RasterWindow, MAX_RASTER_SIDE};
use super::group::Groups;
use super::prepared::{Prepared, Remap, Slide};
use super::time::TimeRange;
use crate::model::Ms;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

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
    let runs = shown_runs(prep, &pos, range).map(|r| RunBar {
        job: r.job,
        start: r.start,
        end: r.end,
        lane: 0,
        group: groups.of_job.get(r.pos as usize).copied().unwrap_or(0),
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

/// `layout` (of the selection `sel`) with each bar in its group of
/// `groups` (of the same selection). Lanes do not depend on groups, so a
/// regroup keeps them and only relabels the bars: O(jobs + runs) instead
/// of packing the runs again.
pub fn regroup_runs(
    prep: &Prepared,
    layout: &RunLayout,
    sel: &Selection,
    groups: &Groups,
) -> RunLayout {
    let pos = prep.positions(sel);
    let group_of = |j: u32| {
        pos.get(j as usize)
            .and_then(|&k| groups.of_job.get(k as usize))
            .copied()
            .unwrap_or(0)
    };
    RunLayout {
        bars: layout
            .bars
            .iter()
            .map(|b| RunBar {
                group: group_of(b.job),
                ..*b
            })
            .collect(),
        lanes: layout.lanes,
    }
}

/// [`run_layout`] (with no groups: every bar in group 0, as the app packs
/// its lanes) of `new` after an incremental read, from `layout`, the one of
/// `old` over `ranges.0` (the data the read was spliced into, and the same
/// view's selection of it), for `ranges.1`: the same range, or one that
/// slid forward ([`Slide::new`]). Exact, `None` (pack afresh) when it
/// cannot tell: the held selected jobs must be `old`'s kept ones with no
/// transition at or after the base (the old `generated_at`, or the old
/// range's end when earlier: [`Slide::base`]; [`Remap::gone_selected`]),
/// the base inside the new range and the old `generated_at` not after the
/// new one.
///
/// Then every held bar starts before the base (a run starting
/// there had no length) and keeps its start, and an open one's end moves
/// from the old to the new `generated_at`: each comparison the packing makes
/// of a held start with a lane's end answers as before. A held bar the new
/// range shows was shown by the old one (it starts before the old end);
/// those whose run ended at or before a slid start leave like went ones. So
/// the bars are the held ones (went and left ones out) merged with the
/// changed jobs' runs in (start, id) order, and a held bar keeps its old
/// lane unless a lane whose last end differs between the two packings (with
/// went bars' ends counted in the old one) is free in one and busy in the
/// other at its start ([`Replay`]); such bars and the changed runs are
/// packed. A refresh whose changed runs kept their spans (an error added,
/// new jobs queued) or finished since the old read copies every held bar's
/// lane: O(runs), only the changed runs packed. Over a slid range the bars
/// that left at the start make their lanes differ only until the runs reach
/// their ends ([`Replay::reach`]).
pub fn run_layout_updated(
    layout: &RunLayout,
    old: (&Prepared, &Selection),
    new: (&Prepared, &Selection),
    remap: &Remap,
    ranges: (TimeRange, TimeRange),
) -> Option<RunLayout> {
    replayed(layout, old, new, remap, ranges).map(|(l, _)| l)
}

/// [`run_layout_updated`], with how many runs it packed (the rest were
/// copied from the old lanes).
pub(crate) fn replayed(
    layout: &RunLayout,
    old: (&Prepared, &Selection),
    new: (&Prepared, &Selection),
    remap: &Remap,
    (old_range, range): (TimeRange, TimeRange),
) -> Option<(RunLayout, usize)> {
    let ((op, os), (np, ns)) = (old, new);
    let (g0, g1) = (op.generated_at(), np.generated_at());
    let slide = Slide::new(old_range, range, g0)?;
    let base = slide.base;
    if g1 < g0 || base <= range.from {
        return None;
    }
    remap.gone_selected(op, os, ns, &slide)?;
    let rank = |j: u32| np.id_rank.get(j as usize).copied().unwrap_or(0);
    // The changed jobs' runs shown, in (start, id) order.
    let (_, came) = remap.split(ns);
    let fresh: Vec<(Ms, u32, u32, Ms)> = came
        .iter()
        .filter_map(|&j| {
            let (s, e) = np.run_span(j as usize)?;
            (e > s && range.overlap(s, e) > 0).then(|| (s, rank(j), j, e))
        })
        .collect();
    // The shared sort (job indices are unique: stable or not, one order).
    let mut fresh = crate::sort::sort_vec(fresh, &|a, b| a.cmp(b))
        .into_iter()
        .peekable();
    let mut lanes = Replay {
        at: Ms::MIN,
        ..Replay::default()
    };
    let mut bars = Vec::with_capacity(layout.bars.len() + fresh.len());
    let bar = |job, start, end, lane| RunBar {
        job,
        start,
        end,
        lane,
        group: 0,
    };
    for b in &layout.bars {
        let m = remap.old.get(b.job as usize).copied().unwrap_or(u32::MAX);
        if m == u32::MAX {
            // Any end at or after g0 compares with a held start (before
            // g0) as g1 does: g1 lets a replacement that is still open match.
            lanes.old(b.lane, if b.end == g0 { g1 } else { b.end });
            continue;
        }
        // An end before the base is a terminal transition, the same now;
        // else it is an open run's (g0, now g1).
        let end = if b.end >= base {
            np.run_span(m as usize)?.1
        } else {
            b.end
        };
        if range.overlap(b.start, end) <= 0 {
            // Ended at or before a slid start: no longer shown.
            lanes.old(b.lane, b.end);
            continue;
        }
        // (start, id rank) order; the rank is looked up on a tie only.
        let before = |f: &(Ms, u32, u32, Ms)| f.0 < b.start || (f.0 == b.start && f.1 < rank(m));
        while let Some((s, _, j, e)) = fresh.next_if(before) {
            bars.push(bar(j, s, e, lanes.pack(s, e)));
        }
        bars.push(bar(m, b.start, end, lanes.held(b.lane, b.start, end)));
    }
    for (s, _, j, e) in fresh {
        bars.push(bar(j, s, e, lanes.pack(s, e)));
    }
    let used = bars.iter().map(|b| b.lane + 1).max().unwrap_or(0);
    Some((RunLayout { bars, lanes: used }, lanes.packed))
}

/// The lanes' last ends of a packing carried over ([`run_layout_updated`])
/// and of the old packing at the same point: a held run takes its old lane
/// unless some lane is *split* at its start, else it is packed.
///
/// A held run starting at `s` takes the lowest lane free at `s` (its last
/// end at or before `s`) in both packings: the old packing put it in its
/// old lane, and the new one puts it there too when every lane is free in
/// both packings or busy in both. A lane whose two ends differ matters to
/// it only when exactly one of them is at or before `s`
/// (`min ≤ s < max`: split); while both are after `s` it is busy in both,
/// and once both are at or before it, free in both (the lane agrees again
/// for good, [`Replay::reach`]: runs come in start order). So a run that
/// was open at the old `generated_at` and has finished since (its old bar
/// ends at the new `generated_at`, its fresh one at the finish, both after
/// every held start) is packed back at its start, days back, and every
/// held run after it is still copied (branch lanes3; before, every run
/// after a difference was packed until the lanes agreed again).
///
/// Differing lanes sit in two min-heaps, by the later of their two ends
/// (`settle`: the lane agrees again once a start reaches it) and by the
/// earlier (`split_from`: the lane is split once a start reaches it);
/// entries are pushed when a lane changes and checked against the lane's
/// ends when popped (stale ones are skipped). O(log lanes) per change,
/// nothing per copied run but the lane tree's bookkeeping.
#[derive(Default)]
struct Replay {
    /// Each lane's last end in the new packing (`Ms::MIN`: unused).
    new: Vec<Ms>,
    /// The same in the old packing.
    old: Vec<Ms>,
    /// Per lane: whether it is counted in `split`.
    is_split: Vec<bool>,
    /// Per lane: whether it is in `stale`.
    is_stale: Vec<bool>,
    /// Lanes whose ends differ.
    differ: usize,
    /// Differing lanes split at the last start reached (`min ≤ s < max`).
    split: usize,
    /// The last start reached (runs come in start order).
    at: Ms,
    /// The new packing's lanes when `synced`, but for the lanes in `stale`
    /// (copied runs' new ends), written into it before it is read; else
    /// filled afresh (in place) before it is read.
    tree: Option<LaneTree>,
    /// Whether `tree` holds the new ends but for the `stale` lanes.
    synced: bool,
    /// Lanes whose new end the tree does not hold yet.
    stale: Vec<u32>,
    /// Lanes that differed when set, by the later of their two ends then
    /// (earliest first; stale entries are skipped when popped).
    settle: BinaryHeap<Reverse<(Ms, u32)>>,
    /// The same, by the earlier of their two ends.
    split_from: BinaryHeap<Reverse<(Ms, u32)>>,
    /// Runs packed so far.
    packed: usize,
}

impl Replay {
    /// Makes room for lane `k` in the per-lane vectors.
    fn room(&mut self, k: usize) {
        if self.new.len() <= k {
            self.new.resize(k + 1, Ms::MIN);
            self.old.resize(k + 1, Ms::MIN);
            self.is_split.resize(k + 1, false);
            self.is_stale.resize(k + 1, false);
        }
    }

    /// Every lane agrees: the heaps are empty, and the tree is left behind
    /// (while the lanes agree, held runs are copied without it; the next
    /// pack fills it afresh).
    fn agree(&mut self) {
        self.settle.clear();
        self.split_from.clear();
        self.synced = false;
        for &lane in &self.stale {
            if let Some(f) = self.is_stale.get_mut(lane as usize) {
                *f = false;
            }
        }
        self.stale.clear();
    }

    /// Lane `k` no longer counts as split.
    fn unsplit(&mut self, k: usize) {
        if let Some(f) = self.is_split.get_mut(k) {
            if *f {
                *f = false;
                self.split -= 1;
            }
        }
    }

    /// Sets lane `lane` of `ends` (the new or the old one) to `end`,
    /// keeping `differ` and the heaps.
    fn set(&mut self, new: bool, lane: u32, end: Ms) {
        let k = lane as usize;
        self.room(k);
        self.unsplit(k);
        let before = self.new[k] != self.old[k];
        if new {
            self.new[k] = end;
        } else {
            self.old[k] = end;
        }
        let (n, o) = (self.new[k], self.old[k]);
        let after = n != o;
        self.differ = self.differ + usize::from(after) - usize::from(before);
        if self.differ == 0 {
            self.agree();
        } else if after {
            self.settle.push(Reverse((n.max(o), lane)));
            if n.min(o) <= self.at {
                // Split already (or both ends passed: settled at the next reach).
                self.is_split[k] = true;
                self.split += 1;
            } else {
                self.split_from.push(Reverse((n.min(o), lane)));
            }
        }
    }

    /// The next run (of either packing) starts at or after `t`: every lane
    /// whose two ends are both at or before `t` agrees again (the old end
    /// takes the new one; the lane tree holds the new ends already), and
    /// every differing lane with one end at or before `t` is split.
    fn reach(&mut self, t: Ms) {
        self.at = t;
        while let Some(&Reverse((key, lane))) = self.settle.peek() {
            if key > t {
                break;
            }
            self.settle.pop();
            let k = lane as usize;
            if let (Some(&n), Some(o)) = (self.new.get(k), self.old.get_mut(k)) {
                if n != *o && n.max(*o) <= t {
                    *o = n;
                    self.differ -= 1;
                    self.unsplit(k);
                }
            }
        }
        if self.differ == 0 {
            self.agree();
            return;
        }
        // Every lane still differing has its later end after `t` now.
        while let Some(&Reverse((key, lane))) = self.split_from.peek() {
            if key > t {
                break;
            }
            self.split_from.pop();
            let k = lane as usize;
            if let (Some(&n), Some(&o), Some(f)) =
                (self.new.get(k), self.old.get(k), self.is_split.get_mut(k))
            {
                if n != o && n.min(o) <= t && !*f {
                    *f = true;
                    self.split += 1;
                }
            }
        }
    }

    /// A bar of the old packing that is not in the new one.
    fn old(&mut self, lane: u32, end: Ms) {
        self.set(false, lane, end);
    }

    /// A run of the new packing only: packed.
    fn pack(&mut self, start: Ms, end: Ms) -> u32 {
        self.reach(start);
        self.packed += 1;
        let tree = match self.tree.take() {
            Some(mut tree) if self.synced && self.stale.len() * 32 < tree.size => {
                for &lane in &self.stale {
                    let k = lane as usize;
                    tree.set(k, self.new.get(k).copied().unwrap_or(Ms::MIN));
                }
                tree
            }
            Some(mut tree) => {
                tree.fill(&self.new);
                tree
            }
            None => LaneTree::with_ends(&self.new, 64),
        };
        self.synced = true;
        for &lane in &self.stale {
            if let Some(f) = self.is_stale.get_mut(lane as usize) {
                *f = false;
            }
        }
        self.stale.clear();
        let lane = self.tree.insert(tree).take(start, end);
        self.set(true, lane, end);
        lane
    }

    /// A held bar, in lane `lane` of the old packing: that lane while no
    /// lane is split at its start, else packed.
    #[inline]
    fn held(&mut self, lane: u32, start: Ms, end: Ms) -> u32 {
        if self.differ > 0 {
            return self.held_while_differing(lane, start, end);
        }
        // Both packings put it in `lane` (the usual case: no lookups).
        let k = lane as usize;
        if let (Some(n), Some(o)) = (self.new.get_mut(k), self.old.get_mut(k)) {
            *n = end;
            *o = end;
        } else {
            self.room(k);
            self.new[k] = end;
            self.old[k] = end;
        }
        lane
    }

    /// [`Replay::held`] while some lanes differ.
    #[inline(never)]
    fn held_while_differing(&mut self, lane: u32, start: Ms, end: Ms) -> u32 {
        self.reach(start);
        if self.split > 0 {
            let got = self.pack(start, end);
            self.old(lane, end);
            return got;
        }
        // Both packings put it in `lane` (free in both, so the two ends
        // agree: differing ends both at or before `start` were settled).
        let k = lane as usize;
        self.room(k);
        if self.new[k] != self.old[k] {
            // Not reached with a valid old layout (see above); kept exact.
            self.differ -= 1;
            self.unsplit(k);
        }
        if self.synced && !self.is_stale[k] {
            self.is_stale[k] = true;
            self.stale.push(lane);
        }
        self.new[k] = end;
        self.old[k] = end;
        if self.differ == 0 {
            // The agreeing path copies without the tree: leave it behind.
            self.agree();
        }
        lane
    }
}

/// A run a view shows (see [`shown_runs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShownRun {
    /// Job index into [`Prepared`].
    pub job: u32,
    /// The job's position in the selection (an index into `Groups::of_job`).
    pub pos: u32,
    /// Run start, not clipped.
    pub start: Ms,
    /// Run end, not clipped.
    pub end: Ms,
}

/// The runs a view shows, in (start, job id) order: selected jobs (`pos`
/// from [`Prepared::positions`]) whose run overlaps the range with positive
/// length. The one walk behind the timeline, the summary's run count and
/// busy time, and the insights on runs; O(runs starting before `range.to`).
pub(crate) fn shown_runs<'a>(
    prep: &'a Prepared,
    pos: &'a [u32],
    range: TimeRange,
) -> impl Iterator<Item = ShownRun> + 'a {
    prep.run_order
        .iter()
        // Sorted by start: nothing after the first run starting at or after
        // `range.to` can overlap the range.
        .take_while(move |&&j| prep.run_span(j as usize).is_some_and(|(s, _)| s < range.to))
        .filter_map(move |&j| shown_run(prep, pos, j, range))
}

/// Job `job`'s run, if the view shows it (see [`shown_runs`]).
pub(crate) fn shown_run(
    prep: &Prepared,
    pos: &[u32],
    job: u32,
    range: TimeRange,
) -> Option<ShownRun> {
    let k = pos.get(job as usize).copied()?;
    let (start, end) = prep.run_span(job as usize)?;
    (k != u32::MAX && range.overlap(start, end) > 0).then_some(ShownRun {
        job,
        pos: k,
        start,
        end,
    })
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

    /// At least `size` lanes, whose last runs ended at `ends` (`Ms::MIN`: unused).
    fn with_ends(ends: &[Ms], size: usize) -> Self {
        let mut t = LaneTree::new(ends.len().max(size));
        t.fill(ends);
        t
    }

    /// The same with its lanes' last ends set to `ends` (`Ms::MIN` after
    /// them), in place when they fit: O(size), a level at a time.
    fn fill(&mut self, ends: &[Ms]) {
        if ends.len() > self.size {
            *self = LaneTree::with_ends(ends, self.size);
            return;
        }
        let size = self.size;
        if let Some(leaves) = self.tree.get_mut(size..) {
            let (set, rest) = leaves.split_at_mut(ends.len().min(leaves.len()));
            set.copy_from_slice(ends.get(..set.len()).unwrap_or(&[]));
            rest.fill(Ms::MIN);
        }
        // Level by level, parents [h, 2h) from children [2h, 4h).
        let mut h = size / 2;
        while h >= 1 {
            if let Some((parents, children)) =
                self.tree.get_mut(h..4 * h).map(|l| l.split_at_mut(h))
            {
                for (p, c) in parents.iter_mut().zip(children.chunks_exact(2)) {
                    *p = c[0].min(c[1]);
                }
            }
            h /= 2;
        }
        self.used = ends
            .iter()
            .rposition(|&e| e != Ms::MIN)
            .map_or(0, |k| u32::try_from(k + 1).unwrap_or(u32::MAX));
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
        let k = i - self.size;
        self.set(k, end);
        u32::try_from(k).unwrap_or(u32::MAX)
    }

    /// Sets lane `k`'s last end to `end` (growing the tree to hold it).
    fn set(&mut self, k: usize, end: Ms) {
        while k >= self.size {
            self.grow();
        }
        let mut i = self.size + k;
        if let Some(leaf) = self.tree.get_mut(i) {
            *leaf = end;
        }
        // Indices stay inside `1..2 * size` by construction.
        while i > 1 {
            i /= 2;
            let m = self.tree[2 * i].min(self.tree[2 * i + 1]);
            if self.tree[i] == m {
                break; // the minima above cannot change either
            }
            self.tree[i] = m;
        }
        let lane = u32::try_from(k).unwrap_or(u32::MAX);
        self.used = self.used.max(lane.saturating_add(1));
    }

    /// Doubles the lanes, keeping the ends of the used ones.
    fn grow(&mut self) {
        let leaves = self.tree.get(self.size..).unwrap_or(&[]);
        *self = LaneTree::with_ends(leaves, self.size * 2);
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

/// The `limit` most recent of the runs `bars` (a [`RunLayout`]'s, in its
/// order) or, with `brushed`, of those it selects: ordered by start, latest
/// first, ties by job index, as a sort of all of them would order them.
///
/// Only the runs that start with the `limit`-th latest or after are
/// sorted. `brushed` is expected as [`brush_select`] of the same layout
/// gives it (a subsequence of the bars), so its runs are found by walking
/// both back from their ends, with no set of its jobs: O(bars from the
/// first one brushed to the end), comparisons of two integers, where a
/// set of 20k brushed jobs and a lookup per bar took milliseconds at 100k
/// jobs. A `brushed` in any other order, or naming a job without a bar,
/// is found out by the walk and looked up whole (a set of its jobs, a pass
/// over every bar), with the same result.
pub fn latest_runs<'a>(
    bars: &'a [RunBar],
    brushed: Option<&[u32]>,
    limit: usize,
) -> Vec<&'a RunBar> {
    let mut latest = Tail::new(limit);
    match brushed {
        None => {
            for b in bars.iter().rev() {
                if !latest.push(b) {
                    break;
                }
            }
        }
        Some(sel) => {
            // The whole of `sel` is walked (not only its latest runs), so
            // that any order but the bars' is found out.
            let mut at = bars.len();
            for &j in sel.iter().rev() {
                let found = bars
                    .get(..at)
                    .and_then(|b| b.iter().rposition(|b| b.job == j));
                let Some(bar) = found.and_then(|i| bars.get(i)) else {
                    let wanted: std::collections::HashSet<u32> = sel.iter().copied().collect();
                    latest = Tail::new(limit);
                    for b in bars.iter().rev().filter(|b| wanted.contains(&b.job)) {
                        if !latest.push(b) {
                            break;
                        }
                    }
                    break;
                };
                at = found.unwrap_or(0);
                latest.push(bar);
            }
        }
    }
    let mut latest = crate::sort::sort_vec(latest.bars, &|x, y| {
        y.start.cmp(&x.start).then(x.job.cmp(&y.job))
    });
    latest.truncate(limit);
    latest
}

/// Bars pushed in reverse start order, kept while they are among the
/// first `limit` or start when the `limit`-th does (a tie on the start
/// time is decided by job index, so all of them are candidates).
struct Tail<'a> {
    bars: Vec<&'a RunBar>,
    limit: usize,
    full: bool,
}

impl<'a> Tail<'a> {
    fn new(limit: usize) -> Self {
        Tail {
            bars: Vec::new(),
            limit,
            full: false,
        }
    }

    /// Keeps `b` if it is a candidate; false once no later bar can be.
    fn push(&mut self, b: &'a RunBar) -> bool {
        if !self.full && self.bars.len() >= self.limit {
            let tie = self.bars.get(self.limit.wrapping_sub(1));
            self.full = tie.is_none_or(|last| last.start != b.start);
        }
        if !self.full {
            self.bars.push(b);
        }
        !self.full
    }
}

/// Draws the bars of `layout` into an RGBA image of `win` (rows from the
/// top, 4 bytes a pixel, transparent where no bar is): the Job runs chart
/// as pixels, so 100k runs cost one image instead of 400k plotted points.
///
/// A bar spans the columns from `floor` of its start to `ceil` of its end
/// (at least one column, so a run shorter than a pixel stays visible) and,
/// when a lane is at least 4 rows tall, the middle 70 % of its lane (a gap
/// between lanes), else the whole lane (at least one row). Bars are drawn
/// in start order, so where lanes share a row the later run shows.
/// `x_of` maps a time to the x axis (e.g. the zone's wall clock) and must
/// be monotonic; `color` gives each bar its RGBA colour.
pub fn raster_runs(
    layout: &RunLayout,
    win: &RasterWindow,
    x_of: impl Fn(Ms) -> f64,
    color: impl Fn(&RunBar) -> [u8; 4],
) -> Vec<u8> {
    let (w, h) = (win.width, win.height);
    if w == 0 || h == 0 || w > MAX_RASTER_SIDE || h > MAX_RASTER_SIDE {
        return Vec::new();
    }
    let mut px = vec![0u8; w as usize * h as usize * 4];
    let (dx, dy) = (win.x1 - win.x0, win.y1 - win.y0);
    if !(dx > 0.0 && dy > 0.0 && dx.is_finite() && dy.is_finite()) {
        return px;
    }
    let (sx, sy) = (f64::from(w) / dx, f64::from(h) / dy);
    let half = if sy >= 4.0 { 0.35 } else { 0.5 };
    // A pixel span [a, b) in 0..n from fractional edges; at least one pixel.
    let span = |a: f64, b: f64, n: u32| -> Option<(usize, usize)> {
        let (n, a, b) = (f64::from(n), a.floor(), b.ceil());
        if b <= 0.0 || a >= n {
            return None;
        }
        let (a, b) = (a.max(0.0), b.min(n).max(a + 1.0).min(n));
        Some((a as usize, b as usize))
    };
    for bar in &layout.bars {
        let left = (x_of(bar.start) - win.x0) * sx;
        let right = (x_of(bar.end) - win.x0) * sx;
        let lane = f64::from(bar.lane);
        let top = (lane - half - win.y0) * sy;
        let bottom = (lane + half - win.y0) * sy;
        let (Some((c0, c1)), Some((r0, r1))) = (span(left, right, w), span(top, bottom, h)) else {
            continue;
        };
        let rgba = color(bar);
        for r in r0..r1 {
            let row = r * w as usize * 4;
            if let Some(cells) = px.get_mut(row + c0 * 4..row + c1 * 4) {
                for cell in cells.chunks_exact_mut(4) {
                    cell.copy_from_slice(&rgba);
                }
            }
        }
    }
    px
}

/// The bars of each lane in start order, to find the run under a pointer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaneIndex {
    /// Bar indices grouped by lane; lane `k` is `order[first[k]..first[k + 1]]`.
    order: Vec<u32>,
    /// Where each lane starts in `order` (`lanes + 1` entries).
    first: Vec<u32>,
}

impl LaneIndex {
    /// Indexes a layout, O(bars).
    pub fn new(layout: &RunLayout) -> Self {
        let lanes = layout.lanes as usize;
        let mut first = vec![0u32; lanes + 1];
        for bar in &layout.bars {
            if let Some(n) = first.get_mut(bar.lane as usize + 1) {
                *n += 1;
            }
        }
        for k in 1..first.len() {
            first[k] += first[k - 1];
        }
        let mut next = first.clone();
        let mut order = vec![0u32; layout.bars.len()];
        for (i, bar) in layout.bars.iter().enumerate() {
            if let Some(slot) = next.get_mut(bar.lane as usize) {
                if let Some(o) = order.get_mut(*slot as usize) {
                    *o = i as u32;
                }
                *slot += 1;
            }
        }
        LaneIndex { order, first }
    }

    /// The bar (index into `layout.bars`) under a pointer at time `t` and
    /// lanes `lanes` (inclusive, the lanes the pointer's pixel covers),
    /// within `slack` ms of `t`: the nearest in time, ties to the later start
    /// (the one drawn on top). Bars of a lane never overlap, so each lane
    /// is one binary search.
    pub fn bar_at(&self, layout: &RunLayout, t: Ms, lanes: (f64, f64), slack: Ms) -> Option<usize> {
        let top = self.first.len().saturating_sub(2) as f64;
        let lo = lanes.0.min(lanes.1).round().clamp(0.0, top) as usize;
        let hi = lanes.0.max(lanes.1).round().clamp(0.0, top) as usize;
        if self.first.len() < 2 || lanes.0.max(lanes.1) < -0.5 || lanes.0.min(lanes.1) > top + 0.5 {
            return None;
        }
        let mut best: Option<(Ms, Ms, usize)> = None; // (distance, -start, bar)
        for lane in lo..=hi {
            let (a, b) = (self.first[lane] as usize, self.first[lane + 1] as usize);
            let bars = self.order.get(a..b).unwrap_or(&[]);
            // Bars start after each other: the last one starting at or
            // before t, and the first one after it, are the only candidates.
            let k = bars.partition_point(|&i| {
                layout
                    .bars
                    .get(i as usize)
                    .is_some_and(|bar| bar.start <= t)
            });
            for &i in bars
                .get(k.saturating_sub(1)..(k + 1).min(bars.len()))
                .unwrap_or(&[])
            {
                let Some(bar) = layout.bars.get(i as usize) else {
                    continue;
                };
                let d = if t < bar.start {
                    bar.start - t
                } else if t >= bar.end {
                    t - bar.end + 1 // to its last millisecond (the end is exclusive)
                } else {
                    0
                };
                if d > slack {
                    continue;
                }
                let key = (d, -bar.start, i as usize);
                if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                    best = Some(key);
                }
            }
        }
        best.map(|(_, _, i)| i)
    }
}
