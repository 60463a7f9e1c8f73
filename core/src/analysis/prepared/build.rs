//! Building a [`Prepared`] page by page: each page's records are checked
//! and appended to the columns as they arrive (values interned, texts
//! appended, no `Job` built); [`PreparedBuilder::finish`] then sorts what
//! needs the whole data (interned names, the id ranks, the run and error
//! orders), a few sorts over compact arrays.

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;

use hashbrown::HashTable;

use super::{Column, Prepared, StateFold, MAX_UNKNOWN_STATES, NO_VALUE, OTHER_STATES_NAME};
use crate::contract::RawJob;
use crate::model::{Dataset, JobState, Ms};
use crate::parse::{JobsPageText, Record, RecordKind, SkipExample, SkipReport};
use crate::sort::{into_tree, sort_indices, sort_vec, sorted_indices};

/// The fields of one job about to be appended, borrowed from its record.
struct Fields<'r> {
    id: &'r str,
    job: &'r str,
    run_id: Option<&'r str>,
    run_name: Option<&'r str>,
    project: Option<&'r str>,
    entity: Option<&'r str>,
    user: Option<&'r str>,
}

/// Values interned in first-seen order (a column's names, the unknown
/// states, the error messages).
#[derive(Default, Clone)]
struct Interned {
    names: Vec<String>,
    table: HashTable<u32>,
}

impl Interned {
    /// The id of `v`, adding it when new ([`NO_VALUE`] past `u32` ids).
    fn id(&mut self, hasher: &RandomState, v: &str) -> u32 {
        let names = &mut self.names;
        let hash = hasher.hash_one(v);
        let same = |&id: &u32| names.get(id as usize).is_some_and(|n| n == v);
        if let Some(&id) = self.table.find(hash, same) {
            return id;
        }
        let Ok(id) = u32::try_from(names.len()) else {
            return NO_VALUE;
        };
        if id == NO_VALUE {
            return NO_VALUE;
        }
        names.push(v.to_string());
        let names = &*names;
        self.table.insert_unique(hash, id, |&id| {
            hasher.hash_one(names.get(id as usize).map_or("", String::as_str))
        });
        id
    }
}

/// A label column being built: only the jobs that have the label hold a
/// (job, value id) pair, so thousands of keys cost what their labels cost.
#[derive(Default, Clone)]
struct LabelColumn {
    values: Interned,
    jobs: Vec<u32>,
    ids: Vec<u32>,
}

impl LabelColumn {
    /// Sets job `i`'s value (jobs ascending; the last one of a job wins, as
    /// in a JSON object with a repeated key).
    fn set(&mut self, hasher: &RandomState, i: u32, v: &str) {
        let id = self.values.id(hasher, v);
        if self.jobs.last() == Some(&i) {
            if let Some(last) = self.ids.last_mut() {
                *last = id;
            }
        } else {
            self.jobs.push(i);
            self.ids.push(id);
        }
    }
}

/// Most jobs a [`PreparedBuilder::snapshot`] copies. A snapshot is a
/// second copy of the columns beside the builder's, and the partial draw
/// it is for keeps it (and its panels' data) while the read goes on: at
/// 100k jobs, snapshots at 50k and 100k made the load's high-water mark
/// (the wasm linear memory never shrinks) 72 MB instead of ~35 MB. Past
/// this, a long read shows its progress (pages, jobs) without drawing.
pub const SNAPSHOT_MAX_JOBS: usize = 20_000;

/// Builds a [`Prepared`] from pages of jobs (or from a whole [`Dataset`]).
///
/// ```text
/// let mut b = PreparedBuilder::new();
/// for body in pages { b.push_page(parse::read_jobs_page(&body, &mut None)?); }
/// let (prepared, skipped) = b.finish();
/// ```
#[derive(Clone)]
pub struct PreparedBuilder {
    p: Prepared,
    hasher: RandomState,
    /// Job indices by id, to skip a repeated id.
    ids: HashTable<u32>,
    /// User, launch job, project, entity: the values, and each job's id
    /// into them ([`NO_VALUE`] for none).
    columns: [Interned; 4],
    of_job: [Vec<u32>; 4],
    /// Label columns by key.
    labels: HashMap<String, LabelColumn, RandomState>,
    messages: Interned,
    /// The unknown states, and how many transitions enter each.
    unknown: Interned,
    unknown_count: Vec<usize>,
    /// Every transition's state: a known state's id, or
    /// `KNOWN.len() + ` the unknown state's id (folded in `finish`).
    state: Vec<u32>,
    skipped: SkipReport,
    /// Instants of the record being read.
    times: Vec<Ms>,
    error_times: Vec<Ms>,
}

