//! The bridge as a process against fake sources: the contract it serves
//! (paging, `updated_since`, snapshots), a source going down, the token and
//! CORS, and a kill in the middle of a poll followed by a restart.

mod common;

use common::*;
use queuescope_core::parse_jobs_page;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

const RANGE: &str = "from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z";
const JOBS: &str = "/slurm/v0.0.40/jobs";
const PARTITIONS: &str = "/slurm/v0.0.40/partitions";
const JWT: &str = "sekrit-jwt-value";

/// The recorded jobs (v0.0.40 shape), early: job 4 still running, the jobs
/// submitted later (5, 6, 7) not there yet.
fn stage1() -> String {
    let mut v: Value = serde_json::from_str(&fixture("slurm-v0.0.40-jobs.json")).unwrap();
    let jobs = v["jobs"].as_array_mut().unwrap();
    jobs.retain(|j| j["job_id"].as_i64().unwrap() <= 4);
    let j4 = &mut jobs[3];
    j4["job_state"] = json!(["RUNNING"]);
    let start = j4["start_time"]["number"].as_i64().unwrap();
    j4["end_time"]["number"] = json!(start + 365 * 86_400);
    v.to_string()
}

/// Later: every recorded job, plus job 8 waiting.
fn stage2() -> String {
    let mut v: Value = serde_json::from_str(&fixture("slurm-v0.0.40-jobs.json")).unwrap();
    let jobs = v["jobs"].as_array_mut().unwrap();
    let mut late = jobs[6].clone();
    late["job_id"] = json!(8);
    late["name"] = json!("late");
    jobs.push(late);
    v.to_string()
}

/// A slurmrestd fake that wants user `root` with the JWT `token` (else it
/// answers 401, as slurmrestd does) and answers `jobs`.
fn slurm(jobs: String, token: &'static str) -> Responder {
    let partitions = fixture("slurm-v0.0.38-partitions.json");
    Arc::new(move |req| {
        let h = |k: &str| req.headers.get(k).map(String::as_str);
        if h("x-slurm-user-name") != Some("root") || h("x-slurm-user-token") != Some(token) {
            return Reply::Status(401, "Authentication failure".into());
        }
        match req.path.as_str() {
            JOBS => Reply::Json(jobs.clone()),
            PARTITIONS => Reply::Json(partitions.clone()),
            _ => Reply::Status(404, "no".into()),
        }
    })
}

fn slurm_config(url: &str, extra: &str) -> String {
    format!(
        r#"
store = "bridge.sqlite"
poll_seconds = 0.2
page_size = 2
{extra}

[[source]]
id = "hpc"
kind = "slurm"
url = "{url}"
api_version = "v0.0.40"
user = "root"
token = {{ env = "QS_TEST_SLURM_JWT" }}
"#
    )
}

fn transitions(job: &Value) -> Vec<(String, String)> {
    job["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["state"].as_str().unwrap().into(),
                t["at"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn by_id(jobs: &[Value]) -> BTreeMap<String, Vec<(String, String)>> {
    jobs.iter()
        .map(|j| (j["id"].as_str().unwrap().to_string(), transitions(j)))
        .collect()
}

#[tokio::test]
async fn serves_the_contract_from_slurm_with_paging_and_no_secret_in_the_log() {
    let fake = Fake::start(slurm(stage2(), JWT)).await;
    let dir = tempfile::tempdir().unwrap();
    let bridge = Bridge::start(
        dir.path(),
        &slurm_config(&fake.url, ""),
        &[("QS_TEST_SLURM_JWT", JWT)],
    );
    next_ok(&bridge, "hpc", None).await;

    let (status, q) = get(&bridge.at("/api/v1/queues"), None).await;
    assert_eq!(status, 200);
    let queues = q["queues"].as_array().unwrap();
    let ids: Vec<_> = queues.iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["cpu", "gpu"], "partitions discovered from slurmrestd");
    for q in queues {
        assert_eq!(q["supports"], json!(["updated_since"]));
        assert_eq!(q["resource"], "slurm");
        assert_eq!(q["source"]["state"], "ok");
    }

    let (jobs, generated_at, pages) = all_jobs(&bridge, "cpu", RANGE, None).await;
    let ids: Vec<_> = jobs.iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3", "7", "8"], "cpu jobs in enqueue order");
    assert_eq!(pages, 3, "page_size 2");
    // The client's own parser accepts every record.
    let page = json!({"jobs": jobs, "next_cursor": null, "generated_at": generated_at});
    let parsed = parse_jobs_page(&page.to_string(), &mut HashSet::new()).unwrap();
    assert_eq!((parsed.jobs.len(), parsed.skipped.total()), (5, 0));
    let failed = &jobs[1];
    assert_eq!(
        transitions(failed),
        [
            ("queued".to_string(), "2026-11-29T11:29:37Z".to_string()),
            ("running".into(), "2026-11-29T11:29:40Z".into()),
            ("failed".into(), "2026-11-29T11:29:41Z".into()),
        ]
    );
    assert_eq!(
        failed["errors"][0]["message"],
        "FAILED: exit code 3 (NonZeroExitCode)"
    );
    assert_eq!(failed["labels"]["exit_code"], "3");

    // Gzip for a client that accepts it: the same page, compressed.
    let url = bridge.at(&format!("/api/v1/queues/cpu/jobs?{RANGE}"));
    let (_, plain) = get(&url, None).await;
    let resp = reqwest::Client::new()
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&resp.bytes().await.unwrap()[..]),
        &mut text,
    )
    .unwrap();
    let unzipped: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(unzipped["jobs"], plain["jobs"]);
    assert!(!plain["jobs"].as_array().unwrap().is_empty());

    let (gpu, _, _) = all_jobs(&bridge, "gpu", RANGE, None).await;
    assert_eq!(by_id(&gpu).keys().collect::<Vec<_>>(), ["4", "5", "6"]);
    // A range before everything: nothing; errors are JSON.
    let (_, empty, _) = all_jobs(
        &bridge,
        "cpu",
        "from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z",
        None,
    )
    .await;
    assert!(empty.starts_with("2026-"));
    let (status, err) = get(&bridge.at("/api/v1/queues/cpu/jobs?from=x&to=y"), None).await;
    assert_eq!(status, 400);
    assert!(err["error"].as_str().unwrap().contains("from"));
    let (status, _) = get(
        &bridge.at(&format!("/api/v1/queues/nope/jobs?{RANGE}")),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, m) = get(&bridge.at("/api/v1/queues/cpu/metrics?run_ids=1"), None).await;
    assert_eq!(
        (status, m),
        (200, json!({"series": []})),
        "Slurm has no usage series"
    );

    assert!(
        !bridge.log_text().contains(JWT),
        "the JWT never reaches the log"
    );
    assert!(fake.hits(JOBS) >= 1);
}

