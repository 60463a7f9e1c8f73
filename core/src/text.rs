//! Text for people: counts with thousands separators, and long strings
//! from the backend clipped for labels (the full text goes in a tooltip).

use std::borrow::Cow;

/// A count with thousands separators: `12,345`.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A finite number written as JSON writes one (`12`, `-0.5`, `1e3`) or, as
/// HTML's number inputs and CSS also allow, with no digit before its point
/// (`.5`, `-.5e1`); surrounding whitespace allowed; else `None` (`+1`, `1.`,
/// `1e999`, `NaN`: a number input turns `+1` and `1.` into ""). Read by
/// serde_json's number reader, which the app has anyway: `str::parse::<f64>`
/// brought core's float parser and its 10 kB table of powers of five into
/// the wasm (docs/design.md, "Wasm size, third round").
pub fn number(s: &str) -> Option<f64> {
    let body = s.trim_start_matches([' ', '\t', '\n', '\r']);
    let (sign, rest) = match body.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", body),
    };
    let value = if rest.starts_with('.') {
        // `.5` read as `0.5`: the same reader, one digit added.
        serde_json::from_str::<f64>(&format!("{sign}0{rest}"))
    } else {
        serde_json::from_str::<f64>(s)
    };
    value.ok().filter(|v| v.is_finite())
}

/// `s` cut to at most `max` (≥ 1) characters, the last of them `…` when cut. A
/// backend may name a group with 4 KB of text: shown whole it squeezes a
/// chart's legend or a table column to nothing. Counts `char`s, so a cut
/// never splits one.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_json_writes_them() {
        for (s, want) in [
            ("12", Some(12.0)),
            (" -0.5 ", Some(-0.5)),
            ("1e3", Some(1000.0)),
            ("2.345", Some(2.345)),
            ("255", Some(255.0)),
            ("1e-7", Some(1e-7)),
            (".5", Some(0.5)),
            ("-.5", Some(-0.5)),
            ("-.5e1", Some(-5.0)),
            (" .25 ", Some(0.25)),
        ] {
            assert_eq!(number(s), want, "{s}");
        }
        for s in [
            "", " ", "+1", "1.", "1e999", "NaN", "Infinity", "1,5", "0x10", "3 4", ".", "-.",
            "..5", "+.5", "- .5", ".e1",
        ] {
            assert_eq!(number(s), None, "{s}");
        }
    }

    #[test]
    fn counts() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (2000, "2,000"),
            (1_000_000, "1,000,000"),
        ];
        for (n, s) in cases {
            assert_eq!(count(n), s);
        }
    }

    #[test]
    fn clips_by_characters() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("exactly10!", 10), "exactly10!");
        assert_eq!(clip("eleven char", 10), "eleven ch…");
        assert_eq!(clip("ääääää", 4), "äää…");
        assert!(matches!(clip("short", 10), Cow::Borrowed(_)));
        let long = "x".repeat(4096);
        assert_eq!(clip(&long, 60).chars().count(), 60);
    }
}
