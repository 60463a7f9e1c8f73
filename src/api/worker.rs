//! The jobs pages through the fetching worker (`fetch-worker.js`, a plain
//! JS dedicated worker; issue #14 "navigation → first ready"): the worker
//! fetches and reads each body off the main thread and transfers its
//! `ArrayBuffer`; here it is copied once into the wasm memory, as
//! `Response.arrayBuffer()` was. SPEC §2's rules hold across the boundary
//! (see the JS file): the request's signal aborts it in the worker, the
//! worker stops a body past the guard's [`ReadGuard::room`] and the guard
//! names the limit, status and body come back as sent. When no worker runs
//! (it could not start, or failed), [`get`] says so and the caller fetches
//! in the page as before.

use super::BodyError;
use crate::config::Credentials;
use queuescope_core::limits::ReadGuard;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/api/fetch-worker.js")]
extern "C" {
    fn qs_fetcher_start() -> bool;
    fn qs_fetcher_get(
        url: &str,
        credentials: &str,
        token: Option<String>,
        cap: f64,
        signal: &AbortSignal,
    ) -> js_sys::Promise;

    /// One answer of the worker (the shapes are listed in the JS file).
    type Answer;
    #[wasm_bindgen(method, getter)]
    fn fallback(this: &Answer) -> Option<bool>;
    #[wasm_bindgen(method, getter)]
    fn error(this: &Answer) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Answer) -> Option<u16>;
    #[wasm_bindgen(method, getter)]
    fn declared(this: &Answer) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Answer) -> Option<js_sys::ArrayBuffer>;
    #[wasm_bindgen(method, getter)]
    fn arrived(this: &Answer) -> Option<f64>;
}

/// Starts the page's fetching worker (once; later calls keep it), so that
/// it is running by the first jobs request. One that cannot start makes
/// every request fall back (`<html data-fetch-worker="off">`).
pub(super) fn start() {
    qs_fetcher_start();
}

/// A `Content-Length` as the app reads it (the worker's `declaredLength`
/// reads it the same way).
pub(super) fn declared_length(text: Option<String>) -> Option<u64> {
    text.and_then(|n| n.trim().parse::<u64>().ok())
}

/// One GET of a jobs page through the worker, counted against `guard`
/// (as `read_body` counts a body read in the page): the status and the
/// body, or why not; `None` when no worker runs (fetch it in the page).
pub(super) async fn get(
    url: &str,
    (credentials, token): (Credentials, Option<&str>),
    signal: &AbortSignal,
    guard: &mut ReadGuard,
) -> Option<Result<(u16, Vec<u8>), BodyError>> {
    let credentials = match credentials {
        Credentials::Omit => "omit",
        Credentials::SameOrigin => "same-origin",
        Credentials::Include => "include",
    };
    let cap = guard.room() as f64;
    let promise = qs_fetcher_get(url, credentials, token.map(String::from), cap, signal);
    let answer: Answer = match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(a) => a.unchecked_into(),
        Err(e) => return Some(Err(BodyError::Read(super::js_error(e)))),
    };
    if answer.fallback() == Some(true) {
        return None;
    }
    if let Some(error) = answer.error() {
        return Some(Err(BodyError::Read(error)));
    }
    let declared = declared_length(answer.declared());
    let Some(status) = answer.status() else {
        return Some(Err(BodyError::Read("the answer could not be read".into())));
    };
    let body = match answer.body() {
        Some(body) => body,
        None => {
            // Stopped past the cap: the guard names the limit.
            let over = match answer.arrived() {
                Some(n) => guard.check_arriving(n as u64),
                None => guard.check_declared(declared),
            };
            let e = over.err().map_or_else(
                || BodyError::Read("the answer could not be read".into()),
                BodyError::Limit,
            );
            return Some(Err(e));
        }
    };
    let body = js_sys::Uint8Array::new(&body).to_vec();
    Some(super::count_body(guard, body).map(|b| (status, b)))
}
