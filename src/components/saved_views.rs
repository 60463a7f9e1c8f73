//! *Saved views* in the left panel: save the view under a name, apply,
//! rename and delete saved views, export and import everything the user
//! keeps (links, views, groupings) as JSON; the custom-grouping editor
//! lives in the same section.

use super::grouping_editor::GroupingEditor;
use super::panel::ShowIf;
use crate::dom;
use crate::i18n::t;
use crate::notice::PrefsError;
use crate::state::{Notice, Prefs, ViewState};
use leptos::prelude::*;
use queuescope_core::prefs::{self, ImportMode, SavedView};

/// A message under the section: (ok, text).
type Message = RwSignal<Option<(bool, String)>>;

/// Saved views and custom groupings, in the left panel.
#[component]
pub fn SavedViews() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let view = expect_context::<ViewState>();
    let name = RwSignal::new(String::new());
    let message: Message = RwSignal::new(None);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        let v = view.get_untracked();
        match p.update_views(|s| s.save(&n, &v, dom::now_ms())) {
            Ok(()) => {
                name.set(String::new());
                message.set(Some((true, (t().view_saved)(n.trim()))));
            }
            Err(e) => message.set(Some((false, (t().prefs_error)(&e)))),
        }
    };
    let export = move |_| {
        let json = prefs::export_all(
            &p.links.get_untracked(),
            &p.views.get_untracked(),
            &p.groupings.get_untracked(),
        );
        dom::download("queuescope-views.json", "application/json", &json);
    };
    let importing = RwSignal::new(false);
    view! {
        <details class="qs-saved" data-saved-views>
            <summary class="qs-label">{t().saved_views}</summary>
            <form class="qs-inline-form" on:submit=save>
                <input autocomplete="off" name="view-name" aria-label=t().view_name placeholder=t().view_name prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button class="qs-btn" type="submit">{t().save_view}</button>
            </form>
            <ul class="qs-saved-list">
                {move || p.views.get().views.into_iter().map(|sv| view! { <SavedViewRow saved=sv message=message/> }).collect_view()}
            </ul>
            <div class="qs-saved-io">
                <button class="qs-btn qs-btn-quiet" on:click=export>{t().export}</button>
                <button class="qs-btn qs-btn-quiet" on:click=move |_| importing.update(|i| *i = !*i)>{t().import_more}</button>
            </div>
            <ShowIf when=move || importing.get()>
                <ImportBox importing=importing message=message/>
            </ShowIf>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "qs-field-ok" } else { "qs-field-error" } role="status" data-saved-message>{m}</p> })}
            <GroupingEditor/>
        </details>
    }
}

/// One saved view: apply it, rename or delete it.
#[component]
fn SavedViewRow(saved: SavedView, message: Message) -> impl IntoView {
    let p = expect_context::<Prefs>();
    let view = expect_context::<ViewState>();
    let renaming = RwSignal::new(false);
    let name = saved.name.clone();
    let apply = {
        let saved = saved.clone();
        move |_| {
            let (v, notices) = saved.view();
            view.apply(v);
            if !notices.is_empty() {
                let words: Vec<String> = notices
                    .into_iter()
                    .map(|n| (t().notice)(&Notice::Query(n)))
                    .collect();
                message.set(Some((false, words.join("; "))));
            }
        }
    };
    let delete = {
        let n = name.clone();
        move |_| {
            if let Err(e) = p.update_views(|s| s.delete(&n)) {
                message.set(Some((false, (t().prefs_error)(&e))));
            }
        }
    };
    let on_done = Callback::new(move |(old, new): (String, String)| {
        if let Err(e) = p.update_views(|s| s.rename(&old, &new)) {
            message.set(Some((false, (t().prefs_error)(&e))));
        }
        renaming.set(false);
    });
    let (old, key) = (name.clone(), name.clone());
    view! {
        <li data-saved-view=key>
            <ShowIf when=move || renaming.get() fallback=move || view! {
                <button class="qs-link-btn" title=t().apply_view on:click=apply.clone()>{name.clone()}</button>
                <span class="qs-saved-actions">
                    <button class="qs-btn qs-btn-quiet" on:click=move |_| renaming.set(true)>{t().rename}</button>
                    <button class="qs-btn qs-btn-quiet qs-danger" on:click=delete.clone()>{t().delete}</button>
                </span>
            }>
                <RenameBox old=old.clone() on_done=on_done/>
            </ShowIf>
        </li>
    }
}

#[component]
fn RenameBox(old: String, on_done: Callback<(String, String)>) -> impl IntoView {
    let text = RwSignal::new(old.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_done.run((old.clone(), text.get_untracked()));
    };
    view! {
        <form class="qs-inline-form" on:submit=submit>
            <input autocomplete="off" name="rename" aria-label=t().new_name prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
            <button class="qs-btn" type="submit">{t().ok}</button>
        </form>
    }
}

/// Import: paste or pick an exported file, merge or replace.
#[component]
fn ImportBox(importing: RwSignal<bool>, message: Message) -> impl IntoView {
    let p = expect_context::<Prefs>();
    let mode = RwSignal::new(ImportMode::Merge);
    let text = RwSignal::new(String::new());
    let import = move |_| {
        let r = prefs::import_all(
            &text.get_untracked(),
            mode.get_untracked(),
            &p.links.get_untracked(),
            &p.views.get_untracked(),
            &p.groupings.get_untracked(),
        );
        let r = r
            .map_err(PrefsError::Import)
            .and_then(|(l, v, g)| p.replace_all(l, v, g).map_err(PrefsError::ImportNotSaved));
        match r {
            Ok(()) => {
                importing.set(false);
                text.set(String::new());
                message.set(Some((true, t().imported.into())));
            }
            Err(e) => message.set(Some((false, (t().prefs_error)(&e)))),
        }
    };
    let radio = move |m: ImportMode, value: &'static str, words: &'static str| {
        view! {
            <label><input autocomplete="off" type="radio" name="import-mode" value=value prop:checked=move || mode.get() == m on:change=move |_| mode.set(m)/>" "{words}</label>
        }
    };
    view! {
        <div class="qs-import">
            <textarea autocomplete="off" name="import" rows="4" aria-label=t().import_paste placeholder=t().import_paste prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <input autocomplete="off" type="file" aria-label=t().import_file accept="application/json,.json" on:change=move |ev| read_file(ev, text, message)/>
            {radio(ImportMode::Merge, "merge", t().import_merge)}
            {radio(ImportMode::Replace, "replace", t().import_replace)}
            <button class="qs-btn" on:click=import>{t().import}</button>
        </div>
    }
}

/// Reads a chosen file into `into`; a file larger than an export can be
/// is refused with a message, unread.
fn read_file(ev: leptos::ev::Event, into: RwSignal<String>, message: Message) {
    use wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    // A size is a whole number of bytes, far below 2^53.
    let bytes = file.size() as u64;
    if bytes > prefs::MAX_IMPORT_BYTES as u64 {
        input.set_value("");
        let e = PrefsError::Import(prefs::import_too_large(bytes));
        message.set(Some((false, (t().prefs_error)(&e))));
        return;
    }
    let promise = file.text();
    leptos::task::spawn_local(async move {
        if let Ok(v) = wasm_bindgen_futures::JsFuture::from(promise).await {
            into.set(v.as_string().unwrap_or_default());
        }
    });
}
