//! The loaded jobs in a compact form, and everything about them that does
//! not depend on the view. Filters, groupings, grids and brushes then only
//! index into it.
//!
//! A job is not a struct here but a row across columns (about 150 bytes a
//! job at 100k jobs instead of 1.3 kB): its id, run id and run name live
//! end to end in one text buffer each; user, launch job, project, entity,
//! label values, states and error messages are interned (each distinct
//! value once, a `u32`/`u16` per job); transitions are two parallel arrays
//! (time, state id). What SPEC §3 derives from the transitions (state
//! spans, run span, lifetime, waiting) is computed from them on the fly,
//! so the data is built page by page ([`PreparedBuilder`]) while later
//! pages download, and a later `generated_at` changes nothing but itself.
//! [`JobRef`] reads one job back.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::filter::{Field, Selection};
use crate::model::{Dataset, Job, JobError, JobState, Ms, Transition};

mod build;
mod stored;
pub use build::SNAPSHOT_MAX_JOBS;
pub(crate) use stored::packed;
#[cfg(test)]
mod tests;
mod update;

pub use build::PreparedBuilder;
pub(crate) use update::Slide;
pub use update::{Remap, UpdateCounts, UpdateError};

/// What a missing field (user, project, a label...) shows and groups as (SPEC §3).
pub const NONE_NAME: &str = "(none)";

pub(crate) use super::column::{Column, EMPTY_COLUMN, NO_VALUE};

/// At most this many distinct unknown states keep their own name (the
/// most frequent); the rest count as one state, [`OTHER_STATES_NAME`].
/// Every state is a trace of Job status and a row of its states x buckets
/// array: a backend with 70,000 made-up states must not make 70,000.
pub const MAX_UNKNOWN_STATES: usize = 32;

/// The state the unknown states past [`MAX_UNKNOWN_STATES`] count as.
pub const OTHER_STATES_NAME: &str = "(other states)";

/// The unknown states that were folded into [`OTHER_STATES_NAME`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StateFold {
    /// Distinct state names folded.
    pub states: usize,
    /// Transitions into them.
    pub transitions: usize,
}

impl StateFold {
    /// One line for the UI (plain numbers, like [`crate::SkipReport::summary`]).
    pub fn summary(&self) -> String {
        format!(
            "{} more unknown states ({} transitions) are shown as “{OTHER_STATES_NAME}”",
            self.states, self.transitions
        )
    }
}

/// State ids are positions in [`Prepared::states`]: [`JobState::KNOWN`]
/// first, in its order, so the kinds of state are ranges of ids.
const RUNNING: u16 = 4;
/// `idle` and `queued` (ids 0 and 1) are the waiting states.
fn is_waiting(s: u16) -> bool {
    s <= 1
}
/// `finished`, `failed`, `crashed` and `killed` (ids 5 to 8) are terminal.
fn is_terminal(s: u16) -> bool {
    (5..=8).contains(&s)
}

/// One state interval of a job, with its state interned (see [`Prepared::states`]).
/// Terminal transitions are instants (`start == end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    /// Index into [`Prepared::states`].
    pub state: u16,
    /// Entered at.
    pub start: Ms,
    /// Left at (the next transition, or `generated_at`); equals `start`
    /// for terminal instants. Never before `start`.
    pub end: Ms,
    /// A terminal transition (an instant) rather than a span.
    pub terminal: bool,
}

/// Set in an entry of [`Texts::end`] when the job has the value at all.
const PRESENT: u32 = 1 << 31;

/// One text per job, end to end in one buffer: job i's is
/// `buf[end[i]..end[i + 1]]` (offsets without the [`PRESENT`] bit), and it
/// has one when `end[i + 1]` carries the bit (a run id may be missing, or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Texts {
    buf: String,
    #[serde(with = "stored::packed")]
    end: Vec<u32>,
}

impl Default for Texts {
    fn default() -> Self {
        Texts {
            buf: String::new(),
            end: vec![0],
        }
    }
}

impl Texts {
    /// Most bytes the buffer holds (offsets keep the top bit for [`PRESENT`]).
    const MAX: usize = (PRESENT - 1) as usize;

    /// True when `extra` more bytes fit.
    fn fits(&self, extra: usize) -> bool {
        self.buf.len().saturating_add(extra) <= Self::MAX
    }

