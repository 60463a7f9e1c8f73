//! The storage schema shared by the three stores: versioned JSON, loading
//! that repairs or resets with a notice, and export / import.

use super::*;

/// Why stored or imported JSON could not become a store.
pub(super) enum DecodeError {
    /// Not the shape of any known version.
    Unreadable,
    /// Written by a newer app.
    Newer(u64),
}

/// What the three stores share for loading, import and export.
pub(super) trait Stored: Sized + Default + Serialize + DeserializeOwned {
    /// Plural noun for messages ("saved links").
    const WHAT: &'static str;
    /// The version written.
    const CURRENT: u32;

    /// Turns an older (or unversioned) shape into the current one; `None`
    /// when it is not a shape this store ever had.
    fn migrate(_value: Value) -> Option<Self> {
        None
    }

    /// Drops or repairs what breaks the rules, one message per problem, and
    /// stamps the current version. Load shows the messages as a notice;
    /// import refuses the file when there are any.
    fn sanitize(self) -> (Self, Vec<String>);

    /// JSON of any known version to the current store.
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match version_of(&value) {
            Some(v) if v == u64::from(Self::CURRENT) => {
                serde_json::from_value(value).map_err(|_| DecodeError::Unreadable)
            }
            Some(v) if v > u64::from(Self::CURRENT) => Err(DecodeError::Newer(v)),
            _ => Self::migrate(value).ok_or(DecodeError::Unreadable),
        }
    }
}

/// The `version` a stored or exported section says it has.
fn version_of(value: &Value) -> Option<u64> {
    value.get("version").and_then(Value::as_u64)
}

/// The format of a raw local-storage value when it is newer than `known`
/// (a store's `VERSION`): it was written by a newer Queuescope. The app
/// then leaves that key alone (read-only, with a notice) instead of
/// replacing the newer data with its own on the first edit.
pub fn newer_format(raw: Option<&str>, known: u32) -> Option<u64> {
    let value: Value = serde_json::from_str(raw?).ok()?;
    version_of(&value).filter(|&v| v > u64::from(known))
}

/// Largest file [`import_all`] reads: an export of 50 links for each of a
/// hundred queues, hundreds of views and groupings is well under it, and
/// local storage holds only a few MB in all.
pub const MAX_IMPORT_BYTES: usize = 1_000_000;

/// The message for a file over [`MAX_IMPORT_BYTES`] (`bytes` long).
pub fn import_too_large(bytes: u64) -> String {
    format!(
        "nothing was imported: the file is {} KB, more than the {} KB a Queuescope export can be",
        crate::text::count(usize::try_from(bytes.div_ceil(1000)).unwrap_or(usize::MAX)),
        crate::text::count(MAX_IMPORT_BYTES / 1000)
    )
}

/// Serialises a store. These types hold only strings, integers and
/// string-keyed maps, which serde_json always writes, so the fallback is
/// never taken; it exists to keep the signature infallible without a panic.
pub(super) fn to_json<T: Serialize>(value: &T, pretty: bool) -> String {
    let json = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    json.unwrap_or_else(|_| String::from("{}"))
}

/// One line about a list of problems: the first in full and a count of the rest.
pub(super) fn summary(problems: &[String]) -> String {
    match problems {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// Loads any store from its raw local-storage string. `None` (never saved)
/// gives the default silently; corrupt JSON, an unknown shape or a newer
/// version give the default and a notice; an older version is migrated; what
/// breaks the rules is dropped with a notice.
pub(super) fn load<T: Stored>(raw: Option<&str>) -> (T, Option<String>) {
    let Some(raw) = raw else {
        return (T::default(), None);
    };
    let decoded = serde_json::from_str::<Value>(raw)
        .map_err(|_| DecodeError::Unreadable)
        .and_then(T::decode);
    match decoded {
        Ok(store) => {
            let (store, problems) = store.sanitize();
            let notice = (!problems.is_empty()).then(|| {
                format!(
                    "some {} broke the rules and were dropped or repaired: {}",
                    T::WHAT,
                    summary(&problems)
                )
            });
            (store, notice)
        }
        Err(DecodeError::Unreadable) => (
            T::default(),
            Some(format!("{} were unreadable and have been reset", T::WHAT)),
        ),
        Err(DecodeError::Newer(v)) => (
            T::default(),
            Some(format!(
                "{} were saved by a newer version of Queuescope (format {v}): this version cannot show them and leaves them untouched; changes to them here are not saved",
                T::WHAT
            )),
        ),
    }
}

/// Keeps the first entry of each name; a later one is a problem. Shared by
/// the views and groupings sanitizers.
pub(super) fn unique_names<T: Named>(
    items: Vec<T>,
    what: &str,
    problems: &mut Vec<String>,
) -> Vec<T> {
    let mut kept: Vec<T> = Vec::new();
    for item in items {
        if kept.iter().any(|k| k.name() == item.name()) {
            problems.push(format!("two {what} are named {:?}", item.name()));
        } else {
            kept.push(item);
        }
    }
    kept
}

/// Loads the links from the raw value of [`LINKS_KEY`] (see the module doc
/// for what happens to bad data). The notice, if any, is for the user.
pub fn load_links(raw: Option<&str>) -> (LinkStore, Option<String>) {
    load(raw)
}

/// Loads the saved views from the raw value of [`VIEWS_KEY`].
pub fn load_views(raw: Option<&str>) -> (ViewStore, Option<String>) {
    load(raw)
}

/// Loads the custom groupings from the raw value of [`GROUPINGS_KEY`].
pub fn load_groupings(raw: Option<&str>) -> (GroupingStore, Option<String>) {
    load(raw)
}

/// The string to write under [`LINKS_KEY`].
pub fn save_links(s: &LinkStore) -> String {
    to_json(s, false)
}

/// The string to write under [`VIEWS_KEY`].
pub fn save_views(s: &ViewStore) -> String {
    to_json(s, false)
}

/// The string to write under [`GROUPINGS_KEY`].
pub fn save_groupings(s: &GroupingStore) -> String {
    to_json(s, false)
}

/// Version of the export document's own layout.
pub(super) const EXPORT_VERSION: u64 = 1;

/// The export document, borrowed for writing.
#[derive(Serialize)]
pub(super) struct ExportDoc<'a> {
    pub(super) queuescope_export: u64,
    pub(super) links: &'a LinkStore,
    pub(super) views: &'a ViewStore,
    pub(super) groupings: &'a GroupingStore,
}

/// Export everything as one JSON document, pretty-printed since people open
/// it: `{"queuescope_export": 1, "links": .., "views": .., "groupings": ..}`.
/// Each section carries its own `version`, so import migrates old sections.
pub fn export_all(l: &LinkStore, v: &ViewStore, g: &GroupingStore) -> String {
    to_json(
        &ExportDoc {
            queuescope_export: EXPORT_VERSION,
            links: l,
            views: v,
            groupings: g,
        },
        true,
    )
}

/// How an import combines with what the user already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Keep existing entries. Links not already in a queue are appended;
    /// views and groupings from the file replace those of the same name.
    Merge,
    /// Each section present in the file replaces the stored one; a section
    /// the file lacks is kept, so a links-only file never wipes saved views.
    Replace,
}

