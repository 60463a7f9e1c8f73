//! The page's theme (SPEC §4 `theme`): the config's setting, the user's own
//! choice (which wins, kept in local storage), the system's preference
//! (followed live under `auto`), the scheme they come to, and the colour
//! tokens the charts are drawn in, read from the page's computed custom
//! properties whenever the scheme changes (so a host page that overrides
//! the documented tokens restyles the charts too).

use super::{Notices, Shared};
use crate::dom;
use crate::notice::Notice;
use crate::render::Tokens;
use leptos::html::Div;
use leptos::prelude::*;
use queuescope_core::prefs::{self, Appearance, APPEARANCE_KEY};
use queuescope_core::theme::{Scheme, Theme};
use wasm_bindgen::JsCast;

/// The theme context.
#[derive(Clone, Copy)]
pub struct ThemeState {
    /// The user's choice in the app (`None`: the config's).
    pub choice: RwSignal<Option<Theme>>,
    /// The config's `theme`.
    pub config: Theme,
    /// The scheme on screen.
    pub scheme: Memo<Scheme>,
    /// The chart colours of the scheme on screen, as the page computes them.
    pub tokens: RwSignal<Shared<Tokens>>,
    notices: Notices,
}

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

impl ThemeState {
    /// Reads the stored choice, starts following the system's preference,
    /// and provides the context.
    pub fn provide(config: Theme, notices: Notices) -> ThemeState {
        let (stored, notice) = prefs::load_appearance(dom::storage_get(APPEARANCE_KEY).as_deref());
        notices.extend(notice);
        let choice = RwSignal::new(stored.theme);
        let system_dark = crate::hooks::use_media(DARK_QUERY);
        let scheme = Memo::new(move |_| Theme::resolve(choice.get(), config, system_dark.get()));
        let t = ThemeState {
            choice,
            config,
            scheme,
            tokens: RwSignal::new(Shared::new(Tokens::fallback())),
            notices,
        };
        provide_context(t);
        t
    }

    /// The user chooses a theme: it wins over the config's and is kept.
    pub fn choose(&self, theme: Theme) {
        self.choice.set(Some(theme));
        let stored = Appearance {
            theme: Some(theme),
            ..Appearance::default()
        };
        if let Err(e) = dom::storage_set(APPEARANCE_KEY, &prefs::save_appearance(&stored)) {
            self.notices.extend([Notice::ThemeNotSaved(e)]);
        }
    }

    /// Applies the scheme to the app's root (`data-theme`) and reads the
    /// tokens it computes, now and on every change of the scheme.
    pub fn bind(&self, root: NodeRef<Div>) {
        let (scheme, tokens) = (self.scheme, self.tokens);
        crate::reactive::effect(move || {
            let s = scheme.get();
            let Some(el) = root.get() else { return };
            let el: web_sys::HtmlElement = el.into();
            let _ = el.set_attribute("data-theme", s.as_str());
            tokens.set(Shared::new(read_tokens(&el)));
        });
    }
}

/// The tokens as `el` computes them. Each is resolved through a probe's
/// `color` (the browser turns any CSS colour a host writes, `hsl()` or a
/// name, into `rgb()`), the probe living inside `el` for the duration.
fn read_tokens(el: &web_sys::HtmlElement) -> Tokens {
    let Some((win, doc)) = web_sys::window().and_then(|w| Some((w.clone(), w.document()?))) else {
        return Tokens::fallback();
    };
    let Ok(probe) = doc.create_element("span") else {
        return Tokens::fallback();
    };
    let _ = probe.set_attribute("aria-hidden", "true");
    let _ = el.append_child(&probe);
    let style = probe.unchecked_ref::<web_sys::HtmlElement>().style();
    let computed = win.get_computed_style(&probe).ok().flatten();
    let tokens = Tokens::read(|name| {
        let declared = computed.as_ref()?.get_property_value(name).ok()?;
        if declared.trim().is_empty() {
            return None;
        }
        style.set_property("color", &format!("var({name})")).ok()?;
        computed.as_ref()?.get_property_value("color").ok()
    });
    probe.remove();
    tokens
}
