//! SPEC §3.1 insights, computed by hand. Minute offsets are from t0 =
//! Saturday 2026-11-21 00:00 UTC (see `common`).

mod common;
use common::*;
use queuescope_core::analysis::insights::*;
use queuescope_core::analysis::*;
use queuescope_core::model::{Job, Ms, HOUR, MINUTE};
use queuescope_core::parse::{Metric, Series};

fn all(p: &Prepared, r: TimeRange) -> Selection {
    select(p, &Filters::default(), r)
}

/// A job that waits 10 minutes, then runs `[start, end)` minutes and finishes.
fn run(id: &str, start: i64, end: i64) -> Job {
    job(
        id,
        &[
            ("queued", start - 10),
            ("running", start),
            ("finished", end),
        ],
    )
}

fn windows(w: &IdleWindows) -> Vec<(Ms, Ms)> {
    w.top.iter().map(|w| (w.start, w.end)).collect()
}

// ---------------------------------------------------------------- idle windows

/// Runs [60,120) and [100,200) merge; gaps 0-60 (60 min), 200-230 (30: exactly
/// long enough), 250-270 (20: too short), 300-400 (100), 450-600 (150).
fn idle_jobs() -> Prepared {
    prep(
        vec![
            run("A", 60, 120).user("alice"),
            run("B", 100, 200).user("alice"),
            run("C", 230, 250).user("alice"),
            run("D", 270, 300).user("alice"),
            run("E", 400, 450).user("alice"),
            run("bob-fills-a-gap", 300, 400).user("bob"),
        ],
        1000,
    )
}

fn alice(p: &Prepared, r: TimeRange) -> Selection {
    let mut f = Filters::default();
    f.toggle(Field::User, "alice");
    select(p, &f, r)
}

#[test]
fn idle_windows_longest_first_and_short_gaps_do_not_count() {
    let p = idle_jobs();
    let r = range(0, 600);
    let w = idle_windows(&p, &alice(&p, r), r);
    assert_eq!(
        windows(&w),
        vec![
            (m(450), m(600)),
            (m(300), m(400)),
            (m(0), m(60)),
            (m(200), m(230))
        ]
    );
    assert_eq!(w.count, 4);
    assert_eq!(w.total, 340 * MINUTE);
    assert_eq!(w.range_len, 600 * MINUTE);
    assert_eq!(w.share(), 340.0 / 600.0);
    assert_eq!(w.top[0].len(), 150 * MINUTE);
    // Bob's run is not selected, so it covers nothing; with him the 300-400 gap is gone.
    let w = idle_windows(&p, &all(&p, r), r);
    assert_eq!(
        windows(&w),
        vec![(m(450), m(600)), (m(0), m(60)), (m(200), m(230))]
    );
}

#[test]
fn range_edges_cut_windows() {
    let p = idle_jobs();
    // From 30: the first window is cut to 30-60, still 30 minutes.
    let r = range(30, 600);
    let w = idle_windows(&p, &alice(&p, r), r);
    assert_eq!(w.count, 4);
    assert!(windows(&w).contains(&(m(30), m(60))));
    // From 40: 40-60 is 20 minutes, no window.
    let r = range(40, 500);
    let w = idle_windows(&p, &alice(&p, r), r);
    assert_eq!(
        windows(&w),
        vec![(m(300), m(400)), (m(450), m(500)), (m(200), m(230))]
    );
    assert_eq!(w.total, 180 * MINUTE);
    // Inside one run: nothing idle.
    let r = range(70, 190);
    let w = idle_windows(&p, &alice(&p, r), r);
    assert_eq!((w.top.len(), w.count, w.total, w.share()), (0, 0, 0, 0.0));
}

#[test]
fn a_run_from_before_the_range_and_one_still_running_cover_their_spans() {
    // X ran from before the range to minute 10; Y runs from 100 until now (200).
    let p = prep(
        vec![
            job("X", &[("queued", -300), ("running", -100), ("failed", 10)]),
            job("Y", &[("queued", 0), ("running", 100)]),
            // A zero-length run covers nothing.
            job("Z", &[("queued", 20), ("running", 50), ("crashed", 50)]),
        ],
        200,
    );
    let r = range(0, 300);
    let w = idle_windows(&p, &all(&p, r), r);
    assert_eq!(windows(&w), vec![(m(200), m(300)), (m(10), m(100))]);
    assert_eq!(w.count, 2);
}

