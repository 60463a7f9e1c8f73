use super::*;
use crate::parse::check_job;
use std::collections::HashMap;

fn cfg(jobs: usize) -> DemoConfig {
    DemoConfig {
        jobs,
        ..DemoConfig::default()
    }
}

fn all_jobs(d: &DemoData) -> impl Iterator<Item = &Job> {
    d.datasets.iter().flat_map(|ds| ds.jobs.iter())
}

#[test]
fn deterministic_for_a_config_and_different_for_another_seed() {
    let a = generate(&cfg(2000));
    assert_eq!(a, generate(&cfg(2000)));
    let b = generate(&DemoConfig {
        seed: 7,
        ..cfg(2000)
    });
    assert_ne!(a, b);
}

#[test]
fn size_parameter_is_respected() {
    for n in [0, 1, 5, 37, 400, 6000] {
        let d = generate(&cfg(n));
        assert_eq!(all_jobs(&d).count(), n, "jobs={n}");
        assert_eq!(d.queues.len(), 3);
        let ids: Vec<&str> = d.queues.iter().map(|q| q.id.as_str()).collect();
        let ds: Vec<&str> = d.datasets.iter().map(|d| d.queue_id.as_str()).collect();
        assert_eq!(ids, ds);
    }
    let d = generate(&DemoConfig::default());
    assert_eq!(all_jobs(&d).count(), 6000);
    assert!(d.datasets.iter().all(|ds| ds.jobs.len() > 1000));
}

#[test]
fn every_job_survives_the_wire_and_the_client_checks() {
    let d = generate(&DemoConfig::default());
    for j in all_jobs(&d) {
        let raw = to_raw_job(j);
        let json = serde_json::to_string(&raw).unwrap();
        let back: RawJob = serde_json::from_str(&json).unwrap();
        assert_eq!(check_job(back).as_ref(), Ok(j), "{json}");
    }
}

#[test]
fn timelines_are_well_formed() {
    let c = DemoConfig::default();
    let d = generate(&c);
    let start = c.now - Ms::from(c.days) * DAY;
    let mut run_ids = HashSet::new();
    let mut ids = HashSet::new();
    for ds in &d.datasets {
        assert_eq!(ds.generated_at, c.now);
        let keys: Vec<(Ms, &str)> = ds
            .jobs
            .iter()
            .map(|j| (j.enqueued_at().unwrap(), j.id.as_str()))
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] <= w[1]),
            "sorted by (enqueue, id)"
        );
        for j in &ds.jobs {
            assert!(ids.insert(j.id.clone()), "unique id {}", j.id);
            let ts = &j.transitions;
            assert!(ts.windows(2).all(|w| w[0].at <= w[1].at), "{}", j.id);
            assert!(ts.iter().all(|t| t.at >= start && t.at <= c.now));
            assert!(matches!(ts[0].state, JobState::Idle | JobState::Queued));
            assert!(ts.iter().all(|t| t.at % SECOND == 0));
            let terminal = ts.iter().filter(|t| t.state.is_terminal()).count();
            assert!(terminal <= 1);
            if terminal == 1 {
                assert!(ts.last().unwrap().state.is_terminal());
            }
            // Every running is preceded by starting, every starting by pending.
            for w in ts.windows(2) {
                match w[1].state {
                    JobState::Running => assert_eq!(w[0].state, JobState::Starting),
                    JobState::Starting => assert_eq!(w[0].state, JobState::Pending),
                    JobState::Pending => assert_eq!(w[0].state, JobState::Queued),
                    _ => {}
                }
            }
            let (from, to) = j.lifetime(c.now);
            assert!(j.errors.iter().all(|e| e.at >= from && e.at <= to));
            let ran = j.run_span(c.now).is_some();
            assert_eq!(j.run_id.is_some(), ran);
            assert_eq!(j.run_name.is_some(), ran);
            if let Some(r) = &j.run_id {
                assert_eq!(r.len(), 8);
                assert!(run_ids.insert(r.clone()), "unique run id");
            }
            if matches!(
                j.current_state(),
                JobState::Failed | JobState::Crashed | JobState::Killed
            ) {
                assert!(
                    !j.errors.is_empty(),
                    "{} ended badly without a message",
                    j.id
                );
            }
            for key in ["team", "priority", "gpu_type"] {
                assert!(j.label(key).is_some());
            }
        }
    }
}

