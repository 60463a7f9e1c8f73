//! SPEC §3 job status and filters, with hand-computed expectations.
#![allow(clippy::field_reassign_with_default)]

mod common;
use common::*;
use queuescope_core::analysis::*;
use queuescope_core::model::{JobState, HOUR};
use std::collections::BTreeSet;

/// Range [00:00, 03:00) of t0 in 1h buckets; generated_at 03:30.
fn fixture() -> Prepared {
    prep(
        vec![
            // On bucket boundaries: running exactly from 01:00 to 02:00.
            job("A", &[("queued", 30), ("running", 60), ("finished", 120)]),
            // Requeued: running twice in bucket 0 counts once.
            job(
                "B",
                &[
                    ("queued", 10),
                    ("running", 20),
                    ("queued", 40),
                    ("running", 50),
                    ("failed", 90),
                ],
            ),
            // Zero-length queued and pending; still running at generated_at.
            job("C", &[("queued", 70), ("pending", 70), ("running", 70)]),
            // Spans the range start and end.
            job("D", &[("queued", -120), ("running", 15), ("finished", 300)]),
            // Unknown state, kept as itself, lasts until generated_at.
            job("E", &[("queued", 130), ("preempted", 140)]),
            // Entirely before the range.
            job("F", &[("queued", -300), ("finished", -240)]),
            // Terminal exactly at range end: not counted as finished.
            job("G", &[("queued", 150), ("running", 165), ("finished", 180)]),
            // Enqueued exactly at range end: not selected.
            job("H", &[("queued", 180)]),
        ],
        210,
    )
}

fn row<'a>(c: &'a StatusCounts, s: &str) -> &'a [u32] {
    let i = c
        .states
        .iter()
        .position(|x| x.as_str() == s)
        .unwrap_or_else(|| panic!("no state {s}"));
    &c.counts[i]
}

fn ids(p: &Prepared, s: &Selection) -> Vec<String> {
    s.0.iter()
        .map(|&i| p.job(i as usize).id.to_string())
        .collect()
}

#[test]
fn selection_is_jobs_whose_lifetime_overlaps_the_range() {
    let p = fixture();
    let sel = select(&p, &Filters::default(), range(0, 180));
    assert_eq!(ids(&p, &sel), ["A", "B", "C", "D", "E", "G"]);
    // A terminal transition exactly at `from` keeps the job (it counts in bucket 0).
    let sel = select(&p, &Filters::default(), range(-240, -200));
    assert_eq!(ids(&p, &sel), ["F"]);
    assert!(select(&p, &Filters::default(), range(60, 60)).is_empty());
}

#[test]
fn job_status_counts_by_hand() {
    let p = fixture();
    let r = range(0, 180);
    let sel = select(&p, &Filters::default(), r);
    let g = BucketGrid::new(r, HOUR, &Zone::Utc);
    let c = job_status(&p, &sel, &g);
    let names: Vec<&str> = c.states.iter().map(JobState::as_str).collect();
    assert_eq!(
        names,
        [
            "idle",
            "queued",
            "pending",
            "starting",
            "running",
            "finished",
            "failed",
            "crashed",
            "killed",
            "preempted"
        ]
    );
    assert_eq!(row(&c, "idle"), [0, 0, 0]);
    assert_eq!(row(&c, "queued"), [3, 0, 2]); // A B D | - | E G
    assert_eq!(row(&c, "pending"), [0, 0, 0]); // C's zero-length pending
    assert_eq!(row(&c, "running"), [2, 4, 3]); // B D | A B C D | C D G
    assert_eq!(row(&c, "finished"), [0, 0, 1]); // A at 02:00; G at 03:00 is outside
    assert_eq!(row(&c, "failed"), [0, 1, 0]);
    assert_eq!(row(&c, "preempted"), [0, 0, 1]);
}

#[test]
fn job_status_with_partial_buckets_and_only_selected_jobs() {
    let p = fixture();
    // [00:45, 02:30): buckets start 00:00, 01:00, 02:00, all clipped to the range.
    let r = range(45, 150);
    let g = BucketGrid::new(r, HOUR, &Zone::Utc);
    let sel = select(&p, &Filters::default(), r);
    let c = job_status(&p, &sel, &g);
    // [00:45, 01:00): A (queued 00:30-01:00) and B (re-queued 00:40-00:50)
    // | - | E only (G queues from 02:30, the range end).
    assert_eq!(row(&c, "queued"), [2, 0, 1]);
    // B (from 00:50) and D | A B C D | C D (G runs from 02:45, outside).
    assert_eq!(row(&c, "running"), [2, 4, 2]);

    let mut f = Filters::default();
    f.text = "launch-b".into();
    let sel = select(&p, &f, r);
    let c = job_status(&p, &sel, &g);
    assert_eq!(row(&c, "running"), [1, 1, 0]);
    assert_eq!(row(&c, "failed"), [0, 1, 0]);
    // Unknown states appear only when the selection passes through them.
    assert!(!c.states.iter().any(|s| s.as_str() == "preempted"));
    assert_eq!(c.states.len(), 9);
}

#[test]
fn empty_range_and_empty_selection() {
    let p = fixture();
    let r = range(60, 60);
    let g = BucketGrid::new(r, HOUR, &Zone::Utc);
    let c = job_status(&p, &select(&p, &Filters::default(), r), &g);
    assert_eq!(c.states.len(), 9);
    assert!(c.counts.iter().all(Vec::is_empty));
    let g = BucketGrid::new(range(0, 180), HOUR, &Zone::Utc);
    let c = job_status(&p, &Selection::default(), &g);
    assert!(c.counts.iter().all(|r| r == &[0, 0, 0]));
}

