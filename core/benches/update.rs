//! Criterion benchmark of an incremental refresh (issue #12): 100k held
//! jobs, 100 changed records (an `updated_since` page), applied with
//! `Prepared::updated` (a splice) against reading the whole range again.
//! Figures in docs/benchmarks.md.
//!
//! `update_live` is what `tests/perf/live.mjs` sends: 80 records spread
//! over the view get an error, 20 jobs arrive, over the same range
//! (`absolute`) or one slid 10 s or an hour (a relative `7d` at a
//! refresh); the splice, and the run lanes carried over against a recount.
//!
//! `update_live_finished` adds what a live backend's own jobs do between
//! two reads (the two runs open longest finish): the run lanes carried
//! over against a recount.
//!
//! Run: `cargo bench -p queuescope-core --bench update`

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use queuescope_core::analysis::insights::{who_waits_parts, who_waits_updated};
use queuescope_core::analysis::{
    group, job_status, job_status_updated, run_layout, run_layout_updated, select, BucketGrid,
    Field, Filters, GroupBy, Groups, Prepared, PreparedBuilder, TimeRange, Zone,
};
use queuescope_core::demo::{generate, to_raw_job, DemoConfig, DEFAULT_NOW};
use queuescope_core::model::{Job, JobError, JobState, Transition, DAY, HOUR, MINUTE};
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

/// `live.mjs`'s refresh: 80 records spread over `all` with an error at
/// `at`, 20 new queued jobs.
fn live_changes(all: &[Job], at: i64) -> Vec<Job> {
    let mut changed: Vec<Job> = (0..80)
        .filter_map(|k| all.get((k * 7919) % all.len()))
        .cloned()
        .map(|mut j| {
            j.errors.push(JobError {
                at,
                message: "perf: rep 0".into(),
            });
            j
        })
        .collect();
    changed.extend((0..20).map(|k| Job {
        id: format!("perf-0-{k}"),
        job: "perf-arrival".into(),
        transitions: vec![Transition {
            state: JobState::Queued,
            at,
        }],
        ..Job::default()
    }));
    changed
}

/// `changed` read as one `updated_since` page at `g1`.
fn delta_of(changed: &[Job], g1: i64) -> Prepared {
    let mut b = PreparedBuilder::new();
    if let Ok(p) = read_jobs_page(&page(changed, g1), &mut None) {
        b.push_page(p);
    }
    b.finish().0
}

/// `changed` (of jobs `read`), and what a live backend's own jobs do
/// between two reads: the two runs of `read` open longest finish at `at`
/// (before branch lanes3, each one's lane differed from its start to the
/// end of the replay, and every later run was packed).
fn with_finished(read: &[Job], mut changed: Vec<Job>, at: i64) -> Vec<Job> {
    let running_since = |j: &Job| {
        j.transitions
            .iter()
            .find(|t| t.state == JobState::Running)
            .map(|t| t.at)
    };
    let mut open: Vec<&Job> = read
        .iter()
        .filter(|j| j.current_state() == &JobState::Running)
        .collect();
    open.sort_by_key(|j| running_since(j));
    open.truncate(2);
    changed.retain(|c| open.iter().all(|o| o.id != c.id));
    changed.extend(open.iter().map(|&j| {
        let mut j = j.clone();
        j.transitions.push(Transition {
            state: JobState::Finished,
            at,
        });
        j
    }));
    changed
}

fn live(c: &mut Criterion) {
    let all = jobs();
    let g0 = DEFAULT_NOW;
    let g1 = g0 + 2_000;
    // The range a load read: live.mjs' absolute one ends an hour after its
    // data's "now"; the jobs that overlap it, as the backend sends them.
    let r0 = TimeRange::new(g0 - 7 * DAY, g0 + HOUR);
    let read: Vec<Job> = all
        .iter()
        .filter(|j| {
            let (s, e) = j.lifetime(g0);
            s < r0.to && e >= r0.from
        })
        .cloned()
        .collect();
    let held = load(&read.chunks(5_000).map(|c| page(c, g0)).collect::<Vec<_>>());
    let errors = live_changes(&read, g0 + 1_000);
    let finished = with_finished(&read, errors.clone(), g0 + 1_000);
    let slides = [("absolute", 0), ("slid_10s", 10_000), ("slid_1h", HOUR)];
    for (group_name, changed, slides) in [
        ("update_live", errors, &slides[..]),
        ("update_live_finished", finished, &slides[..2]),
    ] {
        let delta = delta_of(&changed, g1);
        let mut g = c.benchmark_group(group_name);
        g.sample_size(10).measurement_time(Duration::from_secs(4));
        for &(name, slide) in slides {
            live_case(
                &mut g,
                (&held, &delta),
                (r0, slide),
                name,
                group_name == "update_live",
            );
        }
        g.finish();
    }
}

