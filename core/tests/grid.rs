//! SPEC §3 ranges, bucket boundaries and auto width, table style.

mod common;
use common::*;
use queuescope_core::analysis::*;
use queuescope_core::model::{Ms, DAY, HOUR, MINUTE};
use queuescope_core::view::{RangeSpec, Width};

fn utc(s: &str) -> Ms {
    t(s)
}

fn lens(g: &BucketGrid) -> Vec<Ms> {
    (0..g.len())
        .map(|i| g.bucket(i).1 - g.bucket(i).0)
        .collect()
}

fn berlin_zone(r: TimeRange) -> Zone {
    Zone::Local(LocalZone::probe(r, berlin))
}

#[test]
fn utc_grid_starts_at_multiples_and_clips_ends() {
    let r = TimeRange {
        from: utc("2026-11-21T10:30:00Z"),
        to: utc("2026-11-21T13:15:00Z"),
    };
    let g = BucketGrid::new(r, HOUR, &Zone::Utc);
    assert_eq!(
        g.starts,
        vec![
            utc("2026-11-21T10:00:00Z"),
            utc("2026-11-21T11:00:00Z"),
            utc("2026-11-21T12:00:00Z"),
            utc("2026-11-21T13:00:00Z"),
        ]
    );
    assert_eq!(g.bucket(0), (r.from, utc("2026-11-21T11:00:00Z")));
    assert_eq!(g.bucket(3), (utc("2026-11-21T13:00:00Z"), r.to));
    assert_eq!(
        g.bucket(4),
        (r.to, r.to),
        "out of bounds is empty, no panic"
    );
    assert_eq!(g.index_of(r.from), Some(0));
    assert_eq!(g.index_of(r.from - 1), None);
    assert_eq!(g.index_of(utc("2026-11-21T11:00:00Z") - 1), Some(0));
    assert_eq!(g.index_of(utc("2026-11-21T11:00:00Z")), Some(1));
    assert_eq!(g.index_of(r.to - 1), Some(3));
    assert_eq!(g.index_of(r.to), None);
    assert_eq!(lens(&g), vec![30 * MINUTE, HOUR, HOUR, 15 * MINUTE]);
}

#[test]
fn aligned_and_empty_ranges() {
    let g = BucketGrid::new(range(0, 120), HOUR, &Zone::Utc);
    assert_eq!(g.starts, vec![m(0), m(60)]);
    let empty = BucketGrid::new(range(30, 30), HOUR, &Zone::Utc);
    assert_eq!(empty.len(), 0);
    assert_eq!(empty.index_of(m(30)), None);
    let reversed = BucketGrid::new(range(30, 10), HOUR, &Zone::Utc);
    assert!(reversed.is_empty());
    // A 7-minute width still uses multiples of 7 minutes since the epoch.
    let g7 = BucketGrid::new(range(0, 20), 7 * MINUTE, &Zone::Utc);
    assert!(g7.starts.iter().all(|s| s % (7 * MINUTE) == 0));
    assert!(g7.starts[0] <= m(0) && m(0) < g7.starts[0] + 7 * MINUTE);
}

#[test]
fn too_many_buckets_are_capped() {
    let g = BucketGrid::new(
        TimeRange {
            from: 0,
            to: 400 * DAY,
        },
        MINUTE,
        &Zone::Utc,
    );
    assert!(g.len() as i64 <= MAX_BUCKETS + 1, "{}", g.len());
    assert!(g.width > MINUTE);
}

#[test]
fn auto_width_follows_the_ladder() {
    let cases: [(Ms, Ms); 7] = [
        (7 * DAY, HOUR),
        (24 * HOUR, 15 * MINUTE),
        (HOUR, MINUTE),
        (6 * HOUR, 5 * MINUTE),
        (30 * DAY, 6 * HOUR),
        (400 * DAY, DAY),
        (0, MINUTE),
    ];
    for (span, w) in cases {
        assert_eq!(
            auto_width(TimeRange { from: 0, to: span }),
            w,
            "span {span}"
        );
    }
    // 200 buckets exactly is allowed; 201 is not.
    assert_eq!(
        auto_width(TimeRange {
            from: 0,
            to: 200 * MINUTE
        }),
        MINUTE
    );
    assert_eq!(
        auto_width(TimeRange {
            from: 0,
            to: 201 * MINUTE
        }),
        5 * MINUTE
    );
}

#[test]
fn range_specs_resolve_and_parse() {
    let now = m(0);
    assert_eq!(
        RangeSpec::parse("7d").unwrap().resolve(now),
        TimeRange {
            from: now - 7 * DAY,
            to: now
        }
    );
    assert_eq!(
        RangeSpec::parse("30m"),
        Width::from_ms(30 * MINUTE).map(RangeSpec::Relative)
    );
    assert_eq!(
        RangeSpec::parse("24h").unwrap().as_param().as_deref(),
        Some("24h")
    );
    assert_eq!(RangeSpec::parse("nope"), None);
    assert_eq!(
        RangeSpec::Absolute {
            from: m(10),
            to: m(5)
        }
        .resolve(now),
        TimeRange {
            from: m(10),
            to: m(10)
        }
    );
    assert_eq!(
        Some(RangeSpec::default()),
        Width::from_ms(7 * DAY).map(RangeSpec::Relative)
    );
}

