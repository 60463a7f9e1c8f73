//! Criterion benchmarks of the analysis core at 10k and 100k jobs: the
//! full view (every panel's numbers, 7 d range, 1 h buckets), and the
//! partial recomputations a control change causes. Figures and the command
//! are in docs/benchmarks.md.
//!
//! Run: `cargo bench -p queuescope-core --bench analysis`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use queuescope_core::analysis::insights::{
    failure_spikes, gpu_means, idle_windows, mean_gpu_util, under_used_gpus, waiting_by_hour,
    who_waits, GpuMeans, JobMeans, RunIds, UsageByRun,
};
use queuescope_core::analysis::*;
use queuescope_core::demo::{generate, run_metrics, DemoConfig, DEFAULT_NOW};
use queuescope_core::model::{Dataset, Job, JobState, Ms, Transition, DAY, HOUR, MINUTE};
use queuescope_core::parse::Metric;
use queuescope_core::view::RangeSpec;

/// `n` demo jobs of all queues merged into one dataset (the heaviest case:
/// every job in one view). Falls back to synthetic jobs if the demo
/// generator yields fewer.
fn dataset(n: usize) -> Dataset {
    let demo = generate(&DemoConfig {
        jobs: n,
        ..DemoConfig::default()
    });
    let mut data = Dataset::new("all");
    data.generated_at = DEFAULT_NOW;
    for d in demo.datasets {
        data.jobs.extend(d.jobs);
    }
    if data.jobs.len() < n {
        eprintln!(
            "demo generator gave {} jobs; using synthetic jobs",
            data.jobs.len()
        );
        data.jobs = synthetic(n, DEFAULT_NOW);
    }
    data
}

/// Deterministic stand-in jobs over 8 days: queue, start, run, end.
fn synthetic(n: usize, now: Ms) -> Vec<Job> {
    let mut rng = fastrand::Rng::with_seed(7);
    (0..n)
        .map(|i| {
            let enq = now - 8 * DAY + rng.i64(0..8 * DAY);
            let run = enq + rng.i64(0..2 * HOUR);
            let end = run + rng.i64(MINUTE..6 * HOUR);
            let mut t = vec![
                Transition {
                    state: JobState::Queued,
                    at: enq,
                },
                Transition {
                    state: JobState::Pending,
                    at: run - MINUTE.min(run - enq),
                },
                Transition {
                    state: JobState::Running,
                    at: run,
                },
            ];
            if end < now {
                t.push(Transition {
                    state: JobState::Finished,
                    at: end,
                });
            }
            Job {
                id: format!("item-{i:06}"),
                job: format!("train-{}", i % 300),
                user: Some(format!("user{}", i % 40)),
                project: Some(format!("p{}", i % 12)),
                transitions: t,
                ..Default::default()
            }
        })
        .collect()
}

/// Everything the Monitor view computes for one view state.
struct View {
    sel: Selection,
    groups: Groups,
    layout: RunLayout,
}

fn full_view(p: &Prepared, r: TimeRange, grid: &BucketGrid) -> View {
    let sel = select(p, &Filters::default(), r);
    let groups = group(p, &sel, &GroupBy::Field(Field::User));
    black_box(job_status(p, &sel, grid));
    black_box(queued_time(p, &sel, &groups, grid, 10));
    let layout = run_layout(p, &sel, &groups, r);
    // The errors table is paginated: count all, copy the first page.
    black_box(errors_page(p, &sel, r, 0, 100));
    black_box(summary(p, &sel, r));
    View {
        sel,
        groups,
        layout,
    }
}

