//! RFC 3339 times on the wire and [`Ms`] inside.
//!
//! The readers here are small and direct: every transition of every job
//! goes through [`parse_rfc3339`] (half a million times for a week of a
//! busy queue), and chrono's general parsers (its `Parsed` machinery and
//! the strftime ones) were both the slowest step of reading a record and a
//! tenth of the wasm's date code. The calendar itself (days of a month,
//! leap years and seconds, the range of dates) stays chrono's.

use crate::model::Ms;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Timelike, Utc,
};

/// Parses an RFC 3339 time with an offset (`Z` or `+09:00`, optional
/// fractional seconds) into milliseconds since the epoch. Accepts exactly
/// what chrono's `DateTime::parse_from_rfc3339` accepts (a `t` or a space
/// for the `T`, a `z` for the `Z`, a leap second `:60`, any number of
/// fractional digits, an offset up to ±23:59; a test holds the two equal).
pub fn parse_rfc3339(s: &str) -> Result<Ms, String> {
    rfc3339(s).ok_or_else(|| format!("unparsable time {s:?} (not RFC 3339 with an offset)"))
}

/// Reads ASCII digits from a byte string, one field after another.
struct Digits<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Digits<'a> {
    fn new(s: &'a str) -> Self {
        Digits {
            b: s.as_bytes(),
            at: 0,
        }
    }

    /// `YYYY-MM-DD`, a real date of the proleptic Gregorian calendar.
    fn date(&mut self) -> Option<NaiveDate> {
        let year = self.fixed(4)?;
        self.byte(b'-')?;
        let month = self.fixed(2)?;
        self.byte(b'-')?;
        let day = self.fixed(2)?;
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// Exactly `n` digits as a number.
    fn fixed(&mut self, n: usize) -> Option<u32> {
        let field = self.b.get(self.at..self.at + n)?;
        self.at += n;
        field.iter().try_fold(0u32, |v, &c| {
            c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0'))
        })
    }

    /// `c` next.
    fn byte(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.at) == Some(&c)).then(|| self.at += 1)
    }

    /// The next byte is one of `cs`.
    fn one_of(&mut self, cs: &[u8]) -> Option<u8> {
        let c = *self.b.get(self.at)?;
        cs.contains(&c).then(|| {
            self.at += 1;
            c
        })
    }

    /// One or more digits as nanoseconds (digits past the ninth are skipped).
    fn nanos(&mut self) -> Option<u32> {
        let digits = self.b.get(self.at..)?;
        let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let kept = n.min(9);
        let v = self.fixed(kept)? * 10u32.pow(u32::try_from(9 - kept).ok()?);
        self.at += n - kept;
        Some(v)
    }

    fn done(&self) -> bool {
        self.at == self.b.len()
    }
}

fn rfc3339(s: &str) -> Option<Ms> {
    let mut d = Digits::new(s);
    let date = d.date()?;
    d.one_of(b"Tt ")?;
    let hour = d.fixed(2)?;
    d.byte(b':')?;
    let minute = d.fixed(2)?;
    d.byte(b':')?;
    let second = d.fixed(2)?;
    let frac = match d.byte(b'.') {
        Some(()) => d.nanos()?,
        None => 0,
    };
    let offset = if d.one_of(b"Zz").is_some() {
        0
    } else {
        let negative = match d.one_of(b"+-") {
            Some(c) => c == b'-',
            None => {
                // U+2212 MINUS SIGN, as chrono allows.
                "\u{2212}".bytes().try_for_each(|c| d.byte(c))?;
                true
            }
        };
        let h = d.fixed(2)?;
        d.byte(b':')?;
        let m = d.fixed(2)?;
        if m > 59 {
            return None;
        }
        let secs = i32::try_from(h * 3600 + m * 60).ok()?;
        if secs > 23 * 3600 + 59 * 60 {
            return None;
        }
        if negative {
            -secs
        } else {
            secs
        }
    };
    if !d.done() {
        return None;
    }
    // A leap second is second 59 with a second's worth of nanoseconds (chrono's model).
    let (second, leap) = match second {
        0..=59 => (second, 0),
        60 => (59, 1_000_000_000),
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, leap + frac)?;
    let local = date.and_time(time);
    let t = FixedOffset::east_opt(offset)?
        .from_local_datetime(&local)
        .single()?;
    Some(t.timestamp_millis())
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

/// The calendar fields of an instant, read as UTC (shift it by a zone's
/// offset first for that zone's wall clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year (proleptic Gregorian).
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
    /// 0 to 999.
    pub milli: u32,
}

impl Civil {
    /// The fields of `ms`, `None` outside chrono's range of dates.
    pub fn of(ms: Ms) -> Option<Civil> {
        let t = DateTime::<Utc>::from_timestamp_millis(ms)?;
        Some(Civil {
            year: t.year(),
            month: t.month(),
            day: t.day(),
            hour: t.hour(),
            minute: t.minute(),
            second: t.second(),
            milli: t.timestamp_subsec_millis(),
        })
    }

    /// The year as strftime's `%Y` writes it: four digits, a sign beyond 0 to 9999.
    pub fn year_text(&self) -> String {
        if (0..=9999).contains(&self.year) {
            format!("{:04}", self.year)
        } else {
            format!("{:+05}", self.year)
        }
    }

