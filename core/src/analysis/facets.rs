//! The filter lists' values and their counts (the facets): for every
//! field and every label key of the data, each value among a selection
//! with how many of its jobs have it, and their carry over a refresh.
//!
//! A recount reads every selected job once per field and per label key
//! (five fields and every key: O(selection × (5 + keys))); a refresh
//! changes ~100 records of ~100k. [`facets_updated`] takes the last counts,
//! takes off the jobs that went (read in the old data) and adds the ones
//! that came or changed (read in the new one), by value *name*: value ids
//! are not stable across a refresh (the splice merges and renumbers the
//! names), but a held job's names are its record's, the same in both.

use std::collections::HashMap;

use super::filter::{Field, Selection};
use super::prepared::{Prepared, Remap, Slide, NONE_NAME};
use super::time::TimeRange;
use crate::model::JobState;

/// A value and how many jobs have it.
pub type Facet = (String, usize);

/// Every filter list of a selection: its values, most frequent first (ties
/// by name), each with its count. Jobs without the field count under
/// [`NONE_NAME`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    /// The jobs counted.
    pub jobs: usize,
    /// The values of each field, in [`Field::ALL`]'s order.
    pub fields: Vec<Vec<Facet>>,
    /// Every label key of the data (sorted) and its values.
    pub labels: Vec<(String, Vec<Facet>)>,
}

impl Facets {
    /// The values of `field`.
    pub fn field(&self, field: Field) -> &[Facet] {
        Field::ALL
            .iter()
            .position(|&f| f == field)
            .and_then(|k| self.fields.get(k))
            .map_or(&[], Vec::as_slice)
    }
}

/// Every field's and label key's values among `subset` with their counts
/// ([`Prepared::facet_values`], [`Prepared::label_values`]).
pub fn facets(p: &Prepared, subset: &Selection) -> Facets {
    Facets {
        jobs: subset.len(),
        fields: Field::ALL
            .iter()
            .map(|&f| p.facet_values(f, subset))
            .collect(),
        labels: p
            .labels
            .keys()
            .map(|k| (k.clone(), p.label_values(k, subset)))
            .collect(),
    }
}

/// `facets` of `old`'s selection `os`, carried over to `ns`, the same
/// view's selection of `new` (spliced from `old` by `remap`), over a range
/// the same or slid forward (`ranges`): the held jobs in both keep their
/// values; the jobs that went are taken off and the changed ones added.
/// `None` (count afresh) when the remap cannot say which went
/// ([`Remap::gone_selected`]) or the counts were not of `os`.
/// O(changed × (5 + label keys) + values that moved), plus one copy of
/// each list.
pub fn facets_updated(
    facets: &Facets,
    (op, os): (&Prepared, &Selection),
    (np, ns): (&Prepared, &Selection),
    remap: &Remap,
    (old_range, range): (TimeRange, TimeRange),
) -> Option<Facets> {
    if facets.jobs != os.len() || facets.fields.len() != Field::ALL.len() {
        return None;
    }
    let slide = Slide::new(old_range, range, op.generated_at())?;
    let held = remap.gone_selected(op, os, ns, &slide)?;
    let gone = held.gone.as_slice();
    let (_, came) = remap.split(ns);
    let fields = Field::ALL
        .iter()
        .zip(&facets.fields)
        .map(|(&f, old)| {
            let mut d = Delta::default();
            d.count(gone, -1, |i| field_name(op, f, i));
            d.count(came, 1, |j| field_name(np, f, j));
            d.apply(old)
        })
        .collect::<Option<Vec<_>>>()?;
    let labels = np
        .labels
        .iter()
        .map(|(key, col)| {
            // A key the old data did not have: every old job had none.
            let before = facets.labels.binary_search_by(|(k, _)| k.cmp(key));
            let none = [(NONE_NAME.to_string(), os.len())];
            let old = match before {
                Ok(k) => facets.labels.get(k).map(|(_, v)| v.as_slice())?,
                Err(_) if os.is_empty() => &[],
                Err(_) => &none,
            };
            let old_col = op.labels.get(key);
            let mut d = Delta::default();
            d.count(gone, -1, |i| old_col.map_or(NONE_NAME, |c| c.name(i)));
            d.count(came, 1, |j| col.name(j));
            Some((key.clone(), d.apply(old)?))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Facets {
        jobs: ns.len(),
        fields,
        labels,
    })
}

/// Job `i`'s value of `f` as its list names it (`None`: counted nowhere,
/// as a recount counts it).
fn field_name(p: &Prepared, f: Field, i: usize) -> Option<&str> {
    match p.field_column(f) {
        Some(col) => Some(col.name(i)),
        None => p
            .states
            .get(usize::from(p.current(i)))
            .map(JobState::as_str),
    }
}

/// How a list's counts move: by value name.
#[derive(Default)]
struct Delta<'a> {
    by_name: HashMap<&'a str, i64>,
}