#[test]
fn idle_window_ties_go_to_the_earlier_and_only_five_are_listed() {
    // Runs of 10 minutes every 50 minutes leave seven 40-minute windows.
    let jobs: Vec<Job> = (0..6)
        .map(|k| run(&format!("r{k}"), 40 + 50 * k, 50 + 50 * k))
        .collect();
    let p = prep(jobs, 1000);
    let r = range(0, 340);
    let w = idle_windows(&p, &all(&p, r), r);
    assert_eq!(
        windows(&w),
        vec![
            (m(0), m(40)),
            (m(50), m(90)),
            (m(100), m(140)),
            (m(150), m(190)),
            (m(200), m(240))
        ]
    );
    assert_eq!(w.count, 7);
    assert_eq!(w.total, 280 * MINUTE);
}

#[test]
fn empty_range_and_empty_selection() {
    let p = idle_jobs();
    let w = idle_windows(&p, &Selection::default(), range(5, 5));
    assert_eq!(w, IdleWindows::default());
    // No run selected: the whole range is one window.
    let w = idle_windows(&p, &Selection::default(), range(0, 600));
    assert_eq!(windows(&w), vec![(m(0), m(600))]);
    assert_eq!(w.share(), 1.0);
}

// ---------------------------------------------------------- waiting by hour

const SAT: u8 = 5;
const SUN: u8 = 6;

/// w1 waits Sat 01:30-03:00 (queued), w2 Sat 02:00-02:45 (idle, then queued;
/// pending is not waiting).
fn hour_jobs() -> Prepared {
    prep(
        vec![
            job("w1", &[("queued", 90), ("running", 180), ("finished", 200)]),
            job(
                "w2",
                &[
                    ("idle", 120),
                    ("queued", 150),
                    ("pending", 165),
                    ("running", 170),
                    ("finished", 200),
                ],
            ),
        ],
        20_000,
    )
}

fn cell(h: &WaitingByHour, day: u8, hour: u8) -> HourCell {
    *h.cell(day, hour).expect("a cell of the week")
}

#[test]
fn one_utc_week_every_hour_once() {
    let p = hour_jobs();
    let r = range(0, 7 * 1440);
    let h = waiting_by_hour(&p, &all(&p, r), r, &Zone::Utc);
    assert_eq!(h.cells.len(), 168);
    assert!(h.cells.iter().all(|c| c.covered == HOUR));
    assert_eq!(cell(&h, SAT, 1).waiting, 30 * MINUTE);
    assert_eq!(cell(&h, SAT, 1).mean(), Some(0.5));
    // w1 60 minutes + w2 45 minutes in one hour.
    assert_eq!(cell(&h, SAT, 2).waiting, 105 * MINUTE);
    assert_eq!(cell(&h, SAT, 2).mean(), Some(1.75));
    assert_eq!(cell(&h, SAT, 2).last, Some((m(120), m(180))));
    assert_eq!(cell(&h, SAT, 0).mean(), Some(0.0));
    assert_eq!(cell(&h, 0, 0).last, Some((m(2 * 1440), m(2 * 1440 + 60))));
    let total: Ms = h.cells.iter().map(|c| c.waiting).sum();
    assert_eq!(total, 135 * MINUTE);
    let peaks: Vec<(u8, u8)> = h.peaks().iter().map(|c| (c.weekday, c.hour)).collect();
    assert_eq!(peaks, vec![(SAT, 2), (SAT, 1)]);
}

