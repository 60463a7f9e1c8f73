//! The REST contract of SPEC §2 as a pure function from (method, URL,
//! active faults) to what to do, so routing, paging, every error answer and
//! every fault are unit-tested without sockets. `main` only moves bytes,
//! adds the CORS headers and keeps time.

use crate::faults::{
    hostile, hostile_queues, pad, strip_hostile, synthetic_job, truncate, Effects, Endpoint, Fault,
    Wire, HTML_PAGE,
};
use crate::store::{Query, QueueData, Store};
use queuescope_core::contract::{RawSeries, MAX_RUN_IDS_PER_REQUEST};
use queuescope_core::demo::run_metrics;
use queuescope_core::model::Ms;
use queuescope_core::parse::Metric;
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use std::time::Duration;

/// Every endpoint lives under this path: `api_base` is `http://HOST:PORT/api/v1`.
pub const BASE: &str = "/api/v1";

/// An answer, before it becomes HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` value.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    fn json(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: JSON,
            body,
        }
    }

    /// A 4xx/5xx answer with the contract's `{"error": "..."}` body.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: serde_json::json!({ "error": message }).to_string(),
        }
    }
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Hold it open and never answer (the `hang` fault).
    Hang,
    /// Send `reply` once `delay` has passed.
    Send {
        /// The answer.
        reply: Reply,
        /// How long to wait first (the `slow` faults).
        delay: Duration,
        /// How it goes on the wire (the `chunked` and `gzip` faults).
        wire: Wire,
    },
}

/// The endpoint a path names, with its queue id (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Healthz,
    Queues,
    Jobs(String),
    Metrics(String),
    NotFound,
}

impl Route {
    fn of(path: &str) -> Route {
        let path = path.trim_end_matches('/');
        if path == "/healthz" {
            return Route::Healthz;
        }
        let Some(rest) = path.strip_prefix(BASE) else {
            return Route::NotFound;
        };
        let segments: Vec<String> = rest.split('/').skip(1).map(percent_decode).collect();
        match segments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["queues"] => Route::Queues,
            ["queues", id, "jobs"] => Route::Jobs(id.to_string()),
            ["queues", id, "metrics"] => Route::Metrics(id.to_string()),
            _ => Route::NotFound,
        }
    }

    /// The endpoint a fault can target, and its queue.
    fn endpoint(&self) -> Option<(Endpoint, Option<&str>)> {
        match self {
            Route::Queues => Some((Endpoint::Queues, None)),
            Route::Jobs(q) => Some((Endpoint::Jobs, Some(q))),
            Route::Metrics(q) => Some((Endpoint::Metrics, Some(q))),
            Route::Healthz | Route::NotFound => None,
        }
    }
}

/// Answers one request under the active `faults`, as of the clock's `now`.
/// Never panics, whatever the URL. Faults hit `GET`/`HEAD` of the three
/// API endpoints only.
pub fn answer(
    store: &Store,
    method: &str,
    url: &str,
    page_size: usize,
    faults: &[Fault],
    now: Ms,
) -> Outcome {
    let path = url.split_once('?').map_or(url, |(p, _)| p);
    let route = Route::of(path);
    let fx = match (method, route.endpoint()) {
        ("GET" | "HEAD", Some((endpoint, queue))) => Effects::of(faults, endpoint, queue),
        _ => Effects::default(),
    };
    if fx.hang {
        return Outcome::Hang;
    }
    let reply = if let Some(code) = fx.status {
        Reply::error(code, &status_message(code))
    } else if fx.html {
        Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: HTML_PAGE.to_string(),
        }
    } else {
        let mut r = handle(store, method, url, &route, page_size, &fx, now);
        if fx.truncated {
            r.body = truncate(&r.body);
        }
        r
    };
    Outcome::Send {
        reply,
        delay: fx.delay,
        wire: fx.wire,
    }
}

/// The message of an injected error status, as a real backend would word it.
fn status_message(code: u16) -> String {
    match code {
        401 => "authentication required: your session has expired, sign in again".into(),
        403 => "forbidden: you do not have access to this queue".into(),
        404 => "not found".into(),
        429 => "too many requests: slow down".into(),
        500 => "internal server error: the job store did not answer".into(),
        502..=504 => "the service is temporarily unavailable, try again later".into(),
        c => format!("request failed with status {c}"),
    }
}

