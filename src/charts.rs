//! Chart specs: pure functions from core's analysis output to a Plotly
//! figure. Tested natively through the JSON they produce; the browser side
//! ([`crate::plotly_glue`]) only hands the JSON to Plotly.js.
//!
//! Plotly renders trace names, hover text and axis titles as pseudo-HTML,
//! so every string that came from the backend goes through [`escape`].

use crate::format::{duration, short_time, wall_clock};
use plotly::common::{Line, Marker, Mode, Orientation, Title};
use plotly::layout::{Axis, AxisType, BarMode, DragMode, HoverMode, Legend, Margin};
use plotly::{Bar, Configuration, Layout, Plot, Scatter};
use queuescope_core::analysis::{
    BucketGrid, GroupedSeries, Groups, RasterWindow, RunBar, RunLayout, StatusCounts, Zone,
};
use queuescope_core::{Job, Ms};
use std::hash::{Hash, Hasher};
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

/// Colours for groups, in group order; the same group gets the same colour
/// in every panel because every panel reads the same [`Groups`].
pub const GROUP_PALETTE: [&str; 11] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#5b8ff9", "#61ddaa",
];
/// The colour of the folded "other" group and of `(none)`.
pub const OTHER_COLOR: &str = "#a0a4ab";

/// Colour of group `i` named `name`.
pub fn group_color(i: usize, name: &str) -> &'static str {
    if i == usize::MAX || name == "(other)" || name == "(none)" {
        OTHER_COLOR
    } else {
        GROUP_PALETTE[i % GROUP_PALETTE.len()]
    }
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

/// The zone's offset at `t` (0 for UTC).
pub fn offset_at(zone: &Zone, t: Ms) -> Ms {
    match zone {
        Zone::Utc => 0,
        Zone::Local(z) => z.offset_at(t),
    }
}

/// The instant shown as wall-clock `wall` in the zone (the inverse of
/// `t + offset_at(zone, t)`): the offset at the guessed instant, then once
/// more for DST edges.
pub fn instant_of_wall(wall: Ms, zone: &Zone) -> Ms {
    let guess = wall - offset_at(zone, wall);
    wall - offset_at(zone, guess)
}

/// x values of a grid: bucket starts as wall-clock strings in the zone.
pub fn bucket_x(grid: &BucketGrid, zone: &Zone) -> Vec<String> {
    grid.starts
        .iter()
        .map(|&s| wall_clock(s, offset_at(zone, s)))
        .collect()
}

/// Shared look: fonts, margins, legend on the right, date x axis.
/// The frame every figure shares: transparent background, the app's font,
/// tight margins (`left` leaves room for the y tick labels).
fn frame(left: usize, top: usize, font_size: usize) -> Layout {
    Layout::new()
        .margin(Margin::new().left(left).right(8).top(top).bottom(36))
        .auto_size(true)
        .font(
            plotly::common::Font::new()
                .family("Inter, system-ui, sans-serif")
                .size(font_size)
                .color("#2b2f36"),
        )
        .paper_background_color("rgba(0,0,0,0)")
        .plot_background_color("rgba(0,0,0,0)")
}

/// The legend on the right, in trace order.
fn legend() -> Legend {
    Legend::new()
        .orientation(Orientation::Vertical)
        .x(1.02)
        .y(1.0)
        .trace_order(plotly::layout::TraceOrder::Normal)
}

/// The time axis of the bucket and run charts.
fn date_axis() -> Axis {
    Axis::new()
        .type_(AxisType::Date)
        .show_grid(false)
        .line_color("#c9ced6")
}

fn base_layout(y_title: &str) -> Layout {
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
                .range_mode(plotly::layout::RangeMode::ToZero),
        )
        .hover_mode(HoverMode::XUnified)
}

