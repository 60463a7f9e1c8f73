//! The Queued time chart: stacked bars of waiting seconds per group.

use super::bars::{bar_chart, BarChart, BarSeries, Unit};
use super::Palette;
use queuescope_core::analysis::{BucketGrid, GroupedSeries, Zone};

/// Queued time: stacked bars of waiting seconds per bucket, one series per
/// group. The series are in the shared group order, so series `i` is group
/// `i` and has its colour in every other panel.
pub fn queued_time(
    series: &GroupedSeries,
    palette: &Palette,
    grid: &BucketGrid,
    zone: &Zone,
    uirevision: &str,
) -> BarChart {
    let bars = series
        .groups
        .iter()
        .zip(&series.values)
        .enumerate()
        .map(|(i, (name, y))| BarSeries {
            name,
            colour: palette.colour(i),
            values: y.clone(),
        })
        .collect();
    bar_chart(
        bars,
        (grid, zone),
        (Unit::Seconds, crate::i18n::t().axis_seconds_waiting),
        uirevision,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let t = crate::render::palette::tests::test_tokens();
        let palette = Palette::of(&groups, &t);
        let c = queued_time(&series, &palette, &grid, &Zone::Utc, "r");
        assert_eq!(c.names[2], "bob");
        assert_eq!(c.marks.colours[0], t.groups[0]);
        assert_eq!(c.marks.colours[1].css(), "#a0a4ab");
        assert_eq!(c.marks.colours[2], t.groups[2]);
        assert_eq!(c.values[2], vec![60.0]);
        let (_, _, tip) = c.tip(1_800_000.0, 30.0).unwrap();
        assert_eq!(tip[0], "bob");
        assert_eq!(tip[2], "1m 00s waiting");
    }
}
