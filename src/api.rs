//! Where the data comes from: the REST backend of SPEC §2, or the built-in
//! demo generated in the browser. Both yield the same checked core model.

use crate::config::{encode_component, Config, Credentials};
use crate::dom;
use crate::metrics_json;
use futures_util::future::join;
use gloo_net::http::Request;
use queuescope_core::analysis::PreparedBuilder;
use queuescope_core::contract::{QueueEntry, MAX_RUN_IDS_PER_REQUEST};
use queuescope_core::demo::{self, DemoConfig, DemoData};
use queuescope_core::limits::{Asked, ReadGuard, ReadLimitError, ReadLimits};
use queuescope_core::parse::{self, Metric, Series};
use queuescope_core::time::format_rfc3339;
use queuescope_core::{Job, Ms, SkipReport};
use std::rc::Rc;
use web_sys::AbortSignal;
use web_sys::RequestCredentials;

pub use crate::load_error::LoadError;

mod usage_worker;

/// The backend of this deployment.
#[derive(Clone)]
pub enum Source {
    /// Built-in demo data, generated once in the browser.
    Demo(Rc<DemoData>),
    /// The REST API of SPEC §2.
    Rest(Rest),
}

/// REST client settings.
#[derive(Clone)]
pub struct Rest {
    base: String,
    credentials: Credentials,
    token: Option<String>,
    /// `request_timeout_seconds`: the most one request may take.
    timeout_seconds: u32,
}

impl Source {
    /// Builds the source for a config; demo data is generated here (once).
    pub fn from_config(config: &Config, now: Ms) -> Source {
        match &config.api_base {
            Some(base) => Source::Rest({
                // Running by the first usage request.
                usage_worker::start();
                Rest {
                    base: base.clone(),
                    credentials: config.credentials,
                    token: config.bearer_token.clone(),
                    timeout_seconds: config.request_timeout(),
                }
            }),
            None => {
                let cfg = DemoConfig {
                    now,
                    jobs: config
                        .demo_jobs
                        .unwrap_or(DemoConfig::default().jobs)
                        .min(200_000),
                    ..DemoConfig::default()
                };
                Source::Demo(Rc::new(demo::generate(&cfg)))
            }
        }
    }

    /// The API's base URL (what the cache keys reads by); `None` for the demo.
    pub fn backend(&self) -> Option<&str> {
        match self {
            Source::Demo(_) => None,
            Source::Rest(r) => Some(&r.base),
        }
    }

    /// The queues to pick from, with what each one's jobs endpoint
    /// supports (the demo's: nothing beyond version 1).
    pub async fn queues(
        &self,
        abort: Option<&AbortSignal>,
    ) -> Result<(Vec<QueueEntry>, SkipReport), LoadError> {
        match self {
            Source::Demo(d) => {
                let entries = d.queues.iter().map(|info| QueueEntry {
                    info: info.clone(),
                    supports: Vec::new(),
                });
                Ok((entries.collect(), SkipReport::default()))
            }
            Source::Rest(r) => {
                let url = format!("{}/queues", r.base);
                let body = r.get_text(&url, abort, Read::One(Asked::Queues)).await?;
                parse::parse_queue_entries(&body).map_err(|source| LoadError::Parse { url, source })
            }
        }
    }

    /// Every job of `queue` whose lifetime overlaps [from, to), all pages,
    /// read into a [`PreparedBuilder`] (the caller finishes it) within the
    /// client's limits (SPEC §2). `progress` hears how much was read after
    /// every page's envelope, `partial` sees the builder after every page's
    /// records but the last (to draw a long read as it arrives). With `since`, only the jobs changed at or after it (SPEC
    /// §2 incremental reads; only for a queue that `supports` them, never
    /// the demo's).
    pub async fn jobs(
        &self,
        queue: &str,
        (from, to): (Ms, Ms),
        since: Option<Ms>,
        abort: Option<&AbortSignal>,
        progress: &dyn Fn(Progress),
        partial: &dyn Fn(&PreparedBuilder),
    ) -> Result<PreparedBuilder, LoadError> {
        let mut b = PreparedBuilder::new();
        match self {
            Source::Demo(d) => {
                let data = d.queues.iter().position(|q| q.id == queue);
                if let Some(data) = data.and_then(|i| d.datasets.get(i)) {
                    b.push_dataset(data);
                }
            }
            Source::Rest(r) => {
                r.jobs(&mut b, queue, (from, to), since, abort, (progress, partial))
                    .await?
            }
        }
        Ok(b)
    }

