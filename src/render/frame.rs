//! The frame Plotly draws around the app's marks: layout (font, margins,
//! transparent background), the axes with their ranges and titles, the
//! mode bar, and one invisible trace at the axes' corners, so Plotly's
//! autoscale (mode bar, double-click) returns to the whole extent. Job
//! runs' drag mode is `select`, which tells the glue's brush layer to take
//! the drag (Plotly's select tool itself is never engaged). The figure holds no marks
//! and no legend (the app draws both), so redrawing it is cheap and a
//! change of the data that keeps the extent does not touch it at all.

use super::{Chart, FrameColours};
use plotly::common::{HoverInfo, Mode, PlotType};
use plotly::layout::{AxisType, DragMode, HoverMode, Margin};
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    /// Time: wall-clock milliseconds in the view's zone (what Plotly's
    /// date axis shows as that wall clock).
    Time,
    /// Seconds since a run started.
    Seconds,
}

/// A chart's frame: the axes and how a drag acts on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// The x axis kind.
    pub x_axis: XAxis,
    /// x at the left and right edges.
    pub x: (f64, f64),
    /// y as Plotly's `range` takes it: at the bottom, then at the top (a
    /// lane axis, lane 0 on top, is reversed).
    pub y: (f64, f64),
    /// The y axis title.
    pub y_title: &'a str,
    /// Tick labels and grid on the y axis (lanes have neither).
    pub y_ticks: bool,
    /// The user may zoom the y axis. When not (the bar charts, zoomed in
    /// time only), y is the app's alone: a change of it alone is a
    /// `Plotly.relayout` of the range ([`Chart::relayout`]), the cheapest
    /// redraw Plotly has.
    pub y_zoom: bool,
    /// A drag selects a box (Job runs' brush) instead of zooming.
    pub select: bool,
    /// The compact frame of the small usage charts.
    pub small: bool,
}

/// The frame's layout: the keys of plotly.rs's `Layout` that a frame sets,
/// in `Layout`'s order, with the crate's `Margin` and enums as values.
/// Serialising `Layout` compiles its every field's serialiser (scenes, maps,
/// sliders, menus ...), 20-odd kB of wasm for ten keys (docs/design.md,
/// "Wasm size, fifth round"); the test `same_as_plot` holds the JSON to
/// `Plot::to_json` of the `Layout` the builders make, byte for byte.
#[derive(Serialize)]
struct FrameLayout<'a> {
    showlegend: bool,
    margin: Margin,
    autosize: bool,
    font: FrameFont,
    paper_bgcolor: &'static str,
    plot_bgcolor: &'static str,
    hovermode: HoverMode,
    dragmode: DragMode,
    xaxis: FrameAxis<'a>,
    yaxis: FrameAxis<'a>,
}

/// An axis: the keys of plotly.rs's `Axis` that a frame sets, in its order
/// (see [`FrameLayout`]; `Axis`'s serialiser alone was 12 kB of wasm).
#[derive(Serialize)]
struct FrameAxis<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<Text<'a>>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<AxisType>,
    range: [f64; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    fixedrange: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    showticklabels: Option<bool>,
    showgrid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    zeroline: Option<bool>,
}

/// A title: plotly.rs's `Title` with a text alone. `Title`, `Font` and
/// `Line` have colour fields (`Box<dyn Color>`), whose serialiser is
/// `erased_serde`'s (6 kB of wasm), so the frame's are its own too.
#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

/// The frame's font: plotly.rs's `Font` with a family and a size.
#[derive(Serialize)]
struct FrameFont {
    family: &'static str,
    size: usize,
}

/// The corners' line: plotly.rs's `Line` with a width alone.
#[derive(Serialize)]
struct Width {
    width: f64,
}

/// Plotly's config for every chart: the keys of plotly.rs's
/// `Configuration` it sets, in its order (see [`FrameLayout`]).
#[derive(Serialize)]
struct FrameConfig {
    displaylogo: bool,
    responsive: bool,
    /// The page language's Plotly locale (registered by the glue before the
    /// first draw); none in English, Plotly's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<&'static str>,
}