    /// Appends the next job's text (check [`Texts::fits`] first).
    fn push(&mut self, s: Option<&str>) {
        if let Some(s) = s {
            self.buf.push_str(s);
        }
        let at = u32::try_from(self.buf.len()).unwrap_or(PRESENT - 1);
        self.end.push(if s.is_some() { at | PRESENT } else { at });
    }

    /// Job i's text, if it has one.
    fn get(&self, i: usize) -> Option<&str> {
        let a = self.end.get(i)? & !PRESENT;
        let b = *self.end.get(i + 1)?;
        if b & PRESENT == 0 {
            return None;
        }
        self.buf.get(a as usize..(b & !PRESENT) as usize)
    }

    fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
        self.end.shrink_to_fit();
    }
}

/// The jobs of one load and their view-independent derivations. Built page
/// by page with a [`PreparedBuilder`] (or at once from a [`Dataset`]);
/// every analysis function takes it by reference. A job's index here is the
/// `u32` job index used by every other type.
///
/// It serialises (for the browser's cache, `core::cache`) as its columns
/// and id ranks, without the run and error orders; what deserialises is
/// not usable before [`Prepared::checked`] checked it and derived them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Prepared {
    generated_at: Ms,
    /// Job ids (always present).
    ids: Texts,
    /// Run ids.
    run_ids: Texts,
    /// Run names.
    run_names: Texts,
    /// Interned user, launch job, project and entity (indexed by [`Field::column`]).
    pub(crate) columns: [Column; 4],
    /// Interned label values per label key.
    pub(crate) labels: BTreeMap<String, Column>,
    /// Interned states: [`JobState::KNOWN`] in order, then the unknown ones
    /// seen in the data (at most [`MAX_UNKNOWN_STATES`], sorted, then
    /// [`OTHER_STATES_NAME`] for the rest). Indices are `u16` state ids.
    #[serde(with = "stored::state_names")]
    pub(crate) states: Vec<JobState>,
    /// The unknown states counted as [`OTHER_STATES_NAME`], if any.
    state_fold: Option<StateFold>,
    /// All jobs' transitions, job after job, each job's in time order: the
    /// instant and the state id entered.
    #[serde(with = "stored::packed")]
    at: Vec<Ms>,
    #[serde(with = "stored::packed")]
    state: Vec<u16>,
    /// `at[first[i]..first[i + 1]]` are job i's transitions (len = jobs + 1).
    #[serde(with = "stored::packed")]
    first: Vec<u32>,
    /// All jobs' errors, job after job, as sent: when, and the message id.
    #[serde(with = "stored::packed")]
    error_at: Vec<Ms>,
    #[serde(with = "stored::packed")]
    error_message: Vec<u32>,
    /// `error_at[error_first[i]..error_first[i + 1]]` are job i's (len = jobs + 1).
    #[serde(with = "stored::packed")]
    error_first: Vec<u32>,
    /// Distinct error messages.
    messages: Vec<String>,
    /// Per job: rank of its id in byte order, for "ties by job id" without string compares.
    /// Stored (checked in O(n) on decode, cheaper than sorting the ids again).
    #[serde(with = "stored::packed")]
    pub(crate) id_rank: Vec<u32>,
    /// Jobs with a positive-length run, sorted by (run start, job id): the
    /// lane order of SPEC §3, so layouts never sort.
    #[serde(skip)]
    pub(crate) run_order: Vec<u32>,
    /// Every error as `(at, job, index in the job's errors)`, newest first,
    /// ties by job id then list order: the errors panel's order, sorted once.
    #[serde(skip)]
    pub(crate) error_order: Vec<(Ms, u32, u32)>,
}

impl Prepared {
    /// Derives everything from a whole dataset at once (the demo data,
    /// tests). Jobs keep their dataset order and are taken as checked and
    /// unique, as a [`Dataset`] promises.
    pub fn new(data: &Dataset) -> Prepared {
        let mut b = PreparedBuilder::new();
        b.push_dataset(data);
        b.finish().0
    }

    /// [`Prepared::new`], taking the dataset.
    pub fn from_dataset(data: Dataset) -> Prepared {
        Prepared::new(&data)
    }

    /// Number of jobs.
    pub fn len(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    /// True when the dataset had no jobs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Job `i` (an index from a [`Selection`] or a panel row).
    ///
    /// # Panics
    /// If `i >= len()`: indices come from this `Prepared`, so that is a bug
    /// in the caller, not bad data. Use [`Prepared::get`] to check.
    pub fn job(&self, i: usize) -> JobRef<'_> {
        match self.get(i) {
            Some(j) => j,
            None => panic!("job index {i} out of range ({} jobs)", self.len()),
        }
    }

