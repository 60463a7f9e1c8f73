//! Selection table, CSV, errors, summary and downsampling, by hand.

mod common;
use common::*;
use queuescope_core::analysis::*;

/// Range [00:00, 03:00), generated_at 03:20.
fn fixture() -> Prepared {
    prep(
        vec![
            job("a", &[("queued", 0), ("running", 10), ("finished", 70)])
                .user("alice")
                .project("p1")
                .run("ra", "alpha, \"one\"")
                .error(70, "OOM"),
            job(
                "b",
                &[
                    ("queued", 20),
                    ("pending", 30),
                    ("running", 50),
                    ("failed", 100),
                ],
            )
            .user("bob")
            .error(100, "boom")
            .error(100, "second"),
            job("c", &[("queued", 30), ("running", 90), ("crashed", 150)]).error(250, "late"),
            job("d", &[("queued", 100), ("killed", 120)]).error(100, "d-err"),
            job("e", &[("queued", -50), ("running", 170)]),
        ],
        200,
    )
}

fn sel(p: &Prepared) -> Selection {
    select(p, &Filters::default(), range(0, 180))
}

fn ids(rows: &[TableRow]) -> Vec<&str> {
    rows.iter().map(|r| r.job_id.as_str()).collect()
}

#[test]
fn table_rows_sort_with_empty_cells_last() {
    let p = fixture();
    let jobs = sel(&p).0;
    assert_eq!(
        ids(&table_rows_in(
            &p,
            &jobs,
            TimeRange::ALL,
            Column::Started,
            true
        )),
        ["a", "b", "c", "e", "d"]
    );
    assert_eq!(
        ids(&table_rows_in(
            &p,
            &jobs,
            TimeRange::ALL,
            Column::Started,
            false
        )),
        ["e", "c", "b", "a", "d"]
    );
    assert_eq!(
        ids(&table_rows_in(
            &p,
            &jobs,
            TimeRange::ALL,
            Column::User,
            true
        )),
        ["a", "b", "c", "d", "e"]
    );
    assert_eq!(
        ids(&table_rows_in(
            &p,
            &jobs,
            TimeRange::ALL,
            Column::User,
            false
        )),
        ["b", "a", "c", "d", "e"]
    );
    assert_eq!(
        ids(&table_rows_in(
            &p,
            &jobs,
            TimeRange::ALL,
            Column::QueuedSecs,
            false
        )),
        ["e", "c", "d", "a", "b"]
    );
    assert_eq!(
        ids(&table_rows_in(
            &p,
            &jobs,
            TimeRange::ALL,
            Column::State,
            true
        )),
        ["e", "a", "b", "c", "d"]
    );
    let rows = table_rows_in(&p, &jobs, TimeRange::ALL, Column::JobId, true);
    let a = &rows[0];
    assert_eq!(a.enqueued, Some(m(0)));
    assert_eq!(a.started, Some(m(10)));
    assert_eq!(a.ended, Some(m(70)));
    assert_eq!(a.queued_secs, 600.0);
    assert_eq!(a.run_secs, Some(3600.0));
    let e = &rows[4];
    assert_eq!(
        (e.ended, e.run_secs, e.queued_secs),
        (None, Some(1800.0), 13200.0)
    );
    let d = &rows[3];
    assert_eq!((d.started, d.run_secs), (None, None));
    // Unknown indices are skipped, not a panic.
    assert_eq!(
        table_rows_in(&p, &[99], TimeRange::ALL, Column::JobId, true),
        vec![]
    );
}

#[test]
fn table_page_is_a_window_of_table_rows() {
    let p = fixture();
    let jobs = sel(&p).0;
    for col in Column::ALL {
        for asc in [true, false] {
            let all = table_rows_in(&p, &jobs, TimeRange::ALL, col, asc);
            for (offset, limit) in [(0, 2), (2, 2), (4, 10), (9, 3)] {
                let (total, page) =
                    table_page_in(&p, &jobs, TimeRange::ALL, col, asc, offset, limit);
                assert_eq!(total, all.len(), "{col:?}");
                let want: Vec<TableRow> = all.iter().skip(offset).take(limit).cloned().collect();
                assert_eq!(page, want, "{col:?} asc={asc} {offset}+{limit}");
            }
        }
    }
    // Unknown indices are not counted.
    assert_eq!(
        table_page_in(&p, &[0, 99], TimeRange::ALL, Column::JobId, true, 0, 10).0,
        1
    );
}

