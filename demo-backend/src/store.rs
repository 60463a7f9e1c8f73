//! What the server serves, indexed once at start so that a page is cheap.
//!
//! Each queue keeps its jobs sorted by (lifetime start, id), each already
//! serialised to JSON: a page is a scan over two integers per job and a
//! string join, whatever the size of the data.
//!
//! Two sources: the seeded generator of `queuescope_core::demo`, or a JSON
//! fixture whose records are served *verbatim*, bad ones included, so that
//! client tests can check that broken records are skipped and counted.
//!
//! Every answer is "as of" a clock instant `t` (the read's `generated_at`).
//! In live mode the generated timeline reaches into the future and a read
//! shows what had happened by `t`: jobs that had not arrived are left out,
//! the others are cut after `t`. Jobs added or advanced through the control
//! endpoint ([`Edits`]) are dated by the clock too, so an incremental read
//! (`updated_since`) is a pure function of the data, the edits and `t`.

use queuescope_core::contract::{QueueEntry, SUPPORTS_UPDATED_SINCE};
use queuescope_core::demo::{generate, to_raw_job, DemoConfig};
use queuescope_core::model::{Job, JobError, JobState, Ms, Transition};
use queuescope_core::parse::check_job;
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// One job as served.
pub struct Entry {
    /// Start of its lifetime (first parsable transition; `Ms::MIN` when none
    /// parses, so a hopeless fixture record is in every range).
    pub start: Ms,
    /// End of its lifetime when it has one in the data (a terminal
    /// transition); without one it lasts until the read's `generated_at`.
    /// `Ms::MAX` for a record with no parsable time.
    pub terminal: Option<Ms>,
    /// Its latest event (transition or error): when the record last
    /// changed. `Ms::MAX` when no time parses (always "changed").
    pub last: Ms,
    /// Its id, or `""` for records without one; second sort key.
    pub id: String,
    /// The record, as it goes on the wire.
    pub json: String,
    /// The checked job, when the record passes the client's checks; usage
    /// curves are made from it.
    pub job: Option<Job>,
}

/// One queue's jobs and usage series.
pub struct QueueData {
    /// Queue id, as in URLs.
    pub id: String,
    /// Sorted by (start, id).
    pub entries: Vec<Entry>,
    /// Run id -> index in `entries`, for the metrics endpoint.
    pub runs: HashMap<String, usize>,
    /// Fixture series served verbatim instead of generated ones: run id
    /// (possibly missing, then never matched) and JSON.
    pub fixture_series: Vec<(Option<String>, String)>,
    /// Whether the queue lists `updated_since` (else the parameter is
    /// ignored and every read is a full one, as a version 1 backend does).
    pub incremental: bool,
    /// Jobs added and advanced through the control endpoint.
    edits: RwLock<Edits>,
}

/// What the control endpoint changed in a queue. An added job is entry
/// `entries.len() + k` (after the data's own, so cursors stay valid); an
/// advanced job keeps its events up to its first edit and gets the edits'.
#[derive(Default)]
pub struct Edits {
    /// Jobs added, in the order they were added.
    pub added: Vec<Entry>,
    /// Events appended to a job (by entry position), in time order.
    pub advanced: HashMap<usize, Vec<Edit>>,
}

/// One event appended to a job through the control endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// When (the clock's now when it was made).
    pub at: Ms,
    /// A transition into this state.
    pub state: Option<JobState>,
    /// An error with this message.
    pub error: Option<String>,
}

/// A job as of an instant: where it lies in time and when it last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// First transition.
    pub start: Ms,
    /// Terminal transition, or the instant itself (`generated_at`).
    pub end: Ms,
    /// Latest event at or before the instant.
    pub changed: Ms,
}