fn bench_views(c: &mut Criterion) {
    let mut g = c.benchmark_group("core");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in [10_000usize, 100_000] {
        let data = dataset(n);
        let p = Prepared::new(&data);
        let r = RangeSpec::default().resolve(p.generated_at());
        let grid = BucketGrid::new(r, auto_width(r), &Zone::Utc);
        let view = full_view(&p, r, &grid);
        eprintln!(
            "n={n}: {} selected, {} groups, {} runs in {} lanes, {} buckets",
            view.sel.len(),
            view.groups.names.len(),
            view.layout.bars.len(),
            view.layout.lanes,
            grid.len()
        );

        g.bench_function(BenchmarkId::new("prepare_owned", n), |b| {
            b.iter_batched(
                || data.clone(),
                Prepared::from_dataset,
                criterion::BatchSize::LargeInput,
            )
        });
        g.bench_function(BenchmarkId::new("full_view_7d_1h", n), |b| {
            b.iter(|| full_view(&p, black_box(r), &grid))
        });
        // A DST change in mid-range makes the grid irregular (binary-search bucket lookup).
        let change = r.from + 3 * DAY + HOUR / 2;
        let berlin = Zone::Local(LocalZone::probe(r, |t| {
            if t < change {
                2 * HOUR
            } else {
                HOUR
            }
        }));
        let local_grid = BucketGrid::new(r, HOUR, &berlin);
        g.bench_function(BenchmarkId::new("job_status_local_tz", n), |b| {
            b.iter(|| job_status(&p, &view.sel, black_box(&local_grid)))
        });
        g.bench_function(BenchmarkId::new("errors_all_rows", n), |b| {
            b.iter(|| errors(&p, &view.sel, black_box(r)))
        });
        // Refilter: a new selection (the panels then recompute as in full_view).
        let mut f = Filters::default();
        f.text = "sweep".into();
        *f.values_mut(Field::State) = ["finished".to_string(), "failed".to_string()].into();
        g.bench_function(BenchmarkId::new("refilter_select", n), |b| {
            b.iter(|| select(&p, black_box(&f), r))
        });
        // Regroup: grouping plus the panels that depend on it.
        g.bench_function(BenchmarkId::new("regroup", n), |b| {
            b.iter(|| {
                let groups = group(&p, &view.sel, black_box(&GroupBy::Field(Field::Project)));
                black_box(queued_time(&p, &view.sel, &groups, &grid, 10));
                run_layout(&p, &view.sel, &groups, r)
            })
        });
        // Brush: only the layout is read; then the selection table of the hits.
        let brush = Brush {
            from: r.to - 2 * DAY,
            to: r.to - DAY,
            lanes: None,
        };
        g.bench_function(BenchmarkId::new("brush", n), |b| {
            b.iter(|| brush_select(&view.layout, black_box(&brush)))
        });
        let hits = brush_select(&view.layout, &brush);
        eprintln!("n={n}: brush selects {} runs", hits.len());
        // The Job runs image for the whole range on a 1,300 x 380 plot area,
        // and a pointer lookup (hover) in it.
        let win = RasterWindow {
            x0: r.from as f64,
            x1: r.to as f64,
            y0: -0.5,
            y1: f64::from(view.layout.lanes) - 0.5,
            width: 1300,
            height: 380,
        };
        g.bench_function(BenchmarkId::new("raster_runs_1300x380", n), |b| {
            b.iter(|| {
                raster_runs(
                    &view.layout,
                    black_box(&win),
                    |t| t as f64,
                    |bar| [bar.group as u8, 0, 0, 255],
                )
            })
        });
        let index = LaneIndex::new(&view.layout);
        let lanes_per_row = f64::from(view.layout.lanes) / 380.0;
        g.bench_function(BenchmarkId::new("hover_lookup", n), |b| {
            b.iter(|| {
                index.bar_at(
                    &view.layout,
                    black_box(r.to - DAY),
                    (100.0, 100.0 + lanes_per_row),
                    MINUTE,
                )
            })
        });
        g.bench_function(BenchmarkId::new("brush_table_rows", n), |b| {
            b.iter(|| table_rows_in(&p, black_box(&hits), r, Column::Started, true))
        });
        bench_insights(&mut g, n, &p, &view, r, &grid, &berlin);
    }
    g.finish();
}