#[test]
fn csv_follows_rfc_4180() {
    let p = fixture();
    let rows = table_rows_in(&p, &[0, 3], TimeRange::ALL, Column::JobId, true);
    assert_eq!(
        rows_to_csv(&rows),
        "job_id,run_id,run_name,job,project,user,state,enqueued,started,ended,queued_secs,run_secs\r\n\
         a,ra,\"alpha, \"\"one\"\"\",launch-a,p1,alice,finished,2026-11-21T00:00:00Z,2026-11-21T00:10:00Z,2026-11-21T01:10:00Z,600,3600\r\n\
         d,,,launch-d,,,killed,2026-11-21T01:40:00Z,,2026-11-21T02:00:00Z,1200,\r\n"
    );
}

/// SPEC §3 clips every sum to the range: so does the table, which then
/// agrees with the charts.
#[test]
fn table_seconds_are_clipped_to_the_range() {
    let p = fixture();
    let r = range(0, 180);
    let secs = |rows: &[TableRow]| -> Vec<(String, f64, Option<f64>)> {
        rows.iter()
            .map(|r| (r.job_id.clone(), r.queued_secs, r.run_secs))
            .collect()
    };
    // c waited 30..90 and ran 90..150, inside; e waited from -50 and runs
    // from 170 until generated_at (200).
    let rows = table_rows_in(&p, &[2, 4], r, Column::JobId, true);
    assert_eq!(
        secs(&rows),
        [
            ("c".into(), 3600.0, Some(3600.0)),
            ("e".into(), 170.0 * 60.0, Some(600.0))
        ]
    );
    let whole = table_rows_in(&p, &[2, 4], TimeRange::ALL, Column::JobId, true);
    assert_eq!(secs(&whole)[1], ("e".into(), 220.0 * 60.0, Some(1800.0)));
    // The table's queued seconds add up to the summary's queued hours.
    let s = sel(&p);
    let all = table_rows_in(&p, &s.0, r, Column::JobId, true);
    let total: f64 = all.iter().map(|r| r.queued_secs).sum();
    assert_eq!(total / 3600.0, summary(&p, &s, r).queued_hours);
    // Pages of the clipped table are windows of it.
    let (n, page) = table_page_in(&p, &s.0, r, Column::QueuedSecs, false, 1, 2);
    assert_eq!(n, all.len());
    let mut by_wait = all.clone();
    by_wait.sort_by(|a, b| {
        b.queued_secs
            .total_cmp(&a.queued_secs)
            .then(a.job_id.cmp(&b.job_id))
    });
    assert_eq!(page, by_wait[1..3]);
}

