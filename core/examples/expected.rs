//! Prints, as JSON, what the native core computes for a view of the demo
//! data, so the browser tests (tests/e2e/generated.test.mjs) can check that
//! the app shows exactly these numbers after REST, paging, parsing and
//! Plotly. One source of truth: the same `demo::generate` the demo backend
//! serves and the same `analysis` functions the app calls.
//!
//! ```text
//! cargo run --release -p queuescope-core --example expected -- job-status \
//!     --seed 7 --jobs 3000 --queue a100-pool \
//!     --from 2026-11-26T00:00:00Z --to 2026-11-28T00:00:00Z --bucket 1h
//! ```
//!
//! Output: `{"x": [bucket start ms, ...], "traces": [{"name": "Idle", "y": [...]}, ...]}`,
//! traces in the order the job-status chart stacks them. Times are UTC.

use queuescope_core::analysis::{
    auto_width, job_status, parse_width, select, BucketGrid, Filters, Prepared, TimeRange, Zone,
};
use queuescope_core::demo::{generate, DemoConfig};
use queuescope_core::time::parse_rfc3339;
use serde_json::json;
use std::process::ExitCode;

/// What to compute, from the command line.
struct Args {
    report: String,
    demo: DemoConfig,
    queue: String,
    range: TimeRange,
    /// `None`: auto width (SPEC §3).
    bucket: Option<i64>,
}

const USAGE: &str = "usage: expected job-status --seed N --jobs N --queue ID \
--from RFC3339 --to RFC3339 [--bucket 1h] [--now RFC3339] [--days N]";

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let report = argv.next().ok_or("missing report name")?;
    let mut demo = DemoConfig::default();
    let (mut queue, mut from, mut to, mut bucket) = (None, None, None, None);
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
            "--bucket" => bucket = Some(parse_width(&value).ok_or(format!("bad width {value}"))?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Args {
        report,
        demo,
        queue: queue.ok_or("missing --queue")?,
        range: TimeRange::new(from.ok_or("missing --from")?, to.ok_or("missing --to")?),
        bucket,
    })
}

fn run(args: &Args) -> Result<serde_json::Value, String> {
    let data = generate(&args.demo);
    let dataset = data
        .datasets
        .iter()
        .find(|d| d.queue_id == args.queue)
        .ok_or(format!("no queue {:?} in the demo data", args.queue))?;
    let prep = Prepared::new(dataset);
    let sel = select(&prep, &Filters::default(), args.range);
    let width = args.bucket.unwrap_or_else(|| auto_width(args.range));
    let grid = BucketGrid::new(args.range, width, &Zone::Utc);
    match args.report.as_str() {
        "job-status" => {
            let status = job_status(&prep, &sel, &grid);
            let traces: Vec<_> = status
                .states
                .iter()
                .zip(&status.counts)
                .map(|(state, y)| json!({ "name": state.label(), "y": y }))
                .collect();
            Ok(json!({ "x": grid.starts, "traces": traces }))
        }
        other => Err(format!("unknown report {other:?} (known: job-status)")),
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
