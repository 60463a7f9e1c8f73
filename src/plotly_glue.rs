//! The one place that talks to Plotly.js.
//!
//! A [`PlotlyChart`] draws a [`Chart`] with `Plotly.newPlot` the first time
//! and `Plotly.react` after (so zoom and brush survive through `uirevision`),
//! binds its events once, and purges the graph when it unmounts (which also
//! frees any WebGL context). Errors from Plotly are logged and shown, never
//! panics: the plotly crate's own bindings `expect()` on failure, so they
//! are not used here.

use crate::charts::{Chart, SelectBox};
use crate::state::Renders;
use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
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
}

/// Closures bound to the graph's events; dropped (unbound) with the panel.
struct Bound {
    _selected: Closure<dyn FnMut(JsValue)>,
    _deselect: Closure<dyn FnMut(JsValue)>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Plotly reports a box as `range: {x: [a, b], y: [c, d]}`; x are date
/// strings on a date axis.
fn select_box(ev: &JsValue) -> Option<SelectBox> {
    let range = get(ev, "range");
    if range.is_undefined() || range.is_null() {
        return None;
    }
    let x = js_sys::Array::from(&get(&range, "x"));
    let y = get(&range, "y");
    let x0 = x.get(0).as_string()?;
    let x1 = x.get(1).as_string()?;
    let y = if y.is_undefined() {
        None
    } else {
        let y = js_sys::Array::from(&y);
        Some((y.get(0).as_f64()?, y.get(1).as_f64()?))
    };
    Some(SelectBox { x0, x1, y })
}

fn call_on(el: &HtmlElement, event: &str, f: &Closure<dyn FnMut(JsValue)>) {
    let on = get(el, "on");
    if let Some(on) = on.dyn_ref::<js_sys::Function>() {
        let _ = on.call2(el, &JsValue::from_str(event), f.as_ref().unchecked_ref());
    }
}

/// A Plotly graph. `chart` is the spec to draw (`None`: keep the last one);
/// `on_select` receives box selections (and `None` when cleared).
#[component]
pub fn PlotlyChart(
    /// The chart to show; every change goes through `Plotly.react`.
    #[prop(into)]
    chart: Signal<Option<Chart>>,
    /// Called with a box selection, or `None` when the selection is cleared.
    #[prop(optional)]
    on_select: Option<Callback<Option<SelectBox>>>,
    /// Whether the view holds a selection: when it turns false (a Clear
    /// button, a new queue or range), the box drawn on the graph goes too.
    #[prop(optional, into)]
    selection_active: Option<Signal<bool>>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let renders = use_context::<Renders>();
    if let Some(active) = selection_active {
        Effect::new(move |was: Option<bool>| {
            let now = active.get();
            if was == Some(true) && !now {
                if let Some(el) = node.get_untracked() {
                    let el: HtmlElement = el.into();
                    let update = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(
                        &update,
                        &JsValue::from_str("selections"),
                        &js_sys::Array::new(),
                    );
                    if let Ok(promise) = plotly_relayout(&el, &update) {
                        if let Some(r) = renders {
                            r.start();
                        }
                        wasm_bindgen_futures::spawn_local(async move {
                            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                            if let Some(r) = renders {
                                r.finish();
                            }
                        });
                    }
                }
            }
            now
        });
    }
    let drawn = Rc::new(RefCell::new(false));
    let bound: Rc<RefCell<Option<Bound>>> = Rc::new(RefCell::new(None));
    let error = RwSignal::new(None::<String>);

    let drawn2 = drawn.clone();
    let bound2 = bound.clone();
    Effect::new(move |_| {
        let Some(spec) = chart.get() else { return };
        let Some(el) = node.get() else { return };
        let el: HtmlElement = el.into();
        // "qs:plotly:job-runs": JSON.parse + the synchronous part of the draw.
        let panel = el
            .closest("[data-panel]")
            .ok()
            .flatten()
            .and_then(|p| p.get_attribute("data-panel"))
            .unwrap_or_default();
        let parsed = crate::dom::timed(&format!("qs:json:{panel}"), || {
            js_sys::JSON::parse(&spec.json)
        });
        let (data, layout, config) = match parsed {
            Ok(v) => (get(&v, "data"), get(&v, "layout"), get(&v, "config")),
            Err(_) => {
                error.set(Some("chart data could not be encoded".into()));
                return;
            }
        };
        let first = !*drawn2.borrow();
        let result = crate::dom::timed(&format!("qs:plotly:{panel}"), || {
            if first {
                plotly_new_plot(&el, &data, &layout, &config)
            } else {
                plotly_react(&el, &data, &layout, &config)
            }
        });
        match result {
            Ok(promise) => {
                *drawn2.borrow_mut() = true;
                if let Some(r) = renders {
                    r.start();
                }
                if first {
                    if let Some(cb) = on_select {
                        let selected = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
                            cb.run(select_box(&ev));
                        });
                        let deselect = Closure::<dyn FnMut(JsValue)>::new(move |_| cb.run(None));
                        call_on(&el, "plotly_selected", &selected);
                        call_on(&el, "plotly_deselect", &deselect);
                        *bound2.borrow_mut() = Some(Bound {
                            _selected: selected,
                            _deselect: deselect,
                        });
                    }
                }
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                        web_sys::console::error_2(&"Plotly failed to draw".into(), &e);
                        error.set(Some("the chart could not be drawn".into()));
                    } else {
                        error.set(None);
                    }
                    if let Some(r) = renders {
                        r.finish();
                    }
                });
            }
            Err(e) => {
                web_sys::console::error_2(&"Plotly is not available".into(), &e);
                error.set(Some(
                    "Plotly.js did not load: charts cannot be drawn".into(),
                ));
            }
        }
    });

    on_cleanup({
        let bound = SendWrapper::new(bound.clone());
        move || {
            if let Some(el) = node.get_untracked() {
                let el: HtmlElement = el.into();
                let _ = plotly_purge(&el);
            }
            // The graph no longer calls the closures: drop them.
            bound.borrow_mut().take();
        }
    });

    view! {
        <div class="qs-chart-wrap">
            <div class="qs-chart" node_ref=node></div>
            {move || error.get().map(|e| view! { <p class="qs-chart-error" role="alert">{e}</p> })}
        </div>
    }
}
