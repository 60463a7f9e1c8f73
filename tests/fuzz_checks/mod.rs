//! What the fuzz targets check, shared by `fuzz/fuzz_targets/*.rs` (through
//! `#[path]`) and by `tests/fuzz_regressions.rs`, which replays every input
//! kept in `tests/fuzz-corpus/<target>/` in the regular native tests. Beyond "no panic", each check asserts
//! the parser's promises: skip counts add up, what is kept obeys the
//! contract, round trips are exact, and the whole analysis runs on it.
#![allow(dead_code)] // each user calls some of these

use queuescope::config::Config;
use queuescope_core::analysis::*;
use queuescope_core::model::Dataset;
use queuescope_core::parse::{parse_jobs_page, parse_metrics, parse_queues};
use queuescope_core::prefs::{
    export_all, import_all, GroupingStore, ImportMode, LinkStore, ViewStore,
};
use queuescope_core::view::{parse_query, to_query, RangeSpec};
use serde_json::Value;
use std::collections::HashSet;

/// A fuzz target's check of one input.
pub type Check = fn(&[u8]);

/// The fuzz targets, as named under `fuzz/fuzz_targets/` and
/// `tests/fuzz-corpus/`, with their checks.
pub const TARGETS: [(&str, Check); 7] = [
    ("jobs_page", jobs_page),
    ("cache", cache),
    ("queues", queues),
    ("metrics", metrics),
    ("config", config),
    ("url_query", url_query),
    ("prefs_import", prefs_import),
];

/// Whether a body is a JSON array (never an envelope of the contract).
fn is_array(body: &str) -> bool {
    body.trim_start().starts_with('[')
}

/// How many records of `key` a strictly valid JSON body holds.
fn records(body: &str, key: &str) -> Option<usize> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.get(key)?.as_array().map(Vec::len)
}

/// A jobs page: parsed, checked, then every panel of the analysis.
pub fn jobs_page(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let mut seen = HashSet::new();
    let Ok(page) = parse_jobs_page(body, &mut seen) else {
        return;
    };
    assert!(!is_array(body), "an array is not a page");
    if let Some(n) = records(body, "jobs") {
        assert_eq!(
            page.jobs.len() + page.skipped.total(),
            n,
            "every record kept or skipped"
        );
    }
    assert_eq!(seen.len(), page.jobs.len(), "kept ids are unique");
    for j in &page.jobs {
        assert!(!j.id.is_empty() && !j.transitions.is_empty());
        assert!(j.transitions.windows(2).all(|w| w[0].at <= w[1].at));
    }
    let mut data = Dataset::new("q");
    data.push_page(page);
    analyse(data);
}

/// A cached read (`core::cache`): whatever the bytes, an error or a read
/// whose columns are whole: every panel runs on it, and it encodes to
/// bytes that decode to the same read.
pub fn cache(data: &[u8]) {
    use queuescope_core::cache::{decode, encode};
    let Ok(read) = decode(data) else {
        return;
    };
    let again = decode(&encode(read.span, &read.prepared));
    assert_eq!(again.as_ref(), Ok(&read));
    for j in read.prepared.iter() {
        let job = j.to_job();
        assert!(!job.id.is_empty() && !job.transitions.is_empty());
        assert!(job.transitions.windows(2).all(|w| w[0].at <= w[1].at));
    }
    analyse_prepared(&read.prepared);
}

/// Every panel's numbers over a dataset, see [`analyse_prepared`].
fn analyse(data: Dataset) {
    analyse_prepared(&Prepared::from_dataset(data));
}

/// Every panel's numbers, on the last 7 days before `generated_at` and on
/// the whole lifetime of the jobs.
fn analyse_prepared(p: &Prepared) {
    let g = p.generated_at();
    let first = p.iter().filter_map(|j| j.enqueued_at()).min().unwrap_or(g);
    let ranges = [
        RangeSpec::default().resolve(g),
        TimeRange::new(first, g.saturating_add(1)),
    ];
    for r in ranges {
        let grid = BucketGrid::new(r, auto_width(r), &Zone::Utc);
        let sel = select(p, &Filters::default(), r);
        let status = job_status(p, &sel, &grid);
        assert_eq!(status.states.len(), status.counts.len());
        assert!(
            status.states.len() <= queuescope_core::JobState::KNOWN.len() + MAX_UNKNOWN_STATES + 1
        );
        let mut groupings = vec![
            GroupBy::Field(Field::User),
            GroupBy::Field(Field::State),
            GroupBy::Field(Field::Job),
        ];
        groupings.extend(p.label_keys().into_iter().take(2).map(GroupBy::Label));
        for by in &groupings {
            let groups = group(p, &sel, by);
            assert_eq!(groups.of_job.len(), sel.len());
            let _ = queued_time(p, &sel, &groups, &grid, 10);
            let layout = run_layout(p, &sel, &groups, r);
            let hits = brush_select(
                &layout,
                &Brush {
                    from: r.from,
                    to: r.to,
                    lanes: None,
                },
            );
            let rows = table_rows_in(p, &hits, r, Column::Started, true);
            let _ = rows_to_csv(&rows);
        }
        for f in Field::ALL {
            let _ = p.facet_values(f, &sel);
        }
        let _ = errors_page(p, &sel, r, 0, 100);
        let _ = summary(p, &sel, r);
    }
    let _ = clock_skew(p, g);
}

