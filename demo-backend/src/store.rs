//! What the server serves, indexed once at start so that a page is cheap.
//!
//! Each queue keeps its jobs sorted by (lifetime start, id), each already
//! serialised to JSON: a page is a scan over two integers per job and a
//! string join, whatever the size of the data.
//!
//! Two sources: the seeded generator of `queuescope_core::demo`, or a JSON
//! fixture whose records are served *verbatim*, bad ones included, so that
//! client tests can check that broken records are skipped and counted.

use queuescope_core::demo::{generate, to_raw_job, DemoConfig};
use queuescope_core::model::{Job, Ms};
use queuescope_core::parse::check_job;
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use serde_json::Value;
use std::collections::HashMap;

/// One job as served.
pub struct Entry {
    /// Start of its lifetime (first parsable transition; `Ms::MIN` when none
    /// parses, so a hopeless fixture record is in every range).
    pub start: Ms,
    /// End of its lifetime (terminal transition, or `generated_at`).
    pub end: Ms,
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
}

/// Everything the server answers from.
pub struct Store {
    /// Body of `GET /queues`, ready to send.
    pub queues_body: String,
    /// Queues by position; `index` maps ids to positions.
    pub queues: Vec<QueueData>,
    index: HashMap<String, usize>,
    /// "Now" for jobs that have not ended, and the `generated_at` of pages.
    pub generated_at: Ms,
    /// Seed of the usage curves.
    pub seed: u64,
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
    /// Generates the demo data and indexes it.
    pub fn generated(cfg: &DemoConfig) -> Store {
        let data = generate(cfg);
        let queues_body = serde_json::json!({ "queues": data.queues }).to_string();
        let queues = data
            .datasets
            .into_iter()
            .map(|ds| {
                let entries = ds
                    .jobs
                    .into_iter()
                    .map(|job| {
                        let (start, end) = job.lifetime(cfg.now);
                        let json = serde_json::to_string(&to_raw_job(&job)).unwrap_or_default();
                        Entry {
                            start,
                            end,
                            id: job.id.clone(),
                            json,
                            job: Some(job),
                        }
                    })
                    .collect();
                QueueData::new(ds.queue_id, entries, Vec::new())
            })
            .collect();
        Store::new(queues_body, queues, cfg.now, cfg.seed)
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
        let queues = ids
            .into_iter()
            .map(|id| {
                let records = jobs.get(&id).and_then(Value::as_array);
                let entries = records
                    .into_iter()
                    .flatten()
                    .map(|r| fixture_entry(r, generated_at))
                    .collect();
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
                QueueData::new(id, entries, series)
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
        }
    }

    /// The queue with this id.
    pub fn queue(&self, id: &str) -> Option<&QueueData> {
        self.index.get(id).and_then(|&i| self.queues.get(i))
    }

    /// `generated_at` as it goes on the wire.
    pub fn generated_at_text(&self) -> String {
        format_rfc3339(self.generated_at)
    }

    /// How many jobs are served, over all queues.
    pub fn job_count(&self) -> usize {
        self.queues.iter().map(|q| q.entries.len()).sum()
    }
}

/// Indexes a fixture record without trusting it: whatever parses decides
/// where it sorts; what does not is still served for the client to reject.
fn fixture_entry(record: &Value, generated_at: Ms) -> Entry {
    let id = record
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let job = serde_json::from_value(record.clone())
        .ok()
        .and_then(|raw| check_job(raw).ok());
    let (start, end) = match &job {
        Some(j) => j.lifetime(generated_at),
        None => lenient_lifetime(record, generated_at),
    };
    Entry {
        start,
        end,
        id,
        json: record.to_string(),
        job,
    }
}

/// Lifetime of a record that fails the checks: from its earliest parsable
/// transition to its last one if that is terminal, else to `generated_at`.
/// With no parsable time at all it spans everything.
fn lenient_lifetime(record: &Value, generated_at: Ms) -> (Ms, Ms) {
    let transitions = record
        .get("transitions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let time = |t: &Value| {
        t.get("at")
            .and_then(Value::as_str)
            .and_then(|s| parse_rfc3339(s).ok())
    };
    let Some(start) = transitions.iter().filter_map(time).min() else {
        return (Ms::MIN, Ms::MAX);
    };
    let terminal = transitions.last().and_then(|t| {
        let state = t.get("state").and_then(Value::as_str)?;
        let terminal = matches!(state, "finished" | "failed" | "crashed" | "killed");
        terminal.then(|| time(t)).flatten()
    });
    let end = terminal.unwrap_or(generated_at);
    (start, end.max(start))
}

impl QueueData {
    fn new(
        id: String,
        mut entries: Vec<Entry>,
        fixture_series: Vec<(Option<String>, String)>,
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
        }
    }

