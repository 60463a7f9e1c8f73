//! Property tests of the SPEC §3 invariants, against naive oracles written
//! straight from the definitions.

mod common;
use common::*;
use proptest::prelude::*;
use queuescope_core::analysis::*;
use queuescope_core::model::{Job, JobState, Ms, Transition, HOUR, MINUTE};
use std::collections::BTreeSet;

const STATES: [&str; 11] = [
    "idle",
    "queued",
    "pending",
    "starting",
    "running",
    "finished",
    "failed",
    "crashed",
    "killed",
    "preempted",
    "queued",
];

/// Times snap to 5-minute steps often, so transitions land on bucket boundaries.
fn step() -> impl Strategy<Value = Ms> {
    prop_oneof![
        (0i64..12).prop_map(|k| k * 5 * MINUTE),
        (0i64..90 * MINUTE),
        Just(0),
    ]
}

fn arb_job(id: usize) -> impl Strategy<Value = Job> {
    (
        (-60i64..600).prop_map(m),
        prop::collection::vec((0usize..STATES.len(), step()), 1..7),
        prop::option::of(0usize..3),
        prop::option::of(0usize..2),
    )
        .prop_map(move |(start, steps, user, team)| {
            let mut at = start;
            let transitions = steps
                .into_iter()
                .map(|(s, d)| {
                    at += d;
                    Transition {
                        state: JobState::parse(STATES[s]),
                        at,
                    }
                })
                .collect();
            let mut j = Job {
                id: format!("j{id:03}"),
                job: ["train", "sweep-a", "eval"][id % 3].into(),
                transitions,
                user: user.map(|u| ["alice", "bob", "carol"][u].to_string()),
                run_name: Some(format!("run-{}", id % 5)),
                ..Default::default()
            };
            if let Some(t) = team {
                j.labels.insert("team".into(), ["a", "b"][t].into());
            }
            j
        })
}

fn arb_jobs() -> impl Strategy<Value = Vec<Job>> {
    (0usize..25).prop_flat_map(|n| (0..n).map(arb_job).collect::<Vec<_>>())
}

fn arb_range() -> impl Strategy<Value = TimeRange> {
    ((-100i64..700), (0i64..600)).prop_map(|(a, len)| range(a, a + len))
}

fn arb_width() -> impl Strategy<Value = Ms> {
    prop_oneof![
        Just(5 * MINUTE),
        Just(15 * MINUTE),
        Just(HOUR),
        Just(7 * MINUTE),
        Just(3 * HOUR)
    ]
}

/// UTC, a fixed offset, or a zone whose offset changes inside the data window.
fn arb_zone() -> impl Strategy<Value = Zone> {
    prop_oneof![
        Just(Zone::Utc),
        (-12i64..14).prop_map(|h| Zone::Local(LocalZone::fixed(h * HOUR + 30 * MINUTE * (h % 2)))),
        ((-60i64..700), prop::bool::ANY).prop_map(|(c, forward)| {
            let change = m(c);
            let (a, b) = if forward {
                (HOUR, 2 * HOUR)
            } else {
                (2 * HOUR, HOUR)
            };
            Zone::Local(LocalZone::probe(range(-2000, 3000), move |t| {
                if t < change {
                    a
                } else {
                    b
                }
            }))
        }),
    ]
}

fn naive_status(p: &Prepared, sel: &Selection, grid: &BucketGrid) -> Vec<(String, Vec<u32>)> {
    let g = p.generated_at();
    let mut out = Vec::new();
    for state in p.states() {
        let row: Vec<u32> = (0..grid.len())
            .map(|b| {
                let (bs, be) = grid.bucket(b);
                sel.0
                    .iter()
                    .filter(|&&j| {
                        let job = p.job(j as usize).to_job();
                        if state.is_terminal() {
                            job.terminal_events()
                                .any(|t| &t.state == state && bs <= t.at && t.at < be)
                        } else {
                            job.state_spans(g)
                                .any(|s| s.state == state && s.end.min(be) > s.start.max(bs))
                        }
                    })
                    .count() as u32
            })
            .collect();
        out.push((state.as_str().to_string(), row));
    }
    out
}

