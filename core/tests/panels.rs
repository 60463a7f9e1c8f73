//! SPEC §3 grouping, queued time, runs/lanes and brush, by hand.

mod common;
use common::*;
use queuescope_core::analysis::*;
use queuescope_core::model::HOUR;
use queuescope_core::view::GroupKey;

fn all(p: &Prepared, r: TimeRange) -> Selection {
    select(p, &Filters::default(), r)
}

/// Queued time of all jobs in `r`, 1h buckets, grouped by `by`.
fn queued(p: &Prepared, r: TimeRange, by: &GroupBy, max_groups: usize) -> GroupedSeries {
    let sel = all(p, r);
    let g = group(p, &sel, by);
    queued_time(
        p,
        &sel,
        &g,
        &BucketGrid::new(r, HOUR, &Zone::Utc),
        max_groups,
    )
}

fn series(s: &GroupedSeries) -> Vec<(String, Vec<f64>)> {
    s.groups
        .iter()
        .cloned()
        .zip(s.values.iter().cloned())
        .collect()
}

/// Range [00:00, 03:00), generated_at 03:30.
fn waiting_jobs() -> Prepared {
    prep(
        vec![
            job("A", &[("queued", -30), ("running", 30), ("finished", 40)]).user("alice"),
            job("B", &[("idle", 50), ("queued", 70)]).user("alice"),
            job("C", &[("queued", 130), ("running", 140)]).user("bob"),
            job(
                "D",
                &[
                    ("queued", 0),
                    ("queued", 0),
                    ("pending", 0),
                    ("queued", 60),
                    ("running", 120),
                ],
            ),
            job(
                "E",
                &[
                    ("queued", 10),
                    ("running", 20),
                    ("queued", 30),
                    ("running", 40),
                    ("killed", 50),
                ],
            )
            .user("bob"),
        ],
        210,
    )
}

#[test]
fn queued_time_by_hand() {
    let p = waiting_jobs();
    let r = range(0, 180);
    let q = queued(&p, r, &GroupBy::Field(Field::User), 10);
    assert_eq!(
        series(&q),
        vec![
            // In the shared group order (most jobs first, ties by name).
            // A: 30 min before 00:30; B: idle 10 min | idle 10 + queued 50 | 60 (still queued).
            ("alice".into(), vec![2400.0, 3600.0, 3600.0]),
            // E requeued: 10 + 10 min | - | C 10 min.
            ("bob".into(), vec![1200.0, 0.0, 600.0]),
            // D: zero-length queued spans add nothing; [01:00, 02:00) queued.
            ("(none)".into(), vec![0.0, 3600.0, 0.0]),
        ]
    );
    // Two traces at most: the group with most jobs, then the rest folded into (other).
    let q = queued(&p, r, &GroupBy::Field(Field::User), 2);
    assert_eq!(
        series(&q),
        vec![
            ("alice".into(), vec![2400.0, 3600.0, 3600.0]),
            ("(other)".into(), vec![1200.0, 3600.0, 600.0]),
        ]
    );
}

#[test]
fn queued_time_clips_partial_buckets_to_the_range() {
    let p = waiting_jobs();
    let r = range(45, 135);
    let q = queued(&p, r, &GroupBy::Field(Field::User), 10);
    assert_eq!(
        series(&q),
        vec![
            // bob has two jobs here (C, E), alice and (none) one each.
            ("bob".into(), vec![0.0, 0.0, 300.0]),
            ("(none)".into(), vec![0.0, 3600.0, 0.0]),
            ("alice".into(), vec![600.0, 3600.0, 900.0]),
        ]
    );
}

#[test]
fn ten_jobs_waiting_a_minute_make_600_seconds() {
    let jobs = (0..10)
        .map(|i| {
            job(
                &format!("j{i}"),
                &[("queued", 5), ("running", 6), ("finished", 7)],
            )
        })
        .collect();
    let p = prep(jobs, 60);
    let r = range(0, 60);
    let q = queued(&p, r, &GroupBy::Field(Field::Project), 10);
    assert_eq!(series(&q), vec![("(none)".into(), vec![600.0])]);
    // Milliseconds survive: 1.5 s of waiting.
    let mut j = job("ms", &[("queued", 5)]);
    j.transitions.push(queuescope_core::model::Transition {
        state: queuescope_core::model::JobState::Running,
        at: m(5) + 1500,
    });
    let p = prep(vec![j], 60);
    let q = queued(&p, r, &GroupBy::Field(Field::User), 10);
    assert_eq!(q.values, vec![vec![1.5]]);
}

fn people() -> Prepared {
    prep(
        vec![
            job("1", &[("queued", 0)])
                .user("alice")
                .label("team", "a")
                .launch("train"),
            job("2", &[("queued", 0), ("running", 5)])
                .user("bob")
                .launch("sweep-lr"),
            job("3", &[("queued", 0), ("failed", 5)])
                .user("carol")
                .launch("sweep-bs")
                .label("team", "b"),
            job("4", &[("queued", 0), ("weird", 5)])
                .launch("eval")
                .run("r4", "nightly-eval"),
            job("5", &[("queued", 0)]).user("bob").launch("train"),
        ],
        60,
    )
}

