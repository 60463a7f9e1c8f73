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
    /// Which store it is, for messages.
    const STORE: Store;
    /// The version written.
    const CURRENT: u32;

    /// Turns an older (or unversioned) shape (JSON text) into the current
    /// one; `None` when it is not a shape this store ever had.
    fn migrate(_json: &str) -> Option<Self> {
        None
    }

    /// Drops or repairs what breaks the rules, one [`Problem`] each, and
    /// stamps the current version. Load shows the problems as a notice;
    /// import refuses the file when there are any.
    fn sanitize(self) -> (Self, Vec<Problem>);

    /// JSON of any known version to the current store. The JSON is read
    /// straight into the store's types (no `serde_json::Value` in between:
    /// deserialising from a `Value` compiled every store's reader twice).
    fn decode(json: &str) -> Result<Self, DecodeError> {
        let fields = object(json).ok_or(DecodeError::Unreadable)?;
        match fields.as_ref().and_then(|f| u64_field(f, "version")) {
            Some(v) if v == u64::from(Self::CURRENT) => {
                serde_json::from_str(json).map_err(|_| DecodeError::Unreadable)
            }
            Some(v) if v > u64::from(Self::CURRENT) => Err(DecodeError::Newer(v)),
            _ => Self::migrate(json).ok_or(DecodeError::Unreadable),
        }
    }
}

/// The `version` a stored or exported section says it has.
fn version_of(json: &str) -> Option<u64> {
    u64_field(object(json)?.as_ref()?, "version")
}

/// The format of a raw local-storage value when it is newer than `known`
/// (a store's `VERSION`): it was written by a newer Queuescope. The app
/// then leaves that key alone (read-only, with a notice) instead of
/// replacing the newer data with its own on the first edit.
pub fn newer_format(raw: Option<&str>, known: u32) -> Option<u64> {
    version_of(raw?).filter(|&v| v > u64::from(known))
}

/// Largest file [`import_all`] reads: an export of 50 links for each of a
/// hundred queues, hundreds of views and groupings is well under it, and
/// local storage holds only a few MB in all.
pub const MAX_IMPORT_BYTES: usize = 1_000_000;

/// The refusal of a file over [`MAX_IMPORT_BYTES`] (`bytes` long).
pub fn import_too_large(bytes: u64) -> ImportError {
    ImportError::TooLarge { bytes }
}

/// The fields of a JSON object, each as raw text (the last of a repeated
/// key wins); `Some(None)` for JSON that is not an object, `None` for text
/// that is not JSON.
fn object(json: &str) -> Option<Option<BTreeMap<Cow<'_, str>, &RawValue>>> {
    let _: &RawValue = serde_json::from_str(json).ok()?;
    Some(serde_json::from_str(json).ok())
}

/// A field that holds a non-negative integer (as `Value::as_u64` reads it).
fn u64_field(fields: &BTreeMap<Cow<'_, str>, &RawValue>, key: &str) -> Option<u64> {
    fields.get(key)?.get().parse().ok()
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

/// Loads any store from its raw local-storage string. `None` (never saved)
/// gives the default silently; corrupt JSON, an unknown shape or a newer
/// version give the default and a notice; an older version is migrated; what
/// breaks the rules is dropped with a notice.
pub(super) fn load<T: Stored>(raw: Option<&str>) -> (T, Option<LoadNotice>) {
    let Some(raw) = raw else {
        return (T::default(), None);
    };
    let notice = |trouble| {
        Some(LoadNotice {
            store: T::STORE,
            trouble,
        })
    };
    match T::decode(raw) {
        Ok(store) => {
            let (store, problems) = store.sanitize();
            if problems.is_empty() {
                (store, None)
            } else {
                (store, notice(LoadTrouble::Repaired(problems)))
            }
        }
        Err(DecodeError::Unreadable) => (T::default(), notice(LoadTrouble::Unreadable)),
        Err(DecodeError::Newer(v)) => (T::default(), notice(LoadTrouble::Newer(v))),
    }
}

/// Keeps the first entry of each name; a later one is a problem. Shared by
/// the views and groupings sanitizers.
pub(super) fn unique_names<T: Named>(
    items: Vec<T>,
    store: Store,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let mut kept: Vec<T> = Vec::new();
    for item in items {
        if kept.iter().any(|k| k.name() == item.name()) {
            problems.push(Problem::SameName {
                store,
                name: item.name().to_string(),
            });
        } else {
            kept.push(item);
        }
    }
    kept
}

/// Loads the links from the raw value of [`LINKS_KEY`] (see the module doc
/// for what happens to bad data). The notice, if any, is for the user.
pub fn load_links(raw: Option<&str>) -> (LinkStore, Option<LoadNotice>) {
    load(raw)
}

/// Loads the saved views from the raw value of [`VIEWS_KEY`].
pub fn load_views(raw: Option<&str>) -> (ViewStore, Option<LoadNotice>) {
    load(raw)
}

/// Loads the custom groupings from the raw value of [`GROUPINGS_KEY`].
pub fn load_groupings(raw: Option<&str>) -> (GroupingStore, Option<LoadNotice>) {
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
pub(super) fn import_section<T: Stored>(
    doc: &BTreeMap<Cow<'_, str>, &RawValue>,
) -> Result<Option<T>, ImportError> {
    let Some(value) = doc.get(T::STORE.section()) else {
        return Ok(None);
    };
    let store = T::decode(value.get()).map_err(|e| match e {
        DecodeError::Unreadable => ImportError::SectionUnreadable(T::STORE),
        DecodeError::Newer(version) => ImportError::SectionNewer {
            store: T::STORE,
            version,
        },
    })?;
    let (store, problems) = store.sanitize();
    if problems.is_empty() {
        Ok(Some(store))
    } else {
        Err(ImportError::Problems(problems))
    }
}

/// Merges imported links into existing ones: exact duplicates are skipped,
/// and a queue pushed over [`MAX_LINKS_PER_QUEUE`] refuses the import.
pub(super) fn merge_links(mut into: LinkStore, from: LinkStore) -> Result<LinkStore, ImportError> {
    for (queue, links) in from.per_queue {
        let list = into.per_queue.entry(queue.clone()).or_default();
        for link in links {
            if !list.contains(&link) {
                list.push(link);
            }
        }
        if list.len() > MAX_LINKS_PER_QUEUE {
            return Err(ImportError::TooManyLinks {
                queue,
                count: list.len(),
            });
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
) -> Result<(LinkStore, ViewStore, GroupingStore), ImportError> {
    if json.len() > MAX_IMPORT_BYTES {
        return Err(import_too_large(json.len() as u64));
    }
    let _: &RawValue =
        serde_json::from_str(json).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let doc: BTreeMap<Cow<str>, &RawValue> = serde_json::from_str(json).unwrap_or_default();
    match u64_field(&doc, "queuescope_export") {
        Some(EXPORT_VERSION) => {}
        Some(n) => return Err(ImportError::NewerExport(n)),
        None => return Err(ImportError::NotExport),
    }
    let links = import_section::<LinkStore>(&doc)?;
    let views = import_section::<ViewStore>(&doc)?;
    let groupings = import_section::<GroupingStore>(&doc)?;
    Ok(match mode {
        ImportMode::Replace => (
            links.unwrap_or_else(|| l.clone()),
            views.unwrap_or_else(|| v.clone()),
            groupings.unwrap_or_else(|| g.clone()),
        ),
        ImportMode::Merge => (
            match links {
                Some(links) => merge_links(l.clone(), links)?,
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
