//! Stacked bars over the bucket grid (Job status, Queued time): the frame
//! for Plotly, the bars for the canvas, the hover card and what
//! `inspect` returns, all from one [`BarChart`].

use super::frame::{axes_frame, value_top, Frame, XAxis};
use super::marks::BarMarks;
use super::{finite_sum, Chart, ChartModel, Colour, Picture, SeriesTotal};
use crate::format::{count, duration, percent, short_time};
use queuescope_core::analysis::{bar_at, BucketGrid, Stacks, Zone};
use queuescope_core::time::format_rfc3339;
use queuescope_core::Ms;
use serde_json::{json, Value};

/// What the bars count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Jobs (Job status).
    Jobs,
    /// Seconds of waiting (Queued time).
    Seconds,
}

/// One series of bars: its raw name, colour and value per bucket.
pub struct BarSeries<'a> {
    /// The name as the data has it (a state's label, a group).
    pub name: &'a str,
    /// Its colour.
    pub colour: Colour,
    /// One value per bucket.
    pub values: Vec<f64>,
}

/// A stacked bar chart as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// The frame for Plotly (axes only).
    pub frame: Chart,
    /// The bars for the canvas (x in wall-clock ms of the zone).
    pub marks: BarMarks,
    /// Series names, raw.
    pub names: Vec<String>,
    /// `values[series][bucket]`.
    pub values: Vec<Vec<f64>>,
    /// Each bucket clipped to the range, UTC ms (hover text).
    pub buckets: Vec<(Ms, Ms)>,
    /// Unclipped bucket starts, UTC ms (inspect's x).
    pub starts: Vec<Ms>,
    /// What the values count.
    pub unit: Unit,
    /// Offsets for the hover's times.
    pub zone: Zone,
}

/// The bars of `series` over `grid` in `zone`, a y axis titled `y_title`.
pub fn bar_chart(
    series: Vec<BarSeries<'_>>,
    (grid, zone): (&BucketGrid, &Zone),
    (unit, y_title): (Unit, &str),
    uirevision: &str,
) -> BarChart {
    let n = grid.starts.len();
    let extents: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let start = grid.starts[i];
            let end = grid
                .starts
                .get(i + 1)
                .copied()
                .unwrap_or(start + grid.width);
            (zone.wall_of(start) as f64, zone.wall_of(end) as f64)
        })
        .collect();
    let values: Vec<Vec<f64>> = series.iter().map(|s| s.values.clone()).collect();
    let stacks = Stacks::new(extents, &values);
    let x = (
        stacks.extents.first().map_or(0.0, |e| e.0),
        stacks.extents.last().map_or(1.0, |e| e.1),
    );
    let frame = axes_frame(
        &Frame {
            x_axis: XAxis::Time,
            x,
            y: (0.0, value_top(stacks.max())),
            y_title,
            y_ticks: true,
            y_zoom: false,
            select: false,
            small: false,
        },
        uirevision,
    );
    BarChart {
        frame,
        marks: BarMarks {
            stacks,
            colours: series.iter().map(|s| s.colour).collect(),
        },
        names: series.iter().map(|s| s.name.to_string()).collect(),
        values,
        buckets: (0..n).map(|i| grid.bucket(i)).collect(),
        starts: grid.starts.clone(),
        unit,
        zone: zone.clone(),
    }
}

impl BarChart {
    /// The value as people read it: `12 jobs`, `1h 02m waiting`.
    fn value_text(&self, v: f64) -> String {
        match self.unit {
            Unit::Jobs => match v as usize {
                1 => "1 job".into(),
                n => format!("{} jobs", count(n)),
            },
            Unit::Seconds => format!("{} waiting", duration(v)),
        }
    }

    /// The hover card at axis point `(x, y)` (x in wall-clock ms): the
    /// series, the bucket, the value and its share of the bar, as plain
    /// text lines (the page shows them as text). `None` off the bars.
    pub fn tip(&self, x: f64, y: f64) -> Option<(usize, usize, Vec<String>)> {
        let (b, s) = bar_at(&self.marks.stacks, x, y)?;
        let v = *self.values.get(s)?.get(b)?;
        let total = self.marks.stacks.total(b);
        let (start, end) = *self.buckets.get(b)?;
        let at = |t: Ms| short_time(t, self.zone.offset_at(t));
        let lines = vec![
            self.names.get(s)?.clone(),
            format!("{} – {}", at(start), at(end)),
            self.value_text(v),
            format!("{} of the bar", percent(v / total)),
        ];
        Some((b, s, lines))
    }
}

