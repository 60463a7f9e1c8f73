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
    // Years 1970-9999, the times any queue has: written directly (chrono's
    // formatter is general and 5-10x slower; a cached 100k-job read formats
    // half a million times). Same text, checked against chrono in tests.
    if (0..253_402_300_800_000).contains(&ms) {
        return format_utc_fast(ms);
    }
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(t) if ms % 1000 == 0 => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::from("(out of range)"),
    }
}

/// [`format_rfc3339`] for `0 <= ms` before the year 10000.
fn format_utc_fast(ms: Ms) -> String {
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Days to a civil date (H. Hinnant's algorithm, era of 400 years).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (secs, milli) = (in_day / 1000, in_day % 1000);
    let (h, m, sec) = (secs / 3600, secs / 60 % 60, secs % 60);
    if milli == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}.{milli:03}Z")
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

    fn chrono_format(ms: Ms) -> String {
        match DateTime::<Utc>::from_timestamp_millis(ms) {
            Some(t) if ms % 1000 == 0 => t.to_rfc3339_opts(SecondsFormat::Secs, true),
            Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
            None => String::from("(out of range)"),
        }
    }

    #[test]
    fn the_fast_format_is_chronos() {
        let mut rng = fastrand::Rng::with_seed(3);
        let edges = [
            0,
            1,
            999,
            1000,
            86_399_999,
            951_782_400_000,
            253_402_300_799_999,
        ];
        let random: Vec<Ms> = (0..200_000)
            .map(|_| rng.i64(0..253_402_300_800_000))
            .collect();
        let seconds: Vec<Ms> = (0..50_000)
            .map(|_| rng.i64(0..4_102_444_800) * 1000)
            .collect();
        for ms in edges.into_iter().chain(random).chain(seconds) {
            assert_eq!(format_rfc3339(ms), chrono_format(ms), "{ms}");
        }
        for ms in [-1, -86_400_001, 253_402_300_800_000, Ms::MIN, Ms::MAX] {
            assert_eq!(format_rfc3339(ms), chrono_format(ms), "{ms}");
        }
    }

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
