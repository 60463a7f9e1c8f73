//! Prints, as JSON, what the native core computes for a view of the demo
//! data, so the browser tests (tests/e2e/generated.test.mjs,
//! tests/e2e/monitor.test.mjs) can check that the app shows exactly these
//! numbers after REST, paging, parsing and Plotly. One source of truth: the
//! same `demo::generate` the demo backend serves and the same `analysis`
//! functions the app calls, chained as `src/state.rs` chains them.
//!
//! ```text
//! cargo run --release -p queuescope-core --example expected -- job-status \
//!     --seed 7 --jobs 3000 --queue a100-pool \
//!     --from 2026-11-26T00:00:00Z --to 2026-11-28T00:00:00Z --bucket 1h
//! ```
//!
//! Reports (times are UTC milliseconds):
//!
//! - `job-status`: `{"x": [bucket start, ...], "traces": [{"name": "Idle", "y": [...]}, ...]}`,
//!   traces in the order the job-status chart stacks them.
//! - `queued-time`: the same shape, one trace per (folded) group, as the
//!   queued-time chart stacks them.
//! - `brush` (needs `--brush FROM,TO`, optional `--lanes Y0,Y1`): the runs
//!   the brush selects, as selection-table rows in the order of `--sort`
//!   and `--order`, with the usage metrics each run has, and the CSV the
//!   table downloads.
//! - `recent-runs`: the runs the usage charts show without a brush (the 50
//!   most recent), with their launch job, project, metrics and group.
//! - `runs`: the Job runs bars (job, run, user, start, end, lane, group),
//!   the `--limit` longest first.
//! - `errors`: the errors in the view, newest first (`--limit` rows).
//! - `facets`: the filter values (with job counts) of the unfiltered range.
//!
//! Every report follows the view options: `--group KEY` (as the URL's
//! `group`), filters `--user V`, `--job V`, `--project V`, `--entity V`,
//! `--state V`, `--label KEY:VALUE` (each repeatable, as in the URL) and
//! `--q TEXT`.

use queuescope_core::analysis::{
    auto_width, brush_select, errors_page, fold_groups, group, job_status, queued_time,
    rows_to_csv, run_layout, select, table_rows_in, Brush, BucketGrid, Column, Field, Filters,
    Prepared, RunBar, RunLayout, Selection, TableRow, TimeRange, Zone,
};
use queuescope_core::demo::{generate, run_metrics, DemoConfig};
use queuescope_core::parse::Metric;
use queuescope_core::time::parse_rfc3339;
use queuescope_core::view::{GroupKey, Width};
use queuescope_core::{Dataset, Job, Ms};
use serde_json::json;
use std::cmp::Reverse;
use std::process::ExitCode;

/// Groups a panel shows (`src/state.rs`: `MAX_GROUPS`).
const MAX_GROUPS: usize = 12;
/// Runs the usage charts show without a brush (`src/components/usage.rs`).
const RECENT_RUNS: usize = 50;

/// What to compute, from the command line.
struct Args {
    report: String,
    demo: DemoConfig,
    queue: String,
    range: TimeRange,
    /// `None`: auto width (SPEC §3).
    bucket: Option<i64>,
    /// Grouping key, as the URL's `group`.
    group: String,
    filters: Filters,
    brush: Option<(Ms, Ms)>,
    lanes: Option<(f64, f64)>,
    sort: Column,
    ascending: bool,
    limit: usize,
}

const USAGE: &str = "usage: expected job-status|queued-time|brush|recent-runs|errors|facets \
--seed N --jobs N --queue ID --from RFC3339 --to RFC3339 [--bucket 1h] [--now RFC3339] \
[--days N] [--group KEY] [--user V]... [--job V]... [--project V]... [--entity V]... \
[--state V]... [--label KEY:VALUE]... [--q TEXT] [--brush FROM,TO] [--lanes Y0,Y1] \
[--sort started|run-time|...] [--order asc|desc] [--limit N]";

/// A time given as RFC 3339 or as milliseconds since the epoch.
fn parse_time(s: &str) -> Result<Ms, String> {
    s.parse::<Ms>().or_else(|_| parse_rfc3339(s))
}

/// `A,B` into a pair.
fn pair<T>(s: &str, each: impl Fn(&str) -> Result<T, String>) -> Result<(T, T), String> {
    let (a, b) = s.split_once(',').ok_or(format!("{s:?}: expected A,B"))?;
    Ok((each(a.trim())?, each(b.trim())?))
}

