//! Text for people: times in the chosen zone, durations, figures.
//!
//! Plotly has no time zones, so chart x values are wall-clock strings in the
//! zone the user picked (`2026-11-21 08:00:00`); the same function formats
//! table cells, so a chart and a table never disagree about a time.

use queuescope_core::analysis::Zone;
use queuescope_core::model::DAY;
pub use queuescope_core::text::count;
use queuescope_core::time::Civil;
use queuescope_core::view::Lang;
use queuescope_core::Ms;

use crate::i18n;

/// The calendar fields of the wall clock at `utc` in a zone `offset_ms` ahead of UTC.
fn civil(utc: Ms, offset_ms: Ms) -> Option<Civil> {
    Civil::of(utc.saturating_add(offset_ms))
}

/// `YYYY-MM-DD HH:MM:SS` of the instant `utc` shifted by `offset_ms`
/// (the zone's offset at that instant; 0 for UTC).
pub fn wall_clock(utc: Ms, offset_ms: Ms) -> String {
    match civil(utc, offset_ms) {
        Some(c) => format!(
            "{}-{:02}-{:02} {:02}:{:02}:{:02}",
            c.year_text(),
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second
        ),
        None => String::from("—"),
    }
}

/// `Nov 21 08:00` (Korean: `11월 21일 08:00`): compact, for tables and
/// hovers, in the page's language.
pub fn short_time(utc: Ms, offset_ms: Ms) -> String {
    match civil(utc, offset_ms) {
        Some(c) if i18n::current() == Lang::Ko => {
            format!("{}월 {}일 {:02}:{:02}", c.month, c.day, c.hour, c.minute)
        }
        Some(c) => format!(
            "{} {:02} {:02}:{:02}",
            c.month_abbr(),
            c.day,
            c.hour,
            c.minute
        ),
        None => String::from("—"),
    }
}

/// `2026-11-21 08:00` for inputs of type `datetime-local`.
pub fn input_value(utc: Ms, offset_ms: Ms) -> String {
    match civil(utc, offset_ms) {
        Some(c) => format!(
            "{}-{:02}-{:02}T{:02}:{:02}",
            c.year_text(),
            c.month,
            c.day,
            c.hour,
            c.minute
        ),
        None => String::new(),
    }
}

/// `2026-11-21T08:00:05.250` (seconds and milliseconds only when not
/// zero) for inputs of type `datetime-local` with `step="0.001"`: exact to
/// the millisecond, so a span typed in selects what a drag selects.
pub fn input_value_exact(utc: Ms, offset_ms: Ms) -> String {
    match civil(utc, offset_ms) {
        Some(c) if c.milli != 0 => format!(
            "{}:{:02}.{:03}",
            input_value(utc, offset_ms),
            c.second,
            c.milli
        ),
        Some(c) if c.second != 0 => format!("{}:{:02}", input_value(utc, offset_ms), c.second),
        Some(_) => input_value(utc, offset_ms),
        None => String::new(),
    }
}

/// A duration for people: `45s`, `12m 05s`, `3h 07m`, `2d 4h` (Korean:
/// `45초`, `12분 05초`, `3시간 07분`, `2일 4시간`).
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return String::from("—");
    }
    let s = secs.round() as i64;
    if i18n::current() == Lang::Ko {
        return match s {
            s if s < 60 => format!("{s}초"),
            s if s < 3600 => format!("{}분 {:02}초", s / 60, s % 60),
            s if s < 86_400 => format!("{}시간 {:02}분", s / 3600, (s % 3600) / 60),
            s => format!("{}일 {}시간", s / 86_400, (s % 86_400) / 3600),
        };
    }
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A length for sentences, to the minute: `45 m`, `2 h 20 m`, `6 h`,
/// `1 d 3 h` (to the hour from a day on), `40 s` under a minute. The
/// spaces are no-break spaces ([`NBSP`]): a length never wraps apart.
pub fn length(ms: Ms) -> String {
    if ms < 0 {
        return String::from("—");
    }
    // Unit names: English `s m h d`, Korean `초 분 시간 일` (no space
    // between a figure and a Korean unit).
    let (s, m, h, d, sep) = match i18n::current() {
        Lang::En => ("s", "m", "h", "d", " "),
        Lang::Ko => ("초", "분", "시간", "일", ""),
    };
    let secs = (ms + 500) / 1000;
    let text = if secs < 60 {
        format!("{secs}{sep}{s}")
    } else {
        let mins = (secs + 30) / 60;
        match mins {
            x if x < 60 => format!("{x}{sep}{m}"),
            x if x < 24 * 60 && x % 60 == 0 => format!("{}{sep}{h}", x / 60),
            x if x < 24 * 60 => format!("{}{sep}{h} {}{sep}{m}", x / 60, x % 60),
            x => {
                let hours = (x + 30) / 60;
                match hours % 24 {
                    0 => format!("{}{sep}{d}", hours / 24),
                    hh => format!("{}{sep}{d} {hh}{sep}{h}", hours / 24),
                }
            }
        }
    };
    text.replace(' ', NBSP)
}

