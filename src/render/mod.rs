//! Drawing: pure functions from core's analysis output to what the page
//! shows. A chart is a Plotly *frame* ([`Chart`]: axes, ticks, zoom, mode
//! bar, no marks) and the *marks* the app draws on a canvas over the plot
//! area ([`marks`]: bars, lines, the runs' raster), plus its hover cards
//! and what `window.queuescope.inspect` returns. All of it is tested
//! natively; the browser side ([`crate::plotly_glue`], [`crate::hooks`])
//! only hands frames to Plotly and replays pictures on canvases.
//! [`frame`] holds what every frame shares, [`palette`] the group colours,
//! and each chart has its own module.
//!
//! Plotly renders axis titles as pseudo-HTML; every other text (hover
//! cards, legends) is the app's own and set as text, so backend strings
//! are never HTML anywhere.

pub mod bars;
pub mod frame;
pub mod marks;
pub mod palette;
pub mod queued;
pub mod runs;
pub mod status;
pub mod usage;

pub use bars::BarChart;
pub use marks::{Paint, Picture};
pub use palette::{Colour, FrameColours, Palette, Tokens};
pub use queued::queued_time;
pub use runs::{job_runs, run_tip, runs_inspect, runs_picture};
pub use status::job_status;
pub use usage::{usage, UsageChart, UsageLine, UsageSeries};

use std::sync::Arc;

#[cfg(test)]
pub(crate) mod summary_tests {
    use super::summary;

    /// A chart model's totals are what its `inspect` shows: per series its
    /// name, its number of values and the sum of those that are numbers.
    pub fn assert_totals_match_inspect(c: &impl super::ChartModel) {
        let v = c.inspect();
        let from_json: Vec<(String, usize, f64)> = v["series"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|s| {
                let ys = s["y"].as_array().map(Vec::as_slice).unwrap_or(&[]);
                let total = ys.iter().filter_map(serde_json::Value::as_f64).sum();
                (
                    s["name"].as_str().unwrap_or("").to_string(),
                    ys.len(),
                    total,
                )
            })
            .collect();
        let totals: Vec<(String, usize, f64)> = c
            .totals()
            .into_iter()
            .map(|(n, p, t)| (n.to_string(), p, t))
            .collect();
        assert_eq!(totals, from_json);
    }

    #[test]
    fn names_the_largest_series() {
        assert_eq!(
            summary(&[("a", 2, 3.0), ("b", 2, 5.0)]),
            "2 series, 4 values; the largest total is b (5)."
        );
        assert_eq!(summary(&[]), "No data in this chart.");
    }
}

/// A figure ready for Plotly: `{"data", "layout", "config"}` as JSON.
/// Compared by value, so an unchanged frame is never redrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The figure.
    pub json: Arc<str>,
    /// A hash of the figure without the part `relayout` sets.
    pub base: u64,
    /// When only a y range the user cannot zoom changes between two
    /// figures of a chart (a filter on a bar chart), the update for
    /// `Plotly.relayout`: the glue applies it instead of `Plotly.react`
    /// when the figure on screen has the same `base`.
    pub relayout: Option<Arc<str>>,
}

/// A chart that is one value: its frame, its marks and its `inspect`
/// answer derive from it (the bar charts, the usage charts).
pub trait ChartModel {
    /// The frame for Plotly.
    fn frame(&self) -> &Chart;
    /// The marks for a window of the axes, at `scale` device pixels a CSS
    /// pixel.
    fn picture(&self, win: &queuescope_core::analysis::RasterWindow, scale: f64) -> Picture;
    /// What `window.queuescope.inspect` returns for the panel.
    fn inspect(&self) -> serde_json::Value;
    /// Each series of `inspect` as the text alternative counts it
    /// ([`SeriesTotal`]), without building `inspect`'s JSON (all of every
    /// series' values, on every change of the chart: ~5 ms a filter for
    /// the usage charts).
    fn totals(&self) -> Vec<SeriesTotal<'_>>;
}

/// A series as a chart's text alternative counts it: its name, how many
/// values it has, and the sum of those that are numbers (`inspect` gives a
/// gap, or a value that is not finite, as `null`).
pub type SeriesTotal<'a> = (&'a str, usize, f64);

/// The sum of a series' finite values (see [`SeriesTotal`]).
pub fn finite_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().filter(|v| v.is_finite()).sum()
}

/// A chart's text alternative, from its series' totals
/// ([`ChartModel::totals`]): how many series and values, and the series
/// with the largest total, in the page's language. Screen readers read it
/// before the chart, which they cannot see.
pub fn summary(series: &[SeriesTotal<'_>]) -> String {
    let points = series.iter().map(|s| s.1).sum::<usize>();
    let mut top: Option<(&str, f64)> = None;
    for &(name, _, total) in series {
        if top.is_none_or(|(_, t)| total > t) {
            top = Some((name, total));
        }
    }
    let w = crate::i18n::t();
    match top {
        None => w.chart_empty.to_string(),
        Some((name, total)) => (w.chart_summary)(
            series.len(),
            points,
            name,
            &crate::format::count(total.round().max(0.0) as usize),
        ),
    }
}

/// The box of a select drag (the glue's brush layer, by Plotly's select
/// rules: [`drag_box`]), in axis units (x: wall-clock ms on a date axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelectBox {
    /// Left and right edges.
    pub x: (f64, f64),
    /// Top and bottom edges.
    pub y: (f64, f64),
    /// Taken at the mouse's release; `false`: the box so far of a drag
    /// still under way (for prefetching, never a brush).
    pub done: bool,
}