#[test]
fn local_days_are_23h_and_25h_across_dst() {
    // Berlin, spring: local midnights 2026-03-28, 29, 30.
    let r = TimeRange {
        from: utc("2026-03-27T23:00:00Z"),
        to: utc("2026-03-30T22:00:00Z"),
    };
    let g = BucketGrid::new(r, DAY, &berlin_zone(r));
    assert_eq!(
        g.starts,
        vec![
            utc("2026-03-27T23:00:00Z"),
            utc("2026-03-28T23:00:00Z"),
            utc("2026-03-29T22:00:00Z"),
        ]
    );
    assert_eq!(lens(&g), vec![24 * HOUR, 23 * HOUR, 24 * HOUR]);

    // Autumn: 2026-10-25 lasts 25 hours.
    let r = TimeRange {
        from: utc("2026-10-24T12:00:00Z"),
        to: utc("2026-10-26T12:00:00Z"),
    };
    let g = BucketGrid::new(r, DAY, &berlin_zone(r));
    assert_eq!(
        g.starts,
        vec![
            utc("2026-10-23T22:00:00Z"),
            utc("2026-10-24T22:00:00Z"),
            utc("2026-10-25T23:00:00Z"),
        ]
    );
    assert_eq!(g.bucket(1).1 - g.bucket(1).0, 25 * HOUR);
    assert_eq!(g.index_of(utc("2026-10-25T22:59:59Z")), Some(1));
    assert_eq!(g.index_of(utc("2026-10-25T23:00:00Z")), Some(2));
}

#[test]
fn local_sub_day_widths_shift_by_the_offset_across_dst() {
    // Hourly buckets stay hourly in UTC across both changes.
    for (from, to) in [
        ("2026-03-28T22:00:00Z", "2026-03-29T04:00:00Z"),
        ("2026-10-24T22:00:00Z", "2026-10-25T04:00:00Z"),
    ] {
        let r = TimeRange {
            from: utc(from),
            to: utc(to),
        };
        let g = BucketGrid::new(r, HOUR, &berlin_zone(r));
        assert_eq!(lens(&g), vec![HOUR; 6], "{from}");
        assert_eq!(g.starts[0], utc(from));
    }
    // 3h buckets at local 00:00, 03:00, 06:00: 2h long on the spring day...
    let r = TimeRange {
        from: utc("2026-03-28T23:00:00Z"),
        to: utc("2026-03-29T07:00:00Z"),
    };
    let g = BucketGrid::new(r, 3 * HOUR, &berlin_zone(r));
    assert_eq!(
        g.starts,
        vec![
            utc("2026-03-28T23:00:00Z"),
            utc("2026-03-29T01:00:00Z"),
            utc("2026-03-29T04:00:00Z"),
        ]
    );
    // ...and 4h on the autumn day (local 00:00 CEST to 03:00 CET).
    let r = TimeRange {
        from: utc("2026-10-24T22:00:00Z"),
        to: utc("2026-10-25T05:00:00Z"),
    };
    let g = BucketGrid::new(r, 3 * HOUR, &berlin_zone(r));
    assert_eq!(
        g.starts,
        vec![utc("2026-10-24T22:00:00Z"), utc("2026-10-25T02:00:00Z")]
    );
    assert_eq!(lens(&g), vec![4 * HOUR, 3 * HOUR]);
}

#[test]
fn fixed_local_offsets_shift_the_grid() {
    // India, +05:30: hourly boundaries at :30 UTC; days at 18:30 UTC.
    let z = Zone::Local(LocalZone::fixed(5 * HOUR + 30 * MINUTE));
    let g = BucketGrid::new(range(0, 120), HOUR, &z);
    assert_eq!(g.starts, vec![m(-30), m(30), m(90)]);
    let g = BucketGrid::new(range(0, 60), DAY, &z);
    assert_eq!(g.starts, vec![utc("2026-11-20T18:30:00Z")]);
    // Offset 0 equals UTC.
    let r = range(17, 500);
    assert_eq!(
        BucketGrid::new(r, 15 * MINUTE, &Zone::Local(LocalZone::fixed(0))).starts,
        BucketGrid::new(r, 15 * MINUTE, &Zone::Utc).starts
    );
}

#[test]
fn spring_forward_at_midnight_still_starts_a_day() {
    // A zone that jumps from local 00:00 to 01:00 (offset +0 -> +1h) at 2026-03-29T00:00Z.
    let change = utc("2026-03-29T00:00:00Z");
    let off = |u: Ms| if u < change { 0 } else { HOUR };
    let r = TimeRange {
        from: utc("2026-03-28T12:00:00Z"),
        to: utc("2026-03-30T12:00:00Z"),
    };
    let g = BucketGrid::new(r, DAY, &Zone::Local(LocalZone::probe(r, off)));
    assert_eq!(
        g.starts,
        vec![
            utc("2026-03-28T00:00:00Z"),
            change,
            utc("2026-03-29T23:00:00Z"),
        ]
    );
}