    /// Usage series of the given runs (each a job that ran), batched by at
    /// most 100 run ids a request.
    pub async fn metrics(
        &self,
        queue: &str,
        runs: &[Job],
        abort: Option<&AbortSignal>,
    ) -> Result<(Vec<Series>, SkipReport), LoadError> {
        match self {
            Source::Demo(d) => {
                let now = d
                    .queues
                    .iter()
                    .position(|q| q.id == queue)
                    .and_then(|i| d.datasets.get(i))
                    .map(|data| data.generated_at)
                    .unwrap_or_default();
                let seed = DemoConfig::default().seed;
                let out = runs
                    .iter()
                    .flat_map(|job| {
                        Metric::ALL
                            .into_iter()
                            .filter_map(move |m| demo::run_metrics(seed, job, now, m))
                    })
                    .collect();
                Ok((out, SkipReport::default()))
            }
            Source::Rest(r) => {
                let mut series = Vec::new();
                let mut skipped = SkipReport::default();
                let ids: Vec<&str> = runs.iter().filter_map(|j| j.run_id.as_deref()).collect();
                for chunk in ids.chunks(MAX_RUN_IDS_PER_REQUEST) {
                    let list: Vec<String> = chunk.iter().map(|s| encode_component(s)).collect();
                    let url = format!(
                        "{}/queues/{}/metrics?run_ids={}",
                        r.base,
                        encode_component(queue),
                        list.join(",")
                    );
                    let (s, k) = r.get_metrics(&url, abort).await?;
                    series.extend(s);
                    skipped.merge(k);
                }
                Ok((series, skipped))
            }
        }
    }
}

/// Who watches a read: `progress` after every page's envelope, `partial`
/// with the builder after every page's records but the last.
type Watch<'a> = (&'a dyn Fn(Progress), &'a dyn Fn(&PreparedBuilder));

/// How far a read has come: pages and jobs received so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Pages whose body arrived.
    pub pages: usize,
    /// Job records in them.
    pub jobs: usize,
}

impl Rest {
    /// Reads every page of a jobs request into `b`. Each page is read while
    /// the next one downloads: its envelope first (the cursor), then the
    /// next request starts, then its records are checked and folded into
    /// `b`; the page's text is dropped as soon as it is read. A
    /// [`ReadGuard`] holds the read to SPEC §2's limits: a repeated cursor,
    /// too many pages, jobs or bytes stop it with a message naming the limit.
    async fn jobs(
        &self,
        b: &mut PreparedBuilder,
        queue: &str,
        (from, to): (Ms, Ms),
        since: Option<Ms>,
        abort: Option<&AbortSignal>,
        (progress, partial): Watch<'_>,
    ) -> Result<(), LoadError> {
        let mut first = format!(
            "{}/queues/{}/jobs?from={}&to={}",
            self.base,
            encode_component(queue),
            encode_component(&format_rfc3339(from)),
            encode_component(&format_rfc3339(to)),
        );
        if let Some(g) = since {
            first += &format!("&updated_since={}", encode_component(&format_rfc3339(g)));
        }
        let mut guard = ReadGuard::new(ReadLimits::default());
        let mut url = first.clone();
        let mut body = self.get_text(&url, abort, Read::Jobs(&mut guard)).await?;
        loop {
            let limit = |url: &str| {
                let url = url.to_string();
                move |source| LoadError::Limit {
                    url,
                    asked: Asked::Jobs,
                    source,
                }
            };
            let (text, mut relaxed) = (&body, None);
            let relaxed = &mut relaxed;
            let envelope = move || {
                let relaxed = relaxed; // moved in: the page borrows from it
                parse::read_jobs_page(text, relaxed)
            };
            let page =
                dom::timed("qs:page-envelope", envelope).map_err(|source| LoadError::Parse {
                    url: url.clone(),
                    source,
                })?;
            let cursor = guard
                .page(page.len(), page.next_cursor.as_deref())
                .map_err(limit(&url))?
                .map(encode_component);
            progress(Progress {
                pages: guard.pages(),
                jobs: guard.jobs(),
            });
            let Some(cursor) = cursor else {
                dom::timed("qs:page-records", || b.push_page(page));
                return Ok(());
            };
            let next = format!("{first}&cursor={cursor}");
            // `join` polls the request first, which starts it; the records
            // are then read while it downloads.
            let read = async {
                dom::timed("qs:page-records", || b.push_page(page));
                partial(b);
            };
            let (next_body, ()) =
                join(self.get_text(&next, abort, Read::Jobs(&mut guard)), read).await;
            body = next_body?;
            url = next;
        }
    }

