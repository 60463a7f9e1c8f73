use super::*;
use crate::field::Field;
use crate::view::{RangeSpec, Tz};
use LinkError::*;

fn store_with(queue: &str, labels: &[&str]) -> LinkStore {
    let mut s = LinkStore::default();
    for l in labels {
        s.add(queue, l, &format!("https://{l}.example.com/"))
            .unwrap();
    }
    s
}

fn labels(s: &LinkStore, queue: &str) -> Vec<String> {
    s.links(queue).iter().map(|l| l.label.clone()).collect()
}

fn rule(field: &str, values: &[&str], regex: Option<&str>, group: &str) -> RuleDef {
    RuleDef {
        field: field.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        regex: regex.map(String::from),
        group: group.into(),
    }
}

fn vision() -> CustomGroupingDef {
    CustomGroupingDef {
        name: "teams".into(),
        rules: vec![
            rule("user", &["alice", "bob"], None, "vision team"),
            rule("job", &[], Some("^sweep-"), "sweeps"),
        ],
    }
}

#[test]
fn keys_share_the_prefix() {
    for key in [LINKS_KEY, VIEWS_KEY, GROUPINGS_KEY] {
        assert!(key.starts_with(STORAGE_KEY_PREFIX), "{key}");
    }
}

#[test]
fn link_urls() {
    let cases: [(&str, Result<&str, LinkError>); 20] = [
        (
            "https://grafana.example.com/d/abc?var=1#p",
            Ok("https://grafana.example.com/d/abc?var=1#p"),
        ),
        (" https://ok ", Ok("https://ok")),
        ("HTTP://EXAMPLE.COM", Ok("HTTP://EXAMPLE.COM")),
        ("http://localhost:3000/x", Ok("http://localhost:3000/x")),
        ("http://[::1]:8080/", Ok("http://[::1]:8080/")),
        (
            "https://user:pw@host.example/p",
            Ok("https://user:pw@host.example/p"),
        ),
        ("https://bücher.example/", Ok("https://bücher.example/")),
        ("javascript:alert(1)", Err(BadScheme)),
        ("JavaScript:alert(1)", Err(BadScheme)),
        ("data:text/html,<script>alert(1)</script>", Err(BadScheme)),
        ("ftp://files.example.com", Err(BadScheme)),
        ("grafana.example.com", Err(BadUrl)),
        ("https://", Err(BadUrl)),
        ("https:///path", Err(BadUrl)),
        ("https:example.com", Err(BadUrl)),
        ("https://exa mple.com", Err(BadUrl)),
        ("https://host:99999/", Err(BadUrl)),
        ("https://[zz]/", Err(BadUrl)),
        ("https://a<b/", Err(BadUrl)),
        ("", Err(BadUrl)),
    ];
    for (url, want) in cases {
        let got = validate_link("x", url).map(|l| l.url);
        assert_eq!(got.as_deref(), want.as_deref(), "{url:?}");
    }
}

#[test]
fn link_labels() {
    let cases: [(String, Result<&str, LinkError>); 8] = [
        (String::new(), Err(LabelLength)),
        ("   ".into(), Err(LabelLength)),
        ("D".into(), Ok("D")),
        ("  Datadog  ".into(), Ok("Datadog")),
        ("a".repeat(60), Ok("")),
        ("a".repeat(61), Err(LabelLength)),
        ("日".repeat(60), Ok("")),
        ("📊".repeat(61), Err(LabelLength)),
    ];
    for (label, want) in cases {
        let got = validate_link(&label, "https://ok").map(|l| l.label);
        match want {
            Ok("") => assert_eq!(got, Ok(label.clone()), "{label:?}"),
            Ok(w) => assert_eq!(got.as_deref(), Ok(w), "{label:?}"),
            Err(e) => assert_eq!(got, Err(e), "{label:?}"),
        }
    }
    assert_eq!(
        BadScheme.to_string(),
        "only http:// and https:// links are allowed"
    );
}