#[test]
fn job_status_on_a_local_dst_day() {
    // Berlin, 2026-10-25 (25 h): a job running 2026-10-25T22:30Z..23:30Z
    // crosses local midnight (23:00Z) and counts on both local days.
    let d = queuescope_core::model::Dataset {
        queue_id: "q".into(),
        generated_at: t("2026-10-27T00:00:00Z"),
        jobs: vec![queuescope_core::model::Job {
            id: "x".into(),
            job: "j".into(),
            transitions: vec![
                queuescope_core::model::Transition {
                    state: JobState::Running,
                    at: t("2026-10-25T22:30:00Z"),
                },
                queuescope_core::model::Transition {
                    state: JobState::Finished,
                    at: t("2026-10-25T23:30:00Z"),
                },
            ],
            ..Default::default()
        }],
        skipped: Default::default(),
    };
    let p = Prepared::new(&d);
    let r = TimeRange {
        from: t("2026-10-24T22:00:00Z"),
        to: t("2026-10-26T23:00:00Z"),
    };
    let g = BucketGrid::new(
        r,
        queuescope_core::model::DAY,
        &Zone::Local(LocalZone::probe(r, berlin)),
    );
    assert_eq!(g.len(), 2);
    let c = job_status(&p, &select(&p, &Filters::default(), r), &g);
    assert_eq!(row(&c, "running"), [1, 1]);
    assert_eq!(row(&c, "finished"), [0, 1]);
    // In UTC days the same run lies in one day (2026-10-25).
    let g = BucketGrid::new(r, queuescope_core::model::DAY, &Zone::Utc);
    let c = job_status(&p, &select(&p, &Filters::default(), r), &g);
    assert_eq!(row(&c, "running"), [0, 1, 0]);
}

fn people() -> Prepared {
    prep(
        vec![
            job("j1", &[("queued", 0)])
                .user("alice")
                .project("vision")
                .label("team", "a"),
            job("j2", &[("queued", 0)])
                .user("bob")
                .project("vision")
                .label("team", "b")
                .label("prio", "high"),
            job("j3", &[("queued", 0)])
                .user("carol")
                .project("nlp")
                .run("R-9", "Resilient-Snowball"),
            job("j4", &[("queued", 0), ("failed", 5)])
                .label("team", "a")
                .label("prio", "high"),
        ],
        60,
    )
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn filters_or_within_and_across_fields() {
    let p = people();
    let r = range(0, 60);
    let sel = |f: &Filters| ids(&p, &select(&p, f, r));
    let mut f = Filters::default();
    *f.values_mut(Field::User) = set(&["alice", "bob"]);
    assert_eq!(sel(&f), ["j1", "j2"]);
    *f.values_mut(Field::Project) = set(&["nlp"]);
    assert_eq!(sel(&f), Vec::<String>::new());
    *f.values_mut(Field::Project) = set(&["vision", "nlp"]);
    assert_eq!(sel(&f), ["j1", "j2"]);

    // Missing fields match "(none)".
    let mut f = Filters::default();
    *f.values_mut(Field::User) = set(&["(none)"]);
    assert_eq!(sel(&f), ["j4"]);

    // Labels: OR within a key, AND across keys.
    let mut f = Filters::default();
    f.labels = [("team", "a"), ("team", "b")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(sel(&f), ["j1", "j2", "j4"]);
    f.labels.insert(("prio".into(), "high".into()));
    assert_eq!(sel(&f), ["j2", "j4"]);
    f.labels.insert(("nokey".into(), "x".into()));
    assert_eq!(sel(&f), Vec::<String>::new());

    // State is the current state.
    let mut f = Filters::default();
    *f.values_mut(Field::State) = set(&["failed"]);
    assert_eq!(sel(&f), ["j4"]);

    // Text: case-insensitive substring on job name, id, run id and run name,
    // never across two fields.
    let mut f = Filters::default();
    for (q, want) in [
        ("SNOWBALL", vec!["j3"]),
        ("r-9", vec!["j3"]),
        ("J2", vec!["j2"]),
        ("launch-j", vec!["j1", "j2", "j3", "j4"]),
        ("j3r-9", vec![]),
        ("  ", vec!["j1", "j2", "j3", "j4"]),
    ] {
        f.text = q.into();
        assert_eq!(sel(&f), want, "{q:?}");
    }
}

#[test]
fn facets_count_values_of_a_subset() {
    let p = people();
    let all = Selection::all(&p);
    assert_eq!(
        p.facet_values(Field::User, &all),
        vec![
            ("(none)".to_string(), 1),
            ("alice".to_string(), 1),
            ("bob".to_string(), 1),
            ("carol".to_string(), 1)
        ]
    );
    assert_eq!(
        p.facet_values(Field::Project, &all),
        vec![
            ("vision".to_string(), 2),
            ("(none)".to_string(), 1),
            ("nlp".to_string(), 1)
        ]
    );
    assert_eq!(
        p.facet_values(Field::State, &all),
        vec![("queued".to_string(), 3), ("failed".to_string(), 1)]
    );
    assert_eq!(p.label_keys(), ["prio", "team"]);
    assert_eq!(
        p.label_values("prio", &all),
        vec![("(none)".to_string(), 2), ("high".to_string(), 2)]
    );
    assert_eq!(Field::parse("entity"), Some(Field::Entity));
    assert_eq!(Field::Entity.as_str(), "entity");
}
