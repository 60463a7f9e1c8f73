//! Link templates: a URL with `{name}` placeholders, filled with
//! percent-encoded values. The config's `run_url` (`{entity}`, `{project}`,
//! `{run_id}`) and the external links (`{queue}`, `{from}`, `{to}`,
//! `{from_ms}`, `{to_ms}`: the view on screen) are both filled here.

use crate::model::Ms;
use crate::time::format_rfc3339;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What stays as it is in a URL component: RFC 3986's unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a URL path or query component (RFC 3986 unreserved
/// characters stay).
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// `template` with each `(placeholder, value)` it holds replaced by the
/// value, percent-encoded; placeholders it does not hold are not needed.
/// `None` when it holds one whose value is `None` (a link that cannot be
/// made). Text that is no placeholder of the list stays as written.
pub fn fill(template: &str, values: &[(&str, Option<&str>)]) -> Option<String> {
    let mut out = template.to_string();
    for (key, value) in values {
        if out.contains(key) {
            out = out.replace(key, &encode_component((*value)?));
        }
    }
    Some(out)
}

/// The view an external link is opened from: its placeholders' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkView<'a> {
    /// The queue's id: `{queue}`.
    pub queue: &'a str,
    /// The range's start: `{from}` (RFC 3339 UTC) and `{from_ms}` (ms since
    /// the epoch, as Grafana's and Datadog's links take it).
    pub from: Ms,
    /// The range's end (exclusive): `{to}` and `{to_ms}`.
    pub to: Ms,
}

/// The placeholders an external link may hold, as its editor lists them.
pub const LINK_PLACEHOLDERS: [&str; 5] = ["{queue}", "{from}", "{to}", "{from_ms}", "{to_ms}"];

/// An external link's address for `view`: its placeholders filled in (a
/// link without any is its URL as saved). The filled values are
/// percent-encoded, so they cannot change the URL's scheme or host, which
/// [`crate::prefs::validate_link`] checked on the template itself (braces are
/// no host).
pub fn link_href(url: &str, view: &LinkView) -> String {
    if !url.contains('{') {
        return url.to_string();
    }
    let (from, to) = (format_rfc3339(view.from), format_rfc3339(view.to));
    let (from_ms, to_ms) = (view.from.to_string(), view.to.to_string());
    // In `LINK_PLACEHOLDERS`' order, so the editor's list and what is filled
    // are one list (no placeholder holds another's braces: order is free).
    let values = [view.queue, &from, &to, &from_ms, &to_ms];
    let pairs: Vec<(&str, Option<&str>)> = LINK_PLACEHOLDERS
        .into_iter()
        .zip(values.map(Some))
        .collect();
    fill(url, &pairs).unwrap_or_else(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("a/b c~é"), "a%2Fb%20c~%C3%A9");
    }

    #[test]
    fn a_missing_value_makes_no_link() {
        let t = "https://wandb.ai/{entity}/{project}/runs/{run_id}";
        let values = |e| {
            [
                ("{entity}", e),
                ("{project}", Some("vision")),
                ("{run_id}", Some("8f2k1x")),
            ]
        };
        assert_eq!(
            fill(t, &values(Some("ml team"))).as_deref(),
            Some("https://wandb.ai/ml%20team/vision/runs/8f2k1x")
        );
        assert_eq!(fill(t, &values(None)), None);
        // A value not asked for may be missing.
        assert_eq!(
            fill("https://x.example/{run_id}", &values(None)).as_deref(),
            Some("https://x.example/8f2k1x")
        );
    }

    #[test]
    fn an_external_link_takes_the_view() {
        // 2026-11-26T00:00:00Z to 2026-11-28T00:00:00.5Z.
        let view = LinkView {
            queue: "a100 pool/east",
            from: 1_795_651_200_000,
            to: 1_795_824_000_500,
        };
        assert_eq!(
            link_href(
                "https://grafana.example.com/d/gpu?var-queue={queue}&from={from_ms}&to={to_ms}",
                &view
            ),
            "https://grafana.example.com/d/gpu?var-queue=a100%20pool%2Feast&from=1795651200000&to=1795824000500"
        );
        assert_eq!(
            link_href("https://logs.example.com/q?start={from}&end={to}&x={unknown}", &view),
            "https://logs.example.com/q?start=2026-11-26T00%3A00%3A00Z&end=2026-11-28T00%3A00%3A00.500Z&x={unknown}"
        );
        assert_eq!(
            link_href("https://plain.example.com/", &view),
            "https://plain.example.com/"
        );
    }
}