/// A backend clock days ahead (`generated_at` in the future) cannot stretch
/// a running job's seconds past the range; one behind ends it early, and
/// its skew is reported.
#[test]
fn clock_skew_stays_inside_the_range_and_is_reported() {
    let jobs = || {
        vec![
            job("run", &[("queued", 0), ("running", 60)]),
            job("late", &[("queued", 100), ("running", 150)]),
        ]
    };
    let ahead = prep(jobs(), 30 * 24 * 60);
    let rows = table_rows_in(&ahead, &[0, 1], range(0, 180), Column::JobId, true);
    assert_eq!(rows[1].run_secs, Some(120.0 * 60.0), "60..180, not 30 days");
    assert_eq!(rows[0].run_secs, Some(30.0 * 60.0));
    let now = m(180);
    let skew = clock_skew(&ahead, now).unwrap();
    assert_eq!(skew.ahead, m(30 * 24 * 60) - now);
    assert_eq!(skew.jobs_after_now, 0);
    assert_eq!(
        skew.summary(),
        "The backend's clock is 29 d 21 h ahead of this browser's: running jobs are drawn until its “now”."
    );
    // Behind: generated_at 120, before "late" started running.
    let behind = prep(jobs(), 120);
    let rows = table_rows_in(&behind, &[0, 1], range(0, 180), Column::JobId, true);
    assert_eq!(rows[0].run_secs, Some(0.0), "its run ends at generated_at");
    let skew = clock_skew(&behind, now).unwrap();
    assert_eq!((skew.ahead, skew.jobs_after_now), (m(120) - now, 1));
    assert_eq!(
        skew.summary(),
        "The backend's clock is 1 h 0 min behind this browser's: running jobs are drawn until its “now”. \
         1 job has transitions after the backend's “now” (generated_at): their last state ends there."
    );
    // Within 5 minutes the clocks agree; a transition after generated_at
    // alone is still told.
    assert_eq!(clock_skew(&prep(jobs(), 185), now), None);
    let late = clock_skew(&prep(jobs(), 140), m(140)).unwrap();
    assert_eq!((late.ahead, late.jobs_after_now), (0, 1));
    assert_eq!(
        late.summary(),
        "1 job has transitions after the backend's “now” (generated_at): their last state ends there."
    );
    // Far-out clocks do not overflow.
    assert!(clock_skew(&prep(jobs(), 0), i64::MIN).is_some());
}

/// OWASP "CSV injection": a text cell that a spreadsheet would run as a
/// formula (`= + - @`, tab, CR first) gets a `'` in front; numbers in the
/// numeric columns stay numbers, negative ones included.
#[test]
fn csv_cells_never_become_formulas() {
    let row = |job: &str, user: &str, run_secs: Option<f64>| TableRow {
        job: 0,
        job_id: "x".into(),
        run_id: None,
        run_name: None,
        launch_job: job.into(),
        project: None,
        user: Some(user.into()),
        state: queuescope_core::JobState::parse("=state"),
        enqueued: None,
        started: None,
        ended: None,
        queued_secs: -0.5,
        run_secs,
    };
    let rows = [
        row("=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", Some(-5.0)),
        row("+1+1", "-2+3", None),
        row("\t=1", "\r=1", Some(12.5)),
        row("a=b", "-", Some(0.0)),
    ];
    let csv = rows_to_csv(&rows);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[1..],
        [
            "x,,,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,'@SUM(A1),'=state,,,,-0.5,-5",
            "x,,,'+1+1,,'-2+3,'=state,,,,-0.5,",
            "x,,,'\t=1,,\"'\r=1\",'=state,,,,-0.5,12.5",
            "x,,,a=b,,'-,'=state,,,,-0.5,0",
            "",
        ]
    );
}