#[test]
fn outcome_rates_and_special_cases_are_believable() {
    let c = cfg(20_000);
    let d = generate(&c);
    let mut by_state: HashMap<JobState, usize> = HashMap::new();
    for j in all_jobs(&d) {
        *by_state.entry(j.current_state().clone()).or_default() += 1;
    }
    let ended: usize = by_state
        .iter()
        .filter(|(s, _)| s.is_terminal())
        .map(|(_, n)| n)
        .sum();
    let rate = |s: JobState| by_state.get(&s).copied().unwrap_or(0) as f64 / ended as f64;
    let failed = rate(JobState::Failed);
    let crashed = rate(JobState::Crashed);
    let killed = rate(JobState::Killed);
    assert!((0.06..0.10).contains(&failed), "failed {failed}");
    assert!((0.02..0.04).contains(&crashed), "crashed {crashed}");
    assert!((0.012..0.03).contains(&killed), "killed {killed}");
    // Some jobs are still in flight at `now`, some still waiting.
    let running = by_state.get(&JobState::Running).copied().unwrap_or(0);
    let waiting: usize = all_jobs(&d)
        .filter(|j| j.current_state().is_waiting() || *j.current_state() == JobState::Pending)
        .count();
    assert!(
        running > 0 && waiting > 0,
        "running {running}, waiting {waiting}"
    );
    // Agent outages and preemptions happen, but rarely.
    let has = |s: JobState, min: usize| {
        all_jobs(&d)
            .filter(|j| j.transitions.iter().filter(|t| t.state == s).count() >= min)
            .count()
    };
    let idle = has(JobState::Idle, 1);
    let requeued = has(JobState::Running, 2);
    assert!(idle > 0 && idle < 2000, "idle {idle}");
    assert!(requeued > 0 && requeued < 1000, "requeued {requeued}");
    // A start failure never ran and has no run id.
    assert!(all_jobs(&d).any(|j| *j.current_state() == JobState::Failed && j.run_id.is_none()));
    // Some jobs waited a long time, most not long.
    let mut waits: Vec<Ms> = all_jobs(&d).map(|j| j.waiting_ms(c.now)).collect();
    waits.sort_unstable();
    let median = waits[waits.len() / 2];
    assert!(median < HOUR, "median wait {median}");
    assert!(waits[waits.len() - 1] > HOUR);
}

#[test]
fn the_week_has_busy_and_idle_stretches() {
    let c = DemoConfig::default();
    let d = generate(&c);
    let start = c.now - Ms::from(c.days) * DAY;
    let hours = (c.days * 24) as usize;
    for ds in &d.datasets {
        let mut per_hour = vec![0usize; hours];
        for j in &ds.jobs {
            let h = ((j.enqueued_at().unwrap() - start) / HOUR) as usize;
            per_hour[h.min(hours - 1)] += 1;
        }
        let mean = ds.jobs.len() as f64 / hours as f64;
        let max = *per_hour.iter().max().unwrap();
        assert!(
            max as f64 > 3.0 * mean,
            "{}: busiest hour {max}, mean {mean}",
            ds.queue_id
        );
        // A stretch of at least three hours without a single launch.
        let quiet = per_hour.windows(3).any(|w| w.iter().all(|&n| n == 0));
        assert!(quiet, "{}: no idle stretch", ds.queue_id);
        // Weekend working hours see far fewer launches than weekday
        // ones (medians: a sweep on a Sunday is allowed).
        let median_at = |weekend: bool| {
            let mut xs: Vec<usize> = (0..hours)
                .filter(|&h| {
                    let t = start + h as Ms * HOUR;
                    let weekday = (t.div_euclid(DAY) + 3).rem_euclid(7);
                    let hod = t.rem_euclid(DAY) / HOUR;
                    (weekday >= 5) == weekend && (9..17).contains(&hod)
                })
                .map(|h| per_hour[h])
                .collect();
            xs.sort_unstable();
            xs[xs.len() / 2]
        };
        let (we, wd) = (median_at(true), median_at(false));
        assert!(we * 3 < wd, "{}: weekend {we}, weekday {wd}", ds.queue_id);
    }
}

