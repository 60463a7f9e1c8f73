//! The canvases a chart is painted on: the marks, laid over the plot
//! area by the Plotly glue (its `overlay`), and for the bar charts the
//! value axis under them ([`use_axis`], the glue's `underlay`), each
//! repainted whenever what it shows or the axes on screen change, at the
//! device's pixel ratio, while the chart is in view. A [`Picture`] is
//! replayed as it is: the geometry was decided in core and
//! [`crate::render`].

use crate::plotly_glue::{Overlay, PlotView};
use crate::render::axis::{TextBox, FONT_FAMILY};
use crate::render::{Anchor, AxisArea, FrameColours, Paint, Picture, TextPaint, ValueAxis};
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
    use_canvas(
        ("qs-marks", format!("qs:marks:{name}"), on_busy),
        marks,
        (axes, visible),
        move |m, view, _| {
            let (win, scale) = device_window(view);
            paint(m, &win, scale)
        },
    )
}

/// Paints the value axis `axis` of a bar chart in the frame's `colours`
/// on a canvas of its own (class `qs-axis`, for the glue's `underlay`:
/// under the marks, over the plot area and the margin left of it),
/// whenever either or the axes on screen change while `visible`: a filter
/// that changes the tallest stack repaints it, one that does not leaves it
/// alone. The time it takes is the performance measure `qs:axis:NAME`.
pub fn use_axis(
    (name, on_busy): (&'static str, Callback<bool>),
    axis: Signal<Option<(ValueAxis, FrameColours)>>,
    axes: Signal<Option<PlotView>>,
    visible: Signal<bool>,
) -> MarksLayer {
    use_canvas(
        ("qs-axis", format!("qs:axis:{name}"), on_busy),
        axis,
        (axes, visible),
        |(axis, colours), view, ctx| {
            let area = AxisArea {
                left: view.left,
                width: view.width,
                height: view.height,
            };
            // Texts as the page renders them in the frame's font.
            let measure = |s: &str, size: f64| {
                let m = ctx.and_then(|ctx| {
                    ctx.set_font(&font(size));
                    ctx.measure_text(s).ok()
                });
                TextBox {
                    width: m.as_ref().map_or(0.0, |m| m.width()),
                    ascent: m.as_ref().map_or(size, |m| m.font_bounding_box_ascent()),
                    descent: m.as_ref().map_or(0.0, |m| m.font_bounding_box_descent()),
                }
            };
            axis.picture(area, pixel_ratio(), colours, &measure)
        },
    )
}

/// A canvas of class `class` showing `paint` of `input` for the axes on
/// screen, repainted when either changes while `visible`; each paint is
/// timed as `timing` and reported through `on_busy`.
fn use_canvas<M>(
    (class, timing, on_busy): (&'static str, String, Callback<bool>),
    input: Signal<Option<M>>,
    (axes, visible): (Signal<Option<PlotView>>, Signal<bool>),
    paint: impl Fn(&M, &PlotView, Option<&CanvasRenderingContext2d>) -> Picture + 'static,
) -> MarksLayer
where
    M: Clone + PartialEq + Send + Sync + 'static,
{
    let canvas = new_canvas(class);
    let drawn = RwSignal::new(false);
    let target = canvas.clone();
    // What the canvas shows: the input and the axes it was painted for.
    let painted = StoredValue::new(None::<(M, PlotView)>);
    Effect::new(move |_| {
        let now = input.get().zip(axes.get());
        let current = painted.with_value(|p| now.is_some() && *p == now);
        let (Some((m, view)), true, false) = (now, visible.get(), current) else {
            // Out of view (or waiting for its axes): whether the canvas
            // still shows what is current.
            drawn.set(current);
            return;
        };
        let Some(c) = target.as_deref() else { return };
        on_busy.run(true);
        crate::dom::timed(&timing, || {
            let ctx = context(c);
            replay(c, &paint(&m, &view, ctx.as_ref()));
        });
        painted.set_value(Some((m, view)));
        drawn.set(true);
        on_busy.run(false);
    });
    MarksLayer {
        canvas,
        drawn: drawn.into(),
    }
}

/// A detached canvas of class `class` (the glue lays it into the graph).
fn new_canvas(class: &str) -> Option<Overlay> {
    let doc = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_class_name(class);
    Some(SendWrapper::new(canvas))
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// The frame's font at `size` px.
fn font(size: f64) -> String {
    format!("{size}px {FONT_FAMILY}")
}

/// Replays a picture on the canvas, sized to it.
fn replay(canvas: &HtmlCanvasElement, p: &Picture) {
    if canvas.width() != p.width {
        canvas.set_width(p.width);
    }
    if canvas.height() != p.height {
        canvas.set_height(p.height);
    }
    let Some(ctx) = context(canvas) else {
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
            Paint::Text(t) => text(&ctx, t),
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

/// Fills the texts of `t` (see [`TextPaint`]).
fn text(ctx: &CanvasRenderingContext2d, t: &TextPaint) {
    ctx.set_fill_style_str(&t.colour.css());
    ctx.set_font(&font(t.size));
    ctx.set_text_baseline("alphabetic");
    ctx.set_text_align(match t.anchor {
        Anchor::End => "right",
        Anchor::Middle => "center",
    });
    for (x, y, s) in &t.items {
        if t.upright {
            ctx.save();
            let _ = ctx.translate(*x, *y);
            let _ = ctx.rotate(-std::f64::consts::FRAC_PI_2);
            let _ = ctx.fill_text(s, 0.0, 0.0);
            ctx.restore();
        } else {
            let _ = ctx.fill_text(s, *x, *y);
        }
    }
}