/// A selection-table column by a kebab-case form of its header.
fn column(s: &str) -> Result<Column, String> {
    Ok(match s {
        "job-id" => Column::JobId,
        "run" => Column::Run,
        "launch-job" => Column::Job,
        "project" => Column::Project,
        "user" => Column::User,
        "state" => Column::State,
        "enqueued" => Column::Enqueued,
        "started" => Column::Started,
        "ended" => Column::Ended,
        "queued" => Column::QueuedSecs,
        "run-time" => Column::RunSecs,
        other => return Err(format!("unknown column {other:?}")),
    })
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let report = argv.next().ok_or("missing report name")?;
    let mut demo = DemoConfig::default();
    let (mut queue, mut from, mut to, mut bucket) = (None, None, None, None);
    let mut group = "user".to_string();
    let mut filters = Filters::default();
    let (mut brush, mut lanes) = (None, None);
    let (mut sort, mut ascending, mut limit) = (Column::Started, true, usize::MAX);
    while let Some(flag) = argv.next() {
        let value = argv.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--seed" => demo.seed = number()?,
            "--jobs" => demo.jobs = number()? as usize,
            "--days" => demo.days = number()? as u32,
            "--now" => demo.now = parse_rfc3339(&value)?,
            "--queue" => queue = Some(value),
            "--from" => from = Some(parse_rfc3339(&value)?),
            "--to" => to = Some(parse_rfc3339(&value)?),
            "--bucket" if value == "auto" => bucket = None,
            "--bucket" => {
                bucket = Some(
                    Width::parse(&value)
                        .ok_or(format!("bad width {value}"))?
                        .ms(),
                )
            }
            "--group" => group = value,
            "--label" => {
                let (k, v) = value.split_once(':').ok_or("--label needs KEY:VALUE")?;
                filters.labels.insert((k.to_string(), v.to_string()));
            }
            "--q" => filters.text = value.trim().to_string(),
            "--brush" => brush = Some(pair(&value, parse_time)?),
            "--lanes" => {
                lanes = Some(pair(&value, |s| {
                    s.parse::<f64>().map_err(|e| format!("--lanes: {e}"))
                })?)
            }
            "--sort" => sort = column(&value)?,
            "--order" => ascending = value != "desc",
            "--limit" => limit = number()? as usize,
            other => match other.strip_prefix("--").and_then(Field::parse) {
                Some(field) => {
                    filters.values_mut(field).insert(value);
                }
                None => return Err(format!("unknown option {other}")),
            },
        }
    }
    Ok(Args {
        report,
        demo,
        queue: queue.ok_or("missing --queue")?,
        range: TimeRange::new(from.ok_or("missing --from")?, to.ok_or("missing --to")?),
        bucket,
        group,
        filters,
        brush,
        lanes,
        sort,
        ascending,
        limit,
    })
}

/// The dataset as the app receives it from demo-backend for the range:
/// jobs whose lifetime overlaps it, in the backend's order (lifetime
/// start, then id). Job indices, and so every tie broken by index, match
/// the app's.
fn as_served(data: &Dataset, range: TimeRange) -> Dataset {
    let g = data.generated_at;
    let mut jobs: Vec<_> = data
        .jobs
        .iter()
        .filter(|j| {
            let (start, end) = j.lifetime(g);
            start < range.to && end >= range.from
        })
        .cloned()
        .collect();
    jobs.sort_by_cached_key(|j| (j.lifetime(g).0, j.id.clone()));
    Dataset {
        jobs,
        ..data.clone()
    }
}

/// The views the panels read, chained as `src/state.rs` chains them.
struct View {
    prep: Prepared,
    sel: Selection,
    grid: BucketGrid,
    groups: queuescope_core::analysis::Groups,
    runs: RunLayout,
}

fn view(args: &Args) -> Result<View, String> {
    let data = generate(&args.demo);
    let dataset = data
        .datasets
        .iter()
        .find(|d| d.queue_id == args.queue)
        .ok_or(format!("no queue {:?} in the demo data", args.queue))?;
    let prep = Prepared::from_dataset(as_served(dataset, args.range));
    let sel = select(&prep, &args.filters, args.range);
    let width = args.bucket.unwrap_or_else(|| auto_width(args.range));
    let grid = BucketGrid::new(args.range, width, &Zone::Utc);
    let by = GroupKey::parse(&args.group)
        .and_then(|k| k.resolve(&[]))
        .ok_or(format!("bad --group {:?}", args.group))?;
    let groups = fold_groups(&group(&prep, &sel, &by), MAX_GROUPS);
    let runs = run_layout(&prep, &sel, &groups, args.range);
    Ok(View {
        prep,
        sel,
        grid,
        groups,
        runs,
    })
}

/// The usage metrics demo-backend serves for a run (wire names).
fn metrics_of(args: &Args, v: &View, job: u32) -> Vec<&'static str> {
    let Some(j) = v.prep.get(job as usize) else {
        return Vec::new();
    };
    Metric::ALL
        .into_iter()
        .filter(|&m| run_metrics(args.demo.seed, j, v.prep.generated_at(), m).is_some())
        .map(Metric::as_str)
        .collect()
}

