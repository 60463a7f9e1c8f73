//! The Monitor page: a left control panel and a main area with one panel
//! per SPEC §1 section. Components read the state modules
//! ([`crate::state`]) and write only through their writers; they lay out.
//!
//! Imports between these files go one way (checked by
//! `scripts/check-structure.py`): `dashboard` uses the panels and the
//! control panel; every panel uses `panel`; `controls` uses `filters` and
//! `saved_views`, which uses `grouping_editor`.
//!
//! # How views are written (wasm size)
//!
//! Leptos compiles some of its code once per closure type it is handed, so
//! a view written one way or another differs by kilobytes of wasm
//! (docs/design.md, "Wasm size, fourth round"):
//!
//! - Effects go through [`crate::reactive::effect`] (or `effect_with`),
//!   never `Effect::new`: that hands Leptos one boxed closure type, so the
//!   effect's task exists once.
//! - [`panel::ShowIf`], never Leptos' `Show` (generic over its condition
//!   and its children: a copy per use).
//! - Reactive closures are written inside the `view!`: `{move || ..}`,
//!   `attr=move || ..`. `--cfg erase_components` turns only those into one
//!   shared type per output type; a closure bound to a name (`{summary}`,
//!   `prop:checked=checked`) compiles the renderer for its own type. Write
//!   `{move || summary()}` for a child; for an attribute, write the body in
//!   place (clippy refuses `attr=move || f()`).
//! - For the same reason a component whose body is a closure returns
//!   `view! { {move || content()} }` with `let content = move || ..;`
//!   rather than the closure itself.
//!
//! - Async reads go through [`crate::reactive::run_now`] into a signal,
//!   never a `LocalResource`/`Resource` (the first one brings Leptos' async
//!   derived machinery back: docs/design.md, "Wasm size, fifth round").
//!
//! `scripts/check-structure.py` (the fmt layer) refuses `Effect::new`
//! outside `src/reactive.rs`, and `<Show` and resources anywhere in `src/`.

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