#[test]
fn two_weeks_and_a_partial_first_hour() {
    let p = prep(
        vec![job(
            "w1",
            &[("queued", 90), ("running", 180), ("finished", 200)],
        )],
        20_000,
    );
    // Sat 00:30 to the Saturday two weeks later.
    let r = range(30, 14 * 1440);
    let h = waiting_by_hour(&p, &all(&p, r), r, &Zone::Utc);
    assert_eq!(cell(&h, SAT, 0).covered, 90 * MINUTE);
    assert_eq!(cell(&h, SAT, 1).covered, 2 * HOUR);
    assert_eq!(cell(&h, SAT, 1).mean(), Some(0.25));
    assert_eq!(cell(&h, SAT, 2).mean(), Some(0.5));
    // The most recent Saturday 01:00 is in the second week.
    assert_eq!(
        cell(&h, SAT, 1).last,
        Some((m(7 * 1440 + 60), m(7 * 1440 + 120)))
    );
    assert_eq!(cell(&h, SAT, 0).last, Some((m(7 * 1440), m(7 * 1440 + 60))));
}

#[test]
fn hours_the_range_never_reaches_are_empty_not_zero() {
    let p = hour_jobs();
    let r = range(0, 180);
    let h = waiting_by_hour(&p, &all(&p, r), r, &Zone::Utc);
    let reached: Vec<(u8, u8)> = h
        .cells
        .iter()
        .filter(|c| c.mean().is_some())
        .map(|c| (c.weekday, c.hour))
        .collect();
    assert_eq!(reached, vec![(SAT, 0), (SAT, 1), (SAT, 2)]);
    assert_eq!(cell(&h, SAT, 3).mean(), None);
    assert_eq!(cell(&h, SAT, 3).last, None);
    assert_eq!(h.cell(SAT, 24), None);
    // An empty range reaches nothing.
    let h = waiting_by_hour(&p, &all(&p, r), range(10, 10), &Zone::Utc);
    assert!(h.cells.iter().all(|c| c.mean().is_none()));
    assert!(h.peaks().is_empty());
}

#[test]
fn local_offsets_move_hours_and_weekdays() {
    let p = hour_jobs();
    let r = range(0, 7 * 1440);
    let sel = all(&p, r);
    // +09:00: Sat 01:30Z is Sat 10:30 local.
    let h = waiting_by_hour(&p, &sel, r, &Zone::Local(LocalZone::fixed(9 * HOUR)));
    assert_eq!(cell(&h, SAT, 10).mean(), Some(0.5));
    assert_eq!(cell(&h, SAT, 11).mean(), Some(1.75));
    // -05:00: it is Friday 20:30 local.
    let h = waiting_by_hour(&p, &sel, r, &Zone::Local(LocalZone::fixed(-5 * HOUR)));
    assert_eq!(cell(&h, 4, 20).mean(), Some(0.5));
    assert_eq!(cell(&h, 4, 21).mean(), Some(1.75));
    // +05:30: the range starts at local 05:30, so local hours are cut in half at both ends.
    let h = waiting_by_hour(&p, &sel, r, &Zone::Local(LocalZone::fixed(330 * MINUTE)));
    assert_eq!(cell(&h, SAT, 5).covered, HOUR);
    assert_eq!(cell(&h, SAT, 6).covered, HOUR);
    // Sat 01:30-03:00Z is 07:00-08:30 local: w2's 02:00-02:45Z is 07:30-08:15.
    assert_eq!(cell(&h, SAT, 7).waiting, 60 * MINUTE + 30 * MINUTE);
    assert_eq!(cell(&h, SAT, 8).waiting, 30 * MINUTE + 15 * MINUTE);
}

/// The hour-of-week map in Berlin over the local day `[from, to)` (UTC), of
/// one job queued at `queued` that runs from an hour later for half an hour.
fn berlin_day(from: &str, to: &str, queued: &str) -> WaitingByHour {
    let r = TimeRange {
        from: t(from),
        to: t(to),
    };
    let (q, run) = (t(queued), t(queued) + HOUR);
    let transitions = [
        ("queued", q),
        ("running", run),
        ("finished", run + HOUR / 2),
    ]
    .iter()
    .map(|&(s, at)| queuescope_core::Transition {
        state: queuescope_core::JobState::parse(s),
        at,
    })
    .collect();
    let p = Prepared::new(&queuescope_core::Dataset {
        queue_id: "q".into(),
        generated_at: r.to,
        jobs: vec![Job {
            id: "dst".into(),
            job: "launch".into(),
            transitions,
            ..Default::default()
        }],
        skipped: Default::default(),
    });
    let zone = Zone::Local(LocalZone::probe(r, berlin));
    waiting_by_hour(&p, &all(&p, r), r, &zone)
}