#[tokio::test]
async fn updated_since_returns_what_changed_and_a_down_source_keeps_its_data() {
    let fake = Fake::start(slurm(stage1(), JWT)).await;
    let dir = tempfile::tempdir().unwrap();
    let bridge = Bridge::start(
        dir.path(),
        &slurm_config(&fake.url, ""),
        &[("QS_TEST_SLURM_JWT", JWT)],
    );
    let ok0 = next_ok(&bridge, "hpc", None).await;
    // A read after a poll that changed nothing (`updated_since` is
    // inclusive: a read as of the recording poll would see it again).
    let ok1 = next_ok(&bridge, "hpc", Some(&ok0)).await;
    let (first, g1, _) = all_jobs(&bridge, "gpu", RANGE, None).await;
    assert_eq!(by_id(&first).keys().collect::<Vec<_>>(), ["4"]);
    assert!(g1 >= ok1, "generated_at is the last successful poll");
    let (cpu1, _, _) = all_jobs(&bridge, "cpu", RANGE, None).await;
    assert_eq!(cpu1.len(), 3);

    fake.set(slurm(stage2(), JWT));
    let ok2 = next_ok(&bridge, "hpc", Some(&ok1)).await;
    // Nothing changed since a poll after the one that saw the change
    // (`updated_since` is inclusive: the poll at ok2 may be that one).
    let ok3 = next_ok(&bridge, "hpc", Some(&ok2)).await;
    let (none, _, _) = all_jobs(
        &bridge,
        "gpu",
        &format!("{RANGE}&updated_since={ok3}"),
        None,
    )
    .await;
    assert!(none.is_empty(), "{none:?}");
    // Since the first read: job 4 ended, 5 and 6 are new; cpu: 7 and 8.
    let (changed, g2, _) =
        all_jobs(&bridge, "gpu", &format!("{RANGE}&updated_since={g1}"), None).await;
    assert_eq!(by_id(&changed).keys().collect::<Vec<_>>(), ["4", "5", "6"]);
    assert!(g2 > g1);
    let j4 = &by_id(&changed)["4"];
    assert_eq!(j4.last().unwrap().0, "killed");
    assert_eq!(j4.len(), 3);
    let (cpu_changed, _, _) =
        all_jobs(&bridge, "cpu", &format!("{RANGE}&updated_since={g1}"), None).await;
    assert_eq!(by_id(&cpu_changed).keys().collect::<Vec<_>>(), ["7", "8"]);

    // The source goes down: the bridge keeps serving what it has, says so
    // per queue, and counts the failures.
    fake.set(Arc::new(|_| Reply::Status(500, "slurmctld is down".into())));
    wait_until("the source to be reported down", || async {
        let (state, s) = source_state(&bridge, "hpc").await;
        (state == "down").then_some(s)
    })
    .await;
    let (_, q) = get(&bridge.at("/api/v1/queues"), None).await;
    let src = &q["queues"][0]["source"];
    assert_eq!(src["state"], "down");
    assert!(src["error"].as_str().unwrap().contains("HTTP 500"), "{src}");
    let last_ok = src["last_ok"].as_str().unwrap().to_string();
    assert!(last_ok >= ok3);
    let (still, g3, _) = all_jobs(&bridge, "gpu", RANGE, None).await;
    assert_eq!(
        by_id(&still),
        by_id(&all_jobs(&bridge, "gpu", RANGE, None).await.0)
    );
    assert_eq!(still.len(), 3);
    assert_eq!(g3, last_ok, "the data is as of the last successful poll");
    let (_, prom) = get(&bridge.at("/metrics"), None).await;
    let prom = prom.as_str().unwrap().to_string();
    let errors = prom
        .lines()
        .find(|l| l.starts_with("queuescope_bridge_poll_errors_total{source=\"hpc\"}"))
        .unwrap();
    let n: f64 = errors.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 1.0, "{errors}");
    assert!(prom.contains("queuescope_bridge_source_up{source=\"hpc\"} 0"));
    assert!(prom.contains("queuescope_bridge_source_lag_seconds{source=\"hpc\"}"));
}

