use super::*;
use crate::analysis::{CustomGrouping, Filters, GroupBy};
use crate::model::{DAY, HOUR, MINUTE};
use crate::view::is_navigation;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn parsed(q: &str) -> View {
    let (view, notices) = parse_query(q);
    assert_eq!(
        notices,
        Vec::<String>::new(),
        "unexpected notices for {q:?}"
    );
    view
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn width(s: &str) -> Width {
    Width::parse(s).expect("a width")
}

#[test]
fn empty_and_defaults() {
    assert_eq!(parsed(""), View::default());
    assert_eq!(parsed("?"), View::default());
    assert_eq!(parsed("?q=&user=&tz=&lang="), View::default());
    assert_eq!(to_query(&View::default()), "");
    let local = View {
        tz: Tz::Local,
        group: GroupKey::Field(Field::User),
        ..View::default()
    };
    assert_eq!(to_query(&local), "", "local and user are defaults, omitted");
    // The defaults of SPEC §5, in one place.
    let d = View::default();
    assert_eq!(d.range_spec(), RangeSpec::Relative(width("7d")));
    assert_eq!(d.time_range(100 * DAY).from, 93 * DAY);
    assert_eq!((d.bucket, d.tz, d.lang), (None, Tz::Local, None));
    assert_eq!(d.group, GroupKey::Field(Field::User));
    assert!(d.filters.is_empty());
}

#[test]
fn full_view_parses() {
    let v = parsed(
        "?queue=a100-pool&bucket=5m&tz=UTC&group=label:team&user=alice&user=bob\
         &state=failed&state=crashed&label=team:vision&label=url:http://x&q=resnet+v3%21&lang=ko",
    );
    assert_eq!(v.queue.as_deref(), Some("a100-pool"));
    assert_eq!(v.bucket.map(Width::ms), Some(5 * MINUTE));
    assert_eq!(v.tz, Tz::Utc);
    assert_eq!(v.group, GroupKey::Label("team".into()));
    assert_eq!(v.filters.values(Field::User), &set(&["alice", "bob"]));
    assert_eq!(v.filters.values(Field::State), &set(&["failed", "crashed"]));
    assert_eq!(
        v.filters.labels,
        [
            ("team".to_string(), "vision".to_string()),
            ("url".to_string(), "http://x".to_string())
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(v.filters.text, "resnet v3!");
    assert_eq!(v.lang, Some(Lang::Ko));
}

#[test]
fn absolute_range_wins_and_is_checked() {
    let v = parsed("from=2026-11-21T09:00:00%2B09:00&to=2026-11-22T00:00:00Z");
    let from = parse_rfc3339("2026-11-21T00:00:00Z").unwrap();
    let to = parse_rfc3339("2026-11-22T00:00:00Z").unwrap();
    assert_eq!(v.range, Some(RangeSpec::Absolute { from, to }));
    assert_eq!((v.time_range(0).from, v.time_range(0).to), (from, to));
    assert_eq!(
        to_query(&v),
        "from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z"
    );

    let typed = parsed("from=2026-11-21T09:00:00+09:00&to=2026-11-22T00:00:00Z");
    assert_eq!(
        typed.range, v.range,
        "an unencoded + in an offset still reads"
    );

    let (v, notices) = parse_query("range=24h&from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z");
    assert_eq!(v.range, Some(RangeSpec::Absolute { from, to }));
    assert_eq!(notices, ["ignored range=24h: from and to are given"]);
}

#[test]
fn notices_explain_what_was_dropped() {
    let cases: [(&str, &str); 14] = [
        ("bucket=7x", "ignored bucket=7x: not a width like 5m, 1h or 1d"),
        ("range=soon", "ignored range=soon: not a range like 30m, 24h or 7d"),
        ("tz=mars", "ignored tz=mars: use utc or local"),
        (
            "group=color",
            "ignored group=color: use user, job, project, entity, state, label:KEY or custom:NAME",
        ),
        (
            "group=label:",
            "ignored group=label:: use user, job, project, entity, state, label:KEY or custom:NAME",
        ),
        (
            "group=custom:",
            "ignored group=custom:: use user, job, project, entity, state, label:KEY or custom:NAME",
        ),
        ("label=team", "ignored label=team: not KEY:VALUE"),
        ("label=:x", "ignored label=:x: not KEY:VALUE"),
        ("lang=fr", "ignored lang=fr: use en or ko"),
        ("foo=bar", "ignored foo=bar: unknown parameter"),
        ("debug", "ignored debug=: unknown parameter"),
        ("from=yesterday", "ignored from=yesterday: not a time like 2026-11-21T08:00:00Z"),
        ("from=2026-11-21T00:00:00Z", "ignored from=2026-11-21T00:00:00Z: to is missing"),
        (
            "from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z",
            "ignored from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z: from must be before to",
        ),
    ];
    for (q, want) in cases {
        let (view, notices) = parse_query(q);
        assert_eq!(notices, [want], "{q}");
        assert_eq!(view, View::default(), "{q}");
    }
    let (v, notices) = parse_query("queue=a&queue=b&to=2026-11-21T00:00:00Z&lang=en&lang=ko");
    assert_eq!(v.queue.as_deref(), Some("a"));
    assert_eq!(v.lang, Some(Lang::En));
    assert_eq!(
        notices,
        [
            "ignored queue=b: given more than once, the first one counts",
            "ignored lang=ko: given more than once, the first one counts",
            "ignored to=2026-11-21T00:00:00Z: from is missing"
        ]
    );
    let long = "x".repeat(100);
    let (_, notices) = parse_query(&format!("{long}=1"));
    assert_eq!(
        notices,
        [format!("ignored {}…=1: unknown parameter", "x".repeat(40))]
    );
}

#[test]
fn an_unknown_custom_grouping_is_a_notice_where_groupings_are_known() {
    let mut v = parsed("group=custom:teams&user=alice");
    assert_eq!(v.group, GroupKey::Custom("teams".into()));
    assert_eq!(v.check_custom(|n| n == "teams"), None);
    assert_eq!(v.group, GroupKey::Custom("teams".into()));
    assert_eq!(
        v.check_custom(|_| false).map(|n| n.to_string()).as_deref(),
        Some(
            "ignored group=custom:teams: no saved custom grouping has that name; grouping by user"
        )
    );
    assert_eq!(v.group, GroupKey::default());
    assert_eq!(
        v.filters.values(Field::User),
        &set(&["alice"]),
        "the rest stays"
    );
    assert_eq!(
        v.check_custom(|_| false),
        None,
        "nothing custom left to check"
    );
}

#[test]
fn group_keys_resolve_against_saved_groupings() {
    let teams = CustomGrouping {
        name: "teams".into(),
        rules: Vec::new(),
    };
    let customs = [teams.clone()];
    // Every form round-trips (all of them: core/tests/panels.rs).
    let key = GroupKey::parse("custom:teams").expect("a key");
    assert_eq!(key.to_string(), "custom:teams");
    assert_eq!(
        GroupKey::parse("job").and_then(|k| k.resolve(&[])),
        Some(GroupBy::Field(Field::Job))
    );
    assert_eq!(
        GroupKey::parse("custom:teams").and_then(|k| k.resolve(&customs)),
        Some(GroupBy::Custom(teams))
    );
    assert_eq!(GroupKey::Custom("missing".into()).resolve(&customs), None);
    assert_eq!(GroupKey::parse("label:"), None);
    assert_eq!(GroupKey::parse("colour"), None);
}

#[test]
fn serialises_in_stable_readable_order() {
    let mut filters = Filters::default();
    filters.text = "a&b=c+d 100%".into();
    filters.labels.insert(("team".into(), "vision".into()));
    *filters.values_mut(Field::State) = set(&["failed", "crashed"]);
    *filters.values_mut(Field::User) = set(&["alice"]);
    let view = View {
        queue: Some("a100/pool".into()),
        range: RangeSpec::parse("24h"),
        bucket: Width::parse("1h"),
        tz: Tz::Utc,
        group: GroupKey::Custom("vision team".into()),
        filters,
        lang: Some(Lang::Ko),
    };
    assert_eq!(
        to_query(&view),
        "queue=a100/pool&range=24h&bucket=1h&tz=utc&group=custom:vision+team&user=alice\
         &state=crashed&state=failed&label=team:vision&q=a%26b%3Dc%2Bd+100%25&lang=ko"
    );
    assert_eq!(parsed(&to_query(&view)), view);
}

#[test]
fn navigation_versus_replacement() {
    let base = parsed("queue=a&range=24h&user=alice");
    let cases: [(&str, bool); 8] = [
        ("queue=a&range=24h&user=alice", false),
        ("queue=a&range=24h&user=bob", false),
        (
            "queue=a&range=24h&bucket=5m&tz=utc&group=job&q=x&lang=en",
            false,
        ),
        ("queue=b&range=24h&user=alice", true),
        ("queue=a&range=7d&user=alice", true),
        ("queue=a&user=alice", true),
        (
            "queue=a&from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z",
            true,
        ),
        ("range=24h&user=alice", true),
    ];
    for (q, want) in cases {
        assert_eq!(is_navigation(&base, &parsed(q)), want, "{q}");
    }
    assert!(!is_navigation(&parsed(""), &parsed("range=7d")));
    // An explicit 7d stays in the link; an absent range stays absent.
    assert_eq!(to_query(&parsed("range=7d")), "range=7d");
}

#[test]
fn relative_range_ends_now() {
    let now = 1_000 * DAY;
    let r = parsed("").time_range(now);
    assert_eq!((r.from, r.to), (now - 7 * DAY, now));
    let r = parsed("range=30m").time_range(now);
    assert_eq!((r.from, r.to), (now - 30 * MINUTE, now));
    let r = parsed("range=2h").time_range(now);
    assert_eq!(r.len(), 2 * HOUR);
}

/// Strings with the characters a naive encoder gets wrong.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z &=+%#?:/,@~é日本😀\\\\\"'<>;\t\n-]{1,12}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

fn arb_width() -> impl Strategy<Value = String> {
    (1u32..=99_999, prop::sample::select(vec!['m', 'h', 'd'])).prop_map(|(n, u)| format!("{n}{u}"))
}

fn group() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(Field::ALL.to_vec()).prop_map(|f| f.as_str().to_string()),
        text().prop_map(|k| format!("label:{k}")),
        text().prop_map(|k| format!("custom:{k}")),
    ]
}

fn range() -> impl Strategy<Value = Option<RangeSpec>> {
    // Years 0000 to 9999, the span RFC 3339 can write.
    let bounds = (-62_167_219_200_000i64..253_402_300_799_999, 1i64..10 * DAY)
        .prop_filter("to in range", |(f, len)| f + len <= 253_402_300_799_999);
    prop_oneof![
        Just(None),
        arb_width().prop_map(|w| RangeSpec::parse(&w)),
        bounds.prop_map(|(from, len)| Some(RangeSpec::Absolute {
            from,
            to: from + len
        })),
    ]
}

fn filters() -> impl Strategy<Value = Filters> {
    let values = || prop::collection::btree_set(text(), 0..3);
    let key = text().prop_map(|k| k.replace(':', "_"));
    (
        prop::collection::vec(values(), Field::COUNT),
        prop::collection::btree_set((key, prop_oneof![Just(String::new()), text()]), 0..3),
        prop::option::of(text()),
    )
        .prop_map(|(fields, labels, q)| {
            let mut f = Filters::default();
            for (field, values) in Field::ALL.into_iter().zip(fields) {
                *f.values_mut(field) = values;
            }
            f.labels = labels;
            f.text = q.unwrap_or_default();
            f
        })
}

fn view() -> impl Strategy<Value = View> {
    (
        prop::option::of(text()),
        range(),
        prop::option::of(arb_width()),
        any::<bool>(),
        group(),
        filters(),
        prop::option::of(prop::sample::select(Lang::ALL.to_vec())),
    )
        .prop_map(|(queue, range, bucket, utc, group, filters, lang)| View {
            queue,
            range,
            bucket: bucket.and_then(|b| Width::parse(&b)),
            tz: if utc { Tz::Utc } else { Tz::Local },
            group: GroupKey::parse(&group).unwrap_or_default(),
            filters,
            lang,
        })
}

proptest! {
    #[test]
    fn round_trip(v in view()) {
        let query = to_query(&v);
        let (back, notices) = parse_query(&query);
        prop_assert_eq!(notices, Vec::<String>::new());
        prop_assert_eq!(back, v);
        let (with_mark, _) = parse_query(&format!("?{query}"));
        prop_assert_eq!(with_mark, parse_query(&query).0);
    }

    #[test]
    fn any_input_parses_to_a_fixed_point(q in prop_oneof![
        any::<String>(),
        prop::collection::vec((prop::sample::select(vec![
            "queue", "range", "from", "to", "bucket", "tz", "group", "label", "q",
            "user", "state", "lang", "?queue", "", "=",
        ]), prop_oneof![text(), arb_width(), group()]), 0..8)
        .prop_map(|pairs| pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")),
    ]) {
        let (v, _) = parse_query(&q);
        let (again, notices) = parse_query(&to_query(&v));
        prop_assert_eq!(notices, Vec::<String>::new());
        prop_assert_eq!(again, v);
    }
}
