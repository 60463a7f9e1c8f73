//! The legend's gestures as filters. A legend entry is a folded group
//! ([`super::fold_groups`]: the top groups and `(other)`); isolating it
//! keeps the jobs of the raw groups it stands for, hiding it keeps every
//! other raw group. Where the grouping is a filterable field (a [`Field`]
//! or a label) that is an ordinary filter of the view, so it lands in the
//! URL; a custom grouping is not a field, so the app keeps the same set
//! of group names as a view setting and selects with [`keep_groups`].

use std::collections::BTreeSet;

use super::filter::{Field, Filters, Selection};
use super::group::{GroupBy, Groups};

/// What a legend gesture does to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupAction {
    /// Show only this group.
    Isolate,
    /// Show every group but this one.
    Hide,
}

/// The raw group names behind each folded group: `members(raw, folded)[k]`
/// are the names of `raw` (the groups before folding, of the same
/// selection) whose jobs `folded` puts in group `k`.
pub fn members(raw: &Groups, folded: &Groups) -> Vec<BTreeSet<String>> {
    let mut out = vec![BTreeSet::new(); folded.names.len()];
    let mut seen = vec![false; raw.names.len()];
    for (&r, &f) in raw.of_job.iter().zip(&folded.of_job) {
        let Some(s) = seen.get_mut(r as usize).filter(|s| !**s) else {
            continue;
        };
        *s = true;
        if let (Some(set), Some(name)) = (out.get_mut(f as usize), raw.names.get(r as usize)) {
            set.insert(name.clone());
        }
    }
    out
}

/// The raw group names to keep for `action` on folded group `k`, or
/// `None` when nothing would be left (hiding the only group) or `k` is
/// not a group.
pub fn kept_values(
    members: &[BTreeSet<String>],
    k: usize,
    action: GroupAction,
) -> Option<BTreeSet<String>> {
    let mine = members.get(k)?;
    let kept: BTreeSet<String> = match action {
        GroupAction::Isolate => mine.clone(),
        GroupAction::Hide => crate::sort::into_tree(
            members
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != k)
                .flat_map(|(_, m)| m.iter().cloned()),
        ),
    };
    (!kept.is_empty()).then_some(kept)
}

/// The filter a grouping's values live in: a field, or a label key.
/// `None` for a custom grouping (not a filterable field).
fn filter_key(by: &GroupBy) -> Option<Result<Field, &str>> {
    match by {
        GroupBy::Field(f) => Some(Ok(*f)),
        GroupBy::Label(k) => Some(Err(k.as_str())),
        GroupBy::Custom(_) => None,
    }
}

/// `filters` with the filter of `by`'s field (or label key) set to exactly
/// `values` (empty: no filter on it). `None` for a custom grouping.
pub fn with_group_filter(
    filters: &Filters,
    by: &GroupBy,
    values: &BTreeSet<String>,
) -> Option<Filters> {
    let mut out = filters.clone();
    match filter_key(by)? {
        Ok(field) => *out.values_mut(field) = values.clone(),
        Err(key) => {
            out.labels.retain(|(k, _)| k != key);
            out.labels
                .extend(values.iter().map(|v| (key.to_string(), v.clone())));
        }
    }
    Some(out)
}

/// True when the view filters on `by`'s field (or label key), so "show
/// every group" has something to undo.
pub fn has_group_filter(filters: &Filters, by: &GroupBy) -> bool {
    match filter_key(by) {
        Some(Ok(field)) => !filters.values(field).is_empty(),
        Some(Err(key)) => filters.labels.iter().any(|(k, _)| k == key),
        None => false,
    }
}

/// The selected jobs whose raw group (of `raw`, the groups of `sel`) is
/// one of `values`: a custom grouping's legend filter.
pub fn keep_groups(sel: &Selection, raw: &Groups, values: &BTreeSet<String>) -> Selection {
    let keep: Vec<bool> = raw.names.iter().map(|n| values.contains(n)).collect();
    Selection(
        sel.0
            .iter()
            .zip(&raw.of_job)
            .filter(|&(_, &g)| keep.get(g as usize).copied().unwrap_or(false))
            .map(|(&j, _)| j)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fold_groups;

    fn set(xs: &[&str]) -> BTreeSet<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    /// Five users over eight jobs, folded to three legend entries:
    /// carol (3), alice (2), (other) = bob, dan, (none).
    fn groups() -> (Groups, Groups) {
        let raw = Groups {
            names: ["alice", "bob", "carol", "dan", "(none)"]
                .map(String::from)
                .to_vec(),
            of_job: vec![0, 2, 2, 1, 0, 2, 3, 4],
        };
        let folded = fold_groups(&raw, 3);
        (raw, folded)
    }

    #[test]
    fn members_list_the_raw_names_of_each_folded_group() {
        let (raw, folded) = groups();
        assert_eq!(folded.names, ["carol", "alice", "(other)"]);
        assert_eq!(
            members(&raw, &folded),
            vec![
                set(&["carol"]),
                set(&["alice"]),
                set(&["(none)", "bob", "dan"])
            ]
        );
    }

    #[test]
    fn isolate_keeps_a_group_and_hide_keeps_the_rest() {
        let (raw, folded) = groups();
        let m = members(&raw, &folded);
        assert_eq!(
            kept_values(&m, 2, GroupAction::Isolate),
            Some(set(&["(none)", "bob", "dan"]))
        );
        assert_eq!(
            kept_values(&m, 0, GroupAction::Hide),
            Some(set(&["(none)", "alice", "bob", "dan"]))
        );
        assert_eq!(kept_values(&m, 9, GroupAction::Hide), None);
        assert_eq!(
            kept_values(&m[..1], 0, GroupAction::Hide),
            None,
            "hiding the only group"
        );
    }

    #[test]
    fn a_field_or_label_grouping_becomes_that_filter() {
        let mut f = Filters::default();
        f.toggle(Field::Project, "vision");
        f.toggle_label("team", "a");
        f.toggle_label("prio", "high");
        let by_user = GroupBy::Field(Field::User);
        assert!(!has_group_filter(&f, &by_user));
        let g = with_group_filter(&f, &by_user, &set(&["alice", "bob"])).unwrap();
        assert_eq!(g.values(Field::User), &set(&["alice", "bob"]));
        assert_eq!(
            g.values(Field::Project),
            &set(&["vision"]),
            "other fields stay"
        );
        assert!(has_group_filter(&g, &by_user));
        let cleared = with_group_filter(&g, &by_user, &BTreeSet::new()).unwrap();
        assert_eq!(cleared, f);

        let by_team = GroupBy::Label("team".into());
        let g = with_group_filter(&f, &by_team, &set(&["b", "(none)"])).unwrap();
        let labels: Vec<(&str, &str)> = g
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            labels,
            [("prio", "high"), ("team", "(none)"), ("team", "b")]
        );
        assert!(has_group_filter(&g, &by_team));
        assert!(
            with_group_filter(&f, &GroupBy::Custom(Default::default()), &set(&["x"])).is_none()
        );
    }

    #[test]
    fn keep_groups_selects_by_raw_group_name() {
        let (raw, _) = groups();
        let sel = Selection((10..18).collect());
        let kept = keep_groups(&sel, &raw, &set(&["alice", "dan"]));
        assert_eq!(kept.0, [10, 14, 16]);
    }
}
