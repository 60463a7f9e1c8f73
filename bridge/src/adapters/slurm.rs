//! Slurm through `slurmrestd`: partitions are queues, jobs are jobs.
//!
//! Both answer shapes are read: API v0.0.38 (Slurm 22.05, Debian 12) with
//! plain numbers and a `job_state` string, and v0.0.40+ (Slurm 23.11 on)
//! with number wrappers `{"set", "infinite", "number"}`, `job_state` arrays
//! (`["PENDING", "REQUEUED"]`) and a structured `exit_code`. The mapping
//! table is in `bridge/README.md`.

use super::{clip, secret, send, Snapshot, SourceError};
use crate::config::SlurmConfig;
use crate::observe::{JobFields, Observed, Step};
use queuescope_core::contract::QueueInfo;
use queuescope_core::Ms;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A slurmrestd source.
pub struct Slurm {
    base: String,
    cfg: SlurmConfig,
    http: reqwest::Client,
}

impl Slurm {
    /// A source at `base` (`http://host:6820`).
    pub fn new(base: String, cfg: SlurmConfig, http: reqwest::Client) -> Slurm {
        Slurm { base, cfg, http }
    }

    /// The configured partitions as queues (none when discovered).
    pub fn fixed_queues(&self) -> Vec<QueueInfo> {
        self.cfg
            .partitions
            .iter()
            .flatten()
            .map(|p| self.queue_info(p))
            .collect()
    }

    fn queue_info(&self, partition: &str) -> QueueInfo {
        QueueInfo {
            id: format!("{}{partition}", self.cfg.queue_prefix),
            name: Some(partition.to_string()),
            entity: self.cfg.entity.clone(),
            resource: Some("slurm".into()),
            description: Some(format!("Slurm partition {partition}")),
        }
    }

    async fn get(&self, what: &str) -> Result<String, SourceError> {
        let url = format!("{}/slurm/{}/{what}", self.base, self.cfg.api_version);
        let mut req = self.http.get(&url);
        if let Some(user) = &self.cfg.user {
            req = req.header("X-SLURM-USER-NAME", user);
        }
        if let Some(token) = secret(&self.cfg.token)? {
            req = req.header("X-SLURM-USER-TOKEN", token.expose());
        }
        send(&url, req).await
    }

    /// One poll: the partitions (unless configured) and every job.
    pub async fn poll(&self) -> Result<Snapshot, SourceError> {
        let partitions = match &self.cfg.partitions {
            Some(p) => p.clone(),
            None => {
                let body = self.get("partitions").await?;
                parse_partitions(&body).map_err(|reason| SourceError::Shape {
                    url: format!("{}/slurm/{}/partitions", self.base, self.cfg.api_version),
                    reason,
                })?
            }
        };
        let body = self.get("jobs").await?;
        let (jobs, skipped) = parse_jobs(&body).map_err(|reason| SourceError::Shape {
            url: format!("{}/slurm/{}/jobs", self.base, self.cfg.api_version),
            reason,
        })?;
        let jobs = jobs
            .iter()
            .filter_map(|j| {
                let partition = j.queue_partition(&partitions)?;
                Some(j.observe(format!("{}{partition}", self.cfg.queue_prefix)))
            })
            .collect();
        Ok(Snapshot {
            queues: partitions.iter().map(|p| self.queue_info(p)).collect(),
            jobs,
            skipped,
        })
    }
}

/// A number as slurmrestd writes it: plain (v0.0.38) or wrapped (v0.0.40+).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Default)]
#[serde(untagged)]
pub enum Number {
    /// `123`
    Plain(f64),
    /// `{"set": true, "infinite": false, "number": 123}`
    Wrapped {
        /// Whether the value is set (required: it tells a wrapper from
        /// any other object).
        set: bool,
        /// Whether it is infinite (unlimited).
        #[serde(default)]
        infinite: bool,
        /// The value.
        #[serde(default)]
        number: f64,
    },
    /// `null` or missing.
    #[default]
    Unset,
}