/// The one invisible trace: the corners of the axes as two lone points (a
/// line needs two neighbours, so nothing is drawn). The keys plotly.rs's
/// `Scatter` writes for it, in its order (see [`FrameLayout`] for why not
/// `Scatter` itself).
#[derive(Serialize)]
struct Corners {
    r#type: PlotType,
    showlegend: bool,
    mode: Mode,
    x: [f64; 3],
    y: [f64; 3],
    hoverinfo: HoverInfo,
    line: Width,
}

impl Corners {
    fn new(x: (f64, f64), y: (f64, f64)) -> Self {
        Corners {
            r#type: PlotType::Scatter,
            showlegend: false,
            mode: Mode::Lines,
            x: [x.0, f64::NAN, x.1],
            y: [y.0, f64::NAN, y.1],
            hoverinfo: HoverInfo::Skip,
            line: Width { width: 0.0 },
        }
    }
}

/// The figure of a frame, with `uirevision` (zoom survives redraws of the
/// same view). Its `base` is the figure without the y range where the user
/// cannot zoom y, and `relayout` sets that range.
pub fn axes_frame(f: &Frame<'_>, uirevision: &str) -> Chart {
    let json = figure(f, uirevision);
    if f.y_zoom {
        return Chart {
            base: hash(&json),
            json,
            relayout: None,
        };
    }
    let base = hash(&figure(
        &Frame {
            y: (0.0, 0.0),
            ..f.clone()
        },
        uirevision,
    ));
    let relayout = serde_json::json!({ "yaxis.range": [f.y.0, f.y.1] }).to_string();
    Chart {
        json,
        base,
        relayout: Some(Arc::from(relayout)),
    }
}

fn hash(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The mode bar of a frame that brushes: Plotly's own for a date axis
/// (image; zoom and pan; zoom in and out, autoscale, reset) with Box Select.
const BRUSH_MODE_BAR: &str = r#"[["toImage"],["zoom2d","pan2d","select2d"],["zoomIn2d","zoomOut2d","autoScale2d","resetScale2d"]]"#;

/// The figure's JSON (see [`axes_frame`]).
fn figure(f: &Frame<'_>, uirevision: &str) -> Arc<str> {
    let (trace, layout, config) = parts(f);
    let figure = Figure {
        data: [&trace],
        layout: &layout,
        config: &config,
    };
    let json = finish(&figure, uirevision);
    if !f.select {
        return json;
    }
    // The mode bar with Box Select, which Plotly offers only for traces
    // with markers (and ignores in `modeBarButtonsToAdd`), so the list is
    // given whole (plotly.rs's `Configuration` cannot say it): without it a
    // user who picked Zoom or Pan could not go back to brushing.
    Arc::from(splice_into(
        &json,
        "config",
        "modeBarButtons",
        BRUSH_MODE_BAR,
    ))
}

/// The figure's trace, layout and config.
fn parts<'a>(f: &Frame<'a>) -> (Corners, FrameLayout<'a>, FrameConfig) {
    let (left, top, font) = if f.small { (44, 8, 11) } else { (56, 30, 12) };
    let (title, kind) = match f.x_axis {
        XAxis::Time => (None, Some(AxisType::Date)),
        XAxis::Seconds => (Some(crate::i18n::t().axis_since_start), None),
    };
    let x_axis = FrameAxis {
        title: title.map(|text| Text { text }),
        kind,
        range: [f.x.0, f.x.1],
        fixedrange: None,
        showticklabels: None,
        showgrid: false,
        zeroline: None,
    };
    let y_axis = FrameAxis {
        title: Some(Text { text: f.y_title }),
        kind: None,
        range: [f.y.0, f.y.1],
        fixedrange: Some(!f.y_zoom),
        showticklabels: Some(f.y_ticks),
        showgrid: f.y_ticks,
        zeroline: Some(false),
    };
    // Where y is the app's alone, the corners need not span it (autoscale
    // leaves a fixed axis be): constant, so a new y range is no new data.
    let corner_y = if f.y_zoom { f.y } else { (0.0, 1.0) };
    // Transparent background, the app's font, tight margins (`left` leaves
    // room for the y tick labels, `top` for the mode bar).
    let layout = FrameLayout {
        showlegend: false,
        margin: Margin::new().left(left).right(8).top(top).bottom(36),
        autosize: true,
        font: FrameFont {
            family: "Inter, system-ui, sans-serif",
            size: font,
        },
        paper_bgcolor: TRANSPARENT,
        plot_bgcolor: TRANSPARENT,
        hovermode: HoverMode::False,
        dragmode: if f.select {
            DragMode::Select
        } else {
            DragMode::Zoom
        },
        xaxis: x_axis,
        yaxis: y_axis,
    };
    let config = FrameConfig {
        displaylogo: false,
        responsive: true,
        locale: crate::i18n::t().plotly.map(|l| l.name),
    };
    (Corners::new(f.x, corner_y), layout, config)
}

