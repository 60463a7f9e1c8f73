//! The usage charts (GPU/CPU use, GPU/system memory): one line per run.

use super::frame::{config, finish, frame};
use super::{escape, Chart, Colour, Restyle};
use plotly::common::{Line, Mode, Title};
use plotly::layout::{Axis, HoverMode};
use plotly::{Plot, Scatter};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One usage line: a run's series, already downsampled.
pub struct UsageLine<'a> {
    /// Run id (trace name).
    pub run_id: &'a str,
    /// Project, for the hover.
    pub project: &'a str,
    /// Launch job, for the hover.
    pub launch_job: &'a str,
    /// The run's group colour.
    pub colour: Colour,
    /// Seconds since the run started.
    pub t: &'a [f64],
    /// Percent; `None` is a gap.
    pub v: &'a [Option<f64>],
}

/// The hash of everything in the figure but the lines' colours.
fn base_hash(lines: &[UsageLine<'_>], uirevision: &str) -> u64 {
    let mut base = std::hash::DefaultHasher::new();
    uirevision.hash(&mut base);
    for l in lines {
        (l.run_id, l.project, l.launch_job).hash(&mut base);
        l.t.iter().for_each(|t| t.to_bits().hash(&mut base));
        l.v.iter().for_each(|v| v.map(f64::to_bits).hash(&mut base));
    }
    base.finish()
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
            .line(Line::new().color(l.colour.css()).width(1.2))
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
    let colours: Vec<String> = lines.iter().map(|l| l.colour.css()).collect();
    let update = serde_json::json!({ "line.color": colours }).to_string();
    Chart {
        restyle: Some(Restyle {
            base: base_hash(lines, uirevision),
            update: Arc::from(update),
            layout: false,
        }),
        ..finish(plot, uirevision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_lines_keep_gaps() {
        let t = [0.0, 30.0, 60.0];
        let v = [Some(90.0), None, Some(80.5)];
        let lines = [UsageLine {
            run_id: "r1",
            project: "p",
            launch_job: "j",
            colour: Colour([0, 0, 0]),
            t: &t,
            v: &v,
        }];
        let j: serde_json::Value = serde_json::from_str(&usage(&lines, "u").json).unwrap();
        assert_eq!(j["data"][0]["y"], serde_json::json!([90.0, null, 80.5]));
        assert_eq!(j["data"][0]["name"], "r1");
        assert_eq!(j["data"][0]["connectgaps"], false);
    }

    #[test]
    fn usage_colour_changes_are_a_restyle_and_data_changes_are_not() {
        let t = [0.0, 30.0];
        let line = |colour, v: &'static [Option<f64>]| UsageLine {
            run_id: "r1",
            project: "p",
            launch_job: "j",
            colour,
            t: &t,
            v,
        };
        static V1: [Option<f64>; 2] = [Some(90.0), Some(80.0)];
        static V2: [Option<f64>; 2] = [Some(90.0), Some(81.0)];
        let (c1, c2) = (Colour([0x11; 3]), Colour([0x22; 3]));
        let a = usage(&[line(c1, &V1)], "u").restyle.unwrap();
        let b = usage(&[line(c2, &V1)], "u").restyle.unwrap();
        assert_eq!(a.base, b.base, "only the colour differs");
        assert_eq!(&*b.update, r##"{"line.color":["#222222"]}"##);
        let c = usage(&[line(c2, &V2)], "u").restyle.unwrap();
        assert_ne!(b.base, c.base, "a value differs");
        let d = usage(&[line(c2, &V1)], "w").restyle.unwrap();
        assert_ne!(b.base, d.base, "the revision differs");
    }
}
