//! Criterion benchmark of an incremental refresh (issue #12): 100k held
//! jobs, 100 changed records (an `updated_since` page), applied with
//! `Prepared::updated` (a splice) against reading the whole range again.
//! Figures in docs/benchmarks.md.
//!
//! Run: `cargo bench -p queuescope-core --bench update`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use queuescope_core::analysis::{Prepared, PreparedBuilder};
use queuescope_core::demo::{generate, to_raw_job, DemoConfig, DEFAULT_NOW};
use queuescope_core::model::{Job, JobState, Transition, DAY, MINUTE};
use queuescope_core::parse::read_jobs_page;
use queuescope_core::time::format_rfc3339;

/// 100k demo jobs of all queues.
fn jobs() -> Vec<Job> {
    let demo = generate(&DemoConfig {
        jobs: 100_000,
        ..DemoConfig::default()
    });
    demo.datasets.into_iter().flat_map(|d| d.jobs).collect()
}

/// One page of `GET .../jobs` holding `jobs`.
fn page(jobs: &[Job], generated_at: i64) -> String {
    let records: Vec<String> = jobs
        .iter()
        .filter_map(|j| serde_json::to_string(&to_raw_job(j)).ok())
        .collect();
    format!(
        "{{\"jobs\":[{}],\"next_cursor\":null,\"generated_at\":\"{}\"}}",
        records.join(","),
        format_rfc3339(generated_at)
    )
}

/// The held jobs, read as a load reads them (pages of 5,000).
fn load(pages: &[String]) -> Prepared {
    let mut b = PreparedBuilder::new();
    for p in pages {
        if let Ok(page) = read_jobs_page(p, &mut None) {
            b.push_page(page);
        }
    }
    b.finish().0
}

fn benches(c: &mut Criterion) {
    let all = jobs();
    let g0 = DEFAULT_NOW;
    let g1 = g0 + 10_000;
    let pages: Vec<String> = all.chunks(5_000).map(|c| page(c, g0)).collect();
    let held = load(&pages);
    // 100 changed: 80 unfinished jobs move on, 20 new ones arrive.
    let mut changed: Vec<Job> = all
        .iter()
        .filter(|j| !j.current_state().is_terminal())
        .take(80)
        .cloned()
        .map(|mut j| {
            j.transitions.push(Transition {
                state: JobState::Finished,
                at: g0 + 5_000,
            });
            j
        })
        .collect();
    changed.extend(all.iter().take(20).cloned().enumerate().map(|(k, mut j)| {
        j.id = format!("new-{k}");
        j.transitions = vec![Transition {
            state: JobState::Queued,
            at: g0 + MINUTE / 60,
        }];
        j
    }));
    let delta_page = page(&changed, g1);
    let range = (g1 - 7 * DAY, g1);
    eprintln!(
        "{} held jobs, {} changed ({} bytes of JSON)",
        held.len(),
        changed.len(),
        delta_page.len()
    );
    let read_delta = || {
        let mut b = PreparedBuilder::new();
        if let Ok(p) = read_jobs_page(&delta_page, &mut None) {
            b.push_page(p);
        }
        b.finish().0
    };
    let delta = read_delta();
    let mut g = c.benchmark_group("update_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("read_100_changed", |b| b.iter(read_delta));
    g.bench_function("apply_100_changed", |b| {
        b.iter(|| black_box(&held).updated(black_box(&delta), range))
    });
    g.bench_function("full_reread", |b| b.iter(|| load(black_box(&pages))));
    g.finish();
}

criterion_group!(update, benches);
criterion_main!(update);
