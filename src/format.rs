//! Text for people: times in the chosen zone, durations, figures.
//!
//! Plotly has no time zones, so chart x values are wall-clock strings in the
//! zone the user picked (`2026-11-21 08:00:00`); the same function formats
//! table cells, so a chart and a table never disagree about a time.

use chrono::DateTime;
use queuescope_core::Ms;

/// `YYYY-MM-DD HH:MM:SS` of the instant `utc` shifted by `offset_ms`
/// (the zone's offset at that instant; 0 for UTC).
pub fn wall_clock(utc: Ms, offset_ms: Ms) -> String {
    match DateTime::from_timestamp_millis(utc.saturating_add(offset_ms)) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => String::from("—"),
    }
}

/// `Nov 21 08:00`: compact, for tables and hovers.
pub fn short_time(utc: Ms, offset_ms: Ms) -> String {
    match DateTime::from_timestamp_millis(utc.saturating_add(offset_ms)) {
        Some(t) => t.format("%b %d %H:%M").to_string(),
        None => String::from("—"),
    }
}

/// `2026-11-21 08:00` for inputs of type `datetime-local`.
pub fn input_value(utc: Ms, offset_ms: Ms) -> String {
    match DateTime::from_timestamp_millis(utc.saturating_add(offset_ms)) {
        Some(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
        None => String::new(),
    }
}

/// A duration for people: `45s`, `12m 05s`, `3h 07m`, `2d 4h`.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return String::from("—");
    }
    let s = secs.round() as i64;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A share as a percentage with one decimal: `12.5%`.
pub fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1}%", share * 100.0)
    } else {
        String::from("—")
    }
}

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

/// A size in bytes, one decimal from a kilobyte on: `512 B`, `1.5 kB`,
/// `12.4 MB` (decimal units, as browsers report storage).
pub fn bytes(n: usize) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_decimal_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1000), "1.0 kB");
        assert_eq!(bytes(12_400_000), "12.4 MB");
        assert_eq!(bytes(999_960), "1.0 MB");
        assert_eq!(bytes(2_500_000_000), "2.5 GB");
    }

    #[test]
    fn wall_clock_shifts_by_offset() {
        let t = 1_763_712_000_000; // 2025-11-21T08:00:00Z
        assert_eq!(wall_clock(t, 0), "2025-11-21 08:00:00");
        assert_eq!(wall_clock(t, 9 * 3_600_000), "2025-11-21 17:00:00");
        assert_eq!(short_time(t, 0), "Nov 21 08:00");
        assert_eq!(input_value(t, 0), "2025-11-21T08:00");
    }

    #[test]
    fn wall_clocks_parse_back() {
        use queuescope_core::time::parse_wall;
        assert_eq!(
            parse_wall(&wall_clock(1_795_336_212_000, 0)),
            Some(1_795_336_212_000)
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(59.4), "59s");
        assert_eq!(duration(725.0), "12m 05s");
        assert_eq!(duration(3.0 * 3600.0 + 7.0 * 60.0), "3h 07m");
        assert_eq!(duration(2.0 * 86_400.0 + 4.0 * 3600.0), "2d 4h");
        assert_eq!(duration(f64::NAN), "—");
    }

    #[test]
    fn figures() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_345), "12,345");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.125), "12.5%");
    }
}