impl Default for PreparedBuilder {
    fn default() -> Self {
        PreparedBuilder::new()
    }
}

impl PreparedBuilder {
    /// An empty load.
    pub fn new() -> PreparedBuilder {
        PreparedBuilder {
            p: Prepared {
                states: JobState::KNOWN.to_vec(),
                first: vec![0],
                error_first: vec![0],
                ..Prepared::default()
            },
            hasher: RandomState::default(),
            ids: HashTable::new(),
            columns: Default::default(),
            of_job: Default::default(),
            labels: HashMap::default(),
            messages: Interned::default(),
            unknown: Interned::default(),
            unknown_count: Vec::new(),
            state: Vec::new(),
            skipped: SkipReport::default(),
            times: Vec::new(),
            error_times: Vec::new(),
        }
    }

    /// Jobs so far.
    pub fn len(&self) -> usize {
        self.p.len()
    }

    /// True before the first job.
    pub fn is_empty(&self) -> bool {
        self.p.is_empty()
    }

    /// Records skipped so far.
    pub fn skipped(&self) -> &SkipReport {
        &self.skipped
    }

    /// Checks and appends the records of one page of `GET /queues/{id}/jobs`
    /// (pages of one load, in order). A record that breaks a rule of SPEC §2,
    /// or repeats an id seen before in this load, is skipped and counted.
    pub fn push_page(&mut self, page: JobsPageText<'_>) {
        self.p.generated_at = self.p.generated_at.max(page.generated_at);
        for raw in page.records {
            self.push_record(Record::read(raw), |why| {
                crate::parse::unreadable_job(raw, why)
            });
        }
    }

    /// Checks and appends records of a cached read (the contract's
    /// [`RawJob`]s, `core::cache`) with `generated_at`, exactly as a page of
    /// them: a cached read is never trusted beyond what the network is.
    pub fn push_raw_jobs(&mut self, generated_at: Ms, jobs: &[RawJob]) {
        self.p.generated_at = self.p.generated_at.max(generated_at);
        for raw in jobs {
            self.push_record(Ok(Record::of_raw(raw)), |why| {
                SkipExample::new(RecordKind::Job, Some(raw.id.to_string()), why)
            });
        }
    }

    /// Checks one record read from the wire (or the cache) and appends it,
    /// or skips and counts it; `example` says which and why in the skip report.
    fn push_record(
        &mut self,
        read: Result<Record<'_>, String>,
        example: impl FnOnce(&str) -> SkipExample,
    ) {
        let (mut times, mut error_times) = (
            std::mem::take(&mut self.times),
            std::mem::take(&mut self.error_times),
        );
        let read = read.and_then(|r| r.check(&mut times, &mut error_times).map(|()| r));
        match read {
            Ok(r) => {
                let f = Fields {
                    id: &r.id.0,
                    job: &r.job.0,
                    run_id: r.run_id.as_ref().map(|t| &*t.0),
                    run_name: r.run_name.as_ref().map(|t| &*t.0),
                    project: r.project.as_ref().map(|t| &*t.0),
                    entity: r.entity.as_ref().map(|t| &*t.0),
                    user: r.user.as_ref().map(|t| &*t.0),
                };
                let labels = r.labels.0.iter().map(|(k, v)| (&*k.0, &*v.0));
                let transitions = r.transitions.iter().map(|t| &*t.state.0).zip(&times);
                let errors = error_times
                    .iter()
                    .zip(r.errors.iter().map(|e| &*e.message.0));
                if let Err(reason) = self.push(&f, labels, transitions, errors, true) {
                    let example = SkipExample::new(RecordKind::Job, Some(f.id.to_string()), reason);
                    self.skipped.add(reason, example);
                }
            }
            Err(reason) => {
                let example = example(&reason);
                self.skipped.add(&reason, example);
            }
        }
        (self.times, self.error_times) = (times, error_times);
    }

