//! Property tests of the SPEC §3.1 insights against naive oracles written
//! straight from the definitions: every time here is a whole minute, so
//! walking the range minute by minute is exact.

mod common;
use chrono::{Datelike, Timelike};
use common::*;
use proptest::prelude::*;
use queuescope_core::analysis::insights::*;
use queuescope_core::analysis::*;
use queuescope_core::model::{Job, JobState, Ms, Transition, HOUR, MINUTE};
use queuescope_core::parse::{Metric, Series};

const STATES: [&str; 10] = [
    "idle", "queued", "queued", "pending", "running", "running", "finished", "failed", "crashed",
    "killed",
];

/// Jobs whose transitions fall on whole minutes, often on the same one;
/// `coarse` snaps them to half hours, so equal gaps and ties are common.
fn arb_job(id: usize, coarse: bool) -> impl Strategy<Value = Job> {
    (
        -120i64..900,
        prop::collection::vec(
            (
                0usize..STATES.len(),
                prop_oneof![Just(0i64), Just(30), 1i64..200],
            ),
            1..7,
        ),
        0usize..4,
        prop::option::of(0usize..7),
    )
        .prop_map(move |(start, steps, user, run)| {
            let snap = |x: i64| if coarse { x.div_euclid(30) * 30 } else { x };
            let mut at = snap(start);
            let transitions = steps
                .into_iter()
                .map(|(s, d)| {
                    at += snap(d);
                    Transition {
                        state: JobState::parse(STATES[s]),
                        at: m(at),
                    }
                })
                .collect();
            Job {
                id: format!("j{id:02}"),
                job: ["train", "eval", "sweep"][id % 3].into(),
                user: ["alice", "bob", "carol"].get(user).map(|u| u.to_string()),
                run_id: run.map(|r| format!("r{r}")),
                transitions,
                ..Default::default()
            }
        })
}

fn arb_prepared() -> impl Strategy<Value = Prepared> {
    (0usize..25, prop::bool::ANY)
        .prop_flat_map(|(n, coarse)| (0..n).map(|i| arb_job(i, coarse)).collect::<Vec<_>>())
        .prop_flat_map(|jobs| (Just(jobs), 300i64..1500))
        .prop_map(|(jobs, now)| prep(jobs, now))
}

/// Short runs on a 10-minute lattice: many gaps, often of equal length.
fn arb_lattice_runs() -> impl Strategy<Value = Prepared> {
    prop::collection::vec((0i64..60, 1i64..4), 0..12).prop_map(|runs| {
        let jobs = runs
            .into_iter()
            .enumerate()
            .map(|(i, (slot, len))| {
                let (a, b) = (10 * slot, 10 * (slot + len));
                job(
                    &format!("l{i:02}"),
                    &[("queued", a - 5), ("running", a), ("finished", b)],
                )
            })
            .collect();
        prep(jobs, 2000)
    })
}

/// Ranges from empty to three days, on whole minutes.
fn arb_range() -> impl Strategy<Value = TimeRange> {
    (-200i64..1000, prop_oneof![0i64..200, 0i64..4320]).prop_map(|(a, len)| range(a, a + len))
}

/// A zone as data the oracle can evaluate on its own.
#[derive(Debug, Clone, Copy)]
enum ZoneSpec {
    Utc,
    Fixed(Ms),
    /// Offset `a` before minute `at`, `b` from it on.
    Change {
        at: Ms,
        a: Ms,
        b: Ms,
    },
}

impl ZoneSpec {
    fn offset(self, t: Ms) -> Ms {
        match self {
            ZoneSpec::Utc => 0,
            ZoneSpec::Fixed(o) => o,
            ZoneSpec::Change { at, a, b } => {
                if t < at {
                    a
                } else {
                    b
                }
            }
        }
    }

    fn zone(self) -> Zone {
        match self {
            ZoneSpec::Utc => Zone::Utc,
            ZoneSpec::Fixed(o) => Zone::Local(LocalZone::fixed(o)),
            ZoneSpec::Change { .. } => {
                Zone::Local(LocalZone::probe(range(-3000, 8000), |t| self.offset(t)))
            }
        }
    }
}

fn arb_zone() -> impl Strategy<Value = ZoneSpec> {
    prop_oneof![
        Just(ZoneSpec::Utc),
        (-12i64..14, prop::bool::ANY)
            .prop_map(|(h, half)| ZoneSpec::Fixed(h * HOUR + if half { 30 * MINUTE } else { 0 })),
        ((-200i64..4000), prop::bool::ANY).prop_map(|(c, forward)| {
            let (a, b) = if forward {
                (HOUR, 2 * HOUR)
            } else {
                (2 * HOUR, HOUR)
            };
            ZoneSpec::Change { at: m(c), a, b }
        }),
    ]
}