#[test]
fn dst_autumn_the_repeated_hour_counts_twice() {
    // Berlin, Sunday 2026-10-25: 03:00 CEST (01:00Z) goes back to 02:00 CET.
    // The local day Sun 00:00 CEST .. Mon 00:00 CET is 25 hours.
    let h = berlin_day(
        "2026-10-24T22:00:00Z",
        "2026-10-25T23:00:00Z",
        "2026-10-25T00:30:00Z",
    );
    // 02:00-03:00 local happened twice: 00:00-01:00Z (CEST) and 01:00-02:00Z (CET).
    assert_eq!(cell(&h, SUN, 2).covered, 2 * HOUR);
    assert_eq!(cell(&h, SUN, 2).waiting, HOUR);
    assert_eq!(cell(&h, SUN, 2).mean(), Some(0.5));
    assert_eq!(
        cell(&h, SUN, 2).last,
        Some((t("2026-10-25T00:00:00Z"), t("2026-10-25T02:00:00Z")))
    );
    assert_eq!(cell(&h, SUN, 1).covered, HOUR);
    assert_eq!(cell(&h, SUN, 3).covered, HOUR);
    assert_eq!(cell(&h, SUN, 23).covered, HOUR);
    let reached = h.cells.iter().filter(|c| c.covered > 0).count();
    assert_eq!(reached, 24);
    assert_eq!(h.cells.iter().map(|c| c.covered).sum::<Ms>(), 25 * HOUR);
}

#[test]
fn dst_spring_the_skipped_hour_is_empty() {
    // Berlin, Sunday 2026-03-29: 02:00 CET (01:00Z) jumps to 03:00 CEST; a 23-hour day.
    let h = berlin_day(
        "2026-03-28T23:00:00Z",
        "2026-03-29T22:00:00Z",
        "2026-03-29T00:30:00Z",
    );
    assert_eq!(cell(&h, SUN, 2).mean(), None, "02:00-03:00 never happened");
    // 00:30-01:00Z is 01:30-02:00 CET, 01:00-01:30Z is 03:00-03:30 CEST.
    assert_eq!(cell(&h, SUN, 1).mean(), Some(0.5));
    assert_eq!(cell(&h, SUN, 3).mean(), Some(0.5));
    assert_eq!(h.cells.iter().map(|c| c.covered).sum::<Ms>(), 23 * HOUR);
    assert_eq!(h.cells.iter().filter(|c| c.covered > 0).count(), 23);
}

#[test]
fn peak_ties_go_to_the_earlier_hour_of_the_week() {
    // One job waits Sat 01:00-02:00 and another Sun 01:00-02:00: both mean 1.
    let p = prep(
        vec![
            job("sat", &[("queued", 60), ("running", 120)]),
            job("sun", &[("queued", 1440 + 60), ("running", 1440 + 120)]),
        ],
        3000,
    );
    let r = range(0, 7 * 1440);
    let h = waiting_by_hour(&p, &all(&p, r), r, &Zone::Utc);
    let peaks: Vec<(u8, u8)> = h.peaks().iter().map(|c| (c.weekday, c.hour)).collect();
    assert_eq!(peaks, vec![(SAT, 1), (SUN, 1)]);
}

// ----------------------------------------------------------- who waits most

fn who(p: &Prepared, r: TimeRange, by: &GroupBy) -> Vec<GroupWait> {
    let sel = all(p, r);
    who_waits(p, &sel, &group(p, &sel, by), r)
}