/// A no-break space: figures and dates in sentences stay on one line.
pub const NBSP: &str = "\u{a0}";

/// A window `[start, end)` in a zone, for sentences: `Sat 21 Nov
/// 09:40–12:00` on one day, `Sat 21 Nov 18:00–24:00` when it ends at the
/// next midnight, else `Fri 20 Nov 22:00–Sat 21 Nov 02:10`.
pub fn window(start: Ms, end: Ms, zone: &Zone) -> String {
    let (a, b) = (zone.wall_of(start), zone.wall_of(end));
    let (Some(ca), Some(cb)) = (Civil::of(a), Civil::of(b)) else {
        return String::from("—");
    };
    let (day_a, day_b) = (a.div_euclid(DAY), b.div_euclid(DAY));
    // 1970-01-01 was a Thursday (3 with Monday as 0).
    let ko = i18n::current() == Lang::Ko;
    let day = |day_no: Ms, c: &Civil| {
        let weekday = weekdays()[(day_no + 3).rem_euclid(7) as usize];
        let (d, hh, mm) = (c.day, c.hour, c.minute);
        if ko {
            format!("{}월{NBSP}{d}일({weekday}){NBSP}{hh:02}:{mm:02}", c.month)
        } else {
            let m = c.month_abbr();
            format!("{weekday}{NBSP}{d}{NBSP}{m}{NBSP}{hh:02}:{mm:02}")
        }
    };
    if day_a == day_b {
        format!("{}–{:02}:{:02}", day(day_a, &ca), cb.hour, cb.minute)
    } else if day_b == day_a + 1 && b.rem_euclid(DAY) == 0 {
        format!("{}–24:00", day(day_a, &ca))
    } else {
        format!("{}–{}", day(day_a, &ca), day(day_b, &cb))
    }
}

/// Short weekday names, Monday first (core's hour-of-week order).
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The same in Korean.
const WEEKDAYS_KO: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];

/// The weekday names of the page's language.
pub fn weekdays() -> &'static [&'static str; 7] {
    match i18n::current() {
        Lang::En => &WEEKDAYS,
        Lang::Ko => &WEEKDAYS_KO,
    }
}

/// An hour of the week: `Sat 21:00–22:00` (weekday 0 = Monday).
pub fn hour_of_week(weekday: u8, hour: u8) -> String {
    let name = weekdays().get(usize::from(weekday)).copied().unwrap_or("?");
    format!("{name}{NBSP}{hour:02}:00–{:02}:00", u32::from(hour) + 1)
}

/// Milliseconds as seconds for a data attribute: `8400`, or `0.25` when
/// not whole.
pub fn seconds_attr(ms: Ms) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{}", ms as f64 / 1000.0)
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