fn named(p: &Prepared, sel: &Selection, by: &GroupBy) -> Vec<(String, String)> {
    let g = group(p, sel, by);
    sel.0
        .iter()
        .zip(&g.of_job)
        .map(|(&j, &k)| {
            (
                p.job(j as usize).id.to_string(),
                g.names[k as usize].clone(),
            )
        })
        .collect()
}

#[test]
fn grouping_by_fields_and_labels() {
    let p = people();
    let sel = all(&p, range(0, 60));
    let g = group(&p, &sel, &GroupBy::Field(Field::User));
    // Most jobs first, ties by name; missing users are "(none)".
    assert_eq!(g.names, ["bob", "(none)", "alice", "carol"]);
    assert_eq!(
        named(&p, &sel, &GroupBy::Label("team".into())),
        [
            ("1".into(), "a".into()),
            ("2".into(), "(none)".into()),
            ("3".into(), "b".into()),
            ("4".into(), "(none)".into()),
            ("5".into(), "(none)".into())
        ]
    );
    assert_eq!(
        group(&p, &sel, &GroupBy::Label("nope".into())).names,
        ["(none)"]
    );
    assert_eq!(
        group(&p, &sel, &GroupBy::Field(Field::State)).names,
        ["queued", "failed", "running", "weird"]
    );
    assert_eq!(
        group(&p, &sel, &GroupBy::Field(Field::Job)).names,
        ["train", "eval", "sweep-bs", "sweep-lr"]
    );
    assert_eq!(
        group(&p, &Selection::default(), &GroupBy::Field(Field::User)),
        Groups::default()
    );
}

fn teams() -> CustomGrouping {
    serde_json::from_str(
        r#"{"name": "teams", "rules": [
            {"field": "user", "matcher": {"values": ["alice", "bob"]}, "group": "vision team"},
            {"field": "job", "matcher": {"regex": "^sweep-"}, "group": "sweeps"},
            {"field": "run_name", "matcher": {"regex": "("}, "group": "broken"},
            {"field": "label:team", "matcher": {"values": ["(none)"]}, "group": "no team"}
        ]}"#,
    )
    .expect("custom grouping json")
}

#[test]
fn custom_grouping_first_match_wins() {
    let p = people();
    let sel = all(&p, range(0, 60));
    let c = teams();
    assert_eq!(
        named(&p, &sel, &GroupBy::Custom(c.clone())),
        [
            ("1".into(), "vision team".into()),
            ("2".into(), "vision team".into()), // matches rules 1 and 2: first wins
            ("3".into(), "sweeps".into()),
            ("4".into(), "no team".into()), // broken regex never matches
            ("5".into(), "vision team".into()),
        ]
    );
    // The one validator (of the stored form) names the broken pattern.
    let stored: queuescope_core::prefs::CustomGroupingDef = serde_json::from_str(
        r#"{"name": "teams", "rules": [
            {"field": "user", "values": ["alice", "bob"], "group": "vision team"},
            {"field": "job", "regex": "^sweep-", "group": "sweeps"},
            {"field": "run_name", "regex": "(", "group": "broken"},
            {"field": "label:team", "values": ["(none)"], "group": "no team"}
        ]}"#,
    )
    .expect("stored grouping json");
    assert_eq!(
        stored.validate().map_err(|e| e.to_string()),
        Err(format!(
            "grouping \"teams\": rule 3: the pattern \"(\" is not a valid regular expression ({})",
            regex_err("(")
        ))
    );
    // No rule matches -> (other).
    let only_sweeps = CustomGrouping {
        name: "s".into(),
        rules: vec![Rule {
            field: RuleField::Field(Field::Job),
            matcher: Matcher::Regex("^sweep-".into()),
            group: "sweeps".into(),
        }],
    };
    assert_eq!(
        group(&p, &sel, &GroupBy::Custom(only_sweeps)).names,
        ["(other)", "sweeps"]
    );
}

