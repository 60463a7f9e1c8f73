//! The insights panel's content, pure (tested natively): each insight of
//! SPEC §3.1 as items, each item a sentence with its figures, its SPEC §6
//! data attributes and the view it links to; and the cells of the
//! hour-of-week heat map. Core computes the figures; this only words them.

use crate::format;
use crate::i18n::t;
use crate::render::Colour;
use queuescope_core::analysis::insights::{
    FailureSpikes, GroupWait, HourCell, IdleWindows, UnderUsed, WaitingByHour, MIN_IDLE,
    UNDER_USED_MAX_MEAN, UNDER_USED_MIN_RUN,
};
use queuescope_core::analysis::Zone;
use queuescope_core::theme::Rgb;
use queuescope_core::time::format_rfc3339;
use queuescope_core::Ms;

/// What clicking an item shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The view over this range (a window, a bucket, an hour).
    Range {
        /// Start.
        from: Ms,
        /// End (exclusive).
        to: Ms,
    },
    /// The view filtered to this group of its grouping.
    Group(String),
    /// This run (a job index) selected in Job runs.
    Run(u32),
}

/// The SPEC §6 data attributes of an item (absent ones are not written),
/// plus `data-mean` where an item has a mean.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attrs {
    /// `data-start`, RFC 3339 UTC.
    pub start: Option<String>,
    /// `data-end`, RFC 3339 UTC.
    pub end: Option<String>,
    /// `data-group`: the raw group name.
    pub group: Option<String>,
    /// `data-count`.
    pub count: Option<String>,
    /// `data-seconds`.
    pub seconds: Option<String>,
    /// `data-run-id`.
    pub run_id: Option<String>,
    /// `data-mean`: the exact mean (jobs waiting, or GPU use in percent).
    pub mean: Option<String>,
}

impl Attrs {
    fn window(start: Ms, end: Ms) -> Attrs {
        Attrs {
            start: Some(format_rfc3339(start)),
            end: Some(format_rfc3339(end)),
            ..Attrs::default()
        }
    }
}

/// One item of an insight.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `data-insight`: `idle-window`, `waiting-hour`, `who-waits`,
    /// `failure-spike` or `under-used`.
    pub kind: &'static str,
    /// The sentence, with its figures.
    pub text: String,
    /// Its data attributes.
    pub attrs: Attrs,
    /// The view it links to; `None` when there is none (a group of a
    /// custom grouping is no filter).
    pub target: Option<Target>,
}

/// A mean for people, to about four significant digits without trailing
/// zeros: `2`, `0.5`, `0.667`, `19.5`, `164`.
pub fn mean_text(x: f64) -> String {
    let decimals = match x.abs() {
        a if a >= 100.0 => 1,
        a if a >= 10.0 => 2,
        _ => 3,
    };
    trimmed(x, decimals)
}

/// A GPU use for people, to a tenth of a percent: `3`, `19.5`, `5.5`.
pub fn percent_text(x: f64) -> String {
    trimmed(x, 1)
}

/// `x` to `decimals` decimals, without trailing zeros (`-0` is `0`).
fn trimmed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// `N jobs` (`1 job`) of a mean as written.
fn jobs(n: &str) -> String {
    (t().jobs_n)(n)
}

/// Idle windows, longest first: "Idle 2 h 20 m on Sat 21 Nov 09:40–12:00:
/// no run held the queue", linking to the window as the range.
pub fn idle_items(w: &IdleWindows, zone: &Zone) -> Vec<Item> {
    w.top
        .iter()
        .map(|win| Item {
            kind: "idle-window",
            text: (t().idle_item)(
                &format::length(win.len()),
                &format::window(win.start, win.end, zone),
            ),
            attrs: Attrs {
                seconds: Some(format::seconds_attr(win.len())),
                ..Attrs::window(win.start, win.end)
            },
            target: Some(Target::Range {
                from: win.start,
                to: win.end,
            }),
        })
        .collect()
}

/// The line above the idle windows: their share of the range, or why there
/// are none.
pub fn idle_summary(w: &IdleWindows) -> String {
    if w.count == 0 {
        return (t().no_idle)(MIN_IDLE / 60_000);
    }
    (t().idle_summary)(
        &format::percent(w.share()),
        w.count,
        MIN_IDLE / 60_000,
        (w.count > w.top.len()).then_some(w.top.len()),
    )
}

/// The peak hours of the week, highest mean first: "Sat 21:00–22:00: 2
/// jobs waiting on average", linking to the most recent stretch of the
/// range in that hour.
pub fn peak_items(h: &WaitingByHour) -> Vec<Item> {
    h.peaks()
        .iter()
        .filter_map(|c| {
            let mean = c.mean()?;
            let (from, to) = c.last?;
            Some(Item {
                kind: "waiting-hour",
                text: (t().peak_item)(
                    &format::hour_of_week(c.weekday, c.hour),
                    &jobs(&mean_text(mean)),
                ),
                attrs: Attrs {
                    seconds: Some(format::seconds_attr(c.waiting)),
                    mean: Some(mean.to_string()),
                    ..Attrs::window(from, to)
                },
                target: Some(Target::Range { from, to }),
            })
        })
        .collect()
}

