//! Ranges, time zones and bucket grids (SPEC §3 "range", "Buckets", "Auto
//! bucket width").
//!
//! Core has no time-zone database: the app probes the browser for the local
//! offset (through a closure) and [`LocalZone`] keeps the offset changes as
//! plain data, so a grid is a pure function of (range, width, zone).

use crate::model::{Ms, DAY, HOUR, MINUTE, SECOND};
use crate::view::Width;

/// A half-open time interval `[from, to)`: the range of a view, a bucket, a brush.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TimeRange {
    /// First instant inside.
    pub from: Ms,
    /// First instant after (not inside).
    pub to: Ms,
}

impl TimeRange {
    /// All of time: clipping to it changes nothing.
    pub const ALL: TimeRange = TimeRange {
        from: Ms::MIN,
        to: Ms::MAX,
    };

    /// Builds a range; a reversed pair becomes the empty range at `from`, so
    /// callers never see a negative length.
    pub fn new(from: Ms, to: Ms) -> TimeRange {
        TimeRange {
            from,
            to: to.max(from),
        }
    }

    /// Length in ms (0 for an empty or reversed range).
    pub fn len(&self) -> Ms {
        (self.to - self.from).max(0)
    }

    /// True when no instant lies inside.
    pub fn is_empty(&self) -> bool {
        self.to <= self.from
    }

    /// Whether the instant `t` lies inside `[from, to)`.
    pub fn contains(&self, t: Ms) -> bool {
        self.from <= t && t < self.to
    }

    /// Length of the overlap with `[start, end)`, 0 when they only touch:
    /// the "overlap of positive length" of SPEC §3 is `overlap(..) > 0`.
    pub fn overlap(&self, start: Ms, end: Ms) -> Ms {
        (end.min(self.to) - start.max(self.from)).max(0)
    }
}

/// The local time zone as data: the UTC offset (local = UTC + offset, in ms)
/// and the instants where it changes, sorted. Built by probing the browser,
/// because core carries no tz database. Note the sign: JavaScript's
/// `Date.getTimezoneOffset()` is UTC − local in minutes, so the app passes
/// `-getTimezoneOffset() * 60_000`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalZone {
    /// `(utc_from, offset)`: the offset in force from `utc_from` on. The first
    /// entry also holds for every instant before it. Never empty.
    changes: Vec<(Ms, Ms)>,
}

/// How far before and after a probed range the offsets are sampled: grids
/// start at the boundary at or before `from`, up to one (multi-day) bucket
/// earlier.
const PROBE_MARGIN: Ms = 8 * DAY;
/// The sampling step of [`LocalZone::probe`]: offsets change at most a few
/// times a year and never twice within an hour.
const PROBE_STEP: Ms = HOUR;
/// Keeps probing cheap for year-long ranges: the step grows past this many samples.
const PROBE_MAX_SAMPLES: Ms = 20_000;

impl LocalZone {
    /// A zone with one offset for all time (also how tests pin a zone).
    pub fn fixed(offset_ms: Ms) -> Self {
        LocalZone {
            changes: vec![(Ms::MIN, offset_ms)],
        }
    }

    /// Samples `offset_at` (local − UTC in ms at a UTC instant) across the
    /// range plus a margin, and finds each change to the millisecond by
    /// bisection. About one call per hour of range, plus ~22 per change.
    pub fn probe(range: TimeRange, offset_at: impl Fn(Ms) -> Ms) -> Self {
        let start = range.from.saturating_sub(PROBE_MARGIN);
        let end = range.to.max(range.from).saturating_add(PROBE_MARGIN);
        let step = PROBE_STEP.max((end - start) / PROBE_MAX_SAMPLES);
        let mut prev_t = start;
        let mut prev_off = offset_at(start);
        let mut changes = vec![(Ms::MIN, prev_off)];
        while prev_t < end {
            let t = prev_t.saturating_add(step).min(end);
            let off = offset_at(t);
            if off != prev_off {
                // Invariant: offset_at(lo) == prev_off, offset_at(hi) != prev_off.
                let (mut lo, mut hi) = (prev_t, t);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if offset_at(mid) == prev_off {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                let new_off = offset_at(hi);
                changes.push((hi, new_off));
                prev_off = new_off;
                // Re-check from `hi`: a second change inside one step is caught on the next sample.
                prev_t = hi;
                continue;
            }
            prev_t = t;
        }
        LocalZone { changes }
    }

    /// The offset (local − UTC, ms) in force at a UTC instant.
    pub fn offset_at(&self, utc: Ms) -> Ms {
        let i = self.changes.partition_point(|&(from, _)| from <= utc);
        self.changes
            .get(i.saturating_sub(1))
            .map(|&(_, off)| off)
            .unwrap_or(0)
    }

    /// The offset segments overlapping `[from, to)`: `(seg_from, seg_to, offset)`.
    fn segments(&self, from: Ms, to: Ms) -> impl Iterator<Item = (Ms, Ms, Ms)> + '_ {
        self.changes
            .iter()
            .enumerate()
            .map(move |(i, &(s, off))| {
                let e = self.changes.get(i + 1).map(|c| c.0).unwrap_or(Ms::MAX);
                (s, e, off)
            })
            .filter(move |&(s, e, _)| s < to && e > from)
    }

