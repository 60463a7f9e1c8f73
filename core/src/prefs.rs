//! Everything a user keeps in the browser's local storage (SPEC §1: external
//! links, saved views, custom groupings) as one namespaced, versioned schema.
//!
//! The app only moves strings: it reads a key, calls `load_*`, and writes
//! `save_*` back. Local storage is shared with other apps on the origin, edited
//! by hand, and outlives app versions, so every load re-validates what it
//! reads: corrupt data is reset with a notice rather than crashing the page,
//! older shapes are migrated, and a stored `javascript:` link can never reach
//! an `href`.

use crate::analysis::group::{CustomGrouping, Matcher, Rule, RuleField};
use crate::model::Ms;
use crate::view::{parse_query, to_query, View};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

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

/// An external link shown in a queue's *External links* section. Built only
/// by [`validate_link`], so its label is trimmed and its URL is http(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// What the user reads, 1 to 60 characters.
    pub label: String,
    /// An absolute `http` or `https` URL.
    pub url: String,
}

/// Why a link cannot be added or changed; `Display` is a message the user
/// can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Another scheme (`javascript:`, `data:`, `ftp:` ...): refused, since a
    /// link is put in an `href`.
    #[error("only http:// and https:// links are allowed")]
    BadScheme,
    /// Not an absolute web address.
    #[error("this is not a complete web address; write it in full, like https://grafana.example.com/d/queue")]
    BadUrl,
    /// Label empty or too long after trimming.
    #[error("the label must be 1 to 60 characters long")]
    LabelLength,
    /// The queue already has [`MAX_LINKS_PER_QUEUE`] links.
    #[error("a queue holds at most 50 links; remove one before adding another")]
    TooMany,
    /// An index that no longer exists (the list changed in another tab).
    #[error("that link no longer exists; reload the list")]
    NoSuchLink,
}

/// Checks and normalises a link as typed: both parts are trimmed, the label
/// must be 1 to 60 characters, the URL absolute http(s) with a host.
pub fn validate_link(label: &str, url: &str) -> Result<Link, LinkError> {
    let label = label.trim();
    if !(1..=MAX_LABEL_CHARS).contains(&label.chars().count()) {
        return Err(LinkError::LabelLength);
    }
    let url = url.trim();
    check_url(url)?;
    Ok(Link {
        label: label.to_string(),
        url: url.to_string(),
    })
}

/// The URL rules of [`validate_link`]. Hand-written rather than a URL crate:
/// only the scheme and the presence of a host matter here, and the browser
/// parses the rest when the link is followed.
fn check_url(url: &str) -> Result<(), LinkError> {
    let (scheme, rest) = url.split_once(':').ok_or(LinkError::BadUrl)?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !is_scheme {
        return Err(LinkError::BadUrl);
    }
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(LinkError::BadScheme);
    }
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(LinkError::BadUrl);
    }
    let rest = rest.strip_prefix("//").ok_or(LinkError::BadUrl)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host_ok, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or(LinkError::BadUrl)?;
            let ok = !addr.is_empty()
                && addr
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || ":.".contains(c));
            (
                ok,
                after.strip_prefix(':').or(after.is_empty().then_some("")),
            )
        }
        None => {
            let (host, port) = host_port.split_once(':').unwrap_or((host_port, ""));
            let ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-._~%".contains(c));
            (ok, Some(port))
        }
    };
    let port_ok = port.is_some_and(|p| p.is_empty() || p.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(LinkError::BadUrl)
    }
}

/// Every queue's external links, in the user's order. Serialised as is under
/// [`LINKS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStore {
    /// Schema version, [`LinkStore::VERSION`] once loaded.
    pub version: u32,
    /// Queue id to its links; a queue without links has no entry.
    pub per_queue: BTreeMap<String, Vec<Link>>,
}

impl Default for LinkStore {
    fn default() -> Self {
        LinkStore {
            version: Self::VERSION,
            per_queue: BTreeMap::new(),
        }
    }
}

impl LinkStore {
    /// The schema this code writes. Version 0 was a flat JSON array of
    /// `{queue, label, url}`; it is migrated on load.
    pub const VERSION: u32 = 1;

    /// The links of one queue, in display order.
    pub fn links(&self, queue: &str) -> &[Link] {
        self.per_queue.get(queue).map_or(&[], Vec::as_slice)
    }

    /// The queue's list, checked to have an entry at `index`.
    fn slot(&mut self, queue: &str, index: usize) -> Result<&mut Vec<Link>, LinkError> {
        match self.per_queue.get_mut(queue) {
            Some(list) if index < list.len() => Ok(list),
            _ => Err(LinkError::NoSuchLink),
        }
    }

    /// Appends a link to a queue after validating it.
    pub fn add(&mut self, queue: &str, label: &str, url: &str) -> Result<(), LinkError> {
        let link = validate_link(label, url)?;
        let list = self.per_queue.entry(queue.to_string()).or_default();
        if list.len() >= MAX_LINKS_PER_QUEUE {
            return Err(LinkError::TooMany);
        }
        list.push(link);
        Ok(())
    }

