//! W&B Launch through its GraphQL API: each configured run queue is a
//! queue, each run queue item a job, followed through its run once it has
//! one (items leave the queue once taken; the run stays).
//!
//! Built from the public SDK's queries; `bridge/README.md` says which
//! fields the SDK itself reads (verified) and which are assumptions.

use super::{clip, secret, send, Snapshot, SourceError};
use crate::config::WandbConfig;
use crate::observe::{is_terminal, JobFields, Observed, Step};
use crate::store::OpenJob;
use chrono::NaiveDateTime;
use queuescope_core::contract::{QueueInfo, RawSeries};
use queuescope_core::Ms;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Runs asked for in one GraphQL request (aliases).
const RUNS_PER_REQUEST: usize = 50;
/// Samples of the system-metrics stream per run.
const METRIC_SAMPLES: usize = 1000;

/// A W&B source.
pub struct Wandb {
    base: String,
    cfg: WandbConfig,
    http: reqwest::Client,
}

/// The run queue item query with the fields the bridge would like; the
/// SDK itself asks only `id state associatedRunId`.
const ITEMS_QUERY: &str =
    "query BridgeRunQueueItems($entity: String!, $project: String!, $queue: String!) {
  project(name: $project, entityName: $entity) {
    runQueue(name: $queue) {
      id
      runQueueItems {
        edges { node { id state associatedRunId createdAt runSpec } }
      }
    }
  }
}";

/// The SDK's own item query (`QueuedRun._get_run_queue_item_legacy`).
const ITEMS_QUERY_SDK: &str =
    "query BridgeRunQueueItemsSdk($entity: String!, $project: String!, $queue: String!) {
  project(name: $project, entityName: $entity) {
    runQueue(name: $queue) {
      id
      runQueueItems {
        edges { node { id state associatedRunId } }
      }
    }
  }
}";

/// A run queue item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Item id.
    pub id: String,
    /// PENDING, LEASED, CLAIMED, FAILED ...
    pub state: String,
    /// The run's name (id) once an agent started it.
    #[serde(default)]
    pub associated_run_id: Option<String>,
    /// When it was enqueued (assumed field).
    #[serde(default)]
    pub created_at: Option<String>,
    /// The launch spec (assumed field): `job`, `project`, `entity` ...
    #[serde(default)]
    pub run_spec: Option<Value>,
}

/// A run, with the fields of the SDK's `RunFragment` the bridge reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// Run id.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// running, finished, failed, crashed, killed, ...
    #[serde(default)]
    pub state: Option<String>,
    /// When the run was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last heartbeat (taken as the end of a finished run).
    #[serde(default)]
    pub heartbeat_at: Option<String>,
    /// Owner.
    #[serde(default)]
    pub user: Option<RunUser>,
}

/// A run's user.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunUser {
    /// Login.
    #[serde(default)]
    pub username: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
}

/// W&B writes times as RFC 3339 or as naive UTC (`2026-11-21T08:00:00`).
pub fn parse_time(s: &str) -> Option<Ms> {
    if let Ok(t) = queuescope_core::time::parse_rfc3339(s) {
        return Some(t);
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc().timestamp_millis())
}

impl Wandb {
    /// A source at `base` (GraphQL at `base/graphql`).
    pub fn new(base: String, cfg: WandbConfig, http: reqwest::Client) -> Wandb {
        Wandb { base, cfg, http }
    }

    fn queue_id(&self, name: &str) -> String {
        format!("{}{name}", self.cfg.queue_prefix)
    }

    /// The configured run queues.
    pub fn queues(&self) -> Vec<QueueInfo> {
        self.cfg
            .queues
            .iter()
            .map(|q| QueueInfo {
                id: self.queue_id(q),
                name: Some(q.clone()),
                entity: Some(self.cfg.entity.clone()),
                resource: Some("wandb-launch".into()),
                description: Some(format!("W&B Launch queue {}/{q}", self.cfg.entity)),
            })
            .collect()
    }

