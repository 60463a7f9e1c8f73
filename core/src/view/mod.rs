//! The view (SPEC §5): what the user asked to see, typed. The query string
//! becomes a [`View`] in one function ([`parse_query`]) and goes back with
//! [`to_query`]; nothing downstream reads the string again. A link is typed,
//! pasted and edited by people, so parsing never fails: what cannot be used
//! is dropped and explained in a notice the app shows.

mod notice;
mod query;
mod range;

pub use notice::{Ignored, QueryNotice};
pub use query::{parse_query, to_query};
pub use range::{RangeSpec, Width};

use crate::analysis::{CustomGrouping, Filters, GroupBy, TimeRange};
use crate::field::Field;
use crate::model::Ms;
use std::fmt;

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
        [Tz::Utc, Tz::Local]
            .into_iter()
            .find(|tz| s.eq_ignore_ascii_case(tz.as_str()))
    }
}

/// The language of the page (SPEC §5 `lang`); absent = the browser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// Every language, in the order a picker offers them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// The wire spelling (`en`, `ko`).
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Reads the wire spelling (case-insensitive: `KO` reads).
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| s.eq_ignore_ascii_case(l.as_str()))
    }
}

/// What the panels are grouped by, as the URL names it (SPEC §5 `group`).
/// A custom grouping is named only: the app resolves the name against the
/// saved groupings ([`View::check_custom`], [`GroupKey::resolve`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupKey {
    /// A job field (`user`, `job`, `project`, `entity`, `state`).
    Field(Field),
    /// `label:KEY`.
    Label(String),
    /// `custom:NAME`.
    Custom(String),
}

impl Default for GroupKey {
    /// SPEC §5: by user.
    fn default() -> Self {
        GroupKey::Field(Field::User)
    }
}

impl GroupKey {
    /// Reads the URL value; `label:` and `custom:` need a non-empty rest.
    pub fn parse(s: &str) -> Option<GroupKey> {
        if let Some(f) = Field::parse(s) {
            return Some(GroupKey::Field(f));
        }
        let rest = |prefix| s.strip_prefix(prefix).filter(|r: &&str| !r.is_empty());
        if let Some(key) = rest("label:") {
            return Some(GroupKey::Label(key.into()));
        }
        rest("custom:").map(|name| GroupKey::Custom(name.into()))
    }

    /// The accepted forms, for messages.
    pub fn forms() -> String {
        format!("{}, label:KEY or custom:NAME", Field::wire_list())
    }

    /// The grouping to compute; `None` for a custom name that `custom`
    /// (the saved groupings) lacks.
    pub fn resolve(&self, custom: &[CustomGrouping]) -> Option<GroupBy> {
        Some(match self {
            GroupKey::Field(f) => GroupBy::Field(*f),
            GroupKey::Label(k) => GroupBy::Label(k.clone()),
            GroupKey::Custom(name) => {
                GroupBy::Custom(custom.iter().find(|c| &c.name == name)?.clone())
            }
        })
    }
}

impl fmt::Display for GroupKey {
    /// The URL value; [`GroupKey::parse`] reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupKey::Field(field) => f.write_str(field.as_str()),
            GroupKey::Label(k) => write!(f, "label:{k}"),
            GroupKey::Custom(name) => write!(f, "custom:{name}"),
        }
    }
}

/// The view: every SPEC §5 parameter, typed. `View::default()` is every
/// parameter absent, which means the SPEC §5 defaults (first queue, the
/// last 7 days, auto bucket, local time, grouping by user, no filters, the
/// browser's language).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct View {
    /// Queue id; `None` = the first queue.
    pub queue: Option<String>,
    /// The range; `None` = the default ([`RangeSpec::default`]), not
    /// written to the URL (an explicit `range=7d` is kept as given).
    pub range: Option<RangeSpec>,
    /// Bucket width; `None` = auto.
    pub bucket: Option<Width>,
    /// Time zone of buckets and axes.
    pub tz: Tz,
    /// The grouping.
    pub group: GroupKey,
    /// Field filters, label filters and the text search.
    pub filters: Filters,
    /// The page language; `None` = the browser's.
    pub lang: Option<Lang>,
}

impl View {
    /// The range in force: the one given, else the default.
    pub fn range_spec(&self) -> RangeSpec {
        self.range.unwrap_or_default()
    }

