//! Filters and the selection of SPEC §3 "Filters": values within one field
//! are OR-ed, fields are AND-ed, the text search is a case-insensitive
//! substring match on job name, job id, run id and run name.

use std::collections::{BTreeMap, BTreeSet};

use super::prepared::{Column, Prepared, EMPTY_COLUMN, NONE_NAME};
use super::time::TimeRange;

/// A filterable (and groupable) job field, as named in the URL (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The user who launched the job.
    User,
    /// The launch job name.
    Job,
    /// The project.
    Project,
    /// The entity (team or org).
    Entity,
    /// The current state (the job's last transition).
    State,
}

impl Field {
    /// All fields, in the order of the filter controls.
    pub const ALL: [Field; 5] = [
        Field::User,
        Field::Job,
        Field::Project,
        Field::Entity,
        Field::State,
    ];

    /// The URL parameter name.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::User => "user",
            Field::Job => "job",
            Field::Project => "project",
            Field::Entity => "entity",
            Field::State => "state",
        }
    }

    /// Reads a URL parameter name.
    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Which interned column of [`Prepared`] holds the field (`None` for state).
    pub(crate) fn column(self) -> Option<usize> {
        match self {
            Field::User => Some(0),
            Field::Job => Some(1),
            Field::Project => Some(2),
            Field::Entity => Some(3),
            Field::State => None,
        }
    }
}

/// The filter controls. An empty set (or empty text) means "no filter on
/// that field", so `Filters::default()` passes every job. The value
/// [`NONE_NAME`] (`(none)`) matches jobs that lack the field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Filters {
    /// Users (OR-ed).
    pub user: BTreeSet<String>,
    /// Launch job names (OR-ed).
    pub job: BTreeSet<String>,
    /// Projects (OR-ed).
    pub project: BTreeSet<String>,
    /// Entities (OR-ed).
    pub entity: BTreeSet<String>,
    /// Current states, wire names (`failed`, or an unknown state as sent).
    pub state: BTreeSet<String>,
    /// `(KEY, VALUE)` pairs. Each label key is its own field: values of one
    /// key are OR-ed, different keys AND-ed (`team:a` or `team:b`, and `prio:high`).
    pub labels: BTreeSet<(String, String)>,
    /// Free text (trimmed; case-insensitive substring).
    pub text: String,
}

impl Filters {
    /// The values set for a field.
    pub fn values(&self, field: Field) -> &BTreeSet<String> {
        match field {
            Field::User => &self.user,
            Field::Job => &self.job,
            Field::Project => &self.project,
            Field::Entity => &self.entity,
            Field::State => &self.state,
        }
    }

    /// The values set for a field, to edit.
    pub fn values_mut(&mut self, field: Field) -> &mut BTreeSet<String> {
        match field {
            Field::User => &mut self.user,
            Field::Job => &mut self.job,
            Field::Project => &mut self.project,
            Field::Entity => &mut self.entity,
            Field::State => &mut self.state,
        }
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        Field::ALL.iter().all(|&f| self.values(f).is_empty())
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
    let mut by_key: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (k, v) in &filters.labels {
        by_key.entry(k.as_str()).or_default().insert(v.clone());
    }
    for (k, values) in &by_key {
        let col = prep.labels.get(*k).unwrap_or(&EMPTY_COLUMN);
        tests.extend(ColumnTest::new(col, values));
    }
    let states: Option<Vec<bool>> = (!filters.state.is_empty()).then(|| {
        prep.states
            .iter()
            .map(|s| filters.state.contains(s.as_str()))
            .collect()
    });
    let text = filters.text.trim().to_lowercase();

    let mut out = Vec::new();
    for i in 0..prep.len() {
        let (start, end) = prep.lifetime.get(i).copied().unwrap_or((0, 0));
        let terminal = prep.ended.get(i).is_some_and(Option::is_some);
        let overlaps = range.overlap(start, end) > 0 || (terminal && range.contains(end));
        if !overlaps || !tests.iter().all(|t| t.pass(i)) {
            continue;
        }
        if let Some(allowed) = &states {
            let s = prep.current.get(i).copied().unwrap_or(0) as usize;
            if !allowed.get(s).copied().unwrap_or(false) {
                continue;
            }
        }
        if !text.is_empty() && !prep.haystack.get(i).is_some_and(|h| h.contains(&text)) {
            continue;
        }
        if let Ok(i) = u32::try_from(i) {
            out.push(i);
        }
    }
    Selection(out)
}
