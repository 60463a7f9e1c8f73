//! What can go wrong with stored and imported preferences, as data: the
//! shell words each in the page's language (issue #15). `Display` is the
//! English sentence, which the core tests and the English e2e tests read.

use super::{LinkError, NameError, MAX_LINKS_PER_QUEUE};
use crate::view::QueryNotice;
use std::fmt;

/// One of the stores kept in local storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// External links per queue.
    Links,
    /// Saved views.
    Views,
    /// Custom groupings.
    Groupings,
    /// The theme chosen in the app.
    Appearance,
}

impl Store {
    /// Plural noun for English messages (`saved links`).
    pub fn what(self) -> &'static str {
        match self {
            Store::Links => "saved links",
            Store::Views => "saved views",
            Store::Groupings => "custom groupings",
            Store::Appearance => "appearance settings",
        }
    }

    /// The section's key in an export file (`links`).
    pub fn section(self) -> &'static str {
        match self {
            Store::Links => "links",
            Store::Views => "views",
            Store::Groupings => "groupings",
            Store::Appearance => "appearance",
        }
    }
}

/// What is wrong with one rule (or the name) of a custom grouping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleProblem {
    /// The grouping's name.
    Name(NameError),
    /// No rule at all.
    NoRules,
    /// Rule `rule` (1-based) tests a field that does not exist.
    UnknownField {
        /// 1-based rule number.
        rule: usize,
        /// The field as written.
        field: String,
    },
    /// Rule `rule` gives no group name.
    NoGroup {
        /// 1-based rule number.
        rule: usize,
    },
    /// Rule `rule` has neither values nor a pattern.
    NothingToMatch {
        /// 1-based rule number.
        rule: usize,
    },
    /// Rule `rule`'s pattern does not compile.
    BadPattern {
        /// 1-based rule number.
        rule: usize,
        /// The pattern as written.
        pattern: String,
        /// regex-lite's reason (library text, kept as it is).
        detail: String,
    },
}

/// Why a custom grouping cannot be saved or used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupingError {
    /// The grouping's name as written.
    pub grouping: String,
    /// What is wrong.
    pub problem: RuleProblem,
}

impl fmt::Display for GroupingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "grouping {:?}: ", self.grouping)?;
        match &self.problem {
            RuleProblem::Name(e) => write!(f, "{e}"),
            RuleProblem::NoRules => f.write_str("add at least one rule"),
            RuleProblem::UnknownField { rule, field } => write!(
                f,
                "rule {rule}: unknown field {field:?}; use {}",
                crate::analysis::RuleField::names()
            ),
            RuleProblem::NoGroup { rule } => write!(f, "rule {rule}: give the group a name"),
            RuleProblem::NothingToMatch { rule } => {
                write!(f, "rule {rule}: give values or a pattern to match")
            }
            RuleProblem::BadPattern {
                rule,
                pattern,
                detail,
            } => write!(
                f,
                "rule {rule}: the pattern {pattern:?} is not a valid regular expression ({detail})"
            ),
        }
    }
}

impl std::error::Error for GroupingError {}
eq_by_display!(GroupingError);

/// One entry of a store that breaks the rules (found when loading or
/// importing it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Link `index` (1-based) of `queue` is not a valid link.
    Link {
        /// The queue's id.
        queue: String,
        /// 1-based position.
        index: usize,
        /// The link's label as stored.
        label: String,
        /// Why.
        error: LinkError,
    },
    /// `queue` holds `count` links, more than [`MAX_LINKS_PER_QUEUE`].
    TooManyLinks {
        /// The queue's id.
        queue: String,
        /// Links it holds.
        count: usize,
    },
    /// Saved view `index` (1-based) has an unusable name.
    ViewName {
        /// 1-based position.
        index: usize,
        /// Why.
        error: NameError,
    },
    /// Saved view `name` holds URL parameters that were dropped.
    ViewQuery {
        /// The view's name.
        name: String,
        /// What was dropped.
        notices: Vec<QueryNotice>,
    },
    /// A custom grouping that does not validate.
    Grouping(GroupingError),
    /// Two entries of `store` have the same `name`; the first is kept.
    SameName {
        /// Which store.
        store: Store,
        /// The name.
        name: String,
    },
}

/// `first (and 2 more)`: the first item in full and a count of the rest.
pub fn summary<T>(items: &[T], word: impl Fn(&T) -> String, more: fn(usize) -> String) -> String {
    match items {
        [] => String::new(),
        [one] => word(one),
        [first, rest @ ..] => format!("{} {}", word(first), more(rest.len())),
    }
}

