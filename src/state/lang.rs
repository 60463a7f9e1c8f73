//! The page language (SPEC §4 and §5 `lang`): the URL's `lang` wins, then
//! the user's own choice in the app (kept in local storage), then the
//! config's, then the browser's. `<html lang>` follows it, and so does
//! [`crate::i18n::current`], which the view tree reads while it is built.

use super::ViewState;
use crate::dom;
use crate::i18n;
use leptos::prelude::*;
use queuescope_core::prefs::STORAGE_KEY_PREFIX;
use queuescope_core::view::Lang;

/// The local-storage key of the user's language choice.
fn key() -> String {
    format!("{STORAGE_KEY_PREFIX}lang")
}

/// The language the browser asks for (`navigator.language`).
pub fn browser() -> Lang {
    // Read through Reflect: web-sys' Navigator binding would be one more
    // feature (and rebuild) for one string.
    let get = |o: &wasm_bindgen::JsValue, k: &str| {
        js_sys::Reflect::get(o, &wasm_bindgen::JsValue::from_str(k)).ok()
    };
    let tag = web_sys::window()
        .and_then(|w| get(&w, "navigator"))
        .and_then(|n| get(&n, "language"))
        .and_then(|l| l.as_string())
        .unwrap_or_default();
    i18n::from_browser(&tag)
}

/// The page language and its writer.
#[derive(Clone, Copy)]
pub struct LangState {
    /// The language the page shows.
    pub lang: Memo<Lang>,
    view: ViewState,
    stored: RwSignal<Option<Lang>>,
}

impl LangState {
    /// Derives the language from the view, the stored choice, `config`'s
    /// and the browser's; keeps `<html lang>` in step; provides the state.
    pub fn provide(view: ViewState, config: Option<Lang>) -> LangState {
        let stored = RwSignal::new(dom::storage_get(&key()).and_then(|s| Lang::parse(&s)));
        let lang = Memo::new(move |_| {
            view.with(|v| v.lang)
                .or(stored.get())
                .or(config)
                .unwrap_or_else(browser)
        });
        crate::reactive::effect(move || dom::set_html_lang(lang.get()));
        let s = LangState { lang, view, stored };
        provide_context(s);
        s
    }

    /// The user picked a language: shown now, in the URL, and remembered
    /// for the next visit (a storage that refuses only loses the latter).
    pub fn set(&self, lang: Lang) {
        let _ = dom::storage_set(&key(), lang.as_str());
        self.stored.set(Some(lang));
        self.view.set_lang(Some(lang));
    }
}