fn setup(jobs: Vec<Job>, r: TimeRange) -> (Prepared, Selection) {
    let p = prep(jobs, 700);
    let sel = select(&p, &Filters::default(), r);
    (p, sel)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn grids_tile_the_range(r in arb_range(), w in arb_width(), z in arb_zone()) {
        let g = BucketGrid::new(r, w, &z);
        if r.is_empty() {
            prop_assert_eq!(g.len(), 0);
        } else {
            prop_assert!(g.starts[0] <= r.from);
            prop_assert!(g.starts.windows(2).all(|s| s[0] < s[1]));
            prop_assert!(*g.starts.last().unwrap() < r.to);
            let total: Ms = (0..g.len()).map(|i| g.bucket(i).1 - g.bucket(i).0).sum();
            prop_assert_eq!(total, r.len());
            for t in [r.from, r.to - 1, (r.from + r.to) / 2] {
                let i = g.index_of(t).unwrap();
                let (s, e) = g.bucket(i);
                prop_assert!(s <= t && t < e);
            }
        }
    }

    /// Each job counts at most once per bucket and state: the panel equals
    /// the distinct-job count written naively from SPEC §3.
    #[test]
    fn job_status_matches_the_definition(jobs in arb_jobs(), r in arb_range(), w in arb_width(), z in arb_zone()) {
        let (p, sel) = setup(jobs, r);
        let grid = BucketGrid::new(r, w, &z);
        let c = job_status(&p, &sel, &grid);
        let naive = naive_status(&p, &sel, &grid);
        for (state, row) in c.states.iter().zip(&c.counts) {
            let want = naive.iter().find(|(s, _)| s == state.as_str()).map(|(_, r)| r.clone()).unwrap();
            prop_assert_eq!(row, &want, "state {}", state);
            prop_assert!(row.iter().all(|&n| n as usize <= sel.len()));
        }
    }

    /// Queued seconds over all buckets and groups == total waiting time clipped to the range.
    #[test]
    fn queued_seconds_sum_to_the_clipped_wait(jobs in arb_jobs(), r in arb_range(), w in arb_width(), z in arb_zone(), maxg in 1usize..4) {
        let (p, sel) = setup(jobs, r);
        let grid = BucketGrid::new(r, w, &z);
        let groups = group(&p, &sel, &GroupBy::Field(Field::User));
        let q = queued_time(&p, &sel, &groups, &grid, maxg);
        prop_assert!(q.groups.len() <= maxg);
        let total: f64 = q.values.iter().flatten().sum();
        let want: Ms = sel.0.iter().map(|&j| {
            p.job(j as usize).to_job().state_spans(p.generated_at())
                .filter(|s| s.state.is_waiting())
                .map(|s| r.overlap(s.start, s.end))
                .sum::<Ms>()
        }).sum();
        prop_assert!((total - want as f64 / 1000.0).abs() < 1e-6, "{} vs {}", total, want);
    }

    /// No two overlapping runs share a lane; lanes == peak concurrency; a
    /// brush over the whole range selects every run.
    #[test]
    fn lanes_are_tight_and_brush_covers(jobs in arb_jobs(), r in arb_range()) {
        let (p, sel) = setup(jobs, r);
        let groups = group(&p, &sel, &GroupBy::Field(Field::Job));
        let l = run_layout(&p, &sel, &groups, r);
        for (i, a) in l.bars.iter().enumerate() {
            prop_assert!(a.lane < l.lanes);
            for b in &l.bars[i + 1..] {
                if a.lane == b.lane {
                    prop_assert!(a.end <= b.start || b.end <= a.start, "{:?} {:?}", a, b);
                }
            }
        }
        let mut ev: Vec<(Ms, i32)> = l.bars.iter().flat_map(|b| [(b.start, 1), (b.end, -1)]).collect();
        ev.sort();
        let (mut cur, mut peak) = (0, 0);
        for (_, d) in ev {
            cur += d;
            peak = peak.max(cur);
        }
        prop_assert_eq!(l.lanes as i32, peak);
        let all = brush_select(&l, &Brush { from: r.from, to: r.to, lanes: None });
        prop_assert_eq!(all, l.bars.iter().map(|b| b.job).collect::<Vec<_>>());
        // Every selected job that ran inside the range has a bar.
        let ran = sel.0.iter().filter(|&&j| p.run_span(j as usize).is_some_and(|(s, e)| r.overlap(s, e) > 0)).count();
        prop_assert_eq!(ran, l.bars.len());
    }

    /// Lanes do not depend on groups: a group-free layout regrouped equals
    /// the layout made with the groups.
    #[test]
    fn regrouping_a_layout_equals_laying_it_out_grouped(jobs in arb_jobs(), r in arb_range()) {
        let (p, sel) = setup(jobs, r);
        let groups = group(&p, &sel, &GroupBy::Field(Field::User));
        let plain = run_layout(&p, &sel, &Groups::default(), r);
        prop_assert_eq!(regroup_runs(&p, &plain, &sel, &groups), run_layout(&p, &sel, &groups, r));
    }

    /// Adding a filter on another field (AND) never adds a job.
    #[test]
    fn adding_a_filter_never_adds_a_job(jobs in arb_jobs(), r in arb_range(), user in 0usize..4, extra in 0usize..4) {
        let p = prep(jobs, 700);
        let mut f = Filters::default();
        if user < 3 {
            *f.values_mut(Field::User) = BTreeSet::from([["alice", "bob", "(none)"][user].to_string()]);
        }
        let before: BTreeSet<u32> = select(&p, &f, r).0.into_iter().collect();
        match extra {
            0 => f.text = "SWEEP".into(),
            1 => {
                f.labels.insert(("team".into(), "a".into()));
            }
            2 => *f.values_mut(Field::State) = BTreeSet::from(["running".to_string(), "failed".to_string()]),
            _ => *f.values_mut(Field::Job) = BTreeSet::from(["eval".to_string()]),
        }
        let after: BTreeSet<u32> = select(&p, &f, r).0.into_iter().collect();
        prop_assert!(after.is_subset(&before));
        // The empty filter selects a superset of every filtered selection.
        let none: BTreeSet<u32> = select(&p, &Filters::default(), r).0.into_iter().collect();
        prop_assert!(before.is_subset(&none));
    }

    /// Groups partition the selection; each job's group name is its field value.
    #[test]
    fn groups_partition_the_selection(jobs in arb_jobs(), r in arb_range()) {
        let (p, sel) = setup(jobs, r);
        let g = group(&p, &sel, &GroupBy::Label("team".into()));
        prop_assert_eq!(g.of_job.len(), sel.len());
        for (&j, &k) in sel.0.iter().zip(&g.of_job) {
            let want = p.job(j as usize).label("team").unwrap_or("(none)");
            prop_assert_eq!(g.names[k as usize].as_str(), want);
        }
    }

    #[test]
    fn downsample_respects_budget_and_keeps_the_peak(
        v in prop::collection::vec(prop::option::weighted(0.9, 0.0f64..100.0), 1..600),
        max in 2usize..120,
    ) {
        let t: Vec<f64> = (0..v.len()).map(|i| i as f64).collect();
        let (dt, dv) = downsample(&t, &v, max);
        prop_assert_eq!(dt.len(), dv.len());
        prop_assert!(dt.len() <= max.max(v.len().min(max)));
        prop_assert!(dt.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(!dv.windows(2).any(|w| w[0].is_none() && w[1].is_none()) || v.len() <= max);
        let peak = v.iter().flatten().copied().fold(f64::NAN, f64::max);
        if !peak.is_nan() {
            prop_assert!(dv.contains(&Some(peak)));
        }
    }

    /// A page of the selection table (each job's key holds only the sorted
    /// column's cell) is the window of every row sorted naively: the column
    /// in the direction asked, empty cells last, ties by job id.
    #[test]
    fn table_pages_are_windows_of_the_naively_sorted_rows(
        jobs in arb_jobs(), r in arb_range(), col in 0usize..11, asc in prop::bool::ANY,
        offset in 0usize..12, limit in 1usize..12,
    ) {
        let (p, sel) = setup(jobs, r);
        let col = Column::ALL[col];
        let mut rows = table_rows_in(&p, &sel.0, r, Column::JobId, true);
        rows.sort_by(|a, b| naive_table_order(a, b, col, asc));
        let (total, page) = table_page_in(&p, &sel.0, r, col, asc, offset, limit);
        prop_assert_eq!(total, rows.len());
        let want: Vec<TableRow> = rows.iter().skip(offset).take(limit).cloned().collect();
        prop_assert_eq!(page, want);
        prop_assert_eq!(table_rows_in(&p, &sel.0, r, col, asc), rows);
    }

    /// The latest runs (of all, or of a brush's) are the first `limit` of
    /// them sorted by start, latest first, ties by job index; for a brush
    /// in [`brush_select`]'s order and for the same jobs in any order.
    #[test]
    fn latest_runs_are_the_first_of_all_of_them_sorted(
        jobs in arb_jobs(), r in arb_range(), a in -100i64..700, len in 0i64..400,
        lanes in prop::option::of((0.0f64..6.0, 0.0f64..6.0)), limit in 0usize..6, shuffle in 0usize..5,
    ) {
        let (p, sel) = setup(jobs, r);
        let l = run_layout(&p, &sel, &Groups::default(), r);
        let naive = |hits: &[u32]| {
            let mut v: Vec<&RunBar> = l.bars.iter().filter(|b| hits.contains(&b.job)).collect();
            v.sort_by(|x, y| y.start.cmp(&x.start).then(x.job.cmp(&y.job)));
            v.truncate(limit);
            v
        };
        let all: Vec<u32> = l.bars.iter().map(|b| b.job).collect();
        prop_assert_eq!(latest_runs(&l.bars, None, limit), naive(&all));
        let brushed = brush_select(&l, &Brush { from: m(a), to: m(a + len), lanes });
        prop_assert_eq!(latest_runs(&l.bars, Some(&brushed), limit), naive(&brushed));
        // Out of order (and a job without a bar): looked up whole.
        let mut odd = brushed.clone();
        let k = shuffle.min(odd.len());
        odd.rotate_left(k);
        prop_assert_eq!(latest_runs(&l.bars, Some(&odd), limit), naive(&odd));
        odd.push(9999);
        prop_assert_eq!(latest_runs(&l.bars, Some(&odd), limit), naive(&odd));
    }
}

/// The selection table's order, from its definition over whole rows.
fn naive_table_order(a: &TableRow, b: &TableRow, col: Column, asc: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let state = |s: &JobState| {
        let k = JobState::KNOWN.iter().position(|k| k == s);
        (k.unwrap_or(JobState::KNOWN.len()), s.as_str().to_string())
    };
    // The cell of each side as a comparable value (`None`: empty).
    fn both<T: PartialOrd>(x: Option<T>, y: Option<T>) -> Result<Ordering, (bool, bool)> {
        match (&x, &y) {
            (Some(x), Some(y)) => x.partial_cmp(y).ok_or((false, false)),
            _ => Err((x.is_none(), y.is_none())),
        }
    }
    let cell = match col {
        Column::JobId => both(Some(&a.job_id), Some(&b.job_id)),
        Column::Run => both(a.run_name.as_ref(), b.run_name.as_ref())
            .map(|o| o.then_with(|| a.run_id.cmp(&b.run_id))),
        Column::Job => both(Some(&a.launch_job), Some(&b.launch_job)),
        Column::Project => both(a.project.as_ref(), b.project.as_ref()),
        Column::User => both(a.user.as_ref(), b.user.as_ref()),
        Column::State => both(Some(state(&a.state)), Some(state(&b.state))),
        Column::Enqueued => both(a.enqueued, b.enqueued),
        Column::Started => both(a.started, b.started),
        Column::Ended => both(a.ended, b.ended),
        Column::QueuedSecs => both(Some(a.queued_secs), Some(b.queued_secs)),
        Column::RunSecs => both(a.run_secs, b.run_secs),
    };
    let primary = match cell {
        Ok(o) if asc => o,
        Ok(o) => o.reverse(),
        Err((x, y)) => x.cmp(&y),
    };
    primary.then_with(|| a.job_id.cmp(&b.job_id))
}

/// Runs that start together at the cut are all candidates: the latest
/// two of a tie are decided by job index, not by their place in the bars.
#[test]
fn latest_runs_decide_a_tie_at_the_cut_by_job_index() {
    let bar = |job, start| RunBar {
        job,
        start,
        end: start + 5,
        lane: 0,
        group: 0,
    };
    let bars = [bar(5, 0), bar(0, 10), bar(1, 10), bar(3, 10), bar(4, 20)];
    let jobs = |v: Vec<&RunBar>| v.iter().map(|b| b.job).collect::<Vec<_>>();
    assert_eq!(jobs(latest_runs(&bars, None, 2)), [4, 0]);
    assert_eq!(jobs(latest_runs(&bars, Some(&[5, 0, 3, 4]), 2)), [4, 0]);
    assert_eq!(jobs(latest_runs(&bars, Some(&[5, 3]), 2)), [3, 5]);
    assert_eq!(jobs(latest_runs(&bars, None, 0)), Vec::<u32>::new());
}
