use super::*;
use queuescope_core::analysis::{Brush, TimeRange};

const H: Ms = 3_600_000;

/// One run of user `a<b` in a one-day range, its layout and groups, the
/// x range (shifted by 9 h, as a zone would).
fn one_run() -> (RunLayout, Groups, (Ms, Ms)) {
    use queuescope_core::analysis::{
        fold_groups, group, run_layout, select, Field, Filters, GroupBy, Prepared,
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
    let groups = fold_groups(&group(&p, &sel, &GroupBy::Field(Field::User)), 12);
    let layout = run_layout(&p, &sel, &groups, range);
    (layout, groups, (range.from + 9 * H, range.to + 9 * H))
}

#[test]
fn job_runs_frame_is_the_range_across_and_the_lanes_down_with_a_select_drag() {
    let (_, _, (x0, x1)) = one_run();
    let v: serde_json::Value = serde_json::from_str(&job_runs((x0, x1), "q|\"rev\"").json).unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 1, "the corners only");
    assert_eq!(
        v["data"][0]["x"],
        serde_json::json!([x0 as f64, null, x1 as f64])
    );
    assert_eq!(v["data"][0]["y"], serde_json::json!([1.0, null, 0.0]));
    assert_eq!(v["layout"]["uirevision"], "q|\"rev\"");
    assert_eq!(v["layout"]["dragmode"], "select");
    assert_eq!(v["layout"]["hovermode"], false);
    assert_eq!(v["layout"]["showlegend"], false);
    assert_eq!(
        v["layout"]["xaxis"]["range"],
        serde_json::json!([x0 as f64, x1 as f64])
    );
    assert_eq!(v["layout"]["yaxis"]["range"], serde_json::json!([1.0, 0.0]));
    // Lane k of n is centred at (k + 0.5) / n.
    assert_eq!(lane_of(0.5 / 4.0, 4), 0.0);
    assert_eq!(lane_of(1.0, 4), 3.5);
    for lane in [-0.5, 0.0, 1.25, 3.5] {
        assert_eq!(
            lane_of(y_of_lane(lane, 4), 4),
            lane,
            "lane {lane} there and back"
        );
    }
}

/// One column an hour of the day `x`, one row.
fn hour_columns((x0, x1): (Ms, Ms)) -> RasterWindow {
    RasterWindow {
        x0: x0 as f64,
        x1: x1 as f64,
        y0: 0.0,
        y1: 1.0,
        width: 24,
        height: 1,
    }
}

#[test]
fn the_picture_is_core_raster_in_group_colours_and_faded_outside_a_brush() {
    let (layout, groups, (x0, x1)) = one_run();
    let zone = Zone::Local(queuescope_core::analysis::LocalZone::fixed(9 * H));
    let t = crate::render::palette::tests::test_tokens();
    let palette = Palette::of(&groups, &t);
    // One column an hour from 09:00 local: the run (09:00-11:00 UTC) is
    // 18:00-20:00 local, columns 9 and 10.
    let win = hour_columns((x0, x1));
    let Paint::Pixels(px) = &runs_picture(&layout, &win, (&zone, &palette), None).paints[0] else {
        panic!("a raster");
    };
    let at = |px: &[u8], col: usize| px[col * 4..col * 4 + 4].to_vec();
    assert_eq!(at(px, 9), t.groups[0].rgba().to_vec());
    assert_eq!(at(px, 10), t.groups[0].rgba().to_vec());
    assert_eq!(at(px, 11), vec![0, 0, 0, 0]);
    assert_eq!(at(px, 8), vec![0, 0, 0, 0]);
    let Paint::Pixels(px) =
        &runs_picture(&layout, &win, (&zone, &palette), Some(&[false])).paints[0]
    else {
        panic!("a raster");
    };
    assert_eq!(at(px, 9), t.groups[0].faded(t.surface).to_vec());
}

/// Every group id (own colours and `(other)` past them), brushed or not,
/// is drawn in the palette's colour for it, washed out outside a brush.
#[test]
fn each_group_takes_its_palette_colour_in_and_out_of_a_brush() {
    let (mut layout, groups, (x0, x1)) = one_run();
    let t = crate::render::palette::tests::test_tokens();
    let palette = Palette::of(&groups, &t);
    let zone = Zone::Local(queuescope_core::analysis::LocalZone::fixed(9 * H));
    let win = hour_columns((x0, x1));
    for g in 0..palette.own_colours() as u16 + 3 {
        layout.bars[0].group = g;
        let c = palette.colour(usize::from(g));
        for (brushed, want) in [
            (None, c.rgba()),
            (Some(&[true][..]), c.rgba()),
            (Some(&[false][..]), c.faded(palette.surface)),
            (Some(&[][..]), c.faded(palette.surface)),
        ] {
            let p = runs_picture(&layout, &win, (&zone, &palette), brushed);
            let Paint::Pixels(px) = &p.paints[0] else {
                panic!("a raster");
            };
            assert_eq!(px[9 * 4..10 * 4], want, "group {g} {brushed:?}");
        }
    }
}

#[test]
fn inspect_lists_each_run_under_its_group() {
    let (layout, groups, _) = one_run();
    let t = crate::render::palette::tests::test_tokens();
    let palette = Palette::of(&groups, &t);
    let v = runs_inspect(
        &layout,
        (&groups, &palette),
        |j| format!("job{j}"),
        (None, None),
    );
    assert_eq!(v["lanes"], 1);
    assert_eq!(v["brushed"], serde_json::Value::Null);
    let s = &v["series"][0];
    assert_eq!(s["name"], "a<b");
    assert_eq!(s["color"], t.groups[0].css());
    assert_eq!(s["x"], serde_json::json!(["2026-11-21T09:00:00Z"]));
    assert_eq!(s["end"], serde_json::json!(["2026-11-21T11:00:00Z"]));
    assert_eq!(s["y"], serde_json::json!([0]));
    assert_eq!(s["job_id"], serde_json::json!(["job0"]));
    let brush = Brush {
        from: 0,
        to: 1500,
        lanes: Some((-0.5, 2.0)),
    };
    let b = runs_inspect(
        &layout,
        (&groups, &palette),
        |j| format!("job{j}"),
        (Some(&brush), Some(&[false])),
    );
    assert_eq!(b["brushed"], 0);
    assert_eq!(
        b["brush"],
        serde_json::json!({"from": "1970-01-01T00:00:00Z", "to": "1970-01-01T00:00:01.500Z", "lanes": [-0.5, 2.0]})
    );
    assert_eq!(b["series"][0]["brushed"], serde_json::json!([false]));
}
