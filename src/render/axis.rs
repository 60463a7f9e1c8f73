//! The value axis the app draws beside the bar charts' marks (Job status,
//! Queued time): tick labels, grid lines and the title, on a canvas under
//! the marks that reaches over the plot area and the margin left of it.
//! Plotly's own y axis is then a fixed, hidden 0 to 1, so a filter, which
//! changes only the counts, makes no Plotly call at all (before: a
//! `Plotly.relayout` of the y range, ~6-9 ms of script at 10k jobs and a
//! forced style and layout of the page).
//!
//! It looks as Plotly's would: the ticks are Plotly's automatic ones for a
//! linear axis ([`ticks`]: as many as fit one per 40 px, clamped to 4-9,
//! at 2, 5 or 10 times a power of ten from 0), labelled as Plotly labels
//! them ([`Ticks::label`]: `2.5`, `1500`, `20k`, `1.5M`), in the frame's
//! font and colours (light and dark), with a tick mark and a grid line at
//! each tick. Plotly keeps drawing the axis line, which never moves.

use super::marks::{Anchor, Paint, Picture, TextPaint};
use super::FrameColours;
use queuescope_core::analysis::PixelRect;
use serde_json::{json, Value};

/// The frame's font (Plotly's layout font, [`super::frame`]).
pub const FONT_FAMILY: &str = "Inter, system-ui, sans-serif";
/// Tick labels' size (CSS px): the layout font's.
pub const TICK_FONT: f64 = 12.0;
/// The title's size (CSS px): Plotly's axis titles are 1.2 times the
/// layout font, rounded.
pub const TITLE_FONT: f64 = 14.0;
/// How far (CSS px) the axis canvas reaches above and below the plot
/// area: a label is centred on its tick.
pub const PAD: f64 = 12.0;
/// Plotly's least room a y tick needs (CSS px).
const MIN_PX: f64 = 40.0;
/// Gap between a label's right end and the plot area: 0.7 em of the tick
/// font (CSS px; Plotly's labels end at x = 47.6 beside a 56 px margin).
const LABEL_GAP: f64 = 0.7 * TICK_FONT;
/// A label's baseline below its tick: Plotly's middle shift, 0.35 em.
const MID_SHIFT: f64 = 0.35;
/// Where Plotly puts the title's baseline when no label is in the way:
/// this far left of the plot area (CSS px; measured: x = 18 beside a 56 px
/// margin, on both bar charts).
const TITLE_STANDOFF: f64 = 38.0;
/// The gap Plotly keeps between the title and a label (CSS px).
const TITLE_PAD: f64 = 2.0;
/// Plotly's tick marks: this long (CSS px), outside the axis line.
const TICK_LEN: f64 = 5.0;
/// No grid line within this many CSS px of the plot area's top or bottom
/// edge (Plotly clips them there: the one at 0, on the bottom edge, is
/// never drawn).
const GRID_CLIP: f64 = 1.0;

/// A text's extent as the page renders it (CSS px): its width, and its
/// font's ascent and descent from the baseline (what an SVG text's box
/// spans, which is what Plotly keeps the title clear of).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    /// Advance width.
    pub width: f64,
    /// Font ascent above the baseline.
    pub ascent: f64,
    /// Font descent below the baseline.
    pub descent: f64,
}

/// A box on the canvas (CSS px).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extent {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Extent {
    /// Plotly's `bBoxIntersect`: the boxes overlap or come within `pad`.
    fn near(&self, o: &Extent, pad: f64) -> bool {
        self.left <= o.right + pad
            && o.left <= self.right + pad
            && self.top <= o.bottom + pad
            && o.top <= self.bottom + pad
    }
}

/// A value axis from 0 (at the bottom of the plot area) to `top`, titled.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAxis {
    /// The value at the top of the plot area.
    pub top: f64,
    /// The title, as text.
    pub title: String,
}

/// The plot area on the axis canvas and the canvas' size, in CSS px: the
/// canvas spans from the graph's left edge to the plot area's right one,
/// and [`PAD`] above and below the plot area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisArea {
    /// Plot area left edge (= the margin's width).
    pub left: f64,
    /// Plot area width.
    pub width: f64,
    /// Plot area height.
    pub height: f64,
}

impl AxisArea {
    /// The canvas' size in CSS px.
    pub fn size(&self) -> (f64, f64) {
        (self.left + self.width, self.height + 2.0 * PAD)
    }
}

