//! Hooks for the DOM's moving parts, so a panel reads like its picture:
//! whether an element is on screen ([`use_in_view`]) and the canvas a
//! chart's marks are painted on ([`use_marks`]).

mod in_view;
mod marks;

pub use in_view::{mark_settling, use_in_view, use_settling, IN_VIEW_MARGIN_PX};
pub use marks::{device_window, use_marks, MarksLayer};