#[test]
fn who_waits_most_by_hand() {
    let p = prep(
        vec![
            // alice: waits 10, 20 and 10 (of 40) minutes in the range; all three start in it.
            job("a1", &[("queued", 0), ("running", 10), ("finished", 20)]).user("alice"),
            job(
                "a2",
                &[("queued", 100), ("running", 120), ("finished", 130)],
            )
            .user("alice"),
            job("a3", &[("queued", -30), ("running", 10), ("finished", 20)]).user("alice"),
            // bob: 40 minutes, a tie with alice (alice first by name).
            job(
                "b1",
                &[("queued", 500), ("running", 540), ("finished", 545)],
            )
            .user("bob"),
            // carol: idle from 200 and never runs: 400 minutes to the range's end.
            job("c1", &[("idle", 200), ("queued", 230)]).user("carol"),
            // dave: 50 minutes in the range; starts after it, so no p95.
            job("d1", &[("queued", 550), ("running", 650)]).user("dave"),
            // erin: zero-length queued, then pending: no waiting time, left out.
            job("e1", &[("queued", 10), ("pending", 10), ("running", 30)]).user("erin"),
        ],
        1000,
    );
    let w = who(&p, range(0, 600), &GroupBy::Field(Field::User));
    let rows: Vec<(&str, Ms, usize, Option<Ms>, usize)> = w
        .iter()
        .map(|g| (g.group.as_str(), g.waiting, g.jobs, g.p95_wait, g.started))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("carol", 400 * MINUTE, 1, None, 0),
            ("dave", 50 * MINUTE, 1, None, 0),
            // waits to run 10, 20, 40: ceil(0.95 * 3) = 3rd smallest.
            ("alice", 40 * MINUTE, 3, Some(40 * MINUTE), 3),
            ("bob", 40 * MINUTE, 1, Some(40 * MINUTE), 1),
        ]
    );
    // The same seconds as the queued-time panel shows for each group.
    let sel = all(&p, range(0, 600));
    let groups = group(&p, &sel, &GroupBy::Field(Field::User));
    let grid = BucketGrid::new(range(0, 600), HOUR, &Zone::Utc);
    let q = queued_time(&p, &sel, &groups, &grid, 20);
    for g in &w {
        let k = q.groups.iter().position(|n| *n == g.group).expect("group");
        let secs: f64 = q.values[k].iter().sum();
        assert_eq!(secs, g.waiting as f64 / 1000.0, "{}", g.group);
    }
    // Nobody waits in a range after everything.
    assert!(who(&p, range(2000, 2100), &GroupBy::Field(Field::User)).is_empty());
}

#[test]
fn p95_is_the_nearest_rank_and_only_five_groups_show() {
    // Project "twenty": 20 jobs waiting 1..=20 minutes -> ceil(19) = 19th = 19 minutes.
    // Project "twentyone": 21 jobs waiting 1..=21 -> ceil(19.95) = 20th = 20 minutes.
    let mut jobs = Vec::new();
    for (name, n) in [("twenty", 20), ("twentyone", 21)] {
        for k in 1..=n {
            jobs.push(
                job(
                    &format!("{name}-{k}"),
                    &[("queued", 100), ("running", 100 + k)],
                )
                .project(name),
            );
        }
    }
    // Four small projects waiting 4, 3, 2, 1 minutes: only p4 and p3 make the top 5.
    for k in 1..=4 {
        jobs.push(
            job(&format!("p{k}"), &[("queued", 300), ("running", 300 + k)])
                .project(&format!("p{k}")),
        );
    }
    let p = prep(jobs, 1000);
    let w = who(&p, range(0, 600), &GroupBy::Field(Field::Project));
    let rows: Vec<(&str, Ms, usize, Option<Ms>)> = w
        .iter()
        .map(|g| (g.group.as_str(), g.waiting, g.jobs, g.p95_wait))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("twentyone", 231 * MINUTE, 21, Some(20 * MINUTE)),
            ("twenty", 210 * MINUTE, 20, Some(19 * MINUTE)),
            ("p4", 4 * MINUTE, 1, Some(4 * MINUTE)),
            ("p3", 3 * MINUTE, 1, Some(3 * MINUTE)),
            ("p2", 2 * MINUTE, 1, Some(2 * MINUTE)),
        ]
    );
}

// ---------------------------------------------------------- failure spikes

/// A job that fails (or crashes, or is killed) at minute `at`.
fn ends(id: &str, state: &str, at: i64, user: &str, launch: &str) -> Job {
    job(id, &[("queued", at - 1), (state, at)])
        .user(user)
        .launch(launch)
}

