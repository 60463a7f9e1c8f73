//! Waiting by hour of week (SPEC §3.1): at which hours of the week jobs
//! wait, so capacity can be reserved for them.

use std::cmp::Ordering;

use super::top;
use crate::analysis::prepared::Slide;
use crate::analysis::queued::{waiting_delta, SpanSums};
use crate::analysis::{BucketGrid, Prepared, Remap, Selection, TimeRange, Zone, MAX_BUCKETS};
use crate::model::{Ms, DAY, HOUR};

/// 7 days × 24 hours.
pub const HOURS_OF_WEEK: usize = 7 * 24;

/// One hour of the week in the view's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HourCell {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// 0 … 23, local wall clock.
    pub hour: u8,
    /// Waiting job-ms (`idle` or `queued`, selected jobs) inside the range's
    /// instants of this hour of the week.
    pub waiting: Ms,
    /// Ms of the range that fall in this hour of the week (an hour a week,
    /// more or less at the range's edges and on DST days; 0 when the range
    /// never reaches it).
    pub covered: Ms,
    /// The most recent stretch of the range in this hour of the week,
    /// `[start, end)` in UTC (`data-start`/`data-end`, the range a link to
    /// it sets). A wall-clock hour that repeats when the clock goes back is
    /// one stretch of two hours.
    pub last: Option<(Ms, Ms)>,
}

impl HourCell {
    /// The mean number of jobs waiting: waiting job-ms over the covered ms.
    /// `None` for a cell the range never reaches (empty, not zero).
    pub fn mean(&self) -> Option<f64> {
        (self.covered > 0).then(|| self.waiting as f64 / self.covered as f64)
    }

    /// Orders by mean, highest first, exactly (cross-multiplied integers);
    /// cells without a mean last.
    fn by_mean_desc(&self, other: &HourCell) -> Ordering {
        let key = |c: &HourCell, d: &HourCell| i128::from(c.waiting) * i128::from(d.covered);
        match (self.covered > 0, other.covered > 0) {
            (true, true) => key(other, self).cmp(&key(self, other)),
            (a, b) => b.cmp(&a),
        }
    }
}

/// The hour-of-week map of a view: a weekday × hour heat map.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WaitingByHour {
    /// [`HOURS_OF_WEEK`] cells, Monday 00:00 first: `cells[weekday * 24 + hour]`.
    pub cells: Vec<HourCell>,
}

impl WaitingByHour {
    /// The cell of a weekday (0 = Monday) and hour.
    pub fn cell(&self, weekday: u8, hour: u8) -> Option<&HourCell> {
        self.cells
            .get(usize::from(weekday) * 24 + usize::from(hour))
            .filter(|_| hour < 24)
    }

    /// The [`super::TOP_ITEMS`] hours with the most jobs waiting on average,
    /// highest first, ties earlier in the week first; only hours in which
    /// some job waited.
    pub fn peaks(&self) -> Vec<HourCell> {
        let busy: Vec<HourCell> = self
            .cells
            .iter()
            .filter(|c| c.covered > 0 && c.waiting > 0)
            .copied()
            .collect();
        top(busy, |a, b| {
            a.by_mean_desc(b)
                .then((a.weekday, a.hour).cmp(&(b.weekday, b.hour)))
        })
    }
}

/// The hour of the week of a local wall-clock time (ms since the local
/// epoch): `weekday * 24 + hour`, Monday first (1970-01-01 was a Thursday).
fn hour_of_week(local: Ms) -> usize {
    let weekday = (local.div_euclid(DAY) + 3).rem_euclid(7);
    let hour = local.rem_euclid(DAY) / HOUR;
    usize::try_from(weekday * 24 + hour).unwrap_or(0)
}

