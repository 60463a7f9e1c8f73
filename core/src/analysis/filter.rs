//! Filters and the selection of SPEC §3 "Filters": values within one field
//! are OR-ed, fields are AND-ed, the text search is a case-insensitive
//! substring match on job name, job id, run id and run name.

use std::collections::BTreeSet;

use super::prepared::{Column, Prepared, EMPTY_COLUMN, NONE_NAME};
use super::time::TimeRange;
pub use crate::field::Field;

/// The filter controls. An empty set (or empty text) means "no filter on
/// that field", so `Filters::default()` passes every job. The value
/// [`NONE_NAME`] (`(none)`) matches jobs that lack the field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Filters {
    /// The values of each [`Field`] (OR-ed), indexed by [`Field::index`];
    /// states by wire name (`failed`, or an unknown state as sent).
    fields: [BTreeSet<String>; Field::COUNT],
    /// `(KEY, VALUE)` pairs. Each label key is its own field: values of one
    /// key are OR-ed, different keys AND-ed (`team:a` or `team:b`, and `prio:high`).
    pub labels: BTreeSet<(String, String)>,
    /// Free text (trimmed; case-insensitive substring).
    pub text: String,
}

impl Filters {
    /// The values set for a field.
    pub fn values(&self, field: Field) -> &BTreeSet<String> {
        &self.fields[field.index()]
    }

    /// The values set for a field, to edit.
    pub fn values_mut(&mut self, field: Field) -> &mut BTreeSet<String> {
        &mut self.fields[field.index()]
    }

    /// Adds `value` to a field's filter, or removes it when it is there.
    pub fn toggle(&mut self, field: Field, value: &str) {
        let values = self.values_mut(field);
        if !values.remove(value) {
            values.insert(value.to_string());
        }
    }

    /// Adds a label pair, or removes it when it is there.
    pub fn toggle_label(&mut self, key: &str, value: &str) {
        let pair = (key.to_string(), value.to_string());
        if !self.labels.remove(&pair) {
            self.labels.insert(pair);
        }
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        self.fields.iter().all(BTreeSet::is_empty)
            && self.labels.is_empty()
            && self.text.trim().is_empty()
    }
}

/// Indices into [`Prepared`] (ascending) of the jobs that pass the filters
/// and whose lifetime overlaps the range. Every panel takes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Selection(pub Vec<u32>);

impl Selection {
    /// Every job of the data (for facet counts before filtering).
    pub fn all(prep: &Prepared) -> Selection {
        Selection(
            (0..prep.len())
                .filter_map(|i| u32::try_from(i).ok())
                .collect(),
        )
    }

    /// Number of selected jobs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no job is selected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A filter set on one interned column, as a lookup table over its values.
struct ColumnTest<'a> {
    col: &'a Column,
    allowed: Vec<bool>,
    allow_none: bool,
}

