//! Every fault mode over real HTTP, switched at start (`--fault`) and at
//! runtime (`PUT /_control/faults`), and the request log tests read.

mod common;

use common::{read_reply, Backend};
use queuescope_core::demo::DEFAULT_NOW;
use queuescope_core::model::DAY;
use queuescope_core::parse::{parse_jobs_page, parse_metrics, parse_queues, ParseError};
use queuescope_core::time::format_rfc3339;
use serde_json::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const RANGE: &str = "from=2026-11-21T09:00:00Z&to=2026-11-28T09:00:00Z";

fn jobs(queue: &str) -> String {
    format!("/api/v1/queues/{queue}/jobs?{RANGE}")
}

/// The run ids of a queue's first page.
fn run_ids(b: &Backend, queue: &str, n: usize) -> Vec<String> {
    let page = parse_jobs_page(&b.get(&jobs(queue)).body, &mut HashSet::new()).unwrap();
    page.jobs
        .iter()
        .filter_map(|j| j.run_id.clone())
        .take(n)
        .collect()
}

fn error_message(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    v["error"].as_str().unwrap_or_default().to_string()
}

#[test]
fn control_endpoint_switches_faults_and_logs_requests() {
    let b = Backend::start(&["--jobs", "300", "--fault", "status:500@queues"]);
    let r = b.get("/api/v1/queues");
    assert_eq!(r.status, 500);
    assert!(error_message(&r.body).contains("internal server error"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        b.get("/_control/faults").json(),
        serde_json::json!(["status:500@queues"])
    );
    let set = b.set_faults(&["status:403@jobs/a100-pool", "skew:-2d"]);
    assert_eq!(set.status, 200);
    assert_eq!(
        set.json(),
        serde_json::json!(["status:403@jobs/a100-pool", "skew:-2d"])
    );
    assert_eq!(b.get("/api/v1/queues").status, 200);
    assert_eq!(b.get(&jobs("a100-pool")).status, 403);
    let other = b.get(&jobs("cpu-batch"));
    assert_eq!(other.status, 200);
    // A bad list is refused whole.
    let bad = b.set_faults(&["hang", "explode"]);
    assert_eq!(bad.status, 400);
    assert!(error_message(&bad.body).contains("unknown fault `explode`"));
    assert_eq!(
        b.get("/_control/faults").json().as_array().unwrap().len(),
        2
    );

    // The log: every API request in order, with status and body bytes;
    // control requests are not in it.
    let log = b.requests();
    let seen: Vec<(&str, &str, u64)> = log
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap(),
                e["path"].as_str().unwrap(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let (j1, j2) = (jobs("a100-pool"), jobs("cpu-batch"));
    assert_eq!(
        seen,
        [
            ("GET", "/api/v1/queues", 500),
            ("GET", "/api/v1/queues", 200),
            ("GET", j1.as_str(), 403),
            ("GET", j2.as_str(), 200),
        ]
    );
    assert_eq!(log[3]["bytes"].as_u64(), Some(other.body.len() as u64));
    let seqs: Vec<u64> = log.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [0, 1, 2, 3]);
    assert_eq!(
        b.get("/_control/requests?since=3")
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(b.request("DELETE", "/_control/requests", &[]).status, 200);
    assert!(b.requests().is_empty());
}

#[test]
fn hang_never_answers_until_the_faults_change() {
    let b = Backend::start(&["--jobs", "50", "--threads", "1"]);
    b.set_faults(&["hang@jobs"]);
    let mut hung: Vec<_> = (0..3)
        .map(|_| b.send("GET", &jobs("a100-pool"), &[], ""))
        .collect();
    for s in &mut hung {
        s.set_read_timeout(Some(Duration::from_millis(700)))
            .unwrap();
        assert!(read_reply(s).is_none(), "a hanging request got an answer");
    }
    // With one worker thread, held requests still leave it free.
    assert_eq!(b.get("/api/v1/queues").status, 200);
    let log = b.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0]["status"], Value::Null);
    assert_eq!(log[0]["bytes"], Value::Null);
    // Switching the fault off answers the held requests with a 503.
    let mut late = b.send("GET", &jobs("a100-pool"), &[], "");
    late.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert!(read_reply(&mut late).is_none());
    late.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    b.set_faults(&[]);
    let r = read_reply(&mut late).expect("an answer once the faults change");
    assert_eq!(r.status, 503);
    assert!(error_message(&r.body).contains("stopped hanging"));
    assert_eq!(b.get(&jobs("a100-pool")).status, 200);
}