    /// Appends a whole dataset's jobs, taken as checked and unique (a
    /// [`Dataset`] promises both), and its skip report.
    pub fn push_dataset(&mut self, data: &Dataset) {
        self.p.generated_at = self.p.generated_at.max(data.generated_at);
        self.skipped.merge(data.skipped.clone());
        for j in &data.jobs {
            let f = Fields {
                id: &j.id,
                job: &j.job,
                run_id: j.run_id.as_deref(),
                run_name: j.run_name.as_deref(),
                project: j.project.as_deref(),
                entity: j.entity.as_deref(),
                user: j.user.as_deref(),
            };
            let labels = j.labels.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            let transitions = j.transitions.iter().map(|t| (t.state.as_str(), &t.at));
            let errors = j.errors.iter().map(|e| (&e.at, e.message.as_str()));
            if let Err(reason) = self.push(&f, labels, transitions, errors, false) {
                let example = SkipExample::new(RecordKind::Job, Some(j.id.clone()), reason);
                self.skipped.add(reason, example);
            }
        }
    }

    /// Appends one checked job; the error is the reason to skip it.
    fn push<'r>(
        &mut self,
        f: &Fields<'r>,
        labels: impl Iterator<Item = (&'r str, &'r str)>,
        transitions: impl Iterator<Item = (&'r str, &'r Ms)>,
        errors: impl Iterator<Item = (&'r Ms, &'r str)>,
        unique: bool,
    ) -> Result<(), &'static str> {
        let p = &mut self.p;
        let i = p.len();
        let fits = p.ids.fits(f.id.len())
            && p.run_ids.fits(f.run_id.map_or(0, str::len))
            && p.run_names.fits(f.run_name.map_or(0, str::len));
        if !fits || u32::try_from(i + 1).is_err() {
            return Err("too much data");
        }
        if unique {
            let hash = self.hasher.hash_one(f.id);
            let ids = &p.ids;
            if self
                .ids
                .find(hash, |&j| ids.get(j as usize) == Some(f.id))
                .is_some()
            {
                return Err("duplicate id");
            }
            let hasher = &self.hasher;
            self.ids.insert_unique(hash, i as u32, |&j| {
                hasher.hash_one(ids.get(j as usize).unwrap_or(""))
            });
        }
        p.ids.push(Some(f.id));
        p.run_ids.push(f.run_id);
        p.run_names.push(f.run_name);
        let values = [f.user, Some(f.job), f.project, f.entity];
        for ((col, out), v) in self.columns.iter_mut().zip(&mut self.of_job).zip(values) {
            let id = match v {
                Some(v) => col.id(&self.hasher, v),
                None => NO_VALUE,
            };
            out.push(id);
        }
        let job = u32::try_from(i).unwrap_or(NO_VALUE);
        for (k, v) in labels {
            if !self.labels.contains_key(k) {
                self.labels.insert(k.to_string(), LabelColumn::default());
            }
            if let Some(col) = self.labels.get_mut(k) {
                col.set(&self.hasher, job, v);
            }
        }
        for (s, &at) in transitions {
            let id = match known_state(s) {
                Some(id) => u32::from(id),
                None => {
                    let k = self.unknown.id(&self.hasher, s);
                    if let Some(c) = self.unknown_count.get_mut(k as usize) {
                        *c += 1;
                    } else {
                        self.unknown_count.push(1);
                    }
                    (k as usize + JobState::KNOWN.len()) as u32
                }
            };
            self.state.push(id);
            p.at.push(at);
        }
        p.first.push(u32::try_from(p.at.len()).unwrap_or(u32::MAX));
        for (&at, m) in errors {
            let m = self.messages.id(&self.hasher, m);
            p.error_at.push(at);
            p.error_message.push(m);
        }
        p.error_first
            .push(u32::try_from(p.error_at.len()).unwrap_or(u32::MAX));
        Ok(())
    }

    /// The jobs so far, prepared, while more pages are to come (a partial
    /// read drawn as it arrives): what [`PreparedBuilder::finish`] would
    /// give now; `None` past [`SNAPSHOT_MAX_JOBS`]. Copies the columns (the
    /// snapshot owns them) and sorts, but not what only the building needs
    /// (the id table, the interning tables, the transitions' unfolded states).
    pub fn snapshot(&self) -> Option<Prepared> {
        if self.len() > SNAPSHOT_MAX_JOBS {
            return None;
        }
        let labels = self.labels.iter().map(|(k, b)| {
            let pairs = (b.jobs.clone(), b.ids.clone());
            (k.clone(), b.values.names.clone(), pairs)
        });
        let columns = self.columns.iter().zip(&self.of_job);
        let columns = columns.map(|(c, of_job)| (c.names.clone(), of_job.clone()));
        let unknown = (&self.unknown.names[..], &self.unknown_count[..]);
        let p = Prepared {
            generated_at: self.p.generated_at,
            ids: self.p.ids.clone(),
            run_ids: self.p.run_ids.clone(),
            run_names: self.p.run_names.clone(),
            at: self.p.at.clone(),
            first: self.p.first.clone(),
            error_at: self.p.error_at.clone(),
            error_message: self.p.error_message.clone(),
            error_first: self.p.error_first.clone(),
            ..Prepared::default()
        };
        let messages = self.messages.names.clone();
        Some(complete(p, columns, labels, messages, unknown, &self.state))
    }

    /// Sorts what needs the whole data and hands the prepared data over,
    /// with the records skipped on the way.
    pub fn finish(self) -> (Prepared, SkipReport) {
        let PreparedBuilder {
            p,
            columns,
            of_job,
            labels,
            messages,
            unknown,
            unknown_count,
            state,
            skipped,
            ..
        } = self;
        let columns = columns.into_iter().zip(of_job).map(|(c, j)| (c.names, j));
        let labels = labels
            .into_iter()
            .map(|(k, b)| (k, b.values.names, (b.jobs, b.ids)));
        let unknown = (&unknown.names[..], &unknown_count[..]);
        let p = complete(p, columns, labels, messages.names, unknown, &state);
        (p, skipped)
    }
}

