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
///
/// Its entries are written in place by one effect that compares each with
/// what it shows and writes only what differs (name, colour, whether one
/// group is isolated, whether there are several to hide), and one click
/// handler serves them all. Built by Leptos, a filter to one group and back
/// removed and built again ten entries of each of the three legends (their
/// buttons, spans, attribute effects and click handlers: ~2-3 ms of such a
/// filter at 10k), and a regroup rebuilt every entry in place.
#[component]
pub fn GroupLegend(#[prop(optional)] row: bool) -> impl IntoView {
    let a = expect_context::<Analysis>();
    let legend = expect_context::<Legend>();
    let groups = Memo::new(move |_| {
        let palette = a.palette.get();
        a.groups.with(|g| {
            g.names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), palette.colour(i).css()))
                .collect::<Vec<_>>()
        })
    });
    let isolated = Memo::new(move |_| legend.isolated());
    let list = NodeRef::<leptos::html::Ul>::new();
    // The effect's value: what the entries were written with.
    crate::reactive::effect_with(move |written: Option<Entries>| {
        let written = written.unwrap_or_default();
        let Some(ul) = list.get() else {
            return written;
        };
        let now = Entries {
            isolated: isolated.get(),
            groups: groups.get(),
        };
        write_entries(&ul, &written, &now);
        now
    });
    // A group's name isolates it (or shows all again); its × hides it.
    let click = move |ev: leptos::ev::MouseEvent| {
        if let Some((k, action)) = list.get_untracked().and_then(|ul| clicked_entry(&ev, &ul)) {
            legend.act(k, action);
        }
    };
    // A row is a card of its own: with nothing to list (no jobs in the
    // range) and nothing to undo, it would be an empty box.
    let empty = move || row && groups.with(Vec::is_empty) && !legend.limited();
    view! {
        <div class="qs-legend" class:qs-legend-row=row hidden=empty role="group" aria-label=t().groups data-legend="groups">
            <ul node_ref=list on:click=click></ul>
            <ShowIf when=move || legend.limited()>
                <button class="qs-link-btn qs-legend-all" data-legend-show-all
                    on:click=move |_| legend.show_all()>{t().show_all}</button>
            </ShowIf>
        </div>
    }
}

/// What a group legend shows: whether one group is isolated, and each
/// group's name and CSS colour.
#[derive(Debug, Clone, PartialEq, Default)]
struct Entries {
    isolated: bool,
    groups: Vec<(String, String)>,
}

/// Writes `now` into the legend's list `ul`, which shows `was`: an entry
/// (`li.qs-legend-entry` > `button.qs-legend-item` > swatch and name, then
/// the `button.qs-legend-hide` × while there are several groups) gets what
/// differs from what it shows; new entries are added at the end, entries
/// past `now` removed. Names are text, never HTML.
fn write_entries(ul: &web_sys::Element, was: &Entries, now: &Entries) {
    use wasm_bindgen::JsCast;
    let Some(doc) = ul.owner_document() else {
        return;
    };
    let make = |tag: &str, class: &str| {
        let el = doc.create_element(tag).ok()?;
        el.set_class_name(class);
        Some(el)
    };
    let (several, was_several) = (now.groups.len() > 1, was.groups.len() > 1);
    let nodes = ul.child_nodes();
    for (k, (name, colour)) in now.groups.iter().enumerate() {
        let kept = was.groups.get(k).and_then(|old| {
            Some((
                old,
                nodes.item(k as u32)?.dyn_into::<web_sys::Element>().ok()?,
            ))
        });
        let (li, old) = match kept {
            Some((old, li)) => (li, Some(old)),
            None => {
                let Some(li) = new_entry(&make) else {
                    return;
                };
                let _ = ul.append_child(&li);
                (li, None)
            }
        };
        let (Some(item), hide) = (
            li.first_element_child(),
            li.query_selector(".qs-legend-hide").ok().flatten(),
        ) else {
            continue;
        };
        let renamed = old.is_none_or(|(n, _)| n != name);
        if renamed {
            let _ = li.set_attribute("data-legend-group", name);
            if let Some(label) = item.last_element_child() {
                label.set_text_content(Some(name));
            }
        }
        if old.is_none_or(|(_, c)| c != colour) {
            let _ = li.set_attribute("data-color", colour);
            if let Some(swatch) = item.first_element_child() {
                let _ = swatch.set_attribute("style", &format!("background: {colour}"));
            }
        }
        if renamed || was.isolated != now.isolated {
            let title = match now.isolated {
                true => t().show_every_group.to_string(),
                false => (t().show_only)(name),
            };
            let _ = item.set_attribute("aria-pressed", &now.isolated.to_string());
            let _ = item.set_attribute("title", &title);
        }
        match (several, hide) {
            (true, None) => {
                if let Some(hide) = make("button", "qs-legend-hide") {
                    put_hide_label(&hide, name);
                    hide.set_text_content(Some("×"));
                    let _ = li.append_child(&hide);
                }
            }
            (true, Some(hide)) if renamed || !was_several => put_hide_label(&hide, name),
            (false, Some(hide)) => hide.remove(),
            _ => {}
        }
    }
    crate::dom::keep_children(ul, now.groups.len());
}

