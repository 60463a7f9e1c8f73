//! The view the user asked to see (SPEC §5) and the brush, with the only
//! writers allowed to change them, and the sync with the address bar:
//! queue and range changes are history entries (Back works), everything
//! else replaces the current one; `popstate` reads the URL back.

use super::{Notices, Prefs};
use crate::dom;
use leptos::prelude::*;
use queuescope_core::analysis::{Brush, Field, Filters};
use queuescope_core::view::{
    is_navigation, parse_query, to_query, GroupKey, Lang, RangeSpec, Tz, View, Width,
};
use std::collections::BTreeSet;

/// What the user asked to see. Read with [`ViewState::with`]; write only
/// through the named writers.
#[derive(Clone, Copy)]
pub struct ViewState {
    view: RwSignal<View>,
    brush: RwSignal<Option<Brush>>,
    /// The groups of a custom grouping the legend shows (`None`: all): a
    /// view setting, since a custom grouping is no filterable field.
    custom_groups: RwSignal<Option<BTreeSet<String>>>,
    /// Run before a filter changes ([`ViewState::before_filter`]).
    before_filter: StoredValue<Option<Callback<()>>>,
    notices: Notices,
    prefs: Prefs,
}

impl ViewState {
    /// Reads the address bar into the view (its notices go to `notices`),
    /// keeps the two in sync from then on, and provides the state.
    pub fn provide(notices: Notices, prefs: Prefs) -> ViewState {
        let s = ViewState {
            view: RwSignal::new(View::default()),
            brush: RwSignal::new(None),
            custom_groups: RwSignal::new(None),
            before_filter: StoredValue::new(None),
            notices,
            prefs,
        };
        let (initial, found) = parse_query(&dom::location_search());
        notices.extend(found);
        s.apply(initial);
        s.sync_url();
        s.follow_groupings();
        provide_context(s);
        s
    }