fn regex_err(re: &str) -> String {
    regex_lite::Regex::new(re)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn group_by_url_values_and_json() {
    let customs = vec![teams()];
    for s in [
        "user",
        "job",
        "project",
        "entity",
        "state",
        "label:team",
        "custom:teams",
    ] {
        let key = GroupKey::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert!(key.resolve(&customs).is_some(), "{s}");
        assert_eq!(key.to_string(), s);
    }
    let resolve = |s: &str| GroupKey::parse(s).and_then(|k| k.resolve(&customs));
    assert_eq!(resolve("custom:missing"), None);
    assert_eq!(resolve("label:"), None);
    assert_eq!(resolve("colour"), None);
    let json = serde_json::to_string(&teams()).unwrap();
    assert!(json.contains(r#""field":"label:team""#), "{json}");
    assert_eq!(
        serde_json::from_str::<CustomGrouping>(&json).unwrap(),
        teams()
    );
    assert!(serde_json::from_str::<RuleField>(r#""colour""#).is_err());
}

/// Runs: r1 [0,60), r2 [30,90), r3 [60,120) and r4 [60,70) (tie: by id).
fn runs() -> Prepared {
    prep(
        vec![
            job("r3", &[("queued", 50), ("running", 60), ("finished", 120)]).user("x"),
            job("r1", &[("running", 0), ("finished", 60)]).user("x"),
            job("r4", &[("running", 60), ("crashed", 70)]).user("y"),
            job(
                "r2",
                &[
                    ("queued", 0),
                    ("running", 30),
                    ("queued", 40),
                    ("running", 50),
                    ("failed", 90),
                ],
            ),
            job("never", &[("queued", 0), ("killed", 100)]),
            job("live", &[("queued", 100), ("running", 150)]),
            job("zero", &[("running", 100), ("finished", 100)]),
            job("before", &[("running", -100), ("finished", -10)]),
        ],
        200,
    )
}

fn bars(p: &Prepared, l: &RunLayout) -> Vec<(String, i64, i64, u32)> {
    l.bars
        .iter()
        .map(|b| {
            (
                p.job(b.job as usize).id.to_string(),
                (b.start - m(0)) / 60_000,
                (b.end - m(0)) / 60_000,
                b.lane,
            )
        })
        .collect()
}

#[test]
fn runs_pack_into_lanes() {
    let p = runs();
    let r = range(0, 180);
    let sel = all(&p, r);
    let g = group(&p, &sel, &GroupBy::Field(Field::User));
    let l = run_layout(&p, &sel, &g, r);
    assert_eq!(
        bars(&p, &l),
        vec![
            ("r1".into(), 0, 60, 0),
            ("r2".into(), 30, 90, 1),  // requeued: first running to terminal
            ("r3".into(), 60, 120, 0), // r1 ended exactly at 60: lane 0 is free
            ("r4".into(), 60, 70, 2),
            ("live".into(), 150, 200, 0), // still running: until generated_at
        ]
    );
    assert_eq!(l.lanes, 3);
    let x = g.names.iter().position(|n| n == "x").unwrap() as u16;
    assert_eq!(l.bars[0].group, x);
    // A range starting inside runs keeps them, unclipped.
    let r = range(65, 100);
    let sel = all(&p, r);
    let l = run_layout(&p, &sel, &group(&p, &sel, &GroupBy::Field(Field::User)), r);
    assert_eq!(
        bars(&p, &l),
        vec![
            ("r2".into(), 30, 90, 0),
            ("r3".into(), 60, 120, 1),
            ("r4".into(), 60, 70, 2)
        ]
    );
    // Empty range: no bars.
    let r = range(65, 65);
    let l = run_layout(&p, &all(&p, r), &Groups::default(), r);
    assert_eq!(l, RunLayout::default());
}

#[test]
fn brush_selects_overlapping_runs_in_lanes() {
    let p = runs();
    let r = range(0, 180);
    let sel = all(&p, r);
    let l = run_layout(&p, &sel, &group(&p, &sel, &GroupBy::Field(Field::User)), r);
    let ids = |b: Brush| -> Vec<String> {
        brush_select(&l, &b)
            .iter()
            .map(|&j| p.job(j as usize).id.to_string())
            .collect()
    };
    let brush = |a: i64, b: i64, lanes: Option<(f64, f64)>| Brush {
        from: m(a),
        to: m(b),
        lanes,
    };
    assert_eq!(ids(brush(0, 180, None)), ["r1", "r2", "r3", "r4", "live"]);
    // Touching is not overlapping: r1 ends at 60, r3/r4 start at 60.
    assert_eq!(ids(brush(60, 61, None)), ["r2", "r3", "r4"]);
    assert_eq!(ids(brush(59, 60, None)), ["r1", "r2"]);
    assert_eq!(ids(brush(90, 150, None)), ["r3"]);
    // Lanes: inclusive on the lane index, either order.
    assert_eq!(ids(brush(0, 180, Some((1.5, 0.5)))), ["r2"]);
    assert_eq!(
        ids(brush(0, 180, Some((0.0, 1.0)))),
        ["r1", "r2", "r3", "live"]
    );
    assert_eq!(ids(brush(100, 100, None)), Vec::<String>::new());
}

#[test]
fn stored_groupings_convert() {
    let def: queuescope_core::prefs::CustomGroupingDef = serde_json::from_str(
        r#"{"name": "t", "rules": [
            {"field": "user", "values": ["alice"], "regex": "^b", "group": "ab"},
            {"field": "label:team", "values": ["b"], "group": "team b"}]}"#,
    )
    .expect("stored grouping");
    let c = def.to_grouping().expect("a valid grouping");
    assert_eq!(c.rules.len(), 3);
    let p = people();
    let sel = all(&p, range(0, 60));
    let g = group(&p, &sel, &GroupBy::Custom(c));
    assert_eq!(g.names, ["ab", "(other)", "team b"]);
}
