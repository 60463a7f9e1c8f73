//! The Queued time chart: stacked bars of waiting seconds per group.

use super::frame::{stacked_bars, BarTrace};
use super::{Chart, Palette};
use queuescope_core::analysis::{BucketGrid, GroupedSeries, Zone};

/// Queued time: stacked bars of waiting seconds per bucket, one trace per
/// group. The series are in the shared group order, so trace `i` is group
/// `i` and has its colour in every other panel.
pub fn queued_time(
    series: &GroupedSeries,
    palette: &Palette,
    grid: &BucketGrid,
    zone: &Zone,
    uirevision: &str,
) -> Chart {
    let traces = series
        .groups
        .iter()
        .zip(&series.values)
        .enumerate()
        .map(|(i, (name, y))| BarTrace {
            name,
            y,
            colour: palette.colour(i).css(),
        });
    stacked_bars(
        traces,
        (grid, zone),
        "seconds waiting",
        "%{y:,.0f} s",
        uirevision,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::palette::GROUP_COLOURS;
    use queuescope_core::analysis::{Groups, TimeRange};

    #[test]
    fn queued_time_colours_follow_the_shared_groups() {
        let grid = BucketGrid::new(TimeRange::new(0, 3_600_000), 3_600_000, &Zone::Utc);
        let groups = Groups {
            names: vec!["alice".into(), "(none)".into(), "bob".into()],
            of_job: vec![0, 1, 2],
        };
        let series = GroupedSeries {
            groups: groups.names.clone(),
            values: vec![vec![5.0], vec![1.0], vec![60.0]],
        };
        let palette = Palette::of(&groups);
        let v: serde_json::Value =
            serde_json::from_str(&queued_time(&series, &palette, &grid, &Zone::Utc, "r").json)
                .unwrap();
        assert_eq!(v["data"][2]["name"], "bob");
        assert_eq!(v["data"][0]["marker"]["color"], GROUP_COLOURS[0].css());
        assert_eq!(v["data"][1]["marker"]["color"], "#a0a4ab");
        assert_eq!(v["data"][2]["marker"]["color"], GROUP_COLOURS[2].css());
        assert_eq!(v["data"][2]["y"], serde_json::json!([60.0]));
    }
}