/// The insights of SPEC §3.1 on the full view, each alone (as the app
/// memoises them) and all five together, given the memos they read (the
/// selection, groups and job status the panels compute anyway). Usage is
/// loaded for the 1,000 most recent runs (gpu_util and cpu_util, as the
/// demo backend serves them: a sample every 30 s, up to 2,000 a series).
fn bench_insights(
    g: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    n: usize,
    p: &Prepared,
    view: &View,
    r: TimeRange,
    grid: &BucketGrid,
    local: &Zone,
) {
    let status = job_status(p, &view.sel, grid);
    let mut usage = UsageByRun::new();
    for bar in view.layout.bars.iter().rev() {
        if usage.len() >= 1_000 {
            break;
        }
        let job = p.job(bar.job as usize);
        let Some(id) = &job.run_id else { continue };
        let series = [Metric::GpuUtil, Metric::CpuUtil]
            .into_iter()
            .filter_map(|m| run_metrics(42, job, p.generated_at(), m))
            .collect();
        usage.insert(id.clone(), series);
    }
    let samples: usize = usage.values().flatten().map(|s| s.v.len()).sum();
    let means = gpu_means(&usage);
    // Every run of the view loaded, as after "load the other runs".
    let all_means: GpuMeans = view
        .layout
        .bars
        .iter()
        .filter_map(|bar| {
            let job = p.job(bar.job as usize);
            let series = run_metrics(42, job, p.generated_at(), Metric::GpuUtil);
            Some((job.run_id.clone()?, mean_gpu_util(&Vec::from_iter(series))))
        })
        .collect();
    let ids = RunIds::new(p);
    let job_means = JobMeans::new(p, &ids, &means);
    let all_job_means = JobMeans::new(p, &ids, &all_means);
    let five = || {
        black_box(idle_windows(p, &view.sel, r));
        black_box(waiting_by_hour(p, &view.sel, r, &Zone::Utc));
        black_box(who_waits(p, &view.sel, &view.groups, r));
        black_box(failure_spikes(p, &view.sel, grid, &status));
        under_used_gpus(p, &view.sel, r, &job_means)
    };
    let u = five();
    eprintln!(
        "n={n}: insights over {} runs in view, {} with usage loaded ({samples} samples), {} under-used; {} idle windows, {} spikes",
        u.in_view,
        u.loaded,
        u.count,
        idle_windows(p, &view.sel, r).count,
        failure_spikes(p, &view.sel, grid, &status).count,
    );
    g.bench_function(BenchmarkId::new("insights_all_five", n), |b| b.iter(five));
    g.bench_function(BenchmarkId::new("insights_idle_windows", n), |b| {
        b.iter(|| idle_windows(p, &view.sel, black_box(r)))
    });
    g.bench_function(BenchmarkId::new("insights_waiting_by_hour", n), |b| {
        b.iter(|| waiting_by_hour(p, &view.sel, black_box(r), &Zone::Utc))
    });
    g.bench_function(
        BenchmarkId::new("insights_waiting_by_hour_local_tz", n),
        |b| b.iter(|| waiting_by_hour(p, &view.sel, black_box(r), local)),
    );
    g.bench_function(BenchmarkId::new("insights_who_waits", n), |b| {
        b.iter(|| who_waits(p, &view.sel, &view.groups, black_box(r)))
    });
    g.bench_function(BenchmarkId::new("insights_failure_spikes", n), |b| {
        b.iter(|| failure_spikes(p, &view.sel, black_box(grid), &status))
    });
    g.bench_function(BenchmarkId::new("insights_under_used_gpus", n), |b| {
        b.iter(|| under_used_gpus(p, &view.sel, black_box(r), &job_means))
    });
    g.bench_function(
        BenchmarkId::new("insights_under_used_gpus_all_loaded", n),
        |b| b.iter(|| under_used_gpus(p, &view.sel, black_box(r), &all_job_means)),
    );
    // Once per data load and per change of the loaded usage.
    g.bench_function(BenchmarkId::new("insights_job_means_all_loaded", n), |b| {
        b.iter(|| JobMeans::new(p, &ids, black_box(&all_means)))
    });
    // What the app does with each answer of the metrics endpoint.
    g.bench_function(
        BenchmarkId::new("insights_gpu_means_of_1000_runs", n),
        |b| b.iter(|| gpu_means(black_box(&usage))),
    );
    // Once per data load, like Prepared.
    g.bench_function(BenchmarkId::new("insights_run_ids_per_load", n), |b| {
        b.iter(|| RunIds::new(black_box(p)))
    });
}