/// What a jobs read asks for: SPEC §2's `from`, `to` and `updated_since`,
/// as of the clock instant `at` (the read's `generated_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    /// Range start.
    pub from: Ms,
    /// Range end (exclusive).
    pub to: Ms,
    /// Only records changed at or after this (incremental reads).
    pub since: Option<Ms>,
    /// The instant the read is as of.
    pub at: Ms,
}

/// Everything the server answers from.
pub struct Store {
    /// Body of `GET /queues`, ready to send.
    pub queues_body: String,
    /// Queues by position; `index` maps ids to positions.
    pub queues: Vec<QueueData>,
    index: HashMap<String, usize>,
    /// The data's own "now": where the clock starts, and (outside live
    /// mode) the last instant anything in the data happened.
    pub generated_at: Ms,
    /// Seed of the usage curves.
    pub seed: u64,
    /// Live mode: the data reaches past the clock and a read shows only
    /// what had happened by its instant.
    pub live: bool,
}

/// A fixture file could not be used.
#[derive(Debug)]
pub struct FixtureError(pub String);

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Store {
    /// Generates the demo data and indexes it. With `live`, the data runs
    /// past `cfg.now` (its end) and the clock starts at `live`'s instant:
    /// reads show what had happened by their instant.
    pub fn generated(cfg: &DemoConfig, live: Option<Ms>) -> Store {
        let data = generate(cfg);
        let queues: Vec<QueueEntry> = data
            .queues
            .into_iter()
            .map(|info| QueueEntry {
                info,
                supports: vec![SUPPORTS_UPDATED_SINCE.to_string()],
            })
            .collect();
        let queues_body = serde_json::json!({ "queues": queues }).to_string();
        let queues = data
            .datasets
            .into_iter()
            .map(|ds| {
                let entries = ds.jobs.into_iter().map(job_entry).collect();
                QueueData::new(ds.queue_id, entries, Vec::new(), true)
            })
            .collect();
        let mut store = Store::new(queues_body, queues, live.unwrap_or(cfg.now), cfg.seed);
        store.live = live.is_some();
        store
    }

    /// Reads a fixture: `{"queues": [...], "jobs": {"queue-id": [RawJob...]},
    /// "generated_at": "...", "metrics": {"queue-id": [RawSeries...]}}`
    /// (`metrics` optional). Records are kept as they are.
    pub fn fixture(text: &str, seed: u64) -> Result<Store, FixtureError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| FixtureError(format!("fixture is not JSON: {e}")))?;
        let generated_at = v
            .get("generated_at")
            .and_then(Value::as_str)
            .ok_or_else(|| FixtureError("fixture needs a string `generated_at`".into()))
            .and_then(|s| parse_rfc3339(s).map_err(FixtureError))?;
        let queue_list = v
            .get("queues")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| FixtureError("fixture needs a `queues` array".into()))?;
        let empty = serde_json::Map::new();
        let jobs = match v.get("jobs") {
            None => &empty,
            Some(j) => j
                .as_object()
                .ok_or_else(|| FixtureError("`jobs` must map queue ids to arrays".into()))?,
        };
        let metrics = v
            .get("metrics")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        // Queues: those listed (with a string id) and those that have jobs.
        let mut ids: Vec<String> = queue_list
            .iter()
            .filter_map(|q| q.get("id").and_then(Value::as_str).map(str::to_string))
            .collect();
        ids.extend(
            jobs.keys()
                .filter(|k| !ids.contains(k))
                .cloned()
                .collect::<Vec<_>>(),
        );
        // The queue list is served verbatim, so a queue supports
        // incremental reads when its record lists the capability (a
        // fixture stays a version 1 backend unless it says otherwise).
        let v2: Vec<&str> = queue_list
            .iter()
            .filter(|q| {
                q.get("supports")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|x| x == SUPPORTS_UPDATED_SINCE))
            })
            .filter_map(|q| q.get("id").and_then(Value::as_str))
            .collect();
        let queues = ids
            .into_iter()
            .map(|id| {
                let records = jobs.get(&id).and_then(Value::as_array);
                let entries = records.into_iter().flatten().map(fixture_entry).collect();
                let series = metrics
                    .get(&id)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        let run = s.get("run_id").and_then(Value::as_str).map(str::to_string);
                        (run, s.to_string())
                    })
                    .collect();
                let incremental = v2.contains(&id.as_str());
                QueueData::new(id, entries, series, incremental)
            })
            .collect();
        let queues_body = serde_json::json!({ "queues": queue_list }).to_string();
        Ok(Store::new(queues_body, queues, generated_at, seed))
    }

    fn new(queues_body: String, queues: Vec<QueueData>, generated_at: Ms, seed: u64) -> Store {
        let index = queues
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        Store {
            queues_body,
            queues,
            index,
            generated_at,
            seed,
            live: false,
        }
    }

    /// The queue with this id.
    pub fn queue(&self, id: &str) -> Option<&QueueData> {
        self.index.get(id).and_then(|&i| self.queues.get(i))
    }

    /// How many jobs are served, over all queues.
    pub fn job_count(&self) -> usize {
        self.queues.iter().map(|q| q.entries.len()).sum()
    }
}

