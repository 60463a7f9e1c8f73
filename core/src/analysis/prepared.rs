//! Everything about a job that does not depend on the view, derived once per
//! data load: state intervals, run spans, interned field values and search
//! text. Filters, groupings, grids and brushes then only index into it.

use std::collections::{BTreeMap, HashMap};

use super::column::ColumnBuilder;
pub(crate) use super::column::{Column, EMPTY_COLUMN, NO_VALUE};
use super::filter::{Field, Selection};
use crate::model::{Dataset, Job, JobState, Ms};

/// What a missing field (user, project, a label...) shows and groups as (SPEC §3).
pub const NONE_NAME: &str = "(none)";

/// At most this many distinct unknown states keep their own name (the
/// most frequent); the rest count as one state, [`OTHER_STATES_NAME`].
/// Every state is a trace of Job status and a row of its states x buckets
/// array: a backend with 70,000 made-up states must not make 70,000.
pub const MAX_UNKNOWN_STATES: usize = 32;

/// The state the unknown states past [`MAX_UNKNOWN_STATES`] count as.
pub const OTHER_STATES_NAME: &str = "(other states)";

/// The unknown states that were folded into [`OTHER_STATES_NAME`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// One state interval of a job, with its state interned (see [`Prepared::states`]).
/// Terminal transitions are stored too, as instants (`start == end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    /// Index into [`Prepared::states`].
    pub state: u16,
    /// Entered at.
    pub start: Ms,
    /// Left at; equals `start` for terminal instants.
    pub end: Ms,
    /// A terminal transition (an instant) rather than a span.
    pub terminal: bool,
}

/// Builds the four field columns and every label column in one pass over the jobs.
fn build_columns(jobs: &[Job]) -> ([Column; 4], BTreeMap<String, Column>) {
    let n = jobs.len();
    let mut fields: [ColumnBuilder; 4] = std::array::from_fn(|_| ColumnBuilder::new());
    let mut labels: HashMap<&str, ColumnBuilder> = HashMap::new();
    for (i, j) in jobs.iter().enumerate() {
        let values = [
            j.user.as_deref(),
            Some(j.job.as_str()),
            j.project.as_deref(),
            j.entity.as_deref(),
        ];
        for (col, v) in fields.iter_mut().zip(values) {
            if let Some(v) = v {
                col.set(i, v);
            }
        }
        for (k, v) in &j.labels {
            labels
                .entry(k.as_str())
                .or_insert_with(ColumnBuilder::new)
                .set(i, v);
        }
    }
    (
        fields.map(|b| b.finish(n)),
        labels
            .into_iter()
            .map(|(k, b)| (k.to_string(), b.finish(n)))
            .collect(),
    )
}

/// The view-independent derivations of one [`Dataset`]. Built once per load
/// (O(jobs × transitions)); every analysis function takes it by reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prepared {
    jobs: Vec<Job>,
    generated_at: Ms,
    /// Interned states: [`JobState::KNOWN`] in order, then the unknown ones
    /// seen in the data (at most [`MAX_UNKNOWN_STATES`], sorted, then
    /// [`OTHER_STATES_NAME`] for the rest). Indices are `u16` state ids.
    pub(crate) states: Vec<JobState>,
    /// The unknown states counted as [`OTHER_STATES_NAME`], if any.
    state_fold: Option<StateFold>,
    /// All jobs' events, job after job, each job's in time order.
    pub(crate) events: Vec<Event>,
    /// `events[event_start[i]..event_start[i + 1]]` are job i's (len = jobs + 1).
    pub(crate) event_start: Vec<u32>,
    /// Per job: first transition to terminal transition (or generated_at).
    pub(crate) lifetime: Vec<(Ms, Ms)>,
    /// Per job: whether it has reached a terminal state.
    pub(crate) ended: Vec<Option<Ms>>,
    /// Per job: the run span of SPEC §3, if it ran.
    pub(crate) run: Vec<Option<(Ms, Ms)>>,
    /// Per job: state id of its current (last) state.
    pub(crate) current: Vec<u16>,
    /// Per job: rank of its id in byte order, for "ties by job id" without string compares.
    pub(crate) id_rank: Vec<u32>,
    /// Per job: lowercase `job \0 id \0 run_id \0 run_name`, the text search haystack.
    pub(crate) haystack: Vec<String>,
    /// Per job: `wait_spans[wait_start[i]..wait_start[i + 1]]` are its
    /// positive-length idle and queued spans (len = jobs + 1).
    pub(crate) wait_start: Vec<u32>,
    /// All jobs' waiting spans `[start, end)`, job after job.
    pub(crate) wait_spans: Vec<(Ms, Ms)>,
    /// Jobs with a positive-length run, sorted by (run start, job id): the
    /// lane order of SPEC §3, so layouts never sort.
    pub(crate) run_order: Vec<u32>,
    /// Every error as `(at, job, index in job.errors)`, newest first, ties
    /// by job id then list order: the errors panel's order, sorted once.
    pub(crate) error_order: Vec<(Ms, u32, u32)>,
    /// Interned user, launch job, project and entity (indexed by [`Field::column`]).
    pub(crate) columns: [Column; 4],
    /// Interned label values per label key.
    pub(crate) labels: BTreeMap<String, Column>,
}

