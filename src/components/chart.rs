//! A chart whose marks the app draws: Plotly's frame, the marks canvas
//! laid over its plot area (painted while the chart is in view), and the
//! app's text-only hover card. Every chart panel is one of these.

use crate::hooks::{device_window, use_in_view, use_marks, MarksLayer};
use crate::inspect;
use crate::plotly_glue::{PlotView, PlotlyChart, Pointer};
use crate::render::{self, summary, AxisBox, Chart, ChartModel, SelectBox};
use crate::state::{Readiness, Shared, ThemeState};
use leptos::html::Div;
use leptos::prelude::*;
use queuescope_core::analysis::RasterWindow;

/// What a hover card is about, as its test hook: `data-run-tip` (a job
/// id), `data-bar-tip` (`bucket:series`) or `data-line-tip` (a run id).
#[derive(Debug, Clone, PartialEq)]
pub enum TipKey {
    /// A run on Job runs, by job id.
    Run(String),
    /// A bar segment: bucket and series index.
    Bar(usize, usize),
    /// A usage line, by run id.
    Line(String),
}

/// The hover card of one mark.
#[derive(Debug, Clone, PartialEq)]
pub struct Tip {
    /// Where the pointer is (viewport px).
    pub x: f64,
    /// Where the pointer is (viewport px).
    pub y: f64,
    /// What it is about.
    pub key: TipKey,
    /// Text lines; the first is the heading.
    pub lines: Vec<String>,
}

/// Where a chart is on screen: its axes (as Plotly reports them after each
/// draw, zoom, pan and resize), whether it is in view, and the element
/// watched for that.
#[derive(Clone, Copy)]
pub struct ChartPlace {
    /// The axes on screen (`None` while a new frame is being drawn).
    pub axes: RwSignal<Option<PlotView>>,
    /// True while the chart is (about to be) on screen.
    pub visible: Signal<bool>,
    node: NodeRef<Div>,
    /// The chart's text alternative (read before the chart).
    summary: Signal<String>,
}

/// A place for a chart (see [`ChartPlace`]) whose text alternative is
/// `summary`.
pub fn chart_place(summary: Signal<String>) -> ChartPlace {
    let ready = expect_context::<Readiness>();
    let node = NodeRef::<Div>::new();
    ChartPlace {
        axes: RwSignal::new(None),
        visible: use_in_view(node, ready.on_busy()),
        node,
        summary,
    }
}

/// The place of a [`ChartModel`] chart, summarised from its series' totals.
fn model_place<C>(chart: Memo<Option<Shared<C>>>) -> ChartPlace
where
    C: ChartModel + Send + Sync + 'static,
{
    chart_place(Signal::derive(move || {
        chart.with(|c| c.as_ref().map(|c| summary(&c.totals())).unwrap_or_default())
    }))
}

/// What a panel whose chart is one value ([`ChartModel`]) shows of it:
/// its place, its frame for Plotly, its marks canvas; and its `inspect`
/// answer is registered under `name`.
pub fn model_chart<C>(
    name: &'static str,
    chart: Memo<Option<Shared<C>>>,
) -> (ChartPlace, Memo<Option<Chart>>, MarksLayer)
where
    C: ChartModel + Send + Sync + 'static,
{
    let place = model_place(chart);
    inspect::register(name, move || {
        chart.with_untracked(|c| c.as_ref().map(|c| c.inspect().to_string()))
    });
    let frame = Memo::new(move |_| chart.with(|c| c.as_ref().map(|c| c.frame().clone())));
    let layer = use_marks(
        (name, expect_context::<Readiness>().on_busy()),
        chart.into(),
        place.axes.into(),
        place.visible,
        |c: &Shared<C>, win, scale| c.picture(win, scale),
    );
    (place, frame, layer)
}

/// A pointer in device pixels of the marks' window: the window, and the
/// pointer's column and row in it (hover lookups work where the marks were
/// drawn).
pub fn pointer_window(p: &Pointer) -> (RasterWindow, (f64, f64), f64) {
    let (win, scale) = device_window(&p.view);
    (win, (p.px * scale, p.py * scale), scale)
}

