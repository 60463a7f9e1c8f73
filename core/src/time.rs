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

/// Milliseconds of a wall-clock date as Plotly writes it on a date axis
/// (`2026-11-21 08:30:12.5`, `2026-11-21 08:30`, `2026-11-21`), read as
/// UTC: what a zone shifts (see [`crate::analysis::Zone::parse_wall_clock`]).
pub fn parse_wall(s: &str) -> Option<Ms> {
    let s = s.trim();
    let fmts = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H",
    ];
    fmts.iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .map(|t| t.and_utc().timestamp_millis())
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

    #[test]
    fn plotly_wall_clock_dates_parse() {
        assert_eq!(parse_wall("2026-11-21 08:30:12.5"), Some(1_795_249_812_500));
        assert_eq!(parse_wall("2026-11-21 08:30"), Some(1_795_249_800_000));
        assert_eq!(parse_wall("2026-11-21"), Some(1_795_219_200_000));
        assert_eq!(parse_wall("soon"), None);
    }
}
