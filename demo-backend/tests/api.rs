//! The reference server over real HTTP: paging, CORS, errors, metrics
//! batching, fixture mode and the command line.

mod common;

use common::{jobs_url, Backend};
use queuescope_core::demo::{generate, DemoConfig, DEFAULT_NOW};
use queuescope_core::model::{Ms, DAY, HOUR};
use queuescope_core::parse::{parse_jobs_page, parse_metrics};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

const JOBS: &str = "2500";

/// Every page of a full read of `queue` over [from, to).
fn walk(b: &Backend, queue: &str, from: Ms, to: Ms) -> Vec<String> {
    b.walk(&jobs_url(queue, from, to))
}

#[test]
fn pages_together_hold_exactly_the_overlapping_jobs() {
    let b = Backend::start(&["--jobs", JOBS, "--page-size", "97"]);
    let data = generate(&DemoConfig {
        jobs: 2500,
        ..DemoConfig::default()
    });
    let (from, to) = (DEFAULT_NOW - 3 * DAY - 5 * HOUR, DEFAULT_NOW - DAY);
    let mut multi_page = false;
    for ds in &data.datasets {
        let expected: BTreeSet<&str> = ds
            .jobs
            .iter()
            .filter(|j| {
                let (s, e) = j.lifetime(DEFAULT_NOW);
                s < to && e >= from
            })
            .map(|j| j.id.as_str())
            .collect();
        let pages = walk(&b, &ds.queue_id, from, to);
        multi_page |= pages.len() > 2;
        let mut seen = HashSet::new();
        let mut order = Vec::new();
        for body in &pages {
            let p = parse_jobs_page(body, &mut seen).unwrap();
            assert!(p.skipped.is_empty(), "{:?}", p.skipped);
            assert_eq!(p.generated_at, DEFAULT_NOW);
            assert!(p.jobs.len() <= 97);
            order.extend(p.jobs.into_iter().map(|j| (j.enqueued_at().unwrap(), j.id)));
        }
        // No duplicates across pages (parse skips and counts them).
        assert_eq!(seen.len(), order.len());
        let got: BTreeSet<&str> = order.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(got, expected, "{}", ds.queue_id);
        assert!(
            order.windows(2).all(|w| w[0] <= w[1]),
            "sorted by (enqueue time, id)"
        );
    }
    assert!(multi_page, "the test should span several pages");
    // An empty range answers one empty page.
    let r = b.get(&jobs_url(
        "a100-pool",
        DEFAULT_NOW + DAY,
        DEFAULT_NOW + 2 * DAY,
    ));
    let v = r.json();
    assert_eq!(v["jobs"], Value::Array(vec![]));
    assert_eq!(v["next_cursor"], Value::Null);
}

