//! An update equals a rebuild of the same final record set: the whole
//! `Prepared` (`==`), and every SPEC §3 number of a view over it.

use super::*;
use crate::analysis::insights::{
    idle_windows, idle_windows_in, waiting_by_hour, waiting_by_hour_updated, who_waits,
    who_waits_of, who_waits_parts, who_waits_updated, RunIds,
};
use crate::analysis::{
    errors_page, facets, facets_updated, fold_groups, group, job_status, job_status_updated,
    queued_time, queued_time_updated, run_layout, run_layout_updated, select, summary, summary_in,
    summary_parts, summary_parts_updated, table_page_in, BucketGrid, Field, Filters, GroupBy,
    Groups, RunLayout, TimeRange, Zone,
};
use crate::demo::{generate, DemoConfig};
use crate::model::{Dataset, Job, JobError, Transition, DAY, HOUR, MINUTE};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

/// Demo jobs (one queue, a few hundred), generated once.
fn base() -> &'static Dataset {
    static BASE: OnceLock<Dataset> = OnceLock::new();
    BASE.get_or_init(|| {
        let d = generate(&DemoConfig {
            jobs: 1500,
            ..DemoConfig::default()
        });
        d.datasets.into_iter().next().unwrap()
    })
}

fn prepared(jobs: &[Job], generated_at: Ms) -> Prepared {
    Prepared::new(&Dataset {
        queue_id: "q".into(),
        generated_at,
        jobs: jobs.to_vec(),
        skipped: Default::default(),
    })
}

/// A changed record of `j`: what a backend sends after it moved on.
fn change(j: &Job, rng: &mut fastrand::Rng, g0: Ms, g1: Ms) -> Job {
    let mut j = j.clone();
    let last = j.transitions.last().map_or(g0, |t| t.at);
    let at = last.max(g0) + rng.i64(0..=(g1 - g0).max(0));
    match rng.u8(0..8) {
        0 => j.transitions.push(Transition {
            state: JobState::Running,
            at,
        }),
        1 => j.transitions.push(Transition {
            state: JobState::Failed,
            at,
        }),
        2 => j.transitions.push(Transition {
            state: JobState::Other(["preempted", "held", "(other states)"][rng.usize(..3)].into()),
            at,
        }),
        3 => j.errors.push(JobError {
            at,
            message: format!("new error {}", rng.u8(0..3)),
        }),
        4 => j.user = Some(format!("newcomer-{}", rng.u8(0..2))),
        5 => {
            j.labels.insert(format!("key{}", rng.u8(0..2)), "v".into());
        }
        6 => {
            j.run_id = Some(format!("run-{}", rng.u32(..)));
            j.labels.clear();
            j.project = None;
        }
        _ => {
            // Ended long ago: the changed record lies outside the range.
            j.transitions.truncate(1);
            if let Some(t) = j.transitions.first_mut() {
                t.at = g0 - 30 * DAY;
            }
            j.transitions.push(Transition {
                state: JobState::Killed,
                at: g0 - 29 * DAY,
            });
        }
    }
    j
}

