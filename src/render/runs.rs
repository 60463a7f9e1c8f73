//! The Job runs chart: Plotly draws the axes (lanes down, time across);
//! the runs are core's raster ([`raster_runs`]) for the window on screen,
//! which the page puts on its canvas as they are (no image encoding).
//!
//! The y axis runs from 0 at the top to 1 at the bottom: lane `k` of `n`
//! is centred at `(k + 0.5) / n` ([`lane_of`] goes back). The frame then
//! does not change when a filter changes the number of lanes, so Plotly
//! redraws nothing; only the canvas is repainted.

use super::frame::{axes_frame, Frame, XAxis};
use super::marks::{Paint, Picture};
use super::{Chart, Palette};
use crate::format::{duration, short_time};
use crate::i18n::t;
use queuescope_core::analysis::JobRef;
use queuescope_core::analysis::{
    raster_runs, Brush, Groups, RasterWindow, RunBar, RunLayout, Zone,
};
use queuescope_core::time::format_rfc3339;
use queuescope_core::Ms;
use serde_json::{json, Value};

/// The lane coordinate (lane `k` centred at `k`) of y on Job runs' axis
/// (0 at the top, 1 at the bottom) with `lanes` lanes.
pub fn lane_of(y: f64, lanes: u32) -> f64 {
    y * f64::from(lanes.max(1)) - 0.5
}

/// Where lane coordinate `lane` lies on Job runs' axis with `lanes` lanes
/// (the inverse of [`lane_of`]).
pub fn y_of_lane(lane: f64, lanes: u32) -> f64 {
    (lane + 0.5) / f64::from(lanes.max(1))
}

/// Job runs' frame: the range across (wall-clock ms of the zone), the
/// lanes down (0 to 1, lane 0 on top), and a drag that selects (the brush).
pub fn job_runs(x_range: (Ms, Ms), uirevision: &str) -> Chart {
    axes_frame(
        &Frame {
            x_axis: XAxis::Time,
            x: (x_range.0 as f64, x_range.1 as f64),
            y: (1.0, 0.0),
            y_title: crate::i18n::t().axis_lanes,
            y_ticks: false,
            y_zoom: true,
            select: true,
            small: false,
        },
        uirevision,
    )
}

/// The runs for a window of the axes (y from 0 at the top to 1 at the
/// bottom): group colours from the shared palette, the runs a brush left
/// out (`brushed[job]` false) washed out.
pub fn runs_picture(
    layout: &RunLayout,
    win: &RasterWindow,
    (zone, palette): (&Zone, &Palette),
    brushed: Option<&[bool]>,
) -> Picture {
    let lanes = RasterWindow {
        y0: lane_of(win.y0, layout.lanes),
        y1: lane_of(win.y1, layout.lanes),
        ..*win
    };
    // Each group's colour and its washed-out one, mixed once (not once a
    // run: 100k mixes at 100k jobs).
    let own = palette.own_colours();
    let shades: Vec<[[u8; 4]; 2]> = (0..=own)
        .map(|g| {
            let c = palette.colour(g);
            [c.rgba(), c.faded(palette.surface)]
        })
        .collect();
    let px = raster_runs(
        layout,
        &lanes,
        |t| zone.wall_of(t) as f64,
        |bar| {
            let out = brushed.is_some_and(|m| !m.get(bar.job as usize).copied().unwrap_or(false));
            let shade = shades.get(usize::from(bar.group).min(own));
            shade.map_or([0; 4], |s| s[usize::from(out)])
        },
    );
    let mut p = Picture::of(win);
    if !px.is_empty() {
        p.paints.push(Paint::Pixels(px));
    }
    p
}

/// The hover card of a run on Job runs: plain text lines (the page shows
/// them as text, so nothing needs escaping).
pub fn run_tip(job: &JobRef<'_>, bar: &RunBar, zone: &Zone) -> Vec<String> {
    vec![
        format!(
            "{} · {}",
            job.run_name.unwrap_or(t().unnamed_run),
            job.run_id.unwrap_or(job.id)
        ),
        (t().tip_launch_job)(job.job),
        (t().tip_user)(job.user.unwrap_or("(none)")),
        format!(
            "{} → {} ({})",
            short_time(bar.start, zone.offset_at(bar.start)),
            short_time(bar.end, zone.offset_at(bar.end)),
            duration((bar.end - bar.start) as f64 / 1000.0)
        ),
    ]
}

/// What `window.queuescope.inspect("job-runs")` returns (SPEC §6 leaves
/// Job runs open; docs/design.md): one series per group in legend order,
/// raw name and colour, a run each: `x` its start and `end` its end (RFC
/// 3339 UTC), `y` its lane, `job_id`, and `brushed` whether the brush
/// selects it; at the top `lanes`, `brushed` as the number of runs the
/// brush selects, and `brush` (`from`, `to` RFC 3339 UTC, `lanes` as
/// [lowest, highest] lane coordinate) — both `null` without a brush.
pub fn runs_inspect(
    layout: &RunLayout,
    (groups, palette): (&Groups, &Palette),
    job_id: impl Fn(u32) -> String,
    (brush, brushed): (Option<&Brush>, Option<&[bool]>),
) -> Value {
    let n = groups.names.len().max(1);
    let mut series: Vec<Value> = (0..n)
        .map(|g| {
            let name = groups.names.get(g).map_or("", String::as_str);
            json!({"name": name, "color": palette.colour(g).css(),
                   "x": [], "end": [], "y": [], "job_id": [], "brushed": []})
        })
        .collect();
    let picked =
        |b: &RunBar| brushed.is_none_or(|m| m.get(b.job as usize).copied().unwrap_or(false));
    for b in &layout.bars {
        let Some(s) = series.get_mut(usize::from(b.group)) else {
            continue;
        };
        let mut push = |key: &str, v: Value| {
            if let Some(a) = s[key].as_array_mut() {
                a.push(v);
            }
        };
        push("x", format_rfc3339(b.start).into());
        push("end", format_rfc3339(b.end).into());
        push("y", b.lane.into());
        push("job_id", job_id(b.job).into());
        push("brushed", picked(b).into());
    }
    let count = brushed.map(|_| layout.bars.iter().filter(|b| picked(b)).count());
    let brush = brush.map(|b| {
        json!({"from": format_rfc3339(b.from), "to": format_rfc3339(b.to),
               "lanes": b.lanes.map(|(lo, hi)| [lo, hi])})
    });
    json!({"series": series, "lanes": layout.lanes, "brushed": count, "brush": brush})
}

#[cfg(test)]
mod tests;