impl Prepared {
    /// Derives everything once. Jobs keep their dataset order; their index
    /// here is the `u32` job index used by every other type.
    ///
    /// Clones the jobs; prefer [`Prepared::from_dataset`] when the dataset
    /// is not needed afterwards (cloning 100k jobs costs about as much as
    /// the derivations themselves).
    pub fn new(data: &Dataset) -> Prepared {
        Prepared::from_dataset(data.clone())
    }

    /// [`Prepared::new`], taking the dataset's jobs without copying them.
    pub fn from_dataset(data: Dataset) -> Prepared {
        let g = data.generated_at;
        let mut jobs = data.jobs;
        jobs.truncate(u32::MAX as usize - 1);
        let Interned {
            states,
            ids: unknown_id,
            fold: state_fold,
        } = intern_states(&jobs);
        let sid = |s: &JobState| match s {
            JobState::Other(name) => unknown_id.get(name.as_str()).copied().unwrap_or(0),
            known => JobState::KNOWN
                .iter()
                .position(|k| k == known)
                .and_then(|i| u16::try_from(i).ok())
                .unwrap_or(0),
        };

        let n = jobs.len();
        let mut p = Prepared {
            generated_at: g,
            event_start: Vec::with_capacity(n + 1),
            lifetime: Vec::with_capacity(n),
            ended: Vec::with_capacity(n),
            run: Vec::with_capacity(n),
            current: Vec::with_capacity(n),
            haystack: Vec::with_capacity(n),
            ..Default::default()
        };
        for job in &jobs {
            p.event_start
                .push(u32::try_from(p.events.len()).unwrap_or(u32::MAX));
            let mut spans = job.state_spans(g).peekable();
            // Merge spans and terminal instants in transition order.
            for t in &job.transitions {
                if t.state.is_terminal() {
                    p.events.push(Event {
                        state: sid(&t.state),
                        start: t.at,
                        end: t.at,
                        terminal: true,
                    });
                } else if let Some(s) = spans.next() {
                    p.events.push(Event {
                        state: sid(s.state),
                        start: s.start,
                        end: s.end,
                        terminal: false,
                    });
                }
            }
            p.lifetime.push(job.lifetime(g));
            p.ended.push(match job.transitions.last() {
                Some(t) if t.state.is_terminal() => Some(t.at),
                _ => None,
            });
            p.run.push(job.run_span(g));
            p.wait_start
                .push(u32::try_from(p.wait_spans.len()).unwrap_or(u32::MAX));
            p.wait_spans.extend(
                job.state_spans(g)
                    .filter(|s| s.state.is_waiting() && s.end > s.start)
                    .map(|s| (s.start, s.end)),
            );
            p.current.push(sid(job.current_state()));
            p.haystack.push(haystack(job));
        }
        p.event_start
            .push(u32::try_from(p.events.len()).unwrap_or(u32::MAX));
        p.wait_start
            .push(u32::try_from(p.wait_spans.len()).unwrap_or(u32::MAX));
        p.id_rank = rank_ids(&jobs);
        p.run_order = run_order(&p.run, &p.id_rank);
        p.error_order = error_order(&jobs, &p.id_rank);
        (p.columns, p.labels) = build_columns(&jobs);
        p.states = states;
        p.state_fold = state_fold;
        p.jobs = jobs;
        p
    }