impl ChartModel for BarChart {
    fn frame(&self) -> &Chart {
        &self.frame
    }

    fn picture(&self, win: &queuescope_core::analysis::RasterWindow, _scale: f64) -> Picture {
        self.marks.picture(win)
    }

    /// What `window.queuescope.inspect` returns for the panel (SPEC §6):
    /// one series per state or group, raw names, x = bucket starts as RFC
    /// 3339 UTC, y = the values; plus each series' colour.
    fn inspect(&self) -> Value {
        let x: Vec<String> = self.starts.iter().map(|&t| format_rfc3339(t)).collect();
        let series: Vec<Value> = self
            .names
            .iter()
            .zip(&self.values)
            .zip(&self.marks.colours)
            .map(|((name, y), c)| json!({"name": name, "x": x, "y": y, "color": c.css()}))
            .collect();
        json!({ "series": series })
    }

    fn totals(&self) -> Vec<SeriesTotal<'_>> {
        self.names
            .iter()
            .zip(&self.values)
            .map(|(name, y)| (name.as_str(), y.len(), finite_sum(y.iter().copied())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ChartModel;
    use queuescope_core::analysis::{LocalZone, TimeRange};

    const H: Ms = 3_600_000;

    fn chart(zone: &Zone) -> BarChart {
        let grid = BucketGrid::new(TimeRange::new(H / 2, 3 * H), H, zone);
        bar_chart(
            vec![
                BarSeries {
                    name: "a<b",
                    colour: Colour([1, 2, 3]),
                    values: vec![1.0, 0.0, 3.0],
                },
                BarSeries {
                    name: "c",
                    colour: Colour([4, 5, 6]),
                    values: vec![3.0, 2.0, 1.0],
                },
            ],
            (&grid, zone),
            (Unit::Jobs, "jobs"),
            "rev",
        )
    }

    #[test]
    fn totals_are_what_inspect_shows() {
        crate::render::summary_tests::assert_totals_match_inspect(&chart(&Zone::Utc));
    }

    #[test]
    fn bars_span_whole_buckets_in_the_zone_and_the_frame_their_extent() {
        let zone = Zone::Local(LocalZone::fixed(9 * H));
        let c = chart(&zone);
        // Buckets start at local whole hours: 00:00, 01:00, 02:00 UTC (09-11 local).
        assert_eq!(c.starts, vec![0, H, 2 * H]);
        assert_eq!(
            c.marks.stacks.extents,
            vec![
                (9.0 * H as f64, 10.0 * H as f64),
                (10.0 * H as f64, 11.0 * H as f64),
                (11.0 * H as f64, 12.0 * H as f64)
            ]
        );
        let v: Value = serde_json::from_str(&c.frame.json).unwrap();
        assert_eq!(
            v["layout"]["xaxis"]["range"],
            json!([9.0 * H as f64, 12.0 * H as f64])
        );
        // The tallest stack is 4: 5 % headroom.
        assert_eq!(v["layout"]["yaxis"]["range"], json!([0.0, 4.2]));
        // The first bucket is clipped to the range for the hover.
        assert_eq!(c.buckets[0], (H / 2, H));
    }

    #[test]
    fn the_hover_names_the_segment_with_its_value_and_share() {
        let c = chart(&Zone::Utc);
        let x = 2.5 * H as f64;
        assert_eq!(
            c.tip(x, 0.5),
            Some((
                2,
                0,
                vec![
                    "a<b".to_string(),
                    "Jan 01 02:00 – Jan 01 03:00".into(),
                    "3 jobs".into(),
                    "75.0% of the bar".into()
                ]
            ))
        );
        assert_eq!(c.tip(x, 3.5).map(|t| t.1), Some(1));
        assert_eq!(c.tip(x, 4.5), None);
        // Bucket 1 has nothing of series 0: its bottom belongs to series 1.
        assert_eq!(c.tip(1.5 * H as f64, 0.0).map(|t| (t.0, t.1)), Some((1, 1)));
    }

    #[test]
    fn inspect_has_raw_names_rfc3339_starts_and_values() {
        let c = chart(&Zone::Utc);
        let v = c.inspect();
        assert_eq!(v["series"][0]["name"], "a<b");
        assert_eq!(
            v["series"][0]["x"],
            json!([
                "1970-01-01T00:00:00Z",
                "1970-01-01T01:00:00Z",
                "1970-01-01T02:00:00Z"
            ])
        );
        assert_eq!(v["series"][1]["y"], json!([3.0, 2.0, 1.0]));
        assert_eq!(v["series"][1]["color"], "#040506");
    }
}
