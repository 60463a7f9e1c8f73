//! The theme control in the header: System, Light or Dark. The user's
//! choice wins over the config's `theme` and is kept in local storage
//! (`state::ThemeState`). Its words are the catalogue's (`crate::i18n`).

use crate::i18n::t;
use crate::state::ThemeState;
use leptos::prelude::*;
use queuescope_core::theme::Theme;

/// The theme picker: a labelled `<select>` (keyboard and screen readers
/// work as for any select).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<ThemeState>();
    let current = move || theme.choice.get().unwrap_or(theme.config);
    let options = Theme::ALL
        .into_iter()
        .zip(t().theme_names)
        .map(|(th, name)| {
            view! {
                <option value=th.as_str() selected=move || current() == th>{name}</option>
            }
        })
        .collect_view();
    view! {
        <label class="qs-theme" title=t().theme_hint>
            <span>{t().theme}</span>
            <select autocomplete="off" data-theme-choice prop:value=move || current().as_str()
                on:change=move |ev| {
                    if let Some(t) = Theme::parse(&event_target_value(&ev)) {
                        theme.choose(t);
                    }
                }>
                {options}
            </select>
        </label>
    }
}
