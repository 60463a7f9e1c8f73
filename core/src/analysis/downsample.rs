//! Downsampling of the CPU/GPU usage series (SPEC §2 metrics) for drawing:
//! a chart a few hundred pixels wide gains nothing from 2,000 points per
//! line, but it must still show the peaks and the gaps.

/// Reduces a series to at most `max_points` points (at least 2 are always
/// allowed), keeping its shape:
///
/// * Gaps stay gaps: each run of missing (or non-finite) values becomes one
///   `None` point, so Plotly still breaks the line there. When there are too
///   many gaps for the budget, the narrowest ones (in `t`) are closed first.
/// * Each unbroken stretch gets a share of the budget proportional to its
///   length and is reduced with LTTB (largest triangle three buckets), with
///   the stretch's highest and lowest point always kept: peaks survive.
///
/// A series that already fits is returned as is (minus a length mismatch:
/// only the first `min(t.len(), v.len())` points count). O(n log n) at worst
/// (sorting gaps), O(n) in the usual case.
pub fn downsample(t: &[f64], v: &[Option<f64>], max_points: usize) -> (Vec<f64>, Vec<Option<f64>>) {
    let n = t.len().min(v.len());
    let (t, v) = (t.get(..n).unwrap_or(&[]), v.get(..n).unwrap_or(&[]));
    if n <= max_points {
        return (t.to_vec(), v.to_vec());
    }
    let budget = max_points.max(2);
    let value = |i: usize| v.get(i).copied().flatten().filter(|x| x.is_finite());
    let time = |i: usize| t.get(i).copied().unwrap_or(0.0);

    // Unbroken stretches as index ranges [a, b) into `t`; a gap lies between two.
    let mut stretches: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for i in 0..=n {
        match (start, i < n && value(i).is_some()) {
            (None, true) => start = Some(i),
            (Some(a), false) => {
                stretches.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    let stretches = close_narrow_gaps(stretches, budget, &time);
    let gaps = stretches.len().saturating_sub(1);
    let points = budget - gaps;
    let total: usize = stretches
        .iter()
        .map(|&(a, b)| count_values(a, b, &value))
        .sum();

    let mut out_t = Vec::with_capacity(budget);
    let mut out_v = Vec::with_capacity(budget);
    let mut shares: Vec<usize> = stretches
        .iter()
        .map(|&(a, b)| ((points * count_values(a, b, &value)) / total.max(1)).max(1))
        .collect();
    // Rounding up small stretches may overshoot: take it back from the largest shares.
    while shares.iter().sum::<usize>() > points {
        match shares.iter_mut().max() {
            Some(m) if *m > 1 => *m -= 1,
            _ => break,
        }
    }
    for (k, (&(a, b), &share)) in stretches.iter().zip(&shares).enumerate() {
        if k > 0 {
            // The gap marker sits just after the previous stretch.
            let prev_end = stretches.get(k - 1).map_or(a, |s| s.1);
            out_t.push(time(prev_end));
            out_v.push(None);
        }
        let idx: Vec<usize> = (a..b).filter(|&i| value(i).is_some()).collect();
        for i in lttb_with_peaks(&idx, share, &time, &value) {
            out_t.push(time(i));
            out_v.push(value(i));
        }
    }
    (out_t, out_v)
}

fn count_values(a: usize, b: usize, value: &impl Fn(usize) -> Option<f64>) -> usize {
    (a..b).filter(|&i| value(i).is_some()).count()
}

/// Merges stretches across the narrowest gaps until `stretches + gaps`
/// fits the budget (each stretch needs a point, each gap a marker).
fn close_narrow_gaps(
    stretches: Vec<(usize, usize)>,
    budget: usize,
    time: &impl Fn(usize) -> f64,
) -> Vec<(usize, usize)> {
    let allowed = budget.div_ceil(2).max(1);
    if stretches.len() <= allowed {
        return stretches;
    }
    // Gap k lies between stretch k and k + 1; keep the widest `allowed - 1`.
    let width = |k: usize| {
        let a = stretches.get(k).map_or(0, |s| s.1.saturating_sub(1));
        let b = stretches.get(k + 1).map_or(0, |s| s.0);
        time(b) - time(a)
    };
    let order = crate::sort::sorted_indices(stretches.len() - 1, &|x, y| {
        width(y as usize)
            .total_cmp(&width(x as usize))
            .then(x.cmp(&y))
    });
    let mut keep = vec![false; stretches.len()];
    for &k in order.iter().take(allowed - 1) {
        if let Some(slot) = keep.get_mut(k as usize) {
            *slot = true;
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(allowed);
    for (k, &(a, b)) in stretches.iter().enumerate() {
        match out.last_mut() {
            Some(last) if !keep.get(k.wrapping_sub(1)).copied().unwrap_or(true) => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// Picks `share` of the indices `idx` (all with values) by LTTB, always
/// keeping the highest and lowest value. Returns indices in order.
fn lttb_with_peaks(
    idx: &[usize],
    share: usize,
    time: &impl Fn(usize) -> f64,
    value: &impl Fn(usize) -> Option<f64>,
) -> Vec<usize> {
    let y = |i: usize| value(i).unwrap_or(0.0);
    if idx.len() <= share {
        return idx.to_vec();
    }
    let by = |better: fn(f64, f64) -> bool| {
        idx.iter()
            .copied()
            .reduce(|a, b| if better(y(b), y(a)) { b } else { a })
            .unwrap_or(0)
    };
    let hi = by(|b, a| b > a);
    let lo = by(|b, a| b < a);
    match share {
        0 => return Vec::new(),
        1 => return vec![hi],
        2 => return if lo < hi { vec![lo, hi] } else { vec![hi, lo] },
        _ => {}
    }
    let (Some(&first), Some(&last)) = (idx.first(), idx.last()) else {
        return Vec::new();
    };
    let middle = idx.get(1..idx.len() - 1).unwrap_or(&[]);
    let nb = share - 2;
    let bucket = |k: usize| {
        let a = k * middle.len() / nb;
        let b = (k + 1) * middle.len() / nb;
        middle.get(a..b).unwrap_or(&[])
    };
    let mut out = Vec::with_capacity(share);
    out.push(first);
    let mut prev = first;
    for k in 0..nb {
        let here = bucket(k);
        // The next bucket's average (or the last point) is the third corner.
        let next = if k + 1 < nb {
            bucket(k + 1)
        } else {
            &[last][..]
        };
        let cnt = next.len().max(1) as f64;
        let nx = next.iter().map(|&i| time(i)).sum::<f64>() / cnt;
        let ny = next.iter().map(|&i| y(i)).sum::<f64>() / cnt;
        let (px, py) = (time(prev), y(prev));
        let pick = if here.contains(&hi) {
            Some(hi)
        } else if here.contains(&lo) {
            Some(lo)
        } else {
            here.iter().copied().max_by(|&a, &b| {
                let area = |i: usize| ((px - nx) * (y(i) - py) - (px - time(i)) * (ny - py)).abs();
                area(a).total_cmp(&area(b))
            })
        };
        if let Some(p) = pick {
            out.push(p);
            prev = p;
        }
    }
    out.push(last);
    out
}
