//! The Job status chart: stacked bars of jobs per bucket and state, a
//! fixed colour per state.

use super::bars::{bar_chart, BarChart, BarSeries, Unit};
use super::Tokens;
use queuescope_core::analysis::{BucketGrid, StatusCounts, Zone};

/// Job status: one series per state (named `Queued`, ...), in the states'
/// display order, each in its state's colour.
pub fn job_status(
    counts: &StatusCounts,
    grid: &BucketGrid,
    zone: &Zone,
    (tokens, uirevision): (&Tokens, &str),
) -> BarChart {
    let labels: Vec<String> = counts.states.iter().map(|s| s.label()).collect();
    let series = counts
        .states
        .iter()
        .zip(&labels)
        .zip(&counts.counts)
        .map(|((s, name), ys)| BarSeries {
            name,
            colour: tokens.state(s),
            values: ys.iter().map(|&n| f64::from(n)).collect(),
        })
        .collect();
    bar_chart(
        series,
        (grid, zone),
        (Unit::Jobs, crate::i18n::t().axis_jobs),
        uirevision,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ChartModel;
    use queuescope_core::analysis::TimeRange;
    use queuescope_core::{JobState, Ms};
    use serde_json::json;

    const H: Ms = 3_600_000;

    #[test]
    fn job_status_has_one_named_series_per_state_in_its_colour() {
        let grid = BucketGrid::new(TimeRange::new(0, 3 * H), H, &Zone::Utc);
        let counts = StatusCounts {
            states: vec![
                JobState::Queued,
                JobState::Running,
                JobState::Other("pre<empted>".into()),
            ],
            counts: vec![vec![1, 0, 2], vec![0, 3, 0], vec![0, 0, 1]],
        };
        let t = crate::render::palette::tests::test_tokens();
        let c = job_status(&counts, &grid, &Zone::Utc, (&t, "rev-1"));
        let v = c.inspect();
        let names: Vec<&str> = v["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Queued", "Running", "pre<empted>"], "raw names");
        assert_eq!(v["series"][1]["y"], json!([0.0, 3.0, 0.0]));
        assert_eq!(v["series"][0]["color"], t.state(&JobState::Queued).css());
        assert_eq!(c.marks.colours[1], t.state(&JobState::Running));
        assert_eq!(c.marks.colours[2], t.state_other);
    }
}
