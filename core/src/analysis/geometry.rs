//! Where the marks go: the geometry of what the app draws on a canvas laid
//! over a chart's plot area (Plotly draws only the frame: axes, ticks,
//! zoom). Stacked bars (Job status, Queued time) become pixel rectangles,
//! usage series become polylines, both for the axes window on screen and
//! in device pixels of the canvas. The browser side only loops over the
//! result (`fillRect`, `lineTo`), so everything a user sees of a mark is
//! decided, and tested, here.

/// The part of a chart's axes a canvas covers, and its size in pixels.
/// `x` is in the chart's x units (wall-clock ms on a time axis, seconds on
/// a usage chart); `y0` is the axis value at the top edge and `y1` at the
/// bottom edge, so a lane axis (lane 0 on top) has `y0 < y1` and a value
/// axis (0 at the bottom) has `y0 > y1`. Pixel `(0, 0)` is the top left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RasterWindow {
    /// x at the left edge of the first column.
    pub x0: f64,
    /// x at the right edge of the last column.
    pub x1: f64,
    /// y at the top edge.
    pub y0: f64,
    /// y at the bottom edge.
    pub y1: f64,
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
}

/// Largest raster side: a bigger window is refused (an empty raster), so a
/// bad size from the page can never allocate gigabytes.
pub const MAX_RASTER_SIDE: u32 = 8192;

impl RasterWindow {
    /// True when the window has pixels and finite, non-empty axis spans.
    pub fn is_usable(&self) -> bool {
        let (dx, dy) = (self.x1 - self.x0, self.y1 - self.y0);
        (1..=MAX_RASTER_SIDE).contains(&self.width)
            && (1..=MAX_RASTER_SIDE).contains(&self.height)
            && dx.is_finite()
            && dy.is_finite()
            && dx != 0.0
            && dy != 0.0
    }

    /// The (fractional) column of axis value `x`: 0 at the left edge.
    pub fn col(&self, x: f64) -> f64 {
        (x - self.x0) / (self.x1 - self.x0) * f64::from(self.width)
    }

    /// The (fractional) row of axis value `y`: 0 at the top edge.
    pub fn row(&self, y: f64) -> f64 {
        (y - self.y0) / (self.y1 - self.y0) * f64::from(self.height)
    }

    /// Axis values of a (fractional) pixel position.
    pub fn at(&self, col: f64, row: f64) -> (f64, f64) {
        (
            self.x0 + col / f64::from(self.width) * (self.x1 - self.x0),
            self.y0 + row / f64::from(self.height) * (self.y1 - self.y0),
        )
    }
}

/// A rectangle of whole pixels: columns `x..x + w`, rows `y..y + h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PixelRect {
    /// Left column.
    pub x: u32,
    /// Top row.
    pub y: u32,
    /// Columns.
    pub w: u32,
    /// Rows.
    pub h: u32,
}

/// The space left on each side of a bar, as a share of its bucket's
/// width (Plotly's `bargap` of 0.08, split in two).
pub const BAR_GAP: f64 = 0.04;

/// Stacked bars over buckets: each bucket's x extent and, per series, the
/// top of its segment in every bucket (series in stacking order, the first
/// at the bottom). Values below zero or not finite count as zero.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stacks {
    /// `[start, end)` of each bucket on the x axis, ascending.
    pub extents: Vec<(f64, f64)>,
    /// `tops[series][bucket]`: the sum of the values of series `0..=series`.
    pub tops: Vec<Vec<f64>>,
}

impl Stacks {
    /// Stacks `values[series][bucket]` over buckets with these extents.
    pub fn new(extents: Vec<(f64, f64)>, values: &[Vec<f64>]) -> Stacks {
        let mut sum = vec![0.0; extents.len()];
        let tops = values
            .iter()
            .map(|series| {
                for (acc, &v) in sum.iter_mut().zip(series) {
                    if v.is_finite() && v > 0.0 {
                        *acc += v;
                    }
                }
                sum.clone()
            })
            .collect();
        Stacks { extents, tops }
    }

    /// The bottom of series `s`'s segment in bucket `b`.
    pub fn bottom(&self, s: usize, b: usize) -> f64 {
        match s.checked_sub(1) {
            Some(below) => self.top(below, b),
            None => 0.0,
        }
    }

    /// The top of series `s`'s segment in bucket `b` (0 when out of bounds).
    pub fn top(&self, s: usize, b: usize) -> f64 {
        self.tops
            .get(s)
            .and_then(|t| t.get(b))
            .copied()
            .unwrap_or(0.0)
    }

    /// The height of bucket `b`'s whole stack.
    pub fn total(&self, b: usize) -> f64 {
        self.top(self.tops.len().saturating_sub(1), b)
    }

    /// The tallest stack (0 without buckets or series).
    pub fn max(&self) -> f64 {
        self.tops
            .last()
            .map_or(0.0, |t| t.iter().copied().fold(0.0, f64::max))
    }