#[test]
fn slow_answers_late_without_blocking_others() {
    let b = Backend::start(&["--jobs", "50", "--threads", "1", "--fault", "slow:800@jobs"]);
    let t0 = Instant::now();
    let mut slow = b.send("GET", &jobs("a100-pool"), &[], "");
    // The one worker is free for other requests meanwhile.
    assert_eq!(b.get("/api/v1/queues").status, 200);
    assert_eq!(b.get("/_control/faults").status, 200);
    assert!(t0.elapsed() < Duration::from_millis(800));
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let r = read_reply(&mut slow).unwrap();
    assert_eq!(r.status, 200);
    assert!(t0.elapsed() >= Duration::from_millis(800));
    parse_jobs_page(&r.body, &mut HashSet::new()).unwrap();
}

#[test]
fn status_faults_carry_a_json_error() {
    let b = Backend::start(&["--jobs", "50"]);
    for (code, words) in [
        (401, "sign in again"),
        (403, "do not have access"),
        (500, "internal server error"),
    ] {
        b.set_faults(&[&format!("status:{code}")]);
        for path in [
            "/api/v1/queues".to_string(),
            jobs("a100-pool"),
            "/api/v1/queues/a100-pool/metrics?run_ids=x".to_string(),
        ] {
            let r = b.get(&path);
            assert_eq!(r.status, code, "{path}");
            assert!(r
                .header("content-type")
                .unwrap()
                .starts_with("application/json"));
            assert!(error_message(&r.body).contains(words), "{code}: {}", r.body);
        }
    }
    // Never on the health check.
    assert_eq!(b.get("/healthz").status, 200);
}