/// Every number of the Monitor view over `range` (SPEC §3), as text.
fn numbers(p: &Prepared, range: TimeRange) -> String {
    let sel = select(p, &Filters::default(), range);
    let grid = BucketGrid::new(range, HOUR, &Zone::Utc);
    let mut out = String::new();
    for by in [GroupBy::Field(Field::User), GroupBy::Label("key0".into())] {
        let groups = group(p, &sel, &by);
        let runs = run_layout(p, &sel, &groups, range);
        out += &format!(
            "{:?}\n{:?}\n",
            queued_time(p, &sel, &groups, &grid, 10),
            runs
        );
    }
    out += &format!("{:?}\n", job_status(p, &sel, &grid));
    out += &format!("{:?}\n", summary(p, &sel, range));
    out += &format!("{:?}\n", errors_page(p, &sel, range, 0, usize::MAX));
    let rows = table_page_in(p, &sel.0, range, Default::default(), true, 0, usize::MAX);
    out += &format!("{rows:?}\n");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn an_update_equals_a_rebuild(
        seed in any::<u64>(),
        first in 0usize..100,
        held in 0usize..300,
        changed_share in 0u32..40,
        fresh in 0usize..12,
        later in 0i64..(3 * HOUR),
        shift in 0i64..(2 * DAY),
        slid in (0i64..(2 * DAY), 0i64..(2 * HOUR)),
    ) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let all = &base().jobs;
        let g0 = base().generated_at;
        let g1 = g0 + later;
        let old_jobs: Vec<Job> = all.iter().skip(first).take(held).cloned().collect();
        // Changed records of held jobs, and new jobs (ids never seen).
        let mut changed = Vec::new();
        for j in &old_jobs {
            if rng.u32(0..100) < changed_share {
                changed.push(change(j, &mut rng, g0, g1));
            }
        }
        for k in 0..fresh {
            let mut j = all[(first + held + k) % all.len()].clone();
            j.id = format!("fresh-{k}");
            for t in &mut j.transitions {
                t.at = t.at.min(g1) - MINUTE;
            }
            changed.push(change(&j, &mut rng, g0, g1));
        }
        rng.shuffle(&mut changed);
        let range = TimeRange { from: g1 + shift - 7 * DAY, to: g1 + shift.min(HOUR) };

        let old = prepared(&old_jobs, g0);
        let delta = prepared(&changed, g1);
        let (got, counts, remap) = old.updated_remap(&delta, (range.from, range.to)).unwrap();

        let overlaps = |j: &Job| {
            let (s, e) = j.lifetime(g1);
            s < range.to && e >= range.from
        };
        let replaced = |j: &Job| changed.iter().any(|c| c.id == j.id);
        let mut fin: Vec<Job> = old_jobs.iter().filter(|j| !replaced(j) && overlaps(j)).cloned().collect();
        fin.extend(changed.iter().filter(|j| overlaps(j)).cloned());
        let want = prepared(&fin, g1);

        prop_assert_eq!(got.len(), fin.len());
        prop_assert!(old_jobs.len() == held.min(all.len().saturating_sub(first)));
        prop_assert_eq!(counts.replaced + counts.added, changed.iter().filter(|j| overlaps(j)).count());
        prop_assert_eq!(&numbers(&got, range), &numbers(&want, range));
        // The run-id index carried over answers as one built afresh.
        let carried = RunIds::new(&old).updated(&got, &remap).unwrap();
        let fresh_ids = RunIds::new(&got);
        let run_ids: Vec<&str> = (0..got.len()).filter_map(|i| got.run_id(i)).collect();
        for id in run_ids.iter().copied().chain(["run-none", ""]) {
            let a: Vec<u32> = carried.jobs(&got, id).collect();
            let b: Vec<u32> = fresh_ids.jobs(&got, id).collect();
            prop_assert_eq!(a, b, "run id {}", id);
        }
        prop_assert!(RunIds::new(&got).updated(&got, &remap).is_none() || got.len() == old.len());
        // Job status carried over, where it can be, equals a recount.
        let grid = BucketGrid::new(range, HOUR, &Zone::Utc);
        let user = got.get(0).and_then(|j| j.user.map(str::to_string));
        let mut one_user = Filters::default();
        if let Some(u) = &user {
            one_user.toggle(Field::User, u);
        }
        for f in [Filters::default(), one_user] {
            let (os, ns) = (select(&old, &f, range), select(&got, &f, range));
            let before = job_status(&old, &os, &grid);
            if let Some(c) = job_status_updated(&before, (&old, &os, &grid), (&got, &ns), &remap, &grid) {
                prop_assert_eq!(c, job_status(&got, &ns, &grid));
            }
            // So does waiting by hour.
            let hours = waiting_by_hour(&old, &os, range, &Zone::Utc);
            let on = ((range, range), &Zone::Utc);
            if let Some(c) = waiting_by_hour_updated(&hours, (&old, &os), (&got, &ns), &remap, on) {
                prop_assert_eq!(c, waiting_by_hour(&got, &ns, range, &Zone::Utc));
            }
            // So does queued time, over the folded groups the app passes.
            let by = GroupBy::Field(Field::User);
            let (og, ng) = (fold_groups(&group(&old, &os, &by), 4), fold_groups(&group(&got, &ns, &by), 4));
            let queued = queued_time(&old, &os, &og, &grid, 4);
            if let Some(c) = queued_time_updated(&queued, (&old, &os, &og), (&got, &ns, &ng), &remap, (&grid, &grid)) {
                prop_assert_eq!(c, queued_time(&got, &ns, &ng, &grid, 4));
            }
            // So does who waits most, over every group (not folded).
            for by in [GroupBy::Field(Field::User), GroupBy::Label("key0".into())] {
                let (og, ng) = (group(&old, &os, &by), group(&got, &ns, &by));
                let parts = who_waits_parts(&old, &os, &og, range);
                let on = (range, range);
                if let Some(c) = who_waits_updated(&parts, (&old, &os, &og), (&got, &ns, &ng), &remap, on) {
                    prop_assert_eq!(&c, &who_waits_parts(&got, &ns, &ng, range));
                    prop_assert_eq!(who_waits_of(&c), who_waits(&got, &ns, &ng, range));
                }
            }
            // So do the filter lists' counts.
            let lists = facets(&old, &os);
            if let Some(c) = facets_updated(&lists, (&old, &os), (&got, &ns), &remap, (range, range)) {
                prop_assert_eq!(c, facets(&got, &ns));
            }
            // So do the run lanes.
            let none = Groups::default();
            let lanes = run_layout(&old, &os, &none, range);
            if let Some(c) = run_layout_updated(&lanes, (&old, &os), (&got, &ns), &remap, (range, range)) {
                prop_assert_eq!(&c, &run_layout(&got, &ns, &none, range));
                // The idle windows and the summary read the carried lanes.
                prop_assert_eq!(idle_windows_in(&c, range), idle_windows(&got, &ns, range));
                let parts = summary_parts(&old, &os, range);
                let carried = summary_parts_updated(&parts, (&old, &os), (&got, &ns), &remap, (range, range));
                prop_assert_eq!(carried.as_ref(), Some(&summary_parts(&got, &ns, range)));
                prop_assert_eq!(summary_in(&summary_parts(&got, &ns, range), &c, range), summary(&got, &ns, range));
            }
            // Over a range that slid forward to `range` (a relative one at
            // a refresh), what carries over equals a recount too.
            let r0 = TimeRange { from: range.from - slid.0, to: range.to - slid.1 };
            slid_equals_recount((&old, &select(&old, &f, r0), r0), (&got, &ns, range), &remap)?;
        }
        prop_assert_eq!(got, want);
    }
}

/// Demo jobs read before its `generated_at`, with known states only.
fn held_jobs() -> impl Iterator<Item = &'static Job> {
    base()
        .jobs
        .iter()
        .filter(|j| j.transitions.iter().all(|t| t.at < base().generated_at))
        .filter(|j| {
            j.transitions
                .iter()
                .all(|t| !matches!(t.state, JobState::Other(_)))
        })
}

/// Changed records of every 37th of `held`: an error at `at`.
fn late_errors(held: &[Job], at: Ms) -> Vec<Job> {
    held.iter()
        .step_by(37)
        .map(|j| {
            let mut j = j.clone();
            j.errors.push(JobError {
                at,
                message: "late".into(),
            });
            j
        })
        .collect()
}

