//! The SQLite store: every transition the bridge has observed, with the
//! time it was recorded, and the state of each source.
//!
//! One poll is one SQL transaction ([`Store::apply_poll`]): a bridge killed
//! in the middle of a poll leaves the store as it was before that poll, and
//! the next poll after a restart records what is missing, never twice
//! ([`crate::observe::new_transitions`] is idempotent).
//!
//! Reads are snapshots: every transition and error carries the poll time
//! that recorded it (`recorded_ms`), and a read at snapshot `S` (the last
//! successful poll of the queue's source) shows only what was recorded at
//! or before `S`. `S` is the page's `generated_at` and travels in the
//! cursor, so the pages of one read are one consistent picture even while
//! polls go on, and `updated_since = S` on the next read returns exactly
//! the jobs that changed after it.
//!
//! The schema is versioned with SQLite's `user_version`; [`MIGRATIONS`]
//! brings any older store up to date when it is opened.

use crate::observe::{is_terminal, new_transitions, JobFields, Observed, Recorded};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use queuescope_core::contract::{QueueInfo, RawError, RawJob, RawTransition};
use queuescope_core::time::format_rfc3339;
use queuescope_core::Ms;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A store problem.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("store: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The store was written by a newer bridge.
    #[error("the store has schema version {found}, newer than this bridge's {known}: use a newer bridge or another store file")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest this build knows.
        known: i64,
    },
    /// A cursor that this store did not hand out.
    #[error("bad cursor: pass back next_cursor unchanged")]
    BadCursor,
}

/// Schema migrations: entry `i` brings version `i` to `i + 1`. Never edit
/// an entry once released; add one.
pub const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the first schema.
    "CREATE TABLE sources (
        source_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        last_ok_ms INTEGER,
        last_attempt_ms INTEGER,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE queues (
        queue_id TEXT PRIMARY KEY,
        source_id TEXT NOT NULL,
        name TEXT,
        entity TEXT,
        resource TEXT,
        description TEXT
    );
    CREATE TABLE jobs (
        source_id TEXT NOT NULL,
        native_id TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        job TEXT NOT NULL,
        run_id TEXT,
        run_name TEXT,
        project TEXT,
        entity TEXT,
        user TEXT,
        labels TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER,
        end_recorded_ms INTEGER,
        first_recorded_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (source_id, native_id)
    );
    CREATE INDEX jobs_by_queue ON jobs (queue_id, start_ms, native_id);
    CREATE INDEX jobs_by_run ON jobs (queue_id, run_id);
    CREATE TABLE transitions (
        source_id TEXT NOT NULL,
        native_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        recorded_ms INTEGER NOT NULL,
        PRIMARY KEY (source_id, native_id, seq)
    );
    CREATE TABLE errors (
        source_id TEXT NOT NULL,
        native_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        message TEXT NOT NULL,
        recorded_ms INTEGER NOT NULL,
        PRIMARY KEY (source_id, native_id, at_ms, message)
    );",
];

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// A source's health as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceState {
    /// Source id.
    pub source_id: String,
    /// `slurm`, `ray`, `wandb`.
    pub kind: String,
    /// The last successful poll (its observation time).
    pub last_ok_ms: Option<Ms>,
    /// The last attempt.
    pub last_attempt_ms: Option<Ms>,
    /// The last failure's message, cleared by a success.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub failures: i64,
}

/// A stored queue and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQueue {
    /// The queue.
    pub info: QueueInfo,
    /// Its source.
    pub source_id: String,
}

/// A job not yet in a terminal state (adapters that must follow jobs the
/// source no longer lists, like W&B's taken queue items, ask for these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenJob {
    /// Id in the source.
    pub native_id: String,
    /// Its queue.
    pub queue_id: String,
    /// Its fields as last recorded.
    pub fields: JobFields,
    /// Its last recorded state.
    pub state: String,
}