/// The ticks of an axis: where they are and how they read.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// The step between two ticks.
    pub dtick: f64,
    /// The tick values, from 0 up.
    pub values: Vec<f64>,
    /// Digits kept after the point (negative: whole tens, hundreds...).
    round: i32,
    /// A common power of ten taken out of every label (`k`, `M`...).
    exponent: i32,
}

/// Plotly's prefixes for exponents -15 to 12 by threes (`B` at 9).
const SI: [&str; 10] = ["f", "p", "n", "μ", "m", "", "k", "M", "G", "T"];

/// `floor(log10(v))` as Plotly computes it (`Math.log(v) / Math.LN10`,
/// which is just under a whole number at some powers of ten: 1000 gives
/// 2.9999999999999996, and Plotly's steps follow that).
fn log10_floor(v: f64, nudge: f64) -> i32 {
    (v.ln() / std::f64::consts::LN_10 + nudge).floor() as i32
}

/// Plotly's automatic ticks of a linear axis from 0 to `top` that is
/// `length` CSS px long (its `prepTicks`, `autoTicks` and `calcTicks`):
/// about one tick per 40 px, clamped to 4-9 intervals, the step rounded up
/// to 2, 5 or 10 times a power of ten; every multiple of the step from 0
/// to `top` (and a hair above). Empty for an axis with no extent.
pub fn ticks(top: f64, length: f64) -> Ticks {
    let none = Ticks {
        dtick: 1.0,
        values: Vec::new(),
        round: 0,
        exponent: 0,
    };
    if !(top.is_finite() && top > 0.0 && length.is_finite() && length > 0.0) {
        return none;
    }
    let nt = (length / MIN_PX).clamp(4.0, 9.0) + 1.0;
    let rough = top / nt;
    let base = 10f64.powi(log10_floor(rough, 0.0));
    // The first of 2, 5, 10 above rough / base (strictly: Plotly's roundUp).
    let r = rough / base;
    let m = if r < 2.0 {
        2.0
    } else if r < 5.0 {
        5.0
    } else {
        10.0
    };
    let dtick = base * m;
    if !(dtick.is_finite() && dtick > 0.0) {
        return none;
    }
    // Ticks by repeated addition, as Plotly steps them, up to a hair past
    // the top; never more than Plotly's own cap.
    let end = top * 1.0001;
    let mut values = Vec::new();
    let mut x = 0.0;
    while x <= end && values.len() < 1000 {
        values.push(x);
        x += dtick;
    }
    let rangeexp = log10_floor(top, 0.01);
    let exponent = if rangeexp.abs() > 3 {
        if beyond_si(rangeexp) {
            rangeexp
        } else {
            3 * ((f64::from(rangeexp) - 1.0) / 3.0).round() as i32
        }
    } else {
        0
    };
    Ticks {
        dtick,
        values,
        round: 2 - log10_floor(dtick, 0.01),
        exponent,
    }
}

fn beyond_si(exponent: i32) -> bool {
    !(-15..=14).contains(&exponent)
}

impl Ticks {
    /// The label of tick value `v`, as Plotly writes it with its default
    /// format (`exponentformat: "B"`, separators `.,`): digits to the
    /// step's precision, a common `k`, `M`, `B` for axes past 9,999, and
    /// thousands separated from five digits on.
    pub fn label(&self, v: f64) -> String {
        let mut round = self.round;
        let e = 10f64.powi(-round) / 2.0;
        let v = v.abs();
        if v < e {
            return "0".into();
        }
        let mut v = v + e;
        if self.exponent != 0 {
            v *= 10f64.powi(-self.exponent);
            round += self.exponent;
        }
        let digits = match round {
            0 => format!("{}", v.floor()),
            r if r < 0 => {
                let whole = format!("{}", v.round());
                let keep = whole.len().saturating_sub(r.unsigned_abs() as usize);
                let mut s = whole[..keep].to_string();
                s.extend(std::iter::repeat_n('0', r.unsigned_abs() as usize));
                s
            }
            r => {
                let s = format!("{v}");
                match s.find('.') {
                    Some(dot) => {
                        let cut = (dot + 1 + r as usize).min(s.len());
                        let kept = s[..cut].trim_end_matches('0');
                        kept.strip_suffix('.').unwrap_or(kept).to_string()
                    }
                    None => s,
                }
            }
        };
        let mut s = separate_thousands(&digits);
        if self.exponent != 0 {
            if beyond_si(self.exponent) {
                s.push_str(&format!("×10^{}", self.exponent));
            } else if self.exponent == 9 {
                s.push('B');
            } else {
                let i = usize::try_from(self.exponent / 3 + 5).unwrap_or(5);
                s.push_str(SI.get(i).copied().unwrap_or(""));
            }
        }
        s
    }
}

