//! The Monitor page: a left control panel and a main area with one panel
//! per SPEC §1 section. Components read the state modules
//! ([`crate::state`]) and write only through their writers; they lay out.
//!
//! Imports between these files go one way (checked by
//! `scripts/check-structure.py`): `dashboard` uses the panels and the
//! control panel; every panel uses `panel`; `controls` uses `filters` and
//! `saved_views`, which uses `grouping_editor`.

mod chart;
mod chart_panels;
mod controls;
mod dashboard;
mod filters;
mod grouping_editor;
mod header;
mod insights;
mod inspect_dialog;
mod legend;
mod links;
mod panel;
mod runs;
mod saved_views;
mod tables;
mod theme_toggle;
mod usage;

pub use dashboard::Dashboard;
