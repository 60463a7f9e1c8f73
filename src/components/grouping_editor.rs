//! The custom-grouping editor: ordered rules (field + values or regex →
//! group), with a preview of the groups it makes on the current data.
//! The rule fields offered are every [`RuleField`]: the field table, the
//! run fields and `label:KEY` for each label key of the data.

use crate::i18n::t;
use crate::notice::PrefsError;
use crate::state::{Analysis, Prefs, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Field, GroupBy, RuleField};
use queuescope_core::prefs::{CustomGroupingDef, RuleDef};
use queuescope_core::view::GroupKey;

fn empty_rule() -> RuleDef {
    RuleDef {
        field: RuleField::Field(Field::User).as_string(),
        values: Vec::new(),
        regex: None,
        group: String::new(),
    }
}

/// How many jobs of the selection each group of `def` gets.
fn preview(a: Analysis, def: &CustomGroupingDef) -> Vec<(String, usize)> {
    let Ok(grouping) = def.to_grouping() else {
        return Vec::new();
    };
    let Some(l) = a.prepared.get() else {
        return Vec::new();
    };
    a.selection.with(|s| {
        let g = analysis::group(&l.prepared, s, &GroupBy::Custom(grouping));
        let mut counts = vec![0usize; g.names.len()];
        for &i in &g.of_job {
            if let Some(c) = counts.get_mut(i as usize) {
                *c += 1;
            }
        }
        g.names.into_iter().zip(counts).collect()
    })
}

/// The editor, under *Saved views*.
#[component]
pub fn GroupingEditor() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let name = RwSignal::new(String::new());
    let rules = RwSignal::new(vec![empty_rule()]);
    let message = RwSignal::new(None::<(bool, String)>);
    let def = move || CustomGroupingDef {
        name: name.get().trim().to_string(),
        rules: rules.get(),
    };
    let groups = Memo::new(move |_| preview(a, &def()));
    // The rows are rebuilt when a rule is added or removed, not at each edit
    // of one: a group name is read as it is typed, in its own field.
    let rule_count = Memo::new(move |_| rules.with(Vec::len));
    let save = move |_| {
        let d = def();
        let n = d.name.clone();
        match p.update_groupings(|s| s.save(d)) {
            Ok(()) => {
                message.set(Some((true, (t().grouping_saved)(&n))));
                view.set_group(GroupKey::Custom(n));
            }
            Err(e) => message.set(Some((false, (t().prefs_error)(&e)))),
        }
    };
    let problem = move || {
        let d = def();
        // Said once a rule is being written: a name typed first is no
        // mistake yet ("rule 1: list values" stood before rule 1 was touched).
        let started = d.rules.iter().any(|r| *r != empty_rule());
        match d.validate() {
            Err(e) if !d.name.is_empty() && started => {
                let words = (t().prefs_error)(&PrefsError::Grouping(e));
                Some(view! { <p class="qs-field-error" data-grouping-problem>{words}</p> })
            }
            _ => None,
        }
    };
    view! {
        <div class="qs-grouping-editor" data-grouping-editor>
            <h3 class="qs-label">{t().custom_groupings}</h3>
            <SavedGroupings name=name rules=rules message=message/>
            <input autocomplete="off" name="grouping-name" aria-label=t().grouping_name placeholder=t().grouping_name_hint prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <ol class="qs-rules">
                {move || (0..rule_count.get()).map(|i| view! { <RuleRow rules=rules index=i/> }).collect_view()}
            </ol>
            <div class="qs-saved-io">
                <button class="qs-btn qs-btn-quiet" on:click=move |_| rules.update(|r| r.push(empty_rule()))>{t().add_rule}</button>
                <button class="qs-btn" on:click=save>{t().save_grouping}</button>
            </div>
            {problem}
            <ul class="qs-preview" data-grouping-preview>
                {move || groups.get().into_iter().map(|(g, n)| view! { <li><span>{g}</span><span class="qs-count">{n}</span></li> }).collect_view()}
            </ul>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "qs-field-ok" } else { "qs-field-error" }>{m}</p> })}
        </div>
    }
}

