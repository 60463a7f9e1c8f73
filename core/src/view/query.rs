//! The query string of SPEC §5 to a [`View`] and back.

use super::notice::{Ignored, QueryNotice};
use super::{GroupKey, Lang, RangeSpec, Tz, View, Width};
use crate::field::Field;
use crate::model::Ms;
use crate::time::{format_rfc3339, parse_rfc3339};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The single-valued parameters besides the filters, in SPEC §5's order.
const SINGLE: [&str; 8] = ["queue", "range", "from", "to", "bucket", "tz", "group", "q"];

/// Shortens a user-typed value for a notice, so a pasted novel does not
/// flood the page.
pub(super) fn show(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// Stores the first occurrence of a single-valued parameter; later ones are
/// refused, since browsers' `URLSearchParams.get` also reads the first.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), Ignored> {
    if slot.is_some() {
        return Err(Ignored::Repeated);
    }
    *slot = Some(value);
    Ok(())
}

/// An absolute bound as read, kept raw for notices about the pair.
type Bound = Option<(Ms, String)>;

/// Everything parsing gathers before the cross-parameter checks.
#[derive(Default)]
struct Draft {
    view: View,
    range: Option<Width>,
    tz: Option<Tz>,
    group: Option<GroupKey>,
    q: Option<String>,
    lang: Option<Lang>,
    from: Bound,
    to: Bound,
}

/// Reads an absolute time. A hand-typed `+09:00` arrives as ` 09:00` (`+`
/// means space in a query), so a failed time gets a second try with that
/// space undone.
fn time(value: &str) -> Result<(Ms, String), Ignored> {
    parse_rfc3339(value)
        .or_else(|e| {
            value
                .rsplit_once(' ')
                .map_or(Err(e), |(t, off)| parse_rfc3339(&format!("{t}+{off}")))
        })
        .map(|ms| (ms, value.to_string()))
        .map_err(|_| Ignored::NotTime)
}

impl Draft {
    /// Takes one decoded pair, or says why it cannot.
    fn accept(&mut self, key: &str, value: &str) -> Result<(), Ignored> {
        let width = |why: Ignored| Width::parse(value).ok_or(why);
        match key {
            "queue" => set_once(&mut self.view.queue, value.to_string()),
            "range" => set_once(&mut self.range, width(Ignored::NotRange)?),
            "bucket" => set_once(&mut self.view.bucket, width(Ignored::NotWidth)?),
            "from" => set_once(&mut self.from, time(value)?),
            "to" => set_once(&mut self.to, time(value)?),
            "tz" => set_once(&mut self.tz, Tz::parse(value).ok_or(Ignored::NotTz)?),
            "group" => match GroupKey::parse(value) {
                Some(g) => set_once(&mut self.group, g),
                None => Err(Ignored::NotGroup),
            },
            "label" => match value.split_once(':') {
                Some((k, val)) if !k.is_empty() => {
                    self.view.filters.labels.insert((k.into(), val.into()));
                    Ok(())
                }
                _ => Err(Ignored::NotLabel),
            },
            "q" => set_once(&mut self.q, value.to_string()),
            "lang" => set_once(&mut self.lang, Lang::parse(value).ok_or(Ignored::NotLang)?),
            _ => match Field::parse(key) {
                Some(f) => {
                    self.view.filters.values_mut(f).insert(value.to_string());
                    Ok(())
                }
                None => Err(Ignored::Unknown),
            },
        }
    }

