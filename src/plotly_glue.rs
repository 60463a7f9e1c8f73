//! The one place that talks to Plotly.js.
//!
//! A [`PlotlyChart`] draws a frame ([`Chart`]: axes, no marks) with
//! `Plotly.newPlot` the first time and `Plotly.react` after (so zoom and
//! brush survive through `uirevision`), binds its events once, and purges
//! the graph when it unmounts. The app's marks canvas (the `overlay`) is
//! laid into the graph between Plotly's lower layer (grid, axes, the drag
//! surface) and its upper one (selection and zoom boxes), where Plotly
//! itself puts WebGL canvases, and kept over the plot area after every
//! draw, zoom, pan and resize. A chart that brushes (Job runs) gets the
//! app's brush layer above the marks ([`BrushLayer`]): Plotly's select
//! tool is never engaged. Errors from Plotly are logged and shown,
//! never panics: the plotly crate's own bindings `expect()` on failure, so
//! they are not used here. The glue knows nothing of the app's state: it
//! reports each draw's start and end through `on_busy`.

use crate::plotly_script::plotly_settled;
use crate::render::{box_on_plot, drag_box, AxisBox, Chart, SelectBox};
use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = newPlot)]
    fn plotly_new_plot(
        el: &HtmlElement,
        data: &JsValue,
        layout: &JsValue,
        config: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = react)]
    fn plotly_react(
        el: &HtmlElement,
        data: &JsValue,
        layout: &JsValue,
        config: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = relayout)]
    fn plotly_relayout(el: &HtmlElement, update: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = purge)]
    fn plotly_purge(el: &HtmlElement) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = register)]
    fn plotly_register(module: &JsValue) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// The Plotly locales registered on this page.
    static LOCALES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Registers the page language's Plotly locale (its date ticks' names and
/// formats, the mode bar's tooltips) once, before a chart's first draw
/// names it in its config. If Plotly refuses it, the charts speak English.
fn register_locale() {
    let Some(locale) = crate::i18n::t().plotly else {
        return;
    };
    if LOCALES.with(|l| l.borrow().contains(&locale.name)) {
        return;
    }
    let Ok(json) = serde_json::to_string(locale) else {
        return;
    };
    if let Ok(module) = js_sys::JSON::parse(&json) {
        if plotly_register(&module).is_ok() {
            LOCALES.with(|l| l.borrow_mut().push(locale.name));
        }
    }
}

type MouseListener = Closure<dyn FnMut(web_sys::MouseEvent)>;

/// Closures bound to the graph's events; dropped (unbound) with the panel.
#[derive(Default)]
struct Bound {
    _plotly: Vec<Closure<dyn FnMut(JsValue)>>,
    /// DOM listeners, removed from the element on drop of the panel.
    dom: Vec<(&'static str, MouseListener)>,
}

/// Where a graph's axes are on screen: the plot area (CSS pixels from the
/// graph element's top left) and the axis ranges it shows. On a date axis
/// x is wall-clock milliseconds (what Plotly shows); y is in axis units,
/// `y.0` at the top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotView {
    /// Plot area left edge.
    pub left: f64,
    /// Plot area top edge.
    pub top: f64,
    /// Plot area width.
    pub width: f64,
    /// Plot area height.
    pub height: f64,
    /// x at the left and right edges.
    pub x: (f64, f64),
    /// y at the top and bottom edges.
    pub y: (f64, f64),
}

impl PlotView {
    /// Axis coordinates of a point of the plot area (CSS px).
    pub fn to_axes(self, px: f64, py: f64) -> (f64, f64) {
        (
            self.x.0 + px / self.width * (self.x.1 - self.x.0),
            self.y.0 + py / self.height * (self.y.1 - self.y.0),
        )
    }
}

/// The mouse over a graph's plot area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pointer {
    /// The axes when it moved.
    pub view: PlotView,
    /// Position in the plot area (CSS px).
    pub px: f64,
    /// Position in the plot area (CSS px).
    pub py: f64,
    /// Position in the viewport, to place a tooltip.
    pub client_x: f64,
    /// Position in the viewport.
    pub client_y: f64,
}

/// An axis end as Plotly keeps it: a number, or a date string on a date axis.
fn axis_value(v: &JsValue) -> Option<f64> {
    v.as_f64().or_else(|| {
        let s = v.as_string()?;
        queuescope_core::time::parse_wall(&s).map(|ms| ms as f64)
    })
}