/// A new entry, empty: `li.qs-legend-entry` > `button.qs-legend-item` >
/// `span.qs-swatch` and `span.qs-legend-name`. `make` makes an element
/// of a tag and class.
fn new_entry(make: &dyn Fn(&str, &str) -> Option<web_sys::Element>) -> Option<web_sys::Element> {
    let (li, item) = (
        make("li", "qs-legend-entry")?,
        make("button", "qs-legend-item")?,
    );
    let (swatch, label) = (make("span", "qs-swatch")?, make("span", "qs-legend-name")?);
    let _ = item.append_child(&swatch);
    let _ = item.append_child(&label);
    let _ = li.append_child(&item);
    Some(li)
}

/// The × of group `name`: "Hide NAME" as its name and tooltip.
fn put_hide_label(hide: &web_sys::Element, name: &str) {
    let label = (t().hide_group)(name);
    let _ = hide.set_attribute("aria-label", &label);
    let _ = hide.set_attribute("title", &label);
}

/// The entry of the legend's list `ul` that a click landed on, and what its
/// button does: isolate (the name) or hide (the ×).
fn clicked_entry(
    ev: &leptos::ev::MouseEvent,
    ul: &web_sys::Element,
) -> Option<(usize, GroupAction)> {
    use wasm_bindgen::JsCast;
    let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let button = el.closest(".qs-legend-item, .qs-legend-hide").ok()??;
    let action = match button.class_name().contains("qs-legend-hide") {
        true => GroupAction::Hide,
        false => GroupAction::Isolate,
    };
    let li = button.closest("li.qs-legend-entry").ok()??;
    Some((crate::dom::child_index(ul, &li)?, action))
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen::JsCast;

    fn entries(isolated: bool, groups: &[(&str, &str)]) -> Entries {
        Entries {
            isolated,
            groups: groups
                .iter()
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect(),
        }
    }

    /// A new `<ul>` as `GroupLegend` builds it.
    fn ul() -> web_sys::Element {
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        doc.create_element("ul").expect("a ul")
    }

    /// Every entry's attributes, classes and texts, each element's
    /// attributes in a fixed order (whatever order they were set in).
    fn described(ul: &web_sys::Element) -> Vec<Vec<Option<String>>> {
        let all = |el: &web_sys::Element| {
            let mut shown: Vec<Option<String>> = [
                "class",
                "data-legend-group",
                "data-color",
                "aria-pressed",
                "title",
                "aria-label",
                "style",
            ]
            .iter()
            .map(|n| el.get_attribute(n))
            .collect();
            shown.push(Some(el.get_attribute_names().length().to_string()));
            shown.push(Some(el.tag_name()));
            shown
        };
        let nodes = ul.query_selector_all("*").expect("elements");
        (0..nodes.length())
            .filter_map(|k| nodes.item(k)?.dyn_into::<web_sys::Element>().ok())
            .map(|el| {
                let mut d = all(&el);
                d.push(el.text_content());
                d
            })
            .collect()
    }

    /// A legend written from one state to the next shows what a legend
    /// written once with the last state shows, through several groups, one
    /// (isolated), other names and colours; an entry the step leaves alone
    /// keeps its elements and its name's text node.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_legend_written_in_steps_keeps_what_did_not_change() {
        let states = [
            entries(false, &[]),
            entries(
                false,
                &[
                    ("alice", "#111111"),
                    ("bob <i>", "#222222"),
                    ("carol", "#333333"),
                ],
            ),
            entries(true, &[("alice", "#111111")]),
            entries(false, &[("alice", "#111111"), ("dave", "#444444")]),
            entries(true, &[("bob <i>", "#111111")]),
        ];
        for from in &states {
            for to in &states {
                let stepped = ul();
                write_entries(&stepped, &Entries::default(), from);
                let name = |ul: &web_sys::Element| {
                    ul.query_selector(".qs-legend-name")
                        .ok()
                        .flatten()
                        .and_then(|n| n.first_child())
                };
                let before = name(&stepped);
                write_entries(&stepped, from, to);
                let once = ul();
                write_entries(&once, &Entries::default(), to);
                assert_eq!(described(&stepped), described(&once), "{from:?} -> {to:?}");
                if !from.groups.is_empty() && from.groups.first() == to.groups.first() {
                    let after = name(&stepped);
                    assert!(
                        after.is_some_and(|a| before.is_some_and(|b| b.is_same_node(Some(&a)))),
                        "{from:?} -> {to:?}: the first entry's name was written again"
                    );
                }
            }
        }
        let shown = ul();
        write_entries(&shown, &Entries::default(), &states[1]);
        let first = shown.first_element_child().expect("an entry");
        assert_eq!(
            first.outer_html(),
            "<li class=\"qs-legend-entry\"><button class=\"qs-legend-item\" \
             aria-pressed=\"false\" title=\"Show only alice\"><span class=\"qs-swatch\" \
             style=\"background: #111111\"></span><span class=\"qs-legend-name\">alice</span></button>\
             <button class=\"qs-legend-hide\" aria-label=\"Hide alice\" title=\"Hide alice\">×</button></li>"
                .replace("<li class=\"qs-legend-entry\">", "<li class=\"qs-legend-entry\" data-legend-group=\"alice\" data-color=\"#111111\">")
        );
    }
}
