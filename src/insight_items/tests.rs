//! The items of `tests/fixtures/insights.json`'s view, worded: figures as
//! in `tests/fixtures/insights-expected.md`, fed in by hand.

use super::*;
use crate::format::NBSP;
use queuescope_core::analysis::insights::{
    FailureSpike, HourCell, IdleWindow, UnderUsedRun, HOURS_OF_WEEK,
};
use queuescope_core::analysis::LocalZone;
use queuescope_core::model::{HOUR, MINUTE};

/// The sentences with their no-break spaces as plain ones.
fn texts(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.text.replace(NBSP, " ")).collect()
}

/// Saturday 2026-11-21 at hh:mm UTC.
fn sat(h: i64, m: i64) -> Ms {
    1_795_219_200_000 + h * HOUR + m * MINUTE
}

#[test]
fn idle_windows_say_length_and_window_and_link_to_it() {
    let w = IdleWindows {
        top: vec![
            IdleWindow {
                start: sat(9, 40),
                end: sat(12, 0),
            },
            IdleWindow {
                start: sat(18, 0),
                end: sat(18, 45),
            },
        ],
        count: 2,
        total: 185 * MINUTE,
        range_len: 24 * HOUR,
    };
    let items = idle_items(&w, &Zone::Utc);
    assert_eq!(
        texts(&items)[0],
        "Idle 2 h 20 m on Sat 21 Nov 09:40–12:00: no run held the queue"
    );
    assert_eq!(items[0].kind, "idle-window");
    assert_eq!(
        items[0].attrs,
        Attrs {
            start: Some("2026-11-21T09:40:00Z".into()),
            end: Some("2026-11-21T12:00:00Z".into()),
            seconds: Some("8400".into()),
            ..Attrs::default()
        }
    );
    assert_eq!(
        items[0].target,
        Some(Target::Range {
            from: sat(9, 40),
            to: sat(12, 0)
        })
    );
    assert_eq!(
        texts(&items)[1],
        "Idle 45 m on Sat 21 Nov 18:00–18:45: no run held the queue"
    );
    // Seen from Tokyo, the same window is later on the wall clock.
    let tokyo = Zone::Local(LocalZone::fixed(9 * HOUR));
    assert_eq!(
        texts(&idle_items(&w, &tokyo))[0],
        "Idle 2 h 20 m on Sat 21 Nov 18:40–21:00: no run held the queue"
    );
    assert_eq!(
        idle_summary(&w),
        "2 idle windows of 30 minutes or more: 12.8% of the range"
    );
    assert_eq!(
        idle_summary(&IdleWindows::default()),
        "No idle window of 30 minutes or more in this range"
    );
}

/// The map of the fixture: Saturday's hours, `minutes[h]` waiting minutes each.
fn saturday_map(minutes: &[(u8, i64)]) -> WaitingByHour {
    let mut cells: Vec<HourCell> = (0..HOURS_OF_WEEK)
        .map(|k| HourCell {
            weekday: (k / 24) as u8,
            hour: (k % 24) as u8,
            ..HourCell::default()
        })
        .collect();
    for h in 0..24u8 {
        let c = &mut cells[5 * 24 + usize::from(h)];
        let start = sat(i64::from(h), 0);
        c.covered = HOUR;
        c.last = Some((start, start + HOUR));
        c.waiting = minutes
            .iter()
            .find(|(x, _)| *x == h)
            .map_or(0, |(_, m)| m * MINUTE);
    }
    WaitingByHour { cells }
}

#[test]
fn peak_hours_and_the_heat_map() {
    let map = saturday_map(&[(0, 40), (3, 60), (21, 120), (5, 0)]);
    let items = peak_items(&map);
    assert_eq!(
        texts(&items),
        [
            "Sat 21:00–22:00: 2 jobs waiting on average",
            "Sat 03:00–04:00: 1 job waiting on average",
            "Sat 00:00–01:00: 0.667 jobs waiting on average",
        ]
    );
    assert_eq!(
        items[0].attrs.start.as_deref(),
        Some("2026-11-21T21:00:00Z")
    );
    assert_eq!(items[0].attrs.end.as_deref(), Some("2026-11-21T22:00:00Z"));
    assert_eq!(items[0].attrs.seconds.as_deref(), Some("7200"));
    assert_eq!(items[0].attrs.mean.as_deref(), Some("2"));

    let light = (Colour([0xee, 0xf3, 0xfb]), Colour([0x18, 0x4a, 0xa0]));
    let (cells, max) = heat_cells(&map, light);
    assert_eq!(max, 2.0);
    assert_eq!(cells.len(), 168);
    // Saturday is reached: every hour has a mean, 0 included; the other
    // days are empty, not zero.
    assert_eq!(cells.iter().filter(|c| c.mean.is_some()).count(), 24);
    let five = &cells[5 * 24 + 5];
    assert_eq!(five.mean, Some(0.0));
    assert_eq!(five.colour.as_deref(), Some("#eef3fb"));
    assert_eq!(cells[5 * 24 + 21].colour.as_deref(), Some("#184aa0"));
    assert_eq!(
        cells[5 * 24].label.replace(NBSP, " "),
        "Sat 00:00–01:00: 0.667 jobs waiting on average (40 m of waiting over 1 h of the range)"
    );
    assert_eq!(cells[0].mean, None);
    assert_eq!(cells[0].colour, None);
    assert_eq!(
        cells[0].label.replace(NBSP, " "),
        "Mon 00:00–01:00: not in this range"
    );
}

