//! The Job runs chart: Plotly draws the axes and a legend of the groups;
//! the runs themselves are an image (core's `raster_runs`, encoded by the
//! page) laid on the axes, redrawn for the window on screen.

use super::frame::{config, date_axis, finish, legend, splice_layout, time_layout};
use super::{escape, Chart, Palette, Restyle};
use crate::format::{duration, short_time};
use plotly::common::{HoverInfo, Line, Mode, Title};
use plotly::layout::{Axis, DragMode, HoverMode, ItemClick};
use plotly::{Plot, Scatter};
use queuescope_core::analysis::JobRef;
use queuescope_core::analysis::{Groups, RasterWindow, RunBar, RunLayout, Zone};
use queuescope_core::Ms;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The picture of the runs for one window of the Job runs axes
/// ([`queuescope_core::analysis::raster_runs`], encoded by the page).
#[derive(Debug, Clone, PartialEq)]
pub struct RunsImage {
    /// Image URL (a `data:image/png` URL).
    pub source: String,
    /// The axes window it was drawn for (x in wall-clock ms, y in lanes).
    pub window: RasterWindow,
}

/// The legend: one trace a group (colour and name only); the first also
/// holds the axes' corners as two lone points (a line needs two
/// neighbours, so nothing is drawn): autoscale returns to them, and the
/// select tool has a trace. With no group, one trace for the corners alone.
fn legend_traces(plot: &mut Plot, groups: &Groups, palette: &Palette, x: (Ms, Ms), lanes: f64) {
    let mut corners = Some((
        vec![Some(x.0), None, Some(x.1)],
        vec![Some(-0.5), None, Some(lanes - 0.5)],
    ));
    let entries: Vec<(usize, &str)> = if groups.names.is_empty() {
        vec![(usize::MAX, "")]
    } else {
        groups
            .names
            .iter()
            .map(String::as_str)
            .enumerate()
            .collect()
    };
    for (i, name) in entries {
        let (x, y) = corners.take().unwrap_or((vec![None], vec![None]));
        plot.add_trace(
            Scatter::new(x, y)
                .name(escape(name))
                .mode(Mode::Lines)
                .line(Line::new().color(palette.colour(i).css()).width(10.0))
                .hover_info(HoverInfo::Skip)
                .show_legend(!name.is_empty()),
        );
    }
}

/// The layout image of the runs (none yet: an empty list).
fn image_json(image: Option<&RunsImage>) -> serde_json::Value {
    match image {
        Some(img) => serde_json::json!([{
            "source": img.source,
            "xref": "x",
            "yref": "y",
            "x": img.window.x0,
            "y": img.window.y0,
            "sizex": img.window.x1 - img.window.x0,
            "sizey": img.window.y1 - img.window.y0,
            "xanchor": "left",
            "yanchor": "top",
            "sizing": "stretch",
            "layer": "below",
        }]),
        None => serde_json::json!([]),
    }
}

/// Job runs: the axes, a legend of the groups (one colour each, the same
/// as in the other panels) and the runs as one image laid on the axes.
///
/// The runs are pixels, not points: at 100k runs a line segment per run
/// was ~400k WebGL points that Plotly had to parse, index for hover and
/// hit-test on every brush (seconds to a minute). The image is drawn for
/// the window on screen and redrawn when it changes (zoom, pan, resize);
/// hover is the app's own lookup ([`queuescope_core::analysis::LaneIndex`]).
/// Plotly's select tool (the default drag mode) reports the box, and core
/// does the rest.
pub fn job_runs(
    layout: &RunLayout,
    (groups, palette): (&Groups, &Palette),
    x_range: (Ms, Ms),
    image: Option<&RunsImage>,
    uirevision: &str,
) -> Chart {
    let lanes = layout.lanes.max(1) as f64;
    let mut plot = Plot::new();
    legend_traces(&mut plot, groups, palette, x_range, lanes);
    plot.set_layout(
        time_layout("lanes")
            .hover_mode(HoverMode::False)
            .drag_mode(DragMode::Select)
            .legend(
                legend()
                    .item_click(ItemClick::False)
                    .item_double_click(ItemClick::False),
            )
            .x_axis(date_axis().range(vec![x_range.0, x_range.1]))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("lanes"))
                    .range(vec![lanes - 0.5, -0.5])
                    .show_tick_labels(false)
                    .show_grid(false)
                    .zero_line(false),
            ),
    );
    plot.set_configuration(config());
    let images = image_json(image);
    // A zoom, a pan or a brush only changes the image: say so, so the glue
    // swaps it with `Plotly.relayout` instead of drawing a new figure. The
    // base is the figure without its image.
    let bare = finish(plot, uirevision).json;
    let mut base = std::hash::DefaultHasher::new();
    bare.hash(&mut base);
    Chart {
        json: Arc::from(splice_layout(&bare, "images", &images.to_string())),
        restyle: Some(Restyle {
            base: base.finish(),
            update: Arc::from(serde_json::json!({ "images": images }).to_string()),
            layout: true,
        }),
    }
}

/// The hover card of a run on Job runs: plain text lines (the page shows
/// them as text, so nothing needs escaping).
pub fn run_tip(job: &JobRef<'_>, bar: &RunBar, zone: &Zone) -> Vec<String> {
    vec![
        format!(
            "{} · {}",
            job.run_name.unwrap_or("(unnamed run)"),
            job.run_id.unwrap_or(job.id)
        ),
        format!("launch job: {}", job.job),
        format!("user: {}", job.user.unwrap_or("(none)")),
        format!(
            "{} → {} ({})",
            short_time(bar.start, zone.offset_at(bar.start)),
            short_time(bar.end, zone.offset_at(bar.end)),
            duration((bar.end - bar.start) as f64 / 1000.0)
        ),
    ]
}

#[cfg(test)]
mod tests;
