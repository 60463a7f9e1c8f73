//! Why a URL parameter was ignored: typed, so the shell words it in the
//! page's language (issue #15); [`fmt::Display`] is the English form the
//! tests and logs read.

use std::fmt;

/// Why a parameter (or a pair of them) was ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// A single-valued parameter given again; the first one counts.
    Repeated,
    /// `range` is not a width.
    NotRange,
    /// `bucket` is not a width.
    NotWidth,
    /// `from`/`to` is not a time.
    NotTime,
    /// `tz` is neither `utc` nor `local`.
    NotTz,
    /// `group` is none of [`super::GroupKey::forms`].
    NotGroup,
    /// `label` is not `KEY:VALUE`.
    NotLabel,
    /// `lang` is neither `en` nor `ko`.
    NotLang,
    /// No such parameter.
    Unknown,
    /// `from` is not before `to`.
    FromAfterTo,
    /// `range` while `from` and `to` are given.
    RangeWithBounds,
    /// `from` without `to`.
    ToMissing,
    /// `to` without `from`.
    FromMissing,
    /// `group=custom:NAME` and no saved grouping has the name; the view
    /// groups by the default.
    NoSuchGrouping,
    /// `queue=ID` and the backend has no such queue; the first is shown.
    NoSuchQueue,
}

/// An ignored parameter: what the URL said (`bucket=7x`, clipped) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryNotice {
    /// The parameter as given, `key=value` (user text, shown as text).
    pub param: String,
    /// Why it was ignored.
    pub why: Ignored,
}

impl QueryNotice {
    /// A notice for `param` (already clipped for display).
    pub fn new(param: String, why: Ignored) -> QueryNotice {
        QueryNotice { param, why }
    }
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::Repeated => f.write_str("given more than once, the first one counts"),
            Ignored::NotRange => f.write_str("not a range like 30m, 24h or 7d"),
            Ignored::NotWidth => f.write_str("not a width like 5m, 1h or 1d"),
            Ignored::NotTime => f.write_str("not a time like 2026-11-21T08:00:00Z"),
            Ignored::NotTz => f.write_str("use utc or local"),
            Ignored::NotGroup => write!(f, "use {}", super::GroupKey::forms()),
            Ignored::NotLabel => f.write_str("not KEY:VALUE"),
            Ignored::NotLang => f.write_str("use en or ko"),
            Ignored::Unknown => f.write_str("unknown parameter"),
            Ignored::FromAfterTo => f.write_str("from must be before to"),
            Ignored::RangeWithBounds => f.write_str("from and to are given"),
            Ignored::ToMissing => f.write_str("to is missing"),
            Ignored::FromMissing => f.write_str("from is missing"),
            Ignored::NoSuchGrouping => write!(
                f,
                "no saved custom grouping has that name; grouping by {}",
                super::GroupKey::default()
            ),
            Ignored::NoSuchQueue => f.write_str("no such queue; showing the first one"),
        }
    }
}

impl fmt::Display for QueryNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ignored {}: {}", self.param, self.why)
    }
}

eq_by_display!(QueryNotice);
