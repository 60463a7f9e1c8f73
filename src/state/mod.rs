//! The app's state: plain modules that own one concern each and provide it
//! as a context. Components read what they show and write through the
//! named writers here; nothing else holds state.
//!
//! [`provide`] builds them in dependency order:
//!
//! ```text
//! notices ─▶ cache
//! notices ─▶ theme (scheme, chart tokens) ─────────────────────────────▶ analysis (palette)
//! notices ─▶ prefs ─▶ view (+ URL sync, lang) ─▶ queues ─▶ loader ─▶ analysis (+ palette)
//!                                                     refresh (timer) ◀─┤    │
//!                                     readiness (data-app-state) ◀─┘    ├─▶ metrics ─▶ insights
//!                                                                       └─▶ legend
//! ```

pub mod analysis;
pub mod cache;
pub mod insights;
pub mod lang;
pub mod legend;
pub mod live;
pub mod loader;
pub mod metrics;
pub mod notices;
pub mod prefs;
pub mod queues;
pub mod readiness;
pub mod refresh;
pub mod theme;
pub mod view;

pub use analysis::{Analysis, MAX_GROUPS};
pub use cache::Cache;
pub use insights::Insights;
pub use lang::LangState;
pub use legend::Legend;
pub use loader::{DataState, Loaded};
pub use metrics::Metrics;
pub use notices::{Notice, Notices};
pub use prefs::Prefs;
pub use queues::{Queues, SourceCtx};
pub use readiness::Readiness;
pub use refresh::Refresh;
pub use theme::ThemeState;
pub use view::ViewState;

use crate::api::Source;
use crate::config::Config;
use leptos::prelude::*;
use std::ops::Deref;
use std::sync::Arc;

/// An `Arc` compared by identity: memos holding large derived values stay
/// cheap to compare and to clone.
#[derive(Debug, Default)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(v: T) -> Self {
        Shared(Arc::new(v))
    }
}
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}
impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Builds every state module for the dashboard and provides each as a
/// context (the config too).
pub fn provide(config: Config, source: Source) {
    let notices = Notices::provide();
    notices.extend(config.notices.iter().cloned());
    let cache = Cache::provide(notices);
    // The first load looks its queue up in the cache after this render;
    // the database opens meanwhile (the demo has no cache).
    if source.backend().is_some() {
        cache.warm();
    }
    let prefs = Prefs::provide(notices);
    let theme = ThemeState::provide(config.theme, notices);
    let view = ViewState::provide(notices, prefs);
    LangState::provide(view, config.lang);
    let source = SourceCtx::provide(source);
    let queues = Queues::provide(source, view, notices);
    let data = DataState::provide(source, queues, view);
    Refresh::provide(data, queues, config.refresh_seconds);
    let analysis = Analysis::provide(view, data, queues, (prefs, theme));
    let ready = Readiness::provide(view, data, queues);
    let metrics = Metrics::provide(source, (queues, data), analysis, ready);
    Insights::provide(analysis, view, metrics, (source, queues, ready));
    Legend::provide(view, analysis);
    provide_context(config);
}
