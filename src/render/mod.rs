//! Drawing: pure functions from core's analysis output to what the page
//! draws. A chart is a Plotly figure ([`Chart`], its JSON) built here and
//! tested natively through that JSON; the browser side
//! ([`crate::plotly_glue`]) only hands it to Plotly.js. [`frame`] holds
//! what every figure shares (layout, legend, axes), [`palette`] the group
//! colours, and each chart has its own module.
//!
//! Plotly renders trace names, hover text and axis titles as pseudo-HTML,
//! so every string that came from the backend goes through [`escape`].

pub mod frame;
pub mod palette;
pub mod queued;
pub mod runs;
pub mod status;
pub mod usage;

pub use palette::{Colour, Palette};
pub use queued::queued_time;
pub use runs::{job_runs, run_tip, RunsImage};
pub use status::job_status;
pub use usage::{usage, UsageLine};

use std::sync::Arc;

/// A figure ready for Plotly: `{"data", "layout", "config"}` as JSON.
/// Compared by value, so an unchanged figure is never redrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The figure.
    pub json: Arc<str>,
    /// When only one part of the figure can change between two figures of
    /// this chart (the usage lines' colours, Job runs' image), the cheaper
    /// update: the glue applies it instead of `Plotly.react` with a whole
    /// new figure when the figure on screen has the same `base`.
    pub restyle: Option<Restyle>,
}

/// A partial update of a figure (see [`Chart::restyle`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restyle {
    /// A hash of everything in the figure but the part that changes.
    pub base: u64,
    /// The update, as JSON: for `Plotly.restyle` (`{"line.color": [...]}`)
    /// or, when `layout` is set, for `Plotly.relayout` (`{"images": [...]}`).
    pub update: Arc<str>,
    /// The update is to the layout (`Plotly.relayout`), not the traces.
    pub layout: bool,
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

/// Escapes text for Plotly's pseudo-HTML labels.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_text_text() {
        assert_eq!(
            escape("<b>x</b> & \"y\""),
            "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(escape("alice"), "alice");
    }
}