/// The contract itself, with the content faults of `fx`.
fn handle(
    store: &Store,
    method: &str,
    url: &str,
    route: &Route,
    page_size: usize,
    fx: &Effects,
    now: Ms,
) -> Reply {
    match method {
        "OPTIONS" => {
            // CORS preflight; the allow headers are added by the caller.
            return Reply {
                status: 204,
                content_type: "text/plain; charset=utf-8",
                body: String::new(),
            };
        }
        "GET" | "HEAD" => {}
        other => {
            return Reply::error(
                405,
                &format!("method {other} not allowed: this API is read-only"),
            )
        }
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let params = Params::parse(query);
    // With the hostile fault on, queue ids arrive as the client saw them.
    let queue = |id: &str| store.queue(id).or_else(|| store.queue(strip_hostile(id)));
    let unknown = |id: &str| Reply::error(404, &format!("unknown queue {id:?}"));
    match route {
        Route::Healthz => Reply {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: "ok".into(),
        },
        Route::Queues => {
            let body = if fx.hostile {
                hostile_queues(&store.queues_body)
            } else {
                store.queues_body.clone()
            };
            Reply::json(padded(body, fx))
        }
        Route::Jobs(id) => queue(id).map_or_else(
            || unknown(id),
            |q| jobs(store, q, &params, page_size, fx, now),
        ),
        Route::Metrics(id) => {
            queue(id).map_or_else(|| unknown(id), |q| metrics(store, q, &params, fx, now))
        }
        Route::NotFound => not_found(path.trim_end_matches('/')),
    }
}

/// `body` padded to the `huge` fault's size, if it is on.
fn padded(body: String, fx: &Effects) -> String {
    match fx.huge_bytes {
        Some(n) => pad(&body, n),
        None => body,
    }
}

fn not_found(path: &str) -> Reply {
    Reply::error(
        404,
        &format!("no such endpoint: {path} (try {BASE}/queues, {BASE}/queues/ID/jobs?from=..&to=.., {BASE}/queues/ID/metrics?run_ids=..)"),
    )
}

/// The cursor the `loop-cursor` fault answers with.
const LOOP_CURSOR: &str = "loop";
/// Prefix of the `endless` fault's cursors.
const ENDLESS_CURSOR: &str = "endless.";

/// `GET /queues/{id}/jobs?from&to[&updated_since][&cursor]`. A read is a
/// snapshot: its first page is as of `now`, and that instant rides in the
/// cursor, so every page of one read (and its `generated_at`) agrees even
/// while the clock moves.
fn jobs(
    store: &Store,
    q: &QueueData,
    params: &Params,
    page_size: usize,
    fx: &Effects,
    now: Ms,
) -> Reply {
    let (from, to) = match (params.time("from"), params.time("to")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Reply::error(400, &e),
    };
    if from >= to {
        return Reply::error(400, "`from` must be before `to`");
    }
    // A queue that does not list the capability ignores it, as a version 1
    // backend ignores a parameter it does not know.
    let since = match params.get("updated_since").filter(|_| q.incremental) {
        None => None,
        Some(_) => match params.time("updated_since") {
            Ok(g) => Some(g),
            Err(e) => return Reply::error(400, &e),
        },
    };
    let mut query = Query {
        from,
        to,
        since,
        at: now,
    };
    let cursor = params.get("cursor");
    let endless_page = cursor
        .filter(|_| fx.endless)
        .and_then(|c| c.strip_prefix(ENDLESS_CURSOR))
        .and_then(|n| n.parse::<u64>().ok());
    let (mut records, next): (Vec<String>, Option<String>) = if let Some(n) = endless_page {
        let jobs = (0..page_size)
            .map(|k| synthetic_job(format!("endless-{n}-{k}"), from, to))
            .collect();
        (
            jobs,
            Some(format!("{ENDLESS_CURSOR}{}", n.saturating_add(1))),
        )
    } else {
        let at = match cursor {
            None => 0,
            Some(LOOP_CURSOR) if fx.loop_cursor => 0,
            Some(c) => match decode_cursor(c, &q.id, &query) {
                Some((at, instant)) => {
                    query.at = instant;
                    at
                }
                None => return Reply::error(
                    400,
                    "bad cursor: pass back next_cursor unchanged, with the same from, to and updated_since",
                ),
            },
        };
        let (page, next) = q.page(&query, store.live, at, page_size);
        let jobs = page.iter().map(|(k, json)| fx.job(json, *k)).collect();
        let next = if fx.loop_cursor {
            Some(LOOP_CURSOR.to_string())
        } else if fx.endless {
            Some(format!("{ENDLESS_CURSOR}1"))
        } else {
            next.map(|n| encode_cursor(n, &q.id, &query))
        };
        (jobs, next)
    };
    if fx.duplicate_ids {
        records = records.into_iter().flat_map(|r| [r.clone(), r]).collect();
    }
    if let Some(bytes) = fx.huge_bytes {
        let mut size: usize = records.iter().map(|r| r.len() + 1).sum();
        let page = cursor.unwrap_or("0");
        let mut k = 0usize;
        while size < bytes {
            let r = synthetic_job(format!("huge-{page}-{k}"), from, to);
            size += r.len() + 1;
            records.push(r);
            k += 1;
        }
    }
    let next = match next {
        Some(n) => serde_json::Value::from(n).to_string(),
        None => "null".to_string(),
    };
    let generated_at = format_rfc3339(query.at.saturating_add(fx.skew));
    let mut body = String::with_capacity(records.iter().map(|j| j.len() + 1).sum::<usize>() + 96);
    body.push_str("{\"jobs\":[");
    body.push_str(&records.join(","));
    body.push_str("],\"next_cursor\":");
    body.push_str(&next);
    body.push_str(",\"generated_at\":\"");
    body.push_str(&generated_at);
    body.push_str("\"}");
    Reply::json(body)
}

/// `GET /queues/{id}/metrics?run_ids=a,b,...`.
fn metrics(store: &Store, q: &QueueData, params: &Params, fx: &Effects, now: Ms) -> Reply {
    let mut ids: Vec<&str> = Vec::new();
    // Spaces after commas are forgiven; other white space (a tab, a CR)
    // can be part of an id.
    for id in params
        .get("run_ids")
        .unwrap_or_default()
        .split(',')
        .map(|id| id.trim_matches(' '))
    {
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Reply::error(
            400,
            "`run_ids` is required: a comma-separated list of run ids",
        );
    }
    if ids.len() > MAX_RUN_IDS_PER_REQUEST {
        return Reply::error(
            400,
            &format!(
                "at most {MAX_RUN_IDS_PER_REQUEST} run ids per request ({} given): batch them",
                ids.len()
            ),
        );
    }
    // With the hostile fault the client asks for the ids it was served.
    let ids: Vec<&str> = ids.into_iter().map(strip_hostile).collect();
    let mut series: Vec<RawSeries> = Vec::new();
    let mut verbatim: Vec<String> = Vec::new();
    if q.fixture_series.is_empty() {
        for id in &ids {
            let Some(job) = q.run_job(id, now, store.live) else {
                continue;
            };
            for metric in Metric::ALL {
                if let Some(s) = run_metrics(store.seed, &job, now, metric) {
                    series.push(RawSeries {
                        run_id: s.run_id,
                        metric: s.metric.as_str().to_string(),
                        t: s.t,
                        v: s.v,
                    });
                }
            }
        }
    } else {
        // A fixture's own series, verbatim (bad ones included) unless a
        // fault has to rewrite them.
        let rewrite = fx.nan || fx.out_of_range || fx.hostile;
        for (_, json) in q
            .fixture_series
            .iter()
            .filter(|(run, _)| run.as_deref().is_some_and(|r| ids.contains(&r)))
        {
            match serde_json::from_str::<RawSeries>(json) {
                Ok(s) if rewrite => series.push(s),
                _ => verbatim.push(json.clone()),
            }
        }
    }
    let mut out: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, s)| series_json(s, i, fx))
        .collect();
    out.extend(verbatim);
    Reply::json(padded(format!("{{\"series\":[{}]}}", out.join(",")), fx))
}

