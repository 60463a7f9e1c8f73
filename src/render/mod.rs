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
pub use palette::{Colour, Palette, OTHER_COLOUR};
pub use queued::queued_time;
pub use runs::{job_runs, run_tip, runs_inspect, runs_picture};
pub use status::job_status;
pub use usage::{usage, UsageChart, UsageLine};

use std::sync::Arc;

/// A figure ready for Plotly: `{"data", "layout", "config"}` as JSON.
/// Compared by value, so an unchanged frame is never redrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The figure.
    pub json: Arc<str>,
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
}

/// A box drawn with Plotly's select tool on a date x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectBox {
    /// Left edge, as Plotly reports it (wall-clock date string).
    pub x0: String,
    /// Right edge.
    pub x1: String,
    /// Bottom and top on the y axis (lanes), if the box limits y.
    pub y: Option<(f64, f64)>,
}