const TRANSPARENT: &str = "rgba(0,0,0,0)";

/// The figure in the theme's colours (text, axis lines, grid, mode bar):
/// the frames are built without colours and coloured here, where the
/// chart meets the page, so a theme change redraws every frame (its
/// `base` differs) and nothing else.
pub fn themed(chart: &Chart, c: &FrameColours) -> Chart {
    let mut h = std::hash::DefaultHasher::new();
    (chart.base, c).hash(&mut h);
    let base = h.finish();
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&chart.json) else {
        return Chart {
            base,
            ..chart.clone()
        };
    };
    if let Some(layout) = v.get_mut("layout").and_then(|l| l.as_object_mut()) {
        let font = layout
            .entry("font")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(font) = font.as_object_mut() {
            font.insert("color".into(), c.text.css().into());
        }
        for axis in ["xaxis", "yaxis"] {
            if let Some(a) = layout.get_mut(axis).and_then(|a| a.as_object_mut()) {
                a.insert("linecolor".into(), c.axis.css().into());
                a.insert("tickcolor".into(), c.axis.css().into());
                a.insert("gridcolor".into(), c.grid.css().into());
            }
        }
        layout.insert(
            "modebar".into(),
            serde_json::json!({"bgcolor": "rgba(0,0,0,0)", "color": c.modebar.css(),
                "activecolor": c.modebar_active.css()}),
        );
    }
    Chart {
        json: Arc::from(v.to_string()),
        base,
        relayout: chart.relayout.clone(),
    }
}

/// The top of a value axis that shows `max` with a little headroom (as
/// Plotly's own autorange would), and 1 when there is nothing to show.
pub fn value_top(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.05
    } else {
        1.0
    }
}

/// A figure as `Plotly.newPlot`/`react` take it, of the plotly crate's
/// types: what `plotly::Plot` serialises, but with the trace's concrete
/// type. `Plot` holds its traces as `Box<dyn Trace>` and serialises them
/// through `erased_serde` (a second copy of every trace type's serialiser,
/// and `dyn_clone`): 80 kB of the wasm before wasm-opt, ~25 kB gzip, for the
/// one invisible trace a frame has (docs/design.md, "The frame's figure
/// without `Plot`"). The test `same_as_plot` holds it to `Plot::to_json`.
#[derive(Serialize)]
struct Figure<'a> {
    data: [&'a Corners; 1],
    layout: &'a FrameLayout<'a>,
    config: &'a FrameConfig,
}

/// Serialises a figure and sets `layout.uirevision`, which plotly.rs's
/// `Layout` lacks: zoom and selection survive updates with the same revision.
///
/// The key is spliced into the serialised text ([`splice_layout`]) rather
/// than going through a `serde_json::Value`. The first `"layout":{` is the
/// figure's own key: inside a JSON string a quote is always escaped, and no
/// trace has a `layout` key.
fn finish(figure: &Figure<'_>, uirevision: &str) -> Arc<str> {
    let rev = serde_json::to_string(uirevision).unwrap_or_else(|_| "\"\"".into());
    // Serialising plain data into a String cannot fail (serde_json fails
    // only on non-string map keys and failing `Serialize` impls); an empty
    // figure would be drawn as an empty chart, not a panic.
    let json = serde_json::to_string(figure).unwrap_or_default();
    Arc::from(splice_layout(&json, "uirevision", &rev))
}