#[tokio::test]
async fn the_token_guards_the_api_and_cors_answers_only_listed_origins() {
    let fake = Fake::start(slurm(stage1(), JWT)).await;
    let dir = tempfile::tempdir().unwrap();
    let bridge = Bridge::start(
        dir.path(),
        &slurm_config(&fake.url, r#"cors_origins = ["http://127.0.0.1:8080"]"#),
        &[
            ("QS_TEST_SLURM_JWT", JWT),
            ("QUEUESCOPE_BRIDGE_TOKEN", "t0ken-value"),
        ],
    );
    next_ok(&bridge, "hpc", None).await;
    let (status, body) = get(&bridge.at("/api/v1/queues"), None).await;
    assert_eq!(status, 401);
    assert!(body["error"].as_str().unwrap().contains("bearer token"));
    assert_eq!(
        get(&bridge.at("/api/v1/queues"), Some("wrong")).await.0,
        401
    );
    assert_eq!(
        get(&bridge.at("/api/v1/queues"), Some("t0ken-value"))
            .await
            .0,
        200
    );
    assert_eq!(get(&bridge.at("/metrics"), None).await.0, 401);
    assert_eq!(get(&bridge.at("/healthz"), None).await.0, 200);

    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, bridge.at("/api/v1/queues"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let ok = preflight("http://127.0.0.1:8080").await.unwrap();
    assert!(ok.status().is_success(), "a preflight needs no token");
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
    let other = preflight("http://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    assert!(!bridge.log_text().contains("t0ken-value"));
}

#[tokio::test]
async fn a_bridge_killed_mid_poll_and_restarted_loses_no_transition_and_records_none_twice() {
    let fake = Fake::start(slurm(stage1(), JWT)).await;
    let dir = tempfile::tempdir().unwrap();
    let env = [("QS_TEST_SLURM_JWT", JWT)];
    let config = slurm_config(&fake.url, "");
    let mut first = Bridge::start(dir.path(), &config, &env);
    next_ok(&first, "hpc", None).await;
    let before = by_id(&all_jobs(&first, "gpu", RANGE, None).await.0);

    // The next poll hangs in the middle (slurmrestd answered the partitions,
    // not yet the jobs); the bridge is killed there.
    let partitions = fixture("slurm-v0.0.38-partitions.json");
    fake.set(Arc::new(move |req| match req.path.as_str() {
        JOBS => Reply::Hang,
        _ => Reply::Json(partitions.clone()),
    }));
    let hits = fake.hits(JOBS);
    wait_until("a poll to hang", || async {
        (fake.hits(JOBS) > hits).then_some(())
    })
    .await;
    first.kill();
    let killed_at = now_ms();
    fake.set(slurm(stage2(), JWT));
    fake.release();

    let second = Bridge::start(dir.path(), &config, &env);
    ok_after(&second, "hpc", killed_at).await;
    let after = by_id(&all_jobs(&second, "gpu", RANGE, None).await.0);
    // What was recorded before the kill is still there, unchanged, first.
    for (id, old) in &before {
        assert_eq!(&after[id][..old.len()], &old[..], "job {id}");
    }
    // A fresh bridge that only ever saw the later answer records the same
    // history: nothing was lost or doubled across the kill.
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Bridge::start(fresh_dir.path(), &config, &env);
    next_ok(&fresh, "hpc", None).await;
    assert_eq!(after, by_id(&all_jobs(&fresh, "gpu", RANGE, None).await.0));
    for (id, list) in &after {
        let unique: HashSet<_> = list.iter().collect();
        assert_eq!(
            unique.len(),
            list.len(),
            "job {id} has a transition twice: {list:?}"
        );
    }
    // And polling on records nothing more.
    let ok = source_state(&second, "hpc").await.1["last_ok"]
        .as_str()
        .unwrap()
        .to_string();
    next_ok(&second, "hpc", Some(&ok)).await;
    assert_eq!(after, by_id(&all_jobs(&second, "gpu", RANGE, None).await.0));
}
