//! Start-up: read the runtime config (SPEC §4), then mount the dashboard.

use crate::api::Source;
use crate::components::Dashboard;
use crate::config::{Config, ConfigError};
use crate::dom;
use crate::i18n;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;

/// Where the config came from, or why it could not be read.
#[derive(Clone)]
enum ConfigLoad {
    Ready(Config),
    Failed(ConfigError),
}

/// The host page's config object: the mount's argument, else
/// `window.queuescopeConfig` if the page set it.
fn host_object(host: Option<JsValue>) -> Option<JsValue> {
    host.or_else(|| {
        let w = web_sys::window()?;
        let v = js_sys::Reflect::get(&w, &JsValue::from_str("queuescopeConfig")).ok()?;
        (!v.is_undefined() && !v.is_null()).then_some(v)
    })
}

/// Reads a host page's config object.
fn from_host(obj: &JsValue) -> ConfigLoad {
    let text = js_sys::JSON::stringify(obj)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    match Config::from_json(&text) {
        Ok(mut c) => {
            // A host may hand over a bearer token at runtime; it never
            // travels in config.json.
            c.bearer_token = js_sys::Reflect::get(obj, &JsValue::from_str("bearer_token"))
                .ok()
                .and_then(|v| v.as_string());
            ConfigLoad::Ready(c)
        }
        Err(e) => ConfigLoad::Failed(e),
    }
}

/// Reads the config into `config`: a host page's object at once (see
/// [`host_object`]), else `config.json` beside `index.html` when it
/// answers; what is shown stays until then. A read that a later one
/// overtook (a second click on Retry) is dropped. (A `LocalResource` did
/// this before: see [`crate::reactive::run_latest`].)
fn read_config(host: Option<JsValue>, config: RwSignal<Option<ConfigLoad>>, reads: RwSignal<u32>) {
    reads.update_untracked(|n| *n += 1);
    if let Some(obj) = host_object(host) {
        config.set(Some(from_host(&obj)));
        return;
    }
    crate::reactive::run_latest(reads, fetch_config(), move |read| config.set(Some(read)));
}

/// Reads `config.json` beside `index.html`. A missing file (404, or the
/// index.html page a host's fallback serves instead) means demo mode.
async fn fetch_config() -> ConfigLoad {
    let resp = match gloo_net::http::Request::get("config.json").send().await {
        Ok(r) => r,
        Err(e) => return ConfigLoad::Failed(ConfigError::Unreadable(e.to_string())),
    };
    // A static host that rewrites missing files to index.html (an SPA
    // fallback: trunk serve, many CDNs) answers a web page: no config file.
    let is_page = resp
        .headers()
        .get("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
    match resp.status() {
        404 => ConfigLoad::Ready(Config::default()),
        200..=299 if is_page => {
            web_sys::console::warn_1(
                &"config.json answered a web page (a fallback to index.html): no config, demo data"
                    .into(),
            );
            ConfigLoad::Ready(Config::default())
        }
        200..=299 => match resp.text().await {
            Ok(body) => match Config::from_json(&body) {
                Ok(c) => ConfigLoad::Ready(c),
                Err(e) => ConfigLoad::Failed(e),
            },
            Err(e) => ConfigLoad::Failed(ConfigError::Unreadable(e.to_string())),
        },
        s => ConfigLoad::Failed(ConfigError::Http(s)),
    }
}

/// The root: config first, then the dashboard.
#[component]
fn App(host_config: Option<SendWrapper<JsValue>>) -> impl IntoView {
    // Before the config is read, the URL's or the browser's language.
    let (early, _) = queuescope_core::view::parse_query(&dom::location_search());
    let lang = early.lang.unwrap_or_else(crate::state::lang::browser);
    i18n::set_current(lang);
    // The splash and the config-failure page are in that language too.
    dom::set_html_lang(lang);
    let reads = RwSignal::new(0u32);
    let host = host_config.map(|h| h.take());
    let config = RwSignal::new(None::<ConfigLoad>);
    read_config(host.clone(), config, reads);
    let content = move || match config.get() {
        None => view! { <div class="qs-splash" role="status">{i18n::t().loading_config}</div> }
            .into_any(),
        Some(ConfigLoad::Failed(e)) => {
            dom::set_app_state(dom::AppState::Error);
            let host = host.clone();
            view! {
                <div class="qs-splash qs-error" role="alert" data-config-error>
                    <p>{(i18n::t().config_error)(&e)}</p>
                    <button class="qs-btn" on:click=move |_| read_config(host.clone(), config, reads)>{i18n::t().retry}</button>
                </div>
            }
            .into_any()
        }
        Some(ConfigLoad::Ready(cfg)) => {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(cfg.title());
            }
            dom::mark("qs-config");
            let source = Source::from_config(&cfg, dom::now_ms());
            dom::mark("qs-source");
            view! { <Dashboard config=cfg source=source/> }.into_any()
        }
    };
    view! { {move || content()} }
}

/// Trunk's entry: mounts into `#queuescope` if the page has one, else the
/// body, unless the host page set `window.queuescopeManualMount = true` and
/// calls [`mount_queuescope`] itself.
pub fn start() {
    console_error_panic_hook::set_once();
    crate::inspect::install();
    let manual = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("queuescopeManualMount")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if manual {
        return;
    }
    let target = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("queuescope"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    match target {
        Some(el) => leptos::mount::mount_to(el, || view! { <App host_config=None/> }).forget(),
        None => leptos::mount::mount_to_body(|| view! { <App host_config=None/> }),
    }
}

/// Embedding: a host page mounts the dashboard into `element` and hands it
/// the config object (SPEC §4 fields, plus an optional `bearer_token`).
#[wasm_bindgen]
pub fn mount_queuescope(element: web_sys::HtmlElement, config: JsValue) {
    console_error_panic_hook::set_once();
    crate::inspect::install();
    let host = (!config.is_undefined() && !config.is_null()).then(|| SendWrapper::new(config));
    leptos::mount::mount_to(element, move || view! { <App host_config=host.clone()/> }).forget();
}
