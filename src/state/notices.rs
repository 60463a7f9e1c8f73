//! Notices: one-off messages for the user (ignored URL parameters, reset
//! storage, an unknown queue), shown until dismissed. They are kept typed
//! and worded when shown, so a language switch words them again
//! (`i18n::notices`).

use super::cache::CacheTrouble;
use leptos::prelude::*;
use queuescope_core::limits::ConfigNotice;
use queuescope_core::view::QueryNotice;

/// One notice, with its data.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// An ignored URL parameter (or an unknown queue or grouping in it).
    Query(QueryNotice),
    /// What reading config.json changed.
    Config(ConfigNotice),
    /// *Clear cache* found nothing to clear.
    CacheEmpty,
    /// *Clear cache* removed the reads of `queues` queues, `bytes` in all.
    CacheCleared {
        /// Queues whose read was removed.
        queues: usize,
        /// Their size.
        bytes: usize,
    },
    /// *Clear cache* failed; the browser's words.
    CacheClearFailed(String),
    /// The cached read of `queue` could not be used and was deleted.
    CacheDropped {
        /// The queue's id.
        queue: String,
        /// Why.
        why: CacheTrouble,
    },
    /// A message still worded in English only (stored preferences that
    /// were reset, a theme choice that could not be stored); see
    /// docs/design.md.
    Text(String),
}

impl From<QueryNotice> for Notice {
    fn from(q: QueryNotice) -> Notice {
        Notice::Query(q)
    }
}

impl From<ConfigNotice> for Notice {
    fn from(c: ConfigNotice) -> Notice {
        Notice::Config(c)
    }
}

impl From<String> for Notice {
    fn from(s: String) -> Notice {
        Notice::Text(s)
    }
}

/// The notices on screen.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Vec<Notice>>);

impl Notices {
    /// An empty list, provided as a context.
    pub fn provide() -> Notices {
        let n = Notices(RwSignal::new(Vec::new()));
        provide_context(n);
        n
    }

    /// Adds notices (nothing when `more` is empty).
    pub fn extend<N: Into<Notice>>(&self, more: impl IntoIterator<Item = N>) {
        let more: Vec<Notice> = more.into_iter().map(Into::into).collect();
        if !more.is_empty() {
            self.0.update(|n| n.extend(more));
        }
    }

    /// The notices (tracked).
    pub fn get(&self) -> Vec<Notice> {
        self.0.get()
    }

    /// Removes every notice.
    pub fn dismiss(&self) {
        self.0.set(Vec::new());
    }
}