    /// True when the offset never changes (the grid is then regular).
    fn is_fixed(&self) -> bool {
        self.changes.len() <= 1
    }
}

/// The time zone buckets are aligned to (SPEC §5 `tz`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Zone {
    /// Boundaries are multiples of the width since the epoch.
    #[default]
    Utc,
    /// Boundaries at local multiples of the width (local midnight for days).
    Local(LocalZone),
}

impl Zone {
    /// The offset (local − UTC, ms) at the UTC instant `t`; 0 for UTC.
    pub fn offset_at(&self, t: Ms) -> Ms {
        match self {
            Zone::Utc => 0,
            Zone::Local(z) => z.offset_at(t),
        }
    }

    /// The wall-clock time (as ms since a UTC-read epoch) of the instant `t`.
    pub fn wall_of(&self, t: Ms) -> Ms {
        t + self.offset_at(t)
    }

    /// The instant shown as wall-clock `wall` (the inverse of
    /// [`Zone::wall_of`]): the offset at the guessed instant, then once more
    /// for DST edges.
    pub fn instant_of_wall(&self, wall: Ms) -> Ms {
        let guess = wall - self.offset_at(wall);
        wall - self.offset_at(guess)
    }

    /// Reads a wall-clock date as a chart axis or a form writes it
    /// (`2026-11-21 08:30:12.5`, `2026-11-21T08:30`, `2026-11-21`) as the
    /// instant it is in this zone.
    pub fn parse_wall_clock(&self, s: &str) -> Option<Ms> {
        Some(self.instant_of_wall(crate::time::parse_wall(&s.replace('T', " "))?))
    }
}

/// The widths [`auto_width`] chooses from (SPEC §3), smallest first.
pub const AUTO_LADDER: [Ms; 9] = [
    MINUTE,
    5 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
];

/// The most buckets [`auto_width`] aims for.
pub const AUTO_MAX_BUCKETS: Ms = 200;

/// The hard cap on buckets of one grid: a fixed width that would exceed it
/// (1m over a year) is widened, so a URL cannot make the browser allocate
/// millions of bars.
pub const MAX_BUCKETS: Ms = 20_000;

/// SPEC §3: the smallest ladder width that yields at most 200 buckets over
/// the range (7d → 1h, 24h → 15m); 1d when even that gives more.
pub fn auto_width(range: TimeRange) -> Ms {
    let len = range.len();
    AUTO_LADDER
        .iter()
        .copied()
        .find(|&w| ceil_div(len, w) <= AUTO_MAX_BUCKETS)
        .unwrap_or(DAY)
}

fn ceil_div(a: Ms, b: Ms) -> Ms {
    a.div_euclid(b) + Ms::from(a.rem_euclid(b) != 0)
}

/// The buckets of a view: boundaries per SPEC §3, the first bucket holding
/// `from`, the last holding the instant just before `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketGrid {
    /// Unclipped bucket starts (the first may lie before `range.from`): the x
    /// values of the bar charts. Sorted, strictly increasing.
    pub starts: Vec<Ms>,
    /// The view range; sums are clipped to it.
    pub range: TimeRange,
    /// The nominal width (after the [`MAX_BUCKETS`] cap). Local grids may
    /// have shorter or longer buckets around offset changes (23h/25h days).
    pub width: Ms,
    /// `1 / width`: [`BucketGrid::index_of`] guesses with a multiplication
    /// and corrects by a step or two, instead of dividing or searching.
    inv_width: f64,
}