/// Who waits most: "grace: 5 h 30 m waiting over 2 jobs, p95 wait 4 h 30
/// m", linking to the group as a filter when `filterable`.
pub fn who_items(groups: &[GroupWait], filterable: bool) -> Vec<Item> {
    groups
        .iter()
        .map(|g| {
            let p95 = g.p95_wait.map(format::length);
            Item {
                kind: "who-waits",
                text: (t().who_item)(&g.group, &format::length(g.waiting), g.jobs, p95.as_deref()),
                attrs: Attrs {
                    group: Some(g.group.clone()),
                    count: Some(g.jobs.to_string()),
                    seconds: Some(format::seconds_attr(g.waiting)),
                    ..Attrs::default()
                },
                target: filterable.then(|| Target::Group(g.group.clone())),
            }
        })
        .collect()
}

/// Failure spikes, newest first: "4 failures on Sat 21 Nov 14:00–15:00:
/// most by dave (2), launch job train-llm:v7 (3)", linking to the bucket.
pub fn spike_items(s: &FailureSpikes, zone: &Zone) -> Vec<Item> {
    s.spikes
        .iter()
        .map(|b| Item {
            kind: "failure-spike",
            text: (t().spike_item)(
                b.count,
                &format::window(b.start, b.end, zone),
                (b.user.as_str(), b.user_failures),
                (b.job.as_str(), b.job_failures),
            ),
            attrs: Attrs {
                count: Some(b.count.to_string()),
                ..Attrs::window(b.start, b.end)
            },
            target: Some(Target::Range {
                from: b.start,
                to: b.end,
            }),
        })
        .collect()
}

/// The line above the failure spikes: the rule in this view's figures.
pub fn spike_summary(s: &FailureSpikes, bucket: &str) -> String {
    (t().spike_summary)(
        bucket,
        s.threshold,
        &mean_text(s.median),
        s.at_floor(),
        s.count,
    )
}

/// Under-used GPUs, most unused GPU-hours first: "run-g1 (train-llm:v7,
/// grace): 3 % GPU use over 6 h 30 m, 6.3 GPU-hours unused", linking to
/// the run selected in Job runs.
pub fn under_used_items(u: &UnderUsed) -> Vec<Item> {
    u.runs
        .iter()
        .map(|r| Item {
            kind: "under-used",
            text: (t().under_used_item)(
                (r.run_id.as_str(), r.launch_job.as_str(), r.user.as_str()),
                &percent_text(r.mean_gpu),
                &format::length(r.run_len),
                r.unused_hours,
            ),
            attrs: Attrs {
                run_id: Some(r.run_id.clone()),
                seconds: Some(format::seconds_attr(r.run_len)),
                mean: Some(r.mean_gpu.to_string()),
                ..Attrs::default()
            },
            target: Some(Target::Run(r.job)),
        })
        .collect()
}

/// The line above the under-used GPUs: the rule, and the runs judged (or
/// that no run is in view: a range without runs, a queue where every job
/// waits).
pub fn under_used_summary(u: &UnderUsed) -> String {
    if u.in_view == 0 {
        return t().under_used_no_runs.into();
    }
    (t().under_used_summary)(
        (UNDER_USED_MAX_MEAN, UNDER_USED_MIN_RUN / 60_000),
        &format::count(u.loaded),
        &format::count(u.in_view),
        u.count,
    )
}

/// One cell of the hour-of-week heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    /// 0 = Monday.
    pub weekday: u8,
    /// 0 … 23.
    pub hour: u8,
    /// The mean jobs waiting; `None`: the range never reaches this hour.
    pub mean: Option<f64>,
    /// Its fill (`None`: empty).
    pub colour: Option<String>,
    /// What hovering it says: the hour and the exact mean.
    pub label: String,
}

/// The heat map's cells, Monday 00:00 first, coloured on one scale from 0
/// (`ends.0`) to the highest mean of the map (`ends.1`; the mean returned
/// too). The ends are the theme's `--qs-heat-low` and `--qs-heat-high`.
pub fn heat_cells(h: &WaitingByHour, ends: (Colour, Colour)) -> (Vec<HeatCell>, f64) {
    let max = h
        .cells
        .iter()
        .filter_map(HourCell::mean)
        .fold(0.0, f64::max);
    let cells = h
        .cells
        .iter()
        .map(|c| {
            let mean = c.mean();
            let hour = format::hour_of_week(c.weekday, c.hour);
            let label = match mean {
                Some(m) => (t().heat_label)(
                    &hour,
                    &jobs(&mean_text(m)),
                    &format::length(c.waiting),
                    &format::length(c.covered),
                ),
                None => (t().heat_outside)(&hour),
            };
            HeatCell {
                weekday: c.weekday,
                hour: c.hour,
                mean,
                colour: mean.map(|m| heat_colour(m, max, ends)),
                label,
            }
        })
        .collect();
    (cells, max)
}

/// The fill of a mean on the map's scale: from `low` at 0 to `high` at
/// `max` (linear, so twice the colour is twice the waiting).
pub fn heat_colour(mean: f64, max: f64, (low, high): (Colour, Colour)) -> String {
    let t = if max > 0.0 {
        (mean / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Colour(Rgb(high.0).mix(Rgb(low.0), t).0).css()
}

#[cfg(test)]
mod tests;