#[test]
fn errors_newest_first_ties_by_job_id() {
    let p = fixture();
    let e = errors(&p, &sel(&p), range(0, 180));
    let got: Vec<(&str, i64, &str)> = e
        .iter()
        .map(|r| {
            (
                r.job_id.as_str(),
                (r.at - m(0)) / 60_000,
                r.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("b", 100, "boom"),
            ("b", 100, "second"),
            ("d", 100, "d-err"),
            ("a", 70, "OOM")
        ]
    );
    assert_eq!(e[0].user.as_deref(), Some("bob"));
    assert_eq!(e[3].run_id.as_deref(), Some("ra"));
    assert_eq!(e[3].launch_job, "launch-a");
    // The range end is exclusive.
    assert_eq!(errors(&p, &sel(&p), range(0, 100)).len(), 1);
}

#[test]
fn summary_by_hand() {
    let p = fixture();
    let s = summary(&p, &sel(&p), range(0, 180));
    assert_eq!(s.jobs, 5);
    assert_eq!(s.runs, 4);
    // 10 + 10 + 60 + 20 + 170 minutes waiting inside the range.
    assert_eq!(s.queued_hours, 4.5);
    // Waits of runs starting in range: 10, 30, 60, 220 min.
    assert_eq!(s.median_wait_secs, Some(2700.0));
    assert_eq!(s.p95_wait_secs, Some(13200.0));
    // finished, failed, crashed, killed ended in range: 2 of 4 failed.
    assert_eq!(s.failure_rate, Some(0.5));
    // Runs cover [10, 150) and [170, 180): 150 of 180 minutes.
    assert!((s.idle_share - 1.0 / 6.0).abs() < 1e-12, "{}", s.idle_share);

    let empty = summary(&p, &Selection::default(), range(0, 180));
    assert_eq!(
        (
            empty.jobs,
            empty.median_wait_secs,
            empty.failure_rate,
            empty.idle_share
        ),
        (0, None, None, 1.0)
    );
    assert_eq!(summary(&p, &sel(&p), range(5, 5)).idle_share, 0.0);
}

#[test]
fn downsample_keeps_short_series_and_peaks() {
    let t: Vec<f64> = (0..5).map(f64::from).collect();
    let v = vec![Some(1.0), None, Some(3.0), Some(4.0), Some(5.0)];
    assert_eq!(downsample(&t, &v, 10), (t.clone(), v.clone()));

    let t: Vec<f64> = (0..2000).map(|i| f64::from(i) * 30.0).collect();
    let mut v: Vec<Option<f64>> = (0..2000)
        .map(|i| Some(50.0 + 10.0 * (f64::from(i) / 50.0).sin()))
        .collect();
    v[1234] = Some(100.0);
    v[777] = Some(0.5);
    let (dt, dv) = downsample(&t, &v, 300);
    assert!(dt.len() <= 300 && dt.len() >= 250, "{}", dt.len());
    assert_eq!(dt.len(), dv.len());
    assert!(
        dv.contains(&Some(100.0)) && dv.contains(&Some(0.5)),
        "peaks kept"
    );
    assert_eq!((dt[0], *dt.last().unwrap()), (0.0, 1999.0 * 30.0));
    assert!(dt.windows(2).all(|w| w[0] < w[1]), "time order");
}

#[test]
fn downsample_keeps_gaps() {
    let t: Vec<f64> = (0..1000).map(f64::from).collect();
    let v: Vec<Option<f64>> = (0..1000)
        .map(|i| {
            if (400..450).contains(&i) || i >= 990 {
                None
            } else {
                Some(f64::from(i % 7))
            }
        })
        .collect();
    let (dt, dv) = downsample(&t, &v, 100);
    assert!(dt.len() <= 100);
    assert_eq!(
        dv.iter().filter(|x| x.is_none()).count(),
        1,
        "one gap marker"
    );
    let gap = dv.iter().position(Option::is_none).unwrap();
    assert_eq!(dt[gap], 400.0);
    assert!(dt[gap - 1] < 400.0 && dt[gap + 1] >= 450.0);

    // Alternating values and gaps: too many gaps for 11 points, the series
    // still fits and keeps the widest gaps.
    let t: Vec<f64> = (0..200)
        .map(|i| f64::from(i) + if i > 150 { 100.0 } else { 0.0 })
        .collect();
    let v: Vec<Option<f64>> = (0..200).map(|i| (i % 2 == 0).then_some(1.0)).collect();
    let (dt, dv) = downsample(&t, &v, 11);
    assert!(dt.len() <= 11, "{}", dt.len());
    assert!(dv.iter().filter(|x| x.is_none()).count() <= 5);
    assert!(dv.iter().any(Option::is_none));

    // Length mismatch and all-missing series do not panic.
    assert_eq!(downsample(&[1.0, 2.0, 3.0], &[Some(1.0)], 2).0, vec![1.0]);
    assert_eq!(downsample(&t, &vec![None; 200], 10).0.len(), 0);
}

#[test]
fn errors_come_in_pages() {
    let p = fixture();
    let all = errors(&p, &sel(&p), range(0, 180));
    let (total, page) = errors_page(&p, &sel(&p), range(0, 180), 1, 2);
    assert_eq!(total, 4);
    assert_eq!(page, all[1..3].to_vec());
    assert_eq!(errors_page(&p, &sel(&p), range(0, 180), 9, 2), (4, vec![]));
}
