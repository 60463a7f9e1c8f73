//! Widths and ranges as the view holds them: `30m`, `24h`, `7d` on the
//! wire, milliseconds inside. [`Width::parse`] is the one width parser;
//! its [`Display`](std::fmt::Display) writes what it reads back.

use crate::analysis::TimeRange;
use crate::model::{Ms, DAY, HOUR, MINUTE};
use std::fmt;

/// The units of a width, largest first, with their suffixes.
const UNITS: [(Ms, char); 3] = [(DAY, 'd'), (HOUR, 'h'), (MINUTE, 'm')];

/// Most digits a width may have on the wire (`99999d`).
const MAX_DIGITS: usize = 5;

/// A positive span of whole minutes, written `N(m|h|d)`: a bucket width or
/// the length of a relative range. It keeps the unit it was written with,
/// so `24h` stays `24h` in the link (it is not `1d`); [`Width::ms`] compares
/// spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Width {
    count: u32,
    /// Index into [`UNITS`].
    unit: u8,
}

impl Width {
    /// Reads `N(m|h|d)` (`30m`, `24h`, `7d`). Canonical spelling only (no
    /// sign, no leading zero, at most 5 digits), so that the string in the
    /// URL and the width in the view are always the same.
    pub fn parse(s: &str) -> Option<Width> {
        let (digits, suffix) = s.split_at_checked(s.len().checked_sub(1)?)?;
        let unit = UNITS
            .iter()
            .position(|&(_, c)| suffix.len() == 1 && suffix.starts_with(c))?;
        let canonical = !digits.is_empty()
            && digits.len() <= MAX_DIGITS
            && !digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit());
        if !canonical {
            return None;
        }
        Some(Width {
            count: digits.parse().ok()?,
            unit: u8::try_from(unit).ok()?,
        })
    }

    /// The width of `ms` in the largest unit that divides it, when it is a
    /// whole number of minutes that the wire can carry; else `None`.
    pub fn from_ms(ms: Ms) -> Option<Width> {
        let (unit, &(size, _)) = UNITS
            .iter()
            .enumerate()
            .find(|(_, (size, _))| ms > 0 && ms % size == 0)?;
        let count = u32::try_from(ms / size).ok()?;
        (count.to_string().len() <= MAX_DIGITS).then_some(Width {
            count,
            unit: u8::try_from(unit).ok()?,
        })
    }

    /// The width in milliseconds.
    pub fn ms(self) -> Ms {
        Ms::from(self.count) * UNITS[usize::from(self.unit)].0
    }
}

impl fmt::Display for Width {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.count, UNITS[usize::from(self.unit)].1)
    }
}

/// SPEC §5's default range: the last `7d` (`UNITS[0]` is the day).
const DEFAULT_SPAN: Width = Width { count: 7, unit: 0 };

/// The range of a view: the last `Width` up to now (SPEC §5 `range`), or a
/// fixed `[from, to)` (SPEC §5 `from`/`to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeSpec {
    /// The last span up to now.
    Relative(Width),
    /// A fixed `[from, to)`, `from < to`.
    Absolute {
        /// Start.
        from: Ms,
        /// End (exclusive).
        to: Ms,
    },
}

impl Default for RangeSpec {
    /// SPEC §5: the default view shows the last 7 days.
    fn default() -> Self {
        RangeSpec::Relative(DEFAULT_SPAN)
    }
}

impl RangeSpec {
    /// The concrete range at `now` (the app passes its clock in, keeping
    /// core pure). A reversed absolute range resolves to an empty one.
    pub fn resolve(&self, now: Ms) -> TimeRange {
        match *self {
            RangeSpec::Relative(span) => TimeRange::new(now.saturating_sub(span.ms()), now),
            RangeSpec::Absolute { from, to } => TimeRange::new(from, to),
        }
    }

    /// Reads the URL `range` value (`30m`, `24h`, `7d`).
    pub fn parse(s: &str) -> Option<RangeSpec> {
        Width::parse(s).map(RangeSpec::Relative)
    }

    /// The URL `range` value of a relative range (`None` for absolute ones,
    /// which travel as `from`/`to`).
    pub fn as_param(&self) -> Option<String> {
        match self {
            RangeSpec::Relative(span) => Some(span.to_string()),
            RangeSpec::Absolute { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(Width::parse(s).map(Width::ms), want, "{s:?}");
        }
    }

    #[test]
    fn widths_write_what_they_read() {
        for (s, w) in [
            ("5m", 5 * MINUTE),
            ("1h", HOUR),
            ("1d", DAY),
            ("7d", 7 * DAY),
            ("90m", 90 * MINUTE),
            ("99999m", 99_999 * MINUTE),
        ] {
            assert_eq!(Width::parse(s).map(Width::ms), Some(w));
            assert_eq!(Width::from_ms(w).map(|w| w.to_string()).as_deref(), Some(s));
        }
        // Another spelling of the same span keeps its spelling.
        assert_eq!(
            Width::parse("60m").map(|w| w.to_string()).as_deref(),
            Some("60m")
        );
        assert_eq!(
            Width::parse("60m").map(Width::ms),
            Width::parse("1h").map(Width::ms)
        );
        assert_eq!(Width::from_ms(1500), None);
        assert_eq!(Width::from_ms(0), None);
        assert_eq!(Width::from_ms(100_000 * MINUTE + 1), None);
        assert_eq!(Width::from_ms(100_001 * MINUTE), None);
    }
}