/// A label column's key, its values, and its (jobs, value ids) pairs.
type LabelParts = (String, Vec<String>, (Vec<u32>, Vec<u32>));

/// The prepared data from the builder's parts (owned or copied): the
/// columns' names sorted, the states folded, the id ranks and the run and
/// error orders sorted, the spare capacity given back.
fn complete(
    mut p: Prepared,
    columns: impl Iterator<Item = (Vec<String>, Vec<u32>)>,
    labels: impl Iterator<Item = LabelParts>,
    messages: Vec<String>,
    (unknown, unknown_count): (&[String], &[usize]),
    state: &[u32],
) -> Prepared {
    let n = p.len();
    for (out, (names, of_job)) in p.columns.iter_mut().zip(columns) {
        *out = Column::from_per_job(names, of_job);
    }
    p.labels = into_tree(
        labels.map(|(k, names, (jobs, ids))| (k, Column::from_pairs(names, jobs, ids, n))),
    );
    p.messages = messages;
    fold_states(&mut p, unknown, unknown_count, state);
    p.id_rank = rank_ids(&p);
    p.run_order = run_order(&p);
    p.error_order = error_order(&p);
    shrink(&mut p);
    p
}

/// The id of a known state's wire name (its place in [`JobState::KNOWN`]).
fn known_state(s: &str) -> Option<u16> {
    match s {
        "idle" => Some(0),
        "queued" => Some(1),
        "pending" => Some(2),
        "starting" => Some(3),
        "running" => Some(4),
        "finished" => Some(5),
        "failed" => Some(6),
        "crashed" => Some(7),
        "killed" => Some(8),
        _ => None,
    }
}