    /// One GET, as text ([`Rest::get_bytes`], decoded as `Response.text()`
    /// would: [`parse::body_text`]).
    async fn get_text(
        &self,
        url: &str,
        abort: Option<&AbortSignal>,
        read: Read<'_>,
    ) -> Result<String, LoadError> {
        self.get_bytes(url, abort, read).await.map(parse::body_text)
    }

    /// One GET, as the body's bytes. It is aborted by `abort` (a newer
    /// load) and by `request_timeout_seconds` (SPEC §2), whichever comes
    /// first; a body is counted against its jobs read's guard, or one
    /// page's limits on its own (refused unread when its declared length
    /// breaks a byte limit, stopped once it grows past one).
    async fn get_bytes(
        &self,
        url: &str,
        abort: Option<&AbortSignal>,
        mut read: Read<'_>,
    ) -> Result<Vec<u8>, LoadError> {
        let asked = read.asked();
        let credentials = match self.credentials {
            Credentials::Omit => RequestCredentials::Omit,
            Credentials::SameOrigin => RequestCredentials::SameOrigin,
            Credentials::Include => RequestCredentials::Include,
        };
        let deadline = Deadline::new(abort, self.timeout_seconds);
        let mut req = Request::get(url)
            .credentials(credentials)
            .abort_signal(Some(&deadline.signal));
        req = req.header("Accept", "application/json");
        if let Some(token) = &self.token {
            req = req.header("Authorization", &format!("Bearer {token}"));
        }
        let limit = |source| LoadError::Limit {
            url: url.to_string(),
            asked,
            source,
        };
        let network = |e: gloo_net::Error| self.network(&deadline, (url, asked), e);
        let resp = req.send().await.map_err(network)?;
        let status = resp.status();
        let body = read_body(&resp, &mut read).await.map_err(|e| match e {
            BodyError::Limit(e) => {
                // Stops the download of the body nobody will read.
                deadline.cancel();
                limit(e)
            }
            BodyError::Read(e) => network(e),
        })?;
        answered(url, status, body)
    }

    /// A request of `deadline` that the browser could not make or read:
    /// timed out (SPEC §2's limit), or a network error (or an abort).
    fn network(
        &self,
        deadline: &Deadline,
        (url, asked): (&str, Asked),
        e: gloo_net::Error,
    ) -> LoadError {
        match deadline.timed_out() {
            true => LoadError::Limit {
                url: url.to_string(),
                asked,
                source: ReadLimitError::TimedOut {
                    seconds: self.timeout_seconds,
                },
            },
            false => LoadError::Network {
                url: url.to_string(),
                detail: e.to_string(),
            },
        }
    }

