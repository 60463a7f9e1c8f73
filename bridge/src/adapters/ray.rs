//! Ray's Jobs API (`GET /api/jobs/`): the cluster is one queue, each job
//! submission (or driver) a job.
//!
//! Ray keeps a submission time (`start_time`, epoch ms) and an end time,
//! but no time for the move from PENDING to RUNNING: the poll that first
//! sees a job running dates it (so its precision is the poll interval), and
//! a job that starts and ends between two polls has no run span.

use super::{clip, secret, send, Snapshot, SourceError};
use crate::config::RayConfig;
use crate::observe::{JobFields, Observed, Step};
use queuescope_core::contract::QueueInfo;
use queuescope_core::Ms;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A Ray dashboard source.
pub struct Ray {
    queue_id: String,
    base: String,
    cfg: RayConfig,
    http: reqwest::Client,
}

impl Ray {
    /// The source `source_id` at `base` (`http://127.0.0.1:8265`).
    pub fn new(source_id: &str, base: String, cfg: RayConfig, http: reqwest::Client) -> Ray {
        Ray {
            queue_id: cfg.queue.clone().unwrap_or_else(|| source_id.to_string()),
            base,
            cfg,
            http,
        }
    }

    /// The one queue.
    pub fn queue(&self) -> QueueInfo {
        QueueInfo {
            id: self.queue_id.clone(),
            name: Some(
                self.cfg
                    .name
                    .clone()
                    .unwrap_or_else(|| self.queue_id.clone()),
            ),
            entity: None,
            resource: Some("ray".into()),
            description: Some(format!("Ray cluster at {}", self.base)),
        }
    }

    /// One poll: every job the cluster knows.
    pub async fn poll(&self) -> Result<Snapshot, SourceError> {
        let url = format!("{}/api/jobs/", self.base);
        let mut req = self.http.get(&url);
        if let Some(token) = secret(&self.cfg.token)? {
            req = req.bearer_auth(token.expose());
        }
        let body = send(&url, req).await?;
        let (jobs, skipped) = parse_jobs(&body).map_err(|reason| SourceError::Shape {
            url: url.clone(),
            reason,
        })?;
        Ok(Snapshot {
            queues: vec![self.queue()],
            jobs: jobs
                .iter()
                .map(|j| j.observe(&self.queue_id, &self.cfg))
                .collect(),
            skipped,
        })
    }
}

/// The fields of a Ray `JobDetails` the bridge reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RayJob {
    /// `SUBMISSION` or `DRIVER`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Ray's job id (hex), set once the driver runs.
    #[serde(default)]
    pub job_id: Option<String>,
    /// The submission id (the key of submitted jobs).
    #[serde(default)]
    pub submission_id: Option<String>,
    /// PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED.
    pub status: String,
    /// The command.
    #[serde(default)]
    pub entrypoint: Option<String>,
    /// Ray's message (why it failed).
    #[serde(default)]
    pub message: Option<String>,
    /// Error kind of a failure.
    #[serde(default)]
    pub error_type: Option<String>,
    /// Submitted, epoch ms.
    #[serde(default)]
    pub start_time: Option<i64>,
    /// Ended, epoch ms.
    #[serde(default)]
    pub end_time: Option<i64>,
    /// User metadata.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, serde_json::Value>>,
    /// Exit code of the entrypoint.
    #[serde(default)]
    pub driver_exit_code: Option<i64>,
}

/// Ray's statuses as SPEC §2 states.
fn map_status(status: &str) -> &str {
    match status {
        "PENDING" => "queued",
        "RUNNING" => "running",
        "SUCCEEDED" => "finished",
        "FAILED" => "failed",
        "STOPPED" => "killed",
        _ => "unknown",
    }
}

impl RayJob {
    /// The key: the submission id, or the job id for plain drivers.
    pub fn key(&self) -> Option<&str> {
        self.submission_id
            .as_deref()
            .or(self.job_id.as_deref())
            .filter(|k| !k.is_empty())
    }

