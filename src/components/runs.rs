//! The Job runs panel: core's raster of the runs on a canvas over
//! Plotly's axes (redrawn for the window on screen), the app's own hover
//! card, the brush, and the group legend.

use super::chart::{chart_place, MarkedChart, TipKey};
use super::inspect_dialog::InspectButton;
use super::legend::GroupLegend;
use super::panel::{data_status, Panel};
use crate::dom::timed;
use crate::format;
use crate::hooks::use_marks;
use crate::inspect;
use crate::plotly_glue::Pointer;
use crate::render::{self, Palette, SelectBox};
use crate::state::{Analysis, Readiness, Shared, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{Brush, LaneIndex, RunLayout, Zone};
use queuescope_core::Ms;

/// How far from a run (in pixels) the pointer still shows it.
const HOVER_SLACK_PX: f64 = 3.0;

/// What the runs' picture is drawn from.
#[derive(Clone, PartialEq)]
struct RunsMarks {
    runs: Shared<RunLayout>,
    zone: Zone,
    palette: Shared<Palette>,
    /// `brushed[job]`: the brush selects the job's run (`None`: no brush).
    brushed: Option<Shared<Vec<bool>>>,
}

/// The runs a brush selects, as a mask over the prepared jobs.
fn brushed_mask(a: Analysis) -> Memo<Option<Shared<Vec<bool>>>> {
    Memo::new(move |_| {
        let sel = a.brushed.get()?;
        let n = a
            .prepared
            .with(|l| l.as_ref().map_or(0, |l| l.prepared.len()));
        let mut mask = vec![false; n];
        for &j in sel.iter() {
            if let Some(m) = mask.get_mut(j as usize) {
                *m = true;
            }
        }
        Some(Shared::new(mask))
    })
}

/// The run under the pointer: its job id and card.
fn tip_at(
    a: Analysis,
    index: Memo<Shared<LaneIndex>>,
    p: Pointer,
) -> Option<(TipKey, Vec<String>)> {
    let (x, y) = p.view.to_axes(p.px, p.py);
    let zone = a.zone.get_untracked();
    let t = zone.instant_of_wall(x as Ms);
    let ms_per_px = (p.view.x.1 - p.view.x.0) / p.view.width;
    let half_row = (p.view.y.1 - p.view.y.0).abs() / p.view.height / 2.0;
    let l = a.prepared.get_untracked()?;
    let runs = a.runs.get_untracked();
    let i = index.with_untracked(|ix| {
        ix.bar_at(
            &runs,
            t,
            (y - half_row, y + half_row),
            (ms_per_px * HOVER_SLACK_PX) as Ms,
        )
    })?;
    let bar = runs.bars.get(i)?;
    let job = l.prepared.get(bar.job as usize)?;
    Some((
        TipKey::Run(job.id.to_string()),
        render::run_tip(&job, bar, &zone),
    ))
}

/// The brush of a box drawn on the chart (x in wall-clock ms, y in the
/// axis' 0-1 of `lanes`), to the millisecond.
fn brush_of(b: SelectBox, zone: &Zone, lanes: u32) -> Brush {
    let at = |x: f64| zone.instant_of_wall(x.floor() as Ms);
    let (x0, x1) = (at(b.x.0), at(b.x.1));
    let lane = |y| render::runs::lane_of(y, lanes);
    let (y0, y1) = b.y;
    Brush {
        from: x0.min(x1),
        to: x0.max(x1),
        lanes: Some((lane(y0.min(y1)), lane(y0.max(y1)))),
    }
}

/// "1,234 runs in 56 lanes · 12 selected by the brush"
fn runs_subtitle(a: Analysis) -> Signal<String> {
    Signal::derive(move || {
        let (runs, lanes) = a.runs.with(|r| (r.bars.len(), r.lanes));
        match a.brushed.get() {
            Some(sel) => format!(
                "{} runs in {} lanes · {} selected by the brush",
                format::count(runs),
                lanes,
                format::count(sel.len())
            ),
            None => format!(
                "{} runs in {} lanes · drag to select a time span",
                format::count(runs),
                lanes
            ),
        }
    })
}

/// Registers Job runs' `inspect` answer (see [`render::runs_inspect`]).
fn register_inspect(a: Analysis, view: ViewState, mask: Memo<Option<Shared<Vec<bool>>>>) {
    inspect::register("job-runs", move || {
        let l = a.prepared.get_untracked()?;
        let (runs, groups, palette) = (
            a.runs.get_untracked(),
            a.groups.get_untracked(),
            a.palette.get_untracked(),
        );
        let mask = mask.get_untracked();
        let brush = view.brush_untracked();
        let id = |j: u32| {
            l.prepared
                .get(j as usize)
                .map_or_else(String::new, |job| job.id.to_string())
        };
        Some(
            render::runs_inspect(
                &runs,
                (&groups, &palette),
                id,
                (brush.as_ref(), mask.as_deref().map(Vec::as_slice)),
            )
            .to_string(),
        )
    });
}

/// Job runs: lanes, colour per group, brush selects runs.
#[component]
pub fn JobRunsPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let view = expect_context::<ViewState>();
    let index = Memo::new(move |_| a.runs.with(|r| Shared::new(LaneIndex::new(r))));
    let mask = brushed_mask(a);
    register_inspect(a, view, mask);
    let frame = Memo::new(move |_| {
        a.prepared.get()?;
        let (zone, rev, range) = (a.zone.get(), a.revision.get(), a.range.get());
        let x = (zone.wall_of(range.from), zone.wall_of(range.to));
        Some(timed("qs:chart:job-runs", || render::job_runs(x, &rev)))
    });
    let marks = Memo::new(move |_| {
        a.prepared.get()?;
        Some(RunsMarks {
            runs: a.runs.get(),
            zone: a.zone.get(),
            palette: a.palette.get(),
            brushed: mask.get(),
        })
    });
    let place = chart_place();
    let layer = use_marks(
        ("job-runs", expect_context::<Readiness>().on_busy()),
        marks.into(),
        place.axes.into(),
        place.visible,
        |m: &RunsMarks, win, _| {
            render::runs_picture(
                &m.runs,
                win,
                (&m.zone, &m.palette),
                m.brushed.as_deref().map(Vec::as_slice),
            )
        },
    );
    let tip = Callback::new(move |p: Pointer| tip_at(a, index, p));
    let on_select = Callback::new(move |b: Option<SelectBox>| {
        let zone = a.zone.get_untracked();
        let lanes = a.runs.with_untracked(|r| r.lanes);
        view.set_brush(b.map(|b| brush_of(b, &zone, lanes)));
    });
    let actions = ViewFn::from(move || {
        view! {
            <InspectButton panel="job-runs" title="Job runs"/>
            <button class="qs-btn qs-btn-quiet" data-clear-brush
                disabled=move || !view.has_brush()
                on:click=move |_| view.set_brush(None)>"Clear selection"</button>
        }
    });
    view! {
        <Panel name="job-runs" title="Job runs" subtitle=runs_subtitle(a) status=data_status("No jobs in this range") class="qs-wide qs-tall" actions=actions>
            <div class="qs-chart-row">
                <MarkedChart frame=frame place=place layer=layer tip=tip on_select=on_select
                    selection_active=Signal::derive(move || view.has_brush())/>
                <GroupLegend/>
            </div>
        </Panel>
    }
}