/// The saved groupings: open one in the editor, or delete it.
#[component]
fn SavedGroupings(
    name: RwSignal<String>,
    rules: RwSignal<Vec<RuleDef>>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let p = expect_context::<Prefs>();
    let rows = move || {
        p.groupings.get().groupings.into_iter().map(|g| {
            let n = g.name.clone();
            let label = g.name.clone();
            let edit = move |_| {
                name.set(g.name.clone());
                rules.set(g.rules.clone());
            };
            view! {
                <li>
                    <button class="qs-link-btn" on:click=edit>{label}</button>
                    <button class="qs-btn qs-btn-quiet qs-danger" on:click=move |_| if let Err(e) = p.update_groupings(|s| s.delete(&n)) { message.set(Some((false, (t().prefs_error)(&e)))); }>{t().delete}</button>
                </li>
            }
        }).collect_view()
    };
    view! { <ul class="qs-saved-list">{rows}</ul> }
}

/// Reads the match box: `/regex/`, or comma-separated values.
fn set_matcher(r: &mut RuleDef, text: &str) {
    let t = text.trim();
    if t.len() >= 2 && t.starts_with('/') && t.ends_with('/') {
        r.regex = Some(t[1..t.len() - 1].to_string());
        r.values.clear();
    } else {
        r.regex = None;
        r.values = t
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
    }
}

/// One rule: field, match (values or `/regex/`), group.
#[component]
fn RuleRow(rules: RwSignal<Vec<RuleDef>>, index: usize) -> impl IntoView {
    let a = expect_context::<Analysis>();
    let get = move || {
        rules
            .with(|r| r.get(index).cloned())
            .unwrap_or_else(empty_rule)
    };
    let set = move |f: Box<dyn FnOnce(&mut RuleDef)>| {
        rules.update(|r| {
            if let Some(x) = r.get_mut(index) {
                f(x)
            }
        })
    };
    let fields = Memo::new(move |_| {
        let keys = a.prepared.with(|p| {
            p.as_ref()
                .map(|l| l.prepared.label_keys())
                .unwrap_or_default()
        });
        RuleField::options(&keys)
            .iter()
            .map(RuleField::as_string)
            .collect::<Vec<_>>()
    });
    let matcher_text = move || {
        let r = get();
        match r.regex {
            Some(re) => format!("/{re}/"),
            None => r.values.join(", "),
        }
    };
    view! {
        <li class="qs-rule">
            <select autocomplete="off" name="rule-field" aria-label=(t().rule_field)(index + 1) on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |r| r.field = v)); }>
                {move || {
                    let current = get().field;
                    let mut all = fields.get();
                    // A stored rule on a label key this data lacks keeps its field.
                    if !all.contains(&current) {
                        all.push(current.clone());
                    }
                    all.into_iter().map(|f| {
                        let selected = f == current;
                        view! { <option value=f.clone() selected=selected>{f.clone()}</option> }
                    }).collect_view()
                }}
            </select>
            <input autocomplete="off" name="rule-match" aria-label=(t().rule_match)(index + 1) placeholder=t().rule_match_hint prop:value=matcher_text
                on:change=move |ev| { let t = event_target_value(&ev); set(Box::new(move |r| set_matcher(r, &t))); }/>
            <span class="qs-rule-arrow" aria-hidden="true">"→"</span>
            // Read as typed: the preview and the problem line follow each key
            // ("give the group a name" stood beside a typed name until the
            // field lost focus). The values field commits on change: it is
            // rewritten from what it parses to ("alice, " is "alice").
            <input autocomplete="off" name="rule-group" aria-label=(t().rule_group)(index + 1) placeholder=t().rule_group_hint prop:value=move || get().group
                on:input=move |ev| { let v = event_target_value(&ev); set(Box::new(move |r| r.group = v)); }/>
            <button class="qs-btn qs-btn-quiet" aria-label=(t().remove_rule)(index + 1) on:click=move |_| rules.update(|r| { if index < r.len() { r.remove(index); } })>"×"</button>
        </li>
    }
}
