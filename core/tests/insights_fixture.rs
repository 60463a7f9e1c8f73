//! The hand-made fixture `tests/fixtures/insights.json`, read as the app
//! reads the backend (parse, prepare, select), against the answers derived
//! by hand in `tests/fixtures/insights-expected.md`. The figures below are
//! copied from that file, not computed.

mod common;
use common::{spike_row, t, SpikeRow};
use queuescope_core::analysis::insights::*;
use queuescope_core::analysis::*;
use queuescope_core::model::{Dataset, Ms, SECOND};
use queuescope_core::{parse_jobs_page, parse_metrics};

/// The fixture's queue as the app holds it: the prepared jobs, the view's
/// selection, and its range.
struct View {
    p: Prepared,
    ids: RunIds,
    sel: Selection,
    range: TimeRange,
    series: Vec<queuescope_core::parse::Series>,
}

impl View {
    /// The usage as the insight reads it.
    fn means(&self, usage: &UsageByRun) -> JobMeans {
        JobMeans::new(&self.p, &self.ids, &gpu_means(usage))
    }
}

/// `?queue=insights&from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z&tz=utc&bucket=1h&group=user`
fn view() -> View {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/insights.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    let v: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
    let page = serde_json::json!({
        "jobs": v["jobs"]["insights"],
        "next_cursor": null,
        "generated_at": v["generated_at"],
    });
    let parsed = parse_jobs_page(&page.to_string(), &mut Default::default()).expect("page");
    assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
    let mut data = Dataset::new("insights");
    data.push_page(parsed);
    let body = serde_json::json!({"series": v["metrics"]["insights"]}).to_string();
    let (series, skipped) = parse_metrics(&body).expect("metrics");
    assert!(skipped.is_empty());
    let p = Prepared::from_dataset(data);
    let range = TimeRange::new(t("2026-11-21T00:00:00Z"), t("2026-11-22T00:00:00Z"));
    let sel = select(&p, &Filters::default(), range);
    View {
        ids: RunIds::new(&p),
        p,
        sel,
        range,
        series,
    }
}

/// Seconds, as the `data-seconds` attributes carry them.
fn secs(ms: Ms) -> Ms {
    assert_eq!(ms % SECOND, 0);
    ms / SECOND
}

fn at(hhmm: &str) -> Ms {
    t(&format!("2026-11-21T{hhmm}:00Z"))
}

#[test]
fn idle_windows_of_the_fixture() {
    let v = view();
    assert_eq!(v.sel.len(), 23, "every job but i-d0");
    let w = idle_windows(&v.p, &v.sel, v.range);
    let got: Vec<(Ms, Ms, Ms)> = w
        .top
        .iter()
        .map(|w| (w.start, w.end, secs(w.len())))
        .collect();
    assert_eq!(
        got,
        vec![
            (at("09:40"), at("12:00"), 8400),
            (at("00:00"), at("02:10"), 7800),
            (at("13:30"), at("15:40"), 7800),
            (at("18:00"), at("18:45"), 2700),
        ]
    );
    assert_eq!((w.count, secs(w.total)), (4, 26_700));
    assert_eq!(w.share(), 445.0 / 1440.0);
    // The header's idle share also counts the 20-minute gap (it is 1 - busy/len).
    let header = summary(&v.p, &v.sel, v.range).idle_share;
    assert!((header - 465.0 / 1440.0).abs() < 1e-12, "{header}");
}

#[test]
fn waiting_by_hour_of_the_fixture() {
    let v = view();
    let h = waiting_by_hour(&v.p, &v.sel, v.range, &Zone::Utc);
    // Saturday's 24 hours, waiting minutes per hour (the table of the derivation).
    let minutes = [
        40, 20, 20, 60, 30, 0, 30, 10, 0, 0, 60, 60, 0, 0, 0, 60, 0, 0, 30, 60, 60, 120, 60, 30,
    ];
    for c in &h.cells {
        if c.weekday == 5 {
            let want = minutes[usize::from(c.hour)];
            assert_eq!(secs(c.waiting), want * 60, "Sat {:02}", c.hour);
            assert_eq!(secs(c.covered), 3600, "Sat {:02}", c.hour);
            assert_eq!(c.mean(), Some(want as f64 / 60.0));
        } else {
            assert_eq!(c.mean(), None, "day {} hour {}", c.weekday, c.hour);
        }
    }
    assert_eq!(secs(h.cells.iter().map(|c| c.waiting).sum()), 45_000);
    type Peak = (u8, u8, f64, Option<(Ms, Ms)>);
    let peaks: Vec<Peak> = h
        .peaks()
        .iter()
        .map(|c| (c.weekday, c.hour, c.mean().unwrap_or(-1.0), c.last))
        .collect();
    assert_eq!(
        peaks,
        vec![
            (5, 21, 2.0, Some((at("21:00"), at("22:00")))),
            (5, 3, 1.0, Some((at("03:00"), at("04:00")))),
            (5, 10, 1.0, Some((at("10:00"), at("11:00")))),
            (5, 11, 1.0, Some((at("11:00"), at("12:00")))),
            (5, 15, 1.0, Some((at("15:00"), at("16:00")))),
        ]
    );
}

