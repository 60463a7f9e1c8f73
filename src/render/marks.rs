//! The marks the app draws on the canvas laid over a chart's plot area
//! (Plotly draws the frame around them): what to draw ([`BarMarks`],
//! [`LineMarks`], or Job runs' raster) and, for the axes window on screen,
//! the [`Picture`] the canvas paints. Everything here is pure; the page
//! side ([`crate::hooks`]) only replays a picture with `fillRect`,
//! `lineTo` and `putImageData`.

use super::Colour;
use queuescope_core::analysis::{polylines, PixelPoint, PixelRect, RasterWindow, Stacks};
use std::sync::Arc;

/// The width of a usage line, in CSS pixels.
pub const LINE_WIDTH: f64 = 1.5;

/// One layer of a picture.
#[derive(Debug, Clone, PartialEq)]
pub enum Paint {
    /// Rectangles filled in one colour.
    Rects(Colour, Vec<PixelRect>),
    /// Polylines stroked in one colour, `width` device pixels wide.
    Lines(Colour, f64, Vec<Vec<PixelPoint>>),
    /// The whole canvas as RGBA pixels, rows from the top.
    Pixels(Vec<u8>),
}

/// What a chart's canvas shows for one window: its size in device pixels
/// and the layers, painted in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Picture {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Layers, bottom first.
    pub paints: Vec<Paint>,
}

impl Picture {
    /// An empty picture of the window's size.
    pub fn of(win: &RasterWindow) -> Picture {
        Picture {
            width: win.width,
            height: win.height,
            paints: Vec::new(),
        }
    }
}

/// Stacked bars: the stacks (core's geometry) and a colour per series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarMarks {
    /// Bucket extents (wall-clock ms) and stack tops.
    pub stacks: Stacks,
    /// `colours[series]`.
    pub colours: Vec<Colour>,
}

impl BarMarks {
    /// The bars for the window: one layer of rectangles per series.
    pub fn picture(&self, win: &RasterWindow) -> Picture {
        let mut p = Picture::of(win);
        for (s, rects) in self.stacks.rects(win).into_iter().enumerate() {
            if !rects.is_empty() {
                let colour = self
                    .colours
                    .get(s)
                    .copied()
                    .unwrap_or(Colour([0x85, 0x8d, 0x94]));
                p.paints.push(Paint::Rects(colour, rects));
            }
        }
        p
    }
}

/// One line of a usage chart. Its points are shared with the usage cache
/// ([`crate::render::UsageSeries`]): a chart built anew for other runs in
/// view copies none of them.
#[derive(Debug, Clone)]
pub struct LineMark {
    /// The run's group colour.
    pub colour: Colour,
    /// Seconds since the run started, ascending.
    pub t: Arc<[f64]>,
    /// Percent; `None` is a gap.
    pub v: Arc<[Option<f64>]>,
}

impl PartialEq for LineMark {
    /// The same points: the same shared ones (most often) or equal ones.
    fn eq(&self, o: &Self) -> bool {
        self.colour == o.colour
            && (Arc::ptr_eq(&self.t, &o.t) || self.t == o.t)
            && (Arc::ptr_eq(&self.v, &o.v) || self.v == o.v)
    }
}

/// The lines of a usage chart, drawn in order (the last on top).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineMarks {
    /// The lines.
    pub lines: Vec<LineMark>,
}

impl LineMarks {
    /// The lines for the window, [`LINE_WIDTH`] CSS pixels wide at
    /// `scale` device pixels a CSS pixel.
    pub fn picture(&self, win: &RasterWindow, scale: f64) -> Picture {
        let mut p = Picture::of(win);
        for l in &self.lines {
            let lines = polylines(&l.t, &l.v, win);
            if !lines.is_empty() {
                p.paints
                    .push(Paint::Lines(l.colour, LINE_WIDTH * scale, lines));
            }
        }
        p
    }

    /// The largest `t` of any line (the x axis' extent).
    pub fn t_max(&self) -> f64 {
        self.lines
            .iter()
            .filter_map(|l| l.t.last().copied())
            .filter(|t| t.is_finite())
            .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_paint_one_layer_per_series_in_its_colour() {
        let marks = BarMarks {
            stacks: Stacks::new(vec![(0.0, 10.0)], &[vec![1.0], vec![0.0], vec![1.0]]),
            colours: vec![Colour([1, 1, 1]), Colour([2, 2, 2]), Colour([3, 3, 3])],
        };
        let win = RasterWindow {
            x0: 0.0,
            x1: 10.0,
            y0: 2.0,
            y1: 0.0,
            width: 10,
            height: 20,
        };
        let p = marks.picture(&win);
        assert_eq!((p.width, p.height), (10, 20));
        let r = |y, h| PixelRect { x: 0, y, w: 10, h };
        assert_eq!(
            p.paints,
            vec![
                Paint::Rects(Colour([1, 1, 1]), vec![r(10, 10)]),
                // The empty series paints nothing.
                Paint::Rects(Colour([3, 3, 3]), vec![r(0, 10)]),
            ]
        );
    }

    #[test]
    fn lines_scale_their_width_and_skip_what_is_off_screen() {
        let marks = LineMarks {
            lines: vec![
                LineMark {
                    colour: Colour([9, 9, 9]),
                    t: vec![0.0, 50.0].into(),
                    v: vec![Some(0.0), Some(100.0)].into(),
                },
                LineMark {
                    colour: Colour([8, 8, 8]),
                    t: vec![500.0, 600.0].into(),
                    v: vec![Some(1.0), Some(2.0)].into(),
                },
            ],
        };
        assert_eq!(marks.t_max(), 600.0);
        let win = RasterWindow {
            x0: 0.0,
            x1: 100.0,
            y0: 100.0,
            y1: 0.0,
            width: 200,
            height: 200,
        };
        let p = marks.picture(&win, 2.0);
        assert_eq!(
            p.paints,
            vec![Paint::Lines(
                Colour([9, 9, 9]),
                3.0,
                vec![vec![(0.0, 200.0), (100.0, 0.0)]]
            )]
        );
    }
}
