//! Hooks for the DOM's moving parts, so a panel reads like its picture:
//! whether an element is on screen ([`use_in_view`]), the canvas a
//! chart's marks are painted on ([`use_marks`]) and whether a media query
//! matches ([`use_media`]).

mod in_view;
mod marks;
mod media;

pub use in_view::{mark_settling, use_in_view, use_settling, IN_VIEW_MARGIN_PX};
pub use marks::{device_window, use_marks, MarksLayer};
pub use media::use_media;
