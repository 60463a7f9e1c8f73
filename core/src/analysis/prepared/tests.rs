//! The compact store reads back exactly what went in, whichever way it was
//! built (whole dataset or page by page).

use super::*;
use crate::demo::{generate, to_raw_job, DemoConfig};
use crate::parse::read_jobs_page;

/// `jobs` as pages of `size` records each, the way a backend sends them.
fn pages(jobs: &[Job], size: usize, generated_at: &str) -> Vec<String> {
    jobs.chunks(size)
        .map(|c| {
            let records: Vec<String> = c
                .iter()
                .map(|j| serde_json::to_string(&to_raw_job(j)).unwrap())
                .collect();
            format!(
                r#"{{"jobs": [{}], "next_cursor": null, "generated_at": "{generated_at}"}}"#,
                records.join(",")
            )
        })
        .collect()
}

fn demo() -> Dataset {
    let d = generate(&DemoConfig {
        jobs: 3000,
        ..DemoConfig::default()
    });
    d.datasets.into_iter().next().unwrap()
}

#[test]
fn pages_build_the_same_data_as_a_whole_dataset() {
    let data = demo();
    let whole = Prepared::new(&data);
    let g = crate::time::format_rfc3339(data.generated_at);
    let mut b = PreparedBuilder::new();
    for body in pages(&data.jobs, 97, &g) {
        b.push_page(read_jobs_page(&body, &mut None).unwrap());
    }
    let (paged, skipped) = b.finish();
    assert!(skipped.is_empty(), "{skipped}");
    assert_eq!(paged, whole);
    assert_eq!(whole.len(), data.jobs.len());
    for (i, j) in data.jobs.iter().enumerate() {
        assert_eq!(&whole.job(i).to_job(), j);
        assert_eq!(whole.run_span(i), j.run_span(data.generated_at));
        assert_eq!(whole.lifetime(i), j.lifetime(data.generated_at));
        assert_eq!(whole.waiting_ms(i), j.waiting_ms(data.generated_at));
        assert_eq!(whole.job(i).current_state(), j.current_state());
    }
}

