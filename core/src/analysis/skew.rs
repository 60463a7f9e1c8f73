//! A backend whose clock disagrees with the browser's (issue #10 row 10).
//!
//! SPEC §3 makes `generated_at` the "now" of unfinished jobs, and that
//! stays: the backend knows when it answered. What a skewed clock does is
//! visible, though, and the user should be told: `generated_at` days ahead
//! stretches running jobs past the browser's "now" (the charts and the
//! table clip them to the range), days behind ends them early, and a job
//! whose transitions come after `generated_at` has a last state of length
//! zero, so a run that started after it has no bar.

use super::prepared::Prepared;
use crate::model::{Ms, MINUTE};

/// Clocks closer than this agree (load time, proxies, caches).
pub const CLOCK_TOLERANCE: Ms = 5 * MINUTE;

/// How the backend's clock disagrees with the browser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSkew {
    /// `generated_at` minus the browser's clock when the load finished:
    /// positive when the backend is ahead.
    pub ahead: Ms,
    /// Jobs with a transition after `generated_at`.
    pub jobs_after_now: usize,
}

/// The skew of a load, when it matters: the clocks differ by more than
/// [`CLOCK_TOLERANCE`], or some job has a transition after `generated_at`.
pub fn clock_skew(prep: &Prepared, client_now: Ms) -> Option<ClockSkew> {
    let g = prep.generated_at();
    let jobs_after_now = (0..prep.len())
        .filter(|&i| prep.transition_times(i).last().is_some_and(|&at| at > g))
        .count();
    let ahead = g.saturating_sub(client_now);
    (ahead.saturating_abs() > CLOCK_TOLERANCE || jobs_after_now > 0).then_some(ClockSkew {
        ahead,
        jobs_after_now,
    })
}

impl ClockSkew {
    /// One line for the UI: `The backend's clock is 2 d 3 h ahead of this
    /// browser's; 4 jobs have transitions after its "now".`
    pub fn summary(&self) -> String {
        let mut out = String::new();
        if self.ahead.saturating_abs() > CLOCK_TOLERANCE {
            let way = if self.ahead > 0 { "ahead of" } else { "behind" };
            out.push_str(&format!(
                "The backend's clock is {} {way} this browser's: running jobs are drawn until its “now”.",
                span(self.ahead.unsigned_abs())
            ));
        }
        if self.jobs_after_now > 0 {
            if !out.is_empty() {
                out.push(' ');
            }
            let n = match self.jobs_after_now {
                1 => "1 job has".to_string(),
                n => format!("{n} jobs have"),
            };
            out.push_str(&format!(
                "{n} transitions after the backend's “now” (generated_at): their last state ends there."
            ));
        }
        out
    }
}

/// A skew in its two largest units (minutes are whole, rounded down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkewSpan {
    /// Under an hour.
    Minutes(u64),
    /// Under a day: hours and minutes.
    HoursMinutes(u64, u64),
    /// Days and hours.
    DaysHours(u64, u64),
}

impl SkewSpan {
    /// The span of `ms`.
    pub fn of(ms: u64) -> SkewSpan {
        let minutes = ms / 60_000;
        let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
        match (d, h) {
            (0, 0) => SkewSpan::Minutes(m),
            (0, h) => SkewSpan::HoursMinutes(h, m),
            (d, h) => SkewSpan::DaysHours(d, h),
        }
    }
}

/// `2 d 3 h`, `45 min`: the two largest units.
fn span(ms: u64) -> String {
    match SkewSpan::of(ms) {
        SkewSpan::Minutes(m) => format!("{m} min"),
        SkewSpan::HoursMinutes(h, m) => format!("{h} h {m} min"),
        SkewSpan::DaysHours(d, h) => format!("{d} d {h} h"),
    }
}