/// `inv_width` is `1 / width` with `width >= 1`: never NaN, so equality is total.
impl Eq for BucketGrid {}

impl BucketGrid {
    /// Builds the grid. A non-positive width is taken as 1 ms, and a width
    /// that would give more than [`MAX_BUCKETS`] buckets is widened to fit.
    /// Widths of a day or more in local time are whole local days (rounded down).
    pub fn new(range: TimeRange, width: Ms, zone: &Zone) -> BucketGrid {
        let range = TimeRange::new(range.from, range.to);
        let mut width = width.max(1);
        if ceil_div(range.len(), width) > MAX_BUCKETS {
            width = ceil_div(range.len(), MAX_BUCKETS);
        }
        let (starts, width) = match zone {
            _ if range.is_empty() => (Vec::new(), width),
            Zone::Local(z) if !z.is_fixed() => {
                let period = local_period(width);
                (local_starts(range, period, z), period)
            }
            Zone::Local(z) => {
                let period = local_period(width);
                let off = z.offset_at(range.from);
                (regular_starts(range, period, off), period)
            }
            Zone::Utc => (regular_starts(range, width, 0), width),
        };
        BucketGrid {
            starts,
            range,
            width,
            inv_width: 1.0 / width as f64,
        }
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True for the grid of an empty range.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Bucket `i` as `[start, end)` clipped to the range; an out-of-bounds
    /// index gives the empty interval at `range.to` instead of panicking.
    pub fn bucket(&self, i: usize) -> (Ms, Ms) {
        match self.starts.get(i) {
            Some(&s) => {
                let e = self.starts.get(i + 1).copied().unwrap_or(self.range.to);
                (s.max(self.range.from), e.min(self.range.to))
            }
            None => (self.range.to, self.range.to),
        }
    }

    /// Length of bucket `i` inside the range, in ms.
    pub fn bucket_len(&self, i: usize) -> Ms {
        let (s, e) = self.bucket(i);
        e - s
    }

    /// The bucket holding instant `t`, or `None` outside the range.
    pub fn index_of(&self, t: Ms) -> Option<usize> {
        if !self.range.contains(t) {
            return None;
        }
        Some(self.index_in_range(t))
    }

    /// [`BucketGrid::index_of`] for an instant already known to lie in the
    /// range (the hot loops clip first).
    pub(crate) fn index_in_range(&self, t: Ms) -> usize {
        let n = self.starts.len();
        let first = self.starts.first().copied().unwrap_or(self.range.from);
        // Guess as if the grid were regular: exact for UTC and fixed offsets
        // up to float rounding, off by a bucket or so around offset changes.
        let guess = ((t - first) as f64 * self.inv_width) as i64;
        let mut i = usize::try_from(guess.max(0))
            .unwrap_or(0)
            .min(n.saturating_sub(1));
        for _ in 0..4 {
            if self.starts.get(i).is_some_and(|&s| s > t) {
                i = i.saturating_sub(1);
            } else if self.starts.get(i + 1).is_some_and(|&s| s <= t) {
                i += 1;
            } else {
                return i;
            }
        }
        // Far off (an odd zone): search.
        self.starts.partition_point(|&s| s <= t).saturating_sub(1)
    }
}

/// The period a local grid repeats with: widths of a day or more are whole days.
fn local_period(width: Ms) -> Ms {
    if width >= DAY {
        (width / DAY) * DAY
    } else {
        width
    }
}

/// Starts of a grid whose boundaries are the instants `t` with
/// `(t + offset) % width == 0`, from the one at or before `from` up to `to`.
fn regular_starts(range: TimeRange, width: Ms, offset: Ms) -> Vec<Ms> {
    let first = (range.from + offset).div_euclid(width) * width - offset;
    let n = usize::try_from(ceil_div(range.to - first, width)).unwrap_or(0);
    (0..n)
        .map(|k| first + width * Ms::try_from(k).unwrap_or(0))
        .collect()
}

/// Starts of a local grid with offset changes. Within each offset segment
/// the boundaries are the instants whose local time is a multiple of the
/// period (local midnights for day widths); a change of offset adds a
/// boundary where it skips over one (a spring-forward gap holding a local
/// midnight). So a DST day is a 23 h or 25 h bucket and hourly buckets stay
/// hourly in UTC across the change.
fn local_starts(range: TimeRange, period: Ms, zone: &LocalZone) -> Vec<Ms> {
    // Look back far enough to find the boundary at or before `from`.
    let lookback = period + 2 * DAY;
    let win_from = range.from.saturating_sub(lookback);
    let k = |t: Ms, off: Ms| (t + off).div_euclid(period);
    let mut out = Vec::new();
    let mut prev_off: Option<Ms> = None;
    for (s, e, off) in zone.segments(win_from, range.to) {
        let lo = s.max(win_from);
        let hi = e.min(range.to);
        if let Some(p) = prev_off {
            // The local time jumps at `lo`: a boundary when the bucket index does.
            if k(lo - 1, p) != k(lo, off) {
                out.push(lo);
            }
        }
        let mut t = (lo + off).div_euclid(period) * period - off;
        if t < lo {
            t += period;
        }
        while t < hi {
            out.push(t);
            t += period;
        }
        prev_off = Some(off);
    }
    let mut out = crate::sort::sort_vec(out, &|a, b| a.cmp(b));
    out.dedup();
    let first = out.partition_point(|&t| t <= range.from).saturating_sub(1);
    let mut starts = out.split_off(first.min(out.len()));
    if starts.first().is_none_or(|&s| s > range.from) {
        starts.insert(0, range.from);
    }
    starts
}

/// Formats a width for people: as the URL writes it (`5m`, `1h`, `7d`,
/// see [`Width`]) when it is a whole number of minutes, else in `s` or `ms`.
pub fn format_width(w: Ms) -> String {
    if let Some(width) = Width::from_ms(w) {
        return width.to_string();
    }
    if w != 0 && w % SECOND == 0 {
        return format!("{}s", w / SECOND);
    }
    format!("{w}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_format_for_people() {
        for (s, w) in [
            ("5m", 5 * MINUTE),
            ("1h", HOUR),
            ("1d", DAY),
            ("7d", 7 * DAY),
        ] {
            assert_eq!(Width::parse(s).map(Width::ms), Some(w));
            assert_eq!(format_width(w), s);
        }
        assert_eq!(format_width(90 * SECOND), "90s");
        assert_eq!(format_width(1500), "1500ms");
    }

    #[test]
    fn zone_maths_round_trips_wall_clocks() {
        assert_eq!(Zone::Utc.offset_at(123), 0);
        assert_eq!(Zone::Utc.parse_wall_clock("1970-01-02 00:00"), Some(DAY));
        let change = 10 * DAY;
        let z = Zone::Local(one_change(change));
        assert_eq!(z.offset_at(change - 1), HOUR);
        assert_eq!(z.offset_at(change), 2 * HOUR);
        for t in [0, change - HOUR, change - 1, change, change + 5 * HOUR] {
            assert_eq!(z.instant_of_wall(z.wall_of(t)), t, "{t}");
        }
        // Forms write `T`, Plotly a space; fractions of a second read.
        assert_eq!(z.parse_wall_clock("1970-01-01T01:00"), Some(0));
        assert_eq!(z.parse_wall_clock("1970-01-01 01:00:00.5"), Some(500));
        assert_eq!(z.parse_wall_clock("1970-01-12 02:00"), Some(11 * DAY));
        assert_eq!(z.parse_wall_clock("soon"), None);
    }

    /// A zone probed over 20 days whose offset goes from 1 h to 2 h at `change`.
    fn one_change(change: Ms) -> LocalZone {
        LocalZone::probe(TimeRange::new(0, 20 * DAY), |t| {
            if t < change {
                HOUR
            } else {
                2 * HOUR
            }
        })
    }

    #[test]
    fn probe_finds_changes_to_the_ms() {
        let change = 10 * DAY + 1234;
        let z = one_change(change);
        assert_eq!(z.offset_at(change - 1), HOUR);
        assert_eq!(z.offset_at(change), 2 * HOUR);
        assert_eq!(z.offset_at(-100 * DAY), HOUR);
        assert_eq!(z.changes.len(), 2);
    }
}