#[test]
fn job_ref_reads_every_field() {
    let job = Job {
        id: "a".into(),
        job: "train".into(),
        run_id: Some(String::new()),
        run_name: None,
        project: Some("vision".into()),
        entity: None,
        user: Some("alice".into()),
        labels: [("team", "x"), ("prio", "high")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        transitions: vec![
            Transition {
                state: JobState::Queued,
                at: 0,
            },
            Transition {
                state: JobState::Other("preempted".into()),
                at: 5,
            },
            Transition {
                state: JobState::Running,
                at: 9,
            },
        ],
        errors: vec![JobError {
            at: 7,
            message: "oops".into(),
        }],
    };
    let mut data = Dataset::new("q");
    data.generated_at = 20;
    data.jobs.push(job.clone());
    let p = Prepared::new(&data);
    let r = p.job(0);
    assert_eq!(r.to_job(), job);
    assert_eq!(r.run_id, Some(""), "an empty run id is not a missing one");
    assert_eq!(r.run_name, None);
    assert_eq!(r.label("prio"), Some("high"));
    assert_eq!(r.label("nope"), None);
    assert_eq!(r.run_span(), Some((9, 20)));
    assert_eq!(r.current_state(), &JobState::Running);
    assert_eq!(p.states().len(), 10);
    assert!(p.get(1).is_none());
}

#[test]
fn later_pages_skip_repeated_ids_and_move_now() {
    let rec = |id: &str, state: &str| {
        format!(
            r#"{{"id": "{id}", "job": "x", "transitions": [{{"state": "{state}", "at": "2026-11-21T08:00:00Z"}}]}}"#
        )
    };
    let page = |recs: &[String], g: &str| {
        format!(
            r#"{{"jobs": [{}], "next_cursor": "c", "generated_at": "{g}"}}"#,
            recs.join(",")
        )
    };
    let p1 = page(
        &[rec("a", "queued"), rec("b", "zeta")],
        "2026-11-21T09:00:00Z",
    );
    let p2 = page(
        &[rec("a", "running"), rec("c", "alpha")],
        "2026-11-21T10:00:00Z",
    );
    let mut b = PreparedBuilder::new();
    b.push_page(read_jobs_page(&p1, &mut None).unwrap());
    b.push_page(read_jobs_page(&p2, &mut None).unwrap());
    let (p, skipped) = b.finish();
    assert_eq!(p.len(), 3);
    assert_eq!(skipped.reasons["duplicate id"], 1);
    assert_eq!(skipped.examples, ["job \"a\": duplicate id"]);
    // The last page's "now" holds for the first page's jobs too.
    assert_eq!(
        p.lifetime(0).1,
        crate::time::parse_rfc3339("2026-11-21T10:00:00Z").unwrap()
    );
    // Unknown states end up sorted, whatever order they came in.
    let names: Vec<&str> = p.states()[9..].iter().map(JobState::as_str).collect();
    assert_eq!(names, ["alpha", "zeta"]);
    assert_eq!(p.job(1).current_state().as_str(), "zeta");
    assert_eq!(p.job(2).current_state().as_str(), "alpha");
}

#[test]
fn escaped_strings_and_repeated_label_keys_read_like_serde() {
    let body = r#"{"jobs": [{"id": "a\"b", "job": "tr\u00e4in", "labels": {"k": "1", "k": "2"},
        "transitions": [{"state": "queued", "at": "2026-11-21T08:00:00Z"}]}],
        "next_cursor": null, "generated_at": "2026-11-21T09:00:00Z"}"#;
    let mut b = PreparedBuilder::new();
    b.push_page(read_jobs_page(body, &mut None).unwrap());
    let (p, _) = b.finish();
    let owned = crate::parse::parse_jobs_page(body, &mut Default::default()).unwrap();
    assert_eq!(p.job(0).to_job(), owned.jobs[0]);
    assert_eq!(p.job(0).id, "a\"b");
    assert_eq!(p.job(0).job, "träin");
    assert_eq!(p.job(0).label("k"), Some("2"));
}

/// Label columns cost what the labels cost, not jobs x keys: 2,000 jobs
/// with 4 labels each out of 8,000 keys once stored 16 million ids. Read
/// page by page too, where a dense column per key would grow with every
/// job after its first label.
#[test]
fn label_columns_grow_with_the_labels_present() {
    let jobs: Vec<Job> = (0..2_000)
        .map(|k| Job {
            id: format!("j{k}"),
            job: "x".into(),
            labels: (0..4)
                .map(|m| (format!("key-{}", 4 * k + m), "v".to_string()))
                .collect(),
            transitions: vec![Transition {
                state: JobState::Queued,
                at: 0,
            }],
            ..Default::default()
        })
        .collect();
    let present: usize = jobs.iter().map(|j| j.labels.len()).sum();
    let mut b = PreparedBuilder::new();
    for body in pages(&jobs, 500, "1970-01-01T00:00:01Z") {
        b.push_page(read_jobs_page(&body, &mut None).unwrap());
    }
    let (paged, _) = b.finish();
    let whole = Prepared::from_dataset(Dataset {
        jobs,
        ..Default::default()
    });
    for p in [&whole, &paged] {
        assert_eq!(p.labels.len(), 8_000);
        let stored: usize = p.labels.values().map(Column::stored).sum();
        assert_eq!(stored, 2 * present);
        // A field most jobs have is one id per job.
        assert!(p.columns.iter().all(|c| c.stored() <= p.len()));
        assert_eq!(p.job(1_999).label("key-7999"), Some("v"));
        assert_eq!(p.job(1_999).label("key-0"), None);
    }
}

