//! Queuescope, the browser app: a thin Leptos shell over `queuescope-core`.
//!
//! Data flows one way: REST (or the built-in demo) → `core` model →
//! `core` analysis for the current view ([`state`]) → chart frames and
//! marks ([`render`]) → Plotly (the frame, through exactly one glue
//! component) and a canvas (the marks).
//! Interactions write the view state through its writers; everything
//! visible derives from it.
//!
//! The pure parts (config, formatting, drawing) compile natively and are
//! tested with `cargo test`; the browser parts exist only on wasm32.

pub mod config;
pub mod format;
pub mod i18n;
pub mod insight_items;
pub mod load_error;
pub mod notice;
pub mod render;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod inspect;
#[cfg(target_arch = "wasm32")]
mod metrics_json;
#[cfg(target_arch = "wasm32")]
mod plotly_glue;
#[cfg(target_arch = "wasm32")]
mod plotly_script;
#[cfg(target_arch = "wasm32")]
mod reactive;
#[cfg(target_arch = "wasm32")]
pub mod state;

#[cfg(target_arch = "wasm32")]
pub use app::start;

#[cfg(all(test, target_arch = "wasm32"))]
mod wasm_tests;
