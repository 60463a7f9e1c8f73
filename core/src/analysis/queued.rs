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
/// are kept in integer ms, and a span's whole buckets go through a
/// difference array, so a job idle for a week costs O(1), not O(buckets).
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

    // Pass 2: partial end buckets directly, whole buckets as a count.
    let nb = grid.len();
    let nt = names.len();
    let mut ms = vec![0 as Ms; nt * nb];
    let mut whole = vec![0i64; nt * (nb + 1)];
    let add = |v: &mut [i64], i: usize, x: i64| {
        if let Some(slot) = v.get_mut(i) {
            *slot += x;
        }
    };
    for (g, s, e) in spans() {
        let Some((f, l)) = span_buckets(grid, s, e) else {
            continue;
        };
        let t = g;
        let (a, b) = (s.max(grid.range.from), e.min(grid.range.to));
        if f == l {
            add(&mut ms, t * nb + f, b - a);
            continue;
        }
        add(&mut ms, t * nb + f, grid.bucket(f).1 - a);
        add(&mut ms, t * nb + l, b - grid.bucket(l).0);
        if l > f + 1 {
            add(&mut whole, t * (nb + 1) + f + 1, 1);
            add(&mut whole, t * (nb + 1) + l, -1);
        }
    }
    let lens: Vec<Ms> = (0..nb).map(|i| grid.bucket_len(i)).collect();
    let values = (0..nt)
        .map(|t| {
            let mut n = 0i64;
            (0..nb)
                .map(|i| {
                    n += whole.get(t * (nb + 1) + i).copied().unwrap_or(0);
                    let total = ms.get(t * nb + i).copied().unwrap_or(0)
                        + n * lens.get(i).copied().unwrap_or(0);
                    total as f64 / SECOND as f64
                })
                .collect()
        })
        .collect();
    GroupedSeries {
        groups: names,
        values,
    }
}
