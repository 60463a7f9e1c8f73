//! Browser tests that mount real components in headless Chromium
//! (`wasm-bindgen-test`; run by `scripts/test.sh test-wasm`).
//!
//! Plotly.js is not on the test runner's page, so these tests look at what
//! the DOM shows (tables, figures, notices), and the charts' own numbers are
//! covered by the Playwright tests.

use crate::api::Source;
use crate::components::Dashboard;
use crate::config::Config;
use crate::format;
use leptos::prelude::*;
use queuescope_core::analysis::insights::{idle_windows, who_waits};
use queuescope_core::analysis::{self, Filters, GroupBy, Prepared, TimeRange};
use queuescope_core::demo::{self, DemoConfig};
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits (without a fixed sleep) until `<html data-app-state>` is `state`.
async fn wait_for_state(state: &str) -> bool {
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    for _ in 0..500 {
        if html
            .as_ref()
            .and_then(|h| h.get_attribute("data-app-state"))
            .as_deref()
            == Some(state)
        {
            return true;
        }
        gloo_timers::future::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A new `<div>` at the end of the body, to mount a view in.
pub(crate) fn host() -> web_sys::HtmlElement {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let host = doc.create_element("div").expect("a div");
    doc.body()
        .expect("a body")
        .append_child(&host)
        .expect("append");
    host.dyn_into().expect("an HtmlElement")
}

fn texts(selector: &str, attr: Option<&str>) -> Vec<String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let list = doc.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .map(|e| match attr {
            Some(a) => e.get_attribute(a).unwrap_or_default(),
            None => e.text_content().unwrap_or_default(),
        })
        .collect()
}

#[wasm_bindgen_test]
async fn dashboard_on_demo_data_shows_core_figures_and_errors_newest_first() {
    const FROM: &str = "2026-11-25T00:00:00Z";
    const TO: &str = "2026-11-28T00:00:00Z";
    let now = parse_rfc3339("2026-11-28T09:00:00Z").expect("a valid time");
    // An absolute range in the URL makes the view independent of the clock.
    let w = web_sys::window().expect("a window");
    w.history()
        .expect("history")
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?from={FROM}&to={TO}&tz=utc")),
        )
        .expect("replaceState");

    let config = Config {
        demo_jobs: Some(1500),
        ..Config::default()
    };
    let source = Source::from_config(&config, now);
    let _mounted = leptos::mount::mount_to(
        host(),
        move || view! { <Dashboard config=config.clone() source=source.clone()/> },
    );

    assert!(
        wait_for_state("ready").await,
        "the dashboard reaches data-app-state=ready"
    );

    // What core computes for the same data and view.
    let data = demo::generate(&DemoConfig {
        now,
        jobs: 1500,
        ..DemoConfig::default()
    });
    let prep = Prepared::new(&data.datasets[0]);
    let range = TimeRange::new(
        parse_rfc3339(FROM).unwrap_or(0),
        parse_rfc3339(TO).unwrap_or(0),
    );
    let sel = analysis::select(&prep, &Filters::default(), range);
    let summary = analysis::summary(&prep, &sel, range);
    let errors = analysis::errors(&prep, &sel, range);
    assert!(!errors.is_empty(), "the demo week has errors in this range");

    // Header figures.
    let figures = texts("[data-summary] .qs-figure-value", None);
    assert_eq!(figures[0], format::count(summary.jobs), "jobs figure");
    assert_eq!(figures[1], format::count(summary.runs), "runs figure");

    // Errors table: the first page, newest first, exactly core's rows.
    let shown = texts("[data-panel='errors'] tbody tr", Some("data-job-id"));
    let expected: Vec<String> = errors
        .iter()
        .take(shown.len().max(1))
        .map(|e| e.job_id.clone())
        .collect();
    assert_eq!(shown.len(), errors.len().min(25));
    assert_eq!(shown, expected);
    let at: Vec<i64> = texts("[data-panel='errors'] tbody tr", Some("data-at"))
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    assert!(at.windows(2).all(|w| w[0] >= w[1]), "newest first: {at:?}");

    insights_match_core(&prep, &sel, range);
    // The demo badge says where the data comes from.
    assert_eq!(
        texts("[data-demo-badge]", None),
        vec!["Demo data".to_string()]
    );
}

/// The insights panel shows the idle windows and who waits most (over every
/// group of the grouping, not only the folded ones) as core computes them.
fn insights_match_core(prep: &Prepared, sel: &analysis::Selection, range: TimeRange) {
    let idle = idle_windows(prep, sel, range);
    assert!(!idle.top.is_empty(), "the demo days have idle windows");
    let attr = |sel: &str, a: &str| texts(&format!("[data-panel='insights'] {sel}"), Some(a));
    let starts: Vec<String> = idle.top.iter().map(|w| format_rfc3339(w.start)).collect();
    assert_eq!(attr("[data-insight='idle-window']", "data-start"), starts);
    let lengths: Vec<String> = idle
        .top
        .iter()
        .map(|w| format::seconds_attr(w.len()))
        .collect();
    assert_eq!(
        attr("[data-insight='idle-window']", "data-seconds"),
        lengths
    );
    let groups = analysis::group(prep, sel, &GroupBy::default());
    let who = who_waits(prep, sel, &groups, range);
    let names: Vec<String> = who.iter().map(|g| g.group.clone()).collect();
    assert_eq!(attr("[data-insight='who-waits']", "data-group"), names);
    let secs: Vec<String> = who
        .iter()
        .map(|g| format::seconds_attr(g.waiting))
        .collect();
    assert_eq!(attr("[data-insight='who-waits']", "data-seconds"), secs);
}