#[test]
fn bursts_launch_many_jobs_at_once() {
    let d = generate(&DemoConfig::default());
    let mut biggest = 0;
    for ds in &d.datasets {
        let mut run = 1;
        for w in ds.jobs.windows(2) {
            let same = w[0].job == w[1].job
                && w[0].user == w[1].user
                && w[1].enqueued_at().unwrap() - w[0].enqueued_at().unwrap() <= 3 * SECOND;
            run = if same { run + 1 } else { 1 };
            biggest = biggest.max(run);
        }
    }
    assert!(biggest >= 20, "largest burst {biggest}");
}

#[test]
fn names_are_varied_but_bounded() {
    let d = generate(&DemoConfig::default());
    let distinct =
        |f: fn(&Job) -> Option<&str>| all_jobs(&d).filter_map(f).collect::<HashSet<_>>().len();
    assert!((15..=25).contains(&distinct(|j| j.user.as_deref())));
    assert!((25..=35).contains(&distinct(|j| Some(j.job.as_str()))));
    assert!(distinct(|j| j.project.as_deref()) >= 5);
    assert!(distinct(|j| j.entity.as_deref()) >= 4);
    assert!(all_jobs(&d).any(|j| j
        .run_name
        .as_deref()
        .is_some_and(|n| n.split('-').count() == 3)));
}