fn row_json(args: &Args, v: &View, r: &TableRow) -> serde_json::Value {
    json!({
        "job_id": r.job_id,
        "run_id": r.run_id,
        "started": r.started,
        "run_secs": r.run_secs,
        "metrics": metrics_of(args, v, r.job),
    })
}

/// The first `n` Job runs bars by `key` (ties by job index), each as `row(job, bar)`.
fn bars_json<K: Ord>(
    v: &View,
    n: usize,
    key: impl Fn(&RunBar) -> K,
    row: impl Fn(&Job, &RunBar) -> serde_json::Value,
) -> Vec<serde_json::Value> {
    let mut bars: Vec<_> = v.runs.bars.iter().collect();
    bars.sort_by(|x, y| key(x).cmp(&key(y)).then(x.job.cmp(&y.job)));
    bars.into_iter()
        .take(n)
        .filter_map(|b| Some(row(v.prep.get(b.job as usize)?, b)))
        .collect()
}

fn run(args: &Args) -> Result<serde_json::Value, String> {
    let v = view(args)?;
    let x = &v.grid.starts;
    match args.report.as_str() {
        "job-status" => {
            let status = job_status(&v.prep, &v.sel, &v.grid);
            let traces: Vec<_> = status
                .states
                .iter()
                .zip(&status.counts)
                .map(|(state, y)| json!({ "name": state.label(), "y": y }))
                .collect();
            Ok(json!({ "x": x, "traces": traces }))
        }
        "queued-time" => {
            let series = queued_time(&v.prep, &v.sel, &v.groups, &v.grid, MAX_GROUPS);
            let traces: Vec<_> = series
                .groups
                .iter()
                .zip(&series.values)
                .map(|(name, y)| json!({ "name": name, "y": y }))
                .collect();
            Ok(json!({ "x": x, "traces": traces }))
        }
        "brush" => {
            let (a, b) = args.brush.ok_or("brush needs --brush FROM,TO")?;
            let brush = Brush {
                from: a.min(b),
                to: a.max(b),
                lanes: args.lanes.map(|(y0, y1)| (y0.min(y1), y0.max(y1))),
            };
            let jobs = brush_select(&v.runs, &brush);
            let rows = table_rows_in(&v.prep, &jobs, args.range, args.sort, args.ascending);
            let out: Vec<_> = rows.iter().map(|r| row_json(args, &v, r)).collect();
            Ok(json!({
                "runs": v.runs.bars.len(),
                "lanes": v.runs.lanes,
                "rows": out,
                "csv": rows_to_csv(&rows),
            }))
        }
        "recent-runs" => {
            // As `in_view` in src/components/usage.rs: latest start first, ties by job index.
            let runs = bars_json(&v, RECENT_RUNS, |b| Reverse(b.start), |job, b| {
                json!({
                    "job_id": job.id,
                    "run_id": job.run_id.as_deref().unwrap_or(&job.id),
                    "job": job.job,
                    "project": job.project,
                    "started": b.start,
                    "metrics": metrics_of(args, &v, b.job),
                    "group": v.groups.names.get(usize::from(b.group)),
                })
            });
            Ok(json!({ "runs": runs }))
        }
        "runs" => {
            // The Job runs bars, longest first (easy to point at).
            let runs = bars_json(&v, args.limit, |b| Reverse(b.end - b.start), |job, b| {
                json!({
                    "job_id": job.id,
                    "run_id": job.run_id.as_deref().unwrap_or(&job.id),
                    "run_name": job.run_name,
                    "job": job.job,
                    "user": job.user,
                    "start": b.start,
                    "end": b.end,
                    "lane": b.lane,
                    "group": v.groups.names.get(usize::from(b.group)),
                })
            });
            Ok(json!({ "lanes": v.runs.lanes, "runs": runs }))
        }
        "errors" => {
            let (total, rows) = errors_page(&v.prep, &v.sel, args.range, 0, args.limit);
            let rows: Vec<_> = rows
                .iter()
                .map(|e| json!({ "job_id": e.job_id, "at": e.at, "message": e.message }))
                .collect();
            Ok(json!({ "total": total, "rows": rows }))
        }
        "facets" => {
            let all = select(&v.prep, &Filters::default(), args.range);
            let mut out = serde_json::Map::new();
            for f in Field::ALL {
                out.insert(f.as_str().into(), json!(v.prep.facet_values(f, &all)));
            }
            let labels: serde_json::Map<_, _> = v
                .prep
                .label_keys()
                .into_iter()
                .map(|k| {
                    let values = v.prep.label_values(&k, &all);
                    (k, json!(values))
                })
                .collect();
            out.insert("labels".into(), labels.into());
            Ok(out.into())
        }
        other => Err(format!(
            "unknown report {other:?} (known: job-status, queued-time, brush, recent-runs, runs, errors, facets)"
        )),
    }
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)).and_then(|a| run(&a)) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("expected: {e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}
