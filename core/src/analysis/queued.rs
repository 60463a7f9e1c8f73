//! The "Queued time" panel (SPEC §3 "Queued time"): per bucket and group,
//! the seconds jobs spent `idle` or `queued` inside the bucket and the range.

use super::filter::Selection;
use super::fold::fold_groups;
use super::group::Groups;
use super::prepared::{Prepared, Remap, Slide};
use super::status::{slid_by, span_buckets};
use super::time::BucketGrid;
use crate::model::{Ms, SECOND};

/// One value per group and bucket: a stacked-bar trace per group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupedSeries {
    /// Trace names: the groups, in their order (the shared group order, so
    /// a group has the same place and colour as in every other panel).
    pub groups: Vec<String>,
    /// `values[group][bucket]` in seconds (exact to the ms).
    pub values: Vec<Vec<f64>>,
}

/// SPEC §3 queued time: one series per group of `groups`, in their order.
/// When there are more than `max_groups` groups (0 is taken as 1), they
/// are folded first ([`fold_groups`]: the top `max_groups - 1` by jobs stay,
/// the rest become `(other)`); the app passes groups folded already. Sums
/// are kept in integer ms ([`SpanSums`]).
pub fn queued_time(
    prep: &Prepared,
    sel: &Selection,
    groups: &Groups,
    grid: &BucketGrid,
    max_groups: usize,
) -> GroupedSeries {
    let folded;
    let groups = if groups.names.len() > max_groups.max(1) {
        folded = fold_groups(groups, max_groups);
        &folded
    } else {
        groups
    };
    let names = groups.names.clone();
    // The waiting spans of the selection, with their group.
    let spans = || {
        sel.0.iter().zip(&groups.of_job).flat_map(move |(&j, &g)| {
            prep.waiting_spans(j as usize)
                .map(move |(s, e)| (g as usize, s, e))
        })
    };

    // Each span into its trace's buckets.
    let mut sums = SpanSums::new(names.len(), grid);
    for (g, s, e) in spans() {
        sums.add(g, s, e);
    }
    let values = (0..names.len())
        .map(|t| sums.row(t).into_iter().map(seconds).collect())
        .collect();
    GroupedSeries {
        groups: names,
        values,
    }
}

/// [`queued_time`] of `new` after an incremental read, from `series`, the
/// one of `old` on `grids.0` (the data the read was spliced into, the same
/// view's selection and folded groups of it), on `grids.1`: the same grid
/// or one slid forward ([`slid_by`], a relative range at a refresh). The
/// jobs that went take their waiting away, the changed ones and the held
/// ones at a slid start ([`Slide::edge`]) are counted again, and another
/// held job still waiting adds the time from the old `generated_at` to the
/// new one (its open span grew; sums over buckets add up exactly across
/// that split); buckets that left at the start go, new ones at the end
/// start from nothing. Exact, and `None` (compute it afresh) when that
/// does not hold: the held selected jobs are not `old`'s kept ones or have
/// a transition at or after the old `generated_at`
/// ([`Remap::gone_selected`]), the groups' names or a held job's group
/// changed, the range moved otherwise than forward, or `series` is not of
/// this shape.
pub fn queued_time_updated(
    series: &GroupedSeries,
    old: (&Prepared, &Selection, &Groups),
    new: (&Prepared, &Selection, &Groups),
    remap: &Remap,
    (og_grid, grid): (&BucketGrid, &BucketGrid),
) -> Option<GroupedSeries> {
    let ((op, os, og), (np, ns, ng)) = (old, new);
    let shape = og.names == ng.names
        && series.groups == ng.names
        && og.of_job.len() == os.len()
        && ng.of_job.len() == ns.len()
        && series.values.len() == ng.names.len()
        && series.values.iter().all(|r| r.len() == og_grid.len());
    if !shape {
        return None;
    }
    let slide = Slide::new(og_grid.range, grid.range, op.generated_at())?;
    let d = slid_by(og_grid, grid)?;
    let mut out = SpanSums::new(ng.names.len(), og_grid);
    let mut sums = SpanSums::new(ng.names.len(), grid);
    let rows = Some((&og.of_job[..], &ng.of_job[..]));
    waiting_delta(
        (op, os),
        (np, ns),
        rows,
        remap,
        &slide,
        (&mut out, &mut sums),
    )?;
    let values = series
        .values
        .iter()
        .enumerate()
        .map(|(t, row)| {
            // The old ms less what left, on the old grid, then shifted.
            let kept = row
                .iter()
                .zip(out.row(t))
                .map(|(&secs, less)| ms_of(secs).map(|ms| ms + less))
                .skip(d)
                .chain(std::iter::repeat(Some(0)));
            kept.zip(sums.row(t))
                .map(|(ms, more)| Some(seconds(ms? + more)))
                .collect::<Option<Vec<f64>>>()
        })
        .collect::<Option<Vec<_>>>()?;
    Some(GroupedSeries {
        groups: series.groups.clone(),
        values,
    })
}