fn spikes_of(p: &Prepared, r: TimeRange) -> FailureSpikes {
    let sel = all(p, r);
    let grid = BucketGrid::new(r, HOUR, &Zone::Utc);
    let status = job_status(p, &sel, &grid);
    failure_spikes(p, &sel, &grid, &status)
}

fn spike_rows(s: &FailureSpikes) -> Vec<SpikeRow> {
    s.spikes.iter().map(spike_row).collect()
}

/// Failures per hour bucket of [0, 600): 0, 1, 0, 3, 0, 0, 6, 2, 0, 0.
fn spike_jobs() -> Prepared {
    prep(
        vec![
            // Bucket 1: one job, failed twice (counted once, as job status does).
            job("f1", &[("queued", 65), ("failed", 70), ("failed", 75)]).user("zed"),
            // Bucket 3: exactly the threshold (3); bob and "train" twice.
            ends("s3a", "failed", 190, "alice", "train"),
            ends("s3b", "crashed", 200, "bob", "train"),
            ends("s3c", "failed", 239, "bob", "eval"),
            ends("s3-killed", "killed", 210, "bob", "eval"),
            ends("s3-finished", "finished", 211, "bob", "eval"),
            // Bucket 6: six, two each for alice, bob, carol and for train, eval, sweep.
            ends("s6a", "failed", 361, "alice", "train"),
            ends("s6b", "crashed", 362, "alice", "sweep"),
            ends("s6c", "failed", 363, "bob", "eval"),
            ends("s6d", "failed", 364, "bob", "train"),
            ends("s6e", "crashed", 365, "carol", "sweep"),
            ends("s6f", "failed", 419, "carol", "eval"),
            // Bucket 7: two, below the threshold.
            ends("s7a", "failed", 420, "dave", "eval"),
            ends("s7b", "failed", 470, "dave", "eval"),
        ],
        1000,
    )
}

#[test]
fn spikes_newest_first_with_who_failed_most() {
    let p = spike_jobs();
    let s = spikes_of(&p, range(0, 600));
    // Sorted counts 0 0 0 0 0 0 1 2 3 6: median 0, threshold max(3, 0) = 3.
    assert_eq!((s.median, s.threshold, s.count), (0.0, 3, 2));
    assert_eq!(
        spike_rows(&s),
        vec![
            // Ties of two: alice before bob and carol, eval before sweep and train.
            (6, 6, "alice".into(), 2, "eval".into(), 2),
            (3, 3, "bob".into(), 2, "train".into(), 2),
        ]
    );
    assert_eq!((s.spikes[0].start, s.spikes[0].end), (m(360), m(420)));
    assert_eq!((s.spikes[1].start, s.spikes[1].end), (m(180), m(240)));
}

#[test]
fn the_median_raises_the_threshold() {
    // Failures per bucket 2 2 2 2 7 6 2 2: median 2, threshold 6.
    let counts = [2, 2, 2, 2, 7, 6, 2, 2];
    let p = failures(&counts);
    let s = spikes_of(&p, range(0, 60 * counts.len() as i64));
    assert_eq!((s.median, s.threshold), (2.0, 6));
    let got: Vec<(usize, u32)> = s.spikes.iter().map(|x| (x.bucket, x.count)).collect();
    assert_eq!(got, vec![(5, 6), (4, 7)]);
}

#[test]
fn a_half_median_rounds_the_threshold_up() {
    // 1 1 1 2 4 5: median 1.5, 3 x 1.5 = 4.5, so 5 is a spike and 4 is not.
    let counts = [1, 1, 1, 2, 4, 5];
    let p = failures(&counts);
    let s = spikes_of(&p, range(0, 60 * counts.len() as i64));
    assert_eq!((s.median, s.threshold, s.count), (1.5, 5, 1));
    assert_eq!(s.spikes[0].bucket, 5);
    assert!(!s.at_floor());
}