impl Number {
    /// The value, if set and finite.
    pub fn get(self) -> Option<i64> {
        match self {
            Number::Plain(v) if v.is_finite() => Some(v as i64),
            Number::Wrapped {
                set: true,
                infinite: false,
                number,
            } if number.is_finite() => Some(number as i64),
            _ => None,
        }
    }

    /// As a time: epoch seconds to [`Ms`]; 0 means "not yet" in every version.
    pub fn time(self) -> Option<Ms> {
        self.get().filter(|&s| s > 0).map(|s| s * 1000)
    }
}

/// `"RUNNING"` (v0.0.38) or `["RUNNING", "COMPLETING"]` (v0.0.40+).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Words {
    /// One word.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Words {
    fn list(&self) -> Vec<&str> {
        match self {
            Words::One(s) => vec![s.as_str()],
            Words::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// `exit_code`: a structure (v0.0.39+) or a number (a raw wait status in
/// v0.0.38; some 23.02 builds wrap it). The structure comes first: its
/// required `status` tells it from a number wrapper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ExitCode {
    /// `{"status": ..., "return_code": ..., "signal": {"id"|"signal_id": ..., "name": ...}}`.
    Detailed {
        /// `SUCCESS`, `ERROR`, `SIGNALED`, `CORE_DUMPED` ...
        status: Words,
        /// The exit code.
        #[serde(default)]
        return_code: Number,
        /// The signal, if any.
        #[serde(default)]
        signal: Option<Signal>,
    },
    /// The wait status: exit code in bits 8..16, signal in bits 0..7.
    Raw(Number),
}

/// The signal part of a structured exit code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Signal {
    /// Signal number.
    #[serde(default, alias = "signal_id")]
    pub id: Number,
    /// Signal name.
    #[serde(default)]
    pub name: Option<String>,
}

impl ExitCode {
    /// (exit code, signal) when known.
    fn decode(&self) -> (Option<i64>, Option<i64>) {
        match self {
            ExitCode::Raw(n) => match n.get() {
                Some(v) => (Some((v >> 8) & 0xff), Some(v & 0x7f).filter(|&s| s != 0)),
                None => (None, None),
            },
            ExitCode::Detailed {
                return_code,
                signal,
                ..
            } => (
                return_code.get(),
                signal.as_ref().and_then(|s| s.id.get()).filter(|&s| s != 0),
            ),
        }
    }
}

/// The fields of a slurmrestd job record the bridge reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SlurmJob {
    /// Job id.
    pub job_id: Number,
    /// Job name.
    #[serde(default)]
    pub name: Option<String>,
    /// Owner.
    #[serde(default)]
    pub user_name: Option<String>,
    /// Account (the queue's project).
    #[serde(default)]
    pub account: Option<String>,
    /// Partition; a comma list while a job waits for several.
    #[serde(default)]
    pub partition: Option<String>,
    /// QOS.
    #[serde(default)]
    pub qos: Option<String>,
    /// State: base state (and flags in v0.0.40+).
    pub job_state: Words,
    /// Why it waits or ended.
    #[serde(default)]
    pub state_reason: Option<String>,
    /// Submitted.
    #[serde(default)]
    pub submit_time: Number,
    /// Eligible to start (0 while held or waiting on a dependency).
    #[serde(default)]
    pub eligible_time: Number,
    /// Started (also set, to the end, for jobs cancelled while pending).
    #[serde(default)]
    pub start_time: Number,
    /// Ended (a running job reports its expected end).
    #[serde(default)]
    pub end_time: Number,
    /// Exit status.
    #[serde(default)]
    pub exit_code: Option<ExitCode>,
    /// Nodes it ran on.
    #[serde(default)]
    pub nodes: Option<String>,
    /// Array parent id (0 if not an array).
    #[serde(default)]
    pub array_job_id: Number,
    /// Array task id.
    #[serde(default)]
    pub array_task_id: Number,
}