/// Sets the states and every transition's final state id: the known
/// states, then the [`MAX_UNKNOWN_STATES`] most frequent unknown ones (by
/// transitions into them, ties by name) sorted by name, then
/// [`OTHER_STATES_NAME`] for the rest, if any (a backend's own state of
/// that name joins the rest rather than clash with it).
fn fold_states(p: &mut Prepared, unknown: &[String], count: &[usize], state: &[u32]) {
    let known = JobState::KNOWN.len();
    let name = |k: u32| unknown.get(k as usize).map_or("", String::as_str);
    let n_of = |k: u32| count.get(k as usize).copied().unwrap_or(0);
    let mut kept = sorted_indices(unknown.len(), &|a, b| {
        n_of(b).cmp(&n_of(a)).then(name(a).cmp(name(b)))
    });
    let mut folded = Vec::new();
    if kept.len() > MAX_UNKNOWN_STATES {
        folded = kept.split_off(MAX_UNKNOWN_STATES);
        if let Some(k) = kept.iter().position(|&k| name(k) == OTHER_STATES_NAME) {
            folded.push(kept.remove(k));
        }
    }
    sort_indices(&mut kept, &|a, b| name(a).cmp(name(b)));
    let mut remap = vec![0u16; unknown.len()];
    let mut states = JobState::KNOWN.to_vec();
    for &k in &kept {
        if let Some(r) = remap.get_mut(k as usize) {
            *r = u16::try_from(states.len()).unwrap_or(0);
        }
        states.push(JobState::Other(name(k).to_string()));
    }
    p.state_fold = (!folded.is_empty()).then(|| {
        let id = u16::try_from(states.len()).unwrap_or(0);
        states.push(JobState::Other(OTHER_STATES_NAME.to_string()));
        for &k in &folded {
            if let Some(r) = remap.get_mut(k as usize) {
                *r = id;
            }
        }
        StateFold {
            states: folded.len(),
            transitions: folded.iter().map(|&k| n_of(k)).sum(),
        }
    });
    p.states = states;
    p.state = state
        .iter()
        .map(|&s| match s.checked_sub(known as u32) {
            None => u16::try_from(s).unwrap_or(0),
            Some(k) => remap.get(k as usize).copied().unwrap_or(0),
        })
        .collect();
}

/// Rank of each job id in byte order.
fn rank_ids(p: &Prepared) -> Vec<u32> {
    let n = p.len();
    let order = sorted_indices(n, &|a, b| p.id(a as usize).cmp(p.id(b as usize)));
    let mut rank = vec![0u32; n];
    for (r, i) in order.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(i as usize) {
            *slot = u32::try_from(r).unwrap_or(u32::MAX);
        }
    }
    rank
}

/// Jobs with a positive-length run, by (run start, id rank).
pub(super) fn run_order(p: &Prepared) -> Vec<u32> {
    let runs: Vec<(Ms, u32, u32)> = (0..p.len())
        .filter_map(|i| {
            let (s, e) = p.run_span(i)?;
            let rank = p.id_rank.get(i).copied().unwrap_or(0);
            (e > s).then_some((s, rank, u32::try_from(i).ok()?))
        })
        .collect();
    sort_vec(runs, &|a, b| a.cmp(b))
        .into_iter()
        .map(|(_, _, i)| i)
        .collect()
}

/// All errors, newest first, ties by job id rank then list position.
pub(super) fn error_order(p: &Prepared) -> Vec<(Ms, u32, u32)> {
    let all: Vec<(Ms, u32, u32, u32)> = (0..p.len())
        .flat_map(|i| {
            let rank = p.id_rank.get(i).copied().unwrap_or(0);
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            p.errors_of(i as usize)
                .enumerate()
                .map(move |(k, (at, _))| (at, rank, u32::try_from(k).unwrap_or(u32::MAX), i))
        })
        .collect();
    sort_vec(all, &|a, b| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    })
    .into_iter()
    .map(|(at, _, k, i)| (at, i, k))
    .collect()
}

/// Gives back the spare capacity of the page-by-page growth.
pub(super) fn shrink(p: &mut Prepared) {
    p.ids.shrink_to_fit();
    p.run_ids.shrink_to_fit();
    p.run_names.shrink_to_fit();
    p.at.shrink_to_fit();
    p.state.shrink_to_fit();
    p.first.shrink_to_fit();
    p.error_at.shrink_to_fit();
    p.error_message.shrink_to_fit();
    p.error_first.shrink_to_fit();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_ids_follow_the_known_order() {
        for (i, s) in JobState::KNOWN.iter().enumerate() {
            let id = known_state(s.as_str()).unwrap();
            assert_eq!(usize::from(id), i);
            assert_eq!(super::super::is_terminal(id), s.is_terminal(), "{s}");
            assert_eq!(super::super::is_waiting(id), s.is_waiting(), "{s}");
            assert_eq!(id == super::super::RUNNING, *s == JobState::Running);
        }
        assert_eq!(known_state("preempted"), None);
    }
}