    /// The job as the bridge sees it.
    pub fn observe(&self, queue_id: &str, cfg: &RayConfig) -> Observed {
        let state = map_status(&self.status);
        let submitted: Option<Ms> = self.start_time.filter(|&t| t > 0);
        let ended: Option<Ms> = self.end_time.filter(|&t| t > 0);
        let mut timeline = vec![match submitted {
            Some(t) => Step::at("queued", t),
            None => Step::seen("queued"),
        }];
        let terminal = crate::observe::is_terminal(state);
        if state == "running" || terminal {
            // No source time for the start of the run.
            timeline.push(Step::seen("running"));
        }
        if terminal {
            timeline.push(match ended {
                Some(t) => Step::at(state, t),
                None => Step::seen(state),
            });
        } else if state != "queued" && state != "running" {
            timeline.push(Step::seen(state));
        }
        let meta = self.metadata.clone().unwrap_or_default();
        let text = |k: &str| meta.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let mut labels: BTreeMap<String, String> = meta
            .iter()
            .filter(|(k, _)| ![&cfg.job_key, &cfg.user_key, &cfg.project_key].contains(k))
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), clip(s, 200))))
            .collect();
        if let Some(k) = &self.kind {
            labels.insert("ray_type".into(), k.clone());
        }
        if let Some(c) = self.driver_exit_code {
            labels.insert("exit_code".into(), c.to_string());
        }
        let mut errors = Vec::new();
        if state == "failed" {
            let mut msg = self.error_type.clone().unwrap_or_else(|| "FAILED".into());
            // Ray appends the job's last logs to the message: keep its
            // first line.
            if let Some(m) = self.message.as_deref().and_then(|m| m.lines().next()) {
                msg.push_str(": ");
                msg.push_str(&clip(m.trim(), 300));
            }
            if let Some(t) = ended {
                errors.push((t, msg));
            }
        }
        let key = self.key().unwrap_or_default().to_string();
        Observed {
            queue_id: queue_id.to_string(),
            native_id: key.clone(),
            fields: JobFields {
                job: text(&cfg.job_key).unwrap_or_else(|| {
                    clip(self.entrypoint.as_deref().unwrap_or("(no entrypoint)"), 120)
                }),
                run_id: (state == "running" || terminal).then_some(key),
                run_name: None,
                project: text(&cfg.project_key),
                entity: None,
                user: text(&cfg.user_key),
                labels,
            },
            timeline,
            errors,
        }
    }
}

/// Reads `GET /api/jobs/` (a bare list). Records that do not fit are
/// skipped with a reason.
pub fn parse_jobs(body: &str) -> Result<(Vec<RayJob>, Vec<String>), String> {
    let raw: Vec<&RawValue> =
        serde_json::from_str(body).map_err(|e| format!("not a Ray job list ({e})"))?;
    let mut jobs = Vec::with_capacity(raw.len());
    let mut skipped = Vec::new();
    for r in raw {
        match serde_json::from_str::<RayJob>(r.get()) {
            Ok(j) if j.key().is_some() => jobs.push(j),
            Ok(_) => skipped.push("a job without submission_id or job_id".to_string()),
            Err(e) => skipped.push(format!("a job record: {e}")),
        }
    }
    Ok((jobs, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> RayConfig {
        toml::from_str("").unwrap()
    }

    #[test]
    fn statuses_map_and_metadata_names_the_job() {
        let body = r#"[
          {"type": "SUBMISSION", "job_id": "02000000", "submission_id": "raysubmit_ok",
           "status": "SUCCEEDED", "entrypoint": "python -c 'print(1)'", "message": "Job finished successfully.",
           "start_time": 1700000000000, "end_time": 1700000005000,
           "metadata": {"job_name": "etl", "user": "alice", "team": "data"}, "driver_exit_code": 0},
          {"type": "SUBMISSION", "job_id": null, "submission_id": "raysubmit_fail",
           "status": "FAILED", "entrypoint": "exit 3", "message": "Job entrypoint command failed with exit code 3",
           "error_type": "JOB_ENTRYPOINT_COMMAND_ERROR",
           "start_time": 1700000000000, "end_time": 1700000002000, "metadata": {}},
          {"type": "SUBMISSION", "submission_id": "raysubmit_wait", "status": "PENDING",
           "entrypoint": "sleep 1", "start_time": 1700000001000, "end_time": null},
          {"type": "DRIVER", "job_id": "01000000", "submission_id": null, "status": "RUNNING",
           "entrypoint": "", "start_time": 1700000000500},
          {"status": "RUNNING"},
          {"submission_id": "x"}
        ]"#;
        let (jobs, skipped) = parse_jobs(body).unwrap();
        assert_eq!((jobs.len(), skipped.len()), (4, 2));
        let obs: Vec<_> = jobs.iter().map(|j| j.observe("ray", &cfg())).collect();
        let ok = &obs[0];
        assert_eq!(ok.native_id, "raysubmit_ok");
        assert_eq!(ok.fields.job, "etl");
        assert_eq!(ok.fields.user.as_deref(), Some("alice"));
        assert_eq!(ok.fields.labels["team"], "data");
        assert_eq!(
            ok.timeline,
            vec![
                Step::at("queued", 1_700_000_000_000),
                Step::seen("running"),
                Step::at("finished", 1_700_000_005_000)
            ]
        );
        let failed = &obs[1];
        assert_eq!(failed.fields.job, "exit 3");
        assert_eq!(
            failed.errors,
            vec![(
                1_700_000_002_000,
                "JOB_ENTRYPOINT_COMMAND_ERROR: Job entrypoint command failed with exit code 3"
                    .to_string()
            )]
        );
        assert_eq!(obs[2].timeline, vec![Step::at("queued", 1_700_000_001_000)]);
        assert_eq!(obs[2].fields.run_id, None);
        assert_eq!(obs[3].native_id, "01000000");
        assert_eq!(obs[3].timeline.last(), Some(&Step::seen("running")));
        assert!(parse_jobs(r#"{"jobs": []}"#).is_err());
    }
}