/// A count and its noun, plural unless it is one: `1 run`, `2,571 runs`.
pub fn counted(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", count(n), if n == 1 { "" } else { "s" })
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
    fn times_and_durations_follow_the_language() {
        let t = 1_763_712_000_000; // 2025-11-21T08:00:00Z
        assert_eq!(short_time(t, 0), "Nov 21 08:00");
        assert_eq!(duration(3.0 * 3600.0 + 7.0 * 60.0), "3h 07m");
        i18n::set_current(Lang::Ko);
        assert_eq!(short_time(t, 0), "11월 21일 08:00");
        assert_eq!(duration(3.0 * 3600.0 + 7.0 * 60.0), "3시간 07분");
        assert_eq!(duration(45.0), "45초");
        assert_eq!(length(2 * 3_600_000 + 20 * 60_000), "2시간\u{a0}20분");
        assert_eq!(hour_of_week(5, 21), "토\u{a0}21:00–22:00");
        assert_eq!(
            window(t + 3_600_000, t + 4 * 3_600_000, &Zone::Utc),
            "11월\u{a0}21일(금)\u{a0}09:00–12:00"
        );
        i18n::set_current(Lang::En);
        assert_eq!(input_value_exact(t, 0), "2025-11-21T08:00");
        assert_eq!(input_value_exact(t + 5_250, 0), "2025-11-21T08:00:05.250");
        assert_eq!(input_value_exact(t + 5_000, 0), "2025-11-21T08:00:05");
    }

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
    fn the_same_text_as_chrono_strftime() {
        use chrono::DateTime;
        for ms in [
            0,
            1_763_712_000_000,
            1_795_249_812_500,
            -86_400_001,
            253_402_300_800_000,
        ] {
            let t = DateTime::from_timestamp_millis(ms).unwrap();
            assert_eq!(wall_clock(ms, 0), t.format("%Y-%m-%d %H:%M:%S").to_string());
            assert_eq!(short_time(ms, 0), t.format("%b %d %H:%M").to_string());
            assert_eq!(input_value(ms, 0), t.format("%Y-%m-%dT%H:%M").to_string());
        }
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

    /// `s` with its no-break spaces as plain ones.
    fn plain(s: String) -> String {
        s.replace(NBSP, " ")
    }

    #[test]
    fn lengths_for_sentences() {
        assert_eq!(length(140 * 60_000), "2\u{a0}h\u{a0}20\u{a0}m");
        let min = 60_000;
        assert_eq!(plain(length(40_000)), "40 s");
        assert_eq!(plain(length(45 * min)), "45 m");
        assert_eq!(plain(length(140 * min)), "2 h 20 m");
        assert_eq!(plain(length(6 * 60 * min)), "6 h");
        assert_eq!(plain(length(27 * 60 * min + 10 * min)), "1 d 3 h");
        assert_eq!(plain(length(48 * 60 * min)), "2 d");
        assert_eq!(plain(length(-1)), "—");
    }

    #[test]
    fn windows_in_a_zone() {
        let t = |h: i64, m: i64| 1_795_219_200_000 + (h * 60 + m) * 60_000; // Sat 2026-11-21 00:00Z
        assert_eq!(
            plain(window(t(9, 40), t(12, 0), &Zone::Utc)),
            "Sat 21 Nov 09:40–12:00"
        );
        assert_eq!(
            plain(window(t(18, 0), t(24, 0), &Zone::Utc)),
            "Sat 21 Nov 18:00–24:00"
        );
        assert_eq!(
            plain(window(t(-2, 0), t(2, 10), &Zone::Utc)),
            "Fri 20 Nov 22:00–Sat 21 Nov 02:10"
        );
        let tokyo = Zone::Local(queuescope_core::analysis::LocalZone::fixed(9 * 3_600_000));
        assert_eq!(
            plain(window(t(0, 0), t(2, 10), &tokyo)),
            "Sat 21 Nov 09:00–11:10"
        );
        assert_eq!(plain(hour_of_week(5, 21)), "Sat 21:00–22:00");
        assert_eq!(plain(hour_of_week(0, 0)), "Mon 00:00–01:00");
        assert_eq!(seconds_attr(8_400_000), "8400");
        assert_eq!(seconds_attr(250), "0.25");
    }

    #[test]
    fn figures() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_345), "12,345");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(counted(1, "run"), "1 run");
        assert_eq!(counted(2571, "run"), "2,571 runs");
    }
}