/// Job status, the run lanes, the header's parts, queued time, the
/// waiting by hour and who waits most of `old` over `r0`,
/// carried over to `new` over `r1` (the range slid), equal a recount where
/// they carry; how many of the seven (with the filter lists' facets)
/// carried.
fn slid_equals_recount(
    (op, os, r0): (&Prepared, &Selection, TimeRange),
    (np, ns, r1): (&Prepared, &Selection, TimeRange),
    remap: &Remap,
) -> Result<usize, TestCaseError> {
    let (g0, g1) = (
        BucketGrid::new(r0, HOUR, &Zone::Utc),
        BucketGrid::new(r1, HOUR, &Zone::Utc),
    );
    let mut carried = 0;
    let before = job_status(op, os, &g0);
    if let Some(c) = job_status_updated(&before, (op, os, &g0), (np, ns), remap, &g1) {
        prop_assert_eq!(c, job_status(np, ns, &g1));
        carried += 1;
    }
    let none = Groups::default();
    let lanes = run_layout(op, os, &none, r0);
    if let Some(c) = run_layout_updated(&lanes, (op, os), (np, ns), remap, (r0, r1)) {
        prop_assert_eq!(c, run_layout(np, ns, &none, r1));
        carried += 1;
    }
    let parts = summary_parts(op, os, r0);
    if let Some(c) = summary_parts_updated(&parts, (op, os), (np, ns), remap, (r0, r1)) {
        prop_assert_eq!(c, summary_parts(np, ns, r1));
        carried += 1;
    }
    let by = GroupBy::Field(Field::User);
    let (og, ng) = (
        fold_groups(&group(op, os, &by), 4),
        fold_groups(&group(np, ns, &by), 4),
    );
    let queued = queued_time(op, os, &og, &g0, 4);
    if let Some(c) = queued_time_updated(&queued, (op, os, &og), (np, ns, &ng), remap, (&g0, &g1)) {
        prop_assert_eq!(c, queued_time(np, ns, &ng, &g1, 4));
        carried += 1;
    }
    let hours = waiting_by_hour(op, os, r0, &Zone::Utc);
    let on = ((r0, r1), &Zone::Utc);
    if let Some(c) = waiting_by_hour_updated(&hours, (op, os), (np, ns), remap, on) {
        prop_assert_eq!(c, waiting_by_hour(np, ns, r1, &Zone::Utc));
        carried += 1;
    }
    let (og, ng) = (group(op, os, &by), group(np, ns, &by));
    let who = who_waits_parts(op, os, &og, r0);
    if let Some(c) = who_waits_updated(&who, (op, os, &og), (np, ns, &ng), remap, (r0, r1)) {
        prop_assert_eq!(c, who_waits_parts(np, ns, &ng, r1));
        carried += 1;
    }
    let before = facets(op, os);
    if let Some(c) = facets_updated(&before, (op, os), (np, ns), remap, (r0, r1)) {
        prop_assert_eq!(c, facets(np, ns));
        carried += 1;
    }
    Ok(carried)
}

#[test]
fn a_slid_range_carries_over() {
    // A relative range at a refresh: both ends 10 s later, or an hour and
    // 10 s (a bucket left at the start, one more at the end). The held
    // jobs read before and still going at the new start are counted again.
    let g0 = base().generated_at + 10_000;
    let g1 = g0 + 2_000;
    let mut held: Vec<Job> = held_jobs().cloned().collect();
    // Across the new start: one running since, one still queued, one that
    // ends an hour into the new range.
    let across = [
        vec![
            (JobState::Queued, 8 * DAY),
            (JobState::Running, 7 * DAY + HOUR),
        ],
        vec![(JobState::Queued, 7 * DAY + 2 * HOUR)],
        vec![
            (JobState::Queued, 8 * DAY),
            (JobState::Running, 7 * DAY + 3 * HOUR),
            (JobState::Failed, 7 * DAY - HOUR),
        ],
    ];
    for (k, ts) in across.into_iter().enumerate() {
        held.push(Job {
            id: format!("across-{k}"),
            job: "long".into(),
            transitions: ts
                .into_iter()
                .map(|(state, ago)| Transition {
                    state,
                    at: g0 - ago,
                })
                .collect(),
            ..Default::default()
        });
    }
    let changed = late_errors(&held, g0 + 1_000);
    let browser_ahead = [10_000, HOUR + 10_000].map(|moved| {
        let r1 = TimeRange {
            from: g1 + 5_000 - 7 * DAY,
            to: g1 + 5_000,
        };
        let r0 = TimeRange {
            from: r1.from - moved,
            to: r1.to - moved.min(5_000),
        };
        (moved, r0, r1, g1)
    });
    // The backend's clock 40 ms ahead of the browser's (live data): each
    // read's `generated_at` is after its range's end, so the base's
    // figures are its data's as of the old range's end.
    let backend_ahead = [10_000, HOUR + 10_000].map(|moved| {
        let r1 = TimeRange {
            from: g0 - 40 + 10_000 - 7 * DAY,
            to: g0 - 40 + 10_000,
        };
        let r0 = TimeRange {
            from: r1.from - moved,
            to: g0 - 40,
        };
        (moved, r0, r1, r1.to + 40)
    });
    for (moved, r0, r1, g1) in browser_ahead.into_iter().chain(backend_ahead) {
        let old = prepared(&held, g0);
        let (got, _, remap) = old
            .updated_remap(&prepared(&changed, g1), (r1.from, r1.to))
            .unwrap();
        let f = Filters::default();
        let (os, ns) = (select(&old, &f, r0), select(&got, &f, r1));
        assert!(ns.len() > 100 && os.len() >= ns.len());
        let carried = slid_equals_recount((&old, &os, r0), (&got, &ns, r1), &remap).unwrap();
        assert_eq!(carried, 7, "moved {moved}: every one of them carries over");
        // Some held jobs were running across the new start: recounted.
        let slide = Slide::new(r0, r1, g0).unwrap();
        let held = remap.held_selected(&old, &os, &ns, &slide).unwrap();
        let edge = &held.edge;
        assert_eq!(
            edge.len(),
            3,
            "moved {moved}, r0 {r0:?}, r1 {r1:?}: {edge:?}"
        );
        // The held jobs waiting now, read once by the walk.
        let waiting: Vec<(u32, u32)> =
            os.0.iter()
                .filter_map(|&i| Some((i, *remap.old.get(i as usize).filter(|&&m| m != u32::MAX)?)))
                .filter(|&(i, _)| old.waiting_now(i as usize))
                .collect();
        assert!(!waiting.is_empty());
        assert_eq!(held.waiting, waiting, "moved {moved}");
        held_is_walked_once(&remap, &old, (&os, &ns), &slide);
    }
}