fn arb_filters() -> impl Strategy<Value = Filters> {
    prop::option::of(prop::sample::subsequence(
        vec!["alice", "bob", "(none)"],
        1..3,
    ))
    .prop_map(|users| {
        let mut f = Filters::default();
        for u in users.unwrap_or_default() {
            f.toggle(Field::User, u);
        }
        f
    })
}

/// The minutes of a range.
fn minutes(r: TimeRange) -> impl Iterator<Item = Ms> {
    (r.from..r.to).step_by(MINUTE as usize)
}

/// The selected jobs, owned (the oracles read them through the model's own methods).
fn jobs_of(p: &Prepared, sel: &Selection) -> Vec<Job> {
    sel.0.iter().map(|&i| p.job(i as usize).to_job()).collect()
}

/// Whether job `j` is waiting (idle or queued) during minute `t`.
fn waiting_at(j: &Job, now: Ms, t: Ms) -> bool {
    j.state_spans(now)
        .any(|s| s.state.is_waiting() && s.start <= t && t < s.end)
}

fn naive_idle(p: &Prepared, sel: &Selection, r: TimeRange) -> (Vec<(Ms, Ms)>, usize, Ms) {
    let now = p.generated_at();
    let jobs = jobs_of(p, sel);
    let busy = |t: Ms| {
        jobs.iter()
            .any(|j| j.run_span(now).is_some_and(|(s, e)| s <= t && t < e))
    };
    let mut windows: Vec<(Ms, Ms)> = Vec::new();
    let mut open: Option<Ms> = None;
    for t in minutes(r).chain([r.to]) {
        let idle = t < r.to && !busy(t);
        match (idle, open) {
            (true, None) => open = Some(t),
            (false, Some(s)) => {
                if t - s >= 30 * MINUTE {
                    windows.push((s, t));
                }
                open = None;
            }
            _ => {}
        }
    }
    let total = windows.iter().map(|(s, e)| e - s).sum();
    let count = windows.len();
    windows.sort_by_key(|&(s, e)| (-(e - s), s));
    windows.truncate(5);
    (windows, count, total)
}

/// One hour-of-week cell: waiting job-ms, covered ms, last stretch.
type Cell = (Ms, Ms, Option<(Ms, Ms)>);

/// Per hour of week (Monday first), the cells.
fn naive_hours(p: &Prepared, sel: &Selection, r: TimeRange, z: ZoneSpec) -> Vec<Cell> {
    let now = p.generated_at();
    let mut out = vec![(0, 0, None); 168];
    let jobs = jobs_of(p, sel);
    for t in minutes(r) {
        let local = chrono::DateTime::from_timestamp_millis(t + z.offset(t)).expect("time");
        let k = local.weekday().num_days_from_monday() as usize * 24 + local.hour() as usize;
        let n = jobs.iter().filter(|j| waiting_at(j, now, t)).count() as Ms;
        let c: &mut Cell = &mut out[k];
        c.0 += n * MINUTE;
        c.1 += MINUTE;
        c.2 = match c.2 {
            Some((s, e)) if e == t => Some((s, t + MINUTE)),
            _ => Some((t, t + MINUTE)),
        };
    }
    out
}

fn name(v: Option<&str>) -> String {
    v.unwrap_or(NONE_NAME).to_string()
}