/// One series on the wire; series `i` of the answer gets the `nan` and
/// `out-of-range` faults' values when `i` is even.
fn series_json(s: &RawSeries, i: usize, fx: &Effects) -> String {
    let mut bad: Vec<(usize, &str)> = Vec::new();
    if i.is_multiple_of(2) {
        let mut put = |values: &[&'static str]| {
            let at: Vec<usize> = if s.v.len() > 1 {
                (1..s.v.len()).take(values.len()).collect()
            } else {
                vec![0]
            };
            bad.extend(at.into_iter().zip(values.iter().copied()));
        };
        if fx.nan {
            put(&["NaN", "Infinity", "-Infinity"]);
        }
        if fx.out_of_range {
            put(&["250", "-5"]);
        }
    }
    let run_id = if fx.hostile {
        hostile(&s.run_id, true)
    } else {
        s.run_id.clone()
    };
    let v: Vec<String> =
        s.v.iter()
            .enumerate()
            .map(|(k, x)| {
                bad.iter()
                    .rev()
                    .find(|(at, _)| *at == k)
                    .map_or_else(|| json(x), |(_, lit)| lit.to_string())
            })
            .collect();
    format!(
        "{{\"run_id\":{},\"metric\":{},\"t\":{},\"v\":[{}]}}",
        json(&run_id),
        json(&s.metric),
        json(&s.t),
        v.join(",")
    )
}

