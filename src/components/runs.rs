//! The Job runs panel: the runs as an image on Plotly's axes (redrawn for
//! the window on screen), the app's own hover card, and the brush.

use super::panel::{data_status, Panel};
use crate::dom::{self, timed};
use crate::format;
use crate::plotly_glue::{PlotView, PlotlyChart, Pointer};
use crate::render::{self, RunsImage, SelectBox};
use crate::state::{Analysis, Readiness, Shared, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{raster_runs, Brush, LaneIndex, RasterWindow, Zone};
use queuescope_core::Ms;

/// How far from a run (in pixels) the pointer still shows it.
const HOVER_SLACK_PX: f64 = 3.0;

/// The hover card of one run.
#[derive(Debug, Clone, PartialEq)]
struct Tip {
    /// Where the pointer is (viewport px).
    x: f64,
    y: f64,
    /// The run's job id.
    job_id: String,
    lines: Vec<String>,
}

/// The raster window for the axes on screen, at the device's pixel ratio
/// (at most 2) so bars stay sharp on high-density screens.
fn raster_window(v: &PlotView) -> RasterWindow {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 2.0);
    RasterWindow {
        x0: v.x.0,
        x1: v.x.1,
        y0: v.y.0,
        y1: v.y.1,
        width: (v.width * dpr).round() as u32,
        height: (v.height * dpr).round() as u32,
    }
}

/// The runs drawn for the axes on screen: group colours from the shared
/// palette, runs outside a brush washed out.
fn runs_image(a: Analysis, axes: RwSignal<Option<PlotView>>) -> Memo<Option<RunsImage>> {
    Memo::new(move |_| {
        let v = axes.get()?;
        let win = raster_window(&v);
        let zone = a.zone.get();
        let palette = a.palette.get();
        let brushed: Option<Vec<bool>> = a.brushed.get().map(|sel| {
            let n = a
                .prepared
                .with(|l| l.as_ref().map_or(0, |l| l.prepared.len()));
            let mut mask = vec![false; n];
            for &j in sel.iter() {
                if let Some(m) = mask.get_mut(j as usize) {
                    *m = true;
                }
            }
            mask
        });
        let px = timed("qs:raster:job-runs", || {
            a.runs.with(|r| {
                raster_runs(
                    r,
                    &win,
                    |t| zone.wall_of(t) as f64,
                    |bar| {
                        let c = palette.colour(bar.group as usize);
                        match &brushed {
                            Some(m) if !m.get(bar.job as usize).copied().unwrap_or(false) => {
                                c.faded()
                            }
                            _ => c.rgba(),
                        }
                    },
                )
            })
        });
        let source = timed("qs:png:job-runs", || {
            dom::png_data_url(&px, win.width, win.height)
        })?;
        Some(RunsImage {
            source,
            window: win,
        })
    })
}

/// The run under the pointer, as a hover card.
fn tip_at(a: Analysis, index: Memo<Shared<LaneIndex>>, p: Pointer) -> Option<Tip> {
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
    Some(Tip {
        x: p.client_x,
        y: p.client_y,
        job_id: job.id.to_string(),
        lines: render::run_tip(&job, bar, &zone),
    })
}

/// The brush of a box drawn on the chart.
fn brush_of(b: SelectBox, zone: &Zone) -> Option<Brush> {
    let x0 = zone.parse_wall_clock(&b.x0)?;
    let x1 = zone.parse_wall_clock(&b.x1)?;
    Some(Brush {
        from: x0.min(x1),
        to: x0.max(x1),
        lanes: b.y.map(|(y0, y1)| (y0.min(y1), y0.max(y1))),
    })
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

/// Job runs: lanes, colour per group, brush selects runs.
#[component]
pub fn JobRunsPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let view = expect_context::<ViewState>();
    let ready = expect_context::<Readiness>();
    // The axes on screen, as Plotly reports them after each draw, zoom,
    // pan or resize.
    let axes = RwSignal::new(None::<PlotView>);
    let index = Memo::new(move |_| a.runs.with(|r| Shared::new(LaneIndex::new(r))));
    let image = runs_image(a, axes);
    let chart = Memo::new(move |_| {
        a.prepared.get()?;
        let (zone, rev, range) = (a.zone.get(), a.revision.get(), a.range.get());
        let x = (zone.wall_of(range.from), zone.wall_of(range.to));
        let (img, palette) = (image.get(), a.palette.get());
        Some(timed("qs:chart:job-runs", || {
            a.runs.with(|r| {
                a.groups
                    .with(|g| render::job_runs(r, (g, &palette), x, img.as_ref(), &rev))
            })
        }))
    });
    let on_view = Callback::new(move |v: PlotView| {
        if axes.get_untracked() != Some(v) {
            axes.set(Some(v));
        }
    });
    let tip = RwSignal::new(None::<Tip>);
    let on_pointer = Callback::new(move |p: Option<Pointer>| {
        let found = p.and_then(|p| tip_at(a, index, p));
        if tip.with_untracked(|t| t != &found) {
            tip.set(found);
        }
    });
    let on_select = Callback::new(move |b: Option<SelectBox>| {
        let zone = a.zone.get_untracked();
        view.set_brush(b.and_then(|b| brush_of(b, &zone)));
    });
    let actions = ViewFn::from(move || {
        view! {
            <button class="qs-btn qs-btn-quiet" data-clear-brush
                disabled=move || !view.has_brush()
                on:click=move |_| view.set_brush(None)>"Clear selection"</button>
        }
    });
    view! {
        <Panel name="job-runs" title="Job runs" subtitle=runs_subtitle(a) status=data_status("No jobs in this range") class="qs-wide qs-tall" actions=actions>
            <PlotlyChart chart=chart on_select=on_select on_view=on_view on_pointer=on_pointer on_busy=ready.on_busy()
                selection_active=Signal::derive(move || view.has_brush())/>
            <TipCard tip=tip/>
        </Panel>
    }
}

/// The hover card: left of the pointer on the right part of the screen,
/// so it never runs off the edge.
#[component]
fn TipCard(tip: RwSignal<Option<Tip>>) -> impl IntoView {
    move || {
        tip.get().map(|t| {
            let wide = web_sys::window()
                .and_then(|w| w.inner_width().ok())
                .and_then(|w| w.as_f64())
                .unwrap_or(f64::MAX);
            let (side, at) = if t.x > wide * 0.6 {
                ("right", wide - t.x + 14.0)
            } else {
                ("left", t.x + 14.0)
            };
            let mut lines = t.lines.into_iter();
            let head = lines.next().unwrap_or_default();
            view! {
                <div class="qs-tip" role="tooltip" data-run-tip=t.job_id
                    style=format!("{side}: {at}px; top: {}px", t.y + 14.0)>
                    <strong>{head}</strong>
                    {lines.map(|l| view! { <div>{l}</div> }).collect_view()}
                </div>
            }
        })
    }
}