/// English `(and 2 more)`.
fn and_more(n: usize) -> String {
    format!("(and {n} more)")
}

/// A list of problems in English, as one line.
pub fn problems_en(problems: &[Problem]) -> String {
    summary(problems, ToString::to_string, and_more)
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Link {
                queue,
                index,
                label,
                error,
            } => write!(f, "link {index} of queue {queue:?} ({label:?}): {error}"),
            Problem::TooManyLinks { queue, count } => write!(
                f,
                "queue {queue:?} has {count} links, more than {MAX_LINKS_PER_QUEUE}"
            ),
            Problem::ViewName { index, error } => write!(f, "saved view {index}: {error}"),
            Problem::ViewQuery { name, notices } => write!(
                f,
                "saved view {name:?}: {}",
                summary(notices, ToString::to_string, and_more)
            ),
            Problem::Grouping(g) => write!(f, "{g}"),
            Problem::SameName { store, name } => {
                write!(f, "two {} are named {name:?}", store.what())
            }
        }
    }
}

/// What loading a store from local storage did besides reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadTrouble {
    /// Entries that broke the rules were dropped or repaired.
    Repaired(Vec<Problem>),
    /// Not a shape this app knows: reset to the default.
    Unreadable,
    /// Written by a newer Queuescope (its format): left untouched, not shown.
    Newer(u64),
}

/// A notice about a stored preference that was repaired, reset or left to
/// a newer version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadNotice {
    /// Which store.
    pub store: Store,
    /// What happened.
    pub trouble: LoadTrouble,
}

impl fmt::Display for LoadNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.store.what();
        match &self.trouble {
            LoadTrouble::Repaired(p) => write!(
                f,
                "some {what} broke the rules and were dropped or repaired: {}",
                problems_en(p)
            ),
            LoadTrouble::Unreadable => write!(f, "{what} were unreadable and have been reset"),
            LoadTrouble::Newer(v) => write!(
                f,
                "{what} were saved by a newer version of Queuescope (format {v}): this version cannot show them and leaves them untouched; changes to them here are not saved"
            ),
        }
    }
}

eq_by_display!(LoadNotice);

/// Why an import was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The file is `bytes` long, more than [`super::MAX_IMPORT_BYTES`].
    TooLarge {
        /// The file's size.
        bytes: u64,
    },
    /// Not JSON; the reader's reason (library text, kept as it is).
    NotJson(String),
    /// An export format newer than this app reads.
    NewerExport(u64),
    /// No `queuescope_export` marker.
    NotExport,
    /// A section in no shape this app knows.
    SectionUnreadable(Store),
    /// A section written by a newer app.
    SectionNewer {
        /// Which section.
        store: Store,
        /// Its format.
        version: u64,
    },
    /// Entries of a section break the rules.
    Problems(Vec<Problem>),
    /// Merging would give `queue` `count` links, more than the limit.
    TooManyLinks {
        /// The queue's id.
        queue: String,
        /// Links it would hold.
        count: usize,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("nothing was imported: ")?;
        match self {
            ImportError::TooLarge { bytes } => write!(
                f,
                "the file is {} KB, more than the {} KB a Queuescope export can be",
                crate::text::count(usize::try_from(bytes.div_ceil(1000)).unwrap_or(usize::MAX)),
                crate::text::count(super::MAX_IMPORT_BYTES / 1000)
            ),
            ImportError::NotJson(e) => write!(f, "the file is not valid JSON ({e})"),
            ImportError::NewerExport(n) => write!(
                f,
                "the file is export format {n}, from a newer version of Queuescope"
            ),
            ImportError::NotExport => f.write_str(
                "this is not a Queuescope export (the \"queuescope_export\" marker is missing)",
            ),
            ImportError::SectionUnreadable(s) => write!(
                f,
                "the {} section is not in a shape Queuescope knows",
                s.section()
            ),
            ImportError::SectionNewer { store, version } => write!(
                f,
                "the {} section is format {version}, from a newer version of Queuescope",
                store.section()
            ),
            ImportError::Problems(p) => f.write_str(&problems_en(p)),
            ImportError::TooManyLinks { queue, count } => write!(
                f,
                "queue {queue:?} would have {count} links, more than {MAX_LINKS_PER_QUEUE}; remove some or import with Replace"
            ),
        }
    }
}

impl std::error::Error for ImportError {}
eq_by_display!(ImportError);
