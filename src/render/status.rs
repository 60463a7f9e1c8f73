//! The Job status chart: stacked bars of jobs per bucket and state.

use super::frame::{stacked_bars, BarTrace};
use super::Chart;
use queuescope_core::analysis::{BucketGrid, StatusCounts, Zone};

/// Job status: stacked bars, one trace per state (named `Queued`, ...), a
/// fixed colour per state, x = bucket starts.
pub fn job_status(
    counts: &StatusCounts,
    grid: &BucketGrid,
    zone: &Zone,
    uirevision: &str,
) -> Chart {
    let labels: Vec<String> = counts.states.iter().map(|s| s.label()).collect();
    let traces = counts
        .states
        .iter()
        .zip(&labels)
        .zip(&counts.counts)
        .map(|((s, name), ys)| BarTrace {
            name,
            y: ys,
            colour: s.color().to_string(),
        });
    stacked_bars(traces, (grid, zone), "jobs", "%{y}", uirevision)
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::analysis::TimeRange;
    use queuescope_core::{JobState, Ms};
    use serde_json::Value;

    const H: Ms = 3_600_000;

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
        let v: Value =
            serde_json::from_str(&job_status(&counts, &grid, &Zone::Utc, "rev-1").json).unwrap();
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
}