    /// One usage metrics request (SPEC §2), read: through the usage worker
    /// (fetched, and a well-formed answer read into columns, off the main
    /// thread: `usage_worker`), or in the page when no worker runs.
    async fn get_metrics(
        &self,
        url: &str,
        abort: Option<&AbortSignal>,
    ) -> Result<(Vec<Series>, SkipReport), LoadError> {
        let parsed = |read: Result<(Vec<Series>, SkipReport), parse::ParseError>| {
            read.map_err(|source| LoadError::Parse {
                url: url.to_string(),
                source,
            })
        };
        let deadline = Deadline::new(abort, self.timeout_seconds);
        let who = (self.credentials, self.token.as_deref());
        let body = match usage_worker::get(url, who, &deadline.signal).await {
            Some(usage_worker::Answer::Columns(cols)) => {
                return parsed(dom::timed("qs:metrics-parse", || {
                    metrics_json::read_columns(&cols)
                }));
            }
            Some(usage_worker::Answer::Failed(detail)) => {
                let e = gloo_net::Error::GlooError(detail);
                return Err(self.network(&deadline, (url, Asked::Usage), e));
            }
            Some(usage_worker::Answer::Body(status, body)) => answered(url, status, body)?,
            Some(usage_worker::Answer::Limit(source)) => {
                return Err(LoadError::Limit {
                    url: url.to_string(),
                    asked: Asked::Usage,
                    source,
                });
            }
            None => {
                drop(deadline);
                self.get_bytes(url, abort, Read::One(Asked::Usage)).await?
            }
        };
        let body = parse::body_text(body);
        parsed(dom::timed("qs:metrics-parse", || {
            metrics_json::read_metrics(&body)
        }))
    }
}

/// The body of an answer of `status` to `url`; an error status as the
/// error it is (with the body's `{"error": ...}` message, SPEC §2).
fn answered(url: &str, status: u16, body: Vec<u8>) -> Result<Vec<u8>, LoadError> {
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let message =
        serde_json::from_str::<queuescope_core::contract::ErrorBody>(&parse::body_text(body))
            .ok()
            .map(|b| b.error);
    let url = url.to_string();
    Err(match status {
        401 => LoadError::SignIn { url, message },
        403 => LoadError::NoAccess { url, message },
        _ => LoadError::Http {
            url,
            status,
            message,
        },
    })
}

/// What one GET reads: a page of a jobs read, counted against the read's
/// guard, or one answer on its own (the queue list, a usage answer), held
/// to one page's limits.
enum Read<'g> {
    Jobs(&'g mut ReadGuard),
    One(Asked),
}

impl Read<'_> {
    fn asked(&self) -> Asked {
        match self {
            Read::Jobs(_) => Asked::Jobs,
            Read::One(asked) => *asked,
        }
    }
}

/// Why a body was not read.
enum BodyError {
    /// It broke a byte limit (SPEC §2).
    Limit(ReadLimitError),
    /// The browser could not read it (network, abort, timeout).
    Read(gloo_net::Error),
}

/// The body of `resp` as bytes, counted against `read`'s guard (SPEC §2's
/// byte limits; an answer on its own, against one page's limits): one whose declared `Content-Length` breaks a limit is refused
/// unread; every other is counted while it arrives and given up at the
/// limit. A declared length is not the body's: an answer compressed on the
/// way (`Content-Encoding: gzip`) declares its compressed size, which the
/// page cannot tell (the header is not exposed across origins), and 5 MB of
/// gzip can be 1 GB of JSON, which read whole would kill the page before
/// any count. Each chunk is copied once into the wasm memory, into room
/// made for the declared length. Bytes, not `Response.text()`: text would
/// be decoded from UTF-8 into a JS string and encoded back into UTF-8 to
/// cross into the wasm (two passes over ~2.4 MB a page of jobs), while the
/// parsers read UTF-8.
async fn read_body(
    resp: &gloo_net::http::Response,
    read: &mut Read<'_>,
) -> Result<Vec<u8>, BodyError> {
    let mut own = ReadGuard::new(ReadLimits::default());
    let guard = match read {
        Read::Jobs(guard) => guard,
        Read::One(_) => &mut own,
    };
    let declared = resp
        .headers()
        .get("content-length")
        .and_then(|n| n.trim().parse::<u64>().ok());
    guard.check_declared(declared).map_err(BodyError::Limit)?;
    let room = declared.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let body = bytes_capped(resp, room, |n| guard.check_arriving(n)).await?;
    guard
        .body(u64::try_from(body.len()).unwrap_or(u64::MAX))
        .map_err(BodyError::Limit)?;
    Ok(body)
}