    async fn graphql(&self, query: &str, variables: Value) -> Result<Value, SourceError> {
        let url = format!("{}/graphql", self.base);
        let mut req = self
            .http
            .post(&url)
            .json(&json!({"query": query, "variables": variables}));
        if let Some(key) = secret(&self.cfg.api_key)? {
            req = req.basic_auth("api", Some(key.expose()));
        }
        let body = send(&url, req).await?;
        let v: Value = serde_json::from_str(&body).map_err(|e| SourceError::Shape {
            url: url.clone(),
            reason: format!("not JSON ({e})"),
        })?;
        if let Some(first) = v
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            let msg = first
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("unknown error");
            return Err(SourceError::Shape {
                url,
                reason: format!("GraphQL error: {}", clip(msg, 300)),
            });
        }
        Ok(v.get("data").cloned().unwrap_or(Value::Null))
    }

    async fn items(&self, queue: &str) -> Result<Vec<Item>, SourceError> {
        let vars =
            json!({"entity": self.cfg.entity, "project": self.cfg.queue_project, "queue": queue});
        let data = match self.graphql(ITEMS_QUERY, vars.clone()).await {
            // An older server without the assumed fields: the SDK's query.
            Err(SourceError::Shape { reason, .. }) if reason.contains("Cannot query field") => {
                self.graphql(ITEMS_QUERY_SDK, vars).await?
            }
            other => other?,
        };
        parse_items(&data).map_err(|reason| SourceError::Shape {
            url: format!("{}/graphql", self.base),
            reason: format!("run queue {queue}: {reason}"),
        })
    }

    /// The runs `names` of `project`, by name (batched with aliases).
    async fn runs(
        &self,
        project: &str,
        names: &[String],
    ) -> Result<HashMap<String, Run>, SourceError> {
        let mut out = HashMap::new();
        for chunk in names.chunks(RUNS_PER_REQUEST) {
            let (query, vars) = aliased_query(
                &self.cfg.entity,
                project,
                chunk,
                "name displayName state createdAt heartbeatAt user { username name }",
            );
            let data = self.graphql(&query, vars).await?;
            for i in 0..chunk.len() {
                if let Some(run) = data
                    .pointer(&format!("/project/r{i}"))
                    .filter(|v| !v.is_null())
                    .and_then(|v| serde_json::from_value::<Run>(v.clone()).ok())
                {
                    out.insert(run.name.clone(), run);
                }
            }
        }
        Ok(out)
    }

    fn run_project(&self, item: &Item) -> String {
        item.run_spec
            .as_ref()
            .and_then(|s| s.get("project"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| self.cfg.run_project.clone())
            .unwrap_or_else(|| self.cfg.queue_project.clone())
    }

    /// One poll: every item of every queue, the runs of items that have
    /// one, and the runs of open jobs whose items the queue dropped.
    pub async fn poll(&self, open: &[OpenJob]) -> Result<Snapshot, SourceError> {
        let mut items: Vec<(String, Item)> = Vec::new();
        for q in &self.cfg.queues {
            for item in self.items(q).await? {
                items.push((self.queue_id(q), item));
            }
        }
        let listed: HashSet<&str> = items.iter().map(|(_, i)| i.id.as_str()).collect();
        let followed: Vec<&OpenJob> = open
            .iter()
            .filter(|j| !listed.contains(j.native_id.as_str()) && j.fields.run_id.is_some())
            .collect();
        // Runs to read, per project.
        let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (_, item) in &items {
            if let Some(r) = &item.associated_run_id {
                wanted
                    .entry(self.run_project(item))
                    .or_default()
                    .push(r.clone());
            }
        }
        for j in &followed {
            let project = j
                .fields
                .project
                .clone()
                .unwrap_or_else(|| self.cfg.queue_project.clone());
            if let Some(r) = &j.fields.run_id {
                wanted.entry(project).or_default().push(r.clone());
            }
        }
        let mut runs = HashMap::new();
        for (project, names) in &wanted {
            runs.extend(self.runs(project, names).await?);
        }
        let mut jobs: Vec<Observed> = items
            .iter()
            .map(|(queue_id, item)| {
                let run = item.associated_run_id.as_ref().and_then(|r| runs.get(r));
                observe_item(
                    queue_id,
                    item,
                    run,
                    &self.run_project(item),
                    &self.cfg.entity,
                )
            })
            .collect();
        for j in followed {
            if let Some(run) = j.fields.run_id.as_ref().and_then(|r| runs.get(r)) {
                jobs.push(observe_followed(j, run));
            }
        }
        Ok(Snapshot {
            queues: self.queues(),
            jobs,
            skipped: Vec::new(),
        })
    }

    /// System metrics of runs (each with its project) from their events
    /// stream, as SPEC §2 series.
    pub async fn metrics(
        &self,
        runs: &[(String, Option<String>)],
    ) -> Result<Vec<RawSeries>, SourceError> {
        let mut by_project: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (run, project) in runs {
            let p = project
                .clone()
                .unwrap_or_else(|| self.cfg.queue_project.clone());
            by_project.entry(p).or_default().push(run.clone());
        }
        let mut out = Vec::new();
        for (project, names) in by_project {
            for chunk in names.chunks(RUNS_PER_REQUEST) {
                let fields = format!("name events(samples: {METRIC_SAMPLES})");
                let (query, vars) = aliased_query(&self.cfg.entity, &project, chunk, &fields);
                let data = self.graphql(&query, vars).await?;
                for (i, name) in chunk.iter().enumerate() {
                    if let Some(events) = data.pointer(&format!("/project/r{i}/events")) {
                        out.extend(series_from_events(name, events));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// A query reading `fields` of several runs of one project, one alias
/// (`r0`, `r1`, ...) per run, with the names as variables.
fn aliased_query(entity: &str, project: &str, names: &[String], fields: &str) -> (String, Value) {
    let params: Vec<String> = (0..names.len())
        .map(|i| format!("$n{i}: String!"))
        .collect();
    let runs: Vec<String> = (0..names.len())
        .map(|i| format!("r{i}: run(name: $n{i}) {{ {fields} }}"))
        .collect();
    let query = format!(
        "query BridgeRuns($entity: String!, $project: String!, {}) {{ project(name: $project, entityName: $entity) {{ {} }} }}",
        params.join(", "),
        runs.join(" ")
    );
    let mut vars = serde_json::Map::new();
    vars.insert("entity".into(), json!(entity));
    vars.insert("project".into(), json!(project));
    for (i, n) in names.iter().enumerate() {
        vars.insert(format!("n{i}"), json!(n));
    }
    (query, Value::Object(vars))
}

/// The items of a `runQueueItems` answer.
pub fn parse_items(data: &Value) -> Result<Vec<Item>, String> {
    let queue = data
        .pointer("/project/runQueue")
        .filter(|v| !v.is_null())
        .ok_or("no such run queue (or no access to it)")?;
    let edges = queue
        .pointer("/runQueueItems/edges")
        .and_then(Value::as_array)
        .ok_or("no runQueueItems.edges")?;
    Ok(edges
        .iter()
        .filter_map(|e| serde_json::from_value::<Item>(e.get("node")?.clone()).ok())
        .collect())
}

/// A run's state as a SPEC §2 state, with its time.
fn run_steps(run: &Run) -> Vec<Step> {
    let created = run.created_at.as_deref().and_then(parse_time);
    let mut steps = vec![match created {
        Some(t) => Step::at("running", t),
        None => Step::seen("running"),
    }];
    let state = run.state.as_deref().unwrap_or("running");
    match state {
        "running" => {}
        "finished" | "failed" | "crashed" | "killed" => {
            steps.push(match run.heartbeat_at.as_deref().and_then(parse_time) {
                Some(t) => Step::at(state, t),
                None => Step::seen(state),
            });
        }
        other => steps.push(Step::seen(other)),
    }
    steps
}

fn run_fields(fields: &mut JobFields, run: &Run) {
    fields.run_id = Some(run.name.clone());
    fields.run_name = run.display_name.clone();
    if let Some(u) = run
        .user
        .as_ref()
        .and_then(|u| u.username.clone().or(u.name.clone()))
    {
        fields.user = Some(u);
    }
}

/// An item (and its run, if read) as a job.
pub fn observe_item(
    queue_id: &str,
    item: &Item,
    run: Option<&Run>,
    project: &str,
    entity: &str,
) -> Observed {
    let created = item.created_at.as_deref().and_then(parse_time);
    let mut timeline = vec![match created {
        Some(t) => Step::at("queued", t),
        None => Step::seen("queued"),
    }];
    let spec = item.run_spec.as_ref();
    let spec_text = |k: &str| {
        spec.and_then(|s| s.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut fields = JobFields {
        job: spec_text("job")
            .map(|j| clip(&j, 200))
            .unwrap_or_else(|| format!("item {}", item.id)),
        project: Some(project.to_string()),
        entity: Some(spec_text("entity").unwrap_or_else(|| entity.to_string())),
        user: spec_text("author"),
        ..JobFields::default()
    };
    fields
        .labels
        .insert("item_state".into(), item.state.clone());
    let mut errors = Vec::new();
    match (item.state.as_str(), run) {
        (_, Some(run)) => {
            timeline.extend(run_steps(run));
            run_fields(&mut fields, run);
        }
        ("PENDING", None) => {}
        ("LEASED", None) => timeline.push(Step::seen("pending")),
        ("CLAIMED", None) => timeline.push(Step::seen("starting")),
        ("FAILED", None) => {
            timeline.push(Step::seen("failed"));
        }
        (other, None) => timeline.push(Step::seen(&other.to_ascii_lowercase())),
    }
    if let Some(last) = timeline.last() {
        if last.state == "failed" || last.state == "crashed" {
            errors.push((
                last.at.or(created).unwrap_or_default(),
                format!("run {}", last.state),
            ));
        }
    }
    errors.retain(|(t, _)| *t > 0);
    Observed {
        queue_id: queue_id.to_string(),
        native_id: item.id.clone(),
        fields,
        timeline,
        errors,
    }
}

/// A job whose item the queue no longer lists, followed through its run.
pub fn observe_followed(job: &OpenJob, run: &Run) -> Observed {
    let mut fields = job.fields.clone();
    run_fields(&mut fields, run);
    let timeline = run_steps(run);
    let errors = match timeline.last() {
        Some(Step { state, at: Some(t) })
            if is_terminal(state) && state != "finished" && state != "killed" =>
        {
            vec![(*t, format!("run {state}"))]
        }
        _ => Vec::new(),
    };
    Observed {
        queue_id: job.queue_id.clone(),
        native_id: job.native_id.clone(),
        fields,
        timeline,
        errors,
    }
}

/// The SPEC §2 series of one run from its `events` (system metrics) stream:
/// JSON lines (strings or objects) with `_runtime` seconds and keys such as
/// `system.gpu.0.gpu`. Several GPUs are averaged per sample.
pub fn series_from_events(run_id: &str, events: &Value) -> Vec<RawSeries> {
    let lines: Vec<serde_json::Map<String, Value>> = events
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| match l {
            Value::String(s) => serde_json::from_str(s).ok(),
            Value::Object(o) => Some(o.clone()),
            _ => None,
        })
        .collect();
    // metric, key matcher
    let metrics: [(&str, KeyMatch); 4] = [
        ("gpu_util", |k| gpu_key(k, "gpu")),
        ("gpu_mem", |k| gpu_key(k, "memoryAllocated")),
        ("cpu_util", |k| k == "cpu"),
        ("sys_mem", |k| k == "memory_percent" || k == "memory"),
    ];
    let mut rows: Vec<(f64, &serde_json::Map<String, Value>)> = lines
        .iter()
        .filter_map(|l| Some((l.get("_runtime")?.as_f64()?, l)))
        .filter(|(t, _)| t.is_finite() && *t >= 0.0)
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    for (metric, matches) in metrics {
        let mut t = Vec::new();
        let mut v = Vec::new();
        for (time, line) in &rows {
            let values: Vec<f64> = line
                .iter()
                .filter(|(k, _)| matches(k.strip_prefix("system.").unwrap_or(k)))
                .filter_map(|(_, x)| x.as_f64())
                .filter(|x| x.is_finite())
                .collect();
            if values.is_empty() {
                continue;
            }
            t.push(*time);
            v.push(Some(values.iter().sum::<f64>() / values.len() as f64));
        }
        if !t.is_empty() {
            out.push(RawSeries {
                run_id: run_id.to_string(),
                metric: metric.to_string(),
                t,
                v,
            });
        }
    }
    out
}

/// Whether an events key (without `system.`) feeds a metric.
type KeyMatch = fn(&str) -> bool;

/// `gpu.N.NAME`.
fn gpu_key(key: &str, name: &str) -> bool {
    let mut parts = key.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("gpu"), Some(n), Some(last), None) if n.parse::<u32>().is_ok() && last == name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_and_without_offset() {
        assert_eq!(parse_time("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_time("1970-01-01T00:00:01"), Some(1000));
        assert_eq!(parse_time("1970-01-01T00:00:01.5"), Some(1500));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn items_and_runs_become_jobs() {
        let item = Item {
            id: "UnVuUXVldWVJdGVtOjE=".into(),
            state: "CLAIMED".into(),
            associated_run_id: Some("abc123".into()),
            created_at: Some("2026-11-21T08:00:00".into()),
            run_spec: Some(
                json!({"job": "ml/vision/job-train:v3", "project": "vision", "author": "alice"}),
            ),
        };
        let run = Run {
            name: "abc123".into(),
            display_name: Some("resilient-snowball".into()),
            state: Some("crashed".into()),
            created_at: Some("2026-11-21T08:05:00".into()),
            heartbeat_at: Some("2026-11-21T09:00:00".into()),
            user: Some(RunUser {
                username: Some("alice".into()),
                name: None,
            }),
        };
        let o = observe_item("q", &item, Some(&run), "vision", "ml");
        let t0 = parse_time("2026-11-21T08:00:00Z").unwrap();
        assert_eq!(
            o.timeline,
            vec![
                Step::at("queued", t0),
                Step::at("running", t0 + 300_000),
                Step::at("crashed", t0 + 3_600_000)
            ]
        );
        assert_eq!(o.fields.job, "ml/vision/job-train:v3");
        assert_eq!(o.fields.run_name.as_deref(), Some("resilient-snowball"));
        assert_eq!(o.errors, vec![(t0 + 3_600_000, "run crashed".to_string())]);
        let pending = Item {
            state: "PENDING".into(),
            associated_run_id: None,
            run_spec: None,
            ..item
        };
        let o = observe_item("q", &pending, None, "vision", "ml");
        assert_eq!(o.timeline, vec![Step::at("queued", t0)]);
        assert!(o.fields.job.starts_with("item "));
    }

    #[test]
    fn events_become_series_and_gpus_are_averaged() {
        let events = json!([
            "{\"_runtime\": 30, \"system.gpu.0.gpu\": 90, \"system.gpu.1.gpu\": 70, \"system.cpu\": 12.5, \"system.memory_percent\": 40}",
            {"_runtime": 0, "system.gpu.0.gpu": 10, "system.gpu.0.memoryAllocated": 55.0},
            "not json",
            {"_runtime": 60, "system.disk": 3}
        ]);
        let s = series_from_events("r1", &events);
        let by: HashMap<_, _> = s.iter().map(|x| (x.metric.as_str(), x)).collect();
        assert_eq!(by["gpu_util"].t, [0.0, 30.0]);
        assert_eq!(by["gpu_util"].v, [Some(10.0), Some(80.0)]);
        assert_eq!(by["gpu_mem"].v, [Some(55.0)]);
        assert_eq!(by["cpu_util"].v, [Some(12.5)]);
        assert_eq!(by["sys_mem"].t, [30.0]);
        assert!(gpu_key("gpu.3.gpu", "gpu") && !gpu_key("gpu.x.gpu", "gpu"));
    }

    #[test]
    fn aliased_queries_name_every_run() {
        let (q, v) = aliased_query("ml", "vision", &["a".into(), "b".into()], "name");
        assert!(q.contains("r1: run(name: $n1) { name }"));
        assert_eq!(v["n1"], "b");
        assert!(parse_items(&json!({"project": {"runQueue": null}})).is_err());
    }
}