/// Slurm's base job states and what they become (SPEC §2 states).
/// `None`: the job is still waiting (queued or held, decided by times).
fn map_state(base: &str) -> Option<&'static str> {
    Some(match base {
        "PENDING" | "REQUEUED" | "REQUEUE_HOLD" | "REQUEUE_FED" => return None,
        "CONFIGURING" => "starting",
        "RUNNING" | "COMPLETING" | "RESIZING" | "SIGNALING" | "STAGE_OUT" => "running",
        "SUSPENDED" => "suspended",
        "COMPLETED" => "finished",
        "FAILED" | "SPECIAL_EXIT" => "failed",
        "OUT_OF_MEMORY" | "NODE_FAIL" | "BOOT_FAIL" => "crashed",
        "CANCELLED" | "TIMEOUT" | "PREEMPTED" | "DEADLINE" | "REVOKED" => "killed",
        _ => "unknown",
    })
}

/// The base state among the words (v0.0.40+ mixes flags in; the base state
/// comes first, but flags such as `COMPLETING` or `CONFIGURING` are also
/// base-state names in older versions).
fn base_state(words: &Words) -> String {
    let list = words.list();
    const BASE: [&str; 14] = [
        "PENDING",
        "RUNNING",
        "SUSPENDED",
        "COMPLETED",
        "CANCELLED",
        "FAILED",
        "TIMEOUT",
        "NODE_FAIL",
        "PREEMPTED",
        "BOOT_FAIL",
        "DEADLINE",
        "OUT_OF_MEMORY",
        "REQUEUED",
        "REVOKED",
    ];
    list.iter()
        .find(|w| BASE.contains(w))
        .or(list.first())
        .map(|s| s.to_string())
        .unwrap_or_default()
}

impl SlurmJob {
    fn id(&self) -> Option<String> {
        self.job_id.get().map(|v| v.to_string())
    }

    /// Whether `state_reason` says the job was held back (not waiting for
    /// resources): a hold, a dependency or a begin time.
    fn held_reason(&self) -> bool {
        let r = self.state_reason.as_deref().unwrap_or_default();
        r.starts_with("JobHeld") || r.starts_with("Dependency") || r == "BeginTime"
    }