/// Indexes a generated (or added) job.
pub fn job_entry(job: Job) -> Entry {
    let json = serde_json::to_string(&to_raw_job(&job)).unwrap_or_default();
    Entry {
        start: job.enqueued_at().unwrap_or(Ms::MIN),
        terminal: terminal_of(&job),
        last: last_event(&job, Ms::MAX).unwrap_or(Ms::MIN),
        id: job.id.clone(),
        json,
        job: Some(job),
    }
}

/// When the job ended, if it has.
fn terminal_of(job: &Job) -> Option<Ms> {
    job.transitions
        .last()
        .filter(|t| t.state.is_terminal())
        .map(|t| t.at)
}

/// The latest transition or error at or before `t`.
fn last_event(job: &Job, t: Ms) -> Option<Ms> {
    let transitions = job.transitions.iter().map(|x| x.at);
    let errors = job.errors.iter().map(|e| e.at);
    transitions.chain(errors).filter(|&at| at <= t).max()
}

/// Indexes a fixture record without trusting it: whatever parses decides
/// where it sorts; what does not is still served for the client to reject.
fn fixture_entry(record: &Value) -> Entry {
    let id = record
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let job = serde_json::from_value(record.clone())
        .ok()
        .and_then(|raw| check_job(raw).ok());
    let (start, terminal, last) = match &job {
        Some(j) => (
            j.enqueued_at().unwrap_or(Ms::MIN),
            terminal_of(j),
            last_event(j, Ms::MAX).unwrap_or(Ms::MIN),
        ),
        None => lenient_lifetime(record),
    };
    Entry {
        start,
        terminal,
        last,
        id,
        json: record.to_string(),
        job,
    }
}

