//! The themes' colours, as `style/main.css` defines them, checked with
//! WCAG 2 contrast ratios: every state and group colour against the chart
//! background (`--qs-surface`) of both schemes at least 3:1 (WCAG 1.4.11,
//! the parts of a chart a user must tell apart), text at least 4.5:1
//! (1.4.3). `cargo test -p queuescope-core --test contrast -- --nocapture`
//! prints the table that docs/design.md quotes.

use queuescope_core::theme::Rgb;
use std::collections::BTreeMap;

const CSS: &str = include_str!("../../style/main.css");

/// The custom properties declared in the first rule whose selector list
/// starts with `selector`.
fn tokens(selector: &str) -> BTreeMap<String, String> {
    let start = CSS
        .find(&format!("\n{selector}"))
        .unwrap_or_else(|| panic!("no rule {selector}"));
    let open = start + CSS[start..].find('{').unwrap();
    let close = open + CSS[open..].find('}').unwrap();
    CSS[open + 1..close]
        .lines()
        .filter_map(|l| {
            let (k, v) = l.trim().split_once(':')?;
            let k = k.trim().strip_prefix("--")?;
            Some((k.to_string(), v.trim().trim_end_matches(';').to_string()))
        })
        .collect()
}

/// The light tokens, then the dark ones laid over them (the dark rule
/// overrides only what differs).
fn schemes() -> [(&'static str, BTreeMap<String, String>); 2] {
    let light = tokens(".qs-app,");
    let mut dark = light.clone();
    dark.extend(tokens(".qs-app[data-theme=\"dark\"]"));
    [("light", light), ("dark", dark)]
}

fn colour(t: &BTreeMap<String, String>, name: &str) -> Rgb {
    let v = t.get(name).unwrap_or_else(|| panic!("no --{name}"));
    Rgb::parse_css(v).unwrap_or_else(|| panic!("--{name}: {v} is no colour"))
}

#[test]
fn marks_and_text_stand_out_on_both_backgrounds() {
    let mut failures = Vec::new();
    for (scheme, t) in schemes() {
        let surface = colour(&t, "qs-surface");
        let marks: Vec<&String> = t
            .keys()
            .filter(|k| k.starts_with("qs-group-") || k.starts_with("qs-state-"))
            .collect();
        assert_eq!(
            marks.len(),
            12 + 10,
            "{scheme}: 12 group and 10 state colours"
        );
        let mut worst = f64::MAX;
        for name in marks {
            let c = colour(&t, name).contrast(surface);
            worst = worst.min(c);
            println!("{scheme:5} --{name:18} {:>8} {c:5.2}:1", t[name.as_str()]);
            if c < 3.0 {
                failures.push(format!("{scheme} --{name}: {c:.2}:1 on the surface"));
            }
        }
        println!("{scheme:5} lowest mark contrast {worst:.2}:1");
        for text in ["qs-text", "qs-chart-text", "qs-muted"] {
            let c = colour(&t, text).contrast(surface);
            println!("{scheme:5} --{text:18} {:>8} {c:5.2}:1 (text)", t[text]);
            if c < 4.5 {
                failures.push(format!("{scheme} --{text}: {c:.2}:1 (text needs 4.5)"));
            }
        }
        let tip = colour(&t, "qs-tip-text").contrast(colour(&t, "qs-tip-bg"));
        println!("{scheme:5} hover card text {tip:.2}:1");
        if tip < 4.5 {
            failures.push(format!("{scheme} hover card: {tip:.2}:1"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_schemes_differ_where_it_matters() {
    let [(_, light), (_, dark)] = schemes();
    for name in ["qs-surface", "qs-bg", "qs-text", "qs-chart-text", "qs-grid"] {
        assert_ne!(light[name], dark[name], "--{name} is the same in both");
    }
    // Dark means dark: the surfaces are darker than the text on them.
    assert!(colour(&dark, "qs-surface").luminance() < 0.05);
    assert!(colour(&light, "qs-surface").luminance() > 0.9);
}