/// A value as JSON text (serialising these plain values cannot fail).
fn json<T: serde::Serialize + ?Sized>(x: &T) -> String {
    serde_json::to_string(x).unwrap_or_default()
}

/// Query parameters, percent-decoded; the first of a repeated key wins.
struct Params(Vec<(String, String)>);

impl Params {
    /// A `+` stays a `+` (not a space): the only values with a `+` are
    /// time offsets like `+09:00`, which clients often send unescaped.
    fn parse(query: &str) -> Params {
        let query = query.replace('+', "%2B");
        Params(
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A required RFC 3339 time.
    fn time(&self, key: &str) -> Result<Ms, String> {
        let v = self
            .get(key)
            .ok_or_else(|| format!("`{key}` is required (RFC 3339, e.g. 2026-11-21T08:00:00Z)"))?;
        parse_rfc3339(v).map_err(|e| format!("`{key}`: {e}"))
    }
}

/// Decodes `%XX` escapes of a path segment (invalid UTF-8 becomes U+FFFD).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A stable hash (FNV-1a) that ties a cursor to its query.
fn fnv(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.iter().chain(&[0xff]))
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn cursor_check(at: usize, queue: &str, q: &Query) -> u32 {
    // A tag byte keeps `updated_since` absent apart from `updated_since=0`.
    let since: Vec<u8> = match q.since {
        None => vec![0],
        Some(g) => std::iter::once(1).chain(g.to_le_bytes()).collect(),
    };
    let h = fnv(&[
        queue.as_bytes(),
        &q.from.to_le_bytes(),
        &q.to.to_le_bytes(),
        &since,
        &q.at.to_le_bytes(),
        &(at as u64).to_le_bytes(),
    ]);
    (h >> 32) as u32
}

/// An opaque cursor: where the next page starts and the instant the read
/// is as of, plus a check that ties it to the queue and query it was made
/// for (so a cursor reused with another `from`, `to` or `updated_since` is
/// refused instead of silently skipping jobs).
fn encode_cursor(at: usize, queue: &str, q: &Query) -> String {
    format!(
        "{at:x}.{:x}.{:08x}",
        q.at as u64,
        cursor_check(at, queue, q)
    )
}

/// The position and instant of a cursor made for `queue` and `q` (whose
/// own instant is ignored: the cursor's is the read's).
fn decode_cursor(c: &str, queue: &str, q: &Query) -> Option<(usize, Ms)> {
    let mut parts = c.split('.');
    let at = usize::from_str_radix(parts.next()?, 16).ok()?;
    let instant = u64::from_str_radix(parts.next()?, 16).ok()? as Ms;
    let check = u32::from_str_radix(parts.next()?, 16).ok()?;
    let q = Query { at: instant, ..*q };
    (parts.next().is_none() && check == cursor_check(at, queue, &q)).then_some((at, instant))
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::demo::DemoConfig;
    use serde_json::Value;

    fn store() -> Store {
        Store::generated(
            &DemoConfig {
                jobs: 400,
                ..DemoConfig::default()
            },
            None,
        )
    }

    /// The reply to a request without faults, as of the data's now.
    fn send(s: &Store, method: &str, url: &str, page_size: usize) -> Reply {
        match answer(s, method, url, page_size, &[], s.generated_at) {
            Outcome::Send { reply, delay, .. } if delay.is_zero() => reply,
            other => panic!("{url}: {other:?}"),
        }
    }

    fn get(s: &Store, url: &str) -> (u16, Value) {
        let r = send(s, "GET", url, 50);
        let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        (r.status, v)
    }

    #[test]
    fn errors_are_json_with_the_right_status() {
        let s = store();
        let range = "from=2026-11-21T00:00:00Z&to=2026-11-28T00:00:00Z";
        let cases = [
            ("/api/v1/nothing", 404),
            ("/", 404),
            (
                "/api/v1/queues/nope/jobs?from=2026-11-21T00:00:00Z&to=2026-11-28T00:00:00Z",
                404,
            ),
            ("/api/v1/queues/a100-pool/jobs", 400),
            (
                "/api/v1/queues/a100-pool/jobs?from=yesterday&to=2026-11-28T00:00:00Z",
                400,
            ),
            (
                "/api/v1/queues/a100-pool/jobs?from=2026-11-28T00:00:00Z&to=2026-11-28T00:00:00Z",
                400,
            ),
            (
                &format!("/api/v1/queues/a100-pool/jobs?{range}&cursor=zz"),
                400,
            ),
            (
                &format!("/api/v1/queues/a100-pool/jobs?{range}&cursor=1.00000000"),
                400,
            ),
            ("/api/v1/queues/a100-pool/metrics", 400),
            ("/api/v1/queues/a100-pool/metrics?run_ids=,,", 400),
        ];
        for (url, status) in cases {
            let (st, v) = get(&s, url);
            assert_eq!(st, status, "{url}");
            assert!(
                v["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{url}: {v}"
            );
        }
        assert_eq!(send(&s, "POST", "/api/v1/queues", 10).status, 405);
        assert_eq!(send(&s, "OPTIONS", "/api/v1/queues", 10).status, 204);
        assert_eq!(send(&s, "GET", "/healthz", 10).body, "ok");
    }

    #[test]
    fn cursor_is_tied_to_its_query() {
        let q = |from, to, since| Query {
            from,
            to,
            since,
            at: 99,
        };
        let c = encode_cursor(17, "q", &q(1, 2, None));
        let later = Query {
            at: 150,
            ..q(1, 2, None)
        };
        assert_eq!(
            decode_cursor(&c, "q", &later),
            Some((17, 99)),
            "the read's instant"
        );
        assert_eq!(decode_cursor(&c, "q", &q(1, 3, None)), None);
        assert_eq!(decode_cursor(&c, "q", &q(1, 2, Some(0))), None);
        assert_eq!(decode_cursor(&c, "r", &q(1, 2, None)), None);
        assert_eq!(decode_cursor("", "q", &q(1, 2, None)), None);
        assert_eq!(decode_cursor(&format!("{c}.0"), "q", &q(1, 2, None)), None);
    }

    #[test]
    fn percent_decoding_keeps_plus_and_survives_junk() {
        assert_eq!(
            percent_decode("2026-11-21T17%3A00%3A00%2B09%3A00"),
            "2026-11-21T17:00:00+09:00"
        );
        assert_eq!(
            percent_decode("2026-11-21T17:00:00+09:00"),
            "2026-11-21T17:00:00+09:00"
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    #[test]
    fn offsets_other_than_z_work() {
        let s = store();
        let (a, va) = get(&s, "/api/v1/queues/cpu-batch/jobs?from=2026-11-27T09:00:00%2B09:00&to=2026-11-28T09:00:00+09:00");
        let (b, vb) = get(
            &s,
            "/api/v1/queues/cpu-batch/jobs?from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z",
        );
        assert_eq!((a, b), (200, 200));
        assert_eq!(va["jobs"], vb["jobs"]);
    }
}
