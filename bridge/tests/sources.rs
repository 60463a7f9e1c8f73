//! The Ray and W&B adapters through the bridge process, against fakes that
//! answer with recorded (Ray 2.60.0 on this machine) or SDK-shaped (W&B)
//! responses.

mod common;

use base64::Engine;
use common::*;
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use serde_json::{json, Value};
use std::sync::Arc;

fn jobs_by_id(jobs: &[Value]) -> std::collections::BTreeMap<String, Value> {
    jobs.iter()
        .map(|j| (j["id"].as_str().unwrap().to_string(), j.clone()))
        .collect()
}

fn states(job: &Value) -> Vec<(String, i64)> {
    job["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["state"].as_str().unwrap().to_string(),
                parse_rfc3339(t["at"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- Ray

/// The recorded Ray answer replayed now: submissions moved to just
/// before `submitted`, ends (if any) to just after `ended`, in their order.
fn ray_recorded(submitted: i64, ended: i64) -> Value {
    let mut v: Value = serde_json::from_str(&fixture("ray-2.60.0-jobs.json")).unwrap();
    let jobs = v.as_array_mut().unwrap();
    let first_start = jobs
        .iter()
        .filter_map(|j| j["start_time"].as_i64())
        .min()
        .unwrap();
    let first_end = jobs
        .iter()
        .filter_map(|j| j["end_time"].as_i64())
        .min()
        .unwrap();
    for j in jobs {
        let s = j["start_time"].as_i64().unwrap();
        j["start_time"] = json!(submitted - 1_000 + (s - first_start));
        if let Some(e) = j["end_time"].as_i64() {
            // Order kept, spacing shrunk to a few ms so that the ends are
            // in the past by the next poll.
            j["end_time"] = json!(ended + 1 + (e - first_end) / 1_000);
        }
    }
    v
}

/// The replayed answer with every job set to `status` (and no end).
fn ray_stage(submitted: i64, status: &str) -> String {
    let mut v = ray_recorded(submitted, 0);
    for j in v.as_array_mut().unwrap() {
        j["status"] = json!(status);
        j["end_time"] = Value::Null;
        j["message"] = json!("");
        j["error_type"] = Value::Null;
    }
    v.to_string()
}

fn ray(body: String) -> Responder {
    Arc::new(move |req| match req.path.as_str() {
        "/api/jobs/" => Reply::Json(body.clone()),
        _ => Reply::Status(404, "no".into()),
    })
}

#[tokio::test]
async fn ray_jobs_get_their_run_start_from_the_poll_that_sees_it() {
    let submitted = now_ms();
    let fake = Fake::start(ray(ray_stage(submitted, "PENDING"))).await;
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "poll_seconds = 0.2\n[[source]]\nid = \"ray-local\"\nkind = \"ray\"\nurl = \"{}\"\nqueue = \"ray\"\nname = \"Ray (local)\"\n",
        fake.url
    );
    let bridge = Bridge::start(dir.path(), &config, &[]);
    let ok = next_ok(&bridge, "ray-local", None).await;
    let before_running = now_ms();
    fake.set(ray(ray_stage(submitted, "RUNNING")));
    let ok = next_ok(&bridge, "ray-local", Some(&ok)).await;
    let ok = next_ok(&bridge, "ray-local", Some(&ok)).await;
    let after_running = now_ms();
    let recorded = ray_recorded(submitted, after_running);
    let last_end = recorded
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|j| j["end_time"].as_i64())
        .max()
        .unwrap();
    wait_until("the replayed ends to be past", || async {
        (now_ms() > last_end).then_some(())
    })
    .await;
    fake.set(ray(recorded.to_string()));
    next_ok(&bridge, "ray-local", Some(&ok)).await;
    let done = next_ok(&bridge, "ray-local", None).await;
    ok_after(&bridge, "ray-local", parse_rfc3339(&done).unwrap()).await;

    let (_, q) = get(&bridge.at("/api/v1/queues"), None).await;
    assert_eq!(q["queues"][0]["id"], "ray");
    assert_eq!(q["queues"][0]["name"], "Ray (local)");
    let range = format!(
        "from={}&to={}",
        format_rfc3339(submitted - 60_000),
        format_rfc3339(now_ms() + 60_000)
    );
    let (jobs, _, _) = all_jobs(&bridge, "ray", &range, None).await;
    let by = jobs_by_id(&jobs);
    for r in recorded.as_array().unwrap() {
        let id = r["submission_id"].as_str().unwrap();
        let s = states(&by[id]);
        let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        let end = match r["status"].as_str().unwrap() {
            "SUCCEEDED" => "finished",
            "FAILED" => "failed",
            _ => "killed",
        };
        assert_eq!(names, ["queued", "running", end], "{id}");
        assert_eq!(
            s[0].1,
            r["start_time"].as_i64().unwrap(),
            "{id}: queued at submission"
        );
        assert!(
            (before_running..=after_running).contains(&s[1].1),
            "{id}: running dated by the poll that saw it"
        );
        assert_eq!(
            s[2].1,
            r["end_time"].as_i64().unwrap(),
            "{id}: Ray's end time"
        );
        assert_eq!(by[id]["job"], r["metadata"]["job_name"]);
    }
    assert_eq!(by["ok-1"]["user"], "alice");
    assert_eq!(
        by["fail-1"]["errors"][0]["message"],
        "JOB_ENTRYPOINT_COMMAND_ERROR: Job entrypoint command failed with exit code 3, last available logs (truncated to 20,000 chars):"
    );
    assert!(
        by["stop-1"].get("errors").is_none(),
        "a stop is not an error"
    );
}

// ---------------------------------------------------------------- W&B

const KEY: &str = "wandb-key-0123456789";

/// A GraphQL fake: the queue's items, and runs by name (aliases r0, r1 ...
/// with variables n0, n1 ...), their `events` only when asked for.
fn wandb(items: Value, runs: Value) -> Responder {
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("api:{KEY}"))
    );
    Arc::new(move |req| {
        if req.path != "/graphql" {
            return Reply::Status(404, "no".into());
        }
        if req.headers.get("authorization") != Some(&auth) {
            return Reply::Status(401, r#"{"errors": [{"message": "unauthorized"}]}"#.into());
        }
        let body: Value = serde_json::from_str(&req.body).unwrap();
        let query = body["query"].as_str().unwrap();
        let vars = &body["variables"];
        if query.contains("BridgeRunQueueItems(") {
            assert_eq!(
                (&vars["entity"], &vars["project"], &vars["queue"]),
                (&json!("ml-team"), &json!("model-registry"), &json!("a100"))
            );
            return Reply::Json(items.to_string());
        }
        if query.contains("query BridgeRuns") {
            let mut project = serde_json::Map::new();
            for i in 0.. {
                let Some(name) = vars.get(format!("n{i}")).and_then(Value::as_str) else {
                    break;
                };
                let mut run = runs.get(name).cloned().unwrap_or(Value::Null);
                if let Some(o) = run.as_object_mut() {
                    if !query.contains("events(samples:") {
                        o.remove("events");
                    }
                }
                project.insert(format!("r{i}"), run);
            }
            return Reply::Json(json!({"data": {"project": project}}).to_string());
        }
        Reply::Json(json!({"errors": [{"message": "Cannot query field"}]}).to_string())
    })
}

#[tokio::test]
async fn wandb_items_are_followed_through_their_runs_even_after_the_queue_drops_them() {
    let mut items: Value = serde_json::from_str(&fixture("wandb-items.json")).unwrap();
    let mut runs: Value = serde_json::from_str(&fixture("wandb-runs.json")).unwrap();
    // Stage 1: a fifth item whose run is still running.
    let edges = items
        .pointer_mut("/data/project/runQueue/runQueueItems/edges")
        .unwrap();
    let mut fifth = edges[0].clone();
    fifth["node"]["id"] = json!("UnVuUXVldWVJdGVtOjU=");
    fifth["node"]["associatedRunId"] = json!("r9-crashed");
    fifth["node"]["createdAt"] = json!("2026-11-21T06:50:00");
    edges.as_array_mut().unwrap().push(fifth);
    runs["r9-crashed"]["state"] = json!("running");
    let fake = Fake::start(wandb(items.clone(), runs.clone())).await;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wandb.key"), format!("{KEY}\n")).unwrap();
    let config = format!(
        r#"poll_seconds = 0.2
[[source]]
id = "wb"
kind = "wandb"
url = "{}"
entity = "ml-team"
queues = ["a100"]
queue_prefix = "wb-"
api_key = {{ file = "wandb.key" }}
"#,
        fake.url
    );
    let bridge = Bridge::start(dir.path(), &config, &[]);
    let ok = next_ok(&bridge, "wb", None).await;

    // Stage 2: the queue dropped the fifth item; its run crashed.
    items
        .pointer_mut("/data/project/runQueue/runQueueItems/edges")
        .unwrap()
        .as_array_mut()
        .unwrap()
        .pop();
    let runs2: Value = serde_json::from_str(&fixture("wandb-runs.json")).unwrap();
    fake.set(wandb(items, runs2));
    let ok = next_ok(&bridge, "wb", Some(&ok)).await;
    next_ok(&bridge, "wb", Some(&ok)).await;

    let (_, q) = get(&bridge.at("/api/v1/queues"), None).await;
    assert_eq!(q["queues"][0]["id"], "wb-a100");
    assert_eq!(q["queues"][0]["resource"], "wandb-launch");
    let range = "from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z";
    let (jobs, _, _) = all_jobs(&bridge, "wb-a100", range, None).await;
    let by = jobs_by_id(&jobs);
    assert_eq!(by.len(), 5);
    let t = |s: &str| parse_rfc3339(&format!("2026-11-21T{s}Z")).unwrap();
    let first = &by["UnVuUXVldWVJdGVtOjE="];
    assert_eq!(
        states(first),
        [
            ("queued".to_string(), t("08:00:00")),
            ("running".into(), t("08:02:00")),
            ("finished".into(), t("09:00:00"))
        ]
    );
    assert_eq!(first["job"], "ml-team/vision/job-train-resnet:v3");
    assert_eq!(
        (
            &first["user"],
            &first["run_id"],
            &first["run_name"],
            &first["project"]
        ),
        (
            &json!("alice"),
            &json!("r1-finished"),
            &json!("resilient-snowball"),
            &json!("vision")
        )
    );
    let leased = states(&by["UnVuUXVldWVJdGVtOjM="]);
    assert_eq!(leased[0], ("queued".to_string(), t("08:20:00")));
    assert_eq!(leased[1].0, "pending");
    assert_eq!(
        states(&by["UnVuUXVldWVJdGVtOjQ="]),
        [("queued".to_string(), t("08:30:00"))]
    );
    let followed = &by["UnVuUXVldWVJdGVtOjU="];
    assert_eq!(
        states(followed),
        [
            ("queued".to_string(), t("06:50:00")),
            ("running".into(), t("07:00:00")),
            ("crashed".into(), t("07:40:00"))
        ],
        "followed through its run after the queue dropped it"
    );
    assert_eq!(followed["errors"][0]["message"], "run crashed");
    assert_eq!(
        followed["errors"][0]["at"],
        json!(format_rfc3339(t("07:40:00")))
    );

    let (status, m) = get(
        &bridge.at("/api/v1/queues/wb-a100/metrics?run_ids=r1-finished,unknown"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{m}");
    let series = m["series"].as_array().unwrap();
    let get_series = |metric: &str| {
        series
            .iter()
            .find(|s| s["metric"] == metric && s["run_id"] == "r1-finished")
            .unwrap_or_else(|| panic!("no {metric} in {m}"))
            .clone()
    };
    assert_eq!(get_series("gpu_util")["t"], json!([0.0, 30.0]));
    assert_eq!(
        get_series("gpu_util")["v"],
        json!([93.0, 98.0]),
        "two GPUs averaged"
    );
    assert_eq!(get_series("gpu_mem")["v"], json!([62.0, 64.0]));
    assert_eq!(get_series("cpu_util")["v"], json!([35.5, 40.0]));
    assert_eq!(get_series("sys_mem")["v"], json!([20.1, 21.0]));
    assert_eq!(series.len(), 4);
    assert!(!bridge.log_text().contains(KEY));
}