fn naive_who(p: &Prepared, sel: &Selection, r: TimeRange) -> Vec<GroupWait> {
    let now = p.generated_at();
    let mut by: std::collections::BTreeMap<String, (Ms, usize, Vec<Ms>)> = Default::default();
    for j in &jobs_of(p, sel) {
        let e = by.entry(name(j.user.as_deref())).or_default();
        let w = minutes(r).filter(|&t| waiting_at(j, now, t)).count() as Ms * MINUTE;
        if w > 0 {
            e.0 += w;
            e.1 += 1;
        }
        let first_run = j.transitions.iter().find(|t| t.state == JobState::Running);
        if let Some(run) = first_run.filter(|t| r.contains(t.at)) {
            e.2.push(run.at - j.transitions[0].at);
        }
    }
    let mut rows: Vec<GroupWait> = by
        .into_iter()
        .filter(|(_, v)| v.0 > 0)
        .map(|(group, (waiting, jobs, mut waits))| {
            waits.sort_unstable();
            let n = waits.len();
            let rank = (95 * n).div_ceil(100);
            GroupWait {
                group,
                waiting,
                jobs,
                p95_wait: (n > 0).then(|| waits[rank - 1]),
                started: n,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.waiting.cmp(&a.waiting).then(a.group.cmp(&b.group)));
    rows.truncate(5);
    rows
}

fn naive_spikes(p: &Prepared, sel: &Selection, grid: &BucketGrid) -> (Vec<SpikeRow>, usize) {
    let fails = |j: &Job, s: &JobState, b: (Ms, Ms)| {
        j.transitions
            .iter()
            .any(|t| t.state == *s && b.0 <= t.at && t.at < b.1)
    };
    let failing = [JobState::Failed, JobState::Crashed];
    let jobs = jobs_of(p, sel);
    let counts: Vec<u32> = (0..grid.len())
        .map(|b| {
            let bucket = grid.bucket(b);
            failing
                .iter()
                .map(|s| jobs.iter().filter(|j| fails(j, s, bucket)).count() as u32)
                .sum()
        })
        .collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    let n = sorted.len();
    let median = match n {
        0 => 0.0,
        _ if n % 2 == 1 => f64::from(sorted[n / 2]),
        _ => f64::from(sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    let spikes: Vec<usize> = (0..n)
        .rev()
        .filter(|&b| counts[b] >= 3 && f64::from(counts[b]) >= 3.0 * median)
        .collect();
    let most = |tally: std::collections::BTreeMap<String, u32>| {
        // BTreeMap iterates by name: the first with the highest count wins ties.
        let best = tally.values().copied().max().unwrap_or(0);
        tally
            .into_iter()
            .find(|(_, c)| *c == best)
            .unwrap_or((NONE_NAME.to_string(), 0))
    };
    let rows = spikes
        .iter()
        .take(5)
        .map(|&b| {
            let bucket = grid.bucket(b);
            let mut users = std::collections::BTreeMap::new();
            let mut launches = std::collections::BTreeMap::new();
            for j in &jobs_of(p, sel) {
                for s in &failing {
                    if fails(j, s, bucket) {
                        *users.entry(name(j.user.as_deref())).or_insert(0) += 1;
                        *launches.entry(j.job.clone()).or_insert(0) += 1;
                    }
                }
            }
            let (u, uc) = most(users);
            let (l, lc) = most(launches);
            (b, counts[b], u, uc, l, lc)
        })
        .collect();
    (rows, spikes.len())
}

/// Loaded usage for run ids r0..r6: not loaded, loaded without series, or
/// a `gpu_util` series of these values.
fn arb_usage() -> impl Strategy<Value = UsageByRun> {
    prop::collection::vec(
        prop::option::of(prop::collection::vec(
            prop::option::of(prop_oneof![Just(20.0f64), 0.0f64..40.0]),
            0..5,
        )),
        7,
    )
    .prop_map(|runs| {
        runs.into_iter()
            .enumerate()
            .filter_map(|(k, v)| {
                let id = format!("r{k}");
                let v = v?;
                let series = if v.is_empty() {
                    vec![]
                } else {
                    vec![Series {
                        run_id: id.clone(),
                        metric: Metric::GpuUtil,
                        t: (0..v.len()).map(|i| i as f64 * 30.0).collect(),
                        v,
                    }]
                };
                Some((id, series))
            })
            .collect()
    })
}

/// (run id, run ms, mean, unused hours) of the listed runs, and in view / loaded / count.
type UsedRow = (String, Ms, f64, f64);

fn naive_under_used(
    p: &Prepared,
    sel: &Selection,
    r: TimeRange,
    usage: &UsageByRun,
) -> (Vec<UsedRow>, usize, usize, usize) {
    let now = p.generated_at();
    let (mut in_view, mut loaded) = (0, 0);
    let mut found: Vec<UsedRow> = Vec::new();
    for j in &jobs_of(p, sel) {
        let (Some((s, e)), Some(id)) = (j.run_span(now), &j.run_id) else {
            continue;
        };
        if r.overlap(s, e) == 0 {
            continue;
        }
        in_view += 1;
        let Some(series) = usage.get(id) else {
            continue;
        };
        loaded += 1;
        let vals: Vec<f64> = series
            .iter()
            .filter(|x| x.metric == Metric::GpuUtil)
            .take(1)
            .flat_map(|x| x.v.iter().flatten().copied())
            .collect();
        if vals.is_empty() {
            continue;
        }
        let mean = vals.iter().sum::<f64>() / vals.len() as f64;
        if e - s >= 30 * MINUTE && mean < 20.0 {
            let hours = (e - s) as f64 / HOUR as f64;
            found.push((id.clone(), e - s, mean, (100.0 - mean) / 100.0 * hours));
        }
    }
    // One per run id, its largest.
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.3.total_cmp(&a.3)));
    found.dedup_by(|a, b| a.0 == b.0);
    let count = found.len();
    found.sort_by(|a, b| b.3.total_cmp(&a.3).then(a.0.cmp(&b.0)));
    found.truncate(5);
    (found, in_view, loaded, count)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn idle_windows_match_minute_by_minute(
        p in arb_prepared(), r in arb_range(), f in arb_filters(),
    ) {
        let sel = select(&p, &f, r);
        let w = idle_windows(&p, &sel, r);
        let (top, count, total) = naive_idle(&p, &sel, r);
        let got: Vec<(Ms, Ms)> = w.top.iter().map(|w| (w.start, w.end)).collect();
        prop_assert_eq!(got, top);
        prop_assert_eq!((w.count, w.total), (count, total));
        // Windows are idle time, so they never exceed the header's idle share.
        prop_assert!(w.share() <= summary(&p, &sel, r).idle_share + 1e-12);
        // The same from the timeline's bars (what the app computes them from).
        let lanes = run_layout(&p, &sel, &Groups::default(), r);
        prop_assert_eq!(idle_windows_in(&lanes, r), w);
        prop_assert_eq!(summary_in(&summary_parts(&p, &sel, r), &lanes, r), summary(&p, &sel, r));
    }

    #[test]
    fn idle_windows_match_on_a_lattice(p in arb_lattice_runs(), a in -5i64..30, len in 0i64..70) {
        let r = range(10 * a, 10 * (a + len));
        let sel = select(&p, &Filters::default(), r);
        let w = idle_windows(&p, &sel, r);
        let (top, count, total) = naive_idle(&p, &sel, r);
        let got: Vec<(Ms, Ms)> = w.top.iter().map(|w| (w.start, w.end)).collect();
        prop_assert_eq!(got, top);
        prop_assert_eq!((w.count, w.total), (count, total));
    }

    #[test]
    fn waiting_by_hour_matches_minute_by_minute(
        p in arb_prepared(), r in arb_range(), z in arb_zone(), f in arb_filters(),
    ) {
        let sel = select(&p, &f, r);
        let h = waiting_by_hour(&p, &sel, r, &z.zone());
        let naive = naive_hours(&p, &sel, r, z);
        let got: Vec<Cell> =
            h.cells.iter().map(|c| (c.waiting, c.covered, c.last)).collect();
        prop_assert_eq!(got, naive);
        // Every waiting second of the range lands in exactly one cell.
        let total: Ms = h.cells.iter().map(|c| c.waiting).sum();
        prop_assert_eq!(total as f64 / HOUR as f64, summary(&p, &sel, r).queued_hours);
        prop_assert_eq!(h.cells.iter().map(|c| c.covered).sum::<Ms>(), r.len());
    }

    #[test]
    fn who_waits_matches_the_definition(
        p in arb_prepared(), r in arb_range(), f in arb_filters(),
    ) {
        let sel = select(&p, &f, r);
        let groups = group(&p, &sel, &GroupBy::Field(Field::User));
        prop_assert_eq!(who_waits(&p, &sel, &groups, r), naive_who(&p, &sel, r));
    }

    #[test]
    fn failure_spikes_match_the_definition(
        p in arb_prepared(), r in arb_range(), z in arb_zone(),
        w in prop_oneof![Just(15 * MINUTE), Just(HOUR), Just(3 * HOUR)],
    ) {
        let sel = select(&p, &Filters::default(), r);
        let grid = BucketGrid::new(r, w, &z.zone());
        let s = failure_spikes(&p, &sel, &grid, &job_status(&p, &sel, &grid));
        let (rows, count) = naive_spikes(&p, &sel, &grid);
        let got: Vec<SpikeRow> = s.spikes.iter().map(spike_row).collect();
        prop_assert_eq!(got, rows);
        prop_assert_eq!(s.count, count);
        for x in &s.spikes {
            prop_assert_eq!((x.start, x.end), grid.bucket(x.bucket));
            prop_assert!(f64::from(x.count) >= 3.0 * s.median && x.count >= s.threshold);
        }
    }

    #[test]
    fn under_used_gpus_match_the_definition(
        p in arb_prepared(), r in arb_range(), usage in arb_usage(), f in arb_filters(),
    ) {
        let sel = select(&p, &f, r);
        let u = under_used_gpus(&p, &sel, r, &job_means(&p, &usage));
        let lanes = run_layout(&p, &sel, &Groups::default(), r);
        prop_assert_eq!(&under_used_gpus_in(&p, &lanes, &job_means(&p, &usage)), &u);
        let (rows, in_view, loaded, count) = naive_under_used(&p, &sel, r, &usage);
        prop_assert_eq!((u.in_view, u.loaded, u.count), (in_view, loaded, count));
        prop_assert_eq!(u.runs.len(), rows.len());
        for (got, want) in u.runs.iter().zip(&rows) {
            prop_assert_eq!((&got.run_id, got.run_len), (&want.0, want.1));
            prop_assert!((got.mean_gpu - want.2).abs() < 1e-9);
            prop_assert!((got.unused_hours - want.3).abs() < 1e-9);
        }
        // Runs to load are exactly the view's runs without loaded usage.
        prop_assert_eq!(runs_to_load(&p, &sel, r, &job_means(&p, &usage)).len(), in_view - loaded);
    }
}