/// The six carries asked `remap` for the held jobs (`Remap::held_selected`,
/// `gone_selected`) over (`os`, `ns`, `slide`): asked again, it answers
/// with the kept answer, which equals a walk (a clone keeps nothing); other
/// questions (another slide, another new selection) are walked, not
/// answered by a kept one.
fn held_is_walked_once(
    remap: &Remap,
    old: &Prepared,
    (os, ns): (&Selection, &Selection),
    slide: &Slide,
) {
    let kept = remap.held_selected(old, os, ns, slide).unwrap();
    assert!(Arc::ptr_eq(
        &kept,
        &remap.gone_selected(old, os, ns, slide).unwrap()
    ));
    assert_eq!(
        remap.clone().held_selected(old, os, ns, slide).as_deref(),
        Some(&*kept)
    );
    // The gone jobs alone: the kept answer, the edge too.
    let fresh = remap.clone();
    let gone = fresh.gone_selected(old, os, ns, slide).unwrap();
    assert!(Arc::ptr_eq(
        &gone,
        &fresh.held_selected(old, os, ns, slide).unwrap()
    ));
    // The range not moved: no edge, not the kept answer's.
    let still = Slide::new(slide.new, slide.new, slide.base).unwrap();
    let a = remap.held_selected(old, os, ns, &still);
    assert_eq!(a, remap.clone().held_selected(old, os, ns, &still));
    assert!(a.is_none_or(|a| a.edge.is_empty()));
    // One job fewer in the new selection: refused, as walked.
    let fewer = Selection(ns.0[1..].to_vec());
    assert_eq!(remap.held_selected(old, os, &fewer, slide), None);
    assert_eq!(remap.clone().held_selected(old, os, &fewer, slide), None);
    // Asked again after other questions: still the kept answer.
    assert!(Arc::ptr_eq(
        &kept,
        &remap.held_selected(old, os, ns, slide).unwrap()
    ));
}

#[test]
fn a_splice_of_what_would_be_resent_changes_nothing_and_every_view_carries() {
    // The demo's jobs read at their `generated_at`, some with a transition
    // or an error at or after it (what a backend sends again when nothing
    // changed): the app's warm-up splices those in.
    let g = base().generated_at;
    let mut jobs = base().jobs.clone();
    for j in jobs.iter_mut().step_by(53) {
        j.errors.push(JobError {
            at: g,
            message: "at the read".into(),
        });
    }
    // And one job of 71 that is still going ends at the read.
    for j in jobs.iter_mut().step_by(71) {
        if j.transitions.last().is_some_and(|t| !t.state.is_terminal()) {
            j.transitions.push(Transition {
                state: JobState::Failed,
                at: g,
            });
        }
    }
    let late = jobs
        .iter()
        .filter(|j| j.transitions.iter().any(|t| t.at >= g));
    assert!(
        late.count() > 0,
        "some transitions lie at or after the read"
    );
    let old = prepared(&jobs, g);
    let again = old.resent();
    let want: Vec<&Job> = jobs
        .iter()
        .filter(|j| j.transitions.iter().any(|t| t.at >= g) || j.errors.iter().any(|e| e.at >= g))
        .collect();
    let ids = |p: &Prepared| p.iter().map(|j| j.id.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ids(&again),
        want.iter().map(|j| j.id.clone()).collect::<Vec<_>>()
    );
    // Every job read lies in the range (a read's jobs do).
    let first = jobs
        .iter()
        .filter_map(|j| j.transitions.first())
        .map(|t| t.at);
    let r = TimeRange {
        from: first.min().unwrap_or(g),
        to: g + HOUR,
    };
    let (got, counts, remap) = old.updated_remap(&again, (r.from, r.to)).unwrap();
    assert_eq!(
        (counts.replaced, counts.added, counts.dropped),
        (want.len(), 0, 0)
    );
    // The same records, those resent moved to the end.
    let (held, resent): (Vec<Job>, Vec<Job>) = jobs
        .iter()
        .cloned()
        .partition(|j| !want.iter().any(|w| w.id == j.id));
    let order: Vec<Job> = held.into_iter().chain(resent).collect();
    assert_eq!(
        ids(&got),
        order.iter().map(|j| j.id.clone()).collect::<Vec<_>>()
    );
    let f = Filters::default();
    let (os, ns) = (select(&old, &f, r), select(&got, &f, r));
    let carried = slid_equals_recount((&old, &os, r), (&got, &ns, r), &remap).unwrap();
    assert_eq!(carried, 7, "every view carries over such a splice");
    let ids_carried = RunIds::new(&old).updated(&got, &remap);
    assert!(ids_carried.is_some());
}

#[test]
fn an_update_can_empty_and_refill() {
    let all = &base().jobs[..50];
    let g = base().generated_at;
    let old = prepared(all, g);
    let far = (g + 400 * DAY, g + 407 * DAY);
    let (none, c) = old.updated(&prepared(&[], g), far).unwrap();
    assert!(none.is_empty());
    assert_eq!(
        c.dropped,
        old.len()
            - all
                .iter()
                .filter(|j| !j.current_state().is_terminal())
                .count()
    );
    let (back, _) = prepared(&[], g).updated(&old, (g - 7 * DAY, g)).unwrap();
    let fin: Vec<Job> = all
        .iter()
        .filter(|j| {
            let (s, e) = j.lifetime(g);
            s < g && e >= g - 7 * DAY
        })
        .cloned()
        .collect();
    assert_eq!(back, prepared(&fin, g));
}

#[test]
fn too_many_unknown_states_ask_for_a_full_read() {
    let g = base().generated_at;
    let jobs: Vec<Job> = (0..=MAX_UNKNOWN_STATES)
        .map(|k| Job {
            id: format!("j{k}"),
            job: "x".into(),
            transitions: vec![Transition {
                state: JobState::Other(format!("s{k}")),
                at: g - HOUR,
            }],
            ..Default::default()
        })
        .collect();
    let (half, rest) = jobs.split_at(MAX_UNKNOWN_STATES / 2);
    let old = prepared(half, g);
    let err = old.updated(&prepared(rest, g), (g - DAY, g)).unwrap_err();
    assert_eq!(err, UpdateError::FoldedStates);
    let folded = prepared(&jobs, g);
    assert!(folded.state_fold().is_some());
    let err = folded.updated(&prepared(&[], g), (g - DAY, g)).unwrap_err();
    assert_eq!(err, UpdateError::FoldedStates);
}