/// A brush as a chart shows it: x in axis units (wall-clock ms on a date
/// axis), y in axis units, or the whole height (`None`: the brush does not
/// limit y).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisBox {
    /// Left and right ends (either order).
    pub x: (f64, f64),
    /// Top and bottom ends (either order), or the whole height.
    pub y: Option<(f64, f64)>,
}

/// Where `b` lies on a plot area of `size` (CSS px) showing `x` (left,
/// right) and `y` (top, bottom): `(left, top, width, height)` in plot px,
/// clamped to the area; `None` when nothing of it is in view.
pub fn box_on_plot(
    b: &AxisBox,
    (x, y): ((f64, f64), (f64, f64)),
    (w, h): (f64, f64),
) -> Option<(f64, f64, f64, f64)> {
    let along = |v: f64, (a, b): (f64, f64), len: f64| (v - a) / (b - a) * len;
    let span = |(p, q): (f64, f64), len: f64| {
        let (p, q) = (p.min(q).clamp(0.0, len), p.max(q).clamp(0.0, len));
        (p.is_finite() && q.is_finite()).then_some((p, q - p))
    };
    let (left, width) = span((along(b.x.0, x, w), along(b.x.1, x, w)), w)?;
    let (top, height) = match b.y {
        Some((p, q)) => span((along(p, y, h), along(q, y, h)), h)?,
        None => (0.0, h),
    };
    // A box on one edge (all of it outside) is not shown; a flat one of a
    // brush in view is at least a line.
    let outside = |start: f64, len: f64, size: f64| len == 0.0 && (start == 0.0 || start == size);
    (!outside(left, width, w) && !outside(top, height, h)).then_some((left, top, width, height))
}

/// Plotly's least drag (px, on either axis) that is not a click.
const MIN_DRAG: f64 = 8.0;
/// Plotly's select tool: a drag thinner than this (px) on one axis
/// selects the whole other axis.
const MIN_SELECT: f64 = 12.0;

/// The box Plotly's select tool draws for a drag over a plot area of
/// `size` (CSS px) from `start` to `end` (plot px; the end may lie outside
/// and is clamped, as Plotly does), with its rules: a drag under 8 px on
/// both axes is a click (`None`); a nearly flat drag selects the whole
/// height, a nearly upright one the whole width. As `((x0, x1), (y0, y1))`
/// in plot px, each sorted.
pub fn drag_box(
    size: (f64, f64),
    start: (f64, f64),
    end: (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (w, h) = size;
    let (m, s) = start;
    if (end.0 - m).abs() < MIN_DRAG && (end.1 - s).abs() < MIN_DRAG {
        return None;
    }
    let (p, r) = (end.0.clamp(0.0, w), end.1.clamp(0.0, h));
    let (dx, dy) = ((p - m).abs(), (r - s).abs());
    let sorted = |a: f64, b: f64| (a.min(b), a.max(b));
    Some(if dy < (dx * 0.6).min(MIN_SELECT) {
        (sorted(m, p), (0.0, h))
    } else if dx < (dy * 0.6).min(MIN_SELECT) {
        ((0.0, w), sorted(s, r))
    } else {
        (sorted(m, p), sorted(s, r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_on_the_plot_follows_the_axes() {
        let axes = ((100.0, 500.0), (1.0, 0.0));
        let size = (400.0, 200.0);
        let b = AxisBox {
            x: (300.0, 200.0),
            y: Some((0.25, 0.75)),
        };
        assert_eq!(
            box_on_plot(&b, axes, size),
            Some((100.0, 50.0, 100.0, 100.0))
        );
        // The whole height; clamped at the edges of a zoomed view.
        let tall = AxisBox {
            x: (50.0, 150.0),
            y: None,
        };
        assert_eq!(
            box_on_plot(&tall, axes, size),
            Some((0.0, 0.0, 50.0, 200.0))
        );
        // Out of view: nothing.
        let gone = AxisBox {
            x: (600.0, 700.0),
            y: None,
        };
        assert_eq!(box_on_plot(&gone, axes, size), None);
        let nan = AxisBox {
            x: (f64::NAN, 1.0),
            y: None,
        };
        assert_eq!(box_on_plot(&nan, axes, size), None);
    }

    #[test]
    fn drags_follow_plotly_select_rules() {
        let size = (400.0, 200.0);
        assert_eq!(
            drag_box(size, (100.0, 50.0), (105.0, 55.0)),
            None,
            "a click"
        );
        assert_eq!(
            drag_box(size, (100.0, 50.0), (300.0, 150.0)),
            Some(((100.0, 300.0), (50.0, 150.0)))
        );
        // Past the plot area: clamped.
        assert_eq!(
            drag_box(size, (300.0, 150.0), (900.0, -40.0)),
            Some(((300.0, 400.0), (0.0, 150.0)))
        );
        // Nearly flat: the whole height; nearly upright: the whole width.
        assert_eq!(
            drag_box(size, (100.0, 50.0), (300.0, 60.0)),
            Some(((100.0, 300.0), (0.0, 200.0)))
        );
        assert_eq!(
            drag_box(size, (100.0, 50.0), (105.0, 150.0)),
            Some(((0.0, 400.0), (50.0, 150.0)))
        );
    }
}