#[test]
fn html_and_truncated_bodies_are_not_json() {
    let b = Backend::start(&[
        "--jobs",
        "50",
        "--fault",
        "html@queues",
        "--fault",
        "truncated@jobs",
    ]);
    let html = b.get("/api/v1/queues");
    assert_eq!(html.status, 200);
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(html.body.starts_with("<!doctype html>"));
    assert!(matches!(
        parse_queues(&html.body),
        Err(ParseError::NotJson(_))
    ));
    let cut = b.get(&jobs("a100-pool"));
    assert_eq!(cut.status, 200);
    assert!(cut
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    b.set_faults(&[]);
    let whole = b.get(&jobs("a100-pool"));
    assert_eq!(cut.body.len(), whole.body.len() / 2);
    assert!(whole.body.starts_with(&cut.body));
    assert!(matches!(
        parse_jobs_page(&cut.body, &mut HashSet::new()),
        Err(ParseError::NotJson(_))
    ));
}

#[test]
fn huge_pages_are_valid_and_big() {
    let b = Backend::start(&["--jobs", "300", "--page-size", "50", "--fault", "huge:3"]);
    let r = b.get(&jobs("a100-pool"));
    assert!(r.body.len() >= 3_000_000, "{} bytes", r.body.len());
    // Declared, so a client can refuse it unread.
    assert_eq!(r.header("content-length"), Some(&*r.body.len().to_string()));
    let mut seen = HashSet::new();
    let page = parse_jobs_page(&r.body, &mut seen).unwrap();
    assert!(page.skipped.is_empty(), "{:?}", page.skipped);
    let filler = page
        .jobs
        .iter()
        .filter(|j| j.id.starts_with("huge-"))
        .count();
    assert_eq!(
        page.jobs.len() - filler,
        50,
        "the page's own jobs are all there"
    );
    assert!(filler > 5_000);
    // The next page's filler has other ids.
    let next = page.next_cursor.unwrap();
    let r2 = b.get(&format!("{}&cursor={next}", jobs("a100-pool")));
    let page2 = parse_jobs_page(&r2.body, &mut seen).unwrap();
    assert!(page2.skipped.is_empty());
    let q = b.get("/api/v1/queues");
    assert!(q.body.len() >= 3_000_000);
    let (queues, skipped) = parse_queues(&q.body).unwrap();
    assert_eq!((queues.len(), skipped.total()), (3, 0));
    let m = b.get("/api/v1/queues/a100-pool/metrics?run_ids=x");
    assert!(m.body.len() >= 3_000_000);
}

#[test]
fn chunked_answers_declare_no_length() {
    let b = Backend::start(&[
        "--jobs",
        "300",
        "--page-size",
        "50",
        "--fault",
        "chunked@jobs",
    ]);
    let r = b.get(&jobs("a100-pool"));
    assert_eq!(r.header("content-length"), None);
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    let page = parse_jobs_page(&r.body, &mut HashSet::new()).unwrap();
    assert_eq!(page.jobs.len(), 50, "the same answer, only sent in chunks");
    // Other endpoints are not hit.
    let q = b.get("/api/v1/queues");
    assert_eq!(q.header("content-length"), Some(&*q.body.len().to_string()));
}

#[test]
fn gzip_answers_declare_their_compressed_length() {
    let b = Backend::start(&["--jobs", "300", "--page-size", "50", "--fault", "gzip@jobs"]);
    let plain = b.get(&jobs("a100-pool"));
    assert_eq!(plain.header("content-encoding"), None, "not asked for gzip");
    let r = b.request(
        "GET",
        &jobs("a100-pool"),
        &[("Accept-Encoding", "br, gzip;q=0.8")],
    );
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.header("vary"), Some("Accept-Encoding"));
    let declared: usize = r.header("content-length").unwrap().parse().unwrap();
    assert_eq!(declared, r.bytes.len(), "the compressed size");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.bytes[..]), &mut text)
        .unwrap();
    assert!(
        text.len() > 2 * declared,
        "{} B of JSON in {declared} B",
        text.len()
    );
    assert_eq!(text, plain.body, "the same answer, only compressed");
    // Other endpoints are not hit.
    let q = b.request("GET", "/api/v1/queues", &[("Accept-Encoding", "gzip")]);
    assert_eq!(q.header("content-encoding"), None);
}

#[test]
fn cursor_faults_loop_or_never_end() {
    let b = Backend::start(&[
        "--jobs",
        "300",
        "--page-size",
        "20",
        "--fault",
        "loop-cursor",
    ]);
    let first = parse_jobs_page(&b.get(&jobs("a100-pool")).body, &mut HashSet::new()).unwrap();
    assert_eq!(first.next_cursor.as_deref(), Some("loop"));
    let again_body = b.get(&format!("{}&cursor=loop", jobs("a100-pool"))).body;
    let again = parse_jobs_page(&again_body, &mut HashSet::new()).unwrap();
    assert_eq!(again.next_cursor.as_deref(), Some("loop"));
    assert_eq!(again.jobs, first.jobs, "the same page again");

    b.set_faults(&["endless"]);
    let mut seen = HashSet::new();
    let mut cursors = Vec::new();
    let mut url = jobs("a100-pool");
    for _ in 0..6 {
        let p = parse_jobs_page(&b.get(&url).body, &mut seen).unwrap();
        assert_eq!(p.jobs.len(), 20);
        assert!(p.skipped.is_empty(), "every page brings new ids");
        let c = p.next_cursor.expect("always a next cursor");
        url = format!("{}&cursor={c}", jobs("a100-pool"));
        cursors.push(c);
    }
    assert_eq!(cursors[..3], ["endless.1", "endless.2", "endless.3"]);
    assert_eq!(cursors.iter().collect::<HashSet<_>>().len(), 6);
    // Its cursors mean nothing once the fault is off.
    b.set_faults(&[]);
    assert_eq!(b.get(&url).status, 400);
}