    /// The half-open range this view shows at instant `now`.
    pub fn time_range(&self, now: Ms) -> TimeRange {
        self.range_spec().resolve(now)
    }

    /// This view over the fixed range `[from, to)` (an insight's window or
    /// bucket: the view that shows it).
    pub fn over(&self, from: Ms, to: Ms) -> View {
        View {
            range: Some(RangeSpec::Absolute { from, to }),
            ..self.clone()
        }
    }

    /// This view narrowed to one group of its grouping (an insight's group:
    /// the view that shows it): the group's name becomes the only value of
    /// its field's filter, or of its label key's filter (`(none)` matches
    /// the jobs without the field or label, as the grouping puts them).
    /// `None` for a custom grouping, whose groups are no filter.
    pub fn only_group(&self, name: &str) -> Option<View> {
        let mut v = self.clone();
        match &self.group {
            GroupKey::Field(f) => {
                let values = v.filters.values_mut(*f);
                values.clear();
                values.insert(name.to_string());
            }
            GroupKey::Label(key) => {
                v.filters.labels.retain(|(k, _)| k != key);
                v.filters.labels.insert((key.clone(), name.to_string()));
            }
            GroupKey::Custom(_) => return None,
        }
        Some(v)
    }

    /// A `custom:NAME` grouping whose name `known` does not accept (no saved
    /// grouping has it) falls back to the default grouping, and the notice
    /// says so. The saved groupings live in local storage, not in the link,
    /// so this check runs where they are known: after every parse.
    pub fn check_custom(&mut self, known: impl Fn(&str) -> bool) -> Option<QueryNotice> {
        let GroupKey::Custom(name) = &self.group else {
            return None;
        };
        if known(name) {
            return None;
        }
        let notice = QueryNotice::new(
            format!("group={}", query::show(&self.group.to_string())),
            Ignored::NoSuchGrouping,
        );
        self.group = GroupKey::default();
        Some(notice)
    }
}

/// True when going from `a` to `b` should push a history entry (another
/// queue or another time range) rather than replace the current one: the
/// back button then steps through places, not through every filter keystroke.
/// An absent range and an explicit `7d` are the same place.
pub fn is_navigation(a: &View, b: &View) -> bool {
    let place = |v: &View| {
        let range = match v.range_spec() {
            RangeSpec::Relative(span) => (None, span.ms()),
            RangeSpec::Absolute { from, to } => (Some(from), to),
        };
        (v.queue.clone(), range)
    };
    place(a) != place(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HOUR;

    fn view(q: &str) -> View {
        parse_query(q).0
    }

    #[test]
    fn over_sets_an_absolute_range_and_keeps_the_rest() {
        let v = view("?queue=q1&range=24h&group=project&user=alice&tz=utc");
        let w = v.over(2 * HOUR, 3 * HOUR);
        assert_eq!(
            to_query(&w),
            "queue=q1&from=1970-01-01T02:00:00Z&to=1970-01-01T03:00:00Z&tz=utc&group=project&user=alice"
        );
        assert!(is_navigation(&v, &w));
    }

    #[test]
    fn only_group_replaces_the_fields_filter() {
        let v = view("?group=user&user=bob&user=carol&project=llm");
        let w = v.only_group("alice").expect("a field grouping is a filter");
        assert_eq!(to_query(&w), "user=alice&project=llm");
        let s = view("?group=state").only_group("failed").expect("state");
        assert_eq!(to_query(&s), "group=state&state=failed");
        let none = view("?group=project").only_group("(none)").expect("(none)");
        assert_eq!(to_query(&none), "group=project&project=%28none%29");
    }

    #[test]
    fn only_group_of_a_label_replaces_that_keys_filter_only() {
        let v = view("?group=label:team&label=team:a&label=prio:high");
        let w = v
            .only_group("vision")
            .expect("a label grouping is a filter");
        let labels: Vec<(String, String)> = w.filters.labels.iter().cloned().collect();
        assert_eq!(
            labels,
            vec![
                ("prio".to_string(), "high".to_string()),
                ("team".to_string(), "vision".to_string())
            ]
        );
    }

    #[test]
    fn a_custom_groups_is_no_filter() {
        assert_eq!(view("?group=custom:teams").only_group("vision team"), None);
    }
}