    /// The configured partition this job belongs to: the first it names.
    fn queue_partition<'a>(&self, partitions: &'a [String]) -> Option<&'a String> {
        let names = self.partition.as_deref().unwrap_or_default();
        names
            .split(',')
            .find_map(|n| partitions.iter().find(|p| p.as_str() == n.trim()))
    }

    /// The job as the bridge sees it, in queue `queue_id`.
    pub fn observe(&self, queue_id: String) -> Observed {
        let words = self.job_state.list();
        let base = base_state(&self.job_state);
        let mapped = map_state(&base);
        let flags: Vec<&str> = words.iter().copied().filter(|w| *w != base).collect();
        let submit = self.submit_time.time();
        let eligible = self.eligible_time.time();
        let start = self.start_time.time();
        let end = self.end_time.time();
        let terminal = mapped.is_some_and(crate::observe::is_terminal);
        let mut timeline = Vec::new();
        // Waiting: held (not eligible: hold, dependency, begin time) until
        // eligible, then queued.
        if let Some(s) = submit {
            match eligible {
                Some(e) if e > s => {
                    timeline.push(Step::at("held", s));
                    timeline.push(Step::at("queued", e));
                }
                Some(_) => timeline.push(Step::at("queued", s)),
                // Never eligible: held while waiting; a job that ended
                // without becoming eligible was held if Slurm says why.
                None if mapped.is_none() || self.held_reason() => {
                    timeline.push(Step::at("held", s))
                }
                None => timeline.push(Step::at("queued", s)),
            }
        }
        match mapped {
            None => {
                // Waiting now. A requeued job waits again: queued, with no
                // time of its own (the poll dates it).
                if submit.is_none() || flags.contains(&"REQUEUED") || base.starts_with("REQUEUE") {
                    timeline.push(Step::seen("queued"));
                }
            }
            Some(state) => {
                // It ran when it has a start before its end (a job cancelled
                // while pending gets start = end).
                let ran = match (start, end) {
                    (Some(s), Some(e)) if terminal => s < e,
                    (Some(_), _) => !terminal,
                    (None, _) => false,
                };
                if ran {
                    if let Some(s) = start {
                        let running = if state == "starting" {
                            "starting"
                        } else {
                            "running"
                        };
                        timeline.push(Step::at(running, s));
                    }
                }
                if terminal {
                    match end {
                        Some(e) => timeline.push(Step::at(state, e)),
                        None => timeline.push(Step::seen(state)),
                    }
                } else if !ran || state != "running" {
                    timeline.push(Step::seen(state));
                }
            }
        }
        if timeline.is_empty() {
            timeline.push(Step::seen("queued"));
        }
        let mut labels = BTreeMap::new();
        labels.insert("slurm_state".to_string(), words.join(","));
        if let Some(p) = self.partition.as_deref().filter(|p| !p.is_empty()) {
            labels.insert("partition".to_string(), p.to_string());
        }
        if let Some(q) = self.qos.as_deref().filter(|q| !q.is_empty()) {
            labels.insert("qos".to_string(), q.to_string());
        }
        if let Some(n) = self.nodes.as_deref().filter(|n| !n.is_empty()) {
            labels.insert("nodes".to_string(), clip(n, 200));
        }
        if let (Some(a), Some(t)) = (
            self.array_job_id.get().filter(|&a| a > 0),
            self.array_task_id.get(),
        ) {
            labels.insert("array".to_string(), format!("{a}_{t}"));
        }
        let (code, signal) = self
            .exit_code
            .as_ref()
            .map(ExitCode::decode)
            .unwrap_or((None, None));
        if terminal {
            if let Some(c) = code {
                labels.insert("exit_code".to_string(), c.to_string());
            }
        }
        let mut errors = Vec::new();
        if terminal && base != "COMPLETED" && base != "CANCELLED" {
            let mut msg = base.clone();
            match (code, signal) {
                (_, Some(s)) => msg.push_str(&format!(": signal {s}")),
                (Some(c), _) if c != 0 => msg.push_str(&format!(": exit code {c}")),
                _ => {}
            }
            if let Some(r) = self
                .state_reason
                .as_deref()
                .filter(|r| *r != "None" && !r.is_empty())
            {
                msg.push_str(&format!(" ({r})"));
            }
            if let Some(e) = end {
                errors.push((e, msg));
            }
        }
        let id = self.id().unwrap_or_default();
        Observed {
            queue_id,
            native_id: id.clone(),
            fields: JobFields {
                job: clip(
                    self.name
                        .as_deref()
                        .filter(|n| !n.is_empty())
                        .unwrap_or("(no name)"),
                    200,
                ),
                run_id: start
                    .filter(|_| timeline.iter().any(|s| s.state == "running"))
                    .map(|_| id),
                run_name: None,
                project: self.account.clone().filter(|a| !a.is_empty()),
                entity: None,
                user: self.user_name.clone().filter(|u| !u.is_empty()),
                labels,
            },
            timeline,
            errors,
        }
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default, borrow)]
    jobs: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    partitions: Option<Vec<PartitionRecord>>,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct PartitionRecord {
    #[serde(default)]
    name: Option<String>,
}

fn envelope(body: &str) -> Result<Envelope<'_>, String> {
    let env: Envelope =
        serde_json::from_str(body).map_err(|e| format!("not slurmrestd JSON ({e})"))?;
    if let Some(first) = env.errors.first() {
        let text = first
            .get("error")
            .or_else(|| first.get("description"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| first.to_string());
        return Err(format!("slurmrestd reports an error: {}", clip(&text, 300)));
    }
    Ok(env)
}