fn mean(v: &[Option<f64>]) -> f64 {
    let xs: Vec<f64> = v.iter().flatten().copied().collect();
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

#[test]
fn run_metrics_are_deterministic_and_well_formed() {
    let c = cfg(1500);
    let d = generate(&c);
    let mut checked = 0;
    for j in all_jobs(&d).filter(|j| j.run_id.is_some()).take(300) {
        let cpu_only = j.label("gpu_type") == Some("none");
        for m in Metric::ALL {
            let s = run_metrics(c.seed, j, c.now, m);
            if cpu_only && matches!(m, Metric::GpuUtil | Metric::GpuMem) {
                assert!(s.is_none());
                continue;
            }
            let s = s.expect("a run has series");
            assert_eq!(Some(&s), run_metrics(c.seed, j, c.now, m).as_ref());
            assert_eq!(s.run_id, j.run_id.clone().unwrap());
            assert_eq!(s.t.len(), s.v.len());
            assert!(s.t.len() <= 2_001 && !s.t.is_empty());
            assert_eq!(s.t[0], 0.0);
            assert!(s.t.windows(2).all(|w| w[1] > w[0]));
            let (a, b) = j.run_span(c.now).unwrap();
            assert!(*s.t.last().unwrap() <= ((b - a) / SECOND) as f64);
            assert!(s.v.iter().flatten().all(|x| (0.0..=100.0).contains(x)));
            if s.t.len() > 1 && b - a < 2_000 * 30 * SECOND {
                assert_eq!(s.t[1], 30.0, "30 s sampling");
            }
            // The client accepts it.
            let raw = crate::contract::RawSeries {
                run_id: s.run_id.clone(),
                metric: m.as_str().into(),
                t: s.t.clone(),
                v: s.v.clone(),
            };
            let body = serde_json::json!({ "series": [raw] }).to_string();
            let (ok, skipped) = crate::parse::parse_metrics(&body).unwrap();
            assert!(skipped.is_empty() && ok.len() == 1);
            checked += 1;
        }
    }
    assert!(checked > 500);
    let j = all_jobs(&d).find(|j| j.run_id.is_some()).unwrap();
    assert_ne!(
        run_metrics(1, j, c.now, Metric::CpuUtil),
        run_metrics(2, j, c.now, Metric::CpuUtil)
    );
    let never_ran = all_jobs(&d).find(|j| j.run_id.is_none()).unwrap();
    assert_eq!(run_metrics(c.seed, never_ran, c.now, Metric::CpuUtil), None);
}

#[test]
fn usage_curves_tell_believable_stories() {
    let c = cfg(3000);
    let d = generate(&c);
    let gpu_runs: Vec<&Job> = all_jobs(&d)
        .filter(|j| j.run_id.is_some() && j.label("gpu_type") != Some("none"))
        .filter(|j| j.run_span(c.now).is_some_and(|(a, b)| b - a > 2 * HOUR))
        .collect();
    assert!(gpu_runs.len() > 100);
    let (mut busy, mut wasteful, mut starved, mut growing, mut gaps) = (0, 0, 0, 0, 0);
    for j in &gpu_runs {
        let get = |m| run_metrics(c.seed, j, c.now, m).unwrap().v;
        let (gpu, cpu, gmem, smem) = (
            get(Metric::GpuUtil),
            get(Metric::CpuUtil),
            get(Metric::GpuMem),
            get(Metric::SysMem),
        );
        let (g, u) = (mean(&gpu), mean(&cpu));
        busy += usize::from(g > 80.0);
        wasteful += usize::from(g < 10.0);
        starved += usize::from((20.0..55.0).contains(&g) && u > 80.0);
        let tenth = smem.len() / 10;
        growing += usize::from(mean(&smem[smem.len() - tenth..]) > mean(&smem[..tenth]) + 2.0);
        gaps += usize::from(gpu.iter().any(Option::is_none));
        // GPU memory steps up from nothing, then holds.
        let first = gmem.iter().flatten().next().copied().unwrap_or(0.0);
        assert!(first < 30.0, "{first}");
        assert!(mean(&gmem[gmem.len() / 2..]) > 25.0);
    }
    let n = gpu_runs.len();
    assert!(busy * 2 > n, "most runs keep their GPU busy: {busy}/{n}");
    assert!(
        wasteful > 0 && wasteful * 5 < n,
        "some waste: {wasteful}/{n}"
    );
    assert!(
        starved > 0 && starved * 4 < n,
        "some are data-loader bound: {starved}/{n}"
    );
    assert!(growing * 2 > n, "system memory creeps up: {growing}/{n}");
    assert!(gaps > 0, "occasional gaps");
    // A preempted run has no samples while it waited to run again.
    let requeued = all_jobs(&d)
        .find(|j| {
            j.transitions
                .iter()
                .filter(|t| t.state == JobState::Running)
                .count()
                > 1
                && j.label("gpu_type") != Some("none")
        })
        .expect("a preempted run");
    let s = run_metrics(c.seed, requeued, c.now, Metric::GpuUtil).unwrap();
    let (run_start, _) = requeued.run_span(c.now).unwrap();
    let back = requeued
        .transitions
        .iter()
        .rposition(|t| t.state == JobState::Queued)
        .unwrap();
    let waited_from = (requeued.transitions[back].at - run_start) / SECOND;
    let waited_to = (requeued.transitions[back + 3].at - run_start) / SECOND;
    for (t, v) in s.t.iter().zip(&s.v) {
        if *t > waited_from as f64 + 1.0 && *t < waited_to as f64 - 1.0 {
            assert_eq!(*v, None, "no usage at {t} s while requeued");
        }
    }
}

#[test]
fn very_long_runs_are_sampled_sparser() {
    let job = Job {
        id: "long".into(),
        job: "train-forever".into(),
        run_id: Some("longrun1".into()),
        transitions: vec![
            Transition {
                state: JobState::Queued,
                at: 0,
            },
            Transition {
                state: JobState::Running,
                at: 0,
            },
        ],
        ..Default::default()
    };
    let s = run_metrics(1, &job, 20 * DAY, Metric::SysMem).unwrap();
    assert!(s.t.len() <= 2_001, "{}", s.t.len());
    assert!(s.t.len() > 1_000);
    assert_eq!((s.t[1] as i64) % 30, 0);
    // Nonsense spans do not panic.
    let odd = Job {
        transitions: vec![Transition {
            state: JobState::Running,
            at: Ms::MAX / 2,
        }],
        ..job
    };
    assert!(run_metrics(1, &odd, 0, Metric::CpuUtil).is_some_and(|s| s.t.len() == 1));
}

#[test]
#[ignore = "timing; run with --release -- --ignored --nocapture"]
fn timing() {
    for n in [10_000, 100_000] {
        let t0 = std::time::Instant::now();
        let d = generate(&cfg(n));
        eprintln!("generate {n} jobs: {:?}", t0.elapsed());
        assert_eq!(all_jobs(&d).count(), n);
    }
}
