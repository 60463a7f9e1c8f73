//! One-off notices for the user (ignored URL parameters, config.json's
//! limits, the cache), typed: the `Notices` state keeps them and the page
//! words them when shown (`i18n::notices`), so a language switch words them
//! again. Outside `state` so the catalogue compiles natively.

use queuescope_core::limits::ConfigNotice;
use queuescope_core::prefs::{GroupingError, ImportError, LinkError, LoadNotice, NameError, Store};
use queuescope_core::view::QueryNotice;
use std::fmt;

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
    /// A stored preference was repaired, reset, or left to a newer version.
    Stored(LoadNotice),
    /// The theme chosen could not be kept.
    ThemeNotSaved(StorageError),
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

impl From<LoadNotice> for Notice {
    fn from(n: LoadNotice) -> Notice {
        Notice::Stored(n)
    }
}

/// Why local storage did not take a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// The browser gives the page no local storage (private mode, settings).
    Unavailable,
    /// `QuotaExceededError`.
    Full,
    /// Another refusal; the browser's name for it, if any.
    Refused(Option<String>),
}

impl std::error::Error for StorageError {}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not saved: ")?;
        match self {
            StorageError::Unavailable => f.write_str(
                "this browser does not let the page use local storage (private mode or site settings)",
            ),
            StorageError::Full => f.write_str(
                "local storage is full; delete saved views or links you no longer need, or free space for this site in the browser",
            ),
            StorageError::Refused(Some(d)) => {
                write!(f, "local storage refused the change ({d})")
            }
            StorageError::Refused(None) => f.write_str("local storage refused the change"),
        }
    }
}

/// Why a change to the stored preferences was not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// Local storage refused it.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A newer Queuescope owns the store; this one never writes it.
    #[error("not saved: the {} in this browser were saved by a newer version of Queuescope, and this one leaves them untouched", .0.what())]
    Newer(Store),
}

/// What the preference editors (links, saved views, custom groupings,
/// import) report: the edit was refused, or not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefsError {
    /// A link that cannot be added or changed.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// A view's name.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A custom grouping that does not validate.
    #[error(transparent)]
    Grouping(#[from] GroupingError),
    /// A refused import file.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The change was not kept.
    #[error(transparent)]
    NotSaved(#[from] SaveError),
    /// A valid import that could not be kept: nothing was imported.
    #[error("nothing was imported: {0}")]
    ImportNotSaved(SaveError),
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