    /// Replaces the link at `index` after validating the new values.
    pub fn edit(
        &mut self,
        queue: &str,
        index: usize,
        label: &str,
        url: &str,
    ) -> Result<(), LinkError> {
        let link = validate_link(label, url)?;
        let slot = self
            .per_queue
            .get_mut(queue)
            .and_then(|list| list.get_mut(index))
            .ok_or(LinkError::NoSuchLink)?;
        *slot = link;
        Ok(())
    }

    /// Moves the link at `index` one place up; the first link stays put.
    pub fn move_up(&mut self, queue: &str, index: usize) -> Result<(), LinkError> {
        let list = self.slot(queue, index)?;
        if index > 0 {
            list.swap(index - 1, index);
        }
        Ok(())
    }

    /// Moves the link at `index` one place down; the last link stays put.
    pub fn move_down(&mut self, queue: &str, index: usize) -> Result<(), LinkError> {
        let list = self.slot(queue, index)?;
        if index + 1 < list.len() {
            list.swap(index, index + 1);
        }
        Ok(())
    }

    /// Removes and returns the link at `index`; a queue left without links
    /// loses its entry, so storage holds no empty lists.
    pub fn remove(&mut self, queue: &str, index: usize) -> Result<Link, LinkError> {
        let list = self.slot(queue, index)?;
        let link = list.remove(index);
        if list.is_empty() {
            self.per_queue.remove(queue);
        }
        Ok(link)
    }
}

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

/// A view saved under a name: the range, bucket, grouping and filters as the
/// URL holds them, so restoring one is the same code path as opening a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    /// Unique, trimmed, 1 to 80 characters.
    pub name: String,
    /// [`to_query`] of the view, without `?`.
    pub query: String,
    /// When it was last saved.
    pub saved_at: Ms,
}

impl SavedView {
    /// The view back, with notices for parts a newer or older app wrote
    /// that this one cannot use.
    pub fn view(&self) -> (View, Vec<String>) {
        parse_query(&self.query)
    }
}

impl Named for SavedView {
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

/// The saved views, in the user's order. Serialised under [`VIEWS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewStore {
    /// Schema version, [`ViewStore::VERSION`] once loaded.
    pub version: u32,
    /// Views with unique names.
    pub views: Vec<SavedView>,
}

impl Default for ViewStore {
    fn default() -> Self {
        ViewStore {
            version: Self::VERSION,
            views: Vec::new(),
        }
    }
}

impl ViewStore {
    /// The schema this code writes.
    pub const VERSION: u32 = 1;

    /// The view saved under `name`.
    pub fn get(&self, name: &str) -> Option<&SavedView> {
        self.views.iter().find(|v| v.name == name)
    }

    /// Saves `view` under `name` at `now`; a view of the same name is
    /// replaced in place, as "save" over an existing name means update.
    pub fn save(&mut self, name: &str, view: &View, now: Ms) -> Result<(), NameError> {
        let saved = SavedView {
            name: clean_name(name)?,
            query: to_query(view),
            saved_at: now,
        };
        upsert(&mut self.views, saved);
        Ok(())
    }

    /// Renames a view; refused onto another view's name.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), NameError> {
        rename_in(&mut self.views, old, new)
    }

    /// Deletes and returns a view.
    pub fn delete(&mut self, name: &str) -> Result<SavedView, NameError> {
        delete_in(&mut self.views, name)
    }
}

/// One rule of a custom grouping, as stored: flat strings that a form edits
/// and a person reads in an export. A job matches when its field equals one
/// of `values` or matches `regex`. [`CustomGroupingDef::to_grouping`] turns
/// it into the evaluator's [`Rule`]s. First matching rule wins (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDef {
    /// The job field tested: `user|job|project|entity|state|run_name|label:KEY`
    /// (and `run_id`, `job_id`): whatever [`RuleField::parse`] reads.
    pub field: String,
    /// Exact values that match.
    #[serde(default)]
    pub values: Vec<String>,
    /// A regex-lite pattern that matches (searched, so anchor it with `^`).
    #[serde(default)]
    pub regex: Option<String>,
    /// The group a matching job falls in.
    pub group: String,
}

/// A named list of rules that maps jobs to group names, selected in the URL
/// as `group=custom:NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomGroupingDef {
    /// Unique, trimmed, 1 to 80 characters.
    pub name: String,
    /// In order; the first that matches wins, else `(other)`.
    pub rules: Vec<RuleDef>,
}

