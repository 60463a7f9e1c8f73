//! What a user keeps in local storage (SPEC §1): external links per queue,
//! saved views and custom groupings. One namespaced, versioned schema
//! (`core::prefs`); a corrupt part is reset with a notice; other tabs stay
//! in sync through the `storage` event.

use super::Notices;
use crate::dom;
use crate::notice::{PrefsError, SaveError};
use leptos::prelude::*;
use queuescope_core::analysis::CustomGrouping;
use queuescope_core::prefs::{
    self, GroupingStore, LinkStore, Store, ViewStore, GROUPINGS_KEY, LINKS_KEY, VIEWS_KEY,
};
use std::collections::BTreeSet;

/// The user's stored preferences, one signal per storage key.
#[derive(Clone, Copy)]
pub struct Prefs {
    /// External links per queue.
    pub links: RwSignal<LinkStore>,
    /// Saved views.
    pub views: RwSignal<ViewStore>,
    /// Custom groupings.
    pub groupings: RwSignal<GroupingStore>,
    /// The custom groupings in the evaluator's form, converted once per change.
    pub custom: Memo<Vec<CustomGrouping>>,
    /// Keys whose stored value a newer Queuescope wrote: never written here.
    newer: RwSignal<BTreeSet<&'static str>>,
}

/// The storage keys with the store each holds (for messages) and its format.
const KEYS: [(&str, Store, u32); 3] = [
    (LINKS_KEY, Store::Links, LinkStore::VERSION),
    (VIEWS_KEY, Store::Views, ViewStore::VERSION),
    (GROUPINGS_KEY, Store::Groupings, GroupingStore::VERSION),
];

/// The keys among [`KEYS`] that hold a newer format than this app writes.
fn newer_keys(raw: impl Fn(&str) -> Option<String>) -> BTreeSet<&'static str> {
    queuescope_core::sort::into_tree(
        KEYS.iter()
            .filter(|(key, _, known)| prefs::newer_format(raw(key).as_deref(), *known).is_some())
            .map(|(key, _, _)| *key),
    )
}

impl Prefs {
    /// Loads every part from local storage (unreadable parts are reset and
    /// reported through `notices`), keeps the tabs of one browser in sync,
    /// and provides the store as a context.
    pub fn provide(notices: Notices) -> Prefs {
        let (l, n1) = prefs::load_links(dom::storage_get(LINKS_KEY).as_deref());
        let (v, n2) = prefs::load_views(dom::storage_get(VIEWS_KEY).as_deref());
        let (g, n3) = prefs::load_groupings(dom::storage_get(GROUPINGS_KEY).as_deref());
        notices.extend([n1, n2, n3].into_iter().flatten());
        let groupings = RwSignal::new(g);
        let custom = Memo::new(move |_| {
            groupings.with(|g| {
                g.groupings
                    .iter()
                    .filter_map(|d| d.to_grouping().ok())
                    .collect()
            })
        });
        let p = Prefs {
            links: RwSignal::new(l),
            views: RwSignal::new(v),
            groupings,
            custom,
            newer: RwSignal::new(newer_keys(dom::storage_get)),
        };
        // Another tab wrote: take its value (the schema is the same).
        let handle = window_event_listener(leptos::ev::storage, move |ev| {
            let raw = ev.new_value();
            match ev.key().as_deref() {
                Some(LINKS_KEY) => p.links.set(prefs::load_links(raw.as_deref()).0),
                Some(VIEWS_KEY) => p.views.set(prefs::load_views(raw.as_deref()).0),
                Some(GROUPINGS_KEY) => p.groupings.set(prefs::load_groupings(raw.as_deref()).0),
                _ => return,
            }
            // A newer app in another tab may have written its format.
            p.newer.set(newer_keys(dom::storage_get));
        });
        on_cleanup(move || handle.remove());
        provide_context(p);
        p
    }

