//! Criterion benchmarks of the cache's serialisation of a read (issue #12):
//! encoding and decoding 100k jobs, and the size. The budget is cached data
//! on screen ≤ 1.5 s after navigation at 100k jobs, so decoding must take a
//! small part of it. Figures in docs/benchmarks.md.
//!
//! Run: `cargo bench -p queuescope-core --bench cache`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use queuescope_core::analysis::PreparedBuilder;
use queuescope_core::cache::{decode, encode};
use queuescope_core::contract::RawJob;
use queuescope_core::demo::{generate, to_raw_job, DemoConfig, DEFAULT_NOW};

/// 100k demo jobs of all queues as one read's records.
fn records() -> Vec<RawJob> {
    let demo = generate(&DemoConfig {
        jobs: 100_000,
        ..DemoConfig::default()
    });
    demo.datasets
        .iter()
        .flat_map(|d| d.jobs.iter().map(to_raw_job))
        .collect()
}

fn benches(c: &mut Criterion) {
    let records = records();
    let mut b = PreparedBuilder::new();
    b.push_raw_jobs(DEFAULT_NOW, &records);
    let prepared = b.finish().0;
    let span = (0, DEFAULT_NOW);
    let bytes = encode(span, &prepared);
    let json = serde_json::to_string(&records).map_or(0, |j| j.len());
    eprintln!(
        "{} jobs: {} bytes encoded, {} bytes of JSON",
        prepared.len(),
        bytes.len(),
        json
    );
    let mut g = c.benchmark_group("cache_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("encode", |b| b.iter(|| encode(span, black_box(&prepared))));
    g.bench_function("decode", |b| b.iter(|| decode(black_box(&bytes))));
    g.finish();
}

criterion_group!(cache, benches);
criterion_main!(cache);