/// What the waiting spans of `new`'s selection `ns` (this remap's result)
/// have more than those of `old`'s `os`, a row per job: `rows`' groups (of
/// each selection position, old and new), or row 0. The jobs that went
/// and the held ones at a slid start ([`Slide::edge`]) subtract their old
/// spans into `sums.0` (over the old range); the changed ones and those
/// held at the start add their spans to `sums.1`, and another held job
/// waiting now adds the time from the old `generated_at` to the new one.
/// `None` when that would not be exact: [`Remap::gone_selected`] refuses,
/// the new `generated_at` is earlier, or a held job's row changed.
pub(crate) fn waiting_delta(
    (op, os): (&Prepared, &Selection),
    (np, ns): (&Prepared, &Selection),
    rows: Option<(&[u16], &[u16])>,
    remap: &Remap,
    slide: &Slide,
    (out, sums): (&mut SpanSums, &mut SpanSums),
) -> Option<()> {
    let (g0, g1) = (op.generated_at(), np.generated_at());
    if g1 < g0 {
        return None;
    }
    let held = remap.held_selected(op, os, ns, slide)?;
    let row =
        |of: Option<&[u16]>, k: usize| of.map_or(Some(0), |g| g.get(k).map(|&g| usize::from(g)));
    let (old_rows, new_rows) = (rows.map(|r| r.0), rows.map(|r| r.1));
    // The held selected jobs are the first of `ns`, in `os`'s order: each
    // keeps its row.
    let h = os.len().checked_sub(held.gone.len())?;
    if let Some((orow, nrow)) = rows {
        if orow.len() != os.len() || nrow.len() != ns.len() {
            return None;
        }
        let mut gone = held.gone.iter().copied().peekable();
        let kept =
            os.0.iter()
                .zip(orow)
                .filter(|&(&i, _)| gone.next_if_eq(&i).is_none());
        if !kept.map(|(_, r)| r).eq(nrow.get(..h)?) {
            return None;
        }
    }
    // A held or gone job's row, by its place in `os`.
    let old_row = |i: u32| row(old_rows, os.0.binary_search(&i).ok()?);
    for &i in &held.gone {
        let r = old_row(i)?;
        for (s, e) in op.waiting_spans(i as usize) {
            out.put(r, s, e, -1);
        }
    }
    for &(i, m) in &held.edge {
        let r = old_row(i)?;
        for (s, e) in op.waiting_spans(i as usize) {
            out.put(r, s, e, -1);
        }
        for (s, e) in np.waiting_spans(m as usize) {
            sums.put(r, s, e, 1);
        }
    }
    for (i, _) in held.waiting_not_edge() {
        sums.put(old_row(i)?, slide.base, g1, 1);
    }
    for (k, &j) in ns.0.iter().enumerate().skip(h) {
        let r = row(new_rows, k)?;
        for (s, e) in np.waiting_spans(j as usize) {
            sums.put(r, s, e, 1);
        }
    }
    Some(())
}

/// Seconds from exact ms, as [`queued_time`] writes them.
fn seconds(ms: Ms) -> f64 {
    ms as f64 / SECOND as f64
}

/// The exact ms that [`seconds`] turned into `secs` (`None` if none did:
/// negative, too large to come back exactly, or not such a value).
fn ms_of(secs: f64) -> Option<Ms> {
    let ms = (secs * SECOND as f64).round();
    // Below 2^50 ms, `seconds` of distinct integers are distinct floats.
    (0.0..1e15)
        .contains(&ms)
        .then_some(ms as Ms)
        .filter(|&m| seconds(m) == secs)
}

/// Sums of span lengths per bucket of a grid, in rows (one per trace),
/// clipped to the grid's range. A span's partial end buckets are added
/// directly and its whole buckets as a count in a difference array, so a
/// job idle for a week costs O(1), not O(buckets).
pub(crate) struct SpanSums<'g> {
    grid: &'g BucketGrid,
    /// `ms[row * nb + bucket]`: partial-bucket ms.
    ms: Vec<Ms>,
    /// `whole[row * (nb + 1) + bucket]`: +1 where a run of whole buckets
    /// starts, -1 after it ends.
    whole: Vec<i64>,
}

impl<'g> SpanSums<'g> {
    /// `rows` rows of zeros over `grid`.
    pub(crate) fn new(rows: usize, grid: &'g BucketGrid) -> Self {
        let nb = grid.len();
        SpanSums {
            grid,
            ms: vec![0; rows * nb],
            whole: vec![0; rows * (nb + 1)],
        }
    }

    /// Adds the part of `[s, e)` inside the range to row `row`.
    pub(crate) fn add(&mut self, row: usize, s: Ms, e: Ms) {
        self.put(row, s, e, 1);
    }

    /// Adds `sign` times the part of `[s, e)` inside the range to row `row`.
    pub(crate) fn put(&mut self, row: usize, s: Ms, e: Ms, sign: i64) {
        let grid = self.grid;
        let Some((f, l)) = span_buckets(grid, s, e) else {
            return;
        };
        let nb = grid.len();
        let add = |v: &mut [i64], i: usize, x: i64| {
            if let Some(slot) = v.get_mut(i) {
                *slot += x;
            }
        };
        let (a, b) = (s.max(grid.range.from), e.min(grid.range.to));
        if f == l {
            add(&mut self.ms, row * nb + f, sign * (b - a));
            return;
        }
        add(&mut self.ms, row * nb + f, sign * (grid.bucket(f).1 - a));
        add(&mut self.ms, row * nb + l, sign * (b - grid.bucket(l).0));
        if l > f + 1 {
            add(&mut self.whole, row * (nb + 1) + f + 1, sign);
            add(&mut self.whole, row * (nb + 1) + l, -sign);
        }
    }

    /// Row `row`'s ms per bucket.
    pub(crate) fn row(&self, row: usize) -> Vec<Ms> {
        let nb = self.grid.len();
        let mut n = 0i64;
        (0..nb)
            .map(|i| {
                n += self.whole.get(row * (nb + 1) + i).copied().unwrap_or(0);
                self.ms.get(row * nb + i).copied().unwrap_or(0) + n * self.grid.bucket_len(i)
            })
            .collect()
    }
}
