//! Usage answers read off the main thread (`usage-worker.js`, a plain JS
//! dedicated worker; issue #14, the brush's budget): the worker fetches a
//! usage metrics request, reads its body and `JSON.parse`s it into flat
//! columns, and transfers the columns' typed arrays; here they are copied
//! once into the wasm memory and checked by core, as the page's own read
//! does ([`crate::metrics_json`]). The request is sent when the brush is
//! released and its answer is read while the main thread is still drawing
//! the brush's 50 new rows, instead of after that frame. SPEC §2's rules
//! hold across the boundary (see the JS file): the request's signal aborts
//! it in the worker, status and body come back as sent (an error status,
//! or an answer the columns cannot carry, is read here as before). When no
//! worker runs (it could not start, or failed), [`get`] says so and the
//! caller fetches in the page as before.

use crate::config::Credentials;
use queuescope_core::limits::{ReadLimitError, MAX_PAGE_BYTES};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/api/usage-worker.js")]
extern "C" {
    fn qs_usage_start() -> bool;
    fn qs_usage_get(
        url: &str,
        credentials: &str,
        token: Option<String>,
        signal: &AbortSignal,
        limit: f64,
    ) -> js_sys::Promise;

    /// One answer of the worker (the shapes are listed in the JS file).
    type Reply;
    #[wasm_bindgen(method, getter)]
    fn fallback(this: &Reply) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn error(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Reply) -> Option<u16>;
    #[wasm_bindgen(method, getter)]
    fn cols(this: &Reply) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Reply) -> Option<js_sys::ArrayBuffer>;
    #[wasm_bindgen(method, getter)]
    fn limit(this: &Reply) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn declared(this: &Reply) -> Option<f64>;
}

/// What the worker made of one request.
pub(super) enum Answer {
    /// The fetch failed (network, abort, timeout): the browser's words.
    Failed(String),
    /// A 2xx answer read into `qs_metrics_columns`' columns.
    Columns(JsValue),
    /// Any other answer (an error status, or a body the columns cannot
    /// carry): its status and body as sent.
    Body(u16, Vec<u8>),
    /// The body broke the page's byte limit (SPEC §2's limits, as the jobs
    /// pages): its download was stopped.
    Limit(ReadLimitError),
}

/// Starts the page's usage worker (once; later calls keep it), so that it
/// is running by the first usage request. One that cannot start makes
/// every request fall back (`<html data-usage-worker="off">`).
pub(super) fn start() {
    qs_usage_start();
}

/// One usage request through the worker, aborted by `signal`; `None` when
/// no worker runs (fetch it in the page).
pub(super) async fn get(
    url: &str,
    (credentials, token): (Credentials, Option<&str>),
    signal: &AbortSignal,
) -> Option<Answer> {
    let credentials = match credentials {
        Credentials::Omit => "omit",
        Credentials::SameOrigin => "same-origin",
        Credentials::Include => "include",
    };
    let promise = qs_usage_get(
        url,
        credentials,
        token.map(String::from),
        signal,
        // Exact: 64 MB is far below 2^53.
        MAX_PAGE_BYTES as f64,
    );
    let reply: Reply = match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(r) => r.unchecked_into(),
        Err(e) => return Some(Answer::Failed(format!("{e:?}"))),
    };
    if reply.fallback() == Some(true) {
        return None;
    }
    if let Some(error) = reply.error() {
        return Some(Answer::Failed(error));
    }
    if reply.limit().is_some() {
        let limit = MAX_PAGE_BYTES;
        return Some(Answer::Limit(match reply.declared() {
            // A whole number of bytes the header said, at most 2^53.
            Some(bytes) => ReadLimitError::PageTooLarge {
                bytes: bytes as u64,
                limit,
            },
            None => ReadLimitError::PageGrewTooLarge { limit },
        }));
    }
    let Some(status) = reply.status() else {
        return Some(Answer::Failed("the answer could not be read".into()));
    };
    Some(match reply.body() {
        Some(body) => Answer::Body(status, js_sys::Uint8Array::new(&body).to_vec()),
        None => Answer::Columns(reply.cols()),
    })
}