#[test]
fn a_quiet_range_is_held_to_the_floor() {
    // (median, threshold, whether the floor of 3 set it): 3 x 0 and
    // 3 x 0.5 are under 3; 3 x 1 is 3 itself, which the median explains.
    for (counts, want) in [
        (&[0, 0, 0, 3, 4][..], (0.0, 3, true)),
        (&[0, 0, 0, 1, 3, 4][..], (0.5, 3, true)),
        (&[1, 1, 1, 3, 4][..], (1.0, 3, false)),
        (&[2, 2, 2, 7][..], (2.0, 6, false)),
    ] {
        let p = failures(counts);
        let s = spikes_of(&p, range(0, 60 * counts.len() as i64));
        assert_eq!((s.median, s.threshold, s.at_floor()), want, "{counts:?}");
    }
}

#[test]
fn at_most_five_spikes_and_empty_answers() {
    // Six buckets of 3 among thirteen: median 0, six spikes, the newest five shown.
    let counts = [3, 0, 3, 0, 3, 0, 3, 0, 3, 0, 3, 0, 0];
    let p = failures(&counts);
    let s = spikes_of(&p, range(0, 60 * counts.len() as i64));
    assert_eq!(s.count, 6);
    let got: Vec<usize> = s.spikes.iter().map(|x| x.bucket).collect();
    assert_eq!(got, vec![10, 8, 6, 4, 2]);
    // No failures at all; an empty range.
    let p = failures(&[0, 0, 0]);
    assert_eq!(spikes_of(&p, range(0, 180)).spikes, vec![]);
    assert_eq!(
        spikes_of(&p, range(5, 5)),
        FailureSpikes {
            threshold: 3,
            ..FailureSpikes::default()
        }
    );
}

/// `counts[b]` failed jobs in hour bucket b of [0, 60 n), users u0, u1, ...
fn failures(counts: &[u32]) -> Prepared {
    let mut jobs = Vec::new();
    for (b, &n) in counts.iter().enumerate() {
        for k in 0..n {
            let at = 60 * b as i64 + 10 + i64::from(k);
            jobs.push(ends(
                &format!("b{b}-{k}"),
                "failed",
                at,
                &format!("u{k}"),
                "train",
            ));
        }
    }
    prep(jobs, 2000)
}

// ------------------------------------------------------------ under-used GPUs

fn gpu(run_id: &str, v: &[Option<f64>]) -> Series {
    Series {
        run_id: run_id.into(),
        metric: Metric::GpuUtil,
        t: (0..v.len()).map(|i| 30.0 * i as f64).collect(),
        v: v.to_vec(),
    }
}

fn usage(series: Vec<(&str, Vec<Series>)>) -> UsageByRun {
    series
        .into_iter()
        .map(|(id, s)| (id.to_string(), s))
        .collect()
}

fn ran(id: &str, start: i64, end: Option<i64>) -> Job {
    let mut ts = vec![("queued", start - 5), ("running", start)];
    if let Some(e) = end {
        ts.push(("finished", e));
    }
    job(id, &ts).run(&format!("r-{id}"), id).user("alice")
}

