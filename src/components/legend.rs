//! The legends the app draws (Plotly draws none): the group legend that
//! Queued time, Job runs and the usage charts share, and Job status' fixed
//! key of states.
//!
//! Gestures of the group legend (all buttons, so Tab, Enter and Space work):
//! a group's name isolates it in every panel, and on the isolated group
//! shows every group again; the × beside it hides it; "Show all" drops
//! what the legend limited. See [`crate::state::Legend`] for how that
//! becomes a filter.

use super::panel::ShowIf;
use crate::i18n::t;
use crate::state::{Analysis, Legend};
use leptos::prelude::*;
use queuescope_core::analysis::GroupAction;

/// The group legend. `row`: laid out in a row (above the usage charts)
/// instead of a column beside a chart.
#[component]
pub fn GroupLegend(#[prop(optional)] row: bool) -> impl IntoView {
    let a = expect_context::<Analysis>();
    let legend = expect_context::<Legend>();
    let entries = Memo::new(move |_| {
        let palette = a.palette.get();
        a.groups.with(|g| {
            g.names
                .iter()
                .enumerate()
                .map(|(i, n)| (i, n.clone(), palette.colour(i).css()))
                .collect::<Vec<_>>()
        })
    });
    let isolated = Signal::derive(move || legend.isolated());
    // Whether each entry has its ×, decided with the list: as a condition
    // of each entry's own (a `ShowIf` per entry), a filter down to one
    // group flipped all 11 entries' conditions of each of the 3 legends,
    // taking their × out one by one, before the list dropped 10 of them
    // (~1-2 ms of a filter at 10k).
    let items = move || {
        let entries = entries.get();
        let several = entries.len() > 1;
        entries
            .into_iter()
            .map(|(i, name, colour)| {
                let (what, hide, key) = (name.clone(), (t().hide_group)(&name), name.clone());
                view! {
                    <li class="qs-legend-entry" data-legend-group=key data-color=colour.clone()>
                        <button class="qs-legend-item" aria-pressed=move || isolated.get().to_string()
                            title=move || if isolated.get() { t().show_every_group.to_string() } else { (t().show_only)(&what) }
                            on:click=move |_| legend.act(i, GroupAction::Isolate)>
                            <span class="qs-swatch" style=format!("background: {colour}")></span>
                            <span class="qs-legend-name">{name}</span>
                        </button>
                        {several.then(|| view! {
                            <button class="qs-legend-hide" aria-label=hide.clone() title=hide
                                on:click=move |_| legend.act(i, GroupAction::Hide)>"×"</button>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="qs-legend" class:qs-legend-row=row role="group" aria-label=t().groups data-legend="groups">
            <ul>{items}</ul>
            <ShowIf when=move || legend.limited()>
                <button class="qs-link-btn qs-legend-all" data-legend-show-all
                    on:click=move |_| legend.show_all()>{t().show_all}</button>
            </ShowIf>
        </div>
    }
}

/// Job status' key: each state in its fixed colour (`(name, css colour)`).
#[component]
pub fn StateKey(states: Signal<Vec<(String, String)>>) -> impl IntoView {
    view! {
        <div class="qs-legend" role="group" aria-label=t().states_key data-legend="states">
            <ul>
                {move || states.get().into_iter().map(|(name, colour)| (name.clone(), name, colour)).map(|(key, name, colour)| view! {
                    <li class="qs-legend-entry qs-legend-key" data-legend-state=key data-color=colour.clone()>
                        <span class="qs-swatch" style=format!("background: {colour}")></span>
                        <span class="qs-legend-name">{name}</span>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
