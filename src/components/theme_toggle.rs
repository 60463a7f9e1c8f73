//! The theme control in the header: System, Light or Dark. The user's
//! choice wins over the config's `theme` and is kept in local storage
//! (`state::ThemeState`).

use crate::state::ThemeState;
use leptos::prelude::*;
use queuescope_core::theme::Theme;

/// Every user-visible string of the theme control, in one place (for the
/// catalogue of issue #15 item 2).
pub mod text {
    use queuescope_core::theme::Theme;

    /// The control's label.
    pub const LABEL: &str = "Theme";
    /// The control's tooltip.
    pub const HINT: &str = "Light or dark page and charts; System follows your device's setting";

    /// What the picker calls a setting.
    pub fn option(t: Theme) -> &'static str {
        match t {
            Theme::Auto => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
}

/// The theme picker: a labelled `<select>` (keyboard and screen readers
/// work as for any select).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<ThemeState>();
    let current = move || theme.choice.get().unwrap_or(theme.config);
    let options = Theme::ALL
        .into_iter()
        .map(|t| {
            view! {
                <option value=t.as_str() selected=move || current() == t>{text::option(t)}</option>
            }
        })
        .collect_view();
    view! {
        <label class="qs-theme" title=text::HINT>
            <span>{text::LABEL}</span>
            <select data-theme-choice prop:value=move || current().as_str()
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