#[test]
fn cors_is_open_and_preflights_are_answered() {
    let b = Backend::start(&["--jobs", "50"]);
    let r = b.request(
        "GET",
        "/api/v1/queues",
        &[("Origin", "http://localhost:8080")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let queues = r.json();
    let names: Vec<&str> = queues["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a100-pool", "h100-burst", "cpu-batch"]);
    let pre = b.request(
        "OPTIONS",
        "/api/v1/queues/a100-pool/jobs?from=x",
        &[
            ("Origin", "http://localhost:8080"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    );
    assert!(pre.status == 204 || pre.status == 200, "{}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert!(pre
        .header("access-control-allow-methods")
        .unwrap()
        .contains("GET"));
    assert!(pre
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    // Error answers carry CORS too, or a browser could not read them.
    let e = b.get("/api/v1/queues/nope/jobs?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z");
    assert_eq!(e.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn bad_requests_get_json_errors() {
    let b = Backend::start(&["--jobs", "50"]);
    let cases = [
        ("/api/v1/queues/nope/jobs?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z", 404),
        ("/api/v1/elsewhere", 404),
        ("/index.html", 404),
        ("/api/v1/queues/a100-pool/jobs?to=2026-11-22T00:00:00Z", 400),
        ("/api/v1/queues/a100-pool/jobs?from=2026-11-21&to=2026-11-22T00:00:00Z", 400),
        ("/api/v1/queues/a100-pool/jobs?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z", 400),
        ("/api/v1/queues/a100-pool/jobs?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z&cursor=nonsense", 400),
        ("/api/v1/queues/a100-pool/metrics", 400),
    ];
    for (path, status) in cases {
        let r = b.get(path);
        assert_eq!(r.status, status, "{path}");
        let v = r.json();
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{path}: {v}"
        );
    }
    let h = b.get("/healthz");
    assert_eq!((h.status, h.body.as_str()), (200, "ok"));
}

#[test]
fn a_cursor_only_works_with_its_own_range() {
    let b = Backend::start(&["--jobs", JOBS, "--page-size", "20"]);
    let (from, to) = (DEFAULT_NOW - 2 * DAY, DEFAULT_NOW);
    let first = b.get(&jobs_url("a100-pool", from, to)).json();
    let cursor = first["next_cursor"].as_str().expect("more than one page");
    let same = b.get(&format!(
        "{}&cursor={cursor}",
        jobs_url("a100-pool", from, to)
    ));
    assert_eq!(same.status, 200);
    let other = b.get(&format!(
        "{}&cursor={cursor}",
        jobs_url("a100-pool", from - HOUR, to)
    ));
    assert_eq!(other.status, 400);
    assert!(other.json()["error"].is_string());
}

#[test]
fn metrics_are_batched_at_most_100_and_stable() {
    let b = Backend::start(&["--jobs", JOBS]);
    let data = generate(&DemoConfig {
        jobs: 2500,
        ..DemoConfig::default()
    });
    let runs: Vec<&str> = data.datasets[0]
        .jobs
        .iter()
        .filter_map(|j| j.run_id.as_deref())
        .collect();
    assert!(runs.len() > 101);
    let url = |ids: &[&str]| format!("/api/v1/queues/a100-pool/metrics?run_ids={}", ids.join(","));
    let ok = b.get(&url(&runs[..100]));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let (series, skipped) = parse_metrics(&ok.body).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    let with_series: HashSet<&str> = series.iter().map(|s| s.run_id.as_str()).collect();
    assert_eq!(with_series.len(), 100, "every run has series");
    assert!(series.iter().all(|s| s.t.first() == Some(&0.0)));
    let too_many = b.get(&url(&runs[..101]));
    assert_eq!(too_many.status, 400);
    assert!(too_many.json()["error"].as_str().unwrap().contains("100"));
    // The same run gets the same curves, alone or in a batch.
    let alone = b.get(&url(&runs[..1]));
    let (one, _) = parse_metrics(&alone.body).unwrap();
    let from_batch: Vec<_> = series
        .iter()
        .filter(|s| s.run_id == runs[0])
        .cloned()
        .collect();
    assert_eq!(one, from_batch);
    // Unknown runs and other queues' runs have no series.
    let none = b.get("/api/v1/queues/cpu-batch/metrics?run_ids=zzzzzzzz");
    assert_eq!(none.json()["series"], Value::Array(vec![]));
}

const FIXTURE: &str = r#"{
  "generated_at": "2026-11-28T09:00:00+01:00",
  "queues": [{"id": "fx", "name": "Fixture queue"}],
  "jobs": {"fx": [
    {"id": "good-1", "job": "train-resnet:v3", "run_id": "goodrun1", "labels": {"gpu_type": "A100"},
     "transitions": [{"state": "queued", "at": "2026-11-27T08:00:00Z"},
                     {"state": "running", "at": "2026-11-27T08:05:00Z"},
                     {"state": "finished", "at": "2026-11-27T09:05:00Z"}]},
    {"id": "bad-order", "job": "eval-coco:v5", "weird_extra": [1, 2, {"x": null}],
     "transitions": [{"state": "queued", "at": "2026-11-27T10:00:00Z"},
                     {"state": "running", "at": "2026-11-27T09:00:00Z"}]},
    {"id": "no-job", "transitions": [{"state": "queued", "at": "2026-11-27T11:00:00Z"}]}
  ]},
  "metrics": {"fx": [
    {"run_id": "goodrun1", "metric": "gpu_util", "t": [0, 30], "v": [50, "high"]}
  ]}
}"#;

#[test]
fn fixture_mode_serves_bad_records_verbatim() {
    let path = std::env::temp_dir().join(format!("queuescope-fixture-{}.json", std::process::id()));
    std::fs::write(&path, FIXTURE).unwrap();
    let b = Backend::start(&["--fixture", path.to_str().unwrap(), "--page-size", "2"]);
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let queues = b.get("/api/v1/queues").json();
    assert_eq!(queues["queues"], fixture["queues"]);
    let pages = walk(&b, "fx", DEFAULT_NOW - 3 * DAY, DEFAULT_NOW);
    assert_eq!(pages.len(), 2);
    let served: Vec<Value> = pages
        .iter()
        .flat_map(|p| {
            serde_json::from_str::<Value>(p).unwrap()["jobs"]
                .as_array()
                .unwrap()
                .clone()
        })
        .collect();
    for original in fixture["jobs"]["fx"].as_array().unwrap() {
        assert!(served.contains(original), "served verbatim: {original}");
    }
    let first: Value = serde_json::from_str(&pages[0]).unwrap();
    assert_eq!(first["generated_at"], "2026-11-28T08:00:00Z");
    let mut seen = HashSet::new();
    let mut skipped = 0;
    for p in &pages {
        skipped += parse_jobs_page(p, &mut seen).unwrap().skipped.total();
    }
    assert_eq!((seen.len(), skipped), (1, 2));
    // Fixture series are served as they are, for the client to reject.
    let m = b.get("/api/v1/queues/fx/metrics?run_ids=goodrun1");
    let (ok, bad) = parse_metrics(&m.body).unwrap();
    assert_eq!((ok.len(), bad.total()), (0, 1));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn help_explains_what_it_is_and_bad_flags_fail() {
    let (ok, help, _) = common::run(&["--help"]);
    assert!(ok);
    assert!(help.contains("Reference implementation of the Queuescope REST contract (SPEC §2)"));
    for endpoint in [
        "/api/v1/queues",
        "/jobs?from=",
        "/metrics?run_ids=",
        "/healthz",
        "--fixture",
        "--page-size",
    ] {
        assert!(help.contains(endpoint), "{endpoint} in --help");
    }
    let (ok, _, err) = common::run(&["--port", "0", "--fixture", "/nonexistent/fixture.json"]);
    assert!(!ok);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn delay_slows_every_answer() {
    let b = Backend::start(&["--jobs", "10", "--delay-ms", "300"]);
    let t0 = std::time::Instant::now();
    assert_eq!(b.get("/healthz").status, 200);
    assert!(t0.elapsed() >= std::time::Duration::from_millis(300));
}