impl CustomGroupingDef {
    /// Checks everything an evaluator relies on: a usable name, at least one
    /// rule, known fields, non-empty group names, something to match on, and
    /// patterns that compile. The message names the grouping and rule.
    pub fn validate(&self) -> Result<(), String> {
        let fail = |what: String| Err(format!("grouping {:?}: {what}", self.name));
        if let Err(e) = clean_name(&self.name) {
            return fail(e.to_string());
        }
        if self.rules.is_empty() {
            return fail("add at least one rule".into());
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let n = i + 1;
            if RuleField::parse(&rule.field).is_none() {
                return fail(format!(
                    "rule {n}: unknown field {:?}; use {}",
                    rule.field,
                    RuleField::names()
                ));
            }
            if rule.group.trim().is_empty() {
                return fail(format!("rule {n}: give the group a name"));
            }
            if rule.values.is_empty() && rule.regex.is_none() {
                return fail(format!("rule {n}: give values or a pattern to match"));
            }
            if let Some(Err(e)) = rule.regex.as_deref().map(regex_lite::Regex::new) {
                return fail(format!(
                    "rule {n}: the pattern {:?} is not a valid regular expression ({e})",
                    rule.regex.as_deref().unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}

impl CustomGroupingDef {
    /// The evaluator's form ([`crate::analysis::group`]), after
    /// [`CustomGroupingDef::validate`]. A rule with both values and a pattern
    /// becomes two rules with the same group (values first), which under
    /// first-match-wins is the same "either" test.
    pub fn to_grouping(&self) -> Result<CustomGrouping, String> {
        self.validate()?;
        let mut rules = Vec::new();
        for def in &self.rules {
            let field = RuleField::parse(&def.field).ok_or("checked by validate")?;
            let by_values = (!def.values.is_empty()).then(|| Matcher::Values(def.values.clone()));
            let by_regex = def.regex.clone().map(Matcher::Regex);
            rules.extend(by_values.into_iter().chain(by_regex).map(|matcher| Rule {
                field: field.clone(),
                matcher,
                group: def.group.clone(),
            }));
        }
        Ok(CustomGrouping {
            name: self.name.clone(),
            rules,
        })
    }
}

impl Named for CustomGroupingDef {
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

/// The user's custom groupings. Serialised under [`GROUPINGS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupingStore {
    /// Schema version, [`GroupingStore::VERSION`] once loaded.
    pub version: u32,
    /// Groupings with unique names.
    pub groupings: Vec<CustomGroupingDef>,
}

impl Default for GroupingStore {
    fn default() -> Self {
        GroupingStore {
            version: Self::VERSION,
            groupings: Vec::new(),
        }
    }
}

impl GroupingStore {
    /// The schema this code writes.
    pub const VERSION: u32 = 1;

    /// The grouping named `name`.
    pub fn get(&self, name: &str) -> Option<&CustomGroupingDef> {
        self.groupings.iter().find(|g| g.name == name)
    }

    /// Validates and saves a grouping (name trimmed); one of the same name is
    /// replaced in place.
    pub fn save(&mut self, mut def: CustomGroupingDef) -> Result<(), String> {
        def.name = def.name.trim().to_string();
        def.validate()?;
        upsert(&mut self.groupings, def);
        Ok(())
    }

    /// Renames a grouping. Saved views that say `group=custom:OLD` then fall
    /// back with a notice when opened; the app may offer to update them.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), NameError> {
        rename_in(&mut self.groupings, old, new)
    }

    /// Deletes and returns a grouping.
    pub fn delete(&mut self, name: &str) -> Result<CustomGroupingDef, NameError> {
        delete_in(&mut self.groupings, name)
    }
}

/// Why stored or imported JSON could not become a store.
enum DecodeError {
    /// Not the shape of any known version.
    Unreadable,
    /// Written by a newer app.
    Newer(u64),
}

/// What the three stores share for loading, import and export.
trait Stored: Sized + Default + Serialize + DeserializeOwned {
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
        match value.get("version").and_then(Value::as_u64) {
            Some(v) if v == u64::from(Self::CURRENT) => {
                serde_json::from_value(value).map_err(|_| DecodeError::Unreadable)
            }
            Some(v) if v > u64::from(Self::CURRENT) => Err(DecodeError::Newer(v)),
            _ => Self::migrate(value).ok_or(DecodeError::Unreadable),
        }
    }
}

/// Serialises a store. These types hold only strings, integers and
/// string-keyed maps, which serde_json always writes, so the fallback is
/// never taken; it exists to keep the signature infallible without a panic.
fn to_json<T: Serialize>(value: &T, pretty: bool) -> String {
    let json = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    json.unwrap_or_else(|_| String::from("{}"))
}

/// One line about a list of problems: the first in full and a count of the rest.
fn summary(problems: &[String]) -> String {
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
fn load<T: Stored>(raw: Option<&str>) -> (T, Option<String>) {
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
                "{} were saved by a newer version of Queuescope (format {v}) and have been reset",
                T::WHAT
            )),
        ),
    }
}

/// Version 0 of the links: a flat JSON array, one entry per link.
#[derive(Deserialize)]
struct LinkV0 {
    queue: String,
    label: String,
    url: String,
}

impl Stored for LinkStore {
    const WHAT: &'static str = "saved links";
    const CURRENT: u32 = LinkStore::VERSION;

    fn migrate(value: Value) -> Option<Self> {
        let flat: Vec<LinkV0> = serde_json::from_value(value).ok()?;
        let mut store = LinkStore::default();
        for link in flat {
            store.per_queue.entry(link.queue).or_default().push(Link {
                label: link.label,
                url: link.url,
            });
        }
        Some(store)
    }