/// What one poll changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Queues the poll reported that belong to another source (dropped,
    /// with their jobs).
    pub clashing_queues: Vec<String>,
    /// Jobs seen for the first time.
    pub new_jobs: usize,
    /// Transitions appended.
    pub transitions: usize,
    /// Errors appended.
    pub errors: usize,
}

/// A `/jobs` read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobsQuery {
    /// Range start (inclusive).
    pub from: Ms,
    /// Range end (exclusive).
    pub to: Ms,
    /// Only jobs changed at or after this.
    pub updated_since: Option<Ms>,
    /// Where to go on (from a previous page).
    pub cursor: Option<String>,
    /// Jobs per page.
    pub page_size: usize,
}

/// One page of `/jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobsPageOut {
    /// The jobs.
    pub jobs: Vec<RawJob>,
    /// The next page's cursor.
    pub next_cursor: Option<String>,
    /// The snapshot time, `generated_at`.
    pub generated_at: Ms,
}

/// The store. Cheap to share behind an `Arc`; every call takes the one
/// connection for its duration (calls are short).
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        // WAL: readers do not wait for a poll's transaction.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Store::init(conn)
    }

    /// A store in memory (tests).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (transactions roll back on drop), so a poisoned lock is usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The schema version of the open store.
    pub fn version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Makes sure a source row exists, and lists queues known from the
    /// config before its first poll.
    pub fn register_source(
        &self,
        source_id: &str,
        kind: &str,
        queues: &[QueueInfo],
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO sources (source_id, kind) VALUES (?1, ?2)
             ON CONFLICT (source_id) DO UPDATE SET kind = excluded.kind",
            params![source_id, kind],
        )?;
        for q in queues {
            upsert_queue(&tx, source_id, q)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records one successful poll of `source_id` made at `now`: its queues
    /// and what it saw of each job, in one transaction. Returns the
    /// observation time used (never before the previous one) and what
    /// changed.
    pub fn apply_poll(
        &self,
        source_id: &str,
        now: Ms,
        queues: &[QueueInfo],
        jobs: &[Observed],
    ) -> Result<(Ms, Applied), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let prev: Option<Ms> = tx
            .query_row(
                "SELECT last_ok_ms FROM sources WHERE source_id = ?1",
                [source_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        // Snapshots must move forward even if the wall clock does not.
        let observed = prev.map_or(now, |p| now.max(p + 1));
        let mut applied = Applied::default();
        for q in queues {
            let owner: Option<String> = tx
                .query_row(
                    "SELECT source_id FROM queues WHERE queue_id = ?1",
                    [&q.id],
                    |r| r.get(0),
                )
                .optional()?;
            match owner {
                Some(other) if other != source_id => applied.clashing_queues.push(q.id.clone()),
                _ => upsert_queue(&tx, source_id, q)?,
            }
        }
        for job in jobs {
            if !applied.clashing_queues.contains(&job.queue_id) {
                apply_job(&tx, source_id, observed, job, &mut applied)?;
            }
        }
        tx.execute(
            "INSERT INTO sources (source_id, kind, last_ok_ms, last_attempt_ms, failures)
             VALUES (?1, '', ?2, ?2, 0)
             ON CONFLICT (source_id) DO UPDATE SET last_ok_ms = ?2, last_attempt_ms = ?2,
               last_error = NULL, failures = 0",
            params![source_id, observed],
        )?;
        tx.commit()?;
        Ok((observed, applied))
    }

    /// Records a failed poll.
    pub fn record_failure(
        &self,
        source_id: &str,
        now: Ms,
        message: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO sources (source_id, kind, last_attempt_ms, last_error, failures)
             VALUES (?1, '', ?2, ?3, 1)
             ON CONFLICT (source_id) DO UPDATE SET last_attempt_ms = ?2, last_error = ?3,
               failures = failures + 1",
            params![source_id, now, message],
        )?;
        Ok(())
    }

    /// Every source's state.
    pub fn sources(&self) -> Result<Vec<SourceState>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT source_id, kind, last_ok_ms, last_attempt_ms, last_error, failures
             FROM sources ORDER BY source_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(SourceState {
                source_id: r.get(0)?,
                kind: r.get(1)?,
                last_ok_ms: r.get(2)?,
                last_attempt_ms: r.get(3)?,
                last_error: r.get(4)?,
                failures: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every queue, in id order.
    pub fn queues(&self) -> Result<Vec<StoredQueue>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT queue_id, source_id, name, entity, resource, description
             FROM queues ORDER BY queue_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(StoredQueue {
                info: QueueInfo {
                    id: r.get(0)?,
                    name: r.get(2)?,
                    entity: r.get(3)?,
                    resource: r.get(4)?,
                    description: r.get(5)?,
                },
                source_id: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The queue `queue_id`, if known.
    pub fn queue(&self, queue_id: &str) -> Result<Option<StoredQueue>, StoreError> {
        Ok(self.queues()?.into_iter().find(|q| q.info.id == queue_id))
    }

    /// The jobs of `source_id` not in a terminal state.
    pub fn open_jobs(&self, source_id: &str) -> Result<Vec<OpenJob>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT j.native_id, j.queue_id, j.job, j.run_id, j.run_name, j.project, j.entity,
                    j.user, j.labels,
                    (SELECT state FROM transitions t WHERE t.source_id = j.source_id
                       AND t.native_id = j.native_id ORDER BY seq DESC LIMIT 1)
             FROM jobs j WHERE j.source_id = ?1 AND j.end_ms IS NULL ORDER BY j.native_id",
        )?;
        let rows = st.query_map([source_id], |r| {
            Ok(OpenJob {
                native_id: r.get(0)?,
                queue_id: r.get(1)?,
                fields: fields_from_row(r, 2)?,
                state: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The runs among `run_ids` that belong to jobs of `queue_id`, each with
    /// its job's project (W&B reads a run's metrics by project and name).
    pub fn run_projects(
        &self,
        queue_id: &str,
        run_ids: &[String],
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT run_id, project FROM jobs WHERE queue_id = ?1 AND run_id = ?2 LIMIT 1",
        )?;
        let mut out = Vec::new();
        for id in run_ids {
            if let Some(row) = st
                .query_row(params![queue_id, id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Every recorded transition of a job, in order (tests, diagnostics).
    pub fn transitions(
        &self,
        source_id: &str,
        native_id: &str,
    ) -> Result<Vec<Recorded>, StoreError> {
        load_transitions(&self.conn(), source_id, native_id)
    }

    /// One page of `/jobs` for `queue_id`, as of the snapshot `snapshot`
    /// (ignored when the cursor carries one).
    pub fn jobs_page(
        &self,
        queue_id: &str,
        snapshot: Ms,
        q: &JobsQuery,
    ) -> Result<JobsPageOut, StoreError> {
        let (snap, after) = match &q.cursor {
            Some(c) => {
                let c = Cursor::decode(c).ok_or(StoreError::BadCursor)?;
                (c.snapshot, Some((c.start_ms, c.native_id)))
            }
            None => (snapshot, None),
        };
        let (after_start, after_id) = after.unwrap_or((Ms::MIN, String::new()));
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT source_id, native_id, job, run_id, run_name, project, entity, user, labels,
                    start_ms
             FROM jobs
             WHERE queue_id = ?1 AND first_recorded_ms <= ?2 AND start_ms < ?4
               AND (CASE WHEN end_ms IS NOT NULL AND end_recorded_ms <= ?2
                         THEN end_ms ELSE ?2 END) >= ?3
               AND updated_ms >= ?5
               AND (start_ms > ?6 OR (start_ms = ?6 AND native_id > ?7))
             ORDER BY start_ms, native_id
             LIMIT ?8",
        )?;
        let limit = i64::try_from(q.page_size.max(1))
            .unwrap_or(i64::MAX)
            .saturating_add(1);
        let rows: Vec<(String, String, JobFields, Ms)> = st
            .query_map(
                params![
                    queue_id,
                    snap,
                    q.from,
                    q.to,
                    q.updated_since.unwrap_or(Ms::MIN),
                    after_start,
                    after_id,
                    limit
                ],
                |r| Ok((r.get(0)?, r.get(1)?, fields_from_row(r, 2)?, r.get(9)?)),
            )?
            .collect::<Result<_, _>>()?;
        let more = rows.len() > q.page_size.max(1);
        let mut jobs = Vec::with_capacity(rows.len());
        let mut next_cursor = None;
        let mut tr = conn.prepare_cached(
            "SELECT state, at_ms FROM transitions
             WHERE source_id = ?1 AND native_id = ?2 AND recorded_ms <= ?3 ORDER BY seq",
        )?;
        let mut er = conn.prepare_cached(
            "SELECT at_ms, message FROM errors
             WHERE source_id = ?1 AND native_id = ?2 AND recorded_ms <= ?3 ORDER BY at_ms, message",
        )?;
        for (i, (source_id, native_id, f, start_ms)) in rows.into_iter().enumerate() {
            if i == q.page_size.max(1) {
                break;
            }
            if more && i + 1 == q.page_size.max(1) {
                next_cursor = Some(
                    Cursor {
                        snapshot: snap,
                        start_ms,
                        native_id: native_id.clone(),
                    }
                    .encode(),
                );
            }
            let transitions: Vec<RawTransition> = tr
                .query_map(params![source_id, native_id, snap], |r| {
                    Ok(RawTransition {
                        state: r.get(0)?,
                        at: format_rfc3339(r.get(1)?),
                    })
                })?
                .collect::<Result<_, _>>()?;
            let errors: Vec<RawError> = er
                .query_map(params![source_id, native_id, snap], |r| {
                    Ok(RawError {
                        at: format_rfc3339(r.get(0)?),
                        message: r.get(1)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            jobs.push(RawJob {
                id: native_id,
                job: f.job,
                run_id: f.run_id,
                run_name: f.run_name,
                project: f.project,
                entity: f.entity,
                user: f.user,
                labels: f.labels,
                transitions,
                errors,
            });
        }
        Ok(JobsPageOut {
            jobs,
            next_cursor,
            generated_at: snap,
        })
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > schema_version() {
        return Err(StoreError::TooNew {
            found: version,
            known: schema_version(),
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn upsert_queue(tx: &Transaction<'_>, source_id: &str, q: &QueueInfo) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO queues (queue_id, source_id, name, entity, resource, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (queue_id) DO UPDATE SET source_id = ?2,
           name = COALESCE(?3, name), entity = COALESCE(?4, entity),
           resource = COALESCE(?5, resource), description = COALESCE(?6, description)",
        params![q.id, source_id, q.name, q.entity, q.resource, q.description],
    )?;
    Ok(())
}

fn fields_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<JobFields> {
    let labels: String = r.get(at + 6)?;
    Ok(JobFields {
        job: r.get(at)?,
        run_id: r.get(at + 1)?,
        run_name: r.get(at + 2)?,
        project: r.get(at + 3)?,
        entity: r.get(at + 4)?,
        user: r.get(at + 5)?,
        // Written by this module from a BTreeMap; unreadable only if someone
        // edited the file, and then no labels beat no job.
        labels: serde_json::from_str::<BTreeMap<String, String>>(&labels).unwrap_or_default(),
    })
}

fn load_transitions(
    conn: &Connection,
    source_id: &str,
    native_id: &str,
) -> Result<Vec<Recorded>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT state, at_ms FROM transitions WHERE source_id = ?1 AND native_id = ?2 ORDER BY seq",
    )?;
    let rows = st.query_map([source_id, native_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn apply_job(
    tx: &Transaction<'_>,
    source_id: &str,
    observed: Ms,
    job: &Observed,
    applied: &mut Applied,
) -> Result<(), StoreError> {
    if job.timeline.is_empty() {
        return Ok(());
    }
    let recorded = load_transitions(tx, source_id, &job.native_id)?;
    let new = new_transitions(&recorded, &job.timeline, observed);
    let seq0 = recorded.len() as i64;
    for (i, (state, at)) in new.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO transitions (source_id, native_id, seq, state, at_ms, recorded_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            source_id,
            job.native_id,
            seq0 + i as i64,
            state,
            at,
            observed
        ])?;
    }
    applied.transitions += new.len();
    let mut new_errors = 0;
    for (at, message) in &job.errors {
        new_errors += tx
            .prepare_cached(
                "INSERT OR IGNORE INTO errors (source_id, native_id, at_ms, message, recorded_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![source_id, job.native_id, at, message, observed])?;
    }
    applied.errors += new_errors;
    let all: Vec<&Recorded> = recorded.iter().chain(new.iter()).collect();
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return Ok(());
    };
    let (end_ms, end_recorded) = if is_terminal(&last.0) {
        let end_recorded = if new.is_empty() { None } else { Some(observed) };
        (Some(last.1), end_recorded)
    } else {
        (None, None)
    };
    let labels = serde_json::to_string(&job.fields.labels).unwrap_or_else(|_| "{}".into());
    let f = &job.fields;
    let existing: Option<(String, JobFields)> = tx
        .prepare_cached(
            "SELECT queue_id, job, run_id, run_name, project, entity, user, labels
             FROM jobs WHERE source_id = ?1 AND native_id = ?2",
        )?
        .query_row([source_id, job.native_id.as_str()], |r| {
            Ok((r.get(0)?, fields_from_row(r, 1)?))
        })
        .optional()?;
    let changed = match &existing {
        None => {
            applied.new_jobs += 1;
            true
        }
        Some((queue_id, old)) => {
            *queue_id != job.queue_id || old != f || !new.is_empty() || new_errors > 0
        }
    };
    if changed {
        tx.prepare_cached(
            "INSERT INTO jobs (source_id, native_id, queue_id, job, run_id, run_name, project,
               entity, user, labels, start_ms, end_ms, end_recorded_ms, first_recorded_ms,
               updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
             ON CONFLICT (source_id, native_id) DO UPDATE SET queue_id = ?3, job = ?4,
               run_id = ?5, run_name = ?6, project = ?7, entity = ?8, user = ?9, labels = ?10,
               end_ms = ?12, end_recorded_ms = COALESCE(?13, end_recorded_ms), updated_ms = ?14",
        )?
        .execute(params![
            source_id,
            job.native_id,
            job.queue_id,
            f.job,
            f.run_id,
            f.run_name,
            f.project,
            f.entity,
            f.user,
            labels,
            first.1,
            end_ms,
            end_recorded,
            observed
        ])?;
    }
    Ok(())
}

/// The opaque cursor: the snapshot of the read and where its last page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cursor {
    snapshot: Ms,
    start_ms: Ms,
    native_id: String,
}

impl Cursor {
    fn encode(&self) -> String {
        let text = serde_json::json!([1, self.snapshot, self.start_ms, self.native_id]).to_string();
        URL_SAFE_NO_PAD.encode(text)
    }

    fn decode(s: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        let (v, snapshot, start_ms, native_id): (u8, Ms, Ms, String) =
            serde_json::from_slice(&bytes).ok()?;
        (v == 1).then_some(Cursor {
            snapshot,
            start_ms,
            native_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Step;

    fn job(id: &str, queue: &str, timeline: Vec<Step>) -> Observed {
        Observed {
            queue_id: queue.into(),
            native_id: id.into(),
            fields: JobFields {
                job: format!("job-{id}"),
                user: Some("alice".into()),
                ..JobFields::default()
            },
            timeline,
            errors: vec![],
        }
    }

    fn q(from: Ms, to: Ms) -> JobsQuery {
        JobsQuery {
            from,
            to,
            updated_since: None,
            cursor: None,
            page_size: 100,
        }
    }

    fn queue(id: &str) -> QueueInfo {
        QueueInfo {
            id: id.into(),
            name: None,
            entity: None,
            resource: Some("slurm".into()),
            description: None,
        }
    }

    #[test]
    fn migrates_a_new_store_and_refuses_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let s = Store::open(&path).unwrap();
        assert_eq!(s.version().unwrap(), schema_version());
        drop(s);
        // Reopening runs no migration twice.
        assert_eq!(
            Store::open(&path).unwrap().version().unwrap(),
            schema_version()
        );
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn polls_record_transitions_once_and_reads_are_snapshots() {
        let s = Store::in_memory().unwrap();
        s.register_source("src", "slurm", &[queue("cpu")]).unwrap();
        let p1 = [job("1", "cpu", vec![Step::at("queued", 1_000)])];
        let (t1, a1) = s.apply_poll("src", 2_000, &[], &p1).unwrap();
        assert_eq!((t1, a1.new_jobs, a1.transitions), (2_000, 1, 1));
        let p2 = [job(
            "1",
            "cpu",
            vec![Step::at("queued", 1_000), Step::at("running", 2_500)],
        )];
        let (t2, a2) = s.apply_poll("src", 3_000, &[], &p2).unwrap();
        assert_eq!((t2, a2.transitions), (3_000, 1));
        // The same answer again: nothing new.
        let (_, a3) = s.apply_poll("src", 4_000, &[], &p2).unwrap();
        assert_eq!(a3, Applied::default());
        assert_eq!(s.transitions("src", "1").unwrap().len(), 2);

        // As of the first poll the job was only queued.
        let old = s.jobs_page("cpu", t1, &q(0, 10_000)).unwrap();
        assert_eq!(old.jobs[0].transitions.len(), 1);
        assert_eq!(old.generated_at, 2_000);
        let now = s.jobs_page("cpu", t2, &q(0, 10_000)).unwrap();
        assert_eq!(now.jobs[0].transitions.len(), 2);
        // Changed since the first read: the job; since after the last change: nothing.
        let since = |g| JobsQuery {
            updated_since: Some(g),
            ..q(0, 10_000)
        };
        assert_eq!(s.jobs_page("cpu", t2, &since(t1)).unwrap().jobs.len(), 1);
        assert_eq!(
            s.jobs_page("cpu", 4_000, &since(t2 + 1))
                .unwrap()
                .jobs
                .len(),
            0
        );
    }

    #[test]
    fn overlap_rule_matches_the_demo_backend() {
        let s = Store::in_memory().unwrap();
        let jobs = [
            // ended exactly at `from`: its terminal event is in the range
            job(
                "a",
                "cpu",
                vec![Step::at("queued", 100), Step::at("finished", 1_000)],
            ),
            // ended before `from`
            job(
                "b",
                "cpu",
                vec![Step::at("queued", 100), Step::at("failed", 999)],
            ),
            // starts at `to`: outside
            job("c", "cpu", vec![Step::at("queued", 2_000)]),
            // still open: lasts until the snapshot
            job("d", "cpu", vec![Step::at("queued", 500)]),
        ];
        let (t, _) = s.apply_poll("src", 5_000, &[queue("cpu")], &jobs).unwrap();
        let ids: Vec<_> = s
            .jobs_page("cpu", t, &q(1_000, 2_000))
            .unwrap()
            .jobs
            .into_iter()
            .map(|j| j.id)
            .collect();
        assert_eq!(ids, ["a", "d"]);
    }

    #[test]
    fn paging_follows_a_stable_cursor_while_polls_go_on() {
        let s = Store::in_memory().unwrap();
        let jobs: Vec<_> = (0..7)
            .map(|i| job(&format!("j{i}"), "cpu", vec![Step::at("queued", 100 + i)]))
            .collect();
        let (t, _) = s.apply_poll("src", 1_000, &[], &jobs).unwrap();
        let mut query = JobsQuery {
            page_size: 3,
            ..q(0, 10_000)
        };
        let mut seen = vec![];
        let mut pages = 0;
        loop {
            let page = s.jobs_page("cpu", t, &query).unwrap();
            pages += 1;
            assert_eq!(page.generated_at, t, "every page has the read's snapshot");
            seen.extend(page.jobs.iter().map(|j| j.id.clone()));
            // A poll between pages adds a job and a transition: not in this read.
            let more = [
                job("late", "cpu", vec![Step::at("queued", 50)]),
                job(
                    "j0",
                    "cpu",
                    vec![Step::at("queued", 100), Step::at("running", 1_500)],
                ),
            ];
            s.apply_poll("src", 2_000, &[], &more).unwrap();
            match page.next_cursor {
                Some(c) => query.cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, ["j0", "j1", "j2", "j3", "j4", "j5", "j6"]);
        let bad = JobsQuery {
            cursor: Some("nonsense".into()),
            ..q(0, 10_000)
        };
        assert!(matches!(
            s.jobs_page("cpu", t, &bad),
            Err(StoreError::BadCursor)
        ));
    }

    #[test]
    fn a_queue_of_another_source_is_not_taken_over() {
        let s = Store::in_memory().unwrap();
        s.register_source("ray", "ray", &[queue("cpu")]).unwrap();
        let jobs = [job("1", "cpu", vec![Step::at("queued", 1)])];
        let (_, a) = s.apply_poll("hpc", 10, &[queue("cpu")], &jobs).unwrap();
        assert_eq!(a.clashing_queues, ["cpu"]);
        assert_eq!(a.new_jobs, 0);
        assert_eq!(s.queue("cpu").unwrap().unwrap().source_id, "ray");
        assert!(s.jobs_page("cpu", 10, &q(0, 100)).unwrap().jobs.is_empty());
    }

    #[test]
    fn failures_are_counted_and_cleared_by_a_success() {
        let s = Store::in_memory().unwrap();
        s.register_source("src", "ray", &[]).unwrap();
        s.record_failure("src", 10, "connection refused").unwrap();
        s.record_failure("src", 20, "connection refused").unwrap();
        let st = &s.sources().unwrap()[0];
        assert_eq!(
            (st.failures, st.last_ok_ms, st.kind.as_str()),
            (2, None, "ray")
        );
        s.apply_poll("src", 30, &[], &[]).unwrap();
        let st = &s.sources().unwrap()[0];
        assert_eq!(
            (st.failures, st.last_ok_ms, st.last_error.clone()),
            (0, Some(30), None)
        );
    }

    #[test]
    fn open_jobs_are_the_non_terminal_ones_and_errors_are_kept_once() {
        let s = Store::in_memory().unwrap();
        let mut failed = job("f", "q", vec![Step::at("queued", 1), Step::at("failed", 5)]);
        failed.errors = vec![(5, "exit code 3".into())];
        let open = job("o", "q", vec![Step::at("queued", 1), Step::seen("running")]);
        s.apply_poll("src", 10, &[], &[failed.clone(), open])
            .unwrap();
        let (_, again) = s.apply_poll("src", 20, &[], &[failed]).unwrap();
        assert_eq!(again.errors, 0);
        let o = s.open_jobs("src").unwrap();
        assert_eq!(o.len(), 1);
        assert_eq!(
            (o[0].native_id.as_str(), o[0].state.as_str()),
            ("o", "running")
        );
        let page = s.jobs_page("q", 20, &q(0, 100)).unwrap();
        let f = page.jobs.iter().find(|j| j.id == "f").unwrap();
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.errors[0].message, "exit code 3");
    }
}
