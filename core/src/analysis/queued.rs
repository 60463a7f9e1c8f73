//! The "Queued time" panel (SPEC §3 "Queued time"): per bucket and group,
//! the seconds jobs spent `idle` or `queued` inside the bucket and the range.

use super::filter::Selection;
use super::fold::fold_groups;
use super::group::Groups;
use super::prepared::Prepared;
use super::status::span_buckets;
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
        .map(|t| {
            sums.row(t)
                .into_iter()
                .map(|ms| ms as f64 / SECOND as f64)
                .collect()
        })
        .collect();
    GroupedSeries {
        groups: names,
        values,
    }
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
            add(&mut self.ms, row * nb + f, b - a);
            return;
        }
        add(&mut self.ms, row * nb + f, grid.bucket(f).1 - a);
        add(&mut self.ms, row * nb + l, b - grid.bucket(l).0);
        if l > f + 1 {
            add(&mut self.whole, row * (nb + 1) + f + 1, 1);
            add(&mut self.whole, row * (nb + 1) + l, -1);
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