#[test]
fn duplicate_ids_and_skew() {
    let b = Backend::start(&[
        "--jobs",
        "300",
        "--fault",
        "duplicate-ids",
        "--fault",
        "skew:-2d",
    ]);
    let r = b.get(&jobs("a100-pool"));
    let raw: Value = serde_json::from_str(&r.body).unwrap();
    let records = raw["jobs"].as_array().unwrap();
    assert_eq!(records.len() % 2, 0);
    assert!(records.chunks(2).all(|p| p[0] == p[1]));
    let page = parse_jobs_page(&r.body, &mut HashSet::new()).unwrap();
    assert_eq!(page.jobs.len(), records.len() / 2);
    assert_eq!(page.skipped.reasons["duplicate id"], records.len() / 2);
    assert_eq!(page.generated_at, DEFAULT_NOW - 2 * DAY);
    assert_eq!(raw["generated_at"], format_rfc3339(DEFAULT_NOW - 2 * DAY));
}

#[test]
fn nan_and_out_of_range_values_in_even_series() {
    let b = Backend::start(&["--jobs", "300", "--fault", "nan"]);
    let ids = run_ids(&b, "a100-pool", 3);
    let url = format!("/api/v1/queues/a100-pool/metrics?run_ids={}", ids.join(","));
    let r = b.get(&url);
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.body).is_err(),
        "not JSON any more"
    );
    let (tokens, series) = series_values(&r.body);
    assert_eq!(series, 12, "3 runs x 4 metrics");
    for (i, values) in tokens.iter().enumerate() {
        let bad: Vec<&str> = values
            .iter()
            .map(String::as_str)
            .filter(|v| v.contains("Inf") || *v == "NaN")
            .collect();
        if i % 2 == 0 {
            assert_eq!(bad, ["NaN", "Infinity", "-Infinity"], "series {i}");
        } else {
            assert!(bad.is_empty(), "series {i}: {bad:?}");
        }
    }
    // The client reads the odd series and skips and counts the even ones.
    let (ok, skipped) = parse_metrics(&r.body).unwrap();
    assert_eq!(
        (ok.len(), skipped.reasons["a value that is not a number"]),
        (6, 6)
    );
    b.set_faults(&["out-of-range"]);
    let r = b.get(&url);
    let (ok, skipped) = parse_metrics(&r.body).unwrap();
    assert_eq!(
        (ok.len(), skipped.reasons["a value outside 0 to 100"]),
        (6, 6)
    );
    let v: Value = serde_json::from_str(&r.body).unwrap();
    for (i, s) in v["series"].as_array().unwrap().iter().enumerate() {
        let values: Vec<f64> = s["v"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        let outside = values
            .iter()
            .filter(|x| !(0.0..=100.0).contains(*x))
            .count();
        assert_eq!(outside, if i % 2 == 0 { 2 } else { 0 }, "series {i}");
    }
}

/// The raw value tokens of each series' `v` (the body is not JSON).
fn series_values(body: &str) -> (Vec<Vec<String>>, usize) {
    let out: Vec<Vec<String>> = body
        .split("\"v\":[")
        .skip(1)
        .map(|rest| {
            let list = rest.split(']').next().unwrap_or_default();
            list.split(',').map(str::to_string).collect()
        })
        .collect();
    let n = out.len();
    (out, n)
}