    /// The pixel rectangles of each series (`rects[series]`) for the
    /// window: a bucket's bar spans its extent less [`BAR_GAP`] on each
    /// side (at least one column), a segment the rows between its bottom
    /// and top, rounded to whole pixels so stacked segments meet exactly
    /// (a segment thinner than half a row rounds away). Parts outside the
    /// window are cut off.
    pub fn rects(&self, win: &RasterWindow) -> Vec<Vec<PixelRect>> {
        let mut out = vec![Vec::new(); self.tops.len()];
        if !win.is_usable() {
            return out;
        }
        let (w, h) = (f64::from(win.width), f64::from(win.height));
        let row = |y: f64| win.row(y).round().clamp(0.0, h);
        for (b, &(x0, x1)) in self.extents.iter().enumerate() {
            let Some((c0, c1)) = bar_columns(win.col(x0), win.col(x1), w) else {
                continue;
            };
            let mut lower = row(0.0);
            for (s, rects) in out.iter_mut().enumerate() {
                let upper = row(self.top(s, b));
                let (r0, r1) = (lower.min(upper), lower.max(upper));
                lower = upper;
                if r1 > r0 && self.top(s, b) > self.bottom(s, b) {
                    rects.push(PixelRect {
                        x: c0 as u32,
                        y: r0 as u32,
                        w: (c1 - c0) as u32,
                        h: (r1 - r0) as u32,
                    });
                }
            }
        }
        out
    }
}

/// The columns `[c0, c1)` of a bar between fractional columns `a` and `b`
/// (either order), less the gap, in `0..w`; `None` when it is off screen.
fn bar_columns(a: f64, b: f64, w: f64) -> Option<(f64, f64)> {
    let (a, b) = (a.min(b), a.max(b));
    if !(a.is_finite() && b.is_finite()) || b <= 0.0 || a >= w {
        return None;
    }
    let gap = (b - a) * BAR_GAP;
    let c0 = (a + gap).round();
    let c1 = (b - gap).round().max(c0 + 1.0);
    let (c0, c1) = (c0.max(0.0), c1.min(w));
    (c1 > c0).then_some((c0, c1))
}

/// A point of a polyline in (fractional) pixels.
pub type PixelPoint = (f32, f32);

/// Farthest a polyline point is placed outside the canvas (in pixels): a
/// deep zoom must not hand the canvas coordinates it cannot represent.
const FAR: f64 = 1.0e6;

/// A series (`t` ascending, `v` with `None` for gaps) as polylines in
/// pixels of the window: one polyline per run of points without a gap,
/// a lone point (no neighbour to join) draws nothing, as in Plotly's
/// `lines` mode. Only the points on screen and one on either side are
/// kept, so a deep zoom costs what it shows.
pub fn polylines(t: &[f64], v: &[Option<f64>], win: &RasterWindow) -> Vec<Vec<PixelPoint>> {
    let mut out = Vec::new();
    if !win.is_usable() {
        return out;
    }
    let n = t.len().min(v.len());
    let (lo, hi) = (win.x0.min(win.x1), win.x0.max(win.x1));
    let first = t[..n].partition_point(|&x| x < lo).saturating_sub(1);
    let last = (t[..n].partition_point(|&x| x <= hi) + 1).min(n);
    let mut line: Vec<PixelPoint> = Vec::new();
    for i in first..last {
        match v[i] {
            Some(y) if y.is_finite() && t[i].is_finite() => {
                let px = win.col(t[i]).clamp(-FAR, FAR) as f32;
                let py = win.row(y).clamp(-FAR, FAR) as f32;
                line.push((px, py));
            }
            _ => flush(&mut line, &mut out),
        }
    }
    flush(&mut line, &mut out);
    out
}

