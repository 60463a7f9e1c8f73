//! The view in the URL (SPEC §5): a query string to a [`UrlView`] and back.
//!
//! Pure string work, so the app's history glue only has to read
//! `location.search`, call [`parse_query`], and write [`to_query`] back with
//! `pushState` or `replaceState` as [`is_navigation`] says. A link is typed,
//! pasted and edited by people, so parsing never fails: what cannot be used is
//! dropped and explained in a notice the app can show.

use crate::model::{Ms, DAY, HOUR, MINUTE};
use crate::time::{format_rfc3339, parse_rfc3339};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The relative range a view has when the URL names none (SPEC §5).
pub const DEFAULT_RANGE: &str = "7d";

/// Time zone of bucket boundaries and axis labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tz {
    /// Boundaries are multiples of the width since the epoch, in UTC.
    Utc,
    /// The browser's zone; the default, since people read their own clock.
    #[default]
    Local,
}

impl Tz {
    /// The wire spelling (`utc`, `local`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tz::Utc => "utc",
            Tz::Local => "local",
        }
    }

    /// Reads the wire spelling; case-insensitive because people type `UTC`.
    pub fn parse(s: &str) -> Option<Tz> {
        if s.eq_ignore_ascii_case("utc") {
            Some(Tz::Utc)
        } else if s.eq_ignore_ascii_case("local") {
            Some(Tz::Local)
        } else {
            None
        }
    }
}

/// The view as the query string carries it. Values are validated but kept
/// close to the wire; the app maps them to analysis types. `Default` = every
/// parameter absent, which means the SPEC §5 defaults (first queue, `7d`,
/// auto bucket, local time, grouping by user, no filters).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlView {
    /// Queue id; `None` = the first queue.
    pub queue: Option<String>,
    /// Relative range ending now, canonical `N(m|h|d)` (see [`width_ms`]).
    /// Always `None` when `from`/`to` are set, since those win.
    pub range: Option<String>,
    /// Absolute range start; set together with `to`, and `from < to`.
    pub from: Option<Ms>,
    /// Absolute range end (exclusive); set together with `from`.
    pub to: Option<Ms>,
    /// Bucket width `N(m|h|d)`; `None` = auto.
    pub bucket: Option<String>,
    /// Time zone of buckets and axes.
    pub tz: Tz,
    /// `user|job|project|entity|state|label:KEY|custom:NAME`; `None` = `user`.
    pub group: Option<String>,
    /// User filter values (OR-ed).
    pub user: Vec<String>,
    /// Launch job filter values (OR-ed).
    pub job: Vec<String>,
    /// Project filter values (OR-ed).
    pub project: Vec<String>,
    /// Entity filter values (OR-ed).
    pub entity: Vec<String>,
    /// State filter values (OR-ed); unknown states are legal (SPEC §2).
    pub state: Vec<String>,
    /// Label filters `(KEY, VALUE)`; on the wire `KEY:VALUE`, split at the
    /// first `:`, so a key cannot hold a `:` (values can).
    pub label: Vec<(String, String)>,
    /// Free-text search.
    pub q: Option<String>,
}

/// The multi-valued filter parameters, in the order [`to_query`] writes them.
const FILTERS: [&str; 5] = ["user", "job", "project", "entity", "state"];

impl UrlView {
    /// The values of one filter parameter by its wire name; lets parsing and
    /// serialising walk [`FILTERS`] instead of repeating five fields.
    pub fn filter_mut(&mut self, key: &str) -> Option<&mut Vec<String>> {
        match key {
            "user" => Some(&mut self.user),
            "job" => Some(&mut self.job),
            "project" => Some(&mut self.project),
            "entity" => Some(&mut self.entity),
            "state" => Some(&mut self.state),
            _ => None,
        }
    }

    /// Read-only twin of `filter_mut`, for serialising and for controls.
    pub fn filter(&self, key: &str) -> &[String] {
        match key {
            "user" => &self.user,
            "job" => &self.job,
            "project" => &self.project,
            "entity" => &self.entity,
            "state" => &self.state,
            _ => &[],
        }
    }