/// Unknown states past [`MAX_UNKNOWN_STATES`] fold the same whether the
/// jobs come page by page or at once, with the transitions counted.
#[test]
fn unknown_states_fold_the_same_page_by_page() {
    let jobs: Vec<Job> = (0..100)
        .map(|k| Job {
            id: format!("j{k}"),
            job: "x".into(),
            transitions: vec![
                Transition {
                    state: JobState::Other(format!("s{:02}", k % 40)),
                    at: 0,
                },
                Transition {
                    state: JobState::Other(OTHER_STATES_NAME.to_string()),
                    at: 1,
                },
            ],
            ..Default::default()
        })
        .collect();
    let mut b = PreparedBuilder::new();
    for body in pages(&jobs, 30, "1970-01-01T00:00:01Z") {
        b.push_page(read_jobs_page(&body, &mut None).unwrap());
    }
    let (paged, _) = b.finish();
    let whole = Prepared::from_dataset(Dataset {
        jobs,
        generated_at: 1000,
        ..Default::default()
    });
    for p in [&whole, &paged] {
        // 41 unknown states: the 32 most frequent are the backend's own
        // "(other states)" (100 transitions), s00..s19 (3 each) and s20..s30
        // (2 each, by name); s31..s39 fold, and so does the backend's
        // "(other states)", which leaves 31 kept names and the fold.
        assert_eq!(p.states().len(), JobState::KNOWN.len() + MAX_UNKNOWN_STATES);
        assert_eq!(p.states()[JobState::KNOWN.len() + 30].as_str(), "s30");
        assert_eq!(
            p.state_fold(),
            Some(StateFold {
                states: 9 + 1,
                transitions: 9 * 2 + 100,
            })
        );
        let last = p.states().last().map(JobState::as_str);
        assert_eq!(last, Some(OTHER_STATES_NAME));
        assert_eq!(p.job(0).current_state().as_str(), OTHER_STATES_NAME);
    }
}

/// A snapshot taken between pages (a partial read drawn, then read on) is
/// what finishing a copy of the builder there gives: with labels, unknown
/// states past the fold, errors, a repeated id.
#[test]
fn a_snapshot_is_the_builder_finished_there() {
    let mut jobs = demo().jobs;
    for (k, j) in jobs.iter_mut().enumerate().step_by(7) {
        j.labels
            .insert(format!("key-{}", k % 5), format!("v{}", k % 3));
        j.transitions.push(Transition {
            state: JobState::Other(format!("weird-{}", k % 40)),
            at: j.transitions.last().map_or(0, |t| t.at + 1),
        });
    }
    let repeated = jobs[10].clone();
    jobs.push(repeated);
    let mut b = PreparedBuilder::new();
    for (i, body) in pages(&jobs, 400, "2026-11-28T09:00:00Z").iter().enumerate() {
        b.push_page(read_jobs_page(body, &mut None).unwrap());
        // Equality covers every column and the derived orders.
        assert_eq!(b.snapshot(), Some(b.clone().finish().0), "after page {i}");
    }
    let (all, skipped) = b.finish();
    assert_eq!(skipped.total(), 1, "{skipped}");
    assert!(all.state_fold().is_some());
    assert!(!all.label_keys().is_empty());
}

/// Past [`build::SNAPSHOT_MAX_JOBS`] jobs there is no snapshot (a second
/// copy of a large read's columns is what made a load's memory peak).
#[test]
fn no_snapshot_past_its_bound() {
    let data = generate(&DemoConfig {
        jobs: 30_000,
        ..DemoConfig::default()
    });
    let mut b = PreparedBuilder::new();
    for d in &data.datasets {
        b.push_dataset(d);
    }
    assert!(b.len() > build::SNAPSHOT_MAX_JOBS, "{} jobs", b.len());
    assert_eq!(b.snapshot(), None);
    let mut small = PreparedBuilder::new();
    small.push_dataset(&demo());
    assert!(small.snapshot().is_some());
}

#[test]
fn jobs_at_are_the_records_in_order_without_foreign_indices() {
    let data = demo();
    let p = Prepared::new(&data);
    let got = p.jobs_at([5, 0, p.len(), 2]);
    let ids: Vec<&str> = got.iter().map(|j| j.id.as_str()).collect();
    let want: Vec<&str> = [5, 0, 2].iter().map(|&i| p.job(i).id).collect();
    assert_eq!(ids, want);
    assert_eq!(got[0], p.job(5).to_job());
}