/// Reads the graph's plot area and ranges (Plotly's `_fullLayout`, the
/// only place they are kept once the user zooms or the page resizes).
fn read_view(el: &HtmlElement) -> Option<PlotView> {
    let full = get(el, "_fullLayout");
    let size = get(&full, "_size");
    // Plotly's `range` is [start, end] of the axis: left to right for x,
    // bottom to top for y (so a reversed y axis starts at its largest value).
    let range = |axis: &str| {
        let r = js_sys::Array::from(&get(&get(&full, axis), "range"));
        Some((axis_value(&r.get(0))?, axis_value(&r.get(1))?))
    };
    let (bottom, top) = range("yaxis")?;
    let n = |k: &str| get(&size, k).as_f64();
    let view = PlotView {
        left: n("l")?,
        top: n("t")?,
        width: n("w")?,
        height: n("h")?,
        x: range("xaxis")?,
        y: (top, bottom),
    };
    (view.width > 0.0 && view.height > 0.0).then_some(view)
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A press on the plot area in select mode, where a drag starts: the axes
/// then, and the plot px and client px of the press.
type DragStart = (PlotView, (f64, f64), (f64, f64));

/// A box in plot px: `((left, right), (top, bottom))`.
type PxBox = ((f64, f64), (f64, f64));

/// The app's brush over a graph's plot area (Job runs). Plotly's select
/// tool is not used: its `mouseup` handler forced the page's style and
/// layout (30-55 ms at 10k jobs, after the brush's writes) and wrote its
/// box into the layout after a throttle of up to 100 ms. Instead a
/// transparent surface is laid into the graph over the plot area, above
/// the marks, and takes the drag while Plotly's drag mode is `select` (the
/// frame's; the mode bar's zoom or pan turns the surface off so Plotly's
/// own drag acts). It follows a drag with Plotly's select rules
/// ([`drag_box`]), draws the box itself, reports the box so far at each
/// move and the final one at the release, and shows the brush it is given
/// ([`BrushLayer::show`]) for the axes on screen. A double-click clears,
/// as Plotly's select mode did.
struct BrushLayer {
    surface: HtmlElement,
    shown: HtmlElement,
    state: RefCell<BrushState>,
    listeners: RefCell<Vec<(&'static str, MouseListener)>>,
}

/// What the brush layer knows: the axes on screen, whether a drag there
/// brushes, the press of a drag under way and its box (plot px), and the
/// brush to show.
#[derive(Default)]
struct BrushState {
    view: Option<PlotView>,
    select: bool,
    pressed: Option<DragStart>,
    dragged: Option<PxBox>,
    brush: Option<AxisBox>,
    /// The box's last style, to write it only when it changes.
    style: String,
}

impl BrushLayer {
    /// The surface with its box, reporting drags to `cb`; `None` without a
    /// document.
    fn new(cb: Callback<Option<SelectBox>>) -> Option<Rc<BrushLayer>> {
        let doc = web_sys::window()?.document()?;
        let make = |class: &str| -> Option<HtmlElement> {
            let e = doc.create_element("div").ok()?;
            e.set_class_name(class);
            e.dyn_into::<HtmlElement>().ok()
        };
        let (surface, shown) = (make("qs-brush")?, make("qs-brush-box")?);
        let _ = shown.set_attribute("style", "display:none");
        let _ = surface.append_child(&shown);
        let layer = Rc::new(BrushLayer {
            surface,
            shown,
            state: RefCell::new(BrushState::default()),
            listeners: RefCell::new(Vec::new()),
        });
        let weak = Rc::downgrade(&layer);
        let on = |f: fn(&BrushLayer, &web_sys::MouseEvent, Callback<Option<SelectBox>>)| {
            let weak = weak.clone();
            MouseListener::new(move |ev: web_sys::MouseEvent| {
                if let Some(l) = weak.upgrade() {
                    f(&l, &ev, cb);
                }
            })
        };
        let listeners = vec![
            ("pointerdown", on(BrushLayer::press)),
            ("pointermove", on(BrushLayer::drag)),
            ("pointerup", on(BrushLayer::release)),
            ("pointercancel", on(|l, _, _| l.end_drag())),
            // Plotly's select mode cleared its selection on a double-click.
            ("dblclick", on(|_, _, cb| cb.run(None))),
            // No text selection from a drag.
            ("mousedown", on(|_, ev, _| ev.prevent_default())),
        ];
        for (event, f) in &listeners {
            let _ = layer
                .surface
                .add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
        }
        *layer.listeners.borrow_mut() = listeners;
        Some(layer)
    }

    /// Lays the surface into the graph (above the marks canvas) over the
    /// plot area of `view`; it takes the pointer while a drag selects.
    fn place(&self, el: &HtmlElement, view: PlotView) {
        let select = get(&get(el, "_fullLayout"), "dragmode").as_string();
        let select = select.as_deref() == Some("select");
        let Ok(Some(layer)) = el.query_selector(".gl-container") else {
            return;
        };
        let surface: &web_sys::Element = &self.surface;
        let last = layer.last_element_child();
        if surface.parent_element().as_ref() != Some(&layer) || last.as_ref() != Some(surface) {
            let _ = layer.append_child(surface);
        }
        let style = format!(
            "left:{}px;top:{}px;width:{}px;height:{}px;pointer-events:{}",
            view.left,
            view.top,
            view.width,
            view.height,
            if select { "auto" } else { "none" }
        );
        if surface.get_attribute("style").as_deref() != Some(style.as_str()) {
            let _ = surface.set_attribute("style", &style);
        }
        {
            let mut st = self.state.borrow_mut();
            st.view = Some(view);
            st.select = select;
        }
        self.redraw();
    }

    /// Shows `brush` (none: the box goes).
    fn show(&self, brush: Option<AxisBox>) {
        self.state.borrow_mut().brush = brush;
        self.redraw();
    }

    /// Draws the box: the drag under way, else the brush for the axes.
    fn redraw(&self) {
        let mut st = self.state.borrow_mut();
        let rect = match (st.dragged, st.view, st.brush) {
            (Some(((x0, x1), (y0, y1))), _, _) => Some((x0, y0, x1 - x0, y1 - y0)),
            (None, Some(v), Some(b)) => box_on_plot(&b, (v.x, v.y), (v.width, v.height)),
            _ => None,
        };
        let style = match rect {
            Some((l, t, w, h)) => format!("left:{l}px;top:{t}px;width:{w}px;height:{h}px"),
            None => "display:none".into(),
        };
        if st.style != style {
            let _ = self.shown.set_attribute("style", &style);
            let _ = self
                .shown
                .toggle_attribute_with_force("data-dragging", st.dragged.is_some());
            st.style = style;
        }
    }

    fn press(&self, ev: &web_sys::MouseEvent, _: Callback<Option<SelectBox>>) {
        let mut st = self.state.borrow_mut();
        st.pressed = match st.view {
            Some(v) if ev.button() == 0 && st.select => {
                let rect = self.surface.get_bounding_client_rect();
                let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                // The drag's moves and release come here wherever they are.
                if let Some(p) = ev.dyn_ref::<web_sys::PointerEvent>() {
                    let _ = self.surface.set_pointer_capture(p.pointer_id());
                }
                Some((v, (cx - rect.left(), cy - rect.top()), (cx, cy)))
            }
            _ => None,
        };
    }

    /// The box so far of a drag, drawn and reported (the app prefetches
    /// the usage of the runs under it).
    fn drag(&self, ev: &web_sys::MouseEvent, cb: Callback<Option<SelectBox>>) {
        let Some(pressed) = self.state.borrow().pressed else {
            return;
        };
        let (px, b) = box_at(&pressed, ev, false).unzip();
        self.state.borrow_mut().dragged = px;
        self.redraw();
        if let Some(b) = b {
            cb.run(Some(b));
        }
    }

    /// The release: the drag's box is the brush (shown at once, before the
    /// app's answer comes back as [`BrushLayer::show`]).
    fn release(&self, ev: &web_sys::MouseEvent, cb: Callback<Option<SelectBox>>) {
        let Some(pressed) = self.state.borrow_mut().pressed.take() else {
            return;
        };
        let done = box_at(&pressed, ev, true).map(|(_, b)| b);
        if let Some(b) = done {
            self.state.borrow_mut().brush = Some(AxisBox {
                x: b.x,
                y: Some(b.y),
            });
        }
        self.end_drag();
        if done.is_some() {
            cb.run(done);
        }
    }

    fn end_drag(&self) {
        {
            let mut st = self.state.borrow_mut();
            st.pressed = None;
            st.dragged = None;
        }
        self.redraw();
    }
}

impl Drop for BrushLayer {
    fn drop(&mut self) {
        for (event, f) in self.listeners.borrow().iter() {
            let _ = self
                .surface
                .remove_event_listener_with_callback(event, f.as_ref().unchecked_ref());
        }
        self.surface.remove();
    }
}

/// The box of a drag pressed at `pressed` with the pointer now at `ev`, by
/// Plotly's select rules ([`drag_box`]): in plot px, and in axis units;
/// `None` for a click.
fn box_at(pressed: &DragStart, ev: &web_sys::MouseEvent, done: bool) -> Option<(PxBox, SelectBox)> {
    let (v, (m, s), (cx, cy)) = *pressed;
    let end = (
        m + f64::from(ev.client_x()) - cx,
        s + f64::from(ev.client_y()) - cy,
    );
    let px = drag_box((v.width, v.height), (m, s), end)?;
    let ((x0, x1), (y0, y1)) = px;
    let (a, top) = v.to_axes(x0, y0);
    let (b, bottom) = v.to_axes(x1, y1);
    Some((
        px,
        SelectBox {
            x: (a, b),
            y: (top, bottom),
            done,
        },
    ))
}

fn call_on(el: &HtmlElement, event: &str, f: &Closure<dyn FnMut(JsValue)>) {
    let on = get(el, "on");
    if let Some(on) = on.dyn_ref::<js_sys::Function>() {
        let _ = on.call2(el, &JsValue::from_str(event), f.as_ref().unchecked_ref());
    }
}

/// Binds the graph's events once, after its first draw.
fn bind(el: &HtmlElement, hooks: Hooks) -> Bound {
    let on_pointer = hooks.on_pointer;
    let mut bound = Bound::default();
    let mut plotly = |event: &str, f: Closure<dyn FnMut(JsValue)>| {
        call_on(el, event, &f);
        bound._plotly.push(f);
    };
    // Zoom, pan, autoscale, resize and the mode bar's drag mode all come
    // as relayouts.
    let graph = el.clone();
    plotly(
        "plotly_relayout",
        Closure::new(move |_| hooks.report_view(&graph)),
    );
    if let Some(cb) = on_pointer {
        let graph = el.clone();
        let moved = MouseListener::new(move |ev: web_sys::MouseEvent| {
            let rect = graph.get_bounding_client_rect();
            let at = read_view(&graph).and_then(|view| {
                let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                let px = cx - rect.left() - view.left;
                let py = cy - rect.top() - view.top;
                let inside = (0.0..=view.width).contains(&px) && (0.0..=view.height).contains(&py);
                (inside && ev.buttons() == 0).then_some(Pointer {
                    view,
                    px,
                    py,
                    client_x: cx,
                    client_y: cy,
                })
            });
            cb.run(at);
        });
        let left = MouseListener::new(move |_| cb.run(None));
        for (event, f) in [("mousemove", moved), ("mouseleave", left)] {
            let _ = el.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
            bound.dom.push((event, f));
        }
    }
    bound
}

fn busy(on_busy: Option<Callback<bool>>, started: bool) {
    if let Some(cb) = on_busy {
        cb.run(started);
    }
}

/// The `data-panel` of the panel holding the graph, for timing names.
fn panel_name(el: &HtmlElement) -> String {
    el.closest("[data-panel]")
        .ok()
        .flatten()
        .and_then(|p| p.get_attribute("data-panel"))
        .unwrap_or_default()
}

/// Why a figure could not reach Plotly.
enum DrawError {
    /// The figure's JSON did not parse.
    Encoding,
    /// Plotly threw (or is missing).
    Plotly(JsValue),
}

/// Starts drawing `spec`: `newPlot` the first time (`drawn` is `None`),
/// a `relayout` when only what [`Chart::relayout`] sets differs from the
/// figure on screen, else `react`. A relayout is made in the next
/// animation frame ([`in_frame`]); `newPlot` and `react` at once: deferred
/// too, they made data arrival → ready 40-90 ms slower at 10k jobs (~280 ms
/// at 100k) under load, every draw of the load waiting for a frame.
fn start_draw(
    el: &HtmlElement,
    spec: &Chart,
    drawn: Option<&Chart>,
) -> Result<js_sys::Promise, DrawError> {
    // "qs:plotly:job-runs": the synchronous part of the draw.
    let panel = panel_name(el);
    let timed = format!("qs:plotly:{panel}");
    if let (Some(update), Some(old)) = (&spec.relayout, drawn) {
        if old.base == spec.base {
            let update = update.clone();
            return Ok(in_frame(el.clone(), move |el| {
                crate::dom::timed(&timed, || {
                    js_sys::JSON::parse(&update).and_then(|u| plotly_relayout(el, &u))
                })
            }));
        }
    }
    let parsed = crate::dom::timed(&format!("qs:json:{panel}"), || {
        js_sys::JSON::parse(&spec.json)
    });
    let v = parsed.map_err(|_| DrawError::Encoding)?;
    let (data, layout, config) = (get(&v, "data"), get(&v, "layout"), get(&v, "config"));
    crate::dom::timed(&timed, || {
        if drawn.is_none() {
            register_locale();
            plotly_new_plot(el, &data, &layout, &config)
        } else {
            plotly_react(el, &data, &layout, &config)
        }
    })
    .map_err(DrawError::Plotly)
}

/// Runs the Plotly call `draw` on `el` in the next animation frame (at
/// once when the page is hidden and draws no frames); the promise settles
/// with Plotly's. Plotly reads the graph's size and measures tick labels,
/// which forces the page's style and layout: in the frame's callback that
/// is the style and layout the frame computes anyway, after every DOM write
/// of the change, instead of one more forced between them (a filter's
/// Job status relayout: 20-50 ms at 10k jobs). A graph unmounted meanwhile
/// is not drawn.
fn in_frame(
    el: HtmlElement,
    draw: impl FnOnce(&HtmlElement) -> Result<js_sys::Promise, JsValue> + 'static,
) -> js_sys::Promise {
    let run = move || -> Result<js_sys::Promise, JsValue> {
        if !el.is_connected() {
            return Ok(js_sys::Promise::resolve(&JsValue::UNDEFINED));
        }
        draw(&el)
    };
    let mut run = Some(run);
    js_sys::Promise::new(&mut |resolve, reject| {
        let Some(run) = run.take() else {
            return;
        };
        crate::dom::in_next_frame(move || {
            // Resolving with Plotly's promise settles as it does.
            let _ = match run() {
                Ok(p) => resolve.call1(&JsValue::NULL, &p),
                Err(e) => reject.call1(&JsValue::NULL, &e),
            };
        });
    })
}

/// The app's canvas for a graph's marks (see the module doc).
pub type Overlay = SendWrapper<web_sys::HtmlCanvasElement>;

/// Lays `overlay` into the graph (Plotly's `.gl-container`, between its
/// lower and upper SVG layers) over the plot area of `view`, in CSS
/// pixels; its pixel size is the painter's business.
fn place_overlay(el: &HtmlElement, overlay: &Overlay, view: &PlotView) {
    let Ok(Some(layer)) = el.query_selector(".gl-container") else {
        return;
    };
    let canvas: &web_sys::HtmlCanvasElement = overlay;
    if canvas.parent_element().as_ref() != Some(&layer) {
        let _ = layer.append_child(canvas);
    }
    let style = format!(
        "position:absolute;pointer-events:none;left:{}px;top:{}px;width:{}px;height:{}px",
        view.left, view.top, view.width, view.height
    );
    if canvas.get_attribute("style").as_deref() != Some(style.as_str()) {
        let _ = canvas.set_attribute("style", &style);
    }
}

/// The callbacks of a graph.
#[derive(Clone)]
struct Hooks {
    on_view: Option<Callback<Option<PlotView>>>,
    on_pointer: Option<Callback<Option<Pointer>>>,
    on_busy: Option<Callback<bool>>,
    overlay: Option<Overlay>,
    brush: Option<Rc<BrushLayer>>,
    /// A draw is held until plotly.js has run (counted busy meanwhile).
    waiting: Rc<Cell<bool>>,
}

impl Hooks {
    /// Whether plotly.js is there to draw with (or failed to load, which
    /// the draw then shows); until then the page counts as busy, and the
    /// effect that asked runs again when it is ([`plotly_settled`]).
    fn plotly_settled(&self) -> bool {
        let settled = plotly_settled();
        if !settled && !self.waiting.replace(true) {
            busy(self.on_busy, true);
        }
        settled
    }

    /// Ends the wait for plotly.js, if there was one (after the draw it
    /// held has registered its own busy count).
    fn release_wait(&self) {
        if self.waiting.replace(false) {
            busy(self.on_busy, false);
        }
    }

    /// Reports the axes on screen (placing the overlay first).
    fn report_view(&self, el: &HtmlElement) {
        let Some(view) = read_view(el) else { return };
        if let Some(o) = &self.overlay {
            place_overlay(el, o, &view);
        }
        if let Some(b) = &self.brush {
            b.place(el, view);
        }
        if let Some(cb) = self.on_view {
            cb.run(Some(view));
        }
    }
}

/// Waits for a draw: shows its failure, reports the axes, and ends the
/// busy count. The repaint the new axes cause is a reactive effect, a
/// microtask, and `data-app-state` is decided in a timeout after those,
/// so the page is not `ready` before the marks are painted.
fn finish_draw(
    el: HtmlElement,
    promise: js_sys::Promise,
    hooks: Hooks,
    error: RwSignal<Option<String>>,
) {
    busy(hooks.on_busy, true);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::error_2(&"Plotly failed to draw".into(), &e);
            error.set(Some(crate::i18n::t().chart_failed.into()));
        } else {
            error.set(None);
        }
        hooks.report_view(&el);
        busy(hooks.on_busy, false);
    });
}