#[test]
fn a_held_run_that_began_at_the_last_read_joins_the_run_order() {
    // Held and unchanged: running since exactly the previous generated_at,
    // so its run had no length then and has one after the update.
    let g0 = base().generated_at;
    let mut held: Vec<Job> = base().jobs[..20].to_vec();
    let mut j = held[0].clone();
    j.id = "began-at-g0".into();
    j.transitions = vec![
        Transition {
            state: JobState::Queued,
            at: g0 - HOUR,
        },
        Transition {
            state: JobState::Running,
            at: g0,
        },
    ];
    held.push(j);
    let old = prepared(&held, g0);
    let changed = prepared(&[], g0 + MINUTE);
    let range = (g0 - 7 * DAY, g0 + HOUR);
    let (got, _) = old.updated(&changed, range).unwrap();
    let fin: Vec<Job> = held
        .iter()
        .filter(|j| {
            let (s, e) = j.lifetime(g0 + MINUTE);
            s < range.1 && e >= range.0
        })
        .cloned()
        .collect();
    let want = prepared(&fin, g0 + MINUTE);
    assert!(want.run_order.len() > old.run_order.len() - (held.len() - fin.len()));
    assert_eq!(got, want);
}

#[test]
fn job_status_carries_over_a_refresh_of_errors_and_arrivals() {
    // What a live refresh usually is: some held jobs get an error, a few
    // jobs arrive, the clock moves on a little (within the last bucket:
    // a read on a bucket's edge is recounted, see the next test).
    let g0 = base().generated_at + 10_000;
    let g1 = g0 + 2_000;
    let held: Vec<Job> = held_jobs()
        .filter(|j| !matches!(j.current_state(), JobState::Other(_)))
        .take(400)
        .cloned()
        .collect();
    let mut changed = late_errors(&held, g0 + 1_000);
    for (k, h) in held.iter().take(5).enumerate() {
        let mut j = h.clone();
        j.id = format!("arrival-{k}");
        j.transitions = vec![Transition {
            state: JobState::Queued,
            at: g0 + 500,
        }];
        changed.push(j);
    }
    let range = TimeRange {
        from: g0 - 7 * DAY,
        to: g0 + HOUR - (g0 % HOUR),
    };
    let old = prepared(&held, g0);
    let (got, _, remap) = old
        .updated_remap(&prepared(&changed, g1), (range.from, range.to))
        .unwrap();
    let grid = BucketGrid::new(range, HOUR, &Zone::Utc);
    let f = Filters::default();
    let (os, ns) = (select(&old, &f, range), select(&got, &f, range));
    let before = job_status(&old, &os, &grid);
    let carried = job_status_updated(&before, (&old, &os, &grid), (&got, &ns), &remap, &grid);
    assert_eq!(carried, Some(job_status(&got, &ns, &grid)));
    assert_ne!(carried, Some(before));
    // The lanes too; and with some of the runs ended by the read (their
    // bars end earlier now, so later runs may take other lanes).
    let none = Groups::default();
    let lanes = run_layout(&old, &os, &none, range);
    let carried = run_layout_updated(&lanes, (&old, &os), (&got, &ns), &remap, (range, range));
    assert_eq!(carried, Some(run_layout(&got, &ns, &none, range)));
    assert!(lanes.bars.len() > 50);
    // Queued time, waiting by hour and the header's parts as well.
    let by = GroupBy::Field(Field::User);
    let (og, ng) = (group(&old, &os, &by), group(&got, &ns, &by));
    let (og, ng) = (fold_groups(&og, 4), fold_groups(&ng, 4));
    let queued = queued_time(&old, &os, &og, &grid, 4);
    let carried = queued_time_updated(
        &queued,
        (&old, &os, &og),
        (&got, &ns, &ng),
        &remap,
        (&grid, &grid),
    );
    assert_eq!(carried, Some(queued_time(&got, &ns, &ng, &grid, 4)));
    let hours = waiting_by_hour(&old, &os, range, &Zone::Utc);
    let on = ((range, range), &Zone::Utc);
    let carried = waiting_by_hour_updated(&hours, (&old, &os), (&got, &ns), &remap, on);
    assert_eq!(carried, Some(waiting_by_hour(&got, &ns, range, &Zone::Utc)));
    let parts = summary_parts(&old, &os, range);
    let carried = summary_parts_updated(&parts, (&old, &os), (&got, &ns), &remap, (range, range));
    assert_eq!(carried, Some(summary_parts(&got, &ns, range)));
    // Every third run still going at g0; the read ends every other one.
    let mut going = held.clone();
    for j in going.iter_mut().step_by(3) {
        if let Some(k) = j
            .transitions
            .iter()
            .position(|t| t.state == JobState::Running)
        {
            j.transitions.truncate(k + 1);
        }
    }
    let ended: Vec<Job> = going
        .iter()
        .filter(|j| j.current_state() == &JobState::Running)
        .step_by(2)
        .map(|j| {
            let mut j = j.clone();
            j.transitions.push(Transition {
                state: JobState::Finished,
                at: g0 + 700,
            });
            j
        })
        .collect();
    assert!(ended.len() > 10);
    let old = prepared(&going, g0);
    let os = select(&old, &f, range);
    let lanes = run_layout(&old, &os, &none, range);
    let (fin, _, remap) = old
        .updated_remap(&prepared(&ended, g1), (range.from, range.to))
        .unwrap();
    let fs = select(&fin, &f, range);
    let carried = run_layout_updated(&lanes, (&old, &os), (&fin, &fs), &remap, (range, range));
    let want = run_layout(&fin, &fs, &none, range);
    assert_eq!(carried.as_ref(), Some(&want));
    assert_ne!(want.bars, lanes.bars);
    // A read on a bucket's edge, and the next one a bucket or two later:
    // the jobs still going count in the buckets their open spans reach now.
    let e0 = range.to - HOUR;
    let early: Vec<Job> = going
        .iter()
        .filter(|j| j.transitions.iter().all(|t| t.at < e0))
        .cloned()
        .collect();
    let edge = prepared(&early, e0);
    let wide = TimeRange::new(range.from, e0 + 3 * HOUR);
    let grid = BucketGrid::new(wide, HOUR, &Zone::Utc);
    let es = select(&edge, &f, wide);
    assert!(
        es.0.iter()
            .filter(|&&j| edge.ended(j as usize).is_none())
            .count()
            > 10
    );
    let before = job_status(&edge, &es, &grid);
    for later in [2_000, HOUR + 2_000, 2 * HOUR] {
        let changed = late_errors(&early, e0 + 1_000);
        let (moved, _, remap) = edge
            .updated_remap(&prepared(&changed, e0 + later), (wide.from, wide.to))
            .unwrap();
        let ms = select(&moved, &f, wide);
        let carried =
            job_status_updated(&before, (&edge, &es, &grid), (&moved, &ms), &remap, &grid);
        assert_eq!(carried, Some(job_status(&moved, &ms, &grid)), "{later}");
    }
}

