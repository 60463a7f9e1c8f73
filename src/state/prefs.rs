//! What a user keeps in local storage (SPEC §1): external links per queue,
//! saved views and custom groupings. One namespaced, versioned schema
//! (`core::prefs`); a corrupt part is reset with a notice; other tabs stay
//! in sync through the `storage` event.

use super::Notices;
use crate::dom;
use leptos::prelude::*;
use queuescope_core::analysis::CustomGrouping;
use queuescope_core::prefs::{
    self, GroupingStore, LinkStore, ViewStore, GROUPINGS_KEY, LINKS_KEY, VIEWS_KEY,
};

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
    /// The last storage problem (quota, unavailable), shown near the controls.
    pub problem: RwSignal<Option<String>>,
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
            problem: RwSignal::new(None),
        };
        // Another tab wrote: take its value (the schema is the same).
        let handle =
            window_event_listener(leptos::ev::storage, move |ev| match ev.key().as_deref() {
                Some(LINKS_KEY) => p.links.set(prefs::load_links(ev.new_value().as_deref()).0),
                Some(VIEWS_KEY) => p.views.set(prefs::load_views(ev.new_value().as_deref()).0),
                Some(GROUPINGS_KEY) => p
                    .groupings
                    .set(prefs::load_groupings(ev.new_value().as_deref()).0),
                _ => {}
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
    /// saves and publishes the copy. A refused edit (a `javascript:` link, a
    /// taken name) or a no-op (moving the first link up) writes nothing, so
    /// it neither touches storage nor wakes the other tabs.
    fn update<T: Clone + PartialEq + Send + Sync + 'static, R>(
        &self,
        signal: RwSignal<T>,
        key: &str,
        save: fn(&T) -> String,
        f: impl FnOnce(&mut T) -> R,
    ) -> R {
        let mut store = signal.get_untracked();
        let r = f(&mut store);
        if signal.with_untracked(|old| *old != store) {
            match dom::storage_set(key, &save(&store)) {
                Ok(()) => self.problem.set(None),
                Err(e) => self.problem.set(Some(e)),
            }
            signal.set(store);
        }
        r
    }

    /// Changes the links and saves them.
    pub fn update_links<R>(&self, f: impl FnOnce(&mut LinkStore) -> R) -> R {
        self.update(self.links, LINKS_KEY, prefs::save_links, f)
    }

    /// Changes the saved views and saves them.
    pub fn update_views<R>(&self, f: impl FnOnce(&mut ViewStore) -> R) -> R {
        self.update(self.views, VIEWS_KEY, prefs::save_views, f)
    }

    /// Changes the custom groupings and saves them.
    pub fn update_groupings<R>(&self, f: impl FnOnce(&mut GroupingStore) -> R) -> R {
        self.update(self.groupings, GROUPINGS_KEY, prefs::save_groupings, f)
    }
}