/// Draws `chart` on every change while `visible` (see [`PlotlyChart`]);
/// returns the events bound after the first draw.
fn draw_on_change(
    chart: Signal<Option<Chart>>,
    visible: Signal<bool>,
    node: NodeRef<Div>,
    hooks: Hooks,
    error: RwSignal<Option<String>>,
) -> Rc<RefCell<Option<Bound>>> {
    let g = Graph {
        drawn: Rc::new(RefCell::new(None)),
        bound: Rc::new(RefCell::new(None)),
        started: Rc::new(Cell::new(0)),
        hooks,
        error,
    };
    let bound = g.bound.clone();
    // Returns whether the graph was in view: a graph that just came into
    // view is drawn at once (no frame of new marks on old axes).
    crate::reactive::effect_with(move |was_visible: Option<bool>| {
        let shown = visible.get();
        // Nothing to draw now: no wait for plotly.js either. Out of view
        // the frame is not read, so its memos (the theme's colours put in
        // by serialising it again) are not computed for a chart nobody
        // sees; coming into view reads it.
        let Some((spec, el)) = shown.then(|| chart.get()).flatten().zip(node.get()) else {
            g.hooks.release_wait();
            return shown;
        };
        if !g.hooks.plotly_settled() {
            return shown;
        }
        let el: HtmlElement = el.into();
        if g.drawn.borrow().as_ref() == Some(&spec) {
            g.hooks.release_wait();
            return shown;
        }
        let draw = g.started.get() + 1;
        g.started.set(draw);
        if was_visible == Some(true) && g.is_react(&spec) && !crate::dom::page_hidden() {
            // After every effect of the change (see [`Graph::react_later`]).
            // The axes are about to change: the marks wait for the new ones
            // (a graph moved out of view paints none until it comes back).
            if let Some(cb) = g.hooks.on_view {
                cb.run(None);
            }
            busy(g.hooks.on_busy, true);
            let g = g.clone();
            crate::dom::after_effects(move || g.react_later(&el, spec, draw));
        } else {
            g.draw(&el, spec);
        }
        g.hooks.release_wait();
        shown
    });
    bound
}