#[test]
fn hostile_strings_in_every_free_text_field() {
    let b = Backend::start(&["--jobs", "300", "--fault", "hostile"]);
    let (queues, _) = parse_queues(&b.get("/api/v1/queues").body).unwrap();
    assert_eq!(queues.len(), 3);
    for q in &queues {
        assert!(q.id.ends_with("-pool") || q.id.ends_with("-burst") || q.id.ends_with("-batch"));
        assert!(q.id.len() > "a100-pool".len());
        assert!(q.name.as_deref().is_some_and(|n| n.len() > 8));
    }
    // Hostile ids still work in URLs, percent-encoded as a client sends them.
    let q = &queues[0];
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let url = format!("/api/v1/queues/{}/jobs?{RANGE}", enc(&q.id));
    let r = b.get(&url);
    assert_eq!(r.status, 200, "{}", r.body);
    let page = parse_jobs_page(&r.body, &mut HashSet::new()).unwrap();
    assert!(
        page.skipped.is_empty(),
        "hostile strings are still valid records"
    );
    // The first characters of the hostile strings.
    let starts = [
        '<', '=', '+', '-', '@', '\t', '\r', '\u{202E}', '\u{1}', '"', 'W',
    ];
    let mut kinds = HashSet::new();
    for j in &page.jobs {
        for s in [
            Some(&j.id),
            Some(&j.job),
            j.run_id.as_ref(),
            j.user.as_ref(),
            j.project.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            let first = s.chars().next().unwrap();
            assert!(starts.contains(&first), "{s:?}");
            kinds.insert(first);
        }
        assert!(j.labels.keys().all(|k| k.len() > "team".len()));
        assert!(j.errors.iter().all(|e| !e.message.is_empty()));
    }
    for c in [
        '<', '=', '+', '-', '@', '\t', '\r', '\u{202E}', '\u{1}', '"', 'W',
    ] {
        assert!(kinds.contains(&c), "a value starts with {c:?}");
    }
    assert!(
        page.jobs.iter().any(|j| j.job.len() > 4096),
        "very long strings"
    );
    // Metrics answer for the hostile run ids, under those ids.
    let runs: Vec<String> = page
        .jobs
        .iter()
        .filter_map(|j| j.run_id.clone())
        .take(5)
        .collect();
    let list: Vec<String> = runs.iter().map(|r| enc(r)).collect();
    let m = b.get(&format!(
        "/api/v1/queues/{}/metrics?run_ids={}",
        enc(&q.id),
        list.join(",")
    ));
    let (series, skipped) = parse_metrics(&m.body).unwrap();
    assert!(skipped.is_empty());
    let got: HashSet<&str> = series.iter().map(|s| s.run_id.as_str()).collect();
    assert_eq!(got, runs.iter().map(String::as_str).collect());
}

#[test]
fn thousands_of_unknown_states_and_label_keys() {
    let b = Backend::start(&[
        "--jobs",
        "3000",
        "--page-size",
        "5000",
        "--fault",
        "unknown-states:700",
        "--fault",
        "label-keys:2500",
    ]);
    let page = parse_jobs_page(&b.get(&jobs("a100-pool")).body, &mut HashSet::new()).unwrap();
    assert!(page.skipped.is_empty());
    let n = page.jobs.len();
    assert!(n > 800, "{n}");
    let states: HashSet<&str> = page
        .jobs
        .iter()
        .map(|j| j.transitions[0].state.as_str())
        .collect();
    assert_eq!(states.len(), 700.min(n));
    assert!(states.iter().all(|s| s.starts_with("mystery-")));
    let keys: HashSet<&str> = page
        .jobs
        .iter()
        .flat_map(|j| j.labels.keys().map(String::as_str))
        .filter(|k| k.starts_with("key-"))
        .collect();
    assert_eq!(keys.len(), 2500.min(4 * n));
    assert!(page.jobs.iter().all(|j| j.labels.len() >= 4));
}

#[test]
fn help_lists_the_faults_and_the_control_endpoint() {
    let (ok, help, _) = common::run(&["--help"]);
    assert!(ok);
    for mode in [
        "hang",
        "slow:MS",
        "status:CODE",
        "html",
        "truncated",
        "chunked",
        "gzip",
        "huge:[MB]",
        "loop-cursor",
        "endless",
        "duplicate-ids",
        "skew:DURATION",
        "nan",
        "out-of-range",
        "hostile",
        "unknown-states:[N]",
        "label-keys:[N]",
        "PUT /_control/faults",
        "GET /_control/requests",
        "--fault <MODE>",
    ] {
        assert!(help.contains(mode), "{mode} in --help");
    }
    let (ok, _, err) = common::run(&["--port", "0", "--fault", "slow"]);
    assert!(!ok);
    assert!(err.contains("needs an argument"), "{err}");
}