    /// The address bar follows the view; Back and Forward set the view.
    fn sync_url(self) {
        let last_url = StoredValue::new(self.view.get_untracked());
        crate::reactive::effect(move || {
            let v = self.view.get();
            let prev = last_url.get_value();
            if v != prev {
                dom::set_location_search_soon(to_query(&v), is_navigation(&prev, &v));
                last_url.set_value(v);
            }
        });
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            dom::drop_pending_location();
            let (v, found) = parse_query(&dom::location_search());
            self.notices.extend(found);
            let v = self.checked(v);
            last_url.set_value(v.clone());
            self.update(|old| *old = v);
        });
        on_cleanup(move || handle.remove());
    }

    /// A custom grouping deleted (here or in another tab) while the view
    /// groups by it: back to the default grouping, with a notice.
    fn follow_groupings(self) {
        crate::reactive::effect(move || {
            self.prefs.groupings.track();
            if self
                .view
                .with_untracked(|v| matches!(v.group, GroupKey::Custom(_)))
            {
                let v = self.checked(self.view.get_untracked());
                if self.view.with_untracked(|old| *old != v) {
                    self.update(|old| *old = v);
                }
            }
        });
    }

    /// `v` with an unknown `custom:NAME` grouping replaced by the default
    /// (a notice says so).
    fn checked(self, mut v: View) -> View {
        let notice = v.check_custom(|name| self.prefs.has_grouping(name));
        self.notices.extend(notice);
        v
    }

    /// Reads the view (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&View) -> R) -> R {
        self.view.with(f)
    }

    /// Reads the view (untracked).
    pub fn with_untracked<R>(&self, f: impl FnOnce(&View) -> R) -> R {
        self.view.with_untracked(f)
    }

    /// The view now (untracked), e.g. to save it.
    pub fn get_untracked(&self) -> View {
        self.view.get_untracked()
    }

    /// Changes the view. Every write notifies, even one that changes
    /// nothing: each action then settles into a new `ready` (SPEC §6).
    /// Another grouping drops the custom grouping's legend setting.
    fn update(&self, f: impl FnOnce(&mut View)) {
        let group = self.view.with_untracked(|v| v.group.clone());
        self.view.update(f);
        if self.view.with_untracked(|v| v.group != group)
            && self.custom_groups.with_untracked(Option::is_some)
        {
            self.custom_groups.set(None);
        }
    }

    /// Changes the filters: `before_filter` runs first, ahead of the
    /// effects the change wakes.
    fn update_filters(&self, f: impl FnOnce(&mut Filters)) {
        if let Some(cb) = self.before_filter.get_value() {
            cb.run(());
        }
        self.update(|v| f(&mut v.filters));
    }

    /// Sets what runs right before every filter change (the usage of the
    /// runs the new selection shows is asked for ahead of the memo graph's
    /// effects: [`super::Metrics`]). A filter never starts a read, so the
    /// data the hook sees is the data the effects will.
    pub fn before_filter(&self, f: Callback<()>) {
        self.before_filter.set_value(Some(f));
    }

    /// Shows a whole view (a saved one): an unknown custom grouping in it
    /// falls back to the default, with a notice.
    pub fn apply(&self, v: View) {
        let v = self.checked(v);
        self.update(|old| *old = v);
    }

    /// Shows another queue.
    pub fn set_queue(&self, id: String) {
        self.update(|v| v.queue = Some(id));
    }

    /// Shows another range.
    pub fn set_range(&self, range: RangeSpec) {
        self.update(|v| v.range = Some(range));
    }

    /// Sets the bucket width (`None`: auto).
    pub fn set_bucket(&self, width: Option<Width>) {
        self.update(|v| v.bucket = width);
    }

    /// Sets the time zone.
    pub fn set_tz(&self, tz: Tz) {
        self.update(|v| v.tz = tz);
    }

    /// Sets the page language (`None`: not in the URL).
    pub fn set_lang(&self, lang: Option<Lang>) {
        self.update(|v| v.lang = lang);
    }

    /// Groups by another key.
    pub fn set_group(&self, group: GroupKey) {
        self.update(|v| v.group = group);
    }

    /// Narrows the view to one group of its grouping ([`View::only_group`]:
    /// the group as the only value of its field's filter); a custom
    /// grouping's groups are no filter, so nothing changes for them.
    pub fn only_group(&self, name: &str) {
        if let Some(v) = self.view.with_untracked(|v| v.only_group(name)) {
            self.update_filters(|old| *old = v.filters);
        }
    }

    /// Adds or removes one value of a field's filter.
    pub fn toggle_filter(&self, field: Field, value: &str) {
        self.update_filters(|f| f.toggle(field, value));
    }

    /// Adds or removes one label filter.
    pub fn toggle_label(&self, key: &str, value: &str) {
        self.update_filters(|f| f.toggle_label(key, value));
    }

    /// Sets the text search (trimmed; empty: none).
    pub fn set_text(&self, text: &str) {
        self.update_filters(|f| f.text = text.trim().to_string());
    }

    /// Sets every filter at once (the legend's isolate and hide).
    pub fn set_filters(&self, filters: Filters) {
        self.update_filters(|f| *f = filters);
    }

    /// The groups of a custom grouping the legend shows (tracked; `None`:
    /// all). Not part of the URL.
    pub fn custom_groups(&self) -> Option<BTreeSet<String>> {
        self.custom_groups.get()
    }

    /// Shows only these groups of the custom grouping (`None`: all).
    pub fn set_custom_groups(&self, groups: Option<BTreeSet<String>>) {
        self.custom_groups.set(groups);
    }

    /// Drops every filter and the text search.
    pub fn clear_filters(&self) {
        self.update_filters(|f| *f = Default::default());
    }

    /// The brush on Job runs (tracked; not part of the URL).
    pub fn brush(&self) -> Option<Brush> {
        self.brush.get()
    }

    /// The brush now (untracked).
    pub fn brush_untracked(&self) -> Option<Brush> {
        self.brush.get_untracked()
    }

    /// True when a brush is set (tracked).
    pub fn has_brush(&self) -> bool {
        self.brush.with(Option::is_some)
    }

    /// Sets or clears the brush.
    pub fn set_brush(&self, brush: Option<Brush>) {
        self.brush.set(brush);
    }

    /// Subscribes the caller to every change of the view or the brush.
    pub fn track(&self) {
        self.view.track();
        self.brush.track();
        self.custom_groups.track();
    }
}