    /// True when a saved custom grouping has this name (untracked).
    pub fn has_grouping(&self, name: &str) -> bool {
        self.groupings
            .with_untracked(|g| g.groupings.iter().any(|d| d.name == name))
    }

    /// Runs `f` on a copy of one store and, only when that changed it,
    /// saves the copy and then publishes it. A refused edit (a
    /// `javascript:` link, a taken name) or a no-op (moving the first link
    /// up) writes nothing, so it neither touches storage nor wakes the
    /// other tabs. A write that storage refuses (full, unavailable) or a
    /// key a newer Queuescope owns is an error too, and the change is not
    /// shown as if it were kept: the caller says so instead of "Saved".
    fn update<T, R, E>(
        &self,
        signal: RwSignal<T>,
        key: &'static str,
        save: fn(&T) -> String,
        f: impl FnOnce(&mut T) -> Result<R, E>,
    ) -> Result<R, PrefsError>
    where
        T: Clone + PartialEq + Send + Sync + 'static,
        E: Into<PrefsError>,
    {
        if let Some(e) = self.read_only(key) {
            return Err(e.into());
        }
        let mut store = signal.get_untracked();
        let r = f(&mut store).map_err(Into::into)?;
        if signal.with_untracked(|old| *old != store) {
            dom::storage_set(key, &save(&store)).map_err(SaveError::from)?;
            signal.set(store);
        }
        Ok(r)
    }

    /// Why `key` must not be written, if a newer Queuescope owns it.
    fn read_only(&self, key: &str) -> Option<SaveError> {
        if !self.newer.with_untracked(|n| n.contains(key)) {
            return None;
        }
        let store = KEYS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, s, _)| *s)?;
        Some(SaveError::Newer(store))
    }

    /// Replaces all three stores (an import), all or nothing: when storage
    /// refuses one of the writes, the ones already made are put back and
    /// nothing changes on screen.
    pub fn replace_all(
        &self,
        l: LinkStore,
        v: ViewStore,
        g: GroupingStore,
    ) -> Result<(), SaveError> {
        if let Some(e) = KEYS.iter().find_map(|(k, _, _)| self.read_only(k)) {
            return Err(e);
        }
        let values = [
            (LINKS_KEY, prefs::save_links(&l)),
            (VIEWS_KEY, prefs::save_views(&v)),
            (GROUPINGS_KEY, prefs::save_groupings(&g)),
        ];
        let before: Vec<Option<String>> = values.iter().map(|(k, _)| dom::storage_get(k)).collect();
        for (i, (key, value)) in values.iter().enumerate() {
            if let Err(e) = dom::storage_set(key, value) {
                for ((k, _), old) in values.iter().zip(&before).take(i) {
                    dom::storage_restore(k, old.as_deref());
                }
                return Err(e.into());
            }
        }
        self.links.set(l);
        self.views.set(v);
        self.groupings.set(g);
        Ok(())
    }

    /// Changes the links and saves them (see [`Prefs::update`] for errors).
    pub fn update_links<R, E: Into<PrefsError>>(
        &self,
        f: impl FnOnce(&mut LinkStore) -> Result<R, E>,
    ) -> Result<R, PrefsError> {
        self.update(self.links, LINKS_KEY, prefs::save_links, f)
    }

    /// Changes the saved views and saves them.
    pub fn update_views<R, E: Into<PrefsError>>(
        &self,
        f: impl FnOnce(&mut ViewStore) -> Result<R, E>,
    ) -> Result<R, PrefsError> {
        self.update(self.views, VIEWS_KEY, prefs::save_views, f)
    }

    /// Changes the custom groupings and saves them.
    pub fn update_groupings<R, E: Into<PrefsError>>(
        &self,
        f: impl FnOnce(&mut GroupingStore) -> Result<R, E>,
    ) -> Result<R, PrefsError> {
        self.update(self.groupings, GROUPINGS_KEY, prefs::save_groupings, f)
    }
}
