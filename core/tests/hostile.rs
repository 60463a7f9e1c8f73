//! A hostile backend's volume (issue #10 row 8): tens of thousands of
//! distinct unknown states and label keys must neither miscount nor cost
//! memory per (job, key).

mod common;
use common::*;
use queuescope_core::analysis::*;
use queuescope_core::JobState;

/// 66,000 jobs, each in its own unknown state, plus two frequent ones:
/// past 65,526 distinct states the `u16` state ids ran out and the rest
/// counted as `idle`.
#[test]
fn thousands_of_unknown_states_fold_into_one_named_state() {
    let n = 66_000;
    let mut jobs: Vec<_> = (0..n)
        .map(|k| {
            job(
                &format!("j{k:05}"),
                &[
                    (&format!("mystery-{k:05}"), 0),
                    ("running", 10),
                    ("finished", 20),
                ],
            )
        })
        .collect();
    jobs.extend((0..100).map(|k| job(&format!("a{k}"), &[("frequent-a", 30), ("failed", 40)])));
    jobs.extend((0..50).map(|k| job(&format!("b{k}"), &[("frequent-b", 30)])));
    let p = prep(jobs, 60);

    let states = p.states();
    assert_eq!(states.len(), JobState::KNOWN.len() + MAX_UNKNOWN_STATES + 1);
    let unknown: Vec<&str> = states[JobState::KNOWN.len()..]
        .iter()
        .map(JobState::as_str)
        .collect();
    // The most frequent first, then ties by name; shown sorted, the fold last.
    assert!(unknown.contains(&"frequent-a") && unknown.contains(&"frequent-b"));
    assert!(unknown.contains(&"mystery-00000") && unknown.contains(&"mystery-00029"));
    assert!(!unknown.contains(&"mystery-00030"));
    assert_eq!(unknown.last(), Some(&OTHER_STATES_NAME));
    let fold = p.state_fold().expect("states were folded");
    assert_eq!(fold.states, n + 2 - MAX_UNKNOWN_STATES);
    assert_eq!(fold.transitions, n - 30);
    assert_eq!(
        fold.summary(),
        "65970 more unknown states (65970 transitions) are shown as “(other states)”"
    );

    let sel = select(&p, &Filters::default(), range(0, 60));
    let grid = BucketGrid::new(range(0, 60), 10 * 60_000, &Zone::Utc);
    let st = job_status(&p, &sel, &grid);
    let row = |name: &str| {
        let i = st.states.iter().position(|s| s.as_str() == name).unwrap();
        st.counts[i].clone()
    };
    assert_eq!(row("idle"), [0; 6], "nobody is idle");
    assert_eq!(row(OTHER_STATES_NAME), [n as u32 - 30, 0, 0, 0, 0, 0]);
    assert_eq!(row("mystery-00007"), [1, 0, 0, 0, 0, 0]);
    assert_eq!(row("frequent-b"), [0, 0, 0, 50, 50, 50]);
    assert_eq!(row("running"), [0, n as u32, 0, 0, 0, 0]);

    // The folded state filters and groups like any other.
    let mut only_folded = Filters::default();
    only_folded.toggle(Field::State, OTHER_STATES_NAME);
    let folded = select(&p, &only_folded, range(0, 60));
    assert_eq!(
        folded.len(),
        0,
        "state filters the current state, which is finished"
    );
    let by_state = group(&p, &sel, &GroupBy::Field(Field::State));
    assert_eq!(by_state.names[..2], ["finished", "failed"]);
    let facets = p.facet_values(Field::State, &sel);
    assert_eq!(facets[0], ("finished".to_string(), n));
    assert_eq!(facets[2], ("frequent-b".to_string(), 50));
}

/// A few unknown states are kept as they are, with no fold.
#[test]
fn few_unknown_states_are_not_folded() {
    let p = prep(
        vec![
            job("a", &[("preempted", 0), ("running", 5)]),
            job("b", &[("evicted", 0)]),
        ],
        10,
    );
    let names: Vec<&str> = p.states().iter().map(JobState::as_str).collect();
    assert_eq!(names[JobState::KNOWN.len()..], ["evicted", "preempted"]);
    assert_eq!(p.state_fold(), None);
}

/// 5,000 jobs with 4 labels each out of 20,000 keys: every key is a
/// grouping and a filter, and answers exactly as a dense column did.
#[test]
fn thousands_of_label_keys() {
    let n = 5_000;
    let keys = 20_000;
    let jobs: Vec<_> = (0..n)
        .map(|k| {
            let mut j = job(&format!("j{k:05}"), &[("queued", 0), ("running", 10)]);
            for m in 0..4 {
                j = j.label(
                    &format!("key-{:05}", (4 * k + m) % keys),
                    &format!("v{}", k % 3),
                );
            }
            j.label("team", if k % 2 == 0 { "even" } else { "odd" })
        })
        .collect();
    let p = prep(jobs, 60);
    assert_eq!(p.label_keys().len(), keys + 1);
    let all = select(&p, &Filters::default(), range(0, 60));
    assert_eq!(all.len(), n);
    // key-00007 is set on job 1 only (4 * 1 + 3), to "v1".
    assert_eq!(
        p.label_values("key-00007", &all),
        [("(none)".to_string(), n - 1), ("v1".to_string(), 1)]
    );
    assert_eq!(
        p.label_values("team", &all),
        [("even".to_string(), n / 2), ("odd".to_string(), n / 2)]
    );
    let filtered = select(&p, &label_filter("key-00007", "v1"), range(0, 60));
    assert_eq!(filtered.0, [1]);
    let none = select(&p, &label_filter("key-00007", "(none)"), range(0, 60));
    assert_eq!(none.len(), n - 1);
    let g = group(&p, &all, &GroupBy::Label("key-19999".into()));
    assert_eq!(g.names, ["(none)", "v1"]);
    assert_eq!(g.of_job.iter().filter(|&&x| x == 1).count(), 1);
    let custom = CustomGrouping {
        name: "c".into(),
        rules: vec![Rule {
            field: RuleField::Label("key-00008".into()),
            matcher: Matcher::Values(vec!["v2".into()]),
            group: "eight".into(),
        }],
    };
    let g = group(&p, &all, &GroupBy::Custom(custom));
    assert_eq!(g.names, ["(other)", "eight"]);
    assert_eq!(g.of_job[2], 1, "key-00008 is job 2's (4 * 2 + 0), value v2");
}

/// Filters on one label value.
fn label_filter(key: &str, value: &str) -> Filters {
    let mut f = Filters::default();
    f.toggle_label(key, value);
    f
}