/// Lifetime of a record that fails the checks: from its earliest parsable
/// transition to its last one if that is terminal (else it is unfinished),
/// and its latest parsable event. With no parsable time at all it spans
/// everything and always counts as changed.
fn lenient_lifetime(record: &Value) -> (Ms, Option<Ms>, Ms) {
    let list = |key: &str| {
        record
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let transitions = list("transitions");
    let time = |t: &Value| {
        t.get("at")
            .and_then(Value::as_str)
            .and_then(|s| parse_rfc3339(s).ok())
    };
    let Some(start) = transitions.iter().filter_map(time).min() else {
        return (Ms::MIN, Some(Ms::MAX), Ms::MAX);
    };
    let terminal = transitions.last().and_then(|t| {
        let state = t.get("state").and_then(Value::as_str)?;
        let terminal = matches!(state, "finished" | "failed" | "crashed" | "killed");
        terminal.then(|| time(t)).flatten()
    });
    let last = transitions
        .iter()
        .chain(list("errors"))
        .filter_map(time)
        .max()
        .unwrap_or(start);
    (start, terminal.map(|e| e.max(start)), last)
}

impl QueueData {
    fn new(
        id: String,
        mut entries: Vec<Entry>,
        fixture_series: Vec<(Option<String>, String)>,
        incremental: bool,
    ) -> QueueData {
        entries.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        let runs = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let run = e.job.as_ref()?.run_id.clone()?;
                Some((run, i))
            })
            .collect();
        QueueData {
            id,
            entries,
            runs,
            fixture_series,
            incremental,
            edits: RwLock::default(),
        }
    }

    /// The edits, for reading. A poisoned lock (a worker panicked holding
    /// it) still holds whole edits: every change is one push.
    pub fn edits(&self) -> RwLockReadGuard<'_, Edits> {
        self.edits.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The edits, for changing.
    pub fn edits_mut(&self) -> RwLockWriteGuard<'_, Edits> {
        self.edits.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// One page of the jobs of `q`, starting at entry `at`: the positions
    /// of up to `size` jobs (with their records as served) and the
    /// position the next page starts at, or `None` when no match is left
    /// (so the last page is never empty unless the whole answer is).
    ///
    /// A job overlaps when it starts before `to` and ends at or after
    /// `from`: a job that ended exactly at `from` still has its terminal
    /// event inside the range, and SPEC §3 counts terminal events there.
    /// With `since`, only jobs changed at or after it (SPEC §2, incremental
    /// reads). `live` cuts the data at `q.at`.
    pub fn page(
        &self,
        q: &Query,
        live: bool,
        at: usize,
        size: usize,
    ) -> (Vec<(usize, Cow<'_, str>)>, Option<usize>) {
        let edits = self.edits();
        let visible_to = if live {
            q.to.min(q.at.saturating_add(1))
        } else {
            q.to
        };
        let limit = self.entries.partition_point(|e| e.start < visible_to);
        let data = (at.min(limit)..limit).chain(self.entries.len().max(at)..self.len(&edits));
        let mut out = Vec::with_capacity(size.min(limit.saturating_sub(at)));
        let mut next = None;
        for k in data {
            let Some(m) = self.meta(&edits, k, q.at, live) else {
                continue;
            };
            let changed = q.since.is_none_or(|g| m.changed >= g);
            if m.start >= q.to || m.end < q.from || !changed {
                continue;
            }
            if out.len() == size.max(1) {
                next = Some(k);
                break;
            }
            out.push((k, self.record(&edits, k, q.at, live)));
        }
        (out, next)
    }

    /// Entries plus added jobs.
    fn len(&self, edits: &Edits) -> usize {
        self.entries.len() + edits.added.len()
    }

    /// Entry `k`: the data's own, then the added jobs.
    fn entry<'a>(&'a self, edits: &'a Edits, k: usize) -> Option<&'a Entry> {
        match k.checked_sub(self.entries.len()) {
            None => self.entries.get(k),
            Some(i) => edits.added.get(i),
        }
    }

    /// Job `k` as of `t`, when it must be rebuilt (cut in live mode, or
    /// edited); `None` when the record is served as it is.
    fn rebuilt(&self, edits: &Edits, k: usize, t: Ms, live: bool) -> Option<Option<Job>> {
        let e = self.entry(edits, k)?;
        let appended = edits
            .advanced
            .get(&k)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let cut = live && e.last > t;
        if appended.is_empty() && !cut {
            return None;
        }
        let Some(job) = &e.job else {
            // Only checked jobs are cut or edited; a broken fixture
            // record is served as it is.
            return None;
        };
        Some(job_as_of(job, appended, t, live))
    }

    /// Where job `k` lies as of `t`, and when it last changed; `None` when
    /// it does not exist yet.
    pub fn meta(&self, edits: &Edits, k: usize, t: Ms, live: bool) -> Option<Meta> {
        let e = self.entry(edits, k)?;
        // A job added through the control endpoint is dated by the clock:
        // a read as of before it does not see it, live or not.
        let added = k >= self.entries.len();
        if (live || added) && e.start > t {
            return None;
        }
        match self.rebuilt(edits, k, t, live) {
            Some(job) => {
                let job = job?;
                let start = job.enqueued_at()?;
                Some(Meta {
                    start,
                    end: terminal_of(&job).unwrap_or(t).max(start),
                    changed: last_event(&job, Ms::MAX).unwrap_or(start),
                })
            }
            None => Some(Meta {
                start: e.start,
                end: e.terminal.unwrap_or(t).max(e.start),
                changed: e.last,
            }),
        }
    }

    /// The record of job `k` as of `t`, as it goes on the wire.
    pub fn record<'s>(&'s self, edits: &Edits, k: usize, t: Ms, live: bool) -> Cow<'s, str> {
        match self.rebuilt(edits, k, t, live) {
            Some(job) => Cow::Owned(
                job.map(|j| serde_json::to_string(&to_raw_job(&j)).unwrap_or_default())
                    .unwrap_or_default(),
            ),
            None => match self.entries.get(k) {
                Some(e) => Cow::Borrowed(e.json.as_str()),
                None => Cow::Owned(
                    self.entry(edits, k)
                        .map(|e| e.json.clone())
                        .unwrap_or_default(),
                ),
            },
        }
    }

    /// The checked job of run `run` as of `t` (for its usage curves).
    pub fn run_job(&self, run: &str, t: Ms, live: bool) -> Option<Job> {
        let edits = self.edits();
        let k = self.runs.get(run).copied().or_else(|| {
            let i = edits
                .added
                .iter()
                .position(|e| e.job.as_ref().and_then(|j| j.run_id.as_deref()) == Some(run))?;
            Some(self.entries.len() + i)
        })?;
        let job = match self.rebuilt(&edits, k, t, live) {
            Some(job) => job?,
            None => self.entry(&edits, k)?.job.clone()?,
        };
        (job.run_id.as_deref() == Some(run)).then_some(job)
    }

    /// The position of the job with this id (data, then added jobs).
    pub fn find(&self, edits: &Edits, id: &str) -> Option<usize> {
        (0..self.len(edits)).find(|&k| self.entry(edits, k).is_some_and(|e| e.id == id))
    }

    /// Adds a job (it must be checked and its id new in the queue, counting
    /// jobs that have not arrived yet in live mode). Returns its position.
    pub fn add(&self, job: Job) -> Result<usize, String> {
        let mut edits = self.edits_mut();
        if self.find(&edits, &job.id).is_some() {
            return Err(format!(
                "queue {:?} already has a job {:?}",
                self.id, job.id
            ));
        }
        edits.added.push(job_entry(job));
        Ok(self.len(&edits) - 1)
    }

    /// Appends an event to the job with this id, dated `edit.at` (the
    /// clock's now): returns its position. A job must exist as of then,
    /// pass the checks, and not have events after it; only an unfinished
    /// job takes a new state.
    pub fn advance(&self, id: &str, edit: Edit, live: bool) -> Result<usize, String> {
        let mut edits = self.edits_mut();
        let k = self
            .find(&edits, id)
            .ok_or_else(|| format!("queue {:?} has no job {id:?}", self.id))?;
        let appended = edits
            .advanced
            .get(&k)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let job = self
            .entry(&edits, k)
            .and_then(|e| e.job.as_ref())
            .ok_or_else(|| format!("job {id:?} breaks the contract; it cannot be advanced"))?;
        let now = job_as_of(job, appended, edit.at, live)
            .ok_or_else(|| format!("job {id:?} has not arrived yet"))?;
        let latest = last_event(&now, Ms::MAX).max(appended.last().map(|a| a.at));
        if let Some(last) = latest.filter(|&l| l > edit.at) {
            return Err(format!(
                "job {id:?} has an event at {}, after the clock's now {}",
                format_rfc3339(last),
                format_rfc3339(edit.at)
            ));
        }
        if edit.state.is_some() && now.current_state().is_terminal() {
            return Err(format!(
                "job {id:?} has ended ({}); it takes errors, not states",
                now.current_state()
            ));
        }
        edits.advanced.entry(k).or_default().push(edit);
        Ok(k)
    }
}