#[test]
fn who_waits_most_in_the_fixture() {
    let v = view();
    let groups = group(&v.p, &v.sel, &GroupBy::Field(Field::User));
    let got: Vec<(String, Ms, usize, Option<Ms>)> = who_waits(&v.p, &v.sel, &groups, v.range)
        .into_iter()
        .map(|g| (g.group, secs(g.waiting), g.jobs, g.p95_wait.map(secs)))
        .collect();
    let want = [
        ("grace", 19_800, 2, Some(16_200)),
        ("alice", 9_000, 2, Some(7_200)),
        ("bob", 7_200, 2, Some(5_400)),
        ("carol", 3_000, 2, Some(1_800)),
        ("frank", 3_000, 2, Some(1_800)),
    ];
    let want: Vec<(String, Ms, usize, Option<Ms>)> = want
        .into_iter()
        .map(|(g, s, n, p)| (g.to_string(), s, n, p))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn failure_spikes_of_the_fixture() {
    let v = view();
    let grid = BucketGrid::new(v.range, queuescope_core::model::HOUR, &Zone::Utc);
    let status = job_status(&v.p, &v.sel, &grid);
    let s = failure_spikes(&v.p, &v.sel, &grid, &status);
    assert_eq!((s.median, s.threshold, s.count), (0.0, 3, 2));
    let got: Vec<(Ms, Ms, SpikeRow)> = s
        .spikes
        .iter()
        .map(|x| (x.start, x.end, spike_row(x)))
        .collect();
    let row = |b: usize, n: u32, user: &str, un: u32, job: &str, jn: u32| {
        (b, n, user.to_string(), un, job.to_string(), jn)
    };
    assert_eq!(
        got,
        vec![
            (
                at("20:00"),
                at("21:00"),
                row(20, 3, "erin", 2, "eval-nightly:v2", 1)
            ),
            (
                at("14:00"),
                at("15:00"),
                row(14, 4, "dave", 2, "train-llm:v7", 3)
            ),
        ]
    );
}

#[test]
fn under_used_gpus_of_the_fixture() {
    let v = view();
    // Nothing loaded yet: all 11 runs of the view are offered.
    let empty = UsageByRun::new();
    let none = under_used_gpus(&v.p, &v.sel, v.range, &v.means(&empty));
    assert_eq!((none.in_view, none.loaded, none.count), (11, 0, 0));
    let to_load = runs_to_load(&v.p, &v.sel, v.range, &v.means(&empty));
    assert_eq!(to_load.len(), 11);
    // Everything loaded, as the app's cache holds it: an entry per run
    // asked for (empty for run-f2, which has no series).
    let mut usage = UsageByRun::new();
    for j in to_load {
        let id = v.p.job(j as usize).run_id.clone().expect("run id");
        let series = v
            .series
            .iter()
            .filter(|s| s.run_id == id)
            .cloned()
            .collect();
        usage.insert(id, series);
    }
    let u = under_used_gpus(&v.p, &v.sel, v.range, &v.means(&usage));
    assert_eq!((u.in_view, u.loaded, u.count), (11, 11, 5));
    let got: Vec<(&str, &str, &str, String, Ms, String)> = u
        .runs
        .iter()
        .map(|r| {
            (
                r.run_id.as_str(),
                r.launch_job.as_str(),
                r.user.as_str(),
                format!("{}", r.mean_gpu),
                secs(r.run_len),
                format!("{:.4}", r.unused_hours),
            )
        })
        .collect();
    let want = [
        ("run-g1", "train-llm:v7", "grace", "3", 23_400, "6.3050"),
        ("run-a1", "train-resnet:v3", "alice", "12", 10_200, "2.4933"),
        ("run-c1", "sweep-lr:v1", "carol", "19.5", 9_600, "2.1467"),
        ("run-b2", "train-llm:v7", "bob", "10", 8_400, "2.1000"),
        ("run-e1", "eval-nightly:v2", "erin", "5", 1_800, "0.4750"),
    ];
    let want: Vec<(&str, &str, &str, String, Ms, String)> = want
        .into_iter()
        .map(|(r, j, u, m, s, h)| (r, j, u, m.to_string(), s, h.to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(runs_to_load(&v.p, &v.sel, v.range, &v.means(&usage)).is_empty());
}
