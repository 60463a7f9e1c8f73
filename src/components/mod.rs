//! The Monitor page: a left control panel and a main area with one panel
//! per SPEC §1 section. Panels read [`crate::state::Analysis`] and write
//! only the view state.

mod controls;
mod dashboard;
mod links;
mod panels;
mod runs;
mod tables;
mod usage;

pub use dashboard::Dashboard;
