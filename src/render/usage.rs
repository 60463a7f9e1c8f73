//! The usage charts (GPU/CPU use, GPU/system memory): one line per run,
//! x = seconds since the run started, y = percent. Plotly draws the frame,
//! the app the lines ([`LineMarks`]).

use super::frame::{axes_frame, Frame, XAxis};
use super::marks::{LineMark, LineMarks};
use super::{finite_sum, Chart, ChartModel, Colour, Picture, SeriesTotal};
use queuescope_core::analysis::{downsample, nearest_point, LineData, RasterWindow};
use queuescope_core::parse::{Metric, Series};
use serde_json::{json, Value};
use std::sync::Arc;

/// Points per run and chart after downsampling.
pub const MAX_POINTS: usize = 300;

/// A run's series of one metric as the charts draw it: downsampled to
/// [`MAX_POINTS`] once, when the answer is stored, and then shared by
/// every chart built from it. A filter, a brush or a regroup changes which
/// runs are in view and rebuilds the four charts' models: they took a
/// downsampled copy of every run's series each time (~1-1.5 ms a chart at
/// 50 runs), and now take a reference.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageSeries {
    /// Which metric.
    pub metric: Metric,
    /// Seconds since the run started, ascending.
    pub t: Arc<[f64]>,
    /// Percent; `None` is a gap.
    pub v: Arc<[Option<f64>]>,
}

impl UsageSeries {
    /// `s` as drawn (see [`downsample`]).
    pub fn of(s: &Series) -> UsageSeries {
        let (t, v) = downsample(&s.t, &s.v, MAX_POINTS);
        UsageSeries {
            metric: s.metric,
            t: t.into(),
            v: v.into(),
        }
    }
}

/// One usage line: a run's series, already downsampled.
pub struct UsageLine<'a> {
    /// Run id (the series name).
    pub run_id: &'a str,
    /// Project, for the hover.
    pub project: &'a str,
    /// Launch job, for the hover.
    pub launch_job: &'a str,
    /// The run's group colour.
    pub colour: Colour,
    /// Seconds since the run started (shared with the cache).
    pub t: Arc<[f64]>,
    /// Percent; `None` is a gap.
    pub v: Arc<[Option<f64>]>,
}

/// Who a line is, for the hover and `inspect`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInfo {
    /// Run id.
    pub run_id: String,
    /// Project.
    pub project: String,
    /// Launch job.
    pub launch_job: String,
}

/// A usage chart as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageChart {
    /// The frame for Plotly (axes only).
    pub frame: Chart,
    /// The lines for the canvas.
    pub marks: LineMarks,
    /// `info[line]`.
    pub info: Vec<LineInfo>,
}

/// How far from a line (CSS pixels) the pointer still shows it.
pub const HOVER_SLACK: f64 = 6.0;