/// The chart: frame, marks canvas, hover card. `tip` answers what is under
/// the pointer.
#[component]
pub fn MarkedChart(
    /// The frame for Plotly.
    #[prop(into)]
    frame: Signal<Option<Chart>>,
    /// Where it is (from [`chart_place`]).
    place: ChartPlace,
    /// The marks canvas (from [`crate::hooks::use_marks`] over `place`).
    layer: MarksLayer,
    /// What is under the pointer: its key and card lines.
    tip: Callback<Pointer, Option<(TipKey, Vec<String>)>>,
    /// Box selections (Job runs' brush).
    #[prop(optional)]
    on_select: Option<Callback<Option<SelectBox>>>,
    /// The selection shown over the plot area (Job runs' brush).
    #[prop(optional, into)]
    selection: Option<Signal<Option<AxisBox>>>,
) -> impl IntoView {
    let ready = expect_context::<Readiness>();
    let axes = place.axes;
    let on_view = Callback::new(move |v: Option<PlotView>| {
        if axes.get_untracked() != v {
            axes.set(v);
        }
    });
    let card = RwSignal::new(None::<Tip>);
    let on_pointer = Callback::new(move |p: Option<Pointer>| {
        let found = p.and_then(|p| {
            let (key, lines) = tip.run(p)?;
            Some(Tip {
                x: p.client_x,
                y: p.client_y,
                key,
                lines,
            })
        });
        if card.with_untracked(|t| t != &found) {
            card.set(found);
        }
    });
    let drawn = layer.drawn;
    // The frame in the theme's colours: a theme change redraws it.
    let theme = expect_context::<ThemeState>();
    let frame = Memo::new(move |_| {
        let f = frame.get()?;
        Some(theme.tokens.with(|t| render::frame::themed(&f, &t.frame)))
    });
    let summary = place.summary;
    view! {
        <p class="qs-sr" data-chart-summary>{move || summary.get()}</p>
        <div class="qs-chart-box" node_ref=place.node data-drawn=move || drawn.get().to_string()>
            <PlotlyChart chart=frame visible=place.visible overlay=layer.canvas
                on_view=on_view on_pointer=on_pointer on_busy=ready.on_busy()
                on_select=on_select selection=selection/>
            <TipCard tip=card node=place.node/>
        </div>
    }
}

/// The hover card: left of the pointer on the right part of the screen,
/// so it never runs off the edge. Its text is text, never HTML. `node`:
/// the chart's box, inside its panel.
#[component]
fn TipCard(tip: RwSignal<Option<Tip>>, node: NodeRef<Div>) -> impl IntoView {
    let content = move || {
        tip.get().map(|t| {
            let wide = web_sys::window()
                .and_then(|w| w.inner_width().ok())
                .and_then(|w| w.as_f64())
                .unwrap_or(f64::MAX);
            let (left, top, right) = card_frame(node).unwrap_or((0.0, 0.0, wide));
            let (side, at) = if t.x > wide * 0.6 {
                ("right", right - t.x + 14.0)
            } else {
                ("left", t.x - left + 14.0)
            };
            let (run, bar, line) = match &t.key {
                TipKey::Run(id) => (Some(id.clone()), None, None),
                TipKey::Bar(b, s) => (None, Some(format!("{b}:{s}")), None),
                TipKey::Line(id) => (None, None, Some(id.clone())),
            };
            let mut lines = t.lines.into_iter();
            let head = lines.next().unwrap_or_default();
            view! {
                <div class="qs-tip" role="tooltip" data-run-tip=run data-bar-tip=bar data-line-tip=line
                    style=format!("{side}: {at}px; top: {}px", t.y - top + 14.0)>
                    <strong>{head}</strong>
                    {lines.map(|l| view! { <div>{l}</div> }).collect_view()}
                </div>
            }
        })
    };
    view! { {move || content()} }
}

/// Where the hover card is placed from: the chart's box (its containing
/// block: `.qs-chart-box` is positioned, the card `position: absolute`), as
/// its left, top and right edges in viewport pixels. Not `position: fixed`
/// against the viewport: the panel's layout is contained (style/main.css),
/// and a contained box is the containing block of fixed descendants too.
fn card_frame(node: NodeRef<Div>) -> Option<(f64, f64, f64)> {
    let r = node.get_untracked()?.get_bounding_client_rect();
    Some((r.left(), r.top(), r.right()))
}