/// Reads a `/jobs` answer. Records that do not fit are skipped with a
/// reason; a body that is not the envelope is an error.
pub fn parse_jobs(body: &str) -> Result<(Vec<SlurmJob>, Vec<String>), String> {
    let env = envelope(body)?;
    let raw = env.jobs.ok_or("no `jobs` in the answer")?;
    let mut jobs = Vec::with_capacity(raw.len());
    let mut skipped = Vec::new();
    for r in raw {
        match serde_json::from_str::<SlurmJob>(r.get()) {
            Ok(j) if j.id().is_some() => jobs.push(j),
            Ok(_) => skipped.push("a job without a job_id".to_string()),
            Err(e) => skipped.push(format!("a job record: {e}")),
        }
    }
    Ok((jobs, skipped))
}

/// Reads a `/partitions` answer: the partition names.
pub fn parse_partitions(body: &str) -> Result<Vec<String>, String> {
    let env = envelope(body)?;
    Ok(env
        .partitions
        .ok_or("no `partitions` in the answer")?
        .into_iter()
        .filter_map(|p| p.name)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(json: &str) -> Observed {
        let body = format!(r#"{{"jobs": [{json}], "errors": []}}"#);
        let (jobs, skipped) = parse_jobs(&body).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        jobs[0].observe("cpu".into())
    }

    fn states(o: &Observed) -> Vec<(String, Option<Ms>)> {
        o.timeline.iter().map(|s| (s.state.clone(), s.at)).collect()
    }

    fn st(list: &[(&str, Option<Ms>)]) -> Vec<(String, Option<Ms>)> {
        list.iter().map(|(s, t)| (s.to_string(), *t)).collect()
    }

    #[test]
    fn v0038_failed_job_decodes_the_wait_status() {
        let o = one(
            r#"{"job_id": 7, "name": "fail", "user_name": "root", "partition": "cpu",
               "job_state": "FAILED", "state_reason": "NonZeroExitCode",
               "submit_time": 100, "eligible_time": 100, "start_time": 101,
               "end_time": 104, "exit_code": 768, "account": ""}"#,
        );
        assert_eq!(
            states(&o),
            st(&[
                ("queued", Some(100_000)),
                ("running", Some(101_000)),
                ("failed", Some(104_000))
            ])
        );
        assert_eq!(
            o.errors,
            vec![(104_000, "FAILED: exit code 3 (NonZeroExitCode)".to_string())]
        );
        assert_eq!(o.fields.labels["exit_code"], "3");
        assert_eq!(o.fields.run_id.as_deref(), Some("7"));
        assert_eq!(o.fields.project, None);
    }

    #[test]
    fn v0040_wrapped_numbers_and_state_arrays() {
        let o = one(
            r#"{"job_id": 8, "name": "train", "user_name": "alice", "partition": "gpu",
               "job_state": ["RUNNING"],
               "submit_time": {"set": true, "infinite": false, "number": 100},
               "eligible_time": {"set": true, "infinite": false, "number": 100},
               "start_time": {"set": true, "infinite": false, "number": 130},
               "end_time": {"set": true, "infinite": false, "number": 31536130},
               "exit_code": {"status": ["PENDING"], "return_code": {"set": false, "infinite": false, "number": 0}}}"#,
        );
        assert_eq!(
            states(&o),
            st(&[("queued", Some(100_000)), ("running", Some(130_000))])
        );
        assert!(o.errors.is_empty());
    }

    #[test]
    fn cancelled_while_pending_never_ran_and_is_not_an_error() {
        let o = one(
            r#"{"job_id": 9, "name": "x", "job_state": ["CANCELLED"], "partition": "cpu",
               "submit_time": {"set": true, "number": 100}, "eligible_time": {"set": true, "number": 100},
               "start_time": {"set": true, "number": 150}, "end_time": {"set": true, "number": 150}}"#,
        );
        assert_eq!(
            states(&o),
            st(&[("queued", Some(100_000)), ("killed", Some(150_000))])
        );
        assert!(o.errors.is_empty());
        assert_eq!(o.fields.run_id, None);
    }

    #[test]
    fn held_and_dependent_jobs_are_held_until_eligible() {
        let held = one(
            r#"{"job_id": 10, "name": "h", "job_state": "PENDING", "state_reason": "JobHeldUser",
               "submit_time": 100, "eligible_time": 0, "start_time": 0, "end_time": 0}"#,
        );
        assert_eq!(states(&held), st(&[("held", Some(100_000))]));
        let released = one(r#"{"job_id": 10, "name": "h", "job_state": "RUNNING",
               "submit_time": 100, "eligible_time": 160, "start_time": 170, "end_time": 9999999}"#);
        assert_eq!(
            states(&released),
            st(&[
                ("held", Some(100_000)),
                ("queued", Some(160_000)),
                ("running", Some(170_000))
            ])
        );
    }

    #[test]
    fn every_terminal_state_maps_and_system_ends_are_errors() {
        for (slurm, ours, error) in [
            ("COMPLETED", "finished", false),
            ("FAILED", "failed", true),
            ("TIMEOUT", "killed", true),
            ("OUT_OF_MEMORY", "crashed", true),
            ("NODE_FAIL", "crashed", true),
            ("BOOT_FAIL", "crashed", true),
            ("CANCELLED", "killed", false),
            ("PREEMPTED", "killed", true),
            ("DEADLINE", "killed", true),
        ] {
            let o = one(&format!(
                r#"{{"job_id": 1, "job_state": ["{slurm}"], "submit_time": 10,
                    "eligible_time": 10, "start_time": 20, "end_time": 30}}"#
            ));
            assert_eq!(o.timeline.last().unwrap().state, ours, "{slurm}");
            assert_eq!(o.timeline.len(), 3, "{slurm} ran 10 s");
            assert_eq!(!o.errors.is_empty(), error, "{slurm}");
        }
    }

    #[test]
    fn requeued_and_unknown_states_and_bad_records() {
        let o = one(
            r#"{"job_id": 11, "job_state": ["PENDING", "REQUEUED"], "submit_time": 100,
               "eligible_time": 100, "start_time": 0, "end_time": 0}"#,
        );
        assert_eq!(
            states(&o),
            st(&[("queued", Some(100_000)), ("queued", None)])
        );
        let body = r#"{"jobs": [{"job_id": 1, "job_state": "RUNNING"}, {"name": "no id"},
                       {"job_id": "x", "job_state": "RUNNING"}], "errors": []}"#;
        let (jobs, skipped) = parse_jobs(body).unwrap();
        assert_eq!((jobs.len(), skipped.len()), (1, 2));
        assert!(parse_jobs("<html>").is_err());
        let err = parse_jobs(r#"{"errors": [{"error": "Unable to query jobs"}], "jobs": []}"#);
        assert!(err.unwrap_err().contains("Unable to query jobs"));
    }

    #[test]
    fn a_job_waiting_for_several_partitions_goes_to_the_first_served() {
        let body = r#"{"jobs": [{"job_id": 1, "job_state": "PENDING", "partition": "debug,gpu,cpu",
                       "submit_time": 1, "eligible_time": 1}]}"#;
        let (jobs, _) = parse_jobs(body).unwrap();
        let served = vec!["cpu".to_string(), "gpu".to_string()];
        assert_eq!(
            jobs[0].queue_partition(&served).map(String::as_str),
            Some("gpu")
        );
        assert_eq!(jobs[0].queue_partition(&["x".to_string()]), None);
        assert_eq!(
            parse_partitions(r#"{"partitions": [{"name": "cpu"}, {"name": "gpu"}]}"#).unwrap(),
            ["cpu", "gpu"]
        );
    }
}