/// A graph's draws: the frame on screen and the events bound after the
/// first one.
#[derive(Clone)]
struct Graph {
    /// The frame on screen, once drawn.
    drawn: Rc<RefCell<Option<Chart>>>,
    bound: Rc<RefCell<Option<Bound>>>,
    /// Draws started so far: a `react` put off by [`Graph::react_later`]
    /// is dropped when another draw started after it.
    started: Rc<Cell<u64>>,
    hooks: Hooks,
    error: RwSignal<Option<String>>,
}

impl Graph {
    /// Whether drawing `spec` is a `Plotly.react` (neither the first draw
    /// nor a relayout: see [`start_draw`]).
    fn is_react(&self, spec: &Chart) -> bool {
        match (&spec.relayout, self.drawn.borrow().as_ref()) {
            (_, None) => false,
            (Some(_), Some(old)) => old.base != spec.base,
            (None, Some(_)) => true,
        }
    }

    /// Draws `spec` now.
    fn draw(&self, el: &HtmlElement, spec: Chart) {
        let first = self.drawn.borrow().is_none();
        // The axes are about to change: nothing is painted for the old ones.
        if let Some(cb) = self.hooks.on_view {
            cb.run(None);
        }
        let started = start_draw(el, &spec, self.drawn.borrow().as_ref());
        match started {
            Ok(promise) => {
                *self.drawn.borrow_mut() = Some(spec);
                if first {
                    *self.bound.borrow_mut() = Some(bind(el, self.hooks.clone()));
                }
                finish_draw(el.clone(), promise, self.hooks.clone(), self.error);
            }
            Err(DrawError::Encoding) => self
                .error
                .set(Some(crate::i18n::t().chart_encode_failed.into())),
            Err(DrawError::Plotly(e)) => {
                web_sys::console::error_2(&"Plotly is not available".into(), &e);
                self.error.set(Some(
                    "Plotly.js did not load: charts cannot be drawn".into(),
                ));
            }
        }
    }