#[test]
fn fifty_links_per_queue() {
    let mut s = LinkStore::default();
    for i in 0..MAX_LINKS_PER_QUEUE {
        s.add("a100", &format!("link {i}"), "https://ok").unwrap();
    }
    assert_eq!(s.add("a100", "one more", "https://ok"), Err(TooMany));
    assert_eq!(s.links("a100").len(), 50);
    assert_eq!(s.add("h100", "other queue", "https://ok"), Ok(()));
    assert_eq!(
        s.add("a100", "bad", "ftp://x"),
        Err(BadScheme),
        "validation first"
    );
}

#[test]
fn link_store_operations() {
    let mut s = store_with("q", &["a", "b", "c"]);
    s.move_up("q", 2).unwrap();
    assert_eq!(labels(&s, "q"), ["a", "c", "b"]);
    s.move_down("q", 0).unwrap();
    assert_eq!(labels(&s, "q"), ["c", "a", "b"]);
    s.move_up("q", 0).unwrap();
    s.move_down("q", 2).unwrap();
    assert_eq!(labels(&s, "q"), ["c", "a", "b"], "edges stay put");
    s.edit("q", 1, " A2 ", "https://a2.example.com").unwrap();
    assert_eq!(
        s.links("q")[1],
        Link {
            label: "A2".into(),
            url: "https://a2.example.com".into()
        }
    );
    assert_eq!(s.edit("q", 1, "A3", "javascript:x"), Err(BadScheme));
    assert_eq!(
        s.links("q")[1].label,
        "A2",
        "a refused edit changes nothing"
    );
    for bad in [3, usize::MAX] {
        assert_eq!(s.edit("q", bad, "x", "https://ok"), Err(NoSuchLink));
        assert_eq!(s.move_up("q", bad), Err(NoSuchLink));
        assert_eq!(s.move_down("q", bad), Err(NoSuchLink));
        assert_eq!(s.remove("q", bad), Err(NoSuchLink));
    }
    assert_eq!(s.move_up("nope", 0), Err(NoSuchLink));
    assert_eq!(s.remove("q", 0).map(|l| l.label), Ok("c".into()));
    assert_eq!(labels(&s, "q"), ["A2", "b"]);
    s.remove("q", 0).unwrap();
    s.remove("q", 0).unwrap();
    assert!(s.per_queue.is_empty(), "empty queues leave no entry");
    assert!(s.links("q").is_empty());
}

#[test]
fn stores_round_trip() {
    let mut l = store_with("a100", &["Datadog", "Grafana"]);
    l.add(
        "h100 pool",
        "Console ☁️",
        "https://console.example.com/?a=1&b=2",
    )
    .unwrap();
    assert_eq!(load_links(Some(&save_links(&l))), (l, None));

    let mut v = ViewStore::default();
    let mut view = View {
        range: RangeSpec::parse("24h"),
        tz: Tz::Utc,
        ..View::default()
    };
    view.filters.values_mut(Field::User).insert("alice".into());
    v.save("mine", &view, 42).unwrap();
    assert_eq!(load_views(Some(&save_views(&v))), (v.clone(), None));
    assert_eq!(v.get("mine").map(SavedView::view), Some((view, vec![])));

    let mut g = GroupingStore::default();
    g.save(vision()).unwrap();
    assert_eq!(load_groupings(Some(&save_groupings(&g))), (g, None));
}