/// Plotly's `numSeparate` with its default separators: a comma every three
/// digits of the whole part when it has more than four digits or the
/// number has decimals.
fn separate_thousands(digits: &str) -> String {
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::new();
    if frac.is_some() || whole.len() > 4 {
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
    } else {
        out.push_str(whole);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A horizontal line one CSS px thick from `x.0` to `x.1` centred on `y`
/// (CSS px), as Chromium rasterises Plotly's crisp lines
/// (`shape-rendering: crispEdges`): whole device pixels, those whose
/// centres it covers, a centre on its far edge (bottom, right) in and one
/// on its near edge out (a line on a whole CSS px, y = 157, fills row 157,
/// as Plotly's grid line there does); `None` when it has no pixel.
fn crisp_line(x: (f64, f64), y: f64, scale: f64) -> Option<PixelRect> {
    let first = |a: f64| ((a * scale - 0.5).floor() + 1.0).max(0.0);
    let (x0, x1) = (first(x.0), first(x.1));
    let y0 = first(y - 0.5);
    let h = scale.round().max(1.0);
    (x1 > x0 && y.is_finite()).then_some(PixelRect {
        x: x0 as u32,
        y: y0 as u32,
        w: (x1 - x0) as u32,
        h: h as u32,
    })
}

/// The vertical position (CSS px from the plot area's top) of value `v`,
/// rounded to hundredths as Plotly places its ticks.
fn row_of(v: f64, top: f64, height: f64) -> f64 {
    ((height - v * height / top) * 100.0).round() / 100.0
}

impl ValueAxis {
    /// The ticks for a plot area `height` CSS px tall.
    pub fn ticks(&self, height: f64) -> Ticks {
        ticks(self.top, height)
    }

    /// What `inspect` says of the axis: its range and, for a plot area
    /// `height` CSS px tall, its ticks with their labels.
    pub fn inspect(&self, height: f64) -> Value {
        let t = self.ticks(height);
        let ticks: Vec<Value> = t
            .values
            .iter()
            .map(|&v| json!({"value": v, "label": t.label(v)}))
            .collect();
        json!({"range": [0.0, self.top], "title": self.title, "ticks": ticks})
    }

    /// The axis on its canvas ([`AxisArea`]) at `scale` device pixels a
    /// CSS pixel: a grid line across the plot area at each tick (under the
    /// marks, as Plotly's), the labels right-aligned left of it, the title
    /// turned a quarter left and moved out of the labels' way as Plotly
    /// moves it. `measure` is the extent of a text at a font size (CSS px).
    pub fn picture(
        &self,
        area: AxisArea,
        scale: f64,
        colours: &FrameColours,
        measure: &dyn Fn(&str, f64) -> TextBox,
    ) -> Picture {
        let (w, h) = area.size();
        let mut p = Picture {
            width: (w * scale).round().max(0.0) as u32,
            height: (h * scale).round().max(0.0) as u32,
            paints: Vec::new(),
        };
        let t = self.ticks(area.height);
        let mut grid = Vec::new();
        let mut marks = Vec::new();
        let mut labels = Vec::new();
        // The labels' boxes, for the title.
        let mut boxes = Vec::new();
        let right = area.left - LABEL_GAP;
        let tick = area.left - 1.0;
        for &v in &t.values {
            let row = row_of(v, self.top, area.height);
            let y = PAD + row;
            if row > GRID_CLIP && row < area.height - GRID_CLIP {
                grid.extend(crisp_line((area.left, area.left + area.width), y, scale));
            }
            marks.extend(crisp_line((tick - TICK_LEN, tick), y, scale));
            let text = t.label(v);
            let b = measure(&text, TICK_FONT);
            let base = y + MID_SHIFT * TICK_FONT;
            boxes.push(Extent {
                left: right - b.width,
                right,
                top: base - b.ascent,
                bottom: base + b.descent,
            });
            labels.push((right * scale, base * scale, text));
        }
        for (colour, rects) in [(colours.grid, grid), (colours.axis, marks)] {
            if !rects.is_empty() {
                p.paints.push(Paint::Rects(colour, rects));
            }
        }
        if !labels.is_empty() {
            p.paints.push(Paint::Text(TextPaint {
                colour: colours.text,
                size: TICK_FONT * scale,
                anchor: Anchor::End,
                upright: false,
                items: labels,
            }));
        }
        if !self.title.is_empty() {
            let (x, y) = self.title_at(area, measure(&self.title, TITLE_FONT), &boxes);
            p.paints.push(Paint::Text(TextPaint {
                colour: colours.text,
                size: TITLE_FONT * scale,
                anchor: Anchor::Middle,
                upright: true,
                items: vec![(x * scale, y * scale, self.title.clone())],
            }));
        }
        p
    }

    /// Where the title's baseline crosses the middle of the plot area:
    /// [`TITLE_STANDOFF`] left of it, moved left as Plotly moves it (its
    /// `avoid`): as far as it takes to clear by [`TITLE_PAD`] every label
    /// whose box comes within [`TITLE_PAD`] of the title's, but never past
    /// the canvas' left edge. The title's box spans its text along the axis
    /// and its font's ascent (left of the baseline) and descent across it.
    fn title_at(&self, area: AxisArea, title: TextBox, labels: &[Extent]) -> (f64, f64) {
        let mid = PAD + area.height / 2.0;
        let x = area.left - TITLE_STANDOFF;
        let own = Extent {
            left: x - title.ascent,
            right: x + title.descent,
            top: mid - title.width / 2.0,
            bottom: mid + title.width / 2.0,
        };
        let shift = labels
            .iter()
            .filter(|b| own.near(b, TITLE_PAD))
            .map(|b| own.right - b.left + TITLE_PAD)
            .fold(0.0, f64::max)
            .min(own.left.max(0.0));
        (x - shift, mid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ticks' values and labels.
    fn read(top: f64, length: f64) -> (f64, Vec<String>) {
        let t = ticks(top, length);
        (t.dtick, t.values.iter().map(|&v| t.label(v)).collect())
    }

    #[test]
    fn ticks_are_plotlys_steps_from_zero() {
        // 264 px: 6.6 + 1 intervals wanted.
        assert_eq!(read(4.2, 264.0), (1.0, s(&["0", "1", "2", "3", "4"])));
        assert_eq!(read(2.1, 264.0), (0.5, s(&["0", "0.5", "1", "1.5", "2"])));
        assert_eq!(read(42.0, 264.0), (10.0, s(&["0", "10", "20", "30", "40"])));
        assert_eq!(
            read(105.0, 264.0),
            (20.0, s(&["0", "20", "40", "60", "80", "100"]))
        );
        assert_eq!(
            read(1575.0, 264.0),
            (500.0, s(&["0", "500", "1000", "1500"]))
        );
        assert_eq!(
            read(9000.0, 264.0),
            (2000.0, s(&["0", "2000", "4000", "6000", "8000"]))
        );
        // Past 9,999 a common k; past 999,999 M; 10^9 is B.
        assert_eq!(
            read(12_600.0, 264.0),
            (2000.0, s(&["0", "2k", "4k", "6k", "8k", "10k", "12k"]))
        );
        assert_eq!(read(2.4e6, 264.0).1, s(&["0", "0.5M", "1M", "1.5M", "2M"]));
        assert_eq!(
            read(3.1e9, 264.0).1,
            s(&["0", "0.5B", "1B", "1.5B", "2B", "2.5B", "3B"])
        );
        // Fractions: 0.2 steps add up to 0.6000000000000001, labelled 0.6.
        assert_eq!(
            read(1.05, 264.0).1,
            s(&["0", "0.2", "0.4", "0.6", "0.8", "1"])
        );
    }

    #[test]
    fn a_taller_axis_has_more_ticks_and_a_short_one_at_least_four_intervals() {
        // 264 px: 6.6 + 1 intervals wanted; 360 px: 9 + 1; 800 px: 20,
        // clamped to 9, + 1.
        assert_eq!(read(42.0, 264.0).0, 10.0);
        assert_eq!(read(42.0, 360.0).0, 5.0);
        assert_eq!(read(105.0, 800.0).0, 20.0);
        // 100 px: 2.5 clamped to 4, + 1.
        assert_eq!(read(105.0, 100.0).0, 50.0);
    }

    #[test]
    fn plotlys_log_of_a_power_of_ten_is_just_under_it() {
        // rough = 1000 exactly: Math.log(1000) / Math.LN10 < 3, so the
        // base is 100 and the step 1000 (with log10 it would be 2000).
        // (360 px: 9 + 1 intervals wanted.)
        assert_eq!(ticks(10_000.0, 360.0).dtick, 1000.0);
    }

    #[test]
    fn nothing_to_tick_without_an_extent() {
        assert!(ticks(0.0, 264.0).values.is_empty());
        assert!(ticks(f64::NAN, 264.0).values.is_empty());
        assert!(ticks(10.0, 0.0).values.is_empty());
    }

    #[test]
    fn crisp_lines_cover_the_pixels_whose_centres_they_cover() {
        // Plotly's grid line at 202.41 from 56 to 906: row 202, at
        // 2 device px a CSS px rows 404 and 405.
        let r = |x, y, w, h| Some(PixelRect { x, y, w, h });
        assert_eq!(crisp_line((56.0, 906.0), 202.41, 1.0), r(56, 202, 850, 1));
        assert_eq!(crisp_line((56.0, 906.0), 202.41, 2.0), r(112, 404, 1700, 2));
        // On a whole pixel (Queued time's grid line at 157 on main): the
        // row below it, whose centre is on the line's lower edge.
        assert_eq!(crisp_line((56.0, 906.0), 157.0, 1.0), r(56, 157, 850, 1));
        assert_eq!(crisp_line((50.0, 55.0), 244.0, 1.0), r(50, 244, 5, 1));
        assert_eq!(crisp_line((50.0, 50.0), 244.0, 1.0), None);
    }

    #[test]
    fn thousands_are_separated_from_five_digits_or_with_decimals() {
        assert_eq!(separate_thousands("1500"), "1500");
        assert_eq!(separate_thousands("12500"), "12,500");
        assert_eq!(separate_thousands("1234567"), "1,234,567");
        assert_eq!(separate_thousands("1500.5"), "1,500.5");
        assert_eq!(separate_thousands("0.25"), "0.25");
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn colours() -> FrameColours {
        crate::render::palette::Tokens::fallback().frame
    }

    /// Text boxes as Chromium's fallback for the frame's font renders them
    /// here: `per_char` px a character at 12 px (scaled with the size), an
    /// ascent of 11 and a descent of 3 at 12 px (13 and 3 at 14 px).
    fn boxes(per_char: f64) -> impl Fn(&str, f64) -> TextBox {
        move |s, size| TextBox {
            width: per_char * size / TICK_FONT * s.chars().count() as f64,
            ascent: (size * 0.92).round(),
            descent: 3.0,
        }
    }

    /// The title's baseline x in a picture.
    fn title_x(p: &Picture) -> f64 {
        match p.paints.last() {
            Some(Paint::Text(t)) if t.upright => t.items[0].0,
            _ => f64::NAN,
        }
    }

    #[test]
    fn the_picture_has_a_grid_line_and_a_label_at_each_tick() {
        let axis = ValueAxis {
            top: 42.0,
            title: "jobs".into(),
        };
        let area = AxisArea {
            left: 56.0,
            width: 400.0,
            height: 264.0,
        };
        let p = axis.picture(area, 2.0, &colours(), &boxes(7.0));
        assert_eq!((p.width, p.height), (912, 576));
        let Paint::Rects(c, grid) = &p.paints[0] else {
            panic!("grid first: {:?}", p.paints[0]);
        };
        assert_eq!(*c, colours().grid);
        // 10, 20, 30, 40 of 42 over 264 px, PAD below the canvas top, two
        // device rows each across the plot area; none at 0, on the plot
        // area's bottom edge.
        let rows: Vec<u32> = grid.iter().map(|r| r.y).collect();
        let want: Vec<u32> = [10.0, 20.0, 30.0, 40.0]
            .iter()
            .map(|v| (((PAD + row_of(*v, 42.0, 264.0) - 0.5) * 2.0 - 0.5).floor() + 1.0) as u32)
            .collect();
        assert_eq!(rows, want);
        // 10 of 42: 201.14 px down the plot area, 213.14 on the canvas: a
        // line over device rows 425.28-427.28 fills rows 425 and 426.
        assert_eq!(
            grid[0],
            PixelRect {
                x: 112,
                y: 425,
                w: 800,
                h: 2
            }
        );
        let Paint::Rects(c, ticks) = &p.paints[1] else {
            panic!("tick marks second");
        };
        assert_eq!(*c, colours().axis);
        // 5 px outside the axis line (which Plotly draws at 55.5), at every
        // tick, 0 included.
        assert_eq!(ticks.len(), 5);
        assert_eq!(
            ticks[0],
            PixelRect {
                x: 100,
                y: 551,
                w: 10,
                h: 2
            }
        );
        assert_eq!(ticks[1].y, grid[0].y);
        let Paint::Text(labels) = &p.paints[2] else {
            panic!("labels third");
        };
        assert_eq!(
            (labels.anchor, labels.colour),
            (Anchor::End, colours().text)
        );
        assert_eq!(labels.size, 24.0);
        let texts: Vec<&str> = labels.items.iter().map(|i| i.2.as_str()).collect();
        assert_eq!(texts, ["0", "10", "20", "30", "40"]);
        // Right-aligned 8.4 px left of the plot area, 0.35 em below the tick.
        assert_eq!(labels.items[0].0, (56.0 - 8.4) * 2.0);
        assert!((labels.items[0].1 - (PAD + 264.0 + 4.2) * 2.0).abs() < 1e-9);
        let Paint::Text(title) = &p.paints[3] else {
            panic!("the title last");
        };
        assert!(title.upright);
        assert_eq!((title.anchor, title.size), (Anchor::Middle, 28.0));
        assert_eq!(title.items[0].2, "jobs");
        assert_eq!(title.items[0].1, (PAD + 132.0) * 2.0);
    }

    /// Where Plotly put the title on main's Job status (labels 0-500 at
    /// 7.64 px a digit, "jobs" 29.64 px long) and Queued time (labels up to
    /// "600k", 29.9 px long, "seconds waiting" 112.73 px), read from its
    /// SVG: x = 18, and 13 where the labels beside the middle are wider.
    #[test]
    fn the_title_is_where_plotly_puts_it() {
        let status = ValueAxis {
            top: 511.35,
            title: "jobs".into(),
        };
        let area = |height| AxisArea {
            left: 56.0,
            width: 850.0,
            height,
        };
        let measure = |s: &str, size: f64| TextBox {
            width: match s {
                "jobs" => 29.64,
                "seconds waiting" => 112.73,
                s if s.ends_with('k') => 29.9,
                s => 7.64 * s.len() as f64,
            },
            ascent: if size > 12.0 { 13.0 } else { 11.0 },
            descent: 3.0,
        };
        let p = status.picture(area(214.0), 1.0, &colours(), &measure);
        assert_eq!(title_x(&p), 18.0);
        let queued = ValueAxis {
            top: 609_328.55,
            title: "seconds waiting".into(),
        };
        let p = queued.picture(area(254.0), 1.0, &colours(), &measure);
        assert_eq!(title_x(&p), 13.0, "moved left to the canvas' edge");
    }

    #[test]
    fn the_title_steps_left_of_wide_labels_beside_it() {
        let axis = |top: f64| ValueAxis {
            top,
            title: "jobs".into(),
        };
        let area = AxisArea {
            left: 56.0,
            width: 400.0,
            height: 264.0,
        };
        let x = |top: f64, per_char: f64| {
            title_x(&axis(top).picture(area, 1.0, &colours(), &boxes(per_char)))
        };
        // Narrow labels leave the title where Plotly puts it by default.
        assert_eq!(x(42.0, 7.0), 56.0 - TITLE_STANDOFF);
        // "1000" beside the middle at 4 px a digit stays clear...
        assert_eq!(x(2100.0, 4.0), 56.0 - TITLE_STANDOFF);
        // (its left end at 56 - 8.4 - 16 = 31.6, more than 2 px from the
        // title's box, which ends 3 px right of the baseline at 18)...
        // ... at 7 px a digit it ends at 19.6: the title's box moves to
        // end 2 px left of it.
        assert!((x(2100.0, 7.0) - (19.6 - 2.0 - 3.0)).abs() < 1e-9);
        // Labels away from the middle leave it be.
        assert_eq!(x(1575.0, 9.0), 56.0 - TITLE_STANDOFF);
        // Never past the canvas' left edge (the title's ascent, 13 px).
        assert_eq!(x(2100.0, 40.0), 13.0);
    }

    #[test]
    fn inspect_has_the_range_and_the_ticks_for_the_height() {
        let axis = ValueAxis {
            top: 2.1,
            title: "jobs".into(),
        };
        let v = axis.inspect(264.0);
        assert_eq!(v["range"], json!([0.0, 2.1]));
        assert_eq!(v["title"], "jobs");
        assert_eq!(v["ticks"][1], json!({"value": 0.5, "label": "0.5"}));
        assert_eq!(v["ticks"].as_array().map(Vec::len), Some(5));
    }
}