/// A job as of `t`: in live mode only what had happened by then; with
/// events appended, its own events up to the first of them, then those (up
/// to `t`). `None` when nothing of it had happened by `t`. A job cut
/// before its run started has no run id yet.
pub fn job_as_of(job: &Job, appended: &[Edit], t: Ms, live: bool) -> Option<Job> {
    let own_until = appended
        .first()
        .map(|a| a.at)
        .into_iter()
        .chain(live.then_some(t))
        .min()
        .unwrap_or(Ms::MAX);
    let mut j = job.clone();
    j.transitions.retain(|x| x.at <= own_until);
    j.errors.retain(|x| x.at <= own_until);
    for a in appended.iter().filter(|a| a.at <= t) {
        if let Some(state) = &a.state {
            j.transitions.push(Transition {
                state: state.clone(),
                at: a.at,
            });
        }
        if let Some(message) = &a.error {
            j.errors.push(JobError {
                at: a.at,
                message: message.clone(),
            });
        }
    }
    let ran = |j: &Job| j.transitions.iter().any(|x| x.state == JobState::Running);
    if ran(job) && !ran(&j) {
        j.run_id = None;
        j.run_name = None;
    }
    (!j.transitions.is_empty()).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::demo::DEFAULT_NOW;
    use queuescope_core::model::{DAY, HOUR};

    const FIXTURE: &str = r#"{
        "generated_at": "2026-11-28T09:00:00Z",
        "queues": [{"id": "q1", "name": "Q one", "supports": ["updated_since"]}, {"name": "no id"}],
        "jobs": {"q1": [
            {"id": "b", "job": "x", "transitions": [{"state": "queued", "at": "2026-11-28T08:00:00Z"},
                                                  {"state": "finished", "at": "2026-11-28T08:30:00Z"}]},
            {"id": "a", "job": "x", "transitions": [{"state": "queued", "at": "2026-11-28T08:00:00Z"}]},
            {"id": "bad", "transitions": [{"state": "queued", "at": "2026-11-28T07:00:00Z"},
                                         {"state": "failed", "at": "2026-11-28T07:10:00Z"}]},
            {"id": "hopeless", "job": "x", "transitions": "never"}
        ], "q2": []}
    }"#;

    #[test]
    fn fixture_records_are_sorted_and_kept_verbatim() {
        let s = Store::fixture(FIXTURE, 1).unwrap();
        assert!(
            s.queue("q2").is_some(),
            "queues with jobs exist even if unlisted"
        );
        let q = s.queue("q1").unwrap();
        let ids: Vec<&str> = q.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["hopeless", "bad", "a", "b"]);
        assert!(q.entries[1].job.is_none(), "missing `job` fails the checks");
        assert!(q.entries[1].json.contains("\"id\":\"bad\""));
        assert!(s.queues_body.contains("no id"), "queue list is kept");
        assert!(q.incremental, "q1 lists the capability");
        assert!(!s.queue("q2").unwrap().incremental, "q2 does not");
    }

    fn t(x: &str) -> Ms {
        parse_rfc3339(x).unwrap()
    }

    /// A full read of [from, to) as of the fixture's now.
    fn read(from: &str, to: &str) -> Query {
        Query {
            from: t(from),
            to: t(to),
            since: None,
            at: t("2026-11-28T09:00:00Z"),
        }
    }

    fn ids(q: &QueueData, page: &[(usize, Cow<'_, str>)]) -> Vec<String> {
        let _ = q;
        page.iter()
            .map(|(_, json)| {
                let v: Value = serde_json::from_str(json).unwrap();
                v["id"].as_str().unwrap_or("?").to_string()
            })
            .collect()
    }

    #[test]
    fn pages_cover_overlaps_only_and_never_end_empty() {
        let s = Store::fixture(FIXTURE, 1).unwrap();
        let q = s.queue("q1").unwrap();
        // 07:20..07:50: `bad` ended at 07:10, so only the record without
        // any parsable time (which is in every range) is left.
        let (p, next) = q.page(
            &read("2026-11-28T07:20:00Z", "2026-11-28T07:50:00Z"),
            false,
            0,
            10,
        );
        assert_eq!(ids(q, &p), ["hopeless"]);
        assert_eq!(next, None);
        // Everything, two per page.
        let all = read("2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z");
        let (p1, n1) = q.page(&all, false, 0, 2);
        assert_eq!(p1.len(), 2);
        let (p2, n2) = q.page(&all, false, n1.unwrap(), 2);
        assert_eq!(ids(q, &p2), ["a", "b"]);
        assert_eq!(n2, None);
        // A job ending exactly at `from` is included; one starting at `to` is not.
        let (p, _) = q.page(
            &read("2026-11-28T08:30:00Z", "2026-11-28T09:00:00Z"),
            false,
            0,
            10,
        );
        assert!(ids(q, &p).contains(&"b".to_string()));
        let (p, _) = q.page(
            &read("2026-11-28T07:30:00Z", "2026-11-28T08:00:00Z"),
            false,
            0,
            10,
        );
        assert!(!ids(q, &p).contains(&"a".to_string()));
    }

    #[test]
    fn incremental_reads_and_edits() {
        let s = Store::fixture(FIXTURE, 1).unwrap();
        let q = s.queue("q1").unwrap();
        assert!(q.incremental);
        let mut read = read("2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z");
        // Changed at or after 08:30: `b` (finished at 08:30) and the record
        // without a parsable time (always counted as changed).
        read.since = Some(t("2026-11-28T08:30:00Z"));
        assert_eq!(ids(q, &q.page(&read, false, 0, 10).0), ["hopeless", "b"]);
        // 09:05: `a` starts running, a job `c` arrives.
        let at = t("2026-11-28T09:05:00Z");
        let running = Edit {
            at,
            state: Some(JobState::Running),
            error: None,
        };
        q.advance("a", running.clone(), false).unwrap();
        let c = check_job(
            serde_json::from_str(
                r#"{"id": "c", "job": "y", "transitions": [{"state": "queued", "at": "2026-11-28T09:05:00Z"}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(q.add(c.clone()), Ok(4));
        assert!(q.add(c).is_err(), "ids are unique");
        read.since = Some(t("2026-11-28T09:00:00Z"));
        read.at = at;
        let (p, _) = q.page(&read, false, 0, 10);
        assert_eq!(ids(q, &p), ["hopeless", "a", "c"]);
        assert!(p[1]
            .1
            .contains(r#"{"state":"running","at":"2026-11-28T09:05:00Z"}"#));
        // As of before the edits, they are not there yet.
        read.at = t("2026-11-28T09:00:00Z");
        assert_eq!(ids(q, &q.page(&read, false, 0, 10).0), ["hopeless"]);
        // Refused: a state after the end, an unknown or broken job.
        let done = Edit {
            at,
            state: Some(JobState::Failed),
            error: None,
        };
        assert!(q
            .advance("b", done.clone(), false)
            .unwrap_err()
            .contains("ended"));
        assert!(q.advance("zz", done.clone(), false).is_err());
        assert!(q.advance("bad", done, false).is_err());
        let early = Edit {
            at: t("2026-11-28T08:00:00Z"),
            ..running
        };
        assert!(q
            .advance("a", early, false)
            .unwrap_err()
            .contains("after the clock"));
    }

    #[test]
    fn live_reads_show_what_had_happened_by_their_instant() {
        let s = Store::generated(
            &DemoConfig {
                jobs: 3000,
                ..DemoConfig::default()
            },
            Some(DEFAULT_NOW - 2 * DAY),
        );
        assert!(s.live);
        let q = &s.queues[0];
        let all = |at: Ms, since: Option<Ms>| Query {
            from: DEFAULT_NOW - 9 * DAY,
            to: DEFAULT_NOW,
            since,
            at,
        };
        let count =
            |at: Ms, since: Option<Ms>| q.page(&all(at, since), true, 0, usize::MAX).0.len();
        let t0 = DEFAULT_NOW - 2 * DAY;
        let (before, later) = (count(t0, None), count(t0 + DAY, None));
        assert!(before < later, "jobs arrive: {before} then {later}");
        // Every record as of t0 has nothing after t0, and is a job then.
        for (_, json) in q.page(&all(t0, None), true, 0, usize::MAX).0 {
            let job = check_job(serde_json::from_str(&json).unwrap()).unwrap();
            assert!(job.transitions.iter().all(|x| x.at <= t0));
            assert!(job.errors.iter().all(|x| x.at <= t0));
            let ran = job.transitions.iter().any(|x| x.state == JobState::Running);
            assert_eq!(job.run_id.is_some(), ran, "{}", job.id);
        }
        // Six hours later (into a weekday's working hours; the night before
        // is quiet): the changed jobs are those with an event in between,
        // and a full read at the later instant has the same records.
        let t1 = t0 + 6 * HOUR;
        let changed = q.page(&all(t1, Some(t0 + 1)), true, 0, usize::MAX).0;
        let between = |x: Ms| x > t0 && x <= t1;
        let with_events = q
            .entries
            .iter()
            .filter_map(|e| e.job.as_ref())
            .filter(|j| {
                let times = j.transitions.iter().map(|x| x.at);
                times.chain(j.errors.iter().map(|x| x.at)).any(between)
            })
            .count();
        assert!(with_events > 0, "a busy stretch");
        assert_eq!(
            changed.len(),
            with_events,
            "exactly the jobs with an event in it"
        );
        let full: HashMap<usize, String> = q
            .page(&all(t1, None), true, 0, usize::MAX)
            .0
            .into_iter()
            .map(|(k, j)| (k, j.into_owned()))
            .collect();
        for (k, json) in &changed {
            assert_eq!(full.get(k), Some(&json.to_string()));
            let job = check_job(serde_json::from_str(json).unwrap()).unwrap();
            let last = last_event(&job, Ms::MAX).unwrap();
            assert!(last > t0 && last <= t1, "{}", job.id);
        }
        let before: HashMap<usize, String> = q
            .page(&all(t0, None), true, 0, usize::MAX)
            .0
            .into_iter()
            .map(|(k, j)| (k, j.into_owned()))
            .collect();
        let unchanged = full
            .iter()
            .filter(|(k, j)| before.get(k) == Some(j))
            .count();
        assert_eq!(
            unchanged + changed.len(),
            full.len(),
            "the rest is as it was"
        );
    }

    #[test]
    fn bad_fixtures_are_errors_not_panics() {
        for text in [
            "",
            "[]",
            "{}",
            r#"{"generated_at": "x", "queues": []}"#,
            r#"{"generated_at": "2026-11-28T09:00:00Z", "queues": [], "jobs": []}"#,
        ] {
            assert!(Store::fixture(text, 1).is_err(), "{text}");
        }
    }

    #[test]
    fn generated_store_indexes_runs() {
        let s = Store::generated(
            &DemoConfig {
                jobs: 300,
                ..DemoConfig::default()
            },
            None,
        );
        assert_eq!(s.job_count(), 300);
        let q = &s.queues[0];
        assert!(!q.runs.is_empty());
        assert!(q
            .entries
            .windows(2)
            .all(|w| (w[0].start, &w[0].id) <= (w[1].start, &w[1].id)));
    }
}
