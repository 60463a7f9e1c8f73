//! The canvas a chart's marks are painted on: created here, laid over the
//! plot area by the Plotly glue (its `overlay`), and repainted whenever
//! the marks or the axes on screen change, at the device's pixel ratio,
//! while the chart is in view. A [`Picture`] is replayed as it is: the
//! geometry was decided in core and [`crate::render`].

use crate::plotly_glue::{Overlay, PlotView};
use crate::render::{Paint, Picture};
use leptos::prelude::*;
use queuescope_core::analysis::RasterWindow;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A chart's marks canvas, and whether it shows the current marks.
#[derive(Clone)]
pub struct MarksLayer {
    /// The canvas, for the glue to lay over the plot area.
    pub canvas: Option<Overlay>,
    /// True when the canvas shows the current marks for the axes on
    /// screen (false while they wait for the chart to come into view).
    pub drawn: Signal<bool>,
}

/// Device pixels a CSS pixel (at most 2: sharp enough, and a 4k screen
/// does not quadruple the work).
fn pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 2.0)
}

/// The window of device pixels for the axes on screen, and the scale
/// (device pixels a CSS pixel) it was made with.
pub fn device_window(v: &PlotView) -> (RasterWindow, f64) {
    let dpr = pixel_ratio();
    let win = RasterWindow {
        x0: v.x.0,
        x1: v.x.1,
        y0: v.y.0,
        y1: v.y.1,
        width: (v.width * dpr).round() as u32,
        height: (v.height * dpr).round() as u32,
    };
    (win, dpr)
}

/// Paints `marks` (through `paint`, for the device window of the axes on
/// screen) on a canvas of its own whenever either changes while `visible`;
/// the time it takes is the performance measure `qs:marks:NAME`. Each
/// paint is reported through `on_busy` (started and ended), so a zoom or
/// a pan, which repaints without any new data, still settles into a new
/// `ready`.
pub fn use_marks<M>(
    (name, on_busy): (&'static str, Callback<bool>),
    marks: Signal<Option<M>>,
    axes: Signal<Option<PlotView>>,
    visible: Signal<bool>,
    paint: impl Fn(&M, &RasterWindow, f64) -> Picture + 'static,
) -> MarksLayer
where
    M: Clone + PartialEq + Send + Sync + 'static,
{
    // The marks last painted. Only these two closures depend on the marks'
    // type: the painting effect below is compiled once for every chart
    // (one copy per type was ~3.3 kB of wasm each; docs/design.md, types5).
    let last = StoredValue::new(None::<M>);
    let source = MarksSource {
        current: Box::new(move || {
            marks.with(|m| {
                let m = m.as_ref()?;
                Some(last.with_value(|l| l.as_ref() == Some(m)))
            })
        }),
        paint: Box::new(move |win, scale| {
            marks.with_untracked(|m| {
                let m = m.as_ref()?;
                let picture = paint(m, win, scale);
                last.set_value(Some(m.clone()));
                Some(picture)
            })
        }),
    };
    paint_marks((name, on_busy), source, axes, visible)
}

/// What [`paint_marks`] asks of a chart's marks, whatever their type.
struct MarksSource {
    /// Tracks the marks: `None` without marks, else whether they are the
    /// ones painted last.
    current: Box<dyn Fn() -> Option<bool>>,
    /// The picture of the marks for a window and scale (`None` without
    /// marks); they become the ones painted last.
    paint: Box<PaintFn>,
}

/// The picture of a chart's marks for a window and scale.
type PaintFn = dyn Fn(&RasterWindow, f64) -> Option<Picture>;

/// [`use_marks`]' canvas and its painting effect, for marks of any type.
fn paint_marks(
    (name, on_busy): (&'static str, Callback<bool>),
    source: MarksSource,
    axes: Signal<Option<PlotView>>,
    visible: Signal<bool>,
) -> MarksLayer {
    let canvas = new_canvas();
    let drawn = RwSignal::new(false);
    let target = canvas.clone();
    let timing = format!("qs:marks:{name}");
    // The axes the canvas was painted for.
    let painted = StoredValue::new(None::<PlotView>);
    crate::reactive::effect(move || {
        let marks = (source.current)();
        let axes = axes.get();
        let current = marks == Some(true) && axes.is_some() && painted.with_value(|p| *p == axes);
        let (Some(_), Some(view), true, false) = (marks, axes, visible.get(), current) else {
            // Out of view (or waiting for its axes): whether the canvas
            // still shows what is current.
            drawn.set(current);
            return;
        };
        let Some(c) = target.as_deref() else { return };
        on_busy.run(true);
        crate::dom::timed(&timing, || {
            let (win, scale) = device_window(&view);
            if let Some(picture) = (source.paint)(&win, scale) {
                replay(c, &picture);
            }
        });
        // In view: a frame must show it before `ready`.
        crate::state::readiness::drawn_on_screen();
        painted.set_value(Some(view));
        drawn.set(true);
        on_busy.run(false);
    });
    MarksLayer {
        canvas,
        drawn: drawn.into(),
    }
}

/// A detached canvas (the glue lays it into the graph).
fn new_canvas() -> Option<Overlay> {
    let doc = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_class_name("qs-marks");
    Some(SendWrapper::new(canvas))
}

/// Replays a picture on the canvas, sized to it.
fn replay(canvas: &HtmlCanvasElement, p: &Picture) {
    if canvas.width() != p.width {
        canvas.set_width(p.width);
    }
    if canvas.height() != p.height {
        canvas.set_height(p.height);
    }
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    ctx.clear_rect(0.0, 0.0, f64::from(p.width), f64::from(p.height));
    for layer in &p.paints {
        match layer {
            Paint::Rects(colour, rects) => {
                ctx.set_fill_style_str(&colour.css());
                for r in rects {
                    ctx.fill_rect(
                        f64::from(r.x),
                        f64::from(r.y),
                        f64::from(r.w),
                        f64::from(r.h),
                    );
                }
            }
            Paint::Lines(colour, width, lines) => {
                ctx.set_stroke_style_str(&colour.css());
                ctx.set_line_width(*width);
                ctx.set_line_join("round");
                for line in lines {
                    ctx.begin_path();
                    for (i, &(x, y)) in line.iter().enumerate() {
                        if i == 0 {
                            ctx.move_to(f64::from(x), f64::from(y));
                        } else {
                            ctx.line_to(f64::from(x), f64::from(y));
                        }
                    }
                    ctx.stroke();
                }
            }
            Paint::Pixels(px) => {
                let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
                    wasm_bindgen::Clamped(px),
                    p.width,
                    p.height,
                );
                if let Ok(image) = image {
                    let _ = ctx.put_image_data(&image, 0.0, 0.0);
                }
            }
        }
    }
}
