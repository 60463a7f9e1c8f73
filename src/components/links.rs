//! The *External links* panel: the deployment's default links and the
//! user's own per queue, with the *Manage links* editor.

use super::panel::{Panel, PanelStatus, ShowIf};
use crate::config::Config;
use crate::i18n::t;
use crate::state::{Analysis, Prefs, Queues};
use leptos::prelude::*;
use queuescope_core::prefs::{self, LinkStore};
use queuescope_core::template::{link_href, LinkView};

/// An edit of one queue's links.
type LinkAction = Box<dyn FnOnce(&mut LinkStore, &str) -> Result<(), prefs::LinkError>>;

/// The queue shown (empty before the queue list is known).
fn current_queue(queues: Queues) -> String {
    queues.current.get().unwrap_or_default()
}

/// The *External links* section with its *Manage links* editor.
#[component]
pub fn ExternalLinks() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let config = expect_context::<Config>();
    let queues = expect_context::<Queues>();
    let range = expect_context::<Analysis>().range;
    let managing = RwSignal::new(false);
    let mine = move || {
        let q = current_queue(queues);
        p.links.with(|l| l.links(&q).to_vec())
    };
    // A link's address for the view on screen: its placeholders filled in.
    let href = move |url: &str| {
        let (queue, r) = (current_queue(queues), range.get());
        link_href(
            url,
            &LinkView {
                queue: &queue,
                from: r.from,
                to: r.to,
            },
        )
    };
    let no_defaults = config.default_links.is_empty();
    let defaults = config.default_links.iter().map(|d| {
        let url = d.url.clone();
        view! {
            <li class="qs-link qs-link-default">
                <a href=move || href(&url) target="_blank" rel="noopener noreferrer">{d.label.clone()}</a>
                <span class="qs-tag" title=t().default_link_tip>{t().default_link}</span>
            </li>
        }
    }).collect_view();
    let actions = ViewFn::from(move || {
        view! {
            <button class="qs-btn" data-manage-links aria-expanded=move || managing.get().to_string()
                on:click=move |_| managing.update(|m| *m = !*m)>
                {move || if managing.get() { t().done } else { t().manage_links }}
            </button>
        }
    });
    let subtitle = Signal::derive(move || (t().other_monitors)(&current_queue(queues)));
    view! {
        <Panel name="external-links" title=t().external_links status=PanelStatus::Ready actions=actions class="qs-wide" subtitle=subtitle>
            <ul class="qs-links">
                {defaults}
                {move || mine().into_iter().map(|l| view! {
                    <li class="qs-link"><a href=move || href(&l.url) target="_blank" rel="noopener noreferrer">{l.label.clone()}</a></li>
                }).collect_view()}
                {move || (no_defaults && mine().is_empty()).then(|| view! {
                    <li class="qs-muted">{t().no_links}</li>
                })}
            </ul>
            <ShowIf when=move || managing.get()>
                <LinkEditor/>
            </ShowIf>
        </Panel>
    }
}

/// The editor of the current queue's links: reorder, edit, remove, add.
#[component]
fn LinkEditor() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let queues = expect_context::<Queues>();
    let label = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<String>);
    let clear = move || {
        label.set(String::new());
        url.set(String::new());
        editing.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = current_queue(queues);
        let (lab, u) = (label.get_untracked(), url.get_untracked());
        let result = p.update_links(|s| match editing.get_untracked() {
            Some(i) => s.edit(&q, i, &lab, &u),
            None => s.add(&q, &lab, &u),
        });
        match result {
            Ok(()) => {
                clear();
                error.set(None);
            }
            Err(e) => error.set(Some((t().prefs_error)(&e))),
        }
    };
    let on_edit = Callback::new(move |(i, lab, u): (usize, String, String)| {
        label.set(lab);
        url.set(u);
        editing.set(Some(i));
    });
    view! {
        <div class="qs-link-editor" data-link-editor>
            <LinkRows on_edit=on_edit error=error/>
            <form class="qs-link-form" on:submit=submit>
                <input autocomplete="off" name="label" aria-label=t().link_label placeholder=t().link_label_hint maxlength="60" prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev))/>
                <input autocomplete="off" name="url" type="text" aria-label=t().link_url placeholder="https://…" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                <button class="qs-btn qs-btn-primary" type="submit">{move || if editing.get().is_some() { t().save } else { t().add }}</button>
                <ShowIf when=move || editing.get().is_some()>
                    <button class="qs-btn qs-btn-quiet" type="button" on:click=move |_| clear()>{t().cancel}</button>
                </ShowIf>
            </form>
            {move || error.get().map(|e| view! { <p class="qs-field-error" role="alert" data-link-error>{e}</p> })}
            <p class="qs-hint" data-link-placeholders>{t().link_placeholders}</p>
        </div>
    }
}

/// The current queue's links, each with move, edit and remove buttons.
#[component]
fn LinkRows(
    on_edit: Callback<(usize, String, String)>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let p = expect_context::<Prefs>();
    let queues = expect_context::<Queues>();
    let act = move |f: LinkAction| {
        let q = current_queue(queues);
        if let Err(e) = p.update_links(|s| f(s, &q)) {
            error.set(Some((t().prefs_error)(&e)));
        }
    };
    let rows = move || {
        let q = current_queue(queues);
        let list = p.links.with(|l| l.links(&q).to_vec());
        let n = list.len();
        list.into_iter().enumerate().map(|(i, l)| {
            let (lab, u) = (l.label.clone(), l.url.clone());
            view! {
                <li>
                    <span class="qs-link-label">{l.label.clone()}</span>
                    <span class="qs-link-url qs-mono">{l.url.clone()}</span>
                    <button class="qs-btn qs-btn-quiet" aria-label=t().move_up disabled=i == 0
                        on:click=move |_| act(Box::new(move |s, q| s.move_up(q, i)))>"↑"</button>
                    <button class="qs-btn qs-btn-quiet" aria-label=t().move_down disabled=i + 1 == n
                        on:click=move |_| act(Box::new(move |s, q| s.move_down(q, i)))>"↓"</button>
                    <button class="qs-btn qs-btn-quiet" on:click=move |_| on_edit.run((i, lab.clone(), u.clone()))>{t().edit}</button>
                    <button class="qs-btn qs-btn-quiet qs-danger"
                        on:click=move |_| act(Box::new(move |s, q| s.remove(q, i).map(|_| ())))>{t().remove}</button>
                </li>
            }
        }).collect_view()
    };
    view! { <ol class="qs-link-rows">{rows}</ol> }
}
