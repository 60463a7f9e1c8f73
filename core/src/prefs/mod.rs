//! Everything a user keeps in the browser's local storage (SPEC §1: external
//! links, saved views, custom groupings) as one namespaced, versioned schema.
//!
//! The app only moves strings: it reads a key, calls `load_*`, and writes
//! `save_*` back. Local storage is shared with other apps on the origin, edited
//! by hand, and outlives app versions, so every load re-validates what it
//! reads: corrupt data is reset with a notice rather than crashing the page,
//! older shapes are migrated, and a stored `javascript:` link can never reach
//! an `href`.
//!
//! One module a store (`links`, `views`, `groupings`) and one for what they
//! share on disk (`storage`: versions, repair, export and import); names of
//! views and groupings follow the same rules (here).

use crate::analysis::group::{CustomGrouping, Matcher, Rule, RuleField};
use crate::model::Ms;
use crate::view::{parse_query, to_query, View};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;

mod appearance;
mod groupings;
mod links;
mod problem;
mod storage;
#[cfg(test)]
mod tests;
mod views;

pub use appearance::*;
pub use groupings::*;
pub use links::*;
pub use problem::*;
pub use storage::*;
pub use views::*;

/// Prefix of every local-storage key of Queuescope; the `v1` names the key
/// layout, so a future layout can live beside this one.
pub const STORAGE_KEY_PREFIX: &str = "queuescope.v1.";
/// Key of the [`LinkStore`].
pub const LINKS_KEY: &str = "queuescope.v1.links";
/// Key of the [`ViewStore`].
pub const VIEWS_KEY: &str = "queuescope.v1.views";
/// Key of the [`GroupingStore`].
pub const GROUPINGS_KEY: &str = "queuescope.v1.groupings";

/// Links one queue may hold: enough for every monitor a team uses, few
/// enough to show as a list.
pub const MAX_LINKS_PER_QUEUE: usize = 50;
/// Longest link label, in characters after trimming.
pub const MAX_LABEL_CHARS: usize = 60;
/// Longest name of a saved view or custom grouping, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest link URL in bytes; far beyond real dashboards' links, short enough
/// that a pasted blob is refused.
const MAX_URL_BYTES: usize = 4096;

/// Why a saved view or grouping cannot be named, renamed or found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Empty or longer than [`MAX_NAME_CHARS`] after trimming.
    #[error("a name must be 1 to 80 characters long")]
    Length,
    /// Renaming onto another entry's name.
    #[error("the name {0:?} is already used; choose another or delete that one first")]
    Taken(String),
    /// Nothing under that name (deleted in another tab, say).
    #[error("nothing is saved under the name {0:?}")]
    NotFound(String),
}

/// A named entry of a list where names are unique; lets saved views and
/// custom groupings share save, rename and delete.
trait Named {
    /// The entry's name.
    fn name(&self) -> &str;
    /// Where the name lives, for renaming.
    fn name_mut(&mut self) -> &mut String;
}

/// Trims a name and checks its length.
fn clean_name(name: &str) -> Result<String, NameError> {
    let name = name.trim();
    if (1..=MAX_NAME_CHARS).contains(&name.chars().count()) {
        Ok(name.to_string())
    } else {
        Err(NameError::Length)
    }
}

/// Replaces the entry of the same name in place (it keeps its position), or
/// appends.
fn upsert<T: Named>(items: &mut Vec<T>, item: T) {
    match items.iter_mut().find(|i| i.name() == item.name()) {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

/// Renames `old` to `new`; renaming to itself is allowed.
fn rename_in<T: Named>(items: &mut [T], old: &str, new: &str) -> Result<(), NameError> {
    let new = clean_name(new)?;
    if new != old && items.iter().any(|i| i.name() == new) {
        return Err(NameError::Taken(new));
    }
    let item = items
        .iter_mut()
        .find(|i| i.name() == old)
        .ok_or_else(|| NameError::NotFound(old.to_string()))?;
    *item.name_mut() = new;
    Ok(())
}

/// Removes and returns the entry named `name`.
fn delete_in<T: Named>(items: &mut Vec<T>, name: &str) -> Result<T, NameError> {
    let at = items
        .iter()
        .position(|i| i.name() == name)
        .ok_or_else(|| NameError::NotFound(name.to_string()))?;
    Ok(items.remove(at))
}
