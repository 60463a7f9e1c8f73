//! What is under the pointer on a chart whose marks the app draws: the
//! bar segment of a stacked bar chart, the nearest point of the usage
//! lines. (Job runs has its own index, [`super::LaneIndex`].) The answers
//! are indices into the same data the marks were drawn from, so a hover
//! card shows exact values, never a value read back from pixels.

use super::geometry::{RasterWindow, Stacks};

/// The stacked segment at axis point `(x, y)`: `(bucket, series)`. A
/// bucket owns its whole extent (the gap between bars included), a
/// segment `[bottom, top)` of its stack; empty segments are never hit.
pub fn bar_at(stacks: &Stacks, x: f64, y: f64) -> Option<(usize, usize)> {
    let b = stacks.extents.partition_point(|&(start, _)| start <= x);
    let b = b.checked_sub(1)?;
    let &(_, end) = stacks.extents.get(b)?;
    if x >= end || !y.is_finite() {
        return None;
    }
    (0..stacks.tops.len())
        .find(|&s| {
            let (lo, hi) = (stacks.bottom(s, b), stacks.top(s, b));
            hi > lo && lo <= y && y < hi
        })
        .map(|s| (b, s))
}

/// One line of a usage chart: `t` ascending, `v` with `None` for gaps.
pub type LineData<'a> = (&'a [f64], &'a [Option<f64>]);

/// The point of `lines` nearest to the pixel `(col, row)` of the window,
/// as `(line, index)`, if some line passes within `slack` pixels: the
/// distance is to the drawn segments (so a pointer between two far-apart
/// samples still finds the line), and the answer is the segment's end
/// nearer the pointer. On a tie the later line wins (it is drawn on top).
pub fn nearest_point(
    lines: &[LineData<'_>],
    win: &RasterWindow,
    (col, row): (f64, f64),
    slack: f64,
) -> Option<(usize, usize)> {
    if !win.is_usable() {
        return None;
    }
    let (xa, _) = win.at(col - slack, row);
    let (xb, _) = win.at(col + slack, row);
    let (lo, hi) = (xa.min(xb), xa.max(xb));
    let mut best: Option<(f64, usize, usize)> = None;
    for (l, &(t, v)) in lines.iter().enumerate() {
        let n = t.len().min(v.len());
        let first = t[..n].partition_point(|&x| x < lo).saturating_sub(1);
        let last = (t[..n].partition_point(|&x| x <= hi) + 1).min(n);
        let px = |i: usize| -> Option<(f64, f64)> {
            let y = v.get(i).copied().flatten()?;
            let p = (win.col(t[i]), win.row(y));
            (p.0.is_finite() && p.1.is_finite()).then_some(p)
        };
        for i in first..last {
            let Some(a) = px(i) else { continue };
            // Each point alone, and the segment to the next point.
            let mut cands = vec![(dist(a, (col, row)), i)];
            if let Some(b) = (i + 1 < last).then(|| px(i + 1)).flatten() {
                let d = segment_dist(a, b, (col, row));
                let nearer = if dist(a, (col, row)) <= dist(b, (col, row)) {
                    i
                } else {
                    i + 1
                };
                cands.push((d, nearer));
            }
            for (d, k) in cands {
                if d <= slack && best.is_none_or(|(bd, bl, _)| d < bd || (d == bd && l >= bl)) {
                    best = Some((d, l, k));
                }
            }
        }
    }
    best.map(|(_, l, k)| (l, k))
}

fn dist(a: (f64, f64), p: (f64, f64)) -> f64 {
    (a.0 - p.0).hypot(a.1 - p.1)
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_dist(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return dist(a, p);
    }
    let k = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    dist((a.0 + k * dx, a.1 + k * dy), p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_hit_over_its_whole_bucket_and_only_inside_its_segment() {
        let s = Stacks::new(
            vec![(0.0, 10.0), (10.0, 20.0)],
            &[vec![2.0, 0.0], vec![3.0, 10.0]],
        );
        assert_eq!(bar_at(&s, 0.0, 0.0), Some((0, 0)));
        assert_eq!(bar_at(&s, 9.99, 1.99), Some((0, 0)));
        assert_eq!(bar_at(&s, 5.0, 2.0), Some((0, 1)));
        assert_eq!(bar_at(&s, 5.0, 5.0), None, "above the stack");
        // Series 0 is empty in bucket 1: its zero-height segment is never hit.
        assert_eq!(bar_at(&s, 10.0, 0.0), Some((1, 1)));
        assert_eq!(bar_at(&s, 20.0, 1.0), None, "past the last bucket");
        assert_eq!(bar_at(&s, -1.0, 1.0), None, "before the first");
        assert_eq!(bar_at(&s, 5.0, -0.1), None, "below zero");
    }

    #[test]
    fn the_nearest_line_point_is_found_along_segments() {
        // 100 px for 0..100 s, 100 rows for 100..0 %.
        let win = RasterWindow {
            x0: 0.0,
            x1: 100.0,
            y0: 100.0,
            y1: 0.0,
            width: 100,
            height: 100,
        };
        let (t1, v1) = (vec![0.0, 100.0], vec![Some(50.0), Some(50.0)]);
        let (t2, v2) = (vec![0.0, 40.0, 60.0], vec![Some(10.0), None, Some(10.0)]);
        let lines = [(&t1[..], &v1[..]), (&t2[..], &v2[..])];
        // On line 1's only segment, nearer its start.
        assert_eq!(nearest_point(&lines, &win, (30.0, 52.0), 4.0), Some((0, 0)));
        assert_eq!(nearest_point(&lines, &win, (70.0, 48.0), 4.0), Some((0, 1)));
        // Line 2 has a gap at 40 s: nothing between 0 and 60 s but its points.
        assert_eq!(nearest_point(&lines, &win, (30.0, 90.0), 4.0), None);
        assert_eq!(nearest_point(&lines, &win, (61.0, 89.0), 4.0), Some((1, 2)));
        assert_eq!(
            nearest_point(&lines, &win, (30.0, 70.0), 4.0),
            None,
            "too far"
        );
    }

    #[test]
    fn ties_go_to_the_line_drawn_last() {
        let win = RasterWindow {
            x0: 0.0,
            x1: 10.0,
            y0: 10.0,
            y1: 0.0,
            width: 10,
            height: 10,
        };
        let (t, v) = (vec![0.0, 10.0], vec![Some(5.0), Some(5.0)]);
        let lines = [(&t[..], &v[..]), (&t[..], &v[..])];
        assert_eq!(nearest_point(&lines, &win, (2.0, 5.0), 2.0), Some((1, 0)));
    }
}
