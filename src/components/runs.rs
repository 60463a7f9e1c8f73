//! The Job runs panel: the runs as an image on Plotly's axes (redrawn for
//! the window on screen), the app's own hover card, and the brush.

use super::panels::{data_status, parse_wall_clock, ui_revision, Panel};
use crate::charts::{self, RunsImage, SelectBox};
use crate::format;
use crate::plotly_glue::{PlotView, PlotlyChart, Pointer};
use crate::state::{Analysis, Shared, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{raster_runs, Brush, LaneIndex, RasterWindow};
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

/// Job runs: lanes, colour per group, brush selects runs.
#[component]
pub fn JobRunsPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let view = expect_context::<ViewState>();
    let rev = ui_revision();
    // The axes on screen, as Plotly reports them after each draw, zoom,
    // pan or resize.
    let axes = RwSignal::new(None::<PlotView>);
    let index = Memo::new(move |_| a.runs.with(|r| Shared::new(LaneIndex::new(r))));
    let image = Memo::new(move |_| {
        let v = axes.get()?;
        let win = raster_window(&v);
        let zone = a.zone.get();
        let colors: Vec<[u8; 4]> = a.groups.with(|g| {
            g.names
                .iter()
                .enumerate()
                .map(|(i, n)| charts::rgba(charts::group_color(i, n), 255))
                .collect()
        });
        // Runs outside a brush are washed out.
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
        let px = crate::dom::timed("qs:raster:job-runs", || {
            a.runs.with(|r| {
                raster_runs(
                    r,
                    &win,
                    |t| (t + charts::offset_at(&zone, t)) as f64,
                    |bar| {
                        let c = colors
                            .get(bar.group as usize)
                            .copied()
                            .unwrap_or([160, 164, 171, 255]);
                        match &brushed {
                            Some(m) if !m.get(bar.job as usize).copied().unwrap_or(false) => {
                                charts::faded(c)
                            }
                            _ => c,
                        }
                    },
                )
            })
        });
        let source = crate::dom::timed("qs:png:job-runs", || {
            crate::dom::png_data_url(&px, win.width, win.height)
        })?;
        Some(RunsImage {
            source,
            window: win,
        })
    });
    let chart = Memo::new(move |_| {
        a.prepared.get()?;
        let (zone, rev, range) = (a.zone.get(), rev.get(), a.range.get());
        let x = (
            range.from + charts::offset_at(&zone, range.from),
            range.to + charts::offset_at(&zone, range.to),
        );
        let img = image.get();
        Some(crate::dom::timed("qs:chart:job-runs", || {
            a.runs.with(|r| {
                a.groups
                    .with(|g| charts::job_runs(r, g, x, img.as_ref(), &rev))
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
        let found = p.and_then(|p| {
            let (x, y) = p.view.to_axes(p.px, p.py);
            let zone = a.zone.get_untracked();
            let t = charts::instant_of_wall(x as Ms, &zone);
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
                job_id: job.id.clone(),
                lines: charts::run_tip(job, bar, &zone),
            })
        });
        if tip.with_untracked(|t| t != &found) {
            tip.set(found);
        }
    });
    let on_select = Callback::new(move |b: Option<SelectBox>| {
        let brush = b.and_then(|b| {
            let zone = a.zone.get_untracked();
            let x0 = parse_wall_clock(&b.x0, &zone)?;
            let x1 = parse_wall_clock(&b.x1, &zone)?;
            let (from, to) = (x0.min(x1), x0.max(x1));
            Some(Brush {
                from,
                to,
                lanes: b.y.map(|(y0, y1)| (y0.min(y1), y0.max(y1))),
            })
        });
        view.brush.set(brush);
    });
    let subtitle = Signal::derive(move || {
        let runs = a.runs.with(|r| r.bars.len());
        let lanes = a.runs.with(|r| r.lanes);
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
    });
    let status = data_status("No jobs in this range");
    let actions = ViewFn::from(move || {
        view! {
            <button class="qs-btn qs-btn-quiet" data-clear-brush
                disabled=move || view.brush.with(|b| b.is_none())
                on:click=move |_| view.brush.set(None)>"Clear selection"</button>
        }
    });
    let card = move || {
        tip.get().map(|t| {
            // Left of the pointer on the right half of the screen, so the
            // card never runs off the edge.
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
    };
    view! {
        <Panel name="job-runs" title="Job runs" subtitle=subtitle status=status class="qs-wide qs-tall" actions=actions>
            <PlotlyChart chart=chart on_select=on_select on_view=on_view on_pointer=on_pointer
                selection_active=Signal::derive(move || view.brush.with(|b| b.is_some()))/>
            {card}
        </Panel>
    }
}