#[test]
fn missing_corrupt_and_future_data() {
    assert_eq!(load_links(None), (LinkStore::default(), None));
    let unreadable = Some("saved links were unreadable and have been reset".to_string());
    for raw in [
        "",
        "{",
        "null",
        "42",
        "[1, 2]",
        r#"{"version": 1, "per_queue": 5}"#,
        r#"{"per_queue": {}}"#,
        r#"{"version": "1", "per_queue": {}}"#,
    ] {
        let (store, notice) = load_links(Some(raw));
        assert_eq!(
            (store, notice.map(|n| n.to_string())),
            (LinkStore::default(), unreadable.clone()),
            "{raw}"
        );
    }
    let (store, notice) = load_links(Some(r#"{"version": 2, "per_queue": {}, "colours": {}}"#));
    assert_eq!(
        (store, notice.map(|n| n.to_string())),
        (
            LinkStore::default(),
            Some("saved links were saved by a newer version of Queuescope (format 2): this version cannot show them and leaves them untouched; changes to them here are not saved".into())
        )
    );
    assert_eq!(
        load_views(Some("[]")).1.unwrap().to_string(),
        "saved views were unreadable and have been reset"
    );
    assert_eq!(
        load_groupings(Some(r#"{"version": 9}"#)).1.unwrap().to_string(),
        "custom groupings were saved by a newer version of Queuescope (format 9): this version cannot show them and leaves them untouched; changes to them here are not saved"
    );
}

/// Issue #10 row 9: data of a newer app is recognised, so this one can
/// leave the key alone instead of overwriting it on the first edit.
#[test]
fn newer_formats_are_recognised() {
    let cases: [(Option<&str>, Option<u64>); 7] = [
        (None, None),
        (Some(r#"{"version": 1, "per_queue": {}}"#), None),
        (Some(r#"{"version": 2, "per_queue": {}}"#), Some(2)),
        (Some(r#"{"version": 9}"#), Some(9)),
        (Some("[1, 2]"), None),
        (Some("{"), None),
        (Some(r#"{"version": "2"}"#), None),
    ];
    for (raw, want) in cases {
        assert_eq!(newer_format(raw, LinkStore::VERSION), want, "{raw:?}");
    }
}

/// Issue #10 row 9: an import has a size limit, refused with a message
/// before the JSON is read.
#[test]
fn imports_have_a_size_limit() {
    let (l, v, g) = (
        LinkStore::default(),
        ViewStore::default(),
        GroupingStore::default(),
    );
    let big = format!(
        r#"{{"queuescope_export": 1, "pad": "{}"}}"#,
        "x".repeat(MAX_IMPORT_BYTES)
    );
    assert_eq!(
        import_all(&big, ImportMode::Merge, &l, &v, &g).map_err(|e| e.to_string()),
        Err("nothing was imported: the file is 1,001 KB, more than the 1,000 KB a Queuescope export can be".into())
    );
    let fits = format!(
        r#"{{"queuescope_export": 1, "pad": "{}"}}"#,
        "x".repeat(MAX_IMPORT_BYTES - 100)
    );
    assert!(import_all(&fits, ImportMode::Merge, &l, &v, &g).is_ok());
}

#[test]
fn version_0_links_migrate() {
    let v0 = r#"[
        {"queue": "a100", "label": "Datadog", "url": "https://dd.example.com"},
        {"queue": "h100", "label": "Grafana", "url": " https://g.example.com "},
        {"queue": "a100", "label": "Console", "url": "https://c.example.com"}
    ]"#;
    let (s, notice) = load_links(Some(v0));
    assert_eq!(notice, None);
    assert_eq!(s.version, LinkStore::VERSION);
    assert_eq!(labels(&s, "a100"), ["Datadog", "Console"]);
    assert_eq!(s.links("h100")[0].url, "https://g.example.com");

    let (s, notice) = load_links(Some(
        r#"[{"queue": "a100", "label": "x", "url": "javascript:alert(1)"},
            {"queue": "a100", "label": "ok", "url": "https://ok"}]"#,
    ));
    assert_eq!(labels(&s, "a100"), ["ok"]);
    assert_eq!(
        notice.map(|n| n.to_string()).as_deref(),
        Some("some saved links broke the rules and were dropped or repaired: link 1 of queue \"a100\" (\"x\"): only http:// and https:// links are allowed")
    );
}

#[test]
fn hand_edited_storage_is_cleaned() {
    let many: Vec<Link> = (0..55)
        .map(|i| Link {
            label: format!("l{i}"),
            url: "https://ok".into(),
        })
        .collect();
    let mut raw = LinkStore::default();
    raw.per_queue.insert("q".into(), many);
    raw.per_queue.insert(
        "p".into(),
        vec![Link {
            label: "evil".into(),
            url: "data:text/html,x".into(),
        }],
    );
    let (s, notice) = load_links(Some(&save_links(&raw)));
    assert_eq!(s.links("q").len(), 50);
    assert!(!s.per_queue.contains_key("p"));
    assert_eq!(
        notice.map(|n| n.to_string()).as_deref(),
        Some("some saved links broke the rules and were dropped or repaired: link 1 of queue \"p\" (\"evil\"): only http:// and https:// links are allowed (and 1 more)")
    );

    let views = r#"{"version": 1, "views": [
        {"name": " a ", "query": "range=24h&bucket=7x", "saved_at": 1},
        {"name": "", "query": "", "saved_at": 2},
        {"name": "a", "query": "", "saved_at": 3}]}"#;
    let (v, notice) = load_views(Some(views));
    assert_eq!(
        v.views,
        [SavedView {
            name: "a".into(),
            query: "range=24h".into(),
            saved_at: 1
        }]
    );
    assert_eq!(
        notice.map(|n| n.to_string()).as_deref(),
        Some("some saved views broke the rules and were dropped or repaired: saved view \"a\": ignored bucket=7x: not a width like 5m, 1h or 1d (and 2 more)")
    );
}

#[test]
fn view_store_operations() {
    let mut s = ViewStore::default();
    let day = parse_query("range=24h").0;
    let week = parse_query("range=7d&group=job").0;
    s.save("first", &day, 1).unwrap();
    s.save("second", &day, 2).unwrap();
    s.save(" first ", &week, 3).unwrap();
    assert_eq!(s.views.len(), 2, "same name replaces");
    assert_eq!(
        s.views[0],
        SavedView {
            name: "first".into(),
            query: "range=7d&group=job".into(),
            saved_at: 3
        },
        "in place"
    );
    assert_eq!(s.save("  ", &day, 4), Err(NameError::Length));
    assert_eq!(s.save(&"n".repeat(81), &day, 4), Err(NameError::Length));
    assert_eq!(
        s.rename("first", "second"),
        Err(NameError::Taken("second".into()))
    );
    assert_eq!(
        s.rename("gone", "x"),
        Err(NameError::NotFound("gone".into()))
    );
    assert_eq!(s.rename("first", "first"), Ok(()));
    assert_eq!(s.rename("first", " weekly "), Ok(()));
    assert_eq!(s.views[0].name, "weekly");
    assert_eq!(s.delete("second").map(|v| v.saved_at), Ok(2));
    assert_eq!(
        s.delete("second"),
        Err(NameError::NotFound("second".into()))
    );
    assert_eq!(s.views.len(), 1);
    assert_eq!(
        NameError::Taken("x".into()).to_string(),
        "the name \"x\" is already used; choose another or delete that one first"
    );
}

#[test]
fn grouping_validation() {
    assert_eq!(vision().validate(), Ok(()));
    let with = |f: &dyn Fn(&mut CustomGroupingDef)| {
        let mut d = vision();
        f(&mut d);
        d.validate()
    };
    type Change<'a> = &'a dyn Fn(&mut CustomGroupingDef);
    let cases: [(Change, Result<(), &str>); 8] = [
        (&|d| d.rules[1].field = "label:team".into(), Ok(())),
        (&|d| d.rules[1].field = "run_name".into(), Ok(())),
        (
            &|d| d.name = " ".into(),
            Err("grouping \" \": a name must be 1 to 80 characters long"),
        ),
        (&|d| d.rules.clear(), Err("grouping \"teams\": add at least one rule")),
        (
            &|d| d.rules[1].field = "colour".into(),
            Err("grouping \"teams\": rule 2: unknown field \"colour\"; use user, job, project, entity, state, run_name, run_id, job_id or label:KEY"),
        ),
        (
            &|d| d.rules[0].field = "label:".into(),
            Err("grouping \"teams\": rule 1: unknown field \"label:\"; use user, job, project, entity, state, run_name, run_id, job_id or label:KEY"),
        ),
        (&|d| d.rules[0].group = " ".into(), Err("grouping \"teams\": rule 1: give the group a name")),
        (
            &|d| d.rules[0].values.clear(),
            Err("grouping \"teams\": rule 1: give values or a pattern to match"),
        ),
    ];
    for (i, (change, want)) in cases.into_iter().enumerate() {
        assert_eq!(
            with(change).map_err(|e| e.to_string()),
            want.map_err(String::from),
            "case {i}"
        );
    }
    let bad = with(&|d| d.rules[1].regex = Some("^sweep-(".into()))
        .unwrap_err()
        .to_string();
    assert!(
        bad.starts_with("grouping \"teams\": rule 2: the pattern \"^sweep-(\" is not a valid regular expression ("),
        "{bad}"
    );
}

#[test]
fn grouping_converts_for_the_evaluator() {
    let mut def = vision();
    def.rules[0].regex = Some("^a".into());
    let got = def.to_grouping().unwrap();
    let fields: Vec<(String, &Matcher, &str)> = got
        .rules
        .iter()
        .map(|r| (r.field.as_string(), &r.matcher, r.group.as_str()))
        .collect();
    let values = Matcher::Values(vec!["alice".into(), "bob".into()]);
    let a = Matcher::Regex("^a".into());
    let sweep = Matcher::Regex("^sweep-".into());
    assert_eq!(
        fields,
        [
            ("user".to_string(), &values, "vision team"),
            ("user".to_string(), &a, "vision team"),
            ("job".to_string(), &sweep, "sweeps"),
        ]
    );
    def.rules[1].field = "nope".into();
    assert!(def.to_grouping().is_err());
}

#[test]
fn grouping_store_operations() {
    let mut g = GroupingStore::default();
    g.save(vision()).unwrap();
    let mut other = vision();
    other.name = " other ".into();
    g.save(other).unwrap();
    assert_eq!(g.get("other").map(|d| d.rules.len()), Some(2));
    let mut changed = vision();
    changed.rules.truncate(1);
    g.save(changed).unwrap();
    assert_eq!(g.groupings[0].rules.len(), 1, "replaced in place");
    let mut broken = vision();
    broken.rules[0].field = "colour".into();
    assert!(g.save(broken).is_err());
    assert_eq!(
        g.groupings[0].rules.len(),
        1,
        "a refused save changes nothing"
    );
    assert_eq!(
        g.rename("other", "teams"),
        Err(NameError::Taken("teams".into()))
    );
    g.rename("other", "squads").unwrap();
    assert_eq!(g.delete("teams").map(|d| d.name), Ok("teams".into()));
    assert_eq!(g.groupings.len(), 1);
}

fn sample() -> (LinkStore, ViewStore, GroupingStore) {
    let l = store_with("a100", &["Datadog", "Grafana"]);
    let mut v = ViewStore::default();
    v.save("day", &parse_query("range=24h").0, 1).unwrap();
    v.save("failures", &parse_query("state=failed").0, 2)
        .unwrap();
    let mut g = GroupingStore::default();
    g.save(vision()).unwrap();
    (l, v, g)
}

#[test]
fn export_import_round_trip() {
    let (l, v, g) = sample();
    let json = export_all(&l, &v, &g);
    assert!(json.starts_with("{\n  \"queuescope_export\": 1,"), "{json}");
    let empty = (
        LinkStore::default(),
        ViewStore::default(),
        GroupingStore::default(),
    );
    for mode in [ImportMode::Replace, ImportMode::Merge] {
        let got = import_all(&json, mode, &empty.0, &empty.1, &empty.2);
        assert_eq!(got, Ok((l.clone(), v.clone(), g.clone())), "{mode:?}");
    }
    assert_eq!(
        import_all(&json, ImportMode::Merge, &l, &v, &g),
        Ok((l.clone(), v.clone(), g.clone())),
        "merging a store into itself changes nothing"
    );
}

#[test]
fn merge_versus_replace() {
    let (l, v, g) = sample();
    let mut l2 = store_with("a100", &["Grafana", "Console"]);
    l2.add("h100", "Other", "https://other.example.com")
        .unwrap();
    let mut v2 = ViewStore::default();
    v2.save("day", &parse_query("range=24h&tz=utc").0, 9)
        .unwrap();
    v2.save("week", &parse_query("range=7d").0, 10).unwrap();
    let mut g2 = GroupingStore::default();
    let mut sweeps = vision();
    sweeps.name = "sweeps".into();
    g2.save(sweeps).unwrap();
    let json = export_all(&l2, &v2, &g2);

    let (ml, mv, mg) = import_all(&json, ImportMode::Merge, &l, &v, &g).unwrap();
    assert_eq!(labels(&ml, "a100"), ["Datadog", "Grafana", "Console"]);
    assert_eq!(labels(&ml, "h100"), ["Other"]);
    let names: Vec<(&str, Ms)> = mv
        .views
        .iter()
        .map(|v| (v.name.as_str(), v.saved_at))
        .collect();
    assert_eq!(names, [("day", 9), ("failures", 2), ("week", 10)]);
    let names: Vec<&str> = mg.groupings.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["teams", "sweeps"]);

    assert_eq!(
        import_all(&json, ImportMode::Replace, &l, &v, &g),
        Ok((l2.clone(), v2.clone(), g2.clone()))
    );

    let links_only = r#"{"queuescope_export": 1, "links": {"version": 1, "per_queue": {}}}"#;
    let (rl, rv, rg) = import_all(links_only, ImportMode::Replace, &l, &v, &g).unwrap();
    assert!(rl.per_queue.is_empty());
    assert_eq!((rv, rg), (v.clone(), g.clone()), "absent sections are kept");

    let old_links = r#"{"queuescope_export": 1,
        "links": [{"queue": "a100", "label": "Old", "url": "https://old.example.com"}]}"#;
    let (ml, _, _) = import_all(old_links, ImportMode::Merge, &l, &v, &g).unwrap();
    assert_eq!(
        labels(&ml, "a100"),
        ["Datadog", "Grafana", "Old"],
        "v0 sections migrate"
    );
}

#[test]
fn bad_imports_are_refused() {
    let (l, v, g) = sample();
    let mut many = LinkStore::default();
    for i in 0..49 {
        many.add("a100", &format!("l{i}"), "https://ok").unwrap();
    }
    let overflow = export_all(&many, &ViewStore::default(), &GroupingStore::default());
    let cases: [(&str, &str); 9] = [
        ("not json", "nothing was imported: the file is not valid JSON (expected ident at line 1 column 2)"),
        ("{}", "nothing was imported: this is not a Queuescope export (the \"queuescope_export\" marker is missing)"),
        (r#"{"queuescope_export": 2}"#, "nothing was imported: the file is export format 2, from a newer version of Queuescope"),
        (
            r#"{"queuescope_export": 1, "links": {"version": 1, "per_queue": {"a100": [{"label": "x", "url": "javascript:alert(1)"}]}}}"#,
            "nothing was imported: link 1 of queue \"a100\" (\"x\"): only http:// and https:// links are allowed",
        ),
        (
            r#"{"queuescope_export": 1, "links": {"version": 3, "per_queue": {}}}"#,
            "nothing was imported: the links section is format 3, from a newer version of Queuescope",
        ),
        (
            r#"{"queuescope_export": 1, "views": {"version": 1, "views": [{"name": "", "query": "", "saved_at": 0}]}}"#,
            "nothing was imported: saved view 1: a name must be 1 to 80 characters long",
        ),
        (
            r#"{"queuescope_export": 1, "views": {"version": 1, "views": "none"}}"#,
            "nothing was imported: the views section is not in a shape Queuescope knows",
        ),
        (
            r#"{"queuescope_export": 1, "groupings": {"version": 1, "groupings": [
                {"name": "g", "rules": [{"field": "user", "values": ["a"], "group": "A"}]},
                {"name": "g", "rules": [{"field": "user", "values": ["b"], "group": "B"}]}]}}"#,
            "nothing was imported: two custom groupings are named \"g\"",
        ),
        (
            overflow.as_str(),
            "nothing was imported: queue \"a100\" would have 51 links, more than 50; remove some or import with Replace",
        ),
    ];
    for (json, want) in cases {
        assert_eq!(
            import_all(json, ImportMode::Merge, &l, &v, &g).map_err(|e| e.to_string()),
            Err(want.to_string()),
            "{json}"
        );
    }
    let bad_regex = r#"{"queuescope_export": 1, "groupings": {"version": 1, "groupings": [
        {"name": "g", "rules": [{"field": "job", "regex": "(", "group": "A"}]}]}}"#;
    let err = import_all(bad_regex, ImportMode::Replace, &l, &v, &g)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "nothing was imported: grouping \"g\": rule 1: the pattern \"(\" is not a valid"
        ),
        "{err}"
    );
}