/// Moves a finished polyline into `out` (a lone point is dropped).
fn flush(line: &mut Vec<PixelPoint>, out: &mut Vec<Vec<PixelPoint>>) {
    if line.len() > 1 {
        out.push(std::mem::take(line));
    } else {
        line.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win(x: (f64, f64), y: (f64, f64), w: u32, h: u32) -> RasterWindow {
        RasterWindow {
            x0: x.0,
            x1: x.1,
            y0: y.0,
            y1: y.1,
            width: w,
            height: h,
        }
    }

    #[test]
    fn a_window_maps_both_ways_and_either_y_direction() {
        let value_axis = win((0.0, 100.0), (10.0, 0.0), 200, 50);
        assert_eq!(value_axis.col(25.0), 50.0);
        assert_eq!(value_axis.row(10.0), 0.0);
        assert_eq!(value_axis.row(0.0), 50.0);
        assert_eq!(value_axis.at(50.0, 25.0), (25.0, 5.0));
        let lanes = win((0.0, 1.0), (-0.5, 9.5), 10, 100);
        assert_eq!(lanes.row(0.0), 5.0);
        assert!(!win((0.0, 0.0), (0.0, 1.0), 10, 10).is_usable());
        assert!(!win((0.0, 1.0), (0.0, 1.0), 0, 10).is_usable());
        assert!(!win((0.0, f64::NAN), (0.0, 1.0), 10, 10).is_usable());
    }

    #[test]
    fn stacks_sum_in_order_and_ignore_negative_values() {
        let s = Stacks::new(
            vec![(0.0, 1.0), (1.0, 2.0)],
            &[vec![1.0, 2.0], vec![3.0, -1.0], vec![0.5, f64::NAN]],
        );
        assert_eq!(s.tops, vec![vec![1.0, 2.0], vec![4.0, 2.0], vec![4.5, 2.0]]);
        assert_eq!(s.bottom(1, 0), 1.0);
        assert_eq!(s.bottom(0, 0), 0.0);
        assert_eq!(s.total(0), 4.5);
        assert_eq!(s.max(), 4.5);
        assert_eq!(Stacks::default().max(), 0.0);
    }

    #[test]
    fn bars_are_whole_pixels_that_meet_and_skip_empty_segments() {
        // Two buckets of 10 px each over 20 px, y 0..10 over 100 rows.
        let s = Stacks::new(
            vec![(0.0, 10.0), (10.0, 20.0)],
            &[vec![2.0, 0.0], vec![3.0, 10.0]],
        );
        let r = s.rects(&win((0.0, 20.0), (10.0, 0.0), 20, 100));
        // Bucket 0: columns 0.4 → 0, 9.6 → 10; series 0 rows 80..100, series 1 rows 50..80.
        assert_eq!(
            r[0],
            vec![PixelRect {
                x: 0,
                y: 80,
                w: 10,
                h: 20
            }]
        );
        assert_eq!(
            r[1],
            vec![
                PixelRect {
                    x: 0,
                    y: 50,
                    w: 10,
                    h: 30
                },
                // Bucket 1 has no series 0: series 1 fills it from the bottom.
                PixelRect {
                    x: 10,
                    y: 0,
                    w: 10,
                    h: 100
                }
            ]
        );
    }

    #[test]
    fn bars_leave_a_gap_and_clip_to_the_window() {
        let s = Stacks::new(vec![(0.0, 100.0), (100.0, 200.0)], &[vec![1.0, 1.0]]);
        // 100 px a bucket: 4 px gap each side.
        let r = s.rects(&win((0.0, 200.0), (1.0, 0.0), 200, 10));
        assert_eq!((r[0][0].x, r[0][0].w), (4, 92));
        assert_eq!((r[0][1].x, r[0][1].w), (104, 92));
        // Zoomed to the middle: the first bar's right part and the second's left.
        let r = s.rects(&win((50.0, 150.0), (1.0, 0.0), 100, 10));
        assert_eq!((r[0][0].x, r[0][0].w), (0, 46));
        assert_eq!((r[0][1].x, r[0][1].w), (54, 46));
        // Entirely off screen.
        let r = s.rects(&win((300.0, 400.0), (1.0, 0.0), 100, 10));
        assert!(r[0].is_empty());
        // Taller than the window: cut at the top.
        let r = s.rects(&win((0.0, 200.0), (0.5, 0.0), 200, 10));
        assert_eq!((r[0][0].y, r[0][0].h), (0, 10));
    }

    #[test]
    fn a_bar_narrower_than_a_pixel_keeps_one_column() {
        let s = Stacks::new(vec![(0.0, 1.0)], &[vec![1.0]]);
        let r = s.rects(&win((0.0, 1000.0), (1.0, 0.0), 100, 10));
        assert_eq!((r[0][0].x, r[0][0].w), (0, 1));
    }

    #[test]
    fn polylines_split_at_gaps_drop_lone_points_and_keep_only_what_shows() {
        let t = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0];
        let v = [
            Some(0.0),
            Some(100.0),
            None,
            Some(50.0),
            None,
            Some(10.0),
            Some(20.0),
        ];
        let w = win((0.0, 60.0), (100.0, 0.0), 60, 100);
        let lines = polylines(&t, &v, &w);
        assert_eq!(
            lines,
            vec![
                vec![(0.0, 100.0), (10.0, 0.0)],
                vec![(50.0, 90.0), (60.0, 80.0)]
            ]
        );
        // Zoomed to 35..45 s: the neighbours 30 and 50 are kept, but both
        // border on gaps, so nothing is joined.
        assert!(polylines(&t, &v, &win((35.0, 45.0), (100.0, 0.0), 10, 10)).is_empty());
        // Zoomed to 52..58 s: the segment 50..60 crosses the whole window.
        let z = polylines(&t, &v, &win((52.0, 58.0), (100.0, 0.0), 6, 100));
        assert_eq!(z, vec![vec![(-2.0, 90.0), (8.0, 80.0)]]);
    }
}
