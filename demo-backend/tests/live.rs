//! Incremental reads (`updated_since`, SPEC v2 §2), the clock and job
//! controls, and live mode, over real HTTP.

mod common;

use common::{jobs_url, Backend};
use queuescope_core::demo::DEFAULT_NOW;
use queuescope_core::model::{Ms, DAY, HOUR};
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The records of every page, by id, and the read's `generated_at`.
fn records(pages: &[String]) -> (BTreeMap<String, Value>, Ms) {
    let mut out = BTreeMap::new();
    let mut at = None;
    for p in pages {
        let v: Value = serde_json::from_str(p).expect("JSON");
        let g = parse_rfc3339(v["generated_at"].as_str().expect("generated_at")).expect("a time");
        assert!(
            at.is_none_or(|a| a == g),
            "every page of a read is as of one instant"
        );
        at = Some(g);
        for j in v["jobs"].as_array().expect("jobs") {
            let id = j["id"].as_str().expect("an id").to_string();
            assert!(
                out.insert(id, j.clone()).is_none(),
                "ids are unique in a read"
            );
        }
    }
    (out, at.expect("a page"))
}

/// The latest event (transition or error) of a record.
fn last_event(job: &Value) -> Ms {
    ["transitions", "errors"]
        .iter()
        .flat_map(|k| job[k].as_array().into_iter().flatten())
        .filter_map(|x| parse_rfc3339(x["at"].as_str()?).ok())
        .max()
        .expect("a time")
}

fn since(url: String, g: Ms) -> String {
    format!("{url}&updated_since={}", format_rfc3339(g))
}

fn first_queue(b: &Backend) -> String {
    let queues = b.get("/api/v1/queues").json();
    for q in queues["queues"].as_array().expect("queues") {
        assert_eq!(q["supports"], json!(["updated_since"]), "{q}");
    }
    queues["queues"][0]["id"]
        .as_str()
        .expect("an id")
        .to_string()
}

