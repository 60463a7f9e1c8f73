//! RFC 3339 times on the wire and [`Ms`] inside.

use crate::model::Ms;
use chrono::{DateTime, SecondsFormat, Utc};

/// Parses an RFC 3339 time with an offset (`Z` or `+09:00`, optional
/// fractional seconds) into milliseconds since the epoch.
pub fn parse_rfc3339(s: &str) -> Result<Ms, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("unparsable time {s:?} ({e})"))
}

/// Formats as RFC 3339 in UTC (`2026-11-21T08:00:00Z`, with milliseconds
/// only when they are not zero).
pub fn format_rfc3339(ms: Ms) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(t) if ms % 1000 == 0 => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::from("(out of range)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01Z"), Ok(1000));
        assert_eq!(parse_rfc3339("1970-01-01T09:00:01+09:00"), Ok(1000));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.250Z"), Ok(1250));
        assert!(parse_rfc3339("1970-01-01 00:00:01").is_err());
        assert!(
            parse_rfc3339("2026-11-21T08:00:00").is_err(),
            "offset is required"
        );
    }

    #[test]
    fn formats_round_trip() {
        for ms in [0, 1_763_712_000_000, 1_763_712_000_250] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Ok(ms));
        }
        assert_eq!(format_rfc3339(1000), "1970-01-01T00:00:01Z");
    }
}