/// The body of `resp`, read chunk by chunk into a buffer made with room
/// for `room` bytes, and given up (the reader cancelled) as soon as the
/// bytes so far fail `check`.
async fn bytes_capped(
    resp: &gloo_net::http::Response,
    room: usize,
    check: impl Fn(u64) -> Result<(), ReadLimitError>,
) -> Result<Vec<u8>, BodyError> {
    use wasm_bindgen::JsCast;
    let Some(stream) = resp.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes: Vec<u8> = Vec::with_capacity(room);
    loop {
        let step = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| BodyError::Read(js_error(e)))?
            .unchecked_into::<web_sys::ReadableStreamReadResult>();
        if step.get_done().unwrap_or(true) {
            break;
        }
        let chunk = js_sys::Uint8Array::new(&step.get_value());
        let len = chunk.length() as usize;
        if let Err(e) = check(bytes.len().saturating_add(len) as u64) {
            let _ = reader.cancel();
            return Err(BodyError::Limit(e));
        }
        let at = bytes.len();
        bytes.resize(at + len, 0);
        chunk.copy_to(&mut bytes[at..]);
    }
    Ok(bytes)
}

/// A rejection of the browser's stream reader as a request error.
fn js_error(e: wasm_bindgen::JsValue) -> gloo_net::Error {
    use wasm_bindgen::JsCast;
    let detail = match e.dyn_ref::<js_sys::Error>() {
        Some(err) => String::from(err.message()),
        None => e
            .as_string()
            .unwrap_or_else(|| "the answer could not be read".into()),
    };
    gloo_net::Error::GlooError(detail)
}

/// The abort signal of one request: the caller's (a newer load), the
/// request's timeout, and the request's own (to stop a body unread),
/// combined with `AbortSignal.any` (Chromium 116+, Firefox 124+, Safari
/// 17.4+), or, where the browser lacks it, an own controller that listeners
/// on the other two abort.
struct Deadline {
    /// What the request listens to.
    signal: AbortSignal,
    /// Fires after the timeout.
    timeout: AbortSignal,
    own: Option<web_sys::AbortController>,
    /// The fallback's listeners, removed when the request ends.
    listeners: Vec<(AbortSignal, wasm_bindgen::closure::Closure<dyn Fn()>)>,
}

impl Deadline {
    fn new(abort: Option<&AbortSignal>, seconds: u32) -> Deadline {
        use wasm_bindgen::JsCast;
        let timeout = AbortSignal::timeout_with_u32(seconds.saturating_mul(1000));
        let own = web_sys::AbortController::new().ok();
        let mut d = Deadline {
            signal: timeout.clone(),
            timeout,
            own,
            listeners: Vec::new(),
        };
        let Some(own) = &d.own else {
            // No controller (cannot happen in a browser with fetch): the
            // timeout alone, and the caller's abort is not heard.
            return d;
        };
        let mut signals: Vec<AbortSignal> = vec![own.signal(), d.timeout.clone()];
        signals.extend(abort.cloned());
        let has_any = js_sys::Reflect::get(&js_sys::global(), &"AbortSignal".into())
            .and_then(|ctor| js_sys::Reflect::has(&ctor, &"any".into()))
            .unwrap_or(false);
        if has_any {
            let list: js_sys::Array = signals.iter().collect();
            d.signal = AbortSignal::any(&list);
        } else {
            d.signal = own.signal();
            for s in signals.into_iter().skip(1) {
                if s.aborted() {
                    own.abort();
                }
                let own = own.clone();
                let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || own.abort());
                let _ = s.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
                d.listeners.push((s, cb));
            }
        }
        d
    }

    /// The request ran out of time (rather than being aborted by its caller).
    fn timed_out(&self) -> bool {
        self.timeout.aborted()
    }

    /// Aborts the request (its body is not wanted).
    fn cancel(&self) {
        if let Some(own) = &self.own {
            own.abort();
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        for (s, cb) in self.listeners.drain(..) {
            let _ = s.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
    }
}