#[test]
fn incremental_read_of_a_100k_view_is_exactly_the_changed_records_and_small() {
    // The first queue holds 45 % of the jobs: 101 250 in the view.
    let b = Backend::start(&["--jobs", "225000", "--page-size", "25000"]);
    let q = first_queue(&b);
    let (from, to) = (DEFAULT_NOW - 8 * DAY, DEFAULT_NOW + HOUR);
    // Counted, not parsed (the records start with their id): parsing 50 MB
    // in a debug build is slow, and the changes are picked from the last
    // hour, which holds every unfinished job and any record changed at g0.
    let count: usize = b
        .walk(&jobs_url(&q, from, to))
        .iter()
        .map(|p| p.matches(r#"{"id":"#).count())
        .sum();
    assert!(count >= 100_000, "{count} jobs in the view");
    let (before, g0) = records(&b.walk(&jobs_url(&q, DEFAULT_NOW - HOUR, to)));
    assert_eq!(g0, DEFAULT_NOW);
    assert_eq!(
        b.call("PUT", "/_control/clock", r#"{"advance": "1m"}"#)
            .status,
        200
    );
    let now = format_rfc3339(g0 + 60_000);
    // 100 changes: 40 unfinished jobs move on, 30 jobs get an error, 30 arrive.
    let mut changed = BTreeMap::new();
    let unfinished = before.iter().filter(|(_, j)| {
        let state = j["transitions"]
            .as_array()
            .and_then(|t| t.last())
            .map(|t| t["state"].clone());
        state == Some(json!("queued")) || state == Some(json!("running"))
    });
    for (id, j) in unfinished.take(40) {
        let next =
            if j["transitions"].as_array().and_then(|t| t.last()).unwrap()["state"] == "queued" {
                "running"
            } else {
                "finished"
            };
        let r = b.call(
            "POST",
            &format!("/_control/jobs/{q}/{id}"),
            &json!({"state": next}).to_string(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["at"], json!(now));
        let last = v["job"]["transitions"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last, json!({"state": next, "at": now}));
        changed.insert(id.clone(), v["job"].clone());
    }
    let erring: Vec<String> = before
        .keys()
        .filter(|id| !changed.contains_key(*id))
        .step_by(7)
        .take(30)
        .cloned()
        .collect();
    for id in erring {
        let r = b.call(
            "POST",
            &format!("/_control/jobs/{q}/{id}"),
            r#"{"error": "NCCL timeout"}"#,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        changed.insert(id.clone(), r.json()["job"].clone());
    }
    for n in 0..30 {
        let job = json!({"id": format!("new-{n}"), "job": "train-llm:v9", "user": "ada"});
        let r = b.call("POST", &format!("/_control/jobs/{q}"), &job.to_string());
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(
            v["job"]["transitions"],
            json!([{"state": "queued", "at": now}])
        );
        changed.insert(format!("new-{n}"), v["job"].clone());
    }
    assert_eq!(changed.len(), 100);
    // Records whose last event is at g0 itself count as changed too (the
    // bound is inclusive); the demo data may have a few.
    let at_g0: BTreeSet<&String> = before
        .iter()
        .filter(|(_, j)| last_event(j) >= g0)
        .map(|(id, _)| id)
        .collect();
    let pages = b.walk(&since(jobs_url(&q, from, to), g0));
    let bytes: usize = pages.iter().map(String::len).sum();
    let (got, g1) = records(&pages);
    assert_eq!(g1, g0 + 60_000, "as of the clock");
    let expected: BTreeSet<&String> = changed.keys().chain(at_g0.iter().copied()).collect();
    assert_eq!(got.keys().collect::<BTreeSet<_>>(), expected);
    for (id, j) in &changed {
        assert_eq!(&got[id], j, "served as the control answered");
    }
    assert!(
        bytes <= 50_000 + 500 * at_g0.len(),
        "{bytes} bytes for {} records",
        got.len()
    );
    // The request log saw the same bytes.
    let log = b.requests();
    let last = log.last().expect("logged");
    assert!(
        last["path"].as_str().unwrap().contains("updated_since="),
        "{last}"
    );
    assert_eq!(last["bytes"].as_u64(), Some(bytes as u64));
    // Nothing changed since g1: an empty answer.
    let (none, _) = records(&b.walk(&since(jobs_url(&q, from, to), g1 + 1)));
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn incremental_reads_page_and_tie_cursors_to_their_query() {
    let b = Backend::start(&["--jobs", "400", "--page-size", "7"]);
    let q = first_queue(&b);
    let (from, to) = (DEFAULT_NOW - DAY, DEFAULT_NOW + DAY);
    assert_eq!(
        b.call(
            "PUT",
            "/_control/clock",
            r#"{"to": "2026-11-28T10:00:00+01:00"}"#
        )
        .status,
        200,
        "same instant, another offset"
    );
    assert_eq!(
        b.call("PUT", "/_control/clock", r#"{"advance": "30s"}"#)
            .status,
        200
    );
    let mut ids = BTreeSet::new();
    for _ in 0..20 {
        let r = b.call(
            "POST",
            &format!("/_control/jobs/{q}"),
            r#"{"job": "sweep"}"#,
        );
        assert_eq!(r.status, 201, "{}", r.body);
        ids.insert(r.json()["job"]["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 20, "added-1 .. added-20");
    let g = DEFAULT_NOW + 1;
    let pages = b.walk(&since(jobs_url(&q, from, to), g));
    assert_eq!(pages.len(), 3, "pages of 7");
    let (got, at) = records(&pages);
    assert_eq!(at, DEFAULT_NOW + 30_000);
    assert_eq!(got.keys().cloned().collect::<BTreeSet<_>>(), ids);
    // A cursor of the incremental read is refused in a full one.
    let first: Value = serde_json::from_str(&pages[0]).unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let r = b.get(&format!("{}&cursor={cursor}", jobs_url(&q, from, to)));
    assert_eq!(r.status, 400, "{}", r.body);
    // A full read as of before the additions does not hold them: the
    // cursor keeps its read's instant while the clock moves.
    let full = jobs_url(&q, from, to);
    let page1: Value = b.get(&full).json();
    assert_eq!(
        b.call("PUT", "/_control/clock", r#"{"advance": "1h"}"#)
            .status,
        200
    );
    b.call(
        "POST",
        &format!("/_control/jobs/{q}"),
        r#"{"id": "late", "job": "sweep"}"#,
    );
    let rest = b.walk_from(&full, page1["next_cursor"].as_str());
    let (rest, at) = records(&rest);
    assert_eq!(
        at,
        DEFAULT_NOW + 30_000,
        "the read's instant, not the clock's"
    );
    assert!(!rest.contains_key("late"));
    assert!(ids.iter().all(|id| rest.contains_key(id)));
    // A bad updated_since is a 400.
    assert_eq!(
        b.get(&format!("{full}&updated_since=yesterday")).status,
        400
    );
}

#[test]
fn controls_refuse_what_cannot_happen() {
    let b = Backend::start(&["--jobs", "300"]);
    let q = first_queue(&b);
    let clock = b.get("/_control/clock").json();
    assert_eq!(
        clock,
        json!({"now": format_rfc3339(DEFAULT_NOW), "live": false})
    );
    let cases: [(&str, &str, &str, u16); 9] = [
        ("PUT", "/_control/clock", r#"{"advance": "-1m"}"#, 400),
        (
            "PUT",
            "/_control/clock",
            r#"{"to": "2026-11-28T08:59:59Z"}"#,
            400,
        ),
        ("PUT", "/_control/clock", r#"{"advance": "soon"}"#, 400),
        ("DELETE", "/_control/clock", "", 405),
        ("GET", "/_control/jobs/x", "", 405),
        ("POST", "/_control/jobs/nope", r#"{"job": "x"}"#, 404),
        ("POST", &format!("/_control/jobs/{q}"), r#"{"id": 7}"#, 400),
        (
            "POST",
            &format!("/_control/jobs/{q}/no-such-job"),
            r#"{"state": "running"}"#,
            400,
        ),
        (
            "POST",
            &format!("/_control/jobs/{q}"),
            r#"{"job": "x", "transitions": [{"state": "queued", "at": "2026-11-28T10:00:00Z"}]}"#,
            400,
        ),
    ];
    for (method, path, body, status) in cases {
        let r = b.call(method, path, body);
        assert_eq!(r.status, status, "{method} {path} {body}: {}", r.body);
        assert!(r.json()["error"].is_string(), "{}", r.body);
    }
    assert_eq!(
        b.get("/_control/clock").json()["now"],
        json!(format_rfc3339(DEFAULT_NOW)),
        "unmoved"
    );
    let r = b.call(
        "POST",
        &format!("/_control/jobs/{q}"),
        r#"{"id": "j", "job": "x"}"#,
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        b.call(
            "POST",
            &format!("/_control/jobs/{q}"),
            r#"{"id": "j", "job": "x"}"#
        )
        .status,
        400,
        "ids are unique"
    );
    let r = b.call(
        "POST",
        &format!("/_control/jobs/{q}/j"),
        r#"{"state": "killed", "error": "cancelled by ada"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["job"]["errors"],
        json!([{"at": format_rfc3339(DEFAULT_NOW), "message": "cancelled by ada"}])
    );
    let r = b.call(
        "POST",
        &format!("/_control/jobs/{q}/j"),
        r#"{"state": "running"}"#,
    );
    assert_eq!(r.status, 400, "an ended job takes no state");
    assert!(r.json()["error"].as_str().unwrap().contains("ended"));
    // Controls are not in the request log.
    assert!(b
        .requests()
        .iter()
        .all(|r| !r["path"].as_str().unwrap().starts_with("/_control")));
}

#[test]
fn a_version_1_fixture_queue_ignores_updated_since() {
    let fixture = r#"{
      "generated_at": "2026-11-28T09:00:00Z",
      "queues": [{"id": "v1", "name": "Old"}, {"id": "v2", "name": "New", "supports": ["updated_since"]}],
      "jobs": {
        "v1": [{"id": "a", "job": "x", "transitions": [{"state": "queued", "at": "2026-11-28T08:00:00Z"}]}],
        "v2": [{"id": "b", "job": "x", "transitions": [{"state": "queued", "at": "2026-11-28T08:00:00Z"}]}]
      }
    }"#;
    let path = std::env::temp_dir().join(format!("queuescope-live-{}.json", std::process::id()));
    std::fs::write(&path, fixture).unwrap();
    let b = Backend::start(&["--fixture", path.to_str().unwrap()]);
    let listed: Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(
        b.get("/api/v1/queues").json()["queues"],
        listed["queues"],
        "verbatim"
    );
    let (from, to) = (DEFAULT_NOW - DAY, DEFAULT_NOW);
    let g = DEFAULT_NOW - HOUR / 2;
    assert_eq!(
        records(&b.walk(&since(jobs_url("v1", from, to), g)))
            .0
            .len(),
        1,
        "a full read"
    );
    assert_eq!(
        records(&b.walk(&since(jobs_url("v2", from, to), g)))
            .0
            .len(),
        0
    );
    b.call("PUT", "/_control/clock", r#"{"advance": "1s"}"#);
    b.call("POST", "/_control/jobs/v2/b", r#"{"state": "running"}"#);
    let (got, _) = records(&b.walk(&since(jobs_url("v2", from, to), g)));
    assert_eq!(got.keys().collect::<Vec<_>>(), ["b"]);
    std::fs::remove_file(&path).ok();
}

#[test]
fn live_data_moves_with_the_clock_and_incremental_reads_follow_it() {
    // Thursday 13:00 UTC, in a busy working day: jobs run, and in the
    // next six hours some end and new ones arrive.
    let t0 = DEFAULT_NOW - 2 * DAY + 4 * HOUR;
    let start = format_rfc3339(t0);
    let b = Backend::start(&["--live", "--now", &start, "--jobs", "3000"]);
    let clock = b.get("/_control/clock").json();
    assert_eq!(clock["live"], json!(true));
    let q = first_queue(&b);
    let (from, to) = (DEFAULT_NOW - 9 * DAY, DEFAULT_NOW);
    let (a, ga) = records(&b.walk(&jobs_url(&q, from, to)));
    assert!(ga >= t0 && ga < t0 + HOUR, "real time from --now");
    for j in a.values() {
        assert!(last_event(j) <= ga, "nothing after the read's instant: {j}");
    }
    assert_eq!(
        b.call("PUT", "/_control/clock", r#"{"advance": "6h"}"#)
            .status,
        200
    );
    let (c, gc) = records(&b.walk(&since(jobs_url(&q, from, to), ga)));
    let (full, gb) = records(&b.walk(&jobs_url(&q, from, to)));
    assert!(gc >= ga + 6 * HOUR && gb >= gc);
    assert!(
        full.len() > a.len(),
        "jobs arrived: {} then {}",
        a.len(),
        full.len()
    );
    let new = c.keys().filter(|id| !a.contains_key(*id)).count();
    let moved = c
        .iter()
        .filter(|(id, j)| a.get(*id).is_some_and(|old| old != *j))
        .count();
    assert!(new > 0 && moved > 0, "{new} new, {moved} moved on");
    for (id, j) in &c {
        assert!(
            last_event(j) >= ga && last_event(j) <= gc,
            "{id} changed in between"
        );
        assert_ne!(a.get(id), Some(j), "{id} is a change");
    }
    // The old read with the changes applied is the new read (but for what
    // happened in the few milliseconds between the two).
    for (id, j) in &full {
        let patched = c.get(id).or_else(|| a.get(id));
        if patched != Some(j) {
            assert!(last_event(j) > gc, "{id} differs without a change: {j}");
        }
    }
    assert!(c.keys().all(|id| full.contains_key(id)));
}

#[test]
fn help_lists_the_live_controls() {
    let (ok, out, _) = common::run(&["--help"]);
    assert!(ok);
    for needle in [
        "--live",
        "updated_since",
        "/_control/clock",
        "POST /_control/jobs/QUEUE/ID",
    ] {
        assert!(out.contains(needle), "{needle} missing from --help");
    }
}