    /// One page of the jobs whose lifetime overlaps `[from, to)`, starting
    /// at entry `at`: the positions in `entries` of up to `size` jobs and
    /// the position the next page starts at, or `None` when no match is
    /// left (so the last page is never empty unless the whole answer is).
    ///
    /// A job overlaps when it starts before `to` and ends at or after
    /// `from`: a job that ended exactly at `from` still has its terminal
    /// event inside the range, and SPEC §3 counts terminal events there.
    pub fn page(&self, from: Ms, to: Ms, at: usize, size: usize) -> (Vec<usize>, Option<usize>) {
        let limit = self.entries.partition_point(|e| e.start < to);
        let mut out = Vec::with_capacity(size.min(limit.saturating_sub(at)));
        let mut next = None;
        for (i, e) in self.entries.iter().enumerate().take(limit).skip(at) {
            if e.end < from {
                continue;
            }
            if out.len() == size.max(1) {
                next = Some(i);
                break;
            }
            out.push(i);
        }
        (out, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"{
        "generated_at": "2026-11-28T09:00:00Z",
        "queues": [{"id": "q1", "name": "Q one"}, {"name": "no id"}],
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
        assert!(s.queues_body.contains("no id"), "queue list is verbatim");
    }

    #[test]
    fn pages_cover_overlaps_only_and_never_end_empty() {
        let s = Store::fixture(FIXTURE, 1).unwrap();
        let q = s.queue("q1").unwrap();
        let json = |p: Vec<usize>| -> Vec<&str> {
            p.iter().map(|&i| q.entries[i].json.as_str()).collect()
        };
        let t = |x: &str| parse_rfc3339(x).unwrap();
        // 07:20..07:50: `bad` ended at 07:10, so only the record without
        // any parsable time (which is in every range) is left.
        let (p, next) = q.page(t("2026-11-28T07:20:00Z"), t("2026-11-28T07:50:00Z"), 0, 10);
        assert_eq!(p.len(), 1);
        assert_eq!(next, None);
        // Everything, two per page.
        let (p1, n1) = q.page(t("2026-11-28T00:00:00Z"), t("2026-11-29T00:00:00Z"), 0, 2);
        assert_eq!(p1.len(), 2);
        let (p2, n2) = q.page(
            t("2026-11-28T00:00:00Z"),
            t("2026-11-29T00:00:00Z"),
            n1.unwrap(),
            2,
        );
        assert_eq!(p2.len(), 2);
        assert_eq!(n2, None);
        // A job ending exactly at `from` is included; one starting at `to` is not.
        let (p, _) = q.page(t("2026-11-28T08:30:00Z"), t("2026-11-28T09:00:00Z"), 0, 10);
        assert!(json(p).iter().any(|j| j.contains("\"id\":\"b\"")));
        let (p, _) = q.page(t("2026-11-28T07:30:00Z"), t("2026-11-28T08:00:00Z"), 0, 10);
        assert!(!json(p).iter().any(|j| j.contains("\"id\":\"a\"")));
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
        let s = Store::generated(&DemoConfig {
            jobs: 300,
            ..DemoConfig::default()
        });
        assert_eq!(s.job_count(), 300);
        let q = &s.queues[0];
        assert!(!q.runs.is_empty());
        assert!(q
            .entries
            .windows(2)
            .all(|w| (w[0].start, &w[0].id) <= (w[1].start, &w[1].id)));
    }
}