fn config() -> Configuration {
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
fn finish(plot: Plot, uirevision: &str) -> Chart {
    let rev = serde_json::to_string(uirevision).unwrap_or_else(|_| "\"\"".into());
    Chart {
        json: Arc::from(splice_layout(&plot.to_json(), "uirevision", &rev)),
        restyle: None,
    }
}

/// Adds `"key": value` (value already JSON) at the start of the figure's
/// layout object, for the layout keys plotly.rs lacks (`uirevision`,
/// `images`).
fn splice_layout(json: &str, key: &str, value: &str) -> String {
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

/// Stacked bars over the bucket grid: one trace per `(name, y, colour)`,
/// with `hover` the value format of the hover label (`%{y}`, ...).
fn stacked_bars<'a, Y: serde::Serialize + Clone + 'static>(
    traces: impl Iterator<Item = (String, &'a Vec<Y>, &'static str)>,
    grid: &BucketGrid,
    zone: &Zone,
    y_title: &str,
    hover: &str,
    uirevision: &str,
) -> Chart {
    let x = bucket_x(grid, zone);
    let mut plot = Plot::new();
    for (name, ys, color) in traces {
        let name = escape(&name);
        let trace = Bar::new(x.clone(), ys.clone())
            .name(&name)
            .marker(Marker::new().color(color))
            .hover_template(format!("{name}: {hover}<extra></extra>"));
        plot.add_trace(trace);
    }
    plot.set_layout(base_layout(y_title).bar_mode(BarMode::Stack).bar_gap(0.08));
    plot.set_configuration(config());
    finish(plot, uirevision)
}

/// Job status: stacked bars, one trace per state (named `Queued`, ...), a
/// fixed colour per state, x = bucket starts.
pub fn job_status(
    counts: &StatusCounts,
    grid: &BucketGrid,
    zone: &Zone,
    uirevision: &str,
) -> Chart {
    let traces = counts
        .states
        .iter()
        .zip(&counts.counts)
        .map(|(s, ys)| (s.label(), ys, s.color()));
    stacked_bars(traces, grid, zone, "jobs", "%{y}", uirevision)
}

/// The colour of a group by name: its index in the shared, folded
/// [`Groups`], so a group has one colour in every panel.
pub fn color_of(groups: &Groups, name: &str) -> &'static str {
    match groups.names.iter().position(|n| n == name) {
        Some(i) => group_color(i, name),
        None => OTHER_COLOR,
    }
}

/// Queued time: stacked bars of waiting seconds per bucket, one trace per
/// group, coloured as the group is in every other panel.
pub fn queued_time(
    series: &GroupedSeries,
    groups: &Groups,
    grid: &BucketGrid,
    zone: &Zone,
    uirevision: &str,
) -> Chart {
    let traces = series
        .groups
        .iter()
        .zip(&series.values)
        .map(|(g, ys)| (g.clone(), ys, color_of(groups, g)));
    stacked_bars(
        traces,
        grid,
        zone,
        "seconds waiting",
        "%{y:,.0f} s",
        uirevision,
    )
}

/// The picture of the runs for one window of the Job runs axes
/// ([`queuescope_core::analysis::raster_runs`], encoded by the page).
#[derive(Debug, Clone, PartialEq)]
pub struct RunsImage {
    /// Image URL (a `data:image/png` URL).
    pub source: String,
    /// The axes window it was drawn for (x in wall-clock ms, y in lanes).
    pub window: RasterWindow,
}

/// Parses a `#rrggbb` colour to RGBA with alpha `a` (grey if malformed).
pub fn rgba(hex: &str, a: u8) -> [u8; 4] {
    let c = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x80)
    };
    [c(1), c(3), c(5), a]
}

/// A colour washed out toward white, for runs outside the brush.
pub fn faded(c: [u8; 4]) -> [u8; 4] {
    let f = |v: u8| ((u16::from(v) * 30 + 255 * 70) / 100) as u8;
    [f(c[0]), f(c[1]), f(c[2]), c[3]]
}