impl<'a> ColumnTest<'a> {
    /// `None` when `values` is empty (no filter on the field).
    fn new(col: &'a Column, values: &BTreeSet<String>) -> Option<ColumnTest<'a>> {
        if values.is_empty() {
            return None;
        }
        let allowed = col.names.iter().map(|n| values.contains(n)).collect();
        Some(ColumnTest {
            col,
            allowed,
            allow_none: values.contains(NONE_NAME),
        })
    }

    fn pass(&self, i: usize) -> bool {
        match self
            .col
            .value(i)
            .and_then(|id| self.allowed.get(id as usize))
        {
            Some(&ok) => ok,
            None => self.allow_none,
        }
    }
}

/// SPEC §3: the jobs passing `filters` whose lifetime overlaps `range`. A
/// lifetime `[first transition, end]` overlaps when it has time inside the
/// range, or when its terminal transition lies in it (an instant counted by
/// job status). O(jobs), no allocation per job.
pub fn select(prep: &Prepared, filters: &Filters, range: TimeRange) -> Selection {
    let mut tests: Vec<ColumnTest> = Field::ALL
        .iter()
        .filter_map(|&f| {
            let col = prep.field_column(f)?;
            ColumnTest::new(col, filters.values(f))
        })
        .collect();
    // `labels` is ordered by key, so each key's values are one run of it
    // (a map from key to values would be a B-tree type of its own).
    let mut by_key: Vec<(&str, BTreeSet<String>)> = Vec::new();
    for (k, v) in &filters.labels {
        match by_key.last_mut() {
            Some((last, values)) if *last == k.as_str() => {
                values.insert(v.clone());
            }
            _ => by_key.push((k.as_str(), crate::sort::into_tree([v.clone()]))),
        }
    }
    for (k, values) in &by_key {
        let col = prep.labels.get(*k).unwrap_or(&EMPTY_COLUMN);
        tests.extend(ColumnTest::new(col, values));
    }
    let states: Option<Vec<bool>> = (!filters.values(Field::State).is_empty()).then(|| {
        prep.states
            .iter()
            .map(|s| filters.values(Field::State).contains(s.as_str()))
            .collect()
    });
    let text = TextSearch::new(prep, &filters.text);

    let mut out = Vec::new();
    for i in 0..prep.len() {
        let (start, end) = prep.lifetime(i);
        let terminal = prep.ended(i).is_some();
        let overlaps = range.overlap(start, end) > 0 || (terminal && range.contains(end));
        if !overlaps || !tests.iter().all(|t| t.pass(i)) {
            continue;
        }
        if let Some(allowed) = &states {
            let s = usize::from(prep.current(i));
            if !allowed.get(s).copied().unwrap_or(false) {
                continue;
            }
        }
        if text.as_ref().is_some_and(|t| !t.pass(prep, i)) {
            continue;
        }
        if let Ok(i) = u32::try_from(i) {
            out.push(i);
        }
    }
    Selection(out)
}

/// Whether job `i` passes a filter of `value` alone on `field`, tested as
/// [`select`] tests that field. Values of one field are OR-ed and fields
/// AND-ed, so for filters with no value on `field` the selection with
/// `value` added is exactly the jobs of their selection that pass this: a
/// first value on a field only narrows. (Used to foresee the runs a click
/// on a filter value will bring into view, before it lands.)
pub fn value_test<'a>(
    prep: &'a Prepared,
    field: Field,
    value: &str,
) -> impl Fn(usize) -> bool + 'a {
    let values = crate::sort::into_tree([value.to_string()]);
    let column = prep
        .field_column(field)
        .and_then(|c| ColumnTest::new(c, &values));
    let states: Option<Vec<bool>> =
        (field == Field::State).then(|| prep.states.iter().map(|s| s.as_str() == value).collect());
    move |i| match &states {
        Some(allowed) => allowed
            .get(usize::from(prep.current(i)))
            .copied()
            .unwrap_or(false),
        None => column.as_ref().is_none_or(|t| t.pass(i)),
    }
}

/// The free-text filter: a case-insensitive substring of the job name, job
/// id, run id or run name (each on its own: a match never spans two).
/// Launch job names are interned, so they are tested once per distinct
/// name; the rest are read in place, with no lowercase copy kept per job.
struct TextSearch {
    /// The text, lowercased.
    needle: String,
    /// Per launch job name id: whether it contains the text.
    names: Vec<bool>,
}

impl TextSearch {
    /// `None` when the text is empty (no filter).
    fn new(prep: &Prepared, text: &str) -> Option<TextSearch> {
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return None;
        }
        let names = prep
            .field_column(Field::Job)
            .map(|c| {
                c.names
                    .iter()
                    .map(|n| contains_folded(n, &needle))
                    .collect()
            })
            .unwrap_or_default();
        Some(TextSearch { needle, names })
    }

    fn pass(&self, prep: &Prepared, i: usize) -> bool {
        let name = prep
            .field_column(Field::Job)
            .and_then(|c| c.value(i))
            .and_then(|id| self.names.get(id as usize));
        name.copied().unwrap_or(false)
            || contains_folded(prep.id(i), &self.needle)
            || prep
                .run_id(i)
                .is_some_and(|s| contains_folded(s, &self.needle))
            || prep
                .run_name(i)
                .is_some_and(|s| contains_folded(s, &self.needle))
    }
}

/// Whether `hay`, lowercased, contains `needle` (already lowercase). ASCII
/// text (nearly all ids) is compared in place; other text is lowercased
/// with Unicode's rules first.
fn contains_folded(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() {
        let n = needle.as_bytes();
        needle.is_ascii()
            && hay
                .as_bytes()
                .windows(n.len())
                .any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}