#[test]
fn who_waits_links_to_the_group_when_it_is_a_filter() {
    let g = [
        GroupWait {
            group: "grace".into(),
            waiting: 330 * MINUTE,
            jobs: 2,
            p95_wait: Some(270 * MINUTE),
            started: 2,
        },
        GroupWait {
            group: "dave".into(),
            waiting: 40 * MINUTE,
            jobs: 1,
            p95_wait: None,
            started: 0,
        },
    ];
    let items = who_items(&g, true);
    assert_eq!(
        texts(&items)[0],
        "grace: 5 h 30 m waiting over 2 jobs, p95 wait 4 h 30 m"
    );
    assert_eq!(
        items[0].attrs,
        Attrs {
            group: Some("grace".into()),
            count: Some("2".into()),
            seconds: Some("19800".into()),
            ..Attrs::default()
        }
    );
    assert_eq!(items[0].target, Some(Target::Group("grace".into())));
    assert_eq!(
        texts(&items)[1],
        "dave: 40 m waiting over 1 job, none started running in this range"
    );
    assert_eq!(who_items(&g, false)[0].target, None);
}

#[test]
fn failure_spikes_name_who_failed() {
    let s = FailureSpikes {
        spikes: vec![FailureSpike {
            bucket: 14,
            start: sat(14, 0),
            end: sat(15, 0),
            count: 4,
            user: "dave".into(),
            user_failures: 2,
            job: "train-llm:v7".into(),
            job_failures: 3,
        }],
        count: 1,
        median: 0.0,
        threshold: 3,
    };
    let items = spike_items(&s, &Zone::Utc);
    assert_eq!(
        texts(&items)[0],
        "4 failures on Sat 21 Nov 14:00–15:00: most by dave (2), launch job train-llm:v7 (3)"
    );
    assert_eq!(items[0].attrs.count.as_deref(), Some("4"));
    assert_eq!(
        items[0].attrs.start.as_deref(),
        Some("2026-11-21T14:00:00Z")
    );
    // The median is 0: the floor of 3 is the rule, not 3 × 0.
    assert_eq!(
        spike_summary(&s, "1h"),
        "1 spike: each a 1h bucket with at least 3 failures (the minimum, as the median is 0)"
    );
}

#[test]
fn the_spike_rule_says_which_bound_set_it() {
    let rule = |median: f64, threshold: u32, count: usize| {
        spike_summary(
            &FailureSpikes {
                spikes: Vec::new(),
                count,
                median,
                threshold,
            },
            "1h",
        )
    };
    assert_eq!(
        rule(0.5, 3, 0),
        "No failure spike in this range: none is a 1h bucket with at least 3 failures (the minimum, as the median is 0.5)"
    );
    // 3 × 1 is the floor itself: either reading is true, the product is said.
    assert_eq!(
        rule(1.0, 3, 2),
        "2 spikes: each a 1h bucket with at least 3 failures (3 × the median of 1)"
    );
    assert_eq!(
        rule(1.5, 5, 1),
        "1 spike: each a 1h bucket with at least 5 failures (3 × the median of 1.5)"
    );
    crate::i18n::set_current(queuescope_core::view::Lang::Ko);
    let (floor, product) = (rule(0.0, 3, 1), rule(2.0, 6, 0));
    crate::i18n::set_current(queuescope_core::view::Lang::En);
    assert_eq!(
        floor,
        "급증 1건: 각각 실패가 3건 이상인 1h 구간(최소 기준, 중앙값 0)"
    );
    assert_eq!(
        product,
        "이 기간에 실패 급증이 없습니다: 실패가 6건 이상인 1h 구간(중앙값 2의 3배)이 없습니다"
    );
}

#[test]
fn under_used_runs_link_to_the_run() {
    let u = UnderUsed {
        runs: vec![UnderUsedRun {
            job: 19,
            run_id: "run-g1".into(),
            launch_job: "train-llm:v7".into(),
            user: "grace".into(),
            mean_gpu: 3.0,
            run_len: 390 * MINUTE,
            unused_hours: 6.305,
        }],
        count: 1,
        loaded: 11,
        in_view: 11,
    };
    let items = under_used_items(&u);
    assert_eq!(
        texts(&items)[0],
        "run-g1 (train-llm:v7, grace): 3% GPU use over 6 h 30 m, 6.3 GPU-hours unused"
    );
    assert_eq!(
        items[0].attrs,
        Attrs {
            run_id: Some("run-g1".into()),
            seconds: Some("23400".into()),
            mean: Some("3".into()),
            ..Attrs::default()
        }
    );
    assert_eq!(items[0].target, Some(Target::Run(19)));
    assert_eq!(
        under_used_summary(&u),
        "1 run with mean GPU use under 20% over a run of 30 minutes or more, judged on the 11 of 11 runs in view whose usage is loaded"
    );
    // No run in view (every job waits, or none is in the range): not "the
    // 0 of 0 runs".
    let none = UnderUsed {
        runs: Vec::new(),
        count: 0,
        loaded: 0,
        in_view: 0,
    };
    assert_eq!(
        under_used_summary(&none),
        "No run in view, so no GPU to judge"
    );
}

#[test]
fn means_for_people() {
    assert_eq!(mean_text(2.0), "2");
    assert_eq!(mean_text(0.5), "0.5");
    assert_eq!(mean_text(2.0 / 3.0), "0.667");
    assert_eq!(mean_text(19.5), "19.5");
    assert_eq!(mean_text(0.0), "0");
    assert_eq!(mean_text(164.034), "164");
    assert_eq!(mean_text(12.3456), "12.35");
    assert_eq!(percent_text(5.478), "5.5");
    assert_eq!(percent_text(19.5), "19.5");
    assert_eq!(percent_text(3.0), "3");
}