#[test]
fn under_used_runs_by_hand() {
    let mut no_run_id = ran("u10", 0, Some(120));
    no_run_id.run_id = None;
    let p = prep(
        vec![
            ran("u1", 0, Some(60)),
            ran("u2", 100, Some(220)),
            ran("u3", 300, Some(329)),
            ran("u4", 400, Some(430)),
            ran("u5", 440, Some(540)),
            ran("u6", 0, Some(90)).user("bob").launch("sweep"),
            ran("u7", 0, Some(600)),
            ran("u8", 0, Some(600)),
            ran("u9", 700, Some(800)),
            no_run_id,
            ran("u11", 0, Some(60)),
            ran("u12", 500, None),
        ],
        1000,
    );
    let cpu = Series {
        metric: Metric::CpuUtil,
        ..gpu("r-u11", &[Some(1.0)])
    };
    let u = usage(vec![
        ("r-u1", vec![gpu("r-u1", &[Some(5.0), Some(15.0)])]),
        ("r-u2", vec![gpu("r-u2", &[Some(19.98), Some(20.0)])]),
        ("r-u3", vec![gpu("r-u3", &[Some(0.0)])]),
        ("r-u4", vec![gpu("r-u4", &[Some(5.0)])]),
        ("r-u5", vec![gpu("r-u5", &[Some(10.0), Some(30.0)])]),
        ("r-u6", vec![gpu("r-u6", &[None, Some(10.0), Some(20.0)])]),
        ("r-u8", vec![]),
        ("r-u9", vec![gpu("r-u9", &[Some(1.0)])]),
        ("r-u11", vec![cpu]),
        ("r-u12", vec![gpu("r-u12", &[Some(19.0)])]),
    ]);
    let r = range(0, 600);
    let out = under_used_gpus(&p, &all(&p, r), r, &job_means(&p, &u));
    // In view: u1-u8, u11, u12 (u9 is after the range, u10 has no run id).
    assert_eq!((out.in_view, out.loaded, out.count), (10, 9, 5));
    let rows: Vec<(&str, Ms, String)> = out
        .runs
        .iter()
        .map(|x| {
            (
                x.run_id.as_str(),
                x.run_len,
                format!("{:.4} {:.4}", x.mean_gpu, x.unused_hours),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            // Still running until now (1000): 500 minutes at 19 %: 0.81 x 500/60 h.
            ("r-u12", 500 * MINUTE, "19.0000 6.7500".to_string()),
            ("r-u2", 120 * MINUTE, "19.9900 1.6002".to_string()),
            ("r-u6", 90 * MINUTE, "15.0000 1.2750".to_string()),
            ("r-u1", 60 * MINUTE, "10.0000 0.9000".to_string()),
            // Exactly 30 minutes counts.
            ("r-u4", 30 * MINUTE, "5.0000 0.4750".to_string()),
        ]
    );
    assert_eq!(out.runs[2].user, "bob");
    assert_eq!(out.runs[2].launch_job, "sweep");
    assert_eq!(p.job(out.runs[0].job as usize).id, "u12");
    // Nothing loaded: nothing judged, everything to load (most recent first).
    let none = under_used_gpus(&p, &all(&p, r), r, &job_means(&p, &UsageByRun::new()));
    assert_eq!((none.in_view, none.loaded, none.count), (10, 0, 0));
    let to_load: Vec<&str> = runs_to_load(&p, &all(&p, r), r, &job_means(&p, &u))
        .into_iter()
        .map(|j| p.job(j as usize).id)
        .collect();
    assert_eq!(to_load, vec!["u7"]);
    let to_load: Vec<&str> = runs_to_load(&p, &all(&p, r), r, &job_means(&p, &UsageByRun::new()))
        .into_iter()
        .map(|j| p.job(j as usize).id)
        .collect();
    assert_eq!(
        to_load,
        // Start order is (start, job id): u1 < u11 < u6 < u7 < u8 all start at 0.
        vec!["u12", "u5", "u4", "u3", "u2", "u8", "u7", "u6", "u11", "u1"]
    );
}

#[test]
fn under_used_ties_by_run_id_and_a_shared_run_id_once() {
    let mut twin = ran("t2", 0, Some(60));
    twin.run_id = Some("r-t1".into());
    let p = prep(
        vec![
            ran("t1", 0, Some(120)),
            twin,
            ran("b", 200, Some(260)),
            ran("a", 300, Some(360)),
        ],
        1000,
    );
    let u = usage(vec![
        ("r-t1", vec![gpu("r-t1", &[Some(10.0)])]),
        ("r-a", vec![gpu("r-a", &[Some(10.0)])]),
        ("r-b", vec![gpu("r-b", &[Some(10.0)])]),
    ]);
    let r = range(0, 600);
    let out = under_used_gpus(&p, &all(&p, r), r, &job_means(&p, &u));
    let rows: Vec<(&str, Ms)> = out
        .runs
        .iter()
        .map(|x| (x.run_id.as_str(), x.run_len))
        .collect();
    // r-t1 once, with its 2-hour run; r-a and r-b tie, r-a first.
    assert_eq!(
        rows,
        vec![("r-t1", 120 * MINUTE), ("r-a", HOUR), ("r-b", HOUR)]
    );
    assert_eq!((out.in_view, out.loaded, out.count), (4, 4, 3));
}