    /// The `react` of draw number `draw`, put off until the change's
    /// effects have run ([`crate::dom::after_effects`], in the same task:
    /// a zero timeout was a task later, often after a frame that painted
    /// the cleared marks): by then every DOM write of the change is made,
    /// so the style and layout Plotly forces are the frame's own, and where
    /// the graph stands is known. A graph the change moved far out of view
    /// is not drawn: a brush released over usage already fetched (a drag
    /// that rested) drew the two usage charts under the empty selection
    /// table (20-70 ms of `react`s in the release task at 10k jobs) just
    /// before the table's 50 new rows pushed them 1,400 px down. Its
    /// observer then reports it out of view (it was in, by more than the
    /// margin), and coming back into view draws it, as any chart below the
    /// fold. Dropped when another draw started meanwhile (it drew the
    /// latest frame).
    fn react_later(&self, el: &HtmlElement, spec: Chart, draw: u64) {
        if self.started.get() == draw && el.is_connected() && !far_out_of_view(el) {
            self.draw(el, spec);
        }
        busy(self.hooks.on_busy, false);
    }
}

/// Whether `el` lies farther than the in-view margin (and as much again)
/// outside the viewport, so its `IntersectionObserver` (which was seeing
/// it in view) is sure to report it out. False where there is no observer
/// (every chart counts as in view there).
fn far_out_of_view(el: &HtmlElement) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let observed = js_sys::Reflect::has(&w, &"IntersectionObserver".into()).unwrap_or(false);
    let Some(height) = crate::dom::viewport_height() else {
        return false;
    };
    let far = 2.0 * crate::hooks::IN_VIEW_MARGIN_PX;
    let r = el.get_bounding_client_rect();
    observed && (r.top() > height + far || r.bottom() < -far)
}