    /// Applies the rules that span parameters: `from` and `to` come together,
    /// in order, and then win over `range`.
    fn finish(self, notices: &mut Vec<QueryNotice>) -> View {
        let mut view = self.view;
        view.tz = self.tz.unwrap_or_default();
        view.group = self.group.unwrap_or_default();
        view.filters.text = self.q.unwrap_or_default();
        view.lang = self.lang;
        view.range = self.range.map(RangeSpec::Relative);
        match (self.from, self.to) {
            (Some((from, raw_from)), Some((to, raw_to))) if from >= to => {
                notices.push(QueryNotice::new(
                    format!("from={}&to={}", show(&raw_from), show(&raw_to)),
                    Ignored::FromAfterTo,
                ))
            }
            (Some((from, _)), Some((to, _))) => {
                if let Some(range) = self.range {
                    notices.push(QueryNotice::new(
                        format!("range={range}"),
                        Ignored::RangeWithBounds,
                    ));
                }
                view.range = Some(RangeSpec::Absolute { from, to });
            }
            (Some((_, raw)), None) => notices.push(QueryNotice::new(
                format!("from={}", show(&raw)),
                Ignored::ToMissing,
            )),
            (None, Some((_, raw))) => notices.push(QueryNotice::new(
                format!("to={}", show(&raw)),
                Ignored::FromMissing,
            )),
            (None, None) => {}
        }
        view
    }
}

/// Parse a query string (with or without the leading `?`; percent-decoding,
/// `+` as space). Unknown or invalid parameters are ignored and listed as
/// notices (`ignored bucket=7x: not a width like 5m, 1h or 1d`). An empty
/// value of a known parameter (`q=`, as a cleared form field leaves it) is
/// the same as its absence and raises no notice. Whether a `custom:NAME`
/// grouping exists is checked by [`View::check_custom`].
pub fn parse_query(query: &str) -> (View, Vec<QueryNotice>) {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut draft = Draft::default();
    let mut notices = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let known = SINGLE.contains(&key.as_ref())
            || matches!(key.as_ref(), "label" | "lang")
            || Field::parse(&key).is_some();
        if known && value.is_empty() {
            continue;
        }
        if let Err(why) = draft.accept(&key, &value) {
            notices.push(QueryNotice::new(
                format!("{}={}", show(&key), show(&value)),
                why,
            ));
        }
    }
    (draft.finish(&mut notices), notices)
}

/// Bytes written as they are in a query value: unreserved characters plus a
/// few that RFC 3986 allows in a query and that keep links readable
/// (`from=2026-11-21T08:00:00Z`, `label=team:vision`). A space is kept here
/// and then written as `+`; `+`, `&`, `=`, `#` and `%` are escaped.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'@')
    .remove(b',')
    .remove(b' ');

/// The `(key, value)` pairs of a view in SPEC §5's order, defaults omitted.
fn pairs(view: &View) -> Vec<(&'static str, String)> {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut opt = |key, value: Option<String>| pairs.extend(value.map(|v| (key, v)));
    opt("queue", view.queue.clone());
    match view.range {
        Some(RangeSpec::Relative(w)) => opt("range", Some(w.to_string())),
        Some(RangeSpec::Absolute { from, to }) => {
            opt("from", Some(format_rfc3339(from)));
            opt("to", Some(format_rfc3339(to)));
        }
        None => {}
    }
    opt("bucket", view.bucket.map(|w| w.to_string()));
    let tz = (view.tz != Tz::default()).then(|| view.tz.as_str().to_string());
    opt("tz", tz);
    let group = (view.group != GroupKey::default()).then(|| view.group.to_string());
    opt("group", group);
    for f in Field::ALL {
        pairs.extend(
            view.filters
                .values(f)
                .iter()
                .map(|v| (f.as_str(), v.clone())),
        );
    }
    let labels = view.filters.labels.iter();
    pairs.extend(labels.map(|(k, v)| ("label", format!("{k}:{v}"))));
    let q = &view.filters.text;
    pairs.extend((!q.is_empty()).then(|| ("q", q.clone())));
    pairs.extend(view.lang.map(|l| ("lang", l.as_str().to_string())));
    pairs
}

/// Serialise in a stable order (the order of SPEC §5's table), omitting
/// defaults; percent-encoded; repeated parameters for multi-values (in
/// sorted order). No leading `?`; an all-default view gives the empty string.
pub fn to_query(view: &View) -> String {
    pairs(view)
        .iter()
        .map(|(key, value)| {
            let value = utf8_percent_encode(value, QUERY_VALUE).to_string();
            format!("{key}={}", value.replace(' ', "+"))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests;