#[test]
fn a_slid_range_replays_its_lanes_back_into_step() {
    // A relative range at a refresh, slid far enough that runs leave at
    // its start: their lanes differ from the old packing only until the
    // runs reach their ends, then the old lanes are copied again.
    let g0 = base().generated_at + 10_000;
    let g1 = g0 + 2_000;
    let held: Vec<Job> = held_jobs().cloned().collect();
    let changed = late_errors(&held, g0 + 1_000);
    let old = prepared(&held, g0);
    let none = Groups::default();
    let f = Filters::default();
    let r0 = TimeRange::new(g0 - 7 * DAY, g0);
    let os = select(&old, &f, r0);
    let lanes = run_layout(&old, &os, &none, r0);
    // Slides past the end of the 1st, 5th and 20th run to end.
    let mut ends: Vec<Ms> = lanes.bars.iter().map(|b| b.end).collect();
    ends.sort_unstable();
    let past = |k: usize| ends[k] - r0.from + 1;
    for moved in [10_000, past(0), past(4), past(19)] {
        let r1 = TimeRange::new(r0.from + moved, r0.to + moved);
        let (got, _, remap) = old
            .updated_remap(&prepared(&changed, g1), (r1.from, r1.to))
            .unwrap();
        let ns = select(&got, &f, r1);
        let left = lanes.bars.iter().filter(|b| b.end <= r1.from).count();
        let (carried, packed) =
            crate::analysis::runs::replayed(&lanes, (&old, &os), (&got, &ns), &remap, (r0, r1))
                .unwrap();
        let want = run_layout(&got, &ns, &none, r1);
        assert_eq!(carried, want, "moved {moved}");
        assert!(want.bars.len() > 200, "{}", want.bars.len());
        assert!(
            moved == 10_000 || left > 0,
            "moved {moved}: runs leave at the start"
        );
        eprintln!(
            "moved {moved}: {left} left, {packed} of {} packed",
            want.bars.len()
        );
        // A few runs around the start are packed, not the whole timeline.
        assert!(
            packed * 10 < want.bars.len(),
            "moved {moved}: {packed} of {} packed",
            want.bars.len()
        );
    }
}

#[test]
fn a_lane_freed_at_the_start_agrees_again_once_passed() {
    // Run `a` leaves at the slid start; `c`, which began while `a` ran,
    // takes `a`'s lane now (lane 0, lane 1 before), so lane 1 is unused
    // now and ends at `c`'s end in the old packing. Every later run fits
    // in lane 0: lane 1 is never set again, and its two ends differ for
    // good, but both lie before the next start, so the old lanes are
    // copied from there, not packed.
    let f0 = base().generated_at - 7 * DAY;
    let g0 = f0 + 7 * DAY;
    let mut jobs = vec![
        ran("a", f0, Some(f0 + 10_000)),
        ran("c", f0 + 5_000, Some(f0 + 500_000)),
    ];
    jobs.extend((0..50).map(|k| {
        let s = f0 + 1_000_000 + k * 100_000;
        ran(&format!("d{k:02}"), s, Some(s + 50_000))
    }));
    let old = prepared(&jobs, g0);
    let (r0, r1) = (
        TimeRange::new(f0, g0),
        TimeRange::new(f0 + 20_000, g0 + 20_000),
    );
    let (got, counts, remap) = old
        .updated_remap(&prepared(&[], g0 + 2_000), (r1.from, r1.to))
        .unwrap();
    assert_eq!(counts.dropped, 1);
    let (none, f) = (Groups::default(), Filters::default());
    let (os, ns) = (select(&old, &f, r0), select(&got, &f, r1));
    let lanes = run_layout(&old, &os, &none, r0);
    assert_eq!(lanes.lanes, 2);
    let (carried, packed) =
        crate::analysis::runs::replayed(&lanes, (&old, &os), (&got, &ns), &remap, (r0, r1))
            .unwrap();
    assert_eq!(carried, run_layout(&got, &ns, &none, r1));
    assert_eq!(carried.lanes, 1);
    assert_eq!(packed, 1, "only c is packed");
}