    /// The jobs at the indices `at`, as owned records (what a usage request
    /// is made of); an index from another load is skipped.
    pub fn jobs_at(&self, at: impl IntoIterator<Item = usize>) -> Vec<Job> {
        at.into_iter()
            .filter_map(|i| self.get(i))
            .map(|job| job.to_job())
            .collect()
    }

    /// Job `i`, or `None` for an index from another load.
    pub fn get(&self, i: usize) -> Option<JobRef<'_>> {
        if i >= self.len() {
            return None;
        }
        let col = |c: usize| {
            let col = self.columns.get(c)?;
            col.names.get(col.value(i)? as usize).map(String::as_str)
        };
        Some(JobRef {
            prep: self,
            index: i,
            id: self.ids.get(i).unwrap_or(""),
            job: col(Field::Job.index()).unwrap_or(""),
            run_id: self.run_ids.get(i),
            run_name: self.run_names.get(i),
            project: col(Field::Project.index()),
            entity: col(Field::Entity.index()),
            user: col(Field::User.index()),
        })
    }

    /// Every job, in dataset order.
    pub fn iter(&self) -> impl Iterator<Item = JobRef<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// "Now" for unfinished jobs.
    pub fn generated_at(&self) -> Ms {
        self.generated_at
    }

    /// The states that occur in the data: the 9 known ones always, in
    /// display order, then unknown ones sorted: at most
    /// [`MAX_UNKNOWN_STATES`] of them, the most frequent, then
    /// [`OTHER_STATES_NAME`] standing for the rest (see [`Prepared::state_fold`]).
    pub fn states(&self) -> &[JobState] {
        &self.states
    }

    /// The unknown states counted as [`OTHER_STATES_NAME`], for the UI to
    /// report; `None` when every state kept its name.
    pub fn state_fold(&self) -> Option<StateFold> {
        self.state_fold
    }

    /// The run span of job `i` (SPEC §3): from its first transition into
    /// `running` to the terminal transition after it (or `generated_at`);
    /// `None` if it never ran.
    pub fn run_span(&self, i: usize) -> Option<(Ms, Ms)> {
        let r = self.transitions_of(i);
        let states = self.state.get(r.clone())?;
        let first = states.iter().position(|&s| s == RUNNING)?;
        let start = *self.at.get(r.start + first)?;
        let end = states
            .iter()
            .skip(first)
            .position(|&s| is_terminal(s))
            .and_then(|k| self.at.get(r.start + first + k).copied())
            .unwrap_or(self.generated_at);
        Some((start, end.max(start)))
    }

    /// The distinct values of a field among `subset`, with how many jobs of
    /// the subset have each, most frequent first (ties by name). Jobs without
    /// the field count under [`NONE_NAME`], which is also a valid filter value.
    pub fn facet_values(&self, field: Field, subset: &Selection) -> Vec<(String, usize)> {
        let counts: Vec<(String, usize)> = match self.field_column(field) {
            Some(col) => col.counts(subset),
            None => {
                let mut n = vec![0usize; self.states.len()];
                for &i in &subset.0 {
                    if let Some(c) = n.get_mut(usize::from(self.current(i as usize))) {
                        *c += 1;
                    }
                }
                self.states
                    .iter()
                    .zip(n)
                    .filter(|(_, c)| *c > 0)
                    .map(|(s, c)| (s.as_str().to_string(), c))
                    .collect()
            }
        };
        sort_by_count(counts)
    }

    /// The values of one label key among `subset`, like [`Prepared::facet_values`].
    pub fn label_values(&self, key: &str, subset: &Selection) -> Vec<(String, usize)> {
        let counts = match self.labels.get(key) {
            Some(col) => col.counts(subset),
            None if subset.0.is_empty() => Vec::new(),
            None => vec![(NONE_NAME.to_string(), subset.0.len())],
        };
        sort_by_count(counts)
    }

    /// Every label key that occurs in the data, sorted (for `label:KEY` grouping).
    pub fn label_keys(&self) -> Vec<String> {
        self.labels.keys().cloned().collect()
    }

    /// The interned column of a field (`None` for state, which is interned in `states`).
    pub(crate) fn field_column(&self, f: Field) -> Option<&Column> {
        f.column().and_then(|c| self.columns.get(c))
    }

    /// Job `i`'s id.
    pub(crate) fn id(&self, i: usize) -> &str {
        self.ids.get(i).unwrap_or("")
    }

    /// Job `i`'s run id, if any.
    pub(crate) fn run_id(&self, i: usize) -> Option<&str> {
        self.run_ids.get(i)
    }

    /// Job `i`'s run name, if any.
    pub(crate) fn run_name(&self, i: usize) -> Option<&str> {
        self.run_names.get(i)
    }

    /// Where job `i`'s transitions are in `at` and `state` (empty for a bad index).
    fn transitions_of(&self, i: usize) -> Range<usize> {
        let a = self.first.get(i).copied().unwrap_or(0) as usize;
        let b = self.first.get(i + 1).copied().unwrap_or(0) as usize;
        a..b.max(a)
    }

    /// When each of job `i`'s transitions happened, in time order.
    pub(crate) fn transition_times(&self, i: usize) -> &[Ms] {
        self.at.get(self.transitions_of(i)).unwrap_or_default()
    }

    /// Job `i`'s events (spans and terminal instants) in time order, one
    /// per transition: a non-terminal state lasts until the next
    /// transition, the last one until `generated_at` (SPEC §3).
    pub(crate) fn events_of(&self, i: usize) -> impl Iterator<Item = Event> + '_ {
        let r = self.transitions_of(i);
        let last = r.end;
        r.filter_map(move |k| {
            let state = *self.state.get(k)?;
            let start = *self.at.get(k)?;
            let terminal = is_terminal(state);
            let end = if terminal {
                start
            } else if k + 1 < last {
                self.at.get(k + 1).copied().unwrap_or(start).max(start)
            } else {
                self.generated_at.max(start)
            };
            Some(Event {
                state,
                start,
                end,
                terminal,
            })
        })
    }

    /// Job `i`'s positive-length `idle` and `queued` spans (the waiting of
    /// SPEC §3 "Queued time").
    pub(crate) fn waiting_spans(&self, i: usize) -> impl Iterator<Item = (Ms, Ms)> + '_ {
        self.events_of(i)
            .filter(|e| is_waiting(e.state) && e.end > e.start)
            .map(|e| (e.start, e.end))
    }

    /// Whether job `i` is waiting (`idle` or `queued`) now: its last
    /// transition was into one, so its last waiting span ends at
    /// `generated_at`.
    pub(crate) fn waiting_now(&self, i: usize) -> bool {
        !self.transitions_of(i).is_empty() && is_waiting(self.current(i))
    }

    /// Job `i`'s total `idle` + `queued` ms, unclipped.
    #[cfg(test)]
    pub(crate) fn waiting_ms(&self, i: usize) -> Ms {
        self.waiting_spans(i).map(|(s, e)| e - s).sum()
    }

    /// Job `i`'s first transition to its terminal one (or `generated_at`).
    pub(crate) fn lifetime(&self, i: usize) -> (Ms, Ms) {
        self.lifetime_until(i, self.generated_at)
    }

    /// [`Prepared::lifetime`], with an unfinished job lasting until `now`
    /// (an update's new `generated_at`). One look at the transitions.
    pub(crate) fn lifetime_until(&self, i: usize, now: Ms) -> (Ms, Ms) {
        let r = self.transitions_of(i);
        let start = self.at.get(r.start).copied().filter(|_| !r.is_empty());
        let start = start.unwrap_or(self.generated_at);
        (start, self.ended_within(&r).unwrap_or(now).max(start))
    }

    /// When job `i` reached a terminal state (its last transition), if it has.
    pub(crate) fn ended(&self, i: usize) -> Option<Ms> {
        self.ended_within(&self.transitions_of(i))
    }

    /// [`Prepared::ended`] of the job whose transitions are `r`.
    fn ended_within(&self, r: &Range<usize>) -> Option<Ms> {
        let last = r.end.checked_sub(1)?;
        is_terminal(*self.state.get(last)?)
            .then(|| self.at.get(last).copied())
            .flatten()
    }

    /// State id of job `i`'s current (last) state.
    pub(crate) fn current(&self, i: usize) -> u16 {
        let r = self.transitions_of(i);
        r.end
            .checked_sub(1)
            .filter(|&k| k >= r.start)
            .and_then(|k| self.state.get(k).copied())
            .unwrap_or(0)
    }

    /// Job `i`'s errors: when, and the message.
    pub(crate) fn errors_of(&self, i: usize) -> impl Iterator<Item = (Ms, &str)> + '_ {
        let a = self.error_first.get(i).copied().unwrap_or(0) as usize;
        let b = self.error_first.get(i + 1).copied().unwrap_or(0) as usize;
        (a..b.max(a)).filter_map(move |k| {
            let at = *self.error_at.get(k)?;
            let m = *self.error_message.get(k)?;
            Some((at, self.messages.get(m as usize)?.as_str()))
        })
    }

    /// Position of each job in `sel` (`u32::MAX` when not selected), so
    /// panels walking a precomputed order can test membership in O(1).
    pub(crate) fn positions(&self, sel: &Selection) -> Vec<u32> {
        let mut pos = vec![u32::MAX; self.len()];
        for (k, &j) in sel.0.iter().enumerate() {
            if let Some(p) = pos.get_mut(j as usize) {
                *p = u32::try_from(k).unwrap_or(u32::MAX);
            }
        }
        pos
    }
}