/// A usage chart of `lines`: seconds since run start across (0 to the
/// longest series), percent (0-100) up.
pub fn usage(lines: &[UsageLine<'_>], uirevision: &str) -> UsageChart {
    let marks = LineMarks {
        lines: lines
            .iter()
            .map(|l| LineMark {
                colour: l.colour,
                t: l.t.clone(),
                v: l.v.clone(),
            })
            .collect(),
    };
    let t_max = marks.t_max();
    let frame = axes_frame(
        &Frame {
            x_axis: XAxis::Seconds,
            x: (0.0, if t_max > 0.0 { t_max } else { 1.0 }),
            y: (0.0, 100.0),
            y_title: "%",
            y_ticks: true,
            y_zoom: true,
            select: false,
            small: true,
        },
        uirevision,
    );
    let info = lines
        .iter()
        .map(|l| LineInfo {
            run_id: l.run_id.to_string(),
            project: l.project.to_string(),
            launch_job: l.launch_job.to_string(),
        })
        .collect();
    UsageChart { frame, marks, info }
}

impl UsageChart {
    /// The hover card of the line nearest the pixel `(col, row)` of the
    /// window (within `slack` pixels): the run, its project and launch job,
    /// and the sample nearest the pointer. Returns the line's index too.
    pub fn tip(
        &self,
        win: &RasterWindow,
        at: (f64, f64),
        slack: f64,
    ) -> Option<(usize, Vec<String>)> {
        let data: Vec<LineData<'_>> = self
            .marks
            .lines
            .iter()
            .map(|l| (&l.t[..], &l.v[..]))
            .collect();
        let (l, i) = nearest_point(&data, win, at, slack)?;
        let line = self.marks.lines.get(l)?;
        let info = self.info.get(l)?;
        let (t, v) = (line.t.get(i)?, line.v.get(i).copied().flatten()?);
        Some((
            l,
            vec![
                (crate::i18n::t().tip_run)(&info.run_id),
                (crate::i18n::t().tip_project)(&info.project),
                (crate::i18n::t().tip_launch_job)(&info.launch_job),
                (crate::i18n::t().tip_since_start)(&crate::format::count(*t as usize), v),
            ],
        ))
    }
}

impl ChartModel for UsageChart {
    fn frame(&self) -> &Chart {
        &self.frame
    }

    fn picture(&self, win: &RasterWindow, scale: f64) -> Picture {
        self.marks.picture(win, scale)
    }

    /// What `window.queuescope.inspect` returns for the panel (SPEC §6):
    /// one series per run, named by run id, x = seconds since the run
    /// started, y = percent (`null` for a gap), as drawn; plus its colour.
    fn inspect(&self) -> Value {
        let series: Vec<Value> = self
            .info
            .iter()
            .zip(&self.marks.lines)
            .map(|(i, l)| json!({"name": i.run_id, "x": &l.t[..], "y": &l.v[..], "color": l.colour.css()}))
            .collect();
        json!({ "series": series })
    }

    fn totals(&self) -> Vec<SeriesTotal<'_>> {
        self.info
            .iter()
            .zip(&self.marks.lines)
            .map(|(i, l)| {
                (
                    i.run_id.as_str(),
                    l.v.len(),
                    finite_sum(l.v.iter().flatten().copied()),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ChartModel;

    fn chart() -> UsageChart {
        static T: [f64; 3] = [0.0, 30.0, 60.0];
        static V: [Option<f64>; 3] = [Some(90.0), None, Some(80.5)];
        static T2: [f64; 2] = [0.0, 120.0];
        static V2: [Option<f64>; 2] = [Some(10.0), Some(10.0)];
        usage(
            &[
                UsageLine {
                    run_id: "r<1>",
                    project: "p",
                    launch_job: "j",
                    colour: Colour([1, 2, 3]),
                    t: T.as_slice().into(),
                    v: V.as_slice().into(),
                },
                UsageLine {
                    run_id: "r2",
                    project: "q",
                    launch_job: "k",
                    colour: Colour([4, 5, 6]),
                    t: T2.as_slice().into(),
                    v: V2.as_slice().into(),
                },
            ],
            "u",
        )
    }

    #[test]
    fn totals_are_what_inspect_shows() {
        crate::render::summary_tests::assert_totals_match_inspect(&chart());
    }

    #[test]
    fn usage_inspect_keeps_gaps_and_raw_run_ids() {
        let v = chart().inspect();
        assert_eq!(v["series"][0]["name"], "r<1>");
        assert_eq!(v["series"][0]["x"], json!([0.0, 30.0, 60.0]));
        assert_eq!(v["series"][0]["y"], json!([90.0, null, 80.5]));
        assert_eq!(v["series"][1]["color"], "#040506");
    }

    /// A series is downsampled once, when stored; a chart built from it
    /// shares its points (a change of the runs in view copies none), and a
    /// chart built again from the same series equals the one shown (its
    /// memo keeps it) without comparing the points one by one.
    #[test]
    fn charts_share_the_stored_series_points() {
        let long = Series {
            run_id: "r".into(),
            metric: Metric::GpuUtil,
            t: (0..1000).map(f64::from).collect(),
            v: (0..1000).map(|i| Some(f64::from(i % 100))).collect(),
        };
        let stored = UsageSeries::of(&long);
        let (t, v) = downsample(&long.t, &long.v, MAX_POINTS);
        assert_eq!((&stored.t[..], &stored.v[..]), (&t[..], &v[..]));
        assert!(stored.t.len() <= MAX_POINTS);
        let line = || UsageLine {
            run_id: "r",
            project: "p",
            launch_job: "j",
            colour: Colour([1, 2, 3]),
            t: stored.t.clone(),
            v: stored.v.clone(),
        };
        let (a, b) = (usage(&[line()], "u"), usage(&[line()], "u"));
        assert!(Arc::ptr_eq(&a.marks.lines[0].t, &stored.t));
        assert!(Arc::ptr_eq(&a.marks.lines[0].v, &stored.v));
        assert_eq!(a, b);
    }

    #[test]
    fn the_frame_spans_the_longest_run_and_0_to_100_percent() {
        let c = chart();
        let f: Value = serde_json::from_str(&c.frame.json).unwrap();
        assert_eq!(f["layout"]["xaxis"]["range"], json!([0.0, 120.0]));
        assert_eq!(f["layout"]["yaxis"]["range"], json!([0.0, 100.0]));
        assert_eq!(f["data"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn the_hover_names_the_run_and_the_nearest_sample() {
        let c = chart();
        // 120 px for 0..120 s, 100 rows for 100..0 %.
        let win = RasterWindow {
            x0: 0.0,
            x1: 120.0,
            y0: 100.0,
            y1: 0.0,
            width: 120,
            height: 100,
        };
        let (l, lines) = c.tip(&win, (100.0, 89.0), HOVER_SLACK).unwrap();
        assert_eq!(l, 1);
        assert_eq!(
            lines,
            [
                "run r2",
                "project: q",
                "launch job: k",
                "120 s since start: 10.0%"
            ]
        );
        assert_eq!(c.tip(&win, (2.0, 11.0), HOVER_SLACK).map(|t| t.0), Some(0));
        assert!(c.tip(&win, (30.0, 50.0), HOVER_SLACK).is_none());
    }
}