#[test]
fn who_waits_carries_over_groups_that_come_and_go() {
    // Users: `solo`'s one job is replaced by a record of `moved` (the
    // group leaves, another comes); `late` arrives; `edge` has been
    // queued since before the range (across a slid start); `wait` is
    // queued still; the rest ran.
    let g0 = base().generated_at;
    let from = g0 - 2 * HOUR;
    let job = |id: &str, user: &str, ts: &[(JobState, Ms)]| Job {
        id: id.into(),
        job: "x".into(),
        user: Some(user.into()),
        transitions: ts
            .iter()
            .map(|(state, at)| Transition {
                state: state.clone(),
                at: *at,
            })
            .collect(),
        ..Default::default()
    };
    let ran = |id: &str, user: &str, q: Ms| {
        job(
            id,
            user,
            &[
                (JobState::Queued, q),
                (JobState::Running, q + 600_000),
                (JobState::Finished, q + 1_200_000),
            ],
        )
    };
    let mut held: Vec<Job> = (0..30)
        .map(|k| {
            ran(
                &format!("r{k:02}"),
                ["ann", "bo", "cy"][k % 3],
                from + k as Ms * 60_000,
            )
        })
        .collect();
    held.push(ran("s0", "solo", from + 5 * MINUTE));
    held.push(job("w0", "wait", &[(JobState::Queued, from + 30 * MINUTE)]));
    held.push(job("e0", "edge", &[(JobState::Queued, from - HOUR)]));
    let old = prepared(&held, g0);
    let g1 = g0 + 5_000;
    let changed = vec![
        ran("s0", "moved", from + 5 * MINUTE),
        job("n0", "late", &[(JobState::Queued, g0 + 1_000)]),
        {
            let mut j = ran("r04", "bo", from + 4 * MINUTE);
            j.errors.push(JobError {
                at: g0 + 2_000,
                message: "x".into(),
            });
            j
        },
    ];
    let by = GroupBy::Field(Field::User);
    let f = Filters::default();
    for (r0, r1) in [
        (
            TimeRange::new(from, g0 + HOUR),
            TimeRange::new(from, g0 + HOUR),
        ),
        // Slid: `edge` and the first runs are across the new start.
        (
            TimeRange::new(from - 1, g0),
            TimeRange::new(from + 2 * MINUTE, g1),
        ),
    ] {
        let (got, _, remap) = old
            .updated_remap(&prepared(&changed, g1), (r1.from, r1.to))
            .unwrap();
        let (os, ns) = (select(&old, &f, r0), select(&got, &f, r1));
        let (og, ng) = (group(&old, &os, &by), group(&got, &ns, &by));
        let has = |g: &Groups, n: &str| g.names.iter().any(|x| x == n);
        assert!(has(&og, "solo") && !has(&ng, "solo"));
        assert!(has(&ng, "late") && !has(&og, "late"));
        let parts = who_waits_parts(&old, &os, &og, r0);
        let carried =
            who_waits_updated(&parts, (&old, &os, &og), (&got, &ns, &ng), &remap, (r0, r1));
        let want = who_waits_parts(&got, &ns, &ng, r1);
        assert_eq!(carried.as_ref(), Some(&want), "{r0:?} -> {r1:?}");
        let edge = who_waits_of(&want);
        assert!(edge.iter().any(|w| w.group == "edge" && w.jobs == 1));
    }
    // Parts of other groups than the old selection's are not carried.
    let (got, _, remap) = old
        .updated_remap(&prepared(&changed, g1), (from, g0 + HOUR))
        .unwrap();
    let r = TimeRange::new(from, g0 + HOUR);
    let (os, ns) = (select(&old, &f, r), select(&got, &f, r));
    let (og, ng) = (group(&old, &os, &by), group(&got, &ns, &by));
    let other = group(&old, &os, &GroupBy::Field(Field::Project));
    let parts = who_waits_parts(&old, &os, &other, r);
    assert_eq!(
        who_waits_updated(&parts, (&old, &os, &og), (&got, &ns, &ng), &remap, (r, r)),
        None
    );
}

/// Job `id`: queued a second before `start`, running from `start`, and
/// finished at `end` (else still running).
fn ran(id: &str, start: Ms, end: Option<Ms>) -> Job {
    let mut transitions = vec![
        Transition {
            state: JobState::Queued,
            at: start - 1_000,
        },
        Transition {
            state: JobState::Running,
            at: start,
        },
    ];
    transitions.extend(end.map(|at| Transition {
        state: JobState::Finished,
        at,
    }));
    Job {
        id: id.into(),
        job: "x".into(),
        transitions,
        ..Default::default()
    }
}

/// The run lanes of `old` over `r0` carried over to its splice with
/// `changed` (read at `g1`) over `r1`, with how many runs were packed,
/// checked against a fresh packing; `None` when the carry refuses.
fn lanes_carried(
    old: &Prepared,
    changed: &[Job],
    g1: Ms,
    (r0, r1): (TimeRange, TimeRange),
) -> Option<(RunLayout, usize)> {
    let (got, _, remap) = old
        .updated_remap(&prepared(changed, g1), (r1.from, r1.to))
        .unwrap();
    let (none, f) = (Groups::default(), Filters::default());
    let (os, ns) = (select(old, &f, r0), select(&got, &f, r1));
    let lanes = run_layout(old, &os, &none, r0);
    let (carried, packed) =
        crate::analysis::runs::replayed(&lanes, (old, &os), (&got, &ns), &remap, (r0, r1))?;
    assert_eq!(carried, run_layout(&got, &ns, &none, r1));
    Some((carried, packed))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lanes_carried_past_differences_no_run_can_tell_equal_a_packing(
        seed in any::<u64>(),
        n in 1usize..150,
        ticks in 2i64..40,
        changes in 0usize..16,
        later in 0i64..4,
    ) {
        // Held runs on a coarse clock (ties on start), some long across
        // many lanes, some still running at g0; then runs that finish
        // (at g0 or after), runs that start, errors, and new jobs whose
        // runs lie anywhere, over the same range or one slid forward.
        let mut rng = fastrand::Rng::with_seed(seed);
        let g0 = base().generated_at;
        let g1 = g0 + later * MINUTE;
        let t0 = g0 - ticks * MINUTE;
        let tick = |rng: &mut fastrand::Rng| t0 + rng.i64(0..ticks) * MINUTE;
        let jobs: Vec<Job> = (0..n)
            .map(|k| {
                let id = format!("{:03}-{k}", rng.u16(..1000));
                let s = tick(&mut rng);
                match rng.u8(0..5) {
                    0 => Job {
                        transitions: vec![Transition { state: JobState::Queued, at: s }],
                        ..ran(&id, s, None)
                    },
                    1 => ran(&id, s, None),
                    2 => ran(&id, t0 + rng.i64(0..2) * MINUTE, Some(g0 - 1 - rng.i64(0..2) * MINUTE)),
                    _ => ran(&id, s, Some((s + rng.i64(1..=ticks) * MINUTE).min(g0 - 1))),
                }
            })
            .collect();
        let after = |rng: &mut fastrand::Rng| g0 + rng.i64(0..=later) * MINUTE;
        let mut changed: Vec<Job> = Vec::new();
        for k in 0..changes {
            let mut j = jobs[rng.usize(..n)].clone();
            if changed.iter().any(|c| c.id == j.id) {
                continue;
            }
            match (rng.u8(0..4), j.current_state().clone()) {
                (0 | 1, JobState::Running) => j.transitions.push(Transition { state: JobState::Finished, at: after(&mut rng) }),
                (0 | 1, JobState::Queued) => {
                    let s = after(&mut rng);
                    j.transitions.push(Transition { state: JobState::Running, at: s });
                    if rng.bool() {
                        j.transitions.push(Transition { state: JobState::Failed, at: s.max(after(&mut rng)) });
                    }
                }
                (2, _) => {
                    let s = if rng.bool() { tick(&mut rng) } else { after(&mut rng) };
                    let end = rng.bool().then(|| (s + rng.i64(0..=ticks) * MINUTE).min(g1));
                    j = ran(&format!("new-{k}"), s, end);
                }
                _ => j.errors.push(JobError { at: after(&mut rng), message: "e".into() }),
            }
            changed.push(j);
        }
        let old = prepared(&jobs, g0);
        let r0 = TimeRange::new(t0 - 5 * MINUTE, g0 + HOUR);
        let slid = TimeRange::new(r0.from + rng.i64(0..=ticks) * MINUTE, g1 + HOUR);
        for r1 in [TimeRange::new(r0.from, g1 + HOUR), slid] {
            let carried = lanes_carried(&old, &changed, g1, (r0, r1));
            prop_assert!(carried.is_some() || r1 == slid, "the same range carries");
        }
    }
}