/// SPEC §3.1 waiting by hour of week: for each hour of the week in `zone`,
/// the waiting job-seconds of the selected jobs that fall in the range's
/// instants of that hour, and those instants' seconds. The range is cut
/// into local wall-clock hours by an hourly [`BucketGrid`] in the zone (so
/// a DST day has 23 or 25 of them, and a skipped hour's cell may stay
/// empty), the waiting spans are summed per hour as in queued time, and
/// each hour adds to its cell. O(waiting spans + hours of the range).
pub fn waiting_by_hour(
    prep: &Prepared,
    sel: &Selection,
    range: TimeRange,
    zone: &Zone,
) -> WaitingByHour {
    let mut cells: Vec<HourCell> = (0..HOURS_OF_WEEK)
        .map(|k| HourCell {
            weekday: u8::try_from(k / 24).unwrap_or(0),
            hour: u8::try_from(k % 24).unwrap_or(0),
            ..HourCell::default()
        })
        .collect();
    // A grid widens past MAX_BUCKETS buckets: cut a range of years into
    // chunks that keep it hourly (one chunk for anything under two years).
    let chunk = (MAX_BUCKETS - 2) * HOUR;
    let mut from = range.from;
    while from < range.to {
        let to = range.to.min(from.saturating_add(chunk));
        let grid = BucketGrid::new(TimeRange::new(from, to), HOUR, zone);
        let mut sums = SpanSums::new(1, &grid);
        for &j in &sel.0 {
            for (s, e) in prep.waiting_spans(j as usize) {
                sums.add(0, s, e);
            }
        }
        // Hours of the week are never out of bounds, sums never overflow.
        let _ = add_hours(&mut cells, &grid, zone, sums.row(0), true);
        from = to;
    }
    WaitingByHour { cells }
}

/// Adds each hour of `grid` to its cell: its `waiting` ms and, with
/// `cover`, its ms of the range and its stretch (`last`). `None` if a sum
/// overflows.
fn add_hours(
    cells: &mut [HourCell],
    grid: &BucketGrid,
    zone: &Zone,
    waiting: Vec<Ms>,
    cover: bool,
) -> Option<()> {
    for (i, waiting) in waiting.into_iter().enumerate() {
        let (s, e) = grid.bucket(i);
        if e <= s {
            continue;
        }
        let cell = cells.get_mut(hour_of_week(zone.wall_of(s)))?;
        cell.waiting = cell.waiting.checked_add(waiting)?;
        if cover {
            cell.covered += e - s;
            cell.last = match cell.last {
                Some((a, b)) if b == s => Some((a, e)),
                _ => Some((s, e)),
            };
        }
    }
    Some(())
}

/// [`waiting_by_hour`] of `new` after an incremental read, from `hours`,
/// the one of `old` over `ranges.0` in `zone` (the data the read was
/// spliced into, and the same view's selection of it), for `ranges.1`: the
/// same range, or one slid forward ([`Slide::new`]). Each hour's waiting
/// changes by what the jobs that went and the held ones at a slid start
/// take away (over the old range) and what the changed ones, those at the
/// start and the held jobs still waiting add ([`waiting_delta`]); what
/// each cell covers depends on the range alone (counted again when it
/// moved). `None` (compute it afresh) when that is not exact (see
/// [`waiting_delta`]) or a range needs more than one grid.
pub fn waiting_by_hour_updated(
    hours: &WaitingByHour,
    old: (&Prepared, &Selection),
    new: (&Prepared, &Selection),
    remap: &Remap,
    ((old_range, range), zone): ((TimeRange, TimeRange), &Zone),
) -> Option<WaitingByHour> {
    let long = |r: TimeRange| r.to.saturating_sub(r.from) > (MAX_BUCKETS - 2) * HOUR;
    if long(range) || long(old_range) || hours.cells.len() != HOURS_OF_WEEK {
        return None;
    }
    let slide = Slide::new(old_range, range, old.0.generated_at())?;
    let (og, grid) = (
        BucketGrid::new(old_range, HOUR, zone),
        BucketGrid::new(range, HOUR, zone),
    );
    let (mut less, mut more) = (SpanSums::new(1, &og), SpanSums::new(1, &grid));
    waiting_delta(old, new, None, remap, &slide, (&mut less, &mut more))?;
    let mut out = hours.clone();
    let moved = old_range != range;
    if moved {
        for c in &mut out.cells {
            (c.covered, c.last) = (0, None);
        }
    }
    add_hours(&mut out.cells, &og, zone, less.row(0), false)?;
    add_hours(&mut out.cells, &grid, zone, more.row(0), moved)?;
    out.cells.iter().all(|c| c.waiting >= 0).then_some(out)
}
