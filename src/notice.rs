//! One-off notices for the user (ignored URL parameters, config.json's
//! limits, the cache), typed: the `Notices` state keeps them and the page
//! words them when shown (`i18n::notices`), so a language switch words them
//! again. Outside `state` so the catalogue compiles natively.

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

/// Why a cached read could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheTrouble {
    /// Another version of the cache format wrote it.
    OtherVersion,
    /// It could not be decoded or read; the reader's detail.
    Unreadable(String),
}

impl std::fmt::Display for CacheTrouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheTrouble::OtherVersion => {
                f.write_str("was written by another version of Queuescope")
            }
            CacheTrouble::Unreadable(d) => write!(f, "could not be read ({d})"),
        }
    }
}