    /// Number of jobs.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// True when the dataset had no jobs.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Job `i` (an index from a [`Selection`] or a panel row).
    ///
    /// # Panics
    /// If `i >= len()`: indices come from this `Prepared`, so that is a bug
    /// in the caller, not bad data. Use [`Prepared::get`] to check.
    pub fn job(&self, i: usize) -> &Job {
        &self.jobs[i]
    }

    /// Job `i`, or `None` for an index from another load.
    pub fn get(&self, i: usize) -> Option<&Job> {
        self.jobs.get(i)
    }

    /// All jobs, in dataset order.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
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

    /// The run span of job `i` (SPEC §3), `None` if it never ran.
    pub fn run_span(&self, i: usize) -> Option<(Ms, Ms)> {
        self.run.get(i).copied().flatten()
    }

    /// The distinct values of a field among `subset`, with how many jobs of
    /// the subset have each, most frequent first (ties by name). Jobs without
    /// the field count under [`NONE_NAME`], which is also a valid filter value.
    pub fn facet_values(&self, field: Field, subset: &Selection) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = match self.field_column(field) {
            Some(col) => col.counts(subset),
            None => {
                let mut n = vec![0usize; self.states.len()];
                for &i in &subset.0 {
                    if let Some(c) =
                        n.get_mut(self.current.get(i as usize).map_or(0, |&s| s as usize))
                    {
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
        sort_by_count(&mut counts);
        counts
    }

    /// The values of one label key among `subset`, like [`Prepared::facet_values`].
    pub fn label_values(&self, key: &str, subset: &Selection) -> Vec<(String, usize)> {
        let mut counts = match self.labels.get(key) {
            Some(col) => col.counts(subset),
            None if subset.0.is_empty() => Vec::new(),
            None => vec![(NONE_NAME.to_string(), subset.0.len())],
        };
        sort_by_count(&mut counts);
        counts
    }

    /// Every label key that occurs in the data, sorted (for `label:KEY` grouping).
    pub fn label_keys(&self) -> Vec<String> {
        self.labels.keys().cloned().collect()
    }

    /// The interned column of a field (`None` for state, which is interned in `states`).
    pub(crate) fn field_column(&self, f: Field) -> Option<&Column> {
        f.column().and_then(|c| self.columns.get(c))
    }

    /// Job `i`'s positive-length `idle` and `queued` spans (the waiting of
    /// SPEC §3 "Queued time").
    pub(crate) fn waiting_spans(&self, i: usize) -> &[(Ms, Ms)] {
        let a = self.wait_start.get(i).copied().unwrap_or(0) as usize;
        let b = self.wait_start.get(i + 1).copied().unwrap_or(0) as usize;
        self.wait_spans.get(a..b).unwrap_or(&[])
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

    /// Job `i`'s events (spans and terminal instants) in time order.
    pub(crate) fn events_of(&self, i: usize) -> &[Event] {
        let a = self.event_start.get(i).copied().unwrap_or(0) as usize;
        let b = self.event_start.get(i + 1).copied().unwrap_or(0) as usize;
        self.events.get(a..b).unwrap_or(&[])
    }
}

fn sort_by_count(v: &mut [(String, usize)]) {
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// What [`intern_states`] finds.
struct Interned<'a> {
    /// [`Prepared::states`].
    states: Vec<JobState>,
    /// The state id of each unknown state name of the data.
    ids: HashMap<&'a str, u16>,
    /// [`Prepared::state_fold`].
    fold: Option<StateFold>,
}

/// The interned states: [`JobState::KNOWN`] in display order, then the
/// [`MAX_UNKNOWN_STATES`] most frequent unknown states of the data (by
/// transitions into them, ties by name) sorted by name, then
/// [`OTHER_STATES_NAME`] if any were left.
fn intern_states(jobs: &[Job]) -> Interned<'_> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for t in jobs.iter().flat_map(|j| &j.transitions) {
        if let JobState::Other(name) = &t.state {
            *count.entry(name.as_str()).or_insert(0) += 1;
        }
    }
    let mut kept: Vec<(&str, usize)> = count.into_iter().collect();
    let mut folded = Vec::new();
    if kept.len() > MAX_UNKNOWN_STATES {
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        folded = kept.split_off(MAX_UNKNOWN_STATES);
        // A backend's own "(other states)" joins the fold rather than clash with it.
        if let Some(k) = kept.iter().position(|(n, _)| *n == OTHER_STATES_NAME) {
            folded.push(kept.remove(k));
        }
    }
    kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut states: Vec<JobState> = JobState::KNOWN.to_vec();
    let mut ids: HashMap<&str, u16> = HashMap::with_capacity(kept.len() + folded.len());
    for (name, _) in kept {
        ids.insert(name, u16::try_from(states.len()).unwrap_or(0));
        states.push(JobState::Other(name.to_string()));
    }
    let fold = (!folded.is_empty()).then(|| {
        let id = u16::try_from(states.len()).unwrap_or(0);
        states.push(JobState::Other(OTHER_STATES_NAME.to_string()));
        for (name, _) in &folded {
            ids.insert(name, id);
        }
        StateFold {
            states: folded.len(),
            transitions: folded.iter().map(|(_, c)| c).sum(),
        }
    });
    Interned { states, ids, fold }
}

/// Rank of each job id in byte order.
fn rank_ids(jobs: &[Job]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_unstable_by(|&a, &b| jobs[a].id.cmp(&jobs[b].id));
    let mut rank = vec![0u32; jobs.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = u32::try_from(r).unwrap_or(u32::MAX);
    }
    rank
}

/// The lowercase text the free-text search looks in; `\0` keeps a match
/// from spanning two fields.
fn haystack(job: &Job) -> String {
    let mut s = String::with_capacity(
        job.job.len()
            + job.id.len()
            + job.run_id.as_ref().map_or(0, String::len)
            + job.run_name.as_ref().map_or(0, String::len)
            + 3,
    );
    for part in [
        Some(job.job.as_str()),
        Some(job.id.as_str()),
        job.run_id.as_deref(),
        job.run_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if !s.is_empty() {
            s.push('\0');
        }
        if part.is_ascii() {
            s.extend(part.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            s.push_str(&part.to_lowercase());
        }
    }
    s
}

/// Jobs with a positive-length run, by (run start, id rank).
fn run_order(run: &[Option<(Ms, Ms)>], id_rank: &[u32]) -> Vec<u32> {
    let mut order: Vec<(Ms, u32, u32)> = run
        .iter()
        .zip(id_rank)
        .enumerate()
        .filter_map(|(i, (r, &rank))| {
            let (s, e) = (*r)?;
            (e > s).then_some((s, rank, u32::try_from(i).ok()?))
        })
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, _, i)| i).collect()
}

/// All errors, newest first, ties by job id rank then list position.
fn error_order(jobs: &[Job], id_rank: &[u32]) -> Vec<(Ms, u32, u32)> {
    let mut all: Vec<(Ms, u32, u32, u32)> = jobs
        .iter()
        .zip(id_rank)
        .enumerate()
        .flat_map(|(i, (j, &rank))| {
            j.errors.iter().enumerate().map(move |(k, e)| {
                let k = u32::try_from(k).unwrap_or(u32::MAX);
                (e.at, rank, k, u32::try_from(i).unwrap_or(u32::MAX))
            })
        })
        .collect();
    all.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    all.into_iter().map(|(at, _, k, i)| (at, i, k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Transition;

    /// Label columns cost what the labels cost, not jobs x keys: 2,000 jobs
    /// with 4 labels each out of 8,000 keys once stored 16 million ids.
    #[test]
    fn label_columns_grow_with_the_labels_present() {
        let jobs: Vec<Job> = (0..2_000)
            .map(|k| Job {
                id: format!("j{k}"),
                job: "x".into(),
                labels: (0..4)
                    .map(|m| (format!("key-{}", 4 * k + m), "v".to_string()))
                    .collect(),
                transitions: vec![Transition {
                    state: JobState::Queued,
                    at: 0,
                }],
                ..Default::default()
            })
            .collect();
        let present: usize = jobs.iter().map(|j| j.labels.len()).sum();
        let p = Prepared::from_dataset(Dataset {
            jobs,
            ..Default::default()
        });
        assert_eq!(p.labels.len(), 8_000);
        let stored: usize = p.labels.values().map(Column::stored).sum();
        assert_eq!(stored, 2 * present);
        // A label most jobs have is one id per job.
        assert!(p.columns.iter().all(|c| c.stored() <= p.len()));
    }
}