    /// The half-open range `[from, to)` this view shows at instant `now`:
    /// the absolute range if set, else the relative one (default `7d`)
    /// ending at `now`. The app passes its clock in, keeping `core` pure.
    pub fn time_range(&self, now: Ms) -> (Ms, Ms) {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            return (from, to);
        }
        let width = self.range.as_deref().and_then(width_ms).unwrap_or(7 * DAY);
        (now.saturating_sub(width), now)
    }

    /// The fixed bucket width, or `None` for auto.
    pub fn bucket_ms(&self) -> Option<Ms> {
        self.bucket.as_deref().and_then(width_ms)
    }
}

/// Reads a width `N(m|h|d)` (`30m`, `24h`, `7d`) as milliseconds. Canonical
/// spelling only (no sign, no leading zero, at most 5 digits), so that the
/// string in the URL and the string in [`UrlView`] are always the same.
pub fn width_ms(s: &str) -> Option<Ms> {
    let (digits, unit) = s.split_at_checked(s.len().checked_sub(1)?)?;
    let unit = match unit {
        "m" => MINUTE,
        "h" => HOUR,
        "d" => DAY,
        _ => return None,
    };
    let canonical = !digits.is_empty()
        && digits.len() <= 5
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if !canonical {
        return None;
    }
    digits.parse::<Ms>().ok()?.checked_mul(unit)
}

/// Plain grouping keys of SPEC §3 (besides `label:KEY` and `custom:NAME`).
const GROUP_FIELDS: [&str; 5] = ["user", "job", "project", "entity", "state"];

