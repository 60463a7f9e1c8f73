//! The one legend every grouped panel shows (Queued time, Job runs, the
//! usage charts): the folded groups in their palette colours, and what
//! clicking them does. Isolating a group shows only its jobs, hiding it
//! shows all the others, in every panel: where the grouping is a
//! filterable field (user, launch job, project, entity, state, a label)
//! through that field's filter, so the URL holds it; for a custom grouping
//! through the view's custom-groups setting.

use super::{Analysis, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, GroupAction, GroupBy};

/// The legend's state and writers.
#[derive(Clone, Copy)]
pub struct Legend {
    view: ViewState,
    a: Analysis,
}

impl Legend {
    /// Provides the legend.
    pub fn provide(view: ViewState, a: Analysis) -> Legend {
        let l = Legend { view, a };
        provide_context(l);
        l
    }

    /// True when the legend's groups are limited (tracked): by a filter on
    /// the grouping's field, or the custom grouping's setting.
    pub fn limited(&self) -> bool {
        match self.a.group_by.get() {
            GroupBy::Custom(_) => self.view.custom_groups().is_some(),
            by => self
                .view
                .with(|v| analysis::has_group_filter(&v.filters, &by)),
        }
    }

    /// True when one group is isolated (tracked): the only one left, by the
    /// legend's or the filter's doing. Clicking it again shows all.
    pub fn isolated(&self) -> bool {
        self.a.groups.with(|g| g.names.len() == 1) && self.limited()
    }

    /// Isolates or hides folded group `k` (its index in the shared groups);
    /// clicking the isolated group again shows every group.
    pub fn act(&self, k: usize, action: GroupAction) {
        if action == GroupAction::Isolate && self.isolated() {
            self.show_all();
            return;
        }
        let Some(l) = self.a.prepared.get_untracked() else {
            return;
        };
        let by = self.a.group_by.get_untracked();
        let sel = self.a.selection.get_untracked();
        let raw = analysis::group(&l.prepared, &sel, &by);
        let members = self.a.groups.with_untracked(|g| analysis::members(&raw, g));
        let Some(kept) = analysis::kept_values(&members, k, action) else {
            return;
        };
        let filters = self.view.get_untracked().filters;
        match analysis::with_group_filter(&filters, &by, &kept) {
            Some(f) => self.view.set_filters(f),
            None => self.view.set_custom_groups(Some(kept)),
        }
    }

    /// Shows every group again: drops the grouping's filter (or setting).
    pub fn show_all(&self) {
        let by = self.a.group_by.get_untracked();
        let filters = self.view.get_untracked().filters;
        match analysis::with_group_filter(&filters, &by, &Default::default()) {
            Some(f) => self.view.set_filters(f),
            None => self.view.set_custom_groups(None),
        }
    }
}
