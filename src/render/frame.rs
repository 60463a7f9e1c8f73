//! What every figure shares: the layout frame (font, margins, transparent
//! background), the legend, the time axis, Plotly's config, and turning a
//! `plotly::Plot` into a [`Chart`].

use super::{escape, Chart};
use crate::format::wall_clock;
use plotly::common::{Font, Marker, Orientation, Title};
use plotly::layout::{Axis, AxisType, BarMode, HoverMode, Legend, Margin, RangeMode, TraceOrder};
use plotly::{Bar, Configuration, Layout, Plot};
use queuescope_core::analysis::{BucketGrid, Zone};
use std::sync::Arc;

/// x values of a grid: bucket starts as wall-clock strings in the zone.
pub fn bucket_x(grid: &BucketGrid, zone: &Zone) -> Vec<String> {
    grid.starts
        .iter()
        .map(|&s| wall_clock(s, zone.offset_at(s)))
        .collect()
}

/// The frame every figure shares: transparent background, the app's font,
/// tight margins (`left` leaves room for the y tick labels).
pub fn frame(left: usize, top: usize, font_size: usize) -> Layout {
    Layout::new()
        .margin(Margin::new().left(left).right(8).top(top).bottom(36))
        .auto_size(true)
        .font(
            Font::new()
                .family("Inter, system-ui, sans-serif")
                .size(font_size)
                .color("#2b2f36"),
        )
        .paper_background_color("rgba(0,0,0,0)")
        .plot_background_color("rgba(0,0,0,0)")
}

/// The legend on the right, in trace order.
pub fn legend() -> Legend {
    Legend::new()
        .orientation(Orientation::Vertical)
        .x(1.02)
        .y(1.0)
        .trace_order(TraceOrder::Normal)
}

/// The time axis of the bucket and run charts.
pub fn date_axis() -> Axis {
    Axis::new()
        .type_(AxisType::Date)
        .show_grid(false)
        .line_color("#c9ced6")
}

/// The layout of the time charts: frame, legend, date x axis, a y axis
/// from zero titled `y_title`.
pub fn time_layout(y_title: &str) -> Layout {
    // Room above the plot for Plotly's mode bar, which would otherwise
    // cover the legend's first entries while the pointer is on the chart.
    frame(56, 30, 12)
        .legend(legend())
        .x_axis(date_axis())
        .y_axis(
            Axis::new()
                .title(Title::with_text(y_title))
                .grid_color("#eceff3")
                .zero_line_color("#c9ced6")
                .range_mode(RangeMode::ToZero),
        )
        .hover_mode(HoverMode::XUnified)
}

/// Plotly's config for every chart.
pub fn config() -> Configuration {
    Configuration::new().responsive(true).display_logo(false)
}

/// Serialises a plot and sets `layout.uirevision`, which plotly.rs's
/// `Layout` lacks: zoom and selection survive updates with the same revision.
///
/// The key is spliced into the serialised text ([`splice_layout`]) rather
/// than going through a `serde_json::Value`: with 100k runs the figure was
/// tens of MB, and a parse + re-serialise round trip cost as much as
/// building it. The first `"layout":{` is the plot's own key: inside a
/// JSON string a quote is always escaped, and no trace has a `layout` key.
pub fn finish(plot: Plot, uirevision: &str) -> Chart {
    let rev = serde_json::to_string(uirevision).unwrap_or_else(|_| "\"\"".into());
    Chart {
        json: Arc::from(splice_layout(&plot.to_json(), "uirevision", &rev)),
        restyle: None,
    }
}

/// Adds `"key": value` (value already JSON) at the start of the figure's
/// layout object, for the layout keys plotly.rs lacks (`uirevision`,
/// `images`).
pub fn splice_layout(json: &str, key: &str, value: &str) -> String {
    const KEY: &str = "\"layout\":{";
    let Some(i) = json.find(KEY) else {
        return json.to_string();
    };
    let at = i + KEY.len();
    let empty = json[at..].starts_with('}');
    let key = serde_json::Value::from(key);
    let mut out = String::with_capacity(json.len() + value.len() + 32);
    out.push_str(&json[..at]);
    out.push_str(&format!("{key}:{value}"));
    if !empty {
        out.push(',');
    }
    out.push_str(&json[at..]);
    out
}

/// One trace of stacked bars: name (raw), values, colour.
pub struct BarTrace<'a, Y> {
    /// The trace name as the data has it (escaped here).
    pub name: &'a str,
    /// One value per bucket.
    pub y: &'a [Y],
    /// `#rrggbb`.
    pub colour: String,
}

/// Stacked bars over the bucket grid, one trace per [`BarTrace`], with
/// `hover` the value format of the hover label (`%{y}`, ...).
pub fn stacked_bars<'a, Y: serde::Serialize + Clone + 'static>(
    traces: impl Iterator<Item = BarTrace<'a, Y>>,
    (grid, zone): (&BucketGrid, &Zone),
    y_title: &str,
    hover: &str,
    uirevision: &str,
) -> Chart {
    let x = bucket_x(grid, zone);
    let mut plot = Plot::new();
    for t in traces {
        let name = escape(t.name);
        let trace = Bar::new(x.clone(), t.y.to_vec())
            .name(&name)
            .marker(Marker::new().color(t.colour))
            .hover_template(format!("{name}: {hover}<extra></extra>"));
        plot.add_trace(trace);
    }
    plot.set_layout(time_layout(y_title).bar_mode(BarMode::Stack).bar_gap(0.08));
    plot.set_configuration(config());
    finish(plot, uirevision)
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::analysis::{LocalZone, TimeRange};

    const H: i64 = 3_600_000;

    #[test]
    fn local_zone_shifts_the_x_labels() {
        let zone = Zone::Local(LocalZone::fixed(9 * H));
        let grid = BucketGrid::new(TimeRange::new(0, 2 * H), H, &zone);
        let x = bucket_x(&grid, &zone);
        assert_eq!(x.len(), grid.len());
        // Bucket starts are local multiples of the width, shown as local wall clock.
        assert!(x[0].ends_with(":00:00"), "{x:?}");
        assert_eq!(x[0], wall_clock(grid.starts[0], 9 * H));
    }

    #[test]
    fn splice_adds_a_key_to_the_layout() {
        assert_eq!(
            splice_layout(r#"{"data":[],"layout":{}}"#, "k", "1"),
            r#"{"data":[],"layout":{"k":1}}"#
        );
        assert_eq!(
            splice_layout(r#"{"layout":{"a":2}}"#, "k", "1"),
            r#"{"layout":{"k":1,"a":2}}"#
        );
    }
}