/// Reads one section of an import strictly: any problem refuses the file.
pub(super) fn import_section<T: Stored>(doc: &Value, key: &str) -> Result<Option<T>, String> {
    let Some(value) = doc.get(key) else {
        return Ok(None);
    };
    let store = T::decode(value.clone()).map_err(|e| match e {
        DecodeError::Unreadable => format!("the {key} section is not in a shape Queuescope knows"),
        DecodeError::Newer(v) => {
            format!("the {key} section is format {v}, from a newer version of Queuescope")
        }
    })?;
    let (store, problems) = store.sanitize();
    if problems.is_empty() {
        Ok(Some(store))
    } else {
        Err(summary(&problems))
    }
}

/// Merges imported links into existing ones: exact duplicates are skipped,
/// and a queue pushed over [`MAX_LINKS_PER_QUEUE`] refuses the import.
pub(super) fn merge_links(mut into: LinkStore, from: LinkStore) -> Result<LinkStore, String> {
    for (queue, links) in from.per_queue {
        let list = into.per_queue.entry(queue.clone()).or_default();
        for link in links {
            if !list.contains(&link) {
                list.push(link);
            }
        }
        if list.len() > MAX_LINKS_PER_QUEUE {
            return Err(format!(
                "queue {queue:?} would have {} links, more than {MAX_LINKS_PER_QUEUE}; remove some or import with Replace",
                list.len()
            ));
        }
    }
    Ok(into)
}

/// Adds every imported entry, replacing those of the same name.
pub(super) fn merge_named<T: Named>(mut into: Vec<T>, from: Vec<T>) -> Vec<T> {
    for item in from {
        upsert(&mut into, item);
    }
    into
}

/// Validate fully before touching anything (every link re-validated, names
/// non-empty and unique, regexes compile with regex-lite, saved queries
/// clean); a bad file is refused with a message naming what is wrong, and
/// the caller's stores are untouched (they are only borrowed). On success the
/// three new stores are returned for the app to save.
pub fn import_all(
    json: &str,
    mode: ImportMode,
    l: &LinkStore,
    v: &ViewStore,
    g: &GroupingStore,
) -> Result<(LinkStore, ViewStore, GroupingStore), String> {
    let refuse = |why: String| format!("nothing was imported: {why}");
    if json.len() > MAX_IMPORT_BYTES {
        return Err(import_too_large(json.len() as u64));
    }
    let doc: Value = serde_json::from_str(json)
        .map_err(|e| refuse(format!("the file is not valid JSON ({e})")))?;
    match doc.get("queuescope_export").and_then(Value::as_u64) {
        Some(EXPORT_VERSION) => {}
        Some(n) => {
            return Err(refuse(format!(
                "the file is export format {n}, from a newer version of Queuescope"
            )))
        }
        None => {
            return Err(refuse(
                "this is not a Queuescope export (the \"queuescope_export\" marker is missing)"
                    .into(),
            ))
        }
    }
    let links = import_section::<LinkStore>(&doc, "links").map_err(&refuse)?;
    let views = import_section::<ViewStore>(&doc, "views").map_err(&refuse)?;
    let groupings = import_section::<GroupingStore>(&doc, "groupings").map_err(&refuse)?;
    Ok(match mode {
        ImportMode::Replace => (
            links.unwrap_or_else(|| l.clone()),
            views.unwrap_or_else(|| v.clone()),
            groupings.unwrap_or_else(|| g.clone()),
        ),
        ImportMode::Merge => (
            match links {
                Some(links) => merge_links(l.clone(), links).map_err(&refuse)?,
                None => l.clone(),
            },
            ViewStore {
                version: ViewStore::VERSION,
                views: merge_named(v.views.clone(), views.unwrap_or_default().views),
            },
            GroupingStore {
                version: GroupingStore::VERSION,
                groupings: merge_named(
                    g.groupings.clone(),
                    groupings.unwrap_or_default().groupings,
                ),
            },
        ),
    })
}