/// Adds `"key": value` (value already JSON) at the start of the figure's
/// layout object, for the layout keys plotly.rs lacks (`uirevision`).
pub fn splice_layout(json: &str, key: &str, value: &str) -> String {
    splice_into(json, "layout", key, value)
}

/// Adds `"key": value` (value already JSON) at the start of the figure's
/// `object` (`layout`, `config`): its first `"object":{` is the figure's
/// own key (inside a JSON string a quote is always escaped, and no trace or
/// layout has such a key).
fn splice_into(json: &str, object: &str, key: &str, value: &str) -> String {
    let head = format!("\"{object}\":{{");
    let Some(i) = json.find(&head) else {
        return json.to_string();
    };
    let at = i + head.len();
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

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

    /// A time frame of jobs, 1000-5000 across, 0-42 up.
    fn jobs_frame(y_zoom: bool) -> Frame<'static> {
        Frame {
            x_axis: XAxis::Time,
            x: (1000.0, 5000.0),
            y: (0.0, 42.0),
            y_title: "jobs",
            y_ticks: true,
            y_zoom,
            select: false,
            small: false,
        }
    }

    #[test]
    fn a_frame_is_axes_and_an_invisible_corners_trace() {
        let f = jobs_frame(true);
        let v: Value = serde_json::from_str(&axes_frame(&f, "q|\"r\"").json).unwrap();
        let data = v["data"].as_array().unwrap();
        assert_eq!(data.len(), 1, "no mark traces");
        assert_eq!(data[0]["x"], json!([1000.0, null, 5000.0]));
        assert_eq!(data[0]["y"], json!([0.0, null, 42.0]));
        assert_eq!(data[0]["hoverinfo"], "skip");
        assert_eq!(data[0]["showlegend"], false);
        let l = &v["layout"];
        assert_eq!(l["uirevision"], "q|\"r\"");
        assert_eq!(l["showlegend"], false);
        assert_eq!(l["hovermode"], false);
        assert_eq!(l["dragmode"], "zoom");
        assert_eq!(l["xaxis"]["type"], "date");
        assert_eq!(l["xaxis"]["range"], json!([1000.0, 5000.0]));
        assert_eq!(l["yaxis"]["range"], json!([0.0, 42.0]));
        assert_eq!(l["yaxis"]["title"]["text"], "jobs");
        assert_eq!(v["config"]["responsive"], true);
    }

    #[test]
    fn a_y_the_user_cannot_zoom_changes_by_relayout_alone() {
        let f = jobs_frame(false);
        let a = axes_frame(&f, "r");
        let b = axes_frame(
            &Frame {
                y: (0.0, 7.0),
                ..f.clone()
            },
            "r",
        );
        assert_eq!(a.base, b.base, "only the y range differs");
        assert_eq!(b.relayout.as_deref(), Some(r#"{"yaxis.range":[0.0,7.0]}"#));
        let v: Value = serde_json::from_str(&b.json).unwrap();
        assert_eq!(v["layout"]["yaxis"]["fixedrange"], true);
        assert_eq!(v["layout"]["yaxis"]["range"], json!([0.0, 7.0]));
        assert_eq!(
            v["data"][0]["y"],
            json!([0.0, null, 1.0]),
            "constant corners"
        );
        let c = axes_frame(
            &Frame {
                x: (0.0, 5000.0),
                ..f.clone()
            },
            "r",
        );
        assert_ne!(a.base, c.base, "another x range is a new figure");
        assert_ne!(a.base, axes_frame(&f, "s").base, "another revision too");
    }

    /// The frame as plotly.rs's builders make it: the `Scatter`, `Layout`
    /// (with its `Axis`es) and `Configuration` that [`Corners`],
    /// [`FrameLayout`] and [`FrameConfig`] stand for.
    fn plotly_parts(
        f: &Frame<'_>,
    ) -> (
        Box<plotly::Scatter<f64, f64>>,
        plotly::Layout,
        plotly::Configuration,
    ) {
        use plotly::common::{Font, Line, Title};
        use plotly::layout::Axis;
        let (left, top, font) = if f.small { (44, 8, 11) } else { (56, 30, 12) };
        let x_axis = match f.x_axis {
            XAxis::Time => Axis::new().type_(AxisType::Date),
            XAxis::Seconds => {
                Axis::new().title(Title::with_text(crate::i18n::t().axis_since_start))
            }
        }
        .show_grid(false)
        .range(vec![f.x.0, f.x.1]);
        let y_axis = Axis::new()
            .title(Title::with_text(f.y_title))
            .range(vec![f.y.0, f.y.1])
            .fixed_range(!f.y_zoom)
            .show_tick_labels(f.y_ticks)
            .show_grid(f.y_ticks)
            .zero_line(false);
        let corner_y = if f.y_zoom { f.y } else { (0.0, 1.0) };
        let trace = plotly::Scatter::new(
            vec![f.x.0, f64::NAN, f.x.1],
            vec![corner_y.0, f64::NAN, corner_y.1],
        )
        .mode(Mode::Lines)
        .line(Line::new().width(0.0))
        .hover_info(HoverInfo::Skip)
        .show_legend(false);
        let layout = plotly::Layout::new()
            .margin(Margin::new().left(left).right(8).top(top).bottom(36))
            .auto_size(true)
            .font(
                Font::new()
                    .family("Inter, system-ui, sans-serif")
                    .size(font),
            )
            .paper_background_color("rgba(0,0,0,0)")
            .plot_background_color("rgba(0,0,0,0)")
            .show_legend(false)
            .hover_mode(HoverMode::False)
            .drag_mode(if f.select {
                DragMode::Select
            } else {
                DragMode::Zoom
            })
            .x_axis(x_axis)
            .y_axis(y_axis);
        let config = plotly::Configuration::new()
            .responsive(true)
            .display_logo(false);
        (trace, layout, config)
    }

    /// The figure is what `plotly::Plot` serialises for plotly.rs's own
    /// `Scatter` and `Layout` of the frame and the same config (but for
    /// `Plot`'s `"frames": null`), byte for byte, for every kind of frame.
    #[test]
    fn same_as_plot() {
        let mut n = 0;
        for x_axis in [XAxis::Time, XAxis::Seconds] {
            for bits in 0..16u8 {
                let f = Frame {
                    x_axis,
                    x: (1.5, 7e12),
                    y: (3.0, -0.25),
                    y_title: "jobs \"q\" 대기",
                    y_ticks: bits & 1 != 0,
                    y_zoom: bits & 2 != 0,
                    select: bits & 4 != 0,
                    small: bits & 8 != 0,
                };
                let mut ours: Value = serde_json::from_str(&figure(&f, "r|\"x\"")).unwrap();
                // Box Select in the mode bar of a frame that brushes: the
                // one key plotly.rs cannot set.
                let added = ours["config"]
                    .as_object_mut()
                    .unwrap()
                    .remove("modeBarButtons");
                let brush_bar: Value = serde_json::from_str(BRUSH_MODE_BAR).unwrap();
                assert_eq!(added, f.select.then_some(brush_bar), "{f:?}");
                let (trace, layout, config) = plotly_parts(&f);
                let mut plot = plotly::Plot::new();
                plot.add_trace(trace);
                plot.set_layout(layout);
                plot.set_configuration(config);
                let rev = serde_json::to_string("r|\"x\"").unwrap();
                let theirs_text = splice_layout(&plot.to_json(), "uirevision", &rev);
                let mut theirs: Value = serde_json::from_str(&theirs_text).unwrap();
                let frames = theirs.as_object_mut().unwrap().remove("frames");
                assert_eq!(frames, Some(Value::Null));
                assert_eq!(ours, theirs, "{f:?}");
                // The same text, key order included.
                let (corners, layout, config) = parts(&f);
                let figure = Figure {
                    data: [&corners],
                    layout: &layout,
                    config: &config,
                };
                let text = finish(&figure, "r|\"x\"");
                assert_eq!(
                    *text,
                    theirs_text.replace(",\"frames\":null}", "}"),
                    "{f:?}"
                );
                n += 1;
            }
        }
        assert_eq!(n, 32);
    }

    #[test]
    fn value_axes_get_headroom() {
        assert_eq!(value_top(100.0), 105.0);
        assert_eq!(value_top(0.0), 1.0);
        assert_eq!(value_top(f64::NAN), 1.0);
    }
}