    /// `Jan` to `Dec`.
    pub fn month_abbr(&self) -> &'static str {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        MONTHS
            .get(self.month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("")
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
/// (`2026-11-21 08:30:12.5`, `2026-11-21 08:30`, `2026-11-21 08`,
/// `2026-11-21`; surrounding space ignored), read as UTC: what a zone
/// shifts (see [`crate::analysis::Zone::parse_wall_clock`]).
pub fn parse_wall(s: &str) -> Option<Ms> {
    let mut d = Digits::new(s.trim());
    let date = d.date()?;
    let mut hms = [0u32; 3];
    let mut nanos = 0;
    for (k, sep) in [b' ', b':', b':'].into_iter().enumerate() {
        if d.done() {
            break;
        }
        d.byte(sep)?;
        hms[k] = d.fixed(2)?;
        if k == 2 && d.byte(b'.').is_some() {
            nanos = d.nanos()?;
        }
    }
    if !d.done() {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(hms[0], hms[1], hms[2], nanos)?;
    Some(date.and_time(time).and_utc().timestamp_millis())
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

    /// chrono's own RFC 3339 reader, the reference [`parse_rfc3339`] follows.
    fn chrono_rfc3339(s: &str) -> Option<Ms> {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_millis())
    }

    #[test]
    fn reads_what_chrono_reads() {
        let cases = [
            "2026-11-21T08:00:00Z",
            "2026-11-21t08:00:00z",
            "2026-11-21 08:00:00+09:00",
            "2026-11-21T08:00:00-00:00",
            "2026-11-21T08:00:00\u{2212}05:30",
            "2026-11-21T08:00:00.5Z",
            "2026-11-21T08:00:00.123456789123Z",
            "2026-11-21T08:00:00.Z",
            "2026-11-21T23:59:60Z",
            "2026-11-21T23:59:60.250+01:00",
            "2026-11-21T08:59:60Z",
            "2026-02-29T08:00:00Z",
            "2024-02-29T08:00:00Z",
            "2026-13-01T08:00:00Z",
            "2026-11-31T08:00:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T08:60:00Z",
            "2026-11-21T08:00:61Z",
            "2026-11-21T08:00:00+24:00",
            "2026-11-21T08:00:00+23:59",
            "2026-11-21T08:00:00+09:60",
            "2026-11-21T08:00:00+0900",
            "2026-11-21T08:00:00+09",
            "2026-11-21T08:00:00",
            "2026-11-21T08:00Z",
            "2026-11-21",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "9999-12-31T23:59:59-23:59",
            "+2026-11-21T08:00:00Z",
            "2026-11-21T08:00:00Z ",
            " 2026-11-21T08:00:00Z",
            "2026-1-21T08:00:00Z",
            "２０２６-11-21T08:00:00Z",
            "",
        ];
        for s in cases {
            assert_eq!(parse_rfc3339(s).ok(), chrono_rfc3339(s), "{s:?}");
        }
        // Every mutation of one byte of a valid time reads the same both ways.
        let base = b"2026-11-21T08:30:12.75+09:00";
        for i in 0..base.len() {
            for c in [
                b'0', b'5', b'9', b':', b'-', b'+', b'.', b'T', b'Z', b' ', b'x', 0x7f,
            ] {
                let mut m = base.to_vec();
                m[i] = c;
                let s = String::from_utf8(m).unwrap();
                assert_eq!(parse_rfc3339(&s).ok(), chrono_rfc3339(&s), "{s:?}");
            }
            let cut = std::str::from_utf8(&base[..i]).unwrap();
            assert_eq!(parse_rfc3339(cut).ok(), chrono_rfc3339(cut), "{cut:?}");
        }
    }

    #[test]
    fn civil_fields_and_their_text() {
        let c = Civil::of(1_795_249_812_500).unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second, c.milli),
            (2026, 11, 21, 8, 30, 12, 500)
        );
        assert_eq!(c.year_text(), "2026");
        assert_eq!(c.month_abbr(), "Nov");
        let far = Civil::of(253_402_300_800_000).unwrap(); // 10000-01-01
        assert_eq!(far.year_text(), "+10000");
    }

    #[test]
    fn plotly_wall_clock_dates_parse() {
        assert_eq!(parse_wall("2026-11-21 08:30:12.5"), Some(1_795_249_812_500));
        assert_eq!(parse_wall("2026-11-21 08:30"), Some(1_795_249_800_000));
        assert_eq!(parse_wall("2026-11-21"), Some(1_795_219_200_000));
        assert_eq!(parse_wall("2026-11-21 08"), Some(1_795_248_000_000));
        assert_eq!(parse_wall(" 2026-11-21 08:30:12 "), Some(1_795_249_812_000));
        assert_eq!(parse_wall("soon"), None);
        assert_eq!(parse_wall("2026-11-21 08:30:"), None);
        assert_eq!(parse_wall("2026-11-31"), None);
        // What chrono's strftime reader gave for Plotly's own forms.
        for s in [
            "2026-11-21 08:30:12.5",
            "2026-11-21 08:30:12",
            "2026-11-21 08:30",
            "2026-11-21 23:59:59.999999",
        ] {
            let fmts = [
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%d %H:%M",
            ];
            let want = fmts
                .iter()
                .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
                .map(|t| t.and_utc().timestamp_millis());
            assert_eq!(parse_wall(s), want, "{s}");
        }
    }
}