/// True for a grouping key SPEC §5 allows in `group=`. Only the form is
/// checked: whether `custom:NAME` exists is the app's business, since the
/// groupings live in local storage, not in the link.
pub fn is_group_key(key: &str) -> bool {
    GROUP_FIELDS.contains(&key)
        || ["label:", "custom:"]
            .iter()
            .any(|p| key.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
}

/// Shortens a user-typed value for a notice, so a pasted novel does not
/// flood the page.
fn show(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// Stores the first occurrence of a single-valued parameter; later ones are
/// refused, since browsers' `URLSearchParams.get` also reads the first.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), String> {
    if slot.is_some() {
        return Err("given more than once, the first one counts".into());
    }
    *slot = Some(value);
    Ok(())
}

/// An absolute bound as read, kept raw for notices about the pair.
type Bound = Option<(Ms, String)>;

/// Everything parsing gathers before the cross-parameter checks.
#[derive(Default)]
struct Draft {
    view: UrlView,
    tz: Option<Tz>,
    from: Bound,
    to: Bound,
}

impl Draft {
    /// Takes one decoded pair, or says why it cannot.
    fn accept(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = &mut self.view;
        let width = |what: &str| {
            width_ms(value)
                .map(|_| value.to_string())
                .ok_or_else(|| format!("not a {what}"))
        };
        // A hand-typed `+09:00` arrives as ` 09:00` (`+` means space in a
        // query), so a failed time gets a second try with that space undone.
        let time = || {
            parse_rfc3339(value)
                .or_else(|e| {
                    value
                        .rsplit_once(' ')
                        .map_or(Err(e), |(t, off)| parse_rfc3339(&format!("{t}+{off}")))
                })
                .map(|ms| (ms, value.to_string()))
                .map_err(|_| String::from("not a time like 2026-11-21T08:00:00Z"))
        };
        match key {
            "queue" => set_once(&mut v.queue, value.to_string()),
            "range" => set_once(&mut v.range, width("range like 30m, 24h or 7d")?),
            "bucket" => set_once(&mut v.bucket, width("width like 5m, 1h or 1d")?),
            "from" => set_once(&mut self.from, time()?),
            "to" => set_once(&mut self.to, time()?),
            "tz" => set_once(&mut self.tz, Tz::parse(value).ok_or("use utc or local")?),
            "group" if is_group_key(value) => set_once(&mut v.group, value.to_string()),
            "group" => {
                Err("use user, job, project, entity, state, label:KEY or custom:NAME".into())
            }
            "label" => match value.split_once(':') {
                Some((k, val)) if !k.is_empty() => {
                    v.label.push((k.to_string(), val.to_string()));
                    Ok(())
                }
                _ => Err("not KEY:VALUE".into()),
            },
            "q" => set_once(&mut v.q, value.to_string()),
            _ => match v.filter_mut(key) {
                Some(values) => {
                    values.push(value.to_string());
                    Ok(())
                }
                None => Err("unknown parameter".into()),
            },
        }
    }

    /// Applies the rules that span parameters: `from` and `to` come together,
    /// in order, and then win over `range`.
    fn finish(mut self, notices: &mut Vec<String>) -> UrlView {
        self.view.tz = self.tz.unwrap_or_default();
        match (self.from, self.to) {
            (Some((from, raw_from)), Some((to, raw_to))) if from >= to => notices.push(format!(
                "ignored from={}&to={}: from must be before to",
                show(&raw_from),
                show(&raw_to)
            )),
            (Some((from, _)), Some((to, _))) => {
                self.view.from = Some(from);
                self.view.to = Some(to);
                if let Some(range) = self.view.range.take() {
                    notices.push(format!("ignored range={range}: from and to are given"));
                }
            }
            (Some((_, raw)), None) => {
                notices.push(format!("ignored from={}: to is missing", show(&raw)))
            }
            (None, Some((_, raw))) => {
                notices.push(format!("ignored to={}: from is missing", show(&raw)))
            }
            (None, None) => {}
        }
        self.view
    }
}

/// Parse a query string (with or without the leading `?`; percent-decoding,
/// `+` as space). Unknown or invalid parameters are ignored and listed as
/// notices (`ignored bucket=7x: not a width like 5m, 1h or 1d`). An empty
/// value of a known parameter (`q=`, as a cleared form field leaves it) is
/// the same as its absence and raises no notice.
pub fn parse_query(query: &str) -> (UrlView, Vec<String>) {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut draft = Draft::default();
    let mut notices = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let known = matches!(
            key.as_ref(),
            "queue" | "range" | "from" | "to" | "bucket" | "tz" | "group" | "label" | "q"
        ) || FILTERS.contains(&key.as_ref());
        if known && value.is_empty() {
            continue;
        }
        if let Err(why) = draft.accept(&key, &value) {
            notices.push(format!("ignored {}={}: {why}", show(&key), show(&value)));
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

/// Serialise in a stable order (the order of SPEC §5's table), omitting
/// defaults; percent-encoded; repeated parameters for multi-values. No
/// leading `?`; an all-default view gives the empty string.
pub fn to_query(view: &UrlView) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut opt = |key, value: Option<String>| pairs.extend(value.map(|v| (key, v)));
    opt("queue", view.queue.clone());
    opt("range", view.range.clone());
    opt("from", view.from.map(format_rfc3339));
    opt("to", view.to.map(format_rfc3339));
    opt("bucket", view.bucket.clone());
    opt(
        "tz",
        (view.tz != Tz::default()).then(|| view.tz.as_str().into()),
    );
    opt("group", view.group.clone());
    for key in FILTERS {
        pairs.extend(view.filter(key).iter().map(|v| (key, v.clone())));
    }
    pairs.extend(
        view.label
            .iter()
            .map(|(k, v)| ("label", format!("{k}:{v}"))),
    );
    pairs.extend(view.q.clone().map(|q| ("q", q)));
    pairs
        .iter()
        .map(|(key, value)| {
            let value = utf8_percent_encode(value, QUERY_VALUE).to_string();
            format!("{key}={}", value.replace(' ', "+"))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// True when going from `a` to `b` should push a history entry (another
/// queue or another time range) rather than replace the current one: the
/// back button then steps through places, not through every filter keystroke.
/// An absent range and an explicit `7d` are the same place.
pub fn is_navigation(a: &UrlView, b: &UrlView) -> bool {
    let place = |v: &UrlView| {
        let relative = v
            .from
            .is_none()
            .then(|| v.range.clone().unwrap_or_else(|| DEFAULT_RANGE.into()));
        (v.queue.clone(), v.from, v.to, relative)
    };
    place(a) != place(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(q: &str) -> UrlView {
        let (view, notices) = parse_query(q);
        assert_eq!(
            notices,
            Vec::<String>::new(),
            "unexpected notices for {q:?}"
        );
        view
    }

    #[test]
    fn widths() {
        let cases: [(&str, Option<Ms>); 14] = [
            ("30m", Some(30 * MINUTE)),
            ("24h", Some(24 * HOUR)),
            ("7d", Some(7 * DAY)),
            ("1m", Some(MINUTE)),
            ("99999d", Some(99_999 * DAY)),
            ("0m", None),
            ("07d", None),
            ("100000d", None),
            ("7x", None),
            ("d", None),
            ("", None),
            ("-1h", None),
            ("1.5h", None),
            ("7D", None),
        ];
        for (s, want) in cases {
            assert_eq!(width_ms(s), want, "{s:?}");
        }
    }

    #[test]
    fn empty_and_defaults() {
        assert_eq!(parsed(""), UrlView::default());
        assert_eq!(parsed("?"), UrlView::default());
        assert_eq!(parsed("?q=&user=&tz="), UrlView::default());
        assert_eq!(to_query(&UrlView::default()), "");
        let local = UrlView {
            tz: Tz::Local,
            ..UrlView::default()
        };
        assert_eq!(to_query(&local), "", "local is the default and omitted");
    }

    #[test]
    fn full_view_parses() {
        let v = parsed(
            "?queue=a100-pool&bucket=5m&tz=UTC&group=label:team&user=alice&user=bob\
             &state=failed&state=crashed&label=team:vision&label=url:http://x&q=resnet+v3%21",
        );
        assert_eq!(v.queue.as_deref(), Some("a100-pool"));
        assert_eq!(v.bucket.as_deref(), Some("5m"));
        assert_eq!(v.tz, Tz::Utc);
        assert_eq!(v.group.as_deref(), Some("label:team"));
        assert_eq!(v.user, ["alice", "bob"]);
        assert_eq!(v.state, ["failed", "crashed"]);
        assert_eq!(
            v.label,
            [
                ("team".to_string(), "vision".to_string()),
                ("url".to_string(), "http://x".to_string())
            ]
        );
        assert_eq!(v.q.as_deref(), Some("resnet v3!"));
        assert_eq!(v.bucket_ms(), Some(5 * MINUTE));
    }

    #[test]
    fn absolute_range_wins_and_is_checked() {
        let v = parsed("from=2026-11-21T09:00:00%2B09:00&to=2026-11-22T00:00:00Z");
        assert_eq!(v.from, parse_rfc3339("2026-11-21T00:00:00Z").ok());
        assert_eq!(v.time_range(0), (v.from.unwrap(), v.to.unwrap()));
        assert_eq!(
            to_query(&v),
            "from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z"
        );

        let typed = parsed("from=2026-11-21T09:00:00+09:00&to=2026-11-22T00:00:00Z");
        assert_eq!(
            typed.from, v.from,
            "an unencoded + in an offset still reads"
        );

        let (v, notices) =
            parse_query("range=24h&from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z");
        assert_eq!(v.range, None);
        assert!(v.from.is_some());
        assert_eq!(notices, ["ignored range=24h: from and to are given"]);
    }

    #[test]
    fn notices_explain_what_was_dropped() {
        let cases: [(&str, &str); 12] = [
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
            ("label=team", "ignored label=team: not KEY:VALUE"),
            ("label=:x", "ignored label=:x: not KEY:VALUE"),
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
            assert_eq!(view, UrlView::default(), "{q}");
        }
        let (v, notices) = parse_query("queue=a&queue=b&to=2026-11-21T00:00:00Z");
        assert_eq!(v.queue.as_deref(), Some("a"));
        assert_eq!(
            notices,
            [
                "ignored queue=b: given more than once, the first one counts",
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
    fn serialises_in_stable_readable_order() {
        let view = UrlView {
            q: Some("a&b=c+d 100%".into()),
            label: vec![("team".into(), "vision".into())],
            state: vec!["failed".into(), "crashed".into()],
            user: vec!["alice".into()],
            group: Some("custom:vision team".into()),
            tz: Tz::Utc,
            bucket: Some("1h".into()),
            range: Some("24h".into()),
            queue: Some("a100/pool".into()),
            ..UrlView::default()
        };
        assert_eq!(
            to_query(&view),
            "queue=a100/pool&range=24h&bucket=1h&tz=utc&group=custom:vision+team&user=alice\
             &state=failed&state=crashed&label=team:vision&q=a%26b%3Dc%2Bd+100%25"
        );
        assert_eq!(parsed(&to_query(&view)), view);
    }

    #[test]
    fn navigation_versus_replacement() {
        let base = parsed("queue=a&range=24h&user=alice");
        let cases: [(&str, bool); 8] = [
            ("queue=a&range=24h&user=alice", false),
            ("queue=a&range=24h&user=bob", false),
            ("queue=a&range=24h&bucket=5m&tz=utc&group=job&q=x", false),
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
    }

    #[test]
    fn relative_range_ends_now() {
        let now = 1_000 * DAY;
        assert_eq!(parsed("").time_range(now), (now - 7 * DAY, now));
        assert_eq!(
            parsed("range=30m").time_range(now),
            (now - 30 * MINUTE, now)
        );
    }

    /// Strings with the characters a naive encoder gets wrong.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z &=+%#?:/,@~é日本😀\\\\\"'<>;\t\n-]{1,12}",
            any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
        ]
    }

    fn width() -> impl Strategy<Value = String> {
        (1u32..=99_999, prop::sample::select(vec!['m', 'h', 'd']))
            .prop_map(|(n, u)| format!("{n}{u}"))
    }

    fn group() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(GROUP_FIELDS.to_vec()).prop_map(String::from),
            text().prop_map(|k| format!("label:{k}")),
            text().prop_map(|k| format!("custom:{k}")),
        ]
    }

    fn view() -> impl Strategy<Value = UrlView> {
        // Years 0000 to 9999, the span RFC 3339 can write.
        let bounds = (-62_167_219_200_000i64..253_402_300_799_999, 1i64..10 * DAY)
            .prop_filter("to in range", |(f, len)| f + len <= 253_402_300_799_999);
        let range = prop_oneof![
            Just((None, None, None)),
            width().prop_map(|w| (Some(w), None, None)),
            bounds.prop_map(|(f, len)| (None, Some(f), Some(f + len))),
        ];
        let key = text().prop_map(|k| k.replace(':', "_"));
        let values = || prop::collection::vec(text(), 0..3);
        (
            (
                prop::option::of(text()),
                range,
                prop::option::of(width()),
                any::<bool>(),
                prop::option::of(group()),
            ),
            (values(), values(), values(), values(), values()),
            prop::collection::vec((key, prop_oneof![Just(String::new()), text()]), 0..3),
            prop::option::of(text()),
        )
            .prop_map(
                |((queue, (range, from, to), bucket, utc, group), filters, label, q)| UrlView {
                    queue,
                    range,
                    from,
                    to,
                    bucket,
                    tz: if utc { Tz::Utc } else { Tz::Local },
                    group,
                    user: filters.0,
                    job: filters.1,
                    project: filters.2,
                    entity: filters.3,
                    state: filters.4,
                    label,
                    q,
                },
            )
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
                "user", "state", "?queue", "", "=",
            ]), prop_oneof![text(), width(), group()]), 0..8)
            .prop_map(|pairs| pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")),
        ]) {
            let (v, _) = parse_query(&q);
            let (again, notices) = parse_query(&to_query(&v));
            prop_assert_eq!(notices, Vec::<String>::new());
            prop_assert_eq!(again, v);
        }
    }
}