    fn sanitize(self) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut clean = LinkStore::default();
        for (queue, links) in self.per_queue {
            let mut kept: Vec<Link> = Vec::new();
            for (i, link) in links.into_iter().enumerate() {
                match validate_link(&link.label, &link.url) {
                    Ok(link) => kept.push(link),
                    Err(e) => problems.push(format!(
                        "link {} of queue {queue:?} ({:?}): {e}",
                        i + 1,
                        link.label
                    )),
                }
            }
            if kept.len() > MAX_LINKS_PER_QUEUE {
                problems.push(format!(
                    "queue {queue:?} has {} links, more than {MAX_LINKS_PER_QUEUE}",
                    kept.len()
                ));
                kept.truncate(MAX_LINKS_PER_QUEUE);
            }
            if !kept.is_empty() {
                clean.per_queue.insert(queue, kept);
            }
        }
        (clean, problems)
    }
}

/// Keeps the first entry of each name; a later one is a problem. Shared by
/// the views and groupings sanitizers.
fn unique_names<T: Named>(items: Vec<T>, what: &str, problems: &mut Vec<String>) -> Vec<T> {
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

impl Stored for ViewStore {
    const WHAT: &'static str = "saved views";
    const CURRENT: u32 = ViewStore::VERSION;

    fn sanitize(self) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut views = Vec::new();
        for (i, mut view) in self.views.into_iter().enumerate() {
            match clean_name(&view.name) {
                Ok(name) => view.name = name,
                Err(e) => {
                    problems.push(format!("saved view {}: {e}", i + 1));
                    continue;
                }
            }
            let (parsed, notices) = view.view();
            if !notices.is_empty() {
                problems.push(format!("saved view {:?}: {}", view.name, summary(&notices)));
                view.query = to_query(&parsed);
            }
            views.push(view);
        }
        let views = unique_names(views, Self::WHAT, &mut problems);
        (
            ViewStore {
                version: Self::CURRENT,
                views,
            },
            problems,
        )
    }
}

impl Stored for GroupingStore {
    const WHAT: &'static str = "custom groupings";
    const CURRENT: u32 = GroupingStore::VERSION;

    fn sanitize(self) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut groupings = Vec::new();
        for mut def in self.groupings {
            def.name = def.name.trim().to_string();
            match def.validate() {
                Ok(()) => groupings.push(def),
                Err(e) => problems.push(e),
            }
        }
        let groupings = unique_names(groupings, Self::WHAT, &mut problems);
        (
            GroupingStore {
                version: Self::CURRENT,
                groupings,
            },
            problems,
        )
    }
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
const EXPORT_VERSION: u64 = 1;

