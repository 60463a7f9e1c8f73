//! The Job runs panel: core's raster of the runs on a canvas over
//! Plotly's axes (redrawn for the window on screen), the app's own hover
//! card, the brush, and the group legend.

use super::chart::{chart_place, MarkedChart, TipKey};
use super::inspect_dialog::InspectButton;
use super::legend::GroupLegend;
use super::panel::{data_status, Panel, ShowIf};
use crate::dom::timed;
use crate::format;
use crate::hooks::use_marks;
use crate::i18n::t;
use crate::inspect;
use crate::plotly_glue::Pointer;
use crate::render::{self, AxisBox, Palette, SelectBox};
use crate::state::{Analysis, Metrics, Readiness, Shared, ViewState};
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

/// How Job runs' axes show `b` (the inverse of [`brush_of`]): wall-clock
/// ms across, the axis' 0-1 of `lanes` down.
fn box_of(b: &Brush, zone: &Zone, lanes: u32) -> AxisBox {
    let wall = |t: Ms| zone.wall_of(t) as f64;
    let y = |l: f64| render::runs::y_of_lane(l, lanes);
    AxisBox {
        x: (wall(b.from), wall(b.to)),
        y: b.lanes.map(|(lo, hi)| (y(lo), y(hi))),
    }
}

/// "1,234 runs in 56 lanes · 12 selected by the brush"
fn runs_subtitle(a: Analysis) -> Signal<String> {
    Signal::derive(move || {
        let (runs, lanes) = a.runs.with(|r| (r.bars.len(), r.lanes));
        match a.brushed.get() {
            Some(sel) => (t().runs_brushed)(&format::count(runs), lanes, &format::count(sel.len())),
            None => (t().runs_note)(&format::count(runs), lanes),
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

/// What a select drag on Job runs does: the box so far of a drag under way
/// prefetches the usage of its runs; the box at the release is the brush.
fn on_select(a: Analysis, view: ViewState) -> Callback<Option<SelectBox>> {
    let metrics = use_context::<Metrics>();
    Callback::new(move |b: Option<SelectBox>| {
        let zone = a.zone.get_untracked();
        let lanes = a.runs.with_untracked(|r| r.lanes);
        let brush = b.map(|b| brush_of(b, &zone, lanes));
        match b {
            // A drag under way: the usage of the runs under its box so far.
            Some(b) if !b.done => {
                if let Some(m) = metrics {
                    m.prefetch(brush);
                }
            }
            _ => {
                if let Some(m) = metrics {
                    m.prefetch(None);
                    // The usage of the runs the brush shows is asked for
                    // first, so its round trip overlaps the brush's own work
                    // (the view's fetch then finds them in flight).
                    if let Some(b) = &brush {
                        m.prefetch_now(b);
                    }
                }
                view.set_brush(brush);
            }
        }
    })
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
    let place = chart_place(runs_subtitle(a));
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
    let on_select = on_select(a, view);
    let selection = Memo::new(move |_| {
        let b = view.brush()?;
        let lanes = a.runs.with(|r| r.lanes);
        Some(box_of(&b, &a.zone.get(), lanes))
    });
    let span_open = RwSignal::new(false);
    let actions = ViewFn::from(move || {
        view! {
            <InspectButton panel="job-runs" title=t().job_runs/>
            <button class="qs-btn qs-btn-quiet" data-select-span aria-expanded=move || span_open.get().to_string()
                aria-controls="qs-span-form"
                on:click=move |_| span_open.update(|o| *o = !*o)>{t().select_span}</button>
            <button class="qs-btn qs-btn-quiet" data-clear-brush
                disabled=move || !view.has_brush()
                on:click=move |_| view.set_brush(None)>{t().clear_selection}</button>
        }
    });
    view! {
        <Panel name="job-runs" title=t().job_runs subtitle=runs_subtitle(a) status=data_status(t().no_jobs) class="qs-wide qs-tall" actions=actions>
            <ShowIf when=move || span_open.get()>
                <SpanForm/>
            </ShowIf>
            <div class="qs-chart-row">
                <MarkedChart frame=frame place=place layer=layer tip=tip on_select=on_select
                    selection=selection/>
                <GroupLegend/>
            </div>
        </Panel>
    }
}

/// The lanes typed into the span form: both empty is every lane
/// (`Some(None)`), two numbers a range, anything else `None`.
fn lanes_of(from: &str, to: &str) -> Option<Option<(f64, f64)>> {
    let lane = queuescope_core::text::number;
    match (from.trim().is_empty(), to.trim().is_empty()) {
        (true, true) => Some(None),
        _ => {
            let (x, y) = (lane(from)?, lane(to)?);
            Some(Some((x.min(y), x.max(y))))
        }
    }
}

/// The keyboard's brush: a span typed in (to the millisecond, in the view's
/// zone) and, optionally, a range of lanes, applied exactly as a drag's box
/// is (the same [`Brush`], so the same runs). Prefilled with the brush on
/// screen, else the view's range.
#[component]
fn SpanForm() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let view = expect_context::<ViewState>();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let lane_from = RwSignal::new(String::new());
    let lane_to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    crate::reactive::effect(move || {
        let zone = a.zone.get();
        let (span, lanes) = match view.brush() {
            Some(b) => ((b.from, b.to), b.lanes),
            None => {
                let r = a.range.get();
                ((r.from, r.to), None)
            }
        };
        let text = |t: Ms| format::input_value_exact(t, zone.offset_at(t));
        from.set(text(span.0));
        to.set(text(span.1));
        let lane = |l: Option<f64>| l.map(|l| l.to_string()).unwrap_or_default();
        lane_from.set(lane(lanes.map(|l| l.0)));
        lane_to.set(lane(lanes.map(|l| l.1)));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let zone = a.zone.get_untracked();
        let at = |s: RwSignal<String>| zone.parse_wall_clock(&s.get_untracked());
        let Some(lanes) = lanes_of(&lane_from.get_untracked(), &lane_to.get_untracked()) else {
            return error.set(Some(t().span_lanes_error));
        };
        match (at(from), at(to)) {
            (Some(f), Some(e)) if f < e => {
                error.set(None);
                view.set_brush(Some(Brush {
                    from: f,
                    to: e,
                    lanes,
                }));
            }
            (Some(_), Some(_)) => error.set(Some(t().from_before_to)),
            _ => error.set(Some(t().enter_both)),
        }
    };
    let input = |name: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 value: RwSignal<String>| {
        let step = if kind == "number" { "any" } else { "0.001" };
        view! {
            <label class="qs-field">
                <span class="qs-label">{label}</span>
                <input autocomplete="off" type=kind name=name step=step min=(kind == "number").then_some("0")
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form id="qs-span-form" class="qs-span-form" data-span-form on:submit=submit aria-label=t().select_span>
            {input("span-from", t().from, "datetime-local", from)}
            {input("span-to", t().to, "datetime-local", to)}
            // The lanes wrap as a pair (at 800 px "to" went to a row of its own).
            <div class="qs-span-lanes">
                {input("span-lane-from", t().lane_from, "number", lane_from)}
                {input("span-lane-to", t().lane_to, "number", lane_to)}
            </div>
            <button class="qs-btn qs-btn-primary" type="submit">{t().select_span_apply}</button>
            {move || error.get().map(|e| view! { <p class="qs-field-error" role="alert">{e}</p> })}
        </form>
    }
}
