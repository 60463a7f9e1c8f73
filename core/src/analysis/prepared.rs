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

/// Interns the values of one column in a single pass, in first-seen order;
/// [`ColumnBuilder::finish`] then sorts the names and renumbers.
struct ColumnBuilder<'a> {
    ids: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
    of_job: Vec<u32>,
}

impl<'a> ColumnBuilder<'a> {
    /// A column of `n` jobs, all without a value yet.
    fn new(n: usize) -> Self {
        ColumnBuilder {
            ids: HashMap::new(),
            names: Vec::new(),
            of_job: vec![NO_VALUE; n],
        }
    }

    /// Sets job `i`'s value.
    fn set(&mut self, i: usize, v: &'a str) {
        let next = u32::try_from(self.names.len()).unwrap_or(NO_VALUE);
        let id = *self.ids.entry(v).or_insert(next);
        if id == next {
            self.names.push(v);
        }
        if let Some(slot) = self.of_job.get_mut(i) {
            *slot = id;
        }
    }

    fn finish(self) -> Column {
        let mut order: Vec<u32> = (0..self.names.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        let name = |i: u32| self.names.get(i as usize).copied().unwrap_or("");
        order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
        let mut remap = vec![NO_VALUE; self.names.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(r) = remap.get_mut(old as usize) {
                *r = u32::try_from(new).unwrap_or(NO_VALUE);
            }
        }
        let of_job = self
            .of_job
            .iter()
            .map(|&id| remap.get(id as usize).copied().unwrap_or(NO_VALUE))
            .collect();
        Column {
            names: order.into_iter().map(|i| name(i).to_string()).collect(),
            of_job,
        }
    }
}

/// Builds the four field columns and every label column in one pass over the jobs.
fn build_columns(jobs: &[Job]) -> ([Column; 4], BTreeMap<String, Column>) {
    let n = jobs.len();
    let mut fields: [ColumnBuilder; 4] = std::array::from_fn(|_| ColumnBuilder::new(n));
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
                .or_insert_with(|| ColumnBuilder::new(n))
                .set(i, v);
        }
    }
    (
        fields.map(ColumnBuilder::finish),
        labels
            .into_iter()
            .map(|(k, b)| (k.to_string(), b.finish()))
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
        let states = intern_states(&jobs);
        let unknown_id: HashMap<&str, u16> = states
            .iter()
            .enumerate()
            .skip(JobState::KNOWN.len())
            .map(|(i, s)| (s.as_str(), u16::try_from(i).unwrap_or(u16::MAX)))
            .collect();
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