fn bench_downsample(c: &mut Criterion) {
    let mut g = c.benchmark_group("core");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let mut rng = fastrand::Rng::with_seed(3);
    let series: Vec<(Vec<f64>, Vec<Option<f64>>)> = (0..1000)
        .map(|_| {
            let t: Vec<f64> = (0..2000).map(|i| f64::from(i) * 30.0).collect();
            let v = (0..2000)
                .map(|_| (rng.u8(..) > 3).then(|| rng.f64() * 100.0))
                .collect();
            (t, v)
        })
        .collect();
    g.bench_function("downsample_1000x2000_to_300", |b| {
        b.iter(|| {
            series
                .iter()
                .map(|(t, v)| downsample(t, v, black_box(300)).0.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// One 5,000-job page of `GET /queues/{id}/jobs` (demo-backend's page size
/// in the browser timings) read into checked jobs.
fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("core");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let data = dataset(5_000);
    let page = queuescope_core::contract::JobsPage {
        jobs: data
            .jobs
            .iter()
            .take(5_000)
            .map(queuescope_core::demo::to_raw_job)
            .collect(),
        next_cursor: Some("5000".into()),
        generated_at: "2026-11-28T09:00:00Z".into(),
    };
    let body = serde_json::to_string(&page).unwrap_or_default();
    eprintln!("jobs page: {} jobs, {} bytes", page.jobs.len(), body.len());
    g.bench_function("parse_jobs_page_5000", |b| {
        b.iter(|| {
            let mut seen = std::collections::HashSet::new();
            queuescope_core::parse_jobs_page(black_box(&body), &mut seen).map(|p| p.jobs.len())
        })
    });
    g.finish();
}

/// A hostile backend's volume (issue #10): 10,000 jobs, each with 4 labels
/// out of 2,000 distinct keys and an unknown state out of 500 distinct ones.
/// Label columns and the status arrays once grew with jobs x keys and
/// states x buckets.
fn bench_hostile(c: &mut Criterion) {
    let mut g = c.benchmark_group("core");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let mut data = Dataset::new("hostile");
    data.generated_at = DEFAULT_NOW;
    data.jobs = synthetic(10_000, DEFAULT_NOW);
    for (i, j) in data.jobs.iter_mut().enumerate() {
        for k in 0..4 {
            j.labels.insert(
                format!("key-{}", (i * 7 + k * 501) % 2_000),
                format!("v{k}"),
            );
        }
        let at = j.transitions.first().map_or(DEFAULT_NOW, |t| t.at);
        j.transitions.insert(
            1,
            Transition {
                state: JobState::Other(format!("weird-{}", i % 500)),
                at,
            },
        );
    }
    g.bench_function(
        BenchmarkId::new("prepare_owned_2000_label_keys_500_states", 10_000),
        |b| {
            b.iter_batched(
                || data.clone(),
                Prepared::from_dataset,
                criterion::BatchSize::LargeInput,
            )
        },
    );
    g.finish();
}

criterion_group!(
    benches,
    bench_views,
    bench_downsample,
    bench_parse,
    bench_hostile
);
criterion_main!(benches);
