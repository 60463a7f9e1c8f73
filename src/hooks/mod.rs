//! Hooks for the DOM's moving parts, so a panel reads like its picture:
//! whether an element is on screen ([`use_in_view`]) and the canvases a
//! chart's marks ([`use_marks`]) and a bar chart's value axis
//! ([`use_axis`]) are painted on.

mod in_view;
mod marks;

pub use in_view::use_in_view;
pub use marks::{device_window, use_axis, use_marks, MarksLayer};