/// `GET /queues`.
pub fn queues(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((queues, skipped)) = parse_queues(body) else {
        return;
    };
    assert!(!is_array(body), "an array is not a queue list");
    if let Some(n) = records(body, "queues") {
        assert_eq!(
            queues.len() + skipped.total(),
            n,
            "every queue kept or skipped"
        );
    }
    let ids: HashSet<&str> = queues.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids.len(), queues.len(), "ids are unique");
    assert!(!ids.contains(""));
}

/// `GET /queues/{id}/metrics`.
pub fn metrics(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((series, skipped)) = parse_metrics(body) else {
        return;
    };
    assert!(!is_array(body), "an array is not a metrics answer");
    if let Some(n) = records(body, "series") {
        assert_eq!(
            series.len() + skipped.total(),
            n,
            "every series kept or skipped"
        );
    }
    for s in &series {
        assert_eq!(s.t.len(), s.v.len());
        assert!(s.t.windows(2).all(|w| w[0] <= w[1]));
        assert!(s.v.iter().flatten().all(|v| (0.0..=100.0).contains(v)));
        let (t, v) = downsample(&s.t, &s.v, 50);
        assert_eq!(t.len(), v.len());
        assert!(t.len() <= s.t.len().max(50));
    }
}

/// `config.json` (SPEC §4), and what the app derives from it at once.
pub fn config(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(c) = Config::from_json(body) else {
        return;
    };
    // A blank or missing `api_base` is demo mode; any other, even "/"
    // (the API at the origin's root, which becomes "" + "/queues"), is a
    // backend, without a trailing slash.
    let given: Option<String> = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("api_base")?.as_str().map(str::to_string));
    assert_eq!(
        c.is_demo(),
        given.as_deref().is_none_or(|b| b.trim().is_empty()),
        "{body}"
    );
    if let (Some(base), Some(given)) = (&c.api_base, &given) {
        assert!(!base.ends_with('/'));
        assert_eq!(
            format!("{base}/queues"),
            format!("{}/queues", given.trim_end_matches('/'))
        );
    }
    for l in &c.default_links {
        let u = l.url.trim_start().to_ascii_lowercase();
        assert!(
            u.starts_with("http://") || u.starts_with("https://"),
            "{}",
            l.url
        );
    }
    // SPEC §4's limits hold whatever the file says (a value outside them
    // is clamped, never a panic later in the browser's timer).
    if let Some(r) = c.refresh_seconds {
        assert!(queuescope_core::limits::REFRESH_SECONDS.contains(&r), "{r}");
    }
    assert!(queuescope_core::limits::REQUEST_TIMEOUT_SECONDS.contains(&c.request_timeout()));
    let _ = (c.title(), c.is_demo());
    let _ = c.run_link(Some("e/ü"), None, "r 1");
    let _ = c.run_link(None, Some("p"), "");
}

/// SPEC §5: a view read from any query string writes a query that reads
/// back as the same view, with nothing to complain about.
pub fn url_query(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let (view, _) = parse_query(query);
    let written = to_query(&view);
    let (again, notices) = parse_query(&written);
    assert_eq!(again, view, "{query:?} -> {written:?}");
    assert!(notices.is_empty(), "{written:?}: {notices:?}");
    assert_eq!(to_query(&again), written);
}

/// An imported prefs file: refused whole or taken whole, and what was
/// taken exports and imports back to the same stores.
pub fn prefs_import(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let (l, v, g) = (
        LinkStore::default(),
        ViewStore::default(),
        GroupingStore::default(),
    );
    let _ = import_all(json, ImportMode::Merge, &l, &v, &g);
    let Ok((l2, v2, g2)) = import_all(json, ImportMode::Replace, &l, &v, &g) else {
        return;
    };
    let exported = export_all(&l2, &v2, &g2);
    let back = import_all(&exported, ImportMode::Replace, &l, &v, &g);
    assert_eq!(back, Ok((l2, v2, g2)), "{exported}");
}

/// The inputs kept for `target` (crashes found and a small seed corpus),
/// as (file name, bytes).
pub fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fuzz-corpus")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    out.sort();
    out
}
