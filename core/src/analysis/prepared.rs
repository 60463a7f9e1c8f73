//! Everything about a job that does not depend on the view, derived once per
//! data load: state intervals, run spans, interned field values and search
//! text. Filters, groupings, grids and brushes then only index into it.

use std::collections::{BTreeMap, HashMap};

use super::filter::{Field, Selection};
use crate::model::{Dataset, Job, JobState, Ms};

/// What a missing field (user, project, a label...) shows and groups as (SPEC §3).
pub const NONE_NAME: &str = "(none)";

/// Marks "no value" in an interned column.
pub(crate) const NO_VALUE: u32 = u32::MAX;

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

/// One string column of the jobs (user, launch job, project, entity, a label),
/// interned: each distinct value once, sorted, and an id per job.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Column {
    /// Distinct values, sorted.
    pub names: Vec<String>,
    /// Per job, an index into `names` or [`NO_VALUE`].
    pub of_job: Vec<u32>,
}

impl Column {
    /// Interns one value per job.
    fn build<'a>(values: impl Iterator<Item = Option<&'a str>> + Clone) -> Column {
        let mut names: Vec<String> = values
            .clone()
            .flatten()
            .map(str::to_string)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        names.shrink_to_fit();
        let index: HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), u32::try_from(i).unwrap_or(NO_VALUE)))
            .collect();
        let of_job = values
            .map(|v| v.and_then(|v| index.get(v).copied()).unwrap_or(NO_VALUE))
            .collect();
        Column { names, of_job }
    }
}

/// The view-independent derivations of one [`Dataset`]. Built once per load
/// (O(jobs × transitions)); every analysis function takes it by reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prepared {
    jobs: Vec<Job>,
    generated_at: Ms,
    /// Interned states: [`JobState::KNOWN`] in order, then the unknown ones
    /// seen in the data, sorted. Indices are `u16` state ids.
    pub(crate) states: Vec<JobState>,
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
    /// Per job: total idle + queued ms, unclipped.
    pub(crate) waiting: Vec<Ms>,
    /// Per job: state id of its current (last) state.
    pub(crate) current: Vec<u16>,
    /// Per job: rank of its id in byte order, for "ties by job id" without string compares.
    pub(crate) id_rank: Vec<u32>,
    /// Per job: lowercase `job \0 id \0 run_id \0 run_name`, the text search haystack.
    pub(crate) haystack: Vec<String>,
    /// Interned user, launch job, project and entity (indexed by [`Field::column`]).
    pub(crate) columns: [Column; 4],
    /// Interned label values per label key.
    pub(crate) labels: BTreeMap<String, Column>,
}

impl Prepared {
    /// Derives everything once. Jobs keep their dataset order; their index
    /// here is the `u32` job index used by every other type.
    pub fn new(data: &Dataset) -> Prepared {
        let g = data.generated_at;
        let jobs: Vec<Job> = data
            .jobs
            .iter()
            .take(u32::MAX as usize - 1)
            .cloned()
            .collect();
        let states = intern_states(&jobs);
        let state_id: HashMap<&JobState, u16> = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s, u16::try_from(i).unwrap_or(u16::MAX)))
            .collect();
        let sid = |s: &JobState| state_id.get(s).copied().unwrap_or(0);

        let n = jobs.len();
        let mut p = Prepared {
            generated_at: g,
            event_start: Vec::with_capacity(n + 1),
            lifetime: Vec::with_capacity(n),
            ended: Vec::with_capacity(n),
            run: Vec::with_capacity(n),
            waiting: Vec::with_capacity(n),
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
            p.waiting.push(job.waiting_ms(g));
            p.current.push(sid(job.current_state()));
            p.haystack.push(haystack(job));
        }
        p.event_start
            .push(u32::try_from(p.events.len()).unwrap_or(u32::MAX));
        p.id_rank = rank_ids(&jobs);
        p.columns = [
            Column::build(jobs.iter().map(|j| j.user.as_deref())),
            Column::build(jobs.iter().map(|j| Some(j.job.as_str()))),
            Column::build(jobs.iter().map(|j| j.project.as_deref())),
            Column::build(jobs.iter().map(|j| j.entity.as_deref())),
        ];
        let keys: std::collections::BTreeSet<&String> =
            jobs.iter().flat_map(|j| j.labels.keys()).collect();
        p.labels = keys
            .into_iter()
            .map(|k| (k.clone(), Column::build(jobs.iter().map(|j| j.label(k)))))
            .collect();
        p.states = states;
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
    /// display order, then unknown ones sorted.
    pub fn states(&self) -> &[JobState] {
        &self.states
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
            Some(col) => count_column(col, subset),
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
            Some(col) => count_column(col, subset),
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

    /// Job `i`'s `idle` and `queued` spans (the waiting of SPEC §3 "Queued time").
    pub(crate) fn waiting_spans(&self, i: usize) -> impl Iterator<Item = (Ms, Ms)> + '_ {
        self.events_of(i)
            .iter()
            .filter(|e| {
                !e.terminal
                    && self
                        .states
                        .get(e.state as usize)
                        .is_some_and(JobState::is_waiting)
            })
            .map(|e| (e.start, e.end))
    }

    /// Job `i`'s events (spans and terminal instants) in time order.
    pub(crate) fn events_of(&self, i: usize) -> &[Event] {
        let a = self.event_start.get(i).copied().unwrap_or(0) as usize;
        let b = self.event_start.get(i + 1).copied().unwrap_or(0) as usize;
        self.events.get(a..b).unwrap_or(&[])
    }
}

/// Counts the values of an interned column over a subset.
fn count_column(col: &Column, subset: &Selection) -> Vec<(String, usize)> {
    let mut n = vec![0usize; col.names.len()];
    let mut none = 0usize;
    for &i in &subset.0 {
        match col
            .of_job
            .get(i as usize)
            .and_then(|&id| n.get_mut(id as usize))
        {
            Some(c) => *c += 1,
            None => none += 1,
        }
    }
    let mut out: Vec<(String, usize)> = col
        .names
        .iter()
        .zip(n)
        .filter(|(_, c)| *c > 0)
        .map(|(s, c)| (s.clone(), c))
        .collect();
    if none > 0 {
        out.push((NONE_NAME.to_string(), none));
    }
    out
}

fn sort_by_count(v: &mut [(String, usize)]) {
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// Known states in display order, then the unknown ones of the data, sorted.
fn intern_states(jobs: &[Job]) -> Vec<JobState> {
    let unknown: std::collections::BTreeSet<&JobState> = jobs
        .iter()
        .flat_map(|j| j.transitions.iter().map(|t| &t.state))
        .filter(|s| matches!(s, JobState::Other(_)))
        .collect();
    JobState::KNOWN
        .iter()
        .cloned()
        .chain(unknown.into_iter().cloned())
        .take(u16::MAX as usize)
        .collect()
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
        s.push_str(&part.to_lowercase());
    }
    s
}