impl<'a> Delta<'a> {
    /// Adds `by` to the value of each of `jobs` (`name` of a job's index).
    fn count<N: Into<Option<&'a str>>>(
        &mut self,
        jobs: &[u32],
        by: i64,
        name: impl Fn(usize) -> N,
    ) {
        for &i in jobs {
            if let Some(n) = name(i as usize).into() {
                *self.by_name.entry(n).or_insert(0) += by;
            }
        }
    }

    /// `old` (sorted as a list shows it) with the counts moved: a value
    /// that reaches 0 leaves, one that was not there comes. The values
    /// untouched keep their order; the moved ones are merged in. `None`
    /// when a count would fall below 0 (the counts were not of the jobs
    /// the caller said).
    fn apply(mut self, old: &[Facet]) -> Option<Vec<Facet>> {
        self.by_name.retain(|_, d| *d != 0);
        if self.by_name.is_empty() {
            return Some(old.to_vec());
        }
        let mut stay = Vec::with_capacity(old.len() + self.by_name.len());
        let mut moved = Vec::with_capacity(self.by_name.len());
        for (name, n) in old {
            match self.by_name.remove(name.as_str()) {
                None => stay.push((name.clone(), *n)),
                Some(d) => moved.push((name.clone(), moved_count(*n, d)?)),
            }
        }
        for (name, d) in self.by_name {
            moved.push((name.to_string(), moved_count(0, d)?));
        }
        moved.retain(|(_, n)| *n > 0);
        // The shared sort (names are unique: stable or not, one order).
        Some(merge(stay, crate::sort::sort_vec(moved, &list_order)))
    }
}

/// `n` moved by `d`, if not below 0.
fn moved_count(n: usize, d: i64) -> Option<usize> {
    usize::try_from(i64::try_from(n).ok()?.checked_add(d)?).ok()
}

/// The lists' order: most frequent first, ties by name.
fn list_order(a: &Facet, b: &Facet) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
}

/// Two lists sorted by [`list_order`], merged.
fn merge(a: Vec<Facet>, b: Vec<Facet>) -> Vec<Facet> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for x in a {
        while let Some(y) = b.next_if(|y| list_order(y, &x).is_lt()) {
            out.push(y);
        }
        out.push(x);
    }
    out.extend(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: &[(&str, usize)]) -> Vec<Facet> {
        v.iter().map(|&(s, n)| (s.to_string(), n)).collect()
    }

    #[test]
    fn a_delta_moves_values_leaves_zeros_out_and_keeps_the_order() {
        let old = list(&[("a", 5), ("b", 3), ("c", 3), ("d", 1)]);
        let mut d = Delta::default();
        d.count(&[0, 1], -1, |i| ["c", "d"].get(i).copied());
        d.count(&[0, 1, 2], 1, |i| ["b", "e", "e"].get(i).copied());
        assert_eq!(
            d.apply(&old),
            Some(list(&[("a", 5), ("b", 4), ("c", 2), ("e", 2)]))
        );
        let mut d = Delta::default();
        d.count(&[0], -1, |_| Some("zz"));
        assert_eq!(d.apply(&old), None, "a value that was not there");
    }
}
