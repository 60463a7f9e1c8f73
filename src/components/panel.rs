//! The panel frame every panel shares: a titled card with a `data-panel`
//! hook and a loading / empty / error overlay, and the table pager.

use crate::format;
use crate::i18n::t;
use crate::state::{Analysis, DataState};
use leptos::prelude::*;

/// What a panel shows besides its content.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelStatus {
    /// Waiting for data.
    Loading,
    /// Data, but nothing in it for this view.
    Empty(String),
    /// The data could not be loaded.
    Error(String),
    /// Content is current.
    Ready,
}

/// The status every data panel shares: loading before the first data,
/// error when a load failed with nothing to show, empty when no job is in
/// the view.
pub fn data_status(empty_text: &'static str) -> Signal<PanelStatus> {
    let data = expect_context::<DataState>();
    let a = expect_context::<Analysis>();
    Signal::derive(move || {
        let has = data.loaded.with(|l| l.is_some());
        if !has {
            return match data.error.get() {
                Some(e) => PanelStatus::Error((t().load_error)(&e)),
                None => PanelStatus::Loading,
            };
        }
        if a.selection.with(|s| s.0.is_empty()) {
            PanelStatus::Empty(empty_text.to_string())
        } else {
            PanelStatus::Ready
        }
    })
}

/// A panel: titled card with a `data-panel` hook and a status overlay.
#[component]
pub fn Panel(
    /// The `data-panel` value (SPEC §6).
    name: &'static str,
    /// Heading.
    title: &'static str,
    /// A line under the heading (what the panel shows).
    #[prop(optional, into)]
    subtitle: Option<Signal<String>>,
    /// Loading / empty / error / ready.
    #[prop(into)]
    status: Signal<PanelStatus>,
    /// Extra CSS class (layout).
    #[prop(optional)]
    class: &'static str,
    /// Buttons on the right of the heading.
    #[prop(optional, into)]
    actions: Option<ViewFn>,
    /// The content (kept mounted in every state, so charts survive).
    children: Children,
) -> impl IntoView {
    let overlay = move || match status.get() {
        PanelStatus::Loading => {
            Some(view! { <div class="qs-overlay" role="status">{t().loading}</div> }.into_any())
        }
        PanelStatus::Empty(t) => {
            Some(view! { <div class="qs-overlay qs-empty">{t}</div> }.into_any())
        }
        PanelStatus::Error(t) => {
            Some(view! { <div class="qs-overlay qs-error" role="alert">{t}</div> }.into_any())
        }
        PanelStatus::Ready => None,
    };
    view! {
        <section class=format!("qs-panel {class}") data-panel=name>
            <header class="qs-panel-head">
                <div>
                    <h2>{title}</h2>
                    {subtitle.map(|s| view! { <p class="qs-sub">{move || s.get()}</p> })}
                </div>
                <div class="qs-panel-actions">{actions.map(|a| a.run())}</div>
            </header>
            <div class="qs-panel-body">{children()} {overlay}</div>
        </section>
    }
}

/// Pager: "1–50 of 312" with previous/next.
#[component]
pub fn Pager(page: RwSignal<usize>, total: Signal<usize>, per_page: usize) -> impl IntoView {
    let pages = move || total.get().div_ceil(per_page).max(1);
    let range = move || {
        let n = total.get();
        if n == 0 {
            return t().no_rows.to_string();
        }
        let start = page.get() * per_page + 1;
        let end = ((page.get() + 1) * per_page).min(n);
        (t().rows_of)(
            &format::count(start),
            &format::count(end),
            &format::count(n),
        )
    };
    view! {
        <div class="qs-pager">
            <span>{range}</span>
            <button class="qs-btn qs-btn-quiet" aria-label=t().prev_page disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"‹"</button>
            <span class="qs-muted">{move || (t().page_of)(page.get() + 1, pages())}</span>
            <button class="qs-btn qs-btn-quiet" aria-label=t().next_page disabled=move || { page.get() + 1 >= pages() } on:click=move |_| page.update(|p| *p += 1)>"›"</button>
        </div>
    }
}

/// A page number that goes back to the first page whenever `reset` runs
/// again (a new selection, another order).
pub fn page_signal(reset: impl Fn() + 'static) -> RwSignal<usize> {
    let page = RwSignal::new(0usize);
    crate::reactive::effect(move || {
        reset();
        // Setting a signal notifies even when the value is equal.
        if page.get_untracked() != 0 {
            page.set(0);
        }
    });
    page
}

/// Leptos' `Show` compiled once for every use: its condition is a
/// `Signal<bool>` and its children an `AnyView`, where `Show` is generic
/// over both (a copy of it per use; docs/design.md, branch types5). The
/// condition is memoized, as `Show`'s is: the children are built again only
/// when it turns true.
#[component]
pub fn ShowIf(
    /// Whether the children show.
    #[prop(into)]
    when: Signal<bool>,
    /// Shown while `when` is false.
    #[prop(optional, into)]
    fallback: ViewFn,
    /// Shown while `when` is true.
    children: ChildrenFn,
) -> impl IntoView {
    let shown = Memo::new(move |_| when.get());
    view! { {move || if shown.get() { children() } else { fallback.run() }} }
}