/// Frees the graph and unbinds its events: the graph no longer calls the
/// closures, so they are dropped.
fn unmount(node: NodeRef<Div>, bound: Rc<RefCell<Option<Bound>>>) {
    let Some(el) = node.get_untracked() else {
        return;
    };
    let el: HtmlElement = el.into();
    let _ = plotly_purge(&el);
    if let Some(b) = bound.borrow_mut().take() {
        for (event, f) in &b.dom {
            let _ = el.remove_event_listener_with_callback(event, f.as_ref().unchecked_ref());
            let _ = el.remove_event_listener_with_callback_and_bool(
                event,
                f.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}

/// A Plotly graph showing a frame (axes, no marks) with the app's marks
/// canvas laid over its plot area.
#[component]
pub fn PlotlyChart(
    /// The frame to show (`None`: keep the last one); every change goes
    /// through `Plotly.react`, an unchanged one is not redrawn.
    #[prop(into)]
    chart: Signal<Option<Chart>>,
    /// Draw only while true: a chart out of sight keeps its last frame and
    /// draws the current one when it comes into view. Default: always.
    #[prop(optional, into)]
    visible: Option<Signal<bool>>,
    /// The app's canvas for the marks, laid over the plot area.
    #[prop(default = None)]
    overlay: Option<Overlay>,
    /// Called with the box of a drag in select mode (the app's own brush
    /// layer, see [`BrushLayer`]): the box so far at each move, the final
    /// one at the release; `None` on a double-click (clear).
    #[prop(default = None)]
    on_select: Option<Callback<Option<SelectBox>>>,
    /// The selection to show over the plot area (with `on_select`).
    #[prop(default = None)]
    selection: Option<Signal<Option<AxisBox>>>,
    /// Called with the axes after every draw, zoom, pan and resize (the
    /// caller dedupes), and with `None` when a new frame starts drawing. A
    /// repaint it causes is part of the same draw.
    #[prop(optional)]
    on_view: Option<Callback<Option<PlotView>>>,
    /// Called as the mouse moves over the plot area (`None`: it left, or a
    /// button is down).
    #[prop(optional)]
    on_pointer: Option<Callback<Option<Pointer>>>,
    /// Called with `true` when a draw starts and `false` when it has ended
    /// (well or not), so the page can wait for its charts.
    #[prop(optional)]
    on_busy: Option<Callback<bool>>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let brush = on_select.and_then(BrushLayer::new);
    if let (Some(layer), Some(selection)) = (brush.clone(), selection) {
        crate::reactive::effect(move || layer.show(selection.get()));
    }
    let hooks = Hooks {
        on_view,
        on_pointer,
        on_busy,
        overlay,
        brush,
        waiting: Rc::default(),
    };
    let error = RwSignal::new(None::<String>);
    let visible = visible.unwrap_or(Signal::stored(true));
    let bound = draw_on_change(chart, visible, node, hooks.clone(), error);
    on_cleanup({
        let bound = SendWrapper::new((bound, hooks));
        move || {
            let (bound, hooks) = bound.take();
            hooks.release_wait();
            unmount(node, bound)
        }
    });
    view! {
        <div class="qs-chart-wrap">
            <div class="qs-chart" node_ref=node></div>
            {move || error.get().map(|e| view! { <p class="qs-chart-error" role="alert">{e}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use std::time::Duration;

    /// A chart out of view does not read its frame, so the frame's memos
    /// (the theme's colours put in by serialising it again) are not
    /// computed for it however often it changes; coming into view reads it.
    #[wasm_bindgen_test::wasm_bindgen_test]
    async fn a_chart_out_of_view_does_not_compute_its_frame() {
        let computed = Arc::new(AtomicUsize::new(0));
        let signals = Rc::new(RefCell::new(None));
        let (c, s) = (computed.clone(), signals.clone());
        let _mounted = leptos::mount::mount_to(crate::wasm_tests::host(), move || {
            let source = RwSignal::new(0);
            let visible = RwSignal::new(false);
            let frame = Memo::new(move |_| {
                c.fetch_add(1, Ordering::Relaxed);
                source.track();
                None::<Chart>
            });
            let hooks = Hooks {
                on_view: None,
                on_pointer: None,
                on_busy: None,
                overlay: None,
                brush: None,
                waiting: Rc::default(),
            };
            let _ = draw_on_change(
                frame.into(),
                visible.into(),
                NodeRef::new(),
                hooks,
                RwSignal::new(None),
            );
            *s.borrow_mut() = Some((source, visible));
            view! { <p></p> }
        });
        let settle = || gloo_timers::future::sleep(Duration::from_millis(20));
        settle().await;
        let Some((source, visible)) = *signals.borrow() else {
            panic!("mounted");
        };
        for n in 1..4 {
            source.set(n);
            settle().await;
        }
        assert_eq!(
            computed.load(Ordering::Relaxed),
            0,
            "out of view: the frame is never computed"
        );
        visible.set(true);
        settle().await;
        assert_eq!(
            computed.load(Ordering::Relaxed),
            1,
            "in view: the frame is computed"
        );
        source.set(9);
        settle().await;
        assert_eq!(
            computed.load(Ordering::Relaxed),
            2,
            "in view: a change computes it again"
        );
    }
}