/// The export document, borrowed for writing.
#[derive(Serialize)]
struct ExportDoc<'a> {
    queuescope_export: u64,
    links: &'a LinkStore,
    views: &'a ViewStore,
    groupings: &'a GroupingStore,
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
fn import_section<T: Stored>(doc: &Value, key: &str) -> Result<Option<T>, String> {
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
fn merge_links(mut into: LinkStore, from: LinkStore) -> Result<LinkStore, String> {
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
fn merge_named<T: Named>(mut into: Vec<T>, from: Vec<T>) -> Vec<T> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::view::{RangeSpec, Tz};
    use LinkError::*;

    fn store_with(queue: &str, labels: &[&str]) -> LinkStore {
        let mut s = LinkStore::default();
        for l in labels {
            s.add(queue, l, &format!("https://{l}.example.com/"))
                .unwrap();
        }
        s
    }

    fn labels(s: &LinkStore, queue: &str) -> Vec<String> {
        s.links(queue).iter().map(|l| l.label.clone()).collect()
    }

    fn rule(field: &str, values: &[&str], regex: Option<&str>, group: &str) -> RuleDef {
        RuleDef {
            field: field.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            regex: regex.map(String::from),
            group: group.into(),
        }
    }

    fn vision() -> CustomGroupingDef {
        CustomGroupingDef {
            name: "teams".into(),
            rules: vec![
                rule("user", &["alice", "bob"], None, "vision team"),
                rule("job", &[], Some("^sweep-"), "sweeps"),
            ],
        }
    }

    #[test]
    fn keys_share_the_prefix() {
        for key in [LINKS_KEY, VIEWS_KEY, GROUPINGS_KEY] {
            assert!(key.starts_with(STORAGE_KEY_PREFIX), "{key}");
        }
    }

    #[test]
    fn link_urls() {
        let cases: [(&str, Result<&str, LinkError>); 20] = [
            (
                "https://grafana.example.com/d/abc?var=1#p",
                Ok("https://grafana.example.com/d/abc?var=1#p"),
            ),
            (" https://ok ", Ok("https://ok")),
            ("HTTP://EXAMPLE.COM", Ok("HTTP://EXAMPLE.COM")),
            ("http://localhost:3000/x", Ok("http://localhost:3000/x")),
            ("http://[::1]:8080/", Ok("http://[::1]:8080/")),
            (
                "https://user:pw@host.example/p",
                Ok("https://user:pw@host.example/p"),
            ),
            ("https://bücher.example/", Ok("https://bücher.example/")),
            ("javascript:alert(1)", Err(BadScheme)),
            ("JavaScript:alert(1)", Err(BadScheme)),
            ("data:text/html,<script>alert(1)</script>", Err(BadScheme)),
            ("ftp://files.example.com", Err(BadScheme)),
            ("grafana.example.com", Err(BadUrl)),
            ("https://", Err(BadUrl)),
            ("https:///path", Err(BadUrl)),
            ("https:example.com", Err(BadUrl)),
            ("https://exa mple.com", Err(BadUrl)),
            ("https://host:99999/", Err(BadUrl)),
            ("https://[zz]/", Err(BadUrl)),
            ("https://a<b/", Err(BadUrl)),
            ("", Err(BadUrl)),
        ];
        for (url, want) in cases {
            let got = validate_link("x", url).map(|l| l.url);
            assert_eq!(got.as_deref(), want.as_deref(), "{url:?}");
        }
    }

    #[test]
    fn link_labels() {
        let cases: [(String, Result<&str, LinkError>); 8] = [
            (String::new(), Err(LabelLength)),
            ("   ".into(), Err(LabelLength)),
            ("D".into(), Ok("D")),
            ("  Datadog  ".into(), Ok("Datadog")),
            ("a".repeat(60), Ok("")),
            ("a".repeat(61), Err(LabelLength)),
            ("日".repeat(60), Ok("")),
            ("📊".repeat(61), Err(LabelLength)),
        ];
        for (label, want) in cases {
            let got = validate_link(&label, "https://ok").map(|l| l.label);
            match want {
                Ok("") => assert_eq!(got, Ok(label.clone()), "{label:?}"),
                Ok(w) => assert_eq!(got.as_deref(), Ok(w), "{label:?}"),
                Err(e) => assert_eq!(got, Err(e), "{label:?}"),
            }
        }
        assert_eq!(
            BadScheme.to_string(),
            "only http:// and https:// links are allowed"
        );
    }

    #[test]
    fn fifty_links_per_queue() {
        let mut s = LinkStore::default();
        for i in 0..MAX_LINKS_PER_QUEUE {
            s.add("a100", &format!("link {i}"), "https://ok").unwrap();
        }
        assert_eq!(s.add("a100", "one more", "https://ok"), Err(TooMany));
        assert_eq!(s.links("a100").len(), 50);
        assert_eq!(s.add("h100", "other queue", "https://ok"), Ok(()));
        assert_eq!(
            s.add("a100", "bad", "ftp://x"),
            Err(BadScheme),
            "validation first"
        );
    }

    #[test]
    fn link_store_operations() {
        let mut s = store_with("q", &["a", "b", "c"]);
        s.move_up("q", 2).unwrap();
        assert_eq!(labels(&s, "q"), ["a", "c", "b"]);
        s.move_down("q", 0).unwrap();
        assert_eq!(labels(&s, "q"), ["c", "a", "b"]);
        s.move_up("q", 0).unwrap();
        s.move_down("q", 2).unwrap();
        assert_eq!(labels(&s, "q"), ["c", "a", "b"], "edges stay put");
        s.edit("q", 1, " A2 ", "https://a2.example.com").unwrap();
        assert_eq!(
            s.links("q")[1],
            Link {
                label: "A2".into(),
                url: "https://a2.example.com".into()
            }
        );
        assert_eq!(s.edit("q", 1, "A3", "javascript:x"), Err(BadScheme));
        assert_eq!(
            s.links("q")[1].label,
            "A2",
            "a refused edit changes nothing"
        );
        for bad in [3, usize::MAX] {
            assert_eq!(s.edit("q", bad, "x", "https://ok"), Err(NoSuchLink));
            assert_eq!(s.move_up("q", bad), Err(NoSuchLink));
            assert_eq!(s.move_down("q", bad), Err(NoSuchLink));
            assert_eq!(s.remove("q", bad), Err(NoSuchLink));
        }
        assert_eq!(s.move_up("nope", 0), Err(NoSuchLink));
        assert_eq!(s.remove("q", 0).map(|l| l.label), Ok("c".into()));
        assert_eq!(labels(&s, "q"), ["A2", "b"]);
        s.remove("q", 0).unwrap();
        s.remove("q", 0).unwrap();
        assert!(s.per_queue.is_empty(), "empty queues leave no entry");
        assert!(s.links("q").is_empty());
    }

    #[test]
    fn stores_round_trip() {
        let mut l = store_with("a100", &["Datadog", "Grafana"]);
        l.add(
            "h100 pool",
            "Console ☁️",
            "https://console.example.com/?a=1&b=2",
        )
        .unwrap();
        assert_eq!(load_links(Some(&save_links(&l))), (l, None));

        let mut v = ViewStore::default();
        let mut view = View {
            range: RangeSpec::parse("24h"),
            tz: Tz::Utc,
            ..View::default()
        };
        view.filters.values_mut(Field::User).insert("alice".into());
        v.save("mine", &view, 42).unwrap();
        assert_eq!(load_views(Some(&save_views(&v))), (v.clone(), None));
        assert_eq!(v.get("mine").map(SavedView::view), Some((view, vec![])));

        let mut g = GroupingStore::default();
        g.save(vision()).unwrap();
        assert_eq!(load_groupings(Some(&save_groupings(&g))), (g, None));
    }

    #[test]
    fn missing_corrupt_and_future_data() {
        assert_eq!(load_links(None), (LinkStore::default(), None));
        let unreadable = Some("saved links were unreadable and have been reset".to_string());
        for raw in [
            "",
            "{",
            "null",
            "42",
            "[1, 2]",
            r#"{"version": 1, "per_queue": 5}"#,
            r#"{"per_queue": {}}"#,
            r#"{"version": "1", "per_queue": {}}"#,
        ] {
            assert_eq!(
                load_links(Some(raw)),
                (LinkStore::default(), unreadable.clone()),
                "{raw}"
            );
        }
        assert_eq!(
            load_links(Some(r#"{"version": 2, "per_queue": {}, "colours": {}}"#)),
            (
                LinkStore::default(),
                Some("saved links were saved by a newer version of Queuescope (format 2) and have been reset".into())
            )
        );
        assert_eq!(
            load_views(Some("[]")).1.as_deref(),
            Some("saved views were unreadable and have been reset")
        );
        assert_eq!(
            load_groupings(Some(r#"{"version": 9}"#)).1.as_deref(),
            Some("custom groupings were saved by a newer version of Queuescope (format 9) and have been reset")
        );
    }

    #[test]
    fn version_0_links_migrate() {
        let v0 = r#"[
            {"queue": "a100", "label": "Datadog", "url": "https://dd.example.com"},
            {"queue": "h100", "label": "Grafana", "url": " https://g.example.com "},
            {"queue": "a100", "label": "Console", "url": "https://c.example.com"}
        ]"#;
        let (s, notice) = load_links(Some(v0));
        assert_eq!(notice, None);
        assert_eq!(s.version, LinkStore::VERSION);
        assert_eq!(labels(&s, "a100"), ["Datadog", "Console"]);
        assert_eq!(s.links("h100")[0].url, "https://g.example.com");

        let (s, notice) = load_links(Some(
            r#"[{"queue": "a100", "label": "x", "url": "javascript:alert(1)"},
                {"queue": "a100", "label": "ok", "url": "https://ok"}]"#,
        ));
        assert_eq!(labels(&s, "a100"), ["ok"]);
        assert_eq!(
            notice.as_deref(),
            Some("some saved links broke the rules and were dropped or repaired: link 1 of queue \"a100\" (\"x\"): only http:// and https:// links are allowed")
        );
    }

    #[test]
    fn hand_edited_storage_is_cleaned() {
        let many: Vec<Link> = (0..55)
            .map(|i| Link {
                label: format!("l{i}"),
                url: "https://ok".into(),
            })
            .collect();
        let mut raw = LinkStore::default();
        raw.per_queue.insert("q".into(), many);
        raw.per_queue.insert(
            "p".into(),
            vec![Link {
                label: "evil".into(),
                url: "data:text/html,x".into(),
            }],
        );
        let (s, notice) = load_links(Some(&save_links(&raw)));
        assert_eq!(s.links("q").len(), 50);
        assert!(!s.per_queue.contains_key("p"));
        assert_eq!(
            notice.as_deref(),
            Some("some saved links broke the rules and were dropped or repaired: link 1 of queue \"p\" (\"evil\"): only http:// and https:// links are allowed (and 1 more)")
        );

        let views = r#"{"version": 1, "views": [
            {"name": " a ", "query": "range=24h&bucket=7x", "saved_at": 1},
            {"name": "", "query": "", "saved_at": 2},
            {"name": "a", "query": "", "saved_at": 3}]}"#;
        let (v, notice) = load_views(Some(views));
        assert_eq!(
            v.views,
            [SavedView {
                name: "a".into(),
                query: "range=24h".into(),
                saved_at: 1
            }]
        );
        assert_eq!(
            notice.as_deref(),
            Some("some saved views broke the rules and were dropped or repaired: saved view \"a\": ignored bucket=7x: not a width like 5m, 1h or 1d (and 2 more)")
        );
    }

    #[test]
    fn view_store_operations() {
        let mut s = ViewStore::default();
        let day = parse_query("range=24h").0;
        let week = parse_query("range=7d&group=job").0;
        s.save("first", &day, 1).unwrap();
        s.save("second", &day, 2).unwrap();
        s.save(" first ", &week, 3).unwrap();
        assert_eq!(s.views.len(), 2, "same name replaces");
        assert_eq!(
            s.views[0],
            SavedView {
                name: "first".into(),
                query: "range=7d&group=job".into(),
                saved_at: 3
            },
            "in place"
        );
        assert_eq!(s.save("  ", &day, 4), Err(NameError::Length));
        assert_eq!(s.save(&"n".repeat(81), &day, 4), Err(NameError::Length));
        assert_eq!(
            s.rename("first", "second"),
            Err(NameError::Taken("second".into()))
        );
        assert_eq!(
            s.rename("gone", "x"),
            Err(NameError::NotFound("gone".into()))
        );
        assert_eq!(s.rename("first", "first"), Ok(()));
        assert_eq!(s.rename("first", " weekly "), Ok(()));
        assert_eq!(s.views[0].name, "weekly");
        assert_eq!(s.delete("second").map(|v| v.saved_at), Ok(2));
        assert_eq!(
            s.delete("second"),
            Err(NameError::NotFound("second".into()))
        );
        assert_eq!(s.views.len(), 1);
        assert_eq!(
            NameError::Taken("x".into()).to_string(),
            "the name \"x\" is already used; choose another or delete that one first"
        );
    }

    #[test]
    fn grouping_validation() {
        assert_eq!(vision().validate(), Ok(()));
        let with = |f: &dyn Fn(&mut CustomGroupingDef)| {
            let mut d = vision();
            f(&mut d);
            d.validate()
        };
        type Change<'a> = &'a dyn Fn(&mut CustomGroupingDef);
        let cases: [(Change, Result<(), &str>); 8] = [
            (&|d| d.rules[1].field = "label:team".into(), Ok(())),
            (&|d| d.rules[1].field = "run_name".into(), Ok(())),
            (
                &|d| d.name = " ".into(),
                Err("grouping \" \": a name must be 1 to 80 characters long"),
            ),
            (&|d| d.rules.clear(), Err("grouping \"teams\": add at least one rule")),
            (
                &|d| d.rules[1].field = "colour".into(),
                Err("grouping \"teams\": rule 2: unknown field \"colour\"; use user, job, project, entity, state, run_name, run_id, job_id or label:KEY"),
            ),
            (
                &|d| d.rules[0].field = "label:".into(),
                Err("grouping \"teams\": rule 1: unknown field \"label:\"; use user, job, project, entity, state, run_name, run_id, job_id or label:KEY"),
            ),
            (&|d| d.rules[0].group = " ".into(), Err("grouping \"teams\": rule 1: give the group a name")),
            (
                &|d| d.rules[0].values.clear(),
                Err("grouping \"teams\": rule 1: give values or a pattern to match"),
            ),
        ];
        for (i, (change, want)) in cases.into_iter().enumerate() {
            assert_eq!(with(change), want.map_err(String::from), "case {i}");
        }
        let bad = with(&|d| d.rules[1].regex = Some("^sweep-(".into())).unwrap_err();
        assert!(
            bad.starts_with("grouping \"teams\": rule 2: the pattern \"^sweep-(\" is not a valid regular expression ("),
            "{bad}"
        );
    }

    #[test]
    fn grouping_converts_for_the_evaluator() {
        let mut def = vision();
        def.rules[0].regex = Some("^a".into());
        let got = def.to_grouping().unwrap();
        let fields: Vec<(String, &Matcher, &str)> = got
            .rules
            .iter()
            .map(|r| (r.field.as_string(), &r.matcher, r.group.as_str()))
            .collect();
        let values = Matcher::Values(vec!["alice".into(), "bob".into()]);
        let a = Matcher::Regex("^a".into());
        let sweep = Matcher::Regex("^sweep-".into());
        assert_eq!(
            fields,
            [
                ("user".to_string(), &values, "vision team"),
                ("user".to_string(), &a, "vision team"),
                ("job".to_string(), &sweep, "sweeps"),
            ]
        );
        def.rules[1].field = "nope".into();
        assert!(def.to_grouping().is_err());
    }

    #[test]
    fn grouping_store_operations() {
        let mut g = GroupingStore::default();
        g.save(vision()).unwrap();
        let mut other = vision();
        other.name = " other ".into();
        g.save(other).unwrap();
        assert_eq!(g.get("other").map(|d| d.rules.len()), Some(2));
        let mut changed = vision();
        changed.rules.truncate(1);
        g.save(changed).unwrap();
        assert_eq!(g.groupings[0].rules.len(), 1, "replaced in place");
        let mut broken = vision();
        broken.rules[0].field = "colour".into();
        assert!(g.save(broken).is_err());
        assert_eq!(
            g.groupings[0].rules.len(),
            1,
            "a refused save changes nothing"
        );
        assert_eq!(
            g.rename("other", "teams"),
            Err(NameError::Taken("teams".into()))
        );
        g.rename("other", "squads").unwrap();
        assert_eq!(g.delete("teams").map(|d| d.name), Ok("teams".into()));
        assert_eq!(g.groupings.len(), 1);
    }

    fn sample() -> (LinkStore, ViewStore, GroupingStore) {
        let l = store_with("a100", &["Datadog", "Grafana"]);
        let mut v = ViewStore::default();
        v.save("day", &parse_query("range=24h").0, 1).unwrap();
        v.save("failures", &parse_query("state=failed").0, 2)
            .unwrap();
        let mut g = GroupingStore::default();
        g.save(vision()).unwrap();
        (l, v, g)
    }

    #[test]
    fn export_import_round_trip() {
        let (l, v, g) = sample();
        let json = export_all(&l, &v, &g);
        assert!(json.starts_with("{\n  \"queuescope_export\": 1,"), "{json}");
        let empty = (
            LinkStore::default(),
            ViewStore::default(),
            GroupingStore::default(),
        );
        for mode in [ImportMode::Replace, ImportMode::Merge] {
            let got = import_all(&json, mode, &empty.0, &empty.1, &empty.2);
            assert_eq!(got, Ok((l.clone(), v.clone(), g.clone())), "{mode:?}");
        }
        assert_eq!(
            import_all(&json, ImportMode::Merge, &l, &v, &g),
            Ok((l.clone(), v.clone(), g.clone())),
            "merging a store into itself changes nothing"
        );
    }

    #[test]
    fn merge_versus_replace() {
        let (l, v, g) = sample();
        let mut l2 = store_with("a100", &["Grafana", "Console"]);
        l2.add("h100", "Other", "https://other.example.com")
            .unwrap();
        let mut v2 = ViewStore::default();
        v2.save("day", &parse_query("range=24h&tz=utc").0, 9)
            .unwrap();
        v2.save("week", &parse_query("range=7d").0, 10).unwrap();
        let mut g2 = GroupingStore::default();
        let mut sweeps = vision();
        sweeps.name = "sweeps".into();
        g2.save(sweeps).unwrap();
        let json = export_all(&l2, &v2, &g2);

        let (ml, mv, mg) = import_all(&json, ImportMode::Merge, &l, &v, &g).unwrap();
        assert_eq!(labels(&ml, "a100"), ["Datadog", "Grafana", "Console"]);
        assert_eq!(labels(&ml, "h100"), ["Other"]);
        let names: Vec<(&str, Ms)> = mv
            .views
            .iter()
            .map(|v| (v.name.as_str(), v.saved_at))
            .collect();
        assert_eq!(names, [("day", 9), ("failures", 2), ("week", 10)]);
        let names: Vec<&str> = mg.groupings.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["teams", "sweeps"]);

        assert_eq!(
            import_all(&json, ImportMode::Replace, &l, &v, &g),
            Ok((l2.clone(), v2.clone(), g2.clone()))
        );

        let links_only = r#"{"queuescope_export": 1, "links": {"version": 1, "per_queue": {}}}"#;
        let (rl, rv, rg) = import_all(links_only, ImportMode::Replace, &l, &v, &g).unwrap();
        assert!(rl.per_queue.is_empty());
        assert_eq!((rv, rg), (v.clone(), g.clone()), "absent sections are kept");

        let old_links = r#"{"queuescope_export": 1,
            "links": [{"queue": "a100", "label": "Old", "url": "https://old.example.com"}]}"#;
        let (ml, _, _) = import_all(old_links, ImportMode::Merge, &l, &v, &g).unwrap();
        assert_eq!(
            labels(&ml, "a100"),
            ["Datadog", "Grafana", "Old"],
            "v0 sections migrate"
        );
    }

    #[test]
    fn bad_imports_are_refused() {
        let (l, v, g) = sample();
        let mut many = LinkStore::default();
        for i in 0..49 {
            many.add("a100", &format!("l{i}"), "https://ok").unwrap();
        }
        let overflow = export_all(&many, &ViewStore::default(), &GroupingStore::default());
        let cases: [(&str, &str); 9] = [
            ("not json", "nothing was imported: the file is not valid JSON (expected ident at line 1 column 2)"),
            ("{}", "nothing was imported: this is not a Queuescope export (the \"queuescope_export\" marker is missing)"),
            (r#"{"queuescope_export": 2}"#, "nothing was imported: the file is export format 2, from a newer version of Queuescope"),
            (
                r#"{"queuescope_export": 1, "links": {"version": 1, "per_queue": {"a100": [{"label": "x", "url": "javascript:alert(1)"}]}}}"#,
                "nothing was imported: link 1 of queue \"a100\" (\"x\"): only http:// and https:// links are allowed",
            ),
            (
                r#"{"queuescope_export": 1, "links": {"version": 3, "per_queue": {}}}"#,
                "nothing was imported: the links section is format 3, from a newer version of Queuescope",
            ),
            (
                r#"{"queuescope_export": 1, "views": {"version": 1, "views": [{"name": "", "query": "", "saved_at": 0}]}}"#,
                "nothing was imported: saved view 1: a name must be 1 to 80 characters long",
            ),
            (
                r#"{"queuescope_export": 1, "views": {"version": 1, "views": "none"}}"#,
                "nothing was imported: the views section is not in a shape Queuescope knows",
            ),
            (
                r#"{"queuescope_export": 1, "groupings": {"version": 1, "groupings": [
                    {"name": "g", "rules": [{"field": "user", "values": ["a"], "group": "A"}]},
                    {"name": "g", "rules": [{"field": "user", "values": ["b"], "group": "B"}]}]}}"#,
                "nothing was imported: two custom groupings are named \"g\"",
            ),
            (
                overflow.as_str(),
                "nothing was imported: queue \"a100\" would have 51 links, more than 50; remove some or import with Replace",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(
                import_all(json, ImportMode::Merge, &l, &v, &g),
                Err(want.to_string()),
                "{json}"
            );
        }
        let bad_regex = r#"{"queuescope_export": 1, "groupings": {"version": 1, "groupings": [
            {"name": "g", "rules": [{"field": "job", "regex": "(", "group": "A"}]}]}}"#;
        let err = import_all(bad_regex, ImportMode::Replace, &l, &v, &g).unwrap_err();
        assert!(
            err.starts_with(
                "nothing was imported: grouping \"g\": rule 1: the pattern \"(\" is not a valid"
            ),
            "{err}"
        );
    }
}