#[test]
fn a_long_run_that_finishes_packs_only_the_changed_runs() {
    // A run open since before every other one finishes: its old bar ends
    // at the new generated_at, its new one a little earlier, so its lane
    // differs to the end, but both ends lie after every held start. Only
    // it and the runs that start now are packed.
    let g0 = base().generated_at;
    let t0 = g0 - 7 * DAY;
    let mut jobs = vec![ran("long", t0, None)];
    jobs.extend((0..3_000).map(|k| {
        let s = t0 + MINUTE + k * 3 * MINUTE;
        ran(
            &format!("r{k:04}"),
            s,
            Some(s + 20 * MINUTE + (k % 7) * MINUTE),
        )
    }));
    jobs.extend((0..4).map(|k| ran(&format!("open{k}"), g0 - HOUR * (k + 1), None)));
    let old = prepared(&jobs, g0);
    let g1 = g0 + MINUTE;
    let mut changed = vec![ran("long", t0, Some(g0 + 30_000))];
    changed.extend((0..3).map(|k| ran(&format!("new{k}"), g0 + 10_000 * k, None)));
    let mut err = jobs[1500].clone();
    err.errors.push(JobError {
        at: g0 + 5_000,
        message: "late".into(),
    });
    changed.push(err);
    let r = TimeRange::new(t0 - HOUR, g0 + HOUR);
    let (carried, packed) = lanes_carried(&old, &changed, g1, (r, r)).unwrap();
    assert!(carried.lanes > 4, "{} lanes", carried.lanes);
    assert!(packed <= changed.len() + 1, "{packed} runs packed");
    // The same over a range slid by a minute (no run leaves at its start).
    let slid = TimeRange::new(r.from + MINUTE, r.to + MINUTE);
    let (_, packed) = lanes_carried(&old, &changed, g1, (r, slid)).unwrap();
    assert!(packed <= changed.len() + 1, "slid: {packed} runs packed");
}

#[test]
fn the_facets_carry_values_that_come_and_go() {
    // Held jobs in the range; a refresh that gives a user's only job to a
    // newcomer, drops the one job of a label key, brings a new key, an
    // unknown state, a job without a project, and drops a job.
    let g0 = base().generated_at + 10_000;
    let g1 = g0 + 2_000;
    let r1 = TimeRange {
        from: g1 + 5_000 - 7 * DAY,
        to: g1 + 5_000,
    };
    let mut held: Vec<Job> = held_jobs()
        .filter(|j| j.lifetime(g0).0 > r1.from + DAY)
        .take(200)
        .cloned()
        .collect();
    assert_eq!(held.len(), 200);
    held[0].user = Some("only-one".into());
    held[1].labels.insert("rare".into(), "x".into());
    let mut changed: Vec<Job> = held[..6].to_vec();
    changed[0].user = Some("newcomer".into());
    changed[1].labels.clear();
    changed[2].labels.insert("fresh-key".into(), "y".into());
    changed[3].transitions.push(Transition {
        state: JobState::Other("preempted".into()),
        at: g0 + 500,
    });
    changed[4].transitions = vec![
        Transition {
            state: JobState::Queued,
            at: g0 - 30 * DAY,
        },
        Transition {
            state: JobState::Killed,
            at: g0 - 29 * DAY,
        },
    ];
    changed[5].id = "new-1".into();
    changed[5].project = None;
    for moved in [0, HOUR] {
        let r0 = TimeRange {
            from: r1.from - moved,
            to: r1.to - moved.min(5_000),
        };
        let old = prepared(&held, g0);
        let (got, counts, remap) = old
            .updated_remap(&prepared(&changed, g1), (r1.from, r1.to))
            .unwrap();
        assert_eq!((counts.added, counts.dropped), (1, 1));
        let f = Filters::default();
        let (os, ns) = (select(&old, &f, r0), select(&got, &f, r1));
        let carried = facets_updated(
            &facets(&old, &os),
            (&old, &os),
            (&got, &ns),
            &remap,
            (r0, r1),
        );
        let want = facets(&got, &ns);
        assert_eq!(carried.as_ref(), Some(&want), "moved {moved}");
        let has = |l: &[(String, usize)], v: &str| l.iter().any(|(n, _)| n == v);
        let users = want.field(Field::User);
        assert!(has(users, "newcomer") && !has(users, "only-one"));
        assert!(has(want.field(Field::State), "preempted"));
        assert!(has(want.field(Field::Project), crate::analysis::NONE_NAME));
        let keys: Vec<&str> = want.labels.iter().map(|(k, _)| k.as_str()).collect();
        assert!(keys.contains(&"fresh-key") && !keys.contains(&"rare"));
        assert!(facets(&old, &os).labels.iter().any(|(k, _)| k == "rare"));
    }
}