/// One job of a [`Prepared`], read back: its fields borrowed from the
/// columns, the rest through methods.
#[derive(Debug, Clone, Copy)]
pub struct JobRef<'a> {
    prep: &'a Prepared,
    index: usize,
    /// Unique within the queue.
    pub id: &'a str,
    /// Launch job name.
    pub job: &'a str,
    /// Run id.
    pub run_id: Option<&'a str>,
    /// Run name.
    pub run_name: Option<&'a str>,
    /// Project.
    pub project: Option<&'a str>,
    /// Entity.
    pub entity: Option<&'a str>,
    /// User.
    pub user: Option<&'a str>,
}

impl<'a> JobRef<'a> {
    /// The job's index in its [`Prepared`].
    pub fn index(&self) -> usize {
        self.index
    }

    /// The value of a label, if set.
    pub fn label(&self, key: &str) -> Option<&'a str> {
        let col = self.prep.labels.get(key)?;
        let id = col.value(self.index)?;
        col.names.get(id as usize).map(String::as_str)
    }

    /// The labels, by key.
    pub fn labels(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let i = self.index;
        self.prep.labels.iter().filter_map(move |(k, col)| {
            let id = col.value(i)?;
            Some((k.as_str(), col.names.get(id as usize)?.as_str()))
        })
    }

    /// The transitions, in time order: the state entered and when.
    pub fn transitions(&self) -> impl Iterator<Item = (&'a JobState, Ms)> + 'a {
        let p = self.prep;
        p.transitions_of(self.index).filter_map(move |k| {
            let s = p.states.get(usize::from(*p.state.get(k)?))?;
            Some((s, *p.at.get(k)?))
        })
    }

    /// The errors, as sent: when, and the message.
    pub fn errors(&self) -> impl Iterator<Item = (Ms, &'a str)> + 'a {
        self.prep.errors_of(self.index)
    }

    /// The state the job is in now (its last transition).
    pub fn current_state(&self) -> &'a JobState {
        let s = self.prep.current(self.index);
        self.prep
            .states
            .get(usize::from(s))
            .unwrap_or(&JobState::Idle)
    }

    /// When the job entered the queue: its first transition.
    pub fn enqueued_at(&self) -> Option<Ms> {
        self.transitions().next().map(|(_, at)| at)
    }

    /// The run span of SPEC §3 (see [`Prepared::run_span`]).
    pub fn run_span(&self) -> Option<(Ms, Ms)> {
        self.prep.run_span(self.index)
    }

    /// The job as an owned [`Job`] (for code that keeps it, such as a
    /// usage request).
    pub fn to_job(&self) -> Job {
        Job {
            id: self.id.to_string(),
            job: self.job.to_string(),
            run_id: self.run_id.map(str::to_string),
            run_name: self.run_name.map(str::to_string),
            project: self.project.map(str::to_string),
            entity: self.entity.map(str::to_string),
            user: self.user.map(str::to_string),
            labels: crate::sort::into_tree(
                self.labels().map(|(k, v)| (k.to_string(), v.to_string())),
            ),
            transitions: self
                .transitions()
                .map(|(s, at)| Transition {
                    state: s.clone(),
                    at,
                })
                .collect(),
            errors: self
                .errors()
                .map(|(at, m)| JobError {
                    at,
                    message: m.to_string(),
                })
                .collect(),
        }
    }
}

fn sort_by_count(v: Vec<(String, usize)>) -> Vec<(String, usize)> {
    crate::sort::sort_vec(v, &|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)))
}
