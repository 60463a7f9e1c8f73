//! Idle windows (SPEC §3.1): when no selected job was running, so
//! low-priority or pre-emptible work could have run.

use super::{top, MIN_IDLE};
use crate::analysis::summary::{busy_spans, busy_spans_of};
use crate::analysis::{Prepared, RunLayout, Selection, TimeRange};
use crate::model::Ms;

/// One idle window: `[start, end)`, inside the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdleWindow {
    /// First idle instant (`data-start`): the range's start, or the end of a run.
    pub start: Ms,
    /// First instant after it (`data-end`): the range's end, or the start of a run.
    pub end: Ms,
}

impl IdleWindow {
    /// Its length in ms (`data-seconds` × 1000).
    pub fn len(&self) -> Ms {
        self.end - self.start
    }

    /// Never true for a window in [`IdleWindows`] (they last at least [`MIN_IDLE`]).
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// The idle windows of a view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdleWindows {
    /// The [`super::TOP_ITEMS`] longest, longest first, ties earlier first.
    pub top: Vec<IdleWindow>,
    /// How many windows of at least [`MIN_IDLE`] the range has (shown or not).
    pub count: usize,
    /// Their total length in ms (all of them, not only the top).
    pub total: Ms,
    /// The range's length in ms.
    pub range_len: Ms,
}

impl IdleWindows {
    /// The idle share of SPEC §3.1: the windows' total over the range's
    /// length (0 for an empty range). Gaps shorter than [`MIN_IDLE`] do not
    /// count, so it is at most the header's idle share, which counts every
    /// idle instant.
    pub fn share(&self) -> f64 {
        if self.range_len <= 0 {
            0.0
        } else {
            self.total as f64 / self.range_len as f64
        }
    }
}

/// SPEC §3.1 idle windows: the maximal sub-intervals of `range` that no run
/// span of a selected job covers, at least [`MIN_IDLE`] long. The busy
/// time is the union of the shown runs (the summary's), so the windows are
/// its gaps; the range's edges cut the first and last. O(runs starting
/// before `range.to`).
pub fn idle_windows(prep: &Prepared, sel: &Selection, range: TimeRange) -> IdleWindows {
    gaps(&busy_spans(prep, sel, range).1, range)
}

/// [`idle_windows`] of the view whose run lanes are `layout` (its bars are
/// the view's shown runs): O(bars), so a refresh whose lanes were carried
/// over does not look up every run again.
pub fn idle_windows_in(layout: &RunLayout, range: TimeRange) -> IdleWindows {
    gaps(&busy_spans_of(layout, range).1, range)
}

/// The windows of at least [`MIN_IDLE`] between the `busy` spans in `range`.
fn gaps(busy: &[(Ms, Ms)], range: TimeRange) -> IdleWindows {
    let mut windows = Vec::new();
    let mut from = range.from;
    for &(s, e) in busy.iter().chain([&(range.to, range.to)]) {
        if s - from >= MIN_IDLE {
            windows.push(IdleWindow {
                start: from,
                end: s,
            });
        }
        from = e;
    }
    IdleWindows {
        count: windows.len(),
        total: windows.iter().map(IdleWindow::len).sum(),
        range_len: range.len(),
        top: top(windows, |a, b| {
            b.len().cmp(&a.len()).then(a.start.cmp(&b.start))
        }),
    }
}