/// The benches of one refresh of `held` with `delta` over `r0` slid by
/// `slide`: the lanes carried over against a recount and, when `all`, the
/// splice, job status and who waits.
fn live_case(
    g: &mut BenchmarkGroup<'_, WallTime>,
    (held, delta): (&Prepared, &Prepared),
    (r0, slide): (TimeRange, i64),
    name: &str,
    all: bool,
) {
    let r1 = TimeRange::new(r0.from + slide, r0.to + slide);
    let Ok((new, counts, remap)) = held.updated_remap(delta, (r1.from, r1.to)) else {
        return;
    };
    let f = Filters::default();
    let (os, ns) = (select(held, &f, r0), select(&new, &f, r1));
    let none = Groups::default();
    let lanes = run_layout(held, &os, &none, r0);
    let carried = run_layout_updated(&lanes, (held, &os), (&new, &ns), &remap, (r0, r1));
    eprintln!(
        "{name}: {} jobs, {counts:?}, {} bars, {} lanes, lanes carried: {}",
        new.len(),
        lanes.bars.len(),
        lanes.lanes,
        carried.as_ref() == Some(&run_layout(&new, &ns, &none, r1))
    );
    g.bench_function(format!("lanes_carried_{name}"), |b| {
        b.iter(|| run_layout_updated(&lanes, (held, &os), (&new, &ns), &remap, (r0, r1)))
    });
    g.bench_function(format!("lanes_recount_{name}"), |b| {
        b.iter(|| run_layout(&new, &ns, &none, r1))
    });
    if !all {
        return;
    }
    let carries = |what: &str, yes: bool| eprintln!("{name}: {what} carried: {yes}");
    g.bench_function(format!("splice_{name}"), |b| {
        b.iter(|| black_box(held).updated_remap(black_box(delta), (r1.from, r1.to)))
    });
    // Job status: `g0` is on an hour's edge (as live.mjs' first read),
    // so the open spans reach one more bucket now.
    let (grid0, grid1) = (
        BucketGrid::new(r0, HOUR, &Zone::Utc),
        BucketGrid::new(r1, HOUR, &Zone::Utc),
    );
    let status = job_status(held, &os, &grid0);
    let old = (held, &os, &grid0);
    let c = job_status_updated(&status, old, (&new, &ns), &remap, &grid1);
    carries("job status", c.is_some());
    g.bench_function(format!("status_carried_{name}"), |b| {
        b.iter(|| job_status_updated(&status, old, (&new, &ns), &remap, &grid1))
    });
    g.bench_function(format!("status_recount_{name}"), |b| {
        b.iter(|| job_status(&new, &ns, &grid1))
    });
    // Who waits most by user.
    let by = GroupBy::Field(Field::User);
    let (og, ng) = (group(held, &os, &by), group(&new, &ns, &by));
    let who = who_waits_parts(held, &os, &og, r0);
    let (old, now) = ((held, &os, &og), (&new, &ns, &ng));
    carries(
        "who waits",
        who_waits_updated(&who, old, now, &remap, (r0, r1)).is_some(),
    );
    g.bench_function(format!("who_carried_{name}"), |b| {
        b.iter(|| who_waits_updated(&who, old, now, &remap, (r0, r1)))
    });
    g.bench_function(format!("who_recount_{name}"), |b| {
        b.iter(|| who_waits_parts(&new, &ns, &ng, r1))
    });
}

criterion_group!(update, benches, live);
criterion_main!(update);