/// Job runs: the axes, a legend of the groups (one colour each, the same
/// as in the other panels) and the runs as one image laid on the axes.
///
/// The runs are pixels, not points: at 100k runs a line segment per run
/// was ~400k WebGL points that Plotly had to parse, index for hover and
/// hit-test on every brush (seconds to a minute). The image is drawn for
/// the window on screen and redrawn when it changes (zoom, pan, resize);
/// hover is the app's own lookup ([`queuescope_core::analysis::LaneIndex`]).
/// The first trace also holds the axes' corners (two lone points, drawn as
/// nothing), so double-click autoscale returns to the whole range and
/// Plotly's select tool (the default drag mode) has a trace to select on:
/// it reports the box, and core does the rest.
pub fn job_runs(
    layout: &RunLayout,
    groups: &Groups,
    x_range: (Ms, Ms),
    image: Option<&RunsImage>,
    uirevision: &str,
) -> Chart {
    let lanes = layout.lanes.max(1) as f64;
    let (x0, x1) = x_range;
    // The axes' corners ride on the first trace as two lone points (a
    // line needs two neighbours, so nothing is drawn): autoscale returns to
    // them, and the select tool has a trace. The other traces are the
    // legend; at most 12 traces, one a group.
    let corners = (
        vec![Some(x0), None, Some(x1)],
        vec![Some(-0.5), None, Some(lanes - 0.5)],
    );
    // One trace a group (the legend); with no group, one trace for the corners alone.
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
    let mut corners = Some(corners);
    let mut plot = Plot::new();
    for (i, name) in entries {
        let (x, y) = corners.take().unwrap_or((vec![None], vec![None]));
        plot.add_trace(
            Scatter::new(x, y)
                .name(escape(name))
                .mode(Mode::Lines)
                .line(Line::new().color(group_color(i, name)).width(10.0))
                .hover_info(plotly::common::HoverInfo::Skip)
                .show_legend(!name.is_empty()),
        );
    }
    plot.set_layout(
        base_layout("lanes")
            .hover_mode(HoverMode::False)
            .drag_mode(DragMode::Select)
            .legend(
                legend()
                    .item_click(plotly::layout::ItemClick::False)
                    .item_double_click(plotly::layout::ItemClick::False),
            )
            .x_axis(date_axis().range(vec![x0, x1]))
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
    let images = match image {
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
    };
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
pub fn run_tip(job: &Job, bar: &RunBar, zone: &Zone) -> Vec<String> {
    vec![
        format!(
            "{} · {}",
            job.run_name.as_deref().unwrap_or("(unnamed run)"),
            job.run_id.as_deref().unwrap_or(&job.id)
        ),
        format!("launch job: {}", job.job),
        format!("user: {}", job.user.as_deref().unwrap_or("(none)")),
        format!(
            "{} → {} ({})",
            short_time(bar.start, offset_at(zone, bar.start)),
            short_time(bar.end, offset_at(zone, bar.end)),
            duration((bar.end - bar.start) as f64 / 1000.0)
        ),
    ]
}

/// One usage line: a run's series, already downsampled.
pub struct UsageLine<'a> {
    /// Run id (trace name).
    pub run_id: &'a str,
    /// Project, for the hover.
    pub project: &'a str,
    /// Launch job, for the hover.
    pub launch_job: &'a str,
    /// Colour (the run's group colour).
    pub color: &'static str,
    /// Seconds since the run started.
    pub t: &'a [f64],
    /// Percent; `None` is a gap.
    pub v: &'a [Option<f64>],
}

/// A usage chart (GPU/CPU/memory): one line per run, x = seconds since the
/// run started, y = percent.
pub fn usage(lines: &[UsageLine<'_>], uirevision: &str) -> Chart {
    let mut plot = Plot::new();
    for l in lines {
        let hover = format!(
            "run {}<br>project: {}<br>launch job: {}<br>%{{x:,.0f}} s: %{{y:.1f}}%<extra></extra>",
            escape(l.run_id),
            escape(l.project),
            escape(l.launch_job)
        );
        let trace = Scatter::new(l.t.to_vec(), l.v.to_vec())
            .name(escape(l.run_id))
            .mode(Mode::Lines)
            .line(Line::new().color(l.color).width(1.2))
            .hover_template(hover)
            .connect_gaps(false)
            .show_legend(false);
        plot.add_trace(trace);
    }
    let layout = frame(44, 8, 11)
        .show_legend(false)
        .hover_mode(HoverMode::Closest)
        .x_axis(
            Axis::new()
                .title(Title::with_text("seconds since run start"))
                .show_grid(false)
                .line_color("#c9ced6"),
        )
        .y_axis(
            Axis::new()
                .title(Title::with_text("%"))
                .range(vec![0.0, 100.0])
                .grid_color("#eceff3"),
        );
    plot.set_layout(layout);
    plot.set_configuration(config());
    // A regroup changes only the lines' colours: say so, so the four usage
    // charts are restyled instead of redrawn.
    let mut base = std::hash::DefaultHasher::new();
    uirevision.hash(&mut base);
    for l in lines {
        (l.run_id, l.project, l.launch_job).hash(&mut base);
        l.t.iter().for_each(|t| t.to_bits().hash(&mut base));
        l.v.iter().for_each(|v| v.map(f64::to_bits).hash(&mut base));
    }
    let colors: Vec<&str> = lines.iter().map(|l| l.color).collect();
    let update = serde_json::json!({ "line.color": colors }).to_string();
    Chart {
        restyle: Some(Restyle {
            base: base.finish(),
            update: Arc::from(update),
            layout: false,
        }),
        ..finish(plot, uirevision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::analysis::TimeRange;
    use queuescope_core::JobState;
    use serde_json::Value;

    const H: Ms = 3_600_000;

    fn json(c: &Chart) -> Value {
        serde_json::from_str(&c.json).unwrap()
    }

    #[test]
    fn job_status_has_one_named_trace_per_state_with_bucket_starts() {
        let grid = BucketGrid::new(TimeRange::new(0, 3 * H), H, &Zone::Utc);
        let counts = StatusCounts {
            states: vec![
                JobState::Queued,
                JobState::Running,
                JobState::Other("pre<empted>".into()),
            ],
            counts: vec![vec![1, 0, 2], vec![0, 3, 0], vec![0, 0, 1]],
        };
        let v = json(&job_status(&counts, &grid, &Zone::Utc, "rev-1"));
        let data = v["data"].as_array().unwrap();
        let names: Vec<&str> = data.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Queued", "Running", "pre&lt;empted&gt;"]);
        assert_eq!(
            data[0]["x"],
            serde_json::json!([
                "1970-01-01 00:00:00",
                "1970-01-01 01:00:00",
                "1970-01-01 02:00:00"
            ])
        );
        assert_eq!(data[1]["y"], serde_json::json!([0, 3, 0]));
        assert_eq!(data[0]["marker"]["color"], JobState::Queued.color());
        assert_eq!(data[0]["type"], "bar");
        assert_eq!(v["layout"]["barmode"], "stack");
        assert_eq!(v["layout"]["uirevision"], "rev-1");
        assert_eq!(v["config"]["responsive"], true);
    }

    #[test]
    fn local_zone_shifts_the_x_labels() {
        let zone = Zone::Local(queuescope_core::analysis::LocalZone::fixed(9 * H));
        let grid = BucketGrid::new(TimeRange::new(0, 2 * H), H, &zone);
        let x = bucket_x(&grid, &zone);
        assert_eq!(x.len(), grid.len());
        // Bucket starts are local multiples of the width, shown as local wall clock.
        assert!(x[0].ends_with(":00:00"), "{x:?}");
        assert_eq!(x[0], wall_clock(grid.starts[0], 9 * H));
    }

    #[test]
    fn escape_keeps_text_text() {
        assert_eq!(
            escape("<b>x</b> & \"y\""),
            "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(escape("alice"), "alice");
    }

    #[test]
    fn group_colours_are_stable_and_other_is_grey() {
        assert_eq!(group_color(0, "alice"), GROUP_PALETTE[0]);
        assert_eq!(group_color(11, "bob"), GROUP_PALETTE[0]);
        assert_eq!(group_color(3, "(other)"), OTHER_COLOR);
        assert_eq!(group_color(3, "(none)"), OTHER_COLOR);
    }

    #[test]
    fn job_runs_is_axes_a_legend_and_the_image_with_uirevision_spliced_in() {
        use queuescope_core::analysis::{
            fold_groups, group, run_layout, select, Filters, GroupBy, Prepared,
        };
        use queuescope_core::time::parse_rfc3339;
        let body = r#"{"jobs": [{"id": "j1", "job": "train", "run_id": "r1", "user": "a<b",
            "transitions": [{"state": "queued", "at": "2026-11-21T08:00:00Z"},
                            {"state": "running", "at": "2026-11-21T09:00:00Z"},
                            {"state": "finished", "at": "2026-11-21T11:00:00Z"}]}],
            "next_cursor": null, "generated_at": "2026-11-28T09:00:00Z"}"#;
        let page = queuescope_core::parse::parse_jobs_page(body, &mut Default::default()).unwrap();
        let mut data = queuescope_core::Dataset::new("q");
        data.push_page(page);
        let p = Prepared::from_dataset(data);
        let t = |s: &str| parse_rfc3339(s).unwrap();
        let range = TimeRange::new(t("2026-11-21T00:00:00Z"), t("2026-11-22T00:00:00Z"));
        let sel = select(&p, &Filters::default(), range);
        let groups = fold_groups(&group(&p, &sel, &GroupBy::User), 12);
        let layout = run_layout(&p, &sel, &groups, range);
        let (x0, x1) = (range.from + 9 * H, range.to + 9 * H);
        let window = RasterWindow {
            x0: x0 as f64,
            x1: x1 as f64,
            y0: -0.5,
            y1: 0.5,
            width: 800,
            height: 300,
        };
        let image = RunsImage {
            source: "data:image/png;base64,AAAA".into(),
            window,
        };
        let v = json(&job_runs(
            &layout,
            &groups,
            (x0, x1),
            Some(&image),
            "q|\"rev\"",
        ));
        // One trace a group (the legend); the first also holds the axes'
        // corners as two lone points.
        assert_eq!(v["data"].as_array().unwrap().len(), groups.names.len());
        assert_eq!(v["data"][0]["x"], serde_json::json!([x0, null, x1]));
        assert_eq!(v["data"][0]["y"], serde_json::json!([-0.5, null, 0.5]));
        assert_eq!(v["data"][0]["name"], "a&lt;b");
        assert_eq!(v["data"][0]["line"]["color"], GROUP_PALETTE[0]);
        assert_eq!(v["layout"]["uirevision"], "q|\"rev\"");
        assert_eq!(v["layout"]["dragmode"], "select");
        assert_eq!(v["layout"]["hovermode"], false);
        assert_eq!(v["layout"]["xaxis"]["range"], serde_json::json!([x0, x1]));
        assert_eq!(
            v["layout"]["yaxis"]["range"],
            serde_json::json!([0.5, -0.5])
        );
        let img = &v["layout"]["images"][0];
        assert_eq!(img["source"], "data:image/png;base64,AAAA");
        assert_eq!(
            (img["x"].as_f64(), img["sizex"].as_f64()),
            (Some(x0 as f64), Some((x1 - x0) as f64))
        );
        assert_eq!(
            (img["y"].as_f64(), img["sizey"].as_f64()),
            (Some(-0.5), Some(1.0))
        );
        assert_eq!(
            (&img["xref"], &img["yref"], &img["sizing"]),
            (
                &Value::from("x"),
                &Value::from("y"),
                &Value::from("stretch")
            )
        );
        // Without an image yet: no images.
        let v = json(&job_runs(&layout, &groups, (x0, x1), None, "r"));
        assert_eq!(v["layout"]["images"], serde_json::json!([]));
        // A new image alone is a relayout of `images`; a new range is not.
        let with = job_runs(&layout, &groups, (x0, x1), Some(&image), "r")
            .restyle
            .unwrap();
        let without = job_runs(&layout, &groups, (x0, x1), None, "r")
            .restyle
            .unwrap();
        assert!(with.layout);
        assert_eq!(with.base, without.base);
        assert_eq!(&*without.update, r#"{"images":[]}"#);
        let update: Value = serde_json::from_str(&with.update).unwrap();
        assert_eq!(update["images"][0]["source"], "data:image/png;base64,AAAA");
        let moved = job_runs(&layout, &groups, (x0, x1 + 1), None, "r")
            .restyle
            .unwrap();
        assert_ne!(moved.base, without.base);
    }

    #[test]
    fn run_colours_parse_and_fade() {
        assert_eq!(rgba("#4e79a7", 255), [0x4e, 0x79, 0xa7, 255]);
        assert_eq!(rgba("oops", 9), [0x80, 0x80, 0x80, 9]);
        // 30 % colour, 70 % white.
        assert_eq!(faded([0, 100, 255, 255]), [178, 208, 255, 255]);
    }

    #[test]
    fn usage_lines_keep_gaps() {
        let t = [0.0, 30.0, 60.0];
        let v = [Some(90.0), None, Some(80.5)];
        let lines = [UsageLine {
            run_id: "r1",
            project: "p",
            launch_job: "j",
            color: "#000",
            t: &t,
            v: &v,
        }];
        let j = json(&usage(&lines, "u"));
        assert_eq!(j["data"][0]["y"], serde_json::json!([90.0, null, 80.5]));
        assert_eq!(j["data"][0]["name"], "r1");
        assert_eq!(j["data"][0]["connectgaps"], false);
    }

    #[test]
    fn usage_colour_changes_are_a_restyle_and_data_changes_are_not() {
        let t = [0.0, 30.0];
        let line = |color, v: &'static [Option<f64>]| UsageLine {
            run_id: "r1",
            project: "p",
            launch_job: "j",
            color,
            t: &t,
            v,
        };
        static V1: [Option<f64>; 2] = [Some(90.0), Some(80.0)];
        static V2: [Option<f64>; 2] = [Some(90.0), Some(81.0)];
        let a = usage(&[line("#111111", &V1)], "u").restyle.unwrap();
        let b = usage(&[line("#222222", &V1)], "u").restyle.unwrap();
        assert_eq!(a.base, b.base, "only the colour differs");
        assert_eq!(&*b.update, r##"{"line.color":["#222222"]}"##);
        let c = usage(&[line("#222222", &V2)], "u").restyle.unwrap();
        assert_ne!(b.base, c.base, "a value differs");
        let d = usage(&[line("#222222", &V1)], "w").restyle.unwrap();
        assert_ne!(b.base, d.base, "the revision differs");
    }
}

#[cfg(test)]
mod colour_tests {
    use super::*;
    use queuescope_core::analysis::TimeRange;

    #[test]
    fn queued_time_colours_follow_the_shared_groups_not_the_trace_order() {
        let grid = BucketGrid::new(TimeRange::new(0, 3_600_000), 3_600_000, &Zone::Utc);
        let groups = Groups {
            names: vec!["alice".into(), "bob".into()],
            of_job: vec![0, 1],
        };
        // Queued time orders traces by waiting seconds: bob first here.
        let series = GroupedSeries {
            groups: vec!["bob".into(), "alice".into()],
            values: vec![vec![60.0], vec![5.0]],
        };
        let v: serde_json::Value =
            serde_json::from_str(&queued_time(&series, &groups, &grid, &Zone::Utc, "r").json)
                .unwrap();
        assert_eq!(v["data"][0]["name"], "bob");
        assert_eq!(v["data"][0]["marker"]["color"], GROUP_PALETTE[1]);
        assert_eq!(v["data"][1]["marker"]["color"], GROUP_PALETTE[0]);
        assert_eq!(v["data"][0]["y"], serde_json::json!([60.0]));
    }
}
