use super::*;
use crate::render::palette::GROUP_COLOURS;
use queuescope_core::analysis::TimeRange;
use serde_json::Value;

const H: Ms = 3_600_000;

fn json(c: &Chart) -> Value {
    serde_json::from_str(&c.json).unwrap()
}

/// One run of user `a<b` in a one-day range, its layout and groups, the
/// x range (shifted by 9 h, as a zone would) and an image of it.
fn one_run() -> (RunLayout, Groups, (Ms, Ms), RunsImage) {
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
    (layout, groups, (x0, x1), image)
}

#[test]
fn job_runs_is_axes_a_legend_and_the_image_with_uirevision_spliced_in() {
    let (layout, groups, (x0, x1), image) = one_run();
    let v = json(&job_runs(
        &layout,
        (&groups, &Palette::of(&groups)),
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
    assert_eq!(v["data"][0]["line"]["color"], GROUP_COLOURS[0].css());
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
}

#[test]
fn a_new_image_alone_is_a_relayout_of_images() {
    let (layout, groups, (x0, x1), image) = one_run();
    // Without an image yet: no images.
    let v = json(&job_runs(
        &layout,
        (&groups, &Palette::of(&groups)),
        (x0, x1),
        None,
        "r",
    ));
    assert_eq!(v["layout"]["images"], serde_json::json!([]));
    // A new image alone is a relayout of `images`; a new range is not.
    let with = job_runs(
        &layout,
        (&groups, &Palette::of(&groups)),
        (x0, x1),
        Some(&image),
        "r",
    )
    .restyle
    .unwrap();
    let without = job_runs(
        &layout,
        (&groups, &Palette::of(&groups)),
        (x0, x1),
        None,
        "r",
    )
    .restyle
    .unwrap();
    assert!(with.layout);
    assert_eq!(with.base, without.base);
    assert_eq!(&*without.update, r#"{"images":[]}"#);
    let update: Value = serde_json::from_str(&with.update).unwrap();
    assert_eq!(update["images"][0]["source"], "data:image/png;base64,AAAA");
    let moved = job_runs(
        &layout,
        (&groups, &Palette::of(&groups)),
        (x0, x1 + 1),
        None,
        "r",
    )
    .restyle
    .unwrap();
    assert_ne!(moved.base, without.base);
}
